// profile_host.h — a fast vm::Host for benchmarks: customer profiles held as small flat tables
// from key to vm::Value, built once and then only read. `field` on a profile is a probe of a tiny
// open-addressing table (power-of-two slots, linear probing, keys compared by length then bytes):
// no hashing of the whole key, no allocation, no copy of strings or lists — the Values it returns
// point into the profile's own storage, which lives as long as the host. The host holds several
// profiles (identical or not) and `select(k)` picks the one `customer()` answers with, so a
// benchmark can rotate between them. Every other Host method is trivial (no events, aggregates
// null, segments false, sends done, traits ignored).
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "vm/host.h"
#include "vm/value.h"

namespace laud::bench {

class Profile {
 public:
  static constexpr uint32_t kSlotBits = 6;
  static constexpr uint32_t kSlots = 1u << kSlotBits;  // at most kSlots / 2 keys

  // Setters copy keys and strings into the profile's storage (std::deque: stable addresses).
  // Setting a key twice replaces its value. Returns false when the table is full.
  bool set(std::string_view key, vm::Value v) {
    if (Slot* s = find_slot(key)) {
      s->value = v;
      return true;
    }
    if (count_ >= kSlots / 2) return false;
    const std::string& k = strings_.emplace_back(key);
    uint32_t h = hash(k) & (kSlots - 1);
    while (slots_[h].key) h = (h + 1) & (kSlots - 1);
    slots_[h] = Slot{k.data(), static_cast<uint32_t>(k.size()), v};
    keys_.push_back(h);
    ++count_;
    return true;
  }
  bool set_int(std::string_view key, int64_t v) { return set(key, vm::Value::integer(v)); }
  bool set_float(std::string_view key, double v) { return set(key, vm::Value::floating(v)); }
  bool set_bool(std::string_view key, bool v) { return set(key, vm::Value::boolean(v)); }
  bool set_time(std::string_view key, int64_t ms) { return set(key, vm::Value::time(ms)); }
  bool set_string(std::string_view key, std::string_view v) { return set(key, vm::Value::string(keep(v))); }
  bool set_strings(std::string_view key, std::initializer_list<std::string_view> items) {
    std::vector<vm::Value>& list = lists_.emplace_back();
    list.reserve(items.size());
    for (std::string_view s : items) list.push_back(vm::Value::string(keep(s)));
    return set(key, vm::Value::list_of(list.data(), static_cast<uint32_t>(list.size())));
  }

  // The stored value, or null when absent. No allocation, no copy of the bytes.
  int32_t find_index(std::string_view key) const {
    uint32_t h = hash(key) & (kSlots - 1);
    for (;;) {
      const Slot& s = slots_[h];
      if (!s.key) return -1;
      if (s.size == key.size() && same_bytes(s.key, key.data(), key.size())) return static_cast<int32_t>(h);
      h = (h + 1) & (kSlots - 1);
    }
  }

  vm::Value get(std::string_view key) const {
    uint32_t h = hash(key) & (kSlots - 1);
    for (;;) {
      const Slot& s = slots_[h];
      if (!s.key) return vm::Value();
      if (s.size == key.size() && same_bytes(s.key, key.data(), key.size())) return s.value;
      h = (h + 1) & (kSlots - 1);
    }
  }

  // The value for a module key id: the slot is found by name once per (profile, key id) and then
  // read by index, the way a profile store maps a module's interned keys to its own fields.
  vm::Value get(std::string_view key, uint32_t key_id) const {
    if (key_id == vm::kDynamicKey) return get(key);
    if (key_id >= slot_of_key_.size()) slot_of_key_.resize(key_id + 1, kUnknown);
    int32_t slot = slot_of_key_[key_id];
    if (slot == kUnknown) slot_of_key_[key_id] = slot = find_index(key);
    return slot < 0 ? vm::Value() : slots_[slot].value;
  }

  // Entries in insertion order (for Host::object_entries).
  void entries(std::vector<vm::ObjectEntry>& out) const {
    for (uint32_t h : keys_) out.push_back({std::string_view(slots_[h].key, slots_[h].size), slots_[h].value});
  }

 private:
  struct Slot {
    const char* key = nullptr;  // null: empty
    uint32_t size = 0;
    vm::Value value;
  };

  // Cheap and good enough for a handful of short keys: first byte, last byte and length, mixed
  // by one multiplication; the top bits pick the slot (Fibonacci hashing).
  static uint32_t hash(std::string_view k) {
    uint32_t n = static_cast<uint32_t>(k.size());
    if (n == 0) return 0;
    uint32_t x = static_cast<unsigned char>(k[0]) | static_cast<unsigned char>(k[n - 1]) << 8 | n << 16;
    return (x * 0x9E3779B1u) >> (32 - kSlotBits);
  }

  // Equal bytes, inline for keys up to 16 bytes: two overlapping loads of 8, 4 or 1 bytes that
  // stay within [0, n) (no over-read), instead of a call to libc's memcmp per lookup.
  static bool same_bytes(const char* a, const char* b, size_t n) {
    if (n >= 8) {
      if (n > 16) return std::memcmp(a, b, n) == 0;
      return (load64(a) ^ load64(b)) == 0 && (load64(a + n - 8) ^ load64(b + n - 8)) == 0;
    }
    if (n >= 4) return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
    if (n == 0) return true;
    return a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1];
  }
  static uint64_t load64(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  static uint32_t load32(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }

  Slot* find_slot(std::string_view key) {
    uint32_t h = hash(key) & (kSlots - 1);
    for (;;) {
      Slot& s = slots_[h];
      if (!s.key) return nullptr;
      if (s.size == key.size() && std::memcmp(s.key, key.data(), key.size()) == 0) return &s;
      h = (h + 1) & (kSlots - 1);
    }
  }

  std::string_view keep(std::string_view s) { return strings_.emplace_back(s); }

  static constexpr int32_t kUnknown = -2;
  Slot slots_[kSlots];
  mutable std::vector<int32_t> slot_of_key_;  // module key id -> slot, -1 absent, kUnknown not looked up
  uint32_t count_ = 0;
  std::vector<uint32_t> keys_;              // slot indexes in insertion order
  std::deque<std::string> strings_;         // keys and string values
  std::deque<std::vector<vm::Value>> lists_;  // list values (their items point into strings_)
};

class ProfileHost : public vm::Host {
 public:
  // Adds a profile (owned by the host; its address is stable) and returns its index.
  Profile& add_profile() { return profiles_.emplace_back(); }
  size_t profile_count() const { return profiles_.size(); }
  // The profile `customer()` returns from now on (no bounds check: benchmarks select in range).
  void select(size_t k) { current_ = &profiles_[k]; }
  void set_now(int64_t ms) { now_ = ms; }

  // vm::Host
  vm::Value customer() override { return current_ ? vm::Value::object_handle(current_) : vm::Value(); }
  vm::Value event() override { return vm::Value(); }
  vm::Value trigger() override { return vm::Value(); }
  int64_t now() override { return now_; }
  // Only profiles are host objects here: any object handle this host gave out is a Profile.
  vm::Value field(const vm::Value& object, std::string_view key, uint32_t key_id, vm::Arena&) override {
    if (object.kind != vm::Kind::kObject) return vm::Value();
    return static_cast<const Profile*>(object.object)->get(key, key_id);
  }
  bool object_entries(const vm::Value& object, std::vector<vm::ObjectEntry>& out, vm::Arena&) override {
    if (object.kind != vm::Kind::kObject) return false;
    static_cast<const Profile*>(object.object)->entries(out);
    return true;
  }
  vm::Value aggregate(uint32_t) override { return vm::Value(); }
  bool in_segment(uint32_t) override { return false; }
  vm::SendResult send(const vm::SendRequest&) override { return {}; }
  void set_trait(std::string_view, const vm::Value&) override {}

 private:
  std::deque<Profile> profiles_;
  const Profile* current_ = nullptr;
  int64_t now_ = 0;
};

}  // namespace laud::bench
