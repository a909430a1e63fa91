// value_ops.cc — the out-of-line cases of §3's operators (see value_ops.h): exact int/float
// comparison, time/string coercion, list equality, and the arithmetic table for numbers, strings,
// times and durations. Mirrors compiler/const_eval.cc so that folded constants equal run-time values.
#include "vm/value_ops.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

#include "vm/time_text.h"

namespace laud::vm {
namespace {

constexpr int64_t kIntMin = std::numeric_limits<int64_t>::min();
constexpr double kTwo63 = 9223372036854775808.0;  // 2^63, exactly representable

bool is_number(Kind k) { return k == Kind::kInt || k == Kind::kFloat; }

template <typename T>
Order order_of(T x, T y) {
  return x < y ? Order::kLess : y < x ? Order::kGreater : Order::kEqual;
}

Order compare_floats(double x, double y) {
  if (x < y) return Order::kLess;
  if (x > y) return Order::kGreater;
  if (x == y) return Order::kEqual;
  return Order::kUnordered;  // a NaN
}

Order compare_numbers(const Value& a, const Value& b) {
  if (a.kind == Kind::kInt) {
    if (b.kind == Kind::kInt) return order_of(a.i, b.i);
    return compare_int_float(a.i, b.f);
  }
  if (b.kind == Kind::kInt) {
    Order o = compare_int_float(b.i, a.f);
    if (o == Order::kLess) return Order::kGreater;
    if (o == Order::kGreater) return Order::kLess;
    return o;
  }
  return compare_floats(a.f, b.f);
}

bool time_meets_string(const Value& a, const Value& b) {
  return (a.kind == Kind::kTime && b.kind == Kind::kString) || (a.kind == Kind::kString && b.kind == Kind::kTime);
}

// A finite float result, else null (§3: a non-finite float is null).
Value finite(double x) { return std::isfinite(x) ? Value::floating(x) : Value::null(); }

double as_double(const Value& v) { return v.kind == Kind::kInt ? static_cast<double>(v.i) : v.f; }

// ---- times and durations

enum class Op : uint8_t { kAdd, kSub, kMul, kDiv };

// Arithmetic where a time or a duration takes part (strings meeting them are read as times).
// Result kind by operand kinds (T time, D duration, I int); everything else is null:
//   T+D D+T → T   T−D → T   T−T → D   D±D → D   D*I I*D → D   D/I → D
Value time_arith(Op op, const Value& a, const Value& b) {
  Kind ka = a.kind, kb = b.kind;
  bool timed_a = ka == Kind::kTime || ka == Kind::kDuration;
  bool timed_b = kb == Kind::kTime || kb == Kind::kDuration;
  if (ka == Kind::kString && timed_b) ka = Kind::kTime;
  if (kb == Kind::kString && timed_a) kb = Kind::kTime;
  constexpr Kind T = Kind::kTime, D = Kind::kDuration, I = Kind::kInt;
  Kind result = Kind::kNull;
  switch (op) {
    case Op::kAdd:
      if ((ka == T && kb == D) || (ka == D && kb == T)) result = T;
      else if (ka == D && kb == D) result = D;
      break;
    case Op::kSub:
      if (ka == T && kb == D) result = T;
      else if ((ka == T && kb == T) || (ka == D && kb == D)) result = D;
      break;
    case Op::kMul:
      if ((ka == D && kb == I) || (ka == I && kb == D)) result = D;
      break;
    case Op::kDiv:
      if (ka == D && kb == I) result = D;
      break;
  }
  if (result == Kind::kNull) return Value::null();
  int64_t x = a.i, y = b.i;
  if (a.kind == Kind::kString) {
    auto t = parse_rfc3339(a.str());
    if (!t) return Value::null();
    x = *t;
  }
  if (b.kind == Kind::kString) {
    auto t = parse_rfc3339(b.str());
    if (!t) return Value::null();
    y = *t;
  }
  int64_t r = 0;
  switch (op) {
    case Op::kAdd:
      if (__builtin_add_overflow(x, y, &r)) return Value::null();
      break;
    case Op::kSub:
      if (__builtin_sub_overflow(x, y, &r)) return Value::null();
      break;
    case Op::kMul:
      if (__builtin_mul_overflow(x, y, &r)) return Value::null();
      break;
    case Op::kDiv:
      if (y == 0 || (x == kIntMin && y == -1)) return Value::null();
      r = x / y;  // toward zero, to the millisecond
      break;
  }
  return result == T ? Value::time(r) : Value::duration(r);
}

Value concat(const Value& a, const Value& b, Arena& arena) {
  if (a.size == 0) return b;
  if (b.size == 0) return a;
  uint64_t n = uint64_t{a.size} + b.size;
  if (n > std::numeric_limits<uint32_t>::max()) return Value::null();
  char* p = arena.allocate_array<char>(n);
  std::memcpy(p, a.s, a.size);
  std::memcpy(p + a.size, b.s, b.size);
  return Value::string(std::string_view(p, n));
}

}  // namespace

// ---------------------------------------------------------------- comparisons

std::optional<int64_t> as_time(const Value& v) {
  if (v.kind == Kind::kTime) return v.i;
  if (v.kind == Kind::kString) return parse_rfc3339(v.str());
  return std::nullopt;
}

Order compare_int_float(int64_t i, double f) {
  if (std::isnan(f)) return Order::kUnordered;
  if (f >= kTwo63) return Order::kLess;  // above every int64 (also +inf)
  if (f < -kTwo63) return Order::kGreater;  // below every int64 (also -inf)
  // -2^63 <= f < 2^63: its integral part converts exactly.
  double t = std::trunc(f);
  int64_t ti = static_cast<int64_t>(t);
  if (i != ti) return i < ti ? Order::kLess : Order::kGreater;
  if (f > t) return Order::kLess;  // i == trunc(f) < f
  if (f < t) return Order::kGreater;
  return Order::kEqual;
}

bool equal_slow(const Value& a, const Value& b) {
  if (is_number(a.kind) && is_number(b.kind)) return compare_numbers(a, b) == Order::kEqual;
  if (time_meets_string(a, b)) {
    auto x = as_time(a), y = as_time(b);
    return x && y && *x == *y;
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kNull: return true;
    case Kind::kBool: return a.b == b.b;
    case Kind::kInt:
    case Kind::kTime:
    case Kind::kDuration: return a.i == b.i;
    case Kind::kString: return a.str() == b.str();
    case Kind::kList:
      if (a.size != b.size) return false;
      for (uint32_t k = 0; k < a.size; ++k)
        if (!equal(a.list[k], b.list[k])) return false;
      return true;
    case Kind::kFloat:   // handled with the numbers
    case Kind::kObject:  // opaque: unequal to everything, itself included (§13)
      return false;
  }
  return false;
}

Order compare(const Value& a, const Value& b) {
  if (is_number(a.kind) && is_number(b.kind)) return compare_numbers(a, b);
  if (a.kind == b.kind) {
    switch (a.kind) {
      case Kind::kString: {
        int c = a.str().compare(b.str());  // char_traits<char>::compare: unsigned bytes
        return c < 0 ? Order::kLess : c > 0 ? Order::kGreater : Order::kEqual;
      }
      case Kind::kTime:
      case Kind::kDuration: return order_of(a.i, b.i);
      default: return Order::kUnordered;
    }
  }
  if (time_meets_string(a, b)) {
    auto x = as_time(a), y = as_time(b);
    if (!x || !y) return Order::kUnordered;
    return order_of(*x, *y);
  }
  return Order::kUnordered;
}

// ---------------------------------------------------------------- membership and string tests

bool in_list(const Value& x, const Value& list) {
  if (list.kind != Kind::kList) return false;
  if (x.kind != Kind::kString) {
    for (uint32_t k = 0; k < list.size; ++k)
      if (equal(x, list.list[k])) return true;
    return false;
  }
  // A string meets time elements as RFC 3339: parse it once, at the first time element.
  bool parsed = false;
  std::optional<int64_t> t;
  for (uint32_t k = 0; k < list.size; ++k) {
    const Value& e = list.list[k];
    if (e.kind == Kind::kTime) {
      if (!parsed) t = parse_rfc3339(x.str()), parsed = true;
      if (t && *t == e.i) return true;
    } else if (e.kind == Kind::kString && e.size == x.size && same_bytes(e.s, x.s, x.size)) {
      return true;
    }
    // Any other element kind is unequal to a string.
  }
  return false;
}

bool contains(const Value& a, const Value& b) {
  if (a.kind == Kind::kList) return in_list(b, a);
  if (a.kind != Kind::kString || b.kind != Kind::kString) return false;
  return a.str().find(b.str()) != std::string_view::npos;
}

bool starts_with(const Value& a, const Value& b) {
  return a.kind == Kind::kString && b.kind == Kind::kString && a.str().starts_with(b.str());
}

bool ends_with(const Value& a, const Value& b) {
  return a.kind == Kind::kString && b.kind == Kind::kString && a.str().ends_with(b.str());
}

// ---------------------------------------------------------------- arithmetic

Value add_slow(const Value& a, const Value& b, Arena& arena) {
  if (is_number(a.kind) && is_number(b.kind)) {
    if (a.kind == Kind::kInt && b.kind == Kind::kInt) return add(a, b, arena);
    return finite(as_double(a) + as_double(b));
  }
  if (a.kind == Kind::kString && b.kind == Kind::kString) return concat(a, b, arena);
  return time_arith(Op::kAdd, a, b);
}

Value subtract_slow(const Value& a, const Value& b) {
  if (is_number(a.kind) && is_number(b.kind)) {
    if (a.kind == Kind::kInt && b.kind == Kind::kInt) return subtract(a, b);
    return finite(as_double(a) - as_double(b));
  }
  return time_arith(Op::kSub, a, b);
}

Value multiply_slow(const Value& a, const Value& b) {
  if (is_number(a.kind) && is_number(b.kind)) {
    if (a.kind == Kind::kInt && b.kind == Kind::kInt) {
      int64_t r;
      return __builtin_mul_overflow(a.i, b.i, &r) ? Value::null() : Value::integer(r);
    }
    return finite(as_double(a) * as_double(b));
  }
  return time_arith(Op::kMul, a, b);
}

Value divide(const Value& a, const Value& b) {
  if (is_number(a.kind) && is_number(b.kind)) {
    if (a.kind == Kind::kInt && b.kind == Kind::kInt) {
      if (b.i == 0 || (a.i == kIntMin && b.i == -1)) return Value::null();
      return Value::integer(a.i / b.i);
    }
    double y = as_double(b);
    if (y == 0) return Value::null();
    return finite(as_double(a) / y);
  }
  return time_arith(Op::kDiv, a, b);
}

Value modulo(const Value& a, const Value& b) {
  if (!is_number(a.kind) || !is_number(b.kind)) return Value::null();  // no `%` on times or durations
  if (a.kind == Kind::kInt && b.kind == Kind::kInt) {
    if (b.i == 0) return Value::null();
    if (b.i == -1) return Value::integer(0);  // INT_MIN % -1 is 0 (§13), without the trap
    return Value::integer(a.i % b.i);
  }
  double y = as_double(b);
  if (y == 0) return Value::null();
  return finite(std::fmod(as_double(a), y));
}

Value negate(const Value& v) {
  switch (v.kind) {
    case Kind::kInt: return v.i == kIntMin ? Value::null() : Value::integer(-v.i);
    case Kind::kFloat: return finite(-v.f);
    case Kind::kDuration: return v.i == kIntMin ? Value::null() : Value::duration(-v.i);
    default: return Value::null();
  }
}

}  // namespace laud::vm
