// catalog.cc — loading and looking up the module.
#include "runtime/journeys/catalog.h"

#include <fstream>
#include <sstream>

#include "vm/module_format.h"

namespace laud::runtime {

bool JourneyCatalog::load_file(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = path + ": cannot open the module file";
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  return load_bytes(s.str(), path, error);
}

bool JourneyCatalog::load_bytes(std::string bytes, std::string_view name, std::string* error) {
  auto m = std::make_unique<vm::Module>();
  if (!vm::read_module(bytes, *m, error, name)) return false;
  module_ = std::move(m);
  bytes_ = std::move(bytes);
  return true;
}

std::optional<uint32_t> JourneyCatalog::journey(std::string_view name) const {
  for (uint32_t j = 0; j < module_->journeys.size(); ++j)
    if (module_->journeys[j].name == name) return j;
  return std::nullopt;
}

}  // namespace laud::runtime
