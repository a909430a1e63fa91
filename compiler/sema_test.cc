// sema_test.cc — unit tests of compiler/sema.h: names and their resolution, consts (folding,
// cycles), segments (cycles, order), `event`/`trigger` by place, calls and aggregates, type
// errors between known kinds, regexes, time zones, journey settings and steps, policies.
#include "compiler/sema.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "compiler/driver.h"
#include "compiler/flow.h"
#include "compiler/parser.h"

namespace laud::compiler {
namespace {

using vm::Kind;

struct Checked {
  std::unique_ptr<Compilation> c = std::make_unique<Compilation>();
  SemaResult r;
  bool ok = false;

  // "CODE@LINE:COL" for each diagnostic, in report order.
  std::vector<std::string> codes() const {
    std::vector<std::string> out;
    for (const Diagnostic& d : c->diags.all())
      out.push_back(std::string(diag_code_name(d.code)) + "@" + std::to_string(d.span.line) + ":" +
                    std::to_string(d.span.col));
    return out;
  }
  const Diagnostic& only() const {
    EXPECT_EQ(c->diags.all().size(), 1u) << dump();
    static Diagnostic none{DiagCode::E0100, Severity::kError, {}, "<no diagnostic>", {}, {}};
    return c->diags.all().empty() ? none : c->diags.all().front();
  }
  std::string dump() const { return c->diags.render_text(); }
  const ConstValue& value(std::string_view name) const {
    static ConstValue missing;
    auto it = r.const_index.find(name);
    if (it == r.const_index.end() || !r.consts[it->second].value) {
      ADD_FAILURE() << "const " << name << " has no value\n" << dump();
      return missing;
    }
    return *r.consts[it->second].value;
  }
};

// Parses each source (which must be free of syntax errors) and runs semantic analysis only.
Checked check_files(const std::vector<std::string>& sources) {
  Checked k;
  for (size_t i = 0; i < sources.size(); ++i) {
    uint32_t id = k.c->sources.add("f" + std::to_string(i) + ".journey", sources[i]);
    bool parsed = parse_file(k.c->sources, id, k.c->module, k.c->diags);
    EXPECT_TRUE(parsed) << k.c->diags.render_text();
  }
  k.ok = analyze_module(k.c->module, k.c->diags, &k.r);
  EXPECT_EQ(k.ok, !k.c->diags.has_errors());
  return k;
}

Checked check(const std::string& src) { return check_files({src}); }

// A journey with a trigger around `body` (settings and steps), starting on line 1.
Checked journey(const std::string& body) { return check("journey j {\n  on signup\n" + body + "\n}\n"); }

using Codes = std::vector<std::string>;

// ---------------------------------------------------------------- names

TEST(SemaNames, CleanModuleHasNoDiagnostics) {
  auto k = check(
      "const TRIAL = 14d\n"
      "segment vip = customer.ltv >= 500 or customer.tags contains \"vip\"\n"
      "segment buyer = count(purchase within 30d) >= 3 and customer in vip\n"
      "policy { cap email 3 per 1d quiet 22:00-08:00 in customer.timezone }\n"
      "journey onboarding {\n"
      "  on signup where event.plan == \"pro\"\n"
      "  audience customer in vip and trigger.x != null\n"
      "  welcome: send email \"welcome\" with { name: customer.name }\n"
      "  wait TRIAL\n"
      "  let n = count(purchase)\n"
      "  if n > 0 and customer in buyer { send sms \"thanks\" to customer.phone }\n"
      "  let n = n + 1\n"
      "  set customer.visits = n\n"
      "}\n");
  EXPECT_TRUE(k.ok) << k.dump();
  EXPECT_TRUE(k.c->diags.all().empty()) << k.dump();
}

TEST(SemaNames, DuplicateConstNoteAtPreviousDefinition) {
  auto k = check("const A = 1\nsegment B = true\nconst A = 2\n");
  const Diagnostic& d = k.only();
  EXPECT_EQ(d.code, DiagCode::E0205);
  EXPECT_EQ(d.span.line, 3u);
  EXPECT_EQ(d.span.col, 7u);
  EXPECT_EQ(d.message, "`A` is already defined (as a const)");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "previous definition is here");
  EXPECT_EQ(d.notes[0].span.line, 1u);
  EXPECT_EQ(d.notes[0].span.col, 7u);
}

TEST(SemaNames, ConstAndSegmentShareANamespace) {
  auto k = check("segment x = true\nconst x = 1\n");
  EXPECT_EQ(k.codes(), (Codes{"E0205@2:7"}));
  EXPECT_EQ(k.only().message, "`x` is already defined (as a segment)");
}

TEST(SemaNames, DuplicateJourneyAcrossFiles) {
  auto k = check_files({"journey j { on a }\n", "\njourney j { on b }\n"});
  const Diagnostic& d = k.only();
  EXPECT_EQ(d.code, DiagCode::E0205);
  EXPECT_EQ(d.message, "journey `j` is already defined");
  EXPECT_EQ(d.span.file, 1u);
  EXPECT_EQ(d.span.line, 2u);
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].span.file, 0u);
  EXPECT_EQ(k.r.journeys.size(), 1u);
}

TEST(SemaNames, JourneyMayShareASegmentsName) {
  auto k = check("segment vip = customer.ltv > 5\njourney vip { on enter vip }\n");
  EXPECT_TRUE(k.ok) << k.dump();
}

TEST(SemaNames, NamesAreGlobalAcrossFiles) {
  auto k = check_files({"journey j { on a\n wait LATER }\n", "const LATER = 2d\n"});
  EXPECT_TRUE(k.ok) << k.dump();
}

TEST(SemaNames, UnknownNameSuggestsAConst) {
  auto k = journey("  wait TRAIL\n");
  auto k2 = check("const TRIAL = 14d\njourney j {\n  on a\n  wait TRAIL\n}\n");
  const Diagnostic& d = k2.only();
  EXPECT_EQ(d.code, DiagCode::E0200);
  EXPECT_EQ(d.message, "unknown name `TRAIL`");
  EXPECT_EQ(d.help, "did you mean `TRIAL`?");
  EXPECT_EQ(d.span.line, 4u);
  EXPECT_EQ(d.span.col, 8u);
  EXPECT_EQ(k.codes(), (Codes{"E0200@3:8"}));
}

TEST(SemaNames, UnknownNameSuggestsAVisibleLocal) {
  auto k = journey("  let count_a = 1\n  send email \"x\" with { n: count_b }\n");
  EXPECT_EQ(k.only().help, "did you mean `count_a`?");
}

TEST(SemaNames, SegmentIsNotAValue) {
  auto k = check("segment vip = true\njourney j {\n  on a\n  if vip { exit }\n}\n");
  const Diagnostic& d = k.only();
  EXPECT_EQ(d.code, DiagCode::E0309);
  EXPECT_EQ(d.message, "segment `vip` is not a value");
  EXPECT_EQ(d.help, "test membership with `customer in vip`");
}

TEST(SemaNames, CustomerInUnknownSegment) {
  auto k = check("segment vip = true\nsegment b = customer in vipp\n");
  const Diagnostic& d = k.only();
  EXPECT_EQ(d.code, DiagCode::E0201);
  EXPECT_EQ(d.message, "unknown segment `vipp`");
  EXPECT_EQ(d.help, "did you mean `vip`?");
  EXPECT_EQ(d.span.col, 25u);
}

TEST(SemaNames, CustomerInAConst) {
  auto k = check("const L = [1]\nsegment b = customer in L\n");
  EXPECT_EQ(k.codes(), (Codes{"E0201@2:25"}));
  EXPECT_EQ(k.only().message, "`L` is a const, not a segment");
}

TEST(SemaNames, OnEnterMustNameASegment) {
  auto k = check("const C = 1\nsegment vip = true\njourney j {\n  on enter vipp\n}\njourney k {\n  on enter C\n}\n");
  EXPECT_EQ(k.codes(), (Codes{"E0201@4:12", "E0201@7:12"}));
  EXPECT_EQ(k.c->diags.all()[0].help, "did you mean `vip`?");
}

TEST(SemaNames, ResolvedNamesAreRecorded) {
  auto k = check("const C = 1\nsegment s = true\njourney j {\n  on a\n  let x = C\n  if customer in s { let x = x }\n}\n");
  ASSERT_TRUE(k.ok) << k.dump();
  int consts = 0, segments = 0, locals = 0;
  for (const auto& [e, ref] : k.r.names) {
    consts += ref.kind == NameRef::Kind::kConst;
    segments += ref.kind == NameRef::Kind::kSegment;
    locals += ref.kind == NameRef::Kind::kLocal;
  }
  EXPECT_EQ(consts, 1);
  EXPECT_EQ(segments, 1);
  EXPECT_EQ(locals, 1);
  const JourneyInfo& j = k.r.journeys.at(0);
  ASSERT_EQ(j.locals.size(), 1u);
  EXPECT_EQ(j.locals[0].name, "x");
  EXPECT_EQ(j.let_slots.size(), 2u);
}

// ---------------------------------------------------------------- locals

TEST(SemaLocals, UseBeforeFirstLet) {
  auto k = journey("  send email \"a\" with { v: x }\n  let x = 1\n");
  const Diagnostic& d = k.only();
  EXPECT_EQ(d.code, DiagCode::E0207);
  EXPECT_EQ(d.message, "local `x` is used before its first `let`");
  EXPECT_EQ(d.span.line, 3u);
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].span.line, 4u);
}

TEST(SemaLocals, FirstLetCannotReadItself) {
  auto k = journey("  let x = x + 1\n");
  EXPECT_EQ(k.codes(), (Codes{"E0207@3:11"}));
}

TEST(SemaLocals, LaterLetReassigns) {
  auto k = journey("  let x = 1\n  let x = x + 1\n  if x > 1 { let y = x }\n  send email \"a\" with { y: y }\n");
  EXPECT_TRUE(k.ok) << k.dump();
}

TEST(SemaLocals, SettingsCannotReadLocals) {
  auto k = journey("  audience x > 1\n  let x = 1\n");
  EXPECT_EQ(k.codes(), (Codes{"E0200@3:12"}));
}

TEST(SemaLocals, LocalWithTheNameOfAConst) {
  auto k = check("const x = 1\njourney j {\n  on a\n  let x = 2\n}\n");
  EXPECT_EQ(k.codes(), (Codes{"E0205@4:7"}));
  EXPECT_EQ(k.only().notes.at(0).span.line, 1u);
}

// ---------------------------------------------------------------- consts

TEST(SemaConsts, FoldsArithmetic) {
  auto k = check(
      "const TRIAL = 14d\nconst HALF = TRIAL / 2\nconst T0 = @2026-01-01T00:00:00Z\n"
      "const T1 = T0 + 1d12h\nconst DUR = T1 - T0\nconst Q = 7 / 2\nconst R = -7 % 3\nconst Z = 1 / 0\n"
      "const F = 2.0 * 3\nconst S = \"a\" + \"b\"\nconst MIX = 1 + 0.5\nconst NEG = -HALF\n"
      "const BIG = 9223372036854775807 + 1\nconst TS = \"2026-01-01T00:00:00Z\" + 1h\n");
  ASSERT_TRUE(k.ok) << k.dump();
  EXPECT_EQ(k.value("HALF").kind, Kind::kDuration);
  EXPECT_EQ(k.value("HALF").i, 7 * 86400000LL);
  EXPECT_EQ(k.value("T1").kind, Kind::kTime);
  EXPECT_EQ(k.value("T1").i, k.value("T0").i + 36 * 3600000LL);
  EXPECT_EQ(k.value("DUR").kind, Kind::kDuration);
  EXPECT_EQ(k.value("DUR").i, 36 * 3600000LL);
  EXPECT_EQ(k.value("Q").i, 3);
  EXPECT_EQ(k.value("R").i, -1);
  EXPECT_TRUE(k.value("Z").is_null());
  EXPECT_EQ(k.value("F").kind, Kind::kFloat);
  EXPECT_EQ(k.value("F").f, 6.0);
  EXPECT_EQ(k.value("S").s, "ab");
  EXPECT_EQ(k.value("MIX").f, 1.5);
  EXPECT_EQ(k.value("NEG").i, -7 * 86400000LL);
  EXPECT_TRUE(k.value("BIG").is_null());
  EXPECT_EQ(k.value("TS").kind, Kind::kTime);
}

TEST(SemaConsts, FoldsFunctionsListsAndComparisons) {
  auto k = check(
      "const L = [1, 2.5, \"x\", 1d12h, null, true]\nconst S = string(L)\nconst I = int(\"3.9\")\n"
      "const N = len(\"h\\u{E9}llo\")\nconst U = upper(\"abc\")\nconst E = exists(null)\n"
      "const C = 1 == 1.0\nconst IN = 2 in [1, 2]\nconst M = \"abc\" matches r\"^a\"\nconst K = null ?? 5\n"
      "const FS = string(2.0)\nconst X = L[2]\nconst TT = time(\"2026-01-01T00:00:00Z\") < @2026-01-02T00:00:00Z\n");
  ASSERT_TRUE(k.ok) << k.dump();
  EXPECT_EQ(k.value("L").list.size(), 6u);
  EXPECT_EQ(k.value("S").s, "[1,2.5,\"x\",\"1d12h\",null,true]");
  EXPECT_EQ(k.value("I").i, 3);
  EXPECT_EQ(k.value("N").i, 5);
  EXPECT_EQ(k.value("U").s, "ABC");
  EXPECT_FALSE(k.value("E").b);
  EXPECT_TRUE(k.value("C").b);
  EXPECT_TRUE(k.value("IN").b);
  EXPECT_TRUE(k.value("M").b);
  EXPECT_EQ(k.value("K").i, 5);
  EXPECT_EQ(k.value("FS").s, "2.0");
  EXPECT_EQ(k.value("X").s, "x");
  EXPECT_TRUE(k.value("TT").b);
}

TEST(SemaConsts, ForwardReference) {
  auto k = check("const A = B + 1\nconst B = 2\n");
  ASSERT_TRUE(k.ok) << k.dump();
  EXPECT_EQ(k.value("A").i, 3);
}

TEST(SemaConsts, CycleIsReportedOnce) {
  auto k = check("const A = B + 1\nconst B = C\nconst C = A * A\nconst D = A\n");
  const Diagnostic& d = k.only();
  EXPECT_EQ(d.code, DiagCode::E0210);
  EXPECT_EQ(d.message, "const `A` depends on itself: A -> B -> C -> A");
  EXPECT_EQ(d.span.line, 1u);
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].span.line, 3u);
}

TEST(SemaConsts, SelfReference) {
  auto k = check("const X = X\n");
  EXPECT_EQ(k.only().message, "const `X` depends on itself: X -> X");
}

TEST(SemaConsts, NotConstant) {
  auto k = check("const A = customer.x + 1\nconst B = now\nconst C = count(buy)\nconst D = trigger.x\nconst E = A\n");
  EXPECT_EQ(k.codes(), (Codes{"E0304@1:11", "E0304@2:11", "E0304@3:11", "E0304@4:11"}));
  EXPECT_EQ(k.c->diags.all()[0].message, "const `A` must be constant: `customer` is only known at run time");
  EXPECT_EQ(k.c->diags.all()[2].message, "const `C` must be constant: the aggregate `count` is only known at run time");
}

// ---------------------------------------------------------------- type errors

TEST(SemaTypes, OperationsThatNeverWork) {
  auto k = check(
      "const A = \"a\" - 1\nconst B = true + 1\nconst C = 1d < \"x\"\nconst D = 1d + \"x\"\n"
      "const E = -\"a\"\nconst F = 5 starts_with \"a\"\n");
  EXPECT_EQ(k.codes(), (Codes{"E0301@1:11", "E0301@2:11", "E0301@3:11", "E0301@4:16", "E0301@5:11", "E0301@6:11"}));
  EXPECT_EQ(k.c->diags.all()[0].message, "cannot apply `-` to a string and an int");
  EXPECT_EQ(k.c->diags.all()[2].message, "cannot compare a duration with a string: `<` is always false");
}

TEST(SemaTypes, WhatIsNotFlagged) {
  auto k = check(
      "const A = @2026-01-01T00:00:00Z < \"2026-02-01T00:00:00Z\"\nconst B = 1 / 0\nconst C = null + 1\n"
      "const D = 1 == \"1\"\nconst E = \"a\" + \"b\"\nconst F = 2 * 1d\n"
      "segment s = customer.x + 1 > 2 and customer.t < now - 1d and customer.name contains \"a\"\n");
  EXPECT_TRUE(k.ok) << k.dump();
}

TEST(SemaTypes, StringMeetingATimeMustBeRfc3339) {
  auto k = check("segment s = now < \"yesterday\"\n");
  const Diagnostic& d = k.only();
  EXPECT_EQ(d.code, DiagCode::E0301);
  EXPECT_EQ(d.message, "the string \"yesterday\" is not an RFC 3339 time");
  EXPECT_EQ(d.span.col, 19u);
}

TEST(SemaTypes, InNeedsAList) {
  auto k = check("segment s = customer.x in 5\nsegment t = customer.x in \"abc\"\nsegment u = customer.x in [1, 2]\n");
  EXPECT_EQ(k.codes(), (Codes{"E0301@1:13", "E0301@2:13"}));
  EXPECT_EQ(k.c->diags.all()[0].message, "the right side of `in` must be a list, found an int");
}

TEST(SemaTypes, KindsOfRuntimeValues) {
  auto k = check("segment s = count(a) + \"x\" == \"y\"\nsegment t = now + now > now\n");
  EXPECT_EQ(k.codes(), (Codes{"E0301@1:13", "E0301@2:13"}));
}

TEST(SemaTypes, ConditionsThatAreNeverTrue) {
  auto k = journey("  if 5 { exit }\n  if count(a) { exit }\n  if exists(customer.x) and 1 { exit }\n  if null { exit }\n");
  EXPECT_EQ(k.codes(), (Codes{"E0312@3:6", "E0312@4:6", "E0312@5:29"}));
  EXPECT_EQ(k.c->diags.all()[0].message, "condition is always false: an int is not a boolean");
}

TEST(SemaTypes, SegmentMustBeBoolean) {
  auto k = check("segment s = customer.x\nsegment t = \"yes\"\n");
  EXPECT_EQ(k.codes(), (Codes{"E0312@2:13"}));
}

// ---------------------------------------------------------------- regexes and time zones

TEST(SemaRegex, InvalidRegexPointsAtTheLiteral) {
  auto k = check("segment s = customer.email matches r\"(ab\"\n");
  const Diagnostic& d = k.only();
  EXPECT_EQ(d.code, DiagCode::E0302);
  EXPECT_EQ(d.message, "invalid regular expression: missing ): (ab");
  EXPECT_EQ(d.span.col, 36u);
  EXPECT_EQ(d.span.end - d.span.begin, 6u);
}

TEST(SemaRegex, PatternMustBeALiteral) {
  auto k = check("const P = r\"a\"\nsegment s = customer.email matches P\nsegment t = customer.email matches \"^a+$\"\n"
                 "segment u = customer.email matches \"(\"\n");
  EXPECT_EQ(k.codes(), (Codes{"E0306@2:36", "E0302@4:36"}));
}

TEST(SemaRegex, SubjectMustBeAbleToBeAString) {
  auto k = check("segment s = count(a) matches r\"1\"\n");
  EXPECT_EQ(k.codes(), (Codes{"E0301@1:13"}));
}

TEST(SemaTimeZones, UnknownZoneSuggestsAName) {
  auto k = journey("  quiet 22:00-08:00 in \"Europe/Pariss\"\n  wait until 09:00 in \"America/New_York\"\n"
                   "  wait until 10:00 in customer.tz\n  wait until 11:00 in null\n");
  const Diagnostic& d = k.only();
  EXPECT_EQ(d.code, DiagCode::E0303);
  EXPECT_EQ(d.message, "unknown time zone \"Europe/Pariss\"");
  EXPECT_EQ(d.help, "did you mean `Europe/Paris`?");
  EXPECT_EQ(d.span.line, 3u);
  EXPECT_EQ(d.span.col, 24u);
}

TEST(SemaTimeZones, ZoneMustBeAString) {
  auto k = check("const TZ = \"Asia/Tokyo\"\npolicy { quiet 22:00-08:00 in TZ }\njourney j {\n  on a\n  quiet 22:00-08:00 in 5\n}\n");
  EXPECT_EQ(k.codes(), (Codes{"E0301@5:24"}));
}

// ---------------------------------------------------------------- functions and aggregates

TEST(SemaCalls, UnknownFunctionSuggestsFunctionsAndAggregates) {
  auto k = check("segment s = lowr(customer.x) == \"a\"\nsegment t = cout(1) > 1\n");
  EXPECT_EQ(k.codes(), (Codes{"E0204@1:13", "E0204@2:13"}));
  EXPECT_EQ(k.c->diags.all()[0].help, "did you mean `lower`?");
  EXPECT_EQ(k.c->diags.all()[1].help, "did you mean `count`?");
}

TEST(SemaCalls, Arity) {
  auto k = check("segment s = lower(customer.x, 1) == \"a\"\nsegment t = exists() \n");
  EXPECT_EQ(k.codes(), (Codes{"E0300@1:13", "E0300@2:13"}));
  EXPECT_EQ(k.c->diags.all()[0].message, "`lower` takes 1 argument, 2 given");
  EXPECT_EQ(k.c->diags.all()[1].message, "`exists` takes 1 argument, 0 given");
}

TEST(SemaAggregates, Properties) {
  auto k = check("segment s = sum(buy) > 1\nsegment t = count(buy.amount) > 1\nsegment u = avg(buy.a.b) > 1.5\n");
  EXPECT_EQ(k.codes(), (Codes{"E0300@1:13", "E0300@2:23"}));
  EXPECT_EQ(k.c->diags.all()[0].message, "`sum` needs a property of the event, e.g. `sum(buy.amount)`");
}

TEST(SemaAggregates, Within) {
  auto k = check("const W = 7d\nsegment a = count(x within W) > 1\nsegment b = count(x within customer.d) > 1\n"
                 "segment c = count(x within 0s) > 1\nsegment d = count(x within 5) > 1\n");
  EXPECT_EQ(k.codes(), (Codes{"E0304@3:28", "E0307@4:28", "E0308@5:28"}));
  EXPECT_EQ(k.c->diags.all()[2].message, "`within` expects a duration, found an int (did you mean `5d`?)");
  bool found_w = false;
  for (const AggregateInfo& a : k.r.aggregates) found_w = found_w || (a.within_ms && *a.within_ms == 7 * 86400000LL);
  EXPECT_TRUE(found_w);
}

TEST(SemaAggregates, EventInWhereIsThePastEvent) {
  auto k = check("segment big = count(buy where event.amount > 100 within 30d) > 2\n"
                 "journey j {\n  on a\n  audience count(buy where event.x == customer.x and event.$time < now) > 0\n}\n");
  EXPECT_TRUE(k.ok) << k.dump();
}

TEST(SemaAggregates, WhereCannotReadTriggerOrLocals) {
  auto k = check("journey j {\n  on a\n  audience count(buy where event.x == trigger.x) > 0\n"
                 "  let y = 1\n  if count(buy where event.y == y) > 0 { exit }\n}\n");
  EXPECT_EQ(k.codes(), (Codes{"E0411@3:39", "E0411@5:33"}));
}

TEST(SemaAggregates, NoNesting) {
  auto k = check("segment s = count(buy where count(x) > 1) > 0\n");
  EXPECT_EQ(k.codes(), (Codes{"E0311@1:29"}));
}

// ---------------------------------------------------------------- event and trigger by place

TEST(SemaEvent, NotInSettingsWithoutAnEvent) {
  auto k = journey("  audience event.plan == \"pro\"\n  key event.order\n  exit when event.x == 1\n");
  EXPECT_EQ(k.codes(), (Codes{"E0400@3:12", "E0400@4:7", "E0400@5:13"}));
  EXPECT_EQ(k.c->diags.all()[0].message, "`event` is not available in `audience`");
  EXPECT_EQ(k.c->diags.all()[0].help, "use `trigger.` to read the event that started this journey");
}

TEST(SemaEvent, FineInEventConditions) {
  auto k = journey("  on b where event.x == 1\n  exit on c where event.y == trigger.y\n"
                   "  goal d where event.z > 1 within 1d\n  audience trigger.plan == \"pro\"\n  key trigger.order\n");
  EXPECT_TRUE(k.ok) << k.dump();
}

TEST(SemaEvent, TriggerNotYetInEntryCondition) {
  auto k = journey("  on b where trigger.x == 1\n");
  EXPECT_EQ(k.codes(), (Codes{"E0408@3:14"}));
}

TEST(SemaEvent, NotInSegmentsOrPolicies) {
  auto k = check("segment s = event.x == 1\nsegment t = trigger.x == 1\npolicy { quiet 22:00-08:00 in event.tz }\n");
  EXPECT_EQ(k.codes(), (Codes{"E0408@1:13", "E0408@2:13", "E0408@3:31"}));
  EXPECT_EQ(k.c->diags.all()[0].message, "`event` is not available in a segment");
}

TEST(SemaEvent, BodiesAreLeftToFlow) {
  auto k = journey("  wait 1d\n  send email \"x\" with { a: event.x, b: trigger.y }\n");
  EXPECT_TRUE(k.ok) << k.dump();
}

TEST(SemaEvent, UnknownDollarField) {
  auto k = journey("  on b where event.$nmae == \"x\"\n  send email \"x\" with { a: customer.$id, b: trigger.$time }\n");
  EXPECT_EQ(k.codes(), (Codes{"E0200@3:20"}));
  EXPECT_EQ(k.only().help, "did you mean `$name`?");
}

// ---------------------------------------------------------------- segments

TEST(SemaSegments, CycleNamesThePath) {
  auto k = check("segment a = customer in b\nsegment b = customer in c and customer.x > 1\nsegment c = customer in a\n");
  const Diagnostic& d = k.only();
  EXPECT_EQ(d.code, DiagCode::E0209);
  EXPECT_EQ(d.message, "segments reference each other in a cycle: a -> b -> c -> a");
  EXPECT_EQ(d.notes.size(), 3u);
}

TEST(SemaSegments, SelfCycle) {
  auto k = check("segment a = customer in a or true\n");
  EXPECT_EQ(k.only().message, "segments reference each other in a cycle: a -> a");
}

TEST(SemaSegments, DependencyOrder) {
  auto k = check("segment top = customer in mid and customer in low\nsegment mid = customer in low\nsegment low = true\n");
  ASSERT_TRUE(k.ok) << k.dump();
  ASSERT_EQ(k.r.segment_order.size(), 3u);
  EXPECT_EQ(k.r.segment_order, (std::vector<uint32_t>{2, 1, 0}));
  EXPECT_EQ(k.r.segments[0].uses, (std::vector<uint32_t>{1, 2}));
}

// ---------------------------------------------------------------- steps

TEST(SemaSteps, Channels) {
  auto k = journey("  send emial \"x\"\n  send webhook \"h\"\n  send slack \"s\" to \"#c\"\n  send push \"p\"\n");
  EXPECT_EQ(k.codes(), (Codes{"E0208@3:8", "E0403@4:3"}));
  EXPECT_EQ(k.c->diags.all()[0].help, "did you mean `email`?");
  EXPECT_EQ(k.c->diags.all()[1].message, "`send webhook` needs `to`: webhook has no default address");
}

TEST(SemaSteps, DuplicateWithKeys) {
  auto k = journey("  send email \"x\" with { a: 1, b: 2, a: 3 }\n");
  EXPECT_EQ(k.codes(), (Codes{"E0212@3:37"}));
  EXPECT_EQ(k.only().notes.at(0).span.col, 25u);
}

TEST(SemaSteps, SplitPercents) {
  auto k = journey("  split ab { variant a 45% { exit } variant b 50% { exit } }\n"
                   "  split t { variant x 33.33% {} variant y 33.33% {} variant z 33.33% {} }\n"
                   "  split ok { variant x 33.33% {} variant y 33.33% {} control 33.34% }\n");
  EXPECT_EQ(k.codes(), (Codes{"E0401@3:3", "E0401@4:3"}));
  EXPECT_EQ(k.c->diags.all()[0].message, "split percents sum to 95%, not 100%");
  EXPECT_EQ(k.c->diags.all()[1].message, "split percents sum to 99.99%, not 100%");
}

TEST(SemaSteps, SplitNamesAndVariants) {
  auto k = journey("  split ab { variant a 50% {} variant a 50% {} }\n  split ab { variant x 50% {} control 25% control 25% }\n");
  EXPECT_EQ(k.codes(), (Codes{"E0211@3:39", "E0205@4:9", "E0211@4:43"}));
}

TEST(SemaSteps, SetTarget) {
  auto k = journey("  set customer.a.b = 1\n  set customer[\"first name\"] = \"x\"\n  set event.x = 1\n"
                   "  set customer.$id = \"x\"\n  set customer[customer.k] = 1\n  set customer = 1\n");
  EXPECT_EQ(k.codes(), (Codes{"E0305@5:7", "E0305@6:7", "E0305@7:7", "E0305@8:7"}));
  EXPECT_EQ(k.c->diags.all()[1].message, "`customer.$id` cannot be set");
}

TEST(SemaSteps, WaitDurations) {
  auto k = journey("  wait 5\n  wait \"x\"\n  wait null\n  wait customer.d\n  wait up to 5m { on a { exit } timeout { exit } }\n"
                   "  wait up to 3 { timeout { exit } }\n");
  EXPECT_EQ(k.codes(), (Codes{"E0308@3:8", "E0308@4:8", "E0308@8:14"}));
  EXPECT_EQ(k.c->diags.all()[0].message, "expected a duration, found an int (did you mean `5d`?)");
  EXPECT_EQ(k.c->diags.all()[1].message, "expected a duration, found a string");
}

TEST(SemaSteps, WaitUntil) {
  auto k = journey("  wait until 5\n  wait until \"nope\"\n  wait until trigger.$time + 1d\n"
                   "  wait until \"2026-01-01T00:00:00Z\"\n  wait until 1d\n");
  EXPECT_EQ(k.codes(), (Codes{"E0301@3:14", "E0301@4:14", "E0301@7:14"}));
}

// ---------------------------------------------------------------- settings

TEST(SemaSettings, DuplicateSettingNotesTheFirst) {
  auto k = journey("  audience true\n  reentry never\n  reentry always\n  audience false\n");
  EXPECT_EQ(k.codes(), (Codes{"E0404@5:3", "E0404@6:3"}));
  EXPECT_EQ(k.c->diags.all()[0].message, "duplicate `reentry` setting in journey `j`");
  EXPECT_EQ(k.c->diags.all()[0].notes.at(0).span.line, 4u);
}

TEST(SemaSettings, ConstantWindows) {
  auto k = journey("  reentry after 0s\n  limit 0 per 1d\n  goal buy within customer.d\n"
                   "  on schedule every -1h starting @2026-01-01T00:00:00Z\n");
  EXPECT_EQ(k.codes(), (Codes{"E0307@3:17", "E0307@4:9", "E0304@5:19", "E0409@6:21"}));
}

TEST(SemaSettings, LimitNeedsAWholeNumber) {
  auto k = journey("  limit 1.5 per 1d\n");
  EXPECT_EQ(k.codes(), (Codes{"E0301@3:9"}));
}

TEST(SemaSettings, JourneyInfo) {
  auto k = check("const DAY = 1d\nsegment vip = true\njourney j {\n  on schedule every DAY starting @2026-01-01T09:00:00Z\n"
                 "  on enter vip\n  limit 100 per 1h\n  goal buy within 7d\n  key trigger.order\n  exit when customer.x\n}\n");
  ASSERT_TRUE(k.ok) << k.dump();
  const JourneyInfo& j = k.r.journeys.at(0);
  ASSERT_EQ(j.triggers.size(), 2u);
  EXPECT_EQ(j.triggers[0].every_ms, 86400000LL);
  EXPECT_EQ(j.triggers[1].segment, 0u);
  EXPECT_EQ(j.reentry, ast::Reentry::kAlways);  // the default with `on schedule every`
  EXPECT_EQ(j.limit_count, 100);
  EXPECT_EQ(j.limit_window_ms, 3600000LL);
  ASSERT_EQ(j.goals.size(), 1u);
  EXPECT_EQ(j.goals[0].within_ms, 7 * 86400000LL);
  EXPECT_NE(j.key, nullptr);
  EXPECT_EQ(j.exits.size(), 1u);
}

TEST(SemaSettings, ScheduleAtNeedsATime) {
  auto k = check("journey j {\n  on schedule at 5\n}\n");
  EXPECT_EQ(k.codes(), (Codes{"E0301@2:18"}));
}

TEST(SemaSettings, NoTriggerIsAWarning) {
  auto k = check("journey lonely {\n  send email \"x\"\n}\n");
  EXPECT_TRUE(k.ok);
  const Diagnostic& d = k.only();
  EXPECT_EQ(d.code, DiagCode::W0003);
  EXPECT_EQ(d.severity, Severity::kWarning);
  EXPECT_EQ(d.message, "journey `lonely` has no trigger and is never entered");
}

// ---------------------------------------------------------------- policies

TEST(SemaPolicy, OneQuietAndValidCaps) {
  auto k = check("policy { cap email 3 per 1d quiet 22:00-08:00 }\npolicy { cap smss 1 per 1h cap sms 0 per 1h }\n"
                 "policy { quiet 21:00-07:00 }\n");
  EXPECT_EQ(k.codes(), (Codes{"E0208@2:14", "E0307@2:36", "E0406@3:10"}));
  EXPECT_EQ(k.c->diags.all()[2].notes.at(0).span.line, 1u);
  ASSERT_EQ(k.r.caps.size(), 1u);
  EXPECT_EQ(k.r.caps[0].channel, Channel::kEmail);
  EXPECT_EQ(k.r.caps[0].count, 3);
  EXPECT_NE(k.r.policy_quiet, nullptr);
}

// ---------------------------------------------------------------- robustness

TEST(SemaRobust, DeepExpressionChain) {
  std::string src = "segment s = customer.x";
  for (int i = 0; i < 990; ++i) src += " + 1";
  src += " > 0\n";
  auto k = check(src);
  EXPECT_TRUE(k.ok) << k.dump();
}

TEST(SemaRobust, AfterSyntaxErrors) {
  const char* inputs[] = {
      "journey j { on a if { exit } }\n",  "const = 5\nsegment s = \n",      "journey j { send \"x\" }\n",
      "journey { on a }\n",                "policy { cap email per 1d }\n", "journey j { split { variant 5% } }\n",
      "journey j { wait up to { } }\n",     "segment s = count(\n",          "journey j { set = 1 }\n",
  };
  for (const char* src : inputs) {
    Compilation c;
    add_source(c, "t.journey", src);
    analyze(c);  // must not crash
    EXPECT_TRUE(c.diags.has_errors()) << src;
  }
}

TEST(SemaDriver, AnalyzeRunsSemaAndFlow) {
  Compilation c;
  add_source(c, "t.journey", "journey j {\n  on a\n  wait 1d\n  send email \"x\" with { a: event.x, b: nope }\n}\n");
  EXPECT_FALSE(analyze(c));
  std::vector<std::string> got;
  for (const Diagnostic& d : c.diags.all()) got.push_back(std::string(diag_code_name(d.code)));
  EXPECT_EQ(got, (std::vector<std::string>{"E0400", "E0200"}));
}

// ---------------------------------------------------------------- values are the VM's

TEST(SemaConsts, TextFormsAreTheVmsEscapesIncluded) {
  auto k = check("const S = string([\"a\\u{8}\\u{C}\\u{1}\", 2.50])\nconst L = len(string(1d12h))\n");
  ASSERT_TRUE(k.ok) << k.dump();
  EXPECT_EQ(k.value("S").s, "[\"a\\b\\f\\u0001\",2.5]");
  EXPECT_EQ(k.value("L").i, 5);
}

TEST(SemaConsts, ResultFoldsWithTheModulesConsts) {
  auto k = check("const A = 2\nconst B = [A, \"x\"]\njourney j {\n  on a\n  wait A * 1h\n  let v = B[1] + \"y\"\n}\n");
  ASSERT_TRUE(k.ok) << k.dump();
  const ast::Decl& j = *k.c->module.decls[2];
  auto wait = k.r.fold(*j.body[0]->value);
  ASSERT_TRUE(wait);
  EXPECT_EQ(wait->kind, Kind::kDuration);
  EXPECT_EQ(wait->i, 2 * 3600000);
  auto let = k.r.fold(*j.body[1]->value);
  ASSERT_TRUE(let);
  EXPECT_EQ(let->s, "xy");
  EXPECT_EQ(k.value("B").list.at(1).s, "x");
}

TEST(SemaRegex, EachInvalidPatternIsReported) {
  auto k = journey("  audience customer.a matches r\"(\" and customer.b matches r\"(\" and customer.c matches r\"^a\"");
  EXPECT_EQ(k.codes(), (Codes{"E0302@3:31", "E0302@3:59"}));
}

// ---------------------------------------------------------------- sema and flow in one walk

std::vector<std::string> rendered(const Compilation& c) {
  std::vector<std::string> out;
  for (const Diagnostic& d : c.diags.all())
    out.push_back(std::string(diag_code_name(d.code)) + "@" + std::to_string(d.span.line) + ":" +
                  std::to_string(d.span.col) + " " + d.message + (d.notes.empty() ? "" : " / " + d.notes[0].message));
  return out;
}

TEST(SemaWithFlow, SameDiagnosticsAsTheTwoPasses) {
  const std::string src =
      "const GAP = 1d + \"x\"\n"           // an error in a const that a wait uses
      "const NEG = -1h\n"
      "const OK = 2h\n"
      "const BAD = customer.a\n"
      "segment s = customer.a == 1\n"
      "journey a {\n"
      "  on signup\n"
      "  top: wait GAP\n"
      "  send email \"x\" with { v: event.x, w: nope }\n"
      "  goto top\n"
      "}\n"
      "journey b {\n"
      "  on signup\n"
      "  l: wait NEG\n"
      "  l: send email \"y\"\n"
      "  if customer.a == 1 { goto l } else { exit }\n"
      "  send sms \"z\"\n"
      "}\n"
      "journey c {\n"
      "  on signup\n"
      "  x: wait OK\n"
      "  goto x\n"
      "  wait BAD\n"
      "  goto nowhere\n"
      "}\n"
      "journey a { on signup\n wait 1d\n send email \"q\" to event.email }\n";
  Compilation two, one;
  add_source(two, "t.journey", src);
  add_source(one, "t.journey", src);
  analyze_module(two.module, two.diags);
  analyze_flow(two.module, two.diags);
  analyze_module_and_flow(one.module, one.diags);
  two.diags.sort();
  one.diags.sort();
  EXPECT_EQ(rendered(one), rendered(two));
  EXPECT_GE(one.diags.all().size(), 8u);
}

TEST(SemaWithFlow, FillsTheResultLikeAnalyzeModule) {
  const std::string src = "const A = 1d\nsegment s = customer.a == 1\njourney j {\n  on enter s\n  wait A\n  let x = A\n}\n";
  Compilation c1, c2;
  add_source(c1, "t.journey", src);
  add_source(c2, "t.journey", src);
  SemaResult r1, r2;
  EXPECT_TRUE(analyze_module(c1.module, c1.diags, &r1));
  EXPECT_TRUE(analyze_module_and_flow(c2.module, c2.diags, &r2));
  EXPECT_EQ(r1.names.size(), r2.names.size());
  EXPECT_EQ(r1.consts.size(), r2.consts.size());
  ASSERT_TRUE(r2.consts[0].value);
  EXPECT_EQ(r2.consts[0].value->i, 86400000);
  EXPECT_EQ(r2.journeys.at(0).locals.size(), 1u);
  EXPECT_EQ(r2.journeys.at(0).let_slots.size(), 1u);
  EXPECT_EQ(r2.const_index.at("A"), 0u);
  EXPECT_EQ(r2.segment_index.at("s"), 0u);
  EXPECT_EQ(r2.journey_index.at("j"), 0u);
}

}  // namespace
}  // namespace laud::compiler
