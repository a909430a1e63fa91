// kafka_sink.cc — the Kafka producer behind dispatch records and rejects (librdkafka C API):
// idempotent producer, delivery reports counted, flush() waits for every message.
#include "runtime/dispatch/kafka_sink.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <simdjson.h>

#include "runtime/dispatch/record.h"
#include "runtime/kafka/client_log.h"
#include "vm/module.h"

namespace laud::runtime {

KafkaProducer::~KafkaProducer() {
  if (commit_done_.valid()) commit_done_.wait();  // its thread uses rk_
  if (rk_) {
    rd_kafka_flush(rk_, 10'000);
    rd_kafka_destroy(rk_);
  }
}

void KafkaProducer::on_delivery(rd_kafka_t*, const void* message, void* opaque) {
  const auto* m = static_cast<const rd_kafka_message_t*>(message);
  auto* self = static_cast<KafkaProducer*>(opaque);
  // A report of an earlier (aborted) transaction's message does not fail the current one.
  if (m->err && reinterpret_cast<uintptr_t>(m->_private) == self->txn_seq_) {
    if (self->failed_++ == 0)
      self->first_failure_ = fmt::format("delivery to {} failed: {}", rd_kafka_topic_name(m->rkt), rd_kafka_err2str(m->err));
  }
}

bool KafkaProducer::open(const std::string& bootstrap,
                         const std::vector<std::pair<std::string, std::string>>& properties, std::string* error,
                         const std::string& transactional_id) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const std::string& k, const std::string& v) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      *error = fmt::format("producer property {}={}: {}", k, v, err);
      return false;
    }
    return true;
  };
  // retry.backoff.ms: the next transaction's first requests meet CONCURRENT_TRANSACTIONS while the
  // broker writes the last one's markers; librdkafka waits this long before retrying (default 100).
  if (!set("bootstrap.servers", bootstrap) || !set("enable.idempotence", "true") || !set("linger.ms", "5") ||
      !set("retry.backoff.ms", "10")) {
    rd_kafka_conf_destroy(conf);
    return false;
  }
  transactional_ = !transactional_id.empty();
  // A transaction that stays open this long (a killed laudd) is aborted by the broker: this bounds
  // how long read_committed consumers of a killed instance's partitions wait.
  if (transactional_ && (!set("transactional.id", transactional_id) || !set("transaction.timeout.ms", "10000"))) {
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
  set_client_log(conf);
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk_) {
    *error = fmt::format("cannot create the Kafka producer: {}", err);
    return false;
  }
  return true;
}

void KafkaProducer::produce(const std::string& topic, std::string_view key, std::string_view value,
                            std::initializer_list<std::pair<const char*, std::string_view>> headers) {
  if (committing_) return hold(topic, RD_KAFKA_PARTITION_UA, key, value, headers);
  rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
  for (const auto& [name, v] : headers) rd_kafka_header_add(hdrs, name, -1, v.data(), static_cast<ssize_t>(v.size()));
  send(topic.c_str(), RD_KAFKA_PARTITION_UA, key, value, hdrs);
}

void KafkaProducer::produce_to(const std::string& topic, int32_t partition, std::string_view key,
                               std::string_view value) {
  if (committing_) return hold(topic, partition, key, value, {});
  send(topic.c_str(), partition, key, value, nullptr);
}

// One message into the open transaction (`headers`: an rd_kafka_headers_t* the message takes, or
// null); waits while librdkafka's queue is full.
void KafkaProducer::send(const char* topic, int32_t partition, std::string_view key, std::string_view value,
                         void* headers) {
  auto* hdrs = static_cast<rd_kafka_headers_t*>(headers);
  for (;;) {
    // A null RD_KAFKA_V_HEADERS is a message without headers.
    rd_kafka_resp_err_t e = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(txn_seq_)), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;  // the message owns the headers now
    if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk_, 100);
      continue;
    }
    if (hdrs) rd_kafka_headers_destroy(hdrs);
    if (failed_++ == 0)
      first_failure_ = partition == RD_KAFKA_PARTITION_UA
                           ? fmt::format("produce to {} failed: {}", topic, rd_kafka_err2str(e))
                           : fmt::format("produce to {} [{}] failed: {}", topic, partition, rd_kafka_err2str(e));
    return;
  }
  ++produced_;
  rd_kafka_poll(rk_, 0);
}

std::string KafkaProducer::failure_text() const {
  return fmt::format("{} ({} messages failed)", first_failure_, failed_);
}

KafkaProducer::Span KafkaProducer::keep(std::string_view bytes) {
  Span s{static_cast<uint32_t>(held_bytes_.size()), static_cast<uint32_t>(bytes.size())};
  held_bytes_.append(bytes);
  return s;
}

void KafkaProducer::hold(const std::string& topic, int32_t partition, std::string_view key, std::string_view value,
                         std::initializer_list<std::pair<const char*, std::string_view>> headers) {
  Held h;
  h.topic = keep(topic);
  h.key = keep(key);
  h.value = keep(value);
  h.partition = partition;
  h.first_header = static_cast<uint32_t>(held_headers_.size());
  h.header_count = static_cast<uint32_t>(headers.size());
  for (const auto& [name, v] : headers) {
    held_headers_.push_back(keep(name));
    held_headers_.push_back(keep(v));
  }
  held_.push_back(h);
}

void KafkaProducer::release() {
  for (const Held& h : held_) {
    rd_kafka_headers_t* hdrs = nullptr;
    if (h.partition == RD_KAFKA_PARTITION_UA) {  // produce(): headers, even none
      hdrs = rd_kafka_headers_new(h.header_count);
      for (uint32_t i = 0; i < h.header_count; ++i) {
        std::string_view name = view(held_headers_[h.first_header + 2 * i]), v = view(held_headers_[h.first_header + 2 * i + 1]);
        rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()), v.data(), static_cast<ssize_t>(v.size()));
      }
    }
    topic_scratch_.assign(view(h.topic));
    send(topic_scratch_.c_str(), h.partition, view(h.key), view(h.value), hdrs);
  }
  drop_held();
}

void KafkaProducer::drop_held() {
  held_.clear();
  held_headers_.clear();
  held_bytes_.clear();
}

TxnResult KafkaProducer::classify(void* txn_error, const char* what, std::string* error) {
  auto* e = static_cast<rd_kafka_error_t*>(txn_error);
  *error = fmt::format("Kafka {}: {}", what, rd_kafka_error_string(e));
  TxnResult r = rd_kafka_error_is_fatal(e) ? TxnResult::kFatal : TxnResult::kAbort;
  if (r == TxnResult::kAbort && !rd_kafka_error_txn_requires_abort(e) && !rd_kafka_error_is_retriable(e))
    r = TxnResult::kFatal;  // e.g. an illegal state: nothing to abort, nothing to retry
  rd_kafka_error_destroy(e);
  return r;
}

// Calls `f` (a librdkafka transaction call) until it does not fail with a retriable error;
// warns on each retry (the calls themselves block up to their timeout: no spinning).
template <typename F>
static rd_kafka_error_t* retrying(const char* what, F f) {
  for (int attempt = 1;; ++attempt) {
    rd_kafka_error_t* e = f();
    if (!e || !rd_kafka_error_is_retriable(e)) return e;
    fmt::print(stderr, "laudd: warning: Kafka {} (attempt {}): {}; retrying\n", what, attempt, rd_kafka_error_string(e));
    rd_kafka_error_destroy(e);
  }
}

bool KafkaProducer::init_transactions(int timeout_ms, int give_up_ms, std::string* error) {
  for (int waited = 0;; waited += timeout_ms) {
    rd_kafka_error_t* e = rd_kafka_init_transactions(rk_, timeout_ms);
    if (!e) return true;
    bool retry = rd_kafka_error_is_retriable(e) && waited + timeout_ms < give_up_ms;
    *error = fmt::format("Kafka init_transactions: {}", rd_kafka_error_string(e));
    rd_kafka_error_destroy(e);
    if (!retry) return false;
    fmt::print(stderr, "laudd: warning: {}; retrying\n", *error);
  }
}

TxnResult KafkaProducer::begin(std::string* error) {
  if (rd_kafka_error_t* e = rd_kafka_begin_transaction(rk_)) return classify(e, "begin_transaction", error);
  in_txn_ = true;
  ++txn_seq_;
  failed_ = 0;
  first_failure_.clear();
  return TxnResult::kOk;
}

// The consumer's group metadata when there are offsets to send (null otherwise).
static rd_kafka_consumer_group_metadata_t* group_metadata(rd_kafka_t* consumer, void* offsets) {
  auto* list = static_cast<rd_kafka_topic_partition_list_t*>(offsets);
  return consumer && list && list->cnt > 0 ? rd_kafka_consumer_group_metadata(consumer) : nullptr;
}

TxnResult KafkaProducer::commit(rd_kafka_t* consumer, void* offsets, std::string* error) {
  if (failed_ > 0) {
    *error = failure_text();
    return TxnResult::kAbort;
  }
  rd_kafka_consumer_group_metadata_t* meta = group_metadata(consumer, offsets);
  TxnResult r = send_offsets_and_commit(meta, offsets, error);
  if (meta) rd_kafka_consumer_group_metadata_destroy(meta);
  if (r == TxnResult::kOk) in_txn_ = false;
  rd_kafka_poll(rk_, 0);
  return r;
}

TxnResult KafkaProducer::send_offsets_and_commit(void* metadata, void* offsets, std::string* error) {
  auto* list = static_cast<rd_kafka_topic_partition_list_t*>(offsets);
  auto* meta = static_cast<rd_kafka_consumer_group_metadata_t*>(metadata);
  auto t0 = std::chrono::steady_clock::now();
  struct Timed {
    std::chrono::steady_clock::time_point t0;
    std::chrono::steady_clock::duration& total;
    ~Timed() { total += std::chrono::steady_clock::now() - t0; }
  } timed{t0, commit_time_};
  if (meta) {
    rd_kafka_error_t* e = retrying("send_offsets_to_transaction",
                                   [&] { return rd_kafka_send_offsets_to_transaction(rk_, list, meta, 10'000); });
    offsets_time_ += std::chrono::steady_clock::now() - t0;
    if (e) return classify(e, "send_offsets_to_transaction", error);
  }
  if (rd_kafka_error_t* e = retrying("commit_transaction", [&] { return rd_kafka_commit_transaction(rk_, 10'000); }))
    return classify(e, "commit_transaction", error);
  return TxnResult::kOk;
}

// The group metadata is taken here, on the caller's thread, with the offsets of the same moment.
// Delivery reports of the transaction are served by commit_transaction on the commit's thread,
// which alone touches failed_ until commit_result() has joined it.
void KafkaProducer::commit_start(rd_kafka_t* consumer, void* offsets) {
  auto* list = static_cast<rd_kafka_topic_partition_list_t*>(offsets);
  committing_ = true;
  if (failed_ > 0) {
    std::string error = failure_text();
    if (list) rd_kafka_topic_partition_list_destroy(list);
    std::promise<std::pair<TxnResult, std::string>> failed;
    failed.set_value({TxnResult::kAbort, std::move(error)});
    commit_done_ = failed.get_future();
    return;
  }
  rd_kafka_consumer_group_metadata_t* meta = group_metadata(consumer, list);
  commit_done_ = std::async(std::launch::async, [this, meta, list] {
    std::string error;
    TxnResult r = send_offsets_and_commit(meta, list, &error);
    if (meta) rd_kafka_consumer_group_metadata_destroy(meta);
    if (list) rd_kafka_topic_partition_list_destroy(list);
    return std::pair{r, std::move(error)};
  });
}

std::optional<TxnResult> KafkaProducer::commit_result(bool wait, std::string* error) {
  if (!committing_) return std::nullopt;
  if (!wait && commit_done_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return std::nullopt;
  auto [r, message] = commit_done_.get();
  committing_ = false;
  if (r == TxnResult::kOk) in_txn_ = false;
  *error = std::move(message);
  rd_kafka_poll(rk_, 0);
  return r;
}

TxnResult KafkaProducer::abort(std::string* error) {
  drop_held();
  rd_kafka_error_t* e = retrying("abort_transaction", [&] { return rd_kafka_abort_transaction(rk_, 10'000); });
  rd_kafka_poll(rk_, 0);
  failed_ = 0;
  first_failure_.clear();
  in_txn_ = false;
  if (e) return classify(e, "abort_transaction", error);
  return TxnResult::kOk;
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
    *error = failure_text();
    return false;
  }
  return true;
}

void KafkaDispatchSink::write(std::string_view line) { producer_.produce(prefix_ + "unknown", {}, line, {}); }

void KafkaDispatchSink::write_record(const DispatchRecord& r, std::string_view line) {
  std::string_view channel = vm::channel_name(r.send->channel);
  topic_.assign(prefix_).append(channel);
  id_ = fmt::format("{:016x}", dispatch_id(r));
  if (origin_partition_ < 0) {
    producer_.produce(topic_, r.customer, line, {{"journey", r.journey}, {"channel", channel}, {"dispatch_id", id_}});
    return;
  }
  origin_partition_text_ = fmt::format_int(origin_partition_).str();
  origin_offset_text_ = fmt::format_int(origin_offset_).str();
  producer_.produce(topic_, r.customer, line,
                    {{"journey", r.journey},
                     {"channel", channel},
                     {"dispatch_id", id_},
                     {"input_partition", origin_partition_text_},
                     {"input_offset", origin_offset_text_}});
}

void KafkaRejectSink::set_origin(std::string_view topic, int32_t partition, int64_t offset, std::string_view value,
                                 bool has_value) {
  original_ = value;
  has_original_ = has_value;
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
  produce(has_original_ ? original_ : input, reason, static_cast<uint64_t>(line));
}

}  // namespace laud::runtime
