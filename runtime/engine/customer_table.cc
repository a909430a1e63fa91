// customer_table.cc — the customer index: linear probing over a power-of-two slot array, grown
// at half full; customers live in chunks of kChunk and never move.
#include "runtime/engine/customer_table.h"

#include <functional>

namespace laud::runtime {

namespace {
constexpr size_t kChunk = 1024;
constexpr size_t kMinSlots = 1024;
}  // namespace

uint64_t CustomerTable::hash_of(std::string_view id) {
  uint64_t h = std::hash<std::string_view>{}(id);
  return h ? h : 1;  // 0 never appears, so a slot's hash alone says nothing about emptiness
}

Customer* CustomerTable::find(std::string_view id) const {
  if (slots_.empty()) return nullptr;
  uint64_t h = hash_of(id);
  size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (!s.customer) return nullptr;
    if (s.hash == h && s.customer->id == id) return s.customer;
  }
}

Customer& CustomerTable::find_or_add(std::string_view id, bool& created) {
  created = false;
  if (Customer* c = find(id)) return *c;
  created = true;
  Customer* c = allocate();
  c->id.assign(id);
  if (++size_ * 2 > slots_.size()) grow();
  insert_slot(hash_of(id), c);
  return *c;
}

Customer& CustomerTable::adopt(std::unique_ptr<Customer> owned) {
  Customer* c = owned.get();
  adopted_.push_back(std::move(owned));
  if (++size_ * 2 > slots_.size()) grow();
  insert_slot(hash_of(c->id), c);
  return *c;
}

void CustomerTable::clear() {
  slots_.clear();
  size_ = 0;
  chunks_.clear();
  chunk_used_ = 0;
  adopted_.clear();
}

Customer* CustomerTable::allocate() {
  if (chunks_.empty() || chunk_used_ == kChunk) {
    chunks_.push_back(std::make_unique<Customer[]>(kChunk));
    chunk_used_ = 0;
  }
  return &chunks_.back()[chunk_used_++];
}

void CustomerTable::insert_slot(uint64_t hash, Customer* c) {
  size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].customer) i = (i + 1) & mask;
  slots_[i] = {hash, c};
}

void CustomerTable::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(std::max(kMinSlots, old.size() * 2), Slot{});
  for (const Slot& s : old)
    if (s.customer) insert_slot(s.hash, s.customer);
}

}  // namespace laud::runtime
