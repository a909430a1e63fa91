// aggregates.h — Audience Manager: the per-customer state of one aggregate the module declares
// (§4: count, sum, min, max, avg, last over events named E, optionally `within D`).
// Without `within` the state is a handful of numbers. With `within D` it is the qualifying events
// of the window in time order, one entry per distinct timestamp; past kMaxWindowEntries entries the
// two oldest are merged (the merged entry leaves the window with its later time), so memory per
// aggregate is bounded and results are exact until a window holds that many distinct instants.
#pragma once

#include <cstdint>
#include <deque>
#include <iterator>
#include <optional>

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
  // One qualifying event at `time`; `value` is the numeric property (nullptr for count/last or a
  // non-numeric value, which sum/min/max/avg skip).
  void record(const vm::AggregateDesc& d, int64_t time, const vm::Value* value, int64_t now);
  vm::Value query(const vm::AggregateDesc& d, int64_t now);
  size_t slots() const { return window_.size(); }
  // Persisted state (runtime/state): the all-time slot, the latest time and the window.
  void encode(std::string& out) const;
  bool decode(vm::ByteReader& r);

 private:
  void evict(const vm::AggregateDesc& d, int64_t now);
  AggSlot total_;                // without `within`
  int64_t last_ = INT64_MIN;     // without `within`: latest time
  std::deque<AggSlot> window_;   // with `within`: sorted by time
};

}  // namespace laud::runtime
