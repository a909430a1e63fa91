// flow.cc — control-flow analysis of journey bodies. Builds a graph whose nodes are steps
// (edges: next step, into if/split/wait-up-to blocks, out at a block's end, goto), resolves
// labels, and runs a small dataflow telling what `event` means at each step. On that graph it
// checks labels (E0203 E0206 E0407), goto cycles without progress (E0402), `event` after a wait
// (E0400) and unreachable steps (W0001).
#include "compiler/flow.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace laud::compiler {
namespace {

using ast::Stmt;
using ast::StmtKind;

// ---------------------------------------------------------------- constant durations

struct Num {
  bool duration;
  int64_t v;  // milliseconds for a duration
};

std::optional<Num> arith(ast::Op op, Num a, Num b) {
  int64_t r = 0;
  switch (op) {
    case ast::Op::kAdd:
    case ast::Op::kSub: {
      if (a.duration != b.duration) return std::nullopt;
      bool ovf = op == ast::Op::kAdd ? __builtin_add_overflow(a.v, b.v, &r) : __builtin_sub_overflow(a.v, b.v, &r);
      return ovf ? std::nullopt : std::optional<Num>(Num{a.duration, r});
    }
    case ast::Op::kMul:
      if ((a.duration && b.duration) || __builtin_mul_overflow(a.v, b.v, &r)) return std::nullopt;
      return Num{a.duration || b.duration, r};
    case ast::Op::kDiv:
      if (b.duration || b.v == 0 || (a.v == INT64_MIN && b.v == -1)) return std::nullopt;
      return Num{a.duration, a.v / b.v};
    default:
      return std::nullopt;
  }
}

// The module's consts, evaluated on demand (memoized; a cycle evaluates to "not constant").
class ConstTable {
 public:
  explicit ConstTable(const ast::Module& m) {
    for (const auto& d : m.decls)
      if (d && d->kind == ast::DeclKind::kConst && d->value) consts_.emplace(d->name.text, Entry{d->value.get(), State::kNew, std::nullopt});
  }

  std::optional<int64_t> duration_ms(const ast::Expr* e) {
    std::optional<Num> n = eval(e, 0);
    if (!n || !n->duration) return std::nullopt;
    return n->v;
  }

 private:
  enum class State : uint8_t { kNew, kVisiting, kDone };
  struct Entry {
    const ast::Expr* expr;
    State state = State::kNew;
    std::optional<Num> value;
  };
  static constexpr int kMaxDepth = 2000;

  std::optional<Num> eval(const ast::Expr* e, int depth) {
    if (!e || depth > kMaxDepth) return std::nullopt;
    switch (e->kind) {
      case ast::ExprKind::kDuration: return Num{true, e->int_value};
      case ast::ExprKind::kInt: return Num{false, e->int_value};
      case ast::ExprKind::kName: return eval_const(e->name.text, depth + 1);
      case ast::ExprKind::kUnary: {
        if (e->op != ast::Op::kNeg) return std::nullopt;
        std::optional<Num> a = eval(e->lhs.get(), depth + 1);
        if (!a || a->v == INT64_MIN) return std::nullopt;
        return Num{a->duration, -a->v};
      }
      case ast::ExprKind::kBinary: {
        std::optional<Num> a = eval(e->lhs.get(), depth + 1);
        std::optional<Num> b = a ? eval(e->rhs.get(), depth + 1) : std::nullopt;
        return b ? arith(e->op, *a, *b) : std::nullopt;
      }
      default: return std::nullopt;
    }
  }

  std::optional<Num> eval_const(std::string_view name, int depth) {
    auto it = consts_.find(name);
    if (it == consts_.end() || it->second.state == State::kVisiting) return std::nullopt;
    if (it->second.state == State::kDone) return it->second.value;
    it->second.state = State::kVisiting;
    std::optional<Num> v = eval(it->second.expr, depth);
    Entry& entry = consts_.find(name)->second;
    entry.value = v;
    entry.state = State::kDone;
    return v;
  }

  std::unordered_map<std::string_view, Entry> consts_;
};

bool advances_time(ConstTable& consts, const Stmt& s) {
  if (s.kind == StmtKind::kWaitUntilLocal) return true;
  if (s.kind != StmtKind::kWait && s.kind != StmtKind::kWaitUpTo) return false;
  std::optional<int64_t> ms = consts.duration_ms(s.value.get());
  return ms && *ms > 0;
}

bool is_wait(const Stmt& s) {
  return s.kind == StmtKind::kWait || s.kind == StmtKind::kWaitUntil || s.kind == StmtKind::kWaitUntilLocal ||
         s.kind == StmtKind::kWaitUpTo;
}

// ---------------------------------------------------------------- the step graph

enum class EdgeKind : uint8_t {
  kPlain,        // control moves on without waiting
  kWait,         // control moves on after a wait (out of a wait step, into `timeout`)
  kEnterBranch,  // into an `on` branch of a `wait up to`: `event` becomes the resuming event
};

struct Edge {
  int to;
  EdgeKind kind;
};

struct Node {
  const Stmt* stmt = nullptr;
  int scope = -1;   // the block holding the step
  int branch = -1;  // the innermost `on` branch holding the step, or -1
  int cont = -1;    // where control goes when the step completes (-1: the journey ends)
  int target = -1;  // kGoto: the resolved labelled step
  std::vector<Edge> out;
};

struct Scope {
  int parent = -1;
  std::unordered_map<std::string_view, int> labels;  // first step with each label in this block
};

struct BranchInfo {
  const ast::OnBranch* on;
  int wait;  // the `wait up to` step
};

struct Graph {
  std::vector<Node> nodes;
  std::vector<Scope> scopes;
  std::vector<BranchInfo> branches;
  std::unordered_map<const Stmt*, int> index;
  int entry = -1;

  int id(const Stmt& s) const { return index.at(&s); }
};

class Builder {
 public:
  explicit Builder(Graph& g) : g_(g) {}

  // Adds the steps of `b`; returns the node control enters the block at (`after` if empty).
  int block(const ast::Block& b, int parent_scope, int branch, int after) {
    int scope = static_cast<int>(g_.scopes.size());
    g_.scopes.push_back(Scope{parent_scope, {}});
    int first = static_cast<int>(g_.nodes.size());
    for (const ast::StmtPtr& s : b) {
      if (!s) continue;
      int id = static_cast<int>(g_.nodes.size());
      g_.nodes.push_back(Node{s.get(), scope, branch, -1, -1, {}});
      g_.index.emplace(s.get(), id);
      if (s->label) g_.scopes[scope].labels.emplace(s->label->text, id);
    }
    int last = static_cast<int>(g_.nodes.size());
    for (int id = first; id < last; ++id) {
      g_.nodes[id].cont = id + 1 < last ? id + 1 : after;
      children(id);
    }
    return first < last ? first : after;
  }

 private:
  void edge(int from, int to, EdgeKind kind) {
    if (to >= 0) g_.nodes[from].out.push_back(Edge{to, kind});
  }

  void children(int n) {
    const Stmt& s = *g_.nodes[n].stmt;
    const int scope = g_.nodes[n].scope, branch = g_.nodes[n].branch, cont = g_.nodes[n].cont;
    switch (s.kind) {
      case StmtKind::kIf: {
        bool has_else = false;
        for (const ast::IfArm& arm : s.arms) {
          edge(n, block(arm.body, scope, branch, cont), EdgeKind::kPlain);
          has_else = has_else || !arm.cond;
        }
        if (!has_else) edge(n, cont, EdgeKind::kPlain);
        break;
      }
      case StmtKind::kSplit:
        for (const ast::Variant& v : s.variants) edge(n, block(v.body, scope, branch, cont), EdgeKind::kPlain);
        if (s.variants.empty()) edge(n, cont, EdgeKind::kPlain);
        break;
      case StmtKind::kWaitUpTo:
        for (const ast::OnBranch& on : s.branches) {
          int id = static_cast<int>(g_.branches.size());
          g_.branches.push_back(BranchInfo{&on, n});
          int entry = block(on.body, scope, id, cont);
          edge(n, entry, entry == cont ? EdgeKind::kWait : EdgeKind::kEnterBranch);
        }
        edge(n, s.timeout ? block(*s.timeout, scope, branch, cont) : cont, EdgeKind::kWait);
        break;
      case StmtKind::kWait:
      case StmtKind::kWaitUntil:
      case StmtKind::kWaitUntilLocal:
        edge(n, cont, EdgeKind::kWait);
        break;
      case StmtKind::kGoto:  // its edge is added once labels are known
      case StmtKind::kExit:
        break;
      default:
        edge(n, cont, EdgeKind::kPlain);
    }
  }

  Graph& g_;
};

// Calls f(step) for every step of `b`, nested ones included, in source order.
template <typename F>
void for_each_step(const ast::Block& b, const F& f) {
  for (const ast::StmtPtr& s : b) {
    if (!s) continue;
    f(*s);
    for (const ast::IfArm& arm : s->arms) for_each_step(arm.body, f);
    for (const ast::Variant& v : s->variants) for_each_step(v.body, f);
    for (const ast::OnBranch& on : s->branches) for_each_step(on.body, f);
    if (s->timeout) for_each_step(*s->timeout, f);
  }
}

// Calls f(block) for each block directly inside step `s`.
template <typename F>
void for_each_sub_block(const Stmt& s, const F& f) {
  for (const ast::IfArm& arm : s.arms) f(arm.body);
  for (const ast::Variant& v : s.variants) f(v.body);
  for (const ast::OnBranch& on : s.branches) f(on.body);
  if (s.timeout) f(*s.timeout);
}

// ---------------------------------------------------------------- labels and gotos

int find_visible(const Graph& g, int scope, std::string_view label) {
  for (int sc = scope; sc >= 0; sc = g.scopes[sc].parent) {
    auto it = g.scopes[sc].labels.find(label);
    if (it != g.scopes[sc].labels.end()) return it->second;
  }
  return -1;
}

std::vector<std::string_view> visible_labels(const Graph& g, int scope) {
  std::vector<std::string_view> names;
  for (int sc = scope; sc >= 0; sc = g.scopes[sc].parent)
    for (const auto& [name, id] : g.scopes[sc].labels) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

void report_bad_goto(const Graph& g, const Stmt& s, int scope, int elsewhere, Diagnostics& diags) {
  const std::string label(s.name.text);
  if (elsewhere >= 0) {
    Diagnostic& d = diags.report(DiagCode::E0407, s.name.span,
                                 "label `" + label + "` is not in this block or an enclosing one");
    d.notes.push_back({g.nodes[elsewhere].stmt->label->span, "`" + label + "` labels this step"});
    d.help = "a `goto` can jump to a label in its own block or an enclosing one, not into another block";
    return;
  }
  Diagnostic& d = diags.report(DiagCode::E0203, s.name.span, "unknown label `" + label + "`");
  std::string_view near = closest_name(s.name.text, visible_labels(g, scope));
  if (!near.empty()) d.help = "did you mean `" + std::string(near) + "`?";
}

// Checks for duplicate labels and resolves every `goto`, adding its edge.
void resolve_labels(Graph& g, const ast::Block& body, Diagnostics* diags) {
  std::unordered_map<std::string_view, int> first;  // journey-wide, in source order
  for_each_step(body, [&](const Stmt& s) {
    if (!s.label) return;
    auto [it, fresh] = first.emplace(s.label->text, g.id(s));
    if (fresh || !diags) return;
    const std::string label(s.label->text);
    Diagnostic& d = diags->report(DiagCode::E0206, s.label->span, "duplicate label `" + label + "`");
    d.notes.push_back({g.nodes[it->second].stmt->label->span, "`" + label + "` first labels this step"});
    d.help = "labels name steps in records and reports, so each must be unique within a journey";
  });
  for_each_step(body, [&](const Stmt& s) {
    if (s.kind != StmtKind::kGoto) return;
    Node& n = g.nodes[g.id(s)];
    n.target = find_visible(g, n.scope, s.name.text);
    if (n.target >= 0) {
      n.out.push_back(Edge{n.target, EdgeKind::kPlain});
    } else if (diags) {
      auto it = first.find(s.name.text);
      report_bad_goto(g, s, n.scope, it == first.end() ? -1 : it->second, *diags);
    }
  });
}

// ---------------------------------------------------------------- what `event` means

constexpr uint8_t kTrigger = 1;  // reached from the body's start without a wait
constexpr uint8_t kResume = 2;   // reached from the start of the step's innermost `on` branch without a wait
constexpr uint8_t kWaited = 4;   // reached through a wait

struct EventFlow {
  std::vector<uint8_t> mask;    // per node: the ways it is reached (0: unreachable)
  std::vector<int> waited_at;   // per node with kWaited: a wait on a path to it
};

std::pair<uint8_t, int> transfer(const Graph& g, const EventFlow& f, int u, const Edge& e) {
  if (e.kind == EdgeKind::kWait) return {kWaited, u};
  if (e.kind == EdgeKind::kEnterBranch) return {kResume, -1};
  uint8_t bits = f.mask[u];
  int wait = f.waited_at[u];
  const int from = g.nodes[u].branch;
  if ((bits & kResume) && from >= 0 && g.nodes[e.to].branch != from) {  // leaving the branch: its event is gone
    bits = static_cast<uint8_t>((bits & ~kResume) | kWaited);
    if (wait < 0) wait = g.branches[from].wait;
  }
  return {bits, wait};
}

EventFlow event_flow(const Graph& g) {
  const size_t n = g.nodes.size();
  EventFlow f{std::vector<uint8_t>(n, 0), std::vector<int>(n, -1)};
  std::deque<int> work;
  auto merge = [&](int v, uint8_t bits, int wait) {
    uint8_t both = f.mask[v] | bits;
    if (both == f.mask[v]) return;
    if ((bits & kWaited) && !(f.mask[v] & kWaited)) f.waited_at[v] = wait;
    f.mask[v] = both;
    work.push_back(v);
  };
  if (g.entry >= 0) merge(g.entry, kTrigger, -1);
  while (!work.empty()) {
    int u = work.front();
    work.pop_front();
    for (const Edge& e : g.nodes[u].out) {
      auto [bits, wait] = transfer(g, f, u, e);
      merge(e.to, bits, wait);
    }
  }
  return f;
}

EventRef event_ref(uint8_t mask) {
  if (mask == 0) return EventRef::kUnreachable;
  if (mask & kWaited) return EventRef::kUnavailable;
  return (mask & kResume) ? EventRef::kResume : EventRef::kTrigger;
}

// Every `event` root in e, not looking into aggregates' `where` (there `event` is the past event).
void event_roots(const ast::Expr* e, std::vector<const ast::Expr*>& out) {
  std::vector<const ast::Expr*> todo{e};
  while (!todo.empty()) {
    const ast::Expr* x = todo.back();
    todo.pop_back();
    if (!x) continue;
    if (x->kind == ast::ExprKind::kRoot && x->root == ast::Root::kEvent) out.push_back(x);
    todo.push_back(x->rhs.get());
    todo.push_back(x->lhs.get());
    for (auto it = x->items.rbegin(); it != x->items.rend(); ++it) todo.push_back(it->get());
    if (x->aggregate) todo.push_back(x->aggregate->within.get());
  }
}

// The expressions a step evaluates itself (not those of the steps in its blocks).
std::vector<const ast::Expr*> step_event_roots(const Stmt& s) {
  std::vector<const ast::Expr*> out;
  event_roots(s.to.get(), out);
  for (const ast::WithEntry& w : s.with) event_roots(w.value.get(), out);
  event_roots(s.target.get(), out);
  event_roots(s.value.get(), out);
  for (const ast::IfArm& arm : s.arms) event_roots(arm.cond.get(), out);
  return out;
}

// ---------------------------------------------------------------- one journey

struct JourneyAnalysis {
  Graph g;
  EventFlow events;
};

JourneyAnalysis analyze_journey(const ast::Decl& j, Diagnostics* diags) {
  JourneyAnalysis a;
  a.g.entry = Builder(a.g).block(j.body, -1, -1, -1);
  resolve_labels(a.g, j.body, diags);
  a.events = event_flow(a.g);
  return a;
}

// Strongly connected components of the graph without the nodes in `skip` (iterative Tarjan).
std::vector<int> components(const Graph& g, const std::vector<bool>& skip) {
  const int n = static_cast<int>(g.nodes.size());
  std::vector<int> index(n, -1), low(n, 0), comp(n, -1), stack;
  std::vector<bool> on_stack(n, false);
  std::vector<std::pair<int, size_t>> calls;
  int counter = 0, comps = 0;
  auto visit = [&](int v) {
    index[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack[v] = true;
    calls.push_back({v, 0});
  };
  for (int s = 0; s < n; ++s) {
    if (skip[s] || index[s] >= 0) continue;
    visit(s);
    while (!calls.empty()) {
      const int u = calls.back().first;
      const size_t i = calls.back().second++;
      const std::vector<Edge>& out = g.nodes[u].out;
      if (i < out.size()) {
        const int v = out[i].to;
        if (skip[v]) continue;
        if (index[v] < 0) visit(v);
        else if (on_stack[v]) low[u] = std::min(low[u], index[v]);
        continue;
      }
      calls.pop_back();
      if (!calls.empty()) low[calls.back().first] = std::min(low[calls.back().first], low[u]);
      if (low[u] != index[u]) continue;
      for (int w = -1; w != u;) {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        comp[w] = comps;
      }
      ++comps;
    }
  }
  return comp;
}

std::string at(const Span& s) { return std::to_string(s.line) + ":" + std::to_string(s.col); }

// Per component: its first wait in source order (each is one that does not advance time), or -1.
std::vector<int> idle_waits(const Graph& g, const std::vector<int>& comp) {
  std::vector<int> first(g.nodes.size(), -1);
  for (size_t v = 0; v < g.nodes.size(); ++v) {
    if (comp[v] < 0 || !is_wait(*g.nodes[v].stmt)) continue;
    int& best = first[comp[v]];
    if (best < 0 || g.nodes[v].stmt->span.begin < g.nodes[best].stmt->span.begin) best = static_cast<int>(v);
  }
  return first;
}

const char* idle_wait_note(const Stmt& s) {
  return s.kind == StmtKind::kWaitUntil ? "this `wait until` does not count: its time may be past"
                                        : "this wait does not count: its duration is not a positive constant";
}

void check_progress(const Graph& g, ConstTable& consts, Diagnostics& diags) {
  std::vector<bool> progress(g.nodes.size());
  for (size_t v = 0; v < g.nodes.size(); ++v) progress[v] = advances_time(consts, *g.nodes[v].stmt);
  const std::vector<int> comp = components(g, progress);
  const std::vector<int> idle = idle_waits(g, comp);
  for (size_t v = 0; v < g.nodes.size(); ++v) {
    const Node& n = g.nodes[v];
    if (n.stmt->kind != StmtKind::kGoto || n.target < 0 || progress[n.target]) continue;
    const Node& t = g.nodes[n.target];
    // Every cycle has a backward `goto` (all other edges go forward in the source): report those.
    if (comp[n.target] != comp[v] || t.stmt->span.begin > n.stmt->span.begin) continue;
    const std::string label(n.stmt->name.text);
    Diagnostic& d = diags.report(DiagCode::E0402, n.stmt->span,
                                 "this `goto` loops back to `" + label + "` without passing a wait that advances time");
    d.notes.push_back({t.stmt->label->span, "the loop starts here"});
    if (int w = idle[comp[v]]; w >= 0) d.notes.push_back({g.nodes[w].stmt->span, idle_wait_note(*g.nodes[w].stmt)});
    d.help = "add `wait 1d` (or another positive wait) inside the loop; at run time an instance that runs 10,000 "
             "steps without waiting is ended";
  }
}

void check_event(const JourneyAnalysis& a, Diagnostics& diags) {
  for (size_t v = 0; v < a.g.nodes.size(); ++v) {
    if (event_ref(a.events.mask[v]) != EventRef::kUnavailable) continue;
    const Node& n = a.g.nodes[v];
    const int wait = a.events.waited_at[v];
    for (const ast::Expr* e : step_event_roots(*n.stmt)) {
      std::string msg = "`event` is not available here: a path from the start of the journey passes ";
      msg += wait >= 0 ? "the `wait` at " + at(a.g.nodes[wait].stmt->span) : "a `wait`";
      Diagnostic& d = diags.report(DiagCode::E0400, e->span, std::move(msg));
      if (wait >= 0) d.notes.push_back({a.g.nodes[wait].stmt->span, "the journey waits here"});
      d.help = n.branch >= 0 ? "the event that resumed the `on` branch is available only until the branch's first "
                               "wait: keep what you need in a `let` before it, or use `trigger.` to read the event "
                               "that started this journey"
                             : "use `trigger.` to read the event that started this journey";
    }
  }
}

std::string why_unreachable_note(const Stmt& prev) {
  switch (prev.kind) {
    case StmtKind::kExit: return "the journey ends at this `exit`";
    case StmtKind::kGoto: return "control jumps away at this `goto`";
    case StmtKind::kIf: return "no branch of this `if` continues to the next step";
    case StmtKind::kSplit: return "no variant of this `split` continues to the next step";
    case StmtKind::kWaitUpTo: return "no branch of this `wait up to` continues to the next step";
    default: return "";
  }
}

void check_unreachable(const JourneyAnalysis& a, const ast::Block& b, Diagnostics& diags) {
  const Stmt* prev = nullptr;
  bool prev_reached = true;
  for (const ast::StmtPtr& s : b) {
    if (!s) continue;
    const bool reached = a.events.mask[a.g.id(*s)] != 0;
    if (!reached && prev_reached) {
      Diagnostic& d = diags.report(DiagCode::W0001, s->span, "this step is never reached");
      std::string note = prev ? why_unreachable_note(*prev) : "";
      if (!note.empty()) d.notes.push_back({prev->span, std::move(note)});
    }
    if (reached) for_each_sub_block(*s, [&](const ast::Block& sub) { check_unreachable(a, sub, diags); });
    prev = s.get();
    prev_reached = reached;
  }
}

}  // namespace

// ---------------------------------------------------------------- public API

bool analyze_flow(const ast::Module& m, Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  ConstTable consts(m);
  for (const auto& d : m.decls) {
    if (!d || d->kind != ast::DeclKind::kJourney) continue;
    JourneyAnalysis a = analyze_journey(*d, &diags);
    check_progress(a.g, consts, diags);
    check_event(a, diags);
    check_unreachable(a, d->body, diags);
  }
  return diags.error_count() == errors_before;
}

JourneyFlow journey_flow(const ast::Module& m, const ast::Decl& journey) {
  (void)m;  // reserved: flow facts may come to depend on consts
  JourneyAnalysis a = analyze_journey(journey, nullptr);
  JourneyFlow flow;
  for (size_t v = 0; v < a.g.nodes.size(); ++v) {
    const Node& n = a.g.nodes[v];
    StepFlow& s = flow.steps[n.stmt];
    s.event = event_ref(a.events.mask[v]);
    if (n.branch >= 0) {
      s.branch = a.g.branches[n.branch].on;
      s.resumed_by = a.g.nodes[a.g.branches[n.branch].wait].stmt;
    }
    if (n.target >= 0) s.target = a.g.nodes[n.target].stmt;
  }
  return flow;
}

const StepFlow* JourneyFlow::find(const ast::Stmt* s) const {
  auto it = steps.find(s);
  return it == steps.end() ? nullptr : &it->second;
}

bool JourneyFlow::reachable(const ast::Stmt* s) const { return event_at(s) != EventRef::kUnreachable; }

EventRef JourneyFlow::event_at(const ast::Stmt* s) const {
  const StepFlow* f = find(s);
  return f ? f->event : EventRef::kUnreachable;
}

std::optional<int64_t> constant_duration_ms(const ast::Module& m, const ast::Expr* e) {
  ConstTable consts(m);
  return consts.duration_ms(e);
}

bool advances_time(const ast::Module& m, const ast::Stmt& s) {
  ConstTable consts(m);
  return advances_time(consts, s);
}

}  // namespace laud::compiler
