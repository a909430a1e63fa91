// catalog.h — Journey Manager: the module laudd runs, read from a `.ljb` file and verified (or
// handed over already compiled), with its bytes kept so that a durable state can record which
// module version its instances run (state key `m` + hash), and lookups of journeys by name.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "vm/module.h"

namespace laud::runtime {

class JourneyCatalog {
 public:
  // Reads, verifies and finalizes a module file; false with a message naming the file.
  bool load_file(const std::string& path, std::string* error);
  // The same from bytes (`name` for messages).
  bool load_bytes(std::string bytes, std::string_view name, std::string* error);

  const vm::Module& module() const { return *module_; }
  const std::string& bytes() const { return bytes_; }  // the module file as loaded
  uint64_t hash() const { return module_->content_hash; }
  std::optional<uint32_t> journey(std::string_view name) const;

 private:
  std::unique_ptr<vm::Module> module_;
  std::string bytes_;
};

}  // namespace laud::runtime
