// fuzz_config.cc — libFuzzer target for laudd's config loader (runtime/config/config.cc, TOML
// through toml++): arbitrary text is either a RunConfig whose values are in their documented
// ranges, or refused with an error located in the file ("fuzz.toml:LINE:COL: ..." or
// "fuzz.toml: missing key ..."); never a crash, a hang or an escaping exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  laud::runtime::RunConfig c;
  std::string error;
  if (!laud::runtime::parse_config(text, "fuzz.toml", c, &error)) {
    if (error.rfind("fuzz.toml:", 0) != 0) std::abort();  // every refusal names the file
    return 0;
  }
  if (c.module.empty() || c.transactional_id.empty() || c.input_topics.empty()) std::abort();
  if (c.batch_messages < 1 || c.batch_messages > 1'000'000 || c.batch_ms < 1 || c.batch_ms > 5'000) std::abort();
  if (c.clock != "event" && c.clock != "wall") std::abort();
  return 0;
}
