// value_ops.h — §3's operators on VM values, total by construction: comparisons, membership,
// string tests, arithmetic and `not`. Every function accepts any pair of values and answers
// (false or null where §3 says so) without exceptions, UB or heap allocation; only string
// concatenation writes into the activation's Arena. The interpreter's opcodes call these directly;
// the common int/int cases are inline here, the rest is in value_ops.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <cstring>

#include "vm/arena.h"
#include "vm/value.h"

namespace laud::vm {

// ---------------------------------------------------------------- truth

// `and`/`or`/`not`/conditions: only `true` is true (null and non-bool count as false).
inline bool truthy(const Value& v) { return v.kind == Kind::kBool && v.b; }
// `not x`: true unless x is true.
inline Value logical_not(const Value& v) { return Value::boolean(!truthy(v)); }

// ---------------------------------------------------------------- comparisons

// The time a value stands for where it meets a time (§3): a time, or a string parsed as RFC 3339.
// nullopt for an unparsable string or any other kind.
std::optional<int64_t> as_time(const Value& v);

// `==`: 1 == 1.0, ints and floats compared exactly (9007199254740993 != 9007199254740992.0),
// null == null, a time equals a string that parses to the same instant, lists element-wise;
// other kind pairs are unequal and an object is unequal to everything, itself included.
bool equal_slow(const Value& a, const Value& b);
inline uint64_t ld64(const char* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }
inline uint32_t ld32(const char* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
inline bool same_bytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    return ld64(a) == ld64(b) && ld64(a + n - 8) == ld64(b + n - 8);
  }
  if (n >= 4) return ld32(a) == ld32(b) && ld32(a + n - 4) == ld32(b + n - 4);
  if (n == 0) return true;
  return a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1];
}
inline bool equal(const Value& a, const Value& b) {
  if (a.kind == b.kind) {
    if (a.kind == Kind::kInt || a.kind == Kind::kTime || a.kind == Kind::kDuration) return a.i == b.i;
    if (a.kind == Kind::kString) return a.size == b.size && same_bytes(a.s, b.s, a.size);
    if (a.kind == Kind::kBool) return a.b == b.b;
  }
  return equal_slow(a, b);
}
inline bool not_equal(const Value& a, const Value& b) { return !equal(a, b); }

// The order of `< <= > >=`: numbers (exactly, int against float), strings (bytewise, unsigned),
// times, durations, and a time against a string parsed as RFC 3339. kUnordered for every other
// pair (null, bools, lists, objects, mixed kinds, an unparsable string, a NaN): all four are false.
enum class Order : int8_t { kLess = -1, kEqual = 0, kGreater = 1, kUnordered = 2 };
Order compare(const Value& a, const Value& b);

// Exact order of an int and a float (no rounding through double); kUnordered for a NaN.
Order compare_int_float(int64_t i, double f);

inline Order compare_fast(const Value& a, const Value& b) {
  if (a.kind == b.kind && (a.kind == Kind::kInt || a.kind == Kind::kTime || a.kind == Kind::kDuration))
    return a.i < b.i ? Order::kLess : a.i > b.i ? Order::kGreater : Order::kEqual;
  if (a.kind == Kind::kFloat && b.kind == Kind::kInt && b.i >= -(int64_t{1} << 53) && b.i <= (int64_t{1} << 53)) {
    double y = static_cast<double>(b.i);  // exact
    return a.f < y ? Order::kLess : a.f > y ? Order::kGreater : a.f == y ? Order::kEqual : Order::kUnordered;
  }
  return compare(a, b);
}
inline bool less(const Value& a, const Value& b) { return compare_fast(a, b) == Order::kLess; }
inline bool greater(const Value& a, const Value& b) { return compare_fast(a, b) == Order::kGreater; }
inline bool less_equal(const Value& a, const Value& b) {
  Order o = compare_fast(a, b);
  return o == Order::kLess || o == Order::kEqual;
}
inline bool greater_equal(const Value& a, const Value& b) {
  Order o = compare_fast(a, b);
  return o == Order::kGreater || o == Order::kEqual;
}

// ---------------------------------------------------------------- membership and string tests

// `x in list`: some element equals x (per `equal`, so a time finds its RFC 3339 string).
// False when `list` is not a list.
bool in_list(const Value& x, const Value& list);
// `a contains b`: b is a substring of the string a (bytewise; "" is in every string), or an
// element of the list a. False for any other kinds.
bool contains(const Value& a, const Value& b);
// `a starts_with b` / `a ends_with b`: both strings, bytewise; else false.
bool starts_with(const Value& a, const Value& b);
bool ends_with(const Value& a, const Value& b);

// ---------------------------------------------------------------- arithmetic
//
// Null for every combination §3 does not list, division by zero, int or duration overflow and a
// non-finite float. Ints: exact, `/` truncates toward zero, `%` takes the dividend's sign,
// INT_MIN / -1 is null, x % -1 is 0. Int with float: float. Floats: IEEE, `%` is fmod.
// Times and durations (ms): time ± duration, duration + time → time; time − time → duration;
// duration ± duration; duration * int, int * duration, duration / int (toward zero) → duration.
// A string that meets a time or a duration is parsed as RFC 3339 (a time); unparsable → null.
// string + string concatenates into `arena` (null beyond 4 GiB).

Value add_slow(const Value& a, const Value& b, Arena& arena);
inline Value add(const Value& a, const Value& b, Arena& arena) {
  int64_t r;
  if (a.kind == Kind::kInt && b.kind == Kind::kInt)
    return __builtin_add_overflow(a.i, b.i, &r) ? Value::null() : Value::integer(r);
  return add_slow(a, b, arena);
}

Value subtract_slow(const Value& a, const Value& b);
inline Value subtract(const Value& a, const Value& b) {
  int64_t r;
  if (a.kind == Kind::kInt && b.kind == Kind::kInt)
    return __builtin_sub_overflow(a.i, b.i, &r) ? Value::null() : Value::integer(r);
  return subtract_slow(a, b);
}

Value multiply_slow(const Value& a, const Value& b);
inline Value multiply(const Value& a, const Value& b) {
  int64_t r;
  if (a.kind == Kind::kInt && b.kind == Kind::kInt)
    return __builtin_mul_overflow(a.i, b.i, &r) ? Value::null() : Value::integer(r);
  return multiply_slow(a, b);
}
Value divide(const Value& a, const Value& b);
Value modulo(const Value& a, const Value& b);
// Unary minus: int (INT_MIN → null), float, duration (INT_MIN ms → null); else null.
Value negate(const Value& v);

}  // namespace laud::vm
