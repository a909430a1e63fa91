// parser.cc — builds the AST from the PEGTL grammar with actions, one declaration at a time.
// Expressions go on a value stack and are folded by the operator "tail" rules; steps, settings
// and declarations are built in small frames. A syntax error reports a located diagnostic and
// the parser resumes at the next line that starts a top-level declaration.
#include "compiler/parser.h"

#include <cstring>
#include <string>
#include <tao/pegtl.hpp>

#include "compiler/literals.h"
#include "grammar/laud.hpp"

namespace laud::compiler {
namespace {

namespace g = laud::grammar;
namespace pegtl = tao::pegtl;
using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;

constexpr uint32_t kMaxExprDepth = 1000;

// Thrown to abandon the current declaration; the driver loop reports it and resynchronises.
struct SyntaxError {
  const char* at;
  size_t length;
  DiagCode code;
  std::string message;
  std::string help;
};

struct State {
  State(const SourceManager& s, uint32_t f, std::string_view text, Diagnostics& d, ast::Module& m,
        const ParseLimits& l)
      : sources(s), file(f), base(text.data()), end(text.data() + text.size()), diags(d), module(m), limits(l) {}

  const SourceManager& sources;
  uint32_t file;
  const char* base;
  const char* end;
  Diagnostics& diags;
  ast::Module& module;
  ParseLimits limits;

  uint32_t depth = 0;
  const char* token_start = nullptr;  // where the current string or comment token began
  const char* control_at = nullptr;   // the `control` keyword of the arm being parsed
  std::vector<ExprPtr> exprs;
  std::vector<uint32_t> expr_depths;
  std::vector<ast::Op> ops;
  std::vector<size_t> marks;
  std::vector<const char*> open_positions;
  std::vector<std::unique_ptr<ast::Aggregate>> aggs;
  std::vector<ast::Name> call_names;
  std::string_view field;             // the last member field
  ast::EventName event;               // the last event name

  std::unique_ptr<ast::Decl> decl;
  std::vector<ast::Block> blocks;     // open blocks; the journey body is the bottom one
  std::vector<ast::StmtPtr> stmts;    // steps under construction, innermost last
  std::optional<ast::Name> pending_label;
  ast::Name last_name;                // the last declared name (decl_name)
  ast::Setting setting;
  ast::QuietHours quiet;
  bool journey_has_step = false;

  Span span(const char* b, const char* e) const {
    return sources.span(file, static_cast<uint32_t>(b - base), static_cast<uint32_t>(e - base));
  }
  void reset() {
    depth = 0;
    exprs.clear(), expr_depths.clear(), ops.clear(), marks.clear(), open_positions.clear();
    aggs.clear(), call_names.clear(), blocks.clear(), stmts.clear();
    decl.reset();
    pending_label.reset();
  }
};

// ---------------------------------------------------------------- helpers

const char* skip_space(const char* p, const char* end) {
  for (;;) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')) ++p;
    if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
      while (p < end && *p != '\n') ++p;
    } else if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
      const char* close = nullptr;
      for (const char* q = p + 2; q + 1 < end; ++q)
        if (q[0] == '*' && q[1] == '/') { close = q; break; }
      if (!close) return p;
      p = close + 2;
    } else {
      return p;
    }
  }
}

bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

template <typename Input>
std::string_view trimmed(const Input& in, const State& st) {
  const char* b = skip_space(in.begin(), in.end());
  return std::string_view(b, static_cast<size_t>(in.end() - b));
}

template <typename Input>
Span trimmed_span(const Input& in, const State& st) {
  return st.span(skip_space(in.begin(), in.end()), in.end());
}

void report_literal(State& st, const char* token, const LiteralError& err, DiagCode code) {
  const char* b = token + err.offset;
  Diagnostic& d = st.diags.report(code, st.span(b, b + std::max<size_t>(1, err.length)), err.message);
  d.help = err.help;
}

void push(State& st, ExprPtr e, uint32_t depth = 1) {
  if (depth > kMaxExprDepth)
    throw SyntaxError{st.base + e->span.begin, 1, DiagCode::E0900, "expression is nested too deeply",
                      "split it with `let` or a segment"};
  st.exprs.push_back(std::move(e));
  st.expr_depths.push_back(depth);
}

ExprPtr pop(State& st, uint32_t* depth = nullptr) {
  ExprPtr e = std::move(st.exprs.back());
  if (depth) *depth = st.expr_depths.back();
  st.exprs.pop_back();
  st.expr_depths.pop_back();
  return e;
}

ExprPtr make_expr(ExprKind kind, Span span) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->span = span;
  return e;
}

Span join(const Span& a, const Span& b) {
  Span s = a;
  s.end = b.end;
  return s;
}

void push_leaf(State& st, ExprKind kind, Span span) { push(st, make_expr(kind, span)); }

// Folds `lhs OP rhs` from the top of the stack.
void fold_binary(State& st, ast::Op op) {
  uint32_t dr = 0, dl = 0;
  ExprPtr rhs = pop(st, &dr);
  ExprPtr lhs = pop(st, &dl);
  auto e = make_expr(ExprKind::kBinary, join(lhs->span, rhs->span));
  e->op = op;
  e->lhs = std::move(lhs);
  e->rhs = std::move(rhs);
  push(st, std::move(e), std::max(dl, dr) + 1);
}

// Items pushed since the last mark, in order; their maximum depth in `depth`.
std::vector<ExprPtr> pop_to_mark(State& st, uint32_t& depth) {
  size_t mark = st.marks.back();
  st.marks.pop_back();
  std::vector<ExprPtr> items;
  depth = 0;
  for (size_t i = mark; i < st.exprs.size(); ++i) {
    depth = std::max(depth, st.expr_depths[i]);
    items.push_back(std::move(st.exprs[i]));
  }
  st.exprs.resize(mark);
  st.expr_depths.resize(mark);
  return items;
}

ast::Stmt& open_step(State& st, ast::StmtKind kind, Span kw) {
  auto s = std::make_unique<ast::Stmt>();
  s->kind = kind;
  s->span = kw;
  if (st.pending_label) {
    s->label = *st.pending_label;
    st.pending_label.reset();
  }
  st.stmts.push_back(std::move(s));
  return *st.stmts.back();
}

template <typename Input>
void close_step(State& st, const Input& in) {
  ast::StmtPtr s = std::move(st.stmts.back());
  st.stmts.pop_back();
  s->span.end = static_cast<uint32_t>(in.end() - st.base);
  if (st.decl && st.decl->kind == ast::DeclKind::kJourney && st.blocks.size() == 1) st.journey_has_step = true;
  st.blocks.back().push_back(std::move(s));
}

ast::Block pop_block(State& st) {
  ast::Block b = std::move(st.blocks.back());
  st.blocks.pop_back();
  return b;
}

void open_setting(State& st, ast::SettingKind kind, Span kw) {
  st.setting = ast::Setting{};
  st.setting.kind = kind;
  st.setting.span = kw;
}

// ---------------------------------------------------------------- actions

template <typename Rule>
struct action : pegtl::nothing<Rule> {};

#define LAUD_ACTION(rule) \
  template <>             \
  struct action<g::rule> { \
    template <typename Input> \
    static void apply(const Input& in, State& st)

// --- literals and references

LAUD_ACTION(null_literal) { push_leaf(st, ExprKind::kNull, st.span(in.begin(), in.end())); } };
LAUD_ACTION(true_literal) {
  push_leaf(st, ExprKind::kBool, st.span(in.begin(), in.end()));
  st.exprs.back()->bool_value = true;
} };
LAUD_ACTION(false_literal) { push_leaf(st, ExprKind::kBool, st.span(in.begin(), in.end())); } };

template <ast::Root R>
struct root_action {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    push_leaf(st, ExprKind::kRoot, st.span(in.begin(), in.end()));
    st.exprs.back()->root = R;
  }
};
template <> struct action<g::root_customer> : root_action<ast::Root::kCustomer> {};
template <> struct action<g::root_event> : root_action<ast::Root::kEvent> {};
template <> struct action<g::root_trigger> : root_action<ast::Root::kTrigger> {};
template <> struct action<g::root_now> : root_action<ast::Root::kNow> {};

LAUD_ACTION(number_word) {
  LiteralError err;
  Span span = st.span(in.begin(), in.end());
  auto n = decode_number_word(in.string_view(), err);
  if (!n) {
    bool all_digits = in.string_view().find_first_not_of("0123456789_") == std::string_view::npos;
    report_literal(st, in.begin(), err, all_digits ? DiagCode::E0107 : DiagCode::E0104);
    push_leaf(st, ExprKind::kNull, span);
    return;
  }
  push_leaf(st, n->kind == NumberKind::kInt ? ExprKind::kInt : ExprKind::kDuration, span);
  st.exprs.back()->int_value = n->value;
} };

LAUD_ACTION(float_literal) {
  LiteralError err;
  Span span = st.span(in.begin(), in.end());
  if (in.end() < st.end && is_ident_char(*in.end())) {
    const char* e = in.end();
    while (e < st.end && is_ident_char(*e)) ++e;
    throw SyntaxError{in.begin(), static_cast<size_t>(e - in.begin()), DiagCode::E0104,
                      "a duration takes whole numbers", "write `1d12h` rather than `1.5d`, or `90m` rather than `1.5h`"};
  }
  auto v = decode_float(in.string_view(), err);
  if (!v) report_literal(st, in.begin(), err, DiagCode::E0107);
  push_leaf(st, v ? ExprKind::kFloat : ExprKind::kNull, span);
  st.exprs.back()->float_value = v.value_or(0);
} };

LAUD_ACTION(timestamp_literal) {
  LiteralError err;
  Span span = st.span(in.begin(), in.end());
  auto t = decode_timestamp(in.string_view(), err);
  if (!t) report_literal(st, in.begin(), err, DiagCode::E0105);
  push_leaf(st, t ? ExprKind::kTime : ExprKind::kNull, span);
  st.exprs.back()->int_value = t.value_or(0);
} };

// Decodes the string token [b, e) (quotes included) into `out`, reporting bad escapes.
bool decode_string_token(State& st, const char* b, const char* e, std::string& out) {
  LiteralError err;
  std::string_view body(b + 1, static_cast<size_t>(e - b - 2));
  if (decode_string(body, out, err)) return true;
  report_literal(st, b + 1, err, err.message.find("UTF-8") != std::string::npos ? DiagCode::E0109 : DiagCode::E0103);
  return false;
}

LAUD_ACTION(string_literal) {
  push_leaf(st, ExprKind::kString, st.span(in.begin(), in.end()));
  decode_string_token(st, in.begin(), in.end(), st.exprs.back()->string_value);
} };

LAUD_ACTION(regex_literal) {
  push_leaf(st, ExprKind::kRegex, st.span(in.begin(), in.end()));
  st.exprs.back()->string_value.assign(in.begin() + 2, in.end() - 1);
} };

LAUD_ACTION(name_ref) {
  Span span = st.span(in.begin(), in.end());
  push_leaf(st, ExprKind::kName, span);
  st.exprs.back()->name = {in.string_view(), span};
} };

LAUD_ACTION(list_open) {
  st.marks.push_back(st.exprs.size());
  st.open_positions.push_back(in.begin());
} };
LAUD_ACTION(list_literal) {
  uint32_t depth = 0;
  auto items = pop_to_mark(st, depth);
  const char* b = st.open_positions.back();
  st.open_positions.pop_back();
  auto e = make_expr(ExprKind::kList, st.span(b, in.end()));
  e->items = std::move(items);
  push(st, std::move(e), depth + 1);
} };

LAUD_ACTION(paren_open) { st.open_positions.push_back(in.begin()); } };
LAUD_ACTION(paren_expr) {
  // The inner expression stays; its span grows to cover the parentheses.
  st.exprs.back()->span.begin = static_cast<uint32_t>(st.open_positions.back() - st.base);
  LineCol lc = st.sources.file(st.file).line_col(st.exprs.back()->span.begin);
  st.exprs.back()->span.line = lc.line;
  st.exprs.back()->span.col = lc.col;
  st.exprs.back()->span.end = static_cast<uint32_t>(in.end() - st.base);
  st.open_positions.pop_back();
} };

LAUD_ACTION(call_head) {
  const char* name_end = in.begin();
  while (name_end < in.end() && is_ident_char(*name_end)) ++name_end;
  st.call_names.push_back({std::string_view(in.begin(), static_cast<size_t>(name_end - in.begin())),
                           st.span(in.begin(), name_end)});
  st.marks.push_back(st.exprs.size());
} };
LAUD_ACTION(call) {
  uint32_t depth = 0;
  auto args = pop_to_mark(st, depth);
  ast::Name name = st.call_names.back();
  st.call_names.pop_back();
  auto e = make_expr(ExprKind::kCall, st.span(st.base + name.span.begin, in.end()));
  e->name = name;
  e->items = std::move(args);
  push(st, std::move(e), depth + 1);
} };

// --- aggregates

// Only once `name(` is seen is this an aggregate: `count + 1` may use a local named count.
LAUD_ACTION(agg_head) {
  static constexpr std::pair<std::string_view, ast::AggFunc> kFuncs[] = {
      {"count", ast::AggFunc::kCount}, {"sum", ast::AggFunc::kSum}, {"min", ast::AggFunc::kMin},
      {"max", ast::AggFunc::kMax},     {"avg", ast::AggFunc::kAvg}, {"last", ast::AggFunc::kLast}};
  auto a = std::make_unique<ast::Aggregate>();
  for (auto [word, func] : kFuncs)
    if (in.string_view().starts_with(word)) a->func = func;
  st.aggs.push_back(std::move(a));
  st.open_positions.push_back(in.begin());
  st.marks.push_back(st.exprs.size());
} };

template <typename Input>
void set_event_name(State& st, const Input& in) {
  const char* b = skip_space(in.begin(), in.end());
  st.event.span = st.span(b, in.end());
  if (*b == '"') {
    decode_string_token(st, b, in.end(), st.event.text);
  } else {
    st.event.text.assign(b, in.end());
  }
}

LAUD_ACTION(agg_event) {
  set_event_name(st, in);
  st.aggs.back()->event = std::move(st.event);
} };
LAUD_ACTION(agg_property) {
  st.aggs.back()->property.push_back({std::string_view(in.begin() + 1, in.size() - 1), st.span(in.begin() + 1, in.end())});
} };
LAUD_ACTION(agg_where) { st.aggs.back()->where = pop(st); } };
LAUD_ACTION(agg_within) { st.aggs.back()->within = pop(st); } };
LAUD_ACTION(aggregate) {
  uint32_t depth = 0;
  pop_to_mark(st, depth);  // nothing is left there: where/within were taken by their actions
  auto e = make_expr(ExprKind::kAggregate, st.span(st.open_positions.back(), in.end()));
  st.open_positions.pop_back();
  uint32_t d = 1;
  e->aggregate = std::move(st.aggs.back());
  st.aggs.pop_back();
  push(st, std::move(e), d + 1);
} };

// --- postfix, unary, binary

LAUD_ACTION(member_field) { st.field = in.string_view(); } };
LAUD_ACTION(member) {
  uint32_t depth = 0;
  ExprPtr base = pop(st, &depth);
  auto e = make_expr(ExprKind::kMember, join(base->span, st.span(in.begin(), in.end())));
  const char* f = st.field.data();
  e->name = {st.field, st.span(f, f + st.field.size())};
  e->lhs = std::move(base);
  push(st, std::move(e), depth + 1);
} };
LAUD_ACTION(index) {
  uint32_t di = 0, db = 0;
  ExprPtr idx = pop(st, &di);
  ExprPtr base = pop(st, &db);
  auto e = make_expr(ExprKind::kIndex, join(base->span, st.span(in.begin(), in.end())));
  e->lhs = std::move(base);
  e->rhs = std::move(idx);
  push(st, std::move(e), std::max(di, db) + 1);
} };

template <ast::Op O>
struct unary_action {
  template <typename Input>
  static void apply(const Input& in, State& st) {
    uint32_t depth = 0;
    ExprPtr operand = pop(st, &depth);
    auto e = make_expr(ExprKind::kUnary, join(trimmed_span(in, st), operand->span));
    e->op = O;
    e->lhs = std::move(operand);
    push(st, std::move(e), depth + 1);
  }
};
template <> struct action<g::neg_apply> : unary_action<ast::Op::kNeg> {};
template <> struct action<g::not_apply> : unary_action<ast::Op::kNot> {};

template <ast::Op O>
struct op_action {
  template <typename Input>
  static void apply(const Input&, State& st) { st.ops.push_back(O); }
};
template <> struct action<g::op_mul> : op_action<ast::Op::kMul> {};
template <> struct action<g::op_div> : op_action<ast::Op::kDiv> {};
template <> struct action<g::op_mod> : op_action<ast::Op::kMod> {};
template <> struct action<g::op_add> : op_action<ast::Op::kAdd> {};
template <> struct action<g::op_sub> : op_action<ast::Op::kSub> {};
template <> struct action<g::op_eq> : op_action<ast::Op::kEq> {};
template <> struct action<g::op_ne> : op_action<ast::Op::kNe> {};
template <> struct action<g::op_le> : op_action<ast::Op::kLe> {};
template <> struct action<g::op_ge> : op_action<ast::Op::kGe> {};
template <> struct action<g::op_lt> : op_action<ast::Op::kLt> {};
template <> struct action<g::op_gt> : op_action<ast::Op::kGt> {};
template <> struct action<g::op_in> : op_action<ast::Op::kIn> {};
template <> struct action<g::op_contains> : op_action<ast::Op::kContains> {};
template <> struct action<g::op_starts_with> : op_action<ast::Op::kStartsWith> {};
template <> struct action<g::op_ends_with> : op_action<ast::Op::kEndsWith> {};
template <> struct action<g::op_matches> : op_action<ast::Op::kMatches> {};

struct fold_pending_op {
  template <typename Input>
  static void apply(const Input&, State& st) {
    ast::Op op = st.ops.back();
    st.ops.pop_back();
    fold_binary(st, op);
  }
};
template <> struct action<g::mul_tail> : fold_pending_op {};
template <> struct action<g::add_tail> : fold_pending_op {};
template <> struct action<g::cmp_tail> : fold_pending_op {};

template <ast::Op O>
struct fold_action {
  template <typename Input>
  static void apply(const Input&, State& st) { fold_binary(st, O); }
};
template <> struct action<g::coalesce_tail> : fold_action<ast::Op::kCoalesce> {};
template <> struct action<g::and_tail> : fold_action<ast::Op::kAnd> {};
template <> struct action<g::or_tail> : fold_action<ast::Op::kOr> {};

// --- steps

LAUD_ACTION(label_def) {
  const char* colon = in.end() - 1;
  const char* b = colon;
  while (b > in.begin() && is_ident_char(b[-1])) --b;
  st.pending_label = ast::Name{std::string_view(b, static_cast<size_t>(colon - b)), st.span(b, colon)};
  if (g::is_reserved_word(b, static_cast<size_t>(colon - b))) {
    std::string word(b, colon);
    st.diags.report(DiagCode::E0110, st.pending_label->span,
                    "`" + word + "` is a reserved word and cannot be used as a label")
        .help = "choose another name, e.g. `" + word + "_step`";
  }
} };

template <ast::StmtKind K>
struct open_step_action {
  template <typename Input>
  static void apply(const Input& in, State& st) { open_step(st, K, trimmed_span(in, st)); }
};
template <> struct action<g::send_open> : open_step_action<ast::StmtKind::kSend> {};
template <> struct action<g::wait_open> : open_step_action<ast::StmtKind::kWait> {};
template <> struct action<g::if_open> : open_step_action<ast::StmtKind::kIf> {};
template <> struct action<g::split_open> : open_step_action<ast::StmtKind::kSplit> {};
template <> struct action<g::let_open> : open_step_action<ast::StmtKind::kLet> {};
template <> struct action<g::set_open> : open_step_action<ast::StmtKind::kSet> {};
template <> struct action<g::goto_open> : open_step_action<ast::StmtKind::kGoto> {};

struct close_step_action {
  template <typename Input>
  static void apply(const Input& in, State& st) { close_step(st, in); }
};
template <> struct action<g::send_step> : close_step_action {};
template <> struct action<g::wait_step> : close_step_action {};
template <> struct action<g::if_step> : close_step_action {};
template <> struct action<g::split_step> : close_step_action {};
template <> struct action<g::goto_step> : close_step_action {};
LAUD_ACTION(exit_step) {
  open_step(st, ast::StmtKind::kExit, trimmed_span(in, st));
  close_step(st, in);
} };
LAUD_ACTION(let_step) {
  st.stmts.back()->value = pop(st);
  close_step(st, in);
} };
LAUD_ACTION(set_step) {
  st.stmts.back()->value = pop(st);
  st.stmts.back()->target = pop(st);
  close_step(st, in);
} };

LAUD_ACTION(decl_name_word) { st.last_name = {in.string_view(), st.span(in.begin(), in.end())}; } };
LAUD_ACTION(let_name) { st.stmts.back()->name = st.last_name; } };
LAUD_ACTION(split_name) { st.stmts.back()->name = st.last_name; } };
LAUD_ACTION(goto_label) {
  std::string_view t = trimmed(in, st);
  st.stmts.back()->name = {t, st.span(t.data(), in.end())};
} };

LAUD_ACTION(channel_name) {
  std::string_view t = trimmed(in, st);
  st.stmts.back()->channel = {t, st.span(t.data(), in.end())};
} };
LAUD_ACTION(template_name) {
  const char* b = skip_space(in.begin(), in.end());
  ast::Stmt& s = *st.stmts.back();
  s.template_span = st.span(b, in.end());
  decode_string_token(st, b, in.end(), s.template_name);
} };
LAUD_ACTION(send_to) { st.stmts.back()->to = pop(st); } };
LAUD_ACTION(with_key) {
  const char* b = skip_space(in.begin(), in.end());
  ast::Name key{std::string_view(b, static_cast<size_t>(in.end() - b)), st.span(b, in.end())};
  if (*b == '"') key.text = std::string_view(b + 1, static_cast<size_t>(in.end() - b - 2));
  st.stmts.back()->with.push_back({key, nullptr});
} };
LAUD_ACTION(with_entry) { st.stmts.back()->with.back().value = pop(st); } };

LAUD_ACTION(wait_duration) { st.stmts.back()->value = pop(st); } };
LAUD_ACTION(wait_until_time) {
  st.stmts.back()->kind = ast::StmtKind::kWaitUntil;
  st.stmts.back()->value = pop(st);
} };
LAUD_ACTION(wait_tod) {
  ast::Stmt& s = *st.stmts.back();
  s.kind = ast::StmtKind::kWaitUntilLocal;
  LiteralError err;
  const char* b = skip_space(in.begin(), in.end());
  auto m = decode_time_of_day(std::string_view(b, static_cast<size_t>(in.end() - b)), err);
  if (!m) report_literal(st, b, err, DiagCode::E0106);
  s.minutes = m.value_or(0);
} };
LAUD_ACTION(day_range) {
  ast::Stmt& s = *st.stmts.back();
  const char* p = skip_space(in.begin(), in.end());
  int first = -1, last = -1;
  for (int which = 0; which < 2 && p < in.end(); ++which) {
    const char* w = p;
    while (p < in.end() && is_ident_char(*p)) ++p;
    int day = day_index(std::string_view(w, static_cast<size_t>(p - w)));
    if (day < 0) {
      Diagnostic& d = st.diags.report(DiagCode::E0113, st.span(w, p), "unknown day `" + std::string(w, p) + "`");
      d.help = "days are mon tue wed thu fri sat sun; ranges like `mon..fri`";
      return;
    }
    (which == 0 ? first : last) = day;
    p = skip_space(p, in.end());
    if (in.end() - p >= 2 && p[0] == '.' && p[1] == '.') p = skip_space(p + 2, in.end());
  }
  if (last < 0) last = first;
  for (int d = first;; d = (d + 1) % 7) {  // a range may wrap: `sat..mon`
    s.days = static_cast<ast::DayMask>(s.days | (1u << d));
    if (d == last) break;
  }
  s.days_span = s.days_span.line == 0 ? st.span(skip_space(in.begin(), in.end()), in.end())
                                      : join(s.days_span, st.span(in.begin(), in.end()));
} };
LAUD_ACTION(wait_tz) { st.stmts.back()->value = pop(st); } };
LAUD_ACTION(up_to_head) { st.stmts.back()->kind = ast::StmtKind::kWaitUpTo; } };
LAUD_ACTION(up_to_duration) { st.stmts.back()->value = pop(st); } };
LAUD_ACTION(branch_open) {
  ast::OnBranch b;
  b.span = trimmed_span(in, st);
  st.stmts.back()->branches.push_back(std::move(b));
} };
LAUD_ACTION(branch_event) {
  set_event_name(st, in);
  st.stmts.back()->branches.back().event = std::move(st.event);
} };
LAUD_ACTION(branch_where) { st.stmts.back()->branches.back().where = pop(st); } };
LAUD_ACTION(branch_block) { st.stmts.back()->branches.back().body = pop_block(st); } };
LAUD_ACTION(on_branch) { st.stmts.back()->branches.back().span.end = static_cast<uint32_t>(in.end() - st.base); } };
LAUD_ACTION(timeout_block) {
  st.stmts.back()->timeout = pop_block(st);
  st.stmts.back()->timeout_span = trimmed_span(in, st);
} };

LAUD_ACTION(if_cond) {
  ast::IfArm arm;
  arm.span = st.exprs.back()->span;
  arm.cond = pop(st);
  st.stmts.back()->arms.push_back(std::move(arm));
} };
LAUD_ACTION(then_block) { st.stmts.back()->arms.back().body = pop_block(st); } };
LAUD_ACTION(else_block) {
  ast::IfArm arm;
  arm.span = trimmed_span(in, st);
  arm.body = pop_block(st);
  st.stmts.back()->arms.push_back(std::move(arm));
} };

template <typename Input>
void add_variant(State& st, const Input& in, bool control) {
  LiteralError err;
  const char* b = skip_space(in.begin(), in.end());
  ast::Variant v;
  v.is_control = control;
  const char* kw = control && st.control_at ? st.control_at : b;
  v.name = control ? ast::Name{"control", st.span(kw, kw + 7)} : st.last_name;
  v.percent_span = st.span(b, in.end());
  v.span = control ? join(st.span(kw, kw + 7), v.percent_span) : join(st.last_name.span, v.percent_span);
  auto bp = decode_percent(std::string_view(b, static_cast<size_t>(in.end() - b)), err);
  if (!bp) report_literal(st, b, err, DiagCode::E0108);
  v.basis_points = bp.value_or(0);
  v.percent_ok = bp.has_value();
  st.stmts.back()->variants.push_back(std::move(v));
}
LAUD_ACTION(control_open) { st.control_at = skip_space(in.begin(), in.end()); } };
LAUD_ACTION(variant_percent) { add_variant(st, in, false); } };
LAUD_ACTION(control_percent) { add_variant(st, in, true); } };
LAUD_ACTION(variant_block) {
  ast::Variant& v = st.stmts.back()->variants.back();
  v.body = pop_block(st);
  v.has_block = true;
} };
LAUD_ACTION(control_block) {
  ast::Variant& v = st.stmts.back()->variants.back();
  v.body = pop_block(st);
  v.has_block = true;
  Diagnostic& d = st.diags.report(DiagCode::E0112, trimmed_span(in, st), "`control` takes no block");
  d.help = "the control group receives nothing in this split; remove the block";
} };

LAUD_ACTION(block_open) { st.blocks.emplace_back(); } };

// --- settings

template <ast::SettingKind K>
struct open_setting_action {
  template <typename Input>
  static void apply(const Input& in, State& st) { open_setting(st, K, trimmed_span(in, st)); }
};
template <> struct action<g::on_open> : open_setting_action<ast::SettingKind::kOnEvent> {};
template <> struct action<g::audience_open> : open_setting_action<ast::SettingKind::kAudience> {};
template <> struct action<g::reentry_open> : open_setting_action<ast::SettingKind::kReentry> {};
template <> struct action<g::key_open> : open_setting_action<ast::SettingKind::kKey> {};
template <> struct action<g::limit_open> : open_setting_action<ast::SettingKind::kLimit> {};
template <> struct action<g::goal_open> : open_setting_action<ast::SettingKind::kGoal> {};
template <> struct action<g::exit_when_open> : open_setting_action<ast::SettingKind::kExitWhen> {};
template <> struct action<g::exit_on_open> : open_setting_action<ast::SettingKind::kExitOn> {};
LAUD_ACTION(quiet_open) {
  open_setting(st, ast::SettingKind::kQuiet, trimmed_span(in, st));
  st.quiet = {};
} };

// `exit on` / `exit when`: the setting starts at `exit`, which was matched before the opener.
template <>
struct action<g::exit_setting> {
  template <typename Input>
  static void apply(const Input& in, State& st);
};

template <ast::SettingKind K>
struct refine_setting_action {
  template <typename Input>
  static void apply(const Input&, State& st) { st.setting.kind = K; }
};
template <> struct action<g::enter_open> : refine_setting_action<ast::SettingKind::kOnEnter> {};
template <> struct action<g::at_open> : refine_setting_action<ast::SettingKind::kOnScheduleAt> {};
template <> struct action<g::every_open> : refine_setting_action<ast::SettingKind::kOnScheduleEvery> {};

LAUD_ACTION(segment_ref) { st.setting.segment = {in.string_view(), st.span(in.begin(), in.end())}; } };
LAUD_ACTION(setting_event) {
  set_event_name(st, in);
  st.setting.event = std::move(st.event);
} };
LAUD_ACTION(setting_where) { st.setting.where = pop(st); } };
LAUD_ACTION(schedule_starting) { st.setting.starting = pop(st); } };
LAUD_ACTION(reentry_never) { st.setting.reentry = ast::Reentry::kNever; } };
LAUD_ACTION(reentry_always) { st.setting.reentry = ast::Reentry::kAlways; } };
LAUD_ACTION(reentry_after) {
  st.setting.reentry = ast::Reentry::kAfter;
  st.setting.expr = pop(st);
} };
LAUD_ACTION(limit_count) { st.setting.count = pop(st); } };
LAUD_ACTION(goal_within) { st.setting.expr = pop(st); } };

template <typename Input>
void read_quiet_time(State& st, const Input& in, int32_t& out) {
  LiteralError err;
  const char* b = skip_space(in.begin(), in.end());
  auto m = decode_time_of_day(std::string_view(b, static_cast<size_t>(in.end() - b)), err);
  if (!m) report_literal(st, b, err, DiagCode::E0106);
  out = m.value_or(0);
  Span s = st.span(b, in.end());
  st.quiet.range_span = st.quiet.range_span.line == 0 ? s : join(st.quiet.range_span, s);
}
LAUD_ACTION(quiet_start) {
  st.quiet.range_span = {};
  read_quiet_time(st, in, st.quiet.start_minutes);
} };
LAUD_ACTION(quiet_end) { read_quiet_time(st, in, st.quiet.end_minutes); } };
LAUD_ACTION(quiet_tz) { st.quiet.time_zone = pop(st); } };
LAUD_ACTION(quiet_skip) { st.quiet.skip = true; } };

// Settings whose last part is a plain expression take it here.
bool setting_takes_trailing_expr(ast::SettingKind k) {
  using K = ast::SettingKind;
  return k == K::kOnScheduleAt || k == K::kOnScheduleEvery || k == K::kAudience || k == K::kKey ||
         k == K::kExitWhen || k == K::kLimit;
}

LAUD_ACTION(setting) {
  ast::Setting& s = st.setting;
  if (setting_takes_trailing_expr(s.kind)) s.expr = pop(st);
  if (s.kind == ast::SettingKind::kQuiet) s.quiet = std::move(st.quiet);
  s.span.end = static_cast<uint32_t>(in.end() - st.base);
  if (st.journey_has_step) {
    Diagnostic& d = st.diags.report(DiagCode::E0111, s.span, "journey settings must come before the first step");
    d.help = "move this line up, above the journey's first step";
  }
  st.decl->settings.push_back(std::move(s));
} };

template <typename Input>
void action<g::exit_setting>::apply(const Input& in, State& st) {
  // The span opened at `on`/`when`; widen it to start at `exit`.
  Span begin = trimmed_span(in, st);
  begin.end = st.setting.span.end;
  st.setting.span = begin;
}

// --- declarations

void open_decl(State& st, ast::DeclKind kind, Span span, ast::Name name) {
  st.decl = std::make_unique<ast::Decl>();
  st.decl->kind = kind;
  st.decl->span = span;
  st.decl->name = name;
}

template <typename Input>
void close_decl(State& st, const Input& in) {
  st.decl->span.end = static_cast<uint32_t>(in.end() - st.base);
  st.module.decls.push_back(std::move(st.decl));
}

LAUD_ACTION(const_name) { open_decl(st, ast::DeclKind::kConst, trimmed_span(in, st), st.last_name); } };
LAUD_ACTION(segment_name) { open_decl(st, ast::DeclKind::kSegment, trimmed_span(in, st), st.last_name); } };
LAUD_ACTION(journey_name) {
  open_decl(st, ast::DeclKind::kJourney, trimmed_span(in, st), st.last_name);
  st.blocks.clear();
  st.blocks.emplace_back();
  st.journey_has_step = false;
} };
LAUD_ACTION(policy_open) { open_decl(st, ast::DeclKind::kPolicy, trimmed_span(in, st), {}); } };

template <typename Input>
void decl_starts_at_keyword(State& st, const Input& in) {
  Span kw = trimmed_span(in, st);
  kw.end = st.decl->span.end;
  st.decl->span = kw;
}

LAUD_ACTION(const_decl) {
  decl_starts_at_keyword(st, in);
  st.decl->value = pop(st);
  close_decl(st, in);
} };
LAUD_ACTION(segment_decl) {
  decl_starts_at_keyword(st, in);
  st.decl->value = pop(st);
  close_decl(st, in);
} };
LAUD_ACTION(journey_decl) {
  decl_starts_at_keyword(st, in);
  st.decl->body = pop_block(st);
  close_decl(st, in);
} };
LAUD_ACTION(policy_decl) { close_decl(st, in); } };

LAUD_ACTION(cap_channel) {
  std::string_view t = trimmed(in, st);
  ast::Cap cap;
  cap.channel = {t, st.span(t.data(), in.end())};
  st.decl->caps.push_back(std::move(cap));
} };
LAUD_ACTION(cap_count) { st.decl->caps.back().count = pop(st); } };
LAUD_ACTION(policy_cap) {
  ast::Cap& cap = st.decl->caps.back();
  cap.window = pop(st);
  cap.span = trimmed_span(in, st);
} };
LAUD_ACTION(policy_quiet_open) { st.quiet = {}; } };
LAUD_ACTION(policy_quiet) {
  st.decl->quiet_span = trimmed_span(in, st);
  if (st.decl->quiet) {
    Diagnostic& d = st.diags.report(DiagCode::E0404, st.decl->quiet_span, "this policy already sets `quiet`");
    d.notes.push_back({st.decl->quiet->range_span, "the first `quiet` is here"});
  }
  st.decl->quiet = std::move(st.quiet);
} };

#undef LAUD_ACTION

// ---------------------------------------------------------------- control: errors and nesting

template <typename Rule> inline constexpr const char* expected = nullptr;
#define LAUD_EXPECT(rule, text) \
  template <> [[maybe_unused]] inline constexpr const char* expected<g::rule> = text;
LAUD_EXPECT(expr, "an expression")
LAUD_EXPECT(if_cond, "a condition")
LAUD_EXPECT(wait_until_time, "a time")
LAUD_EXPECT(wait_duration, "a duration")
LAUD_EXPECT(up_to_duration, "a duration")
LAUD_EXPECT(limit_count, "a number")
LAUD_EXPECT(cap_count, "a number")
LAUD_EXPECT(tz_expr, "a time zone")
LAUD_EXPECT(unary_expr, "an expression")
LAUD_EXPECT(mul_expr, "an expression")
LAUD_EXPECT(add_expr, "an expression")
LAUD_EXPECT(coalesce_expr, "an expression")
LAUD_EXPECT(not_expr, "an expression")
LAUD_EXPECT(and_expr, "an expression")
LAUD_EXPECT(member_field, "a field name after `.`")
LAUD_EXPECT(decl_name, "a name")
LAUD_EXPECT(const_name, "a name for the const")
LAUD_EXPECT(segment_name, "a name for the segment")
LAUD_EXPECT(journey_name, "a name for the journey")
LAUD_EXPECT(split_name, "a name for the split")
LAUD_EXPECT(variant_name, "a variant name")
LAUD_EXPECT(let_name, "a name for the local")
LAUD_EXPECT(channel_name, "a channel (email, sms, push, webhook, slack, in_app)")
LAUD_EXPECT(cap_channel, "a channel (email, sms, push, webhook, slack, in_app)")
LAUD_EXPECT(template_name, "a template name in quotes")
LAUD_EXPECT(with_key, "a key")
LAUD_EXPECT(goto_label, "a label")
LAUD_EXPECT(agg_event, "an event name")
LAUD_EXPECT(branch_event, "an event name")
LAUD_EXPECT(setting_event, "an event name")
LAUD_EXPECT(segment_ref, "a segment name")
LAUD_EXPECT(variant_percent, "a percentage like `45%`")
LAUD_EXPECT(control_percent, "a percentage like `10%`")
LAUD_EXPECT(quiet_hours, "quiet hours like `22:00-08:00`")
LAUD_EXPECT(quiet_end, "an end time like `08:00`")
LAUD_EXPECT(day_range, "a day (mon tue wed thu fri sat sun)")
LAUD_EXPECT(step, "a step")
LAUD_EXPECT(block_close, "a step or `}`")
LAUD_EXPECT(then_block, "`{`")
LAUD_EXPECT(else_block, "`{`")
LAUD_EXPECT(variant_block, "`{`")
LAUD_EXPECT(branch_block, "`{`")
LAUD_EXPECT(timeout_block, "`{`")
LAUD_EXPECT(block_open, "`{`")
LAUD_EXPECT(kw_per, "`per`")
LAUD_EXPECT(kw_skip, "`skip`")
LAUD_EXPECT(schedule_starting, "`starting` and a timestamp")
LAUD_EXPECT(goal_within, "`within` and a duration")
LAUD_EXPECT(on_branch, "`on`")
LAUD_EXPECT(list_items, "a list item")
LAUD_EXPECT(call_args, "an argument")
LAUD_EXPECT(with_entries, "`key: value`")
LAUD_EXPECT(policy_items, "`cap` or `quiet`")
LAUD_EXPECT(split_arms, "`variant` or `control`")
LAUD_EXPECT(journey_items, "a setting or a step")
LAUD_EXPECT(wait_kind, "a duration, `until` or `up to` after `wait`")
LAUD_EXPECT(until_kind, "a time or a time of day after `wait until`")
LAUD_EXPECT(schedule_kind, "`at` or `every` after `on schedule`")
LAUD_EXPECT(on_kind, "an event name, `enter` or `schedule` after `on`")
LAUD_EXPECT(reentry_kind, "`never`, `always` or `after` after `reentry`")
#undef LAUD_EXPECT

template <typename Rule>
struct punct_text {
  static constexpr const char* value = nullptr;
};
template <char C>
struct punct_text<g::punct<C>> {
  static constexpr char text[4] = {'`', C, '`', '\0'};
  static constexpr const char* value = text;
};

// Nesting is counted when an opening token has matched (so a rule merely tried at the innermost
// level does not count) and released when the construct it opened is complete.
template <typename Rule>
inline constexpr bool opens_nesting =
    std::is_same_v<Rule, g::block_open> || std::is_same_v<Rule, g::paren_open> ||
    std::is_same_v<Rule, g::list_open> || std::is_same_v<Rule, g::index_open> ||
    std::is_same_v<Rule, g::call_head> || std::is_same_v<Rule, g::agg_head> ||
    std::is_same_v<Rule, g::neg_op> || std::is_same_v<Rule, g::kw_not>;

template <typename Rule>
inline constexpr bool is_nesting =
    std::is_same_v<Rule, g::then_block> || std::is_same_v<Rule, g::else_block> ||
    std::is_same_v<Rule, g::variant_block> || std::is_same_v<Rule, g::control_block> ||
    std::is_same_v<Rule, g::branch_block> || std::is_same_v<Rule, g::timeout_block> ||
    std::is_same_v<Rule, g::paren_expr> || std::is_same_v<Rule, g::list_literal> ||
    std::is_same_v<Rule, g::index> || std::is_same_v<Rule, g::call> ||
    std::is_same_v<Rule, g::aggregate> || std::is_same_v<Rule, g::neg_apply> ||
    std::is_same_v<Rule, g::not_apply>;

// What stands at `p`, for "found ..." in messages.
std::string describe_token(const char* p, const char* end) {
  if (p >= end) return "end of file";
  if (is_ident_char(*p)) {
    const char* q = p;
    while (q < end && is_ident_char(*q) && q - p < 40) ++q;
    return "`" + std::string(p, q) + "`";
  }
  if (*p == '"') return "a string";
  auto c = static_cast<unsigned char>(*p);
  if (c < 0x20 || c >= 0x7F) return "an unexpected character";
  return "`" + std::string(1, *p) + "`";
}

size_t token_length(const char* p, const char* end) {
  if (p >= end) return 0;
  if (is_ident_char(*p)) {
    const char* q = p;
    while (q < end && is_ident_char(*q)) ++q;
    return static_cast<size_t>(q - p);
  }
  return 1;
}

template <typename Rule>
[[noreturn]] void raise_syntax(const char* at, const State& st) {
  if constexpr (std::is_same_v<Rule, g::block_comment_body>) {
    throw SyntaxError{st.token_start, 2, DiagCode::E0102, "unterminated `/*` comment", "close it with `*/`"};
  } else if constexpr (std::is_same_v<Rule, g::string_body>) {
    throw SyntaxError{st.token_start, 1, DiagCode::E0101, "unterminated string literal",
                      "strings end with `\"` on the same line"};
  } else if constexpr (std::is_same_v<Rule, g::regex_body>) {
    throw SyntaxError{st.token_start, 2, DiagCode::E0101, "unterminated regex literal", ""};
  } else if constexpr (std::is_same_v<Rule, g::reserved_name>) {
    const char* p = skip_space(at, st.end);
    std::string word(p, token_length(p, st.end));
    throw SyntaxError{p, word.size(), DiagCode::E0110, "`" + word + "` is a reserved word and cannot be used as a name",
                      "choose another name, e.g. `" + word + "_1`"};
  } else if constexpr (std::is_same_v<Rule, g::comparison_chain>) {
    const char* p = skip_space(at, st.end);
    throw SyntaxError{p, token_length(p, st.end), DiagCode::E0310, "comparisons cannot be chained",
                      "combine them with `and`, e.g. `a < b and b < c`"};
  } else if constexpr (std::is_same_v<Rule, g::unexpected_top>) {
    const char* p = skip_space(at, st.end);
    throw SyntaxError{p, token_length(p, st.end), DiagCode::E0100,
                      "expected a declaration (`const`, `segment`, `policy` or `journey`), found " +
                          describe_token(p, st.end), ""};
  } else {
    const char* p = skip_space(at, st.end);
    const char* what = expected<Rule> ? expected<Rule> : punct_text<Rule>::value;
    std::string message = what ? std::string("expected ") + what + ", found " + describe_token(p, st.end)
                               : "unexpected " + describe_token(p, st.end);
    throw SyntaxError{p, token_length(p, st.end), DiagCode::E0100, std::move(message), ""};
  }
}

// Rules that open a token whose end may never come: their start is kept for the error.
template <typename Rule>
inline constexpr bool opens_token =
    std::is_same_v<Rule, g::string_literal> || std::is_same_v<Rule, g::event_string> ||
    std::is_same_v<Rule, g::template_string> || std::is_same_v<Rule, g::key_string> ||
    std::is_same_v<Rule, g::regex_literal> || std::is_same_v<Rule, g::block_comment>;

template <typename Rule>
struct control : pegtl::normal<Rule> {
  template <typename Input>
  static void start(const Input& in, State& st) {
    if constexpr (opens_token<Rule>) st.token_start = in.current();
  }
  template <typename Input>
  static void success(const Input& in, State& st) {
    if constexpr (opens_nesting<Rule>) {
      if (++st.depth > st.limits.max_nesting) {
        size_t width = std::is_same_v<Rule, g::kw_not> ? 3 : 1;  // the opening token's last characters
        throw SyntaxError{in.current() - width, width, DiagCode::E0900,
                          "nesting is too deep (more than " + std::to_string(st.limits.max_nesting) + " levels)",
                          "flatten the logic with `let` locals, segments or labels"};
      }
    }
    if constexpr (is_nesting<Rule>) --st.depth;
  }
  template <typename Input>
  [[noreturn]] static void raise(const Input& in, State& st) {
    raise_syntax<Rule>(in.current(), st);
  }
};

// ---------------------------------------------------------------- the top-level loop

bool starts_declaration(const char* p, const char* end) {
  static constexpr std::string_view kWords[] = {"const", "segment", "policy", "journey"};
  for (std::string_view w : kWords) {
    if (static_cast<size_t>(end - p) >= w.size() && std::memcmp(p, w.data(), w.size()) == 0 &&
        (static_cast<size_t>(end - p) == w.size() || !is_ident_char(p[w.size()])))
      return true;
  }
  return false;
}

// True when a declaration keyword at `p` really starts one (not a `with` key like `journey: ...`).
bool starts_declaration_here(const char* p, const char* end) {
  if (!starts_declaration(p, end)) return false;
  const char* q = p;
  while (q < end && is_ident_char(*q)) ++q;
  while (q < end && (*q == ' ' || *q == '\t')) ++q;
  return q == end || *q != ':';
}

// Where to resume after an error at `from` in the declaration that began at `decl`: the first line
// at or after the error's own line that begins, after indentation, with a declaration keyword —
// outside comments and strings, and never the failed declaration itself, so the loop moves forward.
const char* resync_point(const char* decl, const char* from, const char* end, const char* file_begin) {
  const char* p = from;
  while (p > file_begin && p[-1] != '\n') --p;  // the start of the error's line
  bool in_block = false;
  // Whether the error's line starts inside a block comment: scan from the declaration's start.
  for (const char* q = decl; q < p; ++q) {
    if (in_block) {
      if (q[0] == '*' && q + 1 < end && q[1] == '/') in_block = false, ++q;
    } else if (q[0] == '/' && q + 1 < end && q[1] == '*') {
      in_block = true, ++q;
    } else if (q[0] == '/' && q + 1 < end && q[1] == '/') {
      while (q < p && *q != '\n') ++q;
    } else if (*q == '"') {
      ++q;
      while (q < p && *q != '"' && *q != '\n') q += (*q == '\\' && q + 1 < p) ? 2 : 1;
    }
  }
  while (p < end) {
    if (!in_block) {
      const char* q = p;
      while (q < end && (*q == ' ' || *q == '\t')) ++q;
      if (q > decl && starts_declaration_here(q, end)) return q;
    }
    // Walk to the next line, tracking block comments and skipping strings and line comments.
    for (; p < end && *p != '\n'; ++p) {
      if (in_block) {
        if (p[0] == '*' && p + 1 < end && p[1] == '/') in_block = false, ++p;
      } else if (p[0] == '/' && p + 1 < end && p[1] == '*') {
        in_block = true, ++p;
      } else if (p[0] == '/' && p + 1 < end && p[1] == '/') {
        while (p + 1 < end && p[1] != '\n') ++p;
      } else if (*p == '"') {
        while (p + 1 < end && p[1] != '"' && p[1] != '\n') p += (p[1] == '\\' && p + 2 < end) ? 2 : 1;
        if (p + 1 < end && p[1] == '"') ++p;
      }
    }
    if (p < end) ++p;
  }
  return end;
}

bool find_no_nul(std::string_view text, size_t& bad) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\0') {
      bad = i;
      return false;
    }
  }
  return true;
}

}  // namespace

bool parse_file(const SourceManager& sources, uint32_t file_id, ast::Module& module, Diagnostics& diags,
                const ParseLimits& limits) {
  std::string_view text = sources.file(file_id).text();
  size_t errors_before = diags.error_count();
  State st(sources, file_id, text, diags, module, limits);
  size_t nul = 0;
  if (!find_no_nul(text, nul)) {
    const char* p = text.data() + nul;
    diags.report(DiagCode::E0114, st.span(p, p + 1), "NUL byte in source file").help =
        "this looks like a binary file, not a .journey source";
    return false;
  }
  const char* pos = text.data();
  if (text.starts_with("\xEF\xBB\xBF")) pos += 3;  // a UTF-8 byte order mark is not content
  while (pos < st.end) {
    pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf, const char*> in(
        pos, st.end, sources.file(file_id).name().c_str());
    st.reset();
    try {
      pegtl::parse<g::top_item, action, control>(in, st);
      if (in.empty() || skip_space(in.current(), st.end) == st.end) break;
      pos = in.current();
    } catch (const SyntaxError& e) {
      if (st.decl && !st.decl->name.text.empty()) module.broken_names.emplace_back(st.decl->name.text);
      Diagnostic& d = diags.report(e.code, st.span(e.at, e.at + e.length), e.message);
      d.help = e.help;
      pos = resync_point(skip_space(pos, st.end), e.at, st.end, text.data());
    }
  }
  return diags.error_count() == errors_before;
}

}  // namespace laud::compiler
