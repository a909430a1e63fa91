// sema_journey.cc — checks of journeys: settings (§6: triggers, duplicates, constant windows)
// and steps (§7: channels, `to`, `with` keys, waits, splits, `let` locals, `set` targets).
// Labels, gotos, unreachable steps and `event` inside bodies are flow.cc's.
#include <array>

#include "compiler/sema_internal.h"
#include "vm/time_text.h"

namespace laud::compiler::sema_detail {

using vm::Kind;
using ast::SettingKind;
using ast::StmtKind;

namespace {

std::string_view setting_word(SettingKind k) {
  switch (k) {
    case SettingKind::kAudience: return "audience";
    case SettingKind::kReentry: return "reentry";
    case SettingKind::kKey: return "key";
    case SettingKind::kLimit: return "limit";
    case SettingKind::kQuiet: return "quiet";
    default: return "setting";
  }
}

bool at_most_once(SettingKind k) {
  return k == SettingKind::kAudience || k == SettingKind::kReentry || k == SettingKind::kKey ||
         k == SettingKind::kLimit || k == SettingKind::kQuiet;
}

bool is_trigger(SettingKind k) {
  return k == SettingKind::kOnEvent || k == SettingKind::kOnEnter || k == SettingKind::kOnScheduleAt ||
         k == SettingKind::kOnScheduleEvery;
}

std::string percent_text(uint32_t basis_points) {
  std::string out = std::to_string(basis_points / 100);
  uint32_t frac = basis_points % 100;
  if (frac) {
    out += '.';
    out += static_cast<char>('0' + frac / 10);
    if (frac % 10) out += static_cast<char>('0' + frac % 10);
  }
  return out + "%";
}

bool is_root_customer(const ast::Expr* e) {
  return e && e->kind == ast::ExprKind::kRoot && e->root == ast::Root::kCustomer;
}

// The first entry of `items` before index `k` that `counts` and whose key equals items[k]'s, or
// null: duplicate detection for the short lists of `with` keys and variants (a table for long ones).
template <typename T, typename Key, typename Counts>
const T* earlier_duplicate(const std::vector<T>& items, size_t k, const Key& key, const Counts& counts,
                           NameTable<const T*>& table) {
  if (items.size() <= 16) {
    for (size_t j = 0; j < k; ++j)
      if (counts(items[j]) && key(items[j]) == key(items[k])) return &items[j];
    return nullptr;
  }
  auto [first, fresh] = table.emplace(key(items[k]), &items[k]);
  return fresh ? nullptr : *first;
}

// The span from a step's keyword to the end of `name` (e.g. `send webhook`, `split ab`).
Span head_span(const ast::Stmt& st, const ast::Name& name) {
  if (name.span.line == 0) return st.span;
  return join_spans(st.span, name.span);
}

}  // namespace

void Analyzer::check_journeys() {
  constexpr size_t kWarmJourneys = 4;  // brought into the cache together (a few kilobytes each)
  const std::vector<uint32_t>& order = of_kind_[static_cast<size_t>(ast::DeclKind::kJourney)];
  for (size_t i = 0; i < order.size(); ++i) {
    if (i % kWarmJourneys == 0) warm(ast::DeclKind::kJourney, i, kWarmJourneys);
    const size_t k = order[i];
    const ast::Decl* dp = m_.decls[k].get();
    if (decl_slot_[k] >= 0) {
      check_journey(*dp, out_.journeys[static_cast<size_t>(decl_slot_[k])]);
    } else {
      JourneyInfo scratch;  // a duplicate or unnamed journey: checked, not kept
      scratch.decl = dp;
      check_journey(*dp, scratch);
    }
    if (flow_) flow_->check(*dp);
  }
}

void Analyzer::check_journey(const ast::Decl& d, JourneyInfo& info) {
  JourneyState& js = journey_;
  js.locals.clear();
  js.splits.clear();
  js.info = &info;
  collect_lets(d.body, js);
  check_settings(d, js);
  block(d.body, js);
}

// ---------------------------------------------------------------- settings

// `$sent` events enter the history but trigger, resume, exit and convert nothing (§9): a line
// that waits for one never fires.
void Analyzer::warn_if_sent(const ast::EventName& e, std::string_view what) {
  if (e.text != "$sent") return;
  Diagnostic& w = diags_.report(DiagCode::W0005, e.span, std::string(what) + " on `$sent` never fires: dispatches enter "
                                                         "the history but trigger, resume, exit and convert nothing");
  w.help = "count them with an aggregate instead, e.g. `count(\"$sent\" where event.channel == \"email\" within 1d)`";
}

void Analyzer::check_settings(const ast::Decl& d, JourneyState& js) {
  JourneyInfo& info = *js.info;
  for (const ast::Setting& st : d.settings) {
    if (st.kind == SettingKind::kOnEvent) warn_if_sent(st.event, "this trigger");
    if (st.kind == SettingKind::kExitOn) warn_if_sent(st.event, "this exit rule");
    if (st.kind == SettingKind::kGoal) warn_if_sent(st.event, "this goal");
  }
  std::array<const ast::Setting*, static_cast<size_t>(SettingKind::kGoal) + 1> first{};
  bool has_trigger = false, explicit_reentry = false, every = false;
  for (const ast::Setting& st : d.settings) {
    has_trigger = has_trigger || is_trigger(st.kind);
    every = every || st.kind == SettingKind::kOnScheduleEvery;
    if (at_most_once(st.kind)) {
      const ast::Setting*& earlier = first[static_cast<size_t>(st.kind)];
      const bool fresh = earlier == nullptr;
      if (fresh) earlier = &st;
      if (!fresh) {
        std::string w(setting_word(st.kind));
        Diagnostic& diag = error(DiagCode::E0404, st.span, "duplicate `" + w + "` setting in journey `" +
                                                               std::string(d.name.text) + "`");
        previous(diag, earlier->span, "the first `" + w + "` is here");
      }
      if (st.kind == SettingKind::kReentry && fresh) explicit_reentry = true;
      if (!fresh) {
        JourneyInfo scratch;  // check the duplicate's expressions without keeping them
        JourneyState dup = js;
        dup.info = &scratch;
        check_setting(st, dup);
        continue;
      }
    }
    check_setting(st, js);
  }
  if (!explicit_reentry && every) info.reentry = ast::Reentry::kAlways;
  if (!has_trigger && d.name.span.line != 0) {
    Diagnostic& w = diags_.report(DiagCode::W0003, d.name.span,
                                  "journey `" + std::string(d.name.text) + "` has no trigger and is never entered");
    w.help = "add `on EVENT`, `on enter SEGMENT` or `on schedule ...`";
  }
}

void Analyzer::check_trigger(const ast::Setting& st, JourneyState& js) {
  TriggerInfo t;
  t.setting = &st;
  Scope s{Place::kSetting, "`on schedule`", false, &js};
  bool ok = true;
  switch (st.kind) {
    case SettingKind::kOnEvent:
      if (st.where) condition(st.where.get(), Scope{Place::kEntryWhere, "an entry condition", false, &js}, "`where`");
      break;
    case SettingKind::kOnEnter: {
      const ValueName* v = value_names_.find(st.segment.text);
      if (v && !v->is_const) {
        t.segment = v->index;
        break;
      }
      ok = false;
      if (v) {
        error(DiagCode::E0201, st.segment.span, "`" + std::string(st.segment.text) + "` is a const, not a segment")
            .help = "`on enter` names a segment: the journey starts when the customer enters it";
      } else {
        Diagnostic& d = error(DiagCode::E0201, st.segment.span, "unknown segment `" + std::string(st.segment.text) + "`");
        did_you_mean(d, st.segment.text, segment_names());
      }
      break;
    }
    case SettingKind::kOnScheduleAt: {
      auto at = constant_time(st.expr.get(), s, "`on schedule at`");
      ok = at.has_value();
      t.at_ms = at.value_or(0);
      break;
    }
    case SettingKind::kOnScheduleEvery: {
      auto period = positive_duration(st.expr.get(), s, "`on schedule every`", DiagCode::E0409);
      auto start = constant_time(st.starting.get(), s, "`starting`");
      ok = period && start;
      t.every_ms = period.value_or(0);
      t.at_ms = start.value_or(0);
      break;
    }
    default: return;
  }
  if (ok) js.info->triggers.push_back(t);
}

void Analyzer::check_setting(const ast::Setting& st, JourneyState& js) {
  JourneyInfo& info = *js.info;
  auto setting_scope = [&](std::string_view what) { return Scope{Place::kSetting, what, false, &js}; };
  Scope event_where{Place::kEventWhere, "a `where`", false, &js};
  switch (st.kind) {
    case SettingKind::kOnEvent:
    case SettingKind::kOnEnter:
    case SettingKind::kOnScheduleAt:
    case SettingKind::kOnScheduleEvery:
      check_trigger(st, js);
      return;
    case SettingKind::kAudience:
      condition(st.expr.get(), setting_scope("`audience`"), "`audience`");
      info.audience = &st;
      return;
    case SettingKind::kReentry:
      info.reentry = st.reentry;
      if (st.reentry == ast::Reentry::kAfter)
        info.reentry_after_ms = positive_duration(st.expr.get(), setting_scope("`reentry`"), "`reentry after`").value_or(0);
      return;
    case SettingKind::kKey:
      expr(st.expr.get(), setting_scope("`key`"));
      info.key = &st;
      return;
    case SettingKind::kExitOn:
      if (st.where) condition(st.where.get(), event_where, "`where`");
      info.exits.push_back(&st);
      return;
    case SettingKind::kExitWhen:
      condition(st.expr.get(), setting_scope("`exit when`"), "`exit when`");
      info.exits.push_back(&st);
      return;
    case SettingKind::kLimit: {
      auto n = positive_count(st.count.get(), setting_scope("`limit`"), "`limit`");
      auto w = positive_duration(st.expr.get(), setting_scope("`limit`"), "the window of `limit`");
      if (n && w) {
        info.limit_count = n;
        info.limit_window_ms = *w;
      }
      return;
    }
    case SettingKind::kQuiet:
      time_zone(st.quiet.time_zone.get(), setting_scope("`quiet`"));
      info.quiet = &st;
      return;
    case SettingKind::kGoal: {
      if (st.where) condition(st.where.get(), event_where, "`where`");
      auto w = positive_duration(st.expr.get(), setting_scope("`goal`"), "the window of `goal`");
      if (w) info.goals.push_back({&st, *w});
      return;
    }
  }
}

// ---------------------------------------------------------------- locals

// Gives every local a slot in source order of its first `let` (nested blocks included).
void Analyzer::collect_lets(const ast::Block& b, JourneyState& js) {
  for (const ast::StmtPtr& sp : b) {
    if (!sp) continue;
    const ast::Stmt& st = *sp;
    if (st.kind == StmtKind::kLet && !st.name.text.empty()) {
      const auto next_slot = static_cast<uint32_t>(js.info->locals.size());
      auto [local, fresh] = js.locals.emplace(st.name.text, LocalState{next_slot, &st, false});
      const uint32_t slot = local->slot;
      if (fresh) {
        js.info->locals.push_back({st.name.text, &st});
        if (const ValueName* clash = value_names_.find(st.name.text)) {
          std::string kind = clash->is_const ? "const" : "segment";
          Diagnostic& d = error(DiagCode::E0205, st.name.span,
                                "local `" + std::string(st.name.text) + "` has the name of a " + kind);
          previous(d, clash->decl->name.span);
          d.help = "rename the local";
        }
      }
      if (want_result_) js.info->let_slots[&st] = slot;
    }
    for (const ast::IfArm& arm : st.arms) collect_lets(arm.body, js);
    for (const ast::Variant& v : st.variants) collect_lets(v.body, js);
    for (const ast::OnBranch& br : st.branches) collect_lets(br.body, js);
    if (st.timeout) collect_lets(*st.timeout, js);
  }
}

// ---------------------------------------------------------------- steps

void Analyzer::block(const ast::Block& b, JourneyState& js) {
  for (const ast::StmtPtr& sp : b)
    if (sp) step(*sp, js);
}

void Analyzer::step(const ast::Stmt& st, JourneyState& js) {
  Scope s{Place::kBody, "the journey body", false, &js};
  switch (st.kind) {
    case StmtKind::kSend: send(st, s); return;
    case StmtKind::kWait:
    case StmtKind::kWaitUntil:
    case StmtKind::kWaitUntilLocal:
    case StmtKind::kWaitUpTo: wait(st, s, js); return;
    case StmtKind::kIf:
      for (const ast::IfArm& arm : st.arms) {
        if (arm.cond) condition(arm.cond.get(), s, "`if`");
        block(arm.body, js);
      }
      return;
    case StmtKind::kSplit: split(st, js); return;
    case StmtKind::kLet: let(st, s, js); return;
    case StmtKind::kSet: set(st, s); return;
    case StmtKind::kGoto:
    case StmtKind::kExit: return;
  }
}

void Analyzer::send(const ast::Stmt& st, const Scope& s) {
  const ChannelInfo* ch = find_channel(st.channel.text);
  if (!ch && !st.channel.text.empty()) {
    Diagnostic& d = error(DiagCode::E0208, st.channel.span, "unknown channel `" + std::string(st.channel.text) + "`");
    did_you_mean(d, st.channel.text, channel_names());
    if (d.help.empty()) d.help = "channels are email, sms, push, webhook, slack and in_app";
  }
  if (ch && ch->needs_to && !st.to) {
    std::string c(ch->name);
    error(DiagCode::E0403, head_span(st, st.channel), "`send " + c + "` needs `to`: " + c + " has no default address")
        .help = ch->id == Channel::kWebhook ? "add `to \"https://...\"` (or an expression giving the URL)"
                                            : "add `to \"#channel\"` (or an expression giving the address)";
  }
  if (st.to) expr(st.to.get(), s);
  NameTable<const ast::WithEntry*> keys;  // only for long lists
  auto key = [](const ast::WithEntry& x) { return x.key.text; };
  auto all = [](const ast::WithEntry&) { return true; };
  for (size_t k = 0; k < st.with.size(); ++k) {
    const ast::WithEntry& w = st.with[k];
    if (const ast::WithEntry* first = earlier_duplicate(st.with, k, key, all, keys)) {
      Diagnostic& d = error(DiagCode::E0212, w.key.span, "duplicate `with` key `" + std::string(w.key.text) + "`");
      previous(d, first->key.span, "`" + std::string(w.key.text) + "` is first given here");
    }
    expr(w.value.get(), s);
  }
}

void Analyzer::wait(const ast::Stmt& st, const Scope& s, JourneyState& js) {
  if (st.kind == StmtKind::kWaitUntilLocal) {
    time_zone(st.value.get(), s);
    return;
  }
  ExprInfo info = expr(st.value.get(), s);
  const ast::Expr* e = st.value.get();
  if (e && !info.poisoned && st.kind == StmtKind::kWaitUntil) {
    if (info.is_const && info.value.kind == Kind::kString && !vm::parse_rfc3339(info.value.str())) {
      error(DiagCode::E0301, e->span, "the string " + source_form(info.value) + " is not an RFC 3339 time").help =
          "write a time literal like @2026-12-01T09:00:00Z, or a time of day like `wait until 09:00`";
    } else if (info.kinds != 0 && !(info.kinds & (kind_bit(Kind::kTime) | kind_bit(Kind::kString)))) {
      error(DiagCode::E0301, e->span, "`wait until` needs a time, found " + describe_kinds(info.kinds)).help =
          info.kinds == kind_bit(Kind::kDuration) ? "to wait for a duration, write `wait D`; or add it to a time, "
                                                    "e.g. `wait until trigger.$time + D`"
                                                  : "write a time like @2026-12-01T09:00:00Z or `trigger.$time + 1d`";
    }
  }
  if (e && !info.poisoned && st.kind != StmtKind::kWaitUntil && info.kinds != 0 &&
      !(info.kinds & kind_bit(Kind::kDuration))) {
    std::string msg = "expected a duration, found " + describe_kinds(info.kinds);
    if (info.is_const && info.value.kind == Kind::kInt) msg += " (did you mean `" + std::to_string(info.value.i) + "d`?)";
    error(DiagCode::E0308, e->span, msg).help = "durations are written like `30m`, `1d12h` or `2w`";
  }
  for (const ast::OnBranch& br : st.branches) {
    warn_if_sent(br.event, "this branch");
    if (br.where) condition(br.where.get(), s, "`where`");
    block(br.body, js);
  }
  if (st.timeout) block(*st.timeout, js);
}

void Analyzer::split(const ast::Stmt& st, JourneyState& js) {
  Span head = head_span(st, st.name);
  if (!st.name.text.empty()) {
    auto [first, fresh] = js.splits.emplace(st.name.text, &st);
    if (!fresh) {
      Diagnostic& d = error(DiagCode::E0205, st.name.span,
                            "split `" + std::string(st.name.text) + "` is already defined in this journey");
      previous(d, (*first)->name.span);
    }
  }
  if (st.variants.empty()) {
    error(DiagCode::E0410, head, "split `" + std::string(st.name.text) + "` has no variants").help =
        "add arms like `variant a 50% { ... }` and `control 50%`";
    return;
  }
  NameTable<const ast::Variant*> names;  // only for long lists
  const ast::Variant* control = nullptr;
  uint32_t total = 0;
  auto key = [](const ast::Variant& x) { return x.name.text; };
  auto named = [](const ast::Variant& x) { return !x.is_control; };
  bool percents_ok = true;  // an invalid percent was reported already: its sum means nothing
  for (size_t k = 0; k < st.variants.size(); ++k) {
    const ast::Variant& v = st.variants[k];
    total += v.basis_points;
    percents_ok = percents_ok && v.percent_ok;
    if (v.is_control) {
      if (control) {
        Diagnostic& d = error(DiagCode::E0211, v.span, "a split has at most one `control`");
        previous(d, control->span, "the first `control` is here");
      }
      if (!control) control = &v;
      continue;
    }
    if (const ast::Variant* first = earlier_duplicate(st.variants, k, key, named, names)) {
      Diagnostic& d = error(DiagCode::E0211, v.name.span, "duplicate variant `" + std::string(v.name.text) +
                                                              "` in split `" + std::string(st.name.text) + "`");
      previous(d, first->name.span);
    }
  }
  if (total != 10000 && percents_ok) {
    error(DiagCode::E0401, head, "split percents sum to " + percent_text(total) + ", not 100%").help =
        "the variants (and `control`) must share exactly 100% of customers";
  }
  for (const ast::Variant& v : st.variants) block(v.body, js);
}

void Analyzer::let(const ast::Stmt& st, const Scope& s, JourneyState& js) {
  expr(st.value.get(), s);  // before the name is visible: `let x = x + 1` needs an earlier `let x`
  if (LocalState* local = js.locals.find(st.name.text)) local->visible = true;
}

void Analyzer::set(const ast::Stmt& st, const Scope& s) {
  const ast::Expr* t = st.target.get();
  const ast::Expr* first_level = nullptr;  // the path step right after `customer`
  bool fixed = true;
  while (t && (t->kind == ast::ExprKind::kMember || t->kind == ast::ExprKind::kIndex)) {
    if (t->kind == ast::ExprKind::kIndex) {
      ExprInfo key = expr(t->rhs.get(), s);
      if (!key.poisoned && !(key.is_const && key.value.kind == Kind::kString)) fixed = false;
    }
    first_level = t;
    t = t->lhs.get();
  }
  if (!st.target) {
    // the parser reported it
  } else if (!is_root_customer(t) || !first_level) {
    Diagnostic& d = error(DiagCode::E0305, st.target->span, "`set` can only change customer traits");
    if (st.target->kind == ast::ExprKind::kName)
      d.help = "`" + std::string(st.target->name.text) + "` is a local: change it with `let " +
               std::string(st.target->name.text) + " = ...`";
    else
      d.help = "write `set customer.TRAIT = VALUE`";
  } else if (first_level->kind == ast::ExprKind::kMember && first_level->name.text == "$id") {
    error(DiagCode::E0305, st.target->span, "`customer.$id` cannot be set").help =
        "the customer id comes from the events' userId";
  } else if (!fixed) {
    error(DiagCode::E0305, st.target->span, "the path of `set` must be fixed").help =
        "write keys as names or string literals: `customer.address.city`, `customer[\"first name\"]`";
  }
  expr(st.value.get(), s);
}

}  // namespace laud::compiler::sema_detail
