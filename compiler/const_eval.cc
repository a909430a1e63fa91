// const_eval.cc — compile-time values on top of the VM's value semantics: kind tables probed from
// the VM's operators, folding of expressions with the VM's operators and builtins, the consts of
// a module for flow analysis, and owned ConstValues with their conversions to and from views.
// Nothing here re-implements §3: operators, builtins, text forms and JSON escaping are vm/'s.
#include "compiler/const_eval.h"

#include <re2/re2.h>

#include <array>
#include <cmath>

#include "compiler/builtins.h"
#include "compiler/name_table.h"
#include "vm/builtins.h"
#include "vm/text_form.h"
#include "vm/value_ops.h"

namespace laud::compiler {

using vm::Kind;
using vm::Value;
using ast::Op;

// ---------------------------------------------------------------- kinds

std::string_view kind_article_name(Kind k) {
  switch (k) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "a bool";
    case Kind::kInt: return "an int";
    case Kind::kFloat: return "a float";
    case Kind::kString: return "a string";
    case Kind::kTime: return "a time";
    case Kind::kDuration: return "a duration";
    case Kind::kList: return "a list";
    case Kind::kObject: return "an object";
  }
  return "a value";
}

std::string describe_kinds(KindMask m) {
  if (m == 0) return "null";
  std::string out;
  int n = 0;
  for (unsigned k = 1; k <= static_cast<unsigned>(Kind::kObject); ++k) {
    if (!(m & (1u << k))) continue;
    if (n++ > 0) out += " or ";
    out += kind_article_name(static_cast<Kind>(k));
  }
  return n > 2 ? "a value" : out;
}

namespace {

constexpr unsigned kKinds = static_cast<unsigned>(Kind::kObject) + 1;
constexpr unsigned kOps = static_cast<unsigned>(Op::kNeg) + 1;

bool is_arith(Op op) { return op == Op::kAdd || op == Op::kSub || op == Op::kMul || op == Op::kDiv || op == Op::kMod; }
bool is_order(Op op) { return op == Op::kLt || op == Op::kLe || op == Op::kGt || op == Op::kGe; }

// What the VM's operators give for each pair of kinds, found by running them on one sample value
// of each kind. For arithmetic and ordering the result kind depends on the kinds alone, except
// for failures (overflow, division by zero, an unparsable string), which the samples avoid: the
// string is an RFC 3339 time, so that a string meeting a time or a duration shows what it can do.
struct KindTables {
  KindMask arith[kOps][kKinds][kKinds] = {};  // the result kind's bit (0: always null)
  KindMask succeeds[kOps][kKinds] = {};       // per kind of `a`: the kinds of `b` for which it can succeed
  KindMask negate[kKinds] = {};               // the result kind's bit of `-x`

  KindTables() {
    static const int object_handle = 0;
    vm::Arena arena;
    auto sample = [&](unsigned k) -> Value {
      switch (static_cast<Kind>(k)) {
        case Kind::kBool: return Value::boolean(true);
        case Kind::kInt: return Value::integer(2);
        case Kind::kFloat: return Value::floating(1.5);
        case Kind::kString: return Value::string("2026-01-01T00:00:00Z");
        case Kind::kTime: return Value::time(1767225600000);
        case Kind::kDuration: return Value::duration(3000);
        case Kind::kList: return Value::list_of(nullptr, 0);
        case Kind::kObject: return Value::object_handle(&object_handle);
        case Kind::kNull: break;
      }
      return Value::null();
    };
    for (unsigned x = 1; x < kKinds; ++x) {
      negate[x] = kind_mask(vm::negate(sample(x)));
      for (unsigned y = 1; y < kKinds; ++y) {
        const Value a = sample(x), b = sample(y);
        const KindMask by_op[] = {kind_mask(vm::add(a, b, arena)), kind_mask(vm::subtract(a, b)),
                                  kind_mask(vm::multiply(a, b)), kind_mask(vm::divide(a, b)),
                                  kind_mask(vm::modulo(a, b))};
        const Op ops[] = {Op::kAdd, Op::kSub, Op::kMul, Op::kDiv, Op::kMod};
        for (size_t k = 0; k < 5; ++k) arith[static_cast<unsigned>(ops[k])][x][y] = by_op[k];
        const bool ordered = vm::compare(a, b) != vm::Order::kUnordered;
        for (unsigned o = 0; o < kOps; ++o) {
          const Op op = static_cast<Op>(o);
          bool ok;
          if (is_arith(op)) ok = arith[o][x][y] != 0;
          else if (is_order(op)) ok = ordered;
          else ok = kind_rule(op, static_cast<Kind>(x), static_cast<Kind>(y));
          if (ok) succeeds[o][x] |= static_cast<KindMask>(1u << y);
        }
      }
    }
  }

  // Membership and string tests: what can ever be true, by kinds.
  static bool kind_rule(Op op, Kind a, Kind b) {
    switch (op) {
      case Op::kIn: return b == Kind::kList;
      case Op::kContains: return a == Kind::kList || (a == Kind::kString && b == Kind::kString);
      case Op::kStartsWith:
      case Op::kEndsWith: return a == Kind::kString && b == Kind::kString;
      case Op::kMatches: return a == Kind::kString;
      default: return true;
    }
  }
};

const KindTables& tables() {
  static const KindTables t;
  return t;
}

}  // namespace

bool binary_can_succeed(Op op, Kind a, Kind b) {
  if (a == Kind::kNull || b == Kind::kNull) return !is_arith(op) && !is_order(op) && KindTables::kind_rule(op, a, b);
  return (tables().succeeds[static_cast<unsigned>(op)][static_cast<unsigned>(a)] & kind_bit(b)) != 0;
}

bool binary_possible(Op op, KindMask a, KindMask b) {
  if (op == Op::kEq || op == Op::kNe || op == Op::kCoalesce) return true;
  const KindTables& t = tables();
  for (unsigned x = 1; x < kKinds; ++x)
    if ((a & (1u << x)) && (t.succeeds[static_cast<unsigned>(op)][x] & b)) return true;
  return false;
}

KindMask binary_result_kinds(Op op, KindMask a, KindMask b) {
  if (op == Op::kCoalesce) return static_cast<KindMask>(a | b);
  if (!is_arith(op)) return kind_bit(Kind::kBool);
  const KindTables& t = tables();
  KindMask out = 0;
  for (unsigned x = 1; x < kKinds; ++x) {
    if (!(a & (1u << x))) continue;
    for (unsigned y = 1; y < kKinds; ++y)
      if (b & (1u << y)) out |= t.arith[static_cast<unsigned>(op)][x][y];
  }
  return out;
}

KindMask unary_result_kinds(Op op, KindMask a) {
  if (op == Op::kNot) return kind_bit(Kind::kBool);
  const KindTables& t = tables();
  KindMask out = 0;
  for (unsigned x = 1; x < kKinds; ++x)
    if (a & (1u << x)) out |= t.negate[x];
  return out;
}

// ---------------------------------------------------------------- folding on VM values

std::optional<Value> literal_value(const ast::Expr& e) {
  using K = ast::ExprKind;
  switch (e.kind) {
    case K::kNull: return Value::null();
    case K::kBool: return Value::boolean(e.bool_value);
    case K::kInt: return Value::integer(e.int_value);
    case K::kFloat: return std::isfinite(e.float_value) ? Value::floating(e.float_value) : Value::null();
    case K::kString:
    case K::kRegex: return Value::string(e.string_value);  // r"..." outside `matches`: its text
    case K::kDuration: return Value::duration(e.int_value);
    case K::kTime: return Value::time(e.int_value);
    default: return std::nullopt;
  }
}

Value fold_unary(Op op, const Value& v) {
  switch (op) {
    case Op::kNot: return vm::logical_not(v);
    case Op::kNeg: return vm::negate(v);
    default: return Value::null();
  }
}

Value fold_matches(const Value& subject, const re2::RE2& pattern) {
  if (subject.kind != Kind::kString) return Value::boolean(false);
  return Value::boolean(re2::RE2::PartialMatch(re2::StringPiece(subject.s, subject.size), pattern));
}

Value fold_binary(Op op, const Value& a, const Value& b, vm::Arena& arena) {
  switch (op) {
    case Op::kOr: return Value::boolean(vm::truthy(a) || vm::truthy(b));
    case Op::kAnd: return Value::boolean(vm::truthy(a) && vm::truthy(b));
    case Op::kEq: return Value::boolean(vm::equal(a, b));
    case Op::kNe: return Value::boolean(vm::not_equal(a, b));
    case Op::kLt: return Value::boolean(vm::less(a, b));
    case Op::kLe: return Value::boolean(vm::less_equal(a, b));
    case Op::kGt: return Value::boolean(vm::greater(a, b));
    case Op::kGe: return Value::boolean(vm::greater_equal(a, b));
    case Op::kIn: return Value::boolean(vm::in_list(a, b));
    case Op::kContains: return Value::boolean(vm::contains(a, b));
    case Op::kStartsWith: return Value::boolean(vm::starts_with(a, b));
    case Op::kEndsWith: return Value::boolean(vm::ends_with(a, b));
    case Op::kMatches: {
      if (b.kind != Kind::kString) return Value::boolean(false);
      re2::RE2::Options opts;
      opts.set_log_errors(false);
      re2::RE2 re(re2::StringPiece(b.s, b.size), opts);
      return re.ok() ? fold_matches(a, re) : Value::boolean(false);
    }
    case Op::kCoalesce: return a.is_null() ? b : a;
    case Op::kAdd: return vm::add(a, b, arena);
    case Op::kSub: return vm::subtract(a, b);
    case Op::kMul: return vm::multiply(a, b);
    case Op::kDiv: return vm::divide(a, b);
    case Op::kMod: return vm::modulo(a, b);
    case Op::kNot:
    case Op::kNeg: break;
  }
  return Value::null();
}

Value fold_index(const Value& base, const Value& idx) {
  if (base.kind != Kind::kList || idx.kind != Kind::kInt) return Value::null();
  if (idx.i < 0 || static_cast<uint64_t>(idx.i) >= base.size) return Value::null();
  return base.list[idx.i];
}

std::optional<Value> fold_value(const ast::Expr& e, const ValueOfName& names, vm::Arena& arena) {
  using K = ast::ExprKind;
  if (auto lit = literal_value(e)) return lit;
  switch (e.kind) {
    case K::kName: return names ? names(e) : std::nullopt;
    case K::kList: {
      const auto n = static_cast<uint32_t>(e.items.size());
      Value* items = arena.allocate_array<Value>(n);
      for (uint32_t k = 0; k < n; ++k) {
        auto v = e.items[k] ? fold_value(*e.items[k], names, arena) : std::nullopt;
        if (!v) return std::nullopt;
        items[k] = *v;
      }
      return Value::list_of(items, n);
    }
    case K::kMember:  // constants have no fields
      if (!e.lhs || !fold_value(*e.lhs, names, arena)) return std::nullopt;
      return Value::null();
    case K::kIndex: {
      auto base = e.lhs ? fold_value(*e.lhs, names, arena) : std::nullopt;
      auto idx = base && e.rhs ? fold_value(*e.rhs, names, arena) : std::nullopt;
      if (!idx) return std::nullopt;
      return fold_index(*base, *idx);
    }
    case K::kUnary: {
      auto v = e.lhs ? fold_value(*e.lhs, names, arena) : std::nullopt;
      if (!v) return std::nullopt;
      return fold_unary(e.op, *v);
    }
    case K::kBinary: {
      if (e.op == Op::kMatches && (!e.rhs || (e.rhs->kind != K::kRegex && e.rhs->kind != K::kString)))
        return std::nullopt;  // the pattern must be a literal
      auto a = e.lhs ? fold_value(*e.lhs, names, arena) : std::nullopt;
      auto b = a && e.rhs ? fold_value(*e.rhs, names, arena) : std::nullopt;
      if (!b) return std::nullopt;
      return fold_binary(e.op, *a, *b, arena);
    }
    case K::kCall: {
      const FunctionInfo* f = find_function(e.name.text);
      if (!f || e.items.size() != f->arity || !e.items[0]) return std::nullopt;
      auto arg = fold_value(*e.items[0], names, arena);
      if (!arg) return std::nullopt;
      return vm::call_builtin(f->id, *arg, arena);
    }
    default: return std::nullopt;  // roots, aggregates, times of day
  }
}

// ---------------------------------------------------------------- the consts of a module

struct ModuleConsts::Table {
  enum class State : uint8_t { kNew, kVisiting, kDone };
  struct Entry {
    const ast::Expr* expr = nullptr;  // null: a segment, or a const without a value
    State state = State::kNew;
    bool ok = false;
    Value value;
  };
  NameTable<uint32_t> index;  // first declaration of each value name
  std::vector<Entry> entries;
};

namespace {
constexpr int kMaxConstDepth = 2000;  // consts referring to consts, deeper than this: not constant
}

ModuleConsts::ModuleConsts(const ast::Module& m) : m_(m), arena_(4096) {}
ModuleConsts::~ModuleConsts() = default;

std::optional<Value> ModuleConsts::fold(const ast::Expr* e) { return e ? fold(*e, 0) : std::nullopt; }

std::optional<Value> ModuleConsts::value(std::string_view name) { return value(name, 0); }

std::optional<Value> ModuleConsts::fold(const ast::Expr& e, int depth) {
  return fold_value(e, [this, depth](const ast::Expr& n) { return value(n.name.text, depth + 1); }, arena_);
}

std::optional<Value> ModuleConsts::value(std::string_view name, int depth) {
  if (!table_) {
    table_ = std::make_unique<Table>();
    for (const auto& d : m_.decls) {
      if (!d || d->name.text.empty() || (d->kind != ast::DeclKind::kConst && d->kind != ast::DeclKind::kSegment))
        continue;
      auto [slot, fresh] = table_->index.emplace(d->name.text, static_cast<uint32_t>(table_->entries.size()));
      if (!fresh) continue;
      Table::Entry entry;
      if (d->kind == ast::DeclKind::kConst) entry.expr = d->value.get();
      table_->entries.push_back(entry);
    }
  }
  const uint32_t* i = table_->index.find(name);
  if (!i || depth > kMaxConstDepth) return std::nullopt;
  Table::Entry* entry = &table_->entries[*i];
  if (entry->state == Table::State::kDone) return entry->ok ? std::optional<Value>(entry->value) : std::nullopt;
  if (entry->state == Table::State::kVisiting || !entry->expr) return std::nullopt;  // a cycle; a segment
  entry->state = Table::State::kVisiting;
  std::optional<Value> v = fold(*entry->expr, depth);
  entry = &table_->entries[*table_->index.find(name)];
  entry->state = Table::State::kDone;
  entry->ok = v.has_value();
  if (v) entry->value = *v;
  return v;
}

// ---------------------------------------------------------------- owned values

ConstValue ConstValue::boolean(bool v) { ConstValue x; x.kind = Kind::kBool; x.b = v; return x; }
ConstValue ConstValue::integer(int64_t v) { ConstValue x; x.kind = Kind::kInt; x.i = v; return x; }
ConstValue ConstValue::floating(double v) {
  if (!std::isfinite(v)) return null();
  ConstValue x;
  x.kind = Kind::kFloat;
  x.f = v;
  return x;
}
ConstValue ConstValue::string(std::string v) { ConstValue x; x.kind = Kind::kString; x.s = std::move(v); return x; }
ConstValue ConstValue::time(int64_t ms) { ConstValue x; x.kind = Kind::kTime; x.i = ms; return x; }
ConstValue ConstValue::duration(int64_t ms) { ConstValue x; x.kind = Kind::kDuration; x.i = ms; return x; }
ConstValue ConstValue::list_of(std::vector<ConstValue> items) {
  ConstValue x;
  x.kind = Kind::kList;
  x.list = std::move(items);
  return x;
}

ConstValue ConstValue::of(const Value& v) {
  switch (v.kind) {
    case Kind::kBool: return boolean(v.b);
    case Kind::kInt: return integer(v.i);
    case Kind::kFloat: return floating(v.f);
    case Kind::kString: return string(std::string(v.str()));
    case Kind::kTime: return time(v.i);
    case Kind::kDuration: return duration(v.i);
    case Kind::kList: {
      std::vector<ConstValue> items;
      items.reserve(v.size);
      for (uint32_t k = 0; k < v.size; ++k) items.push_back(of(v.list[k]));
      return list_of(std::move(items));
    }
    case Kind::kNull:
    case Kind::kObject: break;
  }
  return null();
}

Value ConstValue::view(vm::Arena& arena) const {
  switch (kind) {
    case Kind::kBool: return Value::boolean(b);
    case Kind::kInt: return Value::integer(i);
    case Kind::kFloat: return Value::floating(f);
    case Kind::kString: return Value::string(s);
    case Kind::kTime: return Value::time(i);
    case Kind::kDuration: return Value::duration(i);
    case Kind::kList: {
      const auto n = static_cast<uint32_t>(list.size());
      Value* items = arena.allocate_array<Value>(n);
      for (uint32_t k = 0; k < n; ++k) items[k] = list[k].view(arena);
      return Value::list_of(items, n);
    }
    case Kind::kNull:
    case Kind::kObject: break;
  }
  return Value::null();
}

bool const_equal(const ConstValue& a, const ConstValue& b) {
  vm::Arena arena(1024);
  return vm::equal(a.view(arena), b.view(arena));
}

std::optional<int> const_order(const ConstValue& a, const ConstValue& b) {
  vm::Arena arena(1024);
  vm::Order o = vm::compare(a.view(arena), b.view(arena));
  if (o == vm::Order::kUnordered) return std::nullopt;
  return static_cast<int>(o);
}

ConstValue const_unary(Op op, const ConstValue& v) {
  vm::Arena arena(1024);
  return ConstValue::of(fold_unary(op, v.view(arena)));
}

ConstValue const_index(const ConstValue& base, const ConstValue& idx) {
  vm::Arena arena(1024);
  return ConstValue::of(fold_index(base.view(arena), idx.view(arena)));
}

ConstValue const_binary(Op op, const ConstValue& a, const ConstValue& b) {
  vm::Arena arena(1024);
  return ConstValue::of(fold_binary(op, a.view(arena), b.view(arena), arena));
}

std::optional<ConstValue> const_call(std::string_view name, const std::vector<ConstValue>& args) {
  const FunctionInfo* f = find_function(name);
  if (!f || args.size() != f->arity) return std::nullopt;
  vm::Arena arena(1024);
  return ConstValue::of(vm::call_builtin(f->id, args[0].view(arena), arena));
}

std::optional<std::string> text_form(const ConstValue& v) {
  vm::Arena arena(1024);
  Value x = v.view(arena);
  if (!vm::has_text(x)) return std::nullopt;
  std::string out;
  vm::append_text(out, x);
  return out;
}

std::string source_form(const Value& v) {
  std::string out;
  switch (v.kind) {
    case Kind::kNull:
    case Kind::kObject: return "null";
    case Kind::kString: vm::append_json_string(out, v.str()); return out;
    case Kind::kTime: return "@" + std::string(vm::time_text(v.i).view());
    case Kind::kList:
      out = "[";
      for (uint32_t k = 0; k < v.size; ++k) out += (k ? ", " : "") + source_form(v.list[k]);
      return out + "]";
    default: vm::append_text(out, v); return out;
  }
}

std::string source_form(const ConstValue& v) {
  vm::Arena arena(1024);
  return source_form(v.view(arena));
}

std::optional<ConstValue> fold_constant(const ast::Expr& e, const NameValue& names) {
  vm::Arena arena;
  std::vector<std::unique_ptr<ConstValue>> held;  // the names' values, viewed while folding
  ValueOfName of_name;
  if (names) {
    of_name = [&](const ast::Expr& n) -> std::optional<Value> {
      auto v = names(n);
      if (!v) return std::nullopt;
      held.push_back(std::make_unique<ConstValue>(std::move(*v)));
      return held.back()->view(arena);
    };
  }
  auto v = fold_value(e, of_name, arena);
  if (!v) return std::nullopt;
  return ConstValue::of(*v);
}

}  // namespace laud::compiler
