// ast.h — the typed syntax tree of a module (all its .journey files), built by the parser.
// Every node carries a Span. Names are string_views into the SourceManager's texts (which
// outlive the tree); decoded string literals are owned. Nodes are owned by unique_ptr.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "compiler/source.h"

namespace laud::compiler::ast {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

struct Name {
  std::string_view text;
  Span span;
};

// ---------------------------------------------------------------- expressions

enum class ExprKind : uint8_t {
  kNull, kBool, kInt, kFloat, kString, kRegex, kDuration, kTime, kTimeOfDay,
  kList,       // [a, b, c]                       items
  kName,       // a const, local or segment name  name
  kRoot,       // customer | event | trigger | now
  kMember,     // base.field  (field may be `$id`, or a reserved word)   base, field
  kIndex,      // base[expr]                      base, index
  kUnary,      // not x, -x                       op, lhs
  kBinary,     // lhs op rhs                      op, lhs, rhs
  kCall,       // f(args)                         name, items
  kAggregate,  // count(E.prop where c within d)  aggregate
};

enum class Root : uint8_t { kCustomer, kEvent, kTrigger, kNow };

enum class Op : uint8_t {
  kOr, kAnd, kNot,
  kEq, kNe, kLt, kLe, kGt, kGe, kIn, kContains, kStartsWith, kEndsWith, kMatches,
  kCoalesce, kAdd, kSub, kMul, kDiv, kMod, kNeg,
};

enum class AggFunc : uint8_t { kCount, kSum, kMin, kMax, kAvg, kLast };

struct EventName {  // an identifier or a string literal: `purchase`, `"Order Completed"`
  std::string text;
  Span span;
};

struct Aggregate {
  AggFunc func;
  EventName event;
  std::vector<Name> property;  // sum/min/max/avg: E.a.b -> {a, b}; empty for count/last
  ExprPtr where;               // may be null
  ExprPtr within;              // may be null
};

// Expressions and steps are allocated from per-size free lists (ast.cc): a module has hundreds of
// thousands of them, and malloc/free per node dominated building and freeing the tree.
struct PooledNode {
  static void* operator new(size_t size);
  static void operator delete(void* p, size_t size) noexcept;
};

struct Expr : PooledNode {
  ExprKind kind;
  Span span;
  // literal payloads
  bool bool_value = false;
  int64_t int_value = 0;      // kInt; kDuration (ms); kTime (ms since epoch, UTC); kTimeOfDay (minutes)
  double float_value = 0;     // kFloat
  std::string string_value;   // kString (decoded), kRegex (raw)
  // references and operators
  Root root = Root::kCustomer;
  Op op = Op::kOr;
  Name name;                  // kName, kCall: the name; kMember: the field
  ExprPtr lhs;                // kUnary operand; kBinary left; kMember/kIndex base
  ExprPtr rhs;                // kBinary right; kIndex index
  std::vector<ExprPtr> items; // kList items; kCall arguments
  std::unique_ptr<Aggregate> aggregate;
};

// ---------------------------------------------------------------- steps

enum class StmtKind : uint8_t {
  kSend, kWait, kWaitUntil, kWaitUntilLocal, kWaitUpTo, kIf, kSplit, kLet, kSet, kGoto, kExit,
};

struct WithEntry {
  Name key;
  ExprPtr value;
};

struct OnBranch {  // `on E [where COND] { STEPS }` inside `wait up to`
  EventName event;
  ExprPtr where;
  Block body;
  Span span;
};

struct IfArm {     // `if COND { ... }`, `else if COND { ... }`; cond null for the final `else`
  ExprPtr cond;
  Block body;
  Span span;
};

struct Variant {   // `variant A 45% { ... }` or `control 10%`
  Name name;       // "control" for the control arm
  bool is_control = false;
  bool has_block = false;
  uint32_t basis_points = 0;  // 45% -> 4500, 33.33% -> 3333
  bool percent_ok = true;     // false when the percent literal was invalid (already reported)
  Span percent_span;
  Block body;
  Span span;
};

// Day-of-week set for `wait until HH:MM on ...`: bit 0 = Monday ... bit 6 = Sunday; 0 = every day.
using DayMask = uint8_t;

struct Stmt : PooledNode {
  StmtKind kind;
  Span span;                   // the whole step, starting at its keyword (not its label)
  std::optional<Name> label;
  // kSend
  Name channel;
  std::string template_name;
  Span template_span;
  ExprPtr to;                  // may be null: the channel's default
  std::vector<WithEntry> with;
  // kWait / kWaitUpTo: duration; kWaitUntil: time; kWaitUntilLocal: time zone (may be null);
  // kLet / kSet: the value
  ExprPtr value;
  // kWaitUntilLocal
  int32_t minutes = 0;         // time of day, 0..1439
  DayMask days = 0;
  Span days_span;
  // kWaitUpTo
  std::vector<OnBranch> branches;
  std::optional<Block> timeout;
  Span timeout_span;
  // kIf
  std::vector<IfArm> arms;
  // kSplit: name; kLet: local name; kGoto: label
  Name name;
  std::vector<Variant> variants;
  // kSet: the target (a path under `customer.`)
  ExprPtr target;
};

// ---------------------------------------------------------------- settings and declarations

enum class SettingKind : uint8_t {
  kOnEvent, kOnEnter, kOnScheduleAt, kOnScheduleEvery, kAudience, kReentry, kKey,
  kExitOn, kExitWhen, kLimit, kQuiet, kGoal,
};

enum class Reentry : uint8_t { kNever, kAlways, kAfter };

struct QuietHours {
  int32_t start_minutes = 0;
  int32_t end_minutes = 0;
  Span range_span;
  ExprPtr time_zone;  // may be null: UTC
  bool skip = false;
};

struct Setting {
  SettingKind kind;
  Span span;
  EventName event;        // kOnEvent, kExitOn, kGoal
  ExprPtr where;          // kOnEvent, kExitOn, kGoal (may be null)
  Name segment;           // kOnEnter
  ExprPtr expr;           // kOnScheduleAt: time; kOnScheduleEvery: period; kAudience; kKey; kExitWhen;
                          // kReentry (after D); kLimit: window; kGoal: within
  ExprPtr starting;       // kOnScheduleEvery
  Reentry reentry = Reentry::kNever;
  ExprPtr count;          // kLimit
  QuietHours quiet;       // kQuiet
};

struct Cap {             // `cap email 3 per 1d`
  Name channel;
  ExprPtr count;
  ExprPtr window;
  Span span;
};

enum class DeclKind : uint8_t { kConst, kSegment, kPolicy, kJourney };

struct Decl {
  DeclKind kind;
  Span span;               // from the keyword to the end of the declaration
  Name name;               // const, segment, journey (empty for policy)
  ExprPtr value;           // const, segment
  // policy
  std::vector<Cap> caps;
  std::optional<QuietHours> quiet;
  Span quiet_span;
  // journey
  std::vector<Setting> settings;
  Block body;
};

struct Module {
  std::vector<std::unique_ptr<Decl>> decls;  // files in command-line order, then top to bottom
  // Names of declarations that failed to parse (their uses are not reported as unknown again).
  std::vector<std::string> broken_names;
};

std::string_view op_text(Op op);
std::string_view agg_func_name(AggFunc f);
std::string_view root_name(Root r);

}  // namespace laud::compiler::ast
