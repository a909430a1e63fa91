// fuzz_format.cc — libFuzzer target for the source tools: arbitrary bytes as a .journey file
// through `laudc fmt`'s printer and its own checks (same tokens, same comments, a second pass
// changes nothing), and, when the file checks clean, `laudc graph` of each journey in both formats.
// A crash, leak or hang is a bug; a refusal is an answer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "compiler/driver.h"
#include "compiler/format.h"
#include "compiler/graph.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  laud::compiler::FormatResult r = laud::compiler::format_source("fuzz.journey", text);
  if (r.ok && !r.text.empty() && r.text.back() != '\n') std::abort();  // a formatted file ends with a newline
  laud::compiler::Compilation c;
  laud::compiler::FrontEndLimits limits;
  limits.max_nesting = 64;
  add_source(c, "fuzz.journey", text, limits);
  if (!analyze(c)) return 0;
  for (const auto& d : c.module.decls) {
    if (d->kind != laud::compiler::ast::DeclKind::kJourney) continue;
    (void)laud::compiler::journey_graph(c.module, *d, c.sources, laud::compiler::GraphFormat::kDot);
    (void)laud::compiler::journey_graph(c.module, *d, c.sources, laud::compiler::GraphFormat::kMermaid);
  }
  return 0;
}
