// create_topic.cc — test helper: creates a Kafka topic with N partitions (librdkafka admin API),
// since the broker's auto-created topics have num.partitions=4 and the e2e test needs exactly one.
// Usage: laud_kafka_create_topic BOOTSTRAP TOPIC PARTITIONS. Exit 0 created (or exists), 1 error.
#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP TOPIC PARTITIONS\n", argv[0]);
    return 2;
  }
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "create_topic: %s\n", err);
    return 1;
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    std::fprintf(stderr, "create_topic: %s\n", err);
    return 1;
  }
  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(argv[2], std::atoi(argv[3]), 1, err, sizeof err);
  if (!topic) {
    std::fprintf(stderr, "create_topic: %s\n", err);
    return 1;
  }
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &topic, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30'000);
  int rc = 1;
  if (!ev) {
    std::fprintf(stderr, "create_topic: no answer within 30 s\n");
  } else if (rd_kafka_event_error(ev)) {
    std::fprintf(stderr, "create_topic: %s\n", rd_kafka_event_error_string(ev));
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    rc = 0;
    for (size_t i = 0; i < n; ++i) {
      rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
      if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        std::fprintf(stderr, "create_topic: %s: %s\n", rd_kafka_topic_result_name(results[i]),
                     rd_kafka_topic_result_error_string(results[i]));
        rc = 1;
      }
    }
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  rd_kafka_NewTopic_destroy(topic);
  rd_kafka_destroy(rk);
  return rc;
}
