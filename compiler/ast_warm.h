// ast_warm.h — brings one declaration's syntax tree into the cache before it is analyzed.
//
// On a large module, semantic and flow analysis are bound by memory latency: the tree (tens of
// megabytes) does not fit in the caches, its nodes are scattered, and a depth-first walk touches
// one node after another, each miss waiting for the previous one. A Warmer visits a declaration
// breadth-first with a FIFO queue and asks for each node's cache lines as it enqueues it: by the
// time a node is dequeued and its children are read, its lines have arrived, and the misses of a
// whole level are in flight together. The checks that follow then walk a tree that is in cache
// (a declaration is a few kilobytes). Reading only: nothing here changes or reports anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "compiler/ast.h"

namespace laud::compiler {

// Asks for the cache lines of [p, p + size).
inline void prefetch_bytes(const void* p, size_t size) {
  const char* c = static_cast<const char*>(p);
  for (size_t off = 0; off < size; off += 64) __builtin_prefetch(c + off);
  __builtin_prefetch(c + size - 1);
}

// Calls f(index, decl) for each declaration of `m` in order (null ones skipped), asking ahead
// for the cache lines of the declarations and then of their names (in the source text).
template <typename F>
void for_each_decl(const ast::Module& m, const F& f) {
  constexpr size_t kDeclAhead = 16, kNameAhead = 8;
  const size_t n = m.decls.size();
  for (size_t k = 0; k < n && k < kDeclAhead; ++k)
    if (m.decls[k]) prefetch_bytes(m.decls[k].get(), sizeof(ast::Decl));
  for (size_t k = 0; k < n; ++k) {
    if (k + kDeclAhead < n && m.decls[k + kDeclAhead]) prefetch_bytes(m.decls[k + kDeclAhead].get(), sizeof(ast::Decl));
    if (k + kNameAhead < n && m.decls[k + kNameAhead]) __builtin_prefetch(m.decls[k + kNameAhead]->name.text.data());
    if (m.decls[k]) f(k, *m.decls[k]);
  }
}

class Warmer {
 public:
  Warmer() { queue_.reserve(1024); }

  // Adds what the analysis of `d` reads: its value, settings, caps and body.
  void add_decl(const ast::Decl& d) {
    add_expr(d.value.get());
    if (!d.settings.empty()) push(&d.settings, kSettings, d.settings.size() * sizeof(ast::Setting), d.settings.data());
    if (!d.caps.empty()) push(&d.caps, kCaps, d.caps.size() * sizeof(ast::Cap), d.caps.data());
    if (d.quiet) add_expr(d.quiet->time_zone.get());
    add_block(d.body);
  }
  void add_expr(const ast::Expr* e) {
    if (e) push(e, kExpr, sizeof(ast::Expr), e);
  }
  void add_block(const ast::Block& b) {
    if (!b.empty()) push(&b, kBlock, b.size() * sizeof(ast::StmtPtr), b.data());
  }

  // Adds the declarations decls[order[k]] for k in [begin, end), asking for their own lines first.
  void add_decls(const ast::Module& m, const std::vector<uint32_t>& order, size_t begin, size_t end) {
    end = end < order.size() ? end : order.size();
    for (size_t k = begin; k < end; ++k) prefetch_bytes(m.decls[order[k]].get(), sizeof(ast::Decl));
    for (size_t k = begin; k < end; ++k) add_decl(*m.decls[order[k]]);
  }

  // Visits everything added (and everything under it), then forgets it.
  void run() {
    for (size_t head = 0; head < queue_.size(); ++head) expand(queue_[head]);
    queue_.clear();
  }

 private:
  enum Kind : uint8_t { kExpr, kExprs, kAggregate, kStmt, kBlock, kWith, kArms, kVariants, kBranches, kSettings, kCaps };
  struct Item {
    const void* p;
    Kind kind;
  };

  // `what` is the node (or the vector); `lines` .. + `size` is the memory it is read from.
  void push(const void* what, Kind kind, size_t size, const void* lines) {
    prefetch_bytes(lines, size);
    queue_.push_back(Item{what, kind});
  }
  template <typename T>
  void push_vector(const std::vector<T>& v, Kind kind) {
    if (!v.empty()) push(&v, kind, v.size() * sizeof(T), v.data());
  }

  void expand(const Item& it) {
    switch (it.kind) {
      case kExpr: {
        const auto& e = *static_cast<const ast::Expr*>(it.p);
        add_expr(e.lhs.get());
        add_expr(e.rhs.get());
        push_vector(e.items, kExprs);
        if (e.aggregate) push(e.aggregate.get(), kAggregate, sizeof(ast::Aggregate), e.aggregate.get());
        return;
      }
      case kExprs:
        for (const ast::ExprPtr& x : *static_cast<const std::vector<ast::ExprPtr>*>(it.p)) add_expr(x.get());
        return;
      case kAggregate: {
        const auto& a = *static_cast<const ast::Aggregate*>(it.p);
        add_expr(a.where.get());
        add_expr(a.within.get());
        return;
      }
      case kBlock:
        for (const ast::StmtPtr& s : *static_cast<const ast::Block*>(it.p))
          if (s) push(s.get(), kStmt, sizeof(ast::Stmt), s.get());
        return;
      case kStmt: {
        const auto& s = *static_cast<const ast::Stmt*>(it.p);
        add_expr(s.to.get());
        add_expr(s.value.get());
        add_expr(s.target.get());
        push_vector(s.with, kWith);
        push_vector(s.arms, kArms);
        push_vector(s.variants, kVariants);
        push_vector(s.branches, kBranches);
        if (s.timeout) add_block(*s.timeout);
        return;
      }
      case kWith:
        for (const ast::WithEntry& w : *static_cast<const std::vector<ast::WithEntry>*>(it.p)) add_expr(w.value.get());
        return;
      case kArms:
        for (const ast::IfArm& arm : *static_cast<const std::vector<ast::IfArm>*>(it.p)) {
          add_expr(arm.cond.get());
          add_block(arm.body);
        }
        return;
      case kVariants:
        for (const ast::Variant& v : *static_cast<const std::vector<ast::Variant>*>(it.p)) add_block(v.body);
        return;
      case kBranches:
        for (const ast::OnBranch& br : *static_cast<const std::vector<ast::OnBranch>*>(it.p)) {
          add_expr(br.where.get());
          add_block(br.body);
        }
        return;
      case kSettings:
        for (const ast::Setting& st : *static_cast<const std::vector<ast::Setting>*>(it.p)) {
          add_expr(st.where.get());
          add_expr(st.expr.get());
          add_expr(st.starting.get());
          add_expr(st.count.get());
          add_expr(st.quiet.time_zone.get());
        }
        return;
      case kCaps:
        for (const ast::Cap& c : *static_cast<const std::vector<ast::Cap>*>(it.p)) {
          add_expr(c.count.get());
          add_expr(c.window.get());
        }
        return;
    }
  }

  std::vector<Item> queue_;
};

}  // namespace laud::compiler
