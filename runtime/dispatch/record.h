// record.h — Messaging Dispatcher: the dispatch record of LANGUAGE.md §10 and its deterministic
// id (FNV-1a 64 of `JOURNEY|CUSTOMER|KEY|ENTRY|LINE:COL|OCC`), written as one JSON line.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "vm/module.h"
#include "vm/value.h"

namespace laud::runtime {

struct DispatchRecord {
  std::string_view journey;
  const vm::SendDesc* send = nullptr;
  std::string_view customer;
  std::string_view key;  // the instance key's text form ("" without `key`)
  uint32_t entry = 0;    // 1-based
  uint32_t occurrence = 0;
  vm::Value to;                    // resolved address (not null)
  std::span<const vm::Value> with;  // values for send->with_keys
  int64_t time = 0;
};

uint64_t dispatch_id(const DispatchRecord& r);

// Appends the record's JSON line (without the newline): id, journey, step, channel, template,
// customer, to, vars, time — in that order, compact.
void append_dispatch_json(std::string& out, const DispatchRecord& r);

}  // namespace laud::runtime
