// flow.h — control flow of journey bodies (LANGUAGE.md §7, §11, §13): labels and `goto`
// targets, progress of `goto` cycles, unreachable steps, and where `event` is available.
// analyze_flow reports diagnostics; journey_flow gives the same facts to codegen and tools.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

#include "compiler/ast.h"
#include "compiler/diagnostics.h"
#include "vm/value.h"

namespace laud::compiler {

// Checks every journey body of the module: E0203/E0206/E0407 (labels), E0402 (a `goto` cycle
// without a wait that advances time), E0400 (`event` after a wait), W0001 (unreachable steps).
// Returns true when it reported no errors.
bool analyze_flow(const ast::Module& m, Diagnostics& diags);

// The value of an expression when it is constant (for the durations of waits), folded with the
// module's consts as const_eval.h's ModuleConsts does; nullopt otherwise.
using ConstFolder = std::function<std::optional<vm::Value>(const ast::Expr& e)>;

// The checks of analyze_flow, one journey at a time, for a caller that walks the module anyway:
// analyze_module_and_flow (sema.h) checks each body while it is in the cache.
class FlowChecker {
 public:
  FlowChecker(Diagnostics& diags, ConstFolder fold);
  ~FlowChecker();
  FlowChecker(const FlowChecker&) = delete;
  FlowChecker& operator=(const FlowChecker&) = delete;

  void check(const ast::Decl& journey);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// What `event` means in the expressions of one step.
enum class EventRef : uint8_t {
  kUnreachable,  // no path from the body's start reaches the step
  kTrigger,      // the event that started the instance: no path from the start passes a wait
  kResume,       // the event that resumed the enclosing `on` branch (StepFlow::branch), no wait since
  kUnavailable,  // some path reaches the step through a wait: `event` is a compile error here
};

struct StepFlow {
  EventRef event = EventRef::kUnreachable;
  const ast::OnBranch* branch = nullptr;  // innermost `on` branch that holds the step, if any
  const ast::Stmt* resumed_by = nullptr;  // the `wait up to` owning `branch`
  const ast::Stmt* target = nullptr;      // kGoto: the labelled step it jumps to (null: unresolved)
};

struct JourneyFlow {
  std::unordered_map<const ast::Stmt*, StepFlow> steps;  // every step of the body, nested ones too

  const StepFlow* find(const ast::Stmt* s) const;
  bool reachable(const ast::Stmt* s) const;
  EventRef event_at(const ast::Stmt* s) const;  // kUnreachable for a step not in this journey
};

// Flow facts of one journey declaration; reports nothing. A `goto` resolves to the first step
// with its label in its own block or an enclosing one.
JourneyFlow journey_flow(const ast::Module& m, const ast::Decl& journey);

// The value, in milliseconds, of a constant expression whose value is a duration, folded with the
// module's consts exactly as sema folds them (const_eval.h: ModuleConsts, the VM's operators).
// nullopt otherwise: not constant, not a duration, or null (overflow, division by zero), or a
// const cycle.
std::optional<int64_t> constant_duration_ms(const ast::Module& m, const ast::Expr* e);

// True for a wait that advances time: `wait D` or `wait up to D` with a constant D > 0, and
// `wait until HH:MM`. `wait until EXPR` never does (its time may be past).
bool advances_time(const ast::Module& m, const ast::Stmt& s);

}  // namespace laud::compiler
