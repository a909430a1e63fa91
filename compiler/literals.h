// literals.h — decoding of the source language's literal tokens (LANGUAGE.md §2, §13):
// strings with escapes, integers with `_`, floats, durations, percents, times of day.
// Each decoder returns the value or a LiteralError with the byte offset (within the token) to blame.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace laud::compiler {

struct LiteralError {
  size_t offset = 0;   // byte offset inside the token
  size_t length = 1;   // bytes to underline
  std::string message;
  std::string help;
};

// `body` is the text between the quotes. Escapes: \" \\ \n \t \u{X...} (1–6 hex digits, a Unicode
// scalar value). Invalid UTF-8 in the body is an error too.
bool decode_string(std::string_view body, std::string& out, LiteralError& err);

enum class NumberKind : uint8_t { kInt, kDuration };
struct NumberWord {
  NumberKind kind;
  int64_t value;  // the integer, or the duration in milliseconds
};
// A digit followed by letters, digits or `_`: `42`, `1_000`, `90s`, `1d12h`.
std::optional<NumberWord> decode_number_word(std::string_view word, LiteralError& err);

std::optional<double> decode_float(std::string_view text, LiteralError& err);

// `45%`, `33.33%` → basis points (4500, 3333); at most two decimals, at most 100%.
std::optional<uint32_t> decode_percent(std::string_view text, LiteralError& err);

// Exactly `HH:MM`, 00:00–23:59 → minutes after midnight.
std::optional<int32_t> decode_time_of_day(std::string_view text, LiteralError& err);

// `@2026-12-01T09:00:00Z` → milliseconds since the epoch (RFC 3339, §13).
std::optional<int64_t> decode_timestamp(std::string_view text, LiteralError& err);

// Day names for `wait until HH:MM on ...`: mon=0 ... sun=6, or -1.
int day_index(std::string_view name);

}  // namespace laud::compiler
