// sema_internal.h — the analyzer shared by sema.cc (module level: names, consts, segments,
// policies), sema_expr.cc (expressions) and sema_journey.cc (journey settings and steps).
// Not a public interface: include sema.h instead.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "compiler/ast_warm.h"
#include "compiler/flow.h"
#include "compiler/name_table.h"
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
// constant, and why it is not. Small and trivially copyable: every node of every expression
// makes one. A constant's value is a view: of the AST (literals), of a const's value, or of the
// analyzer's arena (what folding made).
struct ExprInfo {
  vm::Value value;                       // when is_const
  const ast::Expr* non_const = nullptr;  // the first sub-expression that keeps it from being constant
  KindMask kinds = kAnyKind;             // non-null kinds it may have
  bool is_const = false;
  bool poisoned = false;                 // an error inside (or a failed const): stay quiet

  static ExprInfo constant(const vm::Value& v) {
    ExprInfo x;
    x.value = v;
    x.kinds = kind_mask(v);
    x.is_const = true;
    return x;
  }
  static ExprInfo unknown(KindMask kinds, const ast::Expr* why) {
    ExprInfo x;
    x.kinds = kinds;
    x.non_const = why;
    return x;
  }
};

struct LocalState {
  uint32_t slot = 0;
  const ast::Stmt* first_let = nullptr;
  bool visible = false;  // after its first `let` in source order
};

struct JourneyState {
  JourneyInfo* info = nullptr;  // where results go (a scratch one for duplicate journeys)
  NameTable<LocalState> locals;
  NameTable<const ast::Stmt*> splits;
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
  // `want_result`: fill the parts of `out` that only later passes read (names, let slots, owned
  // const values, the name indexes); without it `out` is scratch and they are skipped.
  Analyzer(const ast::Module& m, Diagnostics& diags, SemaResult& out, bool want_result)
      : m_(m), diags_(diags), out_(out), want_result_(want_result) {}
  void run();
  // Also runs flow's checks on each journey body (analyze_module_and_flow).
  void run_with_flow(Diagnostics& flow_diags);

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
  void add_value_name(const ast::Decl& d, size_t decl_index);
  // Brings the declarations of_kind_[kind][begin, begin + count) into the cache (ast_warm.h).
  void warm(ast::DeclKind kind, size_t begin, size_t count);
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
  // The value of `e`, which must be constant: E0304 (about `what`, or about `what` `name` when a
  // name is given) unless it is; nullopt after any error.
  std::optional<vm::Value> constant_of(const ast::Expr* e, const Scope& s, std::string_view what,
                                       std::string_view name = {});
  const re2::RE2& regex(std::string_view pattern);  // compiled once per distinct pattern
  void record_name(const ast::Expr& e, NameRef::Kind kind, uint32_t index);

  // journeys (sema_journey.cc)
  void check_journeys();
  // A constant expression's value for flow.cc: sema's consts, and for a const sema found an
  // error in, what ModuleConsts makes of it (so that flow's answers do not depend on the caller).
  std::optional<vm::Value> fold_for_flow(const ast::Expr& e);
  void check_journey(const ast::Decl& d, JourneyInfo& info);
  void check_settings(const ast::Decl& d, JourneyState& js);
  void warn_if_sent(const ast::EventName& e, std::string_view what);
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

  // A const or segment name: the first declaration of each (they share one namespace).
  struct ValueName {
    const ast::Decl* decl = nullptr;
    uint32_t index = 0;  // into out_.consts or out_.segments
    bool is_const = false;
  };
  struct ConstSlot {
    ConstState state = ConstState::kPending;
    bool in_cycle = false;
    bool ok = false;   // `value` is the const's value
    vm::Value value;   // a view (AST, arena)
  };

  const ast::Module& m_;
  Diagnostics& diags_;
  SemaResult& out_;
  const bool want_result_;
  vm::Arena arena_;                          // strings and lists that folding makes
  NameTable<ValueName> value_names_;
  std::vector<int32_t> decl_slot_;           // per m_.decls entry: its index in consts/segments/journeys, or -1
  std::vector<uint32_t> of_kind_[4];         // per ast::DeclKind: the indexes of its declarations, in order
  std::vector<ConstSlot> consts_;            // per out_.consts entry
  std::vector<uint32_t> const_stack_;        // consts being evaluated, for cycle messages
  std::vector<std::vector<std::pair<uint32_t, Span>>> segment_refs_;  // per segment: uses + where
  JourneyState journey_;                     // reused for every journey
  Warmer warmer_;
  FlowChecker* flow_ = nullptr;              // run_with_flow: checks each journey body after sema
  std::unique_ptr<ModuleConsts> module_consts_;  // fold_for_flow, for consts with errors
  NameTable<uint32_t> regex_index_;          // pattern -> index into regexes_
  std::vector<std::unique_ptr<re2::RE2>> regexes_;
};

Span join_spans(Span a, Span b);  // from a's start to b's end (same file)
std::string quoted(std::string_view name);  // `name`

}  // namespace laud::compiler::sema_detail
