// modules.h — test support: compile journey sources (name, text) as one module into module-file
// bytes, and load such bytes into a vm::Module the way laudd does (verified, views built).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vm/module.h"

namespace laud::testing {

using SourceFiles = std::vector<std::pair<std::string, std::string>>;

// The module file of `files`; empty with the rendered diagnostics in `error` when it does not compile.
std::string compile_module_bytes(const SourceFiles& files, std::string* error);

// The bytes read back and verified; null with `error` set on failure.
std::unique_ptr<vm::Module> load_module_bytes(const std::string& bytes, std::string* error);

}  // namespace laud::testing
