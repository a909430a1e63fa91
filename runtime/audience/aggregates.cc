// aggregates.cc — recording qualifying events and answering count/sum/min/max/avg/last (§4).
#include "runtime/audience/aggregates.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <new>

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

// ---------------------------------------------------------------- layout

AggState::~AggState() { ::operator delete(buf_); }

bool AggState::has_count() const { return func() == AggFunc::kCount || func() == AggFunc::kAvg; }
bool AggState::has_value() const { return func() != AggFunc::kCount && func() != AggFunc::kLast; }
bool AggState::has_tag() const { return has_value() && func() != AggFunc::kAvg; }

size_t AggState::slots() const { return windowed() ? n_ : 0; }

void AggState::prefetch() const {
  const char* p = static_cast<const char*>(buf_);
  size_t bytes = std::min<size_t>(heap_bytes(), 1024);
  for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch(p + off);
}

size_t AggState::heap_bytes() const { return buf_ ? size_t{cap_} * row_bytes(layout_) : 0; }

uint8_t AggState::layout_of(const vm::AggregateDesc& d) {
  return static_cast<uint8_t>(static_cast<uint8_t>(d.func) | (d.within_ms >= 0 ? 8 : 0));
}

// A fresh state takes the layout of the aggregate it serves. A state that holds another layout
// (decoded bytes of another function or window kind: the codec matches aggregates by a signature
// that includes both, so only damaged or hand-made input gets here) starts fresh too: its numbers
// mean nothing for this aggregate.
void AggState::adopt(const vm::AggregateDesc& d) { set_layout(layout_of(d)); }

// The empty state of `layout`, without a ring.
void AggState::set_layout(uint8_t layout) {
  ::operator delete(buf_);
  buf_ = nullptr;
  layout_ = layout;
  tag_ = 0;
  flags_ = 0;
  head_ = n_ = cap_ = 0;
  n_inexact_ = n_float_ = 0;
  count_ = 0;
  value_ = 0;
  abs_total_ = 0;
  cache_ = 0;
  if (layout_ != kFresh && !windowed()) {
    switch (func()) {
      case AggFunc::kSum: tag_ = static_cast<uint8_t>(Kind::kInt); break;
      case AggFunc::kLast: value_ = static_cast<uint64_t>(INT64_MIN); break;
      default: break;
    }
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

void AggState::grow() { reserve(cap_ ? std::min<size_t>(size_t{cap_} * 2, kMaxWindowEntries + 1) : 2); }

// A ring of `cap` rows holding the entries in order from row 0.
void AggState::reserve(size_t cap) {
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
  if (layout_ != layout_of(d)) adopt(d);
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
  if (layout_ != layout_of(d)) adopt(d);
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
  // Entries after `now` (an event newer than the clock) or a NaN among min/max: walk.
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
//
// Only the state's function's fields, as the state keeps them. The first byte is layout_: kFresh
// (nothing follows) or AggFunc | 8 when windowed. Then
//   without `within`: count: varint; sum, min, max: number; avg: varint count, f64 float sum;
//                     last: zigzag time (INT64_MIN when none);
//   with `within`:    varint n <= kMaxWindowEntries, then n entries in time order, each its time
//                     (the first as zigzag, the others as the varint distance from the previous
//                     one, at least 1) and count: varint; sum, min, max: number; avg: varint
//                     count, f64 float sum; last: nothing.
// A number is its vm::Kind byte (int, float; null only for an all-time min/max of nothing), then
// an int's zigzag or a float's 8 bytes. Running totals are recomputed by decode(); the caches
// (which give the same bits as the walk) start empty.

namespace {

constexpr uint8_t kNullTag = static_cast<uint8_t>(Kind::kNull);
constexpr uint8_t kIntTag = static_cast<uint8_t>(Kind::kInt);
constexpr uint8_t kFloatTag = static_cast<uint8_t>(Kind::kFloat);
constexpr size_t kMaxEntryBytes = 28;  // varint time, varint count, f64 (avg)

// Writes through a stack buffer appended in chunks: a few appends per state, not one capacity
// check per field (encode() runs for every changed customer of a durable run).
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  ~Writer() { flush(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  void room() {  // for one more entry (the header and the all-time fields need less)
    if (p_ + kMaxEntryBytes > std::end(buf_)) flush();
  }
  void byte(uint8_t b) { *p_++ = static_cast<char>(b); }
  void varint(uint64_t v) {
    for (; v >= 0x80; v >>= 7) *p_++ = static_cast<char>((v & 0x7F) | 0x80);
    *p_++ = static_cast<char>(v);
  }
  void zigzag(int64_t v) { varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) *p_++ = static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  void number(uint8_t tag, uint64_t bits) {
    byte(tag);
    if (tag == kIntTag) zigzag(static_cast<int64_t>(bits));
    if (tag == kFloatTag) u64(bits);
  }

 private:
  void flush() {
    out_.append(buf_, static_cast<size_t>(p_ - buf_));
    p_ = buf_;
  }
  std::string& out_;
  char buf_[512];
  char* p_ = buf_;
};

// An int or a float (or null when `null_ok`) as the state keeps it: kind tag and bits.
void read_number(vm::ByteReader& r, bool null_ok, uint8_t& tag, uint64_t& bits) {
  tag = r.byte();
  bits = 0;
  if (tag == kIntTag) bits = static_cast<uint64_t>(r.zigzag());
  else if (tag == kFloatTag) bits = r.u64();
  else if (tag != kNullTag || !null_ok) r.fail();
}

}  // namespace

void AggState::encode(std::string& out) const {
  Writer w(out);
  w.byte(layout_);
  if (layout_ == kFresh) return;
  if (!windowed()) {
    switch (func()) {
      case AggFunc::kCount: w.varint(static_cast<uint64_t>(count_)); break;
      case AggFunc::kSum:
      case AggFunc::kMin:
      case AggFunc::kMax: w.number(tag_, value_); break;
      case AggFunc::kAvg:
        w.varint(static_cast<uint64_t>(count_));
        w.u64(value_);
        break;
      case AggFunc::kLast: w.zigzag(static_cast<int64_t>(value_)); break;
    }
    return;
  }
  w.varint(n_);
  for (size_t k = 0; k < n_; ++k) {
    w.room();
    size_t p = pos(k);
    if (k == 0) w.zigzag(times()[p]);
    else w.varint(static_cast<uint64_t>(times()[p]) - static_cast<uint64_t>(times()[pos(k - 1)]));
    switch (func()) {
      case AggFunc::kCount: w.varint(static_cast<uint64_t>(counts()[p])); break;
      case AggFunc::kSum:
      case AggFunc::kMin:
      case AggFunc::kMax: w.number(tags()[p], bits()[p]); break;
      case AggFunc::kAvg:
        w.varint(static_cast<uint64_t>(counts()[p]));
        w.u64(bits()[p]);
        break;
      case AggFunc::kLast: break;
    }
  }
}

// Rebuilds the state of the layout in the bytes directly; on malformed input the state is fresh
// and the reader has failed.
bool AggState::decode(vm::ByteReader& r) {
  set_layout(kFresh);
  uint8_t layout = r.byte();
  if (r.ok() && layout != kFresh) {
    if ((layout & ~8) > static_cast<uint8_t>(AggFunc::kLast)) {
      r.fail();  // not a layout this version writes
    } else {
      set_layout(layout);
      if (windowed()) decode_window(r);
      else decode_totals(r);
    }
  }
  if (!r.ok()) set_layout(kFresh);
  return r.ok();
}

void AggState::decode_totals(vm::ByteReader& r) {
  switch (func()) {
    case AggFunc::kCount: count_ = static_cast<int64_t>(r.varint()); break;
    case AggFunc::kSum: read_number(r, false, tag_, value_); break;
    case AggFunc::kMin:
    case AggFunc::kMax: read_number(r, true, tag_, value_); break;
    case AggFunc::kAvg:
      count_ = static_cast<int64_t>(r.varint());
      value_ = r.u64();
      break;
    case AggFunc::kLast: value_ = static_cast<uint64_t>(r.zigzag()); break;
  }
}

// The entries into a ring of exactly their number (row k is entry k), tallied as they come. The
// count is checked before allocating; times must increase strictly (one entry per instant, in
// order: what record(), evict() and the fast paths rely on).
void AggState::decode_window(vm::ByteReader& r) {
  uint64_t n = r.count();
  if (n > kMaxWindowEntries) r.fail();
  if (n == 0 || !r.ok()) return;
  reserve(n);
  int64_t prev = 0;
  for (size_t k = 0; k < n && r.ok(); ++k) {
    int64_t t = k == 0 ? r.zigzag() : static_cast<int64_t>(static_cast<uint64_t>(prev) + r.varint());
    if (k > 0 && t <= prev) r.fail();  // a distance of 0, or one past INT64_MAX
    times()[k] = prev = t;
    switch (func()) {
      case AggFunc::kCount: counts()[k] = static_cast<int64_t>(r.varint()); break;
      case AggFunc::kSum: read_number(r, false, tags()[k], bits()[k]); break;
      case AggFunc::kMin:
      case AggFunc::kMax:
        read_number(r, false, tags()[k], bits()[k]);
        if (is_nan(value_at(k))) flags_ |= kSlow;
        break;
      case AggFunc::kAvg:
        counts()[k] = static_cast<int64_t>(r.varint());
        bits()[k] = r.u64();
        break;
      case AggFunc::kLast: break;
    }
    ++n_;
    tally(k, +1);
  }
}

}  // namespace laud::runtime
