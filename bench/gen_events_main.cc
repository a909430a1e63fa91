// gen_events_main.cc — laud_gen_events: writes a deterministic stream of Segment-spec events
// (JSON Lines) for the example journeys or for benchmarks. See bench/event_gen.h and
// bench/README.md ("Event streams") for the exact command behind examples/events.jsonl.
#include <chrono>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bench/event_gen.h"
#include "vm/time_text.h"

int main(int argc, char** argv) {
  using laud::bench::EventGenOptions;
  CLI::App app{
      "laud_gen_events — deterministic Segment-spec events (identify + track) for laud's example journeys.\n"
      "Without --events/--customers it writes the small example stream (preset `example`); with either it\n"
      "starts from the benchmark preset (1,000,000 customers, 10,000,000 events, no late, duplicate or bad\n"
      "lines). Same options, same bytes, on every machine."};
  std::string preset, out = "-", start_text, span_text;
  uint64_t customers = 0, events = 0, seed = 1;
  double identify_share = -1, late_share = -1, duplicate_share = -1, bad_share = -1;
  bool stats = false;
  app.add_option("--preset", preset, "example (150 customers, 3,000 events, 1% late, 0.5% duplicates, "
                                     "0.4% bad lines) or bench (defaults as above)")
      ->check(CLI::IsMember({"example", "bench"}));
  auto* c_opt = app.add_option("--customers", customers, "distinct customers")->check(CLI::PositiveNumber);
  auto* e_opt = app.add_option("--events", events, "lines to write (bad lines included)");
  app.add_option("--seed", seed, "seed (default 1)");
  app.add_option("--identify-share", identify_share, "share of identify calls (default 0.3)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--late-share", late_share, "share of lines emitted 30 s–60 min after their timestamp")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--duplicate-share", duplicate_share, "share of lines repeated with the same messageId")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--bad-share", bad_share, "share of rejected/ignored/blank lines")->check(CLI::Range(0.0, 1.0));
  app.add_option("--start", start_text, "first timestamp, RFC 3339 (default 2026-12-01T00:00:00Z)");
  app.add_option("--span", span_text, "how much time the stream covers, a duration like 42d or 6h (default 42d)");
  app.add_option("-o,--out", out, "output file, - for stdout (default -)");
  app.add_flag("--stats", stats, "print the mix (lines per event name) and the rate to stderr");
  CLI11_PARSE(app, argc, argv);

  if (preset.empty()) preset = (c_opt->count() || e_opt->count()) ? "bench" : "example";
  EventGenOptions o = preset == "bench" ? laud::bench::bench_options() : laud::bench::example_options();
  if (c_opt->count()) o.customers = customers;
  if (e_opt->count()) o.events = events;
  o.seed = seed;
  if (identify_share >= 0) o.identify_share = identify_share;
  if (late_share >= 0) o.late_share = late_share;
  if (duplicate_share >= 0) o.duplicate_share = duplicate_share;
  if (bad_share >= 0) o.bad_share = bad_share;
  if (!start_text.empty()) {
    auto t = laud::vm::parse_rfc3339(start_text);
    if (!t) {
      fmt::print(stderr, "laud_gen_events: --start: not an RFC 3339 time: {}\n", start_text);
      return 2;
    }
    o.start_ms = *t;
  }
  if (!span_text.empty()) {
    auto d = laud::vm::parse_duration_literal(span_text);
    if (!d || *d <= 0) {
      fmt::print(stderr, "laud_gen_events: --span: not a positive duration (like 42d, 6h): {}\n", span_text);
      return 2;
    }
    o.span_ms = *d;
  }

  std::FILE* f = out == "-" ? stdout : std::fopen(out.c_str(), "wb");
  if (!f) {
    fmt::print(stderr, "laud_gen_events: cannot write {}\n", out);
    return 1;
  }
  auto t0 = std::chrono::steady_clock::now();
  laud::bench::EventGenerator gen(o);
  std::string line, chunk;
  chunk.reserve(1 << 20);
  uint64_t bytes = 0;
  while (gen.next(line)) {
    chunk.append(line);
    chunk.push_back('\n');
    if (chunk.size() >= (1 << 20) - 4096) {
      bytes += chunk.size();
      std::fwrite(chunk.data(), 1, chunk.size(), f);
      chunk.clear();
    }
  }
  bytes += chunk.size();
  std::fwrite(chunk.data(), 1, chunk.size(), f);
  bool ok = std::fflush(f) == 0 && !std::ferror(f);
  if (f != stdout) ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    fmt::print(stderr, "laud_gen_events: write error on {}\n", out);
    return 1;
  }
  if (stats) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto& s = gen.stats();
    fmt::print(stderr, "{} lines, {:.1f} MB in {:.2f} s: {:.0f} lines/s; late {}, duplicates {}\n", s.lines,
               double(bytes) / 1e6, secs, double(s.lines) / secs, s.late, s.duplicates);
    for (size_t k = 0; k < size_t(laud::bench::EventKind::kCount); ++k)
      fmt::print(stderr, "  {:>8}  {}\n", s.per_kind[k], laud::bench::event_kind_name(laud::bench::EventKind(k)));
  }
  return 0;
}
