// kafka_source.h — Event Ingress from Kafka (docs/kafka.md): a consumer-group member
// (cooperative-sticky, read_committed, no auto commit) polled one message at a time with
// rd_kafka_consumer_poll. The caller commits the offsets: with commit() (at-least-once), or in its
// producer's transaction (exactly-once, runtime/kafka/daemon.cc; partitions paused on assignment
// until their state is restored).
#pragma once

#include <chrono>
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
  std::string_view key;         // empty: a message without a key
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

  using Partitions = std::vector<std::pair<std::string, int32_t>>;
  // Called from inside poll() after partitions were assigned (`pause_on_assign`: they are paused
  // first), and before they are given up (`lost`: taken away without a chance to commit). Set
  // before open().
  void set_rebalance_handlers(bool pause_on_assign, std::function<void(const Partitions&)> assigned,
                              std::function<void(const Partitions&, bool lost)> revoking);
  // Moves a partition's position (pending offset dropped, end-of-partition cleared).
  bool seek(const std::string& topic, int32_t partition, int64_t offset, std::string* error);
  void pause(const std::string& topic, int32_t partition, bool paused);
  // The group's committed offset of a partition (waits for pending transactional commits); -1: none.
  bool committed(const std::string& topic, int32_t partition, int64_t& offset, std::string* error);
  rd_kafka_t* handle() { return rk_; }

 private:
  // An unknown input topic is an error (a typo in the config) once this long has passed since open().
  static constexpr std::chrono::seconds kUnknownTopicGrace{15};
  static bool drop_partition_eof();
  static void on_rebalance(rd_kafka_t* rk, int err, rd_kafka_topic_partition_list_t* parts, void* opaque);
  rd_kafka_t* rk_ = nullptr;
  void* current_ = nullptr;  // the rd_kafka_message_t of the last kMessage
  std::chrono::steady_clock::time_point opened_at_;
  bool stop_at_end_ = false;
  std::function<void()> before_revoke_;
  bool pause_on_assign_ = false;
  std::function<void(const Partitions&)> assigned_handler_;
  std::function<void(const Partitions&, bool)> revoking_handler_;
  // Assigned partitions: at end of partition (stop_at_end) or not.
  std::map<std::pair<std::string, int32_t>, bool> assigned_;
  // Next offsets to commit.
  std::map<std::pair<std::string, int32_t>, int64_t> pending_;
};

}  // namespace laud::runtime
