// codec.h — the bytes of laudd's durable state (docs/runtime.md, "Durable state"): one record
// per customer (traits, messageId window, aggregates, live instances with their VM state and
// trigger, entry records, recent sends, goal windows) and one record for the engine (clock,
// sequence counters, limits, schedules, stats, input and output positions). Decoding never
// trusts a length and reports malformed bytes instead of crashing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/common/doc.h"
#include "runtime/engine/state.h"
#include "runtime/engine/stats.h"
#include "vm/bytes.h"

namespace laud::runtime {

inline constexpr uint8_t kStateFormat = 1;

void encode_doc(std::string& out, const Doc& d);
bool decode_doc(vm::ByteReader& r, Doc& d, int depth = 0);

std::string encode_customer(const Customer& c);
bool decode_customer(std::string_view bytes, Customer& c, std::string* error);

void encode_stats(std::string& out, const Stats& s);
bool decode_stats(vm::ByteReader& r, Stats& s);

}  // namespace laud::runtime
