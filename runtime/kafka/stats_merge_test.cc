// stats_merge_test.cc — the per-partition stats reports summed into one: numbers added key by
// key (nested objects and arrays element by element), strings kept, new keys appended.
#include "runtime/kafka/stats_merge.h"

#include <gtest/gtest.h>

namespace laud::runtime {
namespace {

TEST(StatsMerge, SumsCountsKeyByKey) {
  std::string a = R"({"input": {"lines": 3, "accepted": 2}, "customers": 1,
    "journeys": {"j": {"entered": 1, "goals": [{"event": "buy", "conversions": 1, "by_variant": {}}],
                       "steps": {"s1": {"dispatched": 1}}}}})";
  std::string b = R"({"input": {"lines": 4, "accepted": 4}, "customers": 2,
    "journeys": {"j": {"entered": 2, "goals": [{"event": "buy", "conversions": 5, "by_variant": {"x/a": 2}}],
                       "steps": {"s2": {"dispatched": 3}}}}})";
  EXPECT_EQ(merge_stats_reports({a, b}),
            "{\n"
            "  \"input\": {\n    \"lines\": 7,\n    \"accepted\": 6\n  },\n"
            "  \"customers\": 3,\n"
            "  \"journeys\": {\n    \"j\": {\n      \"entered\": 3,\n"
            "      \"goals\": [\n        {\n          \"event\": \"buy\",\n          \"conversions\": 6,\n"
            "          \"by_variant\": {\n            \"x/a\": 2\n          }\n        }\n      ],\n"
            "      \"steps\": {\n        \"s1\": {\n          \"dispatched\": 1\n        },\n"
            "        \"s2\": {\n          \"dispatched\": 3\n        }\n      }\n    }\n  }\n"
            "}\n");
}

TEST(StatsMerge, OneReportIsKeptAsItIs) {
  EXPECT_EQ(merge_stats_reports({"{\"a\": 1}\n"}), "{\"a\": 1}\n");
  EXPECT_EQ(merge_stats_reports({}), "{}\n");
}

}  // namespace
}  // namespace laud::runtime
