// laudc_main.cc — the `laudc` command line (LANGUAGE.md §12).
// `laudc check FILE...` parses and analyzes a module and prints diagnostics (text or JSON);
// `laudc compile FILE... -o MODULE` also generates and writes the bytecode module;
// `laudc dis MODULE [--source]` loads (and so verifies) a module and prints its listing.
// Exit codes: 0 clean (warnings allowed), 1 errors in the input, 2 usage errors.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/codegen.h"
#include "compiler/driver.h"
#include "vm/disasm.h"
#include "vm/module_format.h"

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

struct CompileOptions {
  CheckOptions check;
  std::string output;
};

int run_compile(const CompileOptions& o) {
  laud::compiler::Compilation c;
  for (const std::string& f : o.check.files) laud::compiler::add_file(c, f);
  laud::vm::Module module;
  bool ok = laud::compiler::compile(c, module);
  bool color = o.check.color == "always" || (o.check.color == "auto" && isatty(STDERR_FILENO));
  if (o.check.diagnostics == "json")
    std::cout << c.diags.render_json();
  else
    std::cerr << c.diags.render_text(color);
  if (!ok || c.diags.has_errors()) return 1;
  if (o.check.werror && c.diags.warning_count() > 0) return 1;
  std::string error;
  if (!laud::vm::save_module_file(o.output, module, &error)) {
    std::cerr << "laudc: error: " << error << "\n";
    return 1;
  }
  return 0;
}

struct DisOptions {
  std::string module;
  bool source = false;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  if (in) s << in.rdbuf();
  return s.str();
}

int run_dis(const DisOptions& o) {
  laud::vm::Module module;
  std::string error;
  if (!laud::vm::load_module_file(o.module, module, &error)) {
    std::cerr << "laudc: error: " << error << "\n";
    return 1;
  }
  std::vector<std::string> texts;
  if (o.source) {
    for (const std::string& f : module.files) texts.push_back(slurp(f));  // a missing file shows no lines
  }
  std::cout << laud::vm::disassemble(module, o.source ? &texts : nullptr);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"laudc — compiler for laud journey modules"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "laudc 0.1.0");

  CheckOptions check;
  CLI::App* cmd_check = app.add_subcommand("check", "Parse and analyze FILE... as one module; print diagnostics");
  // A missing or unreadable file is an error in the input (E0902, exit 1), not a usage error.
  cmd_check->add_option("files", check.files, ".journey files of one module")->required();
  cmd_check->add_option("--diagnostics", check.diagnostics, "Output format: text (stderr) or json (stdout, one object per line)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd_check->add_option("--color", check.color, "Color in text diagnostics: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd_check->add_flag("--Werror", check.werror, "Treat warnings as errors (exit 1)");

  CompileOptions compile;
  CLI::App* cmd_compile =
      app.add_subcommand("compile", "Check FILE... as one module, generate its bytecode and write it to MODULE");
  cmd_compile->add_option("files", compile.check.files, ".journey files of one module")->required();
  cmd_compile->add_option("-o,--output", compile.output, "The module file to write (.ljb)")->required();
  cmd_compile->add_option("--diagnostics", compile.check.diagnostics, "Output format: text (stderr) or json (stdout)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd_compile->add_option("--color", compile.check.color, "Color in text diagnostics: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd_compile->add_flag("--Werror", compile.check.werror, "Treat warnings as errors (exit 1, nothing written)");

  DisOptions dis;
  CLI::App* cmd_dis = app.add_subcommand("dis", "Load and verify MODULE; print its disassembly");
  cmd_dis->add_option("module", dis.module, "A module file written by `laudc compile`")->required();
  cmd_dis->add_flag("--source", dis.source, "Interleave the source lines (read from the module's file names)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (cmd_check->parsed()) return run_check(check);
  if (cmd_compile->parsed()) return run_compile(compile);
  if (cmd_dis->parsed()) return run_dis(dis);
  return 2;
}
