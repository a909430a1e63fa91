// kafka_source.h — Event Ingress from Kafka (docs/kafka.md): a consumer-group member
// (cooperative-sticky, no auto commit) polled one message at a time with rd_kafka_consumer_poll;
// offsets are committed by the caller after the outputs of a batch are flushed (at-least-once).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_topic_partition_list_s rd_kafka_topic_partition_list_t;

namespace laud::runtime {

struct KafkaMessage {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  const char* value = nullptr;  // null: a message without a value
  size_t size = 0;
};

class KafkaSource {
 public:
  KafkaSource() = default;
  ~KafkaSource();
  KafkaSource(const KafkaSource&) = delete;
  KafkaSource& operator=(const KafkaSource&) = delete;

  // Creates the consumer, waits up to `wait_ms` for the brokers to answer a metadata request
  // (false with a message otherwise), then subscribes. `before_revoke` runs before partitions are
  // given up (flush the outputs, then commit).
  bool open(const std::string& bootstrap, const std::string& group, const std::vector<std::string>& topics,
            const std::vector<std::pair<std::string, std::string>>& properties, bool stop_at_end, int wait_ms,
            std::function<void()> before_revoke, std::string* error);

  enum class Poll { kMessage, kIdle, kEnd, kError };
  // One rd_kafka_consumer_poll: kMessage fills `m` (valid until the next poll); kIdle when nothing
  // came within `timeout_ms`; kEnd when stop_at_end and every assigned partition is at its end;
  // kError with a message for a fatal consumer error.
  Poll poll(int timeout_ms, KafkaMessage& m, std::string* error);
  // Commits (synchronously) the offsets after the messages returned so far.
  bool commit(std::string* error);
  void close();

 private:
  static void on_rebalance(rd_kafka_t* rk, int err, rd_kafka_topic_partition_list_t* parts, void* opaque);
  rd_kafka_t* rk_ = nullptr;
  void* current_ = nullptr;  // the rd_kafka_message_t of the last kMessage
  bool stop_at_end_ = false;
  std::function<void()> before_revoke_;
  // Assigned partitions: at end of partition (stop_at_end) or not.
  std::map<std::pair<std::string, int32_t>, bool> assigned_;
  // Next offsets to commit.
  std::map<std::pair<std::string, int32_t>, int64_t> pending_;
};

}  // namespace laud::runtime
