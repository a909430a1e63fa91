// parser.h — turns one .journey file into declarations of the module AST.
// The grammar itself lives in grammar/laud.hpp (PEGTL); this layer builds the tree, decodes
// literals with located errors, limits nesting, and recovers at the next top-level declaration.
#pragma once

#include <cstdint>

#include "compiler/ast.h"
#include "compiler/diagnostics.h"
#include "compiler/source.h"

namespace laud::compiler {

struct ParseLimits {
  uint32_t max_nesting = 128;
};

// Parses file `file_id` of `sources`, appending its declarations to `module` in source order.
// Every problem becomes a diagnostic; nothing throws. Returns false if any error was reported.
bool parse_file(const SourceManager& sources, uint32_t file_id, ast::Module& module,
                Diagnostics& diags, const ParseLimits& limits = {});

}  // namespace laud::compiler
