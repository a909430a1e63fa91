// engine_host.h — the VM's view of the engine (vm::Host): profiles, events and triggers as host
// objects, aggregates, segments, the clock, `send` and `set`. Object Values carry a tag in
// Value::size saying what `object` points to: a Doc, a Customer (answers `$id`) or an EventRoot
// (answers `$name`, `$time`, `$id`).
#pragma once

#include "runtime/common/doc.h"
#include "runtime/engine/state.h"
#include "vm/host.h"

namespace laud::runtime {

class Engine;

inline constexpr uint32_t kDocObject = 0;
inline constexpr uint32_t kCustomerObject = 1;
inline constexpr uint32_t kEventObject = 2;

vm::Value object_value(const void* p, uint32_t tag);
// A Doc as a VM value: strings point into the Doc, arrays are built in `arena`.
vm::Value doc_value(const Doc& d, vm::Arena& arena);
// A VM value as a Doc (for `set`): strings are copied, host objects and snapshots deep-copied.
Doc value_doc(const vm::Value& v);

class EngineHost : public vm::Host {
 public:
  explicit EngineHost(Engine& e) : e_(e) {}
  vm::Value customer() override;
  vm::Value event() override;
  vm::Value trigger() override;
  int64_t now() override;
  vm::Value field(const vm::Value& object, std::string_view key, uint32_t key_id, vm::Arena& arena) override;
  bool object_entries(const vm::Value& object, std::vector<vm::ObjectEntry>& out, vm::Arena& arena) override;
  vm::Value aggregate(uint32_t index) override;
  bool in_segment(uint32_t index) override;
  vm::SendResult send(const vm::SendRequest& request) override;
  void set_trait(std::string_view path, const vm::Value& value) override;
  void split_taken(uint32_t split, uint32_t arm) override;

 private:
  Engine& e_;
};

}  // namespace laud::runtime
