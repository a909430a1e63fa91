// format.cc — the printer behind `laudc fmt`: walks the tree of one file in source order and
// copies the comments found in the gaps between the items it prints (declarations, settings,
// steps, `with` entries, policy lines, items of a list written over several lines), then checks
// that nothing but layout changed.
#include "compiler/format.h"

#include <algorithm>
#include <vector>

#include "compiler/driver.h"
#include "compiler/source_scan.h"

namespace laud::compiler {

namespace {

using ast::Expr;
using ast::ExprKind;
using ast::Stmt;
using ast::StmtKind;

constexpr size_t kMaxWidth = 100;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && scan::is_space(s.back())) s.remove_suffix(1);
  return s;
}

// A comment's text as printed: without trailing blanks, with "\r\n" inside a block comment as "\n".
std::string comment_text(std::string_view c) {
  std::string out;
  for (char ch : trim_right(c))
    if (ch != '\r') out += ch;
  return out;
}

struct Comment {
  size_t offset;
  std::string text;  // without the indentation of its later lines (fmt moves those with the first)
};

std::string without_indentation(const std::string& c) {
  std::string out;
  bool line_start = false;
  for (char ch : c) {
    if (line_start && (ch == ' ' || ch == '\t')) continue;
    line_start = ch == '\n';
    out += ch;
  }
  return out;
}

// The text without whitespace and comments outside string literals, and without a comma that
// only precedes a closing bracket: what must not change. The comments are collected in order.
std::string squeeze(std::string_view t, std::vector<Comment>* comments) {
  std::string out;
  auto next_significant = [&](size_t i) {
    while (i < t.size()) {
      if (scan::is_space(t[i])) {
        ++i;
      } else if (size_t e = scan::comment_end(t, i); e != i) {
        i = e;
      } else {
        break;
      }
    }
    return i;
  };
  for (size_t i = 0; i < t.size();) {
    char c = t[i];
    if (scan::string_at(t, i)) {
      size_t e = scan::string_end(t, i);
      out.append(t.substr(i, e - i));
      i = e;
    } else if (size_t e = scan::comment_end(t, i); e != i) {
      if (comments) comments->push_back({i, without_indentation(comment_text(t.substr(i, e - i)))});
      i = e;
    } else if (scan::is_space(c)) {
      ++i;
    } else {
      size_t n = c == ',' ? next_significant(i + 1) : i;
      if (!(c == ',' && n < t.size() && (t[n] == '}' || t[n] == ']' || t[n] == ')'))) out += c;
      ++i;
    }
  }
  return out;
}

std::string time_of_day(int32_t minutes) {
  std::string s = "00:00";
  s[0] = static_cast<char>('0' + minutes / 600);
  s[1] = static_cast<char>('0' + minutes / 60 % 10);
  s[3] = static_cast<char>('0' + minutes % 60 / 10);
  s[4] = static_cast<char>('0' + minutes % 10);
  return s;
}

// Shifts the continuation lines of a block comment by `delta` columns (removing only spaces).
std::string reindent(const std::string& comment, long delta) {
  if (delta == 0 || comment.find('\n') == std::string::npos) return comment;
  std::string out;
  size_t start = 0;
  for (bool first = true; start <= comment.size(); first = false) {
    size_t end = comment.find('\n', start);
    std::string_view l = std::string_view(comment).substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!first) {
      out += '\n';
      if (delta > 0 && !l.empty()) {
        out.append(static_cast<size_t>(delta), ' ');
      } else {
        size_t drop = 0;
        while (drop < static_cast<size_t>(-delta) && drop < l.size() && l[drop] == ' ') ++drop;
        l.remove_prefix(drop);
      }
    }
    out += l;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

class Printer {
 public:
  explicit Printer(std::string_view text) : t_(text) {}

  std::string file(const ast::Module& m) {
    if (t_.starts_with(kBom)) {  // a UTF-8 byte order mark stays
      out_ = kBom;
      cursor_ = static_cast<uint32_t>(kBom.size());
    }
    for (const auto& d : m.decls) {
      gap(d->span.begin, false);
      decl(*d);
      cursor_ = std::max(cursor_, d->span.end);
    }
    gap(static_cast<uint32_t>(t_.size()), true);
    while (out_.ends_with("\n\n")) out_.pop_back();
    return out_;  // nothing at all (an empty file) stays empty
  }

 private:
  std::string_view src(const Span& s) const { return t_.substr(s.begin, s.end - s.begin); }

  // Code points between the start of the line holding `offset` and `offset`.
  size_t source_column(size_t offset) const {
    size_t line_start = t_.rfind('\n', offset == 0 ? 0 : offset - 1);
    line_start = line_start == std::string_view::npos || offset == 0 ? 0 : line_start + 1;
    return count_code_points(t_.substr(line_start, offset - line_start));
  }
  size_t out_column() const {
    size_t nl = out_.rfind('\n');
    return count_code_points(std::string_view(out_).substr(nl == std::string::npos ? 0 : nl + 1));
  }

  // ------------------------------------------------------------ comments and blank lines

  // Copies the comments between the cursor and `until`: one on the line of the previous item
  // stays at its end, and a comment right below it that started in the same column stays under
  // it; the others get lines of their own at the indentation of what follows. A blank line (or
  // more) in the source becomes one, except right after an opening brace and before a closing one.
  // `own_lines`: no comment goes to the end of the line before (the comments come from inside a
  // construct that is printed after them).
  void gap(uint32_t until, bool before_close, bool own_lines = false) {
    std::string_view g = t_.substr(cursor_, until > cursor_ ? until - cursor_ : 0);
    int newlines = 0;
    for (size_t i = 0; i < g.size();) {
      if (g[i] == '\n') {
        ++newlines;
        ++i;
        continue;
      }
      size_t e = scan::comment_end(g, i);
      if (e == i) {
        ++i;
        continue;
      }
      size_t at = cursor_ + i;
      std::string c = comment_text(g.substr(i, e - i));
      bool has_line = !out_.empty() && out_.back() == '\n';
      if (newlines == 0 && has_line && !own_lines) {
        out_.pop_back();  // the '\n' of the previous line
        out_ += ' ';
        trail_out_col_ = out_column();
        trail_src_col_ = source_column(at);
        out_ += reindent(c, static_cast<long>(trail_out_col_) - static_cast<long>(trail_src_col_));
        out_ += '\n';
        last_line_commented_ = true;
      } else if (newlines == 1 && trail_out_col_ && source_column(at) == trail_src_col_) {
        // The next line of a comment at the end of a line: under it.
        out_.append(trail_out_col_, ' ');
        out_ += reindent(c, static_cast<long>(trail_out_col_) - static_cast<long>(trail_src_col_));
        out_ += '\n';
        last_line_commented_ = true;
      } else {
        if (newlines >= 2) blank_line();
        long delta = static_cast<long>(2 * depth_) - static_cast<long>(source_column(at));
        line(reindent(c, delta));
        last_line_commented_ = true;
      }
      newlines = 0;
      i = e;
    }
    if (newlines >= 2 && !before_close) blank_line();
    cursor_ = std::max(cursor_, until);
  }

  void blank_line() {
    if (out_.empty() || out_ == kBom || out_.ends_with("\n\n") || block_opened_) return;
    out_ += '\n';
    trail_out_col_ = 0;
  }

  void line(const std::string& s) {
    block_opened_ = false;
    last_line_commented_ = false;
    trail_out_col_ = 0;
    out_.append(2 * depth_, ' ');
    out_ += s;
    out_ += '\n';
  }

  // The next `c` at or after `from` outside comments and strings; its index.
  uint32_t find(char c, uint32_t from) const {
    for (size_t i = from; i < t_.size();) {
      if (scan::string_at(t_, i)) {
        i = scan::string_end(t_, i);
      } else if (size_t e = scan::comment_end(t_, i); e != i) {
        i = e;
      } else if (t_[i] == c) {
        return static_cast<uint32_t>(i);
      } else {
        ++i;
      }
    }
    return static_cast<uint32_t>(t_.size());
  }

  // `text` (which ends with the opening bracket) on a line, the cursor after that bracket.
  void open(const std::string& text, char bracket, uint32_t search_from) {
    line(text);
    cursor_ = std::max(cursor_, find(bracket, search_from) + 1);
    ++depth_;
    block_opened_ = true;
  }
  // The closing bracket (and `tail` after it); `{}` on the opening line when the block is empty.
  void close(char bracket = '}', const std::string& tail = "") {
    uint32_t at = find(bracket, cursor_);
    gap(at, true);
    cursor_ = at + 1;
    --depth_;
    if (block_opened_ && !last_line_commented_) {
      out_.pop_back();
      out_ += bracket;
      out_ += tail;
      out_ += '\n';
      block_opened_ = false;
      return;
    }
    line(std::string(1, bracket) + tail);
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
      else if (!scan::is_space(c)) break;
    }
    return n;
  }

  std::string literal_text(const Expr& e, int layers) const {
    std::string_view s = src(e.span);
    for (int k = 0; k < layers; ++k) {
      s.remove_prefix(s.find('(') + 1);
      s = trim_right(s.substr(0, s.rfind(')')));
      while (!s.empty() && scan::is_space(s.front())) s.remove_prefix(1);
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
      case ExprKind::kUnary: {
        std::string operand = expr(*e.lhs);
        if (e.op == ast::Op::kNot) return "not " + operand;
        return (operand.starts_with('-') ? "- " : "-") + operand;  // `- -5`, not `--5`
      }
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

  // `head` + the condition + `tail`; a line too long for kMaxWidth whose condition is a chain of
  // `or` (or of `and`) without parentheses is broken before each of those operators, four
  // columns further in than the line.
  std::string condition_text(const std::string& head, const Expr& cond, const std::string& tail) const {
    std::string one = head + expr(cond) + tail;
    if (2 * depth_ + count_code_points(one) <= kMaxWidth || cond.kind != ExprKind::kBinary ||
        (cond.op != ast::Op::kOr && cond.op != ast::Op::kAnd) || paren_layers(cond) > 0)
      return one;
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
    return text + tail;
  }
  void condition_line(const std::string& head, const Expr& cond, const std::string& tail = "") {
    line(condition_text(head, cond, tail));
  }

  // A list written over several lines stays one item a line (comments between items kept).
  bool multi_line_list(const Expr& e) const {
    return e.kind == ExprKind::kList && !e.items.empty() && paren_layers(e) == 0 &&
           src(e.span).find('\n') != std::string_view::npos;
  }
  void list_lines(const std::string& head, const Expr& list, const std::string& tail) {
    open(head + "[", '[', list.span.begin);
    items(list.items);
    close(']', tail);
  }
  void items(const std::vector<ast::ExprPtr>& xs) {
    for (const auto& x : xs) {
      gap(x->span.begin, false);
      line(expr(*x) + ",");
      cursor_ = std::max(cursor_, x->span.end);
      skip_comma();
    }
  }
  void skip_comma() {
    uint32_t i = cursor_;
    while (i < t_.size() && (t_[i] == ' ' || t_[i] == '\t')) ++i;
    if (i < t_.size() && t_[i] == ',') cursor_ = i + 1;
  }
  // `head` + a value (a const's, a `let`'s, a `set`'s).
  void value_line(const std::string& head, const Expr& value) {
    if (multi_line_list(value)) list_lines(head, value, "");
    else condition_line(head, value);
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
      case ast::DeclKind::kConst: return value_line("const " + std::string(d.name.text) + " = ", *d.value);
      case ast::DeclKind::kSegment: return value_line("segment " + std::string(d.name.text) + " = ", *d.value);
      case ast::DeclKind::kPolicy: return policy(d);
      case ast::DeclKind::kJourney: return journey(d);
    }
  }

  void policy(const ast::Decl& d) {
    open("policy {", '{', d.span.begin);
    struct Item {
      uint32_t begin, end;
      std::string text;
    };
    std::vector<Item> lines;
    for (const ast::Cap& c : d.caps)
      lines.push_back({c.span.begin, c.span.end,
                       "cap " + std::string(c.channel.text) + " " + expr(*c.count) + " per " + expr(*c.window)});
    if (d.quiet) lines.push_back({d.quiet_span.begin, d.quiet_span.end, quiet(*d.quiet)});
    std::sort(lines.begin(), lines.end(), [](const Item& a, const Item& b) { return a.begin < b.begin; });
    for (const Item& i : lines) {
      gap(i.begin, false);
      line(i.text);
      cursor_ = std::max(cursor_, i.end);
    }
    close();
  }

  void journey(const ast::Decl& d) {
    open("journey " + std::string(d.name.text) + " {", '{', d.name.span.end);
    for (const ast::Setting& s : d.settings) {
      gap(s.span.begin, false);
      setting(s);
      cursor_ = std::max(cursor_, s.span.end);
    }
    block(d.body);
    close();
  }

  void setting(const ast::Setting& s) {
    using K = ast::SettingKind;
    switch (s.kind) {
      case K::kOnEvent:
      case K::kExitOn:
      case K::kGoal: {
        std::string head = s.kind == K::kOnEvent ? "on " : s.kind == K::kExitOn ? "exit on " : "goal ";
        std::string tail = s.kind == K::kGoal && s.expr ? " within " + expr(*s.expr) : "";
        if (s.where) condition_line(head + event_name(s.event) + " where ", *s.where, tail);
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
      if (s->label) {  // comments between `label:` and the step go above both
        cursor_ = std::max(cursor_, s->label->span.end);
        gap(s->span.begin, false, true);
      }
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
            if (!scan::is_space(c)) days += c;
          text += " on " + days;
        }
        if (s.value) text += " in " + expr(*s.value);
        line(text);
        return;
      }
      case StmtKind::kWaitUpTo: {
        open(head + "wait up to " + expr(*s.value) + " {", '{', s.value->span.end);
        for (const ast::OnBranch& b : s.branches) {
          gap(b.span.begin, false);
          std::string on = "on " + event_name(b.event);
          open(b.where ? condition_text(on + " where ", *b.where, " {") : on + " {", '{',
               b.where ? b.where->span.end : b.event.span.end);
          block(b.body);
          close();
        }
        if (s.timeout) {
          gap(s.timeout_span.begin, false);
          open("timeout {", '{', s.timeout_span.begin);
          block(*s.timeout);
          close();
        }
        close();
        return;
      }
      case StmtKind::kIf: return if_step(s, head);
      case StmtKind::kSplit: {
        open(head + "split " + std::string(s.name.text) + " {", '{', s.name.span.end);
        for (const ast::Variant& v : s.variants) {
          gap(v.span.begin, false);
          std::string percent(src(v.percent_span));
          if (v.is_control) {
            line("control " + percent);
            cursor_ = std::max(cursor_, v.percent_span.end);
            continue;
          }
          open("variant " + std::string(v.name.text) + " " + percent + " {", '{', v.percent_span.end);
          block(v.body);
          close();
        }
        close();
        return;
      }
      case StmtKind::kLet: return value_line(head + "let " + std::string(s.name.text) + " = ", *s.value);
      case StmtKind::kSet: return value_line(head + "set " + expr(*s.target) + " = ", *s.value);
      case StmtKind::kGoto: line(head + "goto " + std::string(s.name.text)); return;
      case StmtKind::kExit: line(head + "exit"); return;
    }
  }

  void if_step(const Stmt& s, const std::string& head) {
    for (size_t k = 0; k < s.arms.size(); ++k) {
      const ast::IfArm& a = s.arms[k];
      if (k == 0) {
        open(condition_text(head + "if ", *a.cond, " {"), '{', a.cond->span.end);
      } else {
        // `} else if C {` / `} else {` on one line: the previous arm's brace closes here.
        uint32_t brace = find('}', cursor_);
        gap(brace, true);
        // Comments between `}` and this arm's `{` (before `else`, say) end the previous block.
        cursor_ = brace + 1;
        gap(find('{', a.cond ? a.cond->span.end : cursor_), true, true);
        --depth_;
        std::string text = a.cond ? condition_text("} else if ", *a.cond, " {") : "} else {";
        open(text, '{', a.cond ? a.cond->span.end : cursor_);
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
      if (2 * depth_ + count_code_points(all) <= kMaxWidth && !has_comment(s.span)) {
        line(all);
        return;
      }
    }
    open(text + " with {", '{', after);
    for (const ast::WithEntry& e : s.with) {
      gap(e.key.span.begin, false);
      std::string key = std::string(src(e.key.span)) + ": ";
      if (multi_line_list(*e.value)) {
        cursor_ = std::max(cursor_, e.key.span.end);
        list_lines(key, *e.value, ",");
      } else {
        line(key + expr(*e.value) + ",");
      }
      cursor_ = std::max(cursor_, e.value->span.end);
      skip_comma();
    }
    close();
  }

  bool has_comment(const Span& s) const {
    std::vector<Comment> c;
    squeeze(src(s), &c);
    return !c.empty();
  }

  std::string_view t_;
  std::string out_;
  uint32_t cursor_ = 0;
  size_t depth_ = 0;
  bool block_opened_ = false;        // nothing printed yet inside the block just opened
  bool last_line_commented_ = false;  // the last line printed ends with (or is) a comment
  size_t trail_out_col_ = 0;          // where the comment at the end of the last line starts (0: none)
  size_t trail_src_col_ = 0;          // and where it started in the source
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
  // Line ends: a file whose first line ends with "\r\n" keeps "\r\n" everywhere.
  size_t nl = text.find('\n');
  if (nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r') {
    std::string crlf;
    for (char ch : r.text) {
      if (ch == '\n') crlf += '\r';
      crlf += ch;
    }
    r.text = std::move(crlf);
  }
  r.ok = true;
  return r;
}

uint32_t line_of(std::string_view text, size_t offset) {
  return static_cast<uint32_t>(std::count(text.begin(), text.begin() + static_cast<long>(std::min(offset, text.size())), '\n')) + 1;
}

}  // namespace

FormatResult format_source(std::string_view name, std::string_view text) {
  FormatResult r = format_once(name, text);
  if (!r.ok) return r;
  std::vector<Comment> before, after;
  bool same_tokens = squeeze(text, &before) == squeeze(r.text, &after);
  std::string why;
  if (!same_tokens) {
    why = "the program's text would change (please report this file)";
  } else if (before.size() != after.size() ||
             !std::equal(before.begin(), before.end(), after.begin(), [](const Comment& a, const Comment& b) {
               return a.text == b.text;
             })) {
    size_t k = 0;
    while (k < before.size() && k < after.size() && before[k].text == after[k].text) ++k;
    size_t at = k < before.size() ? before[k].offset : text.size();
    why = "the comment on line " + std::to_string(line_of(text, at)) +
          " is inside an expression or between the words of one step, where the layout cannot keep it; "
          "move it to a line of its own";
  } else if (FormatResult again = format_once(name, r.text); !again.ok || again.text != r.text) {
    why = "formatting is not stable on this file (please report it)";
  }
  if (!why.empty()) {
    r.ok = false;
    r.error = std::string(name) + ": error: cannot format this file safely: " + why + "; the file is left as it is\n";
    r.text.clear();
  }
  return r;
}

}  // namespace laud::compiler
