// doc.cc — the owned JSON value: lookup, replacement, conversion from simdjson, JSON text.
#include "runtime/common/doc.h"

#include <cmath>

#include "vm/text_form.h"

namespace laud::runtime {

const Doc* Doc::find(std::string_view key) const {
  for (const Member& m : members)
    if (m.key == key) return m.value.get();
  return nullptr;
}

Doc* Doc::find(std::string_view key) {
  for (Member& m : members)
    if (m.key == key) return m.value.get();
  return nullptr;
}

std::unique_ptr<Doc> Doc::put(std::string_view key, Doc value) {
  for (Member& m : members) {
    if (m.key == key) {
      std::unique_ptr<Doc> old = std::move(m.value);
      m.value = std::make_unique<Doc>(std::move(value));
      return old;
    }
  }
  members.push_back({std::string(key), std::make_unique<Doc>(std::move(value))});
  return nullptr;
}

std::unique_ptr<Doc> Doc::erase(std::string_view key) {
  for (auto it = members.begin(); it != members.end(); ++it) {
    if (it->key == key) {
      std::unique_ptr<Doc> old = std::move(it->value);
      members.erase(it);
      return old;
    }
  }
  return nullptr;
}

Doc Doc::clone() const {
  Doc d;
  d.type = type;
  d.b = b;
  d.i = i;
  d.f = f;
  d.s = s;
  d.items.reserve(items.size());
  for (const Doc& x : items) d.items.push_back(x.clone());
  d.members.reserve(members.size());
  for (const Member& m : members) d.members.push_back({m.key, std::make_unique<Doc>(m.value->clone())});
  return d;
}

size_t Doc::heap_bytes() const {
  size_t n = s.capacity() > 15 ? s.capacity() : 0;
  n += items.capacity() * sizeof(Doc);
  for (const Doc& x : items) n += x.heap_bytes();
  n += members.capacity() * sizeof(Member);
  for (const Member& m : members) n += (m.key.capacity() > 15 ? m.key.capacity() : 0) + sizeof(Doc) + m.value->heap_bytes();
  return n;
}

namespace {

Doc number(double x) {
  Doc d;
  // 2^63 is exactly representable; the int64 range is [-2^63, 2^63).
  if (std::trunc(x) == x && x >= -9223372036854775808.0 && x < 9223372036854775808.0) {
    d.type = Doc::Type::kInt;
    d.i = static_cast<int64_t>(x);
  } else {
    d.type = Doc::Type::kFloat;
    d.f = x;
  }
  return d;
}

}  // namespace

Doc doc_from_json(simdjson::dom::element e) {
  using simdjson::dom::element_type;
  Doc d;
  switch (e.type()) {
    case element_type::NULL_VALUE: break;
    case element_type::BOOL: d.type = Doc::Type::kBool; d.b = bool(e.get_bool()); break;
    case element_type::INT64: d.type = Doc::Type::kInt; d.i = int64_t(e.get_int64()); break;
    case element_type::UINT64: d = number(double(uint64_t(e.get_uint64()))); break;
    case element_type::DOUBLE: d = number(double(e.get_double())); break;
    case element_type::STRING: d.type = Doc::Type::kString; d.s = std::string_view(e.get_string()); break;
    case element_type::ARRAY: {
      d.type = Doc::Type::kArray;
      simdjson::dom::array a = e.get_array();
      d.items.reserve(a.size());
      for (simdjson::dom::element x : a) d.items.push_back(doc_from_json(x));
      break;
    }
    case element_type::OBJECT: {
      d.type = Doc::Type::kObject;
      simdjson::dom::object o = e.get_object();
      d.members.reserve(o.size());
      for (auto [key, value] : o) {
        // A repeated key: the last one wins (as in JSON.parse).
        std::unique_ptr<Doc> old = d.put(key, doc_from_json(value));
        (void)old;
      }
      break;
    }
  }
  return d;
}

void append_doc_json(std::string& out, const Doc& d) {
  switch (d.type) {
    case Doc::Type::kNull: out += "null"; break;
    case Doc::Type::kBool: out += d.b ? "true" : "false"; break;
    case Doc::Type::kInt: out += vm::int_text(d.i).view(); break;
    case Doc::Type::kFloat: out += vm::float_text(d.f).view(); break;
    case Doc::Type::kTime: vm::append_json_string(out, vm::time_text(d.i).view()); break;
    case Doc::Type::kDuration: vm::append_json_string(out, vm::duration_text(d.i).view()); break;
    case Doc::Type::kString: vm::append_json_string(out, d.s); break;
    case Doc::Type::kArray:
      out += '[';
      for (size_t k = 0; k < d.items.size(); ++k) {
        if (k) out += ',';
        append_doc_json(out, d.items[k]);
      }
      out += ']';
      break;
    case Doc::Type::kObject:
      out += '{';
      for (size_t k = 0; k < d.members.size(); ++k) {
        if (k) out += ',';
        vm::append_json_string(out, d.members[k].key);
        out += ':';
        append_doc_json(out, *d.members[k].value);
      }
      out += '}';
      break;
  }
}

}  // namespace laud::runtime
