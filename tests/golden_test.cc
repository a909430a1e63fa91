// golden_test.cc — the one runner for golden files under tests/golden/ and examples/.
//   diagnostics/NAME.journey (or NAME/ with several files) → NAME.expected: `laudc check` text output;
//     NAME.json.expected, where present, holds the --diagnostics=json output too.
//   parse/*.journey must check clean (no diagnostics at all); examples/ checks clean as one module.
//   dis/NAME.journey → NAME.dis: the module's disassembly (`laudc dis --source`) after codegen.
//   fmt/NAME.journey → NAME.expected: `laudc fmt` output, itself already formatted; examples/ and
//     parse/ are formatted (or, for a comment inside an expression, refused) the same way.
//   graph/NAME.journey → NAME.dot and NAME.mmd: `laudc graph` of the file's journey in both formats.
//   run/NAME/ (*.journey, events.jsonl, optional `args`) → dispatch.expected, and where present
//     rejects.expected and stats.expected: what `laudd run` writes for that input (clock: event).
// UPDATE_GOLDEN=1 rewrites the expected files instead of comparing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "compiler/codegen.h"
#include "compiler/driver.h"
#include "compiler/format.h"
#include "compiler/graph.h"
#include "runtime/dispatch/sink.h"
#include "runtime/engine/engine.h"
#include "tests/support/modules.h"
#include "vm/disasm.h"
#include "vm/module_format.h"
#include "vm/time_text.h"

namespace fs = std::filesystem;
using laud::compiler::Compilation;

namespace {

const fs::path kRoot = fs::path(LAUD_SOURCE_DIR);
const fs::path kGolden = kRoot / "tests" / "golden";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

bool updating() {
  const char* v = std::getenv("UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

// The .journey files of a case: the file itself, or a directory's files in name order.
std::vector<fs::path> case_files(const fs::path& p) {
  std::vector<fs::path> files;
  if (fs::is_directory(p)) {
    for (auto& e : fs::directory_iterator(p))
      if (e.path().extension() == ".journey") files.push_back(e.path());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(p);
  }
  return files;
}

// Checks the files, naming each by its path relative to `base` so outputs are machine-independent.
void check(Compilation& c, const std::vector<fs::path>& files, const fs::path& base) {
  for (const fs::path& f : files)
    add_source(c, fs::relative(f, base).generic_string(), read_file(f));
  analyze(c);
}

std::vector<std::string> list_cases(const fs::path& dir, bool with_dirs) {
  std::vector<std::string> names;
  if (!fs::exists(dir)) return names;
  for (auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".journey" || (with_dirs && e.is_directory()))
      names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  if (auto dot = n.rfind(".journey"); dot != std::string::npos) n.erase(dot);
  for (char& ch : n)
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

void compare_or_update(const fs::path& expected_path, const std::string& actual) {
  if (updating()) {
    write_file(expected_path, actual);
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path << " (run with UPDATE_GOLDEN=1)";
  EXPECT_EQ(read_file(expected_path), actual) << "golden mismatch for " << expected_path;
}

// ---------------------------------------------------------------- diagnostics goldens

class DiagnosticsGolden : public testing::TestWithParam<std::string> {};

TEST_P(DiagnosticsGolden, MatchesExpected) {
  fs::path dir = kGolden / "diagnostics";
  fs::path input = dir / GetParam();
  Compilation c;
  check(c, case_files(input), kGolden);
  std::string stem = input.stem().string();
  compare_or_update(dir / (stem + ".expected"), c.diags.render_text());
  fs::path json = dir / (stem + ".json.expected");
  if (fs::exists(json)) compare_or_update(json, c.diags.render_json());
  // A bad program must produce at least one diagnostic: otherwise the case tests nothing.
  EXPECT_FALSE(c.diags.all().empty()) << "case " << stem << " produced no diagnostic";
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DiagnosticsGolden);  // while the folder is empty
INSTANTIATE_TEST_SUITE_P(Golden, DiagnosticsGolden,
                         testing::ValuesIn(list_cases(kGolden / "diagnostics", true)), test_name);

// ---------------------------------------------------------------- positive programs

class ParseClean : public testing::TestWithParam<std::string> {};

TEST_P(ParseClean, ChecksWithoutDiagnostics) {
  Compilation c;
  check(c, {kGolden / "parse" / GetParam()}, kGolden);
  EXPECT_TRUE(c.diags.all().empty()) << c.diags.render_text();
  EXPECT_FALSE(c.module.decls.empty());
}

INSTANTIATE_TEST_SUITE_P(Golden, ParseClean, testing::ValuesIn(list_cases(kGolden / "parse", false)),
                         test_name);

TEST(Examples, CheckCleanAsOneModule) {
  std::vector<fs::path> files = case_files(kRoot / "examples");
  ASSERT_GE(files.size(), 6u);
  Compilation c;
  check(c, files, kRoot);
  EXPECT_TRUE(c.diags.all().empty()) << c.diags.render_text();
  size_t journeys = 0;
  for (auto& d : c.module.decls) journeys += d->kind == laud::compiler::ast::DeclKind::kJourney;
  EXPECT_GE(journeys, 6u);
}

// ---------------------------------------------------------------- formatting goldens

class FormatGolden : public testing::TestWithParam<std::string> {};

TEST_P(FormatGolden, MatchesExpected) {
  fs::path input = kGolden / "fmt" / GetParam();
  auto r = laud::compiler::format_source(input.filename().string(), read_file(input));
  ASSERT_TRUE(r.ok) << r.error;
  fs::path expected = input.parent_path() / (input.stem().string() + ".expected");
  compare_or_update(expected, r.text);
  // The canonical layout is a fixed point.
  auto again = laud::compiler::format_source("expected", read_file(expected));
  ASSERT_TRUE(again.ok) << again.error;
  EXPECT_EQ(again.text, read_file(expected));
}

INSTANTIATE_TEST_SUITE_P(Golden, FormatGolden, testing::ValuesIn(list_cases(kGolden / "fmt", false)), test_name);

TEST(Examples, AreFormatted) {
  for (const fs::path& f : case_files(kRoot / "examples")) {
    std::string text = read_file(f);
    auto r = laud::compiler::format_source(f.filename().string(), text);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.text, text) << f << " is not formatted: run `laudc fmt " << fs::relative(f, kRoot).generic_string() << "`";
  }
}

// Every clean program formats, or is refused only for a comment the layout cannot place.
TEST(ParseCases, FormatOrRefuseOnlyForCommentsInsideExpressions) {
  size_t formatted = 0;
  for (const std::string& name : list_cases(kGolden / "parse", false)) {
    auto r = laud::compiler::format_source(name, read_file(kGolden / "parse" / name));
    if (r.ok) {
      ++formatted;
      continue;
    }
    EXPECT_NE(r.error.find("is inside an expression or between the words of one step"), std::string::npos) << name << ": " << r.error;
  }
  EXPECT_GE(formatted, 20u);
}

// ---------------------------------------------------------------- flow chart goldens

class GraphGolden : public testing::TestWithParam<std::string> {};

TEST_P(GraphGolden, MatchesExpected) {
  fs::path input = kGolden / "graph" / GetParam();
  Compilation c;
  check(c, {input}, kGolden);
  ASSERT_FALSE(c.diags.has_errors()) << c.diags.render_text();
  const laud::compiler::ast::Decl* journey = nullptr;
  for (auto& d : c.module.decls)
    if (d->kind == laud::compiler::ast::DeclKind::kJourney) journey = d.get();
  ASSERT_NE(journey, nullptr);
  std::string stem = input.stem().string();
  compare_or_update(input.parent_path() / (stem + ".dot"),
                    laud::compiler::journey_graph(c.module, *journey, c.sources, laud::compiler::GraphFormat::kDot));
  compare_or_update(input.parent_path() / (stem + ".mmd"),
                    laud::compiler::journey_graph(c.module, *journey, c.sources, laud::compiler::GraphFormat::kMermaid));
}

INSTANTIATE_TEST_SUITE_P(Golden, GraphGolden, testing::ValuesIn(list_cases(kGolden / "graph", false)), test_name);

// Every journey of examples/ draws: every edge ends at a node, every node but start is reached.
TEST(Examples, EveryJourneyDraws) {
  Compilation c;
  check(c, case_files(kRoot / "examples"), kRoot);
  ASSERT_FALSE(c.diags.has_errors()) << c.diags.render_text();
  for (auto& d : c.module.decls) {
    if (d->kind != laud::compiler::ast::DeclKind::kJourney) continue;
    std::string dot = laud::compiler::journey_graph(c.module, *d, c.sources, laud::compiler::GraphFormat::kDot);
    std::istringstream lines(dot);
    std::set<std::string> nodes, targets;
    for (std::string l; std::getline(lines, l);) {
      if (auto arrow = l.find(" -> "); arrow != std::string::npos) {
        std::string to = l.substr(arrow + 4);
        targets.insert(to.substr(0, to.find_first_of(" ;")));
      } else if (l.rfind("  ", 0) == 0 && l.find(" [shape=") != std::string::npos) {
        nodes.insert(l.substr(2, l.find(' ', 2) - 2));
      }
    }
    for (const std::string& t : targets) EXPECT_TRUE(nodes.count(t)) << d->name.text << ": edge to unknown node " << t;
    for (const std::string& n : nodes) {
      if (n == "j_start" || n == "node" || n == "edge") continue;  // "node [shape=...]": the defaults
      EXPECT_TRUE(targets.count(n)) << d->name.text << ": node " << n << " has no edge into it";
    }
  }
}

// ---------------------------------------------------------------- disassembly goldens

class DisassemblyGolden : public testing::TestWithParam<std::string> {};

TEST_P(DisassemblyGolden, MatchesExpected) {
  fs::path input = kGolden / "dis" / GetParam();
  Compilation c;
  std::vector<std::string> texts;
  for (const fs::path& f : case_files(input)) {
    texts.push_back(read_file(f));
    add_source(c, fs::relative(f, kGolden).generic_string(), texts.back());
  }
  laud::vm::Module m;
  ASSERT_TRUE(laud::compiler::compile(c, m)) << c.diags.render_text();
  EXPECT_TRUE(c.diags.all().empty()) << c.diags.render_text();
  compare_or_update(input.parent_path() / (input.stem().string() + ".dis"), laud::vm::disassemble(m, &texts));
}

INSTANTIATE_TEST_SUITE_P(Golden, DisassemblyGolden, testing::ValuesIn(list_cases(kGolden / "dis", true)),
                         test_name);

// ---------------------------------------------------------------- run goldens (laudd)

// Compiles a case's files and round-trips the module through its file format, as laudd loads it.
bool build_module(const std::vector<fs::path>& files, const fs::path& base, laud::vm::Module& out,
                  std::string& error) {
  laud::testing::SourceFiles sources;
  for (const fs::path& f : files) sources.emplace_back(fs::relative(f, base).generic_string(), read_file(f));
  std::string bytes = laud::testing::compile_module_bytes(sources, &error);
  return !bytes.empty() && laud::vm::read_module(bytes, out, &error);
}

struct RunOutput {
  std::string dispatches, rejects, stats;
};

RunOutput run_case(const laud::vm::Module& m, const fs::path& events, const std::string& args) {
  laud::runtime::EngineOptions options;
  std::istringstream words(args);
  for (std::string w; words >> w;) {
    if (w == "--until") {
      std::string t;
      words >> t;
      options.until = laud::vm::parse_rfc3339(t);
      EXPECT_TRUE(options.until.has_value()) << "bad --until in args: " << t;
    } else {
      ADD_FAILURE() << "unknown word in args: " << w;
    }
  }
  laud::runtime::StringSink dispatches, rejects;
  laud::runtime::Engine engine(m, dispatches, &rejects, options);
  std::istringstream in(read_file(events));
  uint64_t n = 0;
  for (std::string line; std::getline(in, line);) engine.process_line(line, ++n);
  engine.finish();
  return {dispatches.text, rejects.text, engine.stats_json()};
}

class RunGolden : public testing::TestWithParam<std::string> {};

TEST_P(RunGolden, MatchesExpected) {
  fs::path dir = kGolden / "run" / GetParam();
  laud::vm::Module m;
  std::string error;
  ASSERT_TRUE(build_module(case_files(dir), kGolden, m, error)) << error;
  std::string args = fs::exists(dir / "args") ? read_file(dir / "args") : "";
  RunOutput out = run_case(m, dir / "events.jsonl", args);
  compare_or_update(dir / "dispatch.expected", out.dispatches);
  if (fs::exists(dir / "rejects.expected") || (updating() && !out.rejects.empty()))
    compare_or_update(dir / "rejects.expected", out.rejects);
  if (fs::exists(dir / "stats.expected")) compare_or_update(dir / "stats.expected", out.stats);
  // Determinism (§9): a second run over the same input writes the same bytes.
  RunOutput again = run_case(m, dir / "events.jsonl", args);
  EXPECT_EQ(out.dispatches, again.dispatches);
  EXPECT_EQ(out.stats, again.stats);
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RunGolden);
INSTANTIATE_TEST_SUITE_P(Golden, RunGolden, testing::ValuesIn(list_cases(kGolden / "run", true)), test_name);

}  // namespace
