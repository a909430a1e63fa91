// source_scan.h — small scanners over .journey text for the source tools (fmt, graph) that copy
// or reshape source text: where a string literal or a comment ends, what counts as whitespace.
// They follow the lexer (grammar/laud.hpp): plain strings with escapes, raw strings r"..."
// without, `//` and `/* */` comments (not nested).
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string_view>

namespace laud::compiler::scan {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// A raw string literal `r"` starts at `i` (an `r` that does not end an identifier).
inline bool raw_string_at(std::string_view t, size_t i) {
  return t[i] == 'r' && i + 1 < t.size() && t[i + 1] == '"' &&
         (i == 0 || !(std::isalnum(static_cast<unsigned char>(t[i - 1])) || t[i - 1] == '_'));
}

// Whether a string literal starts at `i`; `string_end` gives the index after it.
inline bool string_at(std::string_view t, size_t i) { return t[i] == '"' || raw_string_at(t, i); }
inline size_t string_end(std::string_view t, size_t i) {
  bool raw = t[i] == 'r';
  i += raw ? 2 : 1;
  while (i < t.size() && t[i] != '"') {
    if (!raw && t[i] == '\\') ++i;
    ++i;
  }
  return std::min(i + 1, t.size());
}

// The index after the comment starting at `i`; `i` itself when none starts there.
inline size_t comment_end(std::string_view t, size_t i) {
  if (i + 1 >= t.size() || t[i] != '/') return i;
  if (t[i + 1] == '/') {
    size_t e = t.find('\n', i);
    return e == std::string_view::npos ? t.size() : e;
  }
  if (t[i + 1] == '*') {
    size_t e = t.find("*/", i + 2);
    return e == std::string_view::npos ? t.size() : e + 2;
  }
  return i;
}

}  // namespace laud::compiler::scan
