// group_lag.cc — test helper: how far a consumer group is behind on a topic: the sum over its
// partitions of (end offset − the group's committed offset), read_committed (pending transactional
// commits are waited for). Usage: laud_kafka_group_lag BOOTSTRAP GROUP TOPIC. Prints the lag; exit 1 on error.
#include <librdkafka/rdkafka.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP GROUP TOPIC\n", argv[0]);
    return 2;
  }
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err) ||
      rd_kafka_conf_set(conf, "group.id", argv[2], err, sizeof err) ||
      rd_kafka_conf_set(conf, "isolation.level", "read_committed", err, sizeof err)) {
    std::fprintf(stderr, "group_lag: %s\n", err);
    return 1;
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    std::fprintf(stderr, "group_lag: %s\n", err);
    return 1;
  }
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, argv[3], nullptr);
  const struct rd_kafka_metadata* md = nullptr;
  if (rd_kafka_metadata(rk, 0, t, &md, 10'000) || md->topic_cnt != 1 || md->topics[0].err) {
    std::fprintf(stderr, "group_lag: no metadata for %s\n", argv[3]);
    return 1;
  }
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
  for (int i = 0; i < md->topics[0].partition_cnt; ++i) rd_kafka_topic_partition_list_add(list, argv[3], i);
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(t);
  if (rd_kafka_resp_err_t e = rd_kafka_committed(rk, list, 30'000)) {
    std::fprintf(stderr, "group_lag: %s\n", rd_kafka_err2str(e));
    return 1;
  }
  long long lag = 0;
  for (int i = 0; i < list->cnt; ++i) {
    int64_t lo = 0, hi = 0;
    if (rd_kafka_query_watermark_offsets(rk, argv[3], list->elems[i].partition, &lo, &hi, 10'000)) {
      std::fprintf(stderr, "group_lag: no watermarks\n");
      return 1;
    }
    int64_t committed = list->elems[i].offset >= 0 ? list->elems[i].offset : lo;
    lag += hi - committed;
  }
  std::printf("%lld\n", lag);
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  return 0;
}
