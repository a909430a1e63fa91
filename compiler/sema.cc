// sema.cc — semantic analysis, module level: global names, consts (folding, cycles), segments
// (dependency order, cycles) and policies. Expressions are checked in sema_expr.cc, journeys in
// sema_journey.cc; journey-body control flow is flow.cc's.
#include "compiler/sema.h"

#include <algorithm>

#include "compiler/sema_internal.h"

namespace laud::compiler {

std::optional<ConstValue> SemaResult::fold(const ast::Expr& e) const {
  vm::Arena arena;
  auto v = fold_value(
      e,
      [this, &arena](const ast::Expr& n) -> std::optional<vm::Value> {
        auto it = names.find(&n);
        if (it == names.end() || it->second.kind != NameRef::Kind::kConst) return std::nullopt;
        const std::optional<ConstValue>& c = consts[it->second.index].value;
        if (!c) return std::nullopt;
        return c->view(arena);
      },
      arena);
  if (!v) return std::nullopt;
  return ConstValue::of(*v);
}

bool analyze_module(const ast::Module& m, Diagnostics& diags, SemaResult* out) {
  SemaResult scratch;
  size_t errors_before = diags.error_count();
  sema_detail::Analyzer(m, diags, out ? *out : scratch, out != nullptr).run();
  return diags.error_count() == errors_before;
}

bool analyze_module_and_flow(const ast::Module& m, Diagnostics& diags, SemaResult* out) {
  SemaResult scratch;
  size_t errors_before = diags.error_count();
  sema_detail::Analyzer(m, diags, out ? *out : scratch, out != nullptr).run_with_flow(diags);
  return diags.error_count() == errors_before;
}

namespace sema_detail {

Span join_spans(Span a, Span b) {
  if (a.line == 0) return b;
  if (b.line == 0 || b.file != a.file || b.end < a.begin) return a;
  a.end = b.end;
  return a;
}

std::string quoted(std::string_view name) { return "`" + std::string(name) + "`"; }

// ---------------------------------------------------------------- helpers

Diagnostic& Analyzer::error(DiagCode code, Span span, std::string message) {
  return diags_.report(code, span, std::move(message));
}

void Analyzer::previous(Diagnostic& d, Span where, std::string message) {
  d.notes.push_back({where, std::move(message)});
}

void Analyzer::did_you_mean(Diagnostic& d, std::string_view name, const std::vector<std::string_view>& candidates) {
  std::string_view best = closest_name(name, candidates);
  if (!best.empty()) d.help = "did you mean `" + std::string(best) + "`?";
}

std::vector<std::string_view> Analyzer::const_names() const {
  std::vector<std::string_view> v;
  v.reserve(out_.consts.size());
  for (const ConstInfo& c : out_.consts) v.push_back(c.decl->name.text);
  return v;
}

std::vector<std::string_view> Analyzer::segment_names() const {
  std::vector<std::string_view> v;
  v.reserve(out_.segments.size());
  for (const SegmentInfo& s : out_.segments) v.push_back(s.decl->name.text);
  return v;
}

// ---------------------------------------------------------------- names

namespace {

std::string_view decl_kind_name(ast::DeclKind k) {
  switch (k) {
    case ast::DeclKind::kConst: return "const";
    case ast::DeclKind::kSegment: return "segment";
    case ast::DeclKind::kPolicy: return "policy";
    case ast::DeclKind::kJourney: return "journey";
  }
  return "declaration";
}

}  // namespace

void Analyzer::add_value_name(const ast::Decl& d, size_t decl_index) {
  const bool is_const = d.kind == ast::DeclKind::kConst;
  const auto index = static_cast<uint32_t>(is_const ? out_.consts.size() : out_.segments.size());
  auto [slot, fresh] = value_names_.emplace(d.name.text, ValueName{&d, index, is_const});
  if (!fresh) {
    const ast::Decl& prev = *slot->decl;
    Diagnostic& diag = error(DiagCode::E0205, d.name.span,
                             "`" + std::string(d.name.text) + "` is already defined (as a " +
                                 std::string(decl_kind_name(prev.kind)) + ")");
    previous(diag, prev.name.span);
    return;
  }
  decl_slot_[decl_index] = static_cast<int32_t>(index);
  if (is_const) {
    if (want_result_) out_.const_index.emplace(d.name.text, index);
    out_.consts.push_back({&d, std::nullopt});
  } else {
    if (want_result_) out_.segment_index.emplace(d.name.text, index);
    out_.segments.push_back({&d, {}});
  }
}

void Analyzer::collect_names() {
  const size_t n = m_.decls.size();
  decl_slot_.assign(n, -1);
  value_names_.reserve(n);
  NameTable<const ast::Decl*> journeys;
  for_each_decl(m_, [&](size_t k, const ast::Decl& d) {
    of_kind_[static_cast<size_t>(d.kind)].push_back(static_cast<uint32_t>(k));
    if (d.name.text.empty()) return;
    if (d.kind == ast::DeclKind::kConst || d.kind == ast::DeclKind::kSegment) {
      add_value_name(d, k);
    } else if (d.kind == ast::DeclKind::kJourney) {
      auto [first, fresh] = journeys.emplace(d.name.text, &d);
      if (!fresh) {
        Diagnostic& diag = error(DiagCode::E0205, d.name.span, "journey `" + std::string(d.name.text) + "` is already defined");
        previous(diag, (*first)->name.span);
        return;
      }
      const auto index = static_cast<uint32_t>(out_.journeys.size());
      decl_slot_[k] = static_cast<int32_t>(index);
      if (want_result_) out_.journey_index.emplace(d.name.text, index);
      JourneyInfo info;
      info.decl = &d;
      out_.journeys.push_back(std::move(info));
    }
  });
  consts_.assign(out_.consts.size(), ConstSlot{});
  segment_refs_.resize(out_.segments.size());
}

// ---------------------------------------------------------------- consts

namespace {

// Why `e` (a root, an aggregate, ...) is not known at compile time, for E0304 messages.
std::string why_not_constant(const ast::Expr* e) {
  if (!e) return "it is not a literal expression";
  switch (e->kind) {
    case ast::ExprKind::kRoot:
      return "`" + std::string(ast::root_name(e->root)) + "` is only known at run time";
    case ast::ExprKind::kAggregate:
      return "the aggregate `" + std::string(ast::agg_func_name(e->aggregate ? e->aggregate->func : ast::AggFunc::kCount)) +
             "` is only known at run time";
    case ast::ExprKind::kName:
      return "`" + std::string(e->name.text) + "` is not a const";
    case ast::ExprKind::kBinary:
      return "the pattern of `matches` must be a literal";
    default:
      return "it is not a literal expression";
  }
}

}  // namespace

std::optional<vm::Value> Analyzer::constant_of(const ast::Expr* e, const Scope& s, std::string_view what,
                                               std::string_view name) {
  size_t errors = diags_.error_count();
  ExprInfo info = expr(e, s);
  if (info.is_const) return info.value;
  if (!e || info.poisoned || diags_.error_count() != errors) return std::nullopt;
  std::string subject(what);
  if (!name.empty()) subject += " " + quoted(name);
  Diagnostic& d = error(DiagCode::E0304, info.non_const ? info.non_const->span : e->span,
                        subject + " must be constant: " + why_not_constant(info.non_const));
  d.help = "write a literal (like `3` or `7d`) or the name of a const";
  return std::nullopt;
}

ExprInfo Analyzer::const_value(uint32_t i, const ast::Expr& ref) {
  ConstSlot& slot = consts_[i];
  if (slot.state == ConstState::kDone) {
    if (slot.ok) return ExprInfo::constant(slot.value);
    ExprInfo x;
    x.poisoned = true;
    return x;
  }
  const ast::Decl& decl = *out_.consts[i].decl;
  if (slot.state == ConstState::kActive) {
    size_t pos = 0;
    while (pos < const_stack_.size() && const_stack_[pos] != i) ++pos;
    bool reported = slot.in_cycle;  // this cycle was already reported
    std::string path;
    for (size_t k = pos; k < const_stack_.size(); ++k) {
      path += std::string(out_.consts[const_stack_[k]].decl->name.text) + " -> ";
      consts_[const_stack_[k]].in_cycle = true;
    }
    path += std::string(decl.name.text);
    if (!reported) {
      Diagnostic& d = error(DiagCode::E0210, decl.name.span,
                            "const `" + std::string(decl.name.text) + "` depends on itself: " + path);
      previous(d, ref.span, "the cycle closes here");
    }
    ExprInfo x;
    x.poisoned = true;
    return x;
  }
  slot.state = ConstState::kActive;
  const_stack_.push_back(i);
  Scope s{Place::kConst, "a const"};
  std::optional<vm::Value> v = constant_of(decl.value.get(), s, "const", decl.name.text);
  const_stack_.pop_back();
  ConstSlot& done = consts_[i];
  done.state = ConstState::kDone;
  if (v && !done.in_cycle) {
    done.ok = true;
    done.value = *v;
    if (want_result_) out_.consts[i].value = ConstValue::of(*v);
    return ExprInfo::constant(*v);
  }
  ExprInfo x;
  x.poisoned = true;
  return x;
}

namespace {
constexpr size_t kWarmBatch = 64;  // small declarations brought into the cache together
}

void Analyzer::warm(ast::DeclKind kind, size_t begin, size_t count) {
  warmer_.add_decls(m_, of_kind_[static_cast<size_t>(kind)], begin, begin + count);
  warmer_.run();
}

void Analyzer::check_consts() {
  const std::vector<uint32_t>& order = of_kind_[static_cast<size_t>(ast::DeclKind::kConst)];
  for (size_t i = 0; i < order.size(); ++i) {
    if (i % kWarmBatch == 0) warm(ast::DeclKind::kConst, i, kWarmBatch);
    const size_t k = order[i];
    const ast::Decl* dp = m_.decls[k].get();
    if (decl_slot_[k] >= 0) {
      if (dp->value) const_value(static_cast<uint32_t>(decl_slot_[k]), *dp->value);
      continue;
    }
    // A duplicate (already reported): check its expression all the same.
    Scope s{Place::kConst, "a const"};
    constant_of(dp->value.get(), s, "const", dp->name.text);
  }
}

// ---------------------------------------------------------------- segments

void Analyzer::check_segments() {
  const std::vector<uint32_t>& order = of_kind_[static_cast<size_t>(ast::DeclKind::kSegment)];
  for (size_t i = 0; i < order.size(); ++i) {
    if (i % kWarmBatch == 0) warm(ast::DeclKind::kSegment, i, kWarmBatch);
    const size_t k = order[i];
    Scope s{Place::kSegment, "a segment", false, nullptr, decl_slot_[k]};
    condition(m_.decls[k]->value.get(), s, "a segment");
  }
  if (!want_result_) return;  // `uses` is for later passes; order_segments reads segment_refs_
  for (size_t i = 0; i < segment_refs_.size(); ++i)
    for (const auto& [to, span] : segment_refs_[i]) {
      std::vector<uint32_t>& uses = out_.segments[i].uses;
      if (std::find(uses.begin(), uses.end(), to) == uses.end()) uses.push_back(to);
    }
}

// Depth-first over `uses`, without recursion; reports each cycle once (at the segment where
// it is found again) and lists the segments so that each comes after those it uses.
void Analyzer::order_segments() {
  enum Color : uint8_t { kWhite, kGray, kBlack };
  std::vector<Color> color(out_.segments.size(), kWhite);
  struct Frame { uint32_t seg; size_t next; };
  std::vector<Frame> stack;
  for (uint32_t root = 0; root < out_.segments.size(); ++root) {
    if (color[root] != kWhite) continue;
    stack.assign(1, Frame{root, 0});
    color[root] = kGray;
    while (!stack.empty()) {
      Frame& f = stack.back();
      const auto& refs = segment_refs_[f.seg];
      if (f.next == refs.size()) {
        color[f.seg] = kBlack;
        out_.segment_order.push_back(f.seg);
        stack.pop_back();
        continue;
      }
      auto [to, span] = refs[f.next++];
      if (color[to] == kWhite) {
        color[to] = kGray;
        stack.push_back({to, 0});
        continue;
      }
      if (color[to] != kGray) continue;
      // A cycle: the frames from `to` up to here, then `to` again.
      size_t pos = 0;
      while (stack[pos].seg != to) ++pos;
      std::string path;
      for (size_t k = pos; k < stack.size(); ++k) path += std::string(out_.segments[stack[k].seg].decl->name.text) + " -> ";
      path += std::string(out_.segments[to].decl->name.text);
      Diagnostic& d = error(DiagCode::E0209, out_.segments[to].decl->name.span,
                            "segments reference each other in a cycle: " + path);
      for (size_t k = pos; k < stack.size(); ++k) {
        const auto& r = segment_refs_[stack[k].seg][stack[k].next - 1];
        d.notes.push_back({r.second, "`" + std::string(out_.segments[stack[k].seg].decl->name.text) + "` uses `" +
                                         std::string(out_.segments[r.first].decl->name.text) + "` here"});
      }
      d.help = "a segment cannot depend on itself, directly or through other segments";
    }
  }
}

// ---------------------------------------------------------------- policies

void Analyzer::check_policies() {
  const ast::Decl* first_quiet = nullptr;
  for (uint32_t k : of_kind_[static_cast<size_t>(ast::DeclKind::kPolicy)]) {
    const std::unique_ptr<ast::Decl>& dp = m_.decls[k];
    Scope s{Place::kPolicy, "a policy"};
    for (const ast::Cap& cap : dp->caps) {
      const ChannelInfo* ch = find_channel(cap.channel.text);
      if (!ch) {
        Diagnostic& d = error(DiagCode::E0208, cap.channel.span, "unknown channel `" + std::string(cap.channel.text) + "`");
        did_you_mean(d, cap.channel.text, channel_names());
        if (d.help.empty()) d.help = "channels are email, sms, push, webhook, slack and in_app";
      }
      auto count = positive_count(cap.count.get(), s, "a cap's count");
      auto window = positive_duration(cap.window.get(), s, "a cap's window");
      if (ch && count && window) out_.caps.push_back({&cap, ch->id, *count, *window});
    }
    if (!dp->quiet) continue;
    time_zone(dp->quiet->time_zone.get(), s);
    if (first_quiet) {
      Diagnostic& d = error(DiagCode::E0406, dp->quiet_span, "only one policy may set `quiet`");
      previous(d, first_quiet->quiet_span, "the first policy `quiet` is here");
      d.help = "a journey's own `quiet` setting replaces the policy's for that journey";
      continue;
    }
    first_quiet = dp.get();
    out_.policy_quiet = &*dp->quiet;
  }
}

void Analyzer::run_with_flow(Diagnostics& flow_diags) {
  FlowChecker flow(flow_diags, [this](const ast::Expr& e) { return fold_for_flow(e); });
  flow_ = &flow;
  run();
  flow_ = nullptr;
}

std::optional<vm::Value> Analyzer::fold_for_flow(const ast::Expr& e) {
  auto names = [this](const ast::Expr& n) -> std::optional<vm::Value> {
    const ValueName* v = value_names_.find(n.name.text);
    if (!v || !v->is_const) return std::nullopt;
    if (consts_[v->index].ok) return consts_[v->index].value;
    if (!module_consts_) module_consts_ = std::make_unique<ModuleConsts>(m_);
    return module_consts_->value(n.name.text);
  };
  return fold_value(e, names, arena_);
}

void Analyzer::run() {
  collect_names();
  check_consts();
  check_segments();
  order_segments();
  check_policies();
  check_journeys();
}

}  // namespace sema_detail
}  // namespace laud::compiler
