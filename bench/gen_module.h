// gen_module.h — a deterministic generator of large, realistic, error-free .journey modules
// for the front-end benchmark: consts, segments with aggregates, policies and journeys that use
// every construct of LANGUAGE.md (all settings, every kind of wait, if/else, splits, let/set,
// labels with gotos through `wait 1d`, comments). Same arguments, same text, byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace laud::bench {

struct GeneratedModule {
  std::string text;
  size_t lines = 0;     // newline-terminated lines in `text`
  size_t journeys = 0;
};

// Emits units (consts + segments + one journey, a policy now and then) until the module has at
// least `min_lines` lines. `seed` varies numbers and optional pieces, never the validity.
GeneratedModule generate_module(size_t min_lines, uint64_t seed = 0x1a0d5eedULL);

}  // namespace laud::bench
