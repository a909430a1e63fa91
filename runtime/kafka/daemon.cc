// daemon.cc — the exactly-once Kafka loop of laudd: partitions are paused on assignment and
// restored from the changelog into a fresh Engine; messages are processed by their partition's
// engine inside a transaction that also carries the changed state and the offsets; an abortable
// failure aborts and rewinds every partition to its committed state and offset.
#include "runtime/kafka/daemon.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include "runtime/dispatch/kafka_sink.h"
#include "runtime/engine/engine.h"
#include "runtime/ingress/decode.h"
#include "runtime/ingress/kafka_source.h"
#include "runtime/kafka/changelog.h"
#include "runtime/kafka/local_state.h"
#include "runtime/kafka/stats_merge.h"
#include "runtime/state/state_source.h"

namespace laud::runtime {

namespace {

constexpr int kBrokerWaitMs = 10'000;

struct Partition {
  std::unique_ptr<Engine> engine;  // null until restored
  int64_t next = -1;               // the offset after the last processed message
  bool touched = false;            // processed something in the open transaction
  std::unique_ptr<LocalState> local;  // with state_dir: the local copy of the committed state
  StatePuts txn;                      // this partition's records in the open transaction (for `local`)
  StatePuts committing;               // those of the transaction being committed
};

// Local state is written at most this often per partition (and at revoke and exit): each write
// asks the broker for the changelog's end, and a restart reads the changelog from the last one.
constexpr auto kLocalFlushEvery = std::chrono::seconds(1);

class Daemon {
 public:
  Daemon(const RunConfig& cfg, const JourneyCatalog& catalog, LineSink* dispatch)
      : cfg_(cfg),
        catalog_(catalog),
        kafka_out_(producer_, cfg.dispatch_topic_prefix),
        out_(dispatch ? *dispatch : kafka_out_),
        external_(dispatch != nullptr),
        rejects_(producer_, cfg.rejects_topic) {
    options_.module_bytes = catalog.bytes();
    options_.clock = cfg.clock == "wall" ? ClockMode::kWall : ClockMode::kEvent;
    options_.until = cfg.until;
    background_ = cfg.commit_in_background && !external_;
  }

  // The consumer goes first: closing it runs the revoke handler, which uses the partitions.
  ~Daemon() { source_.close(); }
  bool open(std::string* error);
  int run(volatile std::sig_atomic_t* stop, bool summary);

 private:
  void assigned(const KafkaSource::Partitions& parts);
  void revoking(const KafkaSource::Partitions& parts, bool lost);
  bool restore_pending();
  bool restore(int32_t p, bool rewind);
  bool begin();
  bool commit();
  bool end_batch();
  rd_kafka_topic_partition_list_t* close_batch();
  bool settle(bool wait);
  bool committed(TxnResult r, std::string& error);
  // The open transaction has run its batch_ms; how long poll() may wait for input (until then).
  bool batch_due() const { return std::chrono::steady_clock::now() - batch_start_ >= std::chrono::milliseconds(cfg_.batch_ms); }
  int poll_timeout_ms() const;
  StatePut state_put(int32_t p, Partition& part);
  void write_state_ahead();
  uint64_t ahead_records_ = 0;  // state records written by write_state_ahead (of state_records_)
  bool fire_idle_timers();
  bool at_end_by_watermarks();
  bool rekey(std::string_view value);
  void flush_local(bool force);
  bool load_local(LocalState& local, int32_t p, StateMap& records, int64_t& from, std::string* error);
  void rewind_all();
  void fatal(std::string message) {
    if (!fatal_) error_ = std::move(message);
    fatal_ = true;
  }
  void report(bool summary);

  const RunConfig& cfg_;
  const JourneyCatalog& catalog_;
  EngineOptions options_;
  KafkaProducer producer_;
  KafkaDispatchSink kafka_out_;
  LineSink& out_;
  bool external_;
  KafkaRejectSink rejects_;
  KafkaSource source_;
  ChangelogReader reader_;
  std::string topic_;
  std::map<int32_t, Partition> parts_;
  std::map<int32_t, bool> to_restore_;  // partition → rewind (seek even to the committed offset)
  bool fatal_ = false;
  std::string error_;
  // Committing in the background (docs/kafka.md): a batch's messages are processed while the
  // transaction before it commits; next_open_ says the batch has begun (its messages are held).
  bool background_ = true, next_open_ = false;
  uint64_t overlapped_ = 0;                       // messages processed while a commit ran
  std::chrono::steady_clock::duration waited_{};  // the main thread's waits for a commit
  uint64_t in_batch_ = 0, null_values_ = 0, transactions_ = 0, aborts_ = 0, restores_ = 0, rekeyed_ = 0;
  // Where committing spends its time (the report line): encoding and producing the changed state
  // (the broker's part is the producer's commit_time()).
  std::chrono::steady_clock::duration state_time_{};
  uint64_t state_records_ = 0;
  EventDecoder rekey_decoder_;
  Event rekey_event_;
  std::chrono::steady_clock::time_point batch_start_, retry_restore_at_, local_flushed_at_, watermarks_asked_at_;
};

bool Daemon::open(std::string* error) {
  if (cfg_.input_topics.size() != 1) {
    *error = "exactly-once with a changelog needs exactly one input topic (kafka.input_topics)";
    return false;
  }
  topic_ = cfg_.input_topics[0];
  source_.set_rebalance_handlers(
      true, [this](const KafkaSource::Partitions& p) { assigned(p); },
      [this](const KafkaSource::Partitions& p, bool lost) { revoking(p, lost); });
  if (!source_.open(cfg_.bootstrap_servers, cfg_.group_id, cfg_.input_topics, cfg_.properties, cfg_.stop_at_end,
                    kBrokerWaitMs, nullptr, error))
    return false;
  if (!producer_.open(cfg_.bootstrap_servers, cfg_.properties, error, cfg_.transactional_id)) return false;
  if (!producer_.init_transactions(kBrokerWaitMs, 60'000, error)) return false;
  if (!ensure_changelog_topic(producer_.handle(), topic_, cfg_.changelog_topic, error)) return false;
  return reader_.open(cfg_.bootstrap_servers, cfg_.group_id + ".changelog", cfg_.properties, error);
}

void Daemon::assigned(const KafkaSource::Partitions& parts) {
  for (const auto& [t, p] : parts) {
    parts_[p] = Partition{};
    to_restore_[p] = false;
  }
}

// Inside poll(): the open transaction is committed before the partitions go (a lost partition
// cannot commit: the transaction is aborted and the partitions kept are rewound).
void Daemon::revoking(const KafkaSource::Partitions& parts, bool lost) {
  settle(true);
  if (lost && producer_.in_transaction()) {
    std::string error;
    fmt::print(stderr, "laudd: warning: partitions lost: aborting the open transaction\n");
    if (producer_.abort(&error) != TxnResult::kOk) fatal(error);
    rewind_all();
  } else if (!lost) {
    commit();
    flush_local(true);
  }
  for (const auto& [t, p] : parts) {
    parts_.erase(p);
    to_restore_.erase(p);
    fmt::print(stderr, "laudd: partition {} [{}] {}\n", t, p, lost ? "lost" : "revoked");
  }
}

void Daemon::rewind_all() {
  for (auto& [p, part] : parts_) {
    source_.pause(topic_, p, true);
    part = Partition{};
    to_restore_[p] = true;
  }
  in_batch_ = 0;
  next_open_ = false;
}

// Restores the paused partitions. A transient failure (the broker away) is logged and retried a
// second later, the consumer being polled meanwhile; malformed state is fatal.
bool Daemon::restore_pending() {
  if (std::chrono::steady_clock::now() < retry_restore_at_) return true;
  while (!to_restore_.empty() && !fatal_) {
    auto [p, rewind] = *to_restore_.begin();
    if (!restore(p, rewind)) {
      retry_restore_at_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      return !fatal_;
    }
    to_restore_.erase(p);
    source_.pause(topic_, p, false);
  }
  return !fatal_;
}

// The partition's state from its changelog, and its position: the offset in the engine record
// (written in the same transaction as the committed offset). When the committed offset is ahead,
// the last transaction's markers have not reached the changelog yet: read it again. (The
// committed offset waits for a pending transaction of a killed owner: up to its timeout, 10 s.)
bool Daemon::restore(int32_t p, bool rewind) {
  std::string error;
  auto transient = [&] {
    fmt::print(stderr, "laudd: warning: restoring {} [{}]: {}; retrying\n", topic_, p, error);
    return false;
  };
  std::unique_ptr<LocalState> local;
  if (!cfg_.state_dir.empty()) {
    local = std::make_unique<LocalState>();
    if (!local->open(cfg_.state_dir, cfg_.changelog_topic, p, &error)) {
      fmt::print(stderr, "laudd: warning: local state: {}; restoring from the changelog alone\n", error);
      local.reset();
    }
  }
  for (int attempt = 0;; ++attempt) {
    StateMap records;
    uint64_t messages = 0, local_records = 0;
    int64_t from = RD_KAFKA_OFFSET_BEGINNING;
    if (local && !load_local(*local, p, records, from, &error)) {
      fmt::print(stderr, "laudd: warning: local state {}: {}; restoring from the changelog alone\n", local->path(), error);
      records.clear();
      from = RD_KAFKA_OFFSET_BEGINNING;
      local.reset();
    }
    local_records = records.size();
    StateMap tail;
    if (!reader_.read(cfg_.changelog_topic, p, tail, messages, &error, from)) return transient();
    // The tail goes into the local copy with the next flush: it holds the transactions committed
    // since the copy's last flush (by a process that then died), which the copy must not miss.
    if (local) {
      StatePuts tail_puts(tail.begin(), tail.end());
      local->add(tail_puts);
    }
    for (auto& [k, v] : tail) records.insert_or_assign(k, std::move(v));
    auto engine = std::make_unique<Engine>(catalog_.module(), out_, &rejects_, options_);
    Position pos;
    bool fresh = true;
    if (!engine->restore_state(state_source(records), pos, fresh, &error)) {
      fatal(fmt::format("changelog {} [{}]: {}", cfg_.changelog_topic, p, error));
      return false;
    }
    int64_t committed = -1;
    if (!source_.committed(topic_, p, committed, &error)) return transient();
    int64_t at = fresh ? committed : static_cast<int64_t>(pos.input_offset);
    if (!fresh && committed > at && attempt < 40) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      continue;
    }
    if (committed >= 0 && committed != at)
      fmt::print(stderr,
                 "laudd: warning: {} [{}]: the changelog's state is at offset {}, the group's committed offset is "
                 "{}; going on from the state's\n",
                 topic_, p, at, committed);
    if (at < 0) at = RD_KAFKA_OFFSET_BEGINNING;
    for (const auto& [k, v] : cfg_.properties)
      if (at < 0 && k == "auto.offset.reset" && (v == "latest" || v == "largest" || v == "end")) at = RD_KAFKA_OFFSET_END;
    // A new assignment starts at the committed offset by itself; seek when the state says
    // otherwise, or after an abort (the consumer read past it).
    if ((rewind || at != committed) && !source_.seek(topic_, p, at, &error)) return transient();
    Partition& part = parts_[p];
    part.engine = std::move(engine);
    part.local = std::move(local);
    part.txn.clear();
    part.next = at >= 0 ? at : -1;
    part.touched = false;
    ++restores_;
    fmt::print(stderr, "laudd: partition {} [{}]: restored {} customers from {}{} changelog records; from offset {}\n",
               topic_, p, part.engine->customers(),
               part.local ? fmt::format("{} local records (changelog offset {}) and ", local_records, from) : "", messages,
               at == RD_KAFKA_OFFSET_BEGINNING ? std::string("beginning")
               : at == RD_KAFKA_OFFSET_END     ? std::string("end")
                                               : std::to_string(at));
    return true;
  }
}

// The committed records kept for each partition's local copy, with the changelog's end: every
// record of this partition's committed transactions is below it (they were appended before their
// commit), so a restart that loads the copy reads the changelog from there.
void Daemon::flush_local(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - local_flushed_at_ < kLocalFlushEvery) return;
  local_flushed_at_ = now;
  for (auto& [p, part] : parts_) {
    if (!part.local || !part.local->has_pending()) continue;
    std::string error;
    int64_t lo = 0, hi = 0;
    if (!reader_.watermarks(cfg_.changelog_topic, p, lo, hi, &error) || !part.local->flush(hi, &error)) {
      // Not fatal: the changelog is the state; this copy only shortens restores.
      fmt::print(stderr, "laudd: warning: local state {}: {}; going on without it\n", part.local->path(), error);
      part.local.reset();
    }
  }
}

// The local copy's records and where the changelog is to be read from. A copy that claims more
// than the changelog holds belongs to another topic of the same name: it is wiped.
bool Daemon::load_local(LocalState& local, int32_t p, StateMap& records, int64_t& from, std::string* error) {
  int64_t offset = -1, lo = 0, hi = 0;
  from = RD_KAFKA_OFFSET_BEGINNING;
  if (!local.load(records, offset, error)) return false;
  if (offset < 0) {
    records.clear();
    return true;
  }
  if (!reader_.watermarks(cfg_.changelog_topic, p, lo, hi, error)) return false;
  if (offset > hi) {
    fmt::print(stderr, "laudd: warning: local state {} reaches changelog offset {}, beyond its end {}: wiped\n",
               local.path(), offset, hi);
    records.clear();
    return local.wipe(error);
  }
  if (offset >= lo) from = offset;  // else the changelog from its start, over the copy
  return true;
}

// A batch begins: its transaction, or while the one before commits, only the batch (its messages
// are held until that commit's outcome: settle()).
bool Daemon::begin() {
  if (producer_.committing()) {
    if (!next_open_) batch_start_ = std::chrono::steady_clock::now();
    next_open_ = true;
    return true;
  }
  if (producer_.in_transaction()) return true;
  std::string error;
  if (producer_.begin(&error) != TxnResult::kOk) {
    fatal(error);
    return false;
  }
  batch_start_ = std::chrono::steady_clock::now();
  return true;
}

// While a commit runs poll() waits at most 1 ms, so that its end is seen (and the messages held
// meanwhile produced) at once.
int Daemon::poll_timeout_ms() const {
  if (producer_.committing()) return 1;
  if (in_batch_ == 0) return 100;
  for (const auto& [p, part] : parts_)  // state to write ahead: no waiting for input (write_state_ahead)
    if (part.touched && part.engine && part.engine->state_pending()) return 0;
  auto left = std::chrono::milliseconds(cfg_.batch_ms) - (std::chrono::steady_clock::now() - batch_start_);
  return static_cast<int>(std::clamp<int64_t>(std::chrono::ceil<std::chrono::milliseconds>(left).count(), 0, 100));
}

// Where partition p's state records go: its changelog partition, in the open transaction, and
// (with state_dir) the records its local copy takes once the transaction commits.
StatePut Daemon::state_put(int32_t p, Partition& part) {
  return [this, p, &part](std::string_view k, std::string_view v) {
    producer_.produce_to(cfg_.changelog_topic, p, k, v);
    ++state_records_;
    if (part.local) part.txn.emplace_back(k, v);
  };
}

// While the input is idle in an open transaction: the records of some changed customers go out
// ahead of the commit (a bounded slice, so that new input waits at most ~1 ms; poll() does not
// wait while some is left), and the commit's own stall on the main thread shrinks to what changed
// since.
void Daemon::write_state_ahead() {
  constexpr size_t kSlice = 128;
  if (producer_.committing()) return;  // it would only be held
  size_t written = 0;
  for (auto& [p, part] : parts_) {
    if (!part.touched || !part.engine || !part.engine->state_pending()) continue;
    uint64_t before = state_records_;
    written += part.engine->collect_some_state(kSlice - written, state_put(p, part));
    ahead_records_ += state_records_ - before;
    if (written >= kSlice) break;
  }
}

// The end of a batch: each partition that processed messages puts its changed state into the
// transaction, and its offset into the list returned (the caller destroys it); the records go
// from `txn` to `committing`, for the local copies once the commit succeeds.
rd_kafka_topic_partition_list_t* Daemon::close_batch() {
  rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(static_cast<int>(parts_.size()));
  auto t0 = std::chrono::steady_clock::now();
  for (auto& [p, part] : parts_) {
    if (!part.touched || !part.engine) continue;
    Position pos;
    pos.input_offset = static_cast<uint64_t>(std::max<int64_t>(part.next, 0));
    part.engine->collect_state(pos, state_put(p, part));
    if (part.next >= 0) rd_kafka_topic_partition_list_add(offsets, topic_.c_str(), p)->offset = part.next;
    part.committing = std::move(part.txn);
    part.txn.clear();
    part.touched = false;
  }
  in_batch_ = 0;
  state_time_ += std::chrono::steady_clock::now() - t0;
  return offsets;
}

// A transaction's outcome. Committed: the records go to the local copies. Abortable: abort and
// rewind every partition. Fatal: stop.
bool Daemon::committed(TxnResult r, std::string& error) {
  if (r == TxnResult::kOk) {
    ++transactions_;
    for (auto& [p, part] : parts_) {
      if (part.local && !part.committing.empty()) part.local->add(part.committing);  // committed: may go to the local copy
      part.committing.clear();
    }
    flush_local(false);
    return true;
  }
  if (r == TxnResult::kFatal) {
    fatal(error);
    return false;
  }
  ++aborts_;
  fmt::print(stderr, "laudd: warning: {}; aborting the transaction and rewinding to the committed state\n", error);
  if (producer_.abort(&error) != TxnResult::kOk) {
    fatal(error);
    return false;
  }
  rewind_all();
  return false;
}

// The transaction now (settling one in the background first). Abortable failures abort and
// rewind; fatal ones stop the daemon.
bool Daemon::commit() {
  if (!settle(true)) return false;
  if (!producer_.in_transaction() || fatal_) return !fatal_;
  std::string error;
  rd_kafka_topic_partition_list_t* offsets = close_batch();
  TxnResult r = TxnResult::kOk;
  if (external_ && !out_.flush()) {
    error = "the dispatch sink could not flush";
    r = TxnResult::kAbort;
  }
  if (r == TxnResult::kOk) r = producer_.commit(source_.handle(), offsets, &error);
  rd_kafka_topic_partition_list_destroy(offsets);
  return committed(r, error);
}

// A full or due batch: its transaction commits in the background (the next batch's messages are
// processed meanwhile), after the one before has ended. Without background commits: commit().
bool Daemon::end_batch() {
  if (!background_) return commit();
  bool open = producer_.committing() ? next_open_ : producer_.in_transaction();
  if (!open || fatal_) return !fatal_;
  if (!settle(true)) return false;
  if (!producer_.in_transaction()) return true;
  producer_.commit_start(source_.handle(), close_batch());
  return true;
}

// The background commit's outcome, once there is one (`wait`: blocks until then). After a
// success the next transaction begins with the messages held meanwhile. False when the commit
// failed (aborted and rewound, or fatal).
bool Daemon::settle(bool wait) {
  if (!producer_.committing()) return true;
  auto t0 = std::chrono::steady_clock::now();
  std::string error;
  std::optional<TxnResult> r = producer_.commit_result(wait, &error);
  if (wait) waited_ += std::chrono::steady_clock::now() - t0;
  if (!r) return true;
  bool next = next_open_;
  next_open_ = false;
  if (!committed(*r, error)) return false;
  if (!next) return true;
  if (producer_.begin(&error) != TxnResult::kOk) {
    fatal(error);
    return false;
  }
  producer_.release();
  return true;
}

// A message without a key may sit in another partition than its customer's (the producer's
// partitioner placed it at random): an event in it is produced again to the input topic, keyed
// by its customer id, in the open transaction with the consumed offset, and processed when it
// comes back in its customer's partition. Lines that are no event (rejects) stay where they are.
bool Daemon::rekey(std::string_view value) {
  std::string reason;
  std::optional<int64_t> arrival;
  if (options_.clock == ClockMode::kWall) arrival = 0;  // only the id matters here
  if (rekey_decoder_.decode(value, arrival, rekey_event_, reason) != Decoded::kEvent) return false;
  producer_.produce_to(topic_, RD_KAFKA_PARTITION_UA, rekey_event_.customer, value);
  ++rekeyed_;
  return true;
}

// The timers due by the real time on any partition (those that received nothing too), in the
// open transaction.
bool Daemon::fire_idle_timers() {
  for (auto& [n, part] : parts_) {
    if (!part.engine || !part.engine->timers_due()) continue;
    if (!begin()) return false;
    part.engine->tick();
    part.touched = true;
  }
  return true;
}

// stop_at_end relies on librdkafka's end-of-partition events. One can go missing when it comes
// while a partition is paused for its restore (it is dropped and not repeated for the same
// offset): a run that restored every partition at its end then waited until killed (seen once in
// CI). So while the input is idle the partitions' high watermarks are asked too, at most once a
// second: every partition processed up to its watermark is the end as well. (A partition whose
// last record is a transaction marker — events produced again by laudd itself — stays one below
// it and is left to the events.)
bool Daemon::at_end_by_watermarks() {
  auto now = std::chrono::steady_clock::now();
  if (parts_.empty() || now - watermarks_asked_at_ < std::chrono::seconds(1)) return false;
  watermarks_asked_at_ = now;
  for (const auto& [p, part] : parts_) {
    int64_t lo = 0, hi = 0;
    if (!part.engine ||
        rd_kafka_query_watermark_offsets(source_.handle(), topic_.c_str(), p, &lo, &hi, 1000) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        std::max(part.next, lo) < hi)
      return false;
  }
  return true;
}

int Daemon::run(volatile std::sig_atomic_t* stop, bool summary) {
  KafkaMessage m;
  std::string error;
  while (!*stop && !fatal_) {
    if (!settle(false) || !restore_pending()) continue;
    auto p = source_.poll(poll_timeout_ms(), m, &error);
    if (p == KafkaSource::Poll::kIdle && cfg_.stop_at_end && in_batch_ == 0 && to_restore_.empty() &&
        at_end_by_watermarks())
      p = KafkaSource::Poll::kEnd;
    if (p == KafkaSource::Poll::kError) {
      fatal(error);
      break;
    }
    if (p == KafkaSource::Poll::kIdle && in_batch_ > 0 && !batch_due()) {  // the transaction stays open
      if (options_.clock == ClockMode::kWall && !fire_idle_timers()) break;
      write_state_ahead();
      continue;
    }
    if (p == KafkaSource::Poll::kMessage) {
      auto it = parts_.find(m.partition);
      if (it == parts_.end() || !it->second.engine) continue;  // not restored yet: read again after the seek
      if (!begin()) break;
      Partition& part = it->second;
      rejects_.set_origin(m.topic, m.partition, m.offset, std::string_view(m.value ? m.value : "", m.size),
                          m.value != nullptr);
      uint64_t line = static_cast<uint64_t>(m.offset) + 1;
      if (m.value && m.key.empty() && rekey(std::string_view(m.value, m.size))) {
        // produced again, keyed: its customer's partition processes it
      } else if (m.value) {
        kafka_out_.set_origin(m.partition, m.offset);
        part.engine->process_line(std::string_view(m.value, m.size), line);
        kafka_out_.clear_origin();
      } else {
        ++null_values_;
        rejects_.reject_null(line);
      }
      part.next = m.offset + 1;
      part.touched = true;
      if (producer_.committing()) ++overlapped_;
      if (++in_batch_ < static_cast<uint64_t>(cfg_.batch_messages) && !batch_due()) continue;
    }
    // --clock wall: timers fire by the real time, also on partitions that receive nothing
    // (checked at the end of each batch and whenever the input pauses).
    if (options_.clock == ClockMode::kWall && !fire_idle_timers()) break;
    // A full or due batch (or the end of the input): one transaction.
    if (!(p == KafkaSource::Poll::kEnd ? commit() : end_batch())) continue;
    if (p == KafkaSource::Poll::kEnd && to_restore_.empty()) {
      // stop_at_end: `until` fires the timers due by then, in the same kind of transaction.
      if (!begin()) break;
      for (auto& [n, part] : parts_) {
        if (!part.engine) continue;
        part.engine->finish();
        part.touched = true;
      }
      if (commit()) break;
    }
  }
  if (!fatal_ && commit()) flush_local(true);
  if (fatal_) {
    fmt::print(stderr, "laudd: error: {}\n", error_);
    return 1;
  }
  report(summary);
  source_.close();
  if (fatal_) {
    fmt::print(stderr, "laudd: error: {}\n", error_);
    return 1;
  }
  return 0;
}

void Daemon::report(bool summary) {
  std::vector<std::string> reports;
  Stats total;
  size_t customers = 0, live = 0, engines = 0;
  for (const auto& [p, part] : parts_) {
    if (!part.engine) continue;
    ++engines;
    const Engine& e = *part.engine;
    reports.push_back(e.stats_json());
    const Stats& s = e.stats();
    total.lines += s.lines;
    total.accepted += s.accepted;
    total.duplicates += s.duplicates;
    total.rejected += s.rejected;
    total.ignored += s.ignored;
    total.dispatched += s.dispatched;
    total.suppressed += s.suppressed;
    customers += e.customers();
    live += e.live_instances();
    if (summary) fmt::print(stderr, "partition {} [{}]:\n{}", topic_, p, e.stats_table());
  }
  if (!cfg_.stats.empty()) {
    std::string json = merge_stats_reports(reports);
    if (cfg_.stats == "-") {
      fmt::print(stderr, "{}", json);
    } else if (std::FILE* f = std::fopen(cfg_.stats.c_str(), "wb")) {
      std::fwrite(json.data(), 1, json.size(), f);
      std::fclose(f);
    } else {
      fmt::print(stderr, "laudd: warning: {}: cannot write the stats\n", cfg_.stats);
    }
  }
  fmt::print(stderr,
             "laudd: {} partitions: {} events accepted ({} duplicates), {} rejected, {} ignored; {} dispatched, {} "
             "suppressed; {} customers, {} instances waiting (totals over the partitions' state); this run: {} "
             "messages without a value, {} events without a key produced again keyed by customer, {} transactions, {} "
             "aborted, {} partition restores, {} messages produced\n",
             engines, total.accepted, total.duplicates, total.rejected, total.ignored, total.dispatched,
             total.suppressed, customers, live, null_values_, rekeyed_, transactions_, aborts_, restores_,
             producer_.produced());
  auto ms = [](std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  double n = static_cast<double>(std::max<uint64_t>(transactions_ + aborts_, 1));
  auto commit_time = producer_.commit_time();
  fmt::print(stderr,
             "laudd: per transaction: {:.0f} state records ({:.0f} written ahead while the input was idle), {:.1f} ms "
             "encoding and producing the rest at the commit, {:.1f} ms committing ({:.1f} sending the offsets, "
             "{:.1f} flushing and ending the transaction){}\n",
             static_cast<double>(state_records_) / n, static_cast<double>(ahead_records_) / n, ms(state_time_) / n,
             ms(commit_time) / n, ms(producer_.offsets_time()) / n, ms(commit_time - producer_.offsets_time()) / n,
             background_ ? fmt::format(" in the background: {:.0f} messages processed meanwhile, the main thread "
                                       "waited {:.1f} ms",
                                       static_cast<double>(overlapped_) / n, ms(waited_) / n)
                         : std::string());
}

}  // namespace

int run_kafka_daemon(const RunConfig& cfg, const JourneyCatalog& catalog, bool summary, LineSink* dispatch,
                     volatile std::sig_atomic_t* stop) {
  Daemon d(cfg, catalog, dispatch);
  std::string error;
  if (!d.open(&error)) {
    fmt::print(stderr, "laudd: error: {}\n", error);
    return 1;
  }
  return d.run(stop, summary);
}

}  // namespace laud::runtime
