// instance.h — the persistent state of one journey instance (a suspended coroutine) and its
// byte encoding. A suspended instance holds only what the body needs after the wait: the resume
// pc, the wait, `let` locals, per-send occurrence counts and a pending deferred send — all owned
// here (strings, lists and object snapshots are copied in by freeze()), never on a C++ stack.
#pragma once

#include <cstdint>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vm/host.h"
#include "vm/value.h"

namespace laud::vm {

enum class WaitKind : uint8_t {
  kNone,
  kUntil,         // resume at `until` (wait D, wait until T, wait until HH:MM)
  kUpTo,          // resume at `until` (timeout) or on an event matching a branch of waits[desc]
  kDeferredSend,  // quiet hours: at `until` make the pending send of sends[desc], then go on
};

struct WaitState {
  WaitKind kind = WaitKind::kNone;
  uint32_t desc = 0xFFFFFFFF;
  int64_t until = 0;      // ms since the epoch
  WaitState() = default;
  WaitState(WaitKind k, int64_t u, uint32_t d) : kind(k), desc(d), until(u) {}  // 16 bytes in this order
};

// Objects kept across a wait are snapshots owned by the instance: a Value of kind kObject whose
// `size` is kSnapshotObject and whose `object` points to an ObjectSnapshot.
inline constexpr uint32_t kSnapshotObject = 0xFFFFFFFF;
struct ObjectSnapshot {
  const ObjectEntry* entries = nullptr;
  uint32_t count = 0;
};
inline bool is_snapshot(const Value& v) { return v.kind == Kind::kObject && v.size == kSnapshotObject; }
Value snapshot_field(const Value& snapshot, std::string_view key);

struct InstanceState {
  uint64_t module_hash = 0;
  uint32_t journey = 0xFFFFFFFF;
  uint32_t pc = 0;
  WaitState wait;
  std::vector<Value> locals;          // registers [0, num_locals) of the body
  std::vector<uint32_t> send_counts;  // OCC per SendDesc::index_in_journey
  std::vector<Value> pending_with;    // kDeferredSend: `to`, then the `with` values
  uint32_t pending_occurrence = 0;
  // kDeferredSend: the current event when the send was deferred, so that `event` after the send
  // (still valid at compile time: no wait in between) reads the same event when the instance goes on.
  Value deferred_event;

  InstanceState() = default;
  InstanceState(const InstanceState&) = delete;
  InstanceState& operator=(const InstanceState&) = delete;
  InstanceState(InstanceState&&) = default;
  InstanceState& operator=(InstanceState&&) = default;

  // Copies every string, list and object reachable from locals and pending_with into storage
  // owned by this state (host objects via Host::object_entries), dropping storage no longer used.
  void freeze(Host& host);

  // Ready for another start (Resume::kStart sets pc, wait, locals and send counts): drops the
  // pending send and the deferred event, keeps the vectors' and the block's storage.
  void clear_for_reuse();
  // Compact bytes (varints, length-prefixed strings) and back. decode() never trusts a length and
  // returns false on any malformed input.
  std::string encode() const;
  void encode_to(std::string& out) const;  // appends the same bytes (no allocation of its own)
  size_t frozen_bytes() const { return frozen_bytes_; }  // the blocks below (memory reports)
  static bool decode(std::string_view bytes, InstanceState& out, std::string* error = nullptr);

 private:
  friend class InstanceStore;
  // Copies the values (in the scratch arena after a first pass) into one block of `needed` bytes.
  void settle(size_t needed);
  // Owned copies that frozen values point into: normally one block of exactly the size needed
  // (freeze() measures in a scratch arena first), none for an instance that holds no strings,
  // lists or objects. Blocks never move, so the values' pointers stay valid when the state moves.
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  size_t frozen_bytes_ = 0;
};

}  // namespace laud::vm
