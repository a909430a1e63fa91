// dedup.h — Workflow Trigger: messageId deduplication per customer (§8). A customer remembers
// the FNV-1a 64 hashes of its last kDedupWindow messageIds, so memory per customer is bounded;
// a repeat older than that window is processed again (documented in docs/runtime.md).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace laud::runtime {

inline constexpr uint32_t kDedupWindow = 256;

class MessageIdWindow {
 public:
  // True when `id` was seen (among the last kDedupWindow); otherwise remembers it.
  bool seen_or_add(std::string_view id);
  const std::vector<uint64_t>& hashes() const { return ring_; }
  uint32_t next() const { return next_; }
  void restore(std::vector<uint64_t> ring, uint32_t next) {
    ring_ = std::move(ring);
    next_ = next;
  }

 private:
  std::vector<uint64_t> ring_;  // grows to kDedupWindow, then overwritten from next_
  uint32_t next_ = 0;
};

}  // namespace laud::runtime
