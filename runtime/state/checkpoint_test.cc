// checkpoint_test.cc — the records a checkpoint writes (Engine::collect_state) and reads back
// (Engine::restore_state): a customer's traits and its aggregates have records of their own,
// written only in a batch that changed them, and restored onto the customer's record.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "runtime/dispatch/sink.h"
#include "runtime/engine/engine.h"
#include "runtime/state/codec.h"
#include "runtime/state/state_source.h"
#include "tests/support/modules.h"

namespace laud::runtime {
namespace {

const char* kModule = R"(
journey upgrade {
  on pay
  reentry always
  set customer.paid = true
}
journey show {
  on b
  reentry always
  n: send push "show" with { plan: customer.plan, paid: customer.paid, pays: count(pay within 1d) }
}
)";

std::string identify(const std::string& traits, const std::string& time) {
  return R"({"type":"identify","userId":"c1","traits":)" + traits + R"(,"timestamp":")" + time + R"("})";
}
std::string track(const std::string& name, const std::string& time) {
  return R"({"type":"track","userId":"c1","event":")" + name + R"(","timestamp":")" + time + R"("})";
}

// The store: the last value per key, as a compacted changelog or RocksDB keeps them.
struct MemoryState {
  std::map<std::string, std::string> records;
  void apply(const StatePuts& puts) {
    for (const auto& [k, v] : puts) records[k] = v;
  }
  StateSource source() const {
    StateSource s;
    s.get = [this](std::string_view key, std::string& value, std::string*) {
      auto it = records.find(std::string(key));
      if (it == records.end()) return false;
      value = it->second;
      return true;
    };
    s.scan = [this](std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& f,
                    std::string*) {
      for (auto it = records.lower_bound(std::string(prefix)); it != records.end() && it->first.starts_with(prefix); ++it)
        if (!f(it->first, it->second)) return false;
      return true;
    };
    return s;
  }
};

bool has_key(const StatePuts& puts, const std::string& key) {
  for (const auto& [k, v] : puts)
    if (k == key) return true;
  return false;
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    bytes_ = testing::compile_module_bytes({{"case.journey", kModule}}, &error);
    ASSERT_FALSE(bytes_.empty()) << error;
    module_ = testing::load_module_bytes(bytes_, &error);
    ASSERT_TRUE(module_) << error;
  }
  StatePuts batch(Engine& e, std::initializer_list<std::string> lines) {
    for (const std::string& l : lines) e.process_line(l, ++line_);
    StatePuts puts;
    e.collect_state(Position{}, puts);
    return puts;
  }
  // The records of one batch: c1's identify.
  MemoryState identified_c1() {
    MemoryState state;
    StringSink out;
    Engine e(*module_, out, nullptr);
    state.apply(batch(e, {identify(R"({"plan":"pro"})", "2026-12-01T10:00:00Z")}));
    return state;
  }
  // Restores `e` from `state` (asserting it succeeds); whether the state was fresh.
  bool restored(Engine& e, const MemoryState& state) {
    Position pos;
    bool fresh = true;
    std::string error;
    EXPECT_TRUE(e.restore_state(state.source(), pos, fresh, &error)) << error;
    return fresh;
  }
  // The message of a restore that must fail ("" when it succeeds).
  std::string restore_error(const MemoryState& state) {
    StringSink out;
    Engine e(*module_, out, nullptr);
    Position pos;
    bool fresh = false;
    std::string error;
    EXPECT_FALSE(e.restore_state(state.source(), pos, fresh, &error));
    return error;
  }
  std::string bytes_;
  std::unique_ptr<vm::Module> module_;
  uint64_t line_ = 0;
};

TEST_F(CheckpointTest, TraitsAreWrittenOnlyWhenTheyChanged) {
  StringSink out;
  Engine e(*module_, out, nullptr);
  StatePuts puts = batch(e, {identify(R"({"plan":"pro"})", "2026-12-01T10:00:00Z")});
  EXPECT_TRUE(has_key(puts, "cc1"));
  EXPECT_TRUE(has_key(puts, "tc1"));
  puts = batch(e, {track("ping", "2026-12-01T10:01:00Z")});
  EXPECT_TRUE(has_key(puts, "cc1"));
  EXPECT_FALSE(has_key(puts, "tc1"));  // a track leaves the traits: no record for them
  puts = batch(e, {track("pay", "2026-12-01T10:02:00Z")});
  EXPECT_TRUE(has_key(puts, "tc1"));   // a `set` changed them
  puts = batch(e, {});
  EXPECT_FALSE(has_key(puts, "cc1"));  // nothing changed: nothing written for the customer
  EXPECT_FALSE(has_key(puts, "tc1"));
}

TEST_F(CheckpointTest, RestoredCustomersHaveTheirLatestTraits) {
  MemoryState state;
  {
    StringSink out;
    Engine e(*module_, out, nullptr);
    state.apply(batch(e, {identify(R"({"plan":"free"})", "2026-12-01T10:00:00Z")}));
    state.apply(batch(e, {identify(R"({"plan":"pro"})", "2026-12-01T10:01:00Z"), track("pay", "2026-12-01T10:02:00Z")}));
    state.apply(batch(e, {track("ping", "2026-12-01T10:03:00Z")}));
  }
  StringSink out;
  Engine e(*module_, out, nullptr);
  EXPECT_FALSE(restored(e, state));
  e.process_line(track("b", "2026-12-01T10:04:00Z"), 5);
  EXPECT_NE(out.text.find(R"("vars":{"plan":"pro","paid":true,"pays":1})"), std::string::npos) << out.text;
}

std::string identify_as(const std::string& id, const std::string& traits, const std::string& time) {
  return R"({"type":"identify","userId":")" + id + R"(","traits":)" + traits + R"(,"timestamp":")" + time + R"("})";
}

// Records written ahead (collect_some_state: the Kafka daemon's idle moments) plus the batch's
// end write what one collect_state would have: the longest changed customers first, nobody
// twice unless changed again, and a customer changed after its record went out is written again,
// so the later record wins.
TEST_F(CheckpointTest, RecordsWrittenAheadAddUpToTheBatch) {
  StringSink out;
  Engine e(*module_, out, nullptr);
  auto collect_some = [&](size_t max, StatePuts& puts) {
    return e.collect_some_state(max, [&](std::string_view k, std::string_view v) { puts.emplace_back(k, v); });
  };
  for (const char* id : {"a", "b", "c"}) e.process_line(identify_as(id, R"({"plan":"free"})", "2026-12-01T10:00:00Z"), ++line_);
  EXPECT_TRUE(e.state_pending());
  StatePuts ahead;
  EXPECT_EQ(collect_some(2, ahead), 2u);
  EXPECT_TRUE(has_key(ahead, "ca") && has_key(ahead, "cb") && !has_key(ahead, "cc"));  // a and b changed first
  EXPECT_TRUE(has_key(ahead, "ta"));
  e.process_line(identify_as("a", R"({"plan":"pro"})", "2026-12-01T10:01:00Z"), ++line_);  // a again
  StatePuts rest;
  e.collect_state(Position{}, rest);
  EXPECT_FALSE(e.state_pending());
  EXPECT_TRUE(has_key(rest, "cc") && has_key(rest, "ca") && has_key(rest, "ta"));
  EXPECT_FALSE(has_key(rest, "cb"));  // written ahead and not changed since
  StatePuts none;
  EXPECT_EQ(collect_some(10, none), 0u);

  MemoryState state;
  state.apply(ahead);
  state.apply(rest);
  StringSink out2;
  Engine r(*module_, out2, nullptr);
  EXPECT_FALSE(restored(r, state));
  EXPECT_EQ(r.customers(), 3u);
  r.process_line(R"({"type":"track","userId":"a","event":"b","timestamp":"2026-12-01T10:02:00Z"})", 9);
  EXPECT_NE(out2.text.find(R"("vars":{"plan":"pro")"), std::string::npos) << out2.text;  // a's later record
}

TEST_F(CheckpointTest, AggregatesAreWrittenOnlyWhenAnEventRecordedOne) {
  StringSink out;
  Engine e(*module_, out, nullptr);
  StatePuts puts = batch(e, {track("ping", "2026-12-01T10:00:00Z")});
  EXPECT_TRUE(has_key(puts, "cc1"));
  EXPECT_FALSE(has_key(puts, "ac1"));  // no aggregate reads `ping`: nothing recorded, no record
  puts = batch(e, {track("pay", "2026-12-01T10:01:00Z")});
  EXPECT_TRUE(has_key(puts, "ac1"));
  puts = batch(e, {track("b", "2026-12-01T10:02:00Z")});  // reads count(pay) and sends: no new record
  EXPECT_TRUE(has_key(puts, "cc1"));
  EXPECT_FALSE(has_key(puts, "ac1"));
}

// The aggregates record of an earlier batch, under the customer record of a later one, answers
// as the engine that never stopped: also after the window passed an entry (the stored state
// still holds it; the query evicts it the same way).
TEST_F(CheckpointTest, RestoredAggregatesAnswerAsBefore) {
  MemoryState state;
  StringSink straight_out;
  Engine straight(*module_, straight_out, nullptr);
  std::vector<std::string> first = {track("pay", "2026-12-01T10:00:00Z"), track("pay", "2026-12-01T20:00:00Z")};
  std::vector<std::string> second = {track("b", "2026-12-01T21:00:00Z"), track("ping", "2026-12-02T11:00:00Z")};
  std::string last = track("b", "2026-12-02T12:00:00Z");  // one pay left the 1d window
  {
    StringSink out;
    Engine e(*module_, out, nullptr);
    for (const auto& l : first) e.process_line(l, ++line_);
    StatePuts p1;
    e.collect_state(Position{}, p1);
    state.apply(p1);
    for (const auto& l : second) e.process_line(l, ++line_);
    StatePuts p2;
    e.collect_state(Position{}, p2);
    EXPECT_FALSE(has_key(p2, "ac1"));
    state.apply(p2);
  }
  for (const auto& l : first) straight.process_line(l, 1);
  for (const auto& l : second) straight.process_line(l, 1);
  straight.process_line(last, 1);
  StringSink out;
  Engine e(*module_, out, nullptr);
  EXPECT_FALSE(restored(e, state));
  e.process_line(last, 1);
  ASSERT_NE(out.text.find(R"("pays":1)"), std::string::npos) << out.text;
  EXPECT_NE(straight_out.text.find(out.text), std::string::npos) << "restored:\n" << out.text << "straight:\n" << straight_out.text;
}

TEST_F(CheckpointTest, AggregatesWithoutTheirCustomerAreRefused) {
  StringSink out;
  Engine e(*module_, out, nullptr);
  MemoryState state;
  state.apply(batch(e, {track("pay", "2026-12-01T10:00:00Z")}));
  ASSERT_TRUE(state.records.count("ac1"));
  state.records.erase("cc1");
  state.records.erase("tc1");  // `upgrade` set a trait: that record would be refused first
  std::string error = restore_error(state);
  EXPECT_NE(error.find("aggregates record `c1`: no customer record"), std::string::npos) << error;
  state = MemoryState{};
  Engine e2(*module_, out, nullptr);
  state.apply(batch(e2, {track("pay", "2026-12-01T10:00:00Z")}));
  state.records["ac1"] += "junk";
  EXPECT_NE(restore_error(state).find("aggregates record `c1`: malformed aggregates record"), std::string::npos);
}

// A deploy that removes an aggregate: once no loaded version keeps it, the restored customer's
// aggregates record is rewritten without it at the next checkpoint, so a later module declaring
// it again starts from nothing, whether or not the restarts in between were crashes.
TEST_F(CheckpointTest, AnAggregateADeployRemovedIsRewrittenAway) {
  const char* without = R"(
journey other {
  on b
  n: send push "x" with { logins: count(login within 1d) }
}
)";
  std::string error;
  auto bytes_b = testing::compile_module_bytes({{"case.journey", without}}, &error);
  ASSERT_FALSE(bytes_b.empty()) << error;
  auto module_b = testing::load_module_bytes(bytes_b, &error);
  ASSERT_TRUE(module_b) << error;
  MemoryState state;
  {
    StringSink out;
    EngineOptions options;
    options.module_bytes = bytes_;  // recorded, as laudd does: a restart under another module reads it
    Engine a(*module_, out, nullptr, options);
    state.apply(batch(a, {track("pay", "2026-12-01T10:00:00Z")}));
  }
  // The first run under B still loads A (the module of the last run) and with it A's aggregate;
  // A has no live instance, so the run after that loads B alone.
  StringSink out;
  EngineOptions options_b;
  options_b.module_bytes = bytes_b;
  Position pos;
  bool fresh = true;
  for (int run = 0; run < 2; ++run) {
    Engine b(*module_b, out, nullptr, options_b);
    ASSERT_TRUE(b.restore_state(state.source(), pos, fresh, &error)) << error;
    StatePuts puts;
    b.collect_state(pos, puts);
    EXPECT_EQ(has_key(puts, "ac1"), run == 1) << "run " << run;
    state.apply(puts);
  }
  StringSink out_c;
  Engine c(*module_, out_c, nullptr);
  ASSERT_TRUE(c.restore_state(state.source(), pos, fresh, &error)) << error;
  c.process_line(track("b", "2026-12-01T10:05:00Z"), 1);
  EXPECT_NE(out_c.text.find(R"("pays":0)"), std::string::npos) << out_c.text;
}

TEST_F(CheckpointTest, TraitsWithoutTheirCustomerAreRefused) {
  MemoryState state = identified_c1();
  state.records.erase("cc1");
  EXPECT_NE(restore_error(state).find("traits record `c1`: no customer record"), std::string::npos);
}

TEST_F(CheckpointTest, MalformedTraitsAreRefused) {
  MemoryState state = identified_c1();
  state.records["tc1"] = std::string(1, static_cast<char>(kStateFormat)) + "\x09";  // right format byte, then a bad type
  EXPECT_NE(restore_error(state).find("traits record `c1`: malformed traits record"), std::string::npos);
}

TEST_F(CheckpointTest, StateOfAnotherFormatIsRefusedByName) {
  MemoryState state = identified_c1();
  state.records["g"][0] = static_cast<char>(kStateFormat - 1);  // what the previous laudd wrote
  std::string error = restore_error(state);
  EXPECT_NE(error.find(fmt::format("state format {}; this laudd reads format {}", kStateFormat - 1, kStateFormat)),
            std::string::npos)
      << error;
}

}  // namespace
}  // namespace laud::runtime
