// customer_table.h — Execution Engine: every known customer, found by id. An open-addressing
// table of (hash, Customer*) slots — one cache line to probe, then the customer itself — over
// customers allocated in chunks, so that a lookup touches two places in memory instead of the
// four of a node-based map (bucket, node, owning pointer, customer).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "runtime/engine/state.h"

namespace laud::runtime {

class CustomerTable {
 public:
  CustomerTable() = default;
  CustomerTable(const CustomerTable&) = delete;
  CustomerTable& operator=(const CustomerTable&) = delete;

  Customer* find(std::string_view id) const;
  // The customer `id`, created (with `id` set) when absent; `created` says which.
  Customer& find_or_add(std::string_view id, bool& created);
  // Takes a customer built elsewhere (read back from durable state); its id must be new.
  Customer& adopt(std::unique_ptr<Customer> c);
  void clear();

  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    Customer* customer = nullptr;  // null: empty
  };
  static uint64_t hash_of(std::string_view id);
  Customer* allocate();
  void insert_slot(uint64_t hash, Customer* c);
  void grow();

  std::vector<Slot> slots_;  // a power of two, at most half full
  size_t size_ = 0;
  std::vector<std::unique_ptr<Customer[]>> chunks_;  // customers created here
  size_t chunk_used_ = 0;                            // in chunks_.back()
  std::vector<std::unique_ptr<Customer>> adopted_;   // customers adopted
};

}  // namespace laud::runtime
