// laudc_main.cc — the `laudc` command line (LANGUAGE.md §12).
// `laudc check FILE...` parses and analyzes a module and prints diagnostics (text or JSON);
// `laudc compile FILE... -o MODULE` also generates and writes the bytecode module;
// `laudc dis MODULE [--source]` loads (and so verifies) a module and prints its listing;
// `laudc fmt [--check] FILE...` rewrites files in the canonical layout (compiler/format.h);
// `laudc graph FILE... --journey NAME [--format dot|mermaid]` draws a journey (compiler/graph.h).
// Exit codes: 0 clean (warnings allowed), 1 errors in the input, 2 usage errors.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/codegen.h"
#include "compiler/driver.h"
#include "compiler/format.h"
#include "compiler/graph.h"
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

struct FmtOptions {
  std::vector<std::string> files;
  bool check = false;
};

// Rewrites each file in its canonical layout (only files that change are written, through a
// temporary file renamed over the old one); with --check, writes nothing and names the files
// that are not formatted. `-` reads stdin and writes the result to stdout. 1 when any file is not
// formatted (--check), has syntax errors or cannot be read or written.
int run_fmt(const FmtOptions& o) {
  int rc = 0;
  std::vector<std::string> seen;
  for (const std::string& path : o.files) {
    if (std::find(seen.begin(), seen.end(), path) != seen.end()) continue;
    seen.push_back(path);
    bool is_stdin = path == "-";
    std::string original, why;
    if (is_stdin) {
      std::ostringstream text;
      text << std::cin.rdbuf();
      original = std::move(text).str();
    } else if (!laud::compiler::read_source_file(path, original, why)) {
      std::cerr << path << ": error: " << why << " [E0902]\n";
      rc = 1;
      continue;
    }
    laud::compiler::FormatResult r = laud::compiler::format_source(is_stdin ? "<stdin>" : path, original);
    if (!r.ok) {
      std::cerr << r.error;
      rc = 1;
      if (is_stdin && !o.check) std::cout << original;  // a filter passes what it cannot format through
      continue;
    }
    if (is_stdin && !o.check) {
      std::cout << r.text;
      continue;
    }
    if (r.text == original) continue;
    if (o.check) {
      std::cout << (is_stdin ? "<stdin>" : path) << "\n";
      rc = 1;
      continue;
    }
    std::string tmp = path + ".laudc-fmt.tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << r.text;
      if (!out.flush()) {
        std::cerr << path << ": error: cannot write " << tmp << "\n";
        std::filesystem::remove(tmp);
        rc = 1;
        continue;
      }
    }
    std::error_code ec;
    std::filesystem::permissions(tmp, std::filesystem::status(path, ec).permissions(), ec);
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
      std::cerr << path << ": error: cannot replace the file: " << ec.message() << "\n";
      std::filesystem::remove(tmp, ec);
      rc = 1;
    }
  }
  return rc;
}

struct GraphOptions {
  std::vector<std::string> files;
  std::string journey;
  std::string format = "dot";
};

// Checks the module, then prints the chart of one journey on stdout.
int run_graph(const GraphOptions& o) {
  laud::compiler::Compilation c;
  bool ok = laud::compiler::check_files(c, o.files);
  std::cerr << c.diags.render_text(isatty(STDERR_FILENO));
  if (!ok) return 1;
  std::string names;
  for (const auto& d : c.module.decls) {
    if (d->kind != laud::compiler::ast::DeclKind::kJourney) continue;
    if (d->name.text == o.journey) {
      auto format = o.format == "mermaid" ? laud::compiler::GraphFormat::kMermaid : laud::compiler::GraphFormat::kDot;
      std::cout << laud::compiler::journey_graph(c.module, *d, c.sources, format);
      return 0;
    }
    names += (names.empty() ? "" : ", ") + std::string(d->name.text);
  }
  std::cerr << "laudc: error: no journey named `" << o.journey << "` in this module"
            << (names.empty() ? std::string(" (it has none)") : " (its journeys: " + names + ")") << "\n";
  return 1;
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

  FmtOptions fmt;
  CLI::App* cmd_fmt = app.add_subcommand("fmt", "Rewrite FILE... in the canonical layout (docs/language.md, \"Formatting\")");
  cmd_fmt->add_option("files", fmt.files, ".journey files (`-`: stdin to stdout)")->required();
  cmd_fmt->add_flag("--check", fmt.check, "Write nothing; list the files that are not formatted and exit 1 if any");

  GraphOptions graph;
  CLI::App* cmd_graph = app.add_subcommand("graph", "Check FILE... as one module; print one journey's steps as a flow chart");
  cmd_graph->add_option("files", graph.files, ".journey files of one module")->required();
  cmd_graph->add_option("--journey", graph.journey, "The journey to draw")->required();
  cmd_graph->add_option("--format", graph.format, "dot (Graphviz) or mermaid")->check(CLI::IsMember({"dot", "mermaid"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (cmd_check->parsed()) return run_check(check);
  if (cmd_compile->parsed()) return run_compile(compile);
  if (cmd_dis->parsed()) return run_dis(dis);
  if (cmd_fmt->parsed()) return run_fmt(fmt);
  if (cmd_graph->parsed()) return run_graph(graph);
  return 2;
}
