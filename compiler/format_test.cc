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
  EXPECT_EQ(formatted(""), "\n");
}

TEST(Format, RefusesSyntaxErrorsWithDiagnostics) {
  FormatResult r = format_source("bad.journey", "journey j {\n  on\n}\n");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("bad.journey:"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("error:"), std::string::npos) << r.error;
}

TEST(Format, RefusesACommentItCannotPlace) {
  FormatResult r = format_source("c.journey", "const A = 1 + /* inside */ 2\n");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("c.journey: error: cannot format this file safely: a comment would be lost"), std::string::npos)
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

}  // namespace
}  // namespace laud::compiler
