// fuzz_state.cc — libFuzzer target for laudd's durable-state loader (runtime/state/codec.h):
// arbitrary bytes are refused or decoded as a customer record, a traits record and an aggregates record; what
// decodes must re-encode to bytes that decode again to the same encoding. A stand-in module version with a few journeys
// answers for every module hash; journeys and aggregate slots map by name and signature.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/state/codec.h"

namespace {

struct World {
  laud::vm::Module module;
  laud::runtime::ModuleVersion version;
  std::vector<std::string> names;
  std::vector<uint64_t> signatures;
  World() {
    version.module = &module;
    version.journey_id = {0, 1, 2, 3};
  }
  laud::runtime::CodecContext context() {
    laud::runtime::CodecContext cx;
    cx.journey_name = [this](uint32_t id) -> std::string_view { return names[id]; };
    cx.slot_signature = [this](uint32_t slot) { return signatures[slot]; };
    cx.journey_id = [this](std::string_view name) {
      for (uint32_t k = 0; k < names.size(); ++k)
        if (names[k] == name) return k;
      names.emplace_back(name);
      return static_cast<uint32_t>(names.size() - 1);
    };
    cx.slot = [this](uint64_t sig) {
      for (uint32_t k = 0; k < signatures.size(); ++k)
        if (signatures[k] == sig) return k;
      signatures.push_back(sig);
      return static_cast<uint32_t>(signatures.size() - 1);
    };
    cx.version = [this](uint64_t) { return &version; };
    return cx;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  laud::runtime::Doc traits;
  if (laud::runtime::decode_traits(bytes, traits, nullptr)) {
    std::string once = laud::runtime::encode_traits(traits);
    laud::runtime::Doc again;
    if (!laud::runtime::decode_traits(once, again, nullptr)) std::abort();
    if (laud::runtime::encode_traits(again) != once) std::abort();
  }
  laud::runtime::CodecContext cx = world.context();
  laud::runtime::Customer with_aggregates;
  bool dropped = false;
  if (laud::runtime::decode_aggregates(bytes, with_aggregates, cx, &dropped, nullptr)) {
    std::string once;
    laud::runtime::encode_aggregates_to(once, with_aggregates, cx);
    laud::runtime::Customer again;
    if (!laud::runtime::decode_aggregates(once, again, cx, &dropped, nullptr)) std::abort();
    std::string twice;
    laud::runtime::encode_aggregates_to(twice, again, cx);
    if (twice != once) std::abort();
  }
  laud::runtime::Customer c;
  if (!laud::runtime::decode_customer(bytes, c, cx, nullptr)) return 0;
  std::string once = laud::runtime::encode_customer(c, cx);
  laud::runtime::Customer again;
  if (!laud::runtime::decode_customer(once, again, cx, nullptr)) std::abort();
  if (laud::runtime::encode_customer(again, cx) != once) std::abort();
  return 0;
}
