// module.h — a compiled module in memory: what laudc emits, the module file holds, the loader
// verifies and the interpreter runs (docs/bytecode.md). Indexes between tables are plain uint32;
// kNone marks an absent function or value. Strings and constant lists are owned here, so the
// Values in `constants` stay valid as long as the Module lives (it is neither copied nor moved
// after `finalize_views()`).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vm/instr.h"
#include "vm/value.h"

namespace re2 {
class RE2;
}

namespace laud::vm {

inline constexpr uint32_t kNone = 0xFFFFFFFF;

// ---------------------------------------------------------------- code

enum class FunctionKind : uint8_t {
  kSegment,    // returns a bool: is the customer in the segment
  kPredicate,  // a `where`, `audience`, `exit when`: returns a bool (only `true` counts)
  kValue,      // `key`, a quiet-hours time zone: returns any value
  kJourney,    // a journey body: suspends, ends with EXIT or END
};
std::string_view function_kind_name(FunctionKind k);  // "segment", "predicate", "value", "journey"

struct DebugLoc {
  uint32_t pc;    // first instruction of the source construct
  uint32_t file;  // index into Module::files
  uint32_t line;
  uint32_t col;
};

struct Function {
  std::string name;  // "segment vip", "onboarding: body", "onboarding: on purchase where", ...
  FunctionKind kind = FunctionKind::kPredicate;
  uint16_t num_registers = 0;
  uint16_t num_locals = 0;  // journeys: registers [0, num_locals) are `let` locals, kept across waits
  std::vector<Instr> code;
  std::vector<DebugLoc> debug;  // sorted by pc
};

// ---------------------------------------------------------------- descriptors used by opcodes

enum class AggFunc : uint8_t { kCount, kSum, kMin, kMax, kAvg, kLast };
std::string_view agg_func_name(AggFunc f);  // "count", "sum", ...

struct AggregateDesc {  // AGG bx
  AggFunc func = AggFunc::kCount;
  std::string event;                  // event name
  std::vector<std::string> property;  // sum/min/max/avg: path into the event's properties
  uint32_t where_fn = kNone;          // kPredicate over the past event (`event` is that event)
  int64_t within_ms = -1;             // -1: since tracking started
};

enum class Channel : uint8_t { kEmail, kSms, kPush, kWebhook, kSlack, kInApp };
std::string_view channel_name(Channel c);

struct SendDesc {  // SEND bx
  Channel channel = Channel::kEmail;
  std::string template_name;
  std::vector<std::string> with_keys;  // values are in R[a+1 ..] in this order
  bool has_to = false;                 // false: R[a] is ignored and the channel's default is used
  std::string step;                    // the label, else "L<line>" (§10)
  uint32_t line = 0, col = 0;          // of the `send` keyword: part of the dispatch id
  uint32_t index_in_journey = 0;       // for the per-instance occurrence counter (OCC)
};

struct WaitBranch {
  std::string event;
  uint32_t where_fn = kNone;  // kPredicate; `event` is the candidate event, locals are readable
  uint32_t target = 0;        // pc of the branch body
};

struct WaitDesc {  // WAITLOCAL / WAITUPTO bx
  int32_t minutes = 0;   // WAITLOCAL: time of day
  uint8_t days = 0;      // WAITLOCAL: bit 0 Monday .. bit 6 Sunday; 0 = any day
  std::vector<WaitBranch> branches;  // WAITUPTO, in source order
  uint32_t timeout_target = 0;       // WAITUPTO: pc of the timeout block (or after the wait)
};

struct SplitArm {
  std::string name;  // variant name or "control"
  uint32_t basis_points = 0;
  bool is_control = false;
  uint32_t target = 0;  // pc of the arm (control: after the split)
};

struct SplitDesc {  // SPLIT bx
  std::string name;
  std::vector<SplitArm> arms;  // declaration order; buckets are consecutive ranges
};

struct StepDesc {  // STEP bx
  std::string name;  // the label, else "L<line>"
  uint32_t line = 0, col = 0;
};

// ---------------------------------------------------------------- journeys, segments, policy

enum class TriggerKind : uint8_t { kEvent, kEnterSegment, kScheduleAt, kScheduleEvery };

struct TriggerDesc {
  TriggerKind kind = TriggerKind::kEvent;
  std::string event;         // kEvent
  uint32_t where_fn = kNone;  // kEvent
  uint32_t segment = kNone;   // kEnterSegment
  int64_t at_ms = 0;          // kScheduleAt; kScheduleEvery: `starting`
  int64_t every_ms = 0;       // kScheduleEvery
};

struct ExitOnDesc {
  std::string event;
  uint32_t where_fn = kNone;
};

struct GoalDesc {
  std::string event;
  uint32_t where_fn = kNone;
  int64_t within_ms = 0;
};

enum class Reentry : uint8_t { kNever, kAlways, kAfter };

struct QuietDesc {
  bool present = false;
  int32_t start_minutes = 0, end_minutes = 0;
  uint32_t tz_fn = kNone;  // kValue returning the zone name; kNone: UTC
  bool skip = false;
};

struct JourneyDesc {
  std::string name;
  uint32_t body_fn = kNone;
  std::vector<TriggerDesc> triggers;
  uint32_t audience_fn = kNone;
  uint32_t key_fn = kNone;
  std::vector<ExitOnDesc> exit_on;
  uint32_t exit_when_fn = kNone;
  Reentry reentry = Reentry::kNever;
  int64_t reentry_after_ms = 0;
  int64_t limit_count = 0;  // 0: no limit
  int64_t limit_window_ms = 0;
  QuietDesc quiet;
  std::vector<GoalDesc> goals;
  std::vector<std::string> trigger_fields;  // top-level trigger fields the body reads (persisted)
  uint32_t num_sends = 0;                    // SendDesc::index_in_journey < num_sends
};

struct SegmentDesc {
  std::string name;
  uint32_t fn = kNone;
};

struct CapDesc {
  Channel channel = Channel::kEmail;
  int64_t count = 0;
  int64_t window_ms = 0;
};

// ---------------------------------------------------------------- the module

inline constexpr uint32_t kFormatVersion = 1;

struct ConstantDesc {  // how a constant is stored (the Value views are rebuilt from this)
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  uint32_t string = kNone;      // kString: index into strings
  std::vector<uint32_t> items;  // kList: constant indexes (earlier constants only)
};

struct Module {
  std::vector<std::string> files;          // source file names, for debug locations
  std::deque<std::string> strings;         // interned strings (deque: stable addresses)
  std::vector<ConstantDesc> constant_descs;
  std::vector<std::string> regexes;        // RE2 sources, compiled by finalize_views()
  std::vector<Function> functions;
  std::vector<AggregateDesc> aggregates;
  std::vector<SegmentDesc> segments;       // in dependency order is not required
  std::vector<JourneyDesc> journeys;       // declaration order
  std::vector<SendDesc> sends;
  std::vector<WaitDesc> waits;
  std::vector<SplitDesc> splits;
  std::vector<StepDesc> steps;
  std::vector<CapDesc> caps;
  QuietDesc policy_quiet;
  uint64_t content_hash = 0;               // set by the writer / checked by the loader

  // Run-time views, built by finalize_views() from the descriptions above.
  std::vector<Value> constants;
  std::deque<std::vector<Value>> list_storage;
  std::vector<std::unique_ptr<re2::RE2>> compiled_regexes;
  std::unordered_map<std::string_view, uint32_t> string_index;  // views into `strings`

  Module();
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  uint32_t intern(std::string_view s);                 // index of an equal string, or a new one
  uint32_t add_constant(ConstantDesc c);               // deduplicates scalars and strings
  // Builds `constants` and compiles the regexes. Returns false (with a message) when a regex
  // does not compile.
  bool finalize_views(std::string* error);
};

}  // namespace laud::vm
