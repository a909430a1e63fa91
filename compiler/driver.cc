// driver.cc — the front-end pipeline: read, parse (per file, with recovery), analyze.
#include "compiler/driver.h"

#include <filesystem>
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

bool read_source_file(const std::string& path, std::string& text, std::string& why) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    why = "cannot read file: it is a directory";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  if (in) out << in.rdbuf();
  if (!in || in.bad()) {
    why = "cannot read file";
    return false;
  }
  text = std::move(out).str();
  return true;
}

bool add_file(Compilation& c, const std::string& path, const FrontEndLimits& limits) {
  std::string text, why;
  if (!read_source_file(path, text, why)) {
    uint32_t id = c.sources.add(path, "");
    Span none{id, 0, 0, 0, 0};
    c.diags.report(DiagCode::E0902, none, why);
    return false;
  }
  uint32_t id = c.sources.add(path, std::move(text));
  parse_added(c, id, limits);
  return true;
}

void add_source(Compilation& c, std::string name, std::string text, const FrontEndLimits& limits) {
  uint32_t id = c.sources.add(std::move(name), std::move(text));
  parse_added(c, id, limits);
}

// Later errors that only restate an earlier one: a semantic error inside the span of a literal or
// syntax error (the bad literal became null), a second error on exactly the same span, and an
// "unknown name" for a declaration that failed to parse.
void suppress_cascades(Compilation& c) {
  std::vector<Span> lexical;
  for (const Diagnostic& d : c.diags.all())
    if (d.severity == Severity::kError && diag_code_name(d.code).substr(0, 3) == "E01") lexical.push_back(d.span);
  auto inside = [](const Span& outer, const Span& s) {
    return outer.file == s.file && s.begin < std::max(outer.end, outer.begin + 1) && outer.begin < std::max(s.end, s.begin + 1);
  };
  auto source_text = [&](const Span& s) {
    return c.sources.file(s.file).text().substr(s.begin, s.end - s.begin);
  };
  std::vector<Span> seen;
  c.diags.remove_if([&](const Diagnostic& d) {
    if (d.severity != Severity::kError || d.span.line == 0) return false;
    bool lexical_code = diag_code_name(d.code).substr(0, 3) == "E01";
    if (!lexical_code)
      for (const Span& l : lexical)
        if (inside(l, d.span)) return true;
    for (const Span& s : seen)
      if (s.file == d.span.file && s.begin == d.span.begin && s.end == d.span.end) return true;
    seen.push_back(d.span);
    if (d.code == DiagCode::E0200 || d.code == DiagCode::E0201) {
      std::string_view name = source_text(d.span);
      for (const std::string& b : c.module.broken_names)
        if (b == name) return true;
    }
    return false;
  });
}

bool analyze(Compilation& c) {
  analyze_module_and_flow(c.module, c.diags, nullptr);
  c.diags.sort();
  suppress_cascades(c);
  return !c.diags.has_errors();
}

bool check_files(Compilation& c, const std::vector<std::string>& paths, const FrontEndLimits& limits) {
  for (const std::string& p : paths) add_file(c, p, limits);
  return analyze(c);
}

}  // namespace laud::compiler
