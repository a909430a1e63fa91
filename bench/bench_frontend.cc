// bench_frontend.cc — throughput of the laudc front end (parse + semantic and flow analysis) on a
// generated module of 50,000 and 5,000 lines, against two baselines measured in the same run:
// parse_file alone, and a PEGTL token-only scan of the same text (the "lexer floor"). A custom
// main captures each benchmark's lines/s and prints the ratios at the end. The module is checked
// once at startup: any diagnostic aborts the run, so error paths are never what gets measured.
#include <benchmark/benchmark.h>

#include "bench/capturing_reporter.h"
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <tao/pegtl.hpp>
#include <vector>

#include "bench/gen_module.h"
#include "compiler/driver.h"
#include "compiler/parser.h"

namespace {

namespace pegtl = tao::pegtl;
using laud::bench::GeneratedModule;

constexpr size_t kLargeLines = 50'000;
constexpr size_t kSmallLines = 5'000;

// ---------------------------------------------------------------- lexer floor grammar
// Tokens only, no actions: what any front end must at least do to read the text.
namespace lex {
struct ws : pegtl::plus<pegtl::space> {};
struct line_comment : pegtl::seq<pegtl::two<'/'>, pegtl::until<pegtl::eolf>> {};
struct block_comment : pegtl::seq<pegtl::string<'/', '*'>, pegtl::until<pegtl::string<'*', '/'>>> {};
struct escape : pegtl::seq<pegtl::one<'\\'>, pegtl::any> {};
struct string_lit
    : pegtl::seq<pegtl::opt<pegtl::one<'r'>>, pegtl::one<'"'>,
                 pegtl::until<pegtl::one<'"'>, pegtl::sor<escape, pegtl::not_one<'\n'>>>> {};
struct identifier : pegtl::identifier {};
struct number : pegtl::seq<pegtl::digit, pegtl::star<pegtl::sor<pegtl::alnum, pegtl::one<'_'>>>,
                           pegtl::opt<pegtl::one<'.'>, pegtl::plus<pegtl::digit>>> {};
struct timestamp : pegtl::seq<pegtl::one<'@'>, pegtl::star<pegtl::sor<pegtl::alnum, pegtl::one<':', '.', '+', '-'>>>> {};
struct punct : pegtl::one<'{', '}', '(', ')', '[', ']', ',', ':', '.', '=', '<', '>', '!', '+', '-', '*',
                          '/', '%', '?', '$'> {};
struct token : pegtl::sor<ws, line_comment, block_comment, string_lit, identifier, number, timestamp, punct> {};
struct file : pegtl::seq<pegtl::star<token>, pegtl::eof> {};
}  // namespace lex

// The same input type compiler/parser.cc uses, so the floor pays the same per-byte costs.
using Input = pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf, const char*>;

bool lex_scan(const std::string& text) {
  Input in(text.data(), text.data() + text.size(), "bench.journey");
  return pegtl::parse<lex::file>(in);
}

// ---------------------------------------------------------------- modules

const GeneratedModule& module_of(size_t lines) {
  static std::map<size_t, GeneratedModule> cache;
  auto it = cache.find(lines);
  if (it == cache.end()) it = cache.emplace(lines, laud::bench::generate_module(lines)).first;
  return it->second;
}

// Aborts with the rendered diagnostics unless the module parses and analyzes with none at all
// (warnings included), and unless the lexer floor grammar consumes all of it.
void verify_module(size_t lines) {
  const GeneratedModule& m = module_of(lines);
  laud::compiler::Compilation c;
  laud::compiler::add_source(c, "bench.journey", m.text);
  laud::compiler::analyze(c);
  if (!c.diags.all().empty()) {
    std::fprintf(stderr, "bench_frontend: the generated %zu-line module is not clean (%zu diagnostics):\n%s",
                 m.lines, c.diags.all().size(), c.diags.render_text().c_str());
    std::abort();
  }
  if (c.module.decls.empty()) {
    std::fprintf(stderr, "bench_frontend: the generated module parsed into no declarations\n");
    std::abort();
  }
  if (!lex_scan(m.text)) {
    std::fprintf(stderr, "bench_frontend: the lexer floor grammar did not consume the module\n");
    std::abort();
  }
}

void set_counters(benchmark::State& state, const GeneratedModule& m) {
  state.counters["lines/s"] = benchmark::Counter(static_cast<double>(m.lines),
                                                 benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(m.text.size()));
  state.SetLabel(std::to_string(m.lines) + " lines");
}

// ---------------------------------------------------------------- benchmarks

// The whole front end as laudc runs it: copy the text in, parse, analyze, free everything.
void BM_FrontEnd(benchmark::State& state) {
  const GeneratedModule& m = module_of(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    laud::compiler::Compilation c;
    laud::compiler::add_source(c, "bench.journey", m.text);
    bool ok = laud::compiler::analyze(c);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(c.module.decls.data());
  }
  set_counters(state, m);
}

// parse_file alone: the same copy into a SourceManager (line table included), no analysis.
void BM_ParseOnly(benchmark::State& state) {
  const GeneratedModule& m = module_of(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    laud::compiler::SourceManager sources;
    laud::compiler::Diagnostics diags{sources};
    laud::compiler::ast::Module module;
    uint32_t id = sources.add("bench.journey", m.text);
    bool ok = laud::compiler::parse_file(sources, id, module, diags);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(module.decls.data());
  }
  set_counters(state, m);
}

// A token-only PEGTL scan of the same text: the floor any PEGTL front end sits above.
void BM_LexFloor(benchmark::State& state) {
  const GeneratedModule& m = module_of(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    bool ok = lex_scan(m.text);
    benchmark::DoNotOptimize(ok);
  }
  set_counters(state, m);
}

BENCHMARK(BM_FrontEnd)->Arg(kLargeLines)->Arg(kSmallLines)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_ParseOnly)->Arg(kLargeLines)->Arg(kSmallLines)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_LexFloor)->Arg(kLargeLines)->Arg(kSmallLines)->Unit(benchmark::kMillisecond)->MinTime(0.5);

// ---------------------------------------------------------------- summary


std::string human_rate(double r) {
  char buf[32];
  if (r <= 0) return "n/a";
  if (r >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM", r / 1e6);
  else if (r >= 1e3) std::snprintf(buf, sizeof buf, "%.1fk", r / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", r);
  return buf;
}

std::string ratio(double a, double b) {
  char buf[32];
  if (a <= 0 || b <= 0) return "n/a";
  std::snprintf(buf, sizeof buf, a / b < 0.1 ? "%.3f" : "%.2f", a / b);
  return buf;
}

void print_summary(const laud::bench::CapturingReporter& rep) {
  std::cout.flush();  // the console reporter writes through std::cout
  std::printf("\n");
  for (size_t lines : {kLargeLines, kSmallLines}) {
    double fe = rep.median("BM_FrontEnd/" + std::to_string(lines));
    double parse = rep.median("BM_ParseOnly/" + std::to_string(lines));
    double floor = rep.median("BM_LexFloor/" + std::to_string(lines));
    if (fe <= 0 && parse <= 0 && floor <= 0) continue;
    const GeneratedModule& m = module_of(lines);
    std::printf("module %zu lines (%.1f MB, %zu journeys):\n", m.lines, static_cast<double>(m.text.size()) / 1e6,
                m.journeys);
    std::printf("  front end: %s lines/s (parse %s lines/s, lexer floor %s lines/s); front end / lexer floor = %s\n",
                human_rate(fe).c_str(), human_rate(parse).c_str(), human_rate(floor).c_str(),
                ratio(fe, floor).c_str());
    // Time shares: 1/rate is seconds per line, so analysis = 1/fe - 1/parse.
    if (fe > 0 && parse > 0) {
      double analysis_share = std::max(0.0, 1.0 - fe / parse);
      std::printf("  parse / lexer floor = %s; analysis takes %.0f%% of front-end time\n", ratio(parse, floor).c_str(),
                  analysis_share * 100);
    }
  }
  std::fflush(stdout);
}

}  // namespace

// Extra flag: `--dump-module=N` writes the generated N-line module to stdout and exits, e.g.
// `bench_frontend --dump-module=50000 > big.journey && laudc check big.journey`.
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--dump-module=", 14) == 0) {
      size_t n = std::strtoull(argv[i] + 14, nullptr, 10);
      const std::string& text = module_of(n).text;
      std::fwrite(text.data(), 1, text.size(), stdout);
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  verify_module(kLargeLines);
  verify_module(kSmallLines);
  // A custom display reporter bypasses --benchmark_format and --benchmark_color; use
  // --benchmark_out=FILE --benchmark_out_format=json for machine-readable results.
  laud::bench::CapturingReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                                   : benchmark::ConsoleReporter::OO_Tabular, "lines/s");
  benchmark::RunSpecifiedBenchmarks(&reporter);
  print_summary(reporter);
  benchmark::Shutdown();
  return 0;
}
