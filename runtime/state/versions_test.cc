// versions_test.cc — module versions over a durable state (docs/runtime.md, "Module versions"):
// instances started under one module finish on it after laudd restarts with a new module, new
// entries use the new one, one live instance per journey name holds across versions, identical
// aggregates keep their history, and a state whose module is not in the store is refused.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "runtime/dispatch/sink.h"
#include "runtime/engine/engine.h"
#include "runtime/state/store.h"
#include "tests/support/modules.h"
#include "vm/time_text.h"

namespace laud::runtime {
namespace {

namespace fs = std::filesystem;

const char* kV1 = R"(
segment active = count(a within 30d) > 0
journey j {
  on a
  first: send push "v1-first"
  wait 1d
  second: send push "v1-second"
}
)";

const char* kV2 = R"(
journey j {
  on a
  first: send push "v2-first"
  wait 2d
  second: send push "v2-second"
}
journey k {
  on b
  n: send push "k" with { a_count: count(a within 30d) }
}
)";

std::string track(const std::string& user, const std::string& name, const std::string& time) {
  return R"({"type":"track","userId":")" + user + R"(","event":")" + name + R"(","timestamp":")" + time + R"("})";
}

struct Fixture {
  fs::path dir = fs::temp_directory_path() / ("laud_versions_" + std::to_string(::getpid()));
  Fixture() { fs::remove_all(dir); }
  ~Fixture() { fs::remove_all(dir); }
};

// Runs `lines` on `bytes`' module against the state in `dir`; returns the dispatch lines' templates.
std::vector<std::string> run(const std::string& bytes, const fs::path& dir, const std::vector<std::string>& lines,
                             std::optional<int64_t> until, bool record_module, std::string* error,
                             std::string* stats = nullptr) {
  std::unique_ptr<vm::Module> m = testing::load_module_bytes(bytes, error);
  if (!m) return {};
  StringSink out;
  EngineOptions o;
  o.until = until;
  if (record_module) o.module_bytes = bytes;
  Engine e(*m, out, nullptr, o);
  StateStore store;
  if (!store.open(dir.string(), error)) return {};
  Position pos;
  bool fresh = false;
  if (!e.restore(store, pos, fresh, error)) return {};
  uint64_t n = pos.input_line;
  for (const std::string& l : lines) e.process_line(l, ++n);
  e.finish();
  if (!e.checkpoint(store, Position{0, n, 0, -1, -1}, error)) return {};
  if (stats) *stats = e.stats_json();
  std::vector<std::string> templates;
  size_t at = 0;
  while ((at = out.text.find("\"template\":\"", at)) != std::string::npos) {
    at += 12;
    size_t end = out.text.find('"', at);
    std::string customer_at = out.text.substr(out.text.find("\"customer\":\"", at) + 12);
    templates.push_back(out.text.substr(at, end - at) + "@" + customer_at.substr(0, customer_at.find('"')));
  }
  return templates;
}

TEST(ModuleVersions, OldInstancesFinishOnTheirVersionNewEntriesUseTheNewOne) {
  Fixture f;
  std::string error;
  std::string v1 = testing::compile_module_bytes({{"v1.journey", kV1}}, &error);
  std::string v2 = testing::compile_module_bytes({{"v2.journey", kV2}}, &error);
  ASSERT_FALSE(v1.empty() || v2.empty()) << error;

  auto first = run(v1, f.dir, {track("c1", "a", "2026-12-01T10:00:00Z")}, std::nullopt, true, &error);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(first, (std::vector<std::string>{"v1-first@c1"}));

  std::string stats;
  auto second = run(v2, f.dir,
                    {track("c2", "a", "2026-12-01T12:00:00Z"),    // a new entry: v2
                     track("c1", "a", "2026-12-01T13:00:00Z"),    // c1's v1 instance of `j` is live: skipped
                     track("c1", "b", "2026-12-01T14:00:00Z")},   // count(a within 30d) kept its v1 history
                    vm::parse_rfc3339("2026-12-05T00:00:00Z"), true, &error, &stats);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(second, (std::vector<std::string>{"v2-first@c2", "k@c1", "v1-second@c1", "v2-second@c2"}));
  EXPECT_NE(stats.find("\"entered\": 2"), std::string::npos) << stats;  // j: one entry per run
}

TEST(ModuleVersions, IdenticalAggregatesKeepTheirHistory) {
  Fixture f;
  std::string error;
  std::string v1 = testing::compile_module_bytes({{"v1.journey", kV1}}, &error);
  std::string v2 = testing::compile_module_bytes({{"v2.journey", kV2}}, &error);
  run(v1, f.dir, {track("c1", "a", "2026-12-01T10:00:00Z"), track("c1", "a", "2026-12-01T10:30:00Z")},
      std::nullopt, true, &error);
  ASSERT_TRUE(error.empty()) << error;
  std::unique_ptr<vm::Module> m = testing::load_module_bytes(v2, &error);
  StringSink out;
  EngineOptions o;
  Engine e(*m, out, nullptr, o);
  StateStore store;
  ASSERT_TRUE(store.open(f.dir.string(), &error)) << error;
  Position pos;
  bool fresh = true;
  ASSERT_TRUE(e.restore(store, pos, fresh, &error)) << error;
  e.process_line(track("c1", "b", "2026-12-01T11:00:00Z"), 1);
  // The v1 instance (started at 10:00; c1's second `a` was skipped) and c1's two `a` events.
  EXPECT_NE(out.text.find(R"("vars":{"a_count":2})"), std::string::npos) << out.text;
}

TEST(ModuleVersions, AStateWhoseModuleIsNotStoredIsRefused) {
  Fixture f;
  std::string error;
  std::string v1 = testing::compile_module_bytes({{"v1.journey", kV1}}, &error);
  std::string v2 = testing::compile_module_bytes({{"v2.journey", kV2}}, &error);
  run(v1, f.dir, {track("c1", "a", "2026-12-01T10:00:00Z")}, std::nullopt, /*record_module=*/false, &error);
  ASSERT_TRUE(error.empty()) << error;
  run(v2, f.dir, {}, std::nullopt, true, &error);
  EXPECT_NE(error.find("which it does not hold"), std::string::npos) << error;
}

TEST(ModuleVersions, TheSameModuleResumesWithoutLoadingAnything) {
  Fixture f;
  std::string error;
  std::string v1 = testing::compile_module_bytes({{"v1.journey", kV1}}, &error);
  run(v1, f.dir, {track("c1", "a", "2026-12-01T10:00:00Z")}, std::nullopt, false, &error);
  auto rest = run(v1, f.dir, {}, vm::parse_rfc3339("2026-12-03T00:00:00Z"), false, &error);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(rest, (std::vector<std::string>{"v1-second@c1"}));
}


TEST(ModuleVersions, AnOldVersionsOwnAggregatesKeepCounting) {
  // v1's instance reads count(x within 30d), which v2 does not have: events after the upgrade still
  // feed it, even events whose name v2 does not know at all.
  Fixture f;
  std::string error;
  std::string v1 = testing::compile_module_bytes({{"v1.journey", R"(
journey j {
  on a
  wait 1d
  n: send push "n" with { xs: count(x within 30d) }
}
)"}}, &error);
  std::string v2 = testing::compile_module_bytes({{"v2.journey", kV2}}, &error);
  ASSERT_FALSE(v1.empty() || v2.empty()) << error;
  run(v1, f.dir, {track("c1", "a", "2026-12-01T10:00:00Z"), track("c1", "x", "2026-12-01T10:30:00Z")}, std::nullopt,
      true, &error);
  ASSERT_TRUE(error.empty()) << error;
  std::unique_ptr<vm::Module> m = testing::load_module_bytes(v2, &error);
  StringSink out;
  EngineOptions o;
  o.until = vm::parse_rfc3339("2026-12-03T00:00:00Z");
  Engine e(*m, out, nullptr, o);
  StateStore store;
  ASSERT_TRUE(store.open(f.dir.string(), &error)) << error;
  Position pos;
  bool fresh = true;
  ASSERT_TRUE(e.restore(store, pos, fresh, &error)) << error;
  e.process_line(track("c1", "x", "2026-12-01T12:00:00Z"), 1);
  e.finish();
  EXPECT_NE(out.text.find(R"("vars":{"xs":2})"), std::string::npos) << out.text;
}

}  // namespace
}  // namespace laud::runtime
