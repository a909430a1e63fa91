// driver_test.cc — the front-end pipeline's own errors: unreadable and oversized files, and a
// module assembled from several files in command-line order.
#include "compiler/driver.h"

#include <gtest/gtest.h>

namespace laud::compiler {
namespace {

TEST(Driver, UnreadableFileIsE0902) {
  Compilation c;
  EXPECT_FALSE(add_file(c, "/nonexistent/dir/x.journey"));
  ASSERT_EQ(c.diags.all().size(), 1u);
  EXPECT_EQ(c.diags.all()[0].code, DiagCode::E0902);
  EXPECT_NE(c.diags.render_text().find("x.journey: error: cannot read file [E0902]"), std::string::npos)
      << c.diags.render_text();
}

TEST(Driver, DirectoryIsE0902) {
  Compilation c;
  EXPECT_FALSE(add_file(c, "/tmp"));
  ASSERT_EQ(c.diags.all().size(), 1u);
  EXPECT_EQ(c.diags.all()[0].code, DiagCode::E0902);
  EXPECT_NE(c.diags.render_text().find("/tmp: error: cannot read file: it is a directory [E0902]"), std::string::npos)
      << c.diags.render_text();
}

TEST(Driver, OversizedFileIsE0901AndNotParsed) {
  Compilation c;
  FrontEndLimits limits;
  limits.max_file_bytes = 16;
  add_source(c, "big.journey", "const A = 1\nconst B = 2\nconst C = 3\n", limits);
  ASSERT_EQ(c.diags.all().size(), 1u);
  EXPECT_EQ(c.diags.all()[0].code, DiagCode::E0901);
  EXPECT_TRUE(c.module.decls.empty());
}

TEST(Driver, FilesFormOneModuleInCommandLineOrder) {
  Compilation c;
  add_source(c, "a.journey", "segment vip = customer.ltv > 1\n");
  add_source(c, "b.journey", "journey j {\n  on enter vip\n  exit\n}\n");
  EXPECT_TRUE(analyze(c)) << c.diags.render_text();
  ASSERT_EQ(c.module.decls.size(), 2u);
  EXPECT_EQ(c.module.decls[0]->name.text, "vip");
  EXPECT_EQ(c.module.decls[1]->span.file, 1u);
}

}  // namespace
}  // namespace laud::compiler
