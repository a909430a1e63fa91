// const_eval.h — values and value kinds known at compile time (LANGUAGE.md §3, §13).
//
// There is one implementation of §3's value semantics: the VM's (vm/value_ops.h, vm/builtins.h,
// vm/text_form.h). Constant folding runs those very functions on vm::Values, so a folded
// constant is, by construction, what the VM computes at run time. Folding works on views: literal
// strings point into the AST, and strings or lists that folding makes are written into an Arena
// that the caller keeps alive. ConstValue is the owning form handed to later passes (SemaResult).
//
// KindMask is the set of kinds an expression may have (null aside), used to find operations that
// can never succeed; the arithmetic and ordering tables behind it are also computed by running
// the VM's operators (on one sample value per kind).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast.h"
#include "vm/arena.h"
#include "vm/value.h"

namespace re2 {
class RE2;
}

namespace laud::compiler {

// ---------------------------------------------------------------- kinds

using KindMask = uint16_t;  // one bit per vm::Kind; the null bit is never set (null is always possible)

constexpr KindMask kind_bit(vm::Kind k) { return static_cast<KindMask>(1u << static_cast<unsigned>(k)); }
constexpr KindMask kAnyKind = static_cast<KindMask>(
    kind_bit(vm::Kind::kBool) | kind_bit(vm::Kind::kInt) | kind_bit(vm::Kind::kFloat) |
    kind_bit(vm::Kind::kString) | kind_bit(vm::Kind::kTime) | kind_bit(vm::Kind::kDuration) |
    kind_bit(vm::Kind::kList) | kind_bit(vm::Kind::kObject));
constexpr KindMask kNumberKinds = static_cast<KindMask>(kind_bit(vm::Kind::kInt) | kind_bit(vm::Kind::kFloat));

// The mask of a value's kind (0 for null).
inline KindMask kind_mask(const vm::Value& v) { return v.kind == vm::Kind::kNull ? 0 : kind_bit(v.kind); }

// "an int", "a duration", "null"; for a mask of one kind, or "a value" for several.
std::string_view kind_article_name(vm::Kind k);
std::string describe_kinds(KindMask m);

// The kinds `a OP b` may produce (nothing but null: 0). Comparisons and logic give bool.
KindMask binary_result_kinds(ast::Op op, KindMask a, KindMask b);
KindMask unary_result_kinds(ast::Op op, KindMask a);
// Whether `a OP b` can ever give a non-null value, or for comparisons and `contains`-like
// operators, whether it can ever be true, for some values of kinds a and b.
bool binary_can_succeed(ast::Op op, vm::Kind a, vm::Kind b);
// binary_can_succeed for some kind of `a` and some kind of `b` (true for `==`, `!=`, `??`).
bool binary_possible(ast::Op op, KindMask a, KindMask b);

// ---------------------------------------------------------------- folding on VM values
//
// Every operator and builtin is the VM's; new strings and lists go into `arena`.

// The value of a literal (null, bool, int, float, string, r"..." as its text, duration, time),
// viewing the AST's string; nullopt for any other expression.
std::optional<vm::Value> literal_value(const ast::Expr& e);
// `not v`, `-v`.
vm::Value fold_unary(ast::Op op, const vm::Value& v);
// Every binary operator of §3–§4. For `matches`, `b` is the pattern text (compiled here; an
// invalid pattern gives false — sema reports it); fold_matches takes a compiled one.
vm::Value fold_binary(ast::Op op, const vm::Value& a, const vm::Value& b, vm::Arena& arena);
vm::Value fold_matches(const vm::Value& subject, const re2::RE2& pattern);
// `base[idx]` on constants: the element of a list at a 0-based int index in range; else null
// (the VM's INDEX, whose object case constants never reach).
vm::Value fold_index(const vm::Value& base, const vm::Value& idx);

// The value of a kName expression during folding, or nullopt when it is no constant.
using ValueOfName = std::function<std::optional<vm::Value>(const ast::Expr& name)>;

// The value of `e` when it is built only from literals and names that `names` knows; nullopt
// otherwise (roots, aggregates, times of day, unknown functions, wrong arity, `matches` with a
// pattern that is no literal). Operations that fail give null (§3): folding never fails on a
// constant expression.
std::optional<vm::Value> fold_value(const ast::Expr& e, const ValueOfName& names, vm::Arena& arena);

// The consts of a module, folded on demand with fold_value (memoized), for passes that run
// without a SemaResult (flow.cc). The first declaration of a name counts; a const that is not
// constant, or that depends on itself, has no value.
class ModuleConsts {
 public:
  explicit ModuleConsts(const ast::Module& m);
  ~ModuleConsts();
  ModuleConsts(const ModuleConsts&) = delete;
  ModuleConsts& operator=(const ModuleConsts&) = delete;

  // `e` folded with this module's consts; nullopt when it is not constant (or null).
  std::optional<vm::Value> fold(const ast::Expr* e);
  // The value of the const `name`, or nullopt.
  std::optional<vm::Value> value(std::string_view name);

 private:
  struct Table;
  std::optional<vm::Value> value(std::string_view name, int depth);
  std::optional<vm::Value> fold(const ast::Expr& e, int depth);

  const ast::Module& m_;
  std::unique_ptr<Table> table_;  // built at the first name
  vm::Arena arena_;
};

// ---------------------------------------------------------------- owned values

struct ConstValue {
  vm::Kind kind = vm::Kind::kNull;
  bool b = false;
  int64_t i = 0;  // int; time (ms since the epoch); duration (ms)
  double f = 0;
  std::string s;
  std::vector<ConstValue> list;

  static ConstValue null() { return {}; }
  static ConstValue boolean(bool v);
  static ConstValue integer(int64_t v);
  static ConstValue floating(double v);  // non-finite gives null
  static ConstValue string(std::string v);
  static ConstValue time(int64_t ms);
  static ConstValue duration(int64_t ms);
  static ConstValue list_of(std::vector<ConstValue> items);
  // An owned copy of a VM value (an object, which no constant is, becomes null).
  static ConstValue of(const vm::Value& v);

  // A view of this value: strings point into `s` (keep this ConstValue in place meanwhile),
  // list elements are written into `arena`.
  vm::Value view(vm::Arena& arena) const;

  bool is_null() const { return kind == vm::Kind::kNull; }
  KindMask mask() const { return kind == vm::Kind::kNull ? 0 : kind_bit(kind); }
};

// The operations on owned values, for callers without an Arena: each views its arguments, runs
// the VM's operation and copies the result.
bool const_equal(const ConstValue& a, const ConstValue& b);
// §3 ordering: <0, 0, >0, or nullopt when the pair cannot be ordered (the comparison is false).
std::optional<int> const_order(const ConstValue& a, const ConstValue& b);
ConstValue const_unary(ast::Op op, const ConstValue& v);
ConstValue const_index(const ConstValue& base, const ConstValue& idx);
ConstValue const_binary(ast::Op op, const ConstValue& a, const ConstValue& b);
// Builtin functions of §4 on constant arguments; nullopt for an unknown name or wrong arity.
std::optional<ConstValue> const_call(std::string_view name, const std::vector<ConstValue>& args);

// The text form of §3/§13 (`string(x)`, vm/text_form.h); nullopt for null.
std::optional<std::string> text_form(const ConstValue& v);
// How a value is written in diagnostics: `5`, `"a"`, `1d12h`, `@2026-01-01T00:00:00Z`, `[1, "a"]`.
std::string source_form(const vm::Value& v);
std::string source_form(const ConstValue& v);

// Value of a kName expression, or nullopt when it is no constant.
using NameValue = std::function<std::optional<ConstValue>(const ast::Expr& name)>;
// fold_value with owned values.
std::optional<ConstValue> fold_constant(const ast::Expr& e, const NameValue& names);

}  // namespace laud::compiler
