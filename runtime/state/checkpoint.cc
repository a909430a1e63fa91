// checkpoint.cc — Engine::checkpoint and Engine::restore: the engine record (`g`) and the
// customers changed since the last checkpoint (`c` + id, and `t` + id for their traits and `a` +
// id for their aggregates when those changed) in one atomic write; on restart every
// customer is read back, by_order_ rebuilt and each waiting instance's timer set again. Module
// versions: the record lists the versions that still have live instances; each is read back from
// its `m` + hash key, so those instances finish on the module they started with.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "runtime/engine/engine.h"
#include "runtime/state/codec.h"
#include "runtime/state/state_source.h"
#include "runtime/state/store.h"
#include "vm/module_format.h"

namespace laud::runtime {

namespace {
constexpr std::string_view kEngineKey = "g";
constexpr std::string_view kCustomerPrefix = "c";
constexpr std::string_view kTraitsPrefix = "t";  // a customer's traits, apart from the rest
constexpr std::string_view kAggregatesPrefix = "a";  // and its aggregates
std::string module_key(uint64_t hash) { return fmt::format("m{:016x}", hash); }

// A schedule as persisted: which journey and trigger, and its definition (a changed definition
// starts afresh).
void put_schedule(std::string& g, const vm::JourneyDesc& j, uint32_t trigger) {
  const vm::TriggerDesc& t = j.triggers[trigger];
  vm::put_bytes(g, j.name);
  vm::put_varint(g, trigger);
  g += static_cast<char>(t.kind);
  vm::put_zigzag(g, t.at_ms);
  vm::put_zigzag(g, t.every_ms);
}
}  // namespace

bool Engine::checkpoint(StateStore& store, const Position& pos, std::string* error, bool background) {
  auto fill = [&](const StatePut& put) { collect_state(pos, put); };
  return background ? store.write_async(fill, error) : store.write(fill, error);
}

void Engine::collect_state(const Position& pos, StatePuts& puts) {
  puts.reserve(puts.size() + dirty_.size() + 2);
  collect_state(pos, [&](std::string_view k, std::string_view v) { puts.emplace_back(k, v); });
}

// Encodes the customers dirty_[from, to) through `put` and clears their dirty flags.
void Engine::put_customers(size_t from, size_t to, const StatePut& put) {
  CodecContext cx;
  cx.journey_name = [&](uint32_t id) -> std::string_view { return stats_.journeys[id].name; };
  cx.slot_signature = [&](uint32_t slot) { return slots_[slot].signature; };

  // One key and one value buffer for all records: thousands per checkpoint, no allocation each.
  std::string key, value;
  auto put_keyed = [&](std::string_view prefix, std::string_view id) {
    key.assign(prefix);
    key += id;
    put(key, value);
  };
  // Step j loads customer j − 3·stage at each stage and encodes customer j − 15: every customer,
  // the first ones too, goes through the five stages before it is encoded.
  constexpr size_t kSpacing = 3, kStages = 5, kLead = kSpacing * kStages;
  const size_t n = to - from;
  Customer* const* cs = dirty_.data() + from;
  for (size_t j = 0; j < n + kLead; ++j) {
    for (size_t stage = 0; stage < kStages; ++stage)
      if (j >= kSpacing * stage && j - kSpacing * stage < n)
        prefetch_for_checkpoint(*cs[j - kSpacing * stage], static_cast<int>(stage));
    if (j < kLead) continue;
    Customer* c = cs[j - kLead];
    value.clear();
    encode_customer_to(value, *c, cx);
    put_keyed(kCustomerPrefix, c->id);
    if (c->traits_dirty) {
      value.clear();
      encode_traits_to(value, c->traits);
      put_keyed(kTraitsPrefix, c->id);
    }
    if (c->aggregates_dirty) {
      value.clear();
      encode_aggregates_to(value, *c, cx);
      put_keyed(kAggregatesPrefix, c->id);
    }
    c->dirty = false;
    c->traits_dirty = false;
    c->aggregates_dirty = false;
  }
}

size_t Engine::collect_some_state(size_t max, const StatePut& put) {
  size_t k = std::min(max, dirty_.size() - dirty_from_);
  put_customers(dirty_from_, dirty_from_ + k, put);
  dirty_from_ += k;
  return k;
}

void Engine::collect_state(const Position& pos, const StatePut& put) {
  put_customers(dirty_from_, dirty_.size(), put);
  dirty_.clear();
  dirty_from_ = 0;
  if (!module_saved_ && !options_.module_bytes.empty()) {
    put(module_key(module_.content_hash), options_.module_bytes);
    module_saved_ = true;
  }

  std::string g;
  g += static_cast<char>(kStateFormat);
  vm::put_u64(g, module_.content_hash);
  size_t older = 0;
  for (size_t v = 1; v < versions_.size(); ++v) older += versions_[v]->live > 0;
  vm::put_varint(g, older);
  for (size_t v = 1; v < versions_.size(); ++v)
    if (versions_[v]->live > 0) vm::put_u64(g, versions_[v]->hash());
  vm::put_zigzag(g, clock_);
  vm::put_zigzag(g, now_);
  vm::put_varint(g, instance_seq_);
  vm::put_varint(g, pos.input_offset);
  vm::put_varint(g, pos.input_line);
  vm::put_u64(g, pos.input_hash);
  vm::put_zigzag(g, pos.out);
  vm::put_zigzag(g, pos.rejects);
  vm::put_varint(g, limit_windows_.size());
  for (size_t j = 0; j < limit_windows_.size(); ++j) {
    vm::put_bytes(g, stats_.journeys[j].name);
    vm::put_varint(g, limit_windows_[j].size());
    for (int64_t t : limit_windows_[j]) vm::put_zigzag(g, t);
  }
  vm::put_varint(g, schedule_next_.size());
  for (size_t s = 0; s < schedule_next_.size(); ++s) {
    const ScheduleRef& ref = index_.schedules()[s];
    put_schedule(g, module_.journeys[ref.journey], ref.trigger);
    vm::put_zigzag(g, schedule_next_[s]);
  }
  encode_stats(g, stats_);
  put(kEngineKey, g);
}

bool Engine::restore(StateStore& store, Position& pos, bool& fresh, std::string* error) {
  StateSource src;
  src.get = [&](std::string_view key, std::string& value, std::string* e) { return store.get(key, value, e); };
  src.scan = [&](std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& f,
                 std::string* e) { return store.scan(prefix, f, e); };
  return restore_state(src, pos, fresh, error);
}

bool Engine::restore_state(const StateSource& store, Position& pos, bool& fresh, std::string* error) {
  std::string g;
  std::string err;
  fresh = false;
  if (!store.get(kEngineKey, g, &err)) {
    if (!err.empty()) {
      if (error) *error = err;
      return false;
    }
    fresh = true;
    pos = Position{};
    return true;
  }
  auto fail = [&](std::string message) {
    if (error) *error = std::move(message);
    return false;
  };
  vm::ByteReader r(g);
  if (uint8_t format = r.byte(); r.ok() && format != kStateFormat)
    return fail(fmt::format("the state store was written in state format {}; this laudd reads format {} "
                            "(rebuild it by replaying the input into an empty state: a new --state directory or changelog topic)",
                            format, kStateFormat));
  // The versions whose instances are still live: the module of the last run, and older ones.
  std::vector<uint64_t> hashes{r.u64()};
  uint64_t older = r.count();
  for (uint64_t k = 0; k < older && r.ok(); ++k) hashes.push_back(r.u64());
  if (!r.ok()) return fail("malformed engine record in the state store");
  for (uint64_t h : hashes) {
    if (h == module_.content_hash || std::any_of(versions_.begin(), versions_.end(), [&](auto& v) { return v->hash() == h; }))
      continue;
    std::string bytes;
    if (!store.get(module_key(h), bytes, &err))
      return fail(fmt::format("the state has instances of module version {:016x}, which it does not hold{}", h,
                              err.empty() ? "" : ": " + err));
    auto m = std::make_unique<vm::Module>();
    if (!vm::read_module(bytes, *m, &err, module_key(h))) return fail(err);
    add_old_version(std::move(m));
  }

  clock_ = r.zigzag();
  now_ = r.zigzag();
  instance_seq_ = r.varint();
  pos.input_offset = r.varint();
  pos.input_line = r.varint();
  pos.input_hash = r.u64();
  pos.out = r.zigzag();
  pos.rejects = r.zigzag();
  uint64_t n = r.count();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    uint32_t id = journey_id(r.bytes());
    auto& w = limit_windows_[id];
    w.clear();
    uint64_t times = r.count();
    for (uint64_t x = 0; x < times && r.ok(); ++x) w.push_back(r.zigzag());
  }
  // Schedules: one with the same journey, trigger and definition goes on where it was; a new or
  // changed one starts at its first due time after the clock (past times are not caught up).
  for (size_t s = 0; s < schedule_next_.size(); ++s) {
    const ScheduleRef& ref = index_.schedules()[s];
    const vm::TriggerDesc& t = module_.journeys[ref.journey].triggers[ref.trigger];
    int64_t next = t.at_ms;
    if (next <= now_) {
      if (t.kind == vm::TriggerKind::kScheduleEvery && t.every_ms > 0) {
        int64_t ticks = (now_ - t.at_ms) / t.every_ms + 1;
        next = ticks > (INT64_MAX - t.at_ms) / t.every_ms ? INT64_MAX : t.at_ms + ticks * t.every_ms;
      } else {
        next = INT64_MAX;
      }
    }
    schedule_next_[s] = next;
  }
  n = r.count();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    std::string name(r.bytes());
    uint32_t trigger = static_cast<uint32_t>(r.varint());
    auto kind = static_cast<vm::TriggerKind>(r.byte());
    int64_t at = r.zigzag(), every = r.zigzag(), next = r.zigzag();
    for (size_t s = 0; s < schedule_next_.size(); ++s) {
      const ScheduleRef& ref = index_.schedules()[s];
      const vm::JourneyDesc& j = module_.journeys[ref.journey];
      const vm::TriggerDesc& t = j.triggers[ref.trigger];
      if (j.name == name && ref.trigger == trigger && t.kind == kind && t.at_ms == at && t.every_ms == every)
        schedule_next_[s] = next;
    }
  }
  decode_stats(r, stats_, [&](std::string_view name) { return journey_id(name); });
  if (!r.ok() || !r.done()) return fail("malformed engine record in the state store");

  CodecContext cx;
  cx.journey_id = [&](std::string_view name) { return journey_id(name); };
  cx.slot = [&](uint64_t sig) -> uint32_t {
    for (uint32_t s = 0; s < slots_.size(); ++s)
      if (slots_[s].signature == sig) return s;
    return vm::kNone;
  };
  cx.version = [&](uint64_t hash) -> ModuleVersion* {
    for (auto& v : versions_)
      if (v->hash() == hash) return v.get();
    return nullptr;
  };
  customers_.clear();
  by_order_.clear();
  bool ok = store.scan(
      kCustomerPrefix,
      [&](std::string_view key, std::string_view value) {
        auto c = std::make_unique<Customer>();
        std::string why;
        if (!decode_customer(value, *c, cx, &why) || key.substr(kCustomerPrefix.size()) != c->id) {
          err = fmt::format("customer record `{}`: {}", key.substr(kCustomerPrefix.size()),
                            why.empty() ? "key and id differ" : why);
          return false;
        }
        for (auto& inst : c->instances) ++inst->version->live;
        if (customers_.find(c->id)) {
          err = fmt::format("customer record `{}`: recorded twice", c->id);
          return false;
        }
        by_order_.push_back(&customers_.adopt(std::move(c)));
        return true;
      },
      &err);
  if (!ok || !err.empty()) return fail(err);
  // The records kept apart from a customer's (`t`, `a`): each onto its customer, which must exist.
  auto scan_parts = [&](std::string_view prefix, std::string_view what,
                        const std::function<bool(Customer&, std::string_view, std::string*)>& decode) {
    return store.scan(
               prefix,
               [&](std::string_view key, std::string_view value) {
                 std::string_view id = key.substr(prefix.size());
                 Customer* c = customers_.find(id);
                 std::string why;
                 if (!c) why = "no customer record";
                 if (c && !decode(*c, value, &why)) c = nullptr;
                 if (!c) err = fmt::format("{} record `{}`: {}", what, id, why);
                 return c != nullptr;
               },
               &err) &&
           err.empty();
  };
  ok = scan_parts(kTraitsPrefix, "traits", [](Customer& c, std::string_view value, std::string* why) {
    return decode_traits(value, c.traits, why);
  });
  if (ok)
    ok = scan_parts(kAggregatesPrefix, "aggregates", [&](Customer& c, std::string_view value, std::string* why) {
      bool dropped = false;
      if (!decode_aggregates(value, c, cx, &dropped, why)) return false;
      if (dropped) {
        // A deploy removed one of them: rewrite the record without it at the next checkpoint,
        // so that a later version declaring the same aggregate does not find old counts.
        c.aggregates_dirty = true;
        mark_dirty(c);
      }
      return true;
    });
  if (!ok) return fail(err);
  std::sort(by_order_.begin(), by_order_.end(), [](const Customer* a, const Customer* b) { return a->order < b->order; });

  timers_ = {};
  timer_slots_.clear();
  free_slot_ = UINT32_MAX;
  for (size_t s = 0; s < schedule_next_.size(); ++s)
    if (schedule_next_[s] != INT64_MAX) timers_.push(Timer::schedule(schedule_next_[s], index_.schedules()[s].order, static_cast<uint32_t>(s)));
  for (Customer* c : by_order_)
    for (auto& inst : c->instances)
      if (inst->vm.wait.kind != vm::WaitKind::kNone) set_timer(*c, *inst);
  return true;
}

}  // namespace laud::runtime
