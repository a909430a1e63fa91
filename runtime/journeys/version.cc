// version.cc — aggregate signatures: the descriptor and its `where` code with constants resolved
// (constant and string indexes differ between modules; their values do not).
#include "runtime/journeys/version.h"

#include <string>

#include "vm/bytes.h"
#include "vm/instance.h"
#include "vm/module_format.h"

namespace laud::runtime {

namespace {

void put_constant(std::string& out, const vm::Module& m, uint32_t k) {
  if (k >= m.constants.size()) {
    out += '?';
    return;
  }
  // The persisted-value encoding of the constant (kind and contents).
  vm::InstanceState tmp;
  tmp.locals.push_back(m.constants[k]);
  out += tmp.encode();
}

void put_function(std::string& out, const vm::Module& m, uint32_t fn) {
  if (fn == vm::kNone || fn >= m.functions.size()) {
    out += "none";
    return;
  }
  const vm::Function& f = m.functions[fn];
  vm::put_varint(out, f.num_registers);
  vm::put_varint(out, f.code.size());
  for (const vm::Instr& in : f.code) {
    out += static_cast<char>(in.op);
    out += static_cast<char>(in.k);
    vm::put_varint(out, in.a);
    switch (vm::op_format(in.op)) {
      case vm::Format::AK:
      case vm::Format::AT: put_constant(out, m, in.bx); break;
      case vm::Format::ABS:
        vm::put_varint(out, in.b());
        put_constant(out, m, in.c());
        break;
      case vm::Format::ABC:
      case vm::Format::ABCJ:
        if (in.k & vm::kConstB) put_constant(out, m, in.b()); else vm::put_varint(out, in.b());
        if (in.k & vm::kConstC) put_constant(out, m, in.c()); else vm::put_varint(out, in.c());
        break;
      case vm::Format::AR:
        vm::put_varint(out, in.b());
        vm::put_bytes(out, in.c() < m.regexes.size() ? m.regexes[in.c()] : std::string());
        break;
      case vm::Format::AP:
        vm::put_bytes(out, in.bx < m.segments.size() ? m.segments[in.bx].name : std::string());
        break;
      default: vm::put_varint(out, in.bx); break;
    }
  }
}

}  // namespace

uint64_t aggregate_signature(const vm::Module& m, uint32_t a) {
  const vm::AggregateDesc& d = m.aggregates[a];
  std::string s;
  s += static_cast<char>(d.func);
  vm::put_bytes(s, d.event);
  vm::put_varint(s, d.property.size());
  for (const std::string& p : d.property) vm::put_bytes(s, p);
  vm::put_zigzag(s, d.within_ms);
  put_function(s, m, d.where_fn);
  return vm::fnv1a64(s);
}

}  // namespace laud::runtime
