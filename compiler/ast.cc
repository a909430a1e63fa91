// ast.cc — printable names of AST enums, used by diagnostics and the disassembler.
#include "compiler/ast.h"

#include "vm/module.h"

#include <cstdlib>
#include <new>

namespace laud::compiler::ast {

namespace {

// Free lists of fixed-size slots carved from 64 KiB blocks, one list per size (rounded to 16
// bytes). Freed slots are reused, never returned to the system; blocks stay reachable, so leak
// checkers stay quiet. Per thread, so concurrent compilations need no locks.
class SlotPool {
 public:
  void* take(size_t size) {
    size_t cls = (size + 15) / 16;
    if (cls >= kClasses) return ::operator new(size);
    if (Slot* s = free_[cls]) {
      free_[cls] = s->next;
      return s;
    }
    size_t bytes = cls * 16;
    if (left_ < bytes) {
      blocks_.push_back(std::make_unique<std::byte[]>(kBlock));
      cursor_ = blocks_.back().get();
      left_ = kBlock;
    }
    void* p = cursor_;
    cursor_ += bytes;
    left_ -= bytes;
    return p;
  }
  void give(void* p, size_t size) noexcept {
    size_t cls = (size + 15) / 16;
    if (cls >= kClasses) {
      ::operator delete(p);
      return;
    }
    Slot* s = static_cast<Slot*>(p);
    s->next = free_[cls];
    free_[cls] = s;
  }

 private:
  struct Slot {
    Slot* next;
  };
  static constexpr size_t kClasses = 64;  // slots up to 1008 bytes
  static constexpr size_t kBlock = 64 * 1024;
  Slot* free_[kClasses] = {};
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* cursor_ = nullptr;
  size_t left_ = 0;
};

SlotPool& pool() {
  thread_local SlotPool p;
  return p;
}

}  // namespace

void* PooledNode::operator new(size_t size) { return pool().take(size); }
void PooledNode::operator delete(void* p, size_t size) noexcept { pool().give(p, size); }

std::string_view op_text(Op op) {
  switch (op) {
    case Op::kOr: return "or";
    case Op::kAnd: return "and";
    case Op::kNot: return "not";
    case Op::kEq: return "==";
    case Op::kNe: return "!=";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kIn: return "in";
    case Op::kContains: return "contains";
    case Op::kStartsWith: return "starts_with";
    case Op::kEndsWith: return "ends_with";
    case Op::kMatches: return "matches";
    case Op::kCoalesce: return "??";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
    case Op::kNeg: return "-";
  }
  return "?";
}

static_assert(static_cast<int>(AggFunc::kAvg) == static_cast<int>(vm::AggFunc::kAvg) &&
              static_cast<int>(AggFunc::kLast) == static_cast<int>(vm::AggFunc::kLast));

std::string_view agg_func_name(AggFunc f) {
  return vm::agg_func_name(static_cast<vm::AggFunc>(f));  // the same order: count sum min max avg last
}

std::string_view root_name(Root r) {
  switch (r) {
    case Root::kCustomer: return "customer";
    case Root::kEvent: return "event";
    case Root::kTrigger: return "trigger";
    case Root::kNow: return "now";
  }
  return "?";
}

}  // namespace laud::compiler::ast
