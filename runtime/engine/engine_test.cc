// engine_test.cc — the Execution Engine end to end over small journeys compiled here: stats
// counters (skips by reason, exits by rule, completions, dispatches per channel, suppressions,
// deferrals, goal conversions per split variant), the rejects sink, --until, --clock wall with an
// injected clock, determinism, and messageId duplicates (§8, §9, §13).
#include "runtime/engine/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/modules.h"
#include "compiler/driver.h"
#include "runtime/dispatch/sink.h"
#include "vm/module_format.h"
#include "vm/time_text.h"

namespace laud::runtime {
namespace {

namespace fs = std::filesystem;

int64_t T(std::string_view text) {
  std::optional<int64_t> t = vm::parse_rfc3339(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(0);
}

// A loaded module (vm::Module is neither copyable nor movable).
struct Mod {
  std::unique_ptr<vm::Module> p = std::make_unique<vm::Module>();
  operator const vm::Module&() const { return *p; }
  const vm::Module* operator->() const { return p.get(); }
};

// Compiles the sources as one module and round-trips it through the file format, as laudd loads it.
Mod build(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string error;
  std::string bytes = testing::compile_module_bytes(files, &error);
  EXPECT_FALSE(bytes.empty()) << error;
  Mod out;
  EXPECT_TRUE(vm::read_module(bytes, *out.p, &error)) << error;
  return out;
}

Mod build(const std::string& source) { return build({{"case.journey", source}}); }

struct RunOut {
  std::string dispatches, rejects, stats_json;
  Stats stats;
  std::vector<std::string> lines;  // dispatch lines
};

RunOut run(const vm::Module& m, const std::vector<std::string>& input, EngineOptions options = {}) {
  StringSink dispatches, rejects;
  Engine engine(m, dispatches, &rejects, std::move(options));
  uint64_t n = 0;
  for (const std::string& line : input) engine.process_line(line, ++n);
  engine.finish();
  RunOut r{dispatches.text, rejects.text, engine.stats_json(), engine.stats(), {}};
  std::istringstream in(dispatches.text);
  for (std::string l; std::getline(in, l);) r.lines.push_back(l);
  return r;
}

std::string track(std::string_view user, std::string_view event, std::string_view time,
                  std::string_view props = "{}", std::string_view extra = "") {
  std::string s = R"({"type":"track","userId":")" + std::string(user) + R"(","event":")" + std::string(event) +
                  R"(","properties":)" + std::string(props) + R"(,"timestamp":")" + std::string(time) + "\"";
  s += extra;
  s += '}';
  return s;
}

std::string identify(std::string_view user, std::string_view traits, std::string_view time) {
  return R"({"type":"identify","userId":")" + std::string(user) + R"(","traits":)" + std::string(traits) +
         R"(,"timestamp":")" + std::string(time) + "\"}";
}

uint64_t fnv(std::string_view s) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

size_t count_of(const std::string& text, std::string_view needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

uint32_t journey_index(const vm::Module& m, std::string_view name) {
  for (uint32_t j = 0; j < m.journeys.size(); ++j)
    if (m.journeys[j].name == name) return j;
  ADD_FAILURE() << "no journey " << name;
  return 0;
}

const JourneyStats& js(const vm::Module& m, const RunOut& r, std::string_view name) {
  return r.stats.journeys[journey_index(m, name)];
}

uint64_t dispatched(const JourneyStats& s, vm::Channel c) { return s.dispatched[static_cast<size_t>(c)]; }

// ---------------------------------------------------------------- input counters

TEST(engine_test, InputCounters) {
  Mod m = build("journey j { on ping\n a: send push \"x\" }");
  RunOut r = run(m, {
                     track("c1", "ping", "2026-12-01T10:00:00Z", "{}", R"(,"messageId":"m1")"),
                     "",
                     "   ",
                     R"({"type":"page","userId":"c1"})",
                     "not json",
                     track("c1", "ping", "2026-12-01T10:01:00Z", "{}", R"(,"messageId":"m1")"),  // duplicate
                     R"({"type":"track","userId":"c2","event":"ping"})",                         // no timestamp
                     identify("c2", R"({"plan":"pro"})", "2026-12-01T10:02:00Z"),
                 });
  EXPECT_EQ(r.stats.lines, 8u);
  EXPECT_EQ(r.stats.blank, 2u);
  EXPECT_EQ(r.stats.ignored, 1u);
  EXPECT_EQ(r.stats.rejected, 2u);
  EXPECT_EQ(r.stats.accepted, 3u);  // the duplicate is accepted (§13)
  EXPECT_EQ(r.stats.duplicates, 1u);
  EXPECT_EQ(r.stats.dispatched, 1u);
  EXPECT_EQ(js(m, r, "j").entered, 1u);
  EXPECT_NE(r.stats_json.find("\"lines\": 8,"), std::string::npos) << r.stats_json;
  EXPECT_NE(r.stats_json.find("\"customers\": 2,"), std::string::npos) << r.stats_json;
}

// ---------------------------------------------------------------- rejects sink

TEST(engine_test, RejectsSinkFormat) {
  Mod m = build("journey j { on ping\n a: send push \"x\" }");
  RunOut r = run(m, {
                     R"({"type":"track","event":"ping","timestamp":"2026-12-01T10:00:00Z"})",
                     "",
                     R"({"type":"track","userId":"u","event":"ping","timestamp":"2026-12-01T10:00:60Z"})",
                     "{\"a\":\"tab\there\"",
                     R"([1])",
                 });
  std::string want =
      R"x({"line":1,"reason":"no user id (`userId` or `anonymousId`)","input":"{\"type\":\"track\",\"event\":\"ping\",)x"
      R"(\"timestamp\":\"2026-12-01T10:00:00Z\"}"})"
      "\n"
      R"x({"line":3,"reason":"bad `timestamp` (RFC 3339 expected)","input":"{\"type\":\"track\",\"userId\":\"u\",)x"
      R"(\"event\":\"ping\",\"timestamp\":\"2026-12-01T10:00:60Z\"}"})"
      "\n";
  ASSERT_GE(r.rejects.size(), want.size());
  EXPECT_EQ(r.rejects.substr(0, want.size()), want);
  // Line 4: bad JSON, the input escaped (a tab) — and line 5: not an object.
  std::string rest = r.rejects.substr(want.size());
  EXPECT_EQ(rest.rfind(R"({"line":4,"reason":"bad JSON: )", 0), 0u) << rest;
  EXPECT_NE(rest.find(R"(,"input":"{\"a\":\"tab\there\""})" "\n"), std::string::npos) << rest;
  EXPECT_NE(rest.find(R"({"line":5,"reason":"not a JSON object","input":"[1]"})" "\n"), std::string::npos) << rest;
  EXPECT_EQ(count_of(r.rejects, "\n"), 4u);
  EXPECT_EQ(r.stats.rejected, 4u);
  EXPECT_TRUE(r.dispatches.empty());
}

TEST(engine_test, RejectsWithoutASinkAreCounted) {
  Mod m = build("journey j { on ping\n a: send push \"x\" }");
  StringSink out;
  Engine e(m, out, nullptr);
  e.process_line("nope", 1);
  e.process_line(track("c1", "ping", "2026-12-01T10:00:00Z"), 2);
  e.finish();
  EXPECT_EQ(e.stats().rejected, 1u);
  EXPECT_EQ(out.lines, 1u);
}

TEST(engine_test, RejectsDoNotMoveTheClock) {
  Mod m = build("journey j { on ping\n wait 1h\n a: send push \"x\" }");
  RunOut r = run(m, {
                     track("c1", "ping", "2026-12-01T10:00:00Z"),
                     // A reject with a later timestamp (non-object properties): the timer must not fire.
                     R"({"type":"track","userId":"c1","event":"ping","properties":[],"timestamp":"2026-12-01T12:00:00Z"})",
                     R"({"type":"page","userId":"c1","timestamp":"2026-12-01T12:00:00Z"})",
                 });
  EXPECT_TRUE(r.dispatches.empty()) << r.dispatches;
  EXPECT_EQ(r.stats.timers_fired, 0u);
}

TEST(engine_test, RejectedInputWithInvalidUtf8IsWrittenAsValidJson) {
  Mod m = build("journey j { on ping\n a: send push \"x\" }");
  RunOut r = run(m, {std::string("{\"type\":\"track\",\"userId\":\"u\xff\"}")});
  EXPECT_EQ(r.stats.rejected, 1u);
  EXPECT_EQ(r.rejects.rfind(R"({"line":1,"reason":"bad JSON: )", 0), 0u) << r.rejects;
  // The bad byte becomes U+FFFD: the rejects file stays valid UTF-8 JSON Lines.
  EXPECT_NE(r.rejects.find("\"input\":\"{\\\"type\\\":\\\"track\\\",\\\"userId\\\":\\\"u\xEF\xBF\xBD\\\"}\"}\n"),
            std::string::npos)
      << r.rejects;
}

TEST(engine_test, IgnoredTypesDoNotCreateCustomers) {
  Mod m = build("journey j { on ping\n a: send push \"x\" }");
  StringSink out;
  Engine e(m, out, nullptr);
  e.process_line(R"({"type":"page","userId":"c1","timestamp":"2026-12-01T10:00:00Z"})", 1);
  e.process_line(R"({"type":"screen","userId":"c2","timestamp":"2026-12-01T10:00:00Z"})", 2);
  e.process_line(R"({"type":"track","userId":"c3"})", 3);  // rejected (no timestamp)
  EXPECT_EQ(e.customers(), 0u);
  EXPECT_EQ(e.stats().ignored, 2u);
  EXPECT_EQ(e.stats().rejected, 1u);
}

TEST(engine_test, ModuleWithoutJourneys) {
  Mod m = build("const X = 1\nsegment s = customer.a == X\n");
  RunOut r = run(m, {track("c1", "ping", "2026-12-01T10:00:00Z"), identify("c1", R"({"a":1})", "2026-12-01T10:00:00Z"),
                     "oops"});
  EXPECT_TRUE(r.dispatches.empty());
  EXPECT_EQ(r.stats.accepted, 2u);
  EXPECT_EQ(r.stats.rejected, 1u);
  EXPECT_NE(r.stats_json.find("\"journeys\": {\n  }\n"), std::string::npos) << r.stats_json;
}

// ---------------------------------------------------------------- skips

TEST(engine_test, SkippedByAudienceAndReentry) {
  Mod m = build(R"(
journey gated {
  on ping
  audience customer.age >= 18
  a: send push "hi"
}
)");
  RunOut r = run(m, {
                     identify("c1", R"({"age":20})", "2026-12-01T10:00:00Z"),
                     track("c1", "ping", "2026-12-01T10:01:00Z"),  // entered
                     track("c2", "ping", "2026-12-01T10:02:00Z"),  // audience
                     track("c1", "ping", "2026-12-01T10:03:00Z"),  // reentry never
                     identify("c2", R"({"age":18})", "2026-12-01T10:04:00Z"),
                     track("c2", "ping", "2026-12-01T10:05:00Z"),  // entered
                 });
  const JourneyStats& s = js(m, r, "gated");
  EXPECT_EQ(s.entered, 2u);
  EXPECT_EQ(s.skipped_audience, 1u);
  EXPECT_EQ(s.skipped_reentry, 1u);
  EXPECT_EQ(s.skipped_limit, 0u);
  EXPECT_EQ(s.skipped_key, 0u);
  EXPECT_EQ(s.completed, 2u);
  EXPECT_EQ(dispatched(s, vm::Channel::kPush), 2u);
  EXPECT_NE(r.stats_json.find(R"("skipped": {"audience": 1, "reentry": 1, "limit": 0, "key": 0})"),
            std::string::npos)
      << r.stats_json;
}

TEST(engine_test, ReentryRefusedWhileLiveEvenWithAlways) {
  Mod m = build(R"(
journey waiting {
  on ping
  reentry always
  wait 1h
  a: send push "w"
}
)");
  EngineOptions o;
  o.until = T("2026-12-01T13:00:00Z");
  RunOut r = run(m,
              {
                  track("c1", "ping", "2026-12-01T10:00:00Z"),
                  track("c1", "ping", "2026-12-01T10:10:00Z"),  // live: refused
                  track("c1", "ping", "2026-12-01T11:10:00Z"),  // the timer fired at 11:00: enters again
              },
              o);
  const JourneyStats& s = js(m, r, "waiting");
  EXPECT_EQ(s.entered, 2u);
  EXPECT_EQ(s.skipped_reentry, 1u);
  EXPECT_EQ(s.completed, 2u);
  EXPECT_EQ(r.stats.timers_fired, 2u);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_NE(r.lines[0].find(R"("time":"2026-12-01T11:00:00Z")"), std::string::npos) << r.lines[0];
  EXPECT_NE(r.lines[1].find(R"("time":"2026-12-01T12:10:00Z")"), std::string::npos) << r.lines[1];
  // ENTRY is 1 then 2 in the ids.
  std::string id1 = r.lines[0].substr(7, 16), id2 = r.lines[1].substr(7, 16);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(fnv("waiting|c1||1|" + std::to_string(m->sends[0].line) + ":" +
                                                    std::to_string(m->sends[0].col) + "|0")));
  EXPECT_EQ(id1, buf);
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(fnv("waiting|c1||2|" + std::to_string(m->sends[0].line) + ":" +
                                                    std::to_string(m->sends[0].col) + "|0")));
  EXPECT_EQ(id2, buf);
}

TEST(engine_test, SkippedByKey) {
  Mod m = build(R"(
journey per_order {
  on order
  key trigger.order_id
  wait 1h
  a: send push "o" with { id: trigger.order_id }
}
)");
  EngineOptions o;
  o.until = T("2026-12-02T00:00:00Z");
  RunOut r = run(m,
              {
                  track("c1", "order", "2026-12-01T10:00:00Z", R"({"order_id":1})"),
                  track("c1", "order", "2026-12-01T10:01:00Z", R"({"order_id":2})"),
                  track("c1", "order", "2026-12-01T10:02:00Z", R"({"order_id":1})"),  // live key: skipped
                  track("c2", "order", "2026-12-01T10:03:00Z", R"({"order_id":1})"),  // other customer
              },
              o);
  const JourneyStats& s = js(m, r, "per_order");
  EXPECT_EQ(s.entered, 3u);
  EXPECT_EQ(s.skipped_key, 1u);
  EXPECT_EQ(s.skipped_reentry, 0u);
  EXPECT_EQ(s.completed, 3u);
  ASSERT_EQ(r.lines.size(), 3u);
  // The key's text form is in the id: per_order|c1|2|1|L:C|0.
  std::string lc = std::to_string(m->sends[0].line) + ":" + std::to_string(m->sends[0].col);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv("per_order|c1|2|1|" + lc + "|0")));
  EXPECT_EQ(r.lines[1].substr(7, 16), buf) << r.lines[1];
  EXPECT_NE(r.lines[1].find(R"("vars":{"id":2})"), std::string::npos) << r.lines[1];
}

TEST(engine_test, KeyedReentryNeverIsPerKey) {
  Mod m = build(R"(
journey per_order {
  on order
  key trigger.order_id
  a: send push "o"
}
)");
  RunOut r = run(m, {
                     track("c1", "order", "2026-12-01T10:00:00Z", R"({"order_id":"A"})"),
                     track("c1", "order", "2026-12-01T10:01:00Z", R"({"order_id":"A"})"),  // reentry never
                     track("c1", "order", "2026-12-01T10:02:00Z", R"({"order_id":"B"})"),
                     track("c1", "order", "2026-12-01T10:03:00Z", R"({})"),  // null key: the empty key
                     track("c1", "order", "2026-12-01T10:04:00Z", R"({"order_id":null})"),  // same empty key
                 });
  const JourneyStats& s = js(m, r, "per_order");
  EXPECT_EQ(s.entered, 3u);
  EXPECT_EQ(s.skipped_reentry, 2u);
  EXPECT_EQ(s.skipped_key, 0u);
}

TEST(engine_test, SkippedByLimit) {
  Mod m = build(R"(
journey flash {
  on ping
  reentry always
  limit 1 per 1h
  a: send push "f"
}
)");
  RunOut r = run(m, {
                     track("c1", "ping", "2026-12-01T10:00:00Z"),
                     track("c2", "ping", "2026-12-01T10:30:00Z"),  // limit
                     track("c3", "ping", "2026-12-01T10:59:59.999Z"),  // limit
                     track("c3", "ping", "2026-12-01T11:00:00Z"),  // 10:00 is exactly 1h ago: out of the window
                 });
  const JourneyStats& s = js(m, r, "flash");
  EXPECT_EQ(s.entered, 2u);
  EXPECT_EQ(s.skipped_limit, 2u);
  EXPECT_EQ(r.lines.size(), 2u);
}

TEST(engine_test, SeveralOnLinesTryOnce) {
  Mod m = build(R"(
journey j {
  on ping
  on ping where event.x == 1
  a: send push "x"
}
)");
  RunOut r = run(m, {track("c1", "ping", "2026-12-01T10:00:00Z", R"({"x":1})"),
                  track("c1", "ping", "2026-12-01T10:01:00Z", R"({"x":1})")});
  EXPECT_EQ(js(m, r, "j").entered, 1u);
  EXPECT_EQ(js(m, r, "j").skipped_reentry, 1u);  // one attempt per event, not two
}

// ---------------------------------------------------------------- exits and completions

TEST(engine_test, ExitedByRuleAndByStep) {
  Mod m = build(R"(
journey exits {
  on start
  exit on cancel where event.reason == "user"
  exit when customer.churned == true
  wait 1d
  a: send push "x"
}
journey stepper {
  on go
  if event.stop == true {
    exit
  }
  b: send push "y"
}
)");
  EngineOptions o;
  o.until = T("2026-12-05T00:00:00Z");
  RunOut r = run(m,
              {
                  track("c1", "start", "2026-12-01T10:00:00Z"),
                  track("c1", "cancel", "2026-12-01T10:01:00Z", R"({"reason":"user"})"),  // on cancel
                  track("c2", "start", "2026-12-01T10:02:00Z"),
                  track("c2", "cancel", "2026-12-01T10:03:00Z", R"({"reason":"other"})"),  // not matching
                  identify("c2", R"({"churned":true})", "2026-12-01T10:04:00Z"),          // when
                  track("c3", "start", "2026-12-01T10:05:00Z"),                           // completes
                  track("c4", "go", "2026-12-01T10:06:00Z", R"({"stop":true})"),          // exit step
                  track("c5", "go", "2026-12-01T10:07:00Z", R"({"stop":false})"),         // completes
              },
              o);
  const JourneyStats& e = js(m, r, "exits");
  EXPECT_EQ(e.entered, 3u);
  EXPECT_EQ(e.exited_by_rule.size(), 2u);
  EXPECT_EQ(e.exited_by_rule.count("on cancel") ? e.exited_by_rule.at("on cancel") : 0, 1u);
  EXPECT_EQ(e.exited_by_rule.count("when") ? e.exited_by_rule.at("when") : 0, 1u);
  EXPECT_EQ(e.completed, 1u);
  EXPECT_EQ(e.exited_step, 0u);
  const JourneyStats& st = js(m, r, "stepper");
  EXPECT_EQ(st.exited_step, 1u);
  EXPECT_EQ(st.completed, 1u);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_NE(r.lines[0].find(R"("customer":"c5")"), std::string::npos);  // stepper at 10:07
  EXPECT_NE(r.lines[1].find(R"("customer":"c3")"), std::string::npos);  // exits at c3's 1d timer
  EXPECT_NE(r.stats_json.find(R"("exited": {"on cancel": 1, "when": 1})"), std::string::npos) << r.stats_json;
  EXPECT_NE(r.stats_json.find(R"("exited": {"exit": 1})"), std::string::npos) << r.stats_json;
}

TEST(engine_test, WaitingInstancesAreReportedByStep) {
  Mod m = build(R"(
journey w {
  on ping
  hold: wait 1d
  a: send push "x"
}
)");
  RunOut r = run(m, {track("c1", "ping", "2026-12-01T10:00:00Z"), track("c2", "ping", "2026-12-01T10:00:00Z")});
  EXPECT_TRUE(r.dispatches.empty());
  EXPECT_NE(r.stats_json.find("\"waiting\": 2,"), std::string::npos) << r.stats_json;
  EXPECT_NE(r.stats_json.find(R"("hold": {"dispatched": 0, "deferred": 0, "suppressed": {"cap": 0, "quiet": 0, )"
                              R"("no_address": 0}, "waiting": 2})"),
            std::string::npos)
      << r.stats_json;
}

// ---------------------------------------------------------------- dispatch and suppression

TEST(engine_test, DispatchedPerChannelAndSuppressed) {
  Mod m = build(R"(
policy { cap push 1 per 1d }
journey multi {
  on go
  e: send email "e"
  s: send sms "s"
  p1: send push "p1"
  p2: send push "p2"
  w: send webhook "w" to "https://hooks.example/x"
  k: send slack "k" to customer.slack
  i: send in_app "i"
}
)");
  RunOut r = run(m, {
                     identify("c1", R"({"email":"a@example.com","phone":"+33600000000"})", "2026-12-01T10:00:00Z"),
                     track("c1", "go", "2026-12-01T10:01:00Z"),
                     track("c2", "go", "2026-12-01T10:02:00Z"),  // no email, phone or slack
                 });
  const JourneyStats& s = js(m, r, "multi");
  EXPECT_EQ(dispatched(s, vm::Channel::kEmail), 1u);
  EXPECT_EQ(dispatched(s, vm::Channel::kSms), 1u);
  EXPECT_EQ(dispatched(s, vm::Channel::kPush), 2u);
  EXPECT_EQ(dispatched(s, vm::Channel::kWebhook), 2u);
  EXPECT_EQ(dispatched(s, vm::Channel::kSlack), 0u);
  EXPECT_EQ(dispatched(s, vm::Channel::kInApp), 2u);
  EXPECT_EQ(s.suppressed_cap, 2u);
  EXPECT_EQ(s.no_address, 4u);  // c1: slack; c2: email, sms, slack
  EXPECT_EQ(s.suppressed_quiet, 0u);
  EXPECT_EQ(r.stats.dispatched, 8u);
  EXPECT_EQ(r.stats.suppressed, 6u);
  EXPECT_EQ(r.lines.size(), 8u);
  EXPECT_EQ(s.steps.at("p2").suppressed_cap, 2u);
  EXPECT_EQ(s.steps.at("p1").dispatched, 2u);
  EXPECT_EQ(s.steps.at("e").no_address, 1u);
  EXPECT_EQ(s.steps.at("k").no_address, 2u);
  EXPECT_NE(r.dispatches.find(R"("channel":"email","template":"e","customer":"c1","to":"a@example.com")"),
            std::string::npos);
  EXPECT_NE(r.dispatches.find(R"("channel":"sms","template":"s","customer":"c1","to":"+33600000000")"),
            std::string::npos);
  EXPECT_NE(r.stats_json.find(R"("dispatched": {"email": 1, "sms": 1, "push": 2, "webhook": 2, "in_app": 2})"),
            std::string::npos)
      << r.stats_json;
  EXPECT_NE(r.stats_json.find(R"("suppressed": {"cap": 2, "quiet": 0, "no_address": 4})"), std::string::npos)
      << r.stats_json;
}

TEST(engine_test, CapWindowIsExclusiveAtNowMinusD) {
  Mod m = build(R"(
policy { cap push 1 per 1h }
journey j {
  on ping
  reentry always
  a: send push "x"
}
)");
  RunOut r = run(m, {
                     track("c1", "ping", "2026-12-01T10:00:00Z"),
                     track("c1", "ping", "2026-12-01T10:59:59Z"),  // capped
                     track("c1", "ping", "2026-12-01T11:00:00Z"),  // 10:00 is out of (now − 1h, now]
                 });
  EXPECT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(js(m, r, "j").suppressed_cap, 1u);
}

TEST(engine_test, QuietHoursSkipAndDefer) {
  Mod m = build(R"(
journey q_skip {
  on go
  quiet 22:00-08:00 or skip
  a: send push "q"
  after_a: send in_app "after"
}
journey q_defer {
  on go
  quiet 22:00-08:00
  b: send push "d" with { at: now }
}
)");
  EngineOptions o;
  o.until = T("2026-12-02T09:00:00Z");
  RunOut r = run(m, {track("c1", "go", "2026-12-01T23:00:00Z")}, o);
  const JourneyStats& sk = js(m, r, "q_skip");
  EXPECT_EQ(sk.suppressed_quiet, 2u);
  EXPECT_EQ(sk.steps.at("a").suppressed_quiet, 1u);
  EXPECT_EQ(sk.steps.at("after_a").suppressed_quiet, 1u);
  EXPECT_EQ(sk.completed, 1u);
  EXPECT_EQ(dispatched(sk, vm::Channel::kPush), 0u);
  EXPECT_EQ(dispatched(sk, vm::Channel::kInApp), 0u);  // quiet hours apply to every channel
  const JourneyStats& d = js(m, r, "q_defer");
  EXPECT_EQ(d.deferred, 1u);
  EXPECT_EQ(d.steps.at("b").deferred, 1u);
  EXPECT_EQ(dispatched(d, vm::Channel::kPush), 1u);
  EXPECT_EQ(d.completed, 1u);
  ASSERT_EQ(r.lines.size(), 1u);
  // The vars were evaluated at the send statement (docs/bytecode.md: the request is kept in the
  // instance's state); the record's time is the end of the quiet hours.
  EXPECT_NE(r.lines[0].find(R"("vars":{"at":"2026-12-01T23:00:00Z"},"time":"2026-12-02T08:00:00Z")"),
            std::string::npos)
      << r.lines[0];
  EXPECT_NE(r.stats_json.find(R"("suppressed": {"cap": 0, "quiet": 2, "no_address": 0})"), std::string::npos);
}

TEST(engine_test, DeferredSendStaysWaitingWithoutUntil) {
  Mod m = build(R"(
journey q { on go
  quiet 22:00-08:00
  b: send push "d"
}
)");
  RunOut r = run(m, {track("c1", "go", "2026-12-01T23:00:00Z")});
  EXPECT_TRUE(r.dispatches.empty());
  EXPECT_EQ(js(m, r, "q").deferred, 1u);
  EXPECT_EQ(js(m, r, "q").completed, 0u);
  EXPECT_NE(r.stats_json.find("\"deferred\": 1,"), std::string::npos);
  EXPECT_NE(r.stats_json.find(R"("b": {"dispatched": 0, "deferred": 1, "suppressed": {"cap": 0, "quiet": 0, )"
                              R"("no_address": 0}, "waiting": 1})"),
            std::string::npos)
      << r.stats_json;
}

// ---------------------------------------------------------------- goals

TEST(engine_test, GoalConversionsPerSplitVariant) {
  Mod m = build(R"(
journey promo {
  on signup
  goal purchase within 1d
  goal "Big Purchase" where event.amount > 100 within 2d
  split ab {
    variant A 50% { a: send push "a" }
    variant B 50% { b: send push "b" }
  }
}
)");
  // Independent bucket computation: FNV-1a 64 of "promo/ab/<customer>" mod 10000; A takes [0, 5000).
  auto variant = [](const std::string& c) { return fnv("promo/ab/" + c) % 10000 < 5000 ? "A" : "B"; };
  std::vector<std::string> in;
  std::map<std::string, uint64_t> want;
  for (int k = 0; k < 12; ++k) {
    std::string c = "cust" + std::to_string(k);
    in.push_back(track(c, "signup", "2026-12-01T10:00:00Z"));
  }
  for (int k = 0; k < 12; ++k) {
    std::string c = "cust" + std::to_string(k);
    if (k % 3 == 0) {  // converts within 1d, twice (counted once)
      in.push_back(track(c, "purchase", "2026-12-01T20:00:00Z"));
      in.push_back(track(c, "purchase", "2026-12-01T21:00:00Z"));
      ++want[std::string("ab/") + variant(c)];
    } else if (k % 3 == 1) {  // exactly 1d after entry: still within
      in.push_back(track(c, "purchase", "2026-12-02T10:00:00Z"));
      ++want[std::string("ab/") + variant(c)];
    }
  }
  for (int k = 0; k < 12; ++k) {  // too late for the first goal
    std::string c = "cust" + std::to_string(k);
    in.push_back(track(c, "purchase", "2026-12-02T10:00:01Z"));
  }
  in.push_back(track("cust0", "Big Purchase", "2026-12-02T11:00:00Z", R"({"amount":500})"));
  in.push_back(track("cust1", "Big Purchase", "2026-12-02T11:00:00Z", R"({"amount":50})"));
  RunOut r = run(m, in);
  const JourneyStats& s = js(m, r, "promo");
  ASSERT_EQ(s.goals.size(), 2u);
  EXPECT_EQ(s.goals[0].conversions, 8u);
  EXPECT_EQ(s.goals[0].by_variant, want);
  EXPECT_EQ(s.goals[1].conversions, 1u);
  std::map<std::string, uint64_t> big{{std::string("ab/") + variant("cust0"), 1}};
  EXPECT_EQ(s.goals[1].by_variant, big);
  EXPECT_EQ(s.completed, 12u);  // goals count after the instance ended
  uint64_t a = 0;
  for (int k = 0; k < 12; ++k) a += std::string(variant("cust" + std::to_string(k))) == "A";
  EXPECT_EQ(s.steps.count("a") ? s.steps.at("a").dispatched : 0, a);
  EXPECT_EQ(s.steps.count("b") ? s.steps.at("b").dispatched : 0, 12 - a);
  EXPECT_NE(r.stats_json.find(R"({"event": "purchase", "conversions": 8, "by_variant": {)"), std::string::npos)
      << r.stats_json;
}

TEST(engine_test, GoalWithoutSplitAndBeforeEntry) {
  Mod m = build(R"(
journey j {
  on signup
  goal purchase within 1h
  a: send push "x"
}
)");
  RunOut r = run(m, {
                     track("c1", "purchase", "2026-12-01T09:59:00Z"),  // before entry
                     track("c1", "signup", "2026-12-01T10:00:00Z"),
                     track("c1", "purchase", "2026-12-01T09:30:00Z"),  // late event, timestamped before entry
                     track("c2", "signup", "2026-12-01T10:00:00Z"),
                     track("c2", "purchase", "2026-12-01T10:30:00Z"),
                 });
  const JourneyStats& s = js(m, r, "j");
  EXPECT_EQ(s.goals[0].conversions, 1u);
  EXPECT_TRUE(s.goals[0].by_variant.empty());
}

// ---------------------------------------------------------------- --until

TEST(engine_test, UntilFiresTimersDueByThen) {
  Mod m = build(R"(
journey later {
  on ping
  wait 1d
  a: send push "later" with { at: now }
}
)");
  std::vector<std::string> in = {track("c1", "ping", "2026-12-01T10:00:00Z"),
                                 track("c2", "ping", "2026-12-01T11:00:00Z")};
  RunOut none = run(m, in);
  EXPECT_TRUE(none.dispatches.empty());
  EXPECT_EQ(none.stats.timers_fired, 0u);

  EngineOptions before;
  before.until = T("2026-12-02T09:59:59.999Z");
  EXPECT_TRUE(run(m, in, before).dispatches.empty());

  EngineOptions exact;
  exact.until = T("2026-12-02T10:00:00Z");
  RunOut r = run(m, in, exact);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find(R"("customer":"c1")"), std::string::npos);
  EXPECT_NE(r.lines[0].find(R"("vars":{"at":"2026-12-02T10:00:00Z"},"time":"2026-12-02T10:00:00Z")"),
            std::string::npos)
      << r.lines[0];
  EXPECT_EQ(r.stats.timers_fired, 1u);

  EngineOptions all;
  all.until = T("2027-01-01T00:00:00Z");
  RunOut r2 = run(m, in, all);
  EXPECT_EQ(r2.lines.size(), 2u);
  EXPECT_EQ(js(m, r2, "later").completed, 2u);
}

TEST(engine_test, UntilBeforeTheClockDoesNotMoveTimeBack) {
  Mod m = build(R"(
journey j {
  on ping
  wait 1h
  a: send push "x" with { at: now }
}
)");
  EngineOptions o;
  o.until = T("2026-12-01T00:00:00Z");
  StringSink out, rej;
  Engine e(m, out, &rej, o);
  e.process_line(track("c1", "ping", "2026-12-01T10:00:00Z"), 1);
  e.finish();
  EXPECT_EQ(e.now(), T("2026-12-01T10:00:00Z"));
  EXPECT_TRUE(out.text.empty());
}

TEST(engine_test, ScheduleAtFiresWithUntil) {
  Mod m = build(R"(
journey sched {
  on schedule at @2026-12-02T00:00:00Z
  a: send push "s"
}
)");
  EngineOptions o;
  o.until = T("2026-12-02T00:00:00Z");
  RunOut r = run(m,
              {track("c2", "x", "2026-12-01T10:00:00Z"), track("c1", "x", "2026-12-01T09:00:00Z"),
               track("c3", "x", "2026-12-01T23:59:59.999Z")},
              o);
  ASSERT_EQ(r.lines.size(), 3u);
  // In order of first appearance (not of timestamps).
  EXPECT_NE(r.lines[0].find(R"("customer":"c2")"), std::string::npos);
  EXPECT_NE(r.lines[1].find(R"("customer":"c1")"), std::string::npos);
  EXPECT_NE(r.lines[2].find(R"("customer":"c3")"), std::string::npos);
  EXPECT_EQ(r.stats.schedules_fired, 1u);
}

// ---------------------------------------------------------------- messageId duplicates

TEST(engine_test, DuplicatesAreIgnoredButMoveTheClockAndKeepTheCustomerKnown) {
  Mod m = build(R"(
journey sched {
  on schedule at @2026-12-02T00:00:00Z
  s: send push "s"
}
journey pinged {
  on ping
  p: send push "p"
}
)");
  // c1's only other line is a duplicate; the duplicate (timestamp at the schedule) moves the clock,
  // so the schedule fires, and c1, known from its first line, enters.
  RunOut r = run(m, {
                     track("c1", "ping", "2026-12-01T10:00:00Z", "{}", R"(,"messageId":"m1")"),
                     track("c1", "ping", "2026-12-02T00:00:00Z", "{}", R"(,"messageId":"m1")"),
                 });
  EXPECT_EQ(r.stats.accepted, 2u);
  EXPECT_EQ(r.stats.duplicates, 1u);
  EXPECT_EQ(js(m, r, "pinged").entered, 1u);  // the duplicate starts nothing
  EXPECT_EQ(js(m, r, "pinged").skipped_reentry, 0u);
  EXPECT_EQ(r.stats.schedules_fired, 1u);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_NE(r.lines[1].find(R"("template":"s","customer":"c1")"), std::string::npos) << r.lines[1];
}

TEST(engine_test, DuplicateOfAnotherCustomersMessageIdIsNotADuplicate) {
  Mod m = build("journey j { on ping\n a: send push \"x\" }");
  RunOut r = run(m, {
                     track("c1", "ping", "2026-12-01T10:00:00Z", "{}", R"(,"messageId":"m1")"),
                     track("c2", "ping", "2026-12-01T10:01:00Z", "{}", R"(,"messageId":"m1")"),
                     track("c2", "ping", "2026-12-01T10:02:00Z", "{}", R"(,"messageId":1)"),
                     track("c2", "ping", "2026-12-01T10:03:00Z", "{}", R"(,"messageId":"1")"),  // same text
                 });
  EXPECT_EQ(r.stats.duplicates, 1u);
  EXPECT_EQ(r.lines.size(), 2u);
}

TEST(engine_test, DuplicateIdentifyDoesNotMergeTraits) {
  Mod m = build(R"(
journey j {
  on ping
  a: send email "x" with { plan: customer.plan }
}
)");
  RunOut r = run(m, {
                     R"({"type":"identify","userId":"c1","messageId":"i1","traits":{"email":"a@x","plan":"free"},"timestamp":"2026-12-01T10:00:00Z"})",
                     R"({"type":"identify","userId":"c1","messageId":"i1","traits":{"plan":"pro"},"timestamp":"2026-12-01T10:01:00Z"})",
                     track("c1", "ping", "2026-12-01T10:02:00Z"),
                 });
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find(R"("vars":{"plan":"free"})"), std::string::npos) << r.lines[0];
}

TEST(engine_test, DuplicateAtTheScheduleInstantWithAnEarlierFirstLine) {
  // A customer whose first line is at the schedule instant is not known (strictly before);
  // its duplicate, timestamped earlier, is a late event: the schedule has already fired.
  Mod m = build(R"(
journey sched {
  on schedule at @2026-12-02T00:00:00Z
  s: send push "s"
}
)");
  RunOut r = run(m, {
                     track("c1", "x", "2026-12-01T10:00:00Z"),
                     track("c2", "x", "2026-12-02T00:00:00Z", "{}", R"(,"messageId":"m")"),
                     track("c2", "x", "2026-12-01T12:00:00Z", "{}", R"(,"messageId":"m")"),
                 });
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find(R"("customer":"c1")"), std::string::npos);
  EXPECT_EQ(r.stats.duplicates, 1u);
}

// ---------------------------------------------------------------- --clock wall

TEST(engine_test, WallClockWithAnInjectedNow) {
  Mod m = build(R"(
journey w {
  on ping
  wait 1h
  a: send push "w" with { at: now, t: trigger.$time }
}
)");
  int64_t wall = T("2026-12-01T10:00:00Z");
  EngineOptions o;
  o.clock = ClockMode::kWall;
  o.wall_now = [&] { return wall; };
  StringSink out, rej;
  Engine e(m, out, &rej, o);
  e.process_line(R"({"type":"track","userId":"c1","event":"ping"})", 1);  // no timestamp: the arrival time
  EXPECT_EQ(e.stats().accepted, 1u);
  EXPECT_EQ(e.now(), wall);
  wall = T("2026-12-01T10:30:00Z");
  e.process_line(R"({"type":"track","userId":"c2","event":"ping","timestamp":"2026-11-01T00:00:00Z"})", 2);
  EXPECT_EQ(e.now(), wall);  // the wall clock, not the event's own timestamp
  EXPECT_TRUE(out.text.empty());
  wall = T("2026-12-01T11:45:00Z");
  e.process_line(R"({"type":"identify","userId":"c3","traits":{}})", 3);  // c1's timer (11:00) and c2's (11:30) fire first
  EXPECT_TRUE(rej.text.empty()) << rej.text;
  std::istringstream in(out.text);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 2u) << out.text;
  EXPECT_NE(lines[0].find(R"("customer":"c1")"), std::string::npos);
  EXPECT_NE(lines[0].find(R"("vars":{"at":"2026-12-01T11:00:00Z","t":"2026-12-01T10:00:00Z"},)"
                          R"("time":"2026-12-01T11:00:00Z")"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find(R"("customer":"c2")"), std::string::npos);
  EXPECT_NE(lines[1].find(R"("vars":{"at":"2026-12-01T11:30:00Z","t":"2026-11-01T00:00:00Z"})"), std::string::npos)
      << lines[1];
  EXPECT_EQ(e.now(), wall);
  EXPECT_EQ(e.stats().timers_fired, 2u);
}

TEST(engine_test, WallClockTimersFireWithoutEvents) {
  // A daemon whose input is idle asks timers_due() and calls tick(): due timers fire by the real
  // time, no event needed. Under --clock event neither does anything.
  const char* src = "journey j { on ping\n wait 1h\n a: send push \"x\" with { at: now } }";
  Mod m = build(src);
  int64_t wall = T("2026-12-01T10:00:00Z");
  EngineOptions o;
  o.clock = ClockMode::kWall;
  o.wall_now = [&] { return wall; };
  StringSink out;
  Engine e(m, out, nullptr, o);
  e.process_line(R"({"type":"track","userId":"c1","event":"ping"})", 1);
  EXPECT_FALSE(e.timers_due());
  wall = T("2026-12-01T10:59:59Z");
  EXPECT_FALSE(e.timers_due());
  wall = T("2026-12-01T11:00:30Z");
  EXPECT_TRUE(e.timers_due());
  e.tick();
  EXPECT_FALSE(e.timers_due());
  EXPECT_NE(out.text.find(R"("vars":{"at":"2026-12-01T11:00:00Z"},"time":"2026-12-01T11:00:00Z")"), std::string::npos)
      << out.text;
  EXPECT_EQ(e.now(), wall);
  EXPECT_EQ(e.stats().timers_fired, 1u);

  Mod m2 = build(src);
  StringSink out2;
  Engine ev(m2, out2, nullptr);  // --clock event
  ev.process_line(R"({"type":"track","userId":"c1","event":"ping","timestamp":"2026-12-01T10:00:00Z"})", 1);
  EXPECT_FALSE(ev.timers_due());
  ev.tick();
  EXPECT_TRUE(out2.text.empty());
}

TEST(engine_test, WallClockFinishWithoutUntilReturns) {
  Mod m = build("journey j { on ping\n wait 1h\n a: send push \"x\" }");
  EngineOptions o;
  o.clock = ClockMode::kWall;
  o.wall_now = [] { return int64_t{1'796'119'200'000}; };
  StringSink out;
  Engine e(m, out, nullptr, o);
  e.process_line(R"({"type":"track","userId":"c1","event":"ping"})", 1);
  e.finish();
  EXPECT_TRUE(out.text.empty());
  EXPECT_EQ(e.live_instances(), 1u);
}

// ---------------------------------------------------------------- aggregates, $sent and segments

TEST(engine_test, AggregatesAndSentHistory) {
  Mod m = build(R"(
journey j {
  on purchase
  reentry always
  a: send push "x" with {
    n: count(purchase within 1h),
    total: sum(purchase.amount),
    sent: count("$sent" where event.channel == "push" within 1d),
    last: last(purchase)
  }
}
)");
  RunOut r = run(m, {
                     track("c1", "purchase", "2026-12-01T10:00:00Z", R"({"amount":10})"),
                     track("c1", "purchase", "2026-12-01T10:30:00Z", R"({"amount":2.5})"),
                     track("c1", "purchase", "2026-12-01T11:00:00Z", R"({"amount":"n/a"})"),
                 });
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_NE(r.lines[0].find(R"("vars":{"n":1,"total":10,"sent":0,"last":"2026-12-01T10:00:00Z"})"), std::string::npos)
      << r.lines[0];
  EXPECT_NE(r.lines[1].find(R"("vars":{"n":2,"total":12.5,"sent":1,"last":"2026-12-01T10:30:00Z"})"),
            std::string::npos)
      << r.lines[1];
  // 10:00 is exactly 1h before 11:00: out of the window.
  EXPECT_NE(r.lines[2].find(R"("vars":{"n":2,"total":12.5,"sent":2,"last":"2026-12-01T11:00:00Z"})"),
            std::string::npos)
      << r.lines[2];
}

TEST(engine_test, OnEnterSegment) {
  Mod m = build(R"(
segment vip = customer.ltv >= 500
journey welcome_vip {
  on enter vip
  reentry always
  a: send push "vip"
}
)");
  RunOut r = run(m, {
                     identify("c1", R"({"ltv":100})", "2026-12-01T10:00:00Z"),
                     identify("c1", R"({"ltv":600})", "2026-12-01T10:01:00Z"),  // false → true: enters
                     identify("c1", R"({"ltv":700})", "2026-12-01T10:02:00Z"),  // stays true: nothing
                     identify("c1", R"({"ltv":null})", "2026-12-01T10:03:00Z"),
                     identify("c1", R"({"ltv":900})", "2026-12-01T10:04:00Z"),  // enters again
                     identify("c2", R"({"ltv":1000})", "2026-12-01T10:05:00Z"),  // first event: enters
                 });
  EXPECT_EQ(js(m, r, "welcome_vip").entered, 3u);
  EXPECT_EQ(r.lines.size(), 3u);
}

TEST(engine_test, SetTraitIsVisibleToLaterEvents) {
  Mod m = build(R"(
journey tagger {
  on ping
  set customer.profile.tier = "gold"
  a: send push "x" with { tier: customer.profile.tier }
}
journey reader {
  on pong
  b: send push "y" with { tier: customer.profile.tier, name: customer.name }
}
)");
  RunOut r = run(m, {
                     identify("c1", R"({"name":"Ada","profile":"plain"})", "2026-12-01T10:00:00Z"),
                     track("c1", "ping", "2026-12-01T10:01:00Z"),
                     track("c1", "pong", "2026-12-01T10:02:00Z"),
                 });
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_NE(r.lines[0].find(R"("vars":{"tier":"gold"})"), std::string::npos) << r.lines[0];
  EXPECT_NE(r.lines[1].find(R"("vars":{"tier":"gold","name":"Ada"})"), std::string::npos) << r.lines[1];
}

TEST(engine_test, WaitUpToBranchAndTimeout) {
  Mod m = build(R"(
journey cart {
  on cart_updated
  wait up to 1h {
    on purchase where event.total > 0 {
      thanks: send push "thanks" with { total: event.total }
    }
    timeout {
      nudge: send push "nudge"
    }
  }
}
)");
  EngineOptions o;
  o.until = T("2026-12-01T12:00:00Z");
  RunOut r = run(m,
              {
                  track("c1", "cart_updated", "2026-12-01T10:00:00Z"),
                  track("c2", "cart_updated", "2026-12-01T10:00:00Z"),
                  track("c1", "purchase", "2026-12-01T10:10:00Z", R"({"total":0})"),  // where fails
                  track("c1", "purchase", "2026-12-01T10:20:00Z", R"({"total":30})"),
              },
              o);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_NE(r.lines[0].find(R"("template":"thanks","customer":"c1","to":"c1","vars":{"total":30})"),
            std::string::npos)
      << r.lines[0];
  EXPECT_NE(r.lines[1].find(R"("template":"nudge","customer":"c2")"), std::string::npos) << r.lines[1];
  EXPECT_NE(r.lines[1].find(R"("time":"2026-12-01T11:00:00Z")"), std::string::npos) << r.lines[1];
  EXPECT_EQ(js(m, r, "cart").completed, 2u);
}

TEST(engine_test, TimerDueAtAnEventsInstantFiresFirst) {
  Mod m = build(R"(
journey a_first {
  on ping
  wait 1h
  a: send push "timer"
}
journey b_event {
  on pong
  b: send push "event"
}
)");
  RunOut r = run(m, {track("c1", "ping", "2026-12-01T10:00:00Z"), track("c1", "pong", "2026-12-01T11:00:00Z")});
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_NE(r.lines[0].find(R"("template":"timer")"), std::string::npos);
  EXPECT_NE(r.lines[1].find(R"("template":"event")"), std::string::npos);
}

TEST(engine_test, LateEventDoesNotMoveNowBack) {
  Mod m = build(R"(
journey j {
  on ping
  reentry always
  a: send push "x" with { now: now, t: trigger.$time }
}
)");
  RunOut r = run(m, {track("c1", "ping", "2026-12-01T10:00:00Z"), track("c1", "ping", "2026-12-01T09:00:00Z")});
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_NE(r.lines[1].find(R"("vars":{"now":"2026-12-01T10:00:00Z","t":"2026-12-01T09:00:00Z"},)"
                            R"("time":"2026-12-01T10:00:00Z")"),
            std::string::npos)
      << r.lines[1];
}

TEST(engine_test, GotoLoopWithWaitsCompletes) {
  Mod m = build(R"(
journey j {
  on ping
  let n = 0
  top: set customer.n = n
  let n = n + 1
  if n < 100 { wait 1s
    goto top }
  a: send push "x" with { n: n }
}
)");
  EngineOptions o;
  o.until = T("2026-12-02T00:00:00Z");
  RunOut r = run(m, {track("c1", "ping", "2026-12-01T10:00:00Z")}, o);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find(R"("vars":{"n":100},"time":"2026-12-01T10:01:39Z")"), std::string::npos) << r.lines[0];
  EXPECT_EQ(js(m, r, "j").runaway, 0u);
}

// ---------------------------------------------------------------- schedules, triggers, policy

TEST(engine_test, ScheduleEveryFiresAtEachPeriodTheClockReaches) {
  Mod m = build(R"(
journey weekly {
  on schedule every 1d starting @2026-12-01T00:00:00Z
  a: send push "issue" with { at: now }
}
)");
  EngineOptions o;
  o.until = T("2026-12-03T00:00:00Z");
  RunOut r = run(m, {track("c1", "x", "2026-11-30T12:00:00Z"), track("c2", "x", "2026-12-01T12:00:00Z")}, o);
  // c1 at 12-01, 12-02, 12-03; c2 (known from 12-01T12:00) at 12-02 and 12-03. `every` defaults to reentry always.
  ASSERT_EQ(r.lines.size(), 5u) << r.dispatches;
  EXPECT_EQ(r.stats.schedules_fired, 3u);
  EXPECT_NE(r.lines[0].find(R"("customer":"c1","to":"c1","vars":{"at":"2026-12-01T00:00:00Z"})"), std::string::npos);
  EXPECT_NE(r.lines[1].find(R"("customer":"c1","to":"c1","vars":{"at":"2026-12-02T00:00:00Z"})"), std::string::npos);
  EXPECT_NE(r.lines[2].find(R"("customer":"c2","to":"c2","vars":{"at":"2026-12-02T00:00:00Z"})"), std::string::npos);
  EXPECT_NE(r.lines[4].find(R"("customer":"c2","to":"c2","vars":{"at":"2026-12-03T00:00:00Z"})"), std::string::npos);
  EXPECT_EQ(js(m, r, "weekly").entered, 5u);
}

TEST(engine_test, SchedulesFireBeforeInstanceTimersAtOneInstant) {
  Mod m = build(R"(
journey waiter {
  on ping
  wait 1h
  w: send push "timer"
}
journey second_schedule {
  on schedule at @2026-12-01T11:00:00Z
  s2: send push "second"
}
journey first_schedule {
  on schedule at @2026-12-01T11:00:00Z
  s1: send push "first"
}
)");
  EngineOptions o;
  o.until = T("2026-12-01T12:00:00Z");
  RunOut r = run(m, {track("c1", "ping", "2026-12-01T10:00:00Z")}, o);
  ASSERT_EQ(r.lines.size(), 3u) << r.dispatches;
  EXPECT_NE(r.lines[0].find(R"("template":"second")"), std::string::npos);  // declaration order
  EXPECT_NE(r.lines[1].find(R"("template":"first")"), std::string::npos);
  EXPECT_NE(r.lines[2].find(R"("template":"timer")"), std::string::npos);  // instances after schedules
}

TEST(engine_test, ScheduledEntryHasNoTriggerAndHonoursTheAudience) {
  Mod m = build(R"(
journey sched {
  on schedule at @2026-12-02T00:00:00Z
  audience customer.optin == true
  a: send push "s" with { t: trigger.$name, id: customer.$id }
}
)");
  EngineOptions o;
  o.until = T("2026-12-02T00:00:00Z");
  RunOut r = run(m,
                 {identify("c1", R"({"optin":true})", "2026-12-01T10:00:00Z"),
                  identify("c2", R"({"optin":false})", "2026-12-01T10:00:00Z")},
                 o);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find(R"("customer":"c1","to":"c1","vars":{"t":null,"id":"c1"})"), std::string::npos)
      << r.lines[0];
  EXPECT_EQ(js(m, r, "sched").skipped_audience, 1u);
}

TEST(engine_test, IdentifyIsTheEventDollarIdentify) {
  Mod m = build(R"(
journey upgraded {
  on "$identify" where event.plan == "pro"
  a: send push "pro" with { plan: customer.plan }
}
)");
  RunOut r = run(m, {identify("c1", R"({"plan":"free"})", "2026-12-01T10:00:00Z"),
                     identify("c1", R"({"plan":"pro"})", "2026-12-01T11:00:00Z")});
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find(R"("vars":{"plan":"pro"})"), std::string::npos) << r.lines[0];  // traits merged first
}

TEST(engine_test, OnEnterSegmentOfAnAggregate) {
  Mod m = build(R"(
segment buyer = count(purchase where event.amount > 10 within 30d) >= 3
journey loyal {
  on enter buyer
  a: send push "loyal" with { n: count(purchase where event.amount > 10 within 30d), amount: trigger.amount }
}
)");
  RunOut r = run(m, {
                        track("c1", "purchase", "2026-12-01T10:00:00Z", R"({"amount":20})"),
                        track("c1", "purchase", "2026-12-01T11:00:00Z", R"({"amount":5})"),  // where fails
                        track("c1", "purchase", "2026-12-01T12:00:00Z", R"({"amount":30})"),
                        track("c1", "purchase", "2026-12-01T13:00:00Z", R"({"amount":40})"),  // the third: enters
                        track("c1", "purchase", "2026-12-01T14:00:00Z", R"({"amount":50})"),
                    });
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find(R"("vars":{"n":3,"amount":40},"time":"2026-12-01T13:00:00Z")"), std::string::npos)
      << r.lines[0];
}

TEST(engine_test, CapsApplyAcrossJourneys) {
  Mod m = build(R"(
policy { cap email 1 per 1d }
journey first { on ping
  a: send email "one" }
journey second { on ping
  b: send email "two" }
)");
  RunOut r = run(m, {identify("c1", R"({"email":"c1@example.com"})", "2026-12-01T10:00:00Z"),
                     track("c1", "ping", "2026-12-01T10:01:00Z")});
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find(R"("template":"one")"), std::string::npos);
  EXPECT_EQ(js(m, r, "second").suppressed_cap, 1u);
}

TEST(engine_test, PolicyQuietHoursInTheCustomersTimeZone) {
  Mod m = build(R"(
policy { quiet 22:00-08:00 in customer.timezone }
journey j {
  on ping
  a: send push "x"
}
)");
  EngineOptions o;
  o.until = T("2026-12-02T00:00:00Z");
  RunOut r = run(m,
                 {
                     identify("ny", R"({"timezone":"America/New_York"})", "2026-12-01T02:00:00Z"),
                     identify("utc", R"({"timezone":"Not/AZone"})", "2026-12-01T02:00:00Z"),
                     track("ny", "ping", "2026-12-01T03:00:00Z"),   // 22:00 in New York: until 08:00 EST = 13:00Z
                     track("utc", "ping", "2026-12-01T03:00:00Z"),  // unknown zone = UTC: 03:00 is quiet until 08:00Z
                 },
                 o);
  ASSERT_EQ(r.lines.size(), 2u) << r.dispatches;
  EXPECT_NE(r.lines[0].find(R"("customer":"utc")"), std::string::npos);
  EXPECT_NE(r.lines[0].find(R"("time":"2026-12-01T08:00:00Z")"), std::string::npos) << r.lines[0];
  EXPECT_NE(r.lines[1].find(R"("customer":"ny")"), std::string::npos);
  EXPECT_NE(r.lines[1].find(R"("time":"2026-12-01T13:00:00Z")"), std::string::npos) << r.lines[1];
  EXPECT_EQ(js(m, r, "j").deferred, 2u);
}

TEST(engine_test, DeferredSendKeepsItsOccurrenceAndChecksCapsAtTheEnd) {
  Mod m = build(R"(
policy { cap push 1 per 1d }
journey night {
  on go
  quiet 22:00-08:00
  a: send push "deferred"
}
journey day {
  on morning
  b: send push "morning"
}
)");
  EngineOptions o;
  o.until = T("2026-12-02T12:00:00Z");
  RunOut r = run(m,
                 {track("c1", "go", "2026-12-01T23:00:00Z"),
                  track("c1", "morning", "2026-12-02T07:00:00Z")},  // uses the cap before 08:00
                 o);
  ASSERT_EQ(r.lines.size(), 1u) << r.dispatches;
  EXPECT_NE(r.lines[0].find(R"("template":"morning")"), std::string::npos);
  EXPECT_EQ(js(m, r, "night").deferred, 1u);
  EXPECT_EQ(js(m, r, "night").suppressed_cap, 1u);  // caps are checked at the end of the quiet hours
  EXPECT_EQ(js(m, r, "night").completed, 1u);
}

// ---------------------------------------------------------------- values kept across waits

TEST(engine_test, LocalsKeepTheirValueAfterTheTraitChanges) {
  // A `let` local read from a trait must survive the trait's replacement (and the graveyard's
  // clearing) while the instance waits.
  Mod m = build(R"(
journey j {
  on ping
  let name = customer.name
  let tags = customer.tags
  let addr = customer.address
  wait 1h
  a: send push "x" with { name: name, tags: tags, city: addr.city, now_name: customer.name }
}
)");
  EngineOptions o;
  o.until = T("2026-12-01T12:00:00Z");
  RunOut r = run(m,
                 {
                     identify("c1",
                              R"({"name":"a name long enough to be on the heap, not inline","tags":["x","yy"],)"
                              R"("address":{"city":"the old city, long enough for a heap buffer"}})",
                              "2026-12-01T10:00:00Z"),
                     track("c1", "ping", "2026-12-01T10:01:00Z"),
                     identify("c1", R"({"name":"Bo","tags":null,"address":{"city":"New"}})", "2026-12-01T10:02:00Z"),
                     // Churn the heap a little so that a dangling pointer would likely read garbage.
                     identify("c2", R"({"name":"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"})",
                              "2026-12-01T10:03:00Z"),
                 },
                 o);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find(R"("vars":{"name":"a name long enough to be on the heap, not inline","tags":["x","yy"],)"
                            R"("city":"the old city, long enough for a heap buffer","now_name":"Bo"})"),
            std::string::npos)
      << r.lines[0];
}

TEST(engine_test, TriggerFieldsSurviveWaits) {
  Mod m = build(R"(
journey j {
  on order
  wait 1h
  a: send push "x" with { id: trigger.order_id, sku: trigger.items[1].sku, name: trigger.$name, t: trigger.$time,
                          mid: trigger.$id }
}
)");
  EngineOptions o;
  o.until = T("2026-12-01T12:00:00Z");
  RunOut r = run(m,
                 {track("c1", "order", "2026-12-01T10:00:00Z",
                        R"({"order_id":"o-1","items":[{"sku":"A"},{"sku":"B"}],"unused":1})", R"(,"messageId":"m-9")")},
                 o);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find(R"("vars":{"id":"o-1","sku":"B","name":"order","t":"2026-12-01T10:00:00Z","mid":"m-9"})"),
            std::string::npos)
      << r.lines[0];
}

// An ended instance's storage is taken by the next entry (Engine::new_instance): nothing of
// the first may show in the second — its key, trigger, locals, frozen block or pending send.
// c1's instances end in every way (exit rule mid-wait with a key and a frozen block, completion
// after a deferred send, completion with a kept trigger); c2 then enters the same journeys in
// another order, on those spares. c2's records (ids hash the key) must be those of c2 alone.
TEST(engine_test, AnInstanceTakingAnEndedOnesStorageStartsClean) {
  Mod m = build(R"(
journey keyed {
  on order
  key trigger.order_id
  exit on cancel
  let note = trigger.note
  wait 1h
  a: send push "keyed" with { note: note, id: trigger.order_id }
}
journey night {
  on late
  quiet 22:00-08:00
  n: send push "deferred" with { who: trigger.who }
}
journey plain {
  on ping
  let late = customer.plan
  wait 30m
  b: send push "plain" with { late: late, what: trigger.$name }
}
)");
  const std::string note = R"("a note long enough for a heap buffer")";
  auto events = [&](const std::string& u, bool c1) {
    std::vector<std::string> v;
    if (c1) {
      v.push_back(track(u, "order", "2026-12-01T10:00:00Z", R"({"order_id":"o-1","note":)" + note + "}"));
      v.push_back(track(u, "cancel", "2026-12-01T10:10:00Z"));  // `keyed` exits while waiting
      v.push_back(track(u, "late", "2026-12-01T23:00:00Z", R"({"who":"someone with a long enough name"})"));
      v.push_back(track(u, "ping", "2026-12-02T09:00:00Z"));
    } else {
      v.push_back(track(u, "ping", "2026-12-03T09:00:00Z"));
      v.push_back(track(u, "late", "2026-12-03T23:00:00Z", R"({"who":"b"})"));
      v.push_back(track(u, "order", "2026-12-04T10:00:00Z", R"({"order_id":"o-2"})"));
    }
    return v;
  };
  auto lines_of = [](const std::string& text, std::string_view user) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
      if (l.find("\"customer\":\"" + std::string(user) + "\"") != std::string::npos) out.push_back(l);
    return out;
  };
  EngineOptions o;
  o.until = T("2026-12-06T00:00:00Z");
  std::vector<std::string> both = events("c1", true), alone = events("c2", false);
  both.insert(both.end(), alone.begin(), alone.end());
  RunOut shared = run(m, both, o), fresh = run(m, alone, o);
  std::vector<std::string> c2_shared = lines_of(shared.dispatches, "c2"), c2_alone = lines_of(fresh.dispatches, "c2");
  ASSERT_EQ(c2_alone.size(), 3u) << fresh.dispatches;
  EXPECT_EQ(c2_shared, c2_alone);
  ASSERT_EQ(lines_of(shared.dispatches, "c1").size(), 2u) << shared.dispatches;  // deferred + plain; keyed exited
  EXPECT_EQ(js(m, shared, "keyed").exited_by_rule.size(), 1u);

  // A waiting instance on reused storage keeps no trigger when its journey reads none.
  Mod m2 = build(R"(
journey keeps {
  on order
  a: send push "kept" with { id: trigger.order_id }
}
journey waits {
  on ping
  wait 1h
  b: send push "waits"
}
)");
  StringSink dispatches, rejects;
  Engine engine(m2, dispatches, &rejects, EngineOptions{});
  engine.process_line(track("c1", "order", "2026-12-01T10:00:00Z", R"({"order_id":"o-1","x":)" + note + "}"), 1);
  engine.process_line(track("c1", "ping", "2026-12-01T10:01:00Z"), 2);
  for (const auto& p : engine.memory_report().parts) {
    if (p.name == "kept triggers") {
      EXPECT_EQ(p.bytes, 0u);
    }
  }
}

TEST(engine_test, SetOfAKeyWithADot) {
  Mod m = build(R"(
journey j {
  on ping
  set customer["a.b"] = 1
  x: send push "x" with { v: customer["a.b"], w: customer.a.b }
}
)");
  RunOut r = run(m, {track("c1", "ping", "2026-12-01T10:00:00Z")});
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find(R"("vars":{"v":1,"w":null})"), std::string::npos) << r.lines[0];
}

TEST(engine_test, LocalHoldingAnObjectIsAValueNotALiveReference) {
  // `let a = customer.address` takes the object as it is; a later `set` on the profile does not
  // change what `a` holds — the same whether the set replaces the object or one of its members,
  // and the same with or without a wait in between.
  Mod m = build(R"(
journey member {
  on ping
  let a = customer.address
  set customer.address.city = "New"
  x: send push "x" with { c: a.city, now: customer.address.city }
}
journey whole {
  on pong
  let a = customer.address
  set customer.address = null
  y: send push "y" with { c: a.city, now: customer.address.city }
}
)");
  RunOut r = run(m, {identify("c1", R"({"address":{"city":"Old"}})", "2026-12-01T10:00:00Z"),
                     track("c1", "pong", "2026-12-01T10:01:00Z"),
                     identify("c1", R"({"address":{"city":"Old"}})", "2026-12-01T10:02:00Z"),
                     track("c1", "ping", "2026-12-01T10:03:00Z")});
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_NE(r.lines[0].find(R"("vars":{"c":"Old","now":null})"), std::string::npos) << r.lines[0];
  EXPECT_NE(r.lines[1].find(R"("vars":{"c":"Old","now":"New"})"), std::string::npos) << r.lines[1];
}

TEST(engine_test, TheEventThatStartsAnInstanceDoesNotConvertIt) {
  Mod m = build(R"(
journey j {
  on purchase
  goal purchase within 1d
  a: send push "x"
}
)");
  RunOut r = run(m, {track("c1", "purchase", "2026-12-01T10:00:00Z")});
  EXPECT_EQ(js(m, r, "j").goals[0].conversions, 0u);
  RunOut r2 = run(m, {track("c1", "purchase", "2026-12-01T10:00:00Z"), track("c1", "purchase", "2026-12-01T10:00:00Z")});
  EXPECT_EQ(js(m, r2, "j").goals[0].conversions, 1u);  // same instant: entry time ≤ t ≤ entry + D
}

TEST(engine_test, ExitOnWhereSeesTheTrigger) {
  Mod m = build(R"(
journey per_order {
  on order
  key trigger.id
  exit on cancel where event.id == trigger.id
  wait 1d
  a: send push "x" with { id: trigger.id }
}
)");
  EngineOptions o;
  o.until = T("2026-12-03T00:00:00Z");
  RunOut r = run(m,
                 {track("c1", "order", "2026-12-01T10:00:00Z", R"({"id":1})"),
                  track("c1", "order", "2026-12-01T10:00:00Z", R"({"id":2})"),
                  track("c1", "cancel", "2026-12-01T11:00:00Z", R"({"id":1})")},
                 o);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find(R"("vars":{"id":2})"), std::string::npos) << r.lines[0];
  EXPECT_EQ(js(m, r, "per_order").exited_by_rule.at("on cancel"), 1u);
}

// ---------------------------------------------------------------- goals: limits and loops

TEST(engine_test, GoalConversionCountsEachVariantOnceWhenTheSplitRunsAgain) {
  // The split runs three times in one instance (a goto loop); the customer's arm is the same
  // each time (stable bucket). One conversion is one conversion for that variant.
  Mod m = build(R"(
journey loopy {
  on signup
  goal purchase within 7d
  let n = 0
  top: split s {
    variant A 50% { a: send push "a" }
    variant B 50% { b: send push "b" }
  }
  let n = n + 1
  wait 1h
  if n < 3 { goto top }
}
)");
  EngineOptions o;
  o.until = T("2026-12-03T00:00:00Z");
  RunOut r = run(m,
                 {track("c1", "signup", "2026-12-01T10:00:00Z"), track("c1", "purchase", "2026-12-02T10:00:00Z")}, o);
  const JourneyStats& s = js(m, r, "loopy");
  EXPECT_EQ(r.lines.size(), 3u);
  ASSERT_EQ(s.goals.size(), 1u);
  EXPECT_EQ(s.goals[0].conversions, 1u);
  std::string v = fnv("loopy/s/c1") % 10000 < 5000 ? "s/A" : "s/B";
  EXPECT_EQ(s.goals[0].by_variant, (std::map<std::string, uint64_t>{{v, 1}})) << r.stats_json;
}

TEST(engine_test, ManyGoalsAllConvert) {
  // 70 goals on one journey: each converts on its own event.
  std::string src = "journey many {\n  on signup\n";
  for (int g = 0; g < 70; ++g) src += "  goal e" + std::to_string(g) + " within 1d\n";
  src += "  a: send push \"x\"\n}\n";
  Mod m = build(src);
  std::vector<std::string> in = {track("c1", "signup", "2026-12-01T10:00:00Z")};
  for (int g = 0; g < 70; ++g) in.push_back(track("c1", "e" + std::to_string(g), "2026-12-01T11:00:00Z"));
  RunOut r = run(m, in);
  const JourneyStats& s = js(m, r, "many");
  ASSERT_EQ(s.goals.size(), 70u);
  uint64_t converted = 0;
  for (const GoalStats& g : s.goals) converted += g.conversions;
  EXPECT_EQ(converted, 70u);
  EXPECT_EQ(s.goals[64].conversions, 1u);
  EXPECT_EQ(s.goals[69].conversions, 1u);
}

// ---------------------------------------------------------------- determinism

std::vector<std::string> mixed_input() {
  std::vector<std::string> in;
  const char* events[] = {"signup", "login", "purchase", "cart_updated", "Order Completed", "Account Deleted",
                          "Trial Converted", "page_view", "shipment_delayed", "order_shipped"};
  int64_t t = T("2026-12-01T06:00:00Z");
  for (int k = 0; k < 600; ++k) {
    std::string user = "u" + std::to_string((k * 7) % 37);
    t += (k % 5) * 60'000 + 17'000;
    std::string ts(vm::format_time(t));
    if (k % 11 == 0) {
      in.push_back(identify(user,
                            R"({"email":")" + user + R"(@example.com","phone":"+1555)" + std::to_string(k) +
                                R"(","first_name":"N)" + std::to_string(k) + R"(","timezone":"Europe/Paris","ltv":)" +
                                std::to_string(k * 13) + "}",
                            ts));
    } else if (k % 29 == 0) {
      in.push_back("garbage " + std::to_string(k));
    } else {
      std::string props = R"({"amount":)" + std::to_string(k % 300) + R"(,"plan":"pro","order_id":")" +
                          std::to_string(k % 13) + R"(","total":)" + std::to_string(k) + "}";
      in.push_back(track(user, events[k % 10], ts, props, k % 7 == 0 ? R"(,"messageId":"dup")" : ""));
    }
  }
  return in;
}

TEST(engine_test, DeterministicAcrossEngines) {
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<fs::path> paths;
  for (auto& e : fs::directory_iterator(fs::path(LAUD_SOURCE_DIR) / "examples"))
    if (e.path().extension() == ".journey") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  ASSERT_FALSE(paths.empty());
  for (const fs::path& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    files.emplace_back(fs::relative(p, LAUD_SOURCE_DIR).generic_string(), s.str());
  }
  Mod m = build(files);
  EngineOptions o;
  o.until = T("2027-01-15T00:00:00Z");
  std::vector<std::string> in = mixed_input();
  RunOut a = run(m, in, o);
  RunOut b = run(m, in, o);
  EXPECT_EQ(a.dispatches, b.dispatches);
  EXPECT_EQ(a.rejects, b.rejects);
  EXPECT_EQ(a.stats_json, b.stats_json);
  EXPECT_GT(a.stats.dispatched, 0u);
  EXPECT_GT(a.stats.accepted, 500u);
  // Two modules loaded separately (same bytes) agree too.
  Mod m2 = build(files);
  RunOut c = run(m2, in, o);
  EXPECT_EQ(a.dispatches, c.dispatches);
  EXPECT_EQ(a.stats_json, c.stats_json);
}

TEST(engine_test, DispatchIdsAreUnique) {
  Mod m = build(R"(
journey loop {
  on ping
  reentry always
  top: send push "x"
  wait 1h
  if count(ping) < 100 { goto top }
}
)");
  EngineOptions o;
  o.until = T("2026-12-01T16:00:00Z");
  RunOut r = run(m, {track("c1", "ping", "2026-12-01T10:00:00Z"), track("c2", "ping", "2026-12-01T10:00:00Z")}, o);
  std::set<std::string> ids;
  for (const std::string& l : r.lines) ids.insert(l.substr(7, 16));
  EXPECT_EQ(ids.size(), r.lines.size());
  EXPECT_EQ(r.lines.size(), 14u);  // 10:00 .. 16:00 for each customer
  // OCC counts: the 7th send of c1 is OCC 6.
  std::string lc = std::to_string(m->sends[0].line) + ":" + std::to_string(m->sends[0].col);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv("loop|c1||1|" + lc + "|6")));
  EXPECT_EQ(ids.count(buf), 1u);
}

}  // namespace
}  // namespace laud::runtime
