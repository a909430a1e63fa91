// dedup.cc — the bounded messageId window.
#include "runtime/trigger/dedup.h"

#include "vm/module_format.h"

namespace laud::runtime {

bool MessageIdWindow::seen_or_add(std::string_view id) {
  uint64_t h = vm::fnv1a64(id);
  for (uint64_t x : ring_)
    if (x == h) return true;
  if (ring_.size() < kDedupWindow) {
    ring_.push_back(h);
  } else {
    ring_[next_] = h;
    next_ = (next_ + 1) % kDedupWindow;
  }
  return false;
}

}  // namespace laud::runtime
