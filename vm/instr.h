// instr.h — the 64-bit instruction word and the opcode enum generated from opcodes.def.
// Layout: op:8 | k:8 | a:16 | b:16 | c:16, or op:8 | k:8 | a:16 | bx:32 (b and c together).
// `k` bit 0: operand b is a constant index (not a register); bit 1: the same for c.
#pragma once

#include <cstdint>
#include <string_view>

namespace laud::vm {

enum class Op : uint8_t {
#define X(name, format, meaning) name,
#include "vm/opcodes.def"
#undef X
};

enum class Format : uint8_t {
#define LAUD_FORMATS(F) F(N) F(A) F(AB) F(ABC) F(AK) F(AJ) F(J) F(AS) F(ABS) F(ABN) F(ABF) F(AG) F(AP) F(AR) F(SD) F(WD) F(TD) F(AT) F(AX) F(ABCJ)
#define F(name) name,
  LAUD_FORMATS(F)
#undef F
};

inline constexpr uint32_t kOpCount = 0
#define X(name, format, meaning) +1
#include "vm/opcodes.def"
#undef X
    ;

std::string_view op_name(Op op);
std::string_view op_meaning(Op op);
Format op_format(Op op);
std::string_view format_name(Format f);

inline constexpr uint8_t kConstB = 1;  // k flag: b is a constant index
inline constexpr uint8_t kConstC = 2;  // k flag: c is a constant index

struct Instr {
  Op op = Op::NOP;
  uint8_t k = 0;
  uint16_t a = 0;
  uint32_t bx = 0;  // b = low 16 bits, c = high 16 bits when the format uses b and c

  uint16_t b() const { return static_cast<uint16_t>(bx & 0xFFFF); }
  uint16_t c() const { return static_cast<uint16_t>(bx >> 16); }
  int32_t sbx() const { return static_cast<int32_t>(bx); }

  static Instr abc(Op op, uint16_t a, uint16_t b, uint16_t c, uint8_t k = 0) {
    Instr i;
    i.op = op;
    i.k = k;
    i.a = a;
    i.bx = static_cast<uint32_t>(b) | (static_cast<uint32_t>(c) << 16);
    return i;
  }
  static Instr abx(Op op, uint16_t a, uint32_t bx) {
    Instr i;
    i.op = op;
    i.a = a;
    i.bx = bx;
    return i;
  }
  static Instr jump(Op op, uint16_t a, int32_t offset) { return abx(op, a, static_cast<uint32_t>(offset)); }
};

// A fused field test F<OP>J (FEQJ .. FENDSJ) is a FIELD (format ABS) followed by its fused test
// <OP>J (format ABCJ) reading and writing the same register, with a constant c; the two runs of
// opcodes are in the same order in opcodes.def.
inline constexpr bool is_field_test(Op op) { return op >= Op::FEQJ && op <= Op::FENDSJ; }
inline constexpr Op fused_test_of(Op field_test) {
  return static_cast<Op>(static_cast<uint8_t>(field_test) - static_cast<uint8_t>(Op::FEQJ) + static_cast<uint8_t>(Op::EQJ));
}
inline constexpr Op field_test_of(Op fused_test) {
  return static_cast<Op>(static_cast<uint8_t>(fused_test) - static_cast<uint8_t>(Op::EQJ) + static_cast<uint8_t>(Op::FEQJ));
}
static_assert(fused_test_of(Op::FEQJ) == Op::EQJ && fused_test_of(Op::FNEJ) == Op::NEJ &&
              fused_test_of(Op::FLTJ) == Op::LTJ && fused_test_of(Op::FLEJ) == Op::LEJ &&
              fused_test_of(Op::FGTJ) == Op::GTJ && fused_test_of(Op::FGEJ) == Op::GEJ &&
              fused_test_of(Op::FINJ) == Op::INJ && fused_test_of(Op::FCONTAINSJ) == Op::CONTAINSJ &&
              fused_test_of(Op::FSTARTSJ) == Op::STARTSJ && fused_test_of(Op::FENDSJ) == Op::ENDSJ,
              "F<OP>J and <OP>J appear in the same order in opcodes.def");

static_assert(sizeof(Instr) == 8, "an instruction is one 64-bit word");

}  // namespace laud::vm
