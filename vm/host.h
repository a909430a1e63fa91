// host.h — what the VM asks of its embedder (the runtime, or a scripted host in tests): the
// customer, the current and triggering events, the clock, aggregates, segment membership and
// the dispatcher. Each call corresponds to an opcode (CUSTOMER EVENT TRIGGER NOW FIELD INDEX AGG
// SEGMENT SEND SETTRAIT); ids and meanings are stable parts of the bytecode contract.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vm/arena.h"
#include "vm/module.h"
#include "vm/value.h"

namespace laud::vm {

// A `send` as the VM hands it to the dispatcher: the descriptor and the evaluated operands.
struct SendRequest {
  const SendDesc* desc = nullptr;
  uint32_t journey = kNone;
  Value to;                       // null when the send has no `to` (the channel's default applies)
  std::span<const Value> with;    // values for desc->with_keys, in order
  uint32_t occurrence = 0;        // OCC: how many times this send already ran in this instance
  bool resumed = false;           // a deferred send made at the end of quiet hours (not deferred again)
};

struct ObjectEntry {
  std::string_view key;
  Value value;
};

enum class SendOutcome : uint8_t {
  kDone,      // sent, or suppressed/skipped with a count: the journey goes on
  kDeferred,  // quiet hours: the instance suspends until `resume_at`, then the send is made
};

struct SendResult {
  SendOutcome outcome = SendOutcome::kDone;
  int64_t resume_at = 0;
};

inline constexpr uint32_t kDynamicKey = 0xFFFFFFFF;

class Host {
 public:
  virtual ~Host() = default;

  virtual Value customer() = 0;  // an object handle, or null
  virtual Value event() = 0;     // the current event (in a filter over history: that past event)
  virtual Value trigger() = 0;   // the event that started the instance, or null
  virtual int64_t now() = 0;     // ms since the epoch

  // Member `key` of object `object` (`$id`, `$name`, `$time` included); null when absent or when
  // `object` is no object. Strings and lists it returns must live until the activation ends; the
  // arena is there for values the host has to build. `key_id` is the key's constant index in the
  // module (keys are interned at compile time), or kDynamicKey for a key computed at run time
  // (`customer[expr]`): a host may use it to index a per-module table instead of hashing `key`.
  virtual Value field(const Value& object, std::string_view key, uint32_t key_id, Arena& arena) = 0;

  // The members of host object `object` (for keeping it in a local across a wait); false when it
  // is no host object. Nested objects are returned as host objects and asked for in turn.
  virtual bool object_entries(const Value& object, std::vector<ObjectEntry>& out, Arena& arena) = 0;

  virtual Value aggregate(uint32_t index) = 0;  // Module::aggregates[index] for this customer
  virtual bool in_segment(uint32_t index) = 0;  // Module::segments[index] for this customer

  virtual SendResult send(const SendRequest& request) = 0;
  virtual void set_trait(std::string_view path, const Value& value) = 0;  // path: "a.b" under customer
  // The instance took arm `arm` of Module::splits[split] (for goal reports per variant).
  virtual void split_taken(uint32_t split, uint32_t arm) {}
};

}  // namespace laud::vm
