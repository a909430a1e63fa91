// fuzz_module.cc — libFuzzer target for the module loader (vm::read_module) and the verifier
// behind it: arbitrary bytes are refused or loaded, and what loads is canonical (it writes back
// to the same bytes). The input is tried as given and resealed (hash and checksum fixed), so the
// fuzzer reaches the structural checks; whatever the verifier accepts is then run by the
// interpreter against a host that answers null, which must not fault.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "vm/interp.h"
#include "vm/module_format.h"

namespace {

using namespace laud::vm;

class NullHost : public Host {
 public:
  Value customer() override { return Value(); }
  Value event() override { return Value(); }
  Value trigger() override { return Value(); }
  int64_t now() override { return 1'790'000'000'000; }
  Value field(const Value&, std::string_view, uint32_t, Arena&) override { return Value(); }
  bool object_entries(const Value&, std::vector<ObjectEntry>&, Arena&) override { return false; }
  Value aggregate(uint32_t) override { return Value::integer(3); }
  bool in_segment(uint32_t) override { return true; }
  SendResult send(const SendRequest&) override { return {}; }
  void set_trait(std::string_view, const Value&) override {}
};

// Runs every function once and starts every journey (resuming waits a few times).
void run_everything(const Module& m) {
  NullHost host;
  Interpreter vm(m);
  for (uint32_t f = 0; f < m.functions.size(); ++f)
    if (m.functions[f].kind != FunctionKind::kJourney) vm.call(f, host);
  for (uint32_t j = 0; j < m.journeys.size(); ++j) {
    InstanceState st;
    st.journey = j;
    RunResult r = vm.run(st, Resume{}, host);
    for (int i = 0; i < 4 && r.stop == Stop::kWait; ++i) {
      Resume resume;
      resume.kind = Resume::kTimer;
      if (st.wait.kind == WaitKind::kUpTo && i % 2 == 1) {
        resume.kind = Resume::kBranch;
        resume.branch = 0;
        if (!vm.branch_matches(st, 0, host)) resume.kind = Resume::kTimer;
      }
      r = vm.run(st, resume, host);
    }
    if (r.stop == Stop::kError) std::abort();  // a verified module must not fault
  }
}

void load(const std::string& bytes) {
  Module m;
  std::string error;
  if (!read_module(bytes, m, &error)) {
    if (error.empty()) std::abort();
    return;
  }
  if (write_module(m) != bytes) std::abort();  // accepted bytes are canonical
  run_everything(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  load(bytes);
  reseal_module(bytes);
  load(bytes);
  return 0;
}
