// checkpoint.cc — Engine::checkpoint and Engine::restore: the engine record (`g`) and the
// customers changed since the last checkpoint (`c` + id) in one atomic write; on restart every
// customer is read back, by_order_ rebuilt and each waiting instance's timer set again.
#include <fmt/format.h>

#include <algorithm>

#include "runtime/engine/engine.h"
#include "runtime/state/codec.h"
#include "runtime/state/store.h"

namespace laud::runtime {

namespace {
constexpr std::string_view kEngineKey = "g";
constexpr std::string_view kCustomerPrefix = "c";
std::string module_key(uint64_t hash) { return fmt::format("m{:016x}", hash); }
}  // namespace

bool Engine::checkpoint(StateStore& store, const Position& pos, std::string* error) {
  std::vector<std::pair<std::string, std::string>> puts;
  puts.reserve(dirty_.size() + 1);
  for (Customer* c : dirty_) {
    puts.emplace_back(std::string(kCustomerPrefix) + c->id, encode_customer(*c));
    c->dirty = false;
  }
  dirty_.clear();
  if (!module_saved_ && !options_.module_bytes.empty()) {
    puts.emplace_back(module_key(module_.content_hash), std::string(options_.module_bytes));
    module_saved_ = true;
  }

  std::string g;
  g += static_cast<char>(kStateFormat);
  vm::put_u64(g, module_.content_hash);
  vm::put_zigzag(g, clock_);
  vm::put_zigzag(g, now_);
  vm::put_varint(g, instance_seq_);
  vm::put_varint(g, pos.input_offset);
  vm::put_varint(g, pos.input_line);
  vm::put_zigzag(g, pos.out);
  vm::put_zigzag(g, pos.rejects);
  vm::put_varint(g, limit_windows_.size());
  for (const auto& w : limit_windows_) {
    vm::put_varint(g, w.size());
    for (int64_t t : w) vm::put_zigzag(g, t);
  }
  vm::put_varint(g, schedule_next_.size());
  for (int64_t t : schedule_next_) vm::put_zigzag(g, t);
  encode_stats(g, stats_);
  puts.emplace_back(std::string(kEngineKey), std::move(g));
  return store.write(puts, error);
}

bool Engine::restore(StateStore& store, Position& pos, bool& fresh, std::string* error) {
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
  vm::ByteReader r(g);
  if (r.byte() != kStateFormat) r.fail();
  uint64_t hash = r.u64();
  if (r.ok() && hash != module_.content_hash) {
    // Running old instances on their own version is not supported yet (docs/runtime.md).
    std::string old;
    bool kept = store.get(module_key(hash), old, nullptr);
    if (error)
      *error = fmt::format(
          "the state was written by module version {:016x}{}, this module is {:016x}: finish that run with its "
          "module, or start a new state directory",
          hash, kept ? " (kept in the state)" : "", module_.content_hash);
    return false;
  }
  clock_ = r.zigzag();
  now_ = r.zigzag();
  instance_seq_ = r.varint();
  pos.input_offset = r.varint();
  pos.input_line = r.varint();
  pos.out = r.zigzag();
  pos.rejects = r.zigzag();
  uint64_t n = r.count();
  if (n != limit_windows_.size()) r.fail();
  for (auto& w : limit_windows_) {
    w.clear();
    uint64_t k = r.count();
    for (uint64_t x = 0; x < k && r.ok(); ++x) w.push_back(r.zigzag());
  }
  n = r.count();
  if (n != schedule_next_.size()) r.fail();
  for (int64_t& t : schedule_next_) t = r.zigzag();
  decode_stats(r, stats_);
  if (!r.ok() || !r.done()) {
    if (error) *error = "malformed engine record in the state store";
    return false;
  }

  customers_.clear();
  by_order_.clear();
  bool ok = store.scan(
      kCustomerPrefix,
      [&](std::string_view key, std::string_view value) {
        auto c = std::make_unique<Customer>();
        if (!decode_customer(value, *c, &err) || key.substr(kCustomerPrefix.size()) != c->id) {
          err = fmt::format("customer record `{}`: {}", key.substr(kCustomerPrefix.size()),
                            err.empty() ? "key and id differ" : err);
          return false;
        }
        for (const auto& inst : c->instances)
          if (inst->journey >= module_.journeys.size()) {
            err = fmt::format("customer record `{}`: unknown journey", c->id);
            return false;
          }
        by_order_.push_back(c.get());
        std::string id = c->id;
        customers_.emplace(std::move(id), std::move(c));
        return true;
      },
      &err);
  if (!ok || !err.empty()) {
    if (error) *error = err;
    return false;
  }
  std::sort(by_order_.begin(), by_order_.end(), [](const Customer* a, const Customer* b) { return a->order < b->order; });

  timers_ = {};
  for (size_t s = 0; s < schedule_next_.size(); ++s)
    if (schedule_next_[s] != INT64_MAX) timers_.push({schedule_next_[s], 0, index_.schedules()[s].order, s, nullptr, 0});
  for (Customer* c : by_order_)
    for (auto& inst : c->instances)
      if (inst->vm.wait.kind != vm::WaitKind::kNone) set_timer(*c, *inst);
  return true;
}

}  // namespace laud::runtime
