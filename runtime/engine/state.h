// state.h — Execution Engine: what laudd keeps per customer and per journey instance. A customer
// owns its traits, messageId window, aggregate states, live instances (in creation order), entry
// records per (journey, key), recent dispatch times (for caps) and goal windows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/audience/aggregates.h"
#include "runtime/common/doc.h"
#include "runtime/trigger/dedup.h"
#include "vm/instance.h"

namespace laud::runtime {

struct ModuleVersion;

// An event as the VM sees it (`event`, `trigger`): `$name`, `$time`, `$id` and its properties.
struct EventRoot {
  std::string name;
  int64_t time = 0;
  bool has_id = false;
  std::string id;
  Doc props = Doc::object();
};

// The text form of a journey's `key`: most journeys have none, so it costs one null pointer
// until it holds text.
class KeyText {
 public:
  std::string_view view() const { return text_ ? std::string_view(*text_) : std::string_view(); }
  void assign(std::string_view k) {
    if (k.empty()) text_.reset();
    else if (text_) text_->assign(k);
    else text_ = std::make_unique<std::string>(k);
  }
  size_t heap_bytes() const {  // for memory reports
    return text_ ? sizeof(std::string) + (text_->capacity() > 15 ? text_->capacity() : 0) : 0;
  }

 private:
  std::unique_ptr<std::string> text_;
};

struct Instance {
  uint64_t seq = 0;  // creation order, engine-wide
  ModuleVersion* version = nullptr;  // the module version it started under (and finishes on)
  uint32_t journey = 0;  // index into that version's journeys
  uint32_t jid = 0;      // engine journey id (by name, across versions): Stats::journeys index
  KeyText key;
  uint32_t entry = 0;  // ENTRY of the dispatch id
  int64_t entered_at = 0;
  std::unique_ptr<EventRoot> trigger;  // the fields the journey reads (JourneyDesc::trigger_fields); null: none
  uint64_t timer_token = 0;  // the live timer's slot + 1 (0: none)
  vm::InstanceState vm;
};

// The entries of one customer into one (journey, key): 24 bytes (the key text held apart).
struct EntryRecord {
  uint32_t journey = 0;  // engine journey id
  uint32_t count = 0;
  int64_t last = 0;
  KeyText key;
};

// A customer's entry records per (journey id, key): a handful, kept flat in insertion order.
class EntryRecords {
 public:
  EntryRecord* find(uint32_t journey, std::string_view key) {
    for (EntryRecord& r : items_)
      if (r.journey == journey && r.key.view() == key) return &r;
    return nullptr;
  }
  // The record of (journey, key), added (count 0) when absent.
  EntryRecord& get(uint32_t journey, std::string_view key) {
    if (EntryRecord* r = find(journey, key)) return *r;
    EntryRecord& r = items_.emplace_back();
    r.journey = journey;
    r.key.assign(key);
    return r;
  }
  std::vector<EntryRecord>::const_iterator begin() const { return items_.begin(); }
  std::vector<EntryRecord>::const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  size_t capacity() const { return items_.capacity(); }
  void clear() { items_.clear(); }

 private:
  std::vector<EntryRecord> items_;
};

struct GoalWindow {
  ModuleVersion* version = nullptr;
  uint32_t journey = 0;  // index into the version's journeys
  uint64_t instance = 0;    // Instance::seq of the entry
  int64_t entered_at = 0;
  int64_t deadline = 0;     // entered_at + the longest `within` of the journey's goals
  std::vector<uint8_t> converted;  // [g] != 0: goal g already converted for this entry
  std::vector<std::pair<uint32_t, uint32_t>> arms;  // (split, arm) taken by the instance
  std::unique_ptr<EventRoot> trigger;  // for a goal `where` that reads `trigger` (the instance may have ended)
};

// A recent dispatch, in 8 bytes: times are RFC 3339 instants in ms (years 0–9999: |t| < 2^48).
struct SentTime {
  int64_t time : 56;
  uint64_t channel : 8;
};
static_assert(sizeof(SentTime) == 8);

struct Customer {
  std::string id;
  uint64_t order = 0;           // first appearance
  int64_t first_time = INT64_MAX;  // earliest accepted event time (for `on schedule`)
  Doc traits = Doc::object();
  MessageIdWindow dedup;
  std::vector<std::unique_ptr<AggState>> aggregates;  // by Module::aggregates index, lazily
  std::vector<std::unique_ptr<Instance>> instances;   // live, creation order
  EntryRecords entries;
  std::vector<SentTime> sent;   // recent dispatches, per channel at most the deepest cap's count
  std::vector<GoalWindow> goals;
  bool dirty = false;         // changed since the last checkpoint (--state)
  bool traits_dirty = false;  // its traits too (they are recorded apart: most events leave them)
  bool aggregates_dirty = false;  // its aggregates too (recorded apart as well)

  Instance* instance(uint64_t seq) {
    for (auto& i : instances)
      if (i->seq == seq) return i.get();
    return nullptr;
  }
};

}  // namespace laud::runtime
