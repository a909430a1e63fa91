// instance.cc — freezing an instance's values into owned storage, and its byte encoding:
// u64 module hash | varint journey, pc | wait (u8 kind, zigzag until, varint desc) |
// values (locals) | varint counts (send_counts) | values (pending_with) | varint occurrence |
// value (deferred_event).
// A value is a kind byte and its payload; strings are length-prefixed; lists and objects nest.
#include "vm/instance.h"

#include "vm/bytes.h"

#include <algorithm>
#include <cstring>

namespace laud::vm {

Value snapshot_field(const Value& snapshot, std::string_view key) {
  const auto* o = static_cast<const ObjectSnapshot*>(snapshot.object);
  for (uint32_t i = 0; i < o->count; ++i)
    if (o->entries[i].key == key) return o->entries[i].value;
  return Value();
}

// Deep-copies values into an InstanceState's storage.
class Freezer {
 public:
  Freezer(InstanceState& st, Host* host) : st_(st), host_(host) {}

  Value copy(const Value& v, int depth = 0) {
    if (depth > 64) return Value();  // deeper than any JSON the ingress accepts
    switch (v.kind) {
      case Kind::kString: return Value::string(text(v.str()));
      case Kind::kList: {
        std::vector<Value>& items = st_.lists_.emplace_front();
        items.reserve(v.size);
        for (uint32_t i = 0; i < v.size; ++i) items.push_back(copy(v.list[i], depth + 1));
        return Value::list_of(items.data(), static_cast<uint32_t>(items.size()));
      }
      case Kind::kObject: return copy_object(v, depth);
      default: return v;
    }
  }

  std::string_view text(std::string_view s) { return st_.texts_.emplace_front(s); }

  Value object_from(std::vector<ObjectEntry>&& entries) {
    std::vector<ObjectEntry>& stored = st_.entries_.emplace_front(std::move(entries));
    ObjectSnapshot& snap = st_.objects_.emplace_front();
    snap.entries = stored.data();
    snap.count = static_cast<uint32_t>(stored.size());
    Value out = Value::object_handle(&snap);
    out.size = kSnapshotObject;
    return out;
  }

 private:
  Value copy_object(const Value& v, int depth) {
    std::vector<ObjectEntry> entries;
    if (is_snapshot(v)) {
      const auto* o = static_cast<const ObjectSnapshot*>(v.object);
      entries.assign(o->entries, o->entries + o->count);
    } else if (!host_ || !host_->object_entries(v, entries, scratch_)) {
      return Value();
    }
    for (ObjectEntry& e : entries) {
      e.key = text(e.key);
      e.value = copy(e.value, depth + 1);
    }
    return object_from(std::move(entries));
  }

  InstanceState& st_;
  Host* host_;
  Arena scratch_;
};

void InstanceState::freeze(Host& host) {
  // Copy into fresh storage, then drop the old (values may point into it while copying).
  InstanceState fresh;
  Freezer fz(fresh, &host);
  for (Value& v : locals) v = fz.copy(v);
  for (Value& v : pending_with) v = fz.copy(v);
  deferred_event = fz.copy(deferred_event);
  texts_ = std::move(fresh.texts_);
  lists_ = std::move(fresh.lists_);
  entries_ = std::move(fresh.entries_);
  objects_ = std::move(fresh.objects_);
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

Value read_value(Reader& r, Freezer& fz, int depth) {
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
      uint64_t n = r.count();
      std::vector<Value> items;
      for (uint64_t i = 0; i < n && r.ok(); ++i) items.push_back(read_value(r, fz, depth + 1));
      Value tmp = Value::list_of(items.data(), static_cast<uint32_t>(items.size()));
      return fz.copy(tmp);
    }
    case Kind::kObject: {
      uint64_t n = r.count();
      std::vector<ObjectEntry> entries;
      for (uint64_t i = 0; i < n && r.ok(); ++i) {
        std::string_view key = fz.text(r.bytes());
        Value v = read_value(r, fz, depth + 1);
        entries.push_back({key, v});
      }
      return fz.object_from(std::move(entries));
    }
  }
  r.fail();
  return Value();
}

}  // namespace

std::string InstanceState::encode() const {
  std::string out;
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
  return out;
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
  Freezer fz(out, nullptr);
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
  return true;
}

}  // namespace laud::vm
