// codegen_expr.cc — expressions to bytecode: a stack allocator of temporaries above the locals,
// constants as k operands of ABC instructions, short-circuit `and`/`or`/`??` with forward jumps,
// conditions compiled to jumps, and whole filter/value functions (FnGen).
#include <charconv>

#include "compiler/codegen_internal.h"
#include "vm/builtins.h"

namespace laud::compiler::codegen_detail {

using ast::ExprKind;
using vm::Instr;
using vm::Op;

// ---------------------------------------------------------------- function frame

FnGen::FnGen(ModuleGen& g, std::string name, vm::FunctionKind kind, Span where, JourneyCtx* journey,
             uint32_t num_locals)
    : journey(journey),
      g_(g),
      slot_(g.reserve_function()),
      num_locals_(num_locals),
      top_(num_locals),
      max_regs_(num_locals),
      where_(where) {
  fn_.name = std::move(name);
  fn_.kind = kind;
  fn_.num_locals = static_cast<uint16_t>(std::min<uint32_t>(num_locals, kMaxRegisters));
  debug(where);
}

Reg FnGen::alloc(uint32_t n) {
  Reg r = top_;
  top_ += n;
  max_regs_ = std::max(max_regs_, top_);
  return r;
}

uint32_t FnGen::emit(Instr i) {
  fn_.code.push_back(i);
  return pc() - 1;
}

uint32_t FnGen::emit_abc(Op op, Reg a, Operand b, Operand c) {
  uint8_t k = static_cast<uint8_t>((b.k ? vm::kConstB : 0) | (c.k ? vm::kConstC : 0));
  return emit(Instr::abc(op, static_cast<uint16_t>(a), static_cast<uint16_t>(b.index),
                         static_cast<uint16_t>(c.index), k));
}

void FnGen::emit_jump(Op op, Reg a, Label& to) {
  if (to.pc >= 0) {
    emit_jump_to(op, a, static_cast<uint32_t>(to.pc));
    return;
  }
  to.jumps.push_back(emit(Instr::jump(op, static_cast<uint16_t>(a), 0)));
}

void FnGen::emit_jump_to(Op op, Reg a, uint32_t target) {
  uint32_t at = emit(Instr::jump(op, static_cast<uint16_t>(a), 0));
  patch_target(at, target);
}

void FnGen::patch_target(uint32_t jump_pc, uint32_t target) {
  int64_t offset = static_cast<int64_t>(target) - (static_cast<int64_t>(jump_pc) + 1);
  fn_.code[jump_pc].bx = static_cast<uint32_t>(static_cast<int32_t>(offset));
}

void FnGen::bind(Label& l) {
  l.pc = pc();
  for (uint32_t j : l.jumps) patch_target(j, pc());
  l.jumps.clear();
}

void FnGen::debug(Span s) {
  if (s.line == 0) return;
  vm::DebugLoc loc{pc(), s.file, s.line, s.col};
  if (!fn_.debug.empty()) {
    const vm::DebugLoc& last = fn_.debug.back();
    if (last.pc == loc.pc && last.file == loc.file && last.line == loc.line && last.col == loc.col) return;
  }
  fn_.debug.push_back(loc);
}

// ---------------------------------------------------------------- peephole
//
// Run on each finished function; neither rule adds, removes or moves an instruction, so every pc
// (debug entries, descriptor targets) stays valid.

namespace {

bool is_jump(Op op) { return op == Op::JMP || op == Op::JMPIF || op == Op::JMPIFNOT || op == Op::JMPNOTNULL; }

uint32_t jump_target(const vm::Function& fn, uint32_t pc) {
  return static_cast<uint32_t>(int64_t{pc} + 1 + fn.code[pc].sbx());
}

// Jump threading: a jump landing on a JMP, or on the same conditional jump testing the same
// register (which then must jump too: nothing runs in between), goes straight to the final
// target. `a and b and c` as a value chains JMPIFNOTs on one register; a false `a` now skips
// the rest in one jump. Only targets the verifier accepts from this pc are taken (forward, or in
// a journey body a backward one landing on a STEP).
void thread_jumps(vm::Function& fn) {
  const auto size = static_cast<uint32_t>(fn.code.size());
  for (uint32_t pc = 0; pc < size; ++pc) {
    const Instr in = fn.code[pc];
    if (!is_jump(in.op)) continue;
    uint32_t target = jump_target(fn, pc);
    for (int hops = 0; hops < 64 && target < size; ++hops) {
      const Instr& next = fn.code[target];
      bool passes_on = next.op == Op::JMP || (in.op != Op::JMP && next.op == in.op && next.a == in.a);
      if (!passes_on) break;
      uint32_t further = jump_target(fn, target);
      if (further == target || further >= size) break;
      bool allowed = further > pc || (fn.kind == vm::FunctionKind::kJourney && fn.code[further].op == Op::STEP);
      if (!allowed) break;
      target = further;
    }
    fn.code[pc].bx = static_cast<uint32_t>(static_cast<int32_t>(int64_t{target} - (int64_t{pc} + 1)));
  }
}

// Fused tests: an operator followed by JMPIF/JMPIFNOT on the register it wrote becomes its ABCJ
// form (EQ → EQJ, ...), which performs that jump itself; the jump stays as the next word.
void fuse_tests(vm::Function& fn) {
  for (size_t pc = 0; pc + 1 < fn.code.size(); ++pc) {
    Instr& in = fn.code[pc];
    const Instr& next = fn.code[pc + 1];
    if ((next.op != Op::JMPIF && next.op != Op::JMPIFNOT) || next.a != in.a) continue;
    switch (in.op) {
      case Op::EQ: in.op = Op::EQJ; break;
      case Op::NE: in.op = Op::NEJ; break;
      case Op::LT: in.op = Op::LTJ; break;
      case Op::LE: in.op = Op::LEJ; break;
      case Op::GT: in.op = Op::GTJ; break;
      case Op::GE: in.op = Op::GEJ; break;
      case Op::IN: in.op = Op::INJ; break;
      case Op::CONTAINS: in.op = Op::CONTAINSJ; break;
      case Op::STARTS: in.op = Op::STARTSJ; break;
      case Op::ENDS: in.op = Op::ENDSJ; break;
      default: break;
    }
  }
}

// Fused field tests: a FIELD followed by a fused test that reads its register as b, compares it
// with a constant and writes the same register (`customer.x >= 500` as a condition) becomes
// F<OP>J, which performs the test and its jump too; the test and the jump stay in place.
void fuse_field_tests(vm::Function& fn) {
  for (size_t pc = 0; pc + 2 < fn.code.size(); ++pc) {
    Instr& in = fn.code[pc];
    const Instr& t = fn.code[pc + 1];
    if (in.op != Op::FIELD || vm::op_format(t.op) != vm::Format::ABCJ) continue;
    if (t.a != in.a || t.b() != in.a || (t.k & vm::kConstB) || !(t.k & vm::kConstC)) continue;
    in.op = vm::field_test_of(t.op);
  }
}

}  // namespace

uint32_t FnGen::finish() {
  thread_jumps(fn_);
  fuse_tests(fn_);
  fuse_field_tests(fn_);
  if (max_regs_ > kMaxRegisters) {
    g_.limit_error(where_, "`" + fn_.name + "` needs " + std::to_string(max_regs_) +
                               " registers; a function of the bytecode has at most " + std::to_string(kMaxRegisters));
  }
  fn_.num_registers = static_cast<uint16_t>(std::min<uint32_t>(max_regs_, kMaxRegisters));
  g_.out.functions[slot_] = std::move(fn_);
  return slot_;
}

uint32_t FnGen::predicate(const ast::Expr& e) {
  Reg r = alloc();
  cache_roots({&e});
  expr_to(e, r);
  if (!is_bool_valued(e)) emit(Instr::abc(Op::TRUTH, static_cast<uint16_t>(r), static_cast<uint16_t>(r), 0));
  emit(Instr::abx(Op::RET, static_cast<uint16_t>(r), 0));
  return finish();
}

uint32_t FnGen::value(const ast::Expr& e) {
  Reg r = alloc();
  cache_roots({&e});
  expr_to(e, r);
  emit(Instr::abx(Op::RET, static_cast<uint16_t>(r), 0));
  return finish();
}

uint32_t FnGen::any_of(const std::vector<const ast::Expr*>& es) {
  Reg r = alloc();
  cache_roots(es);
  Label yes;
  bool all_bool = true;
  for (size_t i = 0; i < es.size(); ++i) {
    expr_to(*es[i], r);
    all_bool = all_bool && is_bool_valued(*es[i]);
    if (i + 1 < es.size()) emit_jump(Op::JMPIF, r, yes);
  }
  bind(yes);
  if (!all_bool) emit(Instr::abc(Op::TRUTH, static_cast<uint16_t>(r), static_cast<uint16_t>(r), 0));
  emit(Instr::abx(Op::RET, static_cast<uint16_t>(r), 0));
  return finish();
}

// ---------------------------------------------------------------- operands

Reg FnGen::local_reg(const ast::Expr& e) const {
  if (e.kind != ExprKind::kName) return vm::kNone;
  const NameRef* ref = g_.name_ref(e);
  if (!ref || ref->kind != NameRef::Kind::kLocal || ref->index >= num_locals_) return vm::kNone;
  return ref->index;  // a local's slot is its register
}

// Whether evaluating `e` reads register `r` (only locals can be read by a sub-expression).
bool FnGen::reads_register(const ast::Expr& e, Reg r) const {
  if (is_temp(r)) return false;
  std::vector<const ast::Expr*> todo{&e};
  while (!todo.empty()) {
    const ast::Expr* x = todo.back();
    todo.pop_back();
    if (!x) continue;
    if (x->kind == ExprKind::kName && local_reg(*x) == r) return true;
    todo.push_back(x->lhs.get());
    todo.push_back(x->rhs.get());
    for (const ast::ExprPtr& item : x->items) todo.push_back(item.get());
  }
  return false;
}

void FnGen::load_constant(const ConstValue& v, Reg dst) {
  uint16_t a = static_cast<uint16_t>(dst);
  switch (v.kind) {
    case vm::Kind::kNull: emit(Instr::abx(Op::LOADNULL, a, 0)); return;
    case vm::Kind::kBool: emit(Instr::abx(v.b ? Op::LOADTRUE : Op::LOADFALSE, a, 0)); return;
    default: emit(Instr::abx(Op::LOADK, a, g_.constant(v))); return;
  }
}

Operand FnGen::rk(const ast::Expr& e) {
  if (const auto& v = g_.folded(e)) {
    uint32_t k = g_.constant(*v);
    if (k <= kMaxOperandConst) return {true, k};
    Reg r = alloc();
    emit(Instr::abx(Op::LOADK, static_cast<uint16_t>(r), k));
    return {false, r};
  }
  Reg l = local_reg(e);
  if (l != vm::kNone) return {false, l};
  Reg r = alloc();
  expr_to(e, r);
  return {false, r};
}

Reg FnGen::reg_of(const ast::Expr& e, std::optional<Reg> scratch) {
  if (!g_.folded(e)) {
    Reg l = local_reg(e);
    if (l != vm::kNone) return l;
  }
  Reg r = scratch ? *scratch : alloc();
  expr_to(e, r);
  return r;
}

// ---------------------------------------------------------------- expressions

void FnGen::expr_to(const ast::Expr& e, Reg dst) {
  if (const auto& v = g_.folded(e)) {
    load_constant(*v, dst);
    return;
  }
  uint16_t a = static_cast<uint16_t>(dst);
  switch (e.kind) {
    case ExprKind::kName: {
      Reg l = local_reg(e);
      if (l == vm::kNone) {
        emit(Instr::abx(Op::LOADNULL, a, 0));  // a const that failed to fold: analysis reported it
      } else if (l != dst) {
        emit(Instr::abc(Op::MOVE, a, static_cast<uint16_t>(l), 0));
      }
      return;
    }
    case ExprKind::kRoot: root_to(e, dst, true); return;
    case ExprKind::kMember: member_to(e, dst); return;
    case ExprKind::kIndex: index_to(e, dst); return;
    case ExprKind::kList: list_to(e, dst); return;
    case ExprKind::kUnary: {
      // `not (x == y)` is `x != y` and `not (x != y)` is `x == y` (§3: `a != b` is always
      // `not (a == b)`, and both always give a bool): one instruction instead of two.
      if (e.op == ast::Op::kNot && e.lhs && e.lhs->kind == ExprKind::kBinary &&
          (e.lhs->op == ast::Op::kEq || e.lhs->op == ast::Op::kNe) && !g_.folded(*e.lhs)) {
        binary_to(*e.lhs, dst, /*negate=*/true);
        return;
      }
      Reg m = mark();
      Reg r = reg_of(*e.lhs, dst);
      emit(Instr::abc(e.op == ast::Op::kNot ? Op::NOT : Op::NEG, a, static_cast<uint16_t>(r), 0));
      release(m);
      return;
    }
    case ExprKind::kBinary: binary_to(e, dst); return;
    case ExprKind::kCall: call_to(e, dst); return;
    case ExprKind::kAggregate: emit(Instr::abx(Op::AGG, a, g_.aggregate(e, journey, num_locals_))); return;
    default: emit(Instr::abx(Op::LOADNULL, a, 0)); return;  // regex / time-of-day outside their places
  }
}

void FnGen::note_trigger_field(std::string_view field) {
  if (journey) journey->trigger_fields.emplace(field);
}

vm::Op FnGen::root_op(const ast::Expr& root) const {
  switch (root.root) {
    case ast::Root::kCustomer: return Op::CUSTOMER;
    case ast::Root::kNow: return Op::NOW;
    case ast::Root::kTrigger: return Op::TRIGGER;
    case ast::Root::kEvent: return Op::EVENT;
  }
  return Op::CUSTOMER;
}

Reg FnGen::cached_root(Op op) const {
  switch (op) {
    case Op::CUSTOMER: return cache_.customer;
    case Op::EVENT: return cache_.event;
    case Op::TRIGGER: return cache_.trigger;
    default: return vm::kNone;
  }
}

namespace {

// Counts the roots of `e` by opcode: [0] CUSTOMER, [1] EVENT, [2] TRIGGER (aggregates' `where`
// are their own functions and are not entered).
void count_roots(const ast::Expr* e, int uses[3]) {
  for (; e; e = e->lhs.get()) {
    if (e->kind == ExprKind::kRoot) {
      if (e->root == ast::Root::kCustomer) ++uses[0];
      if (e->root == ast::Root::kEvent) ++uses[1];
      if (e->root == ast::Root::kTrigger) ++uses[2];
      return;
    }
    if (e->rhs) count_roots(e->rhs.get(), uses);
    for (const ast::ExprPtr& item : e->items) count_roots(item.get(), uses);
  }
}

}  // namespace

void FnGen::cache_roots(const std::vector<const ast::Expr*>& exprs) {
  int uses[3] = {0, 0, 0};
  for (const ast::Expr* e : exprs) count_roots(e, uses);
  Reg* slots[3] = {&cache_.customer, &cache_.event, &cache_.trigger};
  const Op ops[3] = {Op::CUSTOMER, Op::EVENT, Op::TRIGGER};
  for (int k = 0; k < 3; ++k) {
    if (uses[k] < 2) continue;
    *slots[k] = alloc();
    emit(Instr::abx(ops[k], static_cast<uint16_t>(*slots[k]), 0));
  }
}

// A register holding `root`: a cached root, or `scratch` loaded.
Reg FnGen::base_of_root(const ast::Expr& root, Reg scratch) {
  Op op = root_op(root);
  Reg cached = cached_root(op);
  if (cached != vm::kNone) return cached;
  emit(Instr::abx(op, static_cast<uint16_t>(scratch), 0));
  return scratch;
}

// A root into `dst`. `bare`: the whole object is used (not just a field of it).
void FnGen::root_to(const ast::Expr& e, Reg dst, bool bare) {
  if (bare && e.root == ast::Root::kTrigger && journey) journey->all_trigger_fields = true;
  Reg r = base_of_root(e, dst);
  if (r != dst) emit(Instr::abc(Op::MOVE, static_cast<uint16_t>(dst), static_cast<uint16_t>(r), 0));
}

void FnGen::member_to(const ast::Expr& e, Reg dst) {
  const ast::Expr& base = *e.lhs;
  Reg m = mark();
  Reg b = dst;
  if (base.kind == ExprKind::kRoot) {
    if (base.root == ast::Root::kTrigger) note_trigger_field(e.name.text);
    b = base_of_root(base, dst);  // a cached root is used in place
  } else {
    b = reg_of(base, dst);
  }
  uint32_t k = g_.string_constant(e.name.text);
  if (k <= kMaxOperandConst) {
    emit(Instr::abc(Op::FIELD, static_cast<uint16_t>(dst), static_cast<uint16_t>(b), static_cast<uint16_t>(k)));
  } else {  // beyond FIELD's 16-bit operand: the same lookup through INDEX with a string register
    Reg t = alloc();
    emit(Instr::abx(Op::LOADK, static_cast<uint16_t>(t), k));
    emit_abc(Op::INDEX, dst, {false, b}, {false, t});
  }
  release(m);
}

void FnGen::index_to(const ast::Expr& e, Reg dst) {
  const ast::Expr& base = *e.lhs;
  const ast::Expr& idx = *e.rhs;
  std::optional<ConstValue> key = g_.folded(idx);
  bool string_key = key && key->kind == vm::Kind::kString;
  Reg m = mark();
  Reg scratch = (is_temp(dst) || !reads_register(idx, dst)) ? dst : alloc();
  Reg b = scratch;
  if (base.kind == ExprKind::kRoot) {
    if (base.root == ast::Root::kTrigger) {
      if (string_key)
        note_trigger_field(key->s);
      else if (journey)
        journey->all_trigger_fields = true;
    }
    b = base_of_root(base, scratch);
  } else {
    b = reg_of(base, scratch);
  }
  if (string_key) {  // customer["first name"]: a field with a constant name
    uint32_t k = g_.string_constant(key->s);
    if (k <= kMaxOperandConst) {
      emit(Instr::abc(Op::FIELD, static_cast<uint16_t>(dst), static_cast<uint16_t>(b), static_cast<uint16_t>(k)));
      release(m);
      return;
    }
  }
  Operand c = rk(idx);
  emit_abc(Op::INDEX, dst, {false, b}, c);
  release(m);
}

void FnGen::list_to(const ast::Expr& e, Reg dst) {
  uint32_t n = static_cast<uint32_t>(e.items.size());
  if (n > kMaxOperandConst) {
    g_.limit_error(e.span, "a list of " + std::to_string(n) + " computed items; the bytecode allows at most " +
                               std::to_string(kMaxOperandConst));
    return;
  }
  Reg m = mark();
  Reg base = alloc(n);
  for (uint32_t i = 0; i < n; ++i) expr_to(*e.items[i], base + i);
  emit(Instr::abc(Op::LIST, static_cast<uint16_t>(dst), static_cast<uint16_t>(base), static_cast<uint16_t>(n)));
  release(m);
}

void FnGen::call_to(const ast::Expr& e, Reg dst) {
  auto b = vm::builtin_by_name(e.name.text);
  if (!b || e.items.size() != 1 || !e.items[0]) {
    emit(Instr::abx(Op::LOADNULL, static_cast<uint16_t>(dst), 0));  // analysis reported it
    return;
  }
  Reg m = mark();
  Reg r = reg_of(*e.items[0], dst);
  emit(Instr::abc(Op::CALL, static_cast<uint16_t>(dst), static_cast<uint16_t>(r), static_cast<uint16_t>(*b)));
  release(m);
}

namespace {

std::optional<Op> abc_op(ast::Op op) {
  switch (op) {
    case ast::Op::kEq: return Op::EQ;
    case ast::Op::kNe: return Op::NE;
    case ast::Op::kLt: return Op::LT;
    case ast::Op::kLe: return Op::LE;
    case ast::Op::kGt: return Op::GT;
    case ast::Op::kGe: return Op::GE;
    case ast::Op::kIn: return Op::IN;
    case ast::Op::kContains: return Op::CONTAINS;
    case ast::Op::kStartsWith: return Op::STARTS;
    case ast::Op::kEndsWith: return Op::ENDS;
    case ast::Op::kAdd: return Op::ADD;
    case ast::Op::kSub: return Op::SUB;
    case ast::Op::kMul: return Op::MUL;
    case ast::Op::kDiv: return Op::DIV;
    case ast::Op::kMod: return Op::MOD;
    default: return std::nullopt;
  }
}

}  // namespace

void FnGen::binary_to(const ast::Expr& e, Reg dst, bool negate) {
  uint16_t a = static_cast<uint16_t>(dst);
  switch (e.op) {
    case ast::Op::kAnd:
    case ast::Op::kOr: logic_to(e, dst); return;
    case ast::Op::kCoalesce: coalesce_to(e, dst); return;
    case ast::Op::kIn:
      if (e.rhs && e.rhs->kind == ExprKind::kName) {
        const NameRef* ref = g_.name_ref(*e.rhs);
        if (ref && ref->kind == NameRef::Kind::kSegment) {  // `customer in SEGMENT`
          emit(Instr::abx(Op::SEGMENT, a, ref->index));
          return;
        }
      }
      break;
    case ast::Op::kMatches: {
      std::optional<ConstValue> pattern = g_.folded(*e.rhs);
      std::string_view re = pattern && pattern->kind == vm::Kind::kString ? std::string_view(pattern->s)
                                                                           : std::string_view(e.rhs->string_value);
      uint32_t index = g_.regex(re);
      Reg m = mark();
      Reg r = reg_of(*e.lhs, dst);
      emit(Instr::abc(Op::MATCH, a, static_cast<uint16_t>(r), static_cast<uint16_t>(index)));
      release(m);
      return;
    }
    default: break;
  }
  std::optional<Op> op = abc_op(e.op);
  if (negate && op) op = *op == Op::EQ ? Op::NE : Op::EQ;  // only `not (x == y)` / `not (x != y)` come here
  if (!op) {
    emit(Instr::abx(Op::LOADNULL, a, 0));
    return;
  }
  Reg m = mark();
  // The left operand may be built in dst itself unless the right one still reads dst (a local).
  Operand b;
  if (!g_.folded(*e.lhs) && local_reg(*e.lhs) == vm::kNone && !reads_register(*e.rhs, dst)) {
    expr_to(*e.lhs, dst);
    b = {false, dst};
  } else {
    b = rk(*e.lhs);
  }
  Operand c = rk(*e.rhs);
  emit_abc(*op, dst, b, c);
  release(m);
}

// `a and b` / `a or b`: a bool, true only for `true` operands (TRUTH normalises other values).
void FnGen::logic_to(const ast::Expr& e, Reg dst) {
  bool is_and = e.op == ast::Op::kAnd;
  Reg m = mark();
  Reg t = (!is_temp(dst) && reads_register(*e.rhs, dst)) ? alloc() : dst;
  Label done;
  expr_to(*e.lhs, t);
  emit_jump(is_and ? Op::JMPIFNOT : Op::JMPIF, t, done);
  expr_to(*e.rhs, t);
  bind(done);
  if (!is_bool_valued(*e.lhs) || !is_bool_valued(*e.rhs))
    emit(Instr::abc(Op::TRUTH, static_cast<uint16_t>(t), static_cast<uint16_t>(t), 0));
  if (t != dst) emit(Instr::abc(Op::MOVE, static_cast<uint16_t>(dst), static_cast<uint16_t>(t), 0));
  release(m);
}

void FnGen::coalesce_to(const ast::Expr& e, Reg dst) {
  Reg m = mark();
  Reg t = (!is_temp(dst) && reads_register(*e.rhs, dst)) ? alloc() : dst;
  Label done;
  expr_to(*e.lhs, t);
  emit_jump(Op::JMPNOTNULL, t, done);
  expr_to(*e.rhs, t);
  bind(done);
  if (t != dst) emit(Instr::abc(Op::MOVE, static_cast<uint16_t>(dst), static_cast<uint16_t>(t), 0));
  release(m);
}

// ---------------------------------------------------------------- conditions

void FnGen::jump_if_not(const ast::Expr& e, Label& to) {
  if (const auto& v = g_.folded(e)) {
    if (!(v->kind == vm::Kind::kBool && v->b)) emit_jump(Op::JMP, 0, to);
    return;
  }
  if (e.kind == ExprKind::kUnary && e.op == ast::Op::kNot) return jump_if(*e.lhs, to);
  if (e.kind == ExprKind::kBinary && e.op == ast::Op::kAnd) {
    jump_if_not(*e.lhs, to);
    jump_if_not(*e.rhs, to);
    return;
  }
  if (e.kind == ExprKind::kBinary && e.op == ast::Op::kOr) {
    Label yes;
    jump_if(*e.lhs, yes);
    jump_if_not(*e.rhs, to);
    bind(yes);
    return;
  }
  Reg m = mark();
  Reg r = reg_of(e);
  emit_jump(Op::JMPIFNOT, r, to);
  release(m);
}

void FnGen::jump_if(const ast::Expr& e, Label& to) {
  if (const auto& v = g_.folded(e)) {
    if (v->kind == vm::Kind::kBool && v->b) emit_jump(Op::JMP, 0, to);
    return;
  }
  if (e.kind == ExprKind::kUnary && e.op == ast::Op::kNot) return jump_if_not(*e.lhs, to);
  if (e.kind == ExprKind::kBinary && e.op == ast::Op::kOr) {
    jump_if(*e.lhs, to);
    jump_if(*e.rhs, to);
    return;
  }
  if (e.kind == ExprKind::kBinary && e.op == ast::Op::kAnd) {
    Label no;
    jump_if_not(*e.lhs, no);
    jump_if(*e.rhs, to);
    bind(no);
    return;
  }
  Reg m = mark();
  Reg r = reg_of(e);
  emit_jump(Op::JMPIF, r, to);
  release(m);
}

// ---------------------------------------------------------------- expression facts

bool is_bool_valued(const ast::Expr& e) {
  switch (e.kind) {
    case ExprKind::kBool: return true;
    case ExprKind::kUnary: return e.op == ast::Op::kNot;
    case ExprKind::kCall: return e.name.text == "exists";
    case ExprKind::kBinary:
      switch (e.op) {
        case ast::Op::kCoalesce:
        case ast::Op::kAdd:
        case ast::Op::kSub:
        case ast::Op::kMul:
        case ast::Op::kDiv:
        case ast::Op::kMod:
        case ast::Op::kNeg: return false;
        default: return true;  // comparisons, membership, matching, and, or
      }
    default: return false;
  }
}

namespace {

void key_into(const ast::Expr* e, std::string& out) {
  if (!e) {
    out += '_';
    return;
  }
  auto str = [&](char tag, std::string_view s) {
    out += tag;
    out += std::to_string(s.size());
    out += ':';
    out += s;
  };
  switch (e->kind) {
    case ExprKind::kNull: out += "null"; return;
    case ExprKind::kBool: out += e->bool_value ? "true" : "false"; return;
    case ExprKind::kInt: out += 'i' + std::to_string(e->int_value); return;
    case ExprKind::kFloat: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, e->float_value);
      out += 'f';
      out.append(buf, r.ptr);
      return;
    }
    case ExprKind::kString: str('s', e->string_value); return;
    case ExprKind::kRegex: str('r', e->string_value); return;
    case ExprKind::kDuration: out += 'd' + std::to_string(e->int_value); return;
    case ExprKind::kTime: out += 't' + std::to_string(e->int_value); return;
    case ExprKind::kTimeOfDay: out += 'h' + std::to_string(e->int_value); return;
    case ExprKind::kName: str('n', e->name.text); return;
    case ExprKind::kRoot: out += ast::root_name(e->root); return;
    case ExprKind::kMember:
      out += '(';
      key_into(e->lhs.get(), out);
      out += ')';
      str('.', e->name.text);
      return;
    case ExprKind::kIndex:
      out += '(';
      key_into(e->lhs.get(), out);
      out += ")[";
      key_into(e->rhs.get(), out);
      out += ']';
      return;
    case ExprKind::kList:
    case ExprKind::kCall:
      if (e->kind == ExprKind::kCall) str('c', e->name.text);
      out += '[';
      for (const ast::ExprPtr& item : e->items) {
        key_into(item.get(), out);
        out += ',';
      }
      out += ']';
      return;
    case ExprKind::kUnary:
    case ExprKind::kBinary:
      out += '(';
      key_into(e->lhs.get(), out);
      out += ' ';
      out += ast::op_text(e->op);
      out += e->kind == ExprKind::kUnary ? "u " : " ";
      key_into(e->rhs.get(), out);
      out += ')';
      return;
    case ExprKind::kAggregate: {
      const ast::Aggregate& a = *e->aggregate;
      out += ast::agg_func_name(a.func);
      str('(', a.event.text);
      for (const ast::Name& p : a.property) str('.', p.text);
      out += " where ";
      key_into(a.where.get(), out);
      out += " within ";
      key_into(a.within.get(), out);
      out += ')';
      return;
    }
  }
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string expr_key(const ast::Expr& e) {
  std::string out;
  key_into(&e, out);
  return out;
}

std::string event_text(std::string_view name) {
  if (is_identifier(name)) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace laud::compiler::codegen_detail
