// json_host.cc — the scripted JSON host: simdjson elements behind object handles.
#include "tests/support/json_host.h"

#include "vm/text_form.h"

namespace laud::testing {

using vm::Kind;
using vm::Value;

Value JsonHost::handle(simdjson::dom::element e, const Meta* meta) {
  handles_.push_back({e, meta});
  return Value::object_handle(&handles_.back());
}

void JsonHost::set_customer(std::string id, const std::string& traits_json) {
  Meta& m = metas_.emplace_back();
  m.id = std::move(id);
  m.is_customer = true;
  simdjson::dom::element e = parsers_.emplace_back().parse(traits_json);
  handles_.push_back({e, &m});
  customer_ = &handles_.back();
}

void JsonHost::set_event(const std::string& name, const std::string& properties_json, int64_t time_ms,
                         std::string message_id) {
  Meta& m = metas_.emplace_back();
  m.name = name;
  m.time = time_ms;
  m.message_id = std::move(message_id);
  simdjson::dom::element e = parsers_.emplace_back().parse(properties_json);
  handles_.push_back({e, &m});
  event_ = &handles_.back();
}

Value JsonHost::customer() { return customer_ ? Value::object_handle(customer_) : Value(); }
Value JsonHost::event() { return event_ ? Value::object_handle(event_) : Value(); }
Value JsonHost::trigger() { return trigger_ ? Value::object_handle(trigger_) : Value(); }

Value JsonHost::convert(simdjson::dom::element e, vm::Arena& arena) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::NULL_VALUE: return Value();
    case element_type::BOOL: return Value::boolean(bool(e.get_bool()));
    case element_type::INT64: return Value::integer(int64_t(e.get_int64()));
    case element_type::UINT64: {
      double d = double(uint64_t(e.get_uint64()));
      return Value::floating(d);
    }
    case element_type::DOUBLE: return Value::floating(double(e.get_double()));
    case element_type::STRING: return Value::string(std::string_view(e.get_string()));
    case element_type::ARRAY: {
      simdjson::dom::array a = e.get_array();
      size_t n = a.size();
      Value* items = arena.allocate_array<Value>(n);
      size_t i = 0;
      for (simdjson::dom::element x : a) items[i++] = convert(x, arena);
      return Value::list_of(items, static_cast<uint32_t>(n));
    }
    case element_type::OBJECT: return handle(e, nullptr);
  }
  return Value();
}

Value JsonHost::field(const Value& object, std::string_view key, uint32_t, vm::Arena& arena) {
  if (object.kind != Kind::kObject) return Value();
  const auto* h = static_cast<const Handle*>(object.object);
  if (h->meta && !key.empty() && key[0] == '$') {
    const Meta& m = *h->meta;
    if (key == "$id") return m.is_customer ? Value::string(m.id) : (m.message_id.empty() ? Value() : Value::string(m.message_id));
    if (key == "$name" && !m.is_customer) return Value::string(m.name);
    if (key == "$time" && !m.is_customer) return Value::time(m.time);
    return Value();
  }
  if (h == customer_) {
    auto it = traits_set.find(std::string(key));
    if (it != traits_set.end()) return Value::string(it->second);
  }
  simdjson::dom::element child;
  if (h->element.type() != simdjson::dom::element_type::OBJECT || h->element[key].get(child)) return Value();
  return convert(child, arena);
}

bool JsonHost::object_entries(const Value& object, std::vector<vm::ObjectEntry>& out, vm::Arena& arena) {
  if (object.kind != Kind::kObject) return false;
  const auto* h = static_cast<const Handle*>(object.object);
  if (h->element.type() != simdjson::dom::element_type::OBJECT) return false;
  for (auto [key, value] : simdjson::dom::object(h->element)) out.push_back({key, convert(value, arena)});
  return true;
}

Value JsonHost::aggregate(uint32_t index) {
  auto it = aggregates_.find(index);
  return it == aggregates_.end() ? Value() : it->second;
}

bool JsonHost::in_segment(uint32_t index) {
  if (!interp_ || index >= module_.segments.size()) return false;
  return interp_->call_predicate(module_.segments[index].fn, *this);
}

vm::SendResult JsonHost::send(const vm::SendRequest& r) {
  if (!r.resumed && now_ < defer_until_) return {vm::SendOutcome::kDeferred, defer_until_};
  RecordedSend s;
  s.journey = module_.journeys[r.journey].name;
  s.step = r.desc->step;
  s.channel = std::string(vm::channel_name(r.desc->channel));
  s.template_name = r.desc->template_name;
  vm::append_text(s.to, r.to);
  s.vars.push_back('{');
  for (size_t i = 0; i < r.with.size(); ++i) {
    if (i) s.vars.push_back(',');
    vm::append_json_string(s.vars, r.desc->with_keys[i]);
    s.vars.push_back(':');
    vm::append_json(s.vars, r.with[i]);
  }
  s.vars.push_back('}');
  s.occurrence = r.occurrence;
  s.resumed = r.resumed;
  s.time = now_;
  sends.push_back(std::move(s));
  return {};
}

void JsonHost::set_trait(std::string_view path, const Value& value) {
  std::string text;
  vm::append_text(text, value);
  traits_set[std::string(path)] = text;
}

}  // namespace laud::testing
