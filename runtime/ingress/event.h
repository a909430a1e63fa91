// event.h — one accepted input event (LANGUAGE.md §8) as the engine sees it: the customer it
// belongs to, its name (`$identify` for identify calls), time, messageId and properties (traits
// for identify). Also what a journey instance keeps of its trigger, and the `$sent` events.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/common/doc.h"

namespace laud::runtime {

enum class EventType : uint8_t { kTrack, kIdentify };

struct Event {
  EventType type = EventType::kTrack;
  std::string customer;    // userId, or anonymousId; an integer id as its decimal text
  std::string name;        // track: `event`; identify: `$identify`
  int64_t time = 0;        // ms since the epoch, UTC
  bool has_message_id = false;
  std::string message_id;  // `$id`
  Doc properties = Doc::object();  // track: properties; identify: traits
};

}  // namespace laud::runtime
