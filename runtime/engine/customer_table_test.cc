// customer_table_test.cc — the customer index: lookups, creation, growth past many chunks with
// addresses that never move, adopted customers and clearing.
#include "runtime/engine/customer_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace laud::runtime {
namespace {

TEST(customer_table_test, FindsWhatItAddsAndNothingElse) {
  CustomerTable t;
  EXPECT_EQ(t.find("a"), nullptr);
  bool created = false;
  Customer& a = t.find_or_add("a", created);
  EXPECT_TRUE(created);
  EXPECT_EQ(a.id, "a");
  Customer& again = t.find_or_add("a", created);
  EXPECT_FALSE(created);
  EXPECT_EQ(&again, &a);
  EXPECT_EQ(t.find("a"), &a);
  EXPECT_EQ(t.find("b"), nullptr);
  EXPECT_EQ(t.find(""), nullptr);
  EXPECT_EQ(t.size(), 1u);
}

TEST(customer_table_test, GrowsWithoutMovingCustomers) {
  CustomerTable t;
  std::vector<Customer*> seen;
  const int n = 50'000;  // many chunks and several rehashes
  for (int i = 0; i < n; ++i) {
    bool created = false;
    Customer& c = t.find_or_add("customer-with-a-long-id-" + std::to_string(i), created);
    ASSERT_TRUE(created);
    c.order = static_cast<uint64_t>(i);
    seen.push_back(&c);
  }
  EXPECT_EQ(t.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    Customer* c = t.find("customer-with-a-long-id-" + std::to_string(i));
    ASSERT_EQ(c, seen[i]);
    EXPECT_EQ(c->order, static_cast<uint64_t>(i));
  }
  EXPECT_EQ(t.find("customer-with-a-long-id-" + std::to_string(n)), nullptr);
}

TEST(customer_table_test, AdoptsCustomersBuiltElsewhere) {
  CustomerTable t;
  bool created = false;
  t.find_or_add("x", created);
  auto owned = std::make_unique<Customer>();
  owned->id = "restored";
  Customer* raw = owned.get();
  EXPECT_EQ(&t.adopt(std::move(owned)), raw);
  EXPECT_EQ(t.find("restored"), raw);
  EXPECT_EQ(t.size(), 2u);
  t.clear();
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.find("x"), nullptr);
  EXPECT_EQ(t.find("restored"), nullptr);
  Customer& fresh = t.find_or_add("x", created);
  EXPECT_TRUE(created);
  EXPECT_EQ(fresh.id, "x");
}

}  // namespace
}  // namespace laud::runtime
