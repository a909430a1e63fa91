// kafka_sink_test.cc — the Kafka sink and source over librdkafka's mock cluster (fast, no broker;
// the real-broker test is tests/kafka/kafka_e2e.sh): topics, keys and headers of dispatch records
// and rejects; the source reads in order to the end, NULL values included, and commits;
// transactions: what read_committed sees, and injected errors retried, abortable or fatal.
#include "runtime/dispatch/kafka_sink.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <map>
#include <string>
#include <vector>

#include "runtime/dispatch/record.h"
#include "runtime/ingress/kafka_source.h"

namespace laud::runtime {
namespace {

struct Mock {
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  std::string bootstrap;
  Mock() {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    cluster = rd_kafka_mock_cluster_new(rk, 1);
    bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
  }
  ~Mock() {
    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(rk);
  }
};

struct Read {
  std::string key, value;
  bool null_value = false;
  std::map<std::string, std::string> headers;
};

// Every message of partition 0 of `topic` (assigned, not subscribed).
std::vector<Read> read_all(const std::string& bootstrap, const std::string& topic, bool committed = false) {
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", "reader", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.partition.eof", "true", err, sizeof err);
  if (committed) rd_kafka_conf_set(conf, "isolation.level", "read_committed", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  std::vector<Read> out;
  for (int i = 0; i < 200; ++i) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    bool eof = m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF;
    if (!m->err) {
      Read r;
      if (m->key) r.key.assign(static_cast<const char*>(m->key), m->key_len);
      r.null_value = m->payload == nullptr;
      if (m->payload) r.value.assign(static_cast<const char*>(m->payload), m->len);
      rd_kafka_headers_t* h = nullptr;
      if (!rd_kafka_message_headers(m, &h)) {
        const char* name;
        const void* v;
        size_t n;
        for (size_t j = 0; !rd_kafka_header_get_all(h, j, &name, &v, &n); ++j)
          r.headers[name] = std::string(static_cast<const char*>(v), n);
      }
      out.push_back(std::move(r));
    }
    rd_kafka_message_destroy(m);
    if (eof) break;
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return out;
}

TEST(KafkaSink, DispatchRecordsAndRejects) {
  Mock mock;
  rd_kafka_mock_topic_create(mock.cluster, "out.sms", 1, 1);
  rd_kafka_mock_topic_create(mock.cluster, "bad", 1, 1);
  KafkaProducer producer;
  std::string error;
  ASSERT_TRUE(producer.open(mock.bootstrap, {{"log_level", "0"}}, &error)) << error;
  KafkaDispatchSink out(producer, "out.");
  KafkaRejectSink rejects(producer, "bad");

  vm::SendDesc send;
  send.channel = vm::Channel::kSms;
  send.line = 3;
  send.col = 5;
  DispatchRecord r;
  r.journey = "welcome";
  r.send = &send;
  r.customer = "c-7";
  r.entry = 1;
  out.write_record(r, R"({"id":"x"})");
  out.set_origin(2, 1234);  // the input message being processed: in the headers
  DispatchRecord r2 = r;
  r2.customer = "c-8";
  out.write_record(r2, R"({"id":"y"})");
  out.clear_origin();
  rejects.set_origin("in", 0, 41);
  rejects.write(R"({"line":42,"reason":"not JSON","input":"{oops"})");
  rejects.reject_null(43);
  ASSERT_TRUE(out.flush()) << out.error;
  EXPECT_EQ(producer.produced(), 4u);

  std::vector<Read> sms = read_all(mock.bootstrap, "out.sms");
  ASSERT_EQ(sms.size(), 2u);
  EXPECT_EQ(sms[0].key, "c-7");
  EXPECT_EQ(sms[0].value, R"({"id":"x"})");
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(dispatch_id(r)));
  EXPECT_EQ(sms[0].headers, (std::map<std::string, std::string>{
                                {"journey", "welcome"}, {"channel", "sms"}, {"dispatch_id", id}}));
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(dispatch_id(r2)));
  EXPECT_EQ(sms[1].key, "c-8");
  EXPECT_EQ(sms[1].headers, (std::map<std::string, std::string>{{"journey", "welcome"},
                                                                  {"channel", "sms"},
                                                                  {"dispatch_id", id},
                                                                  {"input_partition", "2"},
                                                                  {"input_offset", "1234"}}));

  std::vector<Read> bad = read_all(mock.bootstrap, "bad");
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0].value, "{oops");
  EXPECT_EQ(bad[0].headers["reason"], "not JSON");
  EXPECT_EQ(bad[0].headers["line"], "42");
  EXPECT_EQ(bad[0].headers["topic"], "in");
  EXPECT_EQ(bad[0].headers["offset"], "41");
  EXPECT_TRUE(bad[1].null_value);
  EXPECT_EQ(bad[1].headers["reason"], "message has no value (null)");
  EXPECT_EQ(rejects.rejects(), 2u);
}

// With librdkafka 2.0.2's mock coordinator, the second member of the group got its partitions only
// after about the session timeout (30 s with the defaults): keep it at the broker's minimum.
const std::vector<std::pair<std::string, std::string>> kQuickGroup = {
    {"log_level", "0"}, {"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};

TEST(KafkaSource, ReadsInOrderToTheEndAndCommits) {
  Mock mock;
  rd_kafka_mock_topic_create(mock.cluster, "in", 1, 1);
  KafkaProducer producer;
  std::string error;
  ASSERT_TRUE(producer.open(mock.bootstrap, {{"log_level", "0"}}, &error)) << error;
  producer.produce("in", "c-1", "one", {});
  producer.produce("in", "c-2", std::string_view(), {});  // a NULL value
  producer.produce("in", "c-1", "three", {});
  ASSERT_TRUE(producer.flush(&error)) << error;

  for (int round = 0; round < 2; ++round) {
    KafkaSource source;
    ASSERT_TRUE(source.open(mock.bootstrap, "g", {"in"}, kQuickGroup, true, 5000, nullptr, &error)) << error;
    std::vector<std::string> seen;
    KafkaMessage m;
    for (int i = 0; i < 300; ++i) {
      KafkaSource::Poll p = source.poll(100, m, &error);
      ASSERT_NE(p, KafkaSource::Poll::kError) << error;
      if (p == KafkaSource::Poll::kEnd) break;
      if (p == KafkaSource::Poll::kMessage)
        seen.push_back(std::to_string(m.offset) + ":" + (m.value ? std::string(m.value, m.size) : "NULL"));
    }
    ASSERT_TRUE(source.commit(&error)) << error;
    source.close();
    if (round == 0)
      EXPECT_EQ(seen, (std::vector<std::string>{"0:one", "1:NULL", "2:three"}));
    else
      EXPECT_TRUE(seen.empty());  // the offsets were committed: a second member of the group starts after them
  }
}

TEST(KafkaSource, NoBrokerIsAnErrorWithinTheWait) {
  KafkaSource source;
  std::string error;
  EXPECT_FALSE(source.open("127.0.0.1:1", "g", {"in"}, {{"log_level", "0"}}, true, 1000, nullptr, &error));
  EXPECT_EQ(error.rfind("no Kafka broker answered at 127.0.0.1:1 within 1 s", 0), 0u) << error;
}

// Transactions over the mock cluster: a committed transaction is visible to read_committed, an
// aborted one is not; injected errors classify as abortable (a failed delivery), fatal (fenced)
// or retried inside the call (coordinator not available).
std::vector<Read> read_committed(const std::string& bootstrap, const std::string& topic) {
  return read_all(bootstrap, topic, true);
}

// A transactional producer on a fresh mock cluster with one topic "t" of one partition.
class KafkaTransactions : public ::testing::Test {
 protected:
  void SetUp() override {
    rd_kafka_mock_topic_create(mock.cluster, "t", 1, 1);
    ASSERT_TRUE(producer.open(mock.bootstrap, {{"log_level", "0"}}, &error, "laudd.test")) << error;
    ASSERT_TRUE(producer.init_transactions(5000, 5000, &error)) << error;
  }
  Mock mock;
  KafkaProducer producer;  // destroyed before the cluster
  std::string error;
};

TEST_F(KafkaTransactions, CommitAbortAndErrors) {

  ASSERT_EQ(producer.begin(&error), TxnResult::kOk) << error;
  producer.produce_to("t", 0, "k", "committed");
  ASSERT_EQ(producer.commit(nullptr, nullptr, &error), TxnResult::kOk) << error;
  ASSERT_EQ(producer.begin(&error), TxnResult::kOk) << error;
  producer.produce_to("t", 0, "k", "aborted");
  ASSERT_EQ(producer.abort(&error), TxnResult::kOk) << error;

  // A retriable EndTxn error is retried inside commit().
  rd_kafka_mock_push_request_errors(mock.cluster, 26 /* EndTxn */, 1, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE);
  ASSERT_EQ(producer.begin(&error), TxnResult::kOk) << error;
  producer.produce_to("t", 0, "k", "after a retry");
  ASSERT_EQ(producer.commit(nullptr, nullptr, &error), TxnResult::kOk) << error;

  // A failed delivery: the transaction must be aborted; then the producer goes on.
  rd_kafka_mock_push_request_errors(mock.cluster, 0 /* Produce */, 1, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
  ASSERT_EQ(producer.begin(&error), TxnResult::kOk) << error;
  producer.produce_to("t", 0, "k", "failed");
  EXPECT_EQ(producer.commit(nullptr, nullptr, &error), TxnResult::kAbort);
  EXPECT_NE(error.find("too large"), std::string::npos) << error;
  ASSERT_EQ(producer.abort(&error), TxnResult::kOk) << error;
  // The daemon begins again (after a rewind). librdkafka's mock cluster does not bump the producer
  // epoch after a failed delivery as a broker does, so the first try may fail with "skipped
  // sequence numbers" (abortable as well); the daemon aborts and rewinds again.
  TxnResult again = TxnResult::kAbort;
  for (int attempt = 0; attempt < 3 && again == TxnResult::kAbort; ++attempt) {
    if (attempt) {
      ASSERT_EQ(producer.abort(&error), TxnResult::kOk) << error;
    }
    ASSERT_EQ(producer.begin(&error), TxnResult::kOk) << error;
    producer.produce_to("t", 0, "k", "after an abort");
    again = producer.commit(nullptr, nullptr, &error);
  }
  ASSERT_EQ(again, TxnResult::kOk) << error;

  std::vector<Read> got = read_committed(mock.bootstrap, "t");
  std::vector<std::string> values;
  for (const Read& r : got) values.push_back(r.value);
  EXPECT_EQ(values, (std::vector<std::string>{"committed", "after a retry", "after an abort"}));

  // Fenced by a newer producer with the same transactional.id: fatal. (The mock cluster does not
  // fence by epoch: the broker's answer is injected.)
  rd_kafka_mock_push_request_errors(mock.cluster, 26 /* EndTxn */, 1, RD_KAFKA_RESP_ERR_PRODUCER_FENCED);
  ASSERT_EQ(producer.begin(&error), TxnResult::kOk) << error;
  producer.produce_to("t", 0, "k", "zombie");
  TxnResult r = producer.commit(nullptr, nullptr, &error);
  EXPECT_EQ(r, TxnResult::kFatal) << error;
  EXPECT_NE(error.find("fenced"), std::string::npos) << error;
}

// A commit in the background: what is produced meanwhile is held, not sent, and goes into the next
// transaction after the outcome (in order, headers kept); an aborted commit drops it.
TEST_F(KafkaTransactions, BackgroundCommitHoldsMessagesUntilItsOutcome) {

  ASSERT_EQ(producer.begin(&error), TxnResult::kOk) << error;
  producer.produce_to("t", 0, "k", "first");
  producer.commit_start(nullptr, nullptr);
  EXPECT_TRUE(producer.committing());
  producer.produce_to("t", 0, "k", "held 1");
  producer.produce("t", "k", "held 2", {{"journey", "welcome"}});
  EXPECT_EQ(producer.held(), 2u);
  EXPECT_EQ(producer.produced(), 1u);
  std::optional<TxnResult> r = producer.commit_result(true, &error);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(*r, TxnResult::kOk) << error;
  EXPECT_FALSE(producer.committing());
  EXPECT_FALSE(producer.commit_result(false, &error).has_value());  // none running
  ASSERT_EQ(producer.begin(&error), TxnResult::kOk) << error;
  producer.release();
  EXPECT_EQ(producer.held(), 0u);
  EXPECT_EQ(producer.produced(), 3u);
  ASSERT_EQ(producer.commit(nullptr, nullptr, &error), TxnResult::kOk) << error;

  std::vector<Read> got = read_committed(mock.bootstrap, "t");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].value, "first");
  EXPECT_EQ(got[1].value, "held 1");
  EXPECT_EQ(got[2].value, "held 2");
  EXPECT_EQ(got[2].key, "k");
  EXPECT_EQ(got[2].headers, (std::map<std::string, std::string>{{"journey", "welcome"}}));

  // A failed delivery: the background commit's outcome is kAbort, and abort() drops what was held.
  rd_kafka_mock_push_request_errors(mock.cluster, 0 /* Produce */, 1, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
  ASSERT_EQ(producer.begin(&error), TxnResult::kOk) << error;
  producer.produce_to("t", 0, "k", "failed");
  producer.commit_start(nullptr, nullptr);
  producer.produce_to("t", 0, "k", "held, then dropped");
  r = producer.commit_result(true, &error);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, TxnResult::kAbort) << error;
  EXPECT_EQ(producer.held(), 1u);
  ASSERT_EQ(producer.abort(&error), TxnResult::kOk) << error;
  EXPECT_EQ(producer.held(), 0u);
  got = read_committed(mock.bootstrap, "t");
  EXPECT_EQ(got.size(), 3u);
}

}  // namespace
}  // namespace laud::runtime
