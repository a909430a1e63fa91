// ast.cc — printable names of AST enums, used by diagnostics and the disassembler.
#include "compiler/ast.h"

namespace laud::compiler::ast {

std::string_view op_text(Op op) {
  switch (op) {
    case Op::kOr: return "or";
    case Op::kAnd: return "and";
    case Op::kNot: return "not";
    case Op::kEq: return "==";
    case Op::kNe: return "!=";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kIn: return "in";
    case Op::kContains: return "contains";
    case Op::kStartsWith: return "starts_with";
    case Op::kEndsWith: return "ends_with";
    case Op::kMatches: return "matches";
    case Op::kCoalesce: return "??";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
    case Op::kNeg: return "-";
  }
  return "?";
}

std::string_view agg_func_name(AggFunc f) {
  switch (f) {
    case AggFunc::kCount: return "count";
    case AggFunc::kSum: return "sum";
    case AggFunc::kMin: return "min";
    case AggFunc::kMax: return "max";
    case AggFunc::kAvg: return "avg";
    case AggFunc::kLast: return "last";
  }
  return "?";
}

std::string_view root_name(Root r) {
  switch (r) {
    case Root::kCustomer: return "customer";
    case Root::kEvent: return "event";
    case Root::kTrigger: return "trigger";
    case Root::kNow: return "now";
  }
  return "?";
}

}  // namespace laud::compiler::ast
