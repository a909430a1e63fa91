// create_topic.cc — test helper for a run's topics (librdkafka admin API). Creates one topic with N
// partitions (the broker auto-creates with num.partitions=4, the tests need exact counts), or, with
// --delete, removes every topic whose name starts with PREFIX and the consumer group PREFIX, so that
// test runs do not pile topics up on a long-lived broker.
// Usage: laud_kafka_create_topic BOOTSTRAP TOPIC PARTITIONS | BOOTSTRAP --delete PREFIX. Exit 0 done, 1 error.
#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr int kTimeoutMs = 30'000;

rd_kafka_t* connect(const char* bootstrap) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof err) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "create_topic: %s\n", err);
    rd_kafka_conf_destroy(conf);
    return nullptr;
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) std::fprintf(stderr, "create_topic: %s\n", err);
  return rk;
}

// Waits for the admin result on q; null (with the error printed) on a timeout or a request-level error.
rd_kafka_event_t* await(rd_kafka_queue_t* q, const char* what) {
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, kTimeoutMs);
  if (!ev) {
    std::fprintf(stderr, "create_topic: %s: no answer within 30 s\n", what);
  } else if (rd_kafka_event_error(ev)) {
    std::fprintf(stderr, "create_topic: %s: %s\n", what, rd_kafka_event_error_string(ev));
    rd_kafka_event_destroy(ev);
    ev = nullptr;
  }
  return ev;
}

// 0 when every per-topic result is fine or the error `harmless`; else 1, each error printed.
int check_results(const rd_kafka_topic_result_t** results, size_t n, rd_kafka_resp_err_t harmless, const char* doing) {
  int rc = 0;
  for (size_t i = 0; i < n; ++i) {
    rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
    if (e && e != harmless) {
      std::fprintf(stderr, "create_topic: %s %s: %s\n", doing, rd_kafka_topic_result_name(results[i]),
                   rd_kafka_topic_result_error_string(results[i]));
      rc = 1;
    }
  }
  return rc;
}

int create(rd_kafka_t* rk, const char* name, int partitions) {
  char err[512];
  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(name, partitions, 1, err, sizeof err);
  if (!topic) {
    std::fprintf(stderr, "create_topic: %s\n", err);
    return 1;
  }
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &topic, 1, nullptr, q);
  int rc = 1;
  if (rd_kafka_event_t* ev = await(q, "create")) {
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    rc = check_results(results, n, RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS, "creating");
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_queue_destroy(q);
  rd_kafka_NewTopic_destroy(topic);
  return rc;
}

// Deletes the topics named PREFIX* and the group PREFIX (a missing group is fine).
int remove_run(rd_kafka_t* rk, const char* prefix) {
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, nullptr, &md, kTimeoutMs)) {
    std::fprintf(stderr, "create_topic: listing topics: %s\n", rd_kafka_err2str(e));
    return 1;
  }
  std::vector<rd_kafka_DeleteTopic_t*> topics;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const char* name = md->topics[i].topic;
    if (std::strncmp(name, prefix, std::strlen(prefix)) == 0) topics.push_back(rd_kafka_DeleteTopic_new(name));
  }
  rd_kafka_metadata_destroy(md);
  int rc = 0;
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  if (!topics.empty()) {
    rd_kafka_DeleteTopics(rk, topics.data(), topics.size(), nullptr, q);
    if (rd_kafka_event_t* ev = await(q, "delete topics")) {
      size_t n = 0;
      const rd_kafka_topic_result_t** res = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
      rc = check_results(res, n, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "deleting");
      rd_kafka_event_destroy(ev);
    } else {
      rc = 1;
    }
    rd_kafka_DeleteTopic_destroy_array(topics.data(), topics.size());
  }
  rd_kafka_DeleteGroup_t* group = rd_kafka_DeleteGroup_new(prefix);
  rd_kafka_DeleteGroups(rk, &group, 1, nullptr, q);
  if (rd_kafka_event_t* ev = await(q, "delete group")) rd_kafka_event_destroy(ev);  // best effort
  rd_kafka_DeleteGroup_destroy(group);
  rd_kafka_queue_destroy(q);
  if (rc == 0) std::printf("create_topic: deleted %zu topics %s*\n", topics.size(), prefix);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP TOPIC PARTITIONS\n       %s BOOTSTRAP --delete PREFIX\n", argv[0], argv[0]);
    return 2;
  }
  bool remove = std::strcmp(argv[2], "--delete") == 0;
  if (remove && std::strncmp(argv[3], "laud.", 5) != 0) {  // never a broker-wide sweep by mistake
    std::fprintf(stderr, "create_topic: --delete needs a prefix starting with laud., not '%s'\n", argv[3]);
    return 2;
  }
  rd_kafka_t* rk = connect(argv[1]);
  if (!rk) return 1;
  int rc = remove ? remove_run(rk, argv[3]) : create(rk, argv[2], std::atoi(argv[3]));
  rd_kafka_destroy(rk);
  return rc;
}
