// interp.cc — the interpreter loop. One flat switch over opcodes; registers live in a stack of
// fixed capacity (so nested calls, e.g. a segment evaluated while a journey runs, never move
// them); journey bodies stop at waits and leave their state in an InstanceState.
#include "vm/interp.h"

#include <re2/re2.h>

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

Value Interpreter::call(uint32_t fn_index, Host& host, std::string* error) {
  if (fn_index >= module_.functions.size() || depth_ >= kMaxCallDepth) {
    if (error) *error = "call of function " + std::to_string(fn_index) + " refused";
    return Value();
  }
  if (depth_ == 0) arena_.reset();
  Frame f;
  f.fn = &module_.functions[fn_index];
  size_t saved_top = stack_top_;
  f.regs = push_registers(f.fn->num_registers);
  if (!f.regs) {
    if (error) *error = "register stack exhausted";
    return Value();
  }
  ++depth_;
  Exec e = execute(f, host);
  --depth_;
  stack_top_ = saved_top;
  if (e != Exec::kReturn) {
    if (error) *error = last_error_.empty() ? "function did not return" : last_error_;
    return Value();
  }
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
    state.error = "unknown journey";
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
    state.error = "register stack exhausted";
    result.stop = Stop::kError;
    return result;
  }
  if (!start_or_resume(f, resume, host)) {
    stack_top_ = saved_top;
    result.stop = Stop::kError;
    state.error = last_error_;
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
      state.error = last_error_;
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

Interpreter::Exec Interpreter::execute(Frame& f, Host& host) {
  const Instr* code = f.fn->code.data();
  const uint32_t size = static_cast<uint32_t>(f.fn->code.size());
  const Value* K = module_.constants.data();
  Value* R = f.regs;
  uint32_t pc = f.pc;
  auto rk_b = [&](const Instr& i) -> const Value& { return (i.k & kConstB) ? K[i.b()] : R[i.b()]; };
  auto rk_c = [&](const Instr& i) -> const Value& { return (i.k & kConstC) ? K[i.c()] : R[i.c()]; };
  auto fail = [this, &f, &pc](const char* what) __attribute__((noinline, cold)) {
    last_error_ = std::string(what) + " in " + f.fn->name + " at pc " + std::to_string(pc);
    return Exec::kError;
  };

  // Direct threading: each handler jumps straight to the next one (labels generated from opcodes.def).
  static const void* const kHandlers[] = {
#define X(name, format, meaning) &&L_##name,
#include "vm/opcodes.def"
#undef X
  };
  Instr i;
#define NEXT()                                 \
  do {                                         \
    if (__builtin_expect(pc >= size, 0)) goto ran_off; \
    i = code[pc++];                            \
    goto* kHandlers[static_cast<uint8_t>(i.op)]; \
  } while (0)
  NEXT();
  {
    L_NOP: NEXT();
    L_LOADK: R[i.a] = K[i.bx]; NEXT();
    L_LOADNULL: R[i.a] = Value(); NEXT();
    L_LOADTRUE: R[i.a] = Value::boolean(true); NEXT();
    L_LOADFALSE: R[i.a] = Value::boolean(false); NEXT();
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
    L_EQ: R[i.a] = Value::boolean(equal(rk_b(i), rk_c(i))); NEXT();
    L_NE: R[i.a] = Value::boolean(!equal(rk_b(i), rk_c(i))); NEXT();
    L_LT: R[i.a] = Value::boolean(less(rk_b(i), rk_c(i))); NEXT();
    L_LE: R[i.a] = Value::boolean(less_equal(rk_b(i), rk_c(i))); NEXT();
    L_GT: R[i.a] = Value::boolean(greater(rk_b(i), rk_c(i))); NEXT();
    L_GE: R[i.a] = Value::boolean(greater_equal(rk_b(i), rk_c(i))); NEXT();
    L_IN: R[i.a] = Value::boolean(in_list(rk_b(i), rk_c(i))); NEXT();
    L_CONTAINS: R[i.a] = Value::boolean(contains(rk_b(i), rk_c(i))); NEXT();
    L_STARTS: R[i.a] = Value::boolean(starts_with(rk_b(i), rk_c(i))); NEXT();
    L_ENDS: R[i.a] = Value::boolean(ends_with(rk_b(i), rk_c(i))); NEXT();
    L_MATCH: {
      const Value& s = R[i.b()];
      bool m = false;
      if (s.kind == Kind::kString && i.c() < module_.compiled_regexes.size())
        m = re2::RE2::PartialMatch(re2::StringPiece(s.s, s.size), *module_.compiled_regexes[i.c()]);
      R[i.a] = Value::boolean(m);
      NEXT();
    }
    L_ADD: R[i.a] = add(rk_b(i), rk_c(i), arena_); NEXT();
    L_SUB: R[i.a] = subtract(rk_b(i), rk_c(i)); NEXT();
    L_MUL: R[i.a] = multiply(rk_b(i), rk_c(i)); NEXT();
    L_DIV: R[i.a] = divide(rk_b(i), rk_c(i)); NEXT();
    L_MOD: R[i.a] = modulo(rk_b(i), rk_c(i)); NEXT();
    L_NEG: R[i.a] = negate(R[i.b()]); NEXT();
    L_NOT: R[i.a] = logical_not(R[i.b()]); NEXT();
    L_TRUTH: R[i.a] = Value::boolean(R[i.b()].truthy()); NEXT();
    L_CALL: {
      auto b = builtin_from_id(i.c());
      R[i.a] = b ? call_builtin(*b, R[i.b()], arena_) : Value();
      NEXT();
    }
    L_AGG: R[i.a] = host.aggregate(i.bx); NEXT();
    L_SEGMENT: R[i.a] = Value::boolean(host.in_segment(i.bx)); NEXT();
    L_JMP: pc += i.sbx(); NEXT();
    L_JMPIF: if (R[i.a].truthy()) pc += i.sbx(); NEXT();
    L_JMPIFNOT: if (!R[i.a].truthy()) pc += i.sbx(); NEXT();
    L_JMPNOTNULL: if (!R[i.a].is_null()) pc += i.sbx(); NEXT();
    L_RET:
      f.result = R[i.a];
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
      pc = module_.waits[i.bx].timeout_target;  // §7: null, zero or negative goes into `timeout`
      NEXT();
    }
    L_SPLIT: {
      if (!f.state || i.bx >= module_.splits.size()) return fail("bad SPLIT");
      const SplitDesc& sd = module_.splits[i.bx];
      uint32_t arm = split_arm(sd, module_.journeys[f.state->journey].name, host);
      host.split_taken(i.bx, arm);
      pc = sd.arms.empty() ? pc : sd.arms[arm].target;
      NEXT();
    }
    L_SETTRAIT: host.set_trait(K[i.bx].str(), R[i.a]); NEXT();
    L_EXIT: return Exec::kExit;
    L_END: return Exec::kEnd;
      }
#undef NEXT
ran_off:
  return fail("ran off the end of the code");
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
