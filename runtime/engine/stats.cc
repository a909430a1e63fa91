// stats.cc — the `--stats` report as deterministic JSON (journeys in declaration order, maps sorted).
#include <fmt/format.h>

#include "runtime/engine/engine.h"
#include "vm/text_form.h"

namespace laud::runtime {

namespace {

void key(std::string& out, int indent, std::string_view k) {
  out.append(static_cast<size_t>(indent), ' ');
  vm::append_json_string(out, k);
  out += ": ";
}

void number(std::string& out, int indent, std::string_view k, uint64_t v, bool last = false) {
  key(out, indent, k);
  fmt::format_to(std::back_inserter(out), "{}{}\n", v, last ? "" : ",");
}

template <typename Map>
void flat_map(std::string& out, int indent, std::string_view k, const Map& m, bool last = false) {
  key(out, indent, k);
  out += '{';
  bool first = true;
  for (const auto& [name, v] : m) {
    if (!first) out += ", ";
    first = false;
    vm::append_json_string(out, name);
    fmt::format_to(std::back_inserter(out), ": {}", v);
  }
  out += last ? "}\n" : "},\n";
}

}  // namespace

std::string Engine::stats_json() const {
  // Waiting instances per journey and step (the step of the wait they are suspended at).
  std::vector<JourneyStats> js = stats_.journeys;
  for (const Customer* c : by_order_) {
    for (const auto& inst : c->instances) {
      JourneyStats& s = js[inst->jid];
      ++s.waiting;
      uint32_t pc = inst->vm.pc > 0 ? inst->vm.pc - 1 : 0;
      std::string_view step = inst->version->index->step_at(inst->journey, pc);
      ++s.steps.try_emplace(std::string(step)).first->second.waiting;
    }
  }

  std::string out = "{\n";
  key(out, 2, "input");
  out += "{\n";
  number(out, 4, "lines", stats_.lines);
  number(out, 4, "accepted", stats_.accepted);
  number(out, 4, "duplicates", stats_.duplicates);
  number(out, 4, "rejected", stats_.rejected);
  number(out, 4, "ignored", stats_.ignored);
  number(out, 4, "blank", stats_.blank, true);
  out += "  },\n";
  number(out, 2, "customers", customers_.size());
  number(out, 2, "timers_fired", stats_.timers_fired);
  number(out, 2, "schedules_fired", stats_.schedules_fired);
  number(out, 2, "dispatched", stats_.dispatched);
  number(out, 2, "suppressed", stats_.suppressed);
  key(out, 2, "journeys");
  out += "{\n";
  for (size_t j = 0; j < js.size(); ++j) {
    const JourneyStats& s = js[j];
    key(out, 4, s.name);
    out += "{\n";
    number(out, 6, "entered", s.entered);
    flat_map(out, 6, "skipped",
             std::vector<std::pair<std::string, uint64_t>>{{"audience", s.skipped_audience},
                                                           {"reentry", s.skipped_reentry},
                                                           {"limit", s.skipped_limit},
                                                           {"key", s.skipped_key}});
    number(out, 6, "waiting", s.waiting);
    number(out, 6, "completed", s.completed);
    std::map<std::string, uint64_t> exited = s.exited_by_rule;
    if (s.exited_step) exited["exit"] = s.exited_step;
    flat_map(out, 6, "exited", exited);
    number(out, 6, "runaway", s.runaway);
    number(out, 6, "errors", s.errors);
    std::vector<std::pair<std::string, uint64_t>> by_channel;
    for (uint8_t ch = 0; ch < 6; ++ch)
      if (s.dispatched[ch]) by_channel.emplace_back(vm::channel_name(static_cast<vm::Channel>(ch)), s.dispatched[ch]);
    flat_map(out, 6, "dispatched", by_channel);
    flat_map(out, 6, "suppressed",
             std::vector<std::pair<std::string, uint64_t>>{
                 {"cap", s.suppressed_cap}, {"quiet", s.suppressed_quiet}, {"no_address", s.no_address}});
    number(out, 6, "deferred", s.deferred);
    key(out, 6, "goals");
    out += "[";
    for (size_t g = 0; g < s.goals.size(); ++g) {
      out += g ? ",\n        " : "\n        ";
      out += "{\"event\": ";
      vm::append_json_string(out, s.goals[g].event);
      fmt::format_to(std::back_inserter(out), ", \"conversions\": {}, \"by_variant\": {{", s.goals[g].conversions);
      bool first = true;
      for (const auto& [v, n] : s.goals[g].by_variant) {
        if (!first) out += ", ";
        first = false;
        vm::append_json_string(out, v);
        fmt::format_to(std::back_inserter(out), ": {}", n);
      }
      out += "}}";
    }
    out += s.goals.empty() ? "],\n" : "\n      ],\n";
    key(out, 6, "steps");
    out += "{";
    bool first_step = true;
    for (const auto& [name, st] : s.steps) {
      out += first_step ? "\n" : ",\n";
      first_step = false;
      key(out, 8, name);
      fmt::format_to(std::back_inserter(out),
                     "{{\"dispatched\": {}, \"deferred\": {}, \"suppressed\": {{\"cap\": {}, \"quiet\": {}, "
                     "\"no_address\": {}}}, \"waiting\": {}}}",
                     st.dispatched, st.deferred, st.suppressed_cap, st.suppressed_quiet, st.no_address, st.waiting);
    }
    out += first_step ? "}\n" : "\n      }\n";
    out += j + 1 < js.size() ? "    },\n" : "    }\n";
  }
  out += "  }\n}\n";
  return out;
}

std::string Engine::stats_table() const {
  std::vector<uint64_t> waiting(stats_.journeys.size(), 0);
  for (const Customer* c : by_order_)
    for (const auto& inst : c->instances) ++waiting[inst->jid];
  std::string out = fmt::format("{:<24} {:>8} {:>8} {:>8} {:>9} {:>7} {:>10} {:>10} {:>6}\n", "journey", "entered",
                                "skipped", "waiting", "completed", "exited", "dispatched", "suppressed", "goals");
  for (size_t j = 0; j < stats_.journeys.size(); ++j) {
    const JourneyStats& s = stats_.journeys[j];
    uint64_t exited = s.exited_step;
    for (const auto& [rule, n] : s.exited_by_rule) exited += n;
    uint64_t dispatched = 0, goals = 0;
    for (uint64_t n : s.dispatched) dispatched += n;
    for (const GoalStats& g : s.goals) goals += g.conversions;
    fmt::format_to(std::back_inserter(out), "{:<24} {:>8} {:>8} {:>8} {:>9} {:>7} {:>10} {:>10} {:>6}\n",
                   s.name, s.entered,
                   s.skipped_audience + s.skipped_reentry + s.skipped_limit + s.skipped_key, waiting[j], s.completed,
                   exited, dispatched, s.suppressed_cap + s.suppressed_quiet + s.no_address, goals);
  }
  return out;
}

}  // namespace laud::runtime
