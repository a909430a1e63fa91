// sema.h — semantic analysis of a parsed module (LANGUAGE.md §4–§7, §11), except journey-body
// control flow (labels, goto, waits and `event` after them, unreachable steps: flow.h).
// analyze_module reports diagnostics and, on request, fills a SemaResult: the symbol tables
// that codegen needs (folded consts, segments in dependency order, journeys, policy).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/ast.h"
#include "compiler/builtins.h"
#include "compiler/const_eval.h"
#include "compiler/diagnostics.h"

namespace laud::compiler {

// What a kName expression (or the segment of `on enter`) refers to.
struct NameRef {
  enum class Kind : uint8_t { kConst, kSegment, kLocal };
  Kind kind;
  uint32_t index;  // into SemaResult::consts / SemaResult::segments / JourneyInfo::locals
};

struct ConstInfo {
  const ast::Decl* decl = nullptr;
  std::optional<ConstValue> value;  // nullopt when the const has errors
};

struct SegmentInfo {
  const ast::Decl* decl = nullptr;
  std::vector<uint32_t> uses;  // segments read by `customer in X`, indexes into segments, no repeats
};

// A journey's entry: `on E`, `on enter S`, `on schedule ...`, with its folded constants.
struct TriggerInfo {
  const ast::Setting* setting = nullptr;
  uint32_t segment = 0;     // kOnEnter: index into SemaResult::segments
  int64_t at_ms = 0;        // kOnScheduleAt: the time; kOnScheduleEvery: `starting`
  int64_t every_ms = 0;     // kOnScheduleEvery: the period (> 0)
};

struct GoalInfo {
  const ast::Setting* setting = nullptr;
  int64_t within_ms = 0;
};

struct LocalInfo {
  std::string_view name;
  const ast::Stmt* first_let = nullptr;  // the first `let` in source order
};

struct JourneyInfo {
  const ast::Decl* decl = nullptr;
  std::vector<TriggerInfo> triggers;          // in source order
  const ast::Setting* audience = nullptr;     // null: everyone
  const ast::Setting* key = nullptr;          // null: no key
  const ast::Setting* quiet = nullptr;        // null: the policy's quiet hours, if any
  std::vector<const ast::Setting*> exits;     // kExitOn and kExitWhen, in source order
  std::vector<GoalInfo> goals;
  ast::Reentry reentry = ast::Reentry::kNever;  // default never; always with `on schedule every`
  int64_t reentry_after_ms = 0;               // reentry == kAfter
  std::optional<int64_t> limit_count;         // `limit N per D`
  int64_t limit_window_ms = 0;
  std::vector<LocalInfo> locals;              // slot order: first `let` in source order
  std::unordered_map<const ast::Stmt*, uint32_t> let_slots;  // every kLet step -> its local
};

struct CapInfo {
  const ast::Cap* cap = nullptr;
  Channel channel = Channel::kEmail;
  int64_t count = 0;      // > 0
  int64_t window_ms = 0;  // > 0
};

// An aggregate used anywhere in the module (codegen derives what the runtime keeps from these).
struct AggregateInfo {
  const ast::Expr* expr = nullptr;      // kAggregate
  std::optional<int64_t> within_ms;     // nullopt: all history
};

struct SemaResult {
  std::vector<ConstInfo> consts;        // declaration order; first definition of each name only
  std::vector<SegmentInfo> segments;    // declaration order; first definition of each name only
  std::vector<uint32_t> segment_order;  // indexes into segments, each after the segments it uses
  std::vector<JourneyInfo> journeys;    // declaration order; first definition of each name only
  std::vector<CapInfo> caps;            // every policy's caps, merged in declaration order
  const ast::QuietHours* policy_quiet = nullptr;  // the module's policy quiet hours, if any
  std::vector<AggregateInfo> aggregates;
  std::unordered_map<const ast::Expr*, NameRef> names;  // every resolved kName expression
  std::unordered_map<std::string_view, uint32_t> const_index, segment_index, journey_index;

  // Folds `e` with this module's consts (for codegen): nullopt when `e` is not constant.
  std::optional<ConstValue> fold(const ast::Expr& e) const;
};

// Checks the whole module; returns true when it reported no errors. Fills `out` when given
// (also on errors, with whatever resolved).
bool analyze_module(const ast::Module& m, Diagnostics& diags, SemaResult* out = nullptr);

// analyze_module, then analyze_flow (flow.h), in one walk of the module: each journey body gets
// its flow checks right after its semantic checks, while it is in the cache, with the consts
// sema has folded. The same diagnostics as the two calls (in another order until
// Diagnostics::sort). Returns true when it reported no errors.
bool analyze_module_and_flow(const ast::Module& m, Diagnostics& diags, SemaResult* out = nullptr);

}  // namespace laud::compiler
