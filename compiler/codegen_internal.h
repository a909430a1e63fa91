// codegen_internal.h — the pieces of code generation shared by codegen.cc (module tables,
// settings, segments), codegen_expr.cc (expressions, registers, jumps) and codegen_journey.cc
// (journey bodies). Not a public interface: include codegen.h instead.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/codegen.h"
#include "compiler/flow.h"
#include "vm/instr.h"

namespace laud::compiler::codegen_detail {

using Reg = uint32_t;

inline constexpr uint32_t kMaxRegisters = 0xFFFF;  // Function::num_registers is 16-bit
inline constexpr uint32_t kMaxOperandConst = 0xFFFF;  // k operands (and FIELD names) are 16-bit

// A forward jump target: jumps emitted before the label is bound are patched by bind().
struct Label {
  std::vector<uint32_t> jumps;
  int64_t pc = -1;
};

// An ABC operand: a register, or (k) a constant index.
struct Operand {
  bool k = false;
  uint32_t index = 0;
};

// Facts about one journey collected while its functions are generated.
struct JourneyCtx {
  uint32_t index = 0;  // into SemaResult::journeys and Module::journeys
  const JourneyInfo* info = nullptr;
  std::string name;
  std::set<std::string> trigger_fields;
  bool all_trigger_fields = false;  // a bare `trigger` (or `trigger[expr]`) is read
  uint32_t num_locals = 0;          // the body's `let` locals
};

class ModuleGen {
 public:
  ModuleGen(const ast::Module& m, const SemaResult& sema, const SourceManager& sources, vm::Module& out,
            Diagnostics& diags)
      : m(m), sema(sema), sources(sources), out(out), diags(diags) {}

  bool run();

  // ---- shared tables (codegen.cc)
  uint32_t constant(const ConstValue& v);
  uint32_t string_constant(std::string_view s);
  uint32_t regex(std::string_view pattern);
  // The AggregateDesc of an aggregate expression met in function context (journey j, with
  // `num_locals` locals readable in its low registers), deduplicated.
  uint32_t aggregate(const ast::Expr& e, JourneyCtx* j, uint32_t num_locals);
  // The folded value of `e` when it is built only from literals and consts.
  std::optional<ConstValue> folded(const ast::Expr& e);
  const NameRef* name_ref(const ast::Expr& e) const;
  uint32_t reserve_function();  // an empty slot, filled by FnGen::finish
  uint32_t add_step(const ast::Stmt& s);
  void limit_error(Span where, const std::string& message);

  const ast::Module& m;
  const SemaResult& sema;
  const SourceManager& sources;
  vm::Module& out;
  Diagnostics& diags;
  bool failed = false;

 private:
  bool foldable(const ast::Expr& e);
  void segments();
  void policy();
  void journeys();
  void journey(uint32_t index);
  uint32_t quiet_tz_fn(const ast::QuietHours& q, const std::string& owner, Span where, JourneyCtx* j);

  struct FoldSlot {
    const ast::Expr* expr = nullptr;
    std::optional<ConstValue> value;
  };
  static constexpr size_t kFoldCacheSize = 64;
  FoldSlot fold_cache_[kFoldCacheSize];
  std::unordered_map<std::string, uint32_t> constants_;
  std::unordered_map<std::string, uint32_t> regexes_;
  std::unordered_map<std::string, uint32_t> aggregates_;
  std::unordered_map<std::string, uint32_t> agg_where_fns_;
  std::unordered_map<const ast::Expr*, int64_t> agg_within_;
};

// Generates one function: registers, code, jumps and expressions.
class FnGen {
 public:
  FnGen(ModuleGen& g, std::string name, vm::FunctionKind kind, Span where, JourneyCtx* journey = nullptr,
        uint32_t num_locals = 0);

  // Whole functions: RET of the expression (normalised to a bool for segments and predicates).
  uint32_t predicate(const ast::Expr& e);
  uint32_t value(const ast::Expr& e);
  // RET of `e1 or e2 or ...` (several `exit when` lines).
  uint32_t any_of(const std::vector<const ast::Expr*>& es);
  // Pushes the function into its slot; returns its index.
  uint32_t finish();

  // ---- registers: locals are [0, num_locals); temporaries are a stack above them
  Reg alloc(uint32_t n = 1);
  Reg mark() const { return top_; }
  void release(Reg mark) { top_ = mark; }
  bool is_temp(Reg r) const { return r >= num_locals_; }
  uint32_t num_locals() const { return num_locals_; }

  // ---- code
  uint32_t pc() const { return static_cast<uint32_t>(fn_.code.size()); }
  uint32_t emit(vm::Instr i);
  uint32_t emit_abc(vm::Op op, Reg a, Operand b, Operand c);
  void emit_jump(vm::Op op, Reg a, Label& to);  // JMP / JMPIF / JMPIFNOT / JMPNOTNULL, forward
  void emit_jump_to(vm::Op op, Reg a, uint32_t target);  // to a known pc (backward for goto)
  void bind(Label& l);
  void patch_target(uint32_t jump_pc, uint32_t target);
  void debug(Span s);

  // ---- expressions (codegen_expr.cc)
  void expr_to(const ast::Expr& e, Reg dst);
  Operand rk(const ast::Expr& e);  // a constant, a local's register, or a new temporary
  // A register holding `e`: a local's own register, else `scratch` (or a new temporary) filled.
  Reg reg_of(const ast::Expr& e, std::optional<Reg> scratch = std::nullopt);
  void jump_if_not(const ast::Expr& e, Label& to);  // to `to` unless e is `true`
  void jump_if(const ast::Expr& e, Label& to);      // to `to` when e is `true`
  void load_constant(const ConstValue& v, Reg dst);

  // Roots read twice or more by `exprs` (customer, event, trigger) are loaded once, into a
  // temporary, at the current pc; later reads use that register. The cache is per statement
  // (journeys) or per function (filters): save it, reset, and restore it around nested steps.
  struct RootCache {
    Reg customer = vm::kNone, event = vm::kNone, trigger = vm::kNone;
  };
  void cache_roots(const std::vector<const ast::Expr*>& exprs);
  RootCache root_cache() const { return cache_; }
  void set_root_cache(RootCache c) { cache_ = c; }

  JourneyCtx* journey;
  vm::Function& fn() { return fn_; }
  ModuleGen& gen() { return g_; }

 private:
  void binary_to(const ast::Expr& e, Reg dst, bool negate = false);  // negate: `not` of == / !=
  void logic_to(const ast::Expr& e, Reg dst);
  void coalesce_to(const ast::Expr& e, Reg dst);
  void member_to(const ast::Expr& e, Reg dst);
  void index_to(const ast::Expr& e, Reg dst);
  void list_to(const ast::Expr& e, Reg dst);
  void call_to(const ast::Expr& e, Reg dst);
  void root_to(const ast::Expr& e, Reg dst, bool bare);
  void note_trigger_field(std::string_view field);
  Reg local_reg(const ast::Expr& e) const;  // kNone unless e names a local
  bool reads_register(const ast::Expr& e, Reg r) const;
  vm::Op root_op(const ast::Expr& root) const;   // CUSTOMER / EVENT / TRIGGER / NOW
  Reg cached_root(vm::Op op) const;              // kNone unless cached
  Reg base_of_root(const ast::Expr& root, Reg scratch);  // a cached root, or `scratch` loaded

  ModuleGen& g_;
  vm::Function fn_;
  uint32_t slot_;
  uint32_t num_locals_;
  Reg top_;
  uint32_t max_regs_;
  Span where_;
  RootCache cache_;
};

// True when `e` always yields a bool (so `and`/`or` need no TRUTH to normalise it).
bool is_bool_valued(const ast::Expr& e);
// Canonical text of an expression (dedupe keys, function names): same meaning, same text.
std::string expr_key(const ast::Expr& e);
// `purchase` or `"Order Completed"` as written in source.
std::string event_text(std::string_view name);

// Generates the body of journey `j` (codegen_journey.cc); returns the function index.
uint32_t generate_body(ModuleGen& g, JourneyCtx& j, const ast::Decl& d, uint32_t& num_sends);

}  // namespace laud::compiler::codegen_detail
