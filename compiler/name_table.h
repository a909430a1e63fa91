// name_table.h — a flat (open-addressing) hash map from names to small values, for the hot name
// lookups of semantic and flow analysis (consts, segments, journeys, locals, labels, regexes).
// Keys are string_views that must outlive the table (names in the source text or the AST).
//
// Compared with std::unordered_map<std::string_view, V>: no allocation per entry; a cheap hash
// for short identifiers, which a caller can compute once for several tables; and probing touches
// only an array of 8-byte slots (a 32-bit hash tag and an entry index), the entries themselves
// (key and value, in insertion order) only on a tag match. Values move when the table grows: do
// not keep pointers across an insertion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

namespace laud::compiler {

// A fast hash of a short byte string (identifiers, labels), mixing 8 bytes at a time.
inline uint64_t name_hash(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (s.size() * 0xff51afd7ed558ccdull);
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * 0x94d049bb133111ebull;
  }
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  return h ^ (h >> 32);
}

template <typename V>
class NameTable {
 public:
  struct Entry {
    std::string_view key;
    V value;
  };

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // The entries in insertion order.
  const std::vector<Entry>& entries() const { return entries_; }

  // Room for `n` names without growing.
  void reserve(size_t n) {
    entries_.reserve(n);
    size_t want = 16;
    while (want < 2 * n) want *= 2;
    if (want > slots_.size()) rehash(want);
  }

  // Forgets every name; keeps a small capacity for reuse, releases a large one.
  void clear() {
    if (entries_.empty()) return;
    if (slots_.size() > 1024) {
      slots_ = {};
      entries_ = {};
    } else {
      std::memset(slots_.data(), 0, slots_.size() * sizeof(uint64_t));
      entries_.clear();
    }
  }

  V* find(std::string_view name) { return find(name, name_hash(name)); }
  const V* find(std::string_view name) const { return find(name, name_hash(name)); }
  // With `hash` == name_hash(name), computed once for several tables.
  V* find(std::string_view name, uint64_t hash) {
    return const_cast<V*>(std::as_const(*this).find(name, hash));
  }
  const V* find(std::string_view name, uint64_t hash) const {
    if (entries_.empty()) return nullptr;
    const uint32_t tag = tag_of(hash);
    const size_t mask = slots_.size() - 1;
    for (size_t i = (tag >> 1) & mask;; i = (i + 1) & mask) {
      const uint64_t s = slots_[i];
      if (s == 0) return nullptr;
      if (static_cast<uint32_t>(s >> 32) == tag) {
        const Entry& e = entries_[static_cast<uint32_t>(s) - 1];
        if (e.key == name) return &e.value;
      }
    }
  }

  // Adds `name` with `value` unless it is there: {its value, whether it was added}.
  std::pair<V*, bool> emplace(std::string_view name, V value) { return emplace(name, name_hash(name), std::move(value)); }
  std::pair<V*, bool> emplace(std::string_view name, uint64_t hash, V value) {
    if (2 * (entries_.size() + 1) > slots_.size()) rehash(slots_.empty() ? 16 : 2 * slots_.size());
    const uint32_t tag = tag_of(hash);
    const size_t mask = slots_.size() - 1;
    for (size_t i = (tag >> 1) & mask;; i = (i + 1) & mask) {
      const uint64_t s = slots_[i];
      if (s == 0) {
        entries_.push_back(Entry{name, std::move(value)});
        slots_[i] = (uint64_t{tag} << 32) | static_cast<uint32_t>(entries_.size());
        return {&entries_.back().value, true};
      }
      if (static_cast<uint32_t>(s >> 32) == tag) {
        Entry& e = entries_[static_cast<uint32_t>(s) - 1];
        if (e.key == name) return {&e.value, false};
      }
    }
  }

 private:
  static uint32_t tag_of(uint64_t h) { return static_cast<uint32_t>(h) | 1u; }  // never 0

  void rehash(size_t capacity) {
    slots_.assign(capacity, 0);
    const size_t mask = capacity - 1;
    for (size_t k = 0; k < entries_.size(); ++k) {
      const uint32_t tag = tag_of(name_hash(entries_[k].key));
      size_t i = (tag >> 1) & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = (uint64_t{tag} << 32) | static_cast<uint32_t>(k + 1);
    }
  }

  std::vector<uint64_t> slots_;  // 0: empty; else tag << 32 | (entry index + 1)
  std::vector<Entry> entries_;
};

}  // namespace laud::compiler
