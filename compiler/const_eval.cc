// const_eval.cc — §3's operations on compile-time values, value kinds, and constant folding.
// These rules mirror the VM's: a folded const must be the value the VM would have computed.
// Text forms (string(), diagnostics) come from vm/time_text for times, durations and floats.
#include "compiler/const_eval.h"

#include <re2/re2.h>

#include <cmath>
#include <limits>

#include "compiler/builtins.h"
#include "vm/time_text.h"

namespace laud::compiler {

using vm::Kind;
using ast::Op;

// ---------------------------------------------------------------- kinds

std::string_view kind_article_name(Kind k) {
  switch (k) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "a bool";
    case Kind::kInt: return "an int";
    case Kind::kFloat: return "a float";
    case Kind::kString: return "a string";
    case Kind::kTime: return "a time";
    case Kind::kDuration: return "a duration";
    case Kind::kList: return "a list";
    case Kind::kObject: return "an object";
  }
  return "a value";
}

std::string describe_kinds(KindMask m) {
  if (m == 0) return "null";
  std::string out;
  int n = 0;
  for (unsigned k = 1; k <= static_cast<unsigned>(Kind::kObject); ++k) {
    if (!(m & (1u << k))) continue;
    if (n++ > 0) out += " or ";
    out += kind_article_name(static_cast<Kind>(k));
  }
  return n > 2 ? "a value" : out;
}

namespace {

bool is_num(Kind k) { return k == Kind::kInt || k == Kind::kFloat; }
bool is_arith(Op op) { return op == Op::kAdd || op == Op::kSub || op == Op::kMul || op == Op::kDiv || op == Op::kMod; }
bool is_order(Op op) { return op == Op::kLt || op == Op::kLe || op == Op::kGt || op == Op::kGe; }

// A string that meets a time or a duration in arithmetic is read as a time (§3).
Kind as_time_if_string(Kind k, Kind other) {
  return k == Kind::kString && (other == Kind::kTime || other == Kind::kDuration) ? Kind::kTime : k;
}

// The result kind of arithmetic between two non-null kinds, or null when it always fails.
Kind arith_kind(Op op, Kind a0, Kind b0) {
  if (a0 == Kind::kString && b0 == Kind::kString) return op == Op::kAdd ? Kind::kString : Kind::kNull;
  Kind a = as_time_if_string(a0, b0), b = as_time_if_string(b0, a0);
  if (is_num(a) && is_num(b)) return a == Kind::kInt && b == Kind::kInt ? Kind::kInt : Kind::kFloat;
  const Kind T = Kind::kTime, D = Kind::kDuration;
  switch (op) {
    case Op::kAdd:
      if ((a == T && b == D) || (a == D && b == T)) return T;
      if (a == D && b == D) return D;
      return Kind::kNull;
    case Op::kSub:
      if (a == T && b == D) return T;
      if (a == T && b == T) return D;
      if (a == D && b == D) return D;
      return Kind::kNull;
    case Op::kMul:
      return (a == D && b == Kind::kInt) || (a == Kind::kInt && b == D) ? D : Kind::kNull;
    case Op::kDiv:
      return a == D && b == Kind::kInt ? D : Kind::kNull;
    default:
      return Kind::kNull;
  }
}

bool can_order(Kind a, Kind b) {
  if (is_num(a) && is_num(b)) return true;
  if ((a == Kind::kTime && b == Kind::kString) || (a == Kind::kString && b == Kind::kTime)) return true;
  return a == b && (a == Kind::kString || a == Kind::kTime || a == Kind::kDuration);
}

template <typename F>
void each_kind(KindMask m, F f) {
  for (unsigned k = 1; k <= static_cast<unsigned>(Kind::kObject); ++k)
    if (m & (1u << k)) f(static_cast<Kind>(k));
}

}  // namespace

bool binary_can_succeed(Op op, Kind a, Kind b) {
  if (is_arith(op)) return arith_kind(op, a, b) != Kind::kNull;
  if (is_order(op)) return can_order(a, b);
  switch (op) {
    case Op::kIn: return b == Kind::kList;
    case Op::kContains: return a == Kind::kList || (a == Kind::kString && b == Kind::kString);
    case Op::kStartsWith:
    case Op::kEndsWith: return a == Kind::kString && b == Kind::kString;
    case Op::kMatches: return a == Kind::kString;
    default: return true;
  }
}

KindMask binary_result_kinds(Op op, KindMask a, KindMask b) {
  if (op == Op::kCoalesce) return static_cast<KindMask>(a | b);
  if (!is_arith(op)) return kind_bit(Kind::kBool);
  KindMask out = 0;
  each_kind(a, [&](Kind x) {
    each_kind(b, [&](Kind y) {
      Kind r = arith_kind(op, x, y);
      if (r != Kind::kNull) out |= kind_bit(r);
    });
  });
  return out;
}

KindMask unary_result_kinds(Op op, KindMask a) {
  if (op == Op::kNot) return kind_bit(Kind::kBool);
  return static_cast<KindMask>(a & (kNumberKinds | kind_bit(Kind::kDuration)));
}

// ---------------------------------------------------------------- values

ConstValue ConstValue::boolean(bool v) { ConstValue x; x.kind = Kind::kBool; x.b = v; return x; }
ConstValue ConstValue::integer(int64_t v) { ConstValue x; x.kind = Kind::kInt; x.i = v; return x; }
ConstValue ConstValue::floating(double v) {
  if (!std::isfinite(v)) return null();
  ConstValue x;
  x.kind = Kind::kFloat;
  x.f = v;
  return x;
}
ConstValue ConstValue::string(std::string v) { ConstValue x; x.kind = Kind::kString; x.s = std::move(v); return x; }
ConstValue ConstValue::time(int64_t ms) { ConstValue x; x.kind = Kind::kTime; x.i = ms; return x; }
ConstValue ConstValue::duration(int64_t ms) { ConstValue x; x.kind = Kind::kDuration; x.i = ms; return x; }
ConstValue ConstValue::list_of(std::vector<ConstValue> items) {
  ConstValue x;
  x.kind = Kind::kList;
  x.list = std::move(items);
  return x;
}

namespace {

// Exact comparison of an int with a finite double (no rounding through double).
int compare_int_float(int64_t i, double f) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (f >= kTwo63) return -1;
  if (f < -kTwo63) return 1;
  double t = std::trunc(f);
  int64_t ti = static_cast<int64_t>(t);
  if (i != ti) return i < ti ? -1 : 1;
  if (f > t) return -1;
  if (f < t) return 1;
  return 0;
}

int compare_numbers(const ConstValue& a, const ConstValue& b) {
  if (a.kind == Kind::kInt && b.kind == Kind::kInt) return a.i < b.i ? -1 : a.i > b.i;
  if (a.kind == Kind::kInt) return compare_int_float(a.i, b.f);
  if (b.kind == Kind::kInt) return -compare_int_float(b.i, a.f);
  return a.f < b.f ? -1 : a.f > b.f;
}

// A string that meets a time is parsed as RFC 3339 (§3); nullopt when it does not parse.
std::optional<int64_t> time_of(const ConstValue& v) {
  if (v.kind == Kind::kTime) return v.i;
  if (v.kind == Kind::kString) return vm::parse_rfc3339(v.s);
  return std::nullopt;
}

bool one_time_one_string(const ConstValue& a, const ConstValue& b) {
  return (a.kind == Kind::kTime && b.kind == Kind::kString) || (a.kind == Kind::kString && b.kind == Kind::kTime);
}

}  // namespace

bool const_equal(const ConstValue& a, const ConstValue& b) {
  if (is_num(a.kind) && is_num(b.kind)) return compare_numbers(a, b) == 0;
  if (one_time_one_string(a, b)) {
    auto x = time_of(a), y = time_of(b);
    return x && y && *x == *y;
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kNull: return true;
    case Kind::kBool: return a.b == b.b;
    case Kind::kString: return a.s == b.s;
    case Kind::kTime:
    case Kind::kDuration: return a.i == b.i;
    case Kind::kList:
      if (a.list.size() != b.list.size()) return false;
      for (size_t k = 0; k < a.list.size(); ++k)
        if (!const_equal(a.list[k], b.list[k])) return false;
      return true;
    default: return false;
  }
}

std::optional<int> const_order(const ConstValue& a, const ConstValue& b) {
  if (!can_order(a.kind, b.kind)) return std::nullopt;
  if (is_num(a.kind)) return compare_numbers(a, b);
  if (a.kind == Kind::kString && b.kind == Kind::kString) {
    int c = a.s.compare(b.s);  // std::string compares bytes as unsigned char
    return c < 0 ? -1 : c > 0;
  }
  auto x = time_of(a), y = time_of(b);
  if (a.kind == Kind::kDuration) x = a.i, y = b.i;
  if (!x || !y) return std::nullopt;
  return *x < *y ? -1 : *x > *y;
}

ConstValue const_unary(Op op, const ConstValue& v) {
  if (op == Op::kNot) return ConstValue::boolean(!(v.kind == Kind::kBool && v.b));
  switch (v.kind) {
    case Kind::kInt:
      return v.i == std::numeric_limits<int64_t>::min() ? ConstValue::null() : ConstValue::integer(-v.i);
    case Kind::kFloat: return ConstValue::floating(-v.f);
    case Kind::kDuration:
      return v.i == std::numeric_limits<int64_t>::min() ? ConstValue::null() : ConstValue::duration(-v.i);
    default: return ConstValue::null();
  }
}

namespace {

std::optional<int64_t> int_arith(Op op, int64_t a, int64_t b) {
  int64_t r = 0;
  switch (op) {
    case Op::kAdd: if (__builtin_add_overflow(a, b, &r)) return std::nullopt; return r;
    case Op::kSub: if (__builtin_sub_overflow(a, b, &r)) return std::nullopt; return r;
    case Op::kMul: if (__builtin_mul_overflow(a, b, &r)) return std::nullopt; return r;
    case Op::kDiv:
      if (b == 0 || (a == std::numeric_limits<int64_t>::min() && b == -1)) return std::nullopt;
      return a / b;
    case Op::kMod:
      if (b == 0) return std::nullopt;
      if (b == -1) return 0;  // INT_MIN % -1 is 0 (§13)
      return a % b;
    default: return std::nullopt;
  }
}

ConstValue number_arith(Op op, const ConstValue& a, const ConstValue& b) {
  if (a.kind == Kind::kInt && b.kind == Kind::kInt) {
    auto r = int_arith(op, a.i, b.i);
    return r ? ConstValue::integer(*r) : ConstValue::null();
  }
  double x = a.kind == Kind::kInt ? static_cast<double>(a.i) : a.f;
  double y = b.kind == Kind::kInt ? static_cast<double>(b.i) : b.f;
  switch (op) {
    case Op::kAdd: return ConstValue::floating(x + y);
    case Op::kSub: return ConstValue::floating(x - y);
    case Op::kMul: return ConstValue::floating(x * y);
    case Op::kDiv: return y == 0 ? ConstValue::null() : ConstValue::floating(x / y);
    case Op::kMod: return y == 0 ? ConstValue::null() : ConstValue::floating(std::fmod(x, y));
    default: return ConstValue::null();
  }
}

ConstValue timed(Kind k, std::optional<int64_t> ms) {
  if (!ms) return ConstValue::null();
  return k == Kind::kTime ? ConstValue::time(*ms) : ConstValue::duration(*ms);
}

// Arithmetic on times and durations; strings meeting them are read as times.
ConstValue time_arith(Op op, const ConstValue& a0, const ConstValue& b0) {
  Kind result = arith_kind(op, a0.kind, b0.kind);
  if (result == Kind::kNull) return ConstValue::null();
  auto ms = [](const ConstValue& v, const ConstValue& other) -> std::optional<int64_t> {
    if (v.kind == Kind::kString) return as_time_if_string(v.kind, other.kind) == Kind::kTime ? time_of(v) : std::nullopt;
    return v.i;
  };
  auto x = ms(a0, b0), y = ms(b0, a0);
  if (!x || !y) return ConstValue::null();
  switch (op) {
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul: return timed(result, int_arith(op, *x, *y));
    case Op::kDiv: return timed(result, int_arith(op, *x, *y));  // duration / int, toward zero
    default: return ConstValue::null();
  }
}

ConstValue arith(Op op, const ConstValue& a, const ConstValue& b) {
  if (is_num(a.kind) && is_num(b.kind)) return number_arith(op, a, b);
  if (a.kind == Kind::kString && b.kind == Kind::kString)
    return op == Op::kAdd ? ConstValue::string(a.s + b.s) : ConstValue::null();
  return time_arith(op, a, b);
}

bool list_has(const ConstValue& list, const ConstValue& x) {
  for (const ConstValue& item : list.list)
    if (const_equal(item, x)) return true;
  return false;
}

bool regex_match(const std::string& subject, const std::string& pattern) {
  RE2::Options opts;
  opts.set_log_errors(false);
  RE2 re(pattern, opts);
  return re.ok() && RE2::PartialMatch(subject, re);
}

bool string_test(Op op, const ConstValue& a, const ConstValue& b) {
  if (a.kind != Kind::kString || b.kind != Kind::kString) return false;
  switch (op) {
    case Op::kStartsWith: return a.s.starts_with(b.s);
    case Op::kEndsWith: return a.s.ends_with(b.s);
    case Op::kMatches: return regex_match(a.s, b.s);
    default: return false;
  }
}

bool truthy(const ConstValue& v) { return v.kind == Kind::kBool && v.b; }

}  // namespace

ConstValue const_binary(Op op, const ConstValue& a, const ConstValue& b) {
  switch (op) {
    case Op::kOr: return ConstValue::boolean(truthy(a) || truthy(b));
    case Op::kAnd: return ConstValue::boolean(truthy(a) && truthy(b));
    case Op::kEq: return ConstValue::boolean(const_equal(a, b));
    case Op::kNe: return ConstValue::boolean(!const_equal(a, b));
    case Op::kLt: { auto c = const_order(a, b); return ConstValue::boolean(c && *c < 0); }
    case Op::kLe: { auto c = const_order(a, b); return ConstValue::boolean(c && *c <= 0); }
    case Op::kGt: { auto c = const_order(a, b); return ConstValue::boolean(c && *c > 0); }
    case Op::kGe: { auto c = const_order(a, b); return ConstValue::boolean(c && *c >= 0); }
    case Op::kIn: return ConstValue::boolean(b.kind == Kind::kList && list_has(b, a));
    case Op::kContains:
      if (a.kind == Kind::kList) return ConstValue::boolean(list_has(a, b));
      return ConstValue::boolean(a.kind == Kind::kString && b.kind == Kind::kString &&
                                 a.s.find(b.s) != std::string::npos);
    case Op::kStartsWith:
    case Op::kEndsWith:
    case Op::kMatches: return ConstValue::boolean(string_test(op, a, b));
    case Op::kCoalesce: return a.is_null() ? b : a;
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod: return arith(op, a, b);
    default: return ConstValue::null();
  }
}

// ---------------------------------------------------------------- text forms

namespace {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_json(std::string& out, const ConstValue& v) {
  switch (v.kind) {
    case Kind::kString: append_json_string(out, v.s); return;
    case Kind::kTime: append_json_string(out, vm::format_time(v.i)); return;
    case Kind::kDuration: append_json_string(out, vm::format_duration(v.i)); return;
    case Kind::kList:
      out += '[';
      for (size_t k = 0; k < v.list.size(); ++k) {
        if (k) out += ',';
        append_json(out, v.list[k]);
      }
      out += ']';
      return;
    default: out += text_form(v).value_or("null"); return;
  }
}

}  // namespace

std::optional<std::string> text_form(const ConstValue& v) {
  switch (v.kind) {
    case Kind::kNull: return std::nullopt;
    case Kind::kBool: return v.b ? "true" : "false";
    case Kind::kInt: return std::to_string(v.i);
    case Kind::kFloat: return vm::format_float(v.f);
    case Kind::kString: return v.s;
    case Kind::kTime: return vm::format_time(v.i);
    case Kind::kDuration: return vm::format_duration(v.i);
    case Kind::kList: {
      std::string out;
      append_json(out, v);
      return out;
    }
    case Kind::kObject: return std::nullopt;
  }
  return std::nullopt;
}

std::string source_form(const ConstValue& v) {
  switch (v.kind) {
    case Kind::kNull: return "null";
    case Kind::kString: {
      std::string out;
      append_json_string(out, v.s);
      return out;
    }
    case Kind::kTime: return "@" + vm::format_time(v.i);
    case Kind::kList: {
      std::string out = "[";
      for (size_t k = 0; k < v.list.size(); ++k) out += (k ? ", " : "") + source_form(v.list[k]);
      return out + "]";
    }
    default: return text_form(v).value_or("null");
  }
}

// ---------------------------------------------------------------- functions

namespace {

// `-?[0-9]+(\.[0-9]+)?` (§13), or false.
bool is_decimal_text(std::string_view s) {
  size_t p = 0;
  if (p < s.size() && s[p] == '-') ++p;
  size_t digits = p;
  while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
  if (p == digits) return false;
  if (p == s.size()) return true;
  if (s[p] != '.') return false;
  size_t frac = ++p;
  while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
  return p > frac && p == s.size();
}

std::optional<int64_t> truncate_to_int(double f) {
  double t = std::trunc(f);
  if (!(t >= -9223372036854775808.0 && t < 9223372036854775808.0)) return std::nullopt;
  return static_cast<int64_t>(t);
}

ConstValue to_int(const ConstValue& v) {
  if (v.kind == Kind::kInt) return v;
  if (v.kind == Kind::kFloat) {
    auto r = truncate_to_int(v.f);
    return r ? ConstValue::integer(*r) : ConstValue::null();
  }
  if (v.kind != Kind::kString || !is_decimal_text(v.s)) return ConstValue::null();
  std::string whole = v.s.substr(0, v.s.find('.'));
  bool neg = whole[0] == '-';
  uint64_t mag = 0;
  for (size_t k = neg ? 1 : 0; k < whole.size(); ++k) {
    if (mag > (std::numeric_limits<uint64_t>::max() - 9) / 10) return ConstValue::null();
    mag = mag * 10 + static_cast<uint64_t>(whole[k] - '0');
  }
  if (!neg && mag > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return ConstValue::null();
  if (neg && mag > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return ConstValue::null();
  return ConstValue::integer(neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag));
}

ConstValue to_float(const ConstValue& v) {
  if (v.kind == Kind::kInt) return ConstValue::floating(static_cast<double>(v.i));
  if (v.kind == Kind::kFloat) return v;
  if (v.kind != Kind::kString || !is_decimal_text(v.s)) return ConstValue::null();
  return ConstValue::floating(std::strtod(v.s.c_str(), nullptr));
}

ConstValue ascii_case(const ConstValue& v, bool upper) {
  if (v.kind != Kind::kString) return ConstValue::null();
  std::string s = v.s;
  for (char& c : s) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return ConstValue::string(std::move(s));
}

ConstValue length(const ConstValue& v) {
  if (v.kind == Kind::kList) return ConstValue::integer(static_cast<int64_t>(v.list.size()));
  if (v.kind != Kind::kString) return ConstValue::null();
  int64_t n = 0;
  for (unsigned char c : v.s) n += (c & 0xC0) != 0x80;
  return ConstValue::integer(n);
}

ConstValue to_time(const ConstValue& v) {
  if (v.kind == Kind::kTime) return v;  // decided: a time passes through
  if (v.kind != Kind::kString) return ConstValue::null();
  auto t = vm::parse_rfc3339(v.s);
  return t ? ConstValue::time(*t) : ConstValue::null();
}

}  // namespace

std::optional<ConstValue> const_call(std::string_view name, const std::vector<ConstValue>& args) {
  const FunctionInfo* f = find_function(name);
  if (!f || args.size() != f->arity) return std::nullopt;
  const ConstValue& x = args[0];
  switch (f->id) {
    case FunctionId::kExists: return ConstValue::boolean(!x.is_null());
    case FunctionId::kLower: return ascii_case(x, false);
    case FunctionId::kUpper: return ascii_case(x, true);
    case FunctionId::kLen: return length(x);
    case FunctionId::kTime: return to_time(x);
    case FunctionId::kInt: return to_int(x);
    case FunctionId::kFloat: return to_float(x);
    case FunctionId::kString: {
      auto t = text_form(x);
      return t ? ConstValue::string(std::move(*t)) : ConstValue::null();
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- folding

namespace {

std::optional<ConstValue> fold_literal(const ast::Expr& e) {
  using K = ast::ExprKind;
  switch (e.kind) {
    case K::kNull: return ConstValue::null();
    case K::kBool: return ConstValue::boolean(e.bool_value);
    case K::kInt: return ConstValue::integer(e.int_value);
    case K::kFloat: return ConstValue::floating(e.float_value);
    case K::kString:
    case K::kRegex: return ConstValue::string(e.string_value);  // r"..." outside `matches`: its text
    case K::kDuration: return ConstValue::duration(e.int_value);
    case K::kTime: return ConstValue::time(e.int_value);
    default: return std::nullopt;
  }
}

}  // namespace

ConstValue const_index(const ConstValue& base, const ConstValue& idx) {
  if (base.kind != Kind::kList || idx.kind != Kind::kInt) return ConstValue::null();
  if (idx.i < 0 || static_cast<uint64_t>(idx.i) >= base.list.size()) return ConstValue::null();
  return base.list[static_cast<size_t>(idx.i)];
}

namespace {

std::optional<ConstValue> fold_items(const std::vector<ast::ExprPtr>& items, const NameValue& names,
                                     std::vector<ConstValue>& out) {
  for (const ast::ExprPtr& item : items) {
    if (!item) return std::nullopt;
    auto v = fold_constant(*item, names);
    if (!v) return std::nullopt;
    out.push_back(std::move(*v));
  }
  return ConstValue::null();
}

}  // namespace

std::optional<ConstValue> fold_constant(const ast::Expr& e, const NameValue& names) {
  using K = ast::ExprKind;
  if (auto lit = fold_literal(e)) return lit;
  switch (e.kind) {
    case K::kName: return names ? names(e) : std::nullopt;
    case K::kList: {
      std::vector<ConstValue> items;
      if (!fold_items(e.items, names, items)) return std::nullopt;
      return ConstValue::list_of(std::move(items));
    }
    case K::kMember: {  // constants have no fields
      if (!e.lhs || !fold_constant(*e.lhs, names)) return std::nullopt;
      return ConstValue::null();
    }
    case K::kIndex: {
      if (!e.lhs || !e.rhs) return std::nullopt;
      auto base = fold_constant(*e.lhs, names);
      auto idx = base ? fold_constant(*e.rhs, names) : std::nullopt;
      if (!idx) return std::nullopt;
      return const_index(*base, *idx);
    }
    case K::kUnary: {
      auto v = e.lhs ? fold_constant(*e.lhs, names) : std::nullopt;
      if (!v) return std::nullopt;
      return const_unary(e.op, *v);
    }
    case K::kBinary: {
      auto a = e.lhs ? fold_constant(*e.lhs, names) : std::nullopt;
      auto b = a && e.rhs ? fold_constant(*e.rhs, names) : std::nullopt;
      if (!b) return std::nullopt;
      return const_binary(e.op, *a, *b);
    }
    case K::kCall: {
      std::vector<ConstValue> args;
      if (!fold_items(e.items, names, args)) return std::nullopt;
      return const_call(e.name.text, args);
    }
    default: return std::nullopt;  // roots, aggregates, times of day
  }
}

}  // namespace laud::compiler
