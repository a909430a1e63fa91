// profile.h — Audience Manager: a customer's traits. Identify calls merge per top-level key (a
// JSON null removes the key, §8); `set customer.a.b = v` writes one path (null removes it).
// Replaced values go to the Graveyard: VM values of the running event may still point into them.
#pragma once

#include <string_view>

#include "runtime/common/doc.h"

namespace laud::runtime {

void merge_traits(Doc& traits, Doc& incoming, Graveyard& graveyard);

// `path` is the dotted path under `customer` as SETTRAIT holds it ("tier", "address.city";
// `a\.b` is the one key `a.b`). Intermediate members that are missing or not objects become objects.
void set_trait_path(Doc& traits, std::string_view path, Doc value, Graveyard& graveyard);

}  // namespace laud::runtime
