// graph.h — `laudc graph`: the steps of one journey as a flow chart (Graphviz DOT or Mermaid).
// One node per step (sends, waits, `let`, `set`; a diamond per `if` condition; a node per
// `wait up to` and `split` with one labelled edge per branch); `goto` and `exit` are edges (to
// the labelled step, to an `exit` node); the journey's triggers make the start node.
#pragma once

#include <string>

#include "compiler/ast.h"
#include "compiler/source.h"

namespace laud::compiler {

enum class GraphFormat { kDot, kMermaid };

// The chart of `journey` (a kJourney declaration of a module that checked without errors).
std::string journey_graph(const ast::Module& module, const ast::Decl& journey, const SourceManager& sources,
                          GraphFormat format);

}  // namespace laud::compiler
