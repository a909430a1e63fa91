// laudc_main.cc — the `laudc` command line (LANGUAGE.md §12).
// `laudc check FILE...` parses and analyzes a module and prints diagnostics (text or JSON).
// Exit codes: 0 clean (warnings allowed), 1 errors in the input, 2 usage errors.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "compiler/driver.h"

namespace {

struct CheckOptions {
  std::vector<std::string> files;
  std::string diagnostics = "text";
  std::string color = "auto";
  bool werror = false;
};

int run_check(const CheckOptions& o) {
  laud::compiler::Compilation c;
  laud::compiler::check_files(c, o.files);
  bool color = o.color == "always" || (o.color == "auto" && isatty(STDERR_FILENO));
  if (o.diagnostics == "json") {
    std::cout << c.diags.render_json();
  } else {
    std::cerr << c.diags.render_text(color);
  }
  if (c.diags.has_errors()) return 1;
  if (o.werror && c.diags.warning_count() > 0) return 1;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"laudc — compiler for laud journey modules"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "laudc 0.1.0");

  CheckOptions check;
  CLI::App* cmd_check = app.add_subcommand("check", "Parse and analyze FILE... as one module; print diagnostics");
  cmd_check->add_option("files", check.files, ".journey files of one module")->required()->check(CLI::ExistingFile);
  cmd_check->add_option("--diagnostics", check.diagnostics, "Output format: text (stderr) or json (stdout, one object per line)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd_check->add_option("--color", check.color, "Color in text diagnostics: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd_check->add_flag("--Werror", check.werror, "Treat warnings as errors (exit 1)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (cmd_check->parsed()) return run_check(check);
  return 2;
}
