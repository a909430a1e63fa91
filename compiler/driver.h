// driver.h — the front-end pipeline shared by laudc, tests, fuzzers and benchmarks:
// read files, parse each into one module AST, run semantic analysis, collect diagnostics.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/ast.h"
#include "compiler/diagnostics.h"
#include "compiler/source.h"

namespace laud::compiler {

struct FrontEndLimits {
  size_t max_file_bytes = 64u << 20;   // larger files are refused with E0901
  uint32_t max_nesting = 128;          // blocks and expressions nested deeper get E0900
};

// One compilation: owns the sources, the tree and the diagnostics.
struct Compilation {
  SourceManager sources;
  Diagnostics diags{sources};
  ast::Module module;
  bool parsed_ok() const { return !diags.has_errors(); }
};

// Reads a whole file; on failure false and `why` ("cannot read file", with the reason when it is a
// directory): the text of E0902.
bool read_source_file(const std::string& path, std::string& text, std::string& why);

// Adds a file from disk (E0902 on failure) or from memory, then parses it into `c.module`.
bool add_file(Compilation& c, const std::string& path, const FrontEndLimits& limits = {});
void add_source(Compilation& c, std::string name, std::string text, const FrontEndLimits& limits = {});

// Drops errors that only restate an earlier one (see driver.cc); analyze() and compile() call it.
void suppress_cascades(Compilation& c);

// Runs semantic analysis over everything added so far. Returns true when there are no errors.
bool analyze(Compilation& c);

// Convenience: add every path, analyze, sort diagnostics. Returns true when error-free.
bool check_files(Compilation& c, const std::vector<std::string>& paths, const FrontEndLimits& limits = {});

}  // namespace laud::compiler
