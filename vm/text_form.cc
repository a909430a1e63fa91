// text_form.cc — text forms and dispatch-record JSON of VM values (see text_form.h).
// One writer, templated over a sink, serves std::string appends, length counting and writing
// straight into the Arena (string(x) measures first, then writes: no temporary strings).
// The time/duration/float formatters replicate vm/time_text.cc on stack buffers.
#include "vm/text_form.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "vm/time_text.h"

namespace laud::vm {
namespace {

// ---------------------------------------------------------------- short texts

class Buf {
 public:
  explicit Buf(ShortText& t) : t_(t) { t_.size = 0; }
  void put(char c) {
    if (t_.size < sizeof(t_.data)) t_.data[t_.size++] = c;
  }
  void put(std::string_view s) {
    for (char c : s) put(c);
  }
  // `v` in decimal, left-padded with zeros to `width` digits.
  void num(uint64_t v, int width = 1) {
    char digits[24];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    for (int k = n; k < width; ++k) put('0');
    while (n > 0) put(digits[--n]);
  }

 private:
  ShortText& t_;
};

uint64_t magnitude(int64_t v) { return v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v); }

int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }
int64_t floor_mod(int64_t a, int64_t b) {
  int64_t r = a % b;
  return r < 0 ? r + b : r;
}

// `.5` for 500 ms, `.25` for 250, `.001` for 1; nothing for 0.
void millis_fraction(Buf& b, uint64_t ms) {
  if (ms == 0) return;
  char d[3] = {static_cast<char>('0' + ms / 100), static_cast<char>('0' + ms / 10 % 10),
               static_cast<char>('0' + ms % 10)};
  int n = 3;
  while (d[n - 1] == '0') --n;
  b.put('.');
  b.put(std::string_view(d, static_cast<size_t>(n)));
}

// ---------------------------------------------------------------- UTF-8

// The well-formed UTF-8 sequence at p[0..n) (n ≥ 1): {its length, true}; or, when ill-formed,
// {the length of its maximal subpart (≥ 1), false} — that many bytes decode to one U+FFFD.
struct Utf8Step {
  size_t length;
  bool valid;
};

Utf8Step utf8_step(const unsigned char* p, size_t n) {
  unsigned c = p[0];
  if (c < 0x80) return {1, true};
  size_t need;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c == 0xE0) {
    need = 2, lo = 0xA0;
  } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    need = 2;
  } else if (c == 0xED) {
    need = 2, hi = 0x9F;  // no surrogates
  } else if (c == 0xF0) {
    need = 3, lo = 0x90;
  } else if (c >= 0xF1 && c <= 0xF3) {
    need = 3;
  } else if (c == 0xF4) {
    need = 3, hi = 0x8F;  // up to U+10FFFF
  } else {
    return {1, false};  // a continuation byte, C0, C1 or F5–FF
  }
  for (size_t k = 1; k <= need; ++k) {
    if (k >= n) return {k, false};
    unsigned d = p[k];
    if (d < lo || d > hi) return {k, false};
    lo = 0x80, hi = 0xBF;
  }
  return {need + 1, true};
}

// ---------------------------------------------------------------- sinks

struct StringSink {
  std::string& out;
  void put(char c) { out.push_back(c); }
  void put(std::string_view s) { out.append(s); }
};

struct CountSink {
  uint64_t n = 0;
  void put(char) { ++n; }
  void put(std::string_view s) { n += s.size(); }
};

struct RawSink {
  char* p;
  void put(char c) { *p++ = c; }
  void put(std::string_view s) {
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
};

template <typename Sink>
void write_json_string(Sink& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), run = 0;  // bytes [run, i) are copied as they are
  out.put('"');
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      Utf8Step step = utf8_step(p + i, n - i);
      if (step.valid) {
        i += step.length;
        continue;
      }
      out.put(s.substr(run, i - run));
      out.put("\xEF\xBF\xBD");  // U+FFFD
      i += step.length;
      run = i;
      continue;
    }
    out.put(s.substr(run, i - run));
    switch (c) {
      case '"': out.put("\\\""); break;
      case '\\': out.put("\\\\"); break;
      case '\b': out.put("\\b"); break;
      case '\t': out.put("\\t"); break;
      case '\n': out.put("\\n"); break;
      case '\f': out.put("\\f"); break;
      case '\r': out.put("\\r"); break;
      default: {
        char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.put(std::string_view(esc, 6));
      }
    }
    run = ++i;
  }
  out.put(s.substr(run, n - run));
  out.put('"');
}

template <typename Sink>
void write_json(Sink& out, const Value& v) {
  switch (v.kind) {
    case Kind::kBool: out.put(v.b ? std::string_view("true") : std::string_view("false")); return;
    case Kind::kInt: out.put(int_text(v.i).view()); return;
    case Kind::kFloat:
      out.put(std::isfinite(v.f) ? float_text(v.f).view() : std::string_view("null"));
      return;
    case Kind::kString: write_json_string(out, v.str()); return;
    case Kind::kTime:  // the text has no characters that need escaping
      out.put('"');
      out.put(time_text(v.i).view());
      out.put('"');
      return;
    case Kind::kDuration:
      out.put('"');
      out.put(duration_text(v.i).view());
      out.put('"');
      return;
    case Kind::kList:
      out.put('[');
      for (uint32_t k = 0; k < v.size; ++k) {
        if (k) out.put(',');
        write_json(out, v.list[k]);
      }
      out.put(']');
      return;
    case Kind::kNull:
    case Kind::kObject: break;
  }
  out.put("null");
}

template <typename Sink>
void write_text(Sink& out, const Value& v) {
  switch (v.kind) {
    case Kind::kNull:
    case Kind::kObject: return;
    case Kind::kBool: out.put(v.b ? std::string_view("true") : std::string_view("false")); return;
    case Kind::kInt: out.put(int_text(v.i).view()); return;
    case Kind::kFloat: out.put(float_text(v.f).view()); return;
    case Kind::kString: out.put(v.str()); return;
    case Kind::kTime: out.put(time_text(v.i).view()); return;
    case Kind::kDuration: out.put(duration_text(v.i).view()); return;
    case Kind::kList: write_json(out, v); return;
  }
}

}  // namespace

// ---------------------------------------------------------------- short texts

ShortText int_text(int64_t i) {
  ShortText t;
  auto r = std::to_chars(t.data, t.data + sizeof(t.data), i);
  t.size = static_cast<uint8_t>(r.ptr - t.data);
  return t;
}

ShortText time_text(int64_t ms) {
  ShortText t;
  Buf b(t);
  int64_t days = floor_div(ms, kMsPerDay);
  int64_t in_day = floor_mod(ms, kMsPerDay);
  CivilDate date = civil_from_days(days);
  if (date.year >= 0 && date.year <= 9999) {
    b.num(static_cast<uint64_t>(date.year), 4);
  } else {  // like JavaScript's toISOString: sign and at least six digits
    b.put(date.year < 0 ? '-' : '+');
    b.num(magnitude(date.year), 6);
  }
  b.put('-');
  b.num(date.month, 2);
  b.put('-');
  b.num(date.day, 2);
  b.put('T');
  b.num(static_cast<uint64_t>(in_day / kMsPerHour), 2);
  b.put(':');
  b.num(static_cast<uint64_t>(in_day / kMsPerMinute % 60), 2);
  b.put(':');
  b.num(static_cast<uint64_t>(in_day / kMsPerSecond % 60), 2);
  if (int64_t millis = in_day % kMsPerSecond; millis != 0) {
    b.put('.');
    b.num(static_cast<uint64_t>(millis), 3);
  }
  b.put('Z');
  return t;
}

ShortText duration_text(int64_t ms) {
  ShortText t;
  Buf b(t);
  if (ms == 0) {
    b.put("0s");
    return t;
  }
  if (ms < 0) b.put('-');
  uint64_t rest = magnitude(ms);
  static constexpr std::array<std::pair<char, int64_t>, 4> kUnits = {
      {{'w', kMsPerWeek}, {'d', kMsPerDay}, {'h', kMsPerHour}, {'m', kMsPerMinute}}};
  for (auto [letter, unit_ms] : kUnits) {
    uint64_t unit = static_cast<uint64_t>(unit_ms);
    if (uint64_t amount = rest / unit; amount != 0) {
      b.num(amount);
      b.put(letter);
    }
    rest %= unit;
  }
  if (rest != 0) {
    b.num(rest / 1000);
    millis_fraction(b, rest % 1000);
    b.put('s');
  }
  return t;
}

ShortText float_text(double x) {
  ShortText t;
  Buf b(t);
  if (std::isnan(x)) {
    b.put("NaN");
    return t;
  }
  if (std::isinf(x)) {
    b.put(x > 0 ? "Infinity" : "-Infinity");
    return t;
  }
  if (x == 0) {
    b.put("0.0");  // the sign of zero is not shown
    return t;
  }
  // Shortest round-trip digits d1.d2d3…e±X, laid out as ECMA-262 Number::toString does.
  char sci[40];
  auto r = std::to_chars(sci, sci + sizeof(sci), x, std::chars_format::scientific);
  std::string_view s(sci, static_cast<size_t>(r.ptr - sci));
  if (s[0] == '-') {
    b.put('-');
    s.remove_prefix(1);
  }
  size_t e_pos = s.find('e');
  char digits[24];
  int k = 0;
  for (char c : s.substr(0, e_pos))
    if (c != '.' && k < 24) digits[k++] = c;
  int exp10 = 0;
  std::string_view e = s.substr(e_pos + 1);
  bool neg_exp = !e.empty() && e[0] == '-';
  if (!e.empty() && (e[0] == '-' || e[0] == '+')) e.remove_prefix(1);
  std::from_chars(e.data(), e.data() + e.size(), exp10);
  if (neg_exp) exp10 = -exp10;
  int n = exp10 + 1;  // value = 0.DIGITS × 10^n
  std::string_view d(digits, static_cast<size_t>(k));
  if (k <= n && n <= 21) {
    b.put(d);
    for (int z = k; z < n; ++z) b.put('0');
    b.put(".0");
  } else if (0 < n && n <= 21) {
    b.put(d.substr(0, static_cast<size_t>(n)));
    b.put('.');
    b.put(d.substr(static_cast<size_t>(n)));
  } else if (-6 < n && n <= 0) {
    b.put("0.");
    for (int z = 0; z < -n; ++z) b.put('0');
    b.put(d);
  } else {
    b.put(d[0]);
    if (k > 1) {
      b.put('.');
      b.put(d.substr(1));
    }
    b.put('e');
    b.put(n - 1 >= 0 ? '+' : '-');
    b.num(static_cast<uint64_t>(std::abs(n - 1)));
  }
  return t;
}

// ---------------------------------------------------------------- text forms

bool has_text(const Value& v) { return v.kind != Kind::kNull && v.kind != Kind::kObject; }

void append_text(std::string& out, const Value& v) {
  StringSink sink{out};
  write_text(sink, v);
}

Value text_value(const Value& v, Arena& arena) {
  switch (v.kind) {
    case Kind::kNull:
    case Kind::kObject: return Value::null();
    case Kind::kString: return v;
    case Kind::kBool: return Value::string(v.b ? "true" : "false");  // static storage
    default: break;
  }
  CountSink count;
  write_text(count, v);
  if (count.n > std::numeric_limits<uint32_t>::max()) return Value::null();
  char* p = arena.allocate_array<char>(count.n);
  RawSink raw{p};
  write_text(raw, v);
  return Value::string(std::string_view(p, count.n));
}

void append_json(std::string& out, const Value& v) {
  StringSink sink{out};
  write_json(sink, v);
}

void append_json_string(std::string& out, std::string_view s) {
  StringSink sink{out};
  write_json_string(sink, s);
}

size_t utf8_length(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), count = 0;
  for (size_t i = 0; i < n; ++count) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    i += utf8_step(p + i, n - i).length;
  }
  return count;
}

}  // namespace laud::vm
