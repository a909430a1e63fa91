// codegen_journey.cc — journey bodies to bytecode. Every statement starts with STEP; locals are
// registers [0, L), temporaries are freed per statement; waits, splits and `wait up to` branches
// become descriptors whose targets are absolute pcs; `goto` is a JMP to the label's STEP.
#include "compiler/builtins.h"
#include "compiler/codegen_internal.h"

namespace laud::compiler::codegen_detail {

using ast::StmtKind;
using vm::Instr;
using vm::Op;

namespace {

// The expressions a statement evaluates itself (not those of nested steps).
std::vector<const ast::Expr*> own_exprs(const ast::Stmt& s) {
  std::vector<const ast::Expr*> out;
  for (const ast::Expr* e : {s.to.get(), s.value.get()})
    if (e) out.push_back(e);
  for (const ast::WithEntry& w : s.with) out.push_back(w.value.get());
  for (const ast::IfArm& arm : s.arms)
    if (arm.cond) out.push_back(arm.cond.get());
  return out;
}

// A block whose last step never falls through needs no jump after it.
bool falls_through(const ast::Block& b) {
  if (b.empty() || !b.back()) return true;
  StmtKind k = b.back()->kind;
  return k != StmtKind::kExit && k != StmtKind::kGoto;
}

class BodyGen {
 public:
  BodyGen(ModuleGen& g, JourneyCtx& j, const ast::Decl& d) : g_(g), j_(j), d_(d), flow_(journey_flow(g.m, d)) {}

  uint32_t run(uint32_t& num_sends) {
    j_.num_locals = static_cast<uint32_t>(j_.info->locals.size());
    FnGen f(g_, j_.name + ": body", vm::FunctionKind::kJourney, d_.span, &j_, j_.num_locals);
    f_ = &f;
    block(d_.body);
    f.emit(Instr::abx(Op::END, 0, 0));
    for (auto [pc, target] : gotos_) {
      auto it = step_pc_.find(target);
      if (it != step_pc_.end()) f.patch_target(pc, it->second);
    }
    num_sends = sends_;
    return f.finish();
  }

 private:
  // ---- statements
  void block(const ast::Block& b) {
    for (const ast::StmtPtr& sp : b)
      if (sp) stmt(*sp);
  }

  void stmt(const ast::Stmt& s) {
    f_->debug(s.span);
    step_pc_[&s] = f_->pc();
    f_->emit(Instr::abx(Op::STEP, 0, g_.add_step(s)));
    Reg m = f_->mark();
    FnGen::RootCache outer = f_->root_cache();  // a nested step has its own
    f_->set_root_cache({});
    f_->cache_roots(own_exprs(s));
    switch (s.kind) {
      case StmtKind::kSend: send(s); break;
      case StmtKind::kWait: simple_wait(Op::WAIT, s); break;
      case StmtKind::kWaitUntil: simple_wait(Op::WAITUNTIL, s); break;
      case StmtKind::kWaitUntilLocal: wait_local(s); break;
      case StmtKind::kWaitUpTo: wait_up_to(s); break;
      case StmtKind::kIf: if_(s); break;
      case StmtKind::kSplit: split(s); break;
      case StmtKind::kLet: let(s); break;
      case StmtKind::kSet: set(s); break;
      case StmtKind::kGoto: goto_(s); break;
      case StmtKind::kExit: f_->emit(Instr::abx(Op::EXIT, 0, 0)); break;
    }
    f_->set_root_cache(outer);
    f_->release(m);
  }

  void send(const ast::Stmt& s) {
    uint32_t n = 1 + static_cast<uint32_t>(s.with.size());
    Reg base = f_->alloc(n);
    if (s.to) f_->expr_to(*s.to, base);
    for (uint32_t i = 0; i < s.with.size(); ++i) f_->expr_to(*s.with[i].value, base + 1 + i);
    vm::SendDesc d;
    const ChannelInfo* ch = find_channel(s.channel.text);
    d.channel = ch ? static_cast<vm::Channel>(ch->id) : vm::Channel::kEmail;
    d.template_name = s.template_name;
    for (const ast::WithEntry& w : s.with) d.with_keys.emplace_back(w.key.text);
    d.has_to = s.to != nullptr;
    d.step = s.label ? std::string(s.label->text) : "L" + std::to_string(s.span.line);
    d.line = s.span.line;  // the `send` keyword: a label does not move it (§13)
    d.col = s.span.col;
    d.index_in_journey = sends_++;
    g_.out.sends.push_back(std::move(d));
    f_->emit(Instr::abx(Op::SEND, static_cast<uint16_t>(base), static_cast<uint32_t>(g_.out.sends.size() - 1)));
  }

  // WAIT / WAITUNTIL take no descriptor: bx is kNone.
  void simple_wait(Op op, const ast::Stmt& s) {
    Reg r = s.value ? f_->reg_of(*s.value) : f_->alloc();
    if (!s.value) f_->emit(Instr::abx(Op::LOADNULL, static_cast<uint16_t>(r), 0));
    f_->emit(Instr::abx(op, static_cast<uint16_t>(r), vm::kNone));
  }

  void wait_local(const ast::Stmt& s) {
    Reg r;
    if (s.value) {
      r = f_->reg_of(*s.value);
    } else {
      r = f_->alloc();
      f_->emit(Instr::abx(Op::LOADNULL, static_cast<uint16_t>(r), 0));  // no `in`: UTC
    }
    uint32_t key = static_cast<uint32_t>(s.minutes) << 8 | s.days;
    auto [it, fresh] = local_waits_.emplace(key, static_cast<uint32_t>(g_.out.waits.size()));
    if (fresh) {
      vm::WaitDesc w;
      w.minutes = s.minutes;
      w.days = s.days;
      g_.out.waits.push_back(std::move(w));
    }
    f_->emit(Instr::abx(Op::WAITLOCAL, static_cast<uint16_t>(r), it->second));
  }

  void wait_up_to(const ast::Stmt& s) {
    Reg m = f_->mark();
    Reg r = s.value ? f_->reg_of(*s.value) : f_->alloc();
    uint32_t index = static_cast<uint32_t>(g_.out.waits.size());
    g_.out.waits.emplace_back();  // filled below: nested waits add their own entries meanwhile
    vm::WaitDesc desc;
    for (const ast::OnBranch& br : s.branches) {
      vm::WaitBranch wb;
      wb.event = br.event.text;
      if (br.where) {
        // Runs with the instance's locals in its low registers (Interpreter::branch_matches).
        FnGen w(g_, j_.name + ": L" + std::to_string(s.span.line) + " on " + event_text(br.event.text) + " where",
                vm::FunctionKind::kPredicate, br.where->span, &j_, j_.num_locals);
        wb.where_fn = w.predicate(*br.where);
      }
      desc.branches.push_back(std::move(wb));
    }
    f_->emit(Instr::abx(Op::WAITUPTO, static_cast<uint16_t>(r), index));
    f_->release(m);  // the duration is dead once the wait is set
    Label after;
    for (size_t i = 0; i < s.branches.size(); ++i) {
      const ast::OnBranch& br = s.branches[i];
      desc.branches[i].target = f_->pc();
      block(br.body);
      bool last = i + 1 == s.branches.size() && !s.timeout;
      if (!last && falls_through(br.body)) f_->emit_jump(Op::JMP, 0, after);
    }
    desc.timeout_target = f_->pc();
    if (s.timeout) block(*s.timeout);
    f_->bind(after);
    g_.out.waits[index] = std::move(desc);
  }

  void if_(const ast::Stmt& s) {
    Label end;
    for (size_t i = 0; i < s.arms.size(); ++i) {
      const ast::IfArm& arm = s.arms[i];
      if (!arm.cond) {
        block(arm.body);
        continue;
      }
      Label next;
      f_->jump_if_not(*arm.cond, next);
      block(arm.body);
      if (i + 1 < s.arms.size() && falls_through(arm.body)) f_->emit_jump(Op::JMP, 0, end);
      f_->bind(next);
    }
    f_->bind(end);
  }

  void split(const ast::Stmt& s) {
    uint32_t index = static_cast<uint32_t>(g_.out.splits.size());
    g_.out.splits.emplace_back();
    vm::SplitDesc desc;
    desc.name = s.name.text;
    f_->emit(Instr::abx(Op::SPLIT, 0, index));
    size_t last_body = s.variants.size();
    for (size_t i = 0; i < s.variants.size(); ++i)
      if (!s.variants[i].is_control) last_body = i;
    Label after;
    for (size_t i = 0; i < s.variants.size(); ++i) {
      const ast::Variant& v = s.variants[i];
      vm::SplitArm arm;
      arm.name = v.is_control ? "control" : std::string(v.name.text);
      arm.basis_points = v.basis_points;
      arm.is_control = v.is_control;
      if (!v.is_control) {
        arm.target = f_->pc();
        block(v.body);
        if (i != last_body && falls_through(v.body)) f_->emit_jump(Op::JMP, 0, after);
      }
      desc.arms.push_back(std::move(arm));
    }
    f_->bind(after);
    for (vm::SplitArm& arm : desc.arms)
      if (arm.is_control) arm.target = f_->pc();  // control: straight on after the split
    g_.out.splits[index] = std::move(desc);
  }

  void let(const ast::Stmt& s) {
    auto it = j_.info->let_slots.find(&s);
    if (it == j_.info->let_slots.end() || !s.value) return;
    f_->expr_to(*s.value, it->second);
  }

  void set(const ast::Stmt& s) {
    std::vector<std::string> parts;
    for (const ast::Expr* t = s.target.get(); t && t->kind != ast::ExprKind::kRoot; t = t->lhs.get()) {
      if (t->kind == ast::ExprKind::kMember) {
        parts.emplace_back(t->name.text);
      } else if (t->kind == ast::ExprKind::kIndex && t->rhs) {
        const auto& key = g_.folded(*t->rhs);
        parts.push_back(key && key->kind == vm::Kind::kString ? key->s : std::string());
      }
    }
    // Keys joined by `.`; a `.` or `\` inside a key is escaped with `\` (docs/bytecode.md).
    std::string path;
    for (auto p = parts.rbegin(); p != parts.rend(); ++p) {
      if (p != parts.rbegin()) path += '.';
      for (char ch : *p) {
        if (ch == '.' || ch == '\\') path += '\\';
        path += ch;
      }
    }
    Reg r = s.value ? f_->reg_of(*s.value) : f_->alloc();
    f_->emit(Instr::abx(Op::SETTRAIT, static_cast<uint16_t>(r), g_.string_constant(path)));
  }

  void goto_(const ast::Stmt& s) {
    const StepFlow* sf = flow_.find(&s);
    const ast::Stmt* target = sf ? sf->target : nullptr;
    auto it = target ? step_pc_.find(target) : step_pc_.end();
    if (it != step_pc_.end()) {
      f_->emit_jump_to(Op::JMP, 0, it->second);  // backward: a loop (it passes a wait, §7)
    } else {
      uint32_t pc = f_->emit(Instr::jump(Op::JMP, 0, 0));
      if (target) gotos_.emplace_back(pc, target);
    }
  }

  ModuleGen& g_;
  JourneyCtx& j_;
  const ast::Decl& d_;
  JourneyFlow flow_;
  FnGen* f_ = nullptr;
  std::unordered_map<const ast::Stmt*, uint32_t> step_pc_;
  std::vector<std::pair<uint32_t, const ast::Stmt*>> gotos_;
  std::unordered_map<uint32_t, uint32_t> local_waits_;
  uint32_t sends_ = 0;
};

}  // namespace

uint32_t generate_body(ModuleGen& g, JourneyCtx& j, const ast::Decl& d, uint32_t& num_sends) {
  return BodyGen(g, j, d).run(num_sends);
}

}  // namespace laud::compiler::codegen_detail
