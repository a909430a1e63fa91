// sema.cc — semantic analysis, module level: global names, consts (folding, cycles), segments
// (dependency order, cycles) and policies. Expressions are checked in sema_expr.cc, journeys in
// sema_journey.cc; journey-body control flow is flow.cc's.
#include "compiler/sema.h"

#include <algorithm>

#include "compiler/sema_internal.h"

namespace laud::compiler {

std::optional<ConstValue> SemaResult::fold(const ast::Expr& e) const {
  return fold_constant(e, [this](const ast::Expr& n) -> std::optional<ConstValue> {
    auto it = names.find(&n);
    if (it == names.end() || it->second.kind != NameRef::Kind::kConst) return std::nullopt;
    return consts[it->second.index].value;
  });
}

bool analyze_module(const ast::Module& m, Diagnostics& diags, SemaResult* out) {
  SemaResult scratch;
  size_t errors_before = diags.error_count();
  sema_detail::Analyzer(m, diags, out ? *out : scratch).run();
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

ExprInfo ExprInfo::constant(ConstValue v) {
  ExprInfo x;
  x.kinds = v.mask();
  x.value = std::move(v);
  return x;
}

ExprInfo ExprInfo::unknown(KindMask kinds, const ast::Expr* why) {
  ExprInfo x;
  x.kinds = kinds;
  x.non_const = why;
  return x;
}

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
  for (const ConstInfo& c : out_.consts) v.push_back(c.decl->name.text);
  return v;
}

std::vector<std::string_view> Analyzer::segment_names() const {
  std::vector<std::string_view> v;
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

void Analyzer::add_value_name(const ast::Decl& d) {
  auto [it, fresh] = value_decls_.emplace(d.name.text, &d);
  if (!fresh) {
    const ast::Decl& prev = *it->second;
    Diagnostic& diag = error(DiagCode::E0205, d.name.span,
                             "`" + std::string(d.name.text) + "` is already defined (as a " +
                                 std::string(decl_kind_name(prev.kind)) + ")");
    previous(diag, prev.name.span);
    return;
  }
  if (d.kind == ast::DeclKind::kConst) {
    out_.const_index.emplace(d.name.text, static_cast<uint32_t>(out_.consts.size()));
    out_.consts.push_back({&d, std::nullopt});
  } else {
    out_.segment_index.emplace(d.name.text, static_cast<uint32_t>(out_.segments.size()));
    out_.segments.push_back({&d, {}});
  }
}

void Analyzer::collect_names() {
  std::unordered_map<std::string_view, const ast::Decl*> journeys;
  for (const auto& dp : m_.decls) {
    if (!dp || dp->name.text.empty()) continue;
    const ast::Decl& d = *dp;
    if (d.kind == ast::DeclKind::kConst || d.kind == ast::DeclKind::kSegment) {
      add_value_name(d);
    } else if (d.kind == ast::DeclKind::kJourney) {
      auto [it, fresh] = journeys.emplace(d.name.text, &d);
      if (!fresh) {
        Diagnostic& diag = error(DiagCode::E0205, d.name.span, "journey `" + std::string(d.name.text) + "` is already defined");
        previous(diag, it->second->name.span);
        continue;
      }
      out_.journey_index.emplace(d.name.text, static_cast<uint32_t>(out_.journeys.size()));
      JourneyInfo info;
      info.decl = &d;
      out_.journeys.push_back(std::move(info));
    }
  }
  const_state_.assign(out_.consts.size(), ConstState::kPending);
  const_in_cycle_.assign(out_.consts.size(), false);
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

std::optional<ConstValue> Analyzer::constant_of(const ast::Expr* e, const Scope& s, std::string_view what,
                                                ExprInfo* info_out) {
  size_t errors = diags_.error_count();
  ExprInfo info = expr(e, s);
  if (info_out) *info_out = info;
  if (info.value || !e) return info.value;
  if (info.poisoned || diags_.error_count() != errors) return std::nullopt;
  Diagnostic& d = error(DiagCode::E0304, info.non_const ? info.non_const->span : e->span,
                        std::string(what) + " must be constant: " + why_not_constant(info.non_const));
  d.help = "write a literal (like `3` or `7d`) or the name of a const";
  return std::nullopt;
}

ExprInfo Analyzer::const_value(uint32_t i, const ast::Expr& ref) {
  ConstInfo& c = out_.consts[i];
  if (const_state_[i] == ConstState::kDone) {
    if (c.value) return ExprInfo::constant(*c.value);
    ExprInfo x;
    x.poisoned = true;
    return x;
  }
  if (const_state_[i] == ConstState::kActive) {
    size_t pos = 0;
    while (pos < const_stack_.size() && const_stack_[pos] != i) ++pos;
    bool reported = const_in_cycle_[i];  // this cycle was already reported
    std::string path;
    for (size_t k = pos; k < const_stack_.size(); ++k) {
      path += std::string(out_.consts[const_stack_[k]].decl->name.text) + " -> ";
      const_in_cycle_[const_stack_[k]] = true;
    }
    path += std::string(c.decl->name.text);
    if (!reported) {
      Diagnostic& d = error(DiagCode::E0210, c.decl->name.span,
                            "const `" + std::string(c.decl->name.text) + "` depends on itself: " + path);
      previous(d, ref.span, "the cycle closes here");
    }
    ExprInfo x;
    x.poisoned = true;
    return x;
  }
  const_state_[i] = ConstState::kActive;
  const_stack_.push_back(i);
  Scope s{Place::kConst, "a const"};
  std::string what = "const `" + std::string(c.decl->name.text) + "`";
  ExprInfo info;
  auto v = constant_of(c.decl->value.get(), s, what, &info);
  const_stack_.pop_back();
  const_state_[i] = ConstState::kDone;
  if (v && !const_in_cycle_[i]) c.value = std::move(v);
  return const_value(i, ref);
}

void Analyzer::check_consts() {
  for (const auto& dp : m_.decls) {
    if (!dp || dp->kind != ast::DeclKind::kConst) continue;
    auto it = out_.const_index.find(dp->name.text);
    if (it != out_.const_index.end() && out_.consts[it->second].decl == dp.get()) {
      if (dp->value) const_value(it->second, *dp->value);
      continue;
    }
    // A duplicate (already reported): check its expression all the same.
    Scope s{Place::kConst, "a const"};
    constant_of(dp->value.get(), s, "const `" + std::string(dp->name.text) + "`");
  }
}

// ---------------------------------------------------------------- segments

void Analyzer::check_segments() {
  for (const auto& dp : m_.decls) {
    if (!dp || dp->kind != ast::DeclKind::kSegment) continue;
    auto it = out_.segment_index.find(dp->name.text);
    bool registered = it != out_.segment_index.end() && out_.segments[it->second].decl == dp.get();
    Scope s{Place::kSegment, "a segment", false, nullptr, registered ? static_cast<int32_t>(it->second) : -1};
    condition(dp->value.get(), s, "a segment");
  }
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
  for (uint32_t root = 0; root < out_.segments.size(); ++root) {
    if (color[root] != kWhite) continue;
    std::vector<Frame> stack{{root, 0}};
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
  for (const auto& dp : m_.decls) {
    if (!dp || dp->kind != ast::DeclKind::kPolicy) continue;
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
