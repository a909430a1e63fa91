// disasm.cc — `laudc dis`: functions instruction by instruction (one operand formatter per
// Format of opcodes.def), descriptors summarised, source lines from the debug table interleaved,
// then the module's tables (journeys and their settings, aggregates, segments, caps, regexes).
#include "vm/disasm.h"

#include <fmt/format.h>

#include <string_view>

#include "vm/builtins.h"
#include "vm/text_form.h"

namespace laud::vm {
namespace {

std::string quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9')))
      return false;
  }
  return true;
}

// An event name, `with` key or field as source would write it: bare when an identifier.
std::string event_name(std::string_view s) { return is_identifier(s) ? std::string(s) : quoted(s); }

std::string pc_text(int64_t pc) { return fmt::format("{:04}", pc); }

std::string fn_ref(uint32_t fn) { return fn == kNone ? std::string("-") : fmt::format("fn {}", fn); }

std::string time_of_day(int32_t minutes) { return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60); }

std::string percent(uint32_t bp) {
  return bp % 100 == 0 ? fmt::format("{}%", bp / 100)
                       : (bp % 10 == 0 ? fmt::format("{}.{}%", bp / 100, bp % 100 / 10)
                                       : fmt::format("{}.{:02}%", bp / 100, bp % 100));
}

// `mon..fri`, `sat,sun`, `mon,wed..fri`; empty for every day.
std::string days_text(uint8_t days) {
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  std::string out;
  for (int d = 0; d < 7;) {
    if (!(days >> d & 1)) {
      ++d;
      continue;
    }
    int end = d;
    while (end + 1 < 7 && (days >> (end + 1) & 1)) ++end;
    if (!out.empty()) out += ',';
    out += kDays[d];
    if (end - d >= 2) {
      out += "..";
      out += kDays[end];
    } else if (end == d + 1) {
      out += ',';
      out += kDays[end];
    }
    d = end + 1;
  }
  return out;
}

std::string constant_text_at(const Module& m, uint32_t k, int depth) {
  if (k >= m.constant_descs.size() || depth > 32) return "?";
  const ConstantDesc& c = m.constant_descs[k];
  switch (c.kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return c.b ? "true" : "false";
    case Kind::kInt: return std::string(int_text(c.i).view());
    case Kind::kFloat: return std::string(float_text(c.f).view());
    case Kind::kString: return c.string < m.strings.size() ? quoted(m.strings[c.string]) : "?";
    case Kind::kTime: return "@" + std::string(time_text(c.i).view());
    case Kind::kDuration: return std::string(duration_text(c.i).view());
    case Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < c.items.size(); ++i) {
        if (i) out += ", ";
        out += constant_text_at(m, c.items[i], depth + 1);
      }
      return out + "]";
    }
    case Kind::kObject: return "?";
  }
  return "?";
}

std::string aggregate_text(const Module& m, uint32_t index) {
  if (index >= m.aggregates.size()) return "?";
  const AggregateDesc& a = m.aggregates[index];
  std::string out = fmt::format("{}({}", agg_func_name(a.func), event_name(a.event));
  for (const std::string& p : a.property) out += "." + p;
  if (a.where_fn != kNone) out += " where " + fn_ref(a.where_fn);
  if (a.within_ms >= 0) out += fmt::format(" within {}", duration_text(a.within_ms).view());
  return out + ")";
}

std::string string_constant(const Module& m, uint32_t k) {
  if (k >= m.constant_descs.size() || m.constant_descs[k].kind != Kind::kString) return "?";
  uint32_t s = m.constant_descs[k].string;
  return s < m.strings.size() ? m.strings[s] : "?";
}

std::string quiet_text(const QuietDesc& q) {
  std::string out = time_of_day(q.start_minutes) + "-" + time_of_day(q.end_minutes);
  if (q.tz_fn != kNone) out += " in " + fn_ref(q.tz_fn);
  if (q.skip) out += " or skip";
  return out;
}

// ---------------------------------------------------------------- one instruction

struct Line {
  std::string operands;
  std::string comment;

  void add(std::string_view s) {
    if (!operands.empty()) operands += ", ";
    operands += s;
  }
  void note(std::string_view s) {
    if (!comment.empty()) comment += ", ";
    comment += s;
  }
};

class InstrFormatter {
 public:
  InstrFormatter(const Module& m, const Function& fn, uint32_t pc) : m_(m), pc_(pc), i_(fn.code[pc]) {}

  Line format() {
    switch (op_format(i_.op)) {
#define F(name) \
  case Format::name: name(); break;
      LAUD_FORMATS(F)
#undef F
    }
    return std::move(line_);
  }

 private:
  std::string reg(uint32_t r) { return fmt::format("r{}", r); }
  std::string konst(uint32_t k) {
    line_.note(constant_text_at(m_, k, 0));
    return fmt::format("k{}", k);
  }
  std::string rk(uint32_t x, bool is_const) { return is_const ? konst(x) : reg(x); }
  std::string target() { return pc_text(static_cast<int64_t>(pc_) + 1 + i_.sbx()); }

  void N() {}
  void A() { line_.add(reg(i_.a)); }
  void AB() {
    line_.add(reg(i_.a));
    line_.add(reg(i_.b()));
  }
  void ABC() {
    line_.add(reg(i_.a));
    line_.add(rk(i_.b(), i_.k & kConstB));
    line_.add(rk(i_.c(), i_.k & kConstC));
  }
  void ABCJ() { ABC(); }  // the jump it takes is the next line
  void AK() {
    line_.add(reg(i_.a));
    line_.add(konst(i_.bx));
  }
  void AJ() {
    line_.add(reg(i_.a));
    line_.add(target());
  }
  void J() { line_.add(target()); }
  void AS() {
    line_.add(reg(i_.a));
    line_.add(konst(i_.bx));
  }
  void ABS() {
    line_.add(reg(i_.a));
    line_.add(reg(i_.b()));
    line_.add(konst(i_.c()));
  }
  void ABN() {
    line_.add(reg(i_.a));
    if (i_.c() == 0)
      line_.add("[]");
    else if (i_.c() == 1)
      line_.add(fmt::format("[r{}]", i_.b()));
    else
      line_.add(fmt::format("[r{}..r{}]", i_.b(), i_.b() + i_.c() - 1));
  }
  void ABF() {
    line_.add(reg(i_.a));
    auto b = builtin_from_id(i_.c());
    line_.add(fmt::format("{}(r{})", b ? builtin_name(*b) : std::string_view("?"), i_.b()));
  }
  void AG() {
    line_.add(reg(i_.a));
    line_.add(fmt::format("#{}", i_.bx));
    line_.note(aggregate_text(m_, i_.bx));
  }
  void AP() {
    line_.add(reg(i_.a));
    line_.add(fmt::format("#{}", i_.bx));
    line_.note(i_.bx < m_.segments.size() ? m_.segments[i_.bx].name : "?");
  }
  void AR() {
    line_.add(reg(i_.a));
    line_.add(reg(i_.b()));
    line_.add(fmt::format("re{}", i_.c()));
    line_.note(i_.c() < m_.regexes.size() ? "r\"" + m_.regexes[i_.c()] + "\"" : "?");
  }
  void SD() {
    if (i_.bx >= m_.sends.size()) {
      line_.add(fmt::format("#{} ?", i_.bx));
      return;
    }
    const SendDesc& s = m_.sends[i_.bx];
    std::string text = fmt::format("#{} {} {} to={}", i_.bx, channel_name(s.channel), quoted(s.template_name),
                                   s.has_to ? reg(i_.a) : "default");
    if (!s.with_keys.empty()) {
      text += " with {";
      for (size_t k = 0; k < s.with_keys.size(); ++k)
        text += fmt::format("{}{}=r{}", k ? ", " : "", event_name(s.with_keys[k]), i_.a + 1 + k);
      text += "}";
    }
    line_.add(text);
    line_.note(fmt::format("step {} at {}:{}, send {} of the journey", s.step, s.line, s.col, s.index_in_journey));
  }
  void WD() {
    line_.add(reg(i_.a));
    if (i_.bx == kNone) return;  // WAIT, WAITUNTIL: no descriptor
    line_.add(fmt::format("#{}", i_.bx));
    if (i_.bx >= m_.waits.size()) return line_.note("?");
    const WaitDesc& w = m_.waits[i_.bx];
    if (i_.op == Op::WAITLOCAL) {
      std::string days = days_text(w.days);
      line_.note(time_of_day(w.minutes) + (days.empty() ? "" : " on " + days) + " in r" + std::to_string(i_.a));
      return;
    }
    for (const WaitBranch& b : w.branches) {
      std::string text = "on " + event_name(b.event);
      if (b.where_fn != kNone) text += " where " + fn_ref(b.where_fn);
      line_.note(text + " -> " + pc_text(b.target));
    }
    line_.note("timeout -> " + pc_text(w.timeout_target));
  }
  void TD() {
    line_.add(fmt::format("#{}", i_.bx));
    if (i_.bx >= m_.splits.size()) return line_.note("?");
    const SplitDesc& s = m_.splits[i_.bx];
    std::string text = s.name + ":";
    for (size_t k = 0; k < s.arms.size(); ++k) {
      const SplitArm& a = s.arms[k];
      text += fmt::format("{} {} {} -> {}", k ? "," : "", a.name, percent(a.basis_points), pc_text(a.target));
    }
    line_.note(text);
  }
  void AT() {
    line_.add(reg(i_.a));
    line_.add(fmt::format("k{}", i_.bx));
    line_.note("customer." + string_constant(m_, i_.bx));
  }
  void AX() {
    line_.add(fmt::format("#{}", i_.bx));
    if (i_.bx >= m_.steps.size()) return line_.note("?");
    const StepDesc& s = m_.steps[i_.bx];
    line_.note(fmt::format("{} {}:{}", s.name, s.line, s.col));
  }

  const Module& m_;
  uint32_t pc_;
  Instr i_;
  Line line_;
};

std::string render(const Module& m, const Function& fn, uint32_t pc) {
  Line l = InstrFormatter(m, fn, pc).format();
  std::string text = fmt::format("{:<10} {}", op_name(fn.code[pc].op), l.operands);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (!l.comment.empty()) {
    if (text.size() < 34) text.resize(34, ' ');
    text += "  ; " + l.comment;
  }
  return text;
}

// ---------------------------------------------------------------- source lines

class SourceLines {
 public:
  SourceLines(const Module& m, const std::vector<std::string>* sources) : m_(m) {
    if (!sources) return;
    lines_.resize(sources->size());
    for (size_t f = 0; f < sources->size(); ++f) {
      std::string_view text = (*sources)[f];
      size_t start = 0;
      while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
          line.remove_suffix(1);
        lines_[f].push_back(line);
        start = end + 1;
      }
    }
  }

  bool enabled() const { return !lines_.empty(); }

  // `  ; file:line:TEXT` (the line as written, indentation included).
  std::string annotate(const DebugLoc& d) const {
    std::string file = d.file < m_.files.size() ? m_.files[d.file] : "?";
    std::string_view text;
    if (d.file < lines_.size() && d.line >= 1 && d.line <= lines_[d.file].size()) text = lines_[d.file][d.line - 1];
    return fmt::format("  ; {}:{}:{}\n", file, d.line, text);
  }

 private:
  const Module& m_;
  std::vector<std::vector<std::string_view>> lines_;
};

void function_listing(std::string& out, const Module& m, uint32_t index, const SourceLines& src) {
  const Function& fn = m.functions[index];
  out += fmt::format("function {} {} (kind {}, {} register{}", index, fn.name, function_kind_name(fn.kind), fn.num_registers,
                     fn.num_registers == 1 ? "" : "s");
  if (fn.num_locals) out += fmt::format(", {} local{}", fn.num_locals, fn.num_locals == 1 ? "" : "s");
  out += ")\n";
  size_t d = 0;
  uint32_t last_file = kNone, last_line = 0;
  for (uint32_t pc = 0; pc < fn.code.size(); ++pc) {
    for (; d < fn.debug.size() && fn.debug[d].pc <= pc; ++d) {
      const DebugLoc& loc = fn.debug[d];
      if (!src.enabled() || (loc.file == last_file && loc.line == last_line)) continue;
      out += src.annotate(loc);
      last_file = loc.file;
      last_line = loc.line;
    }
    out += fmt::format("  {}  {}\n", pc_text(pc), render(m, fn, pc));
  }
  out += '\n';
}

// ---------------------------------------------------------------- tables

void journey_table(std::string& out, const Module& m) {
  if (!m.journeys.empty()) out += "journeys\n";
  for (size_t j = 0; j < m.journeys.size(); ++j) {
    const JourneyDesc& jd = m.journeys[j];
    out += fmt::format("  journey {} {}: body {}, {} send{}\n", j, jd.name, fn_ref(jd.body_fn), jd.num_sends,
                       jd.num_sends == 1 ? "" : "s");
    for (const TriggerDesc& t : jd.triggers) {
      switch (t.kind) {
        case TriggerKind::kEvent:
          out += "    on " + event_name(t.event);
          if (t.where_fn != kNone) out += " where " + fn_ref(t.where_fn);
          out += '\n';
          break;
        case TriggerKind::kEnterSegment:
          out += fmt::format("    on enter {} (segment #{})\n",
                             t.segment < m.segments.size() ? m.segments[t.segment].name : "?", t.segment);
          break;
        case TriggerKind::kScheduleAt: out += fmt::format("    on schedule at @{}\n", time_text(t.at_ms).view()); break;
        case TriggerKind::kScheduleEvery:
          out += fmt::format("    on schedule every {} starting @{}\n", duration_text(t.every_ms).view(),
                             time_text(t.at_ms).view());
          break;
      }
    }
    if (jd.audience_fn != kNone) out += "    audience " + fn_ref(jd.audience_fn) + "\n";
    if (jd.key_fn != kNone) out += "    key " + fn_ref(jd.key_fn) + "\n";
    for (const ExitOnDesc& e : jd.exit_on) {
      out += "    exit on " + event_name(e.event);
      if (e.where_fn != kNone) out += " where " + fn_ref(e.where_fn);
      out += '\n';
    }
    if (jd.exit_when_fn != kNone) out += "    exit when " + fn_ref(jd.exit_when_fn) + "\n";
    switch (jd.reentry) {
      case Reentry::kNever: out += "    reentry never\n"; break;
      case Reentry::kAlways: out += "    reentry always\n"; break;
      case Reentry::kAfter: out += fmt::format("    reentry after {}\n", duration_text(jd.reentry_after_ms).view()); break;
    }
    if (jd.limit_count > 0)
      out += fmt::format("    limit {} per {}\n", jd.limit_count, duration_text(jd.limit_window_ms).view());
    if (jd.quiet.present) out += "    quiet " + quiet_text(jd.quiet) + "\n";
    for (const GoalDesc& g : jd.goals) {
      out += "    goal " + event_name(g.event);
      if (g.where_fn != kNone) out += " where " + fn_ref(g.where_fn);
      out += fmt::format(" within {}\n", duration_text(g.within_ms).view());
    }
    if (!jd.trigger_fields.empty()) {
      out += "    trigger fields";
      for (size_t i = 0; i < jd.trigger_fields.size(); ++i) {
        const std::string& f = jd.trigger_fields[i];
        out += (i ? ", " : " ") + (f == "*" || (!f.empty() && f[0] == '$') ? f : event_name(f));
      }
      out += '\n';
    }
  }
}

void other_tables(std::string& out, const Module& m) {
  if (!m.aggregates.empty()) {
    out += "aggregates\n";
    for (uint32_t i = 0; i < m.aggregates.size(); ++i) out += fmt::format("  #{} {}\n", i, aggregate_text(m, i));
  }
  if (!m.segments.empty()) {
    out += "segments\n";
    for (size_t i = 0; i < m.segments.size(); ++i)
      out += fmt::format("  #{} {}: {}\n", i, m.segments[i].name, fn_ref(m.segments[i].fn));
  }
  if (!m.caps.empty()) {
    out += "caps\n";
    for (const CapDesc& c : m.caps)
      out += fmt::format("  {} {} per {}\n", channel_name(c.channel), c.count, duration_text(c.window_ms).view());
  }
  if (m.policy_quiet.present) out += "policy quiet " + quiet_text(m.policy_quiet) + "\n";
  if (!m.regexes.empty()) {
    out += "regexes\n";
    for (size_t i = 0; i < m.regexes.size(); ++i) out += fmt::format("  re{} r\"{}\"\n", i, m.regexes[i]);
  }
}

}  // namespace

std::string constant_text(const Module& m, uint32_t k) { return constant_text_at(m, k, 0); }

std::string disassemble_instr(const Module& m, const Function& fn, uint32_t pc) {
  if (pc >= fn.code.size()) return "?";
  return render(m, fn, pc);
}

std::string disassemble(const Module& m, const std::vector<std::string>* sources) {
  std::string out;
  if (!m.files.empty()) {
    out += "files";
    for (const std::string& f : m.files) out += " " + f;
    out += "\n\n";
  }
  SourceLines src(m, sources);
  for (uint32_t i = 0; i < m.functions.size(); ++i) function_listing(out, m, i, src);
  journey_table(out, m);
  other_tables(out, m);
  return out;
}

}  // namespace laud::vm
