// const_eval_test.cc — unit tests of compiler/const_eval.h (folding on the VM's value semantics,
// kind tables, ModuleConsts, owned ConstValues), compiler/builtins.h (the function table taken
// from vm/builtins.h) and compiler/name_table.h.
#include "compiler/const_eval.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "compiler/builtins.h"
#include "compiler/driver.h"
#include "compiler/name_table.h"
#include "compiler/parser.h"
#include "vm/builtins.h"
#include "vm/text_form.h"
#include "vm/value_ops.h"

namespace laud::compiler {
namespace {

using ast::Op;
using vm::Kind;
using vm::Value;

// Parses `src` (which must be free of syntax errors).
std::unique_ptr<Compilation> parse(const std::string& src) {
  auto c = std::make_unique<Compilation>();
  uint32_t id = c->sources.add("t.journey", src);
  EXPECT_TRUE(parse_file(c->sources, id, c->module, c->diags)) << c->diags.render_text();
  return c;
}

const ast::Expr& value_of(const Compilation& c, size_t decl) { return *c.module.decls.at(decl)->value; }

std::string text(const Value& v) {
  std::string out;
  vm::append_text(out, v);
  return out;
}

// ---------------------------------------------------------------- folding is the VM's

TEST(Fold, OperatorsAreTheVmOperators) {
  vm::Arena arena;
  const Value a = Value::string("ab"), b = Value::string("cd");
  EXPECT_EQ(fold_binary(Op::kAdd, a, b, arena).str(), "abcd");
  EXPECT_TRUE(fold_binary(Op::kAdd, Value::integer(INT64_MAX), Value::integer(1), arena).is_null());
  EXPECT_EQ(fold_binary(Op::kMod, Value::integer(INT64_MIN), Value::integer(-1), arena).i, 0);
  EXPECT_TRUE(fold_binary(Op::kDiv, Value::integer(INT64_MIN), Value::integer(-1), arena).is_null());
  EXPECT_TRUE(fold_binary(Op::kDiv, Value::integer(1), Value::integer(0), arena).is_null());
  Value t = fold_binary(Op::kSub, Value::time(5000), Value::string("1970-01-01T00:00:01Z"), arena);
  EXPECT_EQ(t.kind, Kind::kDuration);
  EXPECT_EQ(t.i, 4000);
  EXPECT_TRUE(fold_binary(Op::kEq, Value::integer(1), Value::floating(1.0), arena).b);
  EXPECT_FALSE(fold_binary(Op::kEq, Value::integer(9007199254740993), Value::floating(9007199254740992.0), arena).b);
  EXPECT_FALSE(fold_binary(Op::kLt, Value::null(), Value::integer(1), arena).b);
  EXPECT_EQ(fold_binary(Op::kCoalesce, Value::null(), Value::integer(5), arena).i, 5);
  EXPECT_TRUE(fold_binary(Op::kAnd, Value::boolean(true), Value::integer(1), arena).kind == Kind::kBool);
  EXPECT_FALSE(fold_binary(Op::kAnd, Value::boolean(true), Value::integer(1), arena).b);
  EXPECT_TRUE(fold_binary(Op::kMatches, Value::string("abc"), Value::string("^a"), arena).b);
  EXPECT_FALSE(fold_binary(Op::kMatches, Value::string("abc"), Value::string("("), arena).b);  // invalid: false
  EXPECT_TRUE(fold_unary(Op::kNeg, Value::integer(INT64_MIN)).is_null());
  EXPECT_TRUE(fold_unary(Op::kNot, Value::integer(1)).b);
  Value items[] = {Value::integer(1), Value::string("x")};
  Value list = Value::list_of(items, 2);
  EXPECT_EQ(fold_index(list, Value::integer(1)).str(), "x");
  EXPECT_TRUE(fold_index(list, Value::integer(2)).is_null());
  EXPECT_TRUE(fold_index(list, Value::integer(-1)).is_null());
  EXPECT_TRUE(fold_binary(Op::kIn, Value::string("x"), list, arena).b);
  EXPECT_TRUE(fold_binary(Op::kContains, list, Value::integer(1), arena).b);
}

TEST(Fold, TextFormsAreTheVmTextForms) {
  // string() of a list escapes control characters as JSON.stringify does (\b and \f included),
  // exactly like the dispatch records the VM writes.
  auto c = parse("const S = string([\"a\\u{8}b\\u{C}\", 1.0, 1d12h, @2026-01-01T00:00:00Z, null])\n");
  vm::Arena arena;
  auto v = fold_value(value_of(*c, 0), {}, arena);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->str(), "[\"a\\bb\\f\",1.0,\"1d12h\",\"2026-01-01T00:00:00Z\",null]");
  auto owned = text_form(ConstValue::of(*v));
  ASSERT_TRUE(owned);
  EXPECT_EQ(*owned, v->str());
  EXPECT_EQ(source_form(Value::string("a\"b")), "\"a\\\"b\"");
  EXPECT_EQ(source_form(Value::time(0)), "@1970-01-01T00:00:00Z");
  Value items[] = {Value::integer(1), Value::string("a")};
  EXPECT_EQ(source_form(Value::list_of(items, 2)), "[1, \"a\"]");
  EXPECT_EQ(source_form(Value::duration(90000)), "1m30s");
}

TEST(Fold, BuiltinsAreTheVmBuiltins) {
  auto c = parse(
      "const A = len(\"h\\u{E9}llo\")\nconst B = int(\"-3.9\")\nconst C = float(\"1e3\")\n"
      "const D = upper(\"abc\" + \"d\")\nconst E = time(\"2026-01-01T00:00:00Z\")\nconst F = exists(null)\n");
  vm::Arena arena;
  auto fold = [&](size_t i) { return *fold_value(value_of(*c, i), {}, arena); };
  EXPECT_EQ(fold(0).i, 5);
  EXPECT_EQ(fold(1).i, -3);
  EXPECT_TRUE(fold(2).is_null());  // only `-?[0-9]+(\.[0-9]+)?`
  EXPECT_EQ(fold(3).str(), "ABCD");
  EXPECT_EQ(fold(4).kind, Kind::kTime);
  EXPECT_FALSE(fold(5).b);
}

TEST(Fold, WhatIsNotConstant) {
  auto c = parse(
      "const A = customer.x\nconst B = now + 1d\nconst C = count(a)\nconst D = nope(1)\nconst E = len(1, 2)\n"
      "const F = \"a\" matches X\nconst G = X\nconst H = [1, customer]\n");
  vm::Arena arena;
  for (size_t i = 0; i < c->module.decls.size(); ++i)
    EXPECT_FALSE(fold_value(value_of(*c, i), {}, arena)) << "const " << i;
  // With names: X is 1d.
  auto names = [](const ast::Expr& n) -> std::optional<Value> {
    if (n.name.text == "X") return Value::duration(86400000);
    return std::nullopt;
  };
  auto g = fold_value(value_of(*c, 6), names, arena);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->i, 86400000);
  EXPECT_FALSE(fold_value(value_of(*c, 5), names, arena));  // the pattern must be a literal
}

TEST(Fold, MemberOfAConstantIsNull) {
  auto c = parse("const A = [1, 2].x\nconst B = [1, 2][1]\n");
  vm::Arena arena;
  auto a = fold_value(value_of(*c, 0), {}, arena);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_null());
  EXPECT_EQ(fold_value(value_of(*c, 1), {}, arena)->i, 2);
}

// ---------------------------------------------------------------- ModuleConsts

TEST(ModuleConsts, FoldsWithTheModulesConsts) {
  auto c = parse(
      "const H = 1h\nconst D = H * 3 - 30m\nconst L = [D, 2d][0]\nconst K = null ?? L\n"
      "const A = B\nconst B = A\nconst S = \"x\"\nsegment seg = customer.a == 1\nconst H = 2h\n"
      "const Q = seg\n");
  ModuleConsts consts(c->module);
  EXPECT_EQ(consts.value("D")->i, 3 * 3600000 - 1800000);
  EXPECT_EQ(consts.value("K")->i, 3 * 3600000 - 1800000);
  EXPECT_EQ(consts.value("H")->i, 3600000);  // the first declaration
  EXPECT_FALSE(consts.value("A"));           // a cycle
  EXPECT_FALSE(consts.value("B"));
  EXPECT_FALSE(consts.value("seg"));  // segments are no values
  EXPECT_FALSE(consts.value("Q"));
  EXPECT_FALSE(consts.value("nope"));
  EXPECT_EQ(consts.value("S")->str(), "x");
  EXPECT_FALSE(consts.fold(nullptr));
}

TEST(ModuleConsts, DeepChainsAreNotConstantButDoNotCrash) {
  std::string src = "const C0 = 1d\n";
  for (int i = 1; i <= 3000; ++i) src += "const C" + std::to_string(i) + " = C" + std::to_string(i - 1) + "\n";
  auto c = parse(src);
  ModuleConsts consts(c->module);
  EXPECT_EQ(consts.value("C1500")->i, 86400000);
  EXPECT_EQ(consts.value("C3000")->i, 86400000);  // C1500 is known by now
  ModuleConsts fresh(c->module);
  EXPECT_FALSE(fresh.value("C3000"));  // deeper than the limit from a cold start
}

// ---------------------------------------------------------------- kinds

TEST(Kinds, TablesFollowTheVmOperators) {
  const KindMask T = kind_bit(Kind::kTime), D = kind_bit(Kind::kDuration), I = kind_bit(Kind::kInt),
                 F = kind_bit(Kind::kFloat), S = kind_bit(Kind::kString), B = kind_bit(Kind::kBool),
                 L = kind_bit(Kind::kList), O = kind_bit(Kind::kObject);
  EXPECT_EQ(binary_result_kinds(Op::kAdd, T, D), T);
  EXPECT_EQ(binary_result_kinds(Op::kAdd, D, T), T);
  EXPECT_EQ(binary_result_kinds(Op::kSub, T, T), D);
  EXPECT_EQ(binary_result_kinds(Op::kSub, S, T), D);  // the string is read as a time
  EXPECT_EQ(binary_result_kinds(Op::kAdd, S, D), T);
  EXPECT_EQ(binary_result_kinds(Op::kAdd, S, S), S);
  EXPECT_EQ(binary_result_kinds(Op::kSub, S, S), 0);
  EXPECT_EQ(binary_result_kinds(Op::kMul, I, D), D);
  EXPECT_EQ(binary_result_kinds(Op::kDiv, D, I), D);
  EXPECT_EQ(binary_result_kinds(Op::kDiv, I, D), 0);
  EXPECT_EQ(binary_result_kinds(Op::kMod, D, I), 0);
  EXPECT_EQ(binary_result_kinds(Op::kMod, F, I), F);
  EXPECT_EQ(binary_result_kinds(Op::kAdd, I, I), I);
  EXPECT_EQ(binary_result_kinds(Op::kAdd, I | F, I), I | F);
  EXPECT_EQ(binary_result_kinds(Op::kAdd, O, I), 0);
  EXPECT_EQ(binary_result_kinds(Op::kLt, O, I), B);
  EXPECT_EQ(binary_result_kinds(Op::kCoalesce, I, S), I | S);
  EXPECT_EQ(unary_result_kinds(Op::kNeg, kAnyKind), I | F | D);
  EXPECT_EQ(unary_result_kinds(Op::kNot, 0), B);
  EXPECT_TRUE(binary_can_succeed(Op::kLt, Kind::kString, Kind::kTime));
  EXPECT_TRUE(binary_can_succeed(Op::kLt, Kind::kInt, Kind::kFloat));
  EXPECT_FALSE(binary_can_succeed(Op::kLt, Kind::kBool, Kind::kBool));
  EXPECT_FALSE(binary_can_succeed(Op::kGe, Kind::kList, Kind::kList));
  EXPECT_TRUE(binary_can_succeed(Op::kIn, Kind::kObject, Kind::kList));
  EXPECT_FALSE(binary_can_succeed(Op::kContains, Kind::kString, Kind::kInt));
  EXPECT_TRUE(binary_can_succeed(Op::kContains, Kind::kList, Kind::kInt));
  EXPECT_TRUE(binary_possible(Op::kEq, B, L));
  EXPECT_TRUE(binary_possible(Op::kAdd, kAnyKind, I));
  EXPECT_FALSE(binary_possible(Op::kSub, S | B, S));
  EXPECT_FALSE(binary_possible(Op::kLt, B | L, I));
}

// ---------------------------------------------------------------- owned values

TEST(ConstValue, ViewsAndCopiesRoundTrip) {
  ConstValue v = ConstValue::list_of({ConstValue::integer(1), ConstValue::string("a long string, not inline"),
                                      ConstValue::list_of({ConstValue::duration(5), ConstValue::null()}),
                                      ConstValue::floating(2.5), ConstValue::boolean(true), ConstValue::time(7)});
  vm::Arena arena;
  Value view = v.view(arena);
  EXPECT_EQ(text(view), "[1,\"a long string, not inline\",[\"0.005s\",null],2.5,true,\"1970-01-01T00:00:00.007Z\"]");
  ConstValue back = ConstValue::of(view);
  EXPECT_TRUE(const_equal(v, back));
  EXPECT_EQ(back.list[1].s, "a long string, not inline");
  EXPECT_TRUE(ConstValue::of(Value::object_handle(&arena)).is_null());
  EXPECT_TRUE(ConstValue::floating(1.0 / 0.0).is_null());
}

TEST(ConstValue, OwnedOperationsWrapTheVm) {
  EXPECT_EQ(const_binary(Op::kAdd, ConstValue::string("a"), ConstValue::string("b")).s, "ab");
  EXPECT_EQ(const_unary(Op::kNeg, ConstValue::duration(5)).i, -5);
  EXPECT_EQ(const_index(ConstValue::list_of({ConstValue::integer(4)}), ConstValue::integer(0)).i, 4);
  EXPECT_EQ(const_order(ConstValue::integer(1), ConstValue::floating(1.5)), -1);
  EXPECT_EQ(const_order(ConstValue::boolean(true), ConstValue::boolean(true)), std::nullopt);
  EXPECT_EQ(const_call("string", {ConstValue::floating(2.0)})->s, "2.0");
  EXPECT_EQ(const_call("string", {}), std::nullopt);
  EXPECT_EQ(const_call("nope", {ConstValue::null()}), std::nullopt);
  EXPECT_EQ(text_form(ConstValue::null()), std::nullopt);
  auto c = parse("const A = X + 1\n");
  auto v = fold_constant(value_of(*c, 0), [](const ast::Expr&) { return ConstValue::integer(41); });
  ASSERT_TRUE(v);
  EXPECT_EQ(v->i, 42);
}

// ---------------------------------------------------------------- builtins

TEST(Builtins, FunctionTableIsTheVms) {
  for (uint32_t id = 0; id < vm::kBuiltinCount; ++id) {
    vm::Builtin b = *vm::builtin_from_id(id);
    const FunctionInfo* f = find_function(vm::builtin_name(b));
    ASSERT_NE(f, nullptr) << vm::builtin_name(b);
    EXPECT_EQ(f->id, b);
    EXPECT_EQ(f->name, vm::builtin_name(b));
    EXPECT_EQ(f->arity, 1);
    EXPECT_NE(f->result, 0);
    EXPECT_EQ(&function_info(b), f);
  }
  EXPECT_EQ(find_function("count"), nullptr);  // an aggregate, not a function
  EXPECT_EQ(find_function("nope"), nullptr);
  EXPECT_EQ(find_function("string")->result, kind_bit(Kind::kString));
  const auto& names = callable_names();
  EXPECT_EQ(names.size(), vm::kBuiltinCount + 6);
  EXPECT_NE(std::find(names.begin(), names.end(), "avg"), names.end());
}

// ---------------------------------------------------------------- name tables

TEST(NameTable, FindsWhatItHolds) {
  std::vector<std::string> keys;
  for (int i = 0; i < 2000; ++i) keys.push_back("name_" + std::to_string(i * 7919));
  NameTable<int> t;
  for (int i = 0; i < 2000; ++i) {
    auto [v, fresh] = t.emplace(keys[i], i);
    EXPECT_TRUE(fresh);
    EXPECT_EQ(*v, i);
  }
  EXPECT_EQ(t.size(), 2000u);
  for (int i = 0; i < 2000; ++i) {
    ASSERT_NE(t.find(keys[i]), nullptr);
    EXPECT_EQ(*t.find(keys[i]), i);
    EXPECT_EQ(*t.find(keys[i], name_hash(keys[i])), i);
    auto [v, fresh] = t.emplace(keys[i], -1);
    EXPECT_FALSE(fresh);
    EXPECT_EQ(*v, i);
  }
  EXPECT_EQ(t.find("name_1"), nullptr);
  EXPECT_EQ(t.find(""), nullptr);
  EXPECT_EQ(t.entries()[7].key, keys[7]);  // insertion order
  t.emplace("", 5);
  EXPECT_EQ(*t.find(""), 5);
  t.clear();
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.find(keys[0]), nullptr);
  t.emplace("again", 1);
  EXPECT_EQ(*t.find("again"), 1);
}

}  // namespace
}  // namespace laud::compiler
