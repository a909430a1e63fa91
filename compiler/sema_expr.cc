// sema_expr.cc — checks of expressions: name resolution, `event`/`trigger` by place, calls and
// aggregates, regexes, and operations between known kinds that can never succeed (§3, §4).
// Each check returns an ExprInfo (kinds, constant value) so that parents can check in turn.
#include <re2/re2.h>

#include <date/tz.h>

#include "compiler/sema_internal.h"
#include "vm/builtins.h"
#include "vm/time_text.h"

namespace laud::compiler::sema_detail {

using vm::Kind;
using vm::Value;
using ast::Op;

namespace {

void merge(ExprInfo& into, const ExprInfo& sub) {
  if (!into.non_const) into.non_const = sub.non_const;
  into.poisoned = into.poisoned || sub.poisoned;
}

ExprInfo poisoned_info() {
  ExprInfo x;
  x.poisoned = true;
  return x;
}

bool is_bare_root(const ast::Expr* e, ast::Root r) { return e && e->kind == ast::ExprKind::kRoot && e->root == r; }

bool has(KindMask m, Kind k) { return (m & kind_bit(k)) != 0; }

// A mask of several kinds reads as "a value"; of one as "an int".
std::string found(KindMask m) { return describe_kinds(m); }

std::string plural_args(size_t n) { return n == 1 ? "1 argument" : std::to_string(n) + " arguments"; }

bool is_order_op(Op op) { return op == Op::kLt || op == Op::kLe || op == Op::kGt || op == Op::kGe; }

}  // namespace

// ---------------------------------------------------------------- dispatch

ExprInfo Analyzer::expr(const ast::Expr* e, const Scope& s) {
  if (!e) return poisoned_info();  // the parser recovered from an error here
  using K = ast::ExprKind;
  switch (e->kind) {
    case K::kNull: return ExprInfo::constant(Value::null());
    case K::kBool: return ExprInfo::constant(Value::boolean(e->bool_value));
    case K::kInt: return ExprInfo::constant(Value::integer(e->int_value));
    case K::kDuration: return ExprInfo::constant(Value::duration(e->int_value));
    case K::kTime: return ExprInfo::constant(Value::time(e->int_value));
    case K::kFloat: case K::kString: case K::kRegex:
      return ExprInfo::constant(*literal_value(*e));
    case K::kTimeOfDay: return ExprInfo::unknown(kAnyKind, e);
    case K::kList: return list(*e, s);
    case K::kName: return name(*e, s);
    case K::kRoot: return root(*e, s);
    case K::kMember: return member(*e, s);
    case K::kIndex: return index(*e, s);
    case K::kUnary: return unary(*e, s);
    case K::kBinary: return binary(*e, s);
    case K::kCall: return call(*e, s);
    case K::kAggregate: return aggregate(*e, s);
    default: break;
  }
  return poisoned_info();
}

void Analyzer::record_name(const ast::Expr& e, NameRef::Kind kind, uint32_t index) {
  if (want_result_) out_.names[&e] = {kind, index};
}

const re2::RE2& Analyzer::regex(std::string_view pattern) {
  auto [slot, fresh] = regex_index_.emplace(pattern, static_cast<uint32_t>(regexes_.size()));
  if (fresh) {
    RE2::Options opts;
    opts.set_log_errors(false);
    regexes_.push_back(std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts));
    return *regexes_.back();
  }
  return *regexes_[*slot];
}

// ---------------------------------------------------------------- names and roots

void Analyzer::report_unknown_name(const ast::Expr& e, const Scope& s) {
  Diagnostic& d = error(DiagCode::E0200, e.span, "unknown name `" + std::string(e.name.text) + "`");
  std::vector<std::string_view> candidates = const_names();
  for (std::string_view root : {"customer", "event", "trigger", "now"}) candidates.push_back(root);
  if (s.journey && s.place == Place::kBody)
    for (const LocalInfo& local : s.journey->info->locals) {
      const LocalState* state = s.journey->locals.find(local.name);
      if (state && state->visible) candidates.push_back(local.name);
    }
  did_you_mean(d, e.name.text, candidates);
}

// Why an aggregate's filter sees no instance (E0411): the runtime keeps aggregates as events arrive.
constexpr const char* kAggWhereHelp =
    "the runtime keeps an aggregate up to date as events arrive, before and apart from any journey instance: "
    "its `where` can read the past `event`, `customer`, `now` and constants; compare locals or `trigger` "
    "outside the aggregate";

ExprInfo Analyzer::name(const ast::Expr& e, const Scope& s) {
  const uint64_t hash = name_hash(e.name.text);  // for both tables
  if (const ValueName* v = value_names_.find(e.name.text, hash)) {
    if (v->is_const) {
      const uint32_t i = v->index;
      record_name(e, NameRef::Kind::kConst, i);
      return const_value(i, e);
    }
    Diagnostic& d = error(DiagCode::E0309, e.span, "segment `" + std::string(e.name.text) + "` is not a value");
    d.help = "test membership with `customer in " + std::string(e.name.text) + "`";
    return poisoned_info();
  }
  if (s.journey) {
    if (const LocalState* local = s.journey->locals.find(e.name.text, hash)) {
      if (s.place != Place::kBody) {
        Diagnostic& d = error(DiagCode::E0200, e.span, "unknown name `" + std::string(e.name.text) + "`");
        d.help = "`" + std::string(e.name.text) + "` is a local of the journey body; journey settings cannot read locals";
        return poisoned_info();
      }
      if (s.in_agg_where) {
        error(DiagCode::E0411, e.span,
              "an aggregate's `where` cannot read local `" + std::string(e.name.text) + "`")
            .help = kAggWhereHelp;
        return poisoned_info();
      }
      if (!local->visible) {
        Diagnostic& d = error(DiagCode::E0207, e.span,
                              "local `" + std::string(e.name.text) + "` is used before its first `let`");
        previous(d, local->first_let->name.span, "`" + std::string(e.name.text) + "` is first set here");
        d.help = "a local is visible after its first `let` in source order";
        return poisoned_info();
      }
      record_name(e, NameRef::Kind::kLocal, local->slot);
      return ExprInfo::unknown(kAnyKind, &e);
    }
  }
  report_unknown_name(e, s);
  return poisoned_info();
}

ExprInfo Analyzer::root(const ast::Expr& e, const Scope& s) {
  ExprInfo ok = ExprInfo::unknown(kind_bit(Kind::kObject), &e);
  if (e.root == ast::Root::kNow) return ExprInfo::unknown(kind_bit(Kind::kTime), &e);
  if (e.root == ast::Root::kCustomer || s.place == Place::kConst) return ok;
  bool is_event = e.root == ast::Root::kEvent;
  std::string word = is_event ? "`event`" : "`trigger`";
  if (is_event && s.in_agg_where) return ok;  // the past event
  if (s.in_agg_where && s.place != Place::kSegment && s.place != Place::kPolicy) {
    error(DiagCode::E0411, e.span, "an aggregate's `where` cannot read `trigger`").help = kAggWhereHelp;
    return poisoned_info();
  }
  switch (s.place) {
    case Place::kSegment:
    case Place::kPolicy: {
      Diagnostic& d = error(DiagCode::E0408, e.span, word + " is not available in " + std::string(s.what));
      if (s.place == Place::kPolicy)
        d.help = "a policy applies to every journey's sends; it can read `customer` and `now`";
      else if (is_event)
        d.help = "a segment is evaluated around any of the customer's events; inside an aggregate's `where`, "
                 "`event` is the past event";
      else
        d.help = "a segment belongs to no journey, so it has no trigger event";
      return poisoned_info();
    }
    case Place::kSetting:
      if (!is_event) return ok;
      error(DiagCode::E0400, e.span, "`event` is not available in " + std::string(s.what)).help =
          std::string_view(s.what).starts_with("`on schedule")
              ? "a scheduled entry happens at a fixed time, with no event: write a constant time"
              : "use `trigger.` to read the event that started this journey";
      return poisoned_info();
    case Place::kEntryWhere:
      if (is_event) return ok;
      error(DiagCode::E0408, e.span, "`trigger` is not set yet in an entry condition").help =
          "use `event.` to read the event that is about to start the journey";
      return poisoned_info();
    default:
      return ok;
  }
}

ExprInfo Analyzer::member(const ast::Expr& e, const Scope& s) {
  ExprInfo base = expr(e.lhs.get(), s);
  std::string_view field = e.name.text;
  if (e.lhs && e.lhs->kind == ast::ExprKind::kRoot && field.starts_with("$") && !base.poisoned) {
    ast::Root r = e.lhs->root;
    static const std::vector<std::string_view> kCustomerFields = {"$id"};
    static const std::vector<std::string_view> kEventFields = {"$name", "$time", "$id"};
    static const std::vector<std::string_view> kNoFields;
    const std::vector<std::string_view>& known = r == ast::Root::kCustomer ? kCustomerFields
                                                 : r == ast::Root::kEvent || r == ast::Root::kTrigger ? kEventFields
                                                                                                     : kNoFields;
    if (std::find(known.begin(), known.end(), field) != known.end()) {
      ExprInfo x = ExprInfo::unknown(field == "$time" ? kind_bit(Kind::kTime) : kind_bit(Kind::kString), nullptr);
      merge(x, base);
      return x;
    }
    if (!known.empty()) {
      Diagnostic& d = error(DiagCode::E0200, e.name.span,
                            "unknown field `" + std::string(field) + "` of `" + std::string(ast::root_name(r)) + "`");
      did_you_mean(d, field, known);
      if (d.help.empty())
        d.help = r == ast::Root::kCustomer ? "`customer` has `$id`; traits are written without `$`"
                                           : "events have `$name`, `$time` and `$id`";
      return poisoned_info();
    }
  }
  if (base.is_const) return ExprInfo::constant(Value::null());  // constants have no fields
  ExprInfo x = ExprInfo::unknown(kAnyKind, nullptr);
  merge(x, base);
  return x;
}

ExprInfo Analyzer::index(const ast::Expr& e, const Scope& s) {
  ExprInfo base = expr(e.lhs.get(), s);
  ExprInfo idx = expr(e.rhs.get(), s);
  if (base.is_const && idx.is_const) return ExprInfo::constant(fold_index(base.value, idx.value));
  ExprInfo x = ExprInfo::unknown(kAnyKind, nullptr);
  merge(x, base);
  merge(x, idx);
  return x;
}

ExprInfo Analyzer::list(const ast::Expr& e, const Scope& s) {
  ExprInfo x = ExprInfo::unknown(kind_bit(Kind::kList), nullptr);
  const auto n = static_cast<uint32_t>(e.items.size());
  Value* items = nullptr;  // the constant items, while all are
  bool all = true;
  for (uint32_t k = 0; k < n; ++k) {
    ExprInfo i = expr(e.items[k].get(), s);
    merge(x, i);
    if (i.is_const && all) {
      if (!items) items = arena_.allocate_array<Value>(n);
      items[k] = i.value;
    } else {
      all = false;
    }
  }
  if (all && !x.poisoned) return ExprInfo::constant(Value::list_of(items, n));
  return x;
}

// ---------------------------------------------------------------- operators

namespace {

std::string not_boolean(KindMask m) { return found(m) + " is not a boolean"; }

}  // namespace

ExprInfo Analyzer::condition(const ast::Expr* e, const Scope& s, std::string_view what) {
  ExprInfo info = expr(e, s);
  if (e && !info.poisoned && info.kinds != 0 && !has(info.kinds, Kind::kBool)) {
    Diagnostic& d = error(DiagCode::E0312, e->span, "condition is always false: " + not_boolean(info.kinds));
    d.help = "null and values that are not booleans count as false; compare it, e.g. `... > 0` or `exists(...)`";
    info.poisoned = true;
  }
  return info;
}

ExprInfo Analyzer::logic_operand(const ast::Expr* e, const Scope& s, std::string_view op) {
  ExprInfo info = expr(e, s);
  if (e && !info.poisoned && info.kinds != 0 && !has(info.kinds, Kind::kBool)) {
    Diagnostic& d = error(DiagCode::E0312, e->span,
                          "this operand of `" + std::string(op) + "` is never true: " + not_boolean(info.kinds));
    d.help = "null and values that are not booleans count as false; compare it, e.g. `... > 0` or `exists(...)`";
    info.poisoned = true;
  }
  return info;
}

ExprInfo Analyzer::unary(const ast::Expr& e, const Scope& s) {
  ExprInfo a = e.op == Op::kNot ? logic_operand(e.lhs.get(), s, "not") : expr(e.lhs.get(), s);
  if (e.op == Op::kNeg && !a.poisoned && a.kinds != 0 && unary_result_kinds(Op::kNeg, a.kinds) == 0) {
    error(DiagCode::E0301, e.span, "cannot negate " + found(a.kinds)).help =
        "`-` applies to numbers and durations";
    return poisoned_info();
  }
  if (a.is_const) return ExprInfo::constant(fold_unary(e.op, a.value));
  ExprInfo x = ExprInfo::unknown(unary_result_kinds(e.op, a.kinds), nullptr);
  merge(x, a);
  return x;
}

ExprInfo Analyzer::segment_membership(const ast::Expr& e, const Scope& s) {
  ExprInfo lhs = root(*e.lhs, s);
  const ast::Expr& rhs = *e.rhs;
  std::string_view n = rhs.name.text;
  const ValueName* v = value_names_.find(n);
  if (v && !v->is_const) {
    record_name(rhs, NameRef::Kind::kSegment, v->index);
    if (s.segment >= 0) segment_refs_[static_cast<size_t>(s.segment)].push_back({v->index, rhs.span});
    ExprInfo x = ExprInfo::unknown(kind_bit(Kind::kBool), nullptr);
    merge(x, lhs);
    return x;
  }
  bool is_const = v != nullptr;
  bool is_local = s.journey && s.journey->locals.find(n);
  if (is_const || is_local) {
    Diagnostic& d = error(DiagCode::E0201, rhs.span,
                          "`" + std::string(n) + "` is a " + (is_const ? "const" : "local") + ", not a segment");
    d.help = "`customer in SEGMENT` tests segment membership; to test a list, write `customer.FIELD in " +
             std::string(n) + "`";
  } else {
    Diagnostic& d = error(DiagCode::E0201, rhs.span, "unknown segment `" + std::string(n) + "`");
    did_you_mean(d, n, segment_names());
  }
  return poisoned_info();
}

ExprInfo Analyzer::matches(const ast::Expr& e, const ExprInfo& lhs) {
  const ast::Expr* pat = e.rhs.get();
  if (!pat) return poisoned_info();
  if (pat->kind != ast::ExprKind::kRegex && pat->kind != ast::ExprKind::kString) {
    error(DiagCode::E0306, pat->span, "the pattern of `matches` must be a regex literal like r\"^[a-z]+$\"").help =
        "patterns are compiled with the module, so they cannot come from names or run-time values";
    return poisoned_info();
  }
  const RE2& re = regex(pat->string_value);
  if (!re.ok()) {
    error(DiagCode::E0302, pat->span, "invalid regular expression: " + re.error()).help =
        "patterns use RE2 syntax (https://github.com/google/re2/wiki/Syntax)";
    return poisoned_info();
  }
  if (!lhs.poisoned && lhs.kinds != 0 && !has(lhs.kinds, Kind::kString)) {
    error(DiagCode::E0301, e.span, "`matches` needs a string on its left, found " + found(lhs.kinds)).help =
        "convert it with `string(...)` first";
    return poisoned_info();
  }
  if (lhs.is_const) return ExprInfo::constant(fold_matches(lhs.value, re));
  ExprInfo x = ExprInfo::unknown(kind_bit(Kind::kBool), nullptr);
  merge(x, lhs);
  return x;
}

// A constant string that meets a time (comparison or time arithmetic) must be RFC 3339.
bool Analyzer::check_time_string(const ast::Expr& e, const ExprInfo& a, const ExprInfo& b) {
  Op op = e.op;
  bool compare = is_order_op(op) || op == Op::kEq || op == Op::kNe;
  bool arith = op == Op::kAdd || op == Op::kSub;
  if (!compare && !arith) return false;
  const KindMask timey = static_cast<KindMask>(kind_bit(Kind::kTime) | (arith ? kind_bit(Kind::kDuration) : 0));
  auto bad = [&](const ExprInfo& str, const ExprInfo& other) {
    return str.is_const && str.value.kind == Kind::kString && other.kinds != 0 && (other.kinds & ~timey) == 0 &&
           !vm::parse_rfc3339(str.value.str());
  };
  const ast::Expr* culprit = bad(a, b) ? e.lhs.get() : bad(b, a) ? e.rhs.get() : nullptr;
  if (!culprit) return false;
  const Value& v = culprit == e.lhs.get() ? a.value : b.value;
  error(DiagCode::E0301, culprit->span, "the string " + source_form(v) + " is not an RFC 3339 time").help =
      "where a string meets a time it is read as RFC 3339, e.g. \"2026-12-01T09:00:00Z\"; write times as "
      "literals like @2026-12-01T09:00:00Z";
  return true;
}

void Analyzer::check_operands(const ast::Expr& e, const ExprInfo& a, const ExprInfo& b) {
  Op op = e.op;
  if (binary_possible(op, a.kinds, b.kinds)) return;
  std::string o(ast::op_text(op));
  Diagnostic* d = nullptr;
  if (is_order_op(op)) {
    d = &error(DiagCode::E0301, e.span, "cannot compare " + found(a.kinds) + " with " + found(b.kinds) + ": `" + o +
                                            "` is always false");
  } else if (op == Op::kIn) {
    d = &error(DiagCode::E0301, e.span, "the right side of `in` must be a list, found " + found(b.kinds));
    if (b.kinds == kind_bit(Kind::kString)) d->help = "to search text, write `TEXT contains PART`";
  } else if (op == Op::kContains) {
    d = &error(DiagCode::E0301, e.span, "`contains` needs a string or a list on its left and a string to find in a "
                                        "string; found " + found(a.kinds) + " and " + found(b.kinds));
  } else if (op == Op::kStartsWith || op == Op::kEndsWith) {
    d = &error(DiagCode::E0301, e.span, "`" + o + "` needs two strings, found " + found(a.kinds) + " and " + found(b.kinds));
  } else {
    d = &error(DiagCode::E0301, e.span, "cannot apply `" + o + "` to " + found(a.kinds) + " and " + found(b.kinds));
    bool text = has(a.kinds, Kind::kString) || has(b.kinds, Kind::kString);
    if (op == Op::kAdd && text) d->help = "to join text, convert with `string(...)`: `\"n=\" + string(x)`";
  }
  bool boolean_op = is_order_op(op) || op == Op::kIn || op == Op::kContains || op == Op::kStartsWith ||
                    op == Op::kEndsWith || op == Op::kMatches;
  if (d->help.empty()) d->help = boolean_op ? "this operation is always false" : "this operation is always null";
}

ExprInfo Analyzer::binary(const ast::Expr& e, const Scope& s) {
  if (e.op == Op::kIn && is_bare_root(e.lhs.get(), ast::Root::kCustomer) && e.rhs && e.rhs->kind == ast::ExprKind::kName)
    return segment_membership(e, s);
  if (e.op == Op::kAnd || e.op == Op::kOr) {
    std::string_view o = ast::op_text(e.op);
    ExprInfo a = logic_operand(e.lhs.get(), s, o);
    ExprInfo b = logic_operand(e.rhs.get(), s, o);
    if (a.is_const && b.is_const) return ExprInfo::constant(fold_binary(e.op, a.value, b.value, arena_));
    ExprInfo x = ExprInfo::unknown(kind_bit(Kind::kBool), nullptr);
    merge(x, a);
    merge(x, b);
    return x;
  }
  ExprInfo a = expr(e.lhs.get(), s);
  if (e.op == Op::kMatches) return matches(e, a);
  ExprInfo b = expr(e.rhs.get(), s);
  if (!a.poisoned && !b.poisoned && a.kinds != 0 && b.kinds != 0) {
    size_t errors = diags_.error_count();
    check_operands(e, a, b);
    if (diags_.error_count() == errors) check_time_string(e, a, b);
    if (diags_.error_count() != errors) return poisoned_info();
  }
  if (a.is_const && b.is_const) return ExprInfo::constant(fold_binary(e.op, a.value, b.value, arena_));
  ExprInfo x = ExprInfo::unknown(binary_result_kinds(e.op, a.kinds, b.kinds), nullptr);
  merge(x, a);
  merge(x, b);
  return x;
}

// ---------------------------------------------------------------- calls and aggregates

ExprInfo Analyzer::call(const ast::Expr& e, const Scope& s) {
  ExprInfo x = ExprInfo::unknown(kAnyKind, nullptr);
  Value first;  // the first argument, when all are constant
  bool all = true;
  for (size_t k = 0; k < e.items.size(); ++k) {
    ExprInfo a = expr(e.items[k].get(), s);
    merge(x, a);
    if (a.is_const && all) {
      if (k == 0) first = a.value;
    } else {
      all = false;
    }
  }
  const FunctionInfo* f = find_function(e.name.text);
  if (!f) {
    Diagnostic& d = error(DiagCode::E0204, e.name.span, "unknown function `" + std::string(e.name.text) + "`");
    did_you_mean(d, e.name.text, callable_names());
    if (d.help.empty()) d.help = "functions are exists lower upper len time int float string; aggregates are "
                                 "count sum min max avg last";
    return poisoned_info();
  }
  if (e.items.size() != f->arity) {
    error(DiagCode::E0300, e.span, "`" + std::string(f->name) + "` takes " + plural_args(f->arity) + ", " +
                                       std::to_string(e.items.size()) + " given");
    return poisoned_info();
  }
  if (all && !x.poisoned && f->arity == 1) return ExprInfo::constant(vm::call_builtin(f->id, first, arena_));
  x.kinds = f->result;
  return x;
}

ExprInfo Analyzer::aggregate(const ast::Expr& e, const Scope& s) {
  if (!e.aggregate) return poisoned_info();
  const ast::Aggregate& a = *e.aggregate;
  const std::string_view fname = ast::agg_func_name(a.func);
  if (s.in_agg_where) {
    error(DiagCode::E0311, e.span, "an aggregate cannot be used inside another aggregate's `where`").help =
        "the `where` of an aggregate filters single past events; compute the inner aggregate in a segment or a `let`";
    return poisoned_info();
  }
  bool poisoned = false;
  if (aggregate_takes_property(a.func) && a.property.empty()) {
    error(DiagCode::E0300, e.span, "`" + std::string(fname) + "` needs a property of the event, e.g. `" +
                                       std::string(fname) + "(" + a.event.text + ".amount)`");
    poisoned = true;
  } else if (!aggregate_takes_property(a.func) && !a.property.empty()) {
    Span props = join_spans(a.property.front().span, a.property.back().span);
    error(DiagCode::E0300, props, "`" + std::string(fname) + "` takes no property: write `" + std::string(fname) + "(" +
                                      a.event.text + " ...)`")
        .help = "sum, min, max and avg read a property; count and last only look at the events";
    poisoned = true;
  }
  if (a.where) condition(a.where.get(), s.in_aggregate(), "`where`");
  std::optional<int64_t> within;
  if (a.within) {
    Scope ws = s;
    ws.in_agg_where = false;
    within = positive_duration(a.within.get(), ws, "`within`");
  }
  out_.aggregates.push_back({&e, within});
  ExprInfo x = ExprInfo::unknown(aggregate_result(a.func), &e);
  x.poisoned = poisoned;
  return x;
}

// ---------------------------------------------------------------- constants of settings

namespace {

std::string duration_found(const Value& v) {
  std::string msg = "found " + std::string(kind_article_name(v.kind));
  if (v.kind == Kind::kInt) msg += " (did you mean `" + std::to_string(v.i) + "d`?)";
  return msg;
}

}  // namespace

std::optional<int64_t> Analyzer::positive_duration(const ast::Expr* e, const Scope& s, std::string_view what,
                                                   DiagCode nonpositive_code) {
  if (!e) return std::nullopt;
  auto v = constant_of(e, s, what);
  if (!v) return std::nullopt;
  if (v->kind != Kind::kDuration) {
    error(DiagCode::E0308, e->span, std::string(what) + " expects a duration, " + duration_found(*v)).help =
        "durations are written like `30m`, `1d12h` or `2w`";
    return std::nullopt;
  }
  if (v->i <= 0) {
    error(nonpositive_code, e->span, std::string(what) + " must be positive, found " + vm::format_duration(v->i));
    return std::nullopt;
  }
  return v->i;
}

std::optional<int64_t> Analyzer::positive_count(const ast::Expr* e, const Scope& s, std::string_view what) {
  if (!e) return std::nullopt;
  auto v = constant_of(e, s, what);
  if (!v) return std::nullopt;
  if (v->kind != Kind::kInt) {
    error(DiagCode::E0301, e->span, std::string(what) + " expects a whole number, found " +
                                        std::string(kind_article_name(v->kind)));
    return std::nullopt;
  }
  if (v->i <= 0) {
    error(DiagCode::E0307, e->span, std::string(what) + " must be positive, found " + std::to_string(v->i));
    return std::nullopt;
  }
  return v->i;
}

std::optional<int64_t> Analyzer::constant_time(const ast::Expr* e, const Scope& s, std::string_view what) {
  if (!e) return std::nullopt;
  auto v = constant_of(e, s, what);
  if (!v) return std::nullopt;
  if (v->kind == Kind::kTime) return v->i;
  error(DiagCode::E0301, e->span, std::string(what) + " expects a time like @2026-12-01T09:00:00Z, found " +
                                      std::string(kind_article_name(v->kind)));
  return std::nullopt;
}

namespace {

std::vector<std::string> known_zone_names() {
  std::vector<std::string> names;
  try {
    const date::tzdb& db = date::get_tzdb();
    for (const date::time_zone& z : db.zones) names.push_back(z.name());
  } catch (...) {
    // No database: no suggestion.
  }
  return names;
}

}  // namespace

void Analyzer::time_zone(const ast::Expr* e, const Scope& s) {
  if (!e) return;
  ExprInfo info = expr(e, s);
  if (info.poisoned) return;
  if (info.is_const && info.value.kind == Kind::kString) {
    if (vm::is_valid_time_zone(info.value.str())) return;
    Diagnostic& d = error(DiagCode::E0303, e->span, "unknown time zone " + source_form(info.value));
    std::vector<std::string> zones = known_zone_names();
    std::vector<std::string_view> views(zones.begin(), zones.end());
    did_you_mean(d, info.value.str(), views);
    if (d.help.empty()) d.help = "time zones are IANA names like \"Europe/Paris\" or \"America/New_York\"";
    return;
  }
  KindMask kinds = info.kinds;
  if (kinds != 0 && !has(kinds, Kind::kString))
    error(DiagCode::E0301, e->span, "a time zone must be a string like \"Europe/Paris\", found " + found(kinds));
}

}  // namespace laud::compiler::sema_detail
