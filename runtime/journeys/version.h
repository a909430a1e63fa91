// version.h — Journey Manager: one module version as the engine runs it. The current module is
// version 0; a durable state can hold instances started under older modules, which finish on the
// version they started with (docs/runtime.md, "Module versions"). Each version has its own event
// routes and interpreter; its aggregates map onto the engine's aggregate slots (a descriptor that
// is identical in two versions shares one state) and its journeys onto engine journey ids (by name).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/trigger/event_index.h"
#include "vm/interp.h"
#include "vm/module.h"

namespace laud::runtime {

struct ModuleVersion {
  const vm::Module* module = nullptr;
  std::unique_ptr<vm::Module> owned;  // older versions, read back from the state store
  EventIndex* index = nullptr;
  vm::Interpreter* interp = nullptr;
  std::unique_ptr<EventIndex> owned_index;
  std::unique_ptr<vm::Interpreter> owned_interp;
  std::vector<uint32_t> agg_slot;    // module aggregate index → engine aggregate slot
  std::vector<uint32_t> journey_id;  // module journey index → engine journey id (Stats::journeys)
  uint64_t live = 0;                 // live instances running this version
  uint64_t hash() const { return module->content_hash; }
};

// A signature of aggregate `a` of `m` that is equal exactly when two descriptors keep the same
// state: function, event, property path, window, and the `where` code with its constants.
uint64_t aggregate_signature(const vm::Module& m, uint32_t a);

}  // namespace laud::runtime
