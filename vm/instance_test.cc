// instance_test.cc — an instance's state survives freeze(), encode() and decode() unchanged, and
// decode() refuses every malformed input without crashing.
#include "vm/instance.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/support/json_host.h"
#include "vm/text_form.h"
#include "vm/value_ops.h"

namespace laud::vm {
namespace {

std::string json_of(const Value& v) {
  std::string out;
  append_json(out, v);
  return out;
}

class InstanceTest : public ::testing::Test {
 protected:
  Module module;
  testing::JsonHost host{module};
  Arena arena;
};

TEST_F(InstanceTest, FreezeCopiesStringsListsAndObjects) {
  host.set_customer("c-1", R"({"name":"Ada","tags":["a","b"],"address":{"city":"Paris","zip":75001}})");
  Value customer = host.customer();
  InstanceState st;
  st.journey = 3;
  st.pc = 17;
  st.locals = {host.field(customer, "name", kDynamicKey, arena), host.field(customer, "tags", kDynamicKey, arena),
               host.field(customer, "address", kDynamicKey, arena), Value::integer(-5), Value::floating(2.5),
               Value::time(1'764'151'200'000), Value::duration(90'000), Value::boolean(true), Value()};
  st.freeze(host);
  ASSERT_TRUE(is_snapshot(st.locals[2]));
  EXPECT_EQ(snapshot_field(st.locals[2], "city").str(), "Paris");
  EXPECT_EQ(snapshot_field(st.locals[2], "zip").i, 75001);
  EXPECT_TRUE(snapshot_field(st.locals[2], "missing").is_null());
  EXPECT_EQ(st.locals[0].str(), "Ada");
  EXPECT_EQ(json_of(st.locals[1]), R"(["a","b"])");
}

// A second freeze copies the values out of the first one's block before refilling it (the block
// is reused when the new values fill at least half of it, else replaced): every value must read
// the same after each of a series of freezes that grow, keep and shrink what is held.
TEST_F(InstanceTest, RefreezingReusesOrReplacesTheBlockAndKeepsEveryValue) {
  host.set_customer("c-1", R"({"address":{"city":"a city name long enough for the heap","zip":75001}})");
  InstanceState st;
  st.locals = {Value::string("first, and long enough to matter"),
               host.field(host.customer(), "address", kDynamicKey, arena), Value::integer(1)};
  st.freeze(host);
  const size_t first_block = st.frozen_bytes();
  ASSERT_GT(first_block, 0u);
  st.freeze(host);  // the same values: the same size, so the block is reused
  EXPECT_EQ(st.frozen_bytes(), first_block);
  EXPECT_EQ(st.locals[0].str(), "first, and long enough to matter");
  EXPECT_EQ(snapshot_field(st.locals[1], "city").str(), "a city name long enough for the heap");
  st.locals[0] = Value::string("x");  // a little less: still fits, still reused
  st.freeze(host);
  EXPECT_EQ(st.frozen_bytes(), first_block);
  EXPECT_EQ(st.locals[0].str(), "x");
  EXPECT_EQ(snapshot_field(st.locals[1], "zip").i, 75001);
  st.locals[1] = Value();  // far less: a block of the new size
  st.freeze(host);
  EXPECT_LT(st.frozen_bytes(), first_block / 2 + 1);
  EXPECT_EQ(st.locals[0].str(), "x");
  std::string longer(500, 'y');
  st.locals[2] = Value::string(longer);  // more: a new, larger block
  st.freeze(host);
  EXPECT_GT(st.frozen_bytes(), first_block);
  EXPECT_EQ(st.locals[0].str(), "x");
  EXPECT_EQ(st.locals[2].str(), longer);
  st.locals = {Value::integer(3)};  // nothing to hold: no block
  st.freeze(host);
  EXPECT_EQ(st.frozen_bytes(), 0u);
  InstanceState back;
  ASSERT_TRUE(InstanceState::decode(st.encode(), back));
  EXPECT_EQ(back.locals[0].i, 3);
}

TEST_F(InstanceTest, ClearForReuseDropsThePendingSend) {
  InstanceState st;
  st.wait = {WaitKind::kDeferredSend, 5, 1};
  st.pending_with = {Value::string("to")};
  st.pending_occurrence = 4;
  st.deferred_event = Value::integer(1);
  st.freeze(host);
  st.clear_for_reuse();
  EXPECT_EQ(st.wait.kind, WaitKind::kNone);
  EXPECT_TRUE(st.pending_with.empty());
  EXPECT_EQ(st.pending_occurrence, 0u);
  EXPECT_TRUE(st.deferred_event.is_null());
}

TEST_F(InstanceTest, EncodeDecodeRoundTrip) {
  host.set_customer("c-1", R"({"o":{"k":[1,{"deep":"x"}]}})");
  InstanceState st;
  st.module_hash = 0x0123456789abcdefULL;
  st.journey = 2;
  st.pc = 40;
  st.wait = {WaitKind::kUpTo, 1'764'151'200'123, 5};
  st.locals = {Value::string("héllo"), host.field(host.customer(), "o", kDynamicKey, arena), Value::integer(INT64_MIN),
               Value::floating(-0.1), Value::duration(-1), Value()};
  st.send_counts = {0, 3, 1};
  st.pending_with = {Value::string("ada@example.com"), Value::integer(7)};
  st.pending_occurrence = 2;
  st.freeze(host);
  std::string bytes = st.encode();

  InstanceState back;
  ASSERT_TRUE(InstanceState::decode(bytes, back));
  EXPECT_EQ(back.module_hash, st.module_hash);
  EXPECT_EQ(back.journey, 2u);
  EXPECT_EQ(back.pc, 40u);
  EXPECT_EQ(back.wait.kind, WaitKind::kUpTo);
  EXPECT_EQ(back.wait.until, 1'764'151'200'123);
  EXPECT_EQ(back.wait.desc, 5u);
  ASSERT_EQ(back.locals.size(), st.locals.size());
  for (size_t i = 0; i < st.locals.size(); ++i) {
    if (is_snapshot(st.locals[i])) continue;
    EXPECT_TRUE(equal(back.locals[i], st.locals[i]) || (back.locals[i].is_null() && st.locals[i].is_null())) << i;
  }
  Value k = snapshot_field(back.locals[1], "k");
  ASSERT_EQ(k.kind, Kind::kList);
  EXPECT_EQ(snapshot_field(k.list[1], "deep").str(), "x");
  EXPECT_EQ(back.send_counts, st.send_counts);
  EXPECT_EQ(back.pending_occurrence, 2u);
  EXPECT_EQ(json_of(back.pending_with[0]), "\"ada@example.com\"");
  EXPECT_EQ(back.encode(), bytes);  // stable: decode(encode(x)) encodes to the same bytes
}

TEST_F(InstanceTest, DecodeRefusesEveryTruncation) {
  InstanceState st;
  st.journey = 1;
  st.locals = {Value::string("abc"), Value::integer(42)};
  st.send_counts = {1};
  std::string bytes = st.encode();
  for (size_t n = 0; n < bytes.size(); ++n) {
    InstanceState back;
    EXPECT_FALSE(InstanceState::decode(std::string_view(bytes).substr(0, n), back)) << n;
  }
  InstanceState back;
  EXPECT_FALSE(InstanceState::decode(bytes + "x", back));  // trailing bytes
}

TEST_F(InstanceTest, DecodeSurvivesRandomBytes) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20000; ++round) {
    std::string junk(rng() % 64, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    InstanceState back;
    (void)InstanceState::decode(junk, back);  // must not crash, hang or over-allocate
  }
}

}  // namespace
}  // namespace laud::vm
