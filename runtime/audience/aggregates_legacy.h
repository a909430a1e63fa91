// aggregates_legacy.h — the previous AggState (a std::deque of AggSlot, one walk per query), kept
// verbatim as the reference: aggregates_test compares the current AggState against it, and
// bench_aggregates measures it as the same-run baseline. Not used by laudd.
#pragma once

#include <cstdint>
#include <deque>
#include <iterator>

#include "runtime/audience/aggregates.h"
#include "vm/value_ops.h"

namespace laud::runtime {

class LegacyAggState {
 public:
  void record(const vm::AggregateDesc& d, int64_t time, const vm::Value* value, int64_t now) {
    bool wants_value = d.func != vm::AggFunc::kCount && d.func != vm::AggFunc::kLast;
    if (wants_value && !value) return;
    if (d.within_ms < 0) {
      total_.add(wants_value ? value : nullptr);
      if (time > last_) last_ = time;
      return;
    }
    evict(d, now);
    int64_t edge;
    if (!__builtin_sub_overflow(now, d.within_ms, &edge) && time <= edge) return;
    auto it = window_.end();
    while (it != window_.begin() && std::prev(it)->time > time) --it;
    if (it != window_.begin() && std::prev(it)->time == time) {
      std::prev(it)->add(wants_value ? value : nullptr);
    } else {
      AggSlot s;
      s.time = time;
      s.add(wants_value ? value : nullptr);
      window_.insert(it, s);
    }
    if (window_.size() > kMaxWindowEntries) {
      AggSlot first = window_.front();
      window_.pop_front();
      AggSlot& second = window_.front();
      first.merge(second);
      second = first;
    }
  }
  vm::Value query(const vm::AggregateDesc& d, int64_t now) {
    AggSlot acc;
    int64_t latest = INT64_MIN;
    if (d.within_ms < 0) {
      acc = total_;
      latest = last_;
    } else {
      evict(d, now);
      for (const AggSlot& s : window_) {
        if (s.time > now) break;
        acc.merge(s);
        latest = s.time;
      }
    }
    switch (d.func) {
      case vm::AggFunc::kCount: return vm::Value::integer(acc.count);
      case vm::AggFunc::kSum: return acc.sum.value();
      case vm::AggFunc::kMin: return acc.min;
      case vm::AggFunc::kMax: return acc.max;
      case vm::AggFunc::kAvg: return acc.count == 0 ? vm::Value() : vm::Value::floating(acc.fsum / static_cast<double>(acc.count));
      case vm::AggFunc::kLast: return latest == INT64_MIN ? vm::Value() : vm::Value::time(latest);
    }
    return vm::Value();
  }
  size_t slots() const { return window_.size(); }

 private:
  void evict(const vm::AggregateDesc& d, int64_t now) {
    int64_t edge;
    if (__builtin_sub_overflow(now, d.within_ms, &edge)) return;
    while (!window_.empty() && window_.front().time <= edge) window_.pop_front();
  }
  AggSlot total_;
  int64_t last_ = INT64_MIN;
  std::deque<AggSlot> window_;
};

}  // namespace laud::runtime
