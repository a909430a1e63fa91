// bench_e2e.cc — end to end (issue "laudd performance"): laudd's Engine over a deterministic stream
// of Segment-spec events, next to a floor measured in the same run.
//
//   1. floor: the engine's own decoder (EventDecoder::decode) over every line, and a lookup of the
//      customer in an unordered_map<std::string, small struct> (insert on first sight). No journeys:
//      no engine can be faster than reading its input and finding the customer.
//   2. laudd in memory: Engine over the examples/ module (every examples/*.journey compiled as one
//      module), NullSink for dispatches and rejects, --clock event, no --until.
//   3. with --state DIR: the same with a RocksDB checkpoint every 10,000 lines, as laudd does (the
//      synced write of each in the background while the next lines run; the last one waited for).
//
// The stream (laud_event_gen, bench preset: 70% track / 30% identify, no late, duplicate or bad
// lines) is generated into one anonymous mapping (lines + offsets) before anything is timed.
// For each phase: wall and CPU seconds (process and main thread), events/s per core (main-thread
// CPU), RSS before/after and the phase's peak (VmHWM, reset before each phase), heap allocations
// per event over events 40%–60% (global operator new below, main thread only), and for laudd the
// dispatches, live instances and bytes per customer beyond traits. Then a summary table with the
// issue's goals, each marked met or MISSED.
#include <CLI/CLI.hpp>
#include <dlfcn.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/event_gen.h"
#include "compiler/codegen.h"
#include "compiler/driver.h"
#include "runtime/audience/profile.h"
#include "runtime/common/doc.h"
#include "runtime/dispatch/sink.h"
#include "runtime/engine/engine.h"
#include "runtime/ingress/decode.h"
#include "runtime/state/state_source.h"
#include "runtime/state/store.h"
#include "vm/module.h"
#include "vm/module_format.h"

// ---------------------------------------------------------------- counting allocator
// Every operator new bumps a thread-local counter (only the main thread's count is read, so
// RocksDB's background threads are not counted). While t_track_bytes is set, the bytes malloc
// really holds for each block (malloc_usable_size, + the 8-byte chunk header under glibc's malloc;
// jemalloc's size classes have none) are added and, on delete, subtracted: that measures the
// traits of a sample of customers (see trait_sample()).
// Allocations made with malloc directly (simdjson's buffers, RocksDB's arenas) are not counted.

namespace {
// jemalloc (linked like laudd, CMake LAUD_JEMALLOC) exports mallctl; glibc's malloc does not.
bool jemalloc_in_use() {
  static const bool yes = dlsym(RTLD_DEFAULT, "mallctl") != nullptr;
  return yes;
}
const size_t kChunkHeader = jemalloc_in_use() ? 0 : 8;

thread_local uint64_t t_allocations = 0;
thread_local bool t_track_bytes = false;
thread_local int64_t t_bytes = 0;

inline void note_alloc(void* p) {
  ++t_allocations;
  if (t_track_bytes && p) t_bytes += static_cast<int64_t>(malloc_usable_size(p) + kChunkHeader);
}
void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  note_alloc(p);
  return p;
}
void* counted_alloc_aligned(std::size_t n, std::align_val_t al) {
  std::size_t a = std::max(static_cast<std::size_t>(al), sizeof(void*));
  void* p = nullptr;
  if (posix_memalign(&p, a, n ? n : 1) != 0) throw std::bad_alloc();
  note_alloc(p);
  return p;
}
inline void counted_free(void* p) noexcept {
  if (t_track_bytes && p) t_bytes -= static_cast<int64_t>(malloc_usable_size(p) + kChunkHeader);
  std::free(p);
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  void* p = std::malloc(n ? n : 1);
  note_alloc(p);
  return p;
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  void* p = std::malloc(n ? n : 1);
  note_alloc(p);
  return p;
}
void* operator new(std::size_t n, std::align_val_t al) { return counted_alloc_aligned(n, al); }
void* operator new[](std::size_t n, std::align_val_t al) { return counted_alloc_aligned(n, al); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }

namespace {

namespace fs = std::filesystem;
using namespace laud;

// Lines between two checkpoints of a --state run (runtime/laudd_main.cc: kCheckpointLines).
constexpr uint64_t kCheckpointLines = 10'000;

// ---------------------------------------------------------------- clocks and memory

double wall_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
double cpu_clock(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// VmRSS / VmHWM from /proc/self/status, in bytes.
uint64_t proc_status_kb(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  size_t n = std::strlen(field);
  while (std::getline(f, line))
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') return std::strtoull(line.c_str() + n + 1, nullptr, 10);
  return 0;
}
uint64_t rss_bytes() { return proc_status_kb("VmRSS") * 1024; }
uint64_t hwm_bytes() { return proc_status_kb("VmHWM") * 1024; }
// Resets VmHWM to the current RSS (Linux ≥ 4.0), so each phase reports its own peak.
bool reset_hwm() {
  int fd = open("/proc/self/clear_refs", O_WRONLY);
  if (fd < 0) return false;
  bool ok = write(fd, "5", 1) == 1;
  close(fd);
  return ok;
}
uint64_t maxrss_bytes() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return uint64_t(ru.ru_maxrss) * 1024;
}
// Gives freed heap back to the kernel, so the next phase's "RSS before" is not inflated by the last one.
void trim() { malloc_trim(0); }

std::string mb(double bytes) { return fmt::format("{:.1f} MB", bytes / 1e6); }
std::string rate(double r) {
  if (r >= 1e6) return fmt::format("{:.2f}M", r / 1e6);
  if (r >= 1e3) return fmt::format("{:.1f}k", r / 1e3);
  return fmt::format("{:.0f}", r);
}

// ---------------------------------------------------------------- the stream

// All lines in one anonymous mapping (grown with mremap, so no copy and no 2x peak), each line
// followed by '\n'; offsets[i] is where line i starts, offsets[n] the end.
class Stream {
 public:
  ~Stream() {
    if (base_) munmap(base_, cap_);
  }
  void reserve(size_t bytes) {
    cap_ = std::max<size_t>(bytes, 1 << 20);
    void* p = mmap(nullptr, cap_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    base_ = static_cast<char*>(p);
  }
  void append(std::string_view line) {
    if (size_ + line.size() + 1 > cap_) {
      size_t cap = std::max(cap_ * 2, size_ + line.size() + 1);
      void* p = mremap(base_, cap_, cap, MREMAP_MAYMOVE);
      if (p == MAP_FAILED) throw std::bad_alloc();
      base_ = static_cast<char*>(p);
      cap_ = cap;
    }
    offsets.push_back(size_);
    std::memcpy(base_ + size_, line.data(), line.size());
    size_ += line.size();
    base_[size_++] = '\n';
  }
  void seal() { offsets.push_back(size_); }
  size_t lines() const { return offsets.size() - 1; }
  std::string_view line(size_t i) const {
    return std::string_view(base_ + offsets[i], offsets[i + 1] - offsets[i] - 1);
  }
  size_t bytes() const { return size_; }
  std::vector<uint64_t> offsets;

 private:
  char* base_ = nullptr;
  size_t cap_ = 0, size_ = 0;
};

// ---------------------------------------------------------------- the module

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every *.journey of `dir` (name order) compiled as one module, written and read back as laudd
// loads it (tests/golden_test.cc: build_module). Any diagnostic at all aborts the run.
bool build_module(const fs::path& dir, vm::Module& out, std::string& bytes, size_t& files, std::string& error) {
  std::vector<fs::path> paths;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".journey") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  files = paths.size();
  if (paths.empty()) {
    error = dir.string() + ": no .journey files";
    return false;
  }
  compiler::Compilation c;
  for (const fs::path& f : paths) compiler::add_source(c, f.filename().string(), read_file(f));
  vm::Module m;
  bool ok = compiler::compile(c, m);
  if (!ok || c.diags.error_count() || c.diags.warning_count()) {
    error = c.diags.render_text();
    if (error.empty()) error = "compile failed";
    return false;
  }
  bytes = vm::write_module(m);
  return vm::read_module(bytes, out, &error);
}

// ---------------------------------------------------------------- phases

struct Phase {
  std::string name;
  bool ran = false;
  uint64_t events = 0;
  double wall = 0, cpu_process = 0, cpu_thread = 0;
  uint64_t rss_before = 0, rss_after = 0, peak = 0;
  uint64_t slice_events = 0, slice_allocs = 0;
  // laudd only
  uint64_t dispatched = 0, sink_lines = 0, live = 0, customers = 0, accepted = 0, rejected = 0, duplicates = 0;
  uint64_t timers = 0;
  uint64_t checkpoints = 0;
  double checkpoint_wall = 0, checkpoint_cpu = 0;
  uint64_t state_disk = 0;
  std::pair<uint64_t, uint64_t> customer_records, traits_records, aggregate_records;  // (records, key + value bytes) written

  double rate_cpu() const { return cpu_thread > 0 ? double(events) / cpu_thread : 0; }
  double rate_wall() const { return wall > 0 ? double(events) / wall : 0; }
  double allocs_per_event() const { return slice_events ? double(slice_allocs) / double(slice_events) : 0; }
};

// Runs `body(i)` over every line, timing the whole loop and counting the main thread's
// allocations between 40% and 60% of the lines.
template <class F>
void timed_loop(const Stream& s, Phase& p, F&& body) {
  size_t n = s.lines();
  size_t lo = n * 2 / 5, hi = n * 3 / 5;
  p.rss_before = rss_bytes();
  reset_hwm();
  double w0 = wall_now(), c0 = cpu_clock(CLOCK_PROCESS_CPUTIME_ID), t0 = cpu_clock(CLOCK_THREAD_CPUTIME_ID);
  uint64_t a0 = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i == lo) a0 = t_allocations;
    if (i == hi) {
      p.slice_allocs = t_allocations - a0;
      p.slice_events = hi - lo;
    }
    body(i);
  }
  body(SIZE_MAX);  // the end: finish() and the last checkpoint
  p.wall = wall_now() - w0;
  p.cpu_process = cpu_clock(CLOCK_PROCESS_CPUTIME_ID) - c0;
  p.cpu_thread = cpu_clock(CLOCK_THREAD_CPUTIME_ID) - t0;
  p.events = n;
  p.rss_after = rss_bytes();
  p.peak = hwm_bytes();
  p.ran = true;
}

struct FloorCustomer {
  uint64_t events = 0;
  int64_t last = 0;
};

Phase run_floor(const Stream& s) {
  Phase p;
  p.name = "floor";
  runtime::EventDecoder decoder;
  runtime::Event event;
  std::string reason;
  std::unordered_map<std::string, FloorCustomer> customers;
  uint64_t accepted = 0;
  timed_loop(s, p, [&](size_t i) {
    if (i == SIZE_MAX) return;
    if (decoder.decode(s.line(i), std::nullopt, event, reason) == runtime::Decoded::kEvent) {
      FloorCustomer& c = customers.try_emplace(event.customer).first->second;
      ++c.events;
      c.last = event.time;
      ++accepted;
    }
  });
  p.accepted = accepted;
  p.customers = customers.size();
  return p;
}

// Writes "enable"/"disable" to a perf --control FIFO, so `perf record -D -1 --control fifo:PATH`
// samples the laudd phase only.
class PerfControl {
 public:
  explicit PerfControl(const std::string& path) {
    if (!path.empty()) fd_ = open(path.c_str(), O_WRONLY);
    if (!path.empty() && fd_ < 0) fmt::print(stderr, "bench_e2e: cannot open --perf-ctl {}\n", path);
  }
  ~PerfControl() {
    if (fd_ >= 0) close(fd_);
  }
  void send(const char* cmd) {
    if (fd_ >= 0 && write(fd_, cmd, std::strlen(cmd)) < 0) fmt::print(stderr, "bench_e2e: perf control write failed\n");
  }

 private:
  int fd_ = -1;
};

Phase run_laudd(const Stream& s, const vm::Module& module, const std::string& state_dir, PerfControl& perf) {
  Phase p;
  p.name = state_dir.empty() ? "laudd in memory" : "laudd --state";
  runtime::NullSink dispatches, rejects;
  runtime::EngineOptions options;
  options.clock = runtime::ClockMode::kEvent;
  std::unique_ptr<runtime::StateStore> store;
  {
    auto engine = std::make_unique<runtime::Engine>(module, dispatches, &rejects, options);
    std::string error;
    if (!state_dir.empty()) {
      store = std::make_unique<runtime::StateStore>();
      runtime::Position pos;
      bool fresh = true;
      if (!store->open(state_dir, &error) || !engine->restore(*store, pos, fresh, &error) || !fresh) {
        fmt::print(stderr, "bench_e2e: --state {}: {}\n", state_dir, fresh ? error : "not a fresh store");
        std::exit(1);
      }
    }
    // As laudd does: the store's synced write of a checkpoint runs while the next lines are
    // processed; the last one is waited for.
    auto checkpoint = [&](size_t next_line, bool last) {
      double w = wall_now(), c = cpu_clock(CLOCK_THREAD_CPUTIME_ID);
      runtime::Position pos{s.offsets[next_line], next_line, 0, -1, -1};
      auto fill = [&](const runtime::StatePut& put) {
        engine->collect_state(pos, [&](std::string_view k, std::string_view v) {
          if (!k.empty() && (k[0] == 'c' || k[0] == 't' || k[0] == 'a')) {
            auto& [n, bytes] = k[0] == 'c' ? p.customer_records : k[0] == 't' ? p.traits_records : p.aggregate_records;
            ++n;
            bytes += k.size() + v.size();
          }
          put(k, v);
        });
      };
      if (!(last ? store->write(fill, &error) : store->write_async(fill, &error))) {
        fmt::print(stderr, "bench_e2e: checkpoint: {}\n", error);
        store->wait(nullptr);  // no write running during exit
        std::exit(1);
      }
      ++p.checkpoints;
      p.checkpoint_wall += wall_now() - w;
      p.checkpoint_cpu += cpu_clock(CLOCK_THREAD_CPUTIME_ID) - c;
    };
    uint64_t since = 0;
    perf.send("enable\n");
    timed_loop(s, p, [&](size_t i) {
      if (i == SIZE_MAX) {
        engine->finish();
        if (store) checkpoint(s.lines(), true);
        return;
      }
      engine->process_line(s.line(i), i + 1);
      if (store && ++since == kCheckpointLines) {
        since = 0;
        checkpoint(i + 1, false);
      }
    });
    perf.send("disable\n");
    const runtime::Stats& st = engine->stats();
    p.dispatched = st.dispatched;
    p.sink_lines = dispatches.lines;
    p.accepted = st.accepted;
    p.rejected = st.rejected;
    p.duplicates = st.duplicates;
    p.timers = st.timers_fired;
    p.live = engine->live_instances();
    p.customers = engine->customers();
    if (!store) fmt::print("  where the engine's bytes go (container capacities, malloc overhead not included):\n{}", engine->memory_report().table());
    fmt::print(stderr, "  destroying the engine...\n");
  }
  store.reset();
  if (!state_dir.empty()) {
    std::error_code ec;
    for (auto& e : fs::recursive_directory_iterator(state_dir, ec))
      if (e.is_regular_file(ec)) p.state_disk += e.file_size(ec);
  }
  return p;
}

// The traits of a sample of customers (about 1 in `every`, by a hash of the id), merged exactly as
// the engine merges identify traits (runtime::merge_traits).
struct TraitSample {
  uint64_t customers = 0;
  double heap_bytes = 0;    // Doc::heap_bytes() per sampled customer (the engine's own estimate)
  double malloc_bytes = 0;  // what malloc really holds for them (usable size + chunk header)
};

TraitSample trait_sample(const Stream& s, uint64_t every) {
  runtime::EventDecoder decoder;
  runtime::Event event;
  std::string reason;
  std::unordered_map<std::string, std::unique_ptr<runtime::Doc>> traits;
  std::hash<std::string_view> h;
  t_bytes = 0;
  for (size_t i = 0; i < s.lines(); ++i) {
    if (decoder.decode(s.line(i), std::nullopt, event, reason) != runtime::Decoded::kEvent) continue;
    if (h(event.customer) % every != 0) continue;
    auto& slot = traits[event.customer];
    if (!slot) slot = std::make_unique<runtime::Doc>(runtime::Doc::object());
    if (event.type != runtime::EventType::kIdentify) continue;
    t_track_bytes = true;
    runtime::merge_traits(*slot, event.properties);
    t_track_bytes = false;
  }
  TraitSample r;
  r.customers = traits.size();
  double heap = 0;
  for (auto& [id, d] : traits) heap += double(d->heap_bytes());
  if (r.customers) {
    r.heap_bytes = heap / double(r.customers);
    r.malloc_bytes = double(t_bytes) / double(r.customers);
  }
  return r;
}

const char* verdict(bool ok) { return ok ? "met" : "MISSED"; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "bench_e2e — laudd end to end: a deterministic stream of Segment-spec events through the engine's decoder\n"
      "and a customer map (the floor), then through the Engine over the examples/ module, in memory and\n"
      "optionally with RocksDB checkpoints (--state). Prints times, rates, memory and allocations per event,\n"
      "and the goals of the issue \"laudd performance\"."};
  uint64_t events = 10'000'000, customers = 1'000'000, seed = 1, trait_every = 8;
  double identify_share = 0.3;
  std::string state, examples = std::string(LAUD_SOURCE_DIR) + "/examples", perf_ctl;
  bool no_floor = false, no_memory = false, no_traits = false;
  app.add_option("--events", events, "events (lines) in the stream")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--customers", customers, "distinct customers")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--identify-share", identify_share, "share of identify calls")->capture_default_str();
  app.add_option("--seed", seed, "generator seed")->capture_default_str();
  app.add_option("--state", state,
                 "also run with RocksDB checkpoints every 10,000 lines into a fresh subdirectory of DIR (removed after)");
  app.add_option("--examples", examples, "directory whose *.journey files form the module")->capture_default_str();
  app.add_option("--trait-sample", trait_every, "measure traits on 1 customer in N (0: skip)")->capture_default_str();
  app.add_flag("--no-floor", no_floor, "skip the floor (e.g. under perf)");
  app.add_flag("--no-memory", no_memory, "skip the in-memory laudd run (with --state: only the RocksDB run)");
  app.add_option("--perf-ctl", perf_ctl,
                 "perf --control FIFO: `enable` before and `disable` after each laudd phase "
                 "(perf record -D -1 --control fifo:FIFO ...)");
  CLI11_PARSE(app, argc, argv);
  no_traits = trait_every == 0;
  PerfControl perf(perf_ctl);

  // The module.
  vm::Module module;
  std::string module_bytes, error;
  size_t files = 0;
  if (!build_module(examples, module, module_bytes, files, error)) {
    fmt::print(stderr, "bench_e2e: {}:\n{}\n", examples, error);
    return 1;
  }
  fmt::print("module: {} files from {}: {} journeys, {} segments, {} aggregates ({} bytes)\n", files, examples,
             module.journeys.size(), module.segments.size(), module.aggregates.size(), module_bytes.size());

  // The stream (not timed).
  Stream stream;
  {
    bench::EventGenOptions o = bench::bench_options();
    o.events = events;
    o.customers = customers;
    o.seed = seed;
    o.identify_share = identify_share;
    bench::EventGenerator gen(o);
    stream.reserve(size_t(events) * 320);  // virtual only (MAP_NORESERVE); grown by mremap if short
    stream.offsets.reserve(events + 1);
    std::string line;
    double w0 = wall_now();
    while (gen.next(line)) stream.append(line);
    stream.seal();
    const bench::EventGenStats& st = gen.stats();
    uint64_t identify = st.per_kind[size_t(bench::EventKind::kIdentify)];
    fmt::print("stream: {} events ({} identify = {:.1f}%, {} track), {} customers requested, {}, generated in {:.1f} s "
               "(not timed)\n",
               stream.lines(), identify, 100.0 * double(identify) / double(std::max<uint64_t>(1, stream.lines())),
               stream.lines() - identify - st.per_kind[size_t(bench::EventKind::kBad)], customers, mb(double(stream.bytes())),
               wall_now() - w0);
  }
  trim();
  uint64_t rss_stream = rss_bytes();
  fmt::print("RSS with the stream in memory: {}; allocator: {}\n\n", mb(double(rss_stream)),
             jemalloc_in_use() ? "jemalloc (as laudd)" : "glibc malloc");
  std::fflush(stdout);

  Phase floor, mem, dur;
  auto report = [&](const Phase& p) {
    fmt::print("{}: {} events in {:.2f} s wall, {:.2f} s CPU (main thread {:.2f} s) → {} events/s per core "
               "({} events/s wall)\n",
               p.name, p.events, p.wall, p.cpu_process, p.cpu_thread, rate(p.rate_cpu()), rate(p.rate_wall()));
    fmt::print("  RSS {} before, {} after (+{}), phase peak {}; allocations/event over events 40–60%: {:.3f}\n",
               mb(double(p.rss_before)), mb(double(p.rss_after)), mb(double(p.rss_after) - double(p.rss_before)),
               mb(double(p.peak)), p.allocs_per_event());
    if (p.name != "floor")
      fmt::print("  {} accepted, {} rejected, {} duplicates; {} customers; {} dispatched (sink lines {}), {} timers "
                 "fired, {} instances live at the end\n",
                 p.accepted, p.rejected, p.duplicates, p.customers, p.dispatched, p.sink_lines, p.timers, p.live);
    else
      fmt::print("  {} accepted, {} customers in the map\n", p.accepted, p.customers);
    if (p.checkpoints)
      fmt::print("  {} checkpoints: {:.2f} s wall, {:.2f} s main-thread CPU in checkpoint(); state on disk {}\n",
                 p.checkpoints, p.checkpoint_wall, p.checkpoint_cpu, mb(double(p.state_disk)));
    auto avg = [](std::pair<uint64_t, uint64_t> r) { return r.first ? r.second / r.first : 0; };
    if (p.checkpoints)
      fmt::print("  records written: {} customer records ({} B on average, key included), {} traits records ({} B), "
                 "{} aggregates records ({} B)\n",
                 p.customer_records.first, avg(p.customer_records), p.traits_records.first, avg(p.traits_records),
                 p.aggregate_records.first, avg(p.aggregate_records));
    std::fflush(stdout);
  };

  if (!no_floor) {
    fmt::print(stderr, "floor...\n");
    floor = run_floor(stream);
    report(floor);
    trim();
  }
  if (!no_memory) {
    fmt::print(stderr, "laudd in memory...\n");
    mem = run_laudd(stream, module, "", perf);
    report(mem);
    trim();
  }
  std::string state_run_dir;
  if (!state.empty()) {
    state_run_dir = (fs::path(state) / fmt::format("bench_e2e-{}", getpid())).string();
    std::error_code ec;
    fs::create_directories(state_run_dir, ec);
    if (ec) {
      fmt::print(stderr, "bench_e2e: cannot create {}: {}\n", state_run_dir, ec.message());
      return 1;
    }
    fmt::print(stderr, "laudd --state {}...\n", state_run_dir);
    dur = run_laudd(stream, module, state_run_dir, perf);
    report(dur);
    fs::remove_all(state_run_dir, ec);
    trim();
  }

  TraitSample traits;
  if (!no_traits) {
    fmt::print(stderr, "trait sample...\n");
    traits = trait_sample(stream, trait_every);
    fmt::print("traits (1 customer in {} by id hash, {} customers, merged as the engine merges identify traits): "
               "Doc::heap_bytes {:.0f} B/customer, malloc-held {:.0f} B/customer\n",
               trait_every, traits.customers, traits.heap_bytes, traits.malloc_bytes);
  }

  // ---------------------------------------------------------------- summary
  fmt::print("\nsummary ({} events, {} customers; events/s per core = events / main-thread CPU s)\n", stream.lines(),
             customers);
  fmt::print("{:<16} {:>8} {:>8} {:>8} {:>12} {:>11} {:>9} {:>10} {:>10} {:>12}\n", "phase", "wall s", "CPU s",
             "main s", "events/s", "ev/s wall", "vs floor", "peak RSS", "RSS +", "allocs/ev");
  auto row = [&](const Phase& p) {
    if (!p.ran) return;
    std::string ratio = floor.ran && floor.rate_cpu() > 0 ? fmt::format("{:.3f}", p.rate_cpu() / floor.rate_cpu()) : "-";
    fmt::print("{:<16} {:>8.2f} {:>8.2f} {:>8.2f} {:>12} {:>11} {:>9} {:>10} {:>10} {:>12.3f}\n", p.name, p.wall,
               p.cpu_process, p.cpu_thread, rate(p.rate_cpu()), rate(p.rate_wall()), ratio, mb(double(p.peak)),
               mb(double(p.rss_after) - double(p.rss_before)), p.allocs_per_event());
  };
  row(floor);
  row(mem);
  row(dur);
  fmt::print("process peak RSS (ru_maxrss) {}; the stream itself {}\n", mb(double(maxrss_bytes())),
             mb(double(stream.bytes() + stream.offsets.size() * 8)));

  double per_customer = 0, beyond = 0;
  const Phase& memp = mem.ran ? mem : dur;
  if (memp.ran && memp.customers) {
    per_customer = (double(memp.rss_after) - double(memp.rss_before)) / double(memp.customers);
    double t = no_traits ? 0 : traits.malloc_bytes;
    beyond = per_customer - t;
    fmt::print("memory per customer ({}): {:.0f} B RSS growth / customer; traits {:.0f} B (malloc-held; Doc::heap_bytes "
               "{:.0f} B); beyond traits {:.0f} B\n",
               memp.name, per_customer, t, traits.heap_bytes, beyond);
  }

  fmt::print("\ngoals (issue \"laudd performance\"):\n");
  if (mem.ran) {
    fmt::print("  in memory >= 1,000,000 events/s per core: {} events/s → {}\n", rate(mem.rate_cpu()),
               verdict(mem.rate_cpu() >= 1e6));
    if (floor.ran)
      fmt::print("  in memory >= 0.5 x floor: {:.3f} x (floor {} events/s) → {}\n", mem.rate_cpu() / floor.rate_cpu(),
                 rate(floor.rate_cpu()), verdict(mem.rate_cpu() >= 0.5 * floor.rate_cpu()));
    fmt::print("  in memory 0 allocations per event (events 40–60%): {:.3f} → {}\n", mem.allocs_per_event(),
               verdict(mem.allocs_per_event() == 0));
  }
  if (memp.ran && memp.customers)
    fmt::print("  <= 300 bytes/customer beyond traits: {:.0f} B{} → {}\n", beyond,
               no_traits ? " (traits not measured: --trait-sample 0)" : "", verdict(beyond <= 300));
  if (dur.ran) {
    double cpu_rate = dur.cpu_process > 0 ? double(dur.events) / dur.cpu_process : 0;
    fmt::print("  --state >= 300,000 events/s: {} events/s on process CPU (all threads), {} main thread, {} wall → {} "
               "(CPU), {} (wall)\n",
               rate(cpu_rate), rate(dur.rate_cpu()), rate(dur.rate_wall()), verdict(cpu_rate >= 3e5),
               verdict(dur.rate_wall() >= 3e5));
  }
  return 0;
}
