// rabbitmq_sink.h — Messaging Dispatcher on RabbitMQ (rabbitmq-c; docs/kafka.md, "RabbitMQ sink"):
// one AMQP connection with one channel in publisher-confirm mode; dispatch records go to a durable
// direct exchange, routing key = channel, each channel's durable queue bound to it. Persistent
// messages with message_id = dispatch id and headers journey, channel, dispatch_id, customer.
#pragma once

#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/config/config.h"
#include "runtime/dispatch/sink.h"

typedef struct amqp_connection_state_t_* amqp_connection_state_t;
struct amqp_frame_t_;
struct amqp_rpc_reply_t_;

namespace laud::runtime {

// The connection, its channel 1 (confirm.select) and the publisher-confirm bookkeeping: each
// publish gets the next delivery tag; basic.ack (single or `multiple`) confirms tags. A basic.nack,
// a basic.return (unroutable), or the channel or connection closing is a failure: the connection
// is then unusable, later publishes are dropped and flush() reports the first failure.
class RabbitConnection {
 public:
  RabbitConnection() = default;
  ~RabbitConnection();
  RabbitConnection(const RabbitConnection&) = delete;
  RabbitConnection& operator=(const RabbitConnection&) = delete;

  // TCP connect, login, channel open and confirm.select, each bounded by `c.connect_timeout_ms`;
  // flush() and a full in-flight window wait up to `c.confirm_timeout_ms`. Opening again drops the
  // old connection and its unconfirmed publishes.
  bool open(const RabbitConfig& c, std::string* error);
  bool declare_exchange(const std::string& name, std::string* error);  // durable, direct
  // A durable queue bound to `exchange` with `routing_key`.
  bool declare_queue(const std::string& queue, const std::string& exchange, const std::string& routing_key,
                     std::string* error);
  // Publishes one persistent JSON message (mandatory; no message_id when `message_id` is empty);
  // string headers as name/value pairs (8 at most). Waits for confirms first while kMaxInFlight are
  // unconfirmed.
  void publish(const std::string& exchange, std::string_view routing_key, std::string_view body,
               std::string_view message_id,
               std::initializer_list<std::pair<const char*, std::string_view>> headers);
  // Waits until every publish is confirmed; false with the failure (or the timeout) otherwise.
  bool flush(std::string* error);
  void close();  // connection.close (graceful); the destructor does it too

  uint64_t published() const { return next_tag_ - 1; }
  uint64_t unconfirmed() const { return unconfirmed_; }
  bool failed() const { return !failure_.empty(); }
  const std::string& failure() const { return failure_; }
  amqp_connection_state_t handle() { return conn_; }  // tests

  static constexpr uint64_t kMaxInFlight = 10'000;

 private:
  void reset();  // closes and forgets the connection and its counts
  bool fail(std::string message);
  bool rpc_ok(const char* what, std::string* error);  // the reply of the last RPC
  bool reply_ok(const amqp_rpc_reply_t_& reply, const char* what, std::string* error);
  // Waits up to `timeout_ms` for a frame, then takes every frame that has arrived without waiting
  // more; false once the connection failed.
  bool read_frames(int64_t timeout_ms);
  bool handle_frame(const amqp_frame_t_& frame);
  void confirm(uint64_t tag, bool multiple);
  bool wait_confirms(uint64_t max_unconfirmed, int64_t timeout_ms, std::string* error);

  amqp_connection_state_t conn_ = nullptr;
  RabbitConfig config_;
  bool open_ = false;  // connection.close is still to be sent
  std::string where_;  // "amqp://user@host:port/vhost", in messages
  uint64_t next_tag_ = 1;
  uint64_t first_tag_ = 1;     // the delivery tag of acked_.front()
  std::deque<bool> acked_;     // from first_tag_ up to next_tag_ - 1
  uint64_t unconfirmed_ = 0;
  uint64_t since_drain_ = 0;
  uint64_t dropped_ = 0;  // publishes not sent after a failure, since the last flush
  std::string failure_;
};

// Dispatch records: exchange `c.exchange`, routing key = channel, queue = `c.queue_prefix` + channel
// (declared and bound the first time a channel is seen). write(line) without a record goes to
// routing key "unknown" (queue prefix + "unknown"). Owns its connection.
class RabbitDispatchSink : public LineSink {
 public:
  explicit RabbitDispatchSink(RabbitConfig c) : config_(std::move(c)) {}
  bool open(std::string* error);  // connects and declares the exchange
  void write(std::string_view line) override;
  void write_record(const DispatchRecord& record, std::string_view line) override;
  // True when every record since the last flush is confirmed; false with `error` (also printed as
  // a warning) otherwise, at once. After a failed flush the next record reconnects (while the
  // broker stays away, at most once a second, backing off to once in 30 s), so a caller that
  // replays the batch (laudd aborts the transaction and rewinds) publishes it again: at-least-once.
  bool flush() override;
  RabbitConnection& connection() { return conn_; }
  uint64_t reconnects() const { return reconnects_; }  // attempts, failed ones included
  std::string error;

 private:
  void route(std::string_view channel);  // reconnects when due; declares the channel's queue once
  RabbitConfig config_;
  RabbitConnection conn_;
  bool reconnect_ = false;    // armed by a failed flush
  int64_t reconnect_at_ = 0;  // steady-clock ms
  int64_t backoff_ms_ = 0;    // after a failed reconnection: 1 s, doubling up to 30 s
  uint64_t reconnects_ = 0;
  std::set<std::string, std::less<>> declared_;
  std::string id_;
};

}  // namespace laud::runtime
