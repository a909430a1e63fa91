// test_modules.h — small Modules built by hand for the module-format and verifier tests (and the
// fuzz seeds): a segment, predicates, values and a journey body that uses every descriptor.
// Test-only; header-only so each test executable compiles its own copy.
#pragma once

#include <string>
#include <vector>

#include "vm/module.h"

namespace laud::vm::test {

inline uint32_t str_const(Module& m, std::string_view s) {
  ConstantDesc d;
  d.kind = Kind::kString;
  d.string = m.intern(s);
  return m.add_constant(std::move(d));
}

inline uint32_t int_const(Module& m, Kind kind, int64_t v) {
  ConstantDesc d;
  d.kind = kind;
  d.i = v;
  return m.add_constant(std::move(d));
}

inline Instr abc(Op op, uint16_t a, uint16_t b, uint16_t c, uint8_t k = 0) { return Instr::abc(op, a, b, c, k); }
inline Instr abx(Op op, uint16_t a, uint32_t bx) { return Instr::abx(op, a, bx); }
// A jump from `pc` to `target` (offset = target - pc - 1).
inline Instr jump(Op op, uint16_t a, int64_t pc, int64_t target) {
  return Instr::jump(op, a, static_cast<int32_t>(target - pc - 1));
}

inline uint32_t add_function(Module& m, std::string name, FunctionKind kind, uint16_t regs, uint16_t locals,
                             std::vector<Instr> code) {
  Function f;
  f.name = std::move(name);
  f.kind = kind;
  f.num_registers = regs;
  f.num_locals = locals;
  f.code = std::move(code);
  f.debug.push_back({0, 0, 1, 1});
  if (f.code.size() > 2) f.debug.push_back({static_cast<uint32_t>(f.code.size() - 1), 0, 2, 3});
  m.functions.push_back(std::move(f));
  return static_cast<uint32_t>(m.functions.size() - 1);
}

// Function indexes of the sample module.
enum SampleFn : uint32_t { kSegVip, kSignupWhere, kKey, kQuietTz, kBody, kBranchWhere, kAggWhere };
inline constexpr uint32_t kBodySplitPc = 12;  // SPLIT in the body
inline constexpr uint32_t kBodyWaitUpToPc = 7;

// A module that uses every table and every descriptor field.
inline void build_sample(Module& m) {
  m.files = {"sample.journey", "other.journey"};
  const uint32_t k_plan = str_const(m, "plan");
  const uint32_t k_pro = str_const(m, "pro");
  const uint32_t k_email = str_const(m, "email");
  const uint32_t k_five = int_const(m, Kind::kInt, 5);
  const uint32_t k_zero = int_const(m, Kind::kInt, 0);
  const uint32_t k_day = int_const(m, Kind::kDuration, 86'400'000);
  const uint32_t k_time = int_const(m, Kind::kTime, 1'790'000'000'000);
  const uint32_t k_utc = str_const(m, "Europe/Berlin");
  const uint32_t k_sku = str_const(m, "sku");
  ConstantDesc f;
  f.kind = Kind::kFloat;
  f.f = 2.5;
  const uint32_t k_float = m.add_constant(f);
  ConstantDesc b;
  b.kind = Kind::kBool;
  b.b = true;
  m.add_constant(b);
  ConstantDesc null;
  const uint32_t k_null = m.add_constant(null);
  ConstantDesc list;
  list.kind = Kind::kList;
  list.items = {k_five, k_pro, k_float};
  const uint32_t k_list = m.add_constant(list);
  (void)k_time;
  (void)k_zero;
  m.regexes = {"^[a-z]+@example\\.com$"};

  using O = Op;
  // 0: segment vip = customer.plan == "pro"
  add_function(m, "segment vip", FunctionKind::kSegment, 3, 0,
               {abx(O::CUSTOMER, 0, 0), abc(O::FIELD, 1, 0, k_plan), abc(O::EQ, 2, 1, k_pro, kConstC), abx(O::RET, 2, 0)});
  // 1: a trigger filter with a forward jump, a regex, a builtin, a list, a segment and an aggregate
  add_function(m, "j: on signup where", FunctionKind::kPredicate, 7, 0,
               {abx(O::EVENT, 0, 0), abc(O::FIELD, 1, 0, k_email), abc(O::MATCH, 2, 1, 0), jump(O::JMPIFNOT, 2, 3, 9),
                abx(O::SEGMENT, 3, 0), abx(O::AGG, 4, 0), abc(O::CALL, 5, 1, 3), abc(O::LIST, 6, 3, 3),
                abc(O::IN, 2, k_five, 6, kConstB), abx(O::RET, 2, 0)});
  // 2: key = customer.email
  add_function(m, "j: key", FunctionKind::kValue, 2, 0,
               {abx(O::CUSTOMER, 0, 0), abc(O::FIELD, 1, 0, k_email), abx(O::RET, 1, 0)});
  // 3: quiet hours time zone
  add_function(m, "j: quiet tz", FunctionKind::kValue, 1, 0, {abx(O::LOADK, 0, k_utc), abx(O::RET, 0, 0)});
  // 4: the journey body; register 0 is a local
  add_function(m, "j: body", FunctionKind::kJourney, 4, 1,
               {
                   abx(O::STEP, 0, 0),                    // 0
                   abx(O::CUSTOMER, 1, 0),                // 1
                   abc(O::FIELD, 2, 1, k_email),          // 2
                   abx(O::LOADK, 3, k_five),              // 3
                   abx(O::SEND, 2, 0),                    // 4  to R2, with R3
                   abx(O::STEP, 0, 1),                    // 5
                   abx(O::LOADK, 1, k_day),               // 6
                   abx(O::WAITUPTO, 1, 0),                // 7  branch → 8, timeout → 10
                   abx(O::STEP, 0, 2),                    // 8
                   jump(O::JMP, 0, 9, 11),                // 9
                   abx(O::STEP, 0, 3),                    // 10
                   abx(O::STEP, 0, 4),                    // 11
                   abx(O::SPLIT, 0, 0),                   // 12 A → 13, control → 15
                   abx(O::STEP, 0, 5),                    // 13
                   abx(O::SETTRAIT, 0, k_plan),           // 14 R0: a local, defined at entry
                   abx(O::LOADNULL, 1, 0),                // 15
                   abx(O::WAITLOCAL, 1, 1),               // 16
                   abx(O::STEP, 0, 6),                    // 17
                   abx(O::LOADTRUE, 1, 0),                // 18
                   jump(O::JMPIF, 1, 19, 11),             // 19 back to a STEP: a loop
                   abx(O::EXIT, 0, 0),                    // 20
               });
  // 5: a `wait up to` branch filter: reads the body's local R0
  add_function(m, "j: on purchase where", FunctionKind::kPredicate, 2, 1,
               {abc(O::NE, 1, 0, k_null, kConstC), abx(O::RET, 1, 0)});
  // 6: an aggregate filter
  add_function(m, "agg where", FunctionKind::kPredicate, 3, 0,
               {abx(O::EVENT, 0, 0), abc(O::INDEX, 1, 0, k_sku, kConstC), abc(O::NE, 2, 1, k_list, kConstC),
                abx(O::RET, 2, 0)});

  m.aggregates.push_back({AggFunc::kSum, "purchase", {"amount", "usd"}, kAggWhere, 86'400'000});
  m.aggregates.push_back({AggFunc::kCount, "login", {}, kNone, -1});
  m.segments.push_back({"vip", kSegVip});

  JourneyDesc j;
  j.name = "j";
  j.body_fn = kBody;
  j.triggers.push_back({TriggerKind::kEvent, "signup", kSignupWhere, kNone, 0, 0});
  j.triggers.push_back({TriggerKind::kEnterSegment, "", kNone, 0, 0, 0});
  j.triggers.push_back({TriggerKind::kScheduleAt, "", kNone, kNone, 1'790'000'000'000, 0});
  j.triggers.push_back({TriggerKind::kScheduleEvery, "", kNone, kNone, 1'790'000'000'000, 3'600'000});
  j.audience_fn = kSignupWhere;
  j.key_fn = kKey;
  j.exit_on.push_back({"unsubscribe", kNone});
  j.exit_on.push_back({"purchase", kAggWhere});
  j.exit_when_fn = kSignupWhere;
  j.reentry = Reentry::kAfter;
  j.reentry_after_ms = 7 * 86'400'000LL;
  j.limit_count = 100;
  j.limit_window_ms = 86'400'000;
  j.quiet = {true, 22 * 60, 8 * 60, kQuietTz, true};
  j.goals.push_back({"purchase", kAggWhere, 7 * 86'400'000LL});
  j.trigger_fields = {"plan", "amount"};
  j.num_sends = 1;
  m.journeys.push_back(std::move(j));

  m.sends.push_back({Channel::kEmail, "welcome", {"n"}, true, "welcome", 3, 5, 0});
  WaitDesc upto;
  upto.branches.push_back({"purchase", kBranchWhere, 8});
  upto.timeout_target = 10;
  m.waits.push_back(std::move(upto));
  WaitDesc local;
  local.minutes = 9 * 60;
  local.days = 0x1F;
  m.waits.push_back(std::move(local));
  SplitDesc split;
  split.name = "test";
  split.arms.push_back({"A", 5000, false, 13});
  split.arms.push_back({"control", 5000, true, 15});
  m.splits.push_back(std::move(split));
  for (int i = 0; i < 7; ++i) m.steps.push_back({i == 0 ? "welcome" : "L" + std::to_string(10 + i), 10u + i, 3});
  m.caps.push_back({Channel::kSms, 3, 86'400'000});
  m.caps.push_back({Channel::kInApp, 10, 7 * 86'400'000LL});
  m.policy_quiet = {true, 23 * 60, 7 * 60, kNone, false};
}

// The smallest useful module: one segment.
inline void build_segment_only(Module& m) {
  m.files = {"seg.journey"};
  uint32_t k_country = str_const(m, "country");
  uint32_t k_de = str_const(m, "DE");
  add_function(m, "segment german", FunctionKind::kSegment, 2, 0,
               {abx(Op::CUSTOMER, 0, 0), abc(Op::FIELD, 1, 0, k_country), abc(Op::EQ, 1, 1, k_de, kConstC),
                abx(Op::RET, 1, 0)});
  m.segments.push_back({"german", 0});
}

// A journey whose body only sends and ends.
inline void build_tiny_journey(Module& m) {
  m.files = {"tiny.journey"};
  add_function(m, "hello: body", FunctionKind::kJourney, 1, 0,
               {abx(Op::STEP, 0, 0), abx(Op::SEND, 0, 0), abx(Op::END, 0, 0)});
  JourneyDesc j;
  j.name = "hello";
  j.body_fn = 0;
  j.triggers.push_back({TriggerKind::kEvent, "signup", kNone, kNone, 0, 0});
  j.num_sends = 1;
  m.journeys.push_back(std::move(j));
  m.sends.push_back({Channel::kPush, "hi", {}, false, "L2", 2, 3, 0});
  m.steps.push_back({"L2", 2, 3});
}

// Every fused test (format ABCJ) with its jump, on constants and registers, taken and not taken.
// Segment `fused yes` is true only if each test answers as commented; `fused no` is false, by a
// taken JMPIFNOT of a fused test.
inline void build_fused_tests(Module& m) {
  m.files = {"fused.journey"};
  const uint32_t k_abc = str_const(m, "abc");
  const uint32_t k_x = str_const(m, "x");
  const uint32_t k_a = str_const(m, "a");
  const uint32_t k_bc = str_const(m, "bc");
  const uint32_t k_5 = int_const(m, Kind::kInt, 5);
  const uint32_t k_7 = int_const(m, Kind::kInt, 7);
  ConstantDesc list;
  list.kind = Kind::kList;
  list.items = {k_x, k_abc};
  const uint32_t k_list = m.add_constant(list);
  constexpr uint8_t B = kConstB, C = kConstC;
  using O = Op;
  constexpr int64_t kEnd = 25;  // RET r1
  add_function(m, "segment fused yes", FunctionKind::kSegment, 2, 0,
               {
                   abx(O::LOADK, 0, k_abc),                           // 0  r0 = "abc"
                   abc(O::EQJ, 1, 0, k_abc, C), jump(O::JMPIFNOT, 1, 2, kEnd),       // 1  "abc" == "abc"
                   abc(O::NEJ, 1, 0, k_x, C), jump(O::JMPIFNOT, 1, 4, kEnd),         // 3  "abc" != "x"
                   abc(O::LTJ, 1, k_5, k_7, B | C), jump(O::JMPIFNOT, 1, 6, kEnd),   // 5  5 < 7
                   abc(O::LEJ, 1, k_7, k_7, B | C), jump(O::JMPIFNOT, 1, 8, kEnd),   // 7  7 <= 7
                   abc(O::GTJ, 1, k_7, k_5, B | C), jump(O::JMPIFNOT, 1, 10, kEnd),  // 9  7 > 5
                   abc(O::GEJ, 1, k_5, k_5, B | C), jump(O::JMPIFNOT, 1, 12, kEnd),  // 11 5 >= 5
                   abc(O::INJ, 1, 0, k_list, C), jump(O::JMPIFNOT, 1, 14, kEnd),     // 13 "abc" in ["x", "abc"]
                   abc(O::CONTAINSJ, 1, k_list, 0, B), jump(O::JMPIFNOT, 1, 16, kEnd),  // 15 the list contains "abc"
                   abc(O::STARTSJ, 1, 0, k_a, C), jump(O::JMPIFNOT, 1, 18, kEnd),    // 17 "abc" starts_with "a"
                   abc(O::ENDSJ, 1, 0, k_bc, C), jump(O::JMPIF, 1, 20, 22),          // 19 ends_with "bc": taken
                   abx(O::LOADFALSE, 1, 0),                                          // 21 (skipped)
                   abc(O::EQJ, 1, 0, k_x, C), jump(O::JMPIF, 1, 23, kEnd),           // 22 "abc" == "x": not taken
                   abx(O::LOADTRUE, 1, 0),                                           // 24
                   abx(O::RET, 1, 0),                                                // 25
               });
  add_function(m, "segment fused no", FunctionKind::kSegment, 2, 0,
               {abx(O::LOADK, 0, k_abc), abc(O::ENDSJ, 1, 0, k_x, C), jump(O::JMPIFNOT, 1, 2, 4),
                abx(O::LOADTRUE, 1, 0), abx(O::RET, 1, 0)});
  m.segments.push_back({"fused yes", 0});
  m.segments.push_back({"fused no", 1});
}

// Every fused field test (FEQJ .. FENDSJ: a FIELD, its fused test and that test's jump), over a
// customer {"s": "abc", "n": 5, "t": ["x", "abc"]} (set by the test's host). Segment `field yes`
// is true only if each test answers as commented; `field no` is false, by a taken JMPIFNOT;
// `field mid` jumps to the fused test after an F<OP>J, which then runs on its own (true).
inline void build_fused_field_tests(Module& m) {
  m.files = {"fused_field.journey"};
  const uint32_t k_s = str_const(m, "s");
  const uint32_t k_n = str_const(m, "n");
  const uint32_t k_t = str_const(m, "t");
  const uint32_t k_none = str_const(m, "none");
  const uint32_t k_abc = str_const(m, "abc");
  const uint32_t k_x = str_const(m, "x");
  const uint32_t k_a = str_const(m, "a");
  const uint32_t k_bc = str_const(m, "bc");
  const uint32_t k_3 = int_const(m, Kind::kInt, 3);
  const uint32_t k_5 = int_const(m, Kind::kInt, 5);
  const uint32_t k_7 = int_const(m, Kind::kInt, 7);
  ConstantDesc null;
  const uint32_t k_null = m.add_constant(null);
  ConstantDesc list;
  list.kind = Kind::kList;
  list.items = {k_x, k_abc};
  const uint32_t k_list = m.add_constant(list);
  constexpr uint8_t C = kConstC;
  using O = Op;
  constexpr int64_t kEnd = 39;  // RET r1
  // One clause: F<OP>J r1, r0, field; <OP>J r1, r1, constant; JMPIFNOT/JMPIF r1 to `target`.
  auto clause = [&](std::vector<Instr>& code, Op f, uint32_t field, uint32_t konst, Op jump_op, int64_t target) {
    code.push_back(abc(f, 1, 0, static_cast<uint16_t>(field)));
    code.push_back(abc(fused_test_of(f), 1, 1, static_cast<uint16_t>(konst), C));
    code.push_back(jump(jump_op, 1, static_cast<int64_t>(code.size()), target));
  };
  std::vector<Instr> yes = {abx(O::CUSTOMER, 0, 0)};  // 0
  clause(yes, O::FEQJ, k_s, k_abc, O::JMPIFNOT, kEnd);         // 1  "abc" == "abc"
  clause(yes, O::FNEJ, k_s, k_x, O::JMPIFNOT, kEnd);           // 4  "abc" != "x"
  clause(yes, O::FLTJ, k_n, k_7, O::JMPIFNOT, kEnd);           // 7  5 < 7
  clause(yes, O::FLEJ, k_n, k_5, O::JMPIFNOT, kEnd);           // 10 5 <= 5
  clause(yes, O::FGTJ, k_n, k_3, O::JMPIFNOT, kEnd);           // 13 5 > 3
  clause(yes, O::FGEJ, k_n, k_5, O::JMPIFNOT, kEnd);           // 16 5 >= 5
  clause(yes, O::FINJ, k_s, k_list, O::JMPIFNOT, kEnd);        // 19 "abc" in ["x", "abc"]
  clause(yes, O::FCONTAINSJ, k_t, k_abc, O::JMPIFNOT, kEnd);   // 22 ["x", "abc"] contains "abc"
  clause(yes, O::FSTARTSJ, k_s, k_a, O::JMPIFNOT, kEnd);       // 25 "abc" starts_with "a"
  clause(yes, O::FEQJ, k_none, k_null, O::JMPIFNOT, kEnd);     // 28 a missing field == null
  clause(yes, O::FENDSJ, k_s, k_bc, O::JMPIF, 35);             // 31 ends_with "bc": taken
  yes.push_back(abx(O::LOADFALSE, 1, 0));                      // 34 (skipped)
  clause(yes, O::FEQJ, k_s, k_x, O::JMPIF, kEnd);              // 35 "abc" == "x": not taken
  yes.push_back(abx(O::LOADTRUE, 1, 0));                       // 38
  yes.push_back(abx(O::RET, 1, 0));                            // 39
  add_function(m, "segment field yes", FunctionKind::kSegment, 2, 0, std::move(yes));
  std::vector<Instr> no = {abx(O::CUSTOMER, 0, 0)};
  clause(no, O::FENDSJ, k_s, k_x, O::JMPIFNOT, 5);  // 1 "abc" ends_with "x": false, taken
  no.push_back(abx(O::LOADTRUE, 1, 0));             // 4 (skipped)
  no.push_back(abx(O::RET, 1, 0));                  // 5
  add_function(m, "segment field no", FunctionKind::kSegment, 2, 0, std::move(no));
  add_function(m, "segment field mid", FunctionKind::kSegment, 2, 0,
               {abx(O::CUSTOMER, 0, 0), abx(O::LOADK, 1, k_abc), jump(O::JMP, 0, 2, 4),  // to the NEJ
                abc(O::FNEJ, 1, 0, k_s), abc(O::NEJ, 1, 1, k_x, C), jump(O::JMPIFNOT, 1, 5, 7),
                abx(O::LOADTRUE, 1, 0), abx(O::RET, 1, 0)});
  m.segments.push_back({"field yes", 0});
  m.segments.push_back({"field no", 1});
  m.segments.push_back({"field mid", 2});
}

}  // namespace laud::vm::test
