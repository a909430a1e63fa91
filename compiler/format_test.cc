// format_test.cc — `laudc fmt`'s printer: what it changes, what it keeps, and what it refuses.
// The layouts of whole files are golden files (tests/golden/fmt/); these are the edge cases.
#include "compiler/format.h"

#include <gtest/gtest.h>

namespace laud::compiler {
namespace {

std::string formatted(std::string_view text) {
  FormatResult r = format_source("t.journey", text);
  EXPECT_TRUE(r.ok) << r.error;
  return r.text;
}

TEST(Format, CanonicalSpacingAndIndentation) {
  EXPECT_EQ(formatted("journey j{\non signup\n      send email \"x\" with {a:1+2*3}\n}"),
            "journey j {\n  on signup\n  send email \"x\" with { a: 1 + 2 * 3 }\n}\n");
}

TEST(Format, KeepsParenthesesAsWritten) {
  EXPECT_EQ(formatted("const A = ((1 + 2)) * 3\nconst B = (1) + (2)\nsegment s = not(customer in t)\nsegment t = true\n"),
            "const A = ((1 + 2)) * 3\nconst B = (1) + (2)\nsegment s = not (customer in t)\nsegment t = true\n");
}

TEST(Format, KeepsLiteralsAsWritten) {
  EXPECT_EQ(formatted("const A = 1_000\nconst B = 4w2d\nconst C = \"\\u{e9}t\\u{E9}\"\nconst D = @2026-12-01t09:00:00z\n"),
            "const A = 1_000\nconst B = 4w2d\nconst C = \"\\u{e9}t\\u{E9}\"\nconst D = @2026-12-01t09:00:00z\n");
}

TEST(Format, DropsTrailingCommasInListsOnOneLine) {
  EXPECT_EQ(formatted("const L = [1, 2,]\n"), "const L = [1, 2]\n");
}

TEST(Format, KeepsAnEmptyWith) {
  EXPECT_EQ(formatted("journey j {\n  on a\n  send push \"p\" with {}\n  send push \"q\"\n}\n"),
            "journey j {\n  on a\n  send push \"p\" with {}\n  send push \"q\"\n}\n");
}

TEST(Format, KeepsAByteOrderMark) {
  EXPECT_EQ(formatted("\xEF\xBB\xBF// c\nconst A  =  1\n"), "\xEF\xBB\xBF// c\nconst A = 1\n");
}

TEST(Format, EndsWithOneNewline) {
  EXPECT_EQ(formatted("const A = 1"), "const A = 1\n");
  EXPECT_EQ(formatted("const A = 1\n\n\n"), "const A = 1\n");
  EXPECT_EQ(formatted(""), "");  // an empty file stays empty
  EXPECT_EQ(formatted("\n\n"), "");
}

TEST(Format, RefusesSyntaxErrorsWithDiagnostics) {
  FormatResult r = format_source("bad.journey", "journey j {\n  on\n}\n");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("bad.journey:"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("error:"), std::string::npos) << r.error;
}

TEST(Format, RefusesACommentItCannotPlace) {
  FormatResult r = format_source("c.journey", "// fine\n\nconst A = 1 + /* inside */ 2\n");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("c.journey: error: cannot format this file safely: the comment on line 3 is inside an "
                         "expression"),
            std::string::npos)
      << r.error;
  EXPECT_TRUE(r.text.empty());
}

TEST(Format, ACommentBetweenItemsIsKept) {
  std::string text = "journey j {\n  on a\n  /* b */ send push \"p\" // c\n}\n";
  EXPECT_EQ(formatted(text), "journey j {\n  on a\n  /* b */\n  send push \"p\" // c\n}\n");
}

TEST(Format, SendSpreadOverLinesComesTogether) {
  EXPECT_EQ(formatted("journey j {\n  on a\n  x: send\n    sms\n    \"t\"\n    to customer.phone\n}\n"),
            "journey j {\n  on a\n  x: send sms \"t\" to customer.phone\n}\n");
}

TEST(Format, RawStringEndingInABackslashBeforeATrailingComma) {
  EXPECT_EQ(formatted("journey j {\n  on a\n  send email \"x\" with { path: r\"C:\\\", n: 1, }\n}\n"),
            "journey j {\n  on a\n  send email \"x\" with { path: r\"C:\\\", n: 1 }\n}\n");
}

TEST(Format, FormFeedAndVerticalTabAreWhitespace) {
  EXPECT_EQ(formatted("const A =\f1\vconst B = 2\n"), "const A = 1\nconst B = 2\n");
}

TEST(Format, CrlfFilesKeepCrlf) {
  EXPECT_EQ(formatted("/* a\r\n   b */\r\nconst A  = 1\r\n"), "/* a\r\n   b */\r\nconst A = 1\r\n");
}

TEST(Format, EmptyBlocksCloseOnTheirLine) {
  EXPECT_EQ(formatted("journey j {\n}\n"), "journey j {}\n");
  EXPECT_EQ(formatted("journey j { // why\n}\n"), "journey j { // why\n}\n");
  EXPECT_EQ(formatted("journey j {\n  on a\n  wait up to 1d {\n    timeout { }\n  }\n}\n"),
            "journey j {\n  on a\n  wait up to 1d {\n    timeout {}\n  }\n}\n");
}

TEST(Format, MultiLineListsKeepOneItemALine) {
  EXPECT_EQ(formatted("const EU = [\n\"DE\", // Germany\n  \"FR\"]\nconst ONE = [1,\n 2]\n"),
            "const EU = [\n  \"DE\", // Germany\n  \"FR\",\n]\nconst ONE = [\n  1,\n  2,\n]\n");
}

TEST(Format, ACommentContinuedOnTheNextLineStaysAligned) {
  std::string text =
      "policy {\n"
      "  cap email 3 per 1d   // per customer: a send is suppressed when\n"
      "                       // the window already holds N sends\n"
      "  cap sms 1 per 1d\n"
      "}\n";
  EXPECT_EQ(formatted(text),
            "policy {\n"
            "  cap email 3 per 1d // per customer: a send is suppressed when\n"
            "                     // the window already holds N sends\n"
            "  cap sms 1 per 1d\n"
            "}\n");
}

TEST(Format, BlockCommentLinesMoveWithTheirFirstLine) {
  EXPECT_EQ(formatted("journey j {\n  on a\n/* one\n * two\n */\n  send push \"p\"\n}\n"),
            "journey j {\n  on a\n  /* one\n   * two\n   */\n  send push \"p\"\n}\n");
}

TEST(Format, NegatedNegativeKeepsASpace) {
  EXPECT_EQ(formatted("const A = - -5\nconst B = -(-5)\n"), "const A = - -5\nconst B = -(-5)\n");
}

TEST(Format, LongBranchConditionsBreak) {
  std::string text =
      "journey j {\n  on a\n  wait up to 1d {\n    on purchase where event.amount > 100 and event.currency == \"EUR\" and "
      "event.channel == \"web\" and event.coupon == null {\n      exit\n    }\n  }\n}\n";
  EXPECT_EQ(formatted(text),
            "journey j {\n  on a\n  wait up to 1d {\n    on purchase where event.amount > 100\n"
            "        and event.currency == \"EUR\"\n        and event.channel == \"web\"\n"
            "        and event.coupon == null {\n      exit\n    }\n  }\n}\n");
}

TEST(Format, CommentsBetweenABraceAndElseEndThePreviousBlock) {
  EXPECT_EQ(formatted("journey j {\n  on a\n  if customer.x == 1 {\n    exit\n  } // only one\n  // otherwise\n  else {\n"
                      "    wait 1d\n  }\n}\n"),
            "journey j {\n  on a\n  if customer.x == 1 {\n    exit\n    // only one\n    // otherwise\n  } else {\n"
            "    wait 1d\n  }\n}\n");
}

TEST(Format, CommentsAfterALabelGoAboveIt) {
  EXPECT_EQ(formatted("journey j {\n  on a\n  wait 1d\n  hi: // greets\n    send push \"p\"\n}\n"),
            "journey j {\n  on a\n  wait 1d\n  // greets\n  hi: send push \"p\"\n}\n");
}

}  // namespace
}  // namespace laud::compiler
