// fuzz_state.cc — libFuzzer target for laudd's durable-state loader (runtime/state/codec.h):
// arbitrary bytes are refused or decoded as a customer record; what decodes must re-encode to
// bytes that decode again to the same encoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/state/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  laud::runtime::Customer c;
  if (!laud::runtime::decode_customer(bytes, c, nullptr)) return 0;
  std::string once = laud::runtime::encode_customer(c);
  laud::runtime::Customer again;
  if (!laud::runtime::decode_customer(once, again, nullptr)) std::abort();
  if (laud::runtime::encode_customer(again) != once) std::abort();
  return 0;
}
