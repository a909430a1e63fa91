// laudd_main.cc — the daemon's command line (LANGUAGE.md §12):
//   laudd run --module MODULE --events FILE|- [--out FILE|-] [--clock event|wall] [--until TIME]
//             [--state DIR] [--rejects FILE] [--stats FILE]
// Exit 0 after the input is consumed (rejects included), 1 when the module or a file cannot be
// used, 2 for usage errors.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "runtime/config/config.h"
#include "runtime/dispatch/rabbitmq_sink.h"
#include "runtime/dispatch/sink.h"
#include "runtime/engine/engine.h"
#include "runtime/ingress/line_reader.h"
#include "runtime/journeys/catalog.h"
#include "runtime/kafka/daemon.h"
#include "runtime/state/store.h"
#include "vm/module_format.h"
#include "vm/time_text.h"

namespace {

using namespace laud;

// Lines between two checkpoints of a --state run (each one fsyncs the outputs and the store; the
// store's synced write of one runs while the next lines are processed).
constexpr uint64_t kCheckpointLines = 10'000;

struct RunArgs {
  std::string module, events, out = "-", clock = "event", until, state, rejects, stats, config;
  bool summary = false;
};

int fail(const std::string& message) {
  fmt::print(stderr, "laudd: error: {}\n", message);
  return 1;
}

volatile std::sig_atomic_t g_stop = 0;

// laudd run --config FILE (docs/kafka.md): Kafka in, Kafka out, exactly-once, state in the changelog.
int run_kafka(const RunArgs& a) {
  runtime::RunConfig cfg;
  std::string error;
  if (!runtime::load_config(a.config, cfg, &error)) {
    fmt::print(stderr, "laudd: error: {}\n", error);
    return 2;
  }
  runtime::JourneyCatalog catalog;
  if (!catalog.load_file(cfg.module, &error)) return fail(error);
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  // [output] sink = "rabbitmq": dispatches go to RabbitMQ (rejects and state stay on Kafka).
  std::unique_ptr<runtime::RabbitDispatchSink> rabbit;
  if (cfg.sink == "rabbitmq") {
    rabbit = std::make_unique<runtime::RabbitDispatchSink>(cfg.rabbitmq);
    if (!rabbit->open(&error)) return fail(error);
  }
  return runtime::run_kafka_daemon(cfg, catalog, a.summary, rabbit.get(), &g_stop);
}

int run(const RunArgs& a) {
  if (!a.config.empty()) return run_kafka(a);
  runtime::JourneyCatalog catalog;
  std::string error;
  if (!catalog.load_file(a.module, &error)) return fail(error);
  const vm::Module& module = catalog.module();

  runtime::EngineOptions options;
  options.module_bytes = catalog.bytes();
  options.clock = a.clock == "wall" ? runtime::ClockMode::kWall : runtime::ClockMode::kEvent;
  if (!a.until.empty()) {
    options.until = vm::parse_rfc3339(a.until);
    if (!options.until) {
      fmt::print(stderr, "laudd: error: --until: `{}` is not an RFC 3339 time\n", a.until);
      return 2;
    }
  }

  runtime::FileSink out;
  std::unique_ptr<runtime::FileSink> rejects;
  if (!a.rejects.empty()) rejects = std::make_unique<runtime::FileSink>();
  runtime::Engine engine(module, out, rejects.get(), options);

  // --state: resume from the last checkpoint; outputs are cut back to what it had written.
  std::unique_ptr<runtime::StateStore> store;
  runtime::Position pos;
  bool fresh = true;
  if (!a.state.empty()) {
    store = std::make_unique<runtime::StateStore>();
    if (!store->open(a.state, &error)) return fail(error);
    if (!engine.restore(*store, pos, fresh, &error)) return fail(a.state + ": " + error);
    if (!fresh && (a.out == "-" || (rejects && a.rejects == "-")))
      fmt::print(stderr, "laudd: warning: resuming with output on stdout: records since the last checkpoint "
                         "may repeat (use --out FILE for exactly-once output)\n");
  }
  if (!out.open(a.out, fresh ? -1 : pos.out, &error)) return fail(error);
  if (rejects && !rejects->open(a.rejects, fresh ? -1 : pos.rejects, &error)) return fail(error);
  runtime::LineReader reader;
  if (!reader.open(a.events, &error)) return fail(error);
  // Input processed so far (the position of a checkpoint) and the hash of those bytes.
  uint64_t consumed = 0, consumed_lines = 0, consumed_hash = vm::kFnvOffsetBasis;
  auto consume = [&](std::string_view line) {
    consumed_hash = vm::fnv1a64("\n", vm::fnv1a64(line, consumed_hash));
    consumed = reader.offset();
    consumed_lines = reader.line_number();
  };
  if (!fresh) {
    // Skip what the state has consumed, checking that it is the same input.
    std::string_view skipped;
    while (consumed < pos.input_offset && reader.next(skipped)) consume(skipped);
    if (consumed < pos.input_offset)
      return fail(a.events + ": shorter than the input the state in " + a.state + " has consumed");
    if (consumed != pos.input_offset || consumed_lines != pos.input_line || consumed_hash != pos.input_hash)
      return fail(fmt::format("{}: its first {} lines differ from the input the state in {} has consumed", a.events,
                              consumed_lines, a.state));
  }

  // `background`: the store's write goes on while the next lines are processed. A crash before it
  // ends leaves the checkpoint before, whose output positions the restart cuts the outputs back to.
  auto checkpoint = [&](bool background = false) -> bool {
    if (!out.flush() || (rejects && !rejects->flush())) return false;
    if (!store) return true;
    runtime::Position p{consumed, consumed_lines, consumed_hash, out.position(), rejects ? rejects->position() : -1};
    return engine.checkpoint(*store, p, &error, background);
  };
  // While the input is idle (a pipe that has nothing yet): outputs and state are made durable, so
  // what was processed is visible downstream; with --clock wall, due timers fire meanwhile.
  bool idle_failed = false;
  uint64_t idle_seen = ~uint64_t{0};
  reader.on_idle([&]() -> int {
    if (engine.timers_due()) engine.tick();
    const runtime::Stats& s = engine.stats();
    uint64_t seen = s.lines + s.timers_fired + s.schedules_fired;
    if (seen != idle_seen && !idle_failed) {
      idle_seen = seen;
      if (!checkpoint()) idle_failed = true;
    }
    int64_t next = engine.wall_ms_to_next_timer();
    return next < 0 ? -1 : static_cast<int>(std::min<int64_t>(next + 1, 1000));
  });
  std::string_view line;
  uint64_t since_checkpoint = 0;
  while (reader.next(line)) {
    if (idle_failed) return fail("checkpoint: " + error);
    if (store && !reader.terminated()) {
      // With --state the input may still be growing: a last line without its newline is left for
      // the next run (which reads it whole) instead of being consumed half-written.
      fmt::print(stderr, "laudd: warning: {}: line {} has no newline yet; left for the next run\n", a.events,
                 reader.line_number());
      break;
    }
    engine.process_line(line, reader.line_number());
    consume(line);
    if (store && ++since_checkpoint == kCheckpointLines) {
      since_checkpoint = 0;
      if (!checkpoint(true)) return fail("checkpoint: " + error);
    }
  }
  if (idle_failed) return fail("checkpoint: " + error);
  if (reader.failed()) return fail(a.events + ": read error");
  engine.finish();
  if (!checkpoint()) return fail("checkpoint: " + error);

  if (!a.stats.empty()) {
    std::string json = engine.stats_json();
    if (a.stats == "-") {
      fmt::print(stderr, "{}", json);
    } else {
      std::ofstream f(a.stats, std::ios::binary | std::ios::trunc);
      f << json;
      if (!f) return fail(a.stats + ": cannot write");
    }
  }
  if (a.summary) fmt::print(stderr, "{}", engine.stats_table());
  const runtime::Stats& s = engine.stats();
  fmt::print(stderr,
             "laudd: {} lines: {} events accepted ({} duplicates), {} rejected, {} ignored; {} dispatched, "
             "{} suppressed; {} customers, {} instances waiting\n",
             s.lines, s.accepted, s.duplicates, s.rejected, s.ignored, s.dispatched, s.suppressed,
             engine.customers(), engine.live_instances());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"laudd — the laud journey runtime"};
  app.require_subcommand(1);
  RunArgs a;
  CLI::App* run_cmd = app.add_subcommand("run", "consume events, run journeys, write dispatch records");
  run_cmd->add_option("--module", a.module, "compiled module (.ljb) from `laudc compile`");
  run_cmd->add_option("--events", a.events, "JSON Lines input file, or - for stdin");
  run_cmd->add_option("--out", a.out, "dispatch records (JSON Lines), - for stdout")->capture_default_str();
  run_cmd->add_option("--clock", a.clock, "event: time from event timestamps; wall: real time")
      ->check(CLI::IsMember({"event", "wall"}))
      ->capture_default_str();
  run_cmd->add_option("--until", a.until, "at end of input, advance the clock to TIME and fire due timers");
  run_cmd->add_option("--state", a.state, "RocksDB directory for durable state");
  run_cmd->add_option("--rejects", a.rejects, "rejected input lines with reasons (JSON Lines)");
  run_cmd->add_option("--stats", a.stats, "write the stats report (JSON) here; - for stderr");
  run_cmd->add_flag("--summary", a.summary, "print a table per journey on stderr at the end");
  run_cmd->add_option("--config", a.config, "TOML configuration (Kafka in, Kafka/RabbitMQ out)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (!a.config.empty() && (!a.module.empty() || !a.events.empty() || !a.state.empty() || !a.rejects.empty() ||
                            a.out != "-" || !a.until.empty() || !a.stats.empty())) {
    fmt::print(stderr, "laudd: error: --config takes everything from the file (only --summary may be added)\n");
    return 2;
  }
  if (a.config.empty() && (a.module.empty() || a.events.empty())) {
    fmt::print(stderr, "laudd: error: run needs --module and --events (or --config)\n");
    return 2;
  }
  return run(a);
}
