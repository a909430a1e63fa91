// interp.cc — the interpreter loop. One flat switch over opcodes; registers live in a stack of
// fixed capacity (so nested calls, e.g. a segment evaluated while a journey runs, never move
// them); journey bodies stop at waits and leave their state in an InstanceState.
#include "vm/interp.h"

#include <re2/re2.h>

#include <cstddef>
#include <cstring>

#include "vm/builtins.h"
#include "vm/local_time.h"
#include "vm/value_ops.h"

namespace laud::vm {
namespace {

constexpr size_t kStackValues = 1 << 16;
constexpr uint32_t kMaxCallDepth = 256;

uint64_t fnv1a64(std::string_view s, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Instructions after which control never falls through to pc + 1. A function ending in one of
// them cannot run off its end (the verifier demands it; the interpreter checks it again on entry).
constexpr uint64_t kClosedEnds = (uint64_t{1} << static_cast<uint8_t>(Op::RET)) |
                                 (uint64_t{1} << static_cast<uint8_t>(Op::EXIT)) |
                                 (uint64_t{1} << static_cast<uint8_t>(Op::END)) |
                                 (uint64_t{1} << static_cast<uint8_t>(Op::JMP)) |
                                 (uint64_t{1} << static_cast<uint8_t>(Op::SPLIT)) |
                                 (uint64_t{1} << static_cast<uint8_t>(Op::WAITUPTO));
static_assert(static_cast<uint8_t>(Op::WAITUPTO) < 64 && static_cast<uint8_t>(Op::END) < 64,
              "kClosedEnds is a 64-bit mask");
inline bool closed_end(Op op) { return static_cast<uint8_t>(op) < 64 && ((kClosedEnds >> static_cast<uint8_t>(op)) & 1); }

// Register writes and copies on the hot path go word by word. A Value is written field by field
// (kind byte, size, payload) unless told otherwise, and a 16-byte load of it right after those
// stores cannot be forwarded from them: it waits until they reach the cache (a store-forwarding
// stall of a dozen cycles, measured as a third of a short segment's time, at its RET). So a
// boolean result is stored as two whole 8-byte words, and RET copies its register through
// loads that each lie inside one earlier store (kind, size, payload) into two 8-byte stores.
inline void store_words(Value& dst, uint64_t w0, uint64_t w1) {
  std::memcpy(reinterpret_cast<char*>(&dst), &w0, 8);
  std::memcpy(reinterpret_cast<char*>(&dst) + 8, &w1, 8);
}
inline void set_bool(Value& dst, bool b) { store_words(dst, static_cast<uint64_t>(Kind::kBool), b ? 1 : 0); }
inline void copy_words(Value& dst, const Value& src) {
  uint64_t w0 = static_cast<uint64_t>(src.kind) | (uint64_t{src.size} << 32);
  uint64_t w1;
  std::memcpy(&w1, reinterpret_cast<const char*>(&src) + 8, 8);
  store_words(dst, w0, w1);
}
// value_ops.h's same_bytes, forced inline: GCC keeps that one out of line here (it is used by
// many handlers), which costs a call per string comparison.
__attribute__((always_inline)) inline bool bytes_equal(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    return ld64(a) == ld64(b) && ld64(a + n - 8) == ld64(b + n - 8);
  }
  if (n >= 4) return ld32(a) == ld32(b) && ld32(a + n - 4) == ld32(b + n - 4);
  if (n == 0) return true;
  return a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1];
}

// Fast paths of the string tests for the kinds segments meet most (strings, constant lists of
// strings), inline and without libc calls; every other case goes to value_ops (same answers).
inline bool equal_fast(const Value& a, const Value& b) {  // value_ops.h's equal, with bytes_equal
  if (a.kind == b.kind) {
    if (a.kind == Kind::kInt || a.kind == Kind::kTime || a.kind == Kind::kDuration) return a.i == b.i;
    if (a.kind == Kind::kString) return a.size == b.size && bytes_equal(a.s, b.s, a.size);
    if (a.kind == Kind::kBool) return a.b == b.b;
  }
  return equal_slow(a, b);
}
inline bool in_fast(const Value& x, const Value& list) {
  if (x.kind != Kind::kString || list.kind != Kind::kList) return in_list(x, list);
  for (uint32_t k = 0; k < list.size; ++k) {
    const Value& e = list.list[k];
    if (e.kind == Kind::kString) {
      if (e.size == x.size && bytes_equal(e.s, x.s, x.size)) return true;
    } else if (e.kind == Kind::kTime) {
      return in_list(x, list);  // a string meets a time element as RFC 3339: in_list parses it
    }
  }
  return false;
}
inline bool contains_fast(const Value& a, const Value& b) {
  return a.kind == Kind::kList ? in_fast(b, a) : contains(a, b);
}
inline bool starts_fast(const Value& a, const Value& b) {
  return a.kind == Kind::kString && b.kind == Kind::kString && a.size >= b.size && bytes_equal(a.s, b.s, b.size);
}
inline bool ends_fast(const Value& a, const Value& b) {
  return a.kind == Kind::kString && b.kind == Kind::kString && a.size >= b.size &&
         bytes_equal(a.s + (a.size - b.size), b.s, b.size);
}

static_assert(offsetof(Value, kind) == 0 && offsetof(Value, size) == 4 && sizeof(Value) == 16,
              "store_words writes a Value as kind | size << 32, then the payload");

}  // namespace

// Everything one activation of one function needs; journeys add their instance.
struct Interpreter::Frame {
  const Function* fn = nullptr;
  Value* regs = nullptr;
  uint32_t pc = 0;
  Value result;
  // journeys only
  InstanceState* state = nullptr;
  uint32_t steps = 0;
  const Value* event_override = nullptr;  // resumed after a deferred send: the event of that time
};

Interpreter::Interpreter(const Module& module) : module_(module) { stack_.resize(kStackValues); }

// Registers are not cleared: the verifier proves every register is written before it is read
// (journey locals are set from the instance state on entry).
Value* Interpreter::push_registers(uint32_t n) {
  if (stack_top_ + n > stack_.size()) return nullptr;
  Value* regs = stack_.data() + stack_top_;
  stack_top_ += n;
  return regs;
}

// The cold half of call(): the message of a refused or failed call (kept out of call's frame).
// `what` null: the call of `fn_index` was refused; else `last_error`, or `what` when that is empty.
__attribute__((noinline, cold)) static Value call_error(std::string* error, const char* what, uint32_t fn_index,
                                                        const std::string& last_error) {
  if (error) {
    if (!what) *error = "call of function " + std::to_string(fn_index) + " refused";
    else *error = last_error.empty() ? what : last_error;
  }
  return Value();
}

Value Interpreter::call(uint32_t fn_index, Host& host, std::string* error) {
  if (__builtin_expect(fn_index >= module_.functions.size() || depth_ >= kMaxCallDepth, 0))
    return call_error(error, nullptr, fn_index, last_error_);
  Frame f;
  f.fn = &module_.functions[fn_index];
  size_t saved_top = stack_top_;
  f.regs = push_registers(f.fn->num_registers);
  if (__builtin_expect(!f.regs, 0)) return call_error(error, "register stack exhausted", fn_index, {});
  if (depth_ == 0) arena_.reset();
  ++depth_;
  Exec e = execute(f, host);
  --depth_;
  stack_top_ = saved_top;
  if (__builtin_expect(e != Exec::kReturn, 0))
    return call_error(error, "function did not return", fn_index, last_error_);
  return f.result;
}

bool Interpreter::branch_matches(const InstanceState& state, uint32_t branch, Host& host) {
  if (state.wait.kind != WaitKind::kUpTo || state.wait.desc >= module_.waits.size()) return false;
  const WaitDesc& w = module_.waits[state.wait.desc];
  if (branch >= w.branches.size()) return false;
  uint32_t fn = w.branches[branch].where_fn;
  if (fn == kNone) return true;
  // The branch filter sees the instance's locals in its low registers.
  if (depth_ == 0) arena_.reset();
  Frame f;
  f.fn = &module_.functions[fn];
  size_t saved_top = stack_top_;
  f.regs = push_registers(std::max<uint32_t>(f.fn->num_registers, static_cast<uint32_t>(state.locals.size())));
  if (!f.regs) return false;
  std::copy(state.locals.begin(), state.locals.end(), f.regs);
  ++depth_;
  Exec e = execute(f, host);
  --depth_;
  stack_top_ = saved_top;
  return e == Exec::kReturn && f.result.truthy();
}

RunResult Interpreter::run(InstanceState& state, const Resume& resume, Host& host) {
  RunResult result;
  if (state.journey >= module_.journeys.size()) {
    last_error_ = "unknown journey";
    result.stop = Stop::kError;
    return result;
  }
  const JourneyDesc& j = module_.journeys[state.journey];
  const Function& body = module_.functions[j.body_fn];
  if (depth_ == 0) arena_.reset();
  Frame f;
  f.fn = &body;
  f.state = &state;
  size_t saved_top = stack_top_;
  f.regs = push_registers(body.num_registers);
  if (!f.regs) {
    last_error_ = "register stack exhausted";
    result.stop = Stop::kError;
    return result;
  }
  if (!start_or_resume(f, resume, host)) {
    stack_top_ = saved_top;
    result.stop = Stop::kError;
    return result;
  }
  ++depth_;
  Exec e = execute(f, host);
  --depth_;
  result.steps = f.steps;
  switch (e) {
    case Exec::kSuspend:
      state.pc = f.pc;
      state.locals.assign(f.regs, f.regs + body.num_locals);
      state.freeze(host);
      result.stop = Stop::kWait;
      break;
    case Exec::kExit: result.stop = Stop::kExit; break;
    case Exec::kEnd: result.stop = Stop::kEnd; break;
    case Exec::kRunaway: result.stop = Stop::kRunaway; break;
    default:
      result.stop = Stop::kError;
      break;
  }
  if (result.stop != Stop::kWait) state.wait = WaitState{};
  if (state.wait.kind != WaitKind::kDeferredSend) state.deferred_event = Value();
  stack_top_ = saved_top;
  return result;
}

// Positions the frame for a start or a resume; a deferred send is made first.
bool Interpreter::start_or_resume(Frame& f, const Resume& resume, Host& host) {
  InstanceState& st = *f.state;
  const JourneyDesc& j = module_.journeys[st.journey];
  if (resume.kind == Resume::kStart) {
    st.pc = 0;
    st.wait = WaitState{};
    st.locals.assign(f.fn->num_locals, Value());
    std::fill(f.regs, f.regs + f.fn->num_locals, Value());  // locals start null
    st.send_counts.assign(j.num_sends, 0);
    st.module_hash = module_.content_hash;
    f.pc = 0;
    return true;
  }
  if (st.module_hash != module_.content_hash || st.locals.size() != f.fn->num_locals ||
      st.pc >= f.fn->code.size()) {
    last_error_ = "instance state does not belong to this module version";
    return false;
  }
  std::copy(st.locals.begin(), st.locals.end(), f.regs);
  WaitState w = st.wait;
  st.wait = WaitState{};
  f.pc = st.pc;
  switch (w.kind) {
    case WaitKind::kUntil:
      return true;
    case WaitKind::kUpTo: {
      if (w.desc >= module_.waits.size()) break;
      const WaitDesc& d = module_.waits[w.desc];
      if (resume.kind == Resume::kTimer) {
        f.pc = d.timeout_target;
        return true;
      }
      if (resume.branch >= d.branches.size()) break;
      f.pc = d.branches[resume.branch].target;
      return true;
    }
    case WaitKind::kDeferredSend: {
      if (w.desc >= module_.sends.size() || st.pending_with.empty()) break;
      const SendDesc& s = module_.sends[w.desc];
      SendRequest req;
      req.desc = &s;
      req.journey = st.journey;
      req.to = st.pending_with[0];
      req.with = std::span<const Value>(st.pending_with.data() + 1, st.pending_with.size() - 1);
      req.occurrence = st.pending_occurrence;
      req.resumed = true;
      host.send(req);
      st.pending_with.clear();
      f.event_override = &st.deferred_event;
      return true;
    }
    case WaitKind::kNone:
      break;
  }
  last_error_ = "resume of an instance that is not waiting";
  return false;
}

Value Interpreter::customer_id(Host& host) {
  return host.field(host.customer(), "$id", kDynamicKey, arena_);
}

__attribute__((hot, optimize("no-crossjumping", "no-gcse"))) Interpreter::Exec Interpreter::execute(Frame& f, Host& host) {
  const Instr* code = f.fn->code.data();
  const uint32_t size = static_cast<uint32_t>(f.fn->code.size());
  const Value* K = module_.constants.data();
  Value* R = f.regs;
  uint32_t pc = f.pc;
  auto rk_b = [&](const Instr& i) -> const Value& { return (i.k & kConstB) ? K[i.b()] : R[i.b()]; };
  auto rk_c = [&](const Instr& i) -> const Value& { return (i.k & kConstC) ? K[i.c()] : R[i.c()]; };
  // `pc` is passed by value: a lambda holding it by reference would keep it in memory.
  auto fail_at = [this, &f](const char* what, uint32_t at) __attribute__((noinline, cold)) {
    last_error_ = std::string(what) + " in " + f.fn->name + " at pc " + std::to_string(at);
    return Exec::kError;
  };
#define fail(what) fail_at(what, pc)

  // Direct threading: each handler jumps straight to the next one (labels generated from opcodes.def).
  static const void* const kHandlers[] = {
#define X(name, format, meaning) &&L_##name,
#include "vm/opcodes.def"
#undef X
  };
  // No bounds check per instruction: the function's last instruction does not fall through
  // (checked on entry, see runnable()), and every jump checks its target (JUMP), so pc stays in
  // range even for a module that slipped past the verifier.
  Instr i;
#define NEXT()                                   \
  do {                                           \
    i = code[pc++];                              \
    goto* kHandlers[static_cast<uint8_t>(i.op)]; \
  } while (0)
#define JUMP(target)                                         \
  do {                                                       \
    pc = (target);                                           \
    if (__builtin_expect(pc >= size, 0)) goto ran_off;       \
  } while (0)
  if (__builtin_expect(pc >= size || !closed_end(code[size - 1].op), 0)) goto ran_off;
  NEXT();
  {
    L_NOP: NEXT();
    L_LOADK: R[i.a] = K[i.bx]; NEXT();
    L_LOADNULL: R[i.a] = Value(); NEXT();
    L_LOADTRUE: set_bool(R[i.a], true); NEXT();
    L_LOADFALSE: set_bool(R[i.a], false); NEXT();
    L_MOVE: R[i.a] = R[i.b()]; NEXT();
    L_CUSTOMER: R[i.a] = host.customer(); NEXT();
    L_EVENT: R[i.a] = f.event_override ? *f.event_override : host.event(); NEXT();
    L_TRIGGER: R[i.a] = host.trigger(); NEXT();
    L_NOW: R[i.a] = Value::time(host.now()); NEXT();
    L_FIELD: R[i.a] = field(R[i.b()], K[i.c()].str(), i.c(), host); NEXT();
    L_INDEX: R[i.a] = index(R[i.b()], rk_c(i), host); NEXT();
    L_LIST: {
      Value* items = arena_.allocate_array<Value>(i.c());
      std::copy(R + i.b(), R + i.b() + i.c(), items);
      R[i.a] = Value::list_of(items, i.c());
      NEXT();
    }
    L_EQ: set_bool(R[i.a], equal_fast(rk_b(i), rk_c(i))); NEXT();
    L_NE: set_bool(R[i.a], !equal_fast(rk_b(i), rk_c(i))); NEXT();
    L_LT: set_bool(R[i.a], less(rk_b(i), rk_c(i))); NEXT();
    L_LE: set_bool(R[i.a], less_equal(rk_b(i), rk_c(i))); NEXT();
    L_GT: set_bool(R[i.a], greater(rk_b(i), rk_c(i))); NEXT();
    L_GE: set_bool(R[i.a], greater_equal(rk_b(i), rk_c(i))); NEXT();
    L_IN: set_bool(R[i.a], in_fast(rk_b(i), rk_c(i))); NEXT();
    L_CONTAINS: set_bool(R[i.a], contains_fast(rk_b(i), rk_c(i))); NEXT();
    L_STARTS: set_bool(R[i.a], starts_fast(rk_b(i), rk_c(i))); NEXT();
    L_ENDS: set_bool(R[i.a], ends_fast(rk_b(i), rk_c(i))); NEXT();
    L_MATCH: {
      const Value& s = R[i.b()];
      bool m = false;
      if (s.kind == Kind::kString && i.c() < module_.compiled_regexes.size())
        m = re2::RE2::PartialMatch(re2::StringPiece(s.s, s.size), *module_.compiled_regexes[i.c()]);
      set_bool(R[i.a], m);
      NEXT();
    }
    L_ADD: R[i.a] = add(rk_b(i), rk_c(i), arena_); NEXT();
    L_SUB: R[i.a] = subtract(rk_b(i), rk_c(i)); NEXT();
    L_MUL: R[i.a] = multiply(rk_b(i), rk_c(i)); NEXT();
    L_DIV: R[i.a] = divide(rk_b(i), rk_c(i)); NEXT();
    L_MOD: R[i.a] = modulo(rk_b(i), rk_c(i)); NEXT();
    L_NEG: R[i.a] = negate(R[i.b()]); NEXT();
    L_NOT: set_bool(R[i.a], !R[i.b()].truthy()); NEXT();
    L_TRUTH: set_bool(R[i.a], R[i.b()].truthy()); NEXT();
    L_CALL: {
      auto b = builtin_from_id(i.c());
      R[i.a] = b ? call_builtin(*b, R[i.b()], arena_) : Value();
      NEXT();
    }
    L_AGG: R[i.a] = host.aggregate(i.bx); NEXT();
    L_SEGMENT: set_bool(R[i.a], host.in_segment(i.bx)); NEXT();
    L_JMP: JUMP(pc + i.sbx()); NEXT();
    L_JMPIF: if (R[i.a].truthy()) JUMP(pc + i.sbx()); NEXT();
    L_JMPIFNOT: if (!R[i.a].truthy()) JUMP(pc + i.sbx()); NEXT();
    L_JMPNOTNULL: if (!R[i.a].is_null()) JUMP(pc + i.sbx()); NEXT();
    L_RET:
      copy_words(f.result, R[i.a]);
      f.pc = pc;
      return Exec::kReturn;

    // ---- journey steps
    L_STEP:
      if (!f.state) return fail("STEP outside a journey");
      if (++f.steps > kMaxStepsPerActivation) return Exec::kRunaway;
      if (arena_.bytes_in_use() > kMaxArenaBytes) return fail("activation used more than 64 MiB of scratch memory");
      NEXT();
    L_SEND: {
      if (!f.state || i.bx >= module_.sends.size()) return fail("bad SEND");
      const SendDesc& s = module_.sends[i.bx];
      InstanceState& st = *f.state;
      if (s.index_in_journey >= st.send_counts.size()) st.send_counts.resize(s.index_in_journey + 1, 0);
      SendRequest req;
      req.desc = &s;
      req.journey = st.journey;
      req.to = s.has_to ? R[i.a] : Value();
      req.with = std::span<const Value>(R + i.a + 1, s.with_keys.size());
      req.occurrence = st.send_counts[s.index_in_journey]++;
      SendResult r = host.send(req);
      if (r.outcome == SendOutcome::kDeferred) {
        st.wait = {WaitKind::kDeferredSend, r.resume_at, i.bx};
        st.pending_occurrence = req.occurrence;
        st.pending_with.clear();
        st.pending_with.push_back(req.to);
        st.pending_with.insert(st.pending_with.end(), req.with.begin(), req.with.end());
        st.deferred_event = f.event_override ? *f.event_override : host.event();
        f.pc = pc;
        return Exec::kSuspend;
      }
      NEXT();
    }
    L_WAIT: {
      const Value& d = R[i.a];
      if (d.kind == Kind::kDuration && d.i > 0) {
        int64_t until = 0;
        if (!__builtin_add_overflow(host.now(), d.i, &until)) return suspend(f, pc, {WaitKind::kUntil, until, kNone});
      }
      NEXT();
    }
    L_WAITUNTIL: {
      auto t = as_time(R[i.a]);
      if (t && *t > host.now()) return suspend(f, pc, {WaitKind::kUntil, *t, kNone});
      NEXT();
    }
    L_WAITLOCAL: {
      if (i.bx >= module_.waits.size()) return fail("bad WAITLOCAL");
      const WaitDesc& w = module_.waits[i.bx];
      const Value& tz = R[i.a];
      std::string_view zone = tz.kind == Kind::kString ? tz.str() : std::string_view();
      return suspend(f, pc, {WaitKind::kUntil, next_local_time(host.now(), w.minutes, w.days, zone), kNone});
    }
    L_WAITUPTO: {
      if (i.bx >= module_.waits.size()) return fail("bad WAITUPTO");
      const Value& d = R[i.a];
      int64_t until = 0;
      if (d.kind == Kind::kDuration && d.i > 0 && !__builtin_add_overflow(host.now(), d.i, &until))
        return suspend(f, pc, {WaitKind::kUpTo, until, i.bx});
      JUMP(module_.waits[i.bx].timeout_target);  // §7: null, zero or negative goes into `timeout`
      NEXT();
    }
    L_SPLIT: {
      if (!f.state || i.bx >= module_.splits.size()) return fail("bad SPLIT");
      const SplitDesc& sd = module_.splits[i.bx];
      uint32_t arm = split_arm(sd, module_.journeys[f.state->journey].name, host);
      host.split_taken(i.bx, arm);
      JUMP(sd.arms.empty() ? pc : sd.arms[arm].target);
      NEXT();
    }
    L_SETTRAIT: host.set_trait(K[i.bx].str(), R[i.a]); NEXT();
    L_EXIT: return Exec::kExit;
    L_END: return Exec::kEnd;

    // ---- fused tests: the operator, then the JMPIF/JMPIFNOT on R[a] that follows (the verifier
    // demands it; it is never the last instruction, so code[pc] exists), skipped or taken here.
#define TEST_JUMP(cond)                                    \
  do {                                                     \
    const bool t_ = (cond);                                \
    set_bool(R[i.a], t_);                                  \
    const Instr j_ = code[pc++];                           \
    if (t_ == (j_.op == Op::JMPIF)) JUMP(pc + j_.sbx());   \
    NEXT();                                                \
  } while (0)
    L_EQJ: TEST_JUMP(equal_fast(rk_b(i), rk_c(i)));
    L_NEJ: TEST_JUMP(!equal_fast(rk_b(i), rk_c(i)));
    L_LTJ: TEST_JUMP(less(rk_b(i), rk_c(i)));
    L_LEJ: TEST_JUMP(less_equal(rk_b(i), rk_c(i)));
    L_GTJ: TEST_JUMP(greater(rk_b(i), rk_c(i)));
    L_GEJ: TEST_JUMP(greater_equal(rk_b(i), rk_c(i)));
    L_INJ: TEST_JUMP(in_fast(rk_b(i), rk_c(i)));
    L_CONTAINSJ: TEST_JUMP(contains_fast(rk_b(i), rk_c(i)));
    L_STARTSJ: TEST_JUMP(starts_fast(rk_b(i), rk_c(i)));
    L_ENDSJ: TEST_JUMP(ends_fast(rk_b(i), rk_c(i)));
#undef TEST_JUMP

    // ---- fused field tests: FIELD, then the fused test at pc (the verifier demands <OP>J R[a],
    // R[a], K), then that test's jump at pc + 1. The field's value goes straight into the test
    // (the test overwrites R[a], so it is never stored). pc + 1 is checked: a module that slipped
    // past the verifier may end with the test.
#define FIELD_TEST(test)                                           \
  do {                                                             \
    if (__builtin_expect(pc + 1 >= size, 0)) goto ran_off;         \
    const Value v = field(R[i.b()], K[i.c()].str(), i.c(), host);  \
    const Instr t_ = code[pc];                                     \
    const Instr j_ = code[pc + 1];                                 \
    pc += 2;                                                       \
    const Value& k = K[t_.c()];                                    \
    const bool r_ = (test);                                        \
    set_bool(R[i.a], r_);                                          \
    if (r_ == (j_.op == Op::JMPIF)) JUMP(pc + j_.sbx());           \
    NEXT();                                                        \
  } while (0)
    L_FEQJ: FIELD_TEST(equal_fast(v, k));
    L_FNEJ: FIELD_TEST(!equal_fast(v, k));
    L_FLTJ: FIELD_TEST(less(v, k));
    L_FLEJ: FIELD_TEST(less_equal(v, k));
    L_FGTJ: FIELD_TEST(greater(v, k));
    L_FGEJ: FIELD_TEST(greater_equal(v, k));
    L_FINJ: FIELD_TEST(in_fast(v, k));
    L_FCONTAINSJ: FIELD_TEST(contains_fast(v, k));
    L_FSTARTSJ: FIELD_TEST(starts_fast(v, k));
    L_FENDSJ: FIELD_TEST(ends_fast(v, k));
#undef FIELD_TEST
      }
#undef NEXT
#undef JUMP
#undef fail
ran_off:
  return fail_at("ran off the end of the code", pc);
}

Interpreter::Exec Interpreter::suspend(Frame& f, uint32_t pc, const WaitState& w) {
  f.state->wait = w;
  f.pc = pc;
  return Exec::kSuspend;
}

uint32_t Interpreter::split_arm(const SplitDesc& s, std::string_view journey, Host& host) {
  // §7: bucket = FNV-1a 64 of "JOURNEY/SPLIT/CUSTOMER_ID" modulo 10000; arms take consecutive ranges.
  Value id = customer_id(host);
  uint64_t h = fnv1a64(journey);
  h = fnv1a64("/", h);
  h = fnv1a64(s.name, h);
  h = fnv1a64("/", h);
  if (id.kind == Kind::kString) h = fnv1a64(id.str(), h);
  uint32_t bucket = static_cast<uint32_t>(h % 10000);
  uint32_t upper = 0;
  for (uint32_t a = 0; a < s.arms.size(); ++a) {
    upper += s.arms[a].basis_points;
    if (bucket < upper) return a;
  }
  return s.arms.empty() ? 0 : static_cast<uint32_t>(s.arms.size() - 1);
}

Value Interpreter::field(const Value& base, std::string_view key, uint32_t key_id, Host& host) {
  if (base.kind != Kind::kObject) return Value();
  if (is_snapshot(base)) return snapshot_field(base, key);
  return host.field(base, key, key_id, arena_);
}

Value Interpreter::index(const Value& base, const Value& key, Host& host) {
  if (base.kind == Kind::kList && key.kind == Kind::kInt) {
    if (key.i < 0 || static_cast<uint64_t>(key.i) >= base.size) return Value();
    return base.list[key.i];
  }
  if (base.kind == Kind::kObject && key.kind == Kind::kString) return field(base, key.str(), kDynamicKey, host);
  return Value();
}

}  // namespace laud::vm
