// engine_host.cc — vm::Host over the engine's customers, events and instances.
#include "runtime/engine/engine_host.h"

#include <algorithm>

#include "runtime/audience/profile.h"
#include "runtime/engine/engine.h"
#include "vm/instance.h"

namespace laud::runtime {

using vm::Kind;
using vm::Value;

Value object_value(const void* p, uint32_t tag) {
  Value v = Value::object_handle(p);
  v.size = tag;
  return v;
}

Value doc_value(const Doc& d, vm::Arena& arena) {
  switch (d.type) {
    case Doc::Type::kNull: return Value();
    case Doc::Type::kBool: return Value::boolean(d.b);
    case Doc::Type::kInt: return Value::integer(d.i);
    case Doc::Type::kFloat: return Value::floating(d.f);
    case Doc::Type::kString: return Value::string(d.s);
    case Doc::Type::kTime: return Value::time(d.i);
    case Doc::Type::kDuration: return Value::duration(d.i);
    case Doc::Type::kArray: {
      Value* items = arena.allocate_array<Value>(d.items.size());
      for (size_t k = 0; k < d.items.size(); ++k) items[k] = doc_value(d.items[k], arena);
      return Value::list_of(items, static_cast<uint32_t>(d.items.size()));
    }
    case Doc::Type::kObject: return object_value(&d, kDocObject);
  }
  return Value();
}

namespace {

void copy_members(const Doc& from, Doc& to) {
  for (const Doc::Member& m : from.members) to.put(m.key, m.value->clone());
}

}  // namespace

Doc value_doc(const Value& v) {
  Doc d;
  switch (v.kind) {
    case Kind::kNull: break;
    case Kind::kBool: d.type = Doc::Type::kBool; d.b = v.b; break;
    case Kind::kInt: d.type = Doc::Type::kInt; d.i = v.i; break;
    case Kind::kFloat: d.type = Doc::Type::kFloat; d.f = v.f; break;
    case Kind::kString: d = Doc::string(v.str()); break;
    case Kind::kTime: d.type = Doc::Type::kTime; d.i = v.i; break;
    case Kind::kDuration: d.type = Doc::Type::kDuration; d.i = v.i; break;
    case Kind::kList:
      d.type = Doc::Type::kArray;
      d.items.reserve(v.size);
      for (uint32_t k = 0; k < v.size; ++k) d.items.push_back(value_doc(v.list[k]));
      break;
    case Kind::kObject:
      d = Doc::object();
      if (vm::is_snapshot(v)) {
        auto* snap = static_cast<const vm::ObjectSnapshot*>(v.object);
        for (uint32_t k = 0; k < snap->count; ++k) d.put(snap->entries[k].key, value_doc(snap->entries[k].value));
      } else if (v.size == kDocObject) {
        copy_members(*static_cast<const Doc*>(v.object), d);
      } else if (v.size == kCustomerObject) {
        copy_members(static_cast<const Customer*>(v.object)->traits, d);
      } else if (v.size == kEventObject) {
        copy_members(static_cast<const EventRoot*>(v.object)->props, d);
      }
      break;
  }
  return d;
}

Value EngineHost::customer() {
  return e_.ctx_.customer ? object_value(e_.ctx_.customer, kCustomerObject) : Value();
}
Value EngineHost::event() { return e_.ctx_.event ? object_value(e_.ctx_.event, kEventObject) : Value(); }
Value EngineHost::trigger() { return e_.ctx_.trigger ? object_value(e_.ctx_.trigger, kEventObject) : Value(); }
int64_t EngineHost::now() { return e_.now_; }

Value EngineHost::field(const Value& object, std::string_view key, uint32_t, vm::Arena& arena) {
  if (object.kind != Kind::kObject) return Value();
  const Doc* doc = nullptr;
  switch (object.size) {
    case kDocObject: doc = static_cast<const Doc*>(object.object); break;
    case kCustomerObject: {
      auto* c = static_cast<const Customer*>(object.object);
      if (key == "$id") return Value::string(c->id);
      doc = &c->traits;
      break;
    }
    case kEventObject: {
      auto* ev = static_cast<const EventRoot*>(object.object);
      if (!key.empty() && key[0] == '$') {
        if (key == "$name") return Value::string(ev->name);
        if (key == "$time") return Value::time(ev->time);
        if (key == "$id") return ev->has_id ? Value::string(ev->id) : Value();
      }
      doc = &ev->props;
      break;
    }
    default: return Value();
  }
  const Doc* m = doc->find(key);
  return m ? doc_value(*m, arena) : Value();
}

bool EngineHost::object_entries(const Value& object, std::vector<vm::ObjectEntry>& out, vm::Arena& arena) {
  if (object.kind != Kind::kObject || vm::is_snapshot(object)) return false;
  const Doc* doc = nullptr;
  switch (object.size) {
    case kDocObject: doc = static_cast<const Doc*>(object.object); break;
    case kCustomerObject: {
      auto* c = static_cast<const Customer*>(object.object);
      out.push_back({"$id", Value::string(c->id)});
      doc = &c->traits;
      break;
    }
    case kEventObject: {
      // A kept event keeps its `$name`, `$time` and `$id` too.
      auto* ev = static_cast<const EventRoot*>(object.object);
      out.push_back({"$name", Value::string(ev->name)});
      out.push_back({"$time", Value::time(ev->time)});
      if (ev->has_id) out.push_back({"$id", Value::string(ev->id)});
      doc = &ev->props;
      break;
    }
    default: return false;
  }
  for (const Doc::Member& m : doc->members) out.push_back({m.key, doc_value(*m.value, arena)});
  return true;
}

Value EngineHost::aggregate(uint32_t index) {
  Customer* c = e_.ctx_.customer;
  ModuleVersion& v = e_.version();
  if (!c || index >= v.agg_slot.size()) return Value();
  uint32_t slot = v.agg_slot[index];
  if (slot < c->aggregates.size() && c->aggregates[slot]) return c->aggregates[slot]->query(*e_.slots_[slot].desc, e_.now_);
  AggState none;  // nothing recorded: answer without keeping a state for this customer
  return none.query(*e_.slots_[slot].desc, e_.now_);
}

bool EngineHost::in_segment(uint32_t index) {
  ModuleVersion& v = e_.version();
  if (index >= v.module->segments.size()) return false;
  return v.interp->call(v.module->segments[index].fn, *this).truthy();
}

vm::SendResult EngineHost::send(const vm::SendRequest& request) { return e_.send(request); }

void EngineHost::set_trait(std::string_view path, const Value& value) {
  if (!e_.ctx_.customer) return;
  e_.before_change(*e_.ctx_.customer, e_.index_.enter_readers_of_traits());
  e_.ctx_.customer->traits_dirty = true;
  set_trait_path(e_.ctx_.customer->traits, path, value_doc(value), e_.graveyard_);
}

void EngineHost::split_taken(uint32_t split, uint32_t arm) {
  Customer* c = e_.ctx_.customer;
  Instance* inst = e_.ctx_.instance;
  if (!c || !inst) return;
  // A split that runs again (a goto loop) takes the same arm: record it once.
  for (GoalWindow& g : c->goals)
    if (g.instance == inst->seq && std::find(g.arms.begin(), g.arms.end(), std::make_pair(split, arm)) == g.arms.end())
      g.arms.emplace_back(split, arm);
}

}  // namespace laud::runtime
