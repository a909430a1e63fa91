// profile.cc — trait merging and `set` paths over the owned JSON tree. Objects below the
// profile's root are never changed in place: a `set` below them replaces them with a changed copy.
#include "runtime/audience/profile.h"

namespace laud::runtime {

void merge_traits(Doc& traits, Doc& incoming, Graveyard& graveyard) {
  if (!traits.is_object()) traits = Doc::object();
  for (Doc::Member& m : incoming.members) {
    if (m.value->type == Doc::Type::kNull)
      graveyard.keep(traits.erase(m.key));
    else
      graveyard.keep(traits.put(m.key, std::move(*m.value)));
  }
}

void set_trait_path(Doc& traits, std::string_view path, Doc value, Graveyard& graveyard) {
  if (!traits.is_object()) traits = Doc::object();
  Doc* node = &traits;
  for (;;) {
    size_t dot = path.find('.');
    std::string_view head = path.substr(0, dot);
    if (dot == std::string_view::npos) {
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
    path.remove_prefix(dot + 1);
  }
}

}  // namespace laud::runtime
