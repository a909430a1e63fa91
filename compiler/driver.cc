// driver.cc — the front-end pipeline: read, parse (per file, with recovery), analyze.
#include "compiler/driver.h"

#include <fstream>
#include <sstream>

#include "compiler/flow.h"
#include "compiler/parser.h"
#include "compiler/sema.h"

namespace laud::compiler {
namespace {

void parse_added(Compilation& c, uint32_t id, const FrontEndLimits& limits) {
  const SourceFile& f = c.sources.file(id);
  if (f.text().size() > limits.max_file_bytes) {
    c.diags.report(DiagCode::E0901, c.sources.span(id, 0, 0),
                   "file is too large (" + std::to_string(f.text().size()) + " bytes; the limit is " +
                       std::to_string(limits.max_file_bytes) + ")");
    return;
  }
  parse_file(c.sources, id, c.module, c.diags, ParseLimits{limits.max_nesting});
}

}  // namespace

bool add_file(Compilation& c, const std::string& path, const FrontEndLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    uint32_t id = c.sources.add(path, "");
    Span none{id, 0, 0, 0, 0};
    c.diags.report(DiagCode::E0902, none, "cannot read file");
    return false;
  }
  uint32_t id = c.sources.add(path, std::move(text).str());
  parse_added(c, id, limits);
  return true;
}

void add_source(Compilation& c, std::string name, std::string text, const FrontEndLimits& limits) {
  uint32_t id = c.sources.add(std::move(name), std::move(text));
  parse_added(c, id, limits);
}

bool analyze(Compilation& c) {
  analyze_module_and_flow(c.module, c.diags, nullptr);
  c.diags.sort();
  return !c.diags.has_errors();
}

bool check_files(Compilation& c, const std::vector<std::string>& paths, const FrontEndLimits& limits) {
  for (const std::string& p : paths) add_file(c, p, limits);
  return analyze(c);
}

}  // namespace laud::compiler
