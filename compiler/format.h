// format.h — `laudc fmt`: one canonical layout for .journey files, printed from the syntax tree.
// Two-space indentation, one statement or setting per line, single spaces around operators, a
// `with { ... }` block kept on one line when it was written on one line, long `and`/`or`
// conditions broken before each operator. Comments and single blank lines are kept where they
// were between declarations, settings, steps and `with` entries; literals keep their source text.
#pragma once

#include <string>
#include <string_view>

namespace laud::compiler {

struct FormatResult {
  bool ok = false;
  std::string text;   // the formatted file (when ok)
  std::string error;  // diagnostics (syntax errors), or why the file could not be formatted safely
};

// Formats one file's text. A file with syntax errors is refused with its diagnostics. Before
// returning, the result is checked: the same tokens (up to whitespace and trailing commas), the
// same comments in the same order, and formatting it again changes nothing; a file that would
// fail these (a comment inside an expression, say) is refused and left as it is.
FormatResult format_source(std::string_view name, std::string_view text);

}  // namespace laud::compiler
