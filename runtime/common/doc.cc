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


Doc doc_from_json(simdjson::dom::element e) {
  Doc d;
  fill_doc_from_json(d, e);
  return d;
}

namespace {

// Members let go by a refill (key string and value node), kept for the next one: consecutive
// events differ in shape, and a member dropped by one is taken by the next instead of a free and
// a malloc of its node (and of its key, when longer than a string holds inline). Bounded.
constexpr size_t kSpareMembers = 1024;
thread_local std::vector<Doc::Member> t_spare_members;

// Array items let go by a refill, kept the same way (moved: their own storage comes along).
constexpr size_t kSpareItems = 256;
thread_local std::vector<Doc> t_spare_items;

// Appends an item to `d`'s array: a spare one (stale contents, to be refilled) when there is one.
Doc& add_item(Doc& d) {
  if (t_spare_items.empty()) return d.items.emplace_back();
  d.items.push_back(std::move(t_spare_items.back()));
  t_spare_items.pop_back();
  return d.items.back();
}

// Keeps the first `n` items of `d`, handing the others to the spares.
void truncate_items(Doc& d, size_t n) {
  for (size_t k = n; k < d.items.size() && t_spare_items.size() < kSpareItems; ++k)
    t_spare_items.push_back(std::move(d.items[k]));
  d.items.resize(n);
}

// Keeps the first `n` members of `d`, handing the others (key and node) to the spares.
void truncate_members(Doc& d, size_t n) {
  for (size_t k = n; k < d.members.size() && t_spare_members.size() < kSpareMembers; ++k)
    t_spare_members.push_back(std::move(d.members[k]));
  d.members.resize(n);
}

// Sets the type; a value that stops being an array or an object lets go of its children, so
// that clone(), heap_bytes() and the codec never see stale ones.
void retype(Doc& d, Doc::Type t) {
  if (d.type == t) return;
  if (d.type == Doc::Type::kArray) truncate_items(d, 0);
  if (d.type == Doc::Type::kString) d.s.clear();
  Doc::Type was = d.type;
  d.type = t;
  if (was == Doc::Type::kObject) truncate_members(d, 0);
}

void set_number(Doc& d, double x) {
  // 2^63 is exactly representable; the int64 range is [-2^63, 2^63).
  if (std::trunc(x) == x && x >= -9223372036854775808.0 && x < 9223372036854775808.0) {
    retype(d, Doc::Type::kInt);
    d.i = static_cast<int64_t>(x);
  } else {
    retype(d, Doc::Type::kFloat);
    d.f = x;
  }
}

// The member `key` among the first `n` of `d` (a repeated JSON key), or null.
Doc* find_first(Doc& d, size_t n, std::string_view key) {
  for (size_t k = 0; k < n; ++k)
    if (d.members[k].key == key) return d.members[k].value.get();
  return nullptr;
}

// The next member slot `n` of an object being refilled: reused when there is one, else a spare.
Doc& member_slot(Doc& d, size_t n, std::string_view key) {
  if (n == d.members.size() && !t_spare_members.empty()) {
    d.members.push_back(std::move(t_spare_members.back()));
    t_spare_members.pop_back();
  }
  if (n < d.members.size()) {
    Doc::Member& m = d.members[n];
    m.key.assign(key);
    if (!m.value) m.value = std::make_unique<Doc>();
    return *m.value;
  }
  d.members.push_back({std::string(key), std::make_unique<Doc>()});
  return *d.members.back().value;
}

}  // namespace

void fill_doc_from_json(Doc& d, simdjson::dom::element e) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::NULL_VALUE: retype(d, Doc::Type::kNull); break;
    case element_type::BOOL: retype(d, Doc::Type::kBool); d.b = bool(e.get_bool()); break;
    case element_type::INT64: retype(d, Doc::Type::kInt); d.i = int64_t(e.get_int64()); break;
    case element_type::UINT64: set_number(d, double(uint64_t(e.get_uint64()))); break;
    case element_type::DOUBLE: set_number(d, double(e.get_double())); break;
    case element_type::STRING: retype(d, Doc::Type::kString); d.s.assign(std::string_view(e.get_string())); break;
    case element_type::ARRAY: {
      retype(d, Doc::Type::kArray);
      simdjson::dom::array a = e.get_array();
      size_t n = 0;
      for (simdjson::dom::element x : a) {
        if (n == d.items.size()) add_item(d);
        fill_doc_from_json(d.items[n++], x);
      }
      truncate_items(d, n);
      break;
    }
    case element_type::OBJECT: {
      retype(d, Doc::Type::kObject);
      size_t n = 0;
      simdjson::dom::object o = e.get_object();
      for (auto [key, value] : o) {
        // A repeated key: the last one wins, in the first one's place (as in JSON.parse).
        if (Doc* first = find_first(d, n, key)) {
          fill_doc_from_json(*first, value);
          continue;
        }
        fill_doc_from_json(member_slot(d, n++, key), value);
      }
      truncate_members(d, n);
      break;
    }
  }
}

void assign_doc(Doc& to, const Doc& from) {
  retype(to, from.type);
  to.b = from.b;
  to.i = from.i;
  to.f = from.f;
  switch (from.type) {
    case Doc::Type::kString: to.s.assign(from.s); break;
    case Doc::Type::kArray:
      // Exact sizes (no spares): `to` is kept (traits, a kept trigger), unlike a refilled event.
      to.items.resize(from.items.size());
      for (size_t k = 0; k < from.items.size(); ++k) assign_doc(to.items[k], from.items[k]);
      break;
    case Doc::Type::kObject:
      for (size_t k = 0; k < from.members.size(); ++k)
        assign_doc(member_slot(to, k, from.members[k].key), *from.members[k].value);
      truncate_members(to, from.members.size());
      break;
    default: break;
  }
}

void assign_members(Doc& to, const Doc& from, std::span<const std::string> keys) {
  retype(to, Doc::Type::kObject);
  size_t n = 0;
  for (const std::string& key : keys) {
    const Doc* value = from.find(key);
    if (value && !find_first(to, n, key)) assign_doc(member_slot(to, n++, key), *value);
  }
  truncate_members(to, n);
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
