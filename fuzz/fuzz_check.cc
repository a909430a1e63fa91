// fuzz_check.cc — libFuzzer target for the front end: parse + analyze arbitrary bytes as a
// .journey file and render the diagnostics (text and JSON). Any crash, leak or hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/driver.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  laud::compiler::Compilation c;
  laud::compiler::FrontEndLimits limits;
  limits.max_nesting = 64;
  add_source(c, "fuzz.journey", std::string(reinterpret_cast<const char*>(data), size), limits);
  analyze(c);
  (void)c.diags.render_text();
  (void)c.diags.render_json();
  return 0;
}
