// memory.cc — Engine::memory_report(): what the engine holds per customer beyond its traits, by
// part, counted from the containers' capacities (malloc's own overhead not included). Used by
// bench_e2e to say where the bytes per customer go.
#include <fmt/format.h>

#include "runtime/engine/engine.h"

namespace laud::runtime {

namespace {

size_t event_root_bytes(const EventRoot& e) {
  return sizeof(EventRoot) + (e.name.capacity() > 15 ? e.name.capacity() : 0) +
         (e.id.capacity() > 15 ? e.id.capacity() : 0) + e.props.heap_bytes();
}

// An instance without its kept trigger (reported apart).
size_t instance_bytes(const Instance& i) {
  return sizeof(Instance) + i.vm.locals.capacity() * sizeof(vm::Value) + i.vm.send_counts.capacity() * 4 +
         i.vm.pending_with.capacity() * sizeof(vm::Value) + i.vm.frozen_bytes() + i.key.heap_bytes();
}

}  // namespace

MemoryReport Engine::memory_report() const {
  MemoryReport r;
  r.customers = by_order_.size();
  r.add("customer records", sizeof(Customer) * r.customers + (by_order_.capacity() + 2 * customers_.size()) * sizeof(void*) * 2);
  for (const Customer* c : by_order_) {
    r.add("traits", c->traits.heap_bytes(), true);
    r.add("customer id", c->id.capacity() > 15 ? c->id.capacity() : 0);
    r.add("messageId window", c->dedup.hashes().capacity() * sizeof(uint64_t));
    size_t agg = c->aggregates.capacity() * sizeof(void*);
    for (const auto& a : c->aggregates)
      if (a) agg += sizeof(AggState) + a->heap_bytes();
    r.add("aggregates", agg);
    size_t inst = c->instances.capacity() * sizeof(void*);
    size_t trig = 0;
    for (const auto& i : c->instances) {
      inst += instance_bytes(*i);
      if (i->trigger) trig += event_root_bytes(*i->trigger);
    }
    r.add("instances", inst);
    size_t goals = c->goals.capacity() * sizeof(GoalWindow);
    for (const GoalWindow& g : c->goals) {
      goals += g.converted.capacity() + g.arms.capacity() * 8;
      if (g.trigger) trig += event_root_bytes(*g.trigger);
    }
    r.add("goal windows", goals);
    r.add("kept triggers", trig);
    size_t entries = c->entries.capacity() * sizeof(EntryRecord);
    for (const EntryRecord& e : c->entries) entries += e.key.heap_bytes();
    r.add("entry records", entries);
    r.add("recent sends", c->sent.capacity() * sizeof(SentTime));
  }
  r.add("timers", timers_.size() * sizeof(Timer) + timer_slots_.capacity() * sizeof(TimerSlot));
  size_t spares = spare_instances_.capacity() * sizeof(void*);  // ended instances kept for reuse
  for (const auto& i : spare_instances_)
    spares += instance_bytes(*i) + (i->trigger ? event_root_bytes(*i->trigger) : 0);
  r.add("spare instances", spares);
  return r;
}

void MemoryReport::add(std::string_view part, size_t bytes, bool is_traits) {
  for (Part& p : parts)
    if (p.name == part) {
      p.bytes += bytes;
      return;
    }
  parts.push_back({std::string(part), bytes, is_traits});
}

std::string MemoryReport::table() const {
  std::string out;
  double n = customers ? double(customers) : 1.0;
  size_t beyond = 0;
  for (const Part& p : parts) {
    out += fmt::format("  {:<18} {:>10.0f} B/customer{}\n", p.name, double(p.bytes) / n, p.traits ? " (traits)" : "");
    if (!p.traits) beyond += p.bytes;
  }
  out += fmt::format("  {:<18} {:>10.0f} B/customer\n", "beyond traits", double(beyond) / n);
  return out;
}

}  // namespace laud::runtime
