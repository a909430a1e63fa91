// fuzz_instance.cc — libFuzzer target for the instance-state loader (vm::InstanceState::decode):
// arbitrary bytes are refused or decoded; what decodes must re-encode and decode again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vm/instance.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  laud::vm::InstanceState st;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!laud::vm::InstanceState::decode(bytes, st)) return 0;
  laud::vm::InstanceState again;
  if (!laud::vm::InstanceState::decode(st.encode(), again)) std::abort();
  return 0;
}
