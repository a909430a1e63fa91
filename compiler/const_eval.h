// const_eval.h — values and value kinds known at compile time (LANGUAGE.md §3, §13).
// ConstValue is an owning compile-time value; the const_* functions apply §3's rules to them
// exactly as the VM does at run time (failures give null). KindMask is the set of kinds an
// expression may have (null aside), used to find operations that can never succeed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast.h"
#include "vm/value.h"

namespace laud::compiler {

// ---------------------------------------------------------------- kinds

using KindMask = uint16_t;  // one bit per vm::Kind; the null bit is never set (null is always possible)

constexpr KindMask kind_bit(vm::Kind k) { return static_cast<KindMask>(1u << static_cast<unsigned>(k)); }
constexpr KindMask kAnyKind = static_cast<KindMask>(
    kind_bit(vm::Kind::kBool) | kind_bit(vm::Kind::kInt) | kind_bit(vm::Kind::kFloat) |
    kind_bit(vm::Kind::kString) | kind_bit(vm::Kind::kTime) | kind_bit(vm::Kind::kDuration) |
    kind_bit(vm::Kind::kList) | kind_bit(vm::Kind::kObject));
constexpr KindMask kNumberKinds = static_cast<KindMask>(kind_bit(vm::Kind::kInt) | kind_bit(vm::Kind::kFloat));

// "an int", "a duration", "null"; for a mask of one kind, or "a value" for several.
std::string_view kind_article_name(vm::Kind k);
std::string describe_kinds(KindMask m);

// The kinds `a OP b` may produce (nothing but null: 0). Comparisons and logic give bool.
KindMask binary_result_kinds(ast::Op op, KindMask a, KindMask b);
KindMask unary_result_kinds(ast::Op op, KindMask a);
// Whether `a OP b` can ever give a non-null value, or for comparisons and `contains`-like
// operators, whether it can ever be true, for some values of kinds a and b.
bool binary_can_succeed(ast::Op op, vm::Kind a, vm::Kind b);

// ---------------------------------------------------------------- values

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

  bool is_null() const { return kind == vm::Kind::kNull; }
  KindMask mask() const { return kind == vm::Kind::kNull ? 0 : kind_bit(kind); }
};

// §3 `==`: numbers mathematically, lists element-wise, different kinds unequal, null == null.
bool const_equal(const ConstValue& a, const ConstValue& b);
// §3 ordering: <0, 0, >0, or nullopt when the pair cannot be ordered (the comparison is false).
std::optional<int> const_order(const ConstValue& a, const ConstValue& b);

ConstValue const_unary(ast::Op op, const ConstValue& v);
// `base[idx]`: the element of a list at a 0-based int index in range; null otherwise.
ConstValue const_index(const ConstValue& base, const ConstValue& idx);
// Every binary operator of §3–§4, `matches` included (`b` is the pattern; RE2 partial match).
ConstValue const_binary(ast::Op op, const ConstValue& a, const ConstValue& b);
// Builtin functions of §4 on constant arguments; nullopt for an unknown name or wrong arity.
std::optional<ConstValue> const_call(std::string_view name, const std::vector<ConstValue>& args);

// The text form of §3/§13 (`string(x)`); nullopt for null.
std::optional<std::string> text_form(const ConstValue& v);
// How a value is written in diagnostics: `5`, `"a"`, `1d12h`, `@2026-01-01T00:00:00Z`.
std::string source_form(const ConstValue& v);

// ---------------------------------------------------------------- folding

// Value of a kName expression, or nullopt when it is no constant (locals, segments, unknown,
// consts that failed). Folding asks this for every kName it meets.
using NameValue = std::function<std::optional<ConstValue>(const ast::Expr& name)>;

// The value of `e` when it is built only from literals and consts; nullopt otherwise (roots,
// aggregates, locals, `matches` with a non-literal pattern...). Literal operations that fail
// fold to null (§3): folding itself never fails on a constant expression.
std::optional<ConstValue> fold_constant(const ast::Expr& e, const NameValue& names);

}  // namespace laud::compiler
