// modules.cc — compile and load helpers for tests.
#include "tests/support/modules.h"

#include "compiler/codegen.h"
#include "compiler/driver.h"
#include "vm/module_format.h"

namespace laud::testing {

std::string compile_module_bytes(const SourceFiles& files, std::string* error) {
  compiler::Compilation c;
  for (const auto& [name, text] : files) compiler::add_source(c, name, text);
  vm::Module m;
  if (!compiler::compile(c, m)) {
    if (error) *error = c.diags.render_text();
    return {};
  }
  return vm::write_module(m);
}

std::unique_ptr<vm::Module> load_module_bytes(const std::string& bytes, std::string* error) {
  auto m = std::make_unique<vm::Module>();
  if (!vm::read_module(bytes, *m, error)) return nullptr;
  return m;
}

}  // namespace laud::testing
