// kafka_sink.cc — the Kafka producer behind dispatch records and rejects (librdkafka C API):
// idempotent producer, delivery reports counted, flush() waits for every message.
#include "runtime/dispatch/kafka_sink.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <simdjson.h>

#include "runtime/dispatch/record.h"
#include "vm/module.h"

namespace laud::runtime {

KafkaProducer::~KafkaProducer() {
  if (rk_) {
    rd_kafka_flush(rk_, 10'000);
    rd_kafka_destroy(rk_);
  }
}

void KafkaProducer::on_delivery(rd_kafka_t*, const void* message, void* opaque) {
  const auto* m = static_cast<const rd_kafka_message_t*>(message);
  auto* self = static_cast<KafkaProducer*>(opaque);
  if (m->err) {
    if (self->failed_++ == 0)
      self->first_failure_ = fmt::format("delivery to {} failed: {}", rd_kafka_topic_name(m->rkt), rd_kafka_err2str(m->err));
  }
}

bool KafkaProducer::open(const std::string& bootstrap,
                         const std::vector<std::pair<std::string, std::string>>& properties, std::string* error) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const std::string& k, const std::string& v) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      *error = fmt::format("producer property {}={}: {}", k, v, err);
      return false;
    }
    return true;
  };
  if (!set("bootstrap.servers", bootstrap) || !set("enable.idempotence", "true") || !set("linger.ms", "5")) {
    rd_kafka_conf_destroy(conf);
    return false;
  }
  for (const auto& [k, v] : properties) {
    // Consumer-only properties are passed to both clients; the producer warns about them and ignores them.
    if (!set(k, v)) {
      rd_kafka_conf_destroy(conf);
      return false;
    }
  }
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque) {
    on_delivery(rk, m, opaque);
  });
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk_) {
    *error = fmt::format("cannot create the Kafka producer: {}", err);
    return false;
  }
  return true;
}

void KafkaProducer::produce(const std::string& topic, std::string_view key, std::string_view value,
                            std::initializer_list<std::pair<const char*, std::string_view>> headers) {
  rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
  for (const auto& [name, v] : headers) rd_kafka_header_add(hdrs, name, -1, v.data(), static_cast<ssize_t>(v.size()));
  for (;;) {
    rd_kafka_resp_err_t e = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;  // the message owns the headers now
    if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk_, 100);
      continue;
    }
    rd_kafka_headers_destroy(hdrs);
    if (failed_++ == 0) first_failure_ = fmt::format("produce to {} failed: {}", topic, rd_kafka_err2str(e));
    return;
  }
  ++produced_;
  rd_kafka_poll(rk_, 0);
}

bool KafkaProducer::flush(std::string* error) {
  for (;;) {
    rd_kafka_resp_err_t e = rd_kafka_flush(rk_, 10'000);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (failed_ == 0 && rd_kafka_outq_len(rk_) == 0) break;
    if (failed_ > 0) break;
    fmt::print(stderr, "laudd: warning: Kafka producer: {} messages still waiting for delivery\n", rd_kafka_outq_len(rk_));
  }
  if (failed_ > 0) {
    *error = fmt::format("{} ({} messages failed)", first_failure_, failed_);
    return false;
  }
  return true;
}

void KafkaDispatchSink::write(std::string_view line) { producer_.produce(prefix_ + "unknown", {}, line, {}); }

void KafkaDispatchSink::write_record(const DispatchRecord& r, std::string_view line) {
  std::string_view channel = vm::channel_name(r.send->channel);
  topic_.assign(prefix_).append(channel);
  id_ = fmt::format("{:016x}", dispatch_id(r));
  producer_.produce(topic_, r.customer, line, {{"journey", r.journey}, {"channel", channel}, {"dispatch_id", id_}});
}

void KafkaRejectSink::set_origin(std::string_view topic, int32_t partition, int64_t offset) {
  origin_topic_.assign(topic);
  partition_ = std::to_string(partition);
  offset_ = std::to_string(offset);
}

void KafkaRejectSink::produce(std::string_view input, std::string_view reason, uint64_t line) {
  ++rejects_;
  producer_.produce(topic_, {}, input,
                    {{"reason", reason}, {"line", std::to_string(line)}, {"topic", origin_topic_},
                     {"partition", partition_}, {"offset", offset_}});
}

void KafkaRejectSink::reject_null(uint64_t line) { produce({}, "message has no value (null)", line); }

void KafkaRejectSink::write(std::string_view json) {
  // The engine's reject line: {"line":N,"reason":"...","input":"..."} (runtime/engine/engine.cc).
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view reason, input;
  int64_t line = 0;
  if (parser.parse(json.data(), json.size()).get(doc) || doc["reason"].get(reason) || doc["input"].get(input) ||
      doc["line"].get(line)) {
    produce(json, "unreadable reject record", 0);
    return;
  }
  produce(input, reason, static_cast<uint64_t>(line));
}

}  // namespace laud::runtime
