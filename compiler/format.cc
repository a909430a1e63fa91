// format.cc — the printer behind `laudc fmt`: walks the tree of one file in source order and
// copies the comments found in the gaps between the items it prints (declarations, settings,
// steps, `with` entries, policy lines), then checks that nothing but layout changed.
#include "compiler/format.h"

#include <algorithm>

#include "compiler/driver.h"

namespace laud::compiler {

namespace {

using ast::Expr;
using ast::ExprKind;
using ast::Stmt;
using ast::StmtKind;

constexpr size_t kMaxWidth = 100;

// Skips a string literal (plain with escapes, or raw r"...") starting at `i`; returns the index after it.
size_t skip_string(std::string_view t, size_t i) {
  bool raw = t[i] == 'r';
  i += raw ? 2 : 1;
  while (i < t.size() && t[i] != '"') {
    if (!raw && t[i] == '\\') ++i;
    ++i;
  }
  return std::min(i + 1, t.size());
}

bool raw_string_at(std::string_view t, size_t i) {
  return t[i] == 'r' && i + 1 < t.size() && t[i + 1] == '"' &&
         (i == 0 || !(std::isalnum(static_cast<unsigned char>(t[i - 1])) || t[i - 1] == '_'));
}

// The comment starting at `i`, if any: its end (index after it).
size_t comment_end(std::string_view t, size_t i) {
  if (i + 1 >= t.size() || t[i] != '/') return i;
  if (t[i + 1] == '/') {
    size_t e = t.find('\n', i);
    return e == std::string_view::npos ? t.size() : e;
  }
  if (t[i + 1] == '*') {
    size_t e = t.find("*/", i + 2);
    return e == std::string_view::npos ? t.size() : e + 2;
  }
  return i;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The text without whitespace and comments outside string literals, and without a comma that
// only precedes a closing bracket: what must not change. The comments are collected in order.
std::string squeeze(std::string_view t, std::vector<std::string>* comments) {
  std::string out;
  for (size_t i = 0; i < t.size();) {
    char c = t[i];
    if (c == '"' || raw_string_at(t, i)) {
      size_t e = skip_string(t, i);
      out.append(t.substr(i, e - i));
      i = e;
    } else if (size_t e = comment_end(t, i); e != i) {
      if (comments) comments->emplace_back(trim_right(t.substr(i, e - i)));
      i = e;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  std::string cleaned;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '"') {
      size_t e = skip_string(out, i);
      cleaned.append(out, i, e - i);
      i = e - 1;
      continue;
    }
    if (out[i] == ',' && i + 1 < out.size() && (out[i + 1] == '}' || out[i + 1] == ']' || out[i + 1] == ')')) continue;
    cleaned += out[i];
  }
  return cleaned;
}

std::string time_of_day(int32_t minutes) {
  std::string s = "00:00";
  s[0] = static_cast<char>('0' + minutes / 600);
  s[1] = static_cast<char>('0' + minutes / 60 % 10);
  s[3] = static_cast<char>('0' + minutes % 60 / 10);
  s[4] = static_cast<char>('0' + minutes % 10);
  return s;
}

class Printer {
 public:
  explicit Printer(std::string_view text) : t_(text) {}

  std::string file(const ast::Module& m) {
    if (t_.starts_with("\xEF\xBB\xBF")) {  // a UTF-8 byte order mark stays
      out_ = "\xEF\xBB\xBF";
      cursor_ = 3;
    }
    for (const auto& d : m.decls) {
      gap(d->span.begin, false);
      decl(*d);
      cursor_ = d->span.end;
    }
    gap(static_cast<uint32_t>(t_.size()), true);
    while (!out_.empty() && out_.back() == '\n') out_.pop_back();
    out_ += '\n';
    return out_;
  }

 private:
  std::string_view src(const Span& s) const { return t_.substr(s.begin, s.end - s.begin); }

  // ------------------------------------------------------------ comments and blank lines

  // Copies the comments between the cursor and `until`: one on the line of the previous item
  // stays at its end; the others get lines of their own. A blank line (or more) in the source
  // becomes one blank line, except right after an opening brace and before a closing one.
  void gap(uint32_t until, bool before_close) {
    std::string_view g = t_.substr(cursor_, until > cursor_ ? until - cursor_ : 0);
    int newlines = 0;
    bool any_output = !out_.empty() && out_.back() == '\n';  // a line to put a trailing comment on
    for (size_t i = 0; i < g.size();) {
      if (g[i] == '\n') {
        ++newlines;
        ++i;
        continue;
      }
      size_t e = comment_end(g, i);
      if (e == i) {
        ++i;
        continue;
      }
      std::string_view c = trim_right(g.substr(i, e - i));
      if (newlines == 0 && any_output) {
        out_.pop_back();  // the '\n' of the previous line
        out_ += ' ';
        out_ += c;
        out_ += '\n';
      } else {
        if (newlines >= 2) blank_line();
        line(std::string(c));
      }
      any_output = true;
      newlines = 0;
      i = e;
    }
    if (newlines >= 2 && !before_close) blank_line();
    cursor_ = std::max(cursor_, until);
  }

  void blank_line() {
    if (out_.empty() || out_ == "\xEF\xBB\xBF" || out_.ends_with("\n\n") || block_opened_) return;
    out_ += '\n';
  }

  void line(const std::string& s) {
    block_opened_ = false;
    out_.append(2 * depth_, ' ');
    out_ += s;
    out_ += '\n';
  }

  // The next `c` ('{' or '}') at or after `from` outside comments and strings; its index.
  uint32_t find(char c, uint32_t from) const {
    for (size_t i = from; i < t_.size();) {
      if (t_[i] == '"' || raw_string_at(t_, i)) {
        i = skip_string(t_, i);
      } else if (size_t e = comment_end(t_, i); e != i) {
        i = e;
      } else if (t_[i] == c) {
        return static_cast<uint32_t>(i);
      } else {
        ++i;
      }
    }
    return static_cast<uint32_t>(t_.size());
  }

  // `head {` on a line, the cursor after that brace.
  void open(const std::string& head, uint32_t search_from) {
    line(head + " {");
    cursor_ = std::max(cursor_, find('{', search_from) + 1);
    ++depth_;
    block_opened_ = true;
  }
  void close(const std::string& tail = "}") {
    uint32_t brace = find('}', cursor_);
    gap(brace, true);
    cursor_ = brace + 1;
    --depth_;
    line(tail);
  }

  // ------------------------------------------------------------ expressions

  static const Expr* first_child(const Expr& e) {
    return (e.kind == ExprKind::kBinary || e.kind == ExprKind::kMember || e.kind == ExprKind::kIndex) ? e.lhs.get()
                                                                                                     : nullptr;
  }

  // How many pairs of parentheses the source put around `e` (its span covers them).
  int paren_layers(const Expr& e) const {
    const Expr* first = first_child(e);
    uint32_t limit = first ? first->span.begin : e.span.end;
    int n = 0;
    for (uint32_t i = e.span.begin; i < limit; ++i) {
      char c = t_[i];
      if (c == '(') ++n;
      else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    }
    return n;
  }

  std::string literal_text(const Expr& e, int layers) const {
    std::string_view s = src(e.span);
    for (int k = 0; k < layers; ++k) {
      s.remove_prefix(s.find('(') + 1);
      s = trim_right(s.substr(0, s.rfind(')')));
      while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
    }
    return std::string(s);
  }

  std::string event_name(const ast::EventName& n) const { return std::string(src(n.span)); }

  std::string expr(const Expr& e) const {
    int layers = paren_layers(e);
    std::string body = bare(e, layers);
    return std::string(layers, '(') + body + std::string(layers, ')');
  }

  std::string list(const std::vector<ast::ExprPtr>& items) const {
    std::string s;
    for (size_t k = 0; k < items.size(); ++k) {
      if (k) s += ", ";
      s += expr(*items[k]);
    }
    return s;
  }

  std::string bare(const Expr& e, int layers) const {
    switch (e.kind) {
      case ExprKind::kNull: case ExprKind::kBool: case ExprKind::kInt: case ExprKind::kFloat:
      case ExprKind::kString: case ExprKind::kRegex: case ExprKind::kDuration: case ExprKind::kTime:
      case ExprKind::kTimeOfDay:
        return literal_text(e, layers);
      case ExprKind::kList: return "[" + list(e.items) + "]";
      case ExprKind::kName: return std::string(e.name.text);
      case ExprKind::kRoot: return std::string(ast::root_name(e.root));
      case ExprKind::kMember: return expr(*e.lhs) + "." + std::string(e.name.text);
      case ExprKind::kIndex: return expr(*e.lhs) + "[" + expr(*e.rhs) + "]";
      case ExprKind::kUnary:
        return e.op == ast::Op::kNot ? "not " + expr(*e.lhs) : "-" + expr(*e.lhs);
      case ExprKind::kBinary:
        return expr(*e.lhs) + " " + std::string(ast::op_text(e.op)) + " " + expr(*e.rhs);
      case ExprKind::kCall: return std::string(e.name.text) + "(" + list(e.items) + ")";
      case ExprKind::kAggregate: {
        const ast::Aggregate& a = *e.aggregate;
        std::string s = std::string(ast::agg_func_name(a.func)) + "(" + event_name(a.event);
        for (const ast::Name& p : a.property) s += "." + std::string(p.text);
        if (a.where) s += " where " + expr(*a.where);
        if (a.within) s += " within " + expr(*a.within);
        return s + ")";
      }
    }
    return {};
  }

  // `head` + the condition; a line too long for kMaxWidth whose condition is a chain of `or` (or
  // of `and`) without parentheses is broken before each of those operators, indented once more.
  void condition_line(const std::string& head, const Expr& cond, const std::string& tail = "") {
    std::string one = head + expr(cond) + tail;
    if (2 * depth_ + count_code_points(one) <= kMaxWidth || cond.kind != ExprKind::kBinary ||
        (cond.op != ast::Op::kOr && cond.op != ast::Op::kAnd) || paren_layers(cond) > 0) {
      line(one);
      return;
    }
    std::vector<const Expr*> operands;
    const Expr* e = &cond;
    while (e->kind == ExprKind::kBinary && e->op == cond.op && paren_layers(*e) == 0) {
      operands.push_back(e->rhs.get());
      e = e->lhs.get();
    }
    operands.push_back(e);
    std::reverse(operands.begin(), operands.end());
    std::string op(ast::op_text(cond.op));
    std::string text = head + expr(*operands[0]);
    for (size_t k = 1; k < operands.size(); ++k)
      text += "\n" + std::string(2 * depth_ + 4, ' ') + op + " " + expr(*operands[k]);
    line(text + tail);
  }

  // ------------------------------------------------------------ declarations and settings

  std::string quiet(const ast::QuietHours& q) const {
    std::string s = "quiet " + time_of_day(q.start_minutes) + "-" + time_of_day(q.end_minutes);
    if (q.time_zone) s += " in " + expr(*q.time_zone);
    if (q.skip) s += " or skip";
    return s;
  }

  void decl(const ast::Decl& d) {
    switch (d.kind) {
      case ast::DeclKind::kConst: condition_line("const " + std::string(d.name.text) + " = ", *d.value); return;
      case ast::DeclKind::kSegment: condition_line("segment " + std::string(d.name.text) + " = ", *d.value); return;
      case ast::DeclKind::kPolicy: return policy(d);
      case ast::DeclKind::kJourney: return journey(d);
    }
  }

  void policy(const ast::Decl& d) {
    open("policy", d.span.begin);
    struct Item {
      uint32_t begin, end;
      std::string text;
    };
    std::vector<Item> items;
    for (const ast::Cap& c : d.caps)
      items.push_back({c.span.begin, c.span.end,
                       "cap " + std::string(c.channel.text) + " " + expr(*c.count) + " per " + expr(*c.window)});
    if (d.quiet) items.push_back({d.quiet_span.begin, d.quiet_span.end, quiet(*d.quiet)});
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.begin < b.begin; });
    for (const Item& i : items) {
      gap(i.begin, false);
      line(i.text);
      cursor_ = std::max(cursor_, i.end);
    }
    close();
  }

  void journey(const ast::Decl& d) {
    open("journey " + std::string(d.name.text), d.name.span.end);
    for (const ast::Setting& s : d.settings) {
      gap(s.span.begin, false);
      setting(s);
      cursor_ = std::max(cursor_, s.span.end);
    }
    block(d.body);
    close();
  }

  std::string event_where(const ast::EventName& e, const ast::ExprPtr& where) const {
    return event_name(e) + (where ? " where " : "");
  }

  void setting(const ast::Setting& s) {
    using K = ast::SettingKind;
    switch (s.kind) {
      case K::kOnEvent:
      case K::kExitOn:
      case K::kGoal: {
        std::string head = s.kind == K::kOnEvent ? "on " : s.kind == K::kExitOn ? "exit on " : "goal ";
        std::string tail = s.kind == K::kGoal && s.expr ? " within " + expr(*s.expr) : "";
        if (s.where) condition_line(head + event_where(s.event, s.where), *s.where, tail);
        else line(head + event_name(s.event) + tail);
        return;
      }
      case K::kOnEnter: line("on enter " + std::string(s.segment.text)); return;
      case K::kOnScheduleAt: line("on schedule at " + expr(*s.expr)); return;
      case K::kOnScheduleEvery: line("on schedule every " + expr(*s.expr) + " starting " + expr(*s.starting)); return;
      case K::kAudience: condition_line("audience ", *s.expr); return;
      case K::kReentry:
        line(s.reentry == ast::Reentry::kNever    ? "reentry never"
             : s.reentry == ast::Reentry::kAlways ? "reentry always"
                                                  : "reentry after " + expr(*s.expr));
        return;
      case K::kKey: line("key " + expr(*s.expr)); return;
      case K::kExitWhen: condition_line("exit when ", *s.expr); return;
      case K::kLimit: line("limit " + expr(*s.count) + " per " + expr(*s.expr)); return;
      case K::kQuiet: line(quiet(s.quiet)); return;
    }
  }

  // ------------------------------------------------------------ steps

  void block(const ast::Block& b) {
    for (const auto& s : b) {
      uint32_t begin = s->label ? s->label->span.begin : s->span.begin;
      gap(begin, false);
      step(*s);
      cursor_ = std::max(cursor_, s->span.end);
    }
  }

  void step(const Stmt& s) {
    std::string head = s.label ? std::string(s.label->text) + ": " : "";
    switch (s.kind) {
      case StmtKind::kSend: return send(s, head);
      case StmtKind::kWait: line(head + "wait " + expr(*s.value)); return;
      case StmtKind::kWaitUntil: line(head + "wait until " + expr(*s.value)); return;
      case StmtKind::kWaitUntilLocal: {
        std::string text = head + "wait until " + time_of_day(s.minutes);
        if (s.days_span.line != 0) {
          std::string days;
          for (char c : src(s.days_span))
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') days += c;
          text += " on " + days;
        }
        if (s.value) text += " in " + expr(*s.value);
        line(text);
        return;
      }
      case StmtKind::kWaitUpTo: {
        open(head + "wait up to " + expr(*s.value), s.value->span.end);
        for (const ast::OnBranch& b : s.branches) {
          gap(b.span.begin, false);
          std::string on = "on " + event_name(b.event) + (b.where ? " where " + expr(*b.where) : "");
          open(on, b.where ? b.where->span.end : b.event.span.end);
          block(b.body);
          close();
        }
        if (s.timeout) {
          gap(s.timeout_span.begin, false);
          open("timeout", s.timeout_span.begin);
          block(*s.timeout);
          close();
        }
        close();
        return;
      }
      case StmtKind::kIf: return if_step(s, head);
      case StmtKind::kSplit: {
        open(head + "split " + std::string(s.name.text), s.name.span.end);
        for (const ast::Variant& v : s.variants) {
          gap(v.span.begin, false);
          std::string percent(src(v.percent_span));
          if (v.is_control) {
            line("control " + percent);
            cursor_ = std::max(cursor_, v.percent_span.end);
            continue;
          }
          open("variant " + std::string(v.name.text) + " " + percent, v.percent_span.end);
          block(v.body);
          close();
        }
        close();
        return;
      }
      case StmtKind::kLet: condition_line(head + "let " + std::string(s.name.text) + " = ", *s.value); return;
      case StmtKind::kSet: condition_line(head + "set " + expr(*s.target) + " = ", *s.value); return;
      case StmtKind::kGoto: line(head + "goto " + std::string(s.name.text)); return;
      case StmtKind::kExit: line(head + "exit"); return;
    }
  }

  void if_step(const Stmt& s, const std::string& head) {
    for (size_t k = 0; k < s.arms.size(); ++k) {
      const ast::IfArm& a = s.arms[k];
      uint32_t from = a.cond ? a.cond->span.end : cursor_;
      if (k == 0) {
        condition_line(head + "if ", *a.cond, " {");
        cursor_ = std::max(cursor_, find('{', from) + 1);
        ++depth_;
        block_opened_ = true;
      } else {
        // `} else if C {` / `} else {` on one line: the previous arm's brace closes here.
        uint32_t brace = find('}', cursor_);
        gap(brace, true);
        cursor_ = brace + 1;
        --depth_;
        if (a.cond) condition_line("} else if ", *a.cond, " {");
        else line("} else {");
        cursor_ = std::max(cursor_, find('{', a.cond ? a.cond->span.end : cursor_) + 1);
        ++depth_;
        block_opened_ = true;
      }
      block(a.body);
    }
    close();
  }

  void send(const Stmt& s, const std::string& head) {
    std::string text = head + "send " + std::string(s.channel.text) + " " + std::string(src(s.template_span));
    uint32_t after = s.template_span.end;
    if (s.to) {
      text += " to " + expr(*s.to);
      after = s.to->span.end;
    }
    if (s.with.empty()) {
      // `with {}` stays (the tree does not tell it from no `with`).
      bool empty_with = find('{', after) < s.span.end;
      line(text + (empty_with ? " with {}" : ""));
      return;
    }
    // One line when it was written on one line and still fits.
    const ast::WithEntry& last = s.with.back();
    bool one_line = t_.substr(s.span.begin, last.value->span.end - s.span.begin).find('\n') == std::string_view::npos;
    if (one_line) {
      std::string w;
      for (size_t k = 0; k < s.with.size(); ++k)
        w += (k ? ", " : "") + std::string(src(s.with[k].key.span)) + ": " + expr(*s.with[k].value);
      std::string all = text + " with { " + w + " }";
      if (2 * depth_ + count_code_points(all) <= kMaxWidth && comments_inside(s.span) == 0) {
        line(all);
        return;
      }
    }
    open(text + " with", after);
    for (const ast::WithEntry& e : s.with) {
      gap(e.key.span.begin, false);
      line(std::string(src(e.key.span)) + ": " + expr(*e.value) + ",");
      cursor_ = std::max(cursor_, e.value->span.end);
      uint32_t comma = cursor_;
      while (comma < t_.size() && (t_[comma] == ' ' || t_[comma] == '\t')) ++comma;
      if (comma < t_.size() && t_[comma] == ',') cursor_ = comma + 1;
    }
    close();
  }

  int comments_inside(const Span& s) const {
    std::vector<std::string> c;
    squeeze(src(s), &c);
    return static_cast<int>(c.size());
  }

  std::string_view t_;
  std::string out_;
  uint32_t cursor_ = 0;
  size_t depth_ = 0;
  bool block_opened_ = false;  // nothing printed yet inside the block just opened
};

FormatResult format_once(std::string_view name, std::string_view text) {
  FormatResult r;
  Compilation c;
  add_source(c, std::string(name), std::string(text));
  if (c.diags.has_errors()) {
    r.error = c.diags.render_text(false);
    return r;
  }
  r.text = Printer(c.sources.file(0).text()).file(c.module);
  r.ok = true;
  return r;
}

}  // namespace

FormatResult format_source(std::string_view name, std::string_view text) {
  FormatResult r = format_once(name, text);
  if (!r.ok) return r;
  std::vector<std::string> before, after;
  bool same_tokens = squeeze(text, &before) == squeeze(r.text, &after);
  FormatResult again = format_once(name, r.text);
  const char* why = !same_tokens                       ? "the program's text would change"
                    : before != after                  ? "a comment would be lost or moved across code"
                    : !again.ok || again.text != r.text ? "formatting is not stable on this file"
                                                        : nullptr;
  if (why) {
    r.ok = false;
    r.error = std::string(name) + ": error: cannot format this file safely: " + why +
              " (a comment inside an expression or between a step's words?); the file is left as it is\n";
    r.text.clear();
  }
  return r;
}

}  // namespace laud::compiler
