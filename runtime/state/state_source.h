// state_source.h — where Engine::restore_state reads durable state records from: the keys of
// runtime/state/checkpoint.cc (`g` the engine, `c` + id a customer, `t` + id its traits, `m` + hash
// a module version),
// served by the RocksDB StateStore or by a Kafka changelog partition read into memory.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace laud::runtime {

struct StateSource {
  // The value of `key`: false when absent (error left empty) or on failure (error set).
  std::function<bool(std::string_view key, std::string& value, std::string* error)> get;
  // Calls `f` for each key with `prefix`, in key order; stops early when `f` returns false.
  std::function<bool(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& f,
                     std::string* error)>
      scan;
};

// Records to write: key, value.
using StatePuts = std::vector<std::pair<std::string, std::string>>;
// One record handed to whoever writes it (a RocksDB batch, a Kafka producer); the views are valid
// only during the call.
using StatePut = std::function<void(std::string_view key, std::string_view value)>;

}  // namespace laud::runtime
