// codegen.h — bytecode generation: turns an analyzed module (AST + SemaResult) into a vm::Module
// (docs/bytecode.md, "Code generation"). Segments, filters and values become small functions;
// journey bodies become resumable functions whose `let` locals are the low registers.
// `compile` is the whole pipeline for tools and tests: analysis that keeps its results, then codegen.
#pragma once

#include "compiler/ast.h"
#include "compiler/diagnostics.h"
#include "compiler/driver.h"
#include "compiler/sema.h"
#include "compiler/source.h"
#include "vm/module.h"

namespace laud::compiler {

// Generates `out` (which must be empty) from a module that analysis found free of errors, then
// builds its run-time views (finalize_views). Returns false, with an error in `diags`, only when
// the module exceeds a limit of the bytecode format (E0900: more than 65,536 registers in one
// function, a jump beyond ±2^31, ...).
bool generate(const ast::Module& m, const SemaResult& sema, const SourceManager& sources, vm::Module& out,
              Diagnostics& diags);

// Analyzes everything added to `c` (like `analyze`, keeping the SemaResult), sorts the
// diagnostics and, when there are no errors, generates `out`. Returns true when `out` is complete.
bool compile(Compilation& c, vm::Module& out);

}  // namespace laud::compiler
