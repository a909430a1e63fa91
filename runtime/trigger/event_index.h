// event_index.h — Workflow Trigger: what an event name can do in a module, computed once at
// load: the journeys it can start (`on E`), the exit rules and goals it can meet, the aggregates
// it feeds, and whether any `wait up to` branch listens for it; plus the `on enter` segments and
// the schedules. The engine looks up one entry per event instead of scanning every journey.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vm/module.h"

namespace laud::runtime {

struct JourneyRef {
  uint32_t journey;
  uint32_t item;  // index into the journey's triggers / exit_on / goals
};

struct EventRoutes {
  std::vector<JourneyRef> entries;  // `on E`, in declaration order
  std::vector<JourneyRef> exits;    // `exit on E`
  std::vector<JourneyRef> goals;    // `goal E`
  std::vector<uint32_t> aggregates;
  bool wait_branches = false;       // some `wait up to` has `on E`
};

struct EnterRoute {  // `on enter SEGMENT`
  uint32_t journey;
  uint32_t trigger;
  uint32_t segment;
};

struct ScheduleRef {
  uint32_t journey;
  uint32_t trigger;
  uint32_t order;  // declaration order among all schedules (ties at one instant)
};

class EventIndex {
 public:
  explicit EventIndex(const vm::Module& m);

  const EventRoutes* routes(std::string_view event) const {
    auto it = by_event_.find(event);
    return it == by_event_.end() ? nullptr : &it->second;
  }
  const std::vector<EnterRoute>& enter_routes() const { return enter_; }  // declaration order
  const std::vector<uint32_t>& enter_segments() const { return enter_segments_; }  // distinct
  // Which `on enter` segments (positions in enter_segments()) read an aggregate (by index) or the
  // profile, through `customer in S` too. Nothing else can change their answer during one event
  // (the clock stands still), so only these can flip when that aggregate or the profile changes.
  const std::vector<uint32_t>& enter_readers_of_aggregate(uint32_t a) const {
    return a < enter_by_aggregate_.size() ? enter_by_aggregate_[a] : no_readers_;
  }
  const std::vector<uint32_t>& enter_readers_of_traits() const { return enter_by_traits_; }
  const std::vector<ScheduleRef>& schedules() const { return schedules_; }
  const std::vector<uint32_t>& exit_when_journeys() const { return exit_when_; }
  // The step a body's pc belongs to: the name of the last STEP at or before pc ("" if none).
  std::string_view step_at(uint32_t journey, uint32_t pc) const;
  // The largest cap count per channel (how many send times a customer must remember).
  uint32_t cap_depth(vm::Channel c) const { return cap_depth_[static_cast<size_t>(c)]; }

 private:
  void find_enter_reads();
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  const vm::Module& module_;
  std::unordered_map<std::string, EventRoutes, NameHash, std::equal_to<>> by_event_;
  std::vector<EnterRoute> enter_;
  std::vector<uint32_t> enter_segments_;
  std::vector<std::vector<uint32_t>> enter_by_aggregate_;
  std::vector<uint32_t> enter_by_traits_;
  std::vector<uint32_t> no_readers_;
  std::vector<ScheduleRef> schedules_;
  std::vector<uint32_t> exit_when_;
  std::vector<std::vector<uint32_t>> step_by_pc_;  // per journey: module.steps index or kNone
  uint32_t cap_depth_[6] = {};
};

}  // namespace laud::runtime
