// instr.cc — names, meanings and operand formats of the opcodes, all generated from opcodes.def.
#include "vm/instr.h"

namespace laud::vm {
namespace {

struct OpInfo {
  std::string_view name;
  Format format;
  std::string_view meaning;
};

constexpr OpInfo kOps[] = {
#define X(name, format, meaning) {#name, Format::format, meaning},
#include "vm/opcodes.def"
#undef X
};

constexpr std::string_view kFormatNames[] = {
#define F(name) #name,
    LAUD_FORMATS(F)
#undef F
};

}  // namespace

std::string_view op_name(Op op) {
  auto i = static_cast<uint32_t>(op);
  return i < kOpCount ? kOps[i].name : "?";
}

std::string_view op_meaning(Op op) {
  auto i = static_cast<uint32_t>(op);
  return i < kOpCount ? kOps[i].meaning : "";
}

Format op_format(Op op) {
  auto i = static_cast<uint32_t>(op);
  return i < kOpCount ? kOps[i].format : Format::N;
}

std::string_view format_name(Format f) { return kFormatNames[static_cast<uint32_t>(f)]; }

}  // namespace laud::vm
