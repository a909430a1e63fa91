// stats_merge.cc — sums the per-partition stats reports (JSON) into one, with simdjson's DOM
// read into a small tree and written back with two-space indentation.
#include "runtime/kafka/stats_merge.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <memory>
#include <utility>

#include "vm/text_form.h"

namespace laud::runtime {

namespace {

struct Node {
  enum Kind { kNumber, kObject, kArray, kOther } kind = kOther;
  uint64_t number = 0;
  std::string other;                                            // raw JSON (strings, booleans, null)
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> fields;
  std::vector<std::unique_ptr<Node>> items;
};

void merge(Node& into, simdjson::dom::element e, bool fresh) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::UINT64:
    case element_type::INT64:
      if (fresh) into.kind = Node::kNumber;
      if (into.kind == Node::kNumber) {
        uint64_t u = 0;
        int64_t i = 0;
        if (!e.get(u))
          into.number += u;
        else if (!e.get(i))
          into.number += static_cast<uint64_t>(i);
      }
      return;
    case element_type::OBJECT: {
      if (fresh) into.kind = Node::kObject;
      if (into.kind != Node::kObject) return;
      simdjson::dom::object obj;
      if (e.get(obj)) return;
      for (auto [k, v] : obj) {
        Node* child = nullptr;
        for (auto& [name, n] : into.fields)
          if (name == k) child = n.get();
        bool is_new = !child;
        if (is_new) child = into.fields.emplace_back(std::string(k), std::make_unique<Node>()).second.get();
        merge(*child, v, is_new);
      }
      return;
    }
    case element_type::ARRAY: {
      if (fresh) into.kind = Node::kArray;
      if (into.kind != Node::kArray) return;
      size_t i = 0;
      simdjson::dom::array arr;
      if (e.get(arr)) return;
      for (auto v : arr) {
        bool is_new = i == into.items.size();
        if (is_new) into.items.push_back(std::make_unique<Node>());
        merge(*into.items[i++], v, is_new);
      }
      return;
    }
    default:
      if (fresh) into.other = simdjson::minify(e);
      return;
  }
}

void write(std::string& out, const Node& n, int indent) {
  std::string pad(static_cast<size_t>(indent + 2), ' ');
  switch (n.kind) {
    case Node::kNumber:
      out += std::to_string(n.number);
      return;
    case Node::kOther:
      out += n.other;
      return;
    case Node::kObject:
      if (n.fields.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      for (size_t i = 0; i < n.fields.size(); ++i) {
        out += pad;
        vm::append_json_string(out, n.fields[i].first);
        out += ": ";
        write(out, *n.fields[i].second, indent + 2);
        out += i + 1 < n.fields.size() ? ",\n" : "\n";
      }
      out += std::string(static_cast<size_t>(indent), ' ') + "}";
      return;
    case Node::kArray:
      if (n.items.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      for (size_t i = 0; i < n.items.size(); ++i) {
        out += pad;
        write(out, *n.items[i], indent + 2);
        out += i + 1 < n.items.size() ? ",\n" : "\n";
      }
      out += std::string(static_cast<size_t>(indent), ' ') + "]";
      return;
  }
}

}  // namespace

std::string merge_stats_reports(const std::vector<std::string>& reports) {
  if (reports.empty()) return "{}\n";
  if (reports.size() == 1) return reports[0];
  Node root;
  simdjson::dom::parser parser;
  bool first = true;
  for (const std::string& r : reports) {
    simdjson::dom::element doc;
    if (parser.parse(r).get(doc)) continue;
    merge(root, doc, first);
    first = false;
  }
  std::string out;
  write(out, root, 0);
  out += "\n";
  return out;
}

}  // namespace laud::runtime
