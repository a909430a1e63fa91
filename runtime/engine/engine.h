// engine.h — Execution Engine: the per-event order of LANGUAGE.md §9 over one loaded module.
// For each accepted event: due timers fire first; then dedup, traits and history (1), exit rules
// (2), `wait up to` resumptions (3), `on E` entries (4) and `on enter SEGMENT` entries (5).
// Instances are VM coroutines; timers are ordered by (due, schedules before instances, creation).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/dispatch/sink.h"
#include "runtime/engine/customer_table.h"
#include "runtime/engine/state.h"
#include "runtime/engine/stats.h"
#include "runtime/ingress/decode.h"
#include "runtime/journeys/version.h"
#include "runtime/state/state_source.h"
#include "runtime/trigger/event_index.h"
#include "vm/interp.h"
#include "vm/module.h"

namespace laud::runtime {

enum class ClockMode : uint8_t { kEvent, kWall };

struct EngineOptions {
  ClockMode clock = ClockMode::kEvent;
  std::optional<int64_t> until;           // --until: fire timers due ≤ this at end of input
  std::function<int64_t()> wall_now;      // --clock wall: the real time (ms); injectable for tests
  std::string_view module_bytes;          // --state: recorded once under `m` + hash (module versions)
};

class EngineHost;
class StateStore;

// What the engine holds, by part (runtime/engine/memory.cc).
struct MemoryReport {
  struct Part {
    std::string name;
    size_t bytes = 0;
    bool traits = false;
  };
  size_t customers = 0;
  std::vector<Part> parts;
  void add(std::string_view part, size_t bytes, bool is_traits = false);
  std::string table() const;  // bytes per customer, by part
};

// Where a durable run stands: input consumed and output written (bytes), as of a checkpoint.
struct Position {
  uint64_t input_offset = 0;
  uint64_t input_line = 0;
  uint64_t input_hash = 0;  // FNV-1a 64 of the consumed lines (each with its newline): a changed input is refused
  int64_t out = -1;      // -1: not resumable (stdout), or a fresh run
  int64_t rejects = -1;
};

class Engine {
 public:
  Engine(const vm::Module& module, LineSink& dispatches, LineSink* rejects, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // One input line (1-based `line_number` for rejects).
  void process_line(std::string_view line, uint64_t line_number);
  // One accepted event (its properties may be moved from).
  void process_event(Event& event);
  // End of input: with --until, advance the clock and fire the timers due by then.
  void finish();
  // --clock wall while no event arrives (a daemon's idle input): whether a timer is due by the
  // real time, and firing the timers due by it. Both do nothing under --clock event, where only
  // events move the clock.
  bool timers_due() const;
  void tick();
  // Milliseconds of real time until the next timer is due (0: one is due now; -1: no timer, or
  // --clock event).
  int64_t wall_ms_to_next_timer() const;

  // Durable state (runtime/state/checkpoint.cc). restore() loads a store written by an earlier
  // run of the same module (false with a message otherwise; a fresh store leaves `pos` zero and
  // `fresh` true); checkpoint() writes every customer changed since the last one and the engine
  // record, atomically; with `background`, only the batch is built here and the synced write runs
  // on the store's thread (StateStore::write_async): durable once StateStore::wait() or the next
  // checkpoint returns true.
  bool restore(StateStore& store, Position& pos, bool& fresh, std::string* error);
  bool checkpoint(StateStore& store, const Position& pos, std::string* error, bool background = false);
  // The same records as key/value pairs (Kafka changelog, runtime/state/checkpoint.cc): appends
  // every customer changed since the last call (clearing the dirty list), the module once, and the
  // engine record with `pos`; restore_state() reads them back as restore() does from a store.
  // The StatePut form hands each record over without copying it (encoded into reused buffers).
  void collect_state(const Position& pos, std::vector<std::pair<std::string, std::string>>& puts);
  void collect_state(const Position& pos, const StatePut& put);
  // Writes ahead, through `put`, the records of up to `max` customers changed since the last
  // collect_state (the longest changed first) and returns how many; collect_state then writes only
  // those changed since. A customer changed again is written again: the later record wins. For
  // idle moments of a transaction (runtime/kafka/daemon.cc), so the commit has less to encode.
  size_t collect_some_state(size_t max, const StatePut& put);
  bool state_pending() const { return dirty_from_ < dirty_.size(); }
  bool restore_state(const StateSource& source, Position& pos, bool& fresh, std::string* error);

  const Stats& stats() const { return stats_; }
  // The stats report (JSON, deterministic); counts waiting instances per journey and step.
  std::string stats_json() const;
  // A one-line-per-journey table for people (laudd --summary).
  std::string stats_table() const;
  MemoryReport memory_report() const;  // a walk over every customer: for benchmarks, not a hot path
  int64_t now() const { return now_; }
  size_t customers() const { return customers_.size(); }
  size_t live_instances() const;

 private:
  friend class EngineHost;
  // 24 bytes (the heap is the engine's largest array after the customers): the class sits in
  // the top bit of the order key, so one comparison orders (due, class, order, token).
  struct Timer {
    int64_t due;
    uint64_t key;    // class << 63 | order; class 0: schedule (declaration order), 1: instance (creation order)
    uint32_t token;  // schedule index, or the instance's timer slot
    uint32_t gen;    // instance timers: the generation of their slot when set (stale when it moved on)
    static Timer schedule(int64_t due, uint64_t order, uint32_t index) { return {due, order, index, 0}; }
    static Timer instance(int64_t due, uint64_t seq, uint32_t slot, uint32_t gen) {
      return {due, (uint64_t{1} << 63) | seq, slot, gen};
    }
    bool is_schedule() const { return (key >> 63) == 0; }
    uint64_t order() const { return key & ~(uint64_t{1} << 63); }
    bool operator>(const Timer& o) const {
      if (due != o.due) return due > o.due;
      if (key != o.key) return key > o.key;
      return token > o.token;
    }
  };
  // Instance timers point at a slot (Instance::timer_token = slot + 1); a slot's generation moves
  // on when its timer is dropped or fires, so a heap entry is checked in O(1) without a lookup.
  struct TimerSlot {
    Customer* customer = nullptr;
    Instance* instance = nullptr;
    uint32_t gen = 0;
    uint32_t next_free = 0;
  };
  // The host context of the code that runs: whose profile, which event, which instance.
  struct Context {
    Customer* customer = nullptr;
    Instance* instance = nullptr;
    const EventRoot* event = nullptr;
    const EventRoot* trigger = nullptr;
    ModuleVersion* version = nullptr;  // whose code runs (null: the current module)
  };
  class Scope;  // sets the context, restores it on exit

  Customer& customer(const std::string& id, int64_t time);
  static void prefetch_customer(const Customer& c);
  void fire_timers_through(int64_t t);
  void fire_schedule(const Timer& t);
  void advance_to(int64_t t);

  void record_history(Customer& c, const EventRoot& e, const EventRoutes* routes);
  void record_slots(Customer& c, const EventRoot& e, const std::vector<uint32_t>& slots);
  void check_goals(Customer& c, const EventRoot& e);
  void check_exits(Customer& c, const EventRoot& e, const EventRoutes* routes);
  void resume_waiting(Customer& c, const EventRoot& e);
  void try_entries(Customer& c, const EventRoot& e, const EventRoutes* routes);
  bool try_enter(Customer& c, uint32_t journey, const EventRoot* trigger);
  void enter_segment_flips(Customer& c, const EventRoot& e);
  // Called before something `on enter` segments read changes (an aggregate, the profile) during
  // the event of `flips_customer_`: takes those segments' memberships as they were (before_), each
  // the first time. Step 5 evaluates only the segments taken: no other can have flipped.
  void before_change(Customer& c, const std::vector<uint32_t>& readers) {
    if (&c != flips_customer_) return;
    for (uint32_t k : readers) {
      if (!any_taken_) {
        std::fill(taken_.begin(), taken_.end(), 0);
        any_taken_ = true;
      }
      if (taken_[k]) continue;
      taken_[k] = 1;
      before_[k] = membership(c, k);
    }
  }
  bool membership(Customer& c, uint32_t k);  // of enter segment k
  void put_customers(size_t from, size_t to, const StatePut& put);  // dirty_[from, to) (checkpoint.cc)

  void run(Customer& c, Instance& inst, const vm::Resume& resume, const EventRoot* event);
  void end_instance(Customer& c, Instance& inst);  // the instance goes to spare_instances_
  std::unique_ptr<Instance> new_instance();         // a spare one when there is one
  bool predicate(uint32_t fn);  // a function of the context's version
  ModuleVersion& version() { return ctx_.version ? *ctx_.version : *current_; }
  // Module versions (runtime/state/checkpoint.cc): an older module read back from the store, its
  // aggregates mapped onto slots (shared when identical) and its journeys onto ids (by name).
  ModuleVersion& add_old_version(std::unique_ptr<vm::Module> m);
  void map_version(ModuleVersion& v);
  uint32_t journey_id(std::string_view name);
  void set_timer(Customer& c, Instance& inst);
  void drop_timer(Instance& inst);
  void release_slot(Instance& inst);  // the slot of inst's timer is free; inst has none
  bool timer_live(const Timer& t) const { return t.is_schedule() || timer_slots_[t.token].gen == t.gen; }
  void mark_dirty(Customer& c) {
    if (!c.dirty) {
      c.dirty = true;
      dirty_.push_back(&c);
    }
  }

  // send (engine_send.cc)
  vm::SendResult send(const vm::SendRequest& req);
  void record_sent(Customer& c, const vm::SendDesc& s, std::string_view journey);

  const vm::Module& module_;
  EventIndex index_;
  LineSink& dispatches_;
  LineSink* rejects_;
  EngineOptions options_;
  std::unique_ptr<EngineHost> host_;
  vm::Interpreter interp_;
  std::vector<std::unique_ptr<ModuleVersion>> versions_;  // [0]: the current module
  ModuleVersion* current_ = nullptr;
  struct AggSlot {
    const vm::AggregateDesc* desc;
    ModuleVersion* owner;  // whose `where` function it is
    uint64_t signature;
  };
  std::vector<AggSlot> slots_;        // [0, n): the current module's aggregates; then older versions' own
  std::vector<uint32_t> extra_slots_;  // slots owned by older versions
  EventDecoder decoder_;
  Graveyard graveyard_;
  Context ctx_;

  CustomerTable customers_;
  std::vector<Customer*> by_order_;  // every customer, by first appearance
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  std::vector<std::deque<int64_t>> limit_windows_;  // per journey: recent entry times
  std::vector<int64_t> schedule_next_;  // per EventIndex::schedules(): next due (INT64_MAX: done)
  std::vector<Customer*> dirty_;
  size_t dirty_from_ = 0;  // dirty_[0, dirty_from_) were written ahead by collect_some_state
  std::vector<uint8_t> tried_;           // per journey: an entry was tried during this event (steps 4–5)
  // `on enter` memberships before this event, per EventIndex::enter_segments() position, for the
  // segments taken_ (a change to what they read happened); any_taken_: taken_ is valid.
  std::vector<uint8_t> before_, after_, taken_;
  Customer* flips_customer_ = nullptr;  // the customer of the event in progress (when `on enter` exists)
  bool any_taken_ = false;
  std::vector<uint64_t> seqs_exit_, seqs_resume_;  // scratch for steps 2 and 3
  int64_t clock_ = INT64_MIN;  // largest accepted event time
  int64_t now_ = INT64_MIN;
  uint64_t instance_seq_ = 0;
  // Ended instances with their storage (VM locals and frozen block, trigger), taken by the next
  // entries: an entry then allocates nothing of its own. Bounded; the fields are set by try_enter.
  static constexpr size_t kSpareInstances = 256;
  static constexpr size_t kSpareBytes = 4096;  // larger frozen blocks and kept triggers are freed
  std::vector<std::unique_ptr<Instance>> spare_instances_;
  std::vector<TimerSlot> timer_slots_;
  uint32_t free_slot_ = UINT32_MAX;  // a free list through TimerSlot::next_free
  size_t stale_timers_ = 0;  // heap entries whose instance moved on
  bool module_saved_ = false;
  Event scratch_event_;
  EventRoot root_;  // the event being processed
  std::string line_buffer_;
  Stats stats_;
};

}  // namespace laud::runtime
