// fuzz_events.cc — libFuzzer target for laudd's input path: the example module (examples/*.journey,
// compiled once) runs over arbitrary bytes split into lines — decoding, dedup, traits, aggregates,
// triggers, exits, waits, sends, stats — then the end of input without --until. Any crash, leak,
// hang or sanitizer report is a bug: no input bytes may crash laudd (LANGUAGE.md §12).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/codegen.h"
#include "compiler/driver.h"
#include "runtime/dispatch/sink.h"
#include "runtime/engine/engine.h"
#include "vm/module_format.h"

namespace {

const laud::vm::Module* g_module = nullptr;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Compiles examples/*.journey (name order) as one module and loads it back from its bytes, as laudd does.
const laud::vm::Module* load_examples() {
  namespace fs = std::filesystem;
  const fs::path root(LAUD_SOURCE_DIR);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(root / "examples"))
    if (e.path().extension() == ".journey") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  laud::compiler::Compilation c;
  for (const fs::path& f : files) add_source(c, fs::relative(f, root).generic_string(), read_file(f));
  laud::vm::Module compiled;
  if (files.empty() || !laud::compiler::compile(c, compiled)) {
    std::fprintf(stderr, "fuzz_events: cannot compile %s/examples:\n%s\n", LAUD_SOURCE_DIR,
                 c.diags.render_text().c_str());
    std::abort();
  }
  auto* loaded = new laud::vm::Module();  // lives for the whole run
  std::string error;
  if (!laud::vm::read_module(laud::vm::write_module(compiled), *loaded, &error)) {
    std::fprintf(stderr, "fuzz_events: the compiled examples do not load: %s\n", error.c_str());
    std::abort();
  }
  return loaded;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_module = load_examples();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  laud::runtime::StringSink dispatches, rejects;
  laud::runtime::Engine engine(*g_module, dispatches, &rejects);  // --clock event, no --until
  std::string_view input(reinterpret_cast<const char*>(data), size);
  uint64_t line_number = 0;
  while (!input.empty()) {
    size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // as LineReader does
    engine.process_line(line, ++line_number);
    if (nl == std::string_view::npos) break;
    input.remove_prefix(nl + 1);
  }
  engine.finish();
  (void)engine.stats_json();
  return 0;
}
