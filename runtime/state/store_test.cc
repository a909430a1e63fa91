// store_test.cc — StateStore: synced batches read back by get() and scan(), and the background
// write of a checkpoint (write_async): the records are copied before it returns, one write is in
// flight at a time, later batches win, and a store closed with a write in flight still holds it.
#include "runtime/state/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

#include "runtime/dispatch/sink.h"
#include "runtime/engine/engine.h"
#include "tests/support/modules.h"
#include "vm/module_format.h"
#include "vm/time_text.h"

namespace laud::runtime {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path dir;
  TempDir() {
    dir = fs::temp_directory_path() / ("laud_store_test_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
};

std::string get(StateStore& s, std::string_view key) {
  std::string value, error;
  if (!s.get(key, value, &error)) return error.empty() ? "<absent>" : "<error " + error + ">";
  return value;
}

std::map<std::string, std::string> scan(StateStore& s, std::string_view prefix) {
  std::map<std::string, std::string> out;
  std::string error;
  EXPECT_TRUE(s.scan(prefix, [&](std::string_view k, std::string_view v) {
    out.emplace(k, v);
    return true;
  }, &error)) << error;
  return out;
}

TEST(StateStore, SyncedBatchesAreReadBack) {
  TempDir t;
  StateStore s;
  std::string error;
  ASSERT_TRUE(s.open(t.dir.string(), &error)) << error;
  ASSERT_TRUE(s.write({{"ca", "1"}, {"cb", "2"}, {"g", "engine"}}, &error)) << error;
  EXPECT_EQ(get(s, "ca"), "1");
  EXPECT_EQ(get(s, "missing"), "<absent>");
  EXPECT_EQ(scan(s, "c"), (std::map<std::string, std::string>{{"ca", "1"}, {"cb", "2"}}));
}

TEST(StateStore, BackgroundWritesCopyTheirRecordsAndLandInOrder) {
  TempDir t;
  StateStore s;
  std::string error;
  ASSERT_TRUE(s.open(t.dir.string(), &error)) << error;
  std::string key, value;  // reused between records and overwritten right after each call
  for (int round = 0; round < 20; ++round) {
    ASSERT_TRUE(s.write_async([&](const StatePut& put) {
      for (int k = 0; k < 100; ++k) {
        key = "c" + std::to_string(k);
        value = std::to_string(round) + ":" + std::to_string(k);
        put(key, value);
      }
    }, &error)) << error;
    key.assign("clobbered");
    value.assign("clobbered");
  }
  ASSERT_TRUE(s.wait(&error)) << error;
  ASSERT_TRUE(s.wait(&error)) << error;  // nothing in flight: still true
  std::map<std::string, std::string> all = scan(s, "c");
  ASSERT_EQ(all.size(), 100u);
  for (int k = 0; k < 100; ++k) EXPECT_EQ(all["c" + std::to_string(k)], "19:" + std::to_string(k));
  EXPECT_EQ(all.count("clobbered"), 0u);
  // A synced write after a background one waits for it, then wins.
  ASSERT_TRUE(s.write_async([&](const StatePut& put) { put("c0", "async"); }, &error)) << error;
  ASSERT_TRUE(s.write({{"c0", "sync"}}, &error)) << error;
  EXPECT_EQ(get(s, "c0"), "sync");
}

TEST(StateStore, AStoreClosedWithAWriteInFlightHoldsIt) {
  TempDir t;
  std::string error;
  {
    StateStore s;
    ASSERT_TRUE(s.open(t.dir.string(), &error)) << error;
    ASSERT_TRUE(s.write_async([&](const StatePut& put) {
      for (int k = 0; k < 5000; ++k) put("c" + std::to_string(k), std::string(100, 'x'));
    }, &error)) << error;
  }
  StateStore again;
  ASSERT_TRUE(again.open(t.dir.string(), &error)) << error;
  EXPECT_EQ(scan(again, "c").size(), 5000u);
}

// An engine checkpointed in the background restores exactly as one checkpointed in place.
TEST(StateStore, BackgroundCheckpointsRestoreLikeSyncedOnes) {
  std::string error;
  std::string bytes = testing::compile_module_bytes({{"case.journey", R"(
journey j {
  on a
  reentry always
  wait 1h
  n: send push "later" with { plan: customer.plan }
}
)"}}, &error);
  ASSERT_FALSE(bytes.empty()) << error;
  vm::Module m;
  ASSERT_TRUE(vm::read_module(bytes, m, &error)) << error;
  auto line = [](int k) {
    std::string user = "c" + std::to_string(k % 7);
    if (k % 3 == 0)
      return R"({"type":"identify","userId":")" + user + R"(","traits":{"plan":"p)" + std::to_string(k) +
             R"("},"timestamp":"2026-12-01T10:00:)" + (k < 10 ? "0" : "") + std::to_string(k) + R"(Z"})";
    return R"({"type":"track","userId":")" + user + R"(","event":"a","timestamp":"2026-12-01T10:00:)" +
           (k < 10 ? "0" : "") + std::to_string(k) + R"(Z"})";
  };
  auto records = [&](bool background) {
    TempDir t;
    std::map<std::string, std::string> out;
    StringSink sink;
    Engine e(m, sink, nullptr, EngineOptions{});
    StateStore s;
    EXPECT_TRUE(s.open(t.dir.string(), &error)) << error;
    for (int k = 0; k < 60; ++k) {
      e.process_line(line(k), k + 1);
      if (k % 10 == 9) {
        EXPECT_TRUE(e.checkpoint(s, Position{0, uint64_t(k + 1), 0, -1, -1}, &error, background)) << error;
      }
    }
    EXPECT_TRUE(s.wait(&error)) << error;
    out = scan(s, "");
    // And the store restores: the instances still waiting fire after the restart.
    StringSink after;
    EngineOptions o;
    o.until = vm::parse_rfc3339("2026-12-01T12:00:00Z");
    Engine restored(m, after, nullptr, o);
    Position pos;
    bool fresh = true;
    EXPECT_TRUE(restored.restore(s, pos, fresh, &error)) << error;
    EXPECT_FALSE(fresh);
    EXPECT_EQ(pos.input_line, 60u);
    restored.finish();
    out["(dispatched after restore)"] = std::to_string(std::count(after.text.begin(), after.text.end(), '\n'));
    return out;
  };
  std::map<std::string, std::string> synced = records(false), background = records(true);
  EXPECT_EQ(synced, background);
  EXPECT_EQ(synced["(dispatched after restore)"], "7");
}

}  // namespace
}  // namespace laud::runtime
