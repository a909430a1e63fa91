// parser_test.cc — unit tests of compiler/parser.h: the AST's shape, decoded literal values and
// spans for every construct of the grammar (grammar/laud.hpp, LANGUAGE.md §2, §4–§7), and the
// syntax errors (message, code, line:col), limits and recovery at the next declaration.
#include "compiler/parser.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace laud::compiler {
namespace {

using ast::DeclKind;
using ast::Expr;
using ast::ExprKind;
using ast::Op;
using ast::SettingKind;
using ast::StmtKind;

// ---------------------------------------------------------------- helpers

struct Parsed {
  SourceManager sources;
  Diagnostics diags{sources};
  ast::Module module;
  uint32_t file = 0;
  bool ok = false;

  std::string_view source() const { return sources.file(file).text(); }
  // The source text a span covers.
  std::string_view text(const Span& s) const {
    EXPECT_LE(s.begin, s.end);
    EXPECT_LE(s.end, source().size());
    if (s.begin > s.end || s.end > source().size()) return "<bad span>";
    return source().substr(s.begin, s.end - s.begin);
  }
  // "CODE@LINE:COL message" for every diagnostic, in report order.
  std::string dump() const {
    std::string out;
    for (const Diagnostic& d : diags.all())
      out += std::string(diag_code_name(d.code)) + "@" + std::to_string(d.span.line) + ":" +
             std::to_string(d.span.col) + " " + d.message + "\n";
    return out;
  }
  // "CODE@LINE:COL" for every diagnostic, in report order.
  std::vector<std::string> codes() const {
    std::vector<std::string> out;
    for (const Diagnostic& d : diags.all())
      out.push_back(std::string(diag_code_name(d.code)) + "@" + std::to_string(d.span.line) + ":" +
                    std::to_string(d.span.col));
    return out;
  }
  const ast::Decl& decl(size_t i) const { return *module.decls.at(i); }
};

std::unique_ptr<Parsed> parse(std::string src, ParseLimits limits = {}) {
  auto p = std::make_unique<Parsed>();
  p->file = p->sources.add("t.journey", std::move(src));
  p->ok = parse_file(p->sources, p->file, p->module, p->diags, limits);
  // The return value and the diagnostics must agree.
  EXPECT_EQ(p->ok, !p->diags.has_errors()) << p->dump();
  return p;
}

// Parses a source that must be free of diagnostics.
std::unique_ptr<Parsed> parse_ok(std::string src) {
  auto p = parse(std::move(src));
  EXPECT_TRUE(p->ok) << p->dump();
  EXPECT_TRUE(p->diags.all().empty()) << p->dump();
  return p;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// A compact S-expression of an expression tree, for shape assertions.
std::string sx(const Expr& e);
std::string sx(const ast::ExprPtr& e) { return e ? sx(*e) : std::string("<null>"); }
std::string sx(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kNull: return "null";
    case ExprKind::kBool: return e.bool_value ? "true" : "false";
    case ExprKind::kInt: return std::to_string(e.int_value);
    case ExprKind::kFloat: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, e.float_value);
      return "f:" + std::string(buf, r.ptr);
    }
    case ExprKind::kString: return quote(e.string_value);
    case ExprKind::kRegex: return "r" + quote(e.string_value);
    case ExprKind::kDuration: return "dur:" + std::to_string(e.int_value);
    case ExprKind::kTime: return "time:" + std::to_string(e.int_value);
    case ExprKind::kTimeOfDay: return "tod:" + std::to_string(e.int_value);
    case ExprKind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < e.items.size(); ++i) out += (i ? " " : "") + sx(e.items[i]);
      return out + "]";
    }
    case ExprKind::kName: return std::string(e.name.text);
    case ExprKind::kRoot: return std::string(ast::root_name(e.root));
    case ExprKind::kMember: return "(. " + sx(e.lhs) + " " + std::string(e.name.text) + ")";
    case ExprKind::kIndex: return "([] " + sx(e.lhs) + " " + sx(e.rhs) + ")";
    case ExprKind::kUnary: return std::string("(") + (e.op == Op::kNeg ? "neg" : e.op == Op::kNot ? "not" : "?unary") + " " + sx(e.lhs) + ")";
    case ExprKind::kBinary: return "(" + std::string(ast::op_text(e.op)) + " " + sx(e.lhs) + " " + sx(e.rhs) + ")";
    case ExprKind::kCall: {
      std::string out = "(call " + std::string(e.name.text);
      for (const auto& a : e.items) out += " " + sx(a);
      return out + ")";
    }
    case ExprKind::kAggregate: {
      const ast::Aggregate& a = *e.aggregate;
      std::string out = "(" + std::string(ast::agg_func_name(a.func)) + " " + quote(a.event.text);
      for (const ast::Name& p : a.property) out += "." + std::string(p.text);
      if (a.where) out += " where " + sx(a.where);
      if (a.within) out += " within " + sx(a.within);
      return out + ")";
    }
  }
  return "?";
}

// Parses `const x = EXPR` (which must be error-free) and returns the S-expression of EXPR.
std::string ex(const std::string& expr) {
  auto p = parse("const x = " + expr);
  EXPECT_TRUE(p->diags.all().empty()) << "in `" << expr << "`:\n" << p->dump();
  if (p->module.decls.size() != 1 || !p->module.decls[0]->value) return "<no decl>";
  return sx(p->decl(0).value);
}

// Parses `const x = EXPR` and returns the parse; the value's tree is p->decl(0).value.
std::unique_ptr<Parsed> const_expr(const std::string& expr) {
  auto p = parse_ok("const x = " + expr);
  EXPECT_EQ(p->module.decls.size(), 1u);
  return p;
}

// Wraps STEPS/SETTINGS in `journey j {` ... `}`; the body starts on line 2.
std::unique_ptr<Parsed> journey_ok(const std::string& body) {
  auto p = parse_ok("journey j {\n" + body + "\n}\n");
  EXPECT_EQ(p->module.decls.size(), 1u);
  if (!p->module.decls.empty()) {
    EXPECT_EQ(p->decl(0).kind, DeclKind::kJourney);
  }
  return p;
}

std::string lc(const Span& s) { return std::to_string(s.line) + ":" + std::to_string(s.col); }

// The only diagnostic of a parse that must have exactly one.
const Diagnostic& only(const Parsed& p) {
  EXPECT_EQ(p.diags.all().size(), 1u) << p.dump();
  static const Diagnostic none{DiagCode::E0100, Severity::kError, {}, "<no diagnostic>", {}, ""};
  return p.diags.all().empty() ? none : p.diags.all().front();
}

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// ---------------------------------------------------------------- literals

TEST(ParserLiterals, Integers) {
  EXPECT_EQ(ex("0"), "0");
  EXPECT_EQ(ex("42"), "42");
  EXPECT_EQ(ex("1_000_000"), "1000000");
  EXPECT_EQ(ex("9223372036854775807"), "9223372036854775807");
  EXPECT_EQ(ex("007"), "7");
  auto p = const_expr("1_000");
  const Expr& e = *p->decl(0).value;
  EXPECT_EQ(e.kind, ExprKind::kInt);
  EXPECT_EQ(e.int_value, 1000);
  EXPECT_EQ(p->text(e.span), "1_000");
  EXPECT_EQ(lc(e.span), "1:11");
}

TEST(ParserLiterals, NegativeIntegersAreNegations) {
  EXPECT_EQ(ex("-5"), "(neg 5)");
  EXPECT_EQ(ex("-9223372036854775807 - 1"), "(- (neg 9223372036854775807) 1)");
}

TEST(ParserLiterals, Floats) {
  EXPECT_EQ(ex("3.5"), "f:3.5");
  EXPECT_EQ(ex("0.25"), "f:0.25");
  EXPECT_EQ(ex("1.5e-3"), "f:0.0015");
  EXPECT_EQ(ex("2.5E+2"), "f:250");
  EXPECT_EQ(ex("1.0e10"), "f:1e+10");
  EXPECT_EQ(ex("1_000.5"), "f:1000.5");
  auto p = const_expr("1.5e-3");
  EXPECT_EQ(p->decl(0).value->kind, ExprKind::kFloat);
  EXPECT_EQ(p->text(p->decl(0).value->span), "1.5e-3");
}

TEST(ParserLiterals, StringsWithEveryEscape) {
  EXPECT_EQ(ex(R"("plain")"), R"("plain")");
  EXPECT_EQ(ex(R"("")"), R"("")");
  auto value = [](const std::string& src) {
    auto p = const_expr(src);
    EXPECT_EQ(p->decl(0).value->kind, ExprKind::kString);
    return p->decl(0).value->string_value;
  };
  EXPECT_EQ(value(R"("say \"hi\"")"), "say \"hi\"");
  EXPECT_EQ(value(R"("back\\slash")"), "back\\slash");
  EXPECT_EQ(value(R"("a\nb")"), "a\nb");
  EXPECT_EQ(value(R"("a\tb")"), "a\tb");
  EXPECT_EQ(value(R"("\u{1F600}")"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(value(R"("\u{41}\u{e9}\u{20AC}")"), "A\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(value(R"("\u{10FFFF}")"), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(value("\"h\xC3\xA9llo \xF0\x9F\x98\x80\""), "h\xC3\xA9llo \xF0\x9F\x98\x80");  // UTF-8 as is
  EXPECT_EQ(value(R"("a // not a comment /* nor this */")"), "a // not a comment /* nor this */");
  auto p = const_expr(R"("x\ty")");
  EXPECT_EQ(p->text(p->decl(0).value->span), R"("x\ty")");  // the span covers the quotes
}

TEST(ParserLiterals, RawRegexKeepsBackslashes) {
  auto p = const_expr(R"(r"^\d{3}-\w+\.$")");
  const Expr& e = *p->decl(0).value;
  EXPECT_EQ(e.kind, ExprKind::kRegex);
  EXPECT_EQ(e.string_value, R"(^\d{3}-\w+\.$)");
  EXPECT_EQ(p->text(e.span), R"(r"^\d{3}-\w+\.$")");
  // No escapes are processed: `\n` stays two characters, `\u{41}` stays as written.
  EXPECT_EQ(ex(R"(r"a\nb\u{41}")"), R"(r"a\\nb\\u{41}")");
  // A raw regex ends at the first quote.
  EXPECT_EQ(ex(R"(r"a\" + "b")"), R"((+ r"a\\" "b"))");
  EXPECT_EQ(ex(R"(r"")"), R"(r"")");
}

TEST(ParserLiterals, Durations) {
  EXPECT_EQ(ex("90s"), "dur:90000");
  EXPECT_EQ(ex("15m"), "dur:900000");
  EXPECT_EQ(ex("1h"), "dur:3600000");
  EXPECT_EQ(ex("1d12h"), "dur:129600000");
  EXPECT_EQ(ex("2w"), "dur:1209600000");
  EXPECT_EQ(ex("1w2d3h4m5s"), "dur:788645000");
  EXPECT_EQ(ex("0s"), "dur:0");
  EXPECT_EQ(ex("1_000s"), "dur:1000000");
  auto p = const_expr("1d12h");
  EXPECT_EQ(p->decl(0).value->kind, ExprKind::kDuration);
  EXPECT_EQ(p->text(p->decl(0).value->span), "1d12h");
}

TEST(ParserLiterals, TimestampsToEpochMilliseconds) {
  EXPECT_EQ(ex("@2026-12-01T09:00:00Z"), "time:1796115600000");
  EXPECT_EQ(ex("@2026-12-01T10:00:00+01:00"), "time:1796115600000");
  EXPECT_EQ(ex("@2026-12-01T04:30:00-04:30"), "time:1796115600000");
  EXPECT_EQ(ex("@2026-12-01T09:00:00.123Z"), "time:1796115600123");
  EXPECT_EQ(ex("@2026-12-01T10:00:00.123+01:00"), "time:1796115600123");
  EXPECT_EQ(ex("@2026-12-01t09:00:00.123999z"), "time:1796115600123");  // fractions truncate
  EXPECT_EQ(ex("@1970-01-01T00:00:00Z"), "time:0");
  EXPECT_EQ(ex("@2026-12-01T09:00:00Z - 1d"), "(- time:1796115600000 dur:86400000)");
  auto p = const_expr("@2026-12-01T09:00:00Z");
  EXPECT_EQ(p->decl(0).value->kind, ExprKind::kTime);
  EXPECT_EQ(p->text(p->decl(0).value->span), "@2026-12-01T09:00:00Z");
}

TEST(ParserLiterals, BooleansNullAndLists) {
  EXPECT_EQ(ex("true"), "true");
  EXPECT_EQ(ex("false"), "false");
  EXPECT_EQ(ex("null"), "null");
  EXPECT_EQ(ex("[]"), "[]");
  EXPECT_EQ(ex("[1, \"a\", true, null, 2.5]"), "[1 \"a\" true null f:2.5]");
  EXPECT_EQ(ex("[1, 2,]"), "[1 2]");  // a trailing comma is allowed
  EXPECT_EQ(ex("[[1], [2, [3]]]"), "[[1] [2 [3]]]");
  EXPECT_EQ(ex("[\n  1,\n  2\n]"), "[1 2]");
  auto p = const_expr("[1, 2]");
  const Expr& e = *p->decl(0).value;
  EXPECT_EQ(e.kind, ExprKind::kList);
  EXPECT_EQ(p->text(e.span), "[1, 2]");
  ASSERT_EQ(e.items.size(), 2u);
  EXPECT_EQ(lc(e.items[1]->span), "1:15");
}

TEST(ParserLiterals, WordsThatStartLikeKeywordsAreNames) {
  EXPECT_EQ(ex("nullable"), "nullable");
  EXPECT_EQ(ex("trueish"), "trueish");
  EXPECT_EQ(ex("nowhere"), "nowhere");
  EXPECT_EQ(ex("customers"), "customers");
  EXPECT_EQ(ex("counter"), "counter");
  EXPECT_EQ(ex("inbox"), "inbox");
  EXPECT_EQ(ex("r"), "r");  // not a raw regex without the quote
  EXPECT_EQ(ex("count + 1"), "(+ count 1)");  // an aggregate only with `(`
}

// ---------------------------------------------------------------- operators

TEST(ParserExpressions, EveryBinaryOperator) {
  EXPECT_EQ(ex("a or b"), "(or a b)");
  EXPECT_EQ(ex("a and b"), "(and a b)");
  EXPECT_EQ(ex("a == b"), "(== a b)");
  EXPECT_EQ(ex("a != b"), "(!= a b)");
  EXPECT_EQ(ex("a < b"), "(< a b)");
  EXPECT_EQ(ex("a <= b"), "(<= a b)");
  EXPECT_EQ(ex("a > b"), "(> a b)");
  EXPECT_EQ(ex("a >= b"), "(>= a b)");
  EXPECT_EQ(ex("a in b"), "(in a b)");
  EXPECT_EQ(ex("a contains b"), "(contains a b)");
  EXPECT_EQ(ex("a starts_with b"), "(starts_with a b)");
  EXPECT_EQ(ex("a ends_with b"), "(ends_with a b)");
  EXPECT_EQ(ex("a matches r\"^x$\""), "(matches a r\"^x$\")");
  EXPECT_EQ(ex("a ?? b"), "(?? a b)");
  EXPECT_EQ(ex("a + b"), "(+ a b)");
  EXPECT_EQ(ex("a - b"), "(- a b)");
  EXPECT_EQ(ex("a * b"), "(* a b)");
  EXPECT_EQ(ex("a / b"), "(/ a b)");
  EXPECT_EQ(ex("a % b"), "(% a b)");
  EXPECT_EQ(ex("-a"), "(neg a)");
  EXPECT_EQ(ex("not a"), "(not a)");
  // Without spaces.
  EXPECT_EQ(ex("a==b"), "(== a b)");
  EXPECT_EQ(ex("a<=b"), "(<= a b)");
  EXPECT_EQ(ex("a-b"), "(- a b)");
  EXPECT_EQ(ex("a??b"), "(?? a b)");
  EXPECT_EQ(ex("a*-b"), "(* a (neg b))");
}

TEST(ParserExpressions, OperatorKindsAndOpFields) {
  auto p = const_expr("not a and -b");
  const Expr& e = *p->decl(0).value;
  EXPECT_EQ(e.kind, ExprKind::kBinary);
  EXPECT_EQ(e.op, Op::kAnd);
  EXPECT_EQ(e.lhs->kind, ExprKind::kUnary);
  EXPECT_EQ(e.lhs->op, Op::kNot);
  EXPECT_EQ(e.rhs->kind, ExprKind::kUnary);
  EXPECT_EQ(e.rhs->op, Op::kNeg);
}

TEST(ParserExpressions, Precedence) {
  EXPECT_EQ(ex("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(ex("a and b or c"), "(or (and a b) c)");
  EXPECT_EQ(ex("not a and b"), "(and (not a) b)");
  EXPECT_EQ(ex("a and not b"), "(and a (not b))");
  EXPECT_EQ(ex("not a == b"), "(not (== a b))");
  EXPECT_EQ(ex("not not a"), "(not (not a))");
  EXPECT_EQ(ex("a == b and c != d"), "(and (== a b) (!= c d))");
  EXPECT_EQ(ex("a ?? b + c"), "(?? a (+ b c))");
  EXPECT_EQ(ex("a + b ?? c"), "(?? (+ a b) c)");
  EXPECT_EQ(ex("a ?? b == c"), "(== (?? a b) c)");
  EXPECT_EQ(ex("a + b * c"), "(+ a (* b c))");
  EXPECT_EQ(ex("a * b + c"), "(+ (* a b) c)");
  EXPECT_EQ(ex("-a * b"), "(* (neg a) b)");
  EXPECT_EQ(ex("a - -b"), "(- a (neg b))");
  EXPECT_EQ(ex("--a"), "(neg (neg a))");
  EXPECT_EQ(ex("-a.b"), "(neg (. a b))");
  EXPECT_EQ(ex("-a[0]"), "(neg ([] a 0))");
  EXPECT_EQ(ex("-f(x)"), "(neg (call f x))");
  EXPECT_EQ(ex("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(ex("a < b + 1"), "(< a (+ b 1))");
  EXPECT_EQ(ex("x in [1, 2]"), "(in x [1 2])");
  EXPECT_EQ(ex("x + 1 in [1, 2] or y"), "(or (in (+ x 1) [1 2]) y)");
  EXPECT_EQ(ex("customer in vip"), "(in customer vip)");
  EXPECT_EQ(ex("customer.tags contains \"vip\""), "(contains (. customer tags) \"vip\")");
  EXPECT_EQ(ex("customer.ltv >= 500 or customer.tags contains \"vip\""),
            "(or (>= (. customer ltv) 500) (contains (. customer tags) \"vip\"))");
  EXPECT_EQ(ex("a or b and not c == d ?? e + f * -g.h[0]"),
            "(or a (and b (not (== c (?? d (+ e (* f (neg ([] (. g h) 0)))))))))");
}

TEST(ParserExpressions, LeftAssociativity) {
  EXPECT_EQ(ex("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(ex("a + b - c + d"), "(+ (- (+ a b) c) d)");
  EXPECT_EQ(ex("a / b % c * d"), "(* (% (/ a b) c) d)");
  EXPECT_EQ(ex("a ?? b ?? c"), "(?? (?? a b) c)");
  EXPECT_EQ(ex("a or b or c"), "(or (or a b) c)");
  EXPECT_EQ(ex("a and b and c"), "(and (and a b) c)");
  EXPECT_EQ(ex("a - (b - c)"), "(- a (- b c))");
}

TEST(ParserExpressions, ExpressionsSpanLinesAndComments) {
  EXPECT_EQ(ex("a +\n  b /* c */ * // d\n c"), "(+ a (* b c))");
  EXPECT_EQ(ex("a\n  or b"), "(or a b)");
}

// ---------------------------------------------------------------- references and postfix

TEST(ParserExpressions, RootsAndNames) {
  auto p = const_expr("[customer, event, trigger, now, vip]");
  const Expr& e = *p->decl(0).value;
  ASSERT_EQ(e.items.size(), 5u);
  EXPECT_EQ(e.items[0]->kind, ExprKind::kRoot);
  EXPECT_EQ(e.items[0]->root, ast::Root::kCustomer);
  EXPECT_EQ(e.items[1]->root, ast::Root::kEvent);
  EXPECT_EQ(e.items[2]->root, ast::Root::kTrigger);
  EXPECT_EQ(e.items[3]->root, ast::Root::kNow);
  EXPECT_EQ(e.items[4]->kind, ExprKind::kName);
  EXPECT_EQ(e.items[4]->name.text, "vip");
  EXPECT_EQ(p->text(e.items[4]->name.span), "vip");
  EXPECT_EQ(p->text(e.items[0]->span), "customer");
}

TEST(ParserExpressions, MembersIndexesAndDollarFields) {
  EXPECT_EQ(ex("customer.address.city"), "(. (. customer address) city)");
  EXPECT_EQ(ex("customer.$id"), "(. customer $id)");
  EXPECT_EQ(ex("event.$name"), "(. event $name)");
  EXPECT_EQ(ex("event.$time"), "(. event $time)");
  EXPECT_EQ(ex("trigger.$id"), "(. trigger $id)");
  EXPECT_EQ(ex("customer[\"first name\"]"), "([] customer \"first name\")");
  EXPECT_EQ(ex("event.items[0].sku"), "(. ([] (. event items) 0) sku)");
  EXPECT_EQ(ex("a[b][c + 1]"), "([] ([] a b) (+ c 1))");
  EXPECT_EQ(ex("customer . name"), "(. customer name)");
  EXPECT_EQ(ex("f(x).y"), "(. (call f x) y)");
  EXPECT_EQ(ex("(a).b"), "(. a b)");
  EXPECT_EQ(ex("[1, 2][0]"), "([] [1 2] 0)");
}

TEST(ParserExpressions, ReservedWordsAfterDot) {
  EXPECT_EQ(ex("customer.event"), "(. customer event)");
  EXPECT_EQ(ex("trigger.in"), "(. trigger in)");
  EXPECT_EQ(ex("event.exit.when"), "(. (. event exit) when)");
  EXPECT_EQ(ex("customer.not"), "(. customer not)");
  EXPECT_EQ(ex("customer.customer"), "(. customer customer)");
  EXPECT_EQ(ex("event.count"), "(. event count)");
  EXPECT_EQ(ex("event.if or event.and"), "(or (. event if) (. event and))");
}

TEST(ParserExpressions, MemberAndIndexSpans) {
  auto p = const_expr("customer.address.city");
  const Expr& e = *p->decl(0).value;
  ASSERT_EQ(e.kind, ExprKind::kMember);
  EXPECT_EQ(p->text(e.span), "customer.address.city");
  EXPECT_EQ(e.name.text, "city");
  EXPECT_EQ(p->text(e.name.span), "city");
  EXPECT_EQ(lc(e.name.span), "1:28");
  EXPECT_EQ(p->text(e.lhs->span), "customer.address");
  EXPECT_EQ(p->text(e.lhs->name.span), "address");

  auto q = const_expr("customer.$id");
  EXPECT_EQ(q->decl(0).value->name.text, "$id");
  EXPECT_EQ(q->text(q->decl(0).value->name.span), "$id");

  auto r = const_expr("event.items[0]");
  const Expr& ix = *r->decl(0).value;
  ASSERT_EQ(ix.kind, ExprKind::kIndex);
  EXPECT_EQ(r->text(ix.span), "event.items[0]");
  EXPECT_EQ(r->text(ix.rhs->span), "0");
}

TEST(ParserExpressions, Calls) {
  EXPECT_EQ(ex("f()"), "(call f)");
  EXPECT_EQ(ex("lower(customer.name)"), "(call lower (. customer name))");
  EXPECT_EQ(ex("f(a, b + 1, \"c\")"), "(call f a (+ b 1) \"c\")");
  EXPECT_EQ(ex("exists(f(g(x)))"), "(call exists (call f (call g x)))");
  EXPECT_EQ(ex("f (x)"), "(call f x)");
  EXPECT_EQ(ex("time(\"2026-01-01T00:00:00Z\") < now"), "(< (call time \"2026-01-01T00:00:00Z\") now)");
  auto p = const_expr("upper( a , b )");
  const Expr& e = *p->decl(0).value;
  ASSERT_EQ(e.kind, ExprKind::kCall);
  EXPECT_EQ(e.name.text, "upper");
  EXPECT_EQ(p->text(e.name.span), "upper");
  EXPECT_EQ(p->text(e.span), "upper( a , b )");
  ASSERT_EQ(e.items.size(), 2u);
  EXPECT_EQ(lc(e.items[1]->span), "1:22");
}

TEST(ParserExpressions, AllSixAggregates) {
  EXPECT_EQ(ex("count(purchase)"), "(count \"purchase\")");
  EXPECT_EQ(ex("count(purchase within 30d)"), "(count \"purchase\" within dur:2592000000)");
  EXPECT_EQ(ex("count(purchase where event.total > 10)"),
            "(count \"purchase\" where (> (. event total) 10))");
  EXPECT_EQ(ex("count(\"Order Completed\" where event.total > 10 within 7d)"),
            "(count \"Order Completed\" where (> (. event total) 10) within dur:604800000)");
  EXPECT_EQ(ex("sum(purchase.amount)"), "(sum \"purchase\".amount)");
  EXPECT_EQ(ex("min(purchase.item.price within 1d)"), "(min \"purchase\".item.price within dur:86400000)");
  EXPECT_EQ(ex("max(purchase.amount where event.ok)"), "(max \"purchase\".amount where (. event ok))");
  EXPECT_EQ(ex("avg(\"Order Completed\".total where event.x == 1 within 2w)"),
            "(avg \"Order Completed\".total where (== (. event x) 1) within dur:1209600000)");
  EXPECT_EQ(ex("last(login)"), "(last \"login\")");
  EXPECT_EQ(ex("last(\"$sent\" where event.channel == \"email\" within 1d)"),
            "(last \"$sent\" where (== (. event channel) \"email\") within dur:86400000)");
  EXPECT_EQ(ex("sum(purchase.$id)"), "(sum \"purchase\".$id)");
  EXPECT_EQ(ex("count(purchase within 30d) >= 3"), "(>= (count \"purchase\" within dur:2592000000) 3)");
  EXPECT_EQ(ex("count(a where count(b within 1d) > 0)"),
            "(count \"a\" where (> (count \"b\" within dur:86400000) 0))");
  EXPECT_EQ(ex("count( purchase  where  x or y within a ?? 1d )"),
            "(count \"purchase\" where (or x y) within (?? a dur:86400000))");
}

TEST(ParserExpressions, AggregateFieldsAndSpans) {
  auto p = const_expr("sum(\"Order Completed\".total.net where event.ok within 7d)");
  const Expr& e = *p->decl(0).value;
  ASSERT_EQ(e.kind, ExprKind::kAggregate);
  ASSERT_TRUE(e.aggregate);
  const ast::Aggregate& a = *e.aggregate;
  EXPECT_EQ(a.func, ast::AggFunc::kSum);
  EXPECT_EQ(a.event.text, "Order Completed");
  EXPECT_EQ(p->text(a.event.span), "\"Order Completed\"");
  EXPECT_EQ(lc(a.event.span), "1:15");
  ASSERT_EQ(a.property.size(), 2u);
  EXPECT_EQ(a.property[0].text, "total");
  EXPECT_EQ(p->text(a.property[0].span), "total");
  EXPECT_EQ(a.property[1].text, "net");
  EXPECT_EQ(p->text(a.property[1].span), "net");
  ASSERT_TRUE(a.where);
  EXPECT_EQ(p->text(a.where->span), "event.ok");
  ASSERT_TRUE(a.within);
  EXPECT_EQ(a.within->int_value, 7 * 86'400'000LL);
  EXPECT_EQ(p->text(e.span), "sum(\"Order Completed\".total.net where event.ok within 7d)");

  auto q = const_expr("count(purchase)");
  const ast::Aggregate& c = *q->decl(0).value->aggregate;
  EXPECT_EQ(c.func, ast::AggFunc::kCount);
  EXPECT_TRUE(c.property.empty());
  EXPECT_FALSE(c.where);
  EXPECT_FALSE(c.within);
  EXPECT_EQ(q->text(c.event.span), "purchase");

  for (auto [src, func] : std::vector<std::pair<std::string, ast::AggFunc>>{
           {"count(e)", ast::AggFunc::kCount}, {"sum(e.p)", ast::AggFunc::kSum},
           {"min(e.p)", ast::AggFunc::kMin},   {"max(e.p)", ast::AggFunc::kMax},
           {"avg(e.p)", ast::AggFunc::kAvg},   {"last(e)", ast::AggFunc::kLast}}) {
    auto r = const_expr(src);
    ASSERT_EQ(r->decl(0).value->kind, ExprKind::kAggregate) << src;
    EXPECT_EQ(r->decl(0).value->aggregate->func, func) << src;
  }
}

TEST(ParserExpressions, EventNameStringsAreDecoded) {
  auto p = const_expr(R"(count("say \"hi\" \u{1F600}"))");
  EXPECT_EQ(p->decl(0).value->aggregate->event.text, "say \"hi\" \xF0\x9F\x98\x80");
}

TEST(ParserExpressions, BinaryAndUnarySpans) {
  auto p = const_expr("a +\n    b * c");
  const Expr& e = *p->decl(0).value;
  EXPECT_EQ(p->text(e.span), "a +\n    b * c");
  EXPECT_EQ(lc(e.span), "1:11");
  EXPECT_EQ(lc(e.rhs->span), "2:5");
  EXPECT_EQ(p->text(e.rhs->span), "b * c");

  auto q = const_expr("- a.b");
  EXPECT_EQ(q->text(q->decl(0).value->span), "- a.b");
  auto r = const_expr("not  x");
  EXPECT_EQ(r->text(r->decl(0).value->span), "not  x");
  auto s = const_expr("( a + b )");
  EXPECT_EQ(s->decl(0).value->op, Op::kAdd);
  EXPECT_EQ(s->text(s->decl(0).value->span), "( a + b )");  // parentheses widen the span
  EXPECT_EQ(lc(s->decl(0).value->span), "1:11");
  auto t = const_expr("(a) * (b)");
  EXPECT_EQ(t->text(t->decl(0).value->span), "(a) * (b)");
}

TEST(ParserExpressions, ColumnsCountCodePoints) {
  // é (2 bytes), € (3 bytes), 😀 (4 bytes) precede `x`: byte offset 24, column 19.
  auto p = const_expr("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\" + x");
  const Expr& e = *p->decl(0).value;
  ASSERT_EQ(e.kind, ExprKind::kBinary);
  EXPECT_EQ(e.rhs->span.begin, 24u);
  EXPECT_EQ(e.rhs->span.line, 1u);
  EXPECT_EQ(e.rhs->span.col, 19u);
  EXPECT_EQ(e.lhs->string_value, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");

  // A multibyte character in a comment counts too, on its own line only.
  auto q = parse_ok("/* \xF0\x9F\x98\x80 */ const a = b\nconst c = d");
  ASSERT_EQ(q->module.decls.size(), 2u);
  EXPECT_EQ(lc(q->decl(0).value->span), "1:19");
  EXPECT_EQ(lc(q->decl(1).value->span), "2:11");
}

// ---------------------------------------------------------------- declarations

TEST(ParserDeclarations, ConstAndSegment) {
  auto p = parse_ok(
      "const TRIAL = 14d\n"
      "segment vip = customer.ltv >= 500 or customer.tags contains \"vip\"\n"
      "segment buyer = count(purchase within 30d) >= 3\n");
  ASSERT_EQ(p->module.decls.size(), 3u);
  const ast::Decl& c = p->decl(0);
  EXPECT_EQ(c.kind, DeclKind::kConst);
  EXPECT_EQ(c.name.text, "TRIAL");
  EXPECT_EQ(p->text(c.name.span), "TRIAL");
  EXPECT_EQ(lc(c.name.span), "1:7");
  EXPECT_EQ(p->text(c.span), "const TRIAL = 14d");
  EXPECT_EQ(lc(c.span), "1:1");
  EXPECT_EQ(sx(c.value), "dur:1209600000");
  const ast::Decl& s = p->decl(1);
  EXPECT_EQ(s.kind, DeclKind::kSegment);
  EXPECT_EQ(s.name.text, "vip");
  EXPECT_EQ(lc(s.span), "2:1");
  EXPECT_EQ(p->text(s.span), "segment vip = customer.ltv >= 500 or customer.tags contains \"vip\"");
  EXPECT_EQ(sx(s.value), "(or (>= (. customer ltv) 500) (contains (. customer tags) \"vip\"))");
  EXPECT_EQ(p->decl(2).name.text, "buyer");
  EXPECT_EQ(sx(p->decl(2).value), "(>= (count \"purchase\" within dur:2592000000) 3)");
}

TEST(ParserDeclarations, PolicyCapsAndQuiet) {
  auto p = parse_ok(
      "policy {\n"
      "  cap email 3 per 1d\n"
      "  cap sms 1 per 12h   // comment\n"
      "  quiet 22:00-08:00 in customer.timezone\n"
      "}\n");
  ASSERT_EQ(p->module.decls.size(), 1u);
  const ast::Decl& d = p->decl(0);
  EXPECT_EQ(d.kind, DeclKind::kPolicy);
  EXPECT_TRUE(d.name.text.empty());
  EXPECT_EQ(lc(d.span), "1:1");
  EXPECT_EQ(p->text(d.span).substr(0, 8), "policy {");
  EXPECT_EQ(p->text(d.span).back(), '}');
  ASSERT_EQ(d.caps.size(), 2u);
  EXPECT_EQ(d.caps[0].channel.text, "email");
  EXPECT_EQ(p->text(d.caps[0].channel.span), "email");
  EXPECT_EQ(sx(d.caps[0].count), "3");
  EXPECT_EQ(sx(d.caps[0].window), "dur:86400000");
  EXPECT_EQ(p->text(d.caps[0].span), "cap email 3 per 1d");
  EXPECT_EQ(lc(d.caps[0].span), "2:3");
  EXPECT_EQ(d.caps[1].channel.text, "sms");
  EXPECT_EQ(sx(d.caps[1].count), "1");
  EXPECT_EQ(sx(d.caps[1].window), "dur:43200000");
  EXPECT_EQ(lc(d.caps[1].span), "3:3");
  ASSERT_TRUE(d.quiet.has_value());
  EXPECT_EQ(d.quiet->start_minutes, 22 * 60);
  EXPECT_EQ(d.quiet->end_minutes, 8 * 60);
  EXPECT_EQ(p->text(d.quiet->range_span), "22:00-08:00");
  EXPECT_EQ(sx(d.quiet->time_zone), "(. customer timezone)");
  EXPECT_FALSE(d.quiet->skip);
  EXPECT_EQ(lc(d.quiet_span), "4:3");
  EXPECT_EQ(p->text(d.quiet_span), "quiet 22:00-08:00 in customer.timezone");
}

TEST(ParserDeclarations, PolicyVariants) {
  auto p = parse_ok("policy { }\npolicy { quiet 21:30 - 07:15 or skip }\npolicy { cap push 2 * 2 per 1h + 1h }");
  ASSERT_EQ(p->module.decls.size(), 3u);
  EXPECT_TRUE(p->decl(0).caps.empty());
  EXPECT_FALSE(p->decl(0).quiet.has_value());
  ASSERT_TRUE(p->decl(1).quiet.has_value());
  EXPECT_EQ(p->decl(1).quiet->start_minutes, 21 * 60 + 30);
  EXPECT_EQ(p->decl(1).quiet->end_minutes, 7 * 60 + 15);
  EXPECT_FALSE(p->decl(1).quiet->time_zone);
  EXPECT_TRUE(p->decl(1).quiet->skip);
  ASSERT_EQ(p->decl(2).caps.size(), 1u);
  EXPECT_EQ(sx(p->decl(2).caps[0].count), "(* 2 2)");
  EXPECT_EQ(sx(p->decl(2).caps[0].window), "(+ dur:3600000 dur:3600000)");
}

TEST(ParserDeclarations, PolicyWithTwoQuietsIsAnError) {
  auto p = parse("policy {\n  quiet 22:00-08:00\n  quiet 23:00-07:00\n}\n");
  const Diagnostic& d = only(*p);
  EXPECT_EQ(d.code, DiagCode::E0404);
  EXPECT_EQ(lc(d.span), "3:3");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(lc(d.notes[0].span), "2:9");
}

TEST(ParserDeclarations, MultipleDeclarationsInOrder) {
  auto p = parse_ok(
      "// header comment\n"
      "const A = 1\n"
      "journey first { exit }\n"
      "segment s = true\n"
      "policy { cap email 1 per 1d }\n"
      "/* block\n comment */ journey second { exit }\n"
      "const B = A + 1\n");
  ASSERT_EQ(p->module.decls.size(), 6u);
  std::vector<std::pair<DeclKind, std::string>> want = {
      {DeclKind::kConst, "A"},    {DeclKind::kJourney, "first"},  {DeclKind::kSegment, "s"},
      {DeclKind::kPolicy, ""},    {DeclKind::kJourney, "second"}, {DeclKind::kConst, "B"}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(p->decl(i).kind, want[i].first) << i;
    EXPECT_EQ(p->decl(i).name.text, want[i].second) << i;
  }
  EXPECT_EQ(lc(p->decl(4).span), "7:13");
  EXPECT_EQ(lc(p->decl(5).span), "8:1");
}

TEST(ParserDeclarations, SeveralFilesAppendToOneModule) {
  SourceManager sources;
  Diagnostics diags(sources);
  ast::Module module;
  uint32_t a = sources.add("a.journey", "const A = 1\njourney j { exit }\n");
  uint32_t b = sources.add("b.journey", "\n  segment s = A > 0\n");
  EXPECT_TRUE(parse_file(sources, a, module, diags));
  EXPECT_TRUE(parse_file(sources, b, module, diags));
  ASSERT_EQ(module.decls.size(), 3u);
  EXPECT_EQ(module.decls[0]->name.text, "A");
  EXPECT_EQ(module.decls[1]->name.text, "j");
  EXPECT_EQ(module.decls[2]->name.text, "s");
  EXPECT_EQ(module.decls[0]->span.file, a);
  EXPECT_EQ(module.decls[2]->span.file, b);
  EXPECT_EQ(module.decls[2]->span.line, 2u);
  EXPECT_EQ(module.decls[2]->span.col, 3u);
  EXPECT_EQ(module.decls[2]->value->span.file, b);
}

TEST(ParserDeclarations, JourneySpanAndEmptyJourney) {
  auto p = parse_ok("journey  empty  {\n}\n");
  ASSERT_EQ(p->module.decls.size(), 1u);
  const ast::Decl& d = p->decl(0);
  EXPECT_EQ(d.name.text, "empty");
  EXPECT_EQ(lc(d.name.span), "1:10");
  EXPECT_EQ(p->text(d.span), "journey  empty  {\n}");
  EXPECT_TRUE(d.settings.empty());
  EXPECT_TRUE(d.body.empty());
}

TEST(ParserDeclarations, CrLfLineEndings) {
  auto p = parse_ok("const a = 1\r\njourney j {\r\n  on x\r\n  send email \"w\"\r\n}\r\n");
  ASSERT_EQ(p->module.decls.size(), 2u);
  ASSERT_EQ(p->decl(1).body.size(), 1u);
  EXPECT_EQ(lc(p->decl(1).body[0]->span), "4:3");
}

// ---------------------------------------------------------------- settings

const ast::Setting& setting(const Parsed& p, size_t i) { return p.decl(0).settings.at(i); }

TEST(ParserSettings, OnEventWithAndWithoutWhere) {
  auto p = journey_ok(
      "  on purchase\n"
      "  on \"Order Completed\" where event.total > 100\n"
      "  on \"$identify\" where event.plan == \"pro\"\n");
  ASSERT_EQ(p->decl(0).settings.size(), 3u);
  const ast::Setting& a = setting(*p, 0);
  EXPECT_EQ(a.kind, SettingKind::kOnEvent);
  EXPECT_EQ(a.event.text, "purchase");
  EXPECT_EQ(p->text(a.event.span), "purchase");
  EXPECT_FALSE(a.where);
  EXPECT_EQ(p->text(a.span), "on purchase");
  EXPECT_EQ(lc(a.span), "2:3");
  const ast::Setting& b = setting(*p, 1);
  EXPECT_EQ(b.kind, SettingKind::kOnEvent);
  EXPECT_EQ(b.event.text, "Order Completed");
  EXPECT_EQ(p->text(b.event.span), "\"Order Completed\"");
  EXPECT_EQ(sx(b.where), "(> (. event total) 100)");
  EXPECT_EQ(p->text(b.span), "on \"Order Completed\" where event.total > 100");
  EXPECT_EQ(setting(*p, 2).event.text, "$identify");
  EXPECT_EQ(sx(setting(*p, 2).where), "(== (. event plan) \"pro\")");
}

TEST(ParserSettings, OnEnterAndSchedules) {
  auto p = journey_ok(
      "  on enter vip\n"
      "  on schedule at @2026-12-01T09:00:00Z\n"
      "  on schedule every 7d starting @2026-12-07T09:00:00+01:00\n");
  ASSERT_EQ(p->decl(0).settings.size(), 3u);
  const ast::Setting& a = setting(*p, 0);
  EXPECT_EQ(a.kind, SettingKind::kOnEnter);
  EXPECT_EQ(a.segment.text, "vip");
  EXPECT_EQ(p->text(a.segment.span), "vip");
  EXPECT_EQ(p->text(a.span), "on enter vip");
  const ast::Setting& b = setting(*p, 1);
  EXPECT_EQ(b.kind, SettingKind::kOnScheduleAt);
  EXPECT_EQ(sx(b.expr), "time:1796115600000");
  EXPECT_FALSE(b.starting);
  EXPECT_EQ(p->text(b.span), "on schedule at @2026-12-01T09:00:00Z");
  const ast::Setting& c = setting(*p, 2);
  EXPECT_EQ(c.kind, SettingKind::kOnScheduleEvery);
  EXPECT_EQ(sx(c.expr), "dur:604800000");
  EXPECT_EQ(sx(c.starting), "time:" + std::to_string(1796115600000LL + 6 * 86'400'000LL - 3'600'000LL));
  EXPECT_EQ(lc(c.span), "4:3");
}

TEST(ParserSettings, AudienceReentryKey) {
  auto p = journey_ok(
      "  audience customer in vip and customer.age >= 18\n"
      "  reentry never\n"
      "  reentry always\n"
      "  reentry after 7d\n"
      "  key trigger.order_id\n");
  ASSERT_EQ(p->decl(0).settings.size(), 5u);
  EXPECT_EQ(setting(*p, 0).kind, SettingKind::kAudience);
  EXPECT_EQ(sx(setting(*p, 0).expr), "(and (in customer vip) (>= (. customer age) 18))");
  EXPECT_EQ(p->text(setting(*p, 0).span), "audience customer in vip and customer.age >= 18");
  EXPECT_EQ(setting(*p, 1).kind, SettingKind::kReentry);
  EXPECT_EQ(setting(*p, 1).reentry, ast::Reentry::kNever);
  EXPECT_FALSE(setting(*p, 1).expr);
  EXPECT_EQ(p->text(setting(*p, 1).span), "reentry never");
  EXPECT_EQ(setting(*p, 2).reentry, ast::Reentry::kAlways);
  EXPECT_FALSE(setting(*p, 2).expr);
  EXPECT_EQ(setting(*p, 3).reentry, ast::Reentry::kAfter);
  EXPECT_EQ(sx(setting(*p, 3).expr), "dur:604800000");
  EXPECT_EQ(p->text(setting(*p, 3).span), "reentry after 7d");
  EXPECT_EQ(setting(*p, 4).kind, SettingKind::kKey);
  EXPECT_EQ(sx(setting(*p, 4).expr), "(. trigger order_id)");
  EXPECT_EQ(lc(setting(*p, 4).span), "6:3");
}

TEST(ParserSettings, ExitOnAndExitWhen) {
  auto p = journey_ok(
      "  exit on purchase\n"
      "  exit on \"Unsubscribed\" where event.list == \"all\"\n"
      "  exit when customer.unsubscribed == true\n");
  ASSERT_EQ(p->decl(0).settings.size(), 3u);
  const ast::Setting& a = setting(*p, 0);
  EXPECT_EQ(a.kind, SettingKind::kExitOn);
  EXPECT_EQ(a.event.text, "purchase");
  EXPECT_FALSE(a.where);
  EXPECT_EQ(p->text(a.span), "exit on purchase");  // starts at `exit`, not `on`
  EXPECT_EQ(lc(a.span), "2:3");
  const ast::Setting& b = setting(*p, 1);
  EXPECT_EQ(b.kind, SettingKind::kExitOn);
  EXPECT_EQ(b.event.text, "Unsubscribed");
  EXPECT_EQ(sx(b.where), "(== (. event list) \"all\")");
  EXPECT_EQ(p->text(b.span), "exit on \"Unsubscribed\" where event.list == \"all\"");
  const ast::Setting& c = setting(*p, 2);
  EXPECT_EQ(c.kind, SettingKind::kExitWhen);
  EXPECT_EQ(sx(c.expr), "(== (. customer unsubscribed) true)");
  EXPECT_EQ(p->text(c.span), "exit when customer.unsubscribed == true");
  EXPECT_TRUE(p->decl(0).body.empty());  // none of them is an `exit` step
}

TEST(ParserSettings, LimitQuietGoal) {
  auto p = journey_ok(
      "  limit 1000 per 1h\n"
      "  quiet 22:00-08:00\n"
      "  quiet 21:30-07:00 in customer.tz ?? \"UTC\" or skip\n"
      "  goal purchase within 7d\n"
      "  goal \"Order Completed\" where event.total > 0 within 2w\n");
  ASSERT_EQ(p->decl(0).settings.size(), 5u);
  const ast::Setting& l = setting(*p, 0);
  EXPECT_EQ(l.kind, SettingKind::kLimit);
  EXPECT_EQ(sx(l.count), "1000");
  EXPECT_EQ(sx(l.expr), "dur:3600000");
  EXPECT_EQ(p->text(l.span), "limit 1000 per 1h");
  const ast::Setting& q1 = setting(*p, 1);
  EXPECT_EQ(q1.kind, SettingKind::kQuiet);
  EXPECT_EQ(q1.quiet.start_minutes, 1320);
  EXPECT_EQ(q1.quiet.end_minutes, 480);
  EXPECT_FALSE(q1.quiet.time_zone);
  EXPECT_FALSE(q1.quiet.skip);
  EXPECT_EQ(p->text(q1.quiet.range_span), "22:00-08:00");
  EXPECT_EQ(p->text(q1.span), "quiet 22:00-08:00");
  const ast::Setting& q2 = setting(*p, 2);
  EXPECT_EQ(q2.quiet.start_minutes, 21 * 60 + 30);
  EXPECT_EQ(q2.quiet.end_minutes, 420);
  EXPECT_EQ(sx(q2.quiet.time_zone), "(?? (. customer tz) \"UTC\")");  // `or skip` is not part of it
  EXPECT_TRUE(q2.quiet.skip);
  EXPECT_EQ(p->text(q2.span), "quiet 21:30-07:00 in customer.tz ?? \"UTC\" or skip");
  const ast::Setting& g1 = setting(*p, 3);
  EXPECT_EQ(g1.kind, SettingKind::kGoal);
  EXPECT_EQ(g1.event.text, "purchase");
  EXPECT_FALSE(g1.where);
  EXPECT_EQ(sx(g1.expr), "dur:604800000");
  const ast::Setting& g2 = setting(*p, 4);
  EXPECT_EQ(g2.event.text, "Order Completed");
  EXPECT_EQ(sx(g2.where), "(> (. event total) 0)");
  EXPECT_EQ(sx(g2.expr), "dur:1209600000");
  EXPECT_EQ(p->text(g2.span), "goal \"Order Completed\" where event.total > 0 within 2w");
}

TEST(ParserSettings, AnyOrderAndOnOneLine) {
  auto p = parse_ok("journey j { key trigger.id on a reentry always audience true on enter s exit when false }");
  const ast::Decl& d = p->decl(0);
  ASSERT_EQ(d.settings.size(), 6u);
  EXPECT_EQ(d.settings[0].kind, SettingKind::kKey);
  EXPECT_EQ(d.settings[1].kind, SettingKind::kOnEvent);
  EXPECT_EQ(d.settings[2].kind, SettingKind::kReentry);
  EXPECT_EQ(d.settings[3].kind, SettingKind::kAudience);
  EXPECT_EQ(d.settings[4].kind, SettingKind::kOnEnter);
  EXPECT_EQ(d.settings[5].kind, SettingKind::kExitWhen);
  EXPECT_TRUE(d.body.empty());
}

// ---------------------------------------------------------------- steps

const ast::Stmt& step(const Parsed& p, size_t i) { return *p.decl(0).body.at(i); }

TEST(ParserSteps, SendWithAllFields) {
  auto p = journey_ok(
      "  send email \"welcome\"\n"
      "  send webhook \"hook\" to \"https://example.com/x\"\n"
      "  send sms \"s\" to customer.phone with { name: customer.name, \"first name\": 1, if: 2, }\n"
      "  send push \"p\" with {}\n");
  ASSERT_EQ(p->decl(0).body.size(), 4u);
  const ast::Stmt& a = step(*p, 0);
  EXPECT_EQ(a.kind, StmtKind::kSend);
  EXPECT_EQ(a.channel.text, "email");
  EXPECT_EQ(p->text(a.channel.span), "email");
  EXPECT_EQ(a.template_name, "welcome");
  EXPECT_EQ(p->text(a.template_span), "\"welcome\"");
  EXPECT_FALSE(a.to);
  EXPECT_TRUE(a.with.empty());
  EXPECT_FALSE(a.label.has_value());
  EXPECT_EQ(p->text(a.span), "send email \"welcome\"");
  EXPECT_EQ(lc(a.span), "2:3");
  const ast::Stmt& b = step(*p, 1);
  EXPECT_EQ(b.channel.text, "webhook");
  EXPECT_EQ(sx(b.to), "\"https://example.com/x\"");
  const ast::Stmt& c = step(*p, 2);
  EXPECT_EQ(c.channel.text, "sms");
  EXPECT_EQ(sx(c.to), "(. customer phone)");
  ASSERT_EQ(c.with.size(), 3u);
  EXPECT_EQ(c.with[0].key.text, "name");
  EXPECT_EQ(p->text(c.with[0].key.span), "name");
  EXPECT_EQ(sx(c.with[0].value), "(. customer name)");
  EXPECT_EQ(c.with[1].key.text, "first name");  // a string key, as written
  EXPECT_EQ(sx(c.with[1].value), "1");
  EXPECT_EQ(c.with[2].key.text, "if");          // reserved words are fine as keys
  EXPECT_EQ(sx(c.with[2].value), "2");
  EXPECT_EQ(p->text(c.span).substr(0, 9), "send sms ");
  EXPECT_EQ(p->text(c.span).back(), '}');
  const ast::Stmt& d = step(*p, 3);
  EXPECT_EQ(d.channel.text, "push");
  EXPECT_TRUE(d.with.empty());
}

TEST(ParserSteps, SendTemplateStringIsDecoded) {
  auto p = journey_ok("  send in_app \"a\\\"b\\u{E9}\"");
  EXPECT_EQ(step(*p, 0).channel.text, "in_app");
  EXPECT_EQ(step(*p, 0).template_name, "a\"b\xC3\xA9");
}

TEST(ParserSteps, LabelledSendStartsAtSendKeyword) {
  auto p = journey_ok("  welcome: send email \"welcome\"\n  b_2:wait 1d");
  const ast::Stmt& s = step(*p, 0);
  ASSERT_TRUE(s.label.has_value());
  EXPECT_EQ(s.label->text, "welcome");
  EXPECT_EQ(p->text(s.label->span), "welcome");
  EXPECT_EQ(lc(s.label->span), "2:3");
  EXPECT_EQ(lc(s.span), "2:12");  // the `send` keyword
  EXPECT_EQ(p->text(s.span), "send email \"welcome\"");
  ASSERT_TRUE(step(*p, 1).label.has_value());
  EXPECT_EQ(step(*p, 1).label->text, "b_2");
  EXPECT_EQ(lc(step(*p, 1).span), "3:7");
}

TEST(ParserSteps, LabelsOnEveryStepKind) {
  auto p = journey_ok(
      "  a: send email \"x\"\n"
      "  b: wait 1d\n"
      "  c: wait until 09:00\n"
      "  d: wait until now + 1h\n"
      "  e: wait up to 1d { }\n"
      "  f: if x { }\n"
      "  g: split s { variant v 100% { } }\n"
      "  h: let y = 1\n"
      "  i: set customer.z = 2\n"
      "  j: goto a\n"
      "  k: exit\n");
  const auto& body = p->decl(0).body;
  ASSERT_EQ(body.size(), 11u);
  const StmtKind kinds[] = {StmtKind::kSend, StmtKind::kWait, StmtKind::kWaitUntilLocal,
                            StmtKind::kWaitUntil, StmtKind::kWaitUpTo, StmtKind::kIf, StmtKind::kSplit,
                            StmtKind::kLet, StmtKind::kSet, StmtKind::kGoto, StmtKind::kExit};
  for (size_t i = 0; i < body.size(); ++i) {
    EXPECT_EQ(body[i]->kind, kinds[i]) << i;
    ASSERT_TRUE(body[i]->label.has_value()) << i;
    EXPECT_EQ(body[i]->label->text, std::string(1, static_cast<char>('a' + i))) << i;
    EXPECT_EQ(lc(body[i]->label->span), std::to_string(i + 2) + ":3") << i;
    EXPECT_EQ(lc(body[i]->span), std::to_string(i + 2) + ":6") << i;
  }
}

TEST(ParserSteps, WaitDuration) {
  auto p = journey_ok("  wait 1d12h\n  wait TRIAL - 1d\n  wait (x)");
  const ast::Stmt& a = step(*p, 0);
  EXPECT_EQ(a.kind, StmtKind::kWait);
  EXPECT_EQ(sx(a.value), "dur:129600000");
  EXPECT_EQ(p->text(a.span), "wait 1d12h");
  EXPECT_EQ(sx(step(*p, 1).value), "(- TRIAL dur:86400000)");
  EXPECT_EQ(sx(step(*p, 2).value), "x");
}

TEST(ParserSteps, WaitUntilExpression) {
  auto p = journey_ok("  wait until trigger.appointment - 1d\n  wait until @2026-12-01T09:00:00Z");
  const ast::Stmt& a = step(*p, 0);
  EXPECT_EQ(a.kind, StmtKind::kWaitUntil);
  EXPECT_EQ(sx(a.value), "(- (. trigger appointment) dur:86400000)");
  EXPECT_EQ(p->text(a.span), "wait until trigger.appointment - 1d");
  EXPECT_EQ(step(*p, 1).kind, StmtKind::kWaitUntil);
  EXPECT_EQ(sx(step(*p, 1).value), "time:1796115600000");
}

TEST(ParserSteps, WaitUntilLocalTime) {
  auto p = journey_ok(
      "  wait until 09:00\n"
      "  wait until 23:59 on mon..fri\n"
      "  wait until 00:00 on sat,sun in customer.tz\n"
      "  wait until 18:30 on sat..mon\n"
      "  wait until 07:05 in \"Europe/Paris\"\n"
      "  wait until 12:00 on mon, wed..fri, sun\n"
      "  wait until 12:00 on tue\n"
      "  wait until 12:00 on fri..fri\n");
  ASSERT_EQ(p->decl(0).body.size(), 8u);
  const ast::Stmt& a = step(*p, 0);
  EXPECT_EQ(a.kind, StmtKind::kWaitUntilLocal);
  EXPECT_EQ(a.minutes, 540);
  EXPECT_EQ(a.days, 0);  // every day
  EXPECT_FALSE(a.value);
  EXPECT_EQ(p->text(a.span), "wait until 09:00");
  const ast::Stmt& b = step(*p, 1);
  EXPECT_EQ(b.minutes, 1439);
  EXPECT_EQ(b.days, 0b0011111);
  EXPECT_EQ(p->text(b.days_span), "mon..fri");
  EXPECT_FALSE(b.value);
  const ast::Stmt& c = step(*p, 2);
  EXPECT_EQ(c.minutes, 0);
  EXPECT_EQ(c.days, 0b1100000);
  EXPECT_EQ(p->text(c.days_span), "sat,sun");
  EXPECT_EQ(sx(c.value), "(. customer tz)");
  EXPECT_EQ(p->text(c.span), "wait until 00:00 on sat,sun in customer.tz");
  const ast::Stmt& d = step(*p, 3);
  EXPECT_EQ(d.minutes, 18 * 60 + 30);
  EXPECT_EQ(d.days, 0b1100001);  // wraps: sat, sun, mon
  const ast::Stmt& e = step(*p, 4);
  EXPECT_EQ(e.minutes, 7 * 60 + 5);
  EXPECT_EQ(e.days, 0);
  EXPECT_EQ(sx(e.value), "\"Europe/Paris\"");
  const ast::Stmt& f = step(*p, 5);
  EXPECT_EQ(f.days, 0b1011101);  // mon, wed, thu, fri, sun
  EXPECT_EQ(p->text(f.days_span), "mon, wed..fri, sun");
  EXPECT_EQ(step(*p, 6).days, 0b0000010);
  EXPECT_EQ(step(*p, 7).days, 0b0010000);
}

TEST(ParserSteps, WaitUntilLocalTimeWithSpacedRangeAndComment) {
  // The grammar allows whitespace and comments around `..`.
  auto p = journey_ok("  wait until 09:00 on mon .. wed\n  wait until 09:00 on mon /* to */ .. tue");
  EXPECT_EQ(step(*p, 0).days, 0b0000111);
  EXPECT_EQ(step(*p, 1).days, 0b0000011);
}

TEST(ParserSteps, OnAfterWaitUntilIsASettingUnlessADayFollows) {
  // `on` after `wait until HH:MM` starts a days clause only before a day name: here it is the
  // next journey item (a setting after a step: E0111), not a bad day.
  auto q = parse("journey j {\n  wait until 09:00\n  on purchase\n}\n");
  EXPECT_EQ(q->codes(), (std::vector<std::string>{"E0111@3:3"})) << q->dump();
  // An event whose name merely starts like a day (`mon...`) is no day either.
  auto p = parse("journey j {\n  wait until 09:00\n  on monthly_report\n}\n");
  const Diagnostic& d = only(*p);
  EXPECT_EQ(d.code, DiagCode::E0111);
  EXPECT_EQ(lc(d.span), "3:3");
}

TEST(ParserSteps, WaitUpToBranchesAndTimeout) {
  auto p = journey_ok(
      "  wait up to 3d {\n"
      "    on purchase where event.total > 10 {\n"
      "      send email \"thanks\"\n"
      "    }\n"
      "    on \"Cart Abandoned\" { exit }\n"
      "    timeout {\n"
      "      send email \"reminder\"\n"
      "      exit\n"
      "    }\n"
      "  }\n"
      "  wait up to 1h { timeout { } }\n"
      "  wait up to 1h { on a { } }\n"
      "  wait up to 1h { }\n");
  ASSERT_EQ(p->decl(0).body.size(), 4u);
  const ast::Stmt& w = step(*p, 0);
  EXPECT_EQ(w.kind, StmtKind::kWaitUpTo);
  EXPECT_EQ(sx(w.value), "dur:259200000");
  EXPECT_EQ(lc(w.span), "2:3");
  EXPECT_EQ(p->text(w.span).substr(0, 16), "wait up to 3d {\n");
  EXPECT_EQ(p->text(w.span).back(), '}');
  ASSERT_EQ(w.branches.size(), 2u);
  const ast::OnBranch& b0 = w.branches[0];
  EXPECT_EQ(b0.event.text, "purchase");
  EXPECT_EQ(p->text(b0.event.span), "purchase");
  EXPECT_EQ(sx(b0.where), "(> (. event total) 10)");
  ASSERT_EQ(b0.body.size(), 1u);
  EXPECT_EQ(b0.body[0]->kind, StmtKind::kSend);
  EXPECT_EQ(b0.body[0]->template_name, "thanks");
  EXPECT_EQ(lc(b0.body[0]->span), "4:7");
  EXPECT_EQ(lc(b0.span), "3:5");
  EXPECT_EQ(p->text(b0.span).substr(0, 11), "on purchase");
  EXPECT_EQ(p->text(b0.span).back(), '}');
  const ast::OnBranch& b1 = w.branches[1];
  EXPECT_EQ(b1.event.text, "Cart Abandoned");
  EXPECT_FALSE(b1.where);
  ASSERT_EQ(b1.body.size(), 1u);
  EXPECT_EQ(b1.body[0]->kind, StmtKind::kExit);
  ASSERT_TRUE(w.timeout.has_value());
  ASSERT_EQ(w.timeout->size(), 2u);
  EXPECT_EQ((*w.timeout)[0]->template_name, "reminder");
  EXPECT_EQ((*w.timeout)[1]->kind, StmtKind::kExit);
  EXPECT_EQ(w.timeout_span.line, 7u);
  EXPECT_EQ(p->text(w.timeout_span).back(), '}');

  const ast::Stmt& t = step(*p, 1);
  EXPECT_TRUE(t.branches.empty());
  ASSERT_TRUE(t.timeout.has_value());
  EXPECT_TRUE(t.timeout->empty());
  const ast::Stmt& o = step(*p, 2);
  ASSERT_EQ(o.branches.size(), 1u);
  EXPECT_FALSE(o.timeout.has_value());
  EXPECT_FALSE(step(*p, 3).timeout.has_value());
  EXPECT_TRUE(step(*p, 3).branches.empty());
}

TEST(ParserSteps, IfElseIfElse) {
  auto p = journey_ok(
      "  if customer.plan == \"pro\" {\n"
      "    send email \"pro\"\n"
      "  } else if customer.plan == \"team\" {\n"
      "    send email \"team\"\n"
      "    exit\n"
      "  } else if x {\n"
      "  } else {\n"
      "    send email \"free\"\n"
      "  }\n"
      "  if y { }\n"
      "  if z { exit } else { }\n");
  ASSERT_EQ(p->decl(0).body.size(), 3u);
  const ast::Stmt& s = step(*p, 0);
  EXPECT_EQ(s.kind, StmtKind::kIf);
  EXPECT_EQ(lc(s.span), "2:3");
  EXPECT_EQ(p->text(s.span).substr(0, 3), "if ");
  EXPECT_EQ(p->text(s.span).back(), '}');
  EXPECT_EQ(s.span.end, p->source().find("  if y") - 1);  // ends after the else block's `}`
  ASSERT_EQ(s.arms.size(), 4u);
  EXPECT_EQ(sx(s.arms[0].cond), "(== (. customer plan) \"pro\")");
  ASSERT_EQ(s.arms[0].body.size(), 1u);
  EXPECT_EQ(s.arms[0].body[0]->template_name, "pro");
  EXPECT_EQ(sx(s.arms[1].cond), "(== (. customer plan) \"team\")");
  ASSERT_EQ(s.arms[1].body.size(), 2u);
  EXPECT_EQ(s.arms[1].body[1]->kind, StmtKind::kExit);
  EXPECT_EQ(sx(s.arms[2].cond), "x");
  EXPECT_TRUE(s.arms[2].body.empty());
  EXPECT_FALSE(s.arms[3].cond);  // the final `else`
  ASSERT_EQ(s.arms[3].body.size(), 1u);
  EXPECT_EQ(s.arms[3].body[0]->template_name, "free");
  // Each arm is located on its own line and inside the step.
  const uint32_t lines[] = {2, 4, 7, 8};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(s.arms[i].span.line == lines[i] || s.arms[i].span.line + 1 == lines[i]) << i << " " << lc(s.arms[i].span);
    EXPECT_GE(s.arms[i].span.begin, s.span.begin) << i;
    EXPECT_LE(s.arms[i].span.end, s.span.end) << i;
  }
  EXPECT_EQ(step(*p, 1).arms.size(), 1u);
  ASSERT_EQ(step(*p, 2).arms.size(), 2u);
  EXPECT_FALSE(step(*p, 2).arms[1].cond);
  EXPECT_TRUE(step(*p, 2).arms[1].body.empty());
}

TEST(ParserSteps, SplitVariantsAndControl) {
  auto p = journey_ok(
      "  split subject {\n"
      "    variant a 33.33% { send email \"a\" }\n"
      "    variant b 33.33% {\n"
      "      send email \"b\"\n"
      "      wait 1d\n"
      "    }\n"
      "    control 33.34%\n"
      "  }\n"
      "  split t { control 10% variant only 90% { } }\n");
  ASSERT_EQ(p->decl(0).body.size(), 2u);
  const ast::Stmt& s = step(*p, 0);
  EXPECT_EQ(s.kind, StmtKind::kSplit);
  EXPECT_EQ(s.name.text, "subject");
  EXPECT_EQ(p->text(s.name.span), "subject");
  EXPECT_EQ(lc(s.span), "2:3");
  ASSERT_EQ(s.variants.size(), 3u);
  const ast::Variant& a = s.variants[0];
  EXPECT_EQ(a.name.text, "a");
  EXPECT_EQ(p->text(a.name.span), "a");
  EXPECT_FALSE(a.is_control);
  EXPECT_TRUE(a.has_block);
  EXPECT_EQ(a.basis_points, 3333u);
  EXPECT_EQ(p->text(a.percent_span), "33.33%");
  ASSERT_EQ(a.body.size(), 1u);
  EXPECT_EQ(a.body[0]->template_name, "a");
  EXPECT_EQ(a.span.line, 3u);
  const ast::Variant& b = s.variants[1];
  EXPECT_EQ(b.name.text, "b");
  EXPECT_EQ(b.basis_points, 3333u);
  ASSERT_EQ(b.body.size(), 2u);
  EXPECT_EQ(b.body[1]->kind, StmtKind::kWait);
  const ast::Variant& c = s.variants[2];
  EXPECT_TRUE(c.is_control);
  EXPECT_FALSE(c.has_block);
  EXPECT_EQ(c.name.text, "control");
  EXPECT_EQ(c.basis_points, 3334u);
  EXPECT_EQ(p->text(c.percent_span), "33.34%");
  EXPECT_TRUE(c.body.empty());
  EXPECT_EQ(c.span.line, 8u);

  const ast::Stmt& t = step(*p, 1);
  ASSERT_EQ(t.variants.size(), 2u);
  EXPECT_TRUE(t.variants[0].is_control);  // declaration order is kept
  EXPECT_EQ(t.variants[0].basis_points, 1000u);
  EXPECT_EQ(t.variants[1].name.text, "only");
  EXPECT_EQ(t.variants[1].basis_points, 9000u);
}

TEST(ParserSteps, SplitPercentForms) {
  auto p = journey_ok("  split s { variant a 0% { } variant b 100% { } variant c 0.5% { } variant d 12.3% { } variant e 100.00% { } }");
  const auto& v = step(*p, 0).variants;
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v[0].basis_points, 0u);
  EXPECT_EQ(v[1].basis_points, 10000u);
  EXPECT_EQ(v[2].basis_points, 50u);
  EXPECT_EQ(v[3].basis_points, 1230u);
  EXPECT_EQ(v[4].basis_points, 10000u);
}

TEST(ParserSteps, LetSetGotoExit) {
  auto p = journey_ok(
      "  let total = trigger.amount * 2\n"
      "  let total = total + 1\n"
      "  set customer.stage = \"onboarded\"\n"
      "  set customer[\"first name\"] = lower(customer.name)\n"
      "  set customer.a.b = null\n"
      "  top: goto top\n"
      "  exit\n");
  ASSERT_EQ(p->decl(0).body.size(), 7u);
  const ast::Stmt& l = step(*p, 0);
  EXPECT_EQ(l.kind, StmtKind::kLet);
  EXPECT_EQ(l.name.text, "total");
  EXPECT_EQ(p->text(l.name.span), "total");
  EXPECT_EQ(lc(l.name.span), "2:7");
  EXPECT_EQ(sx(l.value), "(* (. trigger amount) 2)");
  EXPECT_EQ(p->text(l.span), "let total = trigger.amount * 2");
  EXPECT_EQ(sx(step(*p, 1).value), "(+ total 1)");
  const ast::Stmt& s = step(*p, 2);
  EXPECT_EQ(s.kind, StmtKind::kSet);
  EXPECT_EQ(sx(s.target), "(. customer stage)");
  EXPECT_EQ(p->text(s.target->span), "customer.stage");
  EXPECT_EQ(sx(s.value), "\"onboarded\"");
  EXPECT_EQ(p->text(s.span), "set customer.stage = \"onboarded\"");
  EXPECT_EQ(sx(step(*p, 3).target), "([] customer \"first name\")");
  EXPECT_EQ(sx(step(*p, 3).value), "(call lower (. customer name))");
  EXPECT_EQ(sx(step(*p, 4).target), "(. (. customer a) b)");
  EXPECT_EQ(sx(step(*p, 4).value), "null");
  const ast::Stmt& g = step(*p, 5);
  EXPECT_EQ(g.kind, StmtKind::kGoto);
  EXPECT_EQ(g.name.text, "top");
  EXPECT_EQ(p->text(g.name.span), "top");
  EXPECT_EQ(lc(g.name.span), "7:13");
  EXPECT_EQ(p->text(g.span), "goto top");
  const ast::Stmt& e = step(*p, 6);
  EXPECT_EQ(e.kind, StmtKind::kExit);
  EXPECT_EQ(p->text(e.span), "exit");
  EXPECT_EQ(lc(e.span), "8:3");
}

TEST(ParserSteps, SettingsThenStepsAndNestedBlocks) {
  auto p = journey_ok(
      "  on signup\n"
      "  quiet 22:00-08:00\n"
      "  send email \"w\"\n"
      "  if a {\n"
      "    if b {\n"
      "      wait up to 1d { on c { split s { variant v 100% { let q = 1 } } } }\n"
      "    }\n"
      "  }\n"
      "  exit\n");
  const ast::Decl& d = p->decl(0);
  ASSERT_EQ(d.settings.size(), 2u);
  ASSERT_EQ(d.body.size(), 3u);
  const ast::Stmt& inner = *d.body[1]->arms.at(0).body.at(0)->arms.at(0).body.at(0);
  EXPECT_EQ(inner.kind, StmtKind::kWaitUpTo);
  const ast::Stmt& split = *inner.branches.at(0).body.at(0);
  EXPECT_EQ(split.kind, StmtKind::kSplit);
  const ast::Stmt& let = *split.variants.at(0).body.at(0);
  EXPECT_EQ(let.kind, StmtKind::kLet);
  EXPECT_EQ(let.name.text, "q");
  EXPECT_EQ(lc(let.span), "7:57");
  EXPECT_EQ(d.body[2]->kind, StmtKind::kExit);
}

TEST(ParserSteps, StepsOnOneLine) {
  auto p = parse_ok("journey j { on a send email \"x\" wait 1d let v = 2 set customer.v = v exit }");
  const ast::Decl& d = p->decl(0);
  ASSERT_EQ(d.settings.size(), 1u);
  ASSERT_EQ(d.body.size(), 5u);
  EXPECT_EQ(sx(d.body[1]->value), "dur:86400000");
  EXPECT_EQ(sx(d.body[2]->value), "2");
  EXPECT_EQ(sx(d.body[3]->value), "v");
}

// ---------------------------------------------------------------- syntax errors

// Parses `src`, which must give exactly one diagnostic, and checks it.
void expect_error(const std::string& src, DiagCode code, const std::string& where, const std::string& message,
                  ParseLimits limits = {}) {
  SCOPED_TRACE(src.size() > 200 ? src.substr(0, 200) + "..." : src);
  auto p = parse(src, limits);
  EXPECT_FALSE(p->ok);
  const Diagnostic& d = only(*p);
  EXPECT_EQ(diag_code_name(d.code), diag_code_name(code)) << d.message;
  EXPECT_EQ(lc(d.span), where) << d.message;
  EXPECT_EQ(d.message, message);
  EXPECT_EQ(d.severity, Severity::kError);
}

// Like expect_error, for messages owned by another module: only a part of the message is checked.
void expect_error_containing(const std::string& src, DiagCode code, const std::string& where,
                             const std::string& part) {
  SCOPED_TRACE(src);
  auto p = parse(src);
  EXPECT_FALSE(p->ok);
  const Diagnostic& d = only(*p);
  EXPECT_EQ(diag_code_name(d.code), diag_code_name(code)) << d.message;
  EXPECT_EQ(lc(d.span), where) << d.message;
  EXPECT_NE(d.message.find(part), std::string::npos) << d.message;
}

TEST(ParserErrors, UnterminatedStringAtTheOpeningQuote) {
  expect_error("const a = \"abc\nconst b = 1", DiagCode::E0101, "1:11", "unterminated string literal");
  expect_error("const a = 1 + \"abc", DiagCode::E0101, "1:15", "unterminated string literal");
  expect_error("const a = \"ends with escaped quote\\\"", DiagCode::E0101, "1:11", "unterminated string literal");
  expect_error("journey j {\n  send email \"welcome\n}", DiagCode::E0101, "2:14", "unterminated string literal");
  expect_error("journey j {\n  on \"Order\n}", DiagCode::E0101, "2:6", "unterminated string literal");
  expect_error("journey j {\n  send email \"w\" with { \"k: 1 }\n}", DiagCode::E0101, "2:25",
               "unterminated string literal");
  expect_error("segment s = count(\"x)", DiagCode::E0101, "1:19", "unterminated string literal");
}

TEST(ParserErrors, UnterminatedCommentAtTheOpeningToken) {
  expect_error("const a = 1\n/* never closed\nconst b = 2\n", DiagCode::E0102, "2:1", "unterminated `/*` comment");
  expect_error("const a = 1 /* x", DiagCode::E0102, "1:13", "unterminated `/*` comment");
  expect_error("journey j {\n  send /* */ email /* \"x\"\n}", DiagCode::E0102, "2:20", "unterminated `/*` comment");
}

TEST(ParserErrors, UnterminatedRegexAtTheOpeningToken) {
  expect_error("segment s = customer.x matches r\"^abc\nconst b = 1", DiagCode::E0101, "1:32",
               "unterminated regex literal");
}

TEST(ParserErrors, ReservedWordsAsNames) {
  expect_error("const exit = 1", DiagCode::E0110, "1:7", "`exit` is a reserved word and cannot be used as a name");
  expect_error("segment customer = true", DiagCode::E0110, "1:9",
               "`customer` is a reserved word and cannot be used as a name");
  expect_error("journey send { }", DiagCode::E0110, "1:9", "`send` is a reserved word and cannot be used as a name");
  expect_error("journey j {\n  let now = 1\n}", DiagCode::E0110, "2:7",
               "`now` is a reserved word and cannot be used as a name");
  expect_error("journey j {\n  split control { }\n}", DiagCode::E0110, "2:9",
               "`control` is a reserved word and cannot be used as a name");
  expect_error("journey j {\n  split s { variant if 100% { } }\n}", DiagCode::E0110, "2:21",
               "`if` is a reserved word and cannot be used as a name");
  // A longer word that starts with a reserved one is a fine name.
  auto p = parse_ok("const exits = 1\nsegment customers = true\njourney sender { let nowish = 1 }");
  EXPECT_EQ(p->module.decls.size(), 3u);
}

TEST(ParserErrors, ReservedWordsAsLabels) {
  // LANGUAGE.md §2: reserved words are not usable as names of labels.
  expect_error("journey j {\n  exit: send email \"x\"\n}", DiagCode::E0110, "2:3",
               "`exit` is a reserved word and cannot be used as a label");
  expect_error("journey j {\n  wait 1d\n  send: send email \"x\"\n}", DiagCode::E0110, "3:3",
               "`send` is a reserved word and cannot be used as a label");
  expect_error("journey j {\n  if x { now: exit }\n}", DiagCode::E0110, "2:10",
               "`now` is a reserved word and cannot be used as a label");
}

TEST(ParserErrors, ChainedComparison) {
  expect_error("segment s = a < b < c", DiagCode::E0310, "1:19", "comparisons cannot be chained");
  expect_error("segment s = a == b != c", DiagCode::E0310, "1:20", "comparisons cannot be chained");
  expect_error("segment s = x in a in b", DiagCode::E0310, "1:20", "comparisons cannot be chained");
  expect_error("segment s = not a contains b starts_with c", DiagCode::E0310, "1:30",
               "comparisons cannot be chained");
  // Parenthesised or joined with `and`, comparisons are fine.
  EXPECT_EQ(ex("(a < b) == c"), "(== (< a b) c)");
  EXPECT_EQ(ex("a < b and b < c"), "(and (< a b) (< b c))");
}

TEST(ParserErrors, SettingAfterStep) {
  auto p = parse(
      "journey j {\n"
      "  on a\n"
      "  send email \"x\"\n"
      "  on b\n"
      "  exit when true\n"
      "  if x { exit }\n"
      "}\n");
  ASSERT_EQ(p->codes(), (std::vector<std::string>{"E0111@4:3", "E0111@5:3"})) << p->dump();
  EXPECT_EQ(p->diags.all()[0].message, "journey settings must come before the first step");
  // The journey is still built, with every setting and step.
  ASSERT_EQ(p->module.decls.size(), 1u);
  EXPECT_EQ(p->decl(0).settings.size(), 3u);
  EXPECT_EQ(p->decl(0).body.size(), 2u);
  // Settings-like words inside blocks are steps' business, not settings: a bare `exit` is a step.
  auto q = parse_ok("journey j {\n  on a\n  if x { exit }\n  exit\n}");
  EXPECT_EQ(q->decl(0).body.size(), 2u);
}

TEST(ParserErrors, ControlWithBlock) {
  auto p = parse("journey j {\n  split s {\n    variant a 50% { }\n    control 50% { send email \"x\" }\n  }\n}\n");
  const Diagnostic& d = only(*p);
  EXPECT_EQ(d.code, DiagCode::E0112);
  EXPECT_EQ(lc(d.span), "4:17");
  EXPECT_EQ(d.message, "`control` takes no block");
  ASSERT_EQ(p->module.decls.size(), 1u);
  const ast::Variant& c = p->decl(0).body.at(0)->variants.at(1);
  EXPECT_TRUE(c.is_control);
  EXPECT_TRUE(c.has_block);
  EXPECT_EQ(c.body.size(), 1u);
}

TEST(ParserErrors, BadDay) {
  auto p = parse("journey j {\n  wait until 09:00 on mon..fry\n}\n");
  const Diagnostic& d = only(*p);
  EXPECT_EQ(d.code, DiagCode::E0113);
  EXPECT_EQ(lc(d.span), "2:28");
  EXPECT_EQ(d.message, "unknown day `fry`");
  auto q = parse("journey j {\n  wait until 09:00 on sat, monday\n}\n");
  EXPECT_EQ(q->codes(), (std::vector<std::string>{"E0113@2:28"})) << q->dump();
  auto r = parse("journey j {\n  wait until 09:00 on mon..\n}\n");
  EXPECT_FALSE(r->ok);
  EXPECT_FALSE(r->diags.all().empty());
}

TEST(ParserErrors, BadDurations) {
  // Messages come from vm::parse_duration_literal; the span starts at the offending byte.
  expect_error("const a = 30m1h", DiagCode::E0104, "1:15", "units must be in the order w d h m s");
  expect_error("const a = 1h2h", DiagCode::E0104, "1:14", "unit `h` appears twice");
  expect_error("const a = 99999999999999w", DiagCode::E0104, "1:11", "duration is too large");
  expect_error_containing("const a = 1d5x", DiagCode::E0104, "1:14", "unknown duration unit");
  expect_error_containing("const a = 1d5", DiagCode::E0104, "1:13", "missing unit");
  expect_error_containing("const a = 1e5", DiagCode::E0104, "1:12", "unknown duration unit");  // floats need a dot
  expect_error_containing("journey j {\n  wait 1m30\n}", DiagCode::E0104, "2:10", "missing unit");
  // The declaration is still built, with a null in place of the literal.
  auto p = parse("const a = 30m1h + 1");
  ASSERT_EQ(p->module.decls.size(), 1u);
  EXPECT_EQ(sx(p->decl(0).value), "(+ null 1)");
}

TEST(ParserErrors, BadNumbers) {
  expect_error("const a = 9223372036854775808", DiagCode::E0107, "1:11", "integer literal is too large");
  expect_error("const a = 1_", DiagCode::E0107, "1:12", "`_` must stand between two digits");
  expect_error("const a = 1__0", DiagCode::E0107, "1:12", "`_` must stand between two digits");
  expect_error("const a = 1.0e999", DiagCode::E0107, "1:11", "float literal is out of range");
  auto p = parse("const a = 9223372036854775808");
  ASSERT_EQ(p->module.decls.size(), 1u);
  EXPECT_EQ(p->decl(0).value->kind, ExprKind::kNull);
}

TEST(ParserErrors, BadEscapesAndUtf8) {
  expect_error("const a = \"ab\\qc\"", DiagCode::E0103, "1:14", "unknown escape sequence");
  expect_error("const a = \"\\u{110000}\"", DiagCode::E0103, "1:12", "`\\u{...}` is not a Unicode scalar value");
  expect_error("const a = \"\\u{D800}\"", DiagCode::E0103, "1:12", "`\\u{...}` is not a Unicode scalar value");
  expect_error("const a = \"\\u0041\"", DiagCode::E0103, "1:12", "`\\u` must be followed by `{HEX}`");
  expect_error("const a = \"\\u{}\"", DiagCode::E0103, "1:12",
               "malformed `\\u{...}` escape: expected 1 to 6 hex digits and `}`");
  // After a multibyte character the column still counts code points.
  expect_error("const a = \"\xC3\xA9\xE2\x82\xAC\\x\"", DiagCode::E0103, "1:14", "unknown escape sequence");
  expect_error("const a = \"ab\xFF\"", DiagCode::E0109, "1:14", "invalid UTF-8 in string literal");
  expect_error("journey j {\n  send email \"a\\z\"\n}", DiagCode::E0103, "2:16", "unknown escape sequence");
  expect_error("journey j {\n  on \"a\\z\"\n}", DiagCode::E0103, "2:8", "unknown escape sequence");
}

TEST(ParserErrors, BadPercentsTimesAndTimestamps) {
  expect_error("journey j {\n  split s { variant a 100.01% { } }\n}", DiagCode::E0108, "2:23",
               "a percent cannot exceed 100%");
  expect_error("journey j {\n  split s { variant a 33.333% { } }\n}", DiagCode::E0108, "2:23",
               "a percent takes at most two decimals");
  expect_error("journey j {\n  split s { control 101% }\n}", DiagCode::E0108, "2:21", "a percent cannot exceed 100%");
  expect_error("journey j {\n  quiet 24:00-08:00\n}", DiagCode::E0106, "2:9", "invalid time of day `24:00`");
  expect_error("journey j {\n  quiet 22:00-8:00\n}", DiagCode::E0106, "2:15", "invalid time of day `8:00`");
  expect_error("journey j {\n  wait until 09:60\n}", DiagCode::E0106, "2:14", "invalid time of day `09:60`");
  expect_error("const t = @2026-13-01T00:00:00Z", DiagCode::E0105, "1:11", "invalid timestamp literal");
  expect_error("const t = @2026-12-01T09:00:60Z", DiagCode::E0105, "1:11", "invalid timestamp literal");
  expect_error("const t = @", DiagCode::E0105, "1:11", "invalid timestamp literal");
}

TEST(ParserErrors, UnknownTopLevelWord) {
  expect_error("foo = 1", DiagCode::E0100, "1:1",
               "expected a declaration (`const`, `segment`, `policy` or `journey`), found `foo`");
  expect_error("\n\n   send email \"x\"", DiagCode::E0100, "3:4",
               "expected a declaration (`const`, `segment`, `policy` or `journey`), found `send`");
  expect_error("const a = 1 }", DiagCode::E0100, "1:13",
               "expected a declaration (`const`, `segment`, `policy` or `journey`), found `}`");
  expect_error("constant a = 1", DiagCode::E0100, "1:1",
               "expected a declaration (`const`, `segment`, `policy` or `journey`), found `constant`");
  // The column after a multibyte character counts code points.
  expect_error("const s = \"\xC3\xA9\" )", DiagCode::E0100, "1:15",
               "expected a declaration (`const`, `segment`, `policy` or `journey`), found `)`");
}

TEST(ParserErrors, ExpectedMessages) {
  expect_error("const a = ", DiagCode::E0100, "1:11", "expected an expression, found end of file");
  expect_error("const a 1", DiagCode::E0100, "1:9", "expected `=`, found `1`");
  expect_error("const = 1", DiagCode::E0100, "1:7", "expected a name for the const, found `=`");
  expect_error("const a = (1 + 2", DiagCode::E0100, "1:17", "expected `)`, found end of file");
  expect_error("const a = [1, 2", DiagCode::E0100, "1:16", "expected `]`, found end of file");
  expect_error("const a = f(1,", DiagCode::E0100, "1:14", "expected `)`, found `,`");
  expect_error("const a = b.", DiagCode::E0100, "1:13", "expected a field name after `.`, found end of file");
  expect_error("const a = 1 +", DiagCode::E0100, "1:14", "expected an expression, found end of file");
  expect_error("const a = count(purchase", DiagCode::E0100, "1:25", "expected `)`, found end of file");
  expect_error("journey j {\n  send \"x\"\n}", DiagCode::E0100, "2:8",
               "expected a channel (email, sms, push, webhook, slack, in_app), found a string");
  expect_error("journey j {\n  send email\n}", DiagCode::E0100, "3:1",
               "expected a template name in quotes, found `}`");
  expect_error("journey j {\n  if x send email \"a\"\n}", DiagCode::E0100, "2:8", "expected `{`, found `send`");
  expect_error("journey j {\n  limit 5 over 1d\n}", DiagCode::E0100, "2:11", "expected `per`, found `over`");
  expect_error("journey j {\n  goal purchase\n}", DiagCode::E0100, "3:1",
               "expected `within` and a duration, found `}`");
  expect_error("journey j {\n  on schedule every 1d\n}", DiagCode::E0100, "3:1",
               "expected `starting` and a timestamp, found `}`");
  expect_error("journey j {\n  split s { variant a { } }\n}", DiagCode::E0100, "2:23",
               "expected a percentage like `45%`, found `{`");
  expect_error("journey j {\n  quiet 22:00\n}", DiagCode::E0100, "3:1",
               "expected quiet hours like `22:00-08:00`, found `}`");
  expect_error("journey j {\n  quiet 22:00-\n}", DiagCode::E0100, "3:1",
               "expected quiet hours like `22:00-08:00`, found `}`");
  expect_error("journey j {\n  quiet 22:00-08:00 or\n}", DiagCode::E0100, "3:1", "expected `skip`, found `}`");
  expect_error("journey j {\n  on enter\n}", DiagCode::E0100, "3:1", "expected a segment name, found `}`");
  expect_error("journey j {\n  exit on\n}", DiagCode::E0100, "3:1", "expected an event name, found `}`");
  expect_error("journey j {\n  wait up to 1d { on }\n}", DiagCode::E0100, "2:22", "expected an event name, found `}`");
  expect_error("journey j {\n  wait until 09:00 on mon..fri,\n}", DiagCode::E0100, "2:31", "expected `}`, found `,`");
  expect_error("journey j {\n  l: on x\n}", DiagCode::E0100, "2:6", "expected a step, found `on`");
  expect_error("journey j {\n  if a { } else if { }\n}", DiagCode::E0100, "2:20", "expected a condition, found `{`");
  expect_error("journey j {\n  send email \"a\" with { k 1 }\n}", DiagCode::E0100, "2:27", "expected `:`, found `1`");
  expect_error("journey j {\n  a : send email \"x\"\n}", DiagCode::E0100, "2:3", "expected `}`, found `a`");
  expect_error("const a = 50%", DiagCode::E0100, "1:14", "expected an expression, found end of file");
  expect_error("const a = count()", DiagCode::E0100, "1:17", "expected an event name, found `)`");
  expect_error("const a = event.$", DiagCode::E0100, "1:17", "expected a field name after `.`, found `$`");
  expect_error("const caf\xC3\xA9 = 1", DiagCode::E0100, "1:10", "expected `=`, found an unexpected character");
  expect_error("journey j {\n  send email \"x\"\n", DiagCode::E0100, "3:1", "expected `}`, found end of file");
  expect_error("journey j {\n  goto\n}", DiagCode::E0100, "3:1", "expected a label, found `}`");
  expect_error("journey j {\n  let x == 1\n}", DiagCode::E0100, "2:10", "unexpected `=`");
  expect_error("policy {\n  cap email per 1d\n}", DiagCode::E0100, "2:13", "expected a number, found `per`");
  expect_error("policy {\n  send email \"x\"\n}", DiagCode::E0100, "2:3", "expected `}`, found `send`");
}

TEST(ParserErrors, ErrorSpansAndHelp) {
  {
    auto p = parse("const exit = 1");
    const Diagnostic& d = only(*p);
    EXPECT_EQ(p->text(d.span), "exit");
    EXPECT_EQ(d.help, "choose another name, e.g. `exit_1`");
  }
  {
    auto p = parse("segment s = a <= b <= c");
    const Diagnostic& d = only(*p);
    EXPECT_EQ(p->text(d.span), "<");  // the start of the second operator
    EXPECT_EQ(d.help, "combine them with `and`, e.g. `a < b and b < c`");
  }
  {
    auto p = parse("const a = \"abc");
    const Diagnostic& d = only(*p);
    EXPECT_EQ(p->text(d.span), "\"");
    EXPECT_FALSE(d.help.empty());
  }
  {
    auto p = parse("const a = 1 /* x");
    EXPECT_EQ(p->text(only(*p).span), "/*");
    EXPECT_EQ(only(*p).help, "close it with `*/`");
  }
  {
    auto p = parse("journey j {\n  send email \"x\"\n  audience true\n}");
    const Diagnostic& d = only(*p);
    EXPECT_EQ(p->text(d.span), "audience true");
    EXPECT_FALSE(d.help.empty());
  }
  {
    auto p = parse("journey j { split s { control 10% { exit } } }");
    EXPECT_EQ(p->text(only(*p).span), "{ exit }");
  }
  {
    auto p = parse("journey j { wait until 09:00 on sat..sum }");
    const Diagnostic& d = only(*p);
    EXPECT_EQ(p->text(d.span), "sum");
    EXPECT_FALSE(d.help.empty());
  }
  {
    auto p = parse("const a = \"x\\qy\"");
    EXPECT_EQ(p->text(only(*p).span), "\\q");
  }
  {
    auto p = parse("const a = 9223372036854775808");
    EXPECT_EQ(p->text(only(*p).span), "9223372036854775808");
  }
  {
    auto p = parse("frobnicate 1");
    EXPECT_EQ(p->text(only(*p).span), "frobnicate");
  }
}

// Where one of several alternatives must follow a keyword (`wait`, `wait until`, `on`, `on schedule`,
// `reentry`), the message should still say what was expected, not only "unexpected `}`".
TEST(ParserErrors, AlternativesSayWhatIsExpected) {
  for (std::string item : {"wait", "wait until", "on", "on schedule", "reentry"}) {
    SCOPED_TRACE(item);
    auto p = parse("journey j {\n  " + item + "\n}");
    const Diagnostic& d = only(*p);
    EXPECT_EQ(d.code, DiagCode::E0100);
    EXPECT_EQ(lc(d.span), "3:1");
    EXPECT_TRUE(d.message.starts_with("expected ")) << d.message;
    EXPECT_TRUE(d.message.ends_with(", found `}`")) << d.message;
  }
}

TEST(ParserErrors, NulByte) {
  std::string src = "const a = 1\nconst b";
  src += '\0';
  src += " = 2\n";
  auto p = parse(src);
  const Diagnostic& d = only(*p);
  EXPECT_EQ(d.code, DiagCode::E0114);
  EXPECT_EQ(lc(d.span), "2:8");
  EXPECT_EQ(d.span.begin, 19u);
  EXPECT_FALSE(p->ok);
  EXPECT_TRUE(p->module.decls.empty());
  // Even inside a string or a comment.
  auto q = parse(std::string("// \0\n", 5));
  EXPECT_EQ(q->codes(), (std::vector<std::string>{"E0114@1:4"}));
}

TEST(ParserErrors, EmptyAndCommentOnlyFilesHaveNoDeclarations) {
  for (std::string src : {"", "\n\n", "   \t\r\n", "// only a comment", "// a\n/* b\n c */\n// d\n",
                          "/* unterminated? no: */", "/**/"}) {
    auto p = parse(src);
    EXPECT_TRUE(p->ok) << quote(src) << "\n" << p->dump();
    EXPECT_TRUE(p->diags.all().empty()) << quote(src);
    EXPECT_TRUE(p->module.decls.empty()) << quote(src);
  }
  expect_error("// a\n/* b", DiagCode::E0102, "2:1", "unterminated `/*` comment");
}

// ---------------------------------------------------------------- limits

TEST(ParserLimits, ParenthesesUpToTheLimit) {
  ParseLimits limits{16};
  auto ok = parse("const a = " + repeat("(", 16) + "1" + repeat(")", 16), limits);
  EXPECT_TRUE(ok->ok) << ok->dump();
  ASSERT_EQ(ok->module.decls.size(), 1u);
  EXPECT_EQ(sx(ok->decl(0).value), "1");
  expect_error("const a = " + repeat("(", 17) + "1" + repeat(")", 17), DiagCode::E0900, "1:27",
               "nesting is too deep (more than 16 levels)", limits);
}

TEST(ParserLimits, EveryNestingConstructCounts) {
  ParseLimits limits{16};
  const std::vector<std::pair<std::string, std::string>> deep = {
      {"[", "]"}, {"f(", ")"}, {"a[", "]"}, {"count(e where ", ")"}, {"-", ""}, {"not ", ""}};
  for (const auto& [open, close] : deep) {
    SCOPED_TRACE(open);
    auto ok = parse("const a = " + repeat(open, 16) + "1" + repeat(close, 16), limits);
    EXPECT_TRUE(ok->ok) << ok->dump();
    auto bad = parse("const a = " + repeat(open, 17) + "1" + repeat(close, 17) + "\nconst b = 2", limits);
    EXPECT_FALSE(bad->ok);
    ASSERT_EQ(bad->diags.all().size(), 1u) << bad->dump();
    EXPECT_EQ(bad->diags.all()[0].code, DiagCode::E0900);
    EXPECT_EQ(bad->diags.all()[0].span.line, 1u);
    ASSERT_EQ(bad->module.decls.size(), 1u);  // the next declaration still parses
    EXPECT_EQ(bad->decl(0).name.text, "b");
  }
}

TEST(ParserLimits, NestedBlocks) {
  ParseLimits limits{16};
  auto nest = [](int n) {
    return "journey j {\n" + repeat("if x {\n", n) + "exit\n" + repeat("}\n", n) + "}\n";
  };
  auto ok = parse(nest(16), limits);
  EXPECT_TRUE(ok->ok) << ok->dump();
  auto bad = parse(nest(17) + "const later = 1\n", limits);
  EXPECT_EQ(bad->codes(), (std::vector<std::string>{"E0900@18:6"})) << bad->dump();
  ASSERT_EQ(bad->module.decls.size(), 1u);
  EXPECT_EQ(bad->decl(0).name.text, "later");
  // Other blocks count as well.
  auto mixed = parse("journey j { wait up to 1d { on a { split s { variant v 100% { if x { } else { } } } } timeout { } } }",
                     ParseLimits{4});
  EXPECT_TRUE(mixed->ok) << mixed->dump();
  auto mixed_bad = parse("journey j { wait up to 1d { on a { split s { variant v 100% { if x { } else { if y { if z { } } } } } } } }",
                         ParseLimits{4});
  ASSERT_EQ(mixed_bad->diags.all().size(), 1u) << mixed_bad->dump();
  EXPECT_EQ(mixed_bad->diags.all()[0].code, DiagCode::E0900);
}

TEST(ParserLimits, DeepParenthesesWithTheDefaultLimitDoNotCrash) {
  const size_t n = 100'000;
  auto p = parse("const a = " + repeat("(", n) + "1" + repeat(")", n) + "\nconst b = 1\n");
  ASSERT_EQ(p->diags.all().size(), 1u) << p->dump().substr(0, 500);
  EXPECT_EQ(p->diags.all()[0].code, DiagCode::E0900);
  EXPECT_EQ(lc(p->diags.all()[0].span), "1:139");  // the 129th `(`
  EXPECT_EQ(p->diags.all()[0].message, "nesting is too deep (more than 128 levels)");
  ASSERT_EQ(p->module.decls.size(), 1u);
  EXPECT_EQ(p->decl(0).name.text, "b");
}

TEST(ParserLimits, LongOperatorChainsDoNotCrash) {
  const size_t n = 100'000;
  for (std::string op : {"+", " or ", "*", " ?? ", " and ", "-"}) {
    SCOPED_TRACE(op);
    std::string chain = "1";
    for (size_t i = 1; i < n; ++i) chain += op + "1";
    auto p = parse("const a = " + chain + "\nconst b = 2\n");
    ASSERT_EQ(p->diags.all().size(), 1u) << p->dump().substr(0, 500);
    EXPECT_EQ(p->diags.all()[0].code, DiagCode::E0900);
    EXPECT_EQ(lc(p->diags.all()[0].span), "1:11");
    ASSERT_EQ(p->module.decls.size(), 1u);
    EXPECT_EQ(p->decl(0).name.text, "b");
  }
  // 1000 deep is still fine (docs/language.md: "a chain of 1000 `+`").
  std::string chain = "1";
  for (size_t i = 0; i < 999; ++i) chain += "+1";
  auto ok = parse("const a = " + chain);
  EXPECT_TRUE(ok->ok) << ok->dump().substr(0, 500);
}

TEST(ParserLimits, LongPostfixAndUnaryChainsDoNotCrash) {
  const size_t n = 100'000;
  auto members = parse("const a = x" + repeat(".y", n));
  ASSERT_FALSE(members->diags.all().empty());
  EXPECT_EQ(members->diags.all()[0].code, DiagCode::E0900);
  auto nots = parse("const a = " + repeat("not ", n) + "x");
  ASSERT_FALSE(nots->diags.all().empty());
  EXPECT_EQ(nots->diags.all()[0].code, DiagCode::E0900);
  auto negs = parse("const a = " + repeat("-", n) + "x");
  ASSERT_FALSE(negs->diags.all().empty());
  EXPECT_EQ(negs->diags.all()[0].code, DiagCode::E0900);
  auto lists = parse("const a = " + repeat("[", n));
  ASSERT_FALSE(lists->diags.all().empty());
  EXPECT_EQ(lists->diags.all()[0].code, DiagCode::E0900);
  auto blocks = parse("journey j {" + repeat(" if x {", n));
  ASSERT_FALSE(blocks->diags.all().empty());
  EXPECT_EQ(blocks->diags.all()[0].code, DiagCode::E0900);
  auto many = parse("const a = [\n" + repeat("1,\n", n) + "1]");  // wide is fine, only depth counts
  EXPECT_TRUE(many->ok) << many->dump().substr(0, 500);
  ASSERT_EQ(many->module.decls.size(), 1u);
  EXPECT_EQ(many->decl(0).value->items.size(), n + 1);
}

// Parsing time must stay linear in the input, also when it is all on one line (minified or
// generated files, fuzz inputs up to the 64 MiB file limit). Columns are computed per span.
// Long lines: columns stay exact far along one line (the line:col cache counts forward from the
// previous lookup). Parsing time is measured in bench/, never asserted here.
TEST(ParserLimits, LongLinesKeepExactColumns) {
  auto p = parse("const a = [" + repeat("1, ", 40'000) + "1]");
  ASSERT_TRUE(p->ok);
  const ast::Expr& list = *p->decl(0).value;
  ASSERT_EQ(list.items.size(), 40'001u);
  EXPECT_EQ(list.items[0]->span.col, 12u);
  EXPECT_EQ(list.items[39'999]->span.col, 12u + 3u * 39'999u);
  auto q = parse(repeat("const a = 1 ", 10'000));
  EXPECT_EQ(q->module.decls.size(), 10'000u);
  EXPECT_EQ(q->decl(9'999).span.col, 1u + 12u * 9'999u);
}

// ---------------------------------------------------------------- recovery

TEST(ParserRecovery, EachBrokenDeclarationReportedOnceAndGoodOnesKept) {
  auto p = parse(
      "const a = 1\n"                       // 1 ok
      "const b = +\n"                       // 2 error
      "segment s = customer.x > 1\n"        // 3 ok
      "journey j1 {\n"                      // 4
      "  send email\n"                      // 5 error (found `}` on line 6)
      "}\n"                                 // 6
      "const c = 3\n"                       // 7 ok
      "foo bar baz\n"                       // 8 error
      "  journey j2 { exit }\n"             // 9 ok (indented)
      "policy { cap email 1 }\n"            // 10 error
      "policy { cap email 1 per 1d }\n"     // 11 ok
      "const d = \"unterminated\n"          // 12 error
      "const e = 5\n");                     // 13 ok
  EXPECT_EQ(p->codes(), (std::vector<std::string>{"E0100@2:11", "E0100@6:1", "E0100@8:1", "E0100@10:22",
                                                  "E0101@12:11"}))
      << p->dump();
  EXPECT_FALSE(p->ok);
  std::vector<std::string> names;
  for (const auto& d : p->module.decls) names.push_back(d->kind == DeclKind::kPolicy ? "<policy>" : std::string(d->name.text));
  EXPECT_EQ(names, (std::vector<std::string>{"a", "s", "c", "j2", "<policy>", "e"}));
}

TEST(ParserRecovery, LiteralErrorsDoNotAbandonTheDeclaration) {
  auto p = parse(
      "const a = 30m1h\n"
      "const b = \"\\q\" + 9223372036854775808\n"
      "journey j { split s { variant v 101% { } control 0% { } } }\n"
      "const c = 1\n");
  EXPECT_EQ(p->codes(), (std::vector<std::string>{"E0104@1:15", "E0103@2:12", "E0107@2:18", "E0108@3:33",
                                                  "E0112@3:53"}))
      << p->dump();
  ASSERT_EQ(p->module.decls.size(), 4u);
}

TEST(ParserRecovery, ErrorAtTheNextDeclarationKeywordKeepsThatDeclaration) {
  // A journey missing its `}`: the error is found at the next `journey`, which must still parse.
  auto p = parse(
      "journey a {\n"
      "  send email \"x\"\n"
      "journey b {\n"
      "  exit\n"
      "}\n");
  EXPECT_EQ(p->codes(), (std::vector<std::string>{"E0100@3:1"})) << p->dump();
  EXPECT_EQ(p->module.decls.size(), 1u) << "journey b was skipped by recovery";
  if (!p->module.decls.empty()) {
    EXPECT_EQ(p->decl(0).name.text, "b");
  }

  // An expression cut short at the end of a line.
  auto q = parse("const a = 1 +\nconst b = 2\n");
  EXPECT_EQ(q->codes(), (std::vector<std::string>{"E0100@2:1"})) << q->dump();
  EXPECT_EQ(q->module.decls.size(), 1u) << "const b was skipped by recovery";
  if (!q->module.decls.empty()) {
    EXPECT_EQ(q->decl(0).name.text, "b");
  }

  // An unclosed block inside a journey, found at the next `segment`.
  auto r = parse("journey a {\n  if x {\n    exit\n}\nsegment s = true\nconst c = 1\n");
  EXPECT_EQ(r->codes(), (std::vector<std::string>{"E0100@5:1"})) << r->dump();
  EXPECT_EQ(r->module.decls.size(), 2u) << "segment s was skipped by recovery";
}

TEST(ParserRecovery, ManyErrorsInOneFile) {
  std::string src;
  for (int i = 0; i < 50; ++i) src += "const ok" + std::to_string(i) + " = " + std::to_string(i) + "\nconst bad = (1 + )\n\n";
  auto p = parse(src);
  EXPECT_EQ(p->diags.all().size(), 50u);
  ASSERT_EQ(p->module.decls.size(), 50u);
  EXPECT_EQ(p->decl(49).name.text, "ok49");
  EXPECT_EQ(sx(p->decl(49).value), "49");
}

TEST(ParserRecovery, GarbageBytesDoNotCrash) {
  // Random-ish bytes (no NUL): every call must terminate and report something sensible.
  std::string junk;
  uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 1103515245 + 12345;
    char c = static_cast<char>((x >> 16) & 0xFF);
    junk += c == '\0' ? ' ' : c;
    if (i % 97 == 0) junk += "\njourney j { if (x { [ \"";
    if (i % 89 == 0) junk += "\nconst c = 1\n";
  }
  auto p = parse(junk);
  EXPECT_FALSE(p->ok);
  EXPECT_FALSE(p->module.decls.empty());
}

}  // namespace
}  // namespace laud::compiler
