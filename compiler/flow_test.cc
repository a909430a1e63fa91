// flow_test.cc — control-flow checks of journey bodies: labels and gotos, progress of goto
// cycles, unreachable steps, and where `event` is available (compiler/flow.h).
#include "compiler/flow.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "compiler/driver.h"
#include "compiler/parser.h"

namespace laud::compiler {
namespace {

// Parses `src` (which must be free of syntax errors) and runs only the flow analysis on it.
std::unique_ptr<Compilation> flow(const std::string& src) {
  auto c = std::make_unique<Compilation>();
  uint32_t id = c->sources.add("t.journey", src);
  bool parsed = parse_file(c->sources, id, c->module, c->diags);
  EXPECT_TRUE(parsed) << c->diags.render_text();
  bool ok = analyze_flow(c->module, c->diags);
  EXPECT_EQ(ok, !c->diags.has_errors());
  return c;
}

// "CODE@LINE:COL" for each diagnostic, by position.
std::vector<std::string> codes(const Compilation& c) {
  std::vector<const Diagnostic*> all;
  for (const Diagnostic& d : c.diags.all()) all.push_back(&d);
  std::stable_sort(all.begin(), all.end(), [](const Diagnostic* a, const Diagnostic* b) {
    return std::pair(a->span.line, a->span.col) < std::pair(b->span.line, b->span.col);
  });
  std::vector<std::string> out;
  for (const Diagnostic* d : all)
    out.push_back(std::string(diag_code_name(d->code)) + "@" + std::to_string(d->span.line) + ":" +
                  std::to_string(d->span.col));
  return out;
}

// The diagnostic on `line` (the first reported there).
const Diagnostic& on_line(const Compilation& c, uint32_t line) {
  for (const Diagnostic& d : c.diags.all())
    if (d.span.line == line) return d;
  throw std::runtime_error("no diagnostic on line " + std::to_string(line));
}

using Codes = std::vector<std::string>;

const Diagnostic& only(const Compilation& c) {
  EXPECT_EQ(c.diags.all().size(), 1u) << c.diags.render_text();
  return c.diags.all().at(0);
}

const ast::Decl& journey(const Compilation& c, size_t i = 0) {
  for (const auto& d : c.module.decls)
    if (d->kind == ast::DeclKind::kJourney && i-- == 0) return *d;
  throw std::runtime_error("no such journey");
}

// ---------------------------------------------------------------- labels

TEST(FlowLabels, UnusedAndForwardLabelsAreFine) {
  auto c = flow(
      "journey j {\n"
      "  on signup\n"
      "  hello: send email \"welcome\"\n"
      "  goto later\n"
      "  send email \"skipped\"\n"
      "  later: exit\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"W0001@5:3"}));
}

TEST(FlowLabels, DuplicateLabelPointsAtTheFirst) {
  auto c = flow(
      "journey j {\n"
      "  a: send email \"x\"\n"
      "  if customer.vip { a: send email \"y\" }\n"
      "}\n");
  const Diagnostic& d = only(*c);
  EXPECT_EQ(d.code, DiagCode::E0206);
  EXPECT_EQ(d.span.line, 3u);
  EXPECT_EQ(d.span.col, 21u);
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].span.line, 2u);
  EXPECT_EQ(d.notes[0].span.col, 3u);
}

TEST(FlowLabels, SameLabelInTwoJourneysIsFine) {
  auto c = flow("journey a { x: exit }\njourney b { x: exit }\n");
  EXPECT_EQ(codes(*c), Codes{});
}

TEST(FlowLabels, UnknownLabelSuggestsAVisibleOne) {
  auto c = flow(
      "journey j {\n"
      "  reminder: wait 1d\n"
      "  goto remindr\n"
      "}\n");
  const Diagnostic& d = only(*c);
  EXPECT_EQ(d.code, DiagCode::E0203);
  EXPECT_EQ(d.message, "unknown label `remindr`");
  EXPECT_EQ(d.span.line, 3u);
  EXPECT_EQ(d.span.col, 8u);
  EXPECT_EQ(d.help, "did you mean `reminder`?");
}

TEST(FlowLabels, UnknownLabelDoesNotSuggestAnInvisibleOne) {
  auto c = flow(
      "journey j {\n"
      "  if customer.vip { reminder: wait 1d }\n"
      "  goto zzz\n"
      "}\n");
  const Diagnostic& d = only(*c);
  EXPECT_EQ(d.code, DiagCode::E0203);
  EXPECT_EQ(d.help, "");
}

TEST(FlowLabels, GotoIntoANestedBlockIsOutOfScope) {
  auto c = flow(
      "journey j {\n"
      "  if customer.vip { inner: send email \"x\" }\n"
      "  wait 1d\n"
      "  goto inner\n"
      "}\n");
  const Diagnostic& d = only(*c);
  EXPECT_EQ(d.code, DiagCode::E0407);
  EXPECT_EQ(d.message, "label `inner` is not in this block or an enclosing one");
  EXPECT_EQ(d.span.line, 4u);
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].span.line, 2u);
}

TEST(FlowLabels, GotoIntoASiblingBlockIsOutOfScope) {
  auto c = flow(
      "journey j {\n"
      "  split s {\n"
      "    variant a 50% { x: wait 1d }\n"
      "    variant b 50% { wait 1d goto x }\n"
      "  }\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0407@4:34"}));
}

TEST(FlowLabels, GotoToEnclosingBlocksAndCompoundStepsIsFine) {
  auto c = flow(
      "journey j {\n"
      "  top: wait 1d\n"
      "  check: if customer.vip {\n"
      "    wait up to 2d {\n"
      "      on click { if customer.x { goto top } else { goto check } }\n"
      "      timeout { goto top }\n"
      "    }\n"
      "  }\n"
      "}\n");
  EXPECT_EQ(codes(*c), Codes{});
}

// ---------------------------------------------------------------- progress

TEST(FlowProgress, LoopWithoutWaitIsAnError) {
  auto c = flow(
      "journey j {\n"
      "  top: send email \"x\"\n"
      "  goto top\n"
      "}\n");
  const Diagnostic& d = only(*c);
  EXPECT_EQ(d.code, DiagCode::E0402);
  EXPECT_EQ(d.message, "this `goto` loops back to `top` without passing a wait that advances time");
  EXPECT_EQ(d.span.line, 3u);
  EXPECT_EQ(d.span.col, 3u);
  EXPECT_EQ(d.help,
            "add `wait 1d` (or another positive wait) inside the loop; at run time an instance that runs 10,000 "
            "steps without waiting is ended");
}

TEST(FlowProgress, SelfLoop) {
  auto c = flow("journey j {\n  top: goto top\n}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0402@2:8"}));
}

TEST(FlowProgress, PositiveWaitsAdvanceTime) {
  for (std::string wait : {"wait 1d", "wait 1s", "wait until 09:00", "wait until 09:00 on mon..fri in \"Europe/Paris\"",
                           "wait up to 1h { on click { send email \"c\" } }", "wait 1h + 30m", "wait 2 * 1h"}) {
    auto c = flow("journey j {\n  top: send email \"x\"\n  " + wait + "\n  goto top\n}\n");
    EXPECT_EQ(codes(*c), Codes{}) << wait;
  }
}

TEST(FlowProgress, WaitsThatDoNotAdvanceTime) {
  for (std::string wait : {"wait 0s", "wait -1d", "wait 1d - 1d", "wait until trigger.at", "wait until now + 1d",
                           "wait customer.delay", "wait up to 0s { on click { exit } }", "wait 1d / 0"}) {
    auto c = flow("journey j {\n  top: send email \"x\"\n  " + wait + "\n  goto top\n}\n");
    ASSERT_EQ(codes(*c), (Codes{"E0402@4:3"})) << wait;
    const Diagnostic& d = c->diags.all()[0];
    ASSERT_EQ(d.notes.size(), 2u) << wait;  // the loop's start, and the wait that does not count
    EXPECT_EQ(d.notes[0].span.line, 2u);
    EXPECT_EQ(d.notes[1].span.line, 3u);
  }
}

TEST(FlowProgress, ConstDurations) {
  auto c = flow(
      "const DAY = 1d\n"
      "const TWO = DAY * 2\n"
      "const NONE = 0s\n"
      "const NUM = 5\n"
      "journey a { top: wait TWO goto top }\n"
      "journey b { top: wait NONE goto top }\n"
      "journey c { top: wait NUM goto top }\n"
      "journey d { top: wait UNKNOWN goto top }\n");
  EXPECT_EQ(codes(*c), (Codes{"E0402@6:28", "E0402@7:27", "E0402@8:31"}));
}

TEST(FlowProgress, ConstCycleIsNotConstant) {
  auto c = flow(
      "const A = B + B\n"
      "const B = A + A\n"
      "journey j { top: wait A goto top }\n");
  EXPECT_EQ(codes(*c), (Codes{"E0402@3:25"}));
  EXPECT_EQ(constant_duration_ms(c->module, c->module.decls[0]->value.get()), std::nullopt);
}

TEST(FlowProgress, LocalIsNotConstant) {
  auto c = flow("journey j {\n  let d = 1d\n  top: wait d\n  goto top\n}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0402@4:3"}));
}

TEST(FlowProgress, WaitOnOnlyOneArmIsNotEnough) {
  auto c = flow(
      "journey j {\n"
      "  top: if customer.vip { wait 1d } else { send email \"x\" }\n"
      "  goto top\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0402@3:3"}));
}

TEST(FlowProgress, WaitOnEveryArmIsEnough) {
  auto c = flow(
      "journey j {\n"
      "  top: if customer.vip { wait 1d } else { wait until 09:00 }\n"
      "  goto top\n"
      "}\n");
  EXPECT_EQ(codes(*c), Codes{});
}

TEST(FlowProgress, GotoOutOfAnOnBranchPassesTheWaitUpTo) {
  auto c = flow(
      "journey j {\n"
      "  top: wait up to 3d {\n"
      "    on click { send email \"thanks\" goto top }\n"
      "    timeout { goto top }\n"
      "  }\n"
      "}\n");
  EXPECT_EQ(codes(*c), Codes{});
}

TEST(FlowProgress, LoopInsideABranch) {
  auto c = flow(
      "journey j {\n"
      "  wait up to 3d {\n"
      "    on click { again: send email \"x\" goto again }\n"
      "  }\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0402@3:38"}));
}

TEST(FlowProgress, ForwardGotoIsNoLoop) {
  auto c = flow(
      "journey j {\n"
      "  goto end\n"
      "  end: send email \"x\"\n"
      "}\n");
  EXPECT_EQ(codes(*c), Codes{});
}

TEST(FlowProgress, TwoGotoCycleIsReportedOnceAtTheBackwardGoto) {
  auto c = flow(
      "journey j {\n"
      "  a: send email \"x\"\n"
      "  if customer.vip { goto b }\n"
      "  exit\n"
      "  b: send email \"y\"\n"
      "  goto a\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0402@6:3"}));
}

TEST(FlowProgress, EveryBackwardGotoOfALoopIsReported) {
  auto c = flow(
      "journey j {\n"
      "  top: send email \"x\"\n"
      "  if customer.a { goto top }\n"
      "  if customer.b { goto top }\n"
      "  wait 1d\n"
      "  goto top\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0402@3:19", "E0402@4:19"}));
}

// ---------------------------------------------------------------- unreachable steps

TEST(FlowUnreachable, AfterExitOncePerRun) {
  auto c = flow(
      "journey j {\n"
      "  exit\n"
      "  send email \"a\"\n"
      "  send email \"b\"\n"
      "}\n");
  const Diagnostic& d = only(*c);
  EXPECT_EQ(d.code, DiagCode::W0001);
  EXPECT_EQ(d.severity, Severity::kWarning);
  EXPECT_EQ(d.message, "this step is never reached");
  EXPECT_EQ(d.span.line, 3u);
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].span.line, 2u);
  EXPECT_EQ(d.notes[0].message, "the journey ends at this `exit`");
  EXPECT_TRUE(analyze_flow(c->module, c->diags));  // warnings only
}

TEST(FlowUnreachable, AfterGotoAndLabelledStepsReachedByGoto) {
  auto c = flow(
      "journey j {\n"
      "  goto b\n"
      "  send email \"a\"\n"
      "  b: send email \"b\"\n"
      "  exit\n"
      "  c: send email \"c\"\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"W0001@3:3", "W0001@6:6"}));
}

TEST(FlowUnreachable, AfterIfWhoseArmsAllLeave) {
  auto c = flow(
      "journey j {\n"
      "  top: wait 1d\n"
      "  if customer.a { exit } else if customer.b { goto top } else {\n"
      "    if customer.c { exit } else { exit }\n"
      "    send email \"nested\"\n"
      "  }\n"
      "  send email \"after\"\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"W0001@5:5", "W0001@7:3"}));
  EXPECT_EQ(c->diags.all()[1].notes.at(0).message, "no branch of this `if` continues to the next step");
}

TEST(FlowUnreachable, IfWithoutElseFallsThrough) {
  auto c = flow(
      "journey j {\n"
      "  if customer.a { exit } else if customer.b { exit }\n"
      "  send email \"after\"\n"
      "}\n");
  EXPECT_EQ(codes(*c), Codes{});
}

TEST(FlowUnreachable, SplitAndWaitUpTo) {
  auto c = flow(
      "journey j {\n"
      "  split s { variant a 50% { exit } control 50% }\n"
      "  send email \"x\"\n"
      "  split t { variant a 50% { exit } variant b 50% { exit } }\n"
      "  send email \"y\"\n"
      "}\n"
      "journey k {\n"
      "  wait up to 1d { on click { exit } }\n"
      "  send email \"z\"\n"
      "  wait up to 1d { on click { exit } timeout { exit } }\n"
      "  send email \"w\"\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"W0001@5:3", "W0001@11:3"}));
}

TEST(FlowUnreachable, NestedStepsOfAnUnreachableStepAreNotReportedAgain) {
  auto c = flow(
      "journey j {\n"
      "  exit\n"
      "  if customer.a { send email \"x\" send email \"y\" }\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"W0001@3:3"}));
}

// ---------------------------------------------------------------- event

TEST(FlowEvent, BeforeAnyWaitIsTheTrigger) {
  auto c = flow(
      "journey j {\n"
      "  on purchase\n"
      "  let total = event.total\n"
      "  if event.total > 100 { send email \"big\" with { sku: event.sku } }\n"
      "  wait until event.$time + 1d\n"
      "}\n");
  EXPECT_EQ(codes(*c), Codes{});
}

TEST(FlowEvent, AfterAWaitIsAnError) {
  auto c = flow(
      "journey j {\n"
      "  on purchase\n"
      "  wait 1d\n"
      "  send email \"x\" to event.email\n"
      "}\n");
  const Diagnostic& d = only(*c);
  EXPECT_EQ(d.code, DiagCode::E0400);
  EXPECT_EQ(d.message, "`event` is not available here: a path from the start of the journey passes the `wait` at 3:3");
  EXPECT_EQ(d.span.line, 4u);
  EXPECT_EQ(d.span.col, 21u);
  EXPECT_EQ(d.help, "use `trigger.` to read the event that started this journey");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].span.line, 3u);
}

TEST(FlowEvent, EveryKindOfStepExpressionIsChecked) {
  auto c = flow(
      "journey j {\n"
      "  wait 0s\n"
      "  send webhook \"x\" to event.url with { a: event.a }\n"
      "  wait event.d\n"
      "  wait until event.t\n"
      "  wait until 09:00 in event.tz\n"
      "  wait up to event.d { on click { exit } }\n"
      "  if customer.a { exit } else if event.b { exit }\n"
      "  let x = event.x\n"
      "  set customer[event.k] = event.v\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0400@3:23", "E0400@3:43", "E0400@4:8", "E0400@5:14", "E0400@6:23", "E0400@7:14",
                              "E0400@8:34", "E0400@9:11", "E0400@10:16", "E0400@10:27"}));
}

TEST(FlowEvent, ControlFlowNotSourceOrder) {
  auto c = flow(
      "journey j {\n"
      "  if customer.a {\n"
      "    wait 1d\n"
      "    send email \"a\" to event.email\n"
      "  } else {\n"
      "    send email \"b\" to event.email\n"
      "  }\n"
      "  send email \"c\" to event.email\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0400@4:23", "E0400@8:21"}));
}

TEST(FlowEvent, GotoBackOverAWait) {
  auto c = flow(
      "journey j {\n"
      "  top: send email \"x\" to event.email\n"
      "  wait 1d\n"
      "  goto top\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0400@2:26"}));
}

TEST(FlowEvent, AggregateWhereHasItsOwnEvent) {
  auto c = flow(
      "journey j {\n"
      "  wait 1d\n"
      "  if count(purchase where event.total > 10 within 30d) > 2 { send email \"x\" }\n"
      "  let n = sum(purchase.total where event.sku == \"a\")\n"
      "}\n");
  EXPECT_EQ(codes(*c), Codes{});
}

TEST(FlowEvent, OnBranchUntilItsFirstWait) {
  auto c = flow(
      "journey j {\n"
      "  wait 1d\n"
      "  wait up to 2d {\n"
      "    on click where event.url != null {\n"
      "      send email \"a\" with { url: event.url }\n"
      "      if event.x { wait 1h }\n"
      "      send email \"b\" with { url: event.url }\n"
      "    }\n"
      "    timeout { send email \"c\" to event.email }\n"
      "  }\n"
      "  send email \"d\" to event.email\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0400@7:34", "E0400@9:33", "E0400@11:21"}));
  EXPECT_EQ(on_line(*c, 7).message,
            "`event` is not available here: a path from the start of the journey passes the `wait` at 6:20");
  EXPECT_NE(on_line(*c, 7).help.find("`let`"), std::string::npos);
  EXPECT_EQ(on_line(*c, 9).message,
            "`event` is not available here: a path from the start of the journey passes the `wait` at 3:3");
  EXPECT_EQ(on_line(*c, 11).help, "use `trigger.` to read the event that started this journey");
}

TEST(FlowEvent, LoopInsideABranchBeforeItsWait) {
  auto c = flow(
      "journey j {\n"
      "  wait up to 2d {\n"
      "    on click {\n"
      "      again: send email \"a\" to event.email\n"
      "      wait 1h\n"
      "      goto again\n"
      "    }\n"
      "    on open {\n"
      "      retry: send email \"b\" to event.email\n"
      "      if customer.x { goto retry }\n"
      "    }\n"
      "  }\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0400@4:32", "E0402@10:23"}));
}

TEST(FlowEvent, GotoOutOfABranchLeavesItsEvent) {
  auto c = flow(
      "journey j {\n"
      "  start: let x = 1\n"
      "  back: send email \"a\"\n"
      "  wait up to 2d { on click { goto back } }\n"
      "}\n"
      "journey k {\n"
      "  back: send email \"a\" to event.email\n"
      "  wait up to 2d { on click { goto back } }\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0400@7:27"}));
  EXPECT_EQ(c->diags.all()[0].notes.at(0).span.line, 8u);
}

TEST(FlowEvent, NestedWaitUpTo) {
  auto c = flow(
      "journey j {\n"
      "  wait up to 2d {\n"
      "    on click {\n"
      "      wait up to 1d {\n"
      "        on open { send email \"a\" to event.email }\n"
      "      }\n"
      "      send email \"b\" to event.email\n"
      "    }\n"
      "  }\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0400@7:25"}));
}

TEST(FlowEvent, UnreachableStepsAreNotChecked) {
  auto c = flow("journey j {\n  wait 1d\n  exit\n  send email \"x\" to event.email\n}\n");
  EXPECT_EQ(codes(*c), (Codes{"W0001@4:3"}));
}

// ---------------------------------------------------------------- journey_flow for codegen

TEST(JourneyFlow, EventRefsAndGotoTargets) {
  auto c = flow(
      "journey j {\n"
      "  first: send email \"a\"\n"
      "  wait up to 1d {\n"
      "    on click { send email \"b\" wait 1h send email \"c\" goto first }\n"
      "    timeout { exit }\n"
      "  }\n"
      "  send email \"d\"\n"
      "}\n");
  const ast::Decl& j = journey(*c);
  JourneyFlow f = journey_flow(c->module, j);
  const ast::Stmt* first = j.body[0].get();
  const ast::Stmt* up_to = j.body[1].get();
  const ast::Block& branch = up_to->branches[0].body;
  EXPECT_EQ(f.event_at(first), EventRef::kUnavailable);  // reached again by the goto
  EXPECT_EQ(f.event_at(up_to), EventRef::kUnavailable);
  EXPECT_EQ(f.event_at(branch[0].get()), EventRef::kResume);
  EXPECT_EQ(f.find(branch[0].get())->branch, &up_to->branches[0]);
  EXPECT_EQ(f.find(branch[0].get())->resumed_by, up_to);
  EXPECT_EQ(f.event_at(branch[1].get()), EventRef::kResume);  // the wait itself
  EXPECT_EQ(f.event_at(branch[2].get()), EventRef::kUnavailable);
  EXPECT_EQ(f.find(branch[3].get())->target, first);
  EXPECT_EQ(f.event_at(j.body[2].get()), EventRef::kUnreachable);
  EXPECT_FALSE(f.reachable(j.body[2].get()));
  EXPECT_EQ(f.event_at(nullptr), EventRef::kUnreachable);
}

TEST(JourneyFlow, TriggerBeforeTheFirstWait) {
  auto c = flow("journey j { send email \"a\" wait 1d send email \"b\" }\n");
  const ast::Decl& j = journey(*c);
  JourneyFlow f = journey_flow(c->module, j);
  EXPECT_EQ(f.event_at(j.body[0].get()), EventRef::kTrigger);
  EXPECT_EQ(f.event_at(j.body[1].get()), EventRef::kTrigger);
  EXPECT_EQ(f.event_at(j.body[2].get()), EventRef::kUnavailable);
  EXPECT_EQ(f.steps.size(), 3u);
}

TEST(JourneyFlow, ConstantDurationsAndProgress) {
  auto c = flow(
      "const H = 1h\n"
      "journey j { wait H * 3 - 30m wait until 09:00 wait until now wait -H }\n");
  const ast::Decl& j = journey(*c);
  EXPECT_EQ(constant_duration_ms(c->module, j.body[0]->value.get()), 3 * 3600000 - 1800000);
  EXPECT_TRUE(advances_time(c->module, *j.body[0]));
  EXPECT_TRUE(advances_time(c->module, *j.body[1]));
  EXPECT_FALSE(advances_time(c->module, *j.body[2]));
  EXPECT_FALSE(advances_time(c->module, *j.body[3]));
  EXPECT_EQ(constant_duration_ms(c->module, j.body[3]->value.get()), -3600000);
  EXPECT_EQ(constant_duration_ms(c->module, nullptr), std::nullopt);
}

TEST(JourneyFlow, GotoFindsTheInnermostLabelEvenWithDuplicates) {
  auto c = flow(
      "journey j {\n"
      "  a: send email \"1\"\n"
      "  if customer.x == 1 {\n"
      "    a: send email \"2\"\n"
      "    wait 1d\n"
      "    goto a\n"
      "  }\n"
      "  wait 1d\n"
      "  goto a\n"
      "}\n");
  EXPECT_EQ(codes(*c), (Codes{"E0206@4:5"}));
  const ast::Decl& j = journey(*c);
  const ast::Stmt& inner_goto = *j.body[1]->arms[0].body[2];
  JourneyFlow f = journey_flow(c->module, j);
  EXPECT_EQ(f.find(&inner_goto)->target, j.body[1]->arms[0].body[0].get());
  EXPECT_EQ(f.find(j.body[3].get())->target, j.body[0].get());
}

TEST(JourneyFlow, ConstantDurationsFoldLikeSema) {
  auto c = flow(
      "const L = [1d, 2d]\nconst N = null\n"
      "journey j { wait L[1] wait N ?? 3h wait int(\"2\") * 1m wait 1d + \"x\" wait [1d].x }\n");
  const ast::Decl& j = journey(*c);
  EXPECT_EQ(constant_duration_ms(c->module, j.body[0]->value.get()), 2 * 86400000);
  EXPECT_EQ(constant_duration_ms(c->module, j.body[1]->value.get()), 3 * 3600000);
  EXPECT_EQ(constant_duration_ms(c->module, j.body[2]->value.get()), 2 * 60000);
  EXPECT_EQ(constant_duration_ms(c->module, j.body[3]->value.get()), std::nullopt);  // null
  EXPECT_EQ(constant_duration_ms(c->module, j.body[4]->value.get()), std::nullopt);  // null
}

// ---------------------------------------------------------------- robustness

TEST(FlowRobust, EmptyAndSettingOnlyJourneys) {
  auto c = flow(
      "const X = 1d\n"
      "segment s = customer.a == 1\n"
      "journey a { }\n"
      "journey b { on signup audience customer in s exit when customer.x }\n");
  EXPECT_EQ(codes(*c), Codes{});
}

TEST(FlowRobust, HandBuiltTreeWithNullParts) {
  ast::Module m;
  auto d = std::make_unique<ast::Decl>();
  d->kind = ast::DeclKind::kJourney;
  auto s = std::make_unique<ast::Stmt>();
  s->kind = ast::StmtKind::kWaitUpTo;  // no duration, no branches, no timeout
  d->body.push_back(std::move(s));
  d->body.push_back(nullptr);
  auto i = std::make_unique<ast::Stmt>();
  i->kind = ast::StmtKind::kIf;
  i->arms.emplace_back();  // a final `else` with an empty body
  d->body.push_back(std::move(i));
  auto sp = std::make_unique<ast::Stmt>();
  sp->kind = ast::StmtKind::kSplit;  // no variants
  d->body.push_back(std::move(sp));
  auto g = std::make_unique<ast::Stmt>();
  g->kind = ast::StmtKind::kGoto;  // to an empty label
  d->body.push_back(std::move(g));
  m.decls.push_back(std::move(d));
  m.decls.push_back(nullptr);
  SourceManager sm;
  Diagnostics diags(sm);
  EXPECT_FALSE(analyze_flow(m, diags));
  ASSERT_EQ(diags.all().size(), 1u);
  EXPECT_EQ(diags.all()[0].code, DiagCode::E0203);
}

TEST(FlowRobust, LongStraightLineAndManyGotos) {
  std::string src = "journey j {\n  top: wait 1d\n";
  for (int i = 0; i < 20000; ++i) src += "  s" + std::to_string(i) + ": if customer.x { goto top }\n";
  src += "}\n";
  auto c = flow(src);
  EXPECT_EQ(codes(*c), Codes{});
}

// ---------------------------------------------------------------- through the driver

TEST(FlowDriver, AnalyzeReportsFlowDiagnostics) {
  Compilation c;
  add_source(c, "t.journey", "journey j {\n  on signup\n  top: send email \"x\"\n  goto top\n}\n");
  EXPECT_FALSE(analyze(c));
  bool found = false;
  for (const Diagnostic& d : c.diags.all()) found = found || d.code == DiagCode::E0402;
  EXPECT_TRUE(found) << c.diags.render_text();
}

}  // namespace
}  // namespace laud::compiler
