// text_form.h — §3/§10/§13 text forms of VM values: `string(x)` and `to` (append_text,
// text_value) and the JSON of `vars` values in dispatch records (append_json). Times, durations
// and floats are formatted into stack buffers (ShortText), byte-identical to vm/time_text's
// format_time / format_duration / format_float but without heap allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vm/arena.h"
#include "vm/value.h"

namespace laud::vm {

// A short formatted text held by value (no allocation).
struct ShortText {
  char data[48];
  uint8_t size = 0;
  std::string_view view() const { return {data, size}; }
};

ShortText time_text(int64_t ms);      // == format_time(ms): `2026-11-26T10:00:00Z`, `.250` when ms ≠ 0
ShortText duration_text(int64_t ms);  // == format_duration(ms): `1d12h`, `1m30s`, `1.5s`, `0s`, `-1m`
ShortText float_text(double x);       // == format_float(x): `2.0`, `150.5`, `1e+21`, `1.5e-7`
ShortText int_text(int64_t i);        // decimal

// Text forms (§3, §13):
//   int → decimal; float → float_text; bool → true/false; string → itself (bytes as they are);
//   time → time_text; duration → duration_text; list → compact JSON (see append_json);
//   null → no text; object → no text (decided: §13 gives an object null in every operation
//   other than paths and exists, so string(obj) is null like string(null)).
bool has_text(const Value& v);                       // false for null and objects
void append_text(std::string& out, const Value& v);  // appends nothing for null and objects
// `string(v)`: the text form as a string value (strings are returned as they are, other texts are
// written into `arena`); null for null, objects, and a text beyond 4 GiB.
Value text_value(const Value& v, Arena& arena);

// JSON of a `vars`/`to` value in a dispatch record (and of list elements in text forms):
// null, booleans and numbers stay JSON values (a non-finite float, which values never hold,
// would be `null`); strings are JSON strings; times and durations are JSON strings of their
// text; lists are arrays (compact, no spaces); objects are `null`.
void append_json(std::string& out, const Value& v);

// A JSON string literal, quotes included. Escapes `"` and `\`, control characters as
// JSON.stringify does (\b \t \n \f \r, the others \u00XX with lowercase hex); DEL and all
// non-ASCII stay as they are. Valid UTF-8 is kept; each maximal ill-formed subsequence
// (Unicode §3.9 / WHATWG "replacement" decoding) becomes U+FFFD, so the output is valid UTF-8.
void append_json_string(std::string& out, std::string_view s);

// Code points of a UTF-8 string, counting each maximal ill-formed subsequence as one (the
// U+FFFD it decodes to). For valid UTF-8 this is the number of non-continuation bytes.
size_t utf8_length(std::string_view s);

}  // namespace laud::vm
