// codec.h — the bytes of laudd's durable state (docs/runtime.md, "Durable state"): one record
// per customer (traits, messageId window, aggregates, live instances with their VM state and
// trigger, entry records, recent sends, goal windows) and one record for the engine (clock,
// sequence counters, limits, schedules, stats, input and output positions). Decoding never
// trusts a length and reports malformed bytes instead of crashing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "runtime/common/doc.h"
#include "runtime/engine/state.h"
#include "runtime/engine/stats.h"
#include "runtime/journeys/version.h"
#include "vm/bytes.h"

namespace laud::runtime {

// 2: the engine record holds the input's hash; 3: traits apart; 4: compact aggregates; 5: aggregates apart
inline constexpr uint8_t kStateFormat = 5;

void encode_doc(std::string& out, const Doc& d);
bool decode_doc(vm::ByteReader& r, Doc& d, int depth = 0);

// How engine-wide numbers appear in the persisted form, where they must survive a change of
// module: journeys by name, aggregate slots by signature, module versions by content hash.
struct CodecContext {
  std::function<std::string_view(uint32_t)> journey_name;  // journey id → name
  std::function<uint64_t(uint32_t)> slot_signature;        // aggregate slot → signature
  // Decoding: name → journey id, signature → slot (kNone: dropped), hash → version (null: the
  // record names a module version the engine does not have: refused).
  std::function<uint32_t(std::string_view)> journey_id;
  std::function<uint32_t(uint64_t)> slot;
  std::function<ModuleVersion*(uint64_t)> version;
};

// A customer's record holds everything but its traits and its aggregates, which have records of
// their own (each written only when it changed: most events leave both alone).
// The *_to forms append to `out` (a buffer the caller reuses: no allocation per record).
std::string encode_customer(const Customer& c, const CodecContext& cx);
void encode_customer_to(std::string& out, const Customer& c, const CodecContext& cx);
// A checkpoint encodes thousands of cold customers one after another, and each one's parts hang
// from pointers in the one before: a chain of misses. Asking a few customers ahead, one link per
// stage, overlaps them: stage 0 the Customer itself, 1 the arrays it points to, 2 the nodes in
// those arrays, 3 what the nodes point to, 4 one link further (kept events' properties, goal
// windows' arrays). collect_state runs the stages 3 customers apart, the last one 3 customers
// before the encode.
void prefetch_for_checkpoint(const Customer& c, int stage);
std::string encode_traits(const Doc& traits);
void encode_traits_to(std::string& out, const Doc& traits);
bool decode_traits(std::string_view bytes, Doc& traits, std::string* error);
void encode_aggregates_to(std::string& out, const Customer& c, const CodecContext& cx);
// `dropped` is set when the record holds an aggregate no loaded module version keeps (a deploy
// removed it): the caller rewrites the record without it at the next checkpoint.
bool decode_aggregates(std::string_view bytes, Customer& c, const CodecContext& cx, bool* dropped, std::string* error);
bool decode_customer(std::string_view bytes, Customer& c, const CodecContext& cx, std::string* error);

// Stats by journey name: `journey_id` maps (and may add) names when decoding.
void encode_stats(std::string& out, const Stats& s);
bool decode_stats(vm::ByteReader& r, Stats& s, const std::function<uint32_t(std::string_view)>& journey_id);

}  // namespace laud::runtime
