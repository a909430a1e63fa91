// local_state_test.cc — the local copy of a partition's committed state: records and the
// changelog offset written together and read back, nothing before a flush, and a wipe.
#include "runtime/kafka/local_state.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace laud::runtime {
namespace {

namespace fs = std::filesystem;

struct Dir {
  fs::path path = fs::temp_directory_path() / ("laud_local_state_" + std::to_string(::getpid()));
  Dir() { fs::remove_all(path); }
  ~Dir() { fs::remove_all(path); }
};

TEST(LocalState, RecordsAndOffsetAreWrittenTogether) {
  Dir dir;
  std::string error;
  {
    LocalState s;
    ASSERT_TRUE(s.open(dir.path.string(), "laud.changelog", 3, &error)) << error;
    EXPECT_EQ(s.path(), (dir.path / "laud.changelog-3").string());
    StateMap records;
    int64_t offset = 0;
    ASSERT_TRUE(s.load(records, offset, &error)) << error;
    EXPECT_TRUE(records.empty());
    EXPECT_EQ(offset, -1);
    s.add({{"cc1", "v1"}, {"g", "engine"}});
    s.add({{"cc1", "v2"}, {"tc1", "traits"}});  // the last value per key
    EXPECT_TRUE(s.has_pending());
    ASSERT_TRUE(s.load(records, offset, &error)) << error;
    EXPECT_TRUE(records.empty());  // nothing reaches the store before a flush
    ASSERT_TRUE(s.flush(42, &error)) << error;
    EXPECT_FALSE(s.has_pending());
    s.add({{"cc2", "lost"}});  // never flushed: gone with the process
  }
  LocalState s;
  ASSERT_TRUE(s.open(dir.path.string(), "laud.changelog", 3, &error)) << error;
  StateMap records;
  int64_t offset = 0;
  ASSERT_TRUE(s.load(records, offset, &error)) << error;
  EXPECT_EQ(offset, 42);
  EXPECT_EQ(records, (StateMap{{"cc1", "v2"}, {"g", "engine"}, {"tc1", "traits"}}));
  ASSERT_TRUE(s.wipe(&error)) << error;
  ASSERT_TRUE(s.load(records, offset, &error)) << error;
  EXPECT_TRUE(records.empty());
  EXPECT_EQ(offset, -1);
}

TEST(LocalState, AStoreInUseCannotBeOpenedTwice) {
  Dir dir;
  std::string error;
  LocalState a, b;
  ASSERT_TRUE(a.open(dir.path.string(), "c", 0, &error)) << error;
  EXPECT_FALSE(b.open(dir.path.string(), "c", 0, &error));  // RocksDB's lock: the daemon goes on without it
  EXPECT_NE(error.find("lock"), std::string::npos) << error;
}

}  // namespace
}  // namespace laud::runtime
