// kafka_sink.h — Messaging Dispatcher on Kafka (docs/kafka.md): one librdkafka producer; dispatch
// records go to PREFIX+channel keyed by customer with `journey`, `channel`, `dispatch_id` headers;
// rejects go to one topic, the original input as the value and the reason in a header.
#pragma once

#include <chrono>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/dispatch/sink.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace laud::runtime {

// The outcome of a transaction call: done; failed and the transaction must be aborted (then the
// input rewound); or fatal (fenced by a newer producer with the same transactional.id, or an
// unrecoverable producer state): the process must stop.
enum class TxnResult { kOk, kAbort, kFatal };

class KafkaProducer {
 public:
  KafkaProducer() = default;
  ~KafkaProducer();
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;
  // `transactional_id` non-empty: a transactional producer (init_transactions() next).
  bool open(const std::string& bootstrap, const std::vector<std::pair<std::string, std::string>>& properties,
            std::string* error, const std::string& transactional_id = {});
  // Produces one message (headers as name/value pairs); waits while the local queue is full.
  void produce(const std::string& topic, std::string_view key, std::string_view value,
               std::initializer_list<std::pair<const char*, std::string_view>> headers);
  // To an explicit partition, no headers (the changelog).
  void produce_to(const std::string& topic, int32_t partition, std::string_view key, std::string_view value);

  // Transactions (docs/kafka.md, "Exactly-once"). init_transactions fences older producers with
  // the same transactional.id and aborts their open transaction; retriable errors (no broker) are
  // retried with a warning every `timeout_ms` until `give_up_ms` has passed.
  bool init_transactions(int timeout_ms, int give_up_ms, std::string* error);
  TxnResult begin(std::string* error);
  bool in_transaction() const { return in_txn_; }
  // Sends the consumer's offsets (`offsets`: an rd_kafka_topic_partition_list_t*) with the
  // consumer group metadata, then commits; retriable errors are retried (with a warning each time,
  // every few seconds: the broker may be away). kAbort: call abort() and rewind the input.
  TxnResult commit(rd_kafka_t* consumer, void* offsets, std::string* error);
  TxnResult abort(std::string* error);

  // Committing in the background (docs/kafka.md, "Processing while a transaction commits"):
  // commit_start() does what commit() does on another thread and takes the offsets list. Until
  // commit_result() has returned the outcome, the caller must make no other call on this producer
  // but produce() and produce_to(), which keep their messages in memory instead (held); after a
  // kOk, begin() and then release() produce them into the next transaction; after a kAbort,
  // abort() drops them with the transaction's.
  void commit_start(rd_kafka_t* consumer, void* offsets);
  bool committing() const { return committing_; }
  // The background commit's outcome, once it has one (`wait`: blocks until then); nullopt while
  // it runs or when none was started.
  std::optional<TxnResult> commit_result(bool wait, std::string* error);
  size_t held() const { return held_.size(); }
  void release();
  // Waits until every message is delivered; false (with the first delivery error) when one failed.
  bool flush(std::string* error);
  uint64_t produced() const { return produced_; }
  // Time spent in send_offsets_to_transaction over all commits (the rest of commit() is
  // commit_transaction: the flush of what is still in flight and EndTxn).
  std::chrono::steady_clock::duration offsets_time() const { return offsets_time_; }
  // Time spent committing (send_offsets_to_transaction and commit_transaction) over all commits.
  std::chrono::steady_clock::duration commit_time() const { return commit_time_; }
  rd_kafka_t* handle() { return rk_; }

 private:
  static void on_delivery(rd_kafka_t*, const void* message, void* opaque);
  TxnResult classify(void* txn_error, const char* what, std::string* error);
  // commit() without its checks: what commit_start() runs on its thread.
  TxnResult send_offsets_and_commit(void* metadata, void* offsets, std::string* error);
  void send(const char* topic, int32_t partition, std::string_view key, std::string_view value, void* headers);
  void hold(const std::string& topic, int32_t partition, std::string_view key, std::string_view value,
            std::initializer_list<std::pair<const char*, std::string_view>> headers);
  // A held message: spans of held_bytes_ (headers: `header_count` name/value pairs from
  // held_headers_[first_header]).
  struct Span {
    uint32_t at = 0, size = 0;
  };
  struct Held {
    Span topic, key, value;
    int32_t partition = 0;
    uint32_t first_header = 0, header_count = 0;
  };
  Span keep(std::string_view bytes);
  void drop_held();
  // The first failure of the open transaction and how many messages failed.
  std::string failure_text() const;
  std::string_view view(Span s) const { return {held_bytes_.data() + s.at, s.size}; }
  std::vector<Held> held_;
  std::vector<Span> held_headers_;
  std::string held_bytes_, topic_scratch_;
  bool committing_ = false;
  std::future<std::pair<TxnResult, std::string>> commit_done_;
  rd_kafka_t* rk_ = nullptr;
  bool transactional_ = false, in_txn_ = false;
  uintptr_t txn_seq_ = 0;  // the open transaction's number: the opaque of its messages
  uint64_t produced_ = 0;
  uint64_t failed_ = 0;
  std::chrono::steady_clock::duration offsets_time_{}, commit_time_{};
  std::string first_failure_;
};

// Dispatch records: topic = prefix + channel, key = customer.
class KafkaDispatchSink : public LineSink {
 public:
  KafkaDispatchSink(KafkaProducer& producer, std::string prefix) : producer_(producer), prefix_(std::move(prefix)) {}
  void write(std::string_view line) override;  // without a record: to PREFIX+"unknown", no key
  void write_record(const DispatchRecord& record, std::string_view line) override;
  bool flush() override { return producer_.flush(&error); }
  // The input message being processed (its partition and offset go into the headers
  // `input_partition` and `input_offset` of the records written meanwhile); clear_origin() when
  // none is (timers fired by the wall clock, the end of the input).
  void set_origin(int32_t partition, int64_t offset) {
    origin_partition_ = partition;
    origin_offset_ = offset;
  }
  void clear_origin() { origin_partition_ = -1; }
  std::string error;

 private:
  KafkaProducer& producer_;
  std::string prefix_;
  std::string topic_, id_, origin_partition_text_, origin_offset_text_;
  int32_t origin_partition_ = -1;
  int64_t origin_offset_ = -1;
};

// Rejects: receives the engine's `{"line":N,"reason":R,"input":I}` line; produces I with headers
// `reason`, `line` and the origin set by set_origin (`topic`, `partition`, `offset`).
class KafkaRejectSink : public LineSink {
 public:
  KafkaRejectSink(KafkaProducer& producer, std::string topic) : producer_(producer), topic_(std::move(topic)) {}
  // `value`: the message as read (it must outlive the reject); when given, a reject's value is
  // these bytes rather than the engine's JSON-escaped copy (which cannot hold invalid UTF-8).
  void set_origin(std::string_view topic, int32_t partition, int64_t offset, std::string_view value = {},
                  bool has_value = false);
  void write(std::string_view line) override;
  // A message without a value (not an input line the engine could see).
  void reject_null(uint64_t line);
  bool flush() override { return producer_.flush(&error); }
  uint64_t rejects() const { return rejects_; }
  std::string error;

 private:
  void produce(std::string_view input, std::string_view reason, uint64_t line);
  KafkaProducer& producer_;
  std::string topic_;
  std::string origin_topic_, partition_, offset_;
  std::string_view original_;
  bool has_original_ = false;
  uint64_t rejects_ = 0;
};

}  // namespace laud::runtime
