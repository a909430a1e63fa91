// builtins.cc — the §4 functions for the VM's CALL instruction (see builtins.h). Conversions
// follow §13 exactly and mirror compiler/const_eval.cc so that folded calls agree with run time.
// No heap allocation: new strings go into the activation's Arena.
#include "vm/builtins.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "vm/text_form.h"
#include "vm/time_text.h"

namespace laud::vm {
namespace {

constexpr std::array<std::string_view, kBuiltinCount> kNames = {"exists", "lower", "upper", "len",
                                                                "time",   "int",   "float", "string"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// `-?[0-9]+(\.[0-9]+)?` (§13). On success `int_end` is where the integral digits end.
bool is_decimal_text(std::string_view s, size_t& int_end) {
  size_t p = 0;
  if (p < s.size() && s[p] == '-') ++p;
  size_t digits = p;
  while (p < s.size() && is_digit(s[p])) ++p;
  if (p == digits) return false;
  int_end = p;
  if (p == s.size()) return true;
  if (s[p] != '.') return false;
  size_t frac = ++p;
  while (p < s.size() && is_digit(s[p])) ++p;
  return p > frac && p == s.size();
}

Value ascii_case(const Value& v, bool upper, Arena& arena) {
  if (v.kind != Kind::kString) return Value::null();
  const char lo = upper ? 'a' : 'A', hi = upper ? 'z' : 'Z';
  std::string_view s = v.str();
  size_t first = 0;
  while (first < s.size() && (s[first] < lo || s[first] > hi)) ++first;
  if (first == s.size()) return v;  // nothing changes: reuse the argument
  char* p = arena.allocate_array<char>(s.size());
  std::memcpy(p, s.data(), s.size());
  for (size_t k = first; k < s.size(); ++k)
    if (p[k] >= lo && p[k] <= hi) p[k] = static_cast<char>(p[k] ^ 0x20);
  return Value::string(std::string_view(p, s.size()));
}

Value length(const Value& v) {
  if (v.kind == Kind::kList) return Value::integer(v.size);
  if (v.kind != Kind::kString) return Value::null();
  return Value::integer(static_cast<int64_t>(utf8_length(v.str())));
}

Value to_time(const Value& v) {
  if (v.kind == Kind::kTime) return v;
  if (v.kind != Kind::kString) return Value::null();
  auto t = parse_rfc3339(v.str());
  return t ? Value::time(*t) : Value::null();
}

Value to_int(const Value& v) {
  switch (v.kind) {
    case Kind::kInt: return v;
    case Kind::kFloat: {
      if (!std::isfinite(v.f)) return Value::null();
      double t = std::trunc(v.f);
      if (!(t >= -9223372036854775808.0 && t < 9223372036854775808.0)) return Value::null();
      return Value::integer(static_cast<int64_t>(t));
    }
    case Kind::kString: {
      std::string_view s = v.str();
      size_t int_end = 0;
      if (!is_decimal_text(s, int_end)) return Value::null();
      bool neg = s[0] == '-';
      uint64_t mag = 0;
      constexpr uint64_t kMaxMag = uint64_t{1} << 63;  // |INT64_MIN|
      for (size_t k = neg ? 1 : 0; k < int_end; ++k) {
        uint64_t digit = static_cast<uint64_t>(s[k] - '0');
        if (mag > (kMaxMag - digit) / 10) return Value::null();
        mag = mag * 10 + digit;
      }
      if (!neg && mag == kMaxMag) return Value::null();
      return Value::integer(neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag));
    }
    default: return Value::null();
  }
}

Value to_float(const Value& v) {
  switch (v.kind) {
    case Kind::kInt: return Value::floating(static_cast<double>(v.i));
    case Kind::kFloat: return std::isfinite(v.f) ? v : Value::null();
    case Kind::kString: {
      std::string_view s = v.str();
      size_t int_end = 0;
      if (!is_decimal_text(s, int_end)) return Value::null();
      double d = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), d);  // locale-independent
      if (r.ec == std::errc::result_out_of_range) {
        // Without an exponent, out of range is overflow when the integral part is not zero,
        // else underflow: the nearest float is then a zero of the string's sign.
        bool zero_int = true;
        for (size_t k = s[0] == '-' ? 1 : 0; k < int_end; ++k) zero_int = zero_int && s[k] == '0';
        if (!zero_int) return Value::null();
        return Value::floating(s[0] == '-' ? -0.0 : 0.0);
      }
      if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(d)) return Value::null();
      return Value::floating(d);
    }
    default: return Value::null();
  }
}

}  // namespace

std::optional<Builtin> builtin_by_name(std::string_view name) {
  for (uint32_t k = 0; k < kBuiltinCount; ++k)
    if (kNames[k] == name) return static_cast<Builtin>(k);
  return std::nullopt;
}

std::string_view builtin_name(Builtin b) {
  auto k = static_cast<uint32_t>(b);
  return k < kBuiltinCount ? kNames[k] : std::string_view("?");
}

Value call_builtin(Builtin b, const Value& arg, Arena& arena) {
  switch (b) {
    case Builtin::kExists: return Value::boolean(!arg.is_null());
    case Builtin::kLower: return ascii_case(arg, false, arena);
    case Builtin::kUpper: return ascii_case(arg, true, arena);
    case Builtin::kLen: return length(arg);
    case Builtin::kTime: return to_time(arg);
    case Builtin::kInt: return to_int(arg);
    case Builtin::kFloat: return to_float(arg);
    case Builtin::kString: return text_value(arg, arena);
  }
  return Value::null();  // a byte that is no Builtin (the verifier rejects it)
}

}  // namespace laud::vm
