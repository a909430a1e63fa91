// config.h — `laudd run --config FILE`: the TOML configuration of a Kafka run (docs/kafka.md).
// Parsed with toml++; unknown keys and bad values are errors naming FILE:LINE:COL and the key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace laud::runtime {

// [rabbitmq]: the RabbitMQ dispatch sink (runtime/dispatch/rabbitmq_sink.h), with [output] sink = "rabbitmq".
struct RabbitConfig {
  std::string host = "127.0.0.1";
  int port = 5672;
  std::string user = "guest", password = "guest", vhost = "/";
  std::string exchange = "laud.dispatch";      // durable, direct; routing key = channel
  std::string queue_prefix = "laud.dispatch.";  // a durable queue per channel: prefix + channel
  // Both under the Kafka transaction timeout (10 s) together: a flush and a reconnection can fall
  // into one transaction.
  int64_t confirm_timeout_ms = 5'000;  // flush(): the longest wait for publisher confirms
  int64_t connect_timeout_ms = 3'000;  // TCP connect, login, each declaration
  bool operator==(const RabbitConfig&) const = default;
};

struct RunConfig {
  std::string module;                  // relative paths are relative to the config file's folder
  std::string clock = "event";         // "event" | "wall"
  std::optional<int64_t> until;        // ms since the epoch (from an RFC 3339 string)
  std::string stats;                   // path, "-" for stderr, "" for none
  // [kafka]
  std::string bootstrap_servers = "127.0.0.1:19092";
  std::vector<std::string> input_topics{"laud.events"};
  std::string group_id = "laudd";
  std::string dispatch_topic_prefix = "laud.dispatch.";
  std::string rejects_topic = "laud.rejects";
  bool stop_at_end = false;
  // Exactly-once (docs/kafka.md): the compacted changelog topic of the state (partitioned like the
  // input), this process's stable instance id (default: the host name) and its transactional.id
  // (default: group_id + "." + instance id); a transaction per batch of at most batch_messages
  // messages or batch_ms milliseconds.
  std::string changelog_topic = "laud.changelog";
  std::string instance_id;
  std::string transactional_id;
  int64_t batch_messages = 20000;
  int64_t batch_ms = 300;
  // A batch's transaction commits on another thread while the next batch is processed (its
  // messages held until the commit's outcome). Not with the RabbitMQ sink.
  bool commit_in_background = true;
  // Local state (docs/kafka.md): a RocksDB copy of each partition's committed state under this
  // folder, so that a restart reads only the changelog's tail. Empty: the changelog alone.
  std::string state_dir;
  // [kafka.properties]: passed to librdkafka (consumer and producer), in key order.
  std::vector<std::pair<std::string, std::string>> properties;
  // [output] sink: where dispatch records go, "kafka" | "rabbitmq" (rejects stay on Kafka).
  std::string sink = "kafka";
  RabbitConfig rabbitmq;
};

// Parses `text` (named `path` in messages). False with "path:line:col: message" on error.
bool parse_config(std::string_view text, const std::string& path, RunConfig& out, std::string* error);
// Reads and parses a file.
bool load_config(const std::string& path, RunConfig& out, std::string* error);

}  // namespace laud::runtime
