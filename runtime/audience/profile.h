// profile.h — Audience Manager: a customer's traits. Identify calls merge per top-level key (a
// JSON null removes the key, §8); `set customer.a.b = v` writes one path (null removes it).
// `set` hands replaced values to the Graveyard: VM values of the running code may point into them.
#pragma once

#include <string_view>

#include "runtime/common/doc.h"

namespace laud::runtime {

// In place, reusing the storage of the values it replaces: call it only where no VM value points
// into `traits` (the engine merges in step 1 of §9, before any code of the event runs).
void merge_traits(Doc& traits, const Doc& incoming);

// `path` is the dotted path under `customer` as SETTRAIT holds it ("tier", "address.city";
// `a\.b` is the one key `a.b`). Intermediate members that are missing or not objects become objects.
void set_trait_path(Doc& traits, std::string_view path, Doc value, Graveyard& graveyard);

}  // namespace laud::runtime
