// decode.h — Event Ingress: one input line (Segment spec, LANGUAGE.md §8, §13) to an Event, an
// ignored type, or a reject with its reason. simdjson does the JSON; this file owns the rules.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/ingress/event.h"

namespace laud::runtime {

enum class Decoded : uint8_t {
  kEvent,    // `event` holds an accepted track or identify
  kBlank,    // an empty or all-whitespace line: skipped, not a reject (§13)
  kIgnored,  // a valid object of another type (page, screen, group, alias...): counted
  kReject,   // `reason` says why
};

class EventDecoder {
 public:
  // `arrival_ms`: the timestamp given to an event without one (`--clock wall`); nullopt rejects
  // such events (`--clock event`).
  Decoded decode(std::string_view line, std::optional<int64_t> arrival_ms, Event& event, std::string& reason);

 private:
  simdjson::dom::parser parser_;
  std::string widened_;  // a line whose 64-bit-overflowing integers were rewritten as floats
};

}  // namespace laud::runtime
