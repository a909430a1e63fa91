// sema_internal.h — the analyzer shared by sema.cc (module level: names, consts, segments,
// policies), sema_expr.cc (expressions) and sema_journey.cc (journey settings and steps).
// Not a public interface: include sema.h instead.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/sema.h"

namespace laud::compiler::sema_detail {

// Where an expression stands; decides what `event`, `trigger`, locals and aggregates mean.
enum class Place : uint8_t {
  kConst,       // a const's value: only literals and consts
  kSegment,     // a segment: customer, aggregates, now, segments
  kPolicy,      // policy caps and quiet hours
  kSetting,     // audience, key, exit when, schedules, limits, quiet, reentry: no `event`
  kEntryWhere,  // `on E where`: `event` is the entering event; no `trigger` yet
  kEventWhere,  // `exit on E where`, `goal E where`: `event` is that event
  kBody,        // journey steps: `event` is flow.cc's business; locals visible
};

// The facts about an expression that checks need: its possible kinds, its value when
// constant, and why it is not.
struct ExprInfo {
  KindMask kinds = kAnyKind;             // non-null kinds it may have
  std::optional<ConstValue> value;       // set when the expression is constant
  const ast::Expr* non_const = nullptr;  // the first sub-expression that keeps it from being so
  bool poisoned = false;                 // an error inside (or a failed const): stay quiet

  static ExprInfo constant(ConstValue v);
  static ExprInfo unknown(KindMask kinds, const ast::Expr* why);
};

struct LocalState {
  uint32_t slot = 0;
  const ast::Stmt* first_let = nullptr;
  bool visible = false;  // after its first `let` in source order
};

struct JourneyState {
  JourneyInfo* info = nullptr;  // where results go (a scratch one for duplicate journeys)
  std::unordered_map<std::string_view, LocalState> locals;
  std::unordered_map<std::string_view, const ast::Stmt*> splits;
};

struct Scope {
  Place place;
  std::string_view what;           // for messages: "`audience`", "a segment", "a const"
  bool in_agg_where = false;
  JourneyState* journey = nullptr; // settings and bodies
  int32_t segment = -1;            // index of the segment being checked, for dependency edges

  Scope in_aggregate() const { Scope s = *this; s.in_agg_where = true; return s; }
};

enum class ConstState : uint8_t { kPending, kActive, kDone };

class Analyzer {
 public:
  Analyzer(const ast::Module& m, Diagnostics& diags, SemaResult& out) : m_(m), diags_(diags), out_(out) {}
  void run();

  // ------------------------------------------------------------ expressions (sema_expr.cc)
  ExprInfo expr(const ast::Expr* e, const Scope& s);
  // A condition: an expression that should be able to be a boolean (E0312).
  ExprInfo condition(const ast::Expr* e, const Scope& s, std::string_view what);
  // A constant of the module: E0304 unless constant, E0308/E0301 for a wrong kind, E0307
  // (or `nonpositive_code`) unless > 0. nullopt after any error.
  std::optional<int64_t> positive_duration(const ast::Expr* e, const Scope& s, std::string_view what,
                                           DiagCode nonpositive_code = DiagCode::E0307);
  std::optional<int64_t> positive_count(const ast::Expr* e, const Scope& s, std::string_view what);
  std::optional<int64_t> constant_time(const ast::Expr* e, const Scope& s, std::string_view what);
  void time_zone(const ast::Expr* e, const Scope& s);

 private:
  // module level (sema.cc)
  void collect_names();
  void add_value_name(const ast::Decl& d);
  void check_consts();
  void check_segments();
  void order_segments();
  void check_policies();
  ExprInfo const_value(uint32_t index, const ast::Expr& ref);

  // expression parts (sema_expr.cc)
  ExprInfo name(const ast::Expr& e, const Scope& s);
  ExprInfo root(const ast::Expr& e, const Scope& s);
  ExprInfo member(const ast::Expr& e, const Scope& s);
  ExprInfo index(const ast::Expr& e, const Scope& s);
  ExprInfo list(const ast::Expr& e, const Scope& s);
  ExprInfo unary(const ast::Expr& e, const Scope& s);
  ExprInfo binary(const ast::Expr& e, const Scope& s);
  ExprInfo logic_operand(const ast::Expr* e, const Scope& s, std::string_view op);
  ExprInfo segment_membership(const ast::Expr& e, const Scope& s);
  ExprInfo matches(const ast::Expr& e, const ExprInfo& lhs);
  void check_operands(const ast::Expr& e, const ExprInfo& a, const ExprInfo& b);
  bool check_time_string(const ast::Expr& e, const ExprInfo& a, const ExprInfo& b);
  ExprInfo call(const ast::Expr& e, const Scope& s);
  ExprInfo aggregate(const ast::Expr& e, const Scope& s);
  void report_unknown_name(const ast::Expr& e, const Scope& s);
  std::optional<ConstValue> constant_of(const ast::Expr* e, const Scope& s, std::string_view what,
                                        ExprInfo* info_out = nullptr);

  // journeys (sema_journey.cc)
  void check_journeys();
  void check_journey(const ast::Decl& d, JourneyInfo& info);
  void check_settings(const ast::Decl& d, JourneyState& js);
  void check_setting(const ast::Setting& st, JourneyState& js);
  void check_trigger(const ast::Setting& st, JourneyState& js);
  void collect_lets(const ast::Block& b, JourneyState& js);
  void block(const ast::Block& b, JourneyState& js);
  void step(const ast::Stmt& st, JourneyState& js);
  void send(const ast::Stmt& st, const Scope& s);
  void wait(const ast::Stmt& st, const Scope& s, JourneyState& js);
  void split(const ast::Stmt& st, JourneyState& js);
  void let(const ast::Stmt& st, const Scope& s, JourneyState& js);
  void set(const ast::Stmt& st, const Scope& s);

  // helpers (sema.cc)
  Diagnostic& error(DiagCode code, Span span, std::string message);
  void previous(Diagnostic& d, Span where, std::string message = "previous definition is here");
  void did_you_mean(Diagnostic& d, std::string_view name, const std::vector<std::string_view>& candidates);
  std::vector<std::string_view> const_names() const;
  std::vector<std::string_view> segment_names() const;

  const ast::Module& m_;
  Diagnostics& diags_;
  SemaResult& out_;
  // value names (consts and segments share one namespace; journeys have their own)
  std::unordered_map<std::string_view, const ast::Decl*> value_decls_;
  std::vector<ConstState> const_state_;
  std::vector<uint32_t> const_stack_;       // consts being evaluated, for cycle messages
  std::vector<bool> const_in_cycle_;
  std::vector<std::vector<std::pair<uint32_t, Span>>> segment_refs_;  // per segment: uses + where
};

Span join_spans(Span a, Span b);  // from a's start to b's end (same file)
std::string quoted(std::string_view name);  // `name`

}  // namespace laud::compiler::sema_detail
