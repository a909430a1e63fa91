// event_index.cc — building the per-event routes from a module's descriptors.
#include "runtime/trigger/event_index.h"

#include <algorithm>

namespace laud::runtime {

EventIndex::EventIndex(const vm::Module& m) : module_(m) {
  auto at = [&](const std::string& name) -> EventRoutes& { return by_event_[name]; };
  uint32_t order = 0;
  for (uint32_t j = 0; j < m.journeys.size(); ++j) {
    const vm::JourneyDesc& jd = m.journeys[j];
    for (uint32_t t = 0; t < jd.triggers.size(); ++t) {
      const vm::TriggerDesc& td = jd.triggers[t];
      switch (td.kind) {
        case vm::TriggerKind::kEvent: {
          at(td.event).entries.push_back({j, t});  // the engine tries each journey at most once per event
          break;
        }
        case vm::TriggerKind::kEnterSegment: {
          enter_.push_back({j, t, td.segment});
          if (std::find(enter_segments_.begin(), enter_segments_.end(), td.segment) == enter_segments_.end())
            enter_segments_.push_back(td.segment);
          break;
        }
        case vm::TriggerKind::kScheduleAt:
        case vm::TriggerKind::kScheduleEvery:
          schedules_.push_back({j, t, order++});
          break;
      }
    }
    for (uint32_t x = 0; x < jd.exit_on.size(); ++x) at(jd.exit_on[x].event).exits.push_back({j, x});
    for (uint32_t g = 0; g < jd.goals.size(); ++g) at(jd.goals[g].event).goals.push_back({j, g});
    if (jd.exit_when_fn != vm::kNone) exit_when_.push_back(j);
  }
  for (uint32_t a = 0; a < m.aggregates.size(); ++a) at(m.aggregates[a].event).aggregates.push_back(a);
  for (const vm::WaitDesc& w : m.waits)
    for (const vm::WaitBranch& b : w.branches) at(b.event).wait_branches = true;

  step_by_pc_.resize(m.journeys.size());
  for (uint32_t j = 0; j < m.journeys.size(); ++j) {
    const vm::Function& body = m.functions[m.journeys[j].body_fn];
    uint32_t current = vm::kNone;
    step_by_pc_[j].reserve(body.code.size());
    for (const vm::Instr& in : body.code) {
      if (in.op == vm::Op::STEP) current = in.bx;
      step_by_pc_[j].push_back(current);
    }
  }
  find_enter_reads();
  for (const vm::CapDesc& c : m.caps) {
    uint32_t& d = cap_depth_[static_cast<size_t>(c.channel)];
    d = std::max<uint32_t>(d, static_cast<uint32_t>(std::min<int64_t>(c.count, 1 << 20)));
  }
}

// For each `on enter` segment: its code and that of every segment it names (AGG, SEGMENT, CUSTOMER).
void EventIndex::find_enter_reads() {
  const vm::Module& m = module_;
  enter_by_aggregate_.assign(m.aggregates.size(), {});
  for (uint32_t k = 0; k < enter_segments_.size(); ++k) {
    std::vector<uint8_t> seen(m.segments.size(), 0), aggs(m.aggregates.size(), 0);
    bool traits = false;
    std::vector<uint32_t> todo{enter_segments_[k]};
    while (!todo.empty()) {
      uint32_t s = todo.back();
      todo.pop_back();
      if (s >= m.segments.size() || seen[s] || m.segments[s].fn >= m.functions.size()) continue;
      seen[s] = 1;
      for (const vm::Instr& in : m.functions[m.segments[s].fn].code) {
        if (in.op == vm::Op::AGG && in.bx < aggs.size()) aggs[in.bx] = 1;
        if (in.op == vm::Op::SEGMENT) todo.push_back(in.bx);
        if (in.op == vm::Op::CUSTOMER) traits = true;
      }
    }
    for (uint32_t a = 0; a < aggs.size(); ++a)
      if (aggs[a]) enter_by_aggregate_[a].push_back(k);
    if (traits) enter_by_traits_.push_back(k);
  }
}

std::string_view EventIndex::step_at(uint32_t journey, uint32_t pc) const {
  if (journey >= step_by_pc_.size()) return {};
  const auto& v = step_by_pc_[journey];
  if (v.empty()) return {};
  uint32_t s = v[std::min<size_t>(pc, v.size() - 1)];
  return s < module_.steps.size() ? std::string_view(module_.steps[s].name) : std::string_view();
}

}  // namespace laud::runtime
