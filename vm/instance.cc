// instance.cc — freezing an instance's values into owned storage, and its byte encoding:
// u64 module hash | varint journey, pc | wait (u8 kind, zigzag until, varint desc) |
// values (locals) | varint counts (send_counts) | values (pending_with) | varint occurrence |
// value (deferred_event).
// A value is a kind byte and its payload; strings are length-prefixed; lists and objects nest.
#include "vm/instance.h"

#include "vm/bytes.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace laud::vm {

Value snapshot_field(const Value& snapshot, std::string_view key) {
  const auto* o = static_cast<const ObjectSnapshot*>(snapshot.object);
  for (uint32_t i = 0; i < o->count; ++i)
    if (o->entries[i].key == key) return o->entries[i].value;
  return Value();
}

namespace {

Arena& scratch_arena() {
  thread_local Arena arena;
  return arena;
}
// Where a host builds the lists of a host object's entries (read by the copy before the next reset).
Arena& host_arena() {
  thread_local Arena arena;
  return arena;
}

// Memory for frozen values: every request is rounded up to 8 bytes (the largest alignment of
// Value, ObjectEntry and ObjectSnapshot), so two passes over the same values ask for the same
// total whatever their blocks' boundaries.
inline size_t rounded(size_t n) { return (n + 7) & ~size_t{7}; }

// The first pass: a scratch Arena kept per thread (no heap allocation in the steady state).
class ScratchMemory {
 public:
  explicit ScratchMemory(Arena& a) : arena_(a) {}
  void* allocate(size_t n) {
    needed_ += rounded(n);
    return arena_.allocate(rounded(n), 8);
  }
  size_t needed() const { return needed_; }

 private:
  Arena& arena_;
  size_t needed_ = 0;
};

}  // namespace

// The second pass: bump allocation in the state's own block, sized by the first pass (another
// block is added only if the two passes ever disagreed).
class InstanceStore {
 public:
  // `reuse`: the state's one block (of frozen_bytes_ >= size bytes) holds nothing any more.
  InstanceStore(InstanceState& st, size_t size, bool reuse) : st_(st) {
    if (!reuse) {
      add_block(size);
      return;
    }
    base_ = st_.blocks_.front().get();
    size_ = st_.frozen_bytes_;
  }
  void* allocate(size_t n) {
    n = rounded(n);
    if (used_ + n > size_) add_block(std::max<size_t>(n, 256));
    void* p = base_ + used_;
    used_ += n;
    return p;
  }

 private:
  void add_block(size_t size) {
    if (size == 0) return;
    st_.blocks_.push_back(std::make_unique<std::byte[]>(size));
    st_.frozen_bytes_ += size;
    base_ = st_.blocks_.back().get();
    size_ = size;
    used_ = 0;
  }
  InstanceState& st_;
  std::byte* base_ = nullptr;
  size_t size_ = 0, used_ = 0;
};

namespace {

// Deep-copies values into memory `M` (ScratchMemory or InstanceStore): strings, lists, and
// objects as snapshots (host objects through Host::object_entries).
template <typename M>
class Freezer {
 public:
  Freezer(M& mem, Host* host) : mem_(mem), host_(host) {}

  Value copy(const Value& v, int depth = 0) {
    if (depth > 64) return Value();  // deeper than any JSON the ingress accepts
    switch (v.kind) {
      case Kind::kString: return Value::string(text(v.str()));
      case Kind::kList: {
        auto* items = static_cast<Value*>(mem_.allocate(sizeof(Value) * v.size));
        for (uint32_t i = 0; i < v.size; ++i) items[i] = copy(v.list[i], depth + 1);
        return Value::list_of(items, v.size);
      }
      case Kind::kObject: return copy_object(v, depth);
      default: return v;
    }
  }

  std::string_view text(std::string_view s) {
    if (s.empty()) return {};
    auto* p = static_cast<char*>(mem_.allocate(s.size()));
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  // Room for a list of `n` values (decode() fills it).
  Value* new_list(uint32_t n) { return static_cast<Value*>(mem_.allocate(sizeof(Value) * n)); }

  // A snapshot of `n` entries whose keys and values are already in this memory (decode()).
  Value object_from(const ObjectEntry* entries, uint32_t n) {
    auto* stored = static_cast<ObjectEntry*>(mem_.allocate(sizeof(ObjectEntry) * n));
    for (uint32_t i = 0; i < n; ++i) stored[i] = entries[i];
    return snapshot(stored, n);
  }

 private:
  Value snapshot(const ObjectEntry* entries, uint32_t n) {
    auto* snap = static_cast<ObjectSnapshot*>(mem_.allocate(sizeof(ObjectSnapshot)));
    snap->entries = entries;
    snap->count = n;
    Value out = Value::object_handle(snap);
    out.size = kSnapshotObject;
    return out;
  }

  Value copy_object(const Value& v, int depth) {
    const ObjectEntry* from = nullptr;
    uint32_t n = 0;
    std::vector<ObjectEntry>& host_entries = entries_at(depth);
    if (is_snapshot(v)) {
      const auto* o = static_cast<const ObjectSnapshot*>(v.object);
      from = o->entries;
      n = o->count;
    } else {
      host_entries.clear();
      if (!host_ || !host_->object_entries(v, host_entries, host_arena())) return Value();
      from = host_entries.data();
      n = static_cast<uint32_t>(host_entries.size());
    }
    auto* stored = static_cast<ObjectEntry*>(mem_.allocate(sizeof(ObjectEntry) * n));
    for (uint32_t i = 0; i < n; ++i) {
      stored[i].key = text(from[i].key);
      stored[i].value = copy(from[i].value, depth + 1);
    }
    return snapshot(stored, n);
  }

  // Per-depth vectors for host objects' entries (reused: no allocation in the steady state).
  static std::vector<ObjectEntry>& entries_at(int depth) {
    thread_local std::vector<std::vector<ObjectEntry>> by_depth(66);
    return by_depth[static_cast<size_t>(depth)];
  }
  M& mem_;
  Host* host_;
};

}  // namespace

// Freezing is two copies: into the scratch arena (measuring), then into one block of exactly
// that size. Between the two no value points into the storage from before: it is reused when the
// values fit and fill at least half of it (a resume that keeps the same locals, a pooled
// instance's next start), else freed.
void InstanceState::freeze(Host& host) {
  Arena& scratch = scratch_arena();
  scratch.reset();
  host_arena().reset();
  ScratchMemory measured(scratch);
  Freezer<ScratchMemory> fz(measured, &host);
  for (Value& v : locals) v = fz.copy(v);
  for (Value& v : pending_with) v = fz.copy(v);
  deferred_event = fz.copy(deferred_event);
  settle(measured.needed());
}

void InstanceState::clear_for_reuse() {
  wait = WaitState{};
  pending_with.clear();
  pending_occurrence = 0;
  deferred_event = Value();
}

void InstanceState::settle(size_t needed) {
  const bool reuse = blocks_.size() == 1 && needed <= frozen_bytes_ && needed * 2 >= frozen_bytes_;
  if (!reuse) {
    blocks_.clear();
    frozen_bytes_ = 0;
  }
  InstanceStore store(*this, needed, reuse);
  Freezer<InstanceStore> fz(store, nullptr);
  for (Value& v : locals) v = fz.copy(v);
  for (Value& v : pending_with) v = fz.copy(v);
  deferred_event = fz.copy(deferred_event);
}

// ---------------------------------------------------------------- encoding

namespace {

void put_value(std::string& out, const Value& v) {
  out += static_cast<char>(v.kind);
  switch (v.kind) {
    case Kind::kNull: break;
    case Kind::kBool: out += static_cast<char>(v.b ? 1 : 0); break;
    case Kind::kInt:
    case Kind::kTime:
    case Kind::kDuration: put_zigzag(out, v.i); break;
    case Kind::kFloat: put_f64(out, v.f); break;
    case Kind::kString: put_bytes(out, v.str()); break;
    case Kind::kList:
      put_varint(out, v.size);
      for (uint32_t i = 0; i < v.size; ++i) put_value(out, v.list[i]);
      break;
    case Kind::kObject: {
      // Only snapshots reach here (freeze() converted host objects).
      const ObjectSnapshot* o = is_snapshot(v) ? static_cast<const ObjectSnapshot*>(v.object) : nullptr;
      put_varint(out, o ? o->count : 0);
      for (uint32_t i = 0; o && i < o->count; ++i) {
        put_bytes(out, o->entries[i].key);
        put_value(out, o->entries[i].value);
      }
      break;
    }
  }
}

using Reader = ByteReader;

Value read_value(Reader& r, Freezer<ScratchMemory>& fz, int depth) {
  if (depth > 64) return r.fail(), Value();
  auto kind = static_cast<Kind>(r.byte());
  switch (kind) {
    case Kind::kNull: return Value();
    case Kind::kBool: {
      uint8_t b = r.byte();
      if (b > 1) r.fail();
      return Value::boolean(b == 1);
    }
    case Kind::kInt: return Value::integer(r.zigzag());
    case Kind::kTime: return Value::time(r.zigzag());
    case Kind::kDuration: return Value::duration(r.zigzag());
    case Kind::kFloat: return Value::floating(r.f64());
    case Kind::kString: return Value::string(fz.text(r.bytes()));
    case Kind::kList: {
      // count() never exceeds the bytes left, so the list's room is bounded by the input.
      auto n = static_cast<uint32_t>(r.count());
      Value* items = fz.new_list(n);
      for (uint32_t i = 0; i < n; ++i) items[i] = r.ok() ? read_value(r, fz, depth + 1) : Value();
      return Value::list_of(items, n);
    }
    case Kind::kObject: {
      uint64_t n = r.count();
      std::vector<ObjectEntry> entries;
      for (uint64_t i = 0; i < n && r.ok(); ++i) {
        std::string_view key = fz.text(r.bytes());
        Value v = read_value(r, fz, depth + 1);
        entries.push_back({key, v});
      }
      return fz.object_from(entries.data(), static_cast<uint32_t>(entries.size()));
    }
  }
  r.fail();
  return Value();
}

}  // namespace

std::string InstanceState::encode() const {
  std::string out;
  encode_to(out);
  return out;
}

void InstanceState::encode_to(std::string& out) const {
  put_u64(out, module_hash);
  put_varint(out, journey);
  put_varint(out, pc);
  out += static_cast<char>(wait.kind);
  put_zigzag(out, wait.until);
  put_varint(out, wait.desc);
  put_varint(out, locals.size());
  for (const Value& v : locals) put_value(out, v);
  put_varint(out, send_counts.size());
  for (uint32_t c : send_counts) put_varint(out, c);
  put_varint(out, pending_with.size());
  for (const Value& v : pending_with) put_value(out, v);
  put_varint(out, pending_occurrence);
  put_value(out, deferred_event);
}

bool InstanceState::decode(std::string_view bytes, InstanceState& out, std::string* error) {
  out = InstanceState();
  Reader r(bytes);
  out.module_hash = r.u64();
  out.journey = static_cast<uint32_t>(r.varint());
  out.pc = static_cast<uint32_t>(r.varint());
  uint8_t kind = r.byte();
  if (kind > static_cast<uint8_t>(WaitKind::kDeferredSend)) r.fail();
  out.wait.kind = static_cast<WaitKind>(kind);
  out.wait.until = r.zigzag();
  out.wait.desc = static_cast<uint32_t>(r.varint());
  scratch_arena().reset();
  ScratchMemory measured(scratch_arena());
  Freezer<ScratchMemory> fz(measured, nullptr);
  uint64_t n = r.count();
  for (uint64_t i = 0; i < n && r.ok(); ++i) out.locals.push_back(read_value(r, fz, 0));
  n = r.count();
  for (uint64_t i = 0; i < n && r.ok(); ++i) out.send_counts.push_back(static_cast<uint32_t>(r.varint()));
  n = r.count();
  for (uint64_t i = 0; i < n && r.ok(); ++i) out.pending_with.push_back(read_value(r, fz, 0));
  out.pending_occurrence = static_cast<uint32_t>(r.varint());
  out.deferred_event = read_value(r, fz, 0);
  if (!r.ok() || !r.done()) {
    if (error) *error = "malformed instance state";
    out = InstanceState();
    return false;
  }
  out.settle(measured.needed());
  return true;
}

}  // namespace laud::vm
