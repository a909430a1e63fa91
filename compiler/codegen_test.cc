// codegen_test.cc — code generation: every example and positive parse program compiles to a
// module that passes verification; structural promises (predicates jump only forward, locals are
// the low registers, dispatch ids use the `send` keyword's position, trigger_fields); and the
// generated code, run by the interpreter against a scripted host, computes what §3–§7 say.
#include "compiler/codegen.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/json_host.h"
#include "vm/disasm.h"
#include "vm/interp.h"
#include "vm/module_format.h"
#include "vm/verifier.h"

namespace laud::compiler {
namespace {

namespace fs = std::filesystem;
using vm::Op;

const fs::path kRoot = fs::path(LAUD_SOURCE_DIR);

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Compiled {
  std::unique_ptr<Compilation> c = std::make_unique<Compilation>();
  std::unique_ptr<vm::Module> m = std::make_unique<vm::Module>();
  bool ok = false;
};

Compiled compile_files(const std::vector<fs::path>& files) {
  Compiled r;
  for (const fs::path& f : files) add_source(*r.c, fs::relative(f, kRoot).generic_string(), read_file(f));
  r.ok = compile(*r.c, *r.m);
  return r;
}

Compiled compile_text(const std::string& text) {
  Compiled r;
  add_source(*r.c, "test.journey", text);
  r.ok = compile(*r.c, *r.m);
  return r;
}

std::vector<fs::path> journey_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".journey") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

bool is_jump(Op op) { return op == Op::JMP || op == Op::JMPIF || op == Op::JMPIFNOT || op == Op::JMPNOTNULL; }

// Checks of our own on top of the verifier: jump targets in range, predicates forward only,
// temporaries of sends above the locals, functions ending in RET / END / EXIT / JMP.
void expect_well_formed(const vm::Module& m) {
  std::string error;
  EXPECT_TRUE(vm::verify_module(m, &error)) << error;
  for (size_t f = 0; f < m.functions.size(); ++f) {
    const vm::Function& fn = m.functions[f];
    ASSERT_FALSE(fn.code.empty()) << fn.name;
    Op last = fn.code.back().op;
    EXPECT_TRUE(last == Op::RET || last == Op::END || last == Op::EXIT || last == Op::JMP) << fn.name;
    EXPECT_FALSE(fn.debug.empty()) << fn.name << " has no debug location";
    for (uint32_t pc = 0; pc < fn.code.size(); ++pc) {
      const vm::Instr& i = fn.code[pc];
      if (is_jump(i.op)) {
        int64_t target = static_cast<int64_t>(pc) + 1 + i.sbx();
        EXPECT_GE(target, 0) << fn.name << " pc " << pc;
        EXPECT_LT(target, static_cast<int64_t>(fn.code.size())) << fn.name << " pc " << pc;
        if (fn.kind != vm::FunctionKind::kJourney) {
          EXPECT_GT(i.sbx(), -1) << fn.name << " pc " << pc << ": a predicate jumps backward";
        }
      }
      if (i.op == Op::SEND) {
        EXPECT_GE(i.a, fn.num_locals) << fn.name << ": send operands overwrite a local";
      }
      if (fn.kind != vm::FunctionKind::kJourney) {
        EXPECT_NE(i.op, Op::STEP) << fn.name;
        EXPECT_NE(i.op, Op::SEND) << fn.name;
      }
    }
  }
}

// ---------------------------------------------------------------- every program compiles

TEST(Codegen, ExamplesCompileAsOneModuleAndVerify) {
  Compiled r = compile_files(journey_files(kRoot / "examples"));
  ASSERT_TRUE(r.ok) << r.c->diags.render_text();
  expect_well_formed(*r.m);
  EXPECT_GE(r.m->journeys.size(), 6u);
  for (const vm::JourneyDesc& j : r.m->journeys) {
    ASSERT_LT(j.body_fn, r.m->functions.size());
    EXPECT_EQ(r.m->functions[j.body_fn].kind, vm::FunctionKind::kJourney);
  }
  // The disassembler handles every construct of the examples, with and without sources.
  std::vector<std::string> texts;
  for (const fs::path& f : journey_files(kRoot / "examples")) texts.push_back(read_file(f));
  EXPECT_NE(vm::disassemble(*r.m).find("journeys"), std::string::npos);
  EXPECT_NE(vm::disassemble(*r.m, &texts).find("examples/onboarding.journey:"), std::string::npos);
}

// The peephole of FnGen::finish: every operator followed by a JMPIF/JMPIFNOT on its register is
// fused (EQ → EQJ ...), every FIELD whose value only the fused test after it reads (b, written
// over, c a constant) is fused with it (FIELD → FEQJ ...), and no jump lands on a JMP or on the
// same conditional jump of the same register (it goes to the final target at once).
void expect_peephole_applied(const vm::Module& m) {
  auto fusable = [](Op op) {
    switch (op) {
      case Op::EQ: case Op::NE: case Op::LT: case Op::LE: case Op::GT: case Op::GE:
      case Op::IN: case Op::CONTAINS: case Op::STARTS: case Op::ENDS: return true;
      default: return false;
    }
  };
  for (const vm::Function& fn : m.functions) {
    for (uint32_t pc = 0; pc + 1 < fn.code.size(); ++pc) {
      const vm::Instr& i = fn.code[pc];
      const vm::Instr& next = fn.code[pc + 1];
      if (fusable(i.op) && (next.op == Op::JMPIF || next.op == Op::JMPIFNOT) && next.a == i.a)
        ADD_FAILURE() << fn.name << " pc " << pc << ": " << vm::op_name(i.op) << " not fused with its jump";
      if (i.op == Op::FIELD && vm::op_format(next.op) == vm::Format::ABCJ && next.a == i.a && next.b() == i.a &&
          (next.k & (vm::kConstB | vm::kConstC)) == vm::kConstC)
        ADD_FAILURE() << fn.name << " pc " << pc << ": FIELD not fused with the " << vm::op_name(next.op) << " after it";
      if (vm::is_field_test(i.op)) {
        EXPECT_EQ(next.op, vm::fused_test_of(i.op)) << fn.name << " pc " << pc;
      }
      if (!is_jump(i.op)) continue;
      const vm::Instr& t = fn.code[static_cast<uint32_t>(int64_t{pc} + 1 + i.sbx())];
      EXPECT_FALSE(t.op == Op::JMP || (i.op != Op::JMP && t.op == i.op && t.a == i.a))
          << fn.name << " pc " << pc << ": a jump to a jump";
    }
  }
}

TEST(Codegen, PeepholeFusesTestsAndThreadsJumps) {
  Compiled e = compile_files(journey_files(kRoot / "examples"));
  ASSERT_TRUE(e.ok) << e.c->diags.render_text();
  expect_peephole_applied(*e.m);

  Compiled r = compile_text(
      "segment s = customer.a == 1 and customer.b > 2 and customer.t contains \"x\" and not (customer.c == 3)\n"
      "segment o = customer.a == 1 or customer.b != 2 or customer.c\n"
      "segment n = not (customer.a != 1)\n"
      "segment p = customer.a == customer.b and 1 < customer.c and customer.d * 2 > 3 and customer.e ends_with \"x\"\n");
  ASSERT_TRUE(r.ok) << r.c->diags.render_text();
  expect_well_formed(*r.m);
  expect_peephole_applied(*r.m);
  auto ops = [&](uint32_t seg) {
    std::vector<Op> out;
    for (const vm::Instr& i : r.m->functions[r.m->segments[seg].fn].code) out.push_back(i.op);
    return out;
  };
  // `not (x == y)` is one NE; every false clause jumps straight to the RET; a field compared with a
  // constant and tested is one fused field test (the last clause is returned, not tested).
  EXPECT_EQ(ops(0), (std::vector<Op>{Op::CUSTOMER, Op::FEQJ, Op::EQJ, Op::JMPIFNOT, Op::FGTJ, Op::GTJ, Op::JMPIFNOT,
                                     Op::FCONTAINSJ, Op::CONTAINSJ, Op::JMPIFNOT, Op::FIELD, Op::NE, Op::RET}));
  const vm::Function& s = r.m->functions[r.m->segments[0].fn];
  for (uint32_t pc : {3u, 6u, 9u}) EXPECT_EQ(pc + 1 + s.code[pc].sbx(), 12) << "pc " << pc;
  // `or` as a value: both JMPIFs go to the TRUTH that normalises `customer.c`.
  EXPECT_EQ(ops(1), (std::vector<Op>{Op::CUSTOMER, Op::FEQJ, Op::EQJ, Op::JMPIF, Op::FNEJ, Op::NEJ, Op::JMPIF,
                                     Op::FIELD, Op::TRUTH, Op::RET}));
  const vm::Function& o = r.m->functions[r.m->segments[1].fn];
  for (uint32_t pc : {3u, 6u}) EXPECT_EQ(pc + 1 + o.code[pc].sbx(), 8) << "pc " << pc;
  EXPECT_EQ(ops(2), (std::vector<Op>{Op::CUSTOMER, Op::FIELD, Op::EQ, Op::RET}));
  // Not fused: two fields compared (the test's c is a register), a constant on the left (b), a
  // field used in arithmetic first. Only the last test of a field with a constant is.
  EXPECT_EQ(ops(3), (std::vector<Op>{Op::CUSTOMER, Op::FIELD, Op::FIELD, Op::EQJ, Op::JMPIFNOT, Op::FIELD, Op::LTJ,
                                     Op::JMPIFNOT, Op::FIELD, Op::MUL, Op::GTJ, Op::JMPIFNOT, Op::FIELD, Op::ENDS,
                                     Op::RET}));
  Compiled c = compile_text(
      "segment q = customer.a >= 1 and customer.b ends_with \"x\"  and customer.c\n"
      "journey j {\n  on e where event.n > 1 and event.s starts_with \"a\"\n"
      "  if customer.x in [1, 2] and customer.y <= 3 {\n    exit\n  }\n}\n");
  ASSERT_TRUE(c.ok) << c.c->diags.render_text();
  expect_well_formed(*c.m);
  expect_peephole_applied(*c.m);
  size_t fused = 0;
  for (const vm::Function& fn : c.m->functions)
    for (const vm::Instr& i : fn.code) fused += vm::is_field_test(i.op);
  EXPECT_EQ(fused, 5u) << vm::disassemble(*c.m);  // q: 2, the filter: 1 (its last test is returned), the if: 2
}

TEST(Codegen, ModuleFileRoundTripKeepsTheListing) {
  Compiled a = compile_files(journey_files(kRoot / "examples"));
  Compiled b = compile_files(journey_files(kRoot / "examples"));
  ASSERT_TRUE(a.ok && b.ok);
  std::string bytes = vm::write_module(*a.m);
  EXPECT_EQ(bytes, vm::write_module(*b.m)) << "codegen is not deterministic";
  vm::Module loaded;
  std::string error;
  ASSERT_TRUE(vm::read_module(bytes, loaded, &error)) << error;
  EXPECT_EQ(vm::disassemble(loaded), vm::disassemble(*a.m));
}

TEST(Disassembler, SurvivesOutOfRangeOperandsAndAlteredModules) {
  // An unverified module: every index out of range prints as `?`.
  vm::Module bad;
  vm::Function fn;
  fn.name = "bad";
  for (uint32_t op = 0; op < vm::kOpCount; ++op)
    fn.code.push_back(vm::Instr::abc(static_cast<Op>(op), 7, 999, 999, vm::kConstB | vm::kConstC));
  fn.code.push_back(vm::Instr::abx(Op::SEND, 1, 12345));
  fn.debug.push_back({0, 42, 1, 1});
  bad.functions.push_back(std::move(fn));
  std::vector<std::string> no_sources;
  EXPECT_NE(vm::disassemble(bad, &no_sources).find("?"), std::string::npos);

  // Altered module files: whatever loads (and so verifies) disassembles.
  Compiled r = compile_files(journey_files(kRoot / "examples"));
  ASSERT_TRUE(r.ok);
  const std::string bytes = vm::write_module(*r.m);
  uint64_t seed = 12345;
  auto next = [&] { return seed = seed * 6364136223846793005ULL + 1442695040888963407ULL; };
  int loaded = 0;
  for (int round = 0; round < 400; ++round) {
    std::string b = bytes;
    for (int k = 0; k < 1 + round % 4; ++k) b[(next() >> 33) % b.size()] = static_cast<char>(next() >> 56);
    vm::reseal_module(b);
    vm::Module m;
    std::string error;
    if (!vm::read_module(b, m, &error)) continue;
    ++loaded;
    EXPECT_FALSE(vm::disassemble(m).empty());
  }
  EXPECT_GT(loaded, 0);
}

class ParseProgram : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseProgram, CompilesAndVerifies) {
  Compiled r = compile_files({kRoot / "tests" / "golden" / "parse" / GetParam()});
  ASSERT_TRUE(r.ok) << r.c->diags.render_text();
  expect_well_formed(*r.m);
}

std::vector<std::string> parse_programs() {
  std::vector<std::string> names;
  for (const fs::path& p : journey_files(kRoot / "tests" / "golden" / "parse")) names.push_back(p.filename().string());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Golden, ParseProgram, ::testing::ValuesIn(parse_programs()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param.substr(0, info.param.rfind('.'));
                           for (char& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

// ---------------------------------------------------------------- structure

TEST(Codegen, DispatchIdPositionIsTheSendKeyword) {
  Compiled r = compile_text(
      "journey j {\n"
      "  on signup\n"
      "  welcome:   send email \"w\"\n"
      "  send sms \"s\"\n"
      "  multi:\n"
      "    send push \"p\"\n"
      "}\n");
  ASSERT_TRUE(r.ok) << r.c->diags.render_text();
  ASSERT_EQ(r.m->sends.size(), 3u);
  EXPECT_EQ(r.m->sends[0].step, "welcome");
  EXPECT_EQ(r.m->sends[0].line, 3u);
  EXPECT_EQ(r.m->sends[0].col, 14u);
  EXPECT_EQ(r.m->sends[1].step, "L4");
  EXPECT_EQ(r.m->sends[1].col, 3u);
  EXPECT_EQ(r.m->sends[2].step, "multi");
  EXPECT_EQ(r.m->sends[2].line, 6u);
  EXPECT_EQ(r.m->sends[2].col, 5u);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(r.m->sends[i].index_in_journey, i);
  EXPECT_EQ(r.m->journeys[0].num_sends, 3u);
}

TEST(Codegen, LetLocalsAreTheLowRegisters) {
  Compiled r = compile_text(
      "journey j {\n"
      "  on signup\n"
      "  let a = customer.x\n"
      "  let b = 2\n"
      "  s: send email \"s\" with { a: a, b: b, c: customer.y + 1 }\n"
      "  let a = a + b\n"
      "}\n");
  ASSERT_TRUE(r.ok) << r.c->diags.render_text();
  expect_well_formed(*r.m);
  const vm::Function& body = r.m->functions[r.m->journeys[0].body_fn];
  EXPECT_EQ(body.num_locals, 2);
  // The instruction before each `let`'s next STEP writes the local's own register.
  std::vector<uint32_t> writes;
  for (uint32_t pc = 1; pc < body.code.size(); ++pc)
    if (body.code[pc].op == Op::STEP || body.code[pc].op == Op::END) writes.push_back(body.code[pc - 1].a);
  ASSERT_EQ(writes.size(), 4u);
  EXPECT_EQ(writes[0], 0u);  // let a
  EXPECT_EQ(writes[1], 1u);  // let b
  EXPECT_EQ(writes[3], 0u);  // let a = a + b
  for (const vm::Instr& i : body.code) {
    if (i.op == Op::SEND) {
      EXPECT_GE(i.a, 2);
    }
  }
}

TEST(Codegen, TriggerFieldsAreWhatTheJourneyReads) {
  Compiled r = compile_text(
      "journey fields {\n"
      "  on order\n"
      "  key trigger.order_id\n"
      "  exit on refund where event.id == trigger.refund_of\n"
      "  let amount = event.amount\n"  // `event` (EVENT): not a trigger field
      "  wait up to 1d {\n"
      "    on paid where event.order == trigger[\"order no\"] { p: send email \"p\" with { e: event.x } }\n"
      "  }\n"
      "  wait 1d\n"
      "  s: send email \"s\" with { t: trigger.$time, d: trigger.items[0].sku, a: amount }\n"
      "}\n"
      "journey all {\n"
      "  on order\n"
      "  let t = trigger\n"
      "}\n"
      "journey none {\n"
      "  on schedule at @2026-01-01T00:00:00Z\n"
      "  n: send email \"n\"\n"
      "}\n");
  ASSERT_TRUE(r.ok) << r.c->diags.render_text();
  EXPECT_EQ(r.m->journeys[0].trigger_fields,
            (std::vector<std::string>{"$time", "items", "order no", "order_id", "refund_of"}));
  EXPECT_EQ(r.m->journeys[1].trigger_fields, (std::vector<std::string>{"*"}));
  EXPECT_TRUE(r.m->journeys[2].trigger_fields.empty());
}

TEST(Codegen, SettingsAndPolicy) {
  Compiled r = compile_text(
      "policy { cap email 3 per 1d  quiet 22:00-08:00 in customer.tz }\n"
      "policy { cap sms 1 per 1h }\n"
      "segment s = customer.x == 1\n"
      "journey j {\n"
      "  on enter s\n"
      "  on schedule every 1d starting @2026-01-01T00:00:00Z\n"
      "  reentry after 2d\n"
      "  limit 5 per 1h\n"
      "  quiet 01:00-02:00 or skip\n"
      "  exit when customer.a == 1\n"
      "  exit when customer.b == 1\n"
      "  goal buy within 3d\n"
      "  x: send email \"x\"\n"
      "}\n"
      "journey k {\n"
      "  on schedule every 1d starting @2026-01-01T00:00:00Z\n"
      "  y: send email \"y\"\n"
      "}\n");
  ASSERT_TRUE(r.ok) << r.c->diags.render_text();
  expect_well_formed(*r.m);
  const vm::Module& m = *r.m;
  ASSERT_EQ(m.caps.size(), 2u);
  EXPECT_EQ(m.caps[1].channel, vm::Channel::kSms);
  EXPECT_EQ(m.caps[1].window_ms, 3'600'000);
  EXPECT_TRUE(m.policy_quiet.present);
  EXPECT_NE(m.policy_quiet.tz_fn, vm::kNone);
  const vm::JourneyDesc& j = m.journeys[0];
  ASSERT_EQ(j.triggers.size(), 2u);
  EXPECT_EQ(j.triggers[0].kind, vm::TriggerKind::kEnterSegment);
  EXPECT_EQ(j.triggers[0].segment, 0u);
  EXPECT_EQ(j.triggers[1].kind, vm::TriggerKind::kScheduleEvery);
  EXPECT_EQ(j.triggers[1].every_ms, 86'400'000);
  EXPECT_EQ(j.reentry, vm::Reentry::kAfter);
  EXPECT_EQ(j.reentry_after_ms, 2 * 86'400'000);
  EXPECT_EQ(j.limit_count, 5);
  EXPECT_TRUE(j.quiet.present && j.quiet.skip);
  EXPECT_EQ(j.quiet.tz_fn, vm::kNone);
  EXPECT_EQ(j.quiet.start_minutes, 60);
  EXPECT_NE(j.exit_when_fn, vm::kNone);
  ASSERT_EQ(j.goals.size(), 1u);
  EXPECT_EQ(j.goals[0].within_ms, 3 * 86'400'000);
  EXPECT_EQ(m.journeys[1].reentry, vm::Reentry::kAlways);  // the default with `on schedule every`
  EXPECT_FALSE(m.journeys[1].quiet.present);
}

TEST(Codegen, IdenticalAggregatesAndRegexesAreShared) {
  Compiled r = compile_text(
      "segment a = count(buy within 30d) > 1 and customer.e matches r\"x+\"\n"
      "segment b = count(buy within 720h) > 2 or customer.f matches r\"x+\"\n"
      "segment c = count(buy where event.n > 1 within 30d) > 1\n"
      "segment d = sum(buy.n where event.n > 1 within 30d) > 1\n");
  ASSERT_TRUE(r.ok) << r.c->diags.render_text();
  EXPECT_EQ(r.m->aggregates.size(), 3u);
  EXPECT_EQ(r.m->regexes.size(), 1u);
  EXPECT_EQ(r.m->aggregates[1].where_fn, r.m->aggregates[2].where_fn);  // one `where` function
  EXPECT_EQ(r.m->aggregates[0].within_ms, 30 * 86'400'000LL);
}

// ---------------------------------------------------------------- running the code

class Run : public ::testing::Test {
 protected:
  // Compiles `source`, starts journey 0 with the event as its trigger, returns the sends' vars.
  std::vector<std::string> start(const std::string& source, const std::string& customer = "{}",
                                 const std::string& event = "{}") {
    compiled_ = compile_text(source);
    EXPECT_TRUE(compiled_.ok) << compiled_.c->diags.render_text();
    if (!compiled_.ok) return {};
    expect_well_formed(*compiled_.m);
    host_ = std::make_unique<testing::JsonHost>(*compiled_.m);
    interp_ = std::make_unique<vm::Interpreter>(*compiled_.m);
    host_->set_interpreter(interp_.get());
    host_->set_customer("c-1", customer);
    host_->set_event("e", event, 1'000'000);
    host_->set_trigger_to_event();
    host_->set_now(1'000'000);
    state_ = vm::InstanceState{};
    state_.journey = 0;
    last_ = interp_->run(state_, vm::Resume{}, *host_);
    EXPECT_NE(last_.stop, vm::Stop::kError) << interp_->last_error();
    return vars();
  }

  std::vector<std::string> vars() const {
    std::vector<std::string> out;
    for (const auto& s : host_->sends) out.push_back(s.vars);
    return out;
  }

  // The value of EXPR (as JSON) with the given customer and trigger event.
  std::string eval(const std::string& expr, const std::string& customer = "{}", const std::string& event = "{}") {
    auto v = start("journey t {\n on e\n s: send email \"x\" with { v: " + expr + " }\n}\n", customer, event);
    if (v.size() != 1) return "<no send>";
    return v[0].substr(5, v[0].size() - 6);  // {"v":...}
  }

  Compiled compiled_;
  std::unique_ptr<testing::JsonHost> host_;
  std::unique_ptr<vm::Interpreter> interp_;
  vm::InstanceState state_;
  vm::RunResult last_;
};

TEST_F(Run, LogicIsTrueOnlyForTrue) {
  const std::string c = R"({"one":1,"yes":true,"no":false,"s":"x"})";
  EXPECT_EQ(eval("customer.one and customer.yes", c), "false");
  EXPECT_EQ(eval("customer.yes and customer.one", c), "false");
  EXPECT_EQ(eval("customer.yes and customer.yes", c), "true");
  EXPECT_EQ(eval("customer.missing or customer.one", c), "false");
  EXPECT_EQ(eval("customer.one or customer.yes", c), "true");
  EXPECT_EQ(eval("not customer.missing", c), "true");
  EXPECT_EQ(eval("not customer.yes", c), "false");
  EXPECT_EQ(eval("not (customer.yes and customer.no) or customer.one", c), "true");
}

// Fused tests, threaded jumps and `not (==)` folded to `!=` give what §3 says, on every path.
TEST_F(Run, FusedTestsAndThreadedJumpsKeepTheValues) {
  const std::string c =
      R"({"a":1,"b":2,"c":3,"s":"abc","t":["x","y"],"o":{"k":1},"when":"2026-01-01T00:00:00Z",)"
      R"("long":"someone.with.a.long.name@example.com"})";
  EXPECT_EQ(eval("customer.a == 1 and customer.b == 2 and customer.c == 3", c), "true");
  EXPECT_EQ(eval("customer.a == 0 and customer.b == 2 and customer.c == 3", c), "false");
  EXPECT_EQ(eval("customer.a == 1 and customer.b == 0 and customer.c == 3", c), "false");
  EXPECT_EQ(eval("customer.a == 0 or customer.b == 0 or customer.c == 3", c), "true");
  EXPECT_EQ(eval("customer.a == 0 or customer.b == 0 or customer.c == 0", c), "false");
  EXPECT_EQ(eval("(customer.a == 1 or customer.b == 0) and customer.c != 3", c), "false");
  EXPECT_EQ(eval("(customer.a == 0 or customer.b == 2) and (customer.s starts_with \"a\" or customer.zz)", c), "true");
  EXPECT_EQ(eval("customer.a == 0 or customer.b", c), "false");  // normalised by TRUTH
  EXPECT_EQ(eval("customer.s ends_with \"bc\" and customer.t contains \"y\" and customer.s in [\"abc\"] and "
                 "customer.a <= 1 and customer.a < 2 and customer.b >= 2 and customer.b > 1.5",
                 c),
            "true");
  EXPECT_EQ(eval("customer.s starts_with \"abcd\" or customer.s ends_with \"xabc\" or customer.t contains \"z\"", c),
            "false");
  EXPECT_EQ(eval("customer.s ends_with \"\" and customer.long ends_with \".long.name@example.com\"", c), "true");
  EXPECT_EQ(eval("customer.when in [\"x\", @2026-01-01T00:00:00Z] and not (customer.when in [@2026-01-02T00:00:00Z])", c),
            "true");
  EXPECT_EQ(eval("not (customer.a == 1)", c), "false");
  EXPECT_EQ(eval("not (customer.a != 1)", c), "true");
  EXPECT_EQ(eval("not (customer.missing == null)", c), "false");
  EXPECT_EQ(eval("not (customer.o == customer.o)", c), "true");  // an object equals nothing, itself included
  EXPECT_EQ(eval("not (customer.a == 1.0) or not (customer.s != \"abc\")", c), "true");
  EXPECT_EQ(eval("customer.missing ?? customer.none ?? 5", c), "5");
  EXPECT_EQ(eval("customer.missing ?? customer.a ?? 5", c), "1");
  EXPECT_EQ(eval("[customer.a == 1 and customer.b == 0, customer.c in [3] or customer.x]", c), "[false,true]");
}

TEST_F(Run, OperatorsAndConstants) {
  const std::string c = R"({"n":7,"f":2.5,"s":"Ada","tags":["a","vip"],"country":"FR","email":"x@laud.example"})";
  EXPECT_EQ(eval("customer.n * 2 + 1", c), "15");
  EXPECT_EQ(eval("100 - customer.n", c), "93");
  EXPECT_EQ(eval("customer.n / 2", c), "3");
  EXPECT_EQ(eval("-customer.n % 4", c), "-3");
  EXPECT_EQ(eval("customer.f < customer.n", c), "true");
  EXPECT_EQ(eval("3 >= customer.n", c), "false");
  EXPECT_EQ(eval("customer.s + \"!\"", c), "\"Ada!\"");
  EXPECT_EQ(eval("customer.missing ?? customer.s ?? \"z\"", c), "\"Ada\"");
  EXPECT_EQ(eval("customer.country in [\"FR\", \"DE\"]", c), "true");
  EXPECT_EQ(eval("customer.country in [customer.s, \"DE\"]", c), "false");
  EXPECT_EQ(eval("customer.tags contains \"vip\"", c), "true");
  EXPECT_EQ(eval("customer.email matches r\"@laud\\.example$\"", c), "true");
  EXPECT_EQ(eval("customer.s starts_with \"A\" and customer.s ends_with \"a\"", c), "true");
  EXPECT_EQ(eval("len(customer.tags) + int(\"3.9\")", c), "5");
  EXPECT_EQ(eval("[customer.n, 1, [customer.s]]", c), "[7,1,[\"Ada\"]]");
  EXPECT_EQ(eval("customer.tags[1]", c), "\"vip\"");
  EXPECT_EQ(eval("upper(\"abc\") + lower(customer.s)", c), "\"ABCada\"");
  EXPECT_EQ(eval("1d + 12h", c), "\"1d12h\"");
}

TEST_F(Run, EventAfterADeferredSendIsStillTheTrigger) {
  start(
      "journey t {\n on e\n"
      " first: send email \"first\" with { n: event.n }\n"
      " second: send email \"second\" with { n: event.n, t: trigger.n }\n}\n",
      "{}", R"({"n":3})");
  host_->defer_sends_until(5'000'000);
  state_ = vm::InstanceState{};
  state_.journey = 0;
  last_ = interp_->run(state_, vm::Resume{}, *host_);
  ASSERT_EQ(last_.stop, vm::Stop::kWait);
  host_->sends.clear();
  host_->clear_event();  // woken by a timer
  host_->set_now(5'000'000);
  last_ = interp_->run(state_, vm::Resume{vm::Resume::kTimer, 0}, *host_);
  EXPECT_EQ(last_.stop, vm::Stop::kEnd);
  EXPECT_EQ(vars(), (std::vector<std::string>{R"({"n":3})", R"({"n":3,"t":3})"}));
}

TEST_F(Run, EventBeforeAWaitIsTheTrigger) {
  EXPECT_EQ(eval("event.plan + \"/\" + trigger.plan + \"/\" + event.$name", "{}", R"({"plan":"pro"})"),
            "\"pro/pro/e\"");
  EXPECT_EQ(eval("customer[\"first name\"] ?? customer.$id", R"({"first name":"Ada"})"), "\"Ada\"");
}

TEST_F(Run, LetReassignmentReadsTheOldValue) {
  auto v = start(
      "journey t {\n on e\n"
      " let x = customer.n\n"
      " let x = customer.m ?? x\n"
      " let y = x > 1 and x < 10\n"
      " let y = y or x\n"
      " s: send email \"x\" with { x: x, y: y }\n}\n",
      R"({"n":5})");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], R"({"x":5,"y":true})");
}

TEST_F(Run, IfElseChainsAndSplitsAndGoto) {
  const std::string src =
      "journey t {\n on e\n"
      " let i = 0\n"
      " top: let i = i + 1\n"
      " if customer.plan == \"a\" { a: send email \"a\" with { i: i } }\n"
      " else if customer.plan == \"b\" or i > 1 { b: send email \"b\" with { i: i } }\n"
      " else { c: send email \"c\" with { i: i } }\n"
      " if i < 2 {\n   wait 1h\n   goto top\n }\n"
      " split sp { variant x 50% { x: send push \"x\" } control 50% }\n"
      " done: send sms \"d\"\n}\n";
  auto v = start(src, R"({"plan":"z"})");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(host_->sends[0].template_name, "c");
  ASSERT_EQ(last_.stop, vm::Stop::kWait);
  host_->set_now(1'000'000 + 3'600'000);
  last_ = interp_->run(state_, vm::Resume{vm::Resume::kTimer, 0}, *host_);
  EXPECT_EQ(last_.stop, vm::Stop::kEnd);
  ASSERT_GE(host_->sends.size(), 3u);
  EXPECT_EQ(host_->sends[1].template_name, "b");
  EXPECT_EQ(host_->sends[1].vars, R"({"i":2})");
  EXPECT_EQ(host_->sends.back().template_name, "d");
}

TEST_F(Run, WaitUpToBranchKeepsItsEventAcrossADeferredSend) {
  const std::string src =
      "journey t {\n on e\n"
      " let k = trigger.k\n"
      " wait up to 1d {\n"
      "   on paid where event.k == k {\n"
      "     first: send email \"first\" with { n: event.n }\n"
      "     second: send email \"second\" with { n: event.n, k: event.k }\n"
      "   }\n"
      "   timeout { late: send email \"late\" }\n"
      " }\n"
      " after_wait: send sms \"after\"\n}\n";
  start(src, "{}", R"({"k":7})");
  ASSERT_EQ(last_.stop, vm::Stop::kWait);
  host_->set_event("paid", R"({"k":8,"n":1})", 2'000'000);
  EXPECT_FALSE(interp_->branch_matches(state_, 0, *host_));
  host_->set_event("paid", R"({"k":7,"n":2})", 2'000'000);
  ASSERT_TRUE(interp_->branch_matches(state_, 0, *host_));
  host_->set_now(2'000'000);
  host_->defer_sends_until(5'000'000);  // quiet hours: the first send suspends the instance
  last_ = interp_->run(state_, vm::Resume{vm::Resume::kBranch, 0}, *host_);
  ASSERT_EQ(last_.stop, vm::Stop::kWait);
  EXPECT_TRUE(host_->sends.empty());
  host_->clear_event();  // woken by a timer: there is no current event any more
  host_->set_now(5'000'000);
  last_ = interp_->run(state_, vm::Resume{vm::Resume::kTimer, 0}, *host_);
  EXPECT_EQ(last_.stop, vm::Stop::kEnd);
  std::vector<std::string> got = vars();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], R"({"n":2})");
  EXPECT_EQ(got[1], R"({"n":2,"k":7})");
  EXPECT_EQ(host_->sends[2].template_name, "after");
}

TEST_F(Run, WaitUpToTimeoutTakesTheTimeoutBlock) {
  start(
      "journey t {\n on e\n"
      " wait up to 1d { on paid { p: send email \"p\" } timeout { late: send email \"late\" } }\n"
      " after_wait: send sms \"after\"\n}\n");
  ASSERT_EQ(last_.stop, vm::Stop::kWait);
  host_->clear_event();
  host_->set_now(1'000'000 + 86'400'000);
  last_ = interp_->run(state_, vm::Resume{vm::Resume::kTimer, 0}, *host_);
  EXPECT_EQ(last_.stop, vm::Stop::kEnd);
  ASSERT_EQ(host_->sends.size(), 2u);
  EXPECT_EQ(host_->sends[0].template_name, "late");
  EXPECT_EQ(host_->sends[1].template_name, "after");
}

TEST_F(Run, SegmentsAndFilters) {
  compiled_ = compile_text(
      "segment rich = customer.ltv >= 500\n"
      "segment vip = customer in rich and not (customer.staff == true)\n"
      "journey t {\n on buy where event.amount > 10 and event.currency == \"EUR\"\n"
      " audience customer in vip\n key trigger.order\n"
      " exit when customer.gone == true\n exit when customer.blocked\n x: send email \"x\"\n}\n");
  ASSERT_TRUE(compiled_.ok) << compiled_.c->diags.render_text();
  const vm::Module& m = *compiled_.m;
  testing::JsonHost host(m);
  vm::Interpreter interp(m);
  host.set_interpreter(&interp);
  host.set_customer("c", R"({"ltv":600,"blocked":1})");
  host.set_event("buy", R"({"amount":11,"currency":"EUR","order":"o-1"})", 0);
  host.set_trigger_to_event();
  const vm::JourneyDesc& j = m.journeys[0];
  EXPECT_TRUE(interp.call_predicate(j.triggers[0].where_fn, host));
  EXPECT_TRUE(interp.call_predicate(j.audience_fn, host));
  EXPECT_EQ(interp.call(j.key_fn, host).str(), "o-1");
  EXPECT_EQ(interp.call(j.exit_when_fn, host).kind, vm::Kind::kBool);
  EXPECT_FALSE(interp.call_predicate(j.exit_when_fn, host));  // blocked is 1, not true
  host.set_customer("c", R"({"ltv":600,"staff":true})");
  EXPECT_FALSE(interp.call_predicate(j.audience_fn, host));
}

}  // namespace
}  // namespace laud::compiler
