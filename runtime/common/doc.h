// doc.h — an owned JSON value: customer traits and event properties as laudd keeps them.
// Object members own their values through pointers, so a member's address (and the string it
// holds) never moves while other members are added; replaced values are handed to a Graveyard
// that keeps them alive until the current event is done, because VM values may still point at them.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace laud::runtime {

class Doc {
 public:
  // kTime and kDuration come only from `set customer.x = <time or duration>` (never from JSON).
  enum class Type : uint8_t { kNull, kBool, kInt, kFloat, kString, kArray, kObject, kTime, kDuration };
  struct Member {
    std::string key;
    std::unique_ptr<Doc> value;
  };

  Type type = Type::kNull;
  bool b = false;
  int64_t i = 0;  // kInt; kTime (ms since the epoch); kDuration (ms)
  double f = 0;
  std::string s;
  std::vector<Doc> items;        // kArray
  std::vector<Member> members;   // kObject, in insertion order

  static Doc object() { Doc d; d.type = Type::kObject; return d; }
  static Doc string(std::string_view v) { Doc d; d.type = Type::kString; d.s = v; return d; }

  bool is_object() const { return type == Type::kObject; }
  const Doc* find(std::string_view key) const;
  Doc* find(std::string_view key);
  // The member `key` of an object, replacing its value; returns the old value (or null) so
  // that the caller can keep it alive. Adds the member when absent.
  std::unique_ptr<Doc> put(std::string_view key, Doc value);
  std::unique_ptr<Doc> erase(std::string_view key);

  Doc clone() const;
  size_t heap_bytes() const;  // an estimate of the memory this value holds (for stats)
};

// Values replaced during one event, freed when it is done.
class Graveyard {
 public:
  void keep(std::unique_ptr<Doc> d) {
    if (d) docs_.push_back(std::move(d));
  }
  void clear() { docs_.clear(); }

 private:
  std::vector<std::unique_ptr<Doc>> docs_;
};

// JSON numbers (§3): integral values in the int64 range become ints (`2.0` and `1e3` too: JSON
// has one number type), everything else a float.
Doc doc_from_json(simdjson::dom::element e);
// The same into an existing Doc, reusing its storage (member nodes, string capacity) where the
// shapes repeat, as consecutive events' properties do: no allocation in the steady state.
void fill_doc_from_json(Doc& to, simdjson::dom::element e);

// Makes `to` a deep copy of `from`, reusing `to`'s storage. Only where no VM value can point
// into `to` (e.g. merging identify traits, which happens before any code of the event runs).
void assign_doc(Doc& to, const Doc& from);

// Makes `to` an object holding copies of the members of `from` named in `keys` (in that order,
// those present, each once), reusing `to`'s storage as assign_doc does, under the same condition.
void assign_members(Doc& to, const Doc& from, std::span<const std::string> keys);

// Compact JSON text of a Doc (for persisted state and debugging).
void append_doc_json(std::string& out, const Doc& d);

}  // namespace laud::runtime
