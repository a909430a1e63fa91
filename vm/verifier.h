// verifier.h — the bytecode verifier: proves that a Module is safe to run before the interpreter
// sees it (every operand in range, constants of the right kind, jumps inside their function,
// predicates jumping only forward, cycles in journey bodies passing a STEP, descriptors pointing
// at functions of the right kind, registers defined before use on every path). Runs on what
// read_module decodes and on codegen's output in tests. docs/bytecode.md lists every rule.
#pragma once

#include <string>

#include "vm/module.h"
#include "vm/module_format.h"

namespace laud::vm {

// Where a fault is: the table (file section), the item in it and, for functions, the pc.
struct VerifyError {
  Section section = Section::kFunctions;
  uint32_t item = kNone;  // index into that table (functions, journeys, waits, ...)
  uint32_t pc = kNone;    // functions: the instruction at fault
  std::string message;    // e.g. "register 300 out of range (function `vip`, pc 7)"
};

bool verify_module(const Module& m, VerifyError& error);
// The same with only the message ("section `functions`: register 300 out of range (...)").
bool verify_module(const Module& m, std::string* error);

// Limits that keep verification linear-ish in the size of the module: a function whose register
// dataflow would need more than this many 64-bit words of state, or more than this many word
// operations, is refused as too large to verify (codegen's functions stay far below both).
inline constexpr uint64_t kMaxDataflowWords = uint64_t{1} << 22;
inline constexpr uint64_t kMaxDataflowWork = uint64_t{1} << 28;

}  // namespace laud::vm
