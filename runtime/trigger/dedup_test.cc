// dedup_test.cc — the per-customer messageId window (§8): a repeat among the last kDedupWindow
// ids is seen; the kDedupWindow + 1st-oldest is forgotten.
#include "runtime/trigger/dedup.h"

#include <gtest/gtest.h>

#include <string>

namespace laud::runtime {
namespace {

std::string id(uint32_t k) { return "msg-" + std::to_string(k); }

TEST(dedup_test, FirstSeenThenRepeat) {
  MessageIdWindow w;
  EXPECT_FALSE(w.seen_or_add("a"));
  EXPECT_TRUE(w.seen_or_add("a"));
  EXPECT_TRUE(w.seen_or_add("a"));
  EXPECT_FALSE(w.seen_or_add("b"));
  EXPECT_TRUE(w.seen_or_add("a"));
  EXPECT_TRUE(w.seen_or_add("b"));
  EXPECT_EQ(w.hashes().size(), 2u);
}

TEST(dedup_test, IdsAreExactStrings) {
  MessageIdWindow w;
  EXPECT_FALSE(w.seen_or_add("42"));
  EXPECT_FALSE(w.seen_or_add("042"));
  EXPECT_FALSE(w.seen_or_add("42 "));
  EXPECT_FALSE(w.seen_or_add(""));
  EXPECT_TRUE(w.seen_or_add(""));
  EXPECT_TRUE(w.seen_or_add("42"));
}

TEST(dedup_test, RemembersTheLastWindowOfIds) {
  MessageIdWindow w;
  for (uint32_t k = 0; k < kDedupWindow; ++k) EXPECT_FALSE(w.seen_or_add(id(k)));
  EXPECT_EQ(w.hashes().size(), kDedupWindow);
  for (uint32_t k = 0; k < kDedupWindow; ++k) EXPECT_TRUE(w.seen_or_add(id(k))) << k;
}

TEST(dedup_test, The257thOldestIdIsForgotten) {
  MessageIdWindow w;
  for (uint32_t k = 0; k <= kDedupWindow; ++k) EXPECT_FALSE(w.seen_or_add(id(k)));  // 257 ids
  EXPECT_EQ(w.hashes().size(), kDedupWindow);
  // The newest 256 are still seen (checking does not add)...
  for (uint32_t k = 1; k <= kDedupWindow; ++k) EXPECT_TRUE(w.seen_or_add(id(k))) << k;
  // ...and the oldest is forgotten: it is new again (and now evicts id 1).
  EXPECT_FALSE(w.seen_or_add(id(0)));
  EXPECT_TRUE(w.seen_or_add(id(0)));
  EXPECT_FALSE(w.seen_or_add(id(1)));
}

TEST(dedup_test, WindowSlidesOverALongStream) {
  MessageIdWindow w;
  const uint32_t n = kDedupWindow * 5 + 3;
  for (uint32_t k = 0; k < n; ++k) EXPECT_FALSE(w.seen_or_add(id(k)));
  EXPECT_EQ(w.hashes().size(), kDedupWindow);
  for (uint32_t k = n - kDedupWindow; k < n; ++k) EXPECT_TRUE(w.seen_or_add(id(k))) << k;
  EXPECT_FALSE(w.seen_or_add(id(n - kDedupWindow - 1)));
}

TEST(dedup_test, RestoreResumesTheRing) {
  MessageIdWindow a;
  for (uint32_t k = 0; k < kDedupWindow + 10; ++k) a.seen_or_add(id(k));
  MessageIdWindow b;
  b.restore(a.hashes(), a.next());
  EXPECT_EQ(b.next(), a.next());
  for (uint32_t k = 10; k < kDedupWindow + 10; ++k) EXPECT_TRUE(b.seen_or_add(id(k)));
  EXPECT_FALSE(b.seen_or_add(id(9)));
  // Both rings evict the same id next.
  EXPECT_FALSE(a.seen_or_add(id(9)));
  EXPECT_EQ(a.hashes(), b.hashes());
}

}  // namespace
}  // namespace laud::runtime
