// interp_test.cc — runs compiled journeys and segments against the scripted JSON host and checks
// the dispatches, the suspended state, and that a state encoded at a wait resumes identically in a
// fresh interpreter.
#include "vm/interp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/codegen.h"
#include "tests/support/json_host.h"
#include "vm/test_modules.h"
#include "vm/verifier.h"
#include "vm/time_text.h"

namespace laud::vm {
namespace {

int64_t t(const char* s) { return *parse_rfc3339(s); }

struct Compiled {
  compiler::Compilation c;
  Module module;
};

std::unique_ptr<Compiled> compile_source(const std::string& src) {
  auto out = std::make_unique<Compiled>();
  compiler::add_source(out->c, "t.journey", src);
  bool ok = compiler::compile(out->c, out->module);
  EXPECT_TRUE(ok) << out->c.diags.render_text();
  return out;
}

uint32_t journey_index(const Module& m, std::string_view name) {
  for (uint32_t i = 0; i < m.journeys.size(); ++i)
    if (m.journeys[i].name == name) return i;
  ADD_FAILURE() << "no journey " << name;
  return 0;
}

uint32_t segment_fn(const Module& m, std::string_view name) {
  for (const SegmentDesc& s : m.segments)
    if (s.name == name) return s.fn;
  ADD_FAILURE() << "no segment " << name;
  return 0;
}

// One journey instance driven step by step.
class Instance {
 public:
  Instance(const Module& m, std::string_view journey, const std::string& customer_json, std::string id = "c-1")
      : module_(m), host_(m), interp_(std::make_unique<Interpreter>(m)) {
    host_.set_interpreter(interp_.get());
    host_.set_customer(std::move(id), customer_json);
    state_.journey = journey_index(m, journey);
  }
  testing::JsonHost& host() { return host_; }
  InstanceState& state() { return state_; }
  const std::vector<testing::RecordedSend>& sends() const { return host_.sends; }

  RunResult start(const std::string& event, const std::string& props, int64_t now) {
    host_.set_event(event, props, now);
    host_.set_trigger_to_event();
    host_.set_now(now);
    return interp_->run(state_, Resume{Resume::kStart, 0}, host_);
  }
  RunResult timer() {
    host_.set_now(state_.wait.until);
    host_.clear_event();
    return interp_->run(state_, Resume{Resume::kTimer, 0}, host_);
  }
  bool matches(const std::string& event, const std::string& props, int64_t now, uint32_t b) {
    host_.set_event(event, props, now);
    host_.set_now(now);
    return interp_->branch_matches(state_, b, host_);
  }
  RunResult branch(uint32_t b) { return interp_->run(state_, Resume{Resume::kBranch, b}, host_); }
  // Replaces the state by its decoded encoding and the interpreter by a fresh one, as a restart would.
  void reload() {
    std::string bytes = state_.encode();
    InstanceState back;
    ASSERT_TRUE(InstanceState::decode(bytes, back));
    state_ = std::move(back);
    interp_ = std::make_unique<Interpreter>(module_);
    host_.set_interpreter(interp_.get());
  }

 private:
  const Module& module_;
  testing::JsonHost host_;
  std::unique_ptr<Interpreter> interp_;
  InstanceState state_;
};

// ---------------------------------------------------------------- functions

TEST(Interp, SegmentsAndTheirOperators) {
  auto c = compile_source(R"(
segment vip = customer.ltv >= 500 or customer.tags contains "vip"
segment fr = customer.country in ["FR", "BE"] and lower(customer.email) ends_with "@example.com"
segment both = customer in vip and customer in fr
segment recent = customer.seen > @2026-01-01T00:00:00Z and len(customer.name ?? "") > 2
journey j { on x  send email "t" }
)");
  const Module& m = c->module;
  testing::JsonHost host(m);
  Interpreter interp(m);
  host.set_interpreter(&interp);
  host.set_customer("c", R"({"ltv": 600, "tags": [], "country": "FR", "email": "ADA@EXAMPLE.COM",
                           "seen": "2026-03-01T00:00:00Z", "name": "Ada"})");
  EXPECT_TRUE(interp.call_predicate(segment_fn(m, "vip"), host));
  EXPECT_TRUE(interp.call_predicate(segment_fn(m, "fr"), host));
  EXPECT_TRUE(interp.call_predicate(segment_fn(m, "both"), host));
  EXPECT_TRUE(interp.call_predicate(segment_fn(m, "recent"), host));
  host.set_customer("d", R"({"ltv": "lots", "tags": ["vip"], "country": "DE", "seen": "not a time"})");
  EXPECT_TRUE(interp.call_predicate(segment_fn(m, "vip"), host));   // contains on a list
  EXPECT_FALSE(interp.call_predicate(segment_fn(m, "fr"), host));
  EXPECT_FALSE(interp.call_predicate(segment_fn(m, "both"), host));
  EXPECT_FALSE(interp.call_predicate(segment_fn(m, "recent"), host));  // unparsable string: false
  host.set_customer("e", R"({})");
  EXPECT_FALSE(interp.call_predicate(segment_fn(m, "vip"), host));  // nulls compare false, never fail
}

// ---------------------------------------------------------------- journeys

TEST(Interp, SendWaitAndResumeAcrossAReload) {
  auto c = compile_source(R"(
journey welcome {
  on signup
  hello: send email "welcome" with { name: customer.name, plan: trigger.plan, n: 3 }
  let first = trigger.plan
  wait 1d
  send sms "tip" to customer.phone with { plan: first, when: now }
}
)");
  Instance run(c->module, "welcome", R"({"name": "Ada", "phone": "+331"})");
  RunResult r = run.start("signup", R"({"plan": "pro"})", t("2026-11-26T10:00:00Z"));
  ASSERT_EQ(r.stop, Stop::kWait);
  EXPECT_EQ(run.state().wait.kind, WaitKind::kUntil);
  EXPECT_EQ(format_time(run.state().wait.until), "2026-11-27T10:00:00Z");
  ASSERT_EQ(run.sends().size(), 1u);
  EXPECT_EQ(run.sends()[0].step, "hello");
  EXPECT_EQ(run.sends()[0].to, "");  // no `to`: the runtime applies the channel's default
  EXPECT_EQ(run.sends()[0].vars, R"({"name":"Ada","plan":"pro","n":3})");
  run.reload();
  r = run.timer();
  EXPECT_EQ(r.stop, Stop::kEnd);
  ASSERT_EQ(run.sends().size(), 2u);
  EXPECT_EQ(run.sends()[1].channel, "sms");
  EXPECT_EQ(run.sends()[1].to, "+331");
  EXPECT_EQ(run.sends()[1].step, "L7");
  EXPECT_EQ(run.sends()[1].vars, R"({"plan":"pro","when":"2026-11-27T10:00:00Z"})");
}

TEST(Interp, WaitUpToBranchAndTimeout) {
  auto c = compile_source(R"(
journey cart {
  on cart_updated
  wait up to 1h {
    on purchase where event.total > 10 { send email "thanks" with { total: event.total } }
    on purchase { send email "small" }
    timeout { send email "reminder" }
  }
  send email "after"
}
)");
  {
    Instance run(c->module, "cart", "{}");
    ASSERT_EQ(run.start("cart_updated", "{}", t("2026-11-26T10:00:00Z")).stop, Stop::kWait);
    EXPECT_EQ(run.state().wait.kind, WaitKind::kUpTo);
    run.reload();
    EXPECT_FALSE(run.matches("purchase", R"({"total": 5})", t("2026-11-26T10:30:00Z"), 0));
    EXPECT_TRUE(run.matches("purchase", R"({"total": 50})", t("2026-11-26T10:30:00Z"), 0));
    EXPECT_EQ(run.branch(0).stop, Stop::kEnd);
    ASSERT_EQ(run.sends().size(), 2u);
    EXPECT_EQ(run.sends()[0].template_name, "thanks");
    EXPECT_EQ(run.sends()[0].vars, R"({"total":50})");
    EXPECT_EQ(run.sends()[1].template_name, "after");
  }
  {
    Instance run(c->module, "cart", "{}");
    ASSERT_EQ(run.start("cart_updated", "{}", t("2026-11-26T10:00:00Z")).stop, Stop::kWait);
    EXPECT_EQ(format_time(run.state().wait.until), "2026-11-26T11:00:00Z");
    EXPECT_EQ(run.timer().stop, Stop::kEnd);
    ASSERT_EQ(run.sends().size(), 2u);
    EXPECT_EQ(run.sends()[0].template_name, "reminder");
  }
}

TEST(Interp, NullDurationsContinueAtOnce) {
  auto c = compile_source(R"(
journey j {
  on x
  wait customer.delay
  wait up to customer.delay { on y { send email "y" } timeout { send email "timeout" } }
  wait until customer.when
  send email "done"
}
)");
  Instance run(c->module, "j", R"({"when": "2020-01-01T00:00:00Z"})");
  EXPECT_EQ(run.start("x", "{}", t("2026-11-26T10:00:00Z")).stop, Stop::kEnd);
  ASSERT_EQ(run.sends().size(), 2u);
  EXPECT_EQ(run.sends()[0].template_name, "timeout");
  EXPECT_EQ(run.sends()[1].template_name, "done");
}

TEST(Interp, WaitUntilLocalTimeInTheCustomersZone) {
  auto c = compile_source(R"(
journey j {
  on x
  wait until 09:00 on mon..fri in customer.tz
  send email "morning"
}
)");
  Instance run(c->module, "j", R"({"tz": "America/New_York"})");
  // Friday 2026-11-27 15:00Z is 10:00 in New York: next weekday 09:00 is Monday 14:00Z.
  ASSERT_EQ(run.start("x", "{}", t("2026-11-27T15:00:00Z")).stop, Stop::kWait);
  EXPECT_EQ(format_time(run.state().wait.until), "2026-11-30T14:00:00Z");
}

TEST(Interp, IfSplitSetAndGotoWithOccurrences) {
  auto c = compile_source(R"(
journey loop {
  on x
  let n = 0
  top: let n = n + 1
  if n > 3 { exit } else if n == 2 { set customer.stage = "two" } else { send push "ping" }
  split ab { variant a 50% { send email "a" } control 50% }
  wait 1d
  goto top
}
)");
  Instance run(c->module, "loop", "{}", "customer-7");
  RunResult r = run.start("x", "{}", t("2026-11-26T10:00:00Z"));
  int waits = 0;
  while (r.stop == Stop::kWait) {
    ++waits;
    run.reload();
    r = run.timer();
  }
  EXPECT_EQ(r.stop, Stop::kExit);
  EXPECT_EQ(waits, 3);
  EXPECT_EQ(run.host().traits_set.at("stage"), "two");
  // The push ran for n = 1 and n = 3: occurrences 0 and 1 of the same send.
  std::vector<uint32_t> push_occ;
  for (auto& s : run.sends())
    if (s.channel == "push") push_occ.push_back(s.occurrence);
  EXPECT_EQ(push_occ, (std::vector<uint32_t>{0, 1}));
}

uint64_t fnv(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char ch : s) h = (h ^ ch) * 0x100000001b3ULL;
  return h;
}

TEST(Interp, SplitBucketIsFnvOfJourneySplitCustomer) {
  auto c = compile_source(R"(
journey promo {
  on x
  split offer { variant a 33.33% { send email "a" } control 33.33% variant b 33.34% { send email "b" } }
}
)");
  for (int i = 0; i < 40; ++i) {
    std::string id = "cust-" + std::to_string(i);
    Instance run(c->module, "promo", "{}", id);
    ASSERT_EQ(run.start("x", "{}", t("2026-11-26T10:00:00Z")).stop, Stop::kEnd);
    uint64_t bucket = fnv("promo/offer/" + id) % 10000;
    std::string expected = bucket < 3333 ? "a" : bucket < 6666 ? "" : "b";
    std::string got = run.sends().empty() ? "" : run.sends()[0].template_name;
    EXPECT_EQ(got, expected) << id << " bucket " << bucket;
  }
}

TEST(Interp, DeferredSendIsMadeAtTheEndWithTheSameOccurrence) {
  auto c = compile_source(R"(
journey j {
  on x
  send email "late" with { v: trigger.v }
  send email "next"
}
)");
  Instance run(c->module, "j", "{}");
  run.host().defer_sends_until(t("2026-11-27T08:00:00Z"));
  RunResult r = run.start("x", R"({"v": "kept"})", t("2026-11-26T23:00:00Z"));
  ASSERT_EQ(r.stop, Stop::kWait);
  EXPECT_EQ(run.state().wait.kind, WaitKind::kDeferredSend);
  EXPECT_TRUE(run.sends().empty());
  run.reload();
  EXPECT_EQ(run.timer().stop, Stop::kEnd);
  ASSERT_EQ(run.sends().size(), 2u);
  EXPECT_EQ(run.sends()[0].template_name, "late");
  EXPECT_TRUE(run.sends()[0].resumed);
  EXPECT_EQ(run.sends()[0].occurrence, 0u);
  EXPECT_EQ(run.sends()[0].vars, R"({"v":"kept"})");
  EXPECT_EQ(format_time(run.sends()[0].time), "2026-11-27T08:00:00Z");
}

TEST(Interp, ObjectsInLocalsSurviveAWait) {
  auto c = compile_source(R"(
journey j {
  on order
  let item = event.items[0]
  wait 1h
  send email "item" with { sku: item.sku, qty: item["qty"] }
}
)");
  Instance run(c->module, "j", "{}");
  ASSERT_EQ(run.start("order", R"({"items": [{"sku": "A-1", "qty": 2}]})", t("2026-11-26T10:00:00Z")).stop,
            Stop::kWait);
  run.reload();
  EXPECT_EQ(run.timer().stop, Stop::kEnd);
  ASSERT_EQ(run.sends().size(), 1u);
  EXPECT_EQ(run.sends()[0].vars, R"({"sku":"A-1","qty":2})");
}

TEST(Interp, RunawayBodyIsStoppedAfterTenThousandSteps) {
  // Valid source cannot loop without a wait (E0402), so build the body by hand: STEP; JMP -2.
  Module m;
  Function body;
  body.name = "spin: body";
  body.kind = FunctionKind::kJourney;
  body.num_registers = 1;
  body.code = {Instr::abx(Op::STEP, 0, 0), Instr::jump(Op::JMP, 0, -2)};
  m.functions.push_back(std::move(body));
  m.steps.push_back({"L1", 1, 1});
  JourneyDesc j;
  j.name = "spin";
  j.body_fn = 0;
  m.journeys.push_back(std::move(j));
  std::string error;
  ASSERT_TRUE(m.finalize_views(&error)) << error;
  testing::JsonHost host(m);
  host.set_customer("c", "{}");
  Interpreter interp(m);
  InstanceState st;
  st.journey = 0;
  RunResult r = interp.run(st, Resume{}, host);
  EXPECT_EQ(r.stop, Stop::kRunaway);
  EXPECT_EQ(r.steps, kMaxStepsPerActivation + 1);
}

// The fused tests (EQJ ... ENDSJ) answer as their operators and take or skip the jump after them,
// JMPIF or JMPIFNOT, as that jump would have on its own.
TEST(Interp, FusedTestsTakeOrSkipTheJumpAfterThem) {
  Module m;
  test::build_fused_tests(m);
  std::string error;
  ASSERT_TRUE(m.finalize_views(&error)) << error;
  testing::JsonHost host(m);
  host.set_customer("c", "{}");
  Interpreter interp(m);
  Value yes = interp.call(m.segments[0].fn, host, &error);
  ASSERT_EQ(yes.kind, Kind::kBool) << error;
  EXPECT_TRUE(yes.b);
  Value no = interp.call(m.segments[1].fn, host, &error);
  ASSERT_EQ(no.kind, Kind::kBool) << error;
  EXPECT_FALSE(no.b);
}

// The fused field tests (FEQJ ... FENDSJ) read the field, answer as their test would on it and
// take or skip the test's jump; a jump to the test after one runs that test on its own.
TEST(Interp, FusedFieldTestsReadTestAndJump) {
  Module m;
  test::build_fused_field_tests(m);
  std::string error;
  ASSERT_TRUE(m.finalize_views(&error)) << error;
  ASSERT_TRUE(verify_module(m, &error)) << error;
  testing::JsonHost host(m);
  host.set_customer("c", R"({"s": "abc", "n": 5, "t": ["x", "abc"]})");
  Interpreter interp(m);
  for (uint32_t s = 0; s < m.segments.size(); ++s) {
    Value v = interp.call(m.segments[s].fn, host, &error);
    ASSERT_EQ(v.kind, Kind::kBool) << m.segments[s].name << ": " << error;
    EXPECT_EQ(v.b, s != 1) << m.segments[s].name;
  }
  // Each fused field test answers exactly as FIELD, then its test, then the jump: run the same
  // code with every F<OP>J turned back into FIELD and compare, over customers that make each
  // test true, false or meet other kinds (null, a missing field, a list, a float).
  Module plain;
  test::build_fused_field_tests(plain);
  for (Function& f : plain.functions)
    for (Instr& in : f.code)
      if (is_field_test(in.op)) in.op = Op::FIELD;
  ASSERT_TRUE(plain.finalize_views(&error)) << error;
  testing::JsonHost plain_host(plain);
  Interpreter plain_interp(plain);
  for (const char* customer : {R"({"s": "abc", "n": 5, "t": ["x", "abc"]})", R"({"s": "xbc", "n": 3.5, "t": "abc"})",
                               R"({"s": null, "n": "5", "t": ["abc"], "none": 1})", R"({})",
                               R"({"s": ["abc"], "n": 7, "t": [], "none": null})"}) {
    host.set_customer("c", customer);
    plain_host.set_customer("c", customer);
    for (uint32_t s = 0; s < m.segments.size(); ++s) {
      Value a = interp.call(m.segments[s].fn, host, &error);
      Value b = plain_interp.call(plain.segments[s].fn, plain_host, &error);
      ASSERT_EQ(a.kind, Kind::kBool) << customer;
      ASSERT_EQ(b.kind, Kind::kBool) << customer;
      EXPECT_EQ(a.b, b.b) << m.segments[s].name << " over " << customer;
    }
  }
}

// The interpreter does not bounds-check every instruction fetch: it checks on entry that the last
// instruction cannot fall through and checks every jump's target. Code that slipped past the
// verifier is refused, never read beyond its end.
TEST(Interp, UnverifiedCodeNeverRunsOffItsEnd) {
  Module m;
  auto add = [&](std::vector<Instr> code) {
    Function f;
    f.name = "bad " + std::to_string(m.functions.size());
    f.kind = FunctionKind::kValue;
    f.num_registers = 2;
    f.code = std::move(code);
    m.functions.push_back(std::move(f));
  };
  add({Instr::abx(Op::LOADTRUE, 0, 0)});                                          // falls through
  add({Instr::jump(Op::JMP, 0, 5), Instr::abx(Op::RET, 0, 0)});                   // jumps past the end
  add({Instr::abx(Op::LOADTRUE, 0, 0), Instr::jump(Op::JMPIF, 0, -9), Instr::abx(Op::RET, 0, 0)});  // before the start
  add({Instr::abx(Op::LOADK, 0, 0), Instr::abc(Op::EQJ, 1, 0, 0), Instr::jump(Op::JMPIF, 1, 7),
       Instr::abx(Op::RET, 1, 0)});                                               // a fused test's jump past the end
  add({Instr::abx(Op::LOADTRUE, 0, 0), Instr::abc(Op::EQJ, 1, 0, 0)});            // a fused test last
  add({Instr::abx(Op::LOADTRUE, 0, 0), Instr::abc(Op::FEQJ, 1, 0, 0), Instr::abx(Op::RET, 1, 0)});  // no jump after
  add({Instr::abx(Op::CUSTOMER, 0, 0), Instr::abc(Op::FGEJ, 1, 0, 0), Instr::abc(Op::GEJ, 1, 1, 0, kConstC),
       Instr::jump(Op::JMPIFNOT, 1, 9), Instr::abx(Op::RET, 1, 0)});             // a field test's jump past the end
  add({});                                                                        // no code
  ConstantDesc one;
  one.kind = Kind::kInt;
  one.i = 1;
  m.add_constant(one);
  std::string error;
  ASSERT_TRUE(m.finalize_views(&error)) << error;
  testing::JsonHost host(m);
  host.set_customer("c", "{}");
  Interpreter interp(m);
  for (uint32_t f = 0; f < m.functions.size(); ++f) {
    error.clear();
    Value v = interp.call(f, host, &error);
    EXPECT_TRUE(v.is_null()) << m.functions[f].name;
    EXPECT_NE(error.find("ran off the end of the code in " + m.functions[f].name), std::string::npos)
        << m.functions[f].name << ": " << error;
  }
}

// Every journey of examples/: run it twice, once in one interpreter and once encoding, decoding
// and resuming in a fresh interpreter at every wait; the dispatches and stops must be identical.
std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Interp, ExamplesResumeIdenticallyAfterEveryWait) {
  namespace fs = std::filesystem;
  auto compiled = std::make_unique<Compiled>();
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(fs::path(LAUD_SOURCE_DIR) / "examples"))
    if (e.path().extension() == ".journey") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (auto& f : files) compiler::add_source(compiled->c, f.filename().string(), read_text(f.string()));
  ASSERT_TRUE(compiler::compile(compiled->c, compiled->module)) << compiled->c.diags.render_text();
  const Module& m = compiled->module;
  const std::string profile = R"({"email":"ada@example.com","phone":"+33100000000","first_name":"Ada",
      "name":"Ada","timezone":"Europe/Paris","ltv":900,"tags":["vip","beta"],"country":"FR","plan":"pro",
      "points":120,"tier":"gold","appointment_at":"2026-12-03T09:00:00Z","starts_at":"2026-12-03T09:00:00Z"})";
  const std::string props = R"({"order_id":"o-1","total":120,"amount":120,"plan":"pro","cart_id":"k-1",
      "items":[{"sku":"A-1","qty":1}],"starts_at":"2026-12-03T09:00:00Z","tracking_url":"https://t/1"})";
  size_t waits_checked = 0;
  for (uint32_t ji = 0; ji < m.journeys.size(); ++ji) {
    const JourneyDesc& j = m.journeys[ji];
    std::string event = "x";
    for (const TriggerDesc& tr : j.triggers)
      if (tr.kind == TriggerKind::kEvent) event = tr.event;
    Instance plain(m, j.name, profile), reloaded(m, j.name, profile);
    int64_t now = t("2026-11-26T10:00:00Z");
    RunResult a = plain.start(event, props, now), b = reloaded.start(event, props, now);
    for (int step = 0; step < 12 && a.stop == Stop::kWait; ++step) {
      ASSERT_EQ(b.stop, Stop::kWait) << j.name;
      EXPECT_EQ(plain.state().wait.until, reloaded.state().wait.until) << j.name;
      reloaded.reload();
      ++waits_checked;
      a = plain.timer();
      b = reloaded.timer();
    }
    EXPECT_EQ(a.stop, b.stop) << j.name;
    ASSERT_EQ(plain.sends().size(), reloaded.sends().size()) << j.name;
    for (size_t i = 0; i < plain.sends().size(); ++i) {
      const auto &x = plain.sends()[i], &y = reloaded.sends()[i];
      EXPECT_EQ(x.step + x.channel + x.template_name + x.to + x.vars, y.step + y.channel + y.template_name + y.to + y.vars)
          << j.name << " send " << i;
      EXPECT_EQ(x.occurrence, y.occurrence);
      EXPECT_EQ(x.time, y.time);
    }
  }
  EXPECT_GE(waits_checked, 10u);
}

}  // namespace
}  // namespace laud::vm
