// interp.h — the interpreter: runs a verified module's functions against a Host.
// Functions (segments, predicates, values) run to completion and return a Value. Journey bodies
// run as coroutines: an activation runs until the body waits, exits or ends, and everything that
// must survive the wait is in an InstanceState — never on the C++ stack — which serialises to
// bytes (instance.h) and resumes in a fresh VM, another process, or after a restart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm/arena.h"
#include "vm/host.h"
#include "vm/instance.h"
#include "vm/module.h"
#include "vm/value.h"

namespace laud::vm {

inline constexpr uint32_t kMaxStepsPerActivation = 10'000;  // §7, §13: the 10,001st step ends the instance
inline constexpr size_t kMaxArenaBytes = 64u << 20;  // scratch memory of one activation (checked per step)

// Why a journey activation stopped.
enum class Stop : uint8_t {
  kWait,          // suspended: see InstanceState::wait
  kExit,          // `exit`
  kEnd,           // ran off the end of the body
  kRunaway,       // 10,000 steps without suspending (§7)
  kError,         // an internal fault (a bad module that slipped past the verifier): recorded
};

// How a suspended instance is woken: by its timer, or by an event matching a `wait up to` branch.
struct Resume {
  enum Kind : uint8_t { kStart, kTimer, kBranch } kind = kStart;
  uint32_t branch = 0;  // kBranch: index into WaitDesc::branches
};

struct RunResult {
  Stop stop = Stop::kEnd;
  uint32_t steps = 0;  // statements executed in this activation
};

class Interpreter {
 public:
  explicit Interpreter(const Module& module);

  // Runs function `fn` (not a journey body) to completion. Never throws; a fault returns null and
  // sets `error` when given. Calls may nest (a host evaluating a segment inside a journey step).
  Value call(uint32_t fn, Host& host, std::string* error = nullptr);
  bool call_predicate(uint32_t fn, Host& host) { return call(fn, host).truthy(); }

  // Starts a new instance of `state.journey` (Resume::kStart) or resumes a suspended one. On
  // Stop::kError, last_error() says what went wrong (until the next run or call).
  RunResult run(InstanceState& state, const Resume& resume, Host& host);
  const std::string& last_error() const { return last_error_; }

  // A `wait up to` branch's `where`, evaluated with the instance's locals visible.
  bool branch_matches(const InstanceState& state, uint32_t branch, Host& host);

  const Module& module() const { return module_; }
  Arena& arena() { return arena_; }

 private:
  struct Frame;
  enum class Exec : uint8_t { kReturn, kSuspend, kExit, kEnd, kRunaway, kError };

  Exec execute(Frame& f, Host& host);
  bool start_or_resume(Frame& f, const Resume& resume, Host& host);
  Exec suspend(Frame& f, uint32_t pc, const WaitState& w);
  uint32_t split_arm(const SplitDesc& s, std::string_view journey, Host& host);  // index into s.arms
  Value field(const Value& base, std::string_view key, uint32_t key_id, Host& host);
  Value index(const Value& base, const Value& key, Host& host);
  Value customer_id(Host& host);
  Value* push_registers(uint32_t n);

  const Module& module_;
  Arena arena_;
  std::vector<Value> stack_;  // fixed capacity: frames keep pointers into it
  size_t stack_top_ = 0;
  uint32_t depth_ = 0;
  std::string last_error_;
};

}  // namespace laud::vm
