// profile.cc — trait merging and `set` paths over the owned JSON tree. A merge updates values in
// place (it runs before any code of the event); a `set` never changes an object below the root in
// place: it replaces it with a changed copy, since VM values may point into it.
#include "runtime/audience/profile.h"

namespace laud::runtime {

void merge_traits(Doc& traits, const Doc& incoming) {
  if (!traits.is_object()) traits = Doc::object();
  for (const Doc::Member& m : incoming.members) {
    if (m.value->type == Doc::Type::kNull) {
      traits.erase(m.key);
    } else if (Doc* old = traits.find(m.key)) {
      assign_doc(*old, *m.value);
    } else {
      traits.members.push_back({m.key, std::make_unique<Doc>()});
      assign_doc(*traits.members.back().value, *m.value);
    }
  }
}

namespace {

// The next key of a SETTRAIT path (keys joined by `.`, `.` and `\` inside a key escaped by `\`);
// removes it and its separator from `path`. Sets `last` when no key follows.
std::string next_key(std::string_view& path, bool& last) {
  std::string key;
  size_t i = 0;
  for (; i < path.size(); ++i) {
    char ch = path[i];
    if (ch == '\\' && i + 1 < path.size()) {
      key += path[++i];
    } else if (ch == '.') {
      break;
    } else {
      key += ch;
    }
  }
  last = i >= path.size();
  path.remove_prefix(last ? path.size() : i + 1);
  return key;
}

}  // namespace

void set_trait_path(Doc& traits, std::string_view path, Doc value, Graveyard& graveyard) {
  if (!traits.is_object()) traits = Doc::object();
  Doc* node = &traits;
  for (;;) {
    bool last = false;
    std::string head = next_key(path, last);
    if (last) {
      if (value.type == Doc::Type::kNull)
        graveyard.keep(node->erase(head));
      else
        graveyard.keep(node->put(head, std::move(value)));
      return;
    }
    Doc* next = node->find(head);
    if (!next || !next->is_object()) {
      if (value.type == Doc::Type::kNull) return;  // nothing to remove below a non-object
      graveyard.keep(node->put(head, Doc::object()));
    } else {
      // Copy on write: a VM value (a `let` holding customer.address) may point at this object;
      // it keeps the object as it was, the profile gets a changed copy.
      graveyard.keep(node->put(head, next->clone()));
    }
    node = node->find(head);
  }
}

}  // namespace laud::runtime
