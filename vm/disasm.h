// disasm.h — the readable listing of a module (`laudc dis`): every function's instructions with
// constants, jump targets and descriptors spelled out, optionally interleaved with the source
// lines of the debug table; then the journeys with their settings, aggregates, segments and caps.
// Operands are printed by one formatter per operand Format (opcodes.def), not per opcode.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm/module.h"

namespace laud::vm {

// The listing of `m`. `sources`, when given, holds the text of each file of `m.files` (same
// order): each instruction that starts a source construct is preceded by its source line.
// Indexes out of range (in a module that was not verified) print as `?`, never crash.
std::string disassemble(const Module& m, const std::vector<std::string>* sources = nullptr);

// One instruction as the listing prints it, without the pc column: `LT r2, r0, k5 ; 500`.
std::string disassemble_instr(const Module& m, const Function& fn, uint32_t pc);

// The text of constant `k`: `500`, `"text"`, `@2026-01-01T00:00:00Z`, `1d12h`, `[1, "a"]`.
std::string constant_text(const Module& m, uint32_t k);

}  // namespace laud::vm
