// arena.h — the scratch memory of one activation: strings and lists that operators produce
// (concatenation, lower(), string(), list literals with computed items) live here until reset().
// Blocks are kept across resets, so a steady state allocates nothing from the heap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace laud::vm {

class Arena {
 public:
  explicit Arena(size_t block_size = 16 * 1024) : block_size_(block_size) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Memory for `n` bytes aligned to `align`; valid until reset().
  void* allocate(size_t n, size_t align = alignof(std::max_align_t)) {
    size_t offset = (used_ + align - 1) & ~(align - 1);
    if (current_ < blocks_.size() && offset + n <= blocks_[current_].size) {
      used_ = offset + n;
      return blocks_[current_].data.get() + offset;
    }
    return allocate_slow(n, align);
  }

  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
    char* p = static_cast<char*>(allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  template <typename T>
  T* allocate_array(size_t n) {
    return static_cast<T*>(allocate(n * sizeof(T), alignof(T)));
  }

  // Forgets everything allocated; keeps the blocks for reuse.
  void reset() {
    current_ = 0;
    used_ = 0;
    retired_ = 0;
  }

  size_t heap_blocks() const { return blocks_.size(); }
  // Bytes handed out since the last reset (an upper bound: block tails skipped count too).
  size_t bytes_in_use() const { return retired_ + used_; }

 private:
  struct Block {
    std::unique_ptr<std::byte[]> data;
    size_t size;
  };

  void* allocate_slow(size_t n, size_t align) {
    // Move to the next kept block that fits, or add one.
    if (current_ < blocks_.size()) retired_ += blocks_[current_].size;
    while (++current_ < blocks_.size()) {
      if (n + align <= blocks_[current_].size) {
        used_ = 0;
        return allocate(n, align);
      }
    }
    size_t size = std::max(block_size_, n + align);
    blocks_.push_back({std::make_unique<std::byte[]>(size), size});
    current_ = blocks_.size() - 1;
    used_ = 0;
    return allocate(n, align);
  }

  size_t block_size_;
  std::vector<Block> blocks_;
  size_t current_ = 0;
  size_t used_ = 0;
  size_t retired_ = 0;  // sizes of the blocks filled since the last reset
};

}  // namespace laud::vm
