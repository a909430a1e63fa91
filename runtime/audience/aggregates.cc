// aggregates.cc — recording qualifying events and answering count/sum/min/max/avg/last (§4).
#include "runtime/audience/aggregates.h"

#include "vm/value_ops.h"

namespace laud::runtime {

using vm::Kind;
using vm::Value;

void Number::add(const Value& v) {
  if (v.kind == Kind::kInt && !is_float) {
    int64_t r;
    if (!__builtin_add_overflow(i, v.i, &r)) {
      i = r;
      return;
    }
  }
  if (!is_float) {
    is_float = true;
    f = static_cast<double>(i);
  }
  f += v.kind == Kind::kInt ? static_cast<double>(v.i) : v.f;
}

void Number::add(const Number& n) { add(n.value()); }

void AggSlot::add(const Value* v) {
  ++count;
  if (!v) return;
  sum.add(*v);
  fsum += v->kind == Kind::kInt ? static_cast<double>(v->i) : v->f;
  if (min.is_null() || vm::less(*v, min)) min = *v;
  if (max.is_null() || vm::greater(*v, max)) max = *v;
}

void AggSlot::merge(const AggSlot& later) {
  time = later.time;
  count += later.count;
  sum.add(later.sum);
  fsum += later.fsum;
  if (!later.min.is_null() && (min.is_null() || vm::less(later.min, min))) min = later.min;
  if (!later.max.is_null() && (max.is_null() || vm::greater(later.max, max))) max = later.max;
}

void AggState::evict(const vm::AggregateDesc& d, int64_t now) {
  // The window is (now − D, now]: an event exactly D ago has left it.
  int64_t edge;
  if (__builtin_sub_overflow(now, d.within_ms, &edge)) return;
  while (!window_.empty() && window_.front().time <= edge) window_.pop_front();
}

void AggState::record(const vm::AggregateDesc& d, int64_t time, const Value* value, int64_t now) {
  bool wants_value = d.func != vm::AggFunc::kCount && d.func != vm::AggFunc::kLast;
  if (wants_value && !value) return;  // sum/min/max/avg skip non-numeric values (so count = values)
  if (d.within_ms < 0) {
    total_.add(wants_value ? value : nullptr);
    if (time > last_) last_ = time;
    return;
  }
  evict(d, now);
  int64_t edge;
  if (!__builtin_sub_overflow(now, d.within_ms, &edge) && time <= edge) return;  // already outside
  // Find the slot of this instant, from the back (events mostly arrive in time order).
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

Value AggState::query(const vm::AggregateDesc& d, int64_t now) {
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
    case vm::AggFunc::kCount: return Value::integer(acc.count);
    case vm::AggFunc::kSum: return acc.sum.value();
    case vm::AggFunc::kMin: return acc.min;
    case vm::AggFunc::kMax: return acc.max;
    case vm::AggFunc::kAvg: {
      // `count` here counts numeric values only: record() skips the others for avg.
      if (acc.count == 0) return Value();
      return Value::floating(acc.fsum / static_cast<double>(acc.count));
    }
    case vm::AggFunc::kLast: return latest == INT64_MIN ? Value() : Value::time(latest);
  }
  return Value();
}

namespace {

void put_number_value(std::string& out, const Value& v) {
  out += static_cast<char>(v.kind);
  if (v.kind == Kind::kInt) vm::put_zigzag(out, v.i);
  if (v.kind == Kind::kFloat) vm::put_f64(out, v.f);
}

Value read_number_value(vm::ByteReader& r) {
  auto kind = static_cast<Kind>(r.byte());
  if (kind == Kind::kNull) return Value();
  if (kind == Kind::kInt) return Value::integer(r.zigzag());
  if (kind == Kind::kFloat) return Value::floating(r.f64());
  r.fail();
  return Value();
}

void put_slot(std::string& out, const AggSlot& s) {
  vm::put_zigzag(out, s.time);
  vm::put_zigzag(out, s.count);
  put_number_value(out, s.sum.value());
  vm::put_f64(out, s.fsum);
  put_number_value(out, s.min);
  put_number_value(out, s.max);
}

AggSlot read_slot(vm::ByteReader& r) {
  AggSlot s;
  s.time = r.zigzag();
  s.count = r.zigzag();
  Value sum = read_number_value(r);
  s.sum.is_float = sum.kind == Kind::kFloat;
  if (s.sum.is_float) s.sum.f = sum.f; else s.sum.i = sum.i;
  s.fsum = r.f64();
  s.min = read_number_value(r);
  s.max = read_number_value(r);
  return s;
}

}  // namespace

void AggState::encode(std::string& out) const {
  put_slot(out, total_);
  vm::put_zigzag(out, last_);
  vm::put_varint(out, window_.size());
  for (const AggSlot& s : window_) put_slot(out, s);
}

bool AggState::decode(vm::ByteReader& r) {
  total_ = read_slot(r);
  last_ = r.zigzag();
  uint64_t n = r.count();
  if (n > kMaxWindowEntries) r.fail();
  window_.clear();
  for (uint64_t k = 0; k < n && r.ok(); ++k) window_.push_back(read_slot(r));
  return r.ok();
}

}  // namespace laud::runtime
