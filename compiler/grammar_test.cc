// grammar_test.cc — static checks of the PEGTL grammar: no left recursion, no rule that can
// loop without consuming input (tao::pegtl::analyze), and small accept/reject probes per rule.
#include <gtest/gtest.h>

#include <tao/pegtl/contrib/analyze.hpp>

#include "grammar/laud.hpp"

namespace g = laud::grammar;
namespace pegtl = tao::pegtl;

namespace {

template <typename Rule>
bool matches_whole(std::string_view text) {
  pegtl::memory_input in(text.data(), text.size(), "probe");
  try {
    return pegtl::parse<pegtl::seq<Rule, pegtl::eof>>(in);
  } catch (const pegtl::parse_error&) {
    return false;
  }
}

TEST(Grammar, AnalyzeFindsNoProblems) {
  EXPECT_EQ(pegtl::analyze<g::file>(1), 0u);
  EXPECT_EQ(pegtl::analyze<g::top_item>(1), 0u);
}

TEST(Grammar, ReservedWordsAreNotNames) {
  EXPECT_TRUE(matches_whole<g::name_word>("vip"));
  EXPECT_TRUE(matches_whole<g::name_word>("exits"));
  EXPECT_TRUE(matches_whole<g::name_word>("count"));
  EXPECT_FALSE(matches_whole<g::name_word>("exit"));
  EXPECT_FALSE(matches_whole<g::name_word>("customer"));
  EXPECT_FALSE(matches_whole<g::name_word>("starts_with"));
  EXPECT_FALSE(matches_whole<g::name_word>("9lives"));
}

TEST(Grammar, LiteralTokens) {
  EXPECT_TRUE(matches_whole<g::number_word>("1_000"));
  EXPECT_TRUE(matches_whole<g::number_word>("1d12h"));
  EXPECT_TRUE(matches_whole<g::float_literal>("3.5"));
  EXPECT_TRUE(matches_whole<g::float_literal>("1.5e-3"));
  EXPECT_FALSE(matches_whole<g::float_literal>("3."));
  EXPECT_TRUE(matches_whole<g::time_of_day>("09:00"));
  EXPECT_TRUE(matches_whole<g::percent_literal>("33.33%"));
  EXPECT_TRUE(matches_whole<g::timestamp_literal>("@2026-12-01T09:00:00+01:00"));
  EXPECT_TRUE(matches_whole<g::string_literal>(R"("a \"quoted\" \u{1F600}")"));
  EXPECT_TRUE(matches_whole<g::regex_literal>(R"(r"^\d+$")"));
}

TEST(Grammar, ExpressionsFollowThePrecedenceLevels) {
  EXPECT_TRUE(matches_whole<g::expr>("a or b and not c == d ?? e + f * -g.h[0]"));
  EXPECT_TRUE(matches_whole<g::expr>("customer in vip"));
  EXPECT_TRUE(matches_whole<g::expr>("count(purchase where event.x > 1 within 30d) >= 3"));
  EXPECT_TRUE(matches_whole<g::expr>("sum(\"Order Completed\".total within 7d)"));
  EXPECT_TRUE(matches_whole<g::expr>("customer[\"first name\"]"));
  EXPECT_FALSE(matches_whole<g::expr>("a == "));
}

TEST(Grammar, TimeZoneExpressionsStopBeforeOr) {
  EXPECT_TRUE(matches_whole<g::quiet_hours>("22:00-08:00 in customer.tz ?? \"UTC\" or skip"));
  EXPECT_TRUE(matches_whole<g::quiet_hours>("22:00 - 08:00"));
}

TEST(Grammar, StepsAndSettings) {
  EXPECT_TRUE(matches_whole<g::statement>("hi: send email \"welcome\" to customer.email with { a: 1, b: 2 }"));
  EXPECT_TRUE(matches_whole<g::statement>("wait until 09:00 on mon..fri, sun in \"Europe/Paris\""));
  EXPECT_TRUE(matches_whole<g::statement>("wait up to 1h { on click { exit } timeout { exit } }"));
  EXPECT_TRUE(matches_whole<g::statement>("split s { variant a 50% { } control 50% }"));
  EXPECT_TRUE(matches_whole<g::setting>("on schedule every 7d starting @2026-12-07T09:00:00Z"));
  EXPECT_TRUE(matches_whole<g::setting>("exit on purchase where event.amount > 0"));
  EXPECT_TRUE(matches_whole<g::setting>("reentry after 7d"));
  EXPECT_FALSE(matches_whole<g::setting>("exit"));
}

}  // namespace
