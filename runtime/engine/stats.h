// stats.h — what `--stats FILE` reports (docs/runtime.md): input counts, and per journey and
// step the entries, skips by reason, completions, exits by rule, dispatches per channel,
// suppressions by reason and goal conversions per split variant.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace laud::runtime {

struct StepStats {
  uint64_t dispatched = 0;
  uint64_t suppressed_cap = 0, suppressed_quiet = 0, no_address = 0;
  uint64_t deferred = 0;
  uint64_t waiting = 0;  // filled when reported
};

struct GoalStats {
  std::string event;
  uint64_t conversions = 0;
  std::map<std::string, uint64_t> by_variant;  // "split/variant" → conversions
};

struct JourneyStats {
  std::string name;
  uint64_t entered = 0;
  uint64_t skipped_audience = 0, skipped_reentry = 0, skipped_limit = 0, skipped_key = 0;
  uint64_t completed = 0, exited_step = 0, runaway = 0, errors = 0;
  std::map<std::string, uint64_t> exited_by_rule;  // "on E", "when"
  std::array<uint64_t, 6> dispatched{};            // by vm::Channel
  uint64_t suppressed_cap = 0, suppressed_quiet = 0, no_address = 0, deferred = 0;
  std::vector<GoalStats> goals;                    // by JourneyDesc::goals index
  std::map<std::string, StepStats, std::less<>> steps;
  uint64_t waiting = 0;  // filled when reported
};

struct Stats {
  uint64_t lines = 0, blank = 0, accepted = 0, rejected = 0, ignored = 0, duplicates = 0;
  uint64_t timers_fired = 0, schedules_fired = 0, dispatched = 0, suppressed = 0;
  std::vector<JourneyStats> journeys;  // by engine journey id: the current module's, then older versions' own
};

}  // namespace laud::runtime
