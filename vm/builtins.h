// builtins.h — the functions of §4 (exists lower upper len time int float string) as the VM calls
// them: CALL's operand c is a Builtin's numeric id. The ids are part of the bytecode format
// (.ljb): never renumber or reuse one; new functions take the next free id and bump the format.
// Every function takes one value and is total (null where §4/§13 give no answer).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "vm/arena.h"
#include "vm/value.h"

namespace laud::vm {

// Stable ids (bytecode format): 0 exists, 1 lower, 2 upper, 3 len, 4 time, 5 int, 6 float, 7 string.
enum class Builtin : uint8_t {
  kExists = 0,
  kLower = 1,
  kUpper = 2,
  kLen = 3,
  kTime = 4,
  kInt = 5,
  kFloat = 6,
  kString = 7,
};
inline constexpr uint32_t kBuiltinCount = 8;  // ids are 0 .. kBuiltinCount-1

// The builtin with this source name (`exists`, `lower`, ...), or nullopt.
std::optional<Builtin> builtin_by_name(std::string_view name);
// The source name of a builtin; "?" for a byte that is no Builtin.
std::string_view builtin_name(Builtin b);
// The builtin with this bytecode id (for the verifier and the decoder), or nullopt when out of range.
inline std::optional<Builtin> builtin_from_id(uint32_t id) {
  if (id >= kBuiltinCount) return std::nullopt;
  return static_cast<Builtin>(id);
}

// Calls a builtin (§4, §13):
//   exists(x)  x is not null (an object exists)                               → bool
//   lower(s), upper(s)  ASCII letters only, other bytes as they are; non-strings → null
//   len(x)     code points of a string (an ill-formed UTF-8 sequence counts as the one U+FFFD it
//              decodes to), elements of a list; else null                      → int
//   time(x)    a time stays; an RFC 3339 string → time; else null
//   int(x)     int stays; float truncates toward zero (outside int64 → null); a decimal string
//              `-?[0-9]+(\.[0-9]+)?` truncates toward zero ("3.9" → 3, "-3.9" → -3; overflow →
//              null); anything else (bools, " 3", "1e3", "+3", "") → null
//   float(x)   int → float; float stays; a decimal string of the same pattern → the nearest
//              float (beyond the float range → null); else null
//   string(x)  the text form (vm/text_form.h); null and objects → null
// New strings are written into `arena`; results that equal the argument reuse it.
Value call_builtin(Builtin b, const Value& arg, Arena& arena);

}  // namespace laud::vm
