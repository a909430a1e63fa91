// amqp_read.h — test support for the RabbitMQ sink (rabbitmq-c): read every message of a queue
// (basic.get until empty, auto-acked) with its properties and string headers, and delete the
// queues and exchanges a test declared. Used by rabbitmq_sink_test and laud_rabbitmq_read.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

typedef struct amqp_connection_state_t_* amqp_connection_state_t;
struct amqp_rpc_reply_t_;

namespace laud::testing {

struct AmqpMessage {
  std::string queue, exchange, routing_key, body;
  std::string message_id, content_type;
  int delivery_mode = 0;
  bool has_message_id = false;
  std::map<std::string, std::string> headers;  // the string-valued ones
};

class AmqpReader {
 public:
  AmqpReader() = default;
  ~AmqpReader();
  AmqpReader(const AmqpReader&) = delete;
  AmqpReader& operator=(const AmqpReader&) = delete;
  // guest/guest on vhost "/".
  bool open(const std::string& host, int port, std::string* error);
  // Appends every message now in `queue`; false when the queue does not exist (or on an error).
  bool read(const std::string& queue, std::vector<AmqpMessage>& out, std::string* error);
  // The messages ready in `queue` (a passive queue.declare); 0 when it does not exist.
  uint32_t count(const std::string& queue);
  bool delete_queue(const std::string& queue, std::string* error);
  bool delete_exchange(const std::string& exchange, std::string* error);

 private:
  // The reply of the last RPC (or `reply`); a channel error is answered and a new channel opened.
  bool reply_ok(const char* what, std::string* error);
  bool reply_ok(const amqp_rpc_reply_t_& reply, const char* what, std::string* error);
  amqp_connection_state_t conn_ = nullptr;
  int channel_ = 1;
};

}  // namespace laud::testing
