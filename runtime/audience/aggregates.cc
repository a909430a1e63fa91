// aggregates.cc — recording qualifying events and answering count/sum/min/max/avg/last (§4).
#include "runtime/audience/aggregates.h"

#include <cmath>
#include <cstring>
#include <new>
#include <vector>

#include "vm/value_ops.h"

namespace laud::runtime {

using vm::AggFunc;
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

namespace {

constexpr int64_t kExact = int64_t{1} << 53;  // every integer of at most this magnitude is a double

uint64_t bits_of(const Value& v) {
  uint64_t b = 0;
  if (v.kind == Kind::kFloat) std::memcpy(&b, &v.f, 8);
  else if (v.kind == Kind::kInt) b = static_cast<uint64_t>(v.i);
  return b;
}

uint64_t bits_of(double f) {
  uint64_t b;
  std::memcpy(&b, &f, 8);
  return b;
}

double double_of(uint64_t b) {
  double f;
  std::memcpy(&f, &b, 8);
  return f;
}

Value make_value(uint8_t tag, uint64_t b) {
  if (tag == static_cast<uint8_t>(Kind::kInt)) return Value::integer(static_cast<int64_t>(b));
  if (tag == static_cast<uint8_t>(Kind::kFloat)) return Value::floating(double_of(b));
  return Value();
}

// A number that sums exactly in any order with others like it: an integral value of magnitude
// at most 2^53 (so ints and floats agree on it and partial sums stay exact while the magnitudes
// add up to at most 2^53).
bool small_integral(const Value& v, int64_t* x) {
  if (v.kind == Kind::kInt) {
    if (v.i < -kExact || v.i > kExact) return false;
    *x = v.i;
    return true;
  }
  if (v.kind == Kind::kFloat) {
    if (!(std::fabs(v.f) <= static_cast<double>(kExact))) return false;  // also NaN
    auto i = static_cast<int64_t>(v.f);
    if (static_cast<double>(i) != v.f) return false;
    *x = i;
    return true;
  }
  return false;
}

bool is_nan(const Value& v) { return v.kind == Kind::kFloat && std::isnan(v.f); }

}  // namespace

// ---------------------------------------------------------------- decoded state

struct AggState::Decoded {
  AggSlot total;
  int64_t last = INT64_MIN;
  std::vector<AggSlot> window;
};

AggState::~AggState() {
  if (layout_ == kDecoded) delete static_cast<Decoded*>(buf_);
  else if (buf_) ::operator delete(buf_);
}

bool AggState::has_count() const { return func() == AggFunc::kCount || func() == AggFunc::kAvg; }
bool AggState::has_value() const { return func() != AggFunc::kCount && func() != AggFunc::kLast; }
bool AggState::has_tag() const { return has_value() && func() != AggFunc::kAvg; }

size_t AggState::slots() const {
  if (layout_ == kDecoded) return static_cast<const Decoded*>(buf_)->window.size();
  return windowed() ? n_ : 0;
}

size_t AggState::heap_bytes() const {
  if (layout_ >= kDecoded || !buf_) return 0;
  return size_t{cap_} * row_bytes(layout_);
}

void AggState::adopt(const vm::AggregateDesc& d) {
  std::unique_ptr<Decoded> dec;
  if (layout_ == kDecoded) dec.reset(static_cast<Decoded*>(buf_));
  buf_ = nullptr;
  layout_ = static_cast<uint8_t>(static_cast<uint8_t>(d.func) | (d.within_ms >= 0 ? 8 : 0));
  tag_ = 0;
  flags_ = 0;
  head_ = n_ = cap_ = 0;
  n_inexact_ = n_float_ = 0;
  count_ = 0;
  value_ = 0;
  abs_total_ = 0;
  cache_ = 0;
  if (!windowed()) {
    switch (func()) {
      case AggFunc::kSum: tag_ = static_cast<uint8_t>(Kind::kInt); break;
      case AggFunc::kLast: value_ = static_cast<uint64_t>(INT64_MIN); break;
      default: break;
    }
  }
  if (dec) adopt_decoded(*dec);
}

void AggState::adopt_decoded(const Decoded& dec) {
  if (!windowed()) {
    const AggSlot& t = dec.total;
    switch (func()) {
      case AggFunc::kCount: count_ = t.count; break;
      case AggFunc::kSum: tag_ = static_cast<uint8_t>(t.sum.value().kind); value_ = bits_of(t.sum.value()); break;
      case AggFunc::kAvg: count_ = t.count; value_ = bits_of(t.fsum); break;
      case AggFunc::kMin: tag_ = static_cast<uint8_t>(t.min.kind); value_ = bits_of(t.min); break;
      case AggFunc::kMax: tag_ = static_cast<uint8_t>(t.max.kind); value_ = bits_of(t.max); break;
      case AggFunc::kLast: value_ = static_cast<uint64_t>(dec.last); break;
    }
    return;
  }
  const size_t n = dec.window.size();  // <= kMaxWindowEntries (decode() refuses more)
  for (size_t k = 0; k < n; ++k) {
    const AggSlot& s = dec.window[k];
    if (k > 0 && !(dec.window[k - 1].time < s.time)) flags_ |= kSlow;  // not in time order: walk always
    insert_at(k, s.time);
    put_slot_at(k, s);
  }
}

// ---------------------------------------------------------------- the ring

size_t AggState::row_bytes(uint8_t layout) {
  auto f = static_cast<AggFunc>(layout & 7);
  size_t b = 8;  // time
  if (f == AggFunc::kCount || f == AggFunc::kAvg) b += 8;
  if (f != AggFunc::kCount && f != AggFunc::kLast) b += 8;
  if (f == AggFunc::kSum || f == AggFunc::kMin || f == AggFunc::kMax) b += 1;
  return b;
}

void AggState::grow() {
  size_t cap = cap_ ? std::min<size_t>(size_t{cap_} * 2, kMaxWindowEntries + 1) : 2;
  void* nb = ::operator new(cap * row_bytes(layout_));
  auto* nt = static_cast<int64_t*>(nb);
  int64_t* nc = nt + cap;
  auto* nv = reinterpret_cast<uint64_t*>(nt + (has_count() ? 2 : 1) * cap);
  auto* ng = reinterpret_cast<uint8_t*>(nv + cap);
  for (size_t k = 0; k < n_; ++k) {
    size_t p = pos(k);
    nt[k] = times()[p];
    if (has_count()) nc[k] = counts()[p];
    if (has_value()) nv[k] = bits()[p];
    if (has_tag()) ng[k] = tags()[p];
  }
  ::operator delete(buf_);
  buf_ = nb;
  cap_ = static_cast<uint16_t>(cap);
  head_ = 0;
}

Value AggState::value_at(size_t k) const {
  size_t p = pos(k);
  if (func() == AggFunc::kAvg) return Value::floating(double_of(bits()[p]));
  return make_value(tags()[p], bits()[p]);
}

void AggState::set_value_at(size_t k, const Value& v) {
  size_t p = pos(k);
  bits()[p] = bits_of(v);
  if (has_tag()) tags()[p] = static_cast<uint8_t>(v.kind);
}

AggSlot AggState::slot_at(size_t k) const {
  AggSlot s;
  size_t p = pos(k);
  s.time = times()[p];
  s.count = has_count() ? counts()[p] : 1;
  switch (func()) {
    case AggFunc::kSum: {
      Value v = value_at(k);
      s.sum.is_float = v.kind == Kind::kFloat;
      if (s.sum.is_float) s.sum.f = v.f; else s.sum.i = v.i;
      break;
    }
    case AggFunc::kAvg: s.fsum = double_of(bits()[p]); break;
    case AggFunc::kMin: s.min = value_at(k); break;
    case AggFunc::kMax: s.max = value_at(k); break;
    default: break;
  }
  return s;
}

void AggState::put_slot_at(size_t k, const AggSlot& s) {
  tally(k, -1);
  size_t p = pos(k);
  times()[p] = s.time;
  if (has_count()) counts()[p] = s.count;
  switch (func()) {
    case AggFunc::kSum: set_value_at(k, s.sum.value()); break;
    case AggFunc::kAvg: bits()[p] = bits_of(s.fsum); break;
    case AggFunc::kMin: set_value_at(k, s.min); break;
    case AggFunc::kMax: set_value_at(k, s.max); break;
    default: break;
  }
  if ((func() == AggFunc::kMin || func() == AggFunc::kMax) && is_nan(value_at(k))) flags_ |= kSlow;
  tally(k, +1);
  flags_ &= static_cast<uint8_t>(~kCacheOk);
}

// Running totals over the entries: the count (count, avg) and, for sum/avg, the exact total of the
// small integral entries, their magnitudes, and how many entries are floats or not small.
void AggState::tally(size_t k, int sign) {
  size_t p = pos(k);
  if (has_count()) {
    uint64_t c = static_cast<uint64_t>(counts()[p]);
    count_ = static_cast<int64_t>(sign > 0 ? static_cast<uint64_t>(count_) + c : static_cast<uint64_t>(count_) - c);
  }
  if (func() != AggFunc::kSum && func() != AggFunc::kAvg) return;
  Value v = value_at(k);
  int64_t x;
  if (!small_integral(v, &x)) {
    n_inexact_ = static_cast<uint16_t>(n_inexact_ + sign);
    return;
  }
  if (v.kind == Kind::kFloat && func() == AggFunc::kSum) n_float_ = static_cast<uint16_t>(n_float_ + sign);
  auto ux = static_cast<uint64_t>(x);
  auto ax = static_cast<uint64_t>(x < 0 ? -x : x);
  if (sign > 0) {
    total_ += ux;
    abs_total_ += ax;
  } else {
    total_ -= ux;
    abs_total_ -= ax;
  }
}

void AggState::insert_at(size_t p, int64_t time) {
  if (n_ == cap_) grow();
  if (p == 0 && n_ > 0) {
    head_ = static_cast<uint16_t>(head_ ? head_ - 1 : cap_ - 1);
  } else {
    for (size_t k = n_; k > p; --k) {  // shift the later entries back by one
      size_t to = pos(k), from = pos(k - 1);
      times()[to] = times()[from];
      if (has_count()) counts()[to] = counts()[from];
      if (has_value()) bits()[to] = bits()[from];
      if (has_tag()) tags()[to] = tags()[from];
    }
  }
  ++n_;
  size_t q = pos(p);
  times()[q] = time;
  if (has_count()) counts()[q] = 0;
  if (has_value()) bits()[q] = 0;  // sum: int 0; avg: 0.0; min/max: null
  if (has_tag()) tags()[q] = static_cast<uint8_t>(func() == AggFunc::kSum ? Kind::kInt : Kind::kNull);
  tally(p, +1);
}

void AggState::add_to(size_t k, const Value* v) {
  tally(k, -1);
  size_t p = pos(k);
  if (has_count()) counts()[p] = static_cast<int64_t>(static_cast<uint64_t>(counts()[p]) + 1);
  if (v) {
    switch (func()) {
      case AggFunc::kSum: {
        Number n;
        Value cur = value_at(k);
        n.is_float = cur.kind == Kind::kFloat;
        if (n.is_float) n.f = cur.f; else n.i = cur.i;
        n.add(*v);
        set_value_at(k, n.value());
        break;
      }
      case AggFunc::kAvg:
        bits()[p] = bits_of(double_of(bits()[p]) + (v->kind == Kind::kInt ? static_cast<double>(v->i) : v->f));
        break;
      case AggFunc::kMin:
      case AggFunc::kMax: {
        if (is_nan(*v)) flags_ |= kSlow;
        bool is_min = func() == AggFunc::kMin;
        Value cur = value_at(k);
        if (cur.is_null() || (is_min ? vm::less(*v, cur) : vm::greater(*v, cur))) set_value_at(k, *v);
        if (flags_ & kCacheOk) {
          // The result is the first entry in time order holding the extreme value.
          Value row = value_at(k), c = make_value(tag_, cache_);
          int64_t t = times()[p];
          bool better = is_min ? vm::less(row, c) : vm::greater(row, c);
          bool tie = !(is_min ? vm::less(c, row) : vm::greater(c, row));
          if (c.is_null() || better || (tie && t < cache_time_)) {
            tag_ = static_cast<uint8_t>(row.kind);
            cache_ = bits_of(row);
            cache_time_ = t;
          }
        }
        break;
      }
      default: break;
    }
  }
  tally(k, +1);
  if (func() == AggFunc::kSum || func() == AggFunc::kAvg) flags_ &= static_cast<uint8_t>(~kCacheOk);
}

void AggState::pop_front() {
  tally(0, -1);
  if (func() == AggFunc::kMin || func() == AggFunc::kMax) {
    if (times()[pos(0)] == cache_time_) flags_ &= static_cast<uint8_t>(~kCacheOk);
  } else {
    flags_ &= static_cast<uint8_t>(~kCacheOk);
  }
  head_ = static_cast<uint16_t>(pos(1));
  --n_;
  if (n_ == 0) {
    head_ = 0;
    count_ = 0;
    total_ = 0;
    abs_total_ = 0;
    n_inexact_ = n_float_ = 0;
  }
}

// The two oldest entries become one, with the later time (as the old deque did: second = first
// merged with second).
void AggState::merge_oldest() {
  AggSlot first = slot_at(0);
  AggSlot second = slot_at(1);
  if ((func() == AggFunc::kMin || func() == AggFunc::kMax) && cache_time_ == first.time) cache_time_ = second.time;
  first.merge(second);
  bool keep = (flags_ & kCacheOk) && (func() == AggFunc::kMin || func() == AggFunc::kMax);
  tally(0, -1);
  head_ = static_cast<uint16_t>(pos(1));
  --n_;
  put_slot_at(0, first);
  if (keep) flags_ |= kCacheOk;  // the fold over the entries is the same
}

void AggState::evict(const vm::AggregateDesc& d, int64_t now) {
  // The window is (now − D, now]: an event exactly D ago has left it.
  int64_t edge;
  if (__builtin_sub_overflow(now, d.within_ms, &edge)) return;
  while (n_ > 0 && times()[pos(0)] <= edge) pop_front();
}

// ---------------------------------------------------------------- record and query

void AggState::record(const vm::AggregateDesc& d, int64_t time, const Value* value, int64_t now) {
  bool wants_value = d.func != AggFunc::kCount && d.func != AggFunc::kLast;
  if (wants_value && !value) return;  // sum/min/max/avg skip non-numeric values (so count = values)
  if (layout_ >= kDecoded) adopt(d);
  const Value* v = wants_value ? value : nullptr;
  if (!windowed()) {
    switch (func()) {
      case AggFunc::kCount: count_ = static_cast<int64_t>(static_cast<uint64_t>(count_) + 1); break;
      case AggFunc::kSum: {
        Number n;
        n.is_float = tag_ == static_cast<uint8_t>(Kind::kFloat);
        if (n.is_float) n.f = double_of(value_); else n.i = static_cast<int64_t>(value_);
        n.add(*v);
        tag_ = static_cast<uint8_t>(n.is_float ? Kind::kFloat : Kind::kInt);
        value_ = n.is_float ? bits_of(n.f) : static_cast<uint64_t>(n.i);
        break;
      }
      case AggFunc::kAvg:
        count_ = static_cast<int64_t>(static_cast<uint64_t>(count_) + 1);
        value_ = bits_of(double_of(value_) + (v->kind == Kind::kInt ? static_cast<double>(v->i) : v->f));
        break;
      case AggFunc::kMin:
      case AggFunc::kMax: {
        Value cur = make_value(tag_, value_);
        if (cur.is_null() || (func() == AggFunc::kMin ? vm::less(*v, cur) : vm::greater(*v, cur))) {
          tag_ = static_cast<uint8_t>(v->kind);
          value_ = bits_of(*v);
        }
        break;
      }
      case AggFunc::kLast:
        if (time > static_cast<int64_t>(value_)) value_ = static_cast<uint64_t>(time);
        break;
    }
    return;
  }
  evict(d, now);
  int64_t edge;
  if (!__builtin_sub_overflow(now, d.within_ms, &edge) && time <= edge) return;  // already outside
  // Find the entry of this instant, from the back (events mostly arrive in time order).
  size_t p = n_;
  while (p > 0 && times()[pos(p - 1)] > time) --p;
  if (p > 0 && times()[pos(p - 1)] == time) {
    add_to(p - 1, v);
  } else {
    insert_at(p, time);
    add_to(p, v);
  }
  if (n_ > kMaxWindowEntries) merge_oldest();
}

// The entries at or before `now`, folded in time order exactly as AggSlot::merge does.
Value AggState::walk(int64_t now, int64_t* at) const {
  uint64_t count = 0;
  Number sum;
  double fsum = 0;
  Value ext;
  int64_t ext_time = 0, latest = INT64_MIN;
  const AggFunc f = func();
  for (size_t k = 0; k < n_; ++k) {
    size_t p = pos(k);
    int64_t t = times()[p];
    if (t > now) break;
    latest = t;
    switch (f) {
      case AggFunc::kCount: count += static_cast<uint64_t>(counts()[p]); break;
      case AggFunc::kSum: sum.add(make_value(tags()[p], bits()[p])); break;
      case AggFunc::kAvg:
        count += static_cast<uint64_t>(counts()[p]);
        fsum += double_of(bits()[p]);
        break;
      case AggFunc::kMin:
      case AggFunc::kMax: {
        Value v = make_value(tags()[p], bits()[p]);
        if (!v.is_null() && (ext.is_null() || (f == AggFunc::kMin ? vm::less(v, ext) : vm::greater(v, ext)))) {
          ext = v;
          ext_time = t;
        }
        break;
      }
      case AggFunc::kLast: break;
    }
  }
  if (at) *at = ext_time;
  switch (f) {
    case AggFunc::kCount: return Value::integer(static_cast<int64_t>(count));
    case AggFunc::kSum: return sum.value();
    case AggFunc::kMin:
    case AggFunc::kMax: return ext;
    case AggFunc::kAvg:
      // `count` here counts numeric values only: record() skips the others for avg.
      if (count == 0) return Value();
      return Value::floating(fsum / static_cast<double>(static_cast<int64_t>(count)));
    case AggFunc::kLast: return latest == INT64_MIN ? Value() : Value::time(latest);
  }
  return Value();
}

Value AggState::query(const vm::AggregateDesc& d, int64_t now) {
  if (layout_ >= kDecoded) adopt(d);
  const AggFunc f = func();
  if (!windowed()) {
    switch (f) {
      case AggFunc::kCount: return Value::integer(count_);
      case AggFunc::kSum:
      case AggFunc::kMin:
      case AggFunc::kMax: return make_value(tag_, value_);
      case AggFunc::kAvg:
        if (count_ == 0) return Value();
        return Value::floating(double_of(value_) / static_cast<double>(count_));
      case AggFunc::kLast: {
        auto t = static_cast<int64_t>(value_);
        return t == INT64_MIN ? Value() : Value::time(t);
      }
    }
    return Value();
  }
  evict(d, now);
  // Entries after `now` (an event newer than the clock) or a window decoded out of order: walk.
  if (n_ == 0 || (flags_ & kSlow) || times()[pos(n_ - 1)] > now) return walk(now, nullptr);
  switch (f) {
    case AggFunc::kCount: return Value::integer(count_);
    case AggFunc::kLast: return Value::time(times()[pos(n_ - 1)]);
    case AggFunc::kSum:
      if (n_inexact_ == 0) {
        if (n_float_ == 0 && abs_total_ <= static_cast<uint64_t>(INT64_MAX))
          return Value::integer(static_cast<int64_t>(total_));
        if (abs_total_ <= static_cast<uint64_t>(kExact))
          return Value::floating(static_cast<double>(static_cast<int64_t>(total_)));
      }
      break;
    case AggFunc::kAvg:
      if (n_inexact_ == 0 && abs_total_ <= static_cast<uint64_t>(kExact)) {
        if (count_ == 0) return Value();
        return Value::floating(static_cast<double>(static_cast<int64_t>(total_)) / static_cast<double>(count_));
      }
      break;
    default: break;
  }
  if (flags_ & kCacheOk) return make_value(tag_, cache_);
  int64_t at = 0;
  Value v = walk(now, &at);
  tag_ = static_cast<uint8_t>(v.kind);
  cache_ = bits_of(v);
  if (f == AggFunc::kMin || f == AggFunc::kMax) cache_time_ = at;
  flags_ |= kCacheOk;
  return v;
}

// ---------------------------------------------------------------- persisted form

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

// The byte format is the one every AggState always had (all functions' fields, per entry); a
// state keeps only its function's fields, so the others are written as their empty values.
void AggState::encode(std::string& out) const {
  if (layout_ == kDecoded) {
    const auto& dec = *static_cast<const Decoded*>(buf_);
    put_slot(out, dec.total);
    vm::put_zigzag(out, dec.last);
    vm::put_varint(out, dec.window.size());
    for (const AggSlot& s : dec.window) put_slot(out, s);
    return;
  }
  AggSlot total;
  int64_t last = INT64_MIN;
  if (layout_ != kFresh && !windowed()) {
    switch (func()) {
      case AggFunc::kCount: total.count = count_; break;
      case AggFunc::kSum: {
        Value v = make_value(tag_, value_);
        total.sum.is_float = v.kind == Kind::kFloat;
        if (total.sum.is_float) total.sum.f = v.f; else total.sum.i = v.i;
        break;
      }
      case AggFunc::kAvg:
        total.count = count_;
        total.fsum = double_of(value_);
        break;
      case AggFunc::kMin: total.min = make_value(tag_, value_); break;
      case AggFunc::kMax: total.max = make_value(tag_, value_); break;
      case AggFunc::kLast: last = static_cast<int64_t>(value_); break;
    }
  }
  put_slot(out, total);
  vm::put_zigzag(out, last);
  size_t n = layout_ != kFresh && windowed() ? n_ : 0;
  vm::put_varint(out, n);
  for (size_t k = 0; k < n; ++k) put_slot(out, slot_at(k));
}

bool AggState::decode(vm::ByteReader& r) {
  auto dec = std::make_unique<Decoded>();
  dec->total = read_slot(r);
  dec->last = r.zigzag();
  uint64_t n = r.count();
  if (n > kMaxWindowEntries) r.fail();
  for (uint64_t k = 0; k < n && r.ok(); ++k) dec->window.push_back(read_slot(r));
  if (layout_ == kDecoded) delete static_cast<Decoded*>(buf_);
  else if (buf_) ::operator delete(buf_);
  buf_ = dec.release();
  layout_ = kDecoded;
  return r.ok();
}

}  // namespace laud::runtime
