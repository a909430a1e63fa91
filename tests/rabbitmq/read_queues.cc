// read_queues.cc — laud_rabbitmq_read HOST PORT [--delete EXCHANGE | --count] QUEUE...: prints every
// message of the queues (basic.get, consumed) as one tab-separated line: queue, routing key,
// message_id, content_type, delivery_mode, headers (name=value, sorted, comma-separated), body. A
// queue that does not exist prints nothing. --delete removes the queues and EXCHANGE afterwards;
// --count only prints how many messages the queues hold together (tests/rabbitmq).
#include <fmt/format.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/rabbitmq/amqp_read.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    fmt::print(stderr, "usage: {} HOST PORT [--delete EXCHANGE | --count] QUEUE...\n", argv[0]);
    return 2;
  }
  std::string host = argv[1], exchange;
  int port = std::atoi(argv[2]);
  int first = 3;
  bool count = std::string(argv[3]) == "--count";
  if (count) first = 4;
  if (std::string(argv[3]) == "--delete" && argc > 4) {
    exchange = argv[4];
    first = 5;
  }
  laud::testing::AmqpReader reader;
  std::string error;
  if (!reader.open(host, port, &error)) {
    fmt::print(stderr, "laud_rabbitmq_read: {}\n", error);
    return 1;
  }
  if (count) {
    uint64_t total = 0;
    for (int i = first; i < argc; ++i) total += reader.count(argv[i]);
    fmt::print("{}\n", total);
    return 0;
  }
  for (int i = first; i < argc; ++i) {
    std::vector<laud::testing::AmqpMessage> messages;
    if (!reader.read(argv[i], messages, &error)) {
      fmt::print(stderr, "laud_rabbitmq_read: {}\n", error);  // a missing queue: 404 NOT_FOUND
      continue;
    }
    for (const auto& m : messages) {
      std::string headers;
      for (const auto& [k, v] : m.headers) headers += fmt::format("{}{}={}", headers.empty() ? "" : ",", k, v);
      fmt::print("{}\t{}\t{}\t{}\t{}\t{}\t{}\n", m.queue, m.routing_key, m.message_id, m.content_type,
                 m.delivery_mode, headers, m.body);
    }
    if (!exchange.empty()) reader.delete_queue(argv[i], &error);
  }
  if (!exchange.empty()) reader.delete_exchange(exchange, &error);
  return 0;
}
