// value.h — the VM's value: a 16-byte tagged view (LANGUAGE.md §3).
// Values never own memory: strings and lists point into the module (constants), the host's data
// (profiles, events) or the activation's scratch arena, all of which outlive an evaluation.
// Objects (JSON objects) are opaque host handles reached only through paths.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace laud::vm {

enum class Kind : uint8_t { kNull, kBool, kInt, kFloat, kString, kTime, kDuration, kList, kObject };

std::string_view kind_name(Kind k);  // "null", "bool", "int", ...

struct Value {
  Kind kind = Kind::kNull;
  uint32_t size = 0;  // string bytes or list elements
  union {
    bool b;
    int64_t i;  // int; time (ms since the epoch, UTC); duration (ms)
    double f;
    const char* s;
    const Value* list;
    const void* object;  // host handle
  };

  constexpr Value() : i(0) {}

  static constexpr Value null() { return Value(); }
  static Value boolean(bool v) { Value x; x.kind = Kind::kBool; x.b = v; return x; }
  static Value integer(int64_t v) { Value x; x.kind = Kind::kInt; x.i = v; return x; }
  static Value floating(double v) { Value x; x.kind = Kind::kFloat; x.f = v; return x; }
  static Value time(int64_t ms) { Value x; x.kind = Kind::kTime; x.i = ms; return x; }
  static Value duration(int64_t ms) { Value x; x.kind = Kind::kDuration; x.i = ms; return x; }
  static Value string(std::string_view v) {
    Value x;
    x.kind = Kind::kString;
    x.s = v.data();
    x.size = static_cast<uint32_t>(v.size());
    return x;
  }
  static Value list_of(const Value* items, uint32_t n) {
    Value x;
    x.kind = Kind::kList;
    x.list = items;
    x.size = n;
    return x;
  }
  static Value object_handle(const void* h) { Value x; x.kind = Kind::kObject; x.object = h; return x; }

  bool is_null() const { return kind == Kind::kNull; }
  bool is_number() const { return kind == Kind::kInt || kind == Kind::kFloat; }
  std::string_view str() const { return {s, size}; }
  // `and`/`or`/`not`/conditions: only `true` is true (§3: null and non-bool count as false).
  bool truthy() const { return kind == Kind::kBool && b; }
};

static_assert(sizeof(Value) == 16, "Value must stay two words");

}  // namespace laud::vm
