// bench_aggregates.cc — the per-customer state of windowed aggregates (runtime/audience/aggregates.h):
// the current AggState against the previous implementation (runtime/audience/aggregates_legacy.h: a std::deque of
// 80-byte slots, every query a walk over the window), measured in the same run.
//   BM_Query:  one query of a window of N distinct instants that did not change since the last
//              query (segments ask before and after every event; most asks see no change).
//   BM_Stream: the engine's pattern per event: query, record (the clock moves, about one entry
//              leaves the window), query, query; a steady window of about W entries.
//   BM_Encode, BM_Decode: the persisted form (AggState::encode/decode, runtime/state) of typical
//              states: count within 30d and sum within 30d of 20 events, an all-time sum.
//              BM_Decode with query:1 also answers one query (the first use after a restore).
// Arguments: function (count, sum, min, avg), values (0 ints, 1 money-like floats), N or W.
// The summary prints ns per operation for both, the ratio, sizeof and heap bytes per state, and
// the encoded bytes and encode/decode ns per state.
// Build and run in Release: ninja -C build-agg bench_aggregates && build-agg/bench/bench_aggregates
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "bench/capturing_reporter.h"
#include "runtime/audience/aggregates.h"
#include "runtime/audience/aggregates_legacy.h"
#include "vm/value_ops.h"

// Live heap bytes (malloc_usable_size), for the memory line of the summary. Every form of
// operator new/delete goes through the two helpers (the benchmark runs on one thread).
namespace {
thread_local int64_t t_live_bytes = 0;
void* tracked_alloc(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  t_live_bytes += static_cast<int64_t>(malloc_usable_size(p));
  return p;
}
void tracked_free(void* p) noexcept {
  if (p) t_live_bytes -= static_cast<int64_t>(malloc_usable_size(p));
  std::free(p);
}
}  // namespace

void* operator new(std::size_t n) { return tracked_alloc(n); }
void* operator new[](std::size_t n) { return tracked_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return std::malloc(n ? n : 1); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return std::malloc(n ? n : 1); }
void operator delete(void* p) noexcept { tracked_free(p); }
void operator delete[](void* p) noexcept { tracked_free(p); }
void operator delete(void* p, std::size_t) noexcept { tracked_free(p); }
void operator delete[](void* p, std::size_t) noexcept { tracked_free(p); }

namespace {

using laud::runtime::AggSlot;
using laud::runtime::AggState;
using laud::runtime::kMaxWindowEntries;
using laud::vm::AggFunc;
using laud::vm::Value;

// ---------------------------------------------------------------- inputs

constexpr AggFunc kFuncs[] = {AggFunc::kCount, AggFunc::kSum, AggFunc::kMin, AggFunc::kAvg};
constexpr const char* kMixes[] = {"ints", "floats"};

laud::vm::AggregateDesc desc(int func, int64_t within) {
  laud::vm::AggregateDesc d;
  d.func = kFuncs[func];
  d.event = "purchase";
  if (d.func != AggFunc::kCount) d.property = {"amount"};
  d.within_ms = within;
  return d;
}

std::vector<Value> values(int mix, size_t n) {
  std::vector<Value> v;
  uint64_t s = 12345;
  for (size_t k = 0; k < n; ++k) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    auto x = static_cast<int64_t>((s >> 33) % 10000);
    v.push_back(mix == 0 ? Value::integer(x) : Value::floating(static_cast<double>(x) / 100.0));
  }
  return v;
}

constexpr int64_t kT0 = 1'796'119'200'000;
constexpr int kBatch = 256;  // operations per benchmark iteration

void set_counters(benchmark::State& state, int ops_per_batch) {
  state.counters["per_op"] = benchmark::Counter(ops_per_batch, benchmark::Counter::kIsIterationInvariantRate |
                                                                   benchmark::Counter::kInvert);
}

// One query of an unchanged window of N distinct instants (1 ms apart; the window is 1 day).
template <class Impl>
void BM_Query(benchmark::State& state) {
  int func = static_cast<int>(state.range(0)), mix = static_cast<int>(state.range(1));
  auto n = static_cast<size_t>(state.range(2));
  laud::vm::AggregateDesc d = desc(func, 86'400'000);
  std::vector<Value> v = values(mix, n);
  Impl agg;
  for (size_t k = 0; k < n; ++k) agg.record(d, kT0 + static_cast<int64_t>(k), &v[k], kT0 + static_cast<int64_t>(k));
  int64_t now = kT0 + static_cast<int64_t>(n);
  for (auto _ : state) {
    for (int k = 0; k < kBatch; ++k) {
      Value r = agg.query(d, now);
      benchmark::DoNotOptimize(r);
    }
  }
  set_counters(state, kBatch);
}

// The engine's pattern per event: query, record, query, query; one event per ms, window W ms.
template <class Impl>
void BM_Stream(benchmark::State& state) {
  int func = static_cast<int>(state.range(0)), mix = static_cast<int>(state.range(1));
  int64_t w = state.range(2);
  laud::vm::AggregateDesc d = desc(func, w);
  std::vector<Value> v = values(mix, 4096);
  Impl agg;
  int64_t now = kT0;
  size_t i = 0;
  for (int64_t k = 0; k < 2 * w; ++k, ++now) agg.record(d, now, &v[i++ & 4095], now);  // steady state
  for (auto _ : state) {
    for (int k = 0; k < kBatch; ++k, ++now) {
      Value a = agg.query(d, now);
      agg.record(d, now, &v[i++ & 4095], now);
      Value b = agg.query(d, now);
      Value c = agg.query(d, now);
      benchmark::DoNotOptimize(a);
      benchmark::DoNotOptimize(b);
      benchmark::DoNotOptimize(c);
    }
  }
  set_counters(state, kBatch);
}

void query_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"func", "values", "n"});
  for (int f = 0; f < 4; ++f)
    for (int m = 0; m < 2; ++m)
      for (int n : {16, 1024}) b->Args({f, m, n});
}
void stream_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"func", "values", "w"});
  for (int f = 0; f < 4; ++f)
    for (int m = 0; m < 2; ++m)
      for (int w : {16, 256}) b->Args({f, m, w});
}

BENCHMARK(BM_Query<laud::runtime::LegacyAggState>)->Name("BM_QueryOld")->Apply(query_args);
BENCHMARK(BM_Query<AggState>)->Name("BM_QueryNew")->Apply(query_args);
BENCHMARK(BM_Stream<laud::runtime::LegacyAggState>)->Name("BM_StreamOld")->Apply(stream_args);
BENCHMARK(BM_Stream<AggState>)->Name("BM_StreamNew")->Apply(stream_args);

// ---------------------------------------------------------------- persisted form

struct Shape {
  const char* name;
  int func;        // index into kFuncs
  int64_t within;  // -1: all time
};
constexpr int64_t kDay = 86'400'000;
constexpr Shape kShapes[] = {{"count within 30d, 20 events", 0, 30 * kDay},
                             {"sum within 30d, 20 floats", 1, 30 * kDay},
                             {"sum all time, 20 floats", 1, -1}};

// 20 events about a day apart at ms-precision times (distinct instants, all in a 30-day window);
// returns the time of the last.
int64_t fill(AggState& agg, const laud::vm::AggregateDesc& d) {
  std::vector<Value> v = values(1, 20);
  uint64_t s = 777;
  int64_t t = kT0;
  for (size_t k = 0; k < v.size(); ++k) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    t += static_cast<int64_t>((s >> 33) % static_cast<uint64_t>(2 * kDay));
    agg.record(d, t, &v[k], t);
  }
  return t;
}

std::string encoded(const Shape& sh) {
  laud::vm::AggregateDesc d = desc(sh.func, sh.within);
  AggState agg;
  fill(agg, d);
  std::string out;
  agg.encode(out);
  return out;
}

void BM_Encode(benchmark::State& state) {
  const Shape& sh = kShapes[state.range(0)];
  laud::vm::AggregateDesc d = desc(sh.func, sh.within);
  AggState agg;
  fill(agg, d);
  std::string out;
  for (auto _ : state) {
    for (int k = 0; k < kBatch; ++k) {
      out.clear();  // the codec reuses its buffer's capacity
      agg.encode(out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.counters["bytes"] = static_cast<double>(out.size());
  set_counters(state, kBatch);
}

// As runtime/state/codec.cc restores a customer: a new state per aggregate, then decode.
void BM_Decode(benchmark::State& state) {
  const Shape& sh = kShapes[state.range(0)];
  bool query = state.range(1) != 0;
  laud::vm::AggregateDesc d = desc(sh.func, sh.within);
  std::string bytes = encoded(sh);
  AggState twin;
  int64_t now = fill(twin, d);
  for (auto _ : state) {
    for (int k = 0; k < kBatch; ++k) {
      auto agg = std::make_unique<AggState>();
      laud::vm::ByteReader r(bytes);
      bool ok = agg->decode(r);
      benchmark::DoNotOptimize(ok);
      if (query) {
        Value v = agg->query(d, now);
        benchmark::DoNotOptimize(v);
      }
    }
  }
  set_counters(state, kBatch);
}

BENCHMARK(BM_Encode)->ArgNames({"shape"})->DenseRange(0, 2);
BENCHMARK(BM_Decode)->ArgNames({"shape", "query"})->ArgsProduct({{0, 1, 2}, {0, 1}});

// Heap bytes of one state holding a window of n entries (after the steady state of BM_Stream).
template <class Impl>
int64_t heap_bytes(int func, int64_t n) {
  laud::vm::AggregateDesc d = desc(func, n);
  std::vector<Value> v = values(1, 64);
  int64_t before = t_live_bytes;
  auto agg = std::make_unique<Impl>();
  for (int64_t k = 0; k < 2 * n; ++k) agg->record(d, kT0 + k, &v[static_cast<size_t>(k) & 63], kT0 + k);
  return t_live_bytes - before;
}

void print_summary(const laud::bench::CapturingReporter& rep) {
  std::cout.flush();
  std::printf("\n%-7s %-6s %6s   %12s %12s %8s\n", "func", "values", "n/w", "old ns/op", "new ns/op", "old/new");
  for (const char* kind : {"Query", "Stream"}) {
    std::printf("%s:\n", kind);
    for (int f = 0; f < 4; ++f)
      for (int m = 0; m < 2; ++m)
        for (int n : std::string(kind) == "Query" ? std::vector<int>{16, 1024} : std::vector<int>{16, 256}) {
          char args[96];
          std::snprintf(args, sizeof args, "/func:%d/values:%d/%s:%d", f, m, std::string(kind) == "Query" ? "n" : "w", n);
          double o = rep.median(std::string("BM_") + kind + "Old" + args), w = rep.median(std::string("BM_") + kind + "New" + args);
          if (o <= 0 || w <= 0) continue;
          std::printf("%-7s %-6s %6d   %12.1f %12.1f %7.1fx\n", std::string(laud::vm::agg_func_name(kFuncs[f])).c_str(),
                      kMixes[m], n, o, w, o / w);
        }
  }
  std::printf("\nsizeof: old state %zu bytes, new AggState %zu bytes\n", sizeof(laud::runtime::LegacyAggState), sizeof(AggState));
  std::printf("heap bytes per state (make_unique + its window) by window entries:\n");
  for (int f = 0; f < 4; ++f)
    for (int64_t n : {0, 1, 16, 256, 1024})
      std::printf("  %-5s %5lld entries: old %7lld, new %7lld\n", std::string(laud::vm::agg_func_name(kFuncs[f])).c_str(),
                  static_cast<long long>(n), static_cast<long long>(heap_bytes<laud::runtime::LegacyAggState>(f, n)),
                  static_cast<long long>(heap_bytes<AggState>(f, n)));
  std::printf("\npersisted form per state:\n%-28s %6s %10s %10s %14s\n", "state", "bytes", "encode ns", "decode ns",
              "+1 query ns");
  for (int k = 0; k < 3; ++k) {
    auto med = [&](const char* bm, const std::string& args) { return rep.median(std::string(bm) + "/shape:" + std::to_string(k) + args); };
    std::printf("%-28s %6zu %10.1f %10.1f %14.1f\n", kShapes[k].name, encoded(kShapes[k]).size(), med("BM_Encode", ""),
                med("BM_Decode", "/query:0"), med("BM_Decode", "/query:1"));
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  laud::bench::CapturingReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                                                : benchmark::ConsoleReporter::OO_Tabular,
                                          "per_op", 1e9);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  print_summary(reporter);
  benchmark::Shutdown();
  return 0;
}
