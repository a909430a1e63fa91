// flow.cc — control-flow analysis of journey bodies. Builds a graph whose nodes are steps, in
// source order (edges: next step, into if/split/wait-up-to blocks, out at a block's end, goto),
// resolves labels, and runs a small dataflow telling what `event` means at each step. On that
// graph it checks labels (E0203 E0206 E0407), goto cycles without progress (E0402), `event` after
// a wait (E0400) and unreachable steps (W0001). The graph's vectors are reused from one journey to
// the next, and analyze_flow first brings each few journeys into the cache (ast_warm.h).
#include "compiler/flow.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ast_warm.h"
#include "compiler/const_eval.h"
#include "compiler/name_table.h"

namespace laud::compiler {
namespace {

using ast::Stmt;
using ast::StmtKind;

bool advances_time(const ConstFolder& fold, const Stmt& s) {
  if (s.kind == StmtKind::kWaitUntilLocal) return true;
  if ((s.kind != StmtKind::kWait && s.kind != StmtKind::kWaitUpTo) || !s.value) return false;
  std::optional<vm::Value> v = fold(*s.value);
  return v && v->kind == vm::Kind::kDuration && v->i > 0;
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

constexpr int kToCont = -2;  // while building: the edge goes where its step continues

struct Edge {
  int to;  // -1: none (the journey ends there, or an unresolved `goto`)
  EdgeKind kind;
};

// Steps are numbered in source order (pre-order: a step, then the steps of its blocks).
struct Node {
  const Stmt* stmt = nullptr;
  int scope = -1;   // the block holding the step
  int branch = -1;  // the innermost `on` branch holding the step, or -1
  int parent = -1;  // the step whose block holds this one, or -1 at the top level
  int next = -1;    // the next step of the same block, or -1
  int end = 0;      // one past the last step inside this one
  int cont = -1;    // where control goes when the step completes (-1: the journey ends)
  int target = -1;  // kGoto: the resolved labelled step
  int same_label = -1;      // the next step (in source order) with this step's label, or -1
  uint32_t edges_begin = 0;  // this step's edges: Graph::edges[edges_begin, edges_end)
  uint32_t edges_end = 0;
};

struct ScopeInfo {
  int parent = -1;
  int depth = 0;
};

struct BranchInfo {
  const ast::OnBranch* on;
  int wait;  // the `wait up to` step
};

// One journey's graph. Kept across journeys, so that its vectors are allocated once.
struct Graph {
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::vector<ScopeInfo> scopes;
  std::vector<BranchInfo> branches;
  NameTable<int> first_label;  // journey-wide: the first step (in source order) with each label
  NameTable<int> last_label;   // the last one so far, to chain Node::same_label
  int entry = -1;

  void clear() {
    nodes.clear();
    edges.clear();
    scopes.clear();
    branches.clear();
    first_label.clear();
    last_label.clear();
    entry = -1;
  }

  const Edge* out_begin(int n) const { return edges.data() + nodes[n].edges_begin; }
  const Edge* out_end(int n) const { return edges.data() + nodes[n].edges_end; }

  bool scope_within(int inner, int outer) const {  // `outer` is `inner` or encloses it
    while (inner >= 0 && scopes[inner].depth > scopes[outer].depth) inner = scopes[inner].parent;
    return inner == outer;
  }
};

class Builder {
 public:
  Builder(Graph& g, Diagnostics* diags) : g_(g), diags_(diags) {}

  void build(const ast::Block& body) {
    int first = block(body, -1, -1, -1);
    // Where each step continues: its next step, else where its parent continues. Parents come
    // first in the numbering, so one pass in order suffices.
    for (Node& n : g_.nodes) n.cont = n.next >= 0 ? n.next : n.parent >= 0 ? g_.nodes[n.parent].cont : -1;
    for (size_t v = 0; v < g_.nodes.size(); ++v) {
      const Node& n = g_.nodes[v];
      for (uint32_t k = n.edges_begin; k < n.edges_end; ++k)
        if (g_.edges[k].to == kToCont) g_.edges[k].to = n.cont;
    }
    g_.entry = first;
  }

 private:
  // Adds the steps of `b`; returns the first one, or -1 when the block has none.
  int block(const ast::Block& b, int parent_scope, int branch, int parent) {
    const int scope = static_cast<int>(g_.scopes.size());
    g_.scopes.push_back(ScopeInfo{parent_scope, parent_scope >= 0 ? g_.scopes[parent_scope].depth + 1 : 0});
    int first = -1, prev = -1;
    for (const ast::StmtPtr& sp : b) {
      const Stmt* s = sp.get();
      if (!s) continue;
      const int id = static_cast<int>(g_.nodes.size());
      Node node;
      node.stmt = s;
      node.scope = scope;
      node.branch = branch;
      node.parent = parent;
      g_.nodes.push_back(node);
      if (prev >= 0) g_.nodes[prev].next = id;
      else first = id;
      prev = id;
      if (s->label) label(*s, id);
      children(*s, id, scope, branch);
      g_.nodes[id].end = static_cast<int>(g_.nodes.size());
    }
    return first;
  }

  // Registers the label of step `id`, reporting a duplicate (E0206).
  void label(const Stmt& s, int id) {
    const int first_id = *g_.first_label.emplace(s.label->text, id).first;
    int* last = g_.last_label.emplace(s.label->text, id).first;
    if (first_id == id) return;
    g_.nodes[*last].same_label = id;
    *last = id;
    if (!diags_) return;
    const std::string label(s.label->text);
    Diagnostic& d = diags_->report(DiagCode::E0206, s.label->span, "duplicate label `" + label + "`");
    d.notes.push_back({g_.nodes[first_id].stmt->label->span, "`" + label + "` first labels this step"});
    d.help = "labels name steps in records and reports, so each must be unique within a journey";
  }

  // Adds the steps inside step `n` and then its edges (kToCont: where `n` continues).
  void children(const Stmt& s, int n, int scope, int branch) {
    // `n`'s own edges, collected while its blocks are added (which use the stack above them).
    const size_t base = pending_.size();
    auto& edges = pending_;
    auto into = [](int entry) { return entry >= 0 ? entry : kToCont; };
    switch (s.kind) {
      case StmtKind::kIf: {
        bool has_else = false;
        for (const ast::IfArm& arm : s.arms) {
          edges.push_back(Edge{into(block(arm.body, scope, branch, n)), EdgeKind::kPlain});
          has_else = has_else || !arm.cond;
        }
        if (!has_else) edges.push_back(Edge{kToCont, EdgeKind::kPlain});
        break;
      }
      case StmtKind::kSplit:
        for (const ast::Variant& v : s.variants)
          edges.push_back(Edge{into(block(v.body, scope, branch, n)), EdgeKind::kPlain});
        if (s.variants.empty()) edges.push_back(Edge{kToCont, EdgeKind::kPlain});
        break;
      case StmtKind::kWaitUpTo:
        for (const ast::OnBranch& on : s.branches) {
          const int id = static_cast<int>(g_.branches.size());
          g_.branches.push_back(BranchInfo{&on, n});
          const int entry = block(on.body, scope, id, n);
          edges.push_back(entry >= 0 ? Edge{entry, EdgeKind::kEnterBranch} : Edge{kToCont, EdgeKind::kWait});
        }
        edges.push_back(Edge{s.timeout ? into(block(*s.timeout, scope, branch, n)) : kToCont, EdgeKind::kWait});
        break;
      case StmtKind::kWait:
      case StmtKind::kWaitUntil:
      case StmtKind::kWaitUntilLocal:
        edges.push_back(Edge{kToCont, EdgeKind::kWait});
        break;
      case StmtKind::kGoto:  // its edge is set once labels are known
        edges.push_back(Edge{-1, EdgeKind::kPlain});
        break;
      case StmtKind::kExit:
        break;
      default:
        edges.push_back(Edge{kToCont, EdgeKind::kPlain});
    }
    Node& node = g_.nodes[n];
    node.edges_begin = static_cast<uint32_t>(g_.edges.size());
    g_.edges.insert(g_.edges.end(), pending_.begin() + static_cast<std::ptrdiff_t>(base), pending_.end());
    node.edges_end = static_cast<uint32_t>(g_.edges.size());
    pending_.resize(base);
  }

  Graph& g_;
  Diagnostics* diags_;
  std::vector<Edge> pending_;  // a stack of the edges of the steps being added
};

// ---------------------------------------------------------------- labels and gotos

// The step a `goto` in `scope` to `label` jumps to: the first step with that label in the
// innermost block (its own or an enclosing one) that has one; -1 when none.
int find_visible(const Graph& g, int scope, std::string_view label) {
  const int* first = g.first_label.find(label);
  int best = -1;
  for (int c = first ? *first : -1; c >= 0; c = g.nodes[c].same_label) {
    const int sc = g.nodes[c].scope;
    if (!g.scope_within(scope, sc)) continue;
    if (best < 0 || g.scopes[sc].depth > g.scopes[g.nodes[best].scope].depth) best = c;
  }
  return best;
}

std::vector<std::string_view> visible_labels(const Graph& g, int scope) {
  std::vector<std::string_view> names;
  for (const Node& n : g.nodes)
    if (n.stmt->label && g.scope_within(scope, n.scope)) names.push_back(n.stmt->label->text);
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

// Resolves every `goto` (in source order), setting its edge; reports those that cannot jump.
void resolve_gotos(Graph& g, Diagnostics* diags) {
  for (size_t v = 0; v < g.nodes.size(); ++v) {
    Node& n = g.nodes[v];
    if (n.stmt->kind != StmtKind::kGoto) continue;
    n.target = find_visible(g, n.scope, n.stmt->name.text);
    if (n.target >= 0) {
      g.edges[n.edges_begin].to = n.target;
    } else if (diags) {
      const int* first = g.first_label.find(n.stmt->name.text);
      report_bad_goto(g, *n.stmt, n.scope, first ? *first : -1, *diags);
    }
  }
}

// ---------------------------------------------------------------- what `event` means

constexpr uint8_t kTrigger = 1;  // reached from the body's start without a wait
constexpr uint8_t kResume = 2;   // reached from the start of the step's innermost `on` branch without a wait
constexpr uint8_t kWaited = 4;   // reached through a wait

struct EventFlow {
  std::vector<uint8_t> mask;    // per node: the ways it is reached (0: unreachable)
  std::vector<int> waited_at;   // per node with kWaited: a wait on a path to it
  std::vector<int> work;        // the FIFO worklist (each node enters it at most once per bit)
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

void event_flow(const Graph& g, EventFlow& f) {
  const size_t n = g.nodes.size();
  f.mask.assign(n, 0);
  f.waited_at.assign(n, -1);
  f.work.clear();
  auto merge = [&](int v, uint8_t bits, int wait) {
    uint8_t both = f.mask[v] | bits;
    if (both == f.mask[v]) return;
    if ((bits & kWaited) && !(f.mask[v] & kWaited)) f.waited_at[v] = wait;
    f.mask[v] = both;
    f.work.push_back(v);
  };
  if (g.entry >= 0) merge(g.entry, kTrigger, -1);
  for (size_t head = 0; head < f.work.size(); ++head) {
    const int u = f.work[head];
    for (const Edge* e = g.out_begin(u); e != g.out_end(u); ++e) {
      if (e->to < 0) continue;
      auto [bits, wait] = transfer(g, f, u, *e);
      merge(e->to, bits, wait);
    }
  }
}

EventRef event_ref(uint8_t mask) {
  if (mask == 0) return EventRef::kUnreachable;
  if (mask & kWaited) return EventRef::kUnavailable;
  return (mask & kResume) ? EventRef::kResume : EventRef::kTrigger;
}

// Calls f(root) for every `event` root in e, in source order, not looking into aggregates'
// `where` (there `event` is the past event).
template <typename F>
void event_roots(const ast::Expr* e, const F& f) {
  if (!e) return;
  if (e->kind == ast::ExprKind::kRoot && e->root == ast::Root::kEvent) f(*e);
  for (const ast::ExprPtr& item : e->items) event_roots(item.get(), f);
  event_roots(e->lhs.get(), f);
  event_roots(e->rhs.get(), f);
  if (e->aggregate) event_roots(e->aggregate->within.get(), f);
}

// The same for the expressions a step evaluates itself (not those of the steps in its blocks).
template <typename F>
void step_event_roots(const Stmt& s, const F& f) {
  event_roots(s.to.get(), f);
  for (const ast::WithEntry& w : s.with) event_roots(w.value.get(), f);
  event_roots(s.target.get(), f);
  event_roots(s.value.get(), f);
  for (const ast::IfArm& arm : s.arms) event_roots(arm.cond.get(), f);
}

// ---------------------------------------------------------------- one journey

struct JourneyAnalysis {
  Graph g;
  EventFlow events;

  // Builds the graph of `j` and runs the dataflow; reports label problems when `diags` is given.
  void run(const ast::Decl& j, Diagnostics* diags) {
    g.clear();
    Builder(g, diags).build(j.body);
    resolve_gotos(g, diags);
    event_flow(g, events);
  }
};

// Strongly connected components of the graph without the nodes in `skip` (iterative Tarjan).
std::vector<int> components(const Graph& g, const std::vector<bool>& skip) {
  const int n = static_cast<int>(g.nodes.size());
  std::vector<int> index(n, -1), low(n, 0), comp(n, -1), stack;
  std::vector<bool> on_stack(n, false);
  std::vector<std::pair<int, uint32_t>> calls;  // node, its next edge
  int counter = 0, comps = 0;
  auto visit = [&](int v) {
    index[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack[v] = true;
    calls.push_back({v, g.nodes[v].edges_begin});
  };
  for (int s = 0; s < n; ++s) {
    if (skip[s] || index[s] >= 0) continue;
    visit(s);
    while (!calls.empty()) {
      const int u = calls.back().first;
      const uint32_t i = calls.back().second++;
      if (i < g.nodes[u].edges_end) {
        const int v = g.edges[i].to;
        if (v < 0 || skip[v]) continue;
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

// A `goto` that may close a cycle without progress: it jumps back (every cycle has a backward
// `goto`: all other edges go forward in the source) to a step that does not advance time.
bool suspect_goto(const Graph& g, const std::vector<bool>& progress, const Node& n) {
  if (n.stmt->kind != StmtKind::kGoto || n.target < 0 || progress[n.target]) return false;
  return g.nodes[n.target].stmt->span.begin <= n.stmt->span.begin;
}

void check_progress(const Graph& g, const ConstFolder& fold, std::vector<bool>& progress, Diagnostics& diags) {
  progress.assign(g.nodes.size(), false);
  bool suspects = false;
  for (size_t v = 0; v < g.nodes.size(); ++v) progress[v] = advances_time(fold, *g.nodes[v].stmt);
  for (const Node& n : g.nodes) suspects = suspects || suspect_goto(g, progress, n);
  if (!suspects) return;  // no cycle can lack progress: no need for the components
  const std::vector<int> comp = components(g, progress);
  const std::vector<int> idle = idle_waits(g, comp);
  for (size_t v = 0; v < g.nodes.size(); ++v) {
    const Node& n = g.nodes[v];
    if (!suspect_goto(g, progress, n) || comp[n.target] != comp[v]) continue;
    const Node& t = g.nodes[n.target];
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
    step_event_roots(*n.stmt, [&](const ast::Expr& e) {
      std::string msg = "`event` is not available here: a path from the start of the journey passes ";
      msg += wait >= 0 ? "the `wait` at " + at(a.g.nodes[wait].stmt->span) : "a `wait`";
      Diagnostic& d = diags.report(DiagCode::E0400, e.span, std::move(msg));
      if (wait >= 0) d.notes.push_back({a.g.nodes[wait].stmt->span, "the journey waits here"});
      d.help = n.branch >= 0 ? "the event that resumed the `on` branch is available only until the branch's first "
                               "wait: keep what you need in a `let` before it, or use `trigger.` to read the event "
                               "that started this journey"
                             : "use `trigger.` to read the event that started this journey";
    });
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

// Reports the first unreachable step after a reachable one in each block, looking into the
// blocks of reachable steps only. The steps [begin, end) with parent `parent` are the steps of
// that parent's blocks, block after block (each block has its own scope).
void check_unreachable(const JourneyAnalysis& a, int begin, int end, Diagnostics& diags) {
  const Graph& g = a.g;
  const Stmt* prev = nullptr;
  bool prev_reached = true;
  int scope = -1;
  for (int v = begin; v < end; v = g.nodes[v].end) {
    const Node& n = g.nodes[v];
    if (n.scope != scope) {  // a new block
      scope = n.scope;
      prev = nullptr;
      prev_reached = true;
    }
    const bool reached = a.events.mask[v] != 0;
    if (!reached && prev_reached) {
      Diagnostic& d = diags.report(DiagCode::W0001, n.stmt->span, "this step is never reached");
      std::string note = prev ? why_unreachable_note(*prev) : "";
      if (!note.empty()) d.notes.push_back({prev->span, std::move(note)});
    }
    if (reached) check_unreachable(a, v + 1, n.end, diags);
    prev = n.stmt;
    prev_reached = reached;
  }
}

}  // namespace

// ---------------------------------------------------------------- public API

struct FlowChecker::State {
  Diagnostics& diags;
  ConstFolder fold;
  JourneyAnalysis a;
  std::vector<bool> progress;
};

FlowChecker::FlowChecker(Diagnostics& diags, ConstFolder fold)
    : state_(std::make_unique<State>(State{diags, std::move(fold), {}, {}})) {}
FlowChecker::~FlowChecker() = default;

void FlowChecker::check(const ast::Decl& journey) {
  State& st = *state_;
  st.a.run(journey, &st.diags);
  check_progress(st.a.g, st.fold, st.progress, st.diags);
  check_event(st.a, st.diags);
  check_unreachable(st.a, 0, static_cast<int>(st.a.g.nodes.size()), st.diags);
}

bool analyze_flow(const ast::Module& m, Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  ModuleConsts consts(m);
  FlowChecker checker(diags, [&consts](const ast::Expr& e) { return consts.fold(&e); });
  std::vector<uint32_t> journeys;
  for_each_decl(m, [&](size_t k, const ast::Decl& d) {
    if (d.kind == ast::DeclKind::kJourney) journeys.push_back(static_cast<uint32_t>(k));
  });
  Warmer warmer;
  constexpr size_t kWarmJourneys = 4;  // brought into the cache together (a few kilobytes each)
  for (size_t i = 0; i < journeys.size(); ++i) {
    if (i % kWarmJourneys == 0) {
      warmer.add_decls(m, journeys, i, i + kWarmJourneys);
      warmer.run();
    }
    checker.check(*m.decls[journeys[i]]);
  }
  return diags.error_count() == errors_before;
}

JourneyFlow journey_flow(const ast::Module& m, const ast::Decl& journey) {
  (void)m;  // reserved: flow facts may come to depend on consts
  JourneyAnalysis a;
  a.run(journey, nullptr);
  JourneyFlow flow;
  flow.steps.reserve(a.g.nodes.size());
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
  ModuleConsts consts(m);
  std::optional<vm::Value> v = consts.fold(e);
  if (!v || v->kind != vm::Kind::kDuration) return std::nullopt;
  return v->i;
}

bool advances_time(const ast::Module& m, const ast::Stmt& s) {
  ModuleConsts consts(m);
  return advances_time([&consts](const ast::Expr& e) { return consts.fold(&e); }, s);
}

}  // namespace laud::compiler
