// graph.cc — builds the flow chart of a journey body (nodes and labelled edges) from the tree and
// the flow facts (flow.h resolves each `goto`), then prints it as DOT or Mermaid.
#include "compiler/graph.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/flow.h"
#include "compiler/source_scan.h"

namespace laud::compiler {

namespace {

using ast::Stmt;
using ast::StmtKind;

enum class Shape { kStep, kDecision, kTerminal };

// Node ids of the three terminals (`end` alone is a keyword in Mermaid).
const std::string kStart = "j_start", kEnd = "j_end", kExit = "j_exit";

struct Node {
  std::string id, label;
  Shape shape = Shape::kStep;
};

struct Edge {
  std::string from, to, label;
};

class Builder {
 public:
  Builder(const ast::Module& m, const ast::Decl& j, const SourceManager& sources)
      : j_(j), sources_(sources), flow_(journey_flow(m, j)) {}

  void build() {
    std::string triggers;
    for (const ast::Setting& s : j_.settings) {
      if (s.kind != ast::SettingKind::kOnEvent && s.kind != ast::SettingKind::kOnEnter &&
          s.kind != ast::SettingKind::kOnScheduleAt && s.kind != ast::SettingKind::kOnScheduleEvery)
        continue;
      triggers += (triggers.empty() ? "" : "\n") + text(s.span);
    }
    nodes_.push_back({kStart, triggers.empty() ? std::string(j_.name.text) : triggers, Shape::kTerminal});
    number(j_.body);
    edge(kStart, branch(j_.body, kEnd), "");
    // `end` only where the body can complete (a body that always loops or exits has none).
    if (std::any_of(edges_.begin(), edges_.end(), [](const Edge& e) { return e.to == kEnd; }))
      nodes_.push_back({kEnd, "end", Shape::kTerminal});
    if (exit_used_) nodes_.push_back({kExit, "exit", Shape::kTerminal});
    sort();
  }

  // Nodes in source order (start first, end and exit last), edges in the order of their source.
  void sort() {
    auto rank = [](const std::string& id) {
      if (id == kStart) return 0.0;
      if (id == kEnd) return 1e12;
      if (id == kExit) return 2e12;
      size_t us = id.find('_');
      double r = std::stod(id.substr(1, us == std::string::npos ? std::string::npos : us - 1));
      return us == std::string::npos ? r : r + std::stod(id.substr(us + 1)) / 1000.0;
    };
    std::stable_sort(nodes_.begin(), nodes_.end(), [&](const Node& a, const Node& b) { return rank(a.id) < rank(b.id); });
    std::stable_sort(edges_.begin(), edges_.end(), [&](const Edge& a, const Edge& b) { return rank(a.from) < rank(b.from); });
  }

  std::string dot() const {
    std::string out = "digraph " + quote_dot(std::string(j_.name.text)) + " {\n";
    out += "  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n";
    for (const Node& n : nodes_) {
      const char* shape = n.shape == Shape::kDecision ? "diamond" : n.shape == Shape::kTerminal ? "oval" : "box";
      out += "  " + n.id + " [shape=" + shape + ", label=" + quote_dot(n.label) + "];\n";
    }
    for (const Edge& e : edges_) {
      out += "  " + e.from + " -> " + e.to;
      if (!e.label.empty()) out += " [label=" + quote_dot(e.label) + "]";
      out += ";\n";
    }
    return out + "}\n";
  }

  std::string mermaid() const {
    std::string out = "flowchart TD\n";
    for (const Node& n : nodes_) {
      std::string l = "\"" + escape_mermaid(n.label) + "\"";
      out += "  " + n.id + (n.shape == Shape::kDecision ? "{" + l + "}" : n.shape == Shape::kTerminal ? "([" + l + "])" : "[" + l + "]") + "\n";
    }
    for (const Edge& e : edges_) {
      out += "  " + e.from + " -->";
      if (!e.label.empty()) out += "|\"" + escape_mermaid(e.label) + "\"|";
      out += " " + e.to + "\n";
    }
    return out;
  }

 private:
  // The source text of a span on one line: comments dropped, whitespace runs outside string
  // literals made one space.
  std::string text(const Span& s) const {
    std::string_view t = sources_.file(s.file).text().substr(s.begin, s.end - s.begin);
    std::string out;
    bool space = false;
    for (size_t i = 0; i < t.size();) {
      size_t e = scan::string_at(t, i) ? scan::string_end(t, i) : i;
      if (e == i && (e = scan::comment_end(t, i)) != i) {
        space = !out.empty();
        i = e;
        continue;
      }
      if (e == i && scan::is_space(t[i])) {
        space = !out.empty();
        ++i;
        continue;
      }
      if (space) out += ' ';
      space = false;
      if (e == i) e = i + 1;
      out.append(t.substr(i, e - i));
      i = e;
    }
    return out;
  }
  std::string text(const ast::Expr& e) const { return text(e.span); }

  static std::string quote_dot(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    return out + "\"";
  }

  static std::string escape_mermaid(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '#') out += "#35;";
      else if (c == '"') out += "#quot;";
      else if (c == '\n') out += "<br/>";
      else if (c == '<') out += "#lt;";
      else if (c == '>') out += "#gt;";
      else out += c;
    }
    return out;
  }

  // Ids for every step that is a node (all but `goto` and `exit`), in source order.
  void number(const ast::Block& b) {
    for (const auto& s : b) {
      if (s->kind != StmtKind::kGoto && s->kind != StmtKind::kExit) ids_[s.get()] = "n" + std::to_string(ids_.size() + 1);
      for (const ast::OnBranch& br : s->branches) number(br.body);
      if (s->timeout) number(*s->timeout);
      for (const ast::IfArm& a : s->arms) number(a.body);
      for (const ast::Variant& v : s->variants) number(v.body);
    }
  }

  void edge(const std::string& from, const std::string& to, const std::string& label) {
    edges_.push_back({from, to, label});
  }

  // The node where the steps of `b` from index `k` start; `next` when there are none. A `goto`
  // is its target's node, `exit` the exit node.
  std::string entry(const ast::Block& b, size_t k, const std::string& next) {
    if (k >= b.size()) return next;
    const Stmt* s = b[k].get();
    for (int hops = 0; s && hops < 64; ++hops) {
      if (s->kind == StmtKind::kExit) {
        exit_used_ = true;
        return kExit;
      }
      if (s->kind != StmtKind::kGoto) return ids_.at(s);
      const StepFlow* f = flow_.find(s);
      s = f ? f->target : nullptr;  // a labelled `goto` or `exit` is followed
    }
    return next;  // unresolved (the module would not have checked)
  }

  // Every step of `b`, reachable or not, with the node that follows it.
  void walk(const ast::Block& b, const std::string& next) {
    for (size_t k = 0; k < b.size(); ++k) {
      const Stmt& s = *b[k];
      if (s.kind == StmtKind::kGoto || s.kind == StmtKind::kExit) continue;
      step(s, ids_.at(&s), entry(b, k + 1, next));
    }
  }

  std::string branch(const ast::Block& b, const std::string& next) {
    walk(b, next);
    return entry(b, 0, next);
  }

  std::string head(const Stmt& s) const { return s.label ? std::string(s.label->text) + ": " : ""; }

  void step(const Stmt& s, const std::string& id, const std::string& next) {
    switch (s.kind) {
      case StmtKind::kSend: {
        std::string l = head(s) + "send " + std::string(s.channel.text) + " " + text(s.template_span);
        if (s.to) l += " to " + text(*s.to);
        nodes_.push_back({id, l, Shape::kStep});
        edge(id, next, "");
        return;
      }
      case StmtKind::kWaitUpTo: {
        nodes_.push_back({id, head(s) + "wait up to " + text(*s.value), Shape::kStep});
        for (const ast::OnBranch& b : s.branches) {
          std::string l = "on " + text(b.event.span) + (b.where ? " where " + text(*b.where) : "");
          edge(id, branch(b.body, next), l);
        }
        edge(id, s.timeout ? branch(*s.timeout, next) : next, "timeout");
        return;
      }
      case StmtKind::kIf: {
        std::string from = id;
        for (size_t k = 0; k < s.arms.size(); ++k) {
          const ast::IfArm& a = s.arms[k];
          if (!a.cond) {
            edge(from, branch(a.body, next), "no");
            return;
          }
          std::string decision = k == 0 ? id : id + "_" + std::to_string(k);
          nodes_.push_back({decision, (k == 0 ? head(s) : std::string()) + "if " + text(*a.cond), Shape::kDecision});
          if (k > 0) edge(from, decision, "no");
          edge(decision, branch(a.body, next), "yes");
          from = decision;
        }
        edge(from, next, "no");
        return;
      }
      case StmtKind::kSplit: {
        nodes_.push_back({id, head(s) + "split " + std::string(s.name.text), Shape::kDecision});
        for (const ast::Variant& v : s.variants) {
          std::string l = (v.is_control ? "control " : std::string(v.name.text) + " ") + text(v.percent_span);
          edge(id, v.is_control ? next : branch(v.body, next), l);
        }
        return;
      }
      default: {
        // wait, wait until, let, set: the step's own text.
        nodes_.push_back({id, head(s) + text(s.span), Shape::kStep});
        edge(id, next, "");
        return;
      }
    }
  }

  const ast::Decl& j_;
  const SourceManager& sources_;
  JourneyFlow flow_;
  std::unordered_map<const Stmt*, std::string> ids_;
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  bool exit_used_ = false;
};

}  // namespace

std::string journey_graph(const ast::Module& module, const ast::Decl& journey, const SourceManager& sources,
                          GraphFormat format) {
  Builder b(module, journey, sources);
  b.build();
  return format == GraphFormat::kDot ? b.dot() : b.mermaid();
}

}  // namespace laud::compiler
