// aggregates.h — Audience Manager: the per-customer state of one aggregate the module declares
// (§4: count, sum, min, max, avg, last over events named E, optionally `within D`).
// Without `within` the state is a handful of numbers. With `within D` it is the qualifying events
// of the window in time order, one entry per distinct timestamp; past kMaxWindowEntries entries the
// two oldest are merged (the merged entry leaves the window with its later time), so memory per
// aggregate is bounded and results are exact until a window holds that many distinct instants.
//
// Cost. The state learns which aggregate it serves on its first record() or query() and keeps only
// what that function needs: a window entry is a time (last), + a count (count), + a number (sum,
// min, max) or a count and a float sum (avg), in a ring buffer allocated on first use. Queries are
// answered without walking the window whenever that gives the same bits as the walk:
// - count and last: a running count and the newest entry;
// - sum and avg: a running exact integer total while every entry is an integral number small
//   enough (|x| <= 2^53, and all of them together too) that summing in time order cannot round;
//   otherwise the walk, done once and cached until an entry is added, changed or evicted;
// - min and max: a cached result with the time of its entry, updated when an event is recorded
//   and recomputed only when that entry leaves the window.
// The cache is valid while nothing changed: eviction (from record() and query(), as before)
// happens when `now` reaches the oldest entry's time + D, and it clears the cache.
//
// Persisted form (encode/decode, for runtime/state): a layout byte (fresh, or the function and
// whether it is windowed), then only that function's fields as the state keeps them (spec above
// AggState::encode in aggregates.cc). decode() rebuilds that layout directly, recomputing the
// running totals; the caches start empty.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "vm/bytes.h"
#include "vm/module.h"
#include "vm/value.h"

namespace laud::runtime {

inline constexpr size_t kMaxWindowEntries = 1024;

// An int while every value is an int and the sum fits, else a float.
struct Number {
  bool is_float = false;
  int64_t i = 0;
  double f = 0;
  void add(const vm::Value& v);
  void add(const Number& n);
  vm::Value value() const { return is_float ? vm::Value::floating(f) : vm::Value::integer(i); }
};

// One window entry with every function's fields: the fold of two entries (compaction) and the
// previous implementation (aggregates_legacy.h).
struct AggSlot {  // the events of one instant (or a merged run of instants)
  int64_t time = 0;
  int64_t count = 0;
  Number sum;
  double fsum = 0;  // float sum in event order, for avg
  vm::Value min, max;  // numbers only (no pointers); null when the slot has no value
  void add(const vm::Value* v);
  void merge(const AggSlot& later);
};

class AggState {
 public:
  AggState() = default;
  ~AggState();
  AggState(const AggState&) = delete;
  AggState& operator=(const AggState&) = delete;

  // One qualifying event at `time`; `value` is the numeric property (nullptr for count/last or a
  // non-numeric value, which sum/min/max/avg skip).
  void record(const vm::AggregateDesc& d, int64_t time, const vm::Value* value, int64_t now);
  vm::Value query(const vm::AggregateDesc& d, int64_t now);
  size_t slots() const;
  size_t heap_bytes() const;  // the ring buffer (memory reports)
  void prefetch() const;      // the first KB of the ring (before encode(): it is usually cold)
  // Persisted state (runtime/state): the layout and its function's fields. decode() returns false
  // (and leaves a fresh state) on malformed bytes.
  void encode(std::string& out) const;
  bool decode(vm::ByteReader& r);

 private:
  enum : uint8_t { kFresh = 0xFF };
  enum : uint8_t { kCacheOk = 1, kSlow = 2 };

  static uint8_t layout_of(const vm::AggregateDesc& d);
  void adopt(const vm::AggregateDesc& d);
  void set_layout(uint8_t layout);
  void decode_totals(vm::ByteReader& r);
  void decode_window(vm::ByteReader& r);
  bool windowed() const { return layout_ != kFresh && (layout_ & 8); }
  vm::AggFunc func() const { return static_cast<vm::AggFunc>(layout_ & 7); }
  bool has_count() const;
  bool has_value() const;
  bool has_tag() const;

  // The ring buffer: columns time[cap], count[cap] (count, avg), value bits[cap] + tag[cap]
  // (sum, min, max; avg keeps its float sum in value bits).
  size_t pos(size_t k) const { return head_ + k < cap_ ? head_ + k : head_ + k - cap_; }
  int64_t* times() const { return static_cast<int64_t*>(buf_); }
  int64_t* counts() const { return times() + cap_; }
  uint64_t* bits() const { return reinterpret_cast<uint64_t*>(times() + (has_count() ? 2 : 1) * size_t{cap_}); }
  uint8_t* tags() const { return reinterpret_cast<uint8_t*>(bits() + cap_); }
  static size_t row_bytes(uint8_t layout);
  void grow();
  void reserve(size_t cap);
  vm::Value value_at(size_t k) const;
  void set_value_at(size_t k, const vm::Value& v);
  AggSlot slot_at(size_t k) const;  // for compaction
  void put_slot_at(size_t k, const AggSlot& s);

  void evict(const vm::AggregateDesc& d, int64_t now);
  void pop_front();
  void insert_at(size_t p, int64_t time);
  void add_to(size_t k, const vm::Value* v);
  void merge_oldest();
  void tally(size_t k, int sign);  // running totals: add (+1) or remove (−1) entry k
  // The old query: fold the entries <= now in time order; *at = the time of min/max's entry.
  vm::Value walk(int64_t now, int64_t* at) const;

  uint8_t layout_ = kFresh;  // kFresh, or AggFunc | 8 when windowed
  uint8_t tag_ = 0;          // without `within`: kind of value_; with: kind of cache_
  uint8_t flags_ = 0;        // kCacheOk, kSlow (a NaN recorded for min/max: always walk)
  uint16_t head_ = 0, n_ = 0, cap_ = 0;
  uint16_t n_inexact_ = 0;   // sum/avg entries that are not small integral numbers
  uint16_t n_float_ = 0;     // sum entries whose sum is a float
  int64_t count_ = 0;        // count/avg: all-time or running count
  union {
    uint64_t value_ = 0;     // without `within`: sum/min/max/fsum bits, or the latest time (last)
    uint64_t total_;         // with `within`, sum/avg: running total of the small entries (mod 2^64)
    int64_t cache_time_;     // with `within`, min/max: the time of the entry holding the result
  };
  uint64_t abs_total_ = 0;   // with `within`, sum/avg: running total of |small entries|
  uint64_t cache_ = 0;       // with `within`: cached result bits (kind in tag_)
  void* buf_ = nullptr;      // the ring (windowed)
};

}  // namespace laud::runtime
