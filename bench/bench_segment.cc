// bench_segment.cc — evaluating a 10-clause segment (numbers, strings, `in` a list, `ends_with`,
// `contains` on a list, arithmetic, a time comparison, `not`) against a customer profile, with
// laud's interpreter, and the same predicate over an equivalent table in Lua 5.4 and in LuaJIT,
// all in one run; a custom main prints ns per evaluation for each, the ratios against the goals
// (laud ≥ 2x faster than Lua 5.4, within 2x of LuaJIT with its JIT on) and the heap allocations
// per laud evaluation, counted by the global operator new below.
//
// Fairness: each side evaluates the predicate N times inside its own loop (a C++ loop around
// Interpreter::call; a Lua `for` calling the Lua function), so no C→Lua call is measured per
// evaluation. Both rotate over the same number of distinct, identical profiles (kProfiles), so a
// tracing JIT cannot hoist the table loads out of the loop as loop-invariant (real evaluations
// see a different customer each time). Lua gets the time as a number (ms since the epoch), its
// cheapest equivalent. The segment is compiled by laud's own compiler at startup; the startup
// checks abort the run if any side gives a wrong answer, so no error path is ever measured.
//
// Profiles: `pass` makes all ten clauses true (all are evaluated); `fail_last` differs only in
// `blocked = true`, so all ten are evaluated and the last one fails.
#include <benchmark/benchmark.h>

#include "bench/capturing_reporter.h"
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "bench/lua_baseline.h"
#include "bench/profile_host.h"
#include "compiler/codegen.h"
#include "compiler/driver.h"
#include "vm/disasm.h"
#include "vm/interp.h"
#include "vm/module.h"

// ---------------------------------------------------------------- counting allocator
// Every operator new of the process bumps a thread-local counter (the benchmark runs on one
// thread). Lua allocates through its own realloc-based allocator and is not counted.

namespace {
thread_local uint64_t t_allocations = 0;

void* counted_alloc(std::size_t n) {
  ++t_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* counted_alloc_aligned(std::size_t n, std::align_val_t al) {
  ++t_allocations;
  std::size_t a = std::max(static_cast<std::size_t>(al), sizeof(void*));
  void* p = nullptr;
  if (posix_memalign(&p, a, n ? n : 1) != 0) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++t_allocations;
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  ++t_allocations;
  return std::malloc(n ? n : 1);
}
void* operator new(std::size_t n, std::align_val_t al) { return counted_alloc_aligned(n, al); }
void* operator new[](std::size_t n, std::align_val_t al) { return counted_alloc_aligned(n, al); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

using laud::bench::LuaFlavor;
using laud::bench::LuaRuntime;
using laud::bench::Profile;
using laud::bench::ProfileHost;

constexpr int kBatch = 1024;    // evaluations per benchmark iteration (a multiple of kProfiles)
constexpr int kProfiles = 16;   // distinct (identical) profiles each side rotates over
constexpr uint64_t kAllocEvals = 100'000;

constexpr int64_t kJan2026 = 1767225600000;     // @2026-01-01T00:00:00Z
constexpr int64_t kLastSeen = 1773576000000;    // 2026-03-15T12:00:00Z

// ---------------------------------------------------------------- the predicate, both languages

const char* const kSegmentSource = R"(// bench_segment: ten clauses, all evaluated for both profiles
segment target = customer.ltv >= 500
  and customer.orders > 3
  and customer.country in ["FR", "DE", "BE"]
  and customer.plan == "pro"
  and customer.email ends_with "@example.com"
  and customer.tags contains "beta"
  and customer.age >= 18
  and customer.score * 2 > 100
  and customer.last_seen > @2026-01-01T00:00:00Z
  and not (customer.blocked == true)

// The fixed cost of one Interpreter::call (frame, registers, dispatch of two instructions)
segment floor = customer.plan != null
)";

// The same profile data, built once per Lua state; run(n, which) evaluates pred n times over the
// kProfiles tables of `pass` (which = 1) or `fail_last` (which = 2) and returns how many were true.
std::string lua_chunk() {
  return R"(
local T = )" + std::to_string(kJan2026) + R"(
local function has(list, x)
  for i = 1, #list do
    if list[i] == x then return true end
  end
  return false
end
local function pred(p)
  return p.ltv >= 500 and p.orders > 3 and (p.country == "FR" or p.country == "DE" or p.country == "BE")
     and p.plan == "pro" and p.email:sub(-12) == "@example.com" and has(p.tags, "beta")
     and p.age >= 18 and p.score * 2 > 100 and p.last_seen > T and not (p.blocked == true)
end
local function profile(blocked)
  return { ["$id"] = "c-42", ltv = 1234.5, orders = 7, country = "DE", plan = "pro",
           email = "jane.doe@example.com", tags = { "vip", "beta", "newsletter" }, age = 34,
           score = 60, last_seen = )" + std::to_string(kLastSeen) + R"(, blocked = blocked }
end
local sets = { {}, {} }
for k = 1, )" + std::to_string(kProfiles) + R"( do
  sets[1][k] = profile(false)
  sets[2][k] = profile(true)
end
local M = )" + std::to_string(kProfiles) + R"(
function run(n, which)
  local ps = sets[which]
  local c = 0
  for r = 1, math.floor(n / M) do
    for j = 1, M do
      if pred(ps[j]) then c = c + 1 end
    end
  end
  return c
end
)";
}

void fill_profile(Profile& p, bool blocked) {
  bool ok = p.set_string("$id", "c-42") && p.set_float("ltv", 1234.5) && p.set_int("orders", 7) &&
            p.set_string("country", "DE") && p.set_string("plan", "pro") &&
            p.set_string("email", "jane.doe@example.com") && p.set_strings("tags", {"vip", "beta", "newsletter"}) &&
            p.set_int("age", 34) && p.set_int("score", 60) && p.set_time("last_seen", kLastSeen) &&
            p.set_bool("blocked", blocked);
  if (!ok) {
    std::fprintf(stderr, "bench_segment: profile table full\n");
    std::abort();
  }
}

// ---------------------------------------------------------------- laud

struct Laud {
  laud::compiler::Compilation compilation;
  laud::vm::Module module;
  std::unique_ptr<laud::vm::Interpreter> interp;
  ProfileHost host;  // profiles [0, kProfiles): pass; [kProfiles, 2 kProfiles): fail_last
  uint32_t fn = laud::vm::kNone;
  uint32_t floor_fn = laud::vm::kNone;  // `floor`: one FIELD and a test, for the call's fixed cost
};

Laud& laud_side() {
  static Laud* l = [] {
    auto* l = new Laud;
    laud::compiler::add_source(l->compilation, "bench_segment.journey", kSegmentSource);
    if (!laud::compiler::compile(l->compilation, l->module) || !l->compilation.diags.all().empty()) {
      std::fprintf(stderr, "bench_segment: the segment does not compile cleanly:\n%s",
                   l->compilation.diags.render_text().c_str());
      std::abort();
    }
    for (const auto& s : l->module.segments) {
      if (s.name == "target") l->fn = s.fn;
      else if (s.name == "floor") l->floor_fn = s.fn;
    }
    if (l->fn == laud::vm::kNone || l->floor_fn == laud::vm::kNone) {
      std::fprintf(stderr, "bench_segment: no segment `target` or `floor` in the compiled module\n");
      std::abort();
    }
    l->interp = std::make_unique<laud::vm::Interpreter>(l->module);
    for (int k = 0; k < 2 * kProfiles; ++k) fill_profile(l->host.add_profile(), k >= kProfiles);
    l->host.set_now(kLastSeen + 3'600'000);
    return l;
  }();
  return *l;
}

// Evaluates the segment n times (n a multiple of kProfiles) over profile set `set` (0 pass,
// 1 fail_last), returning how many evaluations were true.
inline int64_t laud_run(Laud& l, int64_t n, int set, uint32_t fn = laud::vm::kNone) {
  if (fn == laud::vm::kNone) fn = l.fn;
  int64_t count = 0;
  const size_t base = static_cast<size_t>(set) * kProfiles;
  for (int64_t r = 0; r < n / kProfiles; ++r) {
    for (size_t j = 0; j < kProfiles; ++j) {
      l.host.select(base + j);
      count += l.interp->call(fn, l.host).truthy();
    }
  }
  return count;
}

// Heap allocations per evaluation in the steady state: warm up, then count over kAllocEvals.
struct AllocCount {
  uint64_t total = 0;
  uint64_t evaluations = 0;
};
AllocCount count_allocations(int set) {
  Laud& l = laud_side();
  laud_run(l, 1024, set);
  uint64_t before = t_allocations;
  int64_t n = static_cast<int64_t>(kAllocEvals / kProfiles * kProfiles);
  int64_t c = laud_run(l, n, set);
  benchmark::DoNotOptimize(c);
  return {t_allocations - before, static_cast<uint64_t>(n)};
}

// ---------------------------------------------------------------- Lua

struct LuaSide {
  std::unique_ptr<LuaRuntime> rt;
  std::string why;  // when rt is null: why it is unavailable
  std::string info;
};

LuaSide load_lua(LuaFlavor flavor, bool jit_on) {
  LuaSide s;
  s.rt = LuaRuntime::open(flavor, &s.why);
  if (!s.rt) return s;
  std::string err;
  if (flavor == LuaFlavor::kLuaJit && !jit_on && !s.rt->exec("jit.off()", &err)) {
    s.why = "jit.off() failed: " + err;
    s.rt.reset();
    return s;
  }
  if (!s.rt->exec(lua_chunk(), &err)) {
    s.why = "the Lua predicate does not load: " + err;
    s.rt.reset();
    return s;
  }
  s.info = s.rt->eval_string("_VERSION");
  if (flavor == LuaFlavor::kLuaJit)
    s.info = s.rt->eval_string("jit.version") + ", JIT " + (s.rt->eval_string("jit.status()") == "true" ? "on" : "off");
  s.info += " (" + s.rt->library_path() + ")";
  return s;
}

LuaSide& lua54() {
  static LuaSide s = load_lua(LuaFlavor::kLua54, true);
  return s;
}
LuaSide& luajit() {
  static LuaSide s = load_lua(LuaFlavor::kLuaJit, true);
  return s;
}
LuaSide& luajit_interp() {
  static LuaSide s = load_lua(LuaFlavor::kLuaJit, false);
  return s;
}

// ---------------------------------------------------------------- startup checks

void check_answers() {
  Laud& l = laud_side();
  std::string error;
  for (int set = 0; set < 2; ++set) {
    for (int j = 0; j < kProfiles; ++j) {
      l.host.select(static_cast<size_t>(set * kProfiles + j));
      laud::vm::Value v = l.interp->call(l.fn, l.host, &error);
      if (v.kind != laud::vm::Kind::kBool || v.b != (set == 0)) {
        std::fprintf(stderr, "bench_segment: laud answered %s for the %s profile (%s)\n",
                     v.kind == laud::vm::Kind::kBool ? (v.b ? "true" : "false") : "a non-bool",
                     set == 0 ? "pass" : "fail_last", error.c_str());
        std::abort();
      }
    }
  }
  for (LuaSide* s : {&lua54(), &luajit(), &luajit_interp()}) {
    if (!s->rt) continue;
    for (int set = 0; set < 2; ++set) {
      double c = -1;
      std::string err;
      if (!s->rt->call("run", kBatch, set + 1, &c, &err) || c != (set == 0 ? kBatch : 0)) {
        std::fprintf(stderr, "bench_segment: %s answered %g of %d for the %s profile %s\n", s->info.c_str(), c,
                     kBatch, set == 0 ? "pass" : "fail_last", err.c_str());
        std::abort();
      }
    }
  }
}

// ---------------------------------------------------------------- benchmarks

void set_counters(benchmark::State& state) {
  // Seconds per evaluation, CPU time / (iterations * kBatch): the console shows e.g. "45.2ns".
  state.counters["per_eval"] =
      benchmark::Counter(kBatch, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
}

void BM_LaudSegment(benchmark::State& state, int set) {
  Laud& l = laud_side();
  laud_run(l, kBatch, set);  // warm up
  uint64_t before = t_allocations;
  for (auto _ : state) {
    int64_t c = laud_run(l, kBatch, set);
    benchmark::DoNotOptimize(c);
  }
  uint64_t allocs = t_allocations - before;
  set_counters(state);
  state.counters["allocs/eval"] =
      static_cast<double>(allocs) / (static_cast<double>(state.iterations()) * kBatch);
}

// The fixed cost of an evaluation: Interpreter::call of `floor` (CUSTOMER, FIELD, NE, RET).
void BM_LaudCallFloor(benchmark::State& state) {
  Laud& l = laud_side();
  laud_run(l, kBatch, 0, l.floor_fn);
  for (auto _ : state) {
    int64_t c = laud_run(l, kBatch, 0, l.floor_fn);
    benchmark::DoNotOptimize(c);
  }
  set_counters(state);
}

// The host's share: the ten `field` lookups one evaluation makes, through the virtual interface
// as the interpreter calls it (the Host pointer is laundered so the calls are not devirtualized),
// with nothing else. laud's time minus this is the interpreter's own.
void BM_HostLookups(benchmark::State& state) {
  Laud& l = laud_side();
  static const char* const kKeys[] = {"ltv", "orders", "country", "plan", "email",
                                      "tags", "age", "score", "last_seen", "blocked"};
  std::string_view keys[10];
  for (int k = 0; k < 10; ++k) keys[k] = kKeys[k];
  laud::vm::Host* host = &l.host;
  laud::vm::Arena& arena = l.interp->arena();
  for (auto _ : state) {
    for (int r = 0; r < kBatch / kProfiles; ++r) {
      for (size_t j = 0; j < kProfiles; ++j) {
        benchmark::DoNotOptimize(host);
        l.host.select(j);
        laud::vm::Value customer = host->customer();
        for (uint32_t k = 0; k < 10; ++k) {
          laud::vm::Value v = host->field(customer, keys[k], 1000 + k, arena);  // as FIELD passes key ids
          benchmark::DoNotOptimize(v);
        }
      }
    }
  }
  set_counters(state);
}

void run_lua(benchmark::State& state, LuaSide& s, int set) {
  if (!s.rt) {
    state.SkipWithError(("not available: " + s.why).c_str());
    for (auto _ : state) {
    }
    return;
  }
  double c = 0;
  std::string err;
  s.rt->call("run", kBatch, set + 1, &c, &err);  // warm up (and let a JIT compile its traces)
  for (auto _ : state) {
    s.rt->call("run", kBatch, set + 1, &c, &err);
    benchmark::DoNotOptimize(c);
  }
  set_counters(state);
  state.SetLabel(s.info);
}

void BM_Lua54Segment(benchmark::State& state, int set) { run_lua(state, lua54(), set); }
void BM_LuaJitSegment(benchmark::State& state, int set) { run_lua(state, luajit(), set); }
void BM_LuaJitInterpSegment(benchmark::State& state, int set) { run_lua(state, luajit_interp(), set); }

BENCHMARK_CAPTURE(BM_LaudSegment, pass, 0)->MinTime(0.5);
BENCHMARK_CAPTURE(BM_LaudSegment, fail_last, 1)->MinTime(0.5);
BENCHMARK(BM_LaudCallFloor)->MinTime(0.5);
BENCHMARK(BM_HostLookups)->MinTime(0.5);
BENCHMARK_CAPTURE(BM_Lua54Segment, pass, 0)->MinTime(0.5);
BENCHMARK_CAPTURE(BM_Lua54Segment, fail_last, 1)->MinTime(0.5);
BENCHMARK_CAPTURE(BM_LuaJitSegment, pass, 0)->MinTime(0.5);
BENCHMARK_CAPTURE(BM_LuaJitSegment, fail_last, 1)->MinTime(0.5);
BENCHMARK_CAPTURE(BM_LuaJitInterpSegment, pass, 0)->MinTime(0.5);
BENCHMARK_CAPTURE(BM_LuaJitInterpSegment, fail_last, 1)->MinTime(0.5);

// ---------------------------------------------------------------- summary


std::string ns_text(double ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ns < 10 ? "%.2f ns" : ns < 100 ? "%.1f ns" : "%.0f ns", ns);
  return buf;
}

// "Lua 5.4 120 ns (laud 2.7x faster)" / "... (laud 1.5x slower)" / "... not available: why".
std::string versus(const char* what, double laud, double other, const LuaSide& side) {
  std::string out = what;
  if (!side.rt) return out + " not available (" + side.why + ")";
  if (other <= 0) return out + " not run";
  out += " " + ns_text(other);
  if (laud > 0) {
    char buf[64];
    if (laud <= other) std::snprintf(buf, sizeof buf, " (laud %.2fx faster)", other / laud);
    else std::snprintf(buf, sizeof buf, " (laud %.2fx slower)", laud / other);
    out += buf;
  }
  return out;
}

void print_summary(const laud::bench::CapturingReporter& rep) {
  std::cout.flush();  // the console reporter writes through std::cout
  std::printf("\n");
  for (const LuaSide* s : {&lua54(), &luajit(), &luajit_interp()})
    if (s->rt) std::printf("baseline: %s\n", s->info.c_str());
  AllocCount alloc_pass = count_allocations(0), alloc_fail = count_allocations(1);
  struct Row {
    const char* set;
    const char* title;
    AllocCount alloc;
  } rows[] = {{"pass", "all 10 clauses true", alloc_pass}, {"fail_last", "fails at the 10th clause", alloc_fail}};
  bool goals_known = false;
  double laud_pass = 0, lua_pass = 0, jit_pass = 0;
  for (const Row& row : rows) {
    std::string set = row.set;
    double laud = rep.median("BM_LaudSegment/" + set), lua = rep.median("BM_Lua54Segment/" + set),
           jit = rep.median("BM_LuaJitSegment/" + set), jit_i = rep.median("BM_LuaJitInterpSegment/" + set);
    if (laud <= 0 && lua <= 0 && jit <= 0 && jit_i <= 0) continue;
    double per_eval = static_cast<double>(row.alloc.total) / static_cast<double>(row.alloc.evaluations);
    char allocs[64];
    if (row.alloc.total == 0) std::snprintf(allocs, sizeof allocs, "0");
    else std::snprintf(allocs, sizeof allocs, "%.3g", per_eval);
    std::printf("segment eval (%s, %s): laud %s, %s, %s; allocations per evaluation: %s\n", set.c_str(), row.title,
                laud > 0 ? ns_text(laud).c_str() : "not run", versus("Lua 5.4", laud, lua, lua54()).c_str(),
                versus("LuaJIT", laud, jit, luajit()).c_str(), allocs);
    if (jit_i > 0) std::printf("  (LuaJIT with jit.off(), interpreter only: %s)\n", ns_text(jit_i).c_str());
    if (set == "pass") {
      goals_known = true;
      laud_pass = laud, lua_pass = lua, jit_pass = jit;
    }
  }
  double floor = rep.median("BM_LaudCallFloor"), lookups = rep.median("BM_HostLookups");
  if (floor > 0 || lookups > 0)
    std::printf("laud's parts: a 4-instruction segment (fixed cost of a call) %s; the host's 10 field lookups "
                "(virtual, as the interpreter makes them) %s\n",
                floor > 0 ? ns_text(floor).c_str() : "not run", lookups > 0 ? ns_text(lookups).c_str() : "not run");
  std::printf("allocations counted over %llu evaluations per profile after warm-up: pass %llu, fail_last %llu\n",
              static_cast<unsigned long long>(alloc_pass.evaluations),
              static_cast<unsigned long long>(alloc_pass.total), static_cast<unsigned long long>(alloc_fail.total));
  if (goals_known && laud_pass > 0) {
    auto verdict = [](bool met) { return met ? "met" : "MISSED"; };
    std::printf("goals (pass profile): laud >= 2x faster than Lua 5.4: %s; laud within 2x of LuaJIT: %s; "
                "zero allocations: %s\n",
                lua_pass > 0 ? verdict(lua_pass / laud_pass >= 2.0) : "n/a",
                jit_pass > 0 ? verdict(laud_pass / jit_pass <= 2.0) : "n/a",
                verdict(alloc_pass.total == 0 && alloc_fail.total == 0));
  }
  std::fflush(stdout);
}

}  // namespace

// Extra flag: `--dis` prints the compiled segment's disassembly and exits.
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--dis") == 0) {
      std::fputs(laud::vm::disassemble(laud_side().module).c_str(), stdout);
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  check_answers();
  for (const LuaSide* s : {&lua54(), &luajit(), &luajit_interp()})
    if (!s->rt) std::fprintf(stderr, "bench_segment: skipping a Lua baseline: %s\n", s->why.c_str());
  laud::bench::CapturingReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                                   : benchmark::ConsoleReporter::OO_Tabular, "per_eval", 1e9);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  print_summary(reporter);
  benchmark::Shutdown();
  return 0;
}
