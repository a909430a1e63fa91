// codegen.cc — module-level code generation: constants, regexes and aggregates (deduplicated),
// segments, policy caps and quiet hours, and each journey's settings (JourneyDesc). Expressions
// are codegen_expr.cc's, journey bodies codegen_journey.cc's; docs/bytecode.md explains the choices.
#include "compiler/codegen.h"

#include <algorithm>

#include "compiler/builtins.h"
#include "compiler/codegen_internal.h"
#include "compiler/flow.h"

namespace laud::compiler {
namespace codegen_detail {

using ast::ExprKind;

static_assert(static_cast<int>(Channel::kInApp) == static_cast<int>(vm::Channel::kInApp) &&
                  static_cast<int>(Channel::kWebhook) == static_cast<int>(vm::Channel::kWebhook),
              "compiler and VM channels are numbered alike");
static_assert(static_cast<int>(ast::AggFunc::kLast) == static_cast<int>(vm::AggFunc::kLast),
              "compiler and VM aggregate functions are numbered alike");

namespace {

vm::Reentry reentry_of(ast::Reentry r) {
  switch (r) {
    case ast::Reentry::kNever: return vm::Reentry::kNever;
    case ast::Reentry::kAlways: return vm::Reentry::kAlways;
    case ast::Reentry::kAfter: return vm::Reentry::kAfter;
  }
  return vm::Reentry::kNever;
}

// What of one journey's context `e` reads: its locals, `trigger`.
struct ContextUse {
  bool locals = false;
  bool trigger = false;
};

ContextUse journey_context(const ast::Expr& e, const SemaResult& sema) {
  ContextUse use;
  std::vector<const ast::Expr*> todo{&e};
  while (!todo.empty()) {
    const ast::Expr* x = todo.back();
    todo.pop_back();
    if (!x) continue;
    if (x->kind == ExprKind::kRoot && x->root == ast::Root::kTrigger) use.trigger = true;
    if (x->kind == ExprKind::kName) {
      auto it = sema.names.find(x);
      if (it != sema.names.end() && it->second.kind == NameRef::Kind::kLocal) use.locals = true;
    }
    todo.push_back(x->lhs.get());
    todo.push_back(x->rhs.get());
    for (const ast::ExprPtr& item : x->items) todo.push_back(item.get());
  }
  return use;
}

}  // namespace

// ---------------------------------------------------------------- tables

uint32_t ModuleGen::constant(const ConstValue& v) {
  // Deduplicated here by a hash of kind and payload (Module::add_constant scans linearly; a large
  // module has many thousands of constants). Floats by their bits: 0.0 and -0.0 stay apart.
  vm::ConstantDesc d;
  d.kind = v.kind;
  std::string key(1, static_cast<char>(v.kind));
  switch (v.kind) {
    case vm::Kind::kNull: break;
    case vm::Kind::kBool:
      d.b = v.b;
      key += v.b ? '1' : '0';
      break;
    case vm::Kind::kInt:
    case vm::Kind::kTime:
    case vm::Kind::kDuration:
      d.i = v.i;
      key.append(reinterpret_cast<const char*>(&d.i), sizeof d.i);
      break;
    case vm::Kind::kFloat:
      d.f = v.f;
      key.append(reinterpret_cast<const char*>(&d.f), sizeof d.f);
      break;
    case vm::Kind::kString:
      d.string = out.intern(v.s);
      key += std::to_string(d.string);
      break;
    case vm::Kind::kList:
      for (const ConstValue& item : v.list) {
        d.items.push_back(constant(item));
        key += std::to_string(d.items.back()) + ",";
      }
      break;
    case vm::Kind::kObject:  // no constant is an object
      d.kind = vm::Kind::kNull;
      key = std::string(1, static_cast<char>(vm::Kind::kNull));
      break;
  }
  auto [it, fresh] = constants_.emplace(std::move(key), static_cast<uint32_t>(out.constant_descs.size()));
  if (fresh) out.constant_descs.push_back(std::move(d));
  return it->second;
}

uint32_t ModuleGen::string_constant(std::string_view s) { return constant(ConstValue::string(std::string(s))); }

uint32_t ModuleGen::regex(std::string_view pattern) {
  auto [it, fresh] = regexes_.emplace(std::string(pattern), static_cast<uint32_t>(out.regexes.size()));
  if (fresh) out.regexes.emplace_back(pattern);
  return it->second;
}

uint32_t ModuleGen::reserve_function() {
  out.functions.emplace_back();
  return static_cast<uint32_t>(out.functions.size() - 1);
}

uint32_t ModuleGen::add_step(const ast::Stmt& s) {
  vm::StepDesc d;
  d.name = s.label ? std::string(s.label->text) : "L" + std::to_string(s.span.line);
  d.line = s.span.line;
  d.col = s.span.col;
  out.steps.push_back(std::move(d));
  return static_cast<uint32_t>(out.steps.size() - 1);
}

void ModuleGen::limit_error(Span where, const std::string& message) {
  diags.report(DiagCode::E0900, where, message);
  failed = true;
}

const NameRef* ModuleGen::name_ref(const ast::Expr& e) const {
  auto it = sema.names.find(&e);
  return it == sema.names.end() ? nullptr : &it->second;
}

// Whether every leaf of `e` is a literal or a const: only then is SemaResult::fold asked. Not
// memoized: it stops at the first leaf that is not constant (a root, a local, an aggregate), so
// the usual expression costs a step or two, and a hash map per node cost more than it saved.
bool ModuleGen::foldable(const ast::Expr& e) {
  switch (e.kind) {
    case ExprKind::kNull:
    case ExprKind::kBool:
    case ExprKind::kInt:
    case ExprKind::kFloat:
    case ExprKind::kString:
    case ExprKind::kRegex:
    case ExprKind::kDuration:
    case ExprKind::kTime: return true;
    case ExprKind::kName: {
      const NameRef* ref = name_ref(e);
      return ref && ref->kind == NameRef::Kind::kConst;
    }
    case ExprKind::kMember:
    case ExprKind::kUnary: return e.lhs && foldable(*e.lhs);
    case ExprKind::kIndex:
    case ExprKind::kBinary: return e.lhs && e.rhs && foldable(*e.lhs) && foldable(*e.rhs);
    case ExprKind::kList:
    case ExprKind::kCall:
      for (const ast::ExprPtr& item : e.items)
        if (!item || !foldable(*item)) return false;
      return true;
    default: return false;
  }
}

std::optional<ConstValue> ModuleGen::folded(const ast::Expr& e) {
  if (!foldable(e)) return std::nullopt;
  // The same node is often asked twice in a row (an operand, then its k operand): a small
  // direct-mapped cache of fold results.
  FoldSlot& slot = fold_cache_[(reinterpret_cast<uintptr_t>(&e) >> 4) % kFoldCacheSize];
  if (slot.expr != &e) {
    slot.expr = &e;
    slot.value = sema.fold(e);
  }
  return slot.value;
}

uint32_t ModuleGen::aggregate(const ast::Expr& e, JourneyCtx* j, uint32_t num_locals) {
  const ast::Aggregate& a = *e.aggregate;
  ContextUse use = j && a.where ? journey_context(*a.where, sema) : ContextUse{};
  bool contextual = use.locals || use.trigger;
  int64_t within = -1;
  if (auto it = agg_within_.find(&e); it != agg_within_.end()) {
    within = it->second;
  } else if (a.within) {
    if (const auto& v = folded(*a.within); v && v->kind == vm::Kind::kDuration) within = v->i;
  }
  std::string where_key;
  if (a.where) where_key = expr_key(*a.where) + (contextual ? "|journey " + std::to_string(j->index) : "");
  std::string key = std::string(ast::agg_func_name(a.func)) + "|" + a.event.text;
  for (const ast::Name& p : a.property) key += "|." + std::string(p.text);
  key += "|within " + std::to_string(within) + "|where " + where_key;
  if (auto it = aggregates_.find(key); it != aggregates_.end()) return it->second;

  vm::AggregateDesc d;
  d.func = static_cast<vm::AggFunc>(a.func);
  d.event = a.event.text;
  for (const ast::Name& p : a.property) d.property.emplace_back(p.text);
  d.within_ms = within;
  if (a.where) {
    // One function per distinct `where` (and event name): `min(E.x where C)` and `max(E.x where C)` share it.
    std::string fn_key = a.event.text + "|" + where_key;
    auto shared = agg_where_fns_.find(fn_key);
    if (shared != agg_where_fns_.end()) {
      d.where_fn = shared->second;
    } else {
      std::string name = "aggregate " + event_text(a.event.text) + " where";
      if (contextual) name = j->name + ": " + name;
      // `event` is the past event; a `where` inside a journey body may read its locals (low registers).
      FnGen f(*this, name, vm::FunctionKind::kPredicate, a.where->span, contextual ? j : nullptr,
              use.locals ? num_locals : 0);
      d.where_fn = f.predicate(*a.where);
      agg_where_fns_.emplace(std::move(fn_key), d.where_fn);
    }
  }
  uint32_t index = static_cast<uint32_t>(out.aggregates.size());
  out.aggregates.push_back(std::move(d));
  aggregates_.emplace(std::move(key), index);
  return index;
}

// ---------------------------------------------------------------- declarations

void ModuleGen::segments() {
  out.segments.resize(sema.segments.size());
  for (size_t i = 0; i < sema.segments.size(); ++i) {
    const ast::Decl& d = *sema.segments[i].decl;
    out.segments[i].name = d.name.text;
    FnGen f(*this, "segment " + std::string(d.name.text), vm::FunctionKind::kSegment, d.span);
    out.segments[i].fn = d.value ? f.predicate(*d.value) : f.finish();
  }
}

uint32_t ModuleGen::quiet_tz_fn(const ast::QuietHours& q, const std::string& owner, Span where, JourneyCtx* j) {
  if (!q.time_zone) return vm::kNone;
  FnGen f(*this, owner + ": quiet in", vm::FunctionKind::kValue, where, j);
  return f.value(*q.time_zone);
}

void ModuleGen::policy() {
  for (const CapInfo& c : sema.caps)
    out.caps.push_back(vm::CapDesc{static_cast<vm::Channel>(c.channel), c.count, c.window_ms});
  if (const ast::QuietHours* q = sema.policy_quiet) {
    vm::QuietDesc& pq = out.policy_quiet;
    pq.present = true;
    pq.start_minutes = q->start_minutes;
    pq.end_minutes = q->end_minutes;
    pq.skip = q->skip;
    pq.tz_fn = quiet_tz_fn(*q, "policy", q->time_zone ? q->time_zone->span : q->range_span, nullptr);
  }
}

void ModuleGen::journey(uint32_t index) {
  const JourneyInfo& info = sema.journeys[index];
  const ast::Decl& d = *info.decl;
  JourneyCtx j;
  j.index = index;
  j.info = &info;
  j.name = d.name.text;
  const std::string prefix = j.name + ": ";
  vm::JourneyDesc jd;
  jd.name = j.name;

  auto filter = [&](const std::string& what, const ast::Expr& e) {
    FnGen f(*this, prefix + what, vm::FunctionKind::kPredicate, e.span, &j);
    return f.predicate(e);
  };

  for (const TriggerInfo& t : info.triggers) {
    vm::TriggerDesc td;
    const ast::Setting& st = *t.setting;
    switch (st.kind) {
      case ast::SettingKind::kOnEvent:
        td.kind = vm::TriggerKind::kEvent;
        td.event = st.event.text;
        if (st.where) td.where_fn = filter("on " + event_text(st.event.text) + " where", *st.where);
        break;
      case ast::SettingKind::kOnEnter:
        td.kind = vm::TriggerKind::kEnterSegment;
        td.segment = t.segment;
        break;
      case ast::SettingKind::kOnScheduleAt:
        td.kind = vm::TriggerKind::kScheduleAt;
        td.at_ms = t.at_ms;
        break;
      default:
        td.kind = vm::TriggerKind::kScheduleEvery;
        td.at_ms = t.at_ms;
        td.every_ms = t.every_ms;
        break;
    }
    jd.triggers.push_back(std::move(td));
  }
  if (info.audience && info.audience->expr) jd.audience_fn = filter("audience", *info.audience->expr);
  if (info.key && info.key->expr) {
    FnGen f(*this, prefix + "key", vm::FunctionKind::kValue, info.key->expr->span, &j);
    jd.key_fn = f.value(*info.key->expr);
  }
  std::vector<const ast::Expr*> exit_when;
  for (const ast::Setting* st : info.exits) {
    if (st->kind == ast::SettingKind::kExitOn) {
      vm::ExitOnDesc e;
      e.event = st->event.text;
      if (st->where) e.where_fn = filter("exit on " + event_text(st->event.text) + " where", *st->where);
      jd.exit_on.push_back(std::move(e));
    } else if (st->expr) {
      exit_when.push_back(st->expr.get());
    }
  }
  if (!exit_when.empty()) {
    FnGen f(*this, prefix + "exit when", vm::FunctionKind::kPredicate, exit_when.front()->span, &j);
    jd.exit_when_fn = f.any_of(exit_when);
  }
  jd.reentry = reentry_of(info.reentry);
  jd.reentry_after_ms = info.reentry == ast::Reentry::kAfter ? info.reentry_after_ms : 0;
  if (info.limit_count) {
    jd.limit_count = *info.limit_count;
    jd.limit_window_ms = info.limit_window_ms;
  }
  if (info.quiet) {
    const ast::QuietHours& q = info.quiet->quiet;
    jd.quiet.present = true;
    jd.quiet.start_minutes = q.start_minutes;
    jd.quiet.end_minutes = q.end_minutes;
    jd.quiet.skip = q.skip;
    jd.quiet.tz_fn = quiet_tz_fn(q, j.name, q.time_zone ? q.time_zone->span : info.quiet->span, &j);
  }
  for (const GoalInfo& gi : info.goals) {
    vm::GoalDesc g;
    g.event = gi.setting->event.text;
    g.within_ms = gi.within_ms;
    if (gi.setting->where) g.where_fn = filter("goal " + event_text(g.event) + " where", *gi.setting->where);
    jd.goals.push_back(std::move(g));
  }

  jd.body_fn = generate_body(*this, j, d, jd.num_sends);
  if (j.all_trigger_fields)
    jd.trigger_fields = {"*"};
  else
    jd.trigger_fields.assign(j.trigger_fields.begin(), j.trigger_fields.end());
  out.journeys.push_back(std::move(jd));
}

void ModuleGen::journeys() {
  for (uint32_t i = 0; i < sema.journeys.size(); ++i) journey(i);
}

bool ModuleGen::run() {
  for (uint32_t i = 0; i < sources.size(); ++i) out.files.push_back(sources.file(i).name());
  for (const AggregateInfo& a : sema.aggregates)
    if (a.expr && a.within_ms) agg_within_.emplace(a.expr, *a.within_ms);
  segments();
  policy();
  journeys();
  if (failed) return false;
  std::string error;
  if (!out.finalize_views(&error)) {
    limit_error(kNoLocation, "the generated module does not load: " + error);
    return false;
  }
  return true;
}

}  // namespace codegen_detail

bool generate(const ast::Module& m, const SemaResult& sema, const SourceManager& sources, vm::Module& out,
              Diagnostics& diags) {
  return codegen_detail::ModuleGen(m, sema, sources, out, diags).run();
}

bool compile(Compilation& c, vm::Module& out) {
  SemaResult sema;
  analyze_module(c.module, c.diags, &sema);
  analyze_flow(c.module, c.diags);
  c.diags.sort();
  suppress_cascades(c);
  if (c.diags.has_errors()) return false;
  return generate(c.module, sema, c.sources, out, c.diags);
}

}  // namespace laud::compiler
