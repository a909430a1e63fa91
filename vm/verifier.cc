// verifier.cc — checks a Module before it runs: the tables (constants, descriptors), then each
// function in one linear pass driven by the operand formats of opcodes.def, then a forward
// dataflow over each function's control-flow graph (registers defined before use), then the
// segment/aggregate call graph (no cycles). The first fault found is reported.
#include "vm/verifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

#include "vm/builtins.h"

namespace laud::vm {
namespace {

// ---------------------------------------------------------------- operand roles

// What one operand field of an instruction is, as its format says.
enum class Role : uint8_t {
  kNone,       // not used
  kWrite,      // register written
  kRead,       // register read
  kRK,         // register read, or constant index when the instruction's k flag says so
  kConst,      // constant index
  kStrConst,   // constant index of a string constant
  kRangeFirst, // b: first of c consecutive registers read (ABN)
  kRangeCount, // c: how many
  kBuiltin,    // builtin id
  kRegex,      // regex index
  kAggregate,  // aggregate descriptor
  kSegment,    // segment descriptor
  kSendRegs,   // a: first register of a send's operands (SD)
  kSend,       // send descriptor
  kWait,       // wait descriptor
  kSplit,      // split descriptor
  kStep,       // step descriptor
  kJump,       // signed offset: target = pc + 1 + bx
};

struct Operands {
  Role a = Role::kNone, b = Role::kNone, c = Role::kNone, bx = Role::kNone;
};

constexpr Operands format_operands(Format f) {
  using R = Role;
  switch (f) {
    case Format::N: return {};
    case Format::A: return {R::kWrite};
    case Format::AB: return {R::kWrite, R::kRead};
    case Format::ABC: return {R::kWrite, R::kRK, R::kRK};
    case Format::AK: return {R::kWrite, R::kNone, R::kNone, R::kConst};
    case Format::AJ: return {R::kRead, R::kNone, R::kNone, R::kJump};
    case Format::J: return {R::kNone, R::kNone, R::kNone, R::kJump};
    case Format::AS: return {R::kWrite, R::kNone, R::kNone, R::kStrConst};
    case Format::ABS: return {R::kWrite, R::kRead, R::kStrConst};
    case Format::ABN: return {R::kWrite, R::kRangeFirst, R::kRangeCount};
    case Format::ABF: return {R::kWrite, R::kRead, R::kBuiltin};
    case Format::AG: return {R::kWrite, R::kNone, R::kNone, R::kAggregate};
    case Format::AP: return {R::kWrite, R::kNone, R::kNone, R::kSegment};
    case Format::AR: return {R::kWrite, R::kRead, R::kRegex};
    case Format::SD: return {R::kSendRegs, R::kNone, R::kNone, R::kSend};
    case Format::WD: return {R::kRead, R::kNone, R::kNone, R::kWait};
    case Format::TD: return {R::kNone, R::kNone, R::kNone, R::kSplit};
    case Format::AT: return {R::kRead, R::kNone, R::kNone, R::kStrConst};
    case Format::AX: return {R::kNone, R::kNone, R::kNone, R::kStep};  // a is not read
    case Format::ABCJ: return {R::kWrite, R::kRK, R::kRK};  // and the jump after it: fused_jump()
  }
  return {};
}

// The roles of an opcode: its format's, with the three places where the interpreter reads an
// operand differently from what the format alone says.
Operands op_operands(Op op) {
  Operands o = format_operands(op_format(op));
  if (op == Op::RET) o.a = Role::kRead;                              // format A, but R[a] is returned
  if (op == Op::INDEX) o.b = Role::kRead;                            // R[b] is always a register
  if (op == Op::WAIT || op == Op::WAITUNTIL) o.bx = Role::kNone;     // no descriptor (bx is kNone)
  return o;
}

const std::array<Operands, 256>& operand_table() {
  static const std::array<Operands, 256> table = [] {
    std::array<Operands, 256> t{};
    for (uint32_t i = 0; i < kOpCount; ++i) t[i] = op_operands(static_cast<Op>(i));
    return t;
  }();
  return table;
}

bool journey_only(Op op) {
  switch (op) {
    case Op::STEP: case Op::SEND: case Op::WAIT: case Op::WAITUNTIL: case Op::WAITLOCAL:
    case Op::WAITUPTO: case Op::SPLIT: case Op::SETTRAIT: case Op::EXIT: case Op::END:
      return true;
    default:
      return false;
  }
}

// Instructions after which control never reaches pc + 1 directly.
bool no_fall_through(Op op) {
  return op == Op::RET || op == Op::EXIT || op == Op::END || op == Op::JMP || op == Op::SPLIT ||
         op == Op::WAITUPTO;
}

// Instructions at which a journey may suspend: only its locals survive into what follows.
bool may_suspend(Op op) {
  return op == Op::WAIT || op == Op::WAITUNTIL || op == Op::WAITLOCAL || op == Op::WAITUPTO || op == Op::SEND;
}

struct Edge {
  uint32_t target;
  bool suspend;  // only the locals are defined on arrival
};

// ---------------------------------------------------------------- the verifier

class Verifier {
 public:
  Verifier(const Module& m, VerifyError& err) : m_(m), err_(err) {}

  bool run() {
    return constants() && function_headers() && aggregates() && segments() && journeys() && sends() &&
           waits() && splits() && caps() && policy() && code() && call_graph();
  }

 private:
  bool fail(Section s, uint32_t item, std::string message, uint32_t pc = kNone) {
    err_.section = s;
    err_.item = item;
    err_.pc = pc;
    err_.message = std::move(message);
    return false;
  }

  // ---- tables

  bool constants() {
    const auto& cs = m_.constant_descs;
    for (uint32_t i = 0; i < cs.size(); ++i) {
      const ConstantDesc& c = cs[i];
      if (static_cast<uint8_t>(c.kind) > static_cast<uint8_t>(Kind::kObject))
        return fail(Section::kConstants, i, fmt::format("constant {} has unknown kind {}", i, static_cast<int>(c.kind)));
      if (c.kind == Kind::kObject)
        return fail(Section::kConstants, i, fmt::format("constant {} is an object (no constant is)", i));
      if (c.kind == Kind::kString && c.string >= m_.strings.size())
        return fail(Section::kConstants, i,
                    fmt::format("constant {}: string {} out of range ({} strings)", i, c.string, m_.strings.size()));
      if (c.kind == Kind::kList)
        for (uint32_t item : c.items)
          if (item >= i)
            return fail(Section::kConstants, i,
                        fmt::format("constant {}: list item {} is not an earlier constant", i, item));
    }
    return true;
  }

  bool function_headers() {
    for (uint32_t f = 0; f < m_.functions.size(); ++f) {
      const Function& fn = m_.functions[f];
      auto where = [&] { return fmt::format("(function `{}`)", fn.name); };
      if (static_cast<uint8_t>(fn.kind) > static_cast<uint8_t>(FunctionKind::kJourney))
        return fail(Section::kFunctions, f, fmt::format("unknown function kind {} {}", static_cast<int>(fn.kind), where()));
      if (fn.num_locals > fn.num_registers)
        return fail(Section::kFunctions, f,
                    fmt::format("{} locals but only {} registers {}", fn.num_locals, fn.num_registers, where()));
      if (fn.code.empty()) return fail(Section::kFunctions, f, fmt::format("no code {}", where()));
      if (fn.code.size() > std::numeric_limits<int32_t>::max())
        return fail(Section::kFunctions, f, fmt::format("{} instructions is too many {}", fn.code.size(), where()));
      uint32_t last_pc = 0;
      for (size_t d = 0; d < fn.debug.size(); ++d) {
        const DebugLoc& loc = fn.debug[d];
        if (loc.pc >= fn.code.size())
          return fail(Section::kFunctions, f,
                      fmt::format("debug entry {}: pc {} out of range ({} instructions) {}", d, loc.pc, fn.code.size(), where()));
        if (loc.pc < last_pc)
          return fail(Section::kFunctions, f,
                      fmt::format("debug entry {}: pc {} is before pc {}: the table must be sorted {}", d, loc.pc, last_pc, where()));
        if (loc.file >= m_.files.size())
          return fail(Section::kFunctions, f,
                      fmt::format("debug entry {}: file {} out of range ({} files) {}", d, loc.file, m_.files.size(), where()));
        last_pc = loc.pc;
      }
    }
    return true;
  }

  // A function index in a descriptor: in range and of the kind the descriptor runs it as.
  bool check_fn(Section s, uint32_t item, uint32_t fn, FunctionKind want, bool optional, std::string_view what) {
    if (fn == kNone) {
      if (optional) return true;
      return fail(s, item, fmt::format("{}: no {} function", what, function_kind_name(want)));
    }
    if (fn >= m_.functions.size())
      return fail(s, item, fmt::format("{}: function {} out of range ({} functions)", what, fn, m_.functions.size()));
    if (m_.functions[fn].kind != want)
      return fail(s, item,
                  fmt::format("{}: function {} (`{}`) is a {} function, not a {} function", what, fn,
                              m_.functions[fn].name, function_kind_name(m_.functions[fn].kind), function_kind_name(want)));
    return true;
  }

  static bool valid_minutes(int32_t m) { return m >= 0 && m < 24 * 60; }

  bool quiet(Section s, uint32_t item, const QuietDesc& q, std::string_view what) {
    if (!q.present) return true;
    if (!valid_minutes(q.start_minutes) || !valid_minutes(q.end_minutes))
      return fail(s, item, fmt::format("{}: quiet hours {}..{} are not minutes of a day", what, q.start_minutes, q.end_minutes));
    return check_fn(s, item, q.tz_fn, FunctionKind::kValue, true, fmt::format("{}: quiet hours time zone", what));
  }

  bool aggregates() {
    for (uint32_t i = 0; i < m_.aggregates.size(); ++i) {
      const AggregateDesc& a = m_.aggregates[i];
      std::string what = fmt::format("aggregate {}", i);
      if (static_cast<uint8_t>(a.func) > static_cast<uint8_t>(AggFunc::kLast))
        return fail(Section::kAggregates, i, fmt::format("{}: unknown function {}", what, static_cast<int>(a.func)));
      if (a.within_ms < -1) return fail(Section::kAggregates, i, fmt::format("{}: negative window {}", what, a.within_ms));
      if (!check_fn(Section::kAggregates, i, a.where_fn, FunctionKind::kPredicate, true, what + " where")) return false;
    }
    return true;
  }

  bool segments() {
    for (uint32_t i = 0; i < m_.segments.size(); ++i)
      if (!check_fn(Section::kSegments, i, m_.segments[i].fn, FunctionKind::kSegment, false,
                    fmt::format("segment `{}`", m_.segments[i].name)))
        return false;
    return true;
  }

  bool journeys() {
    for (uint32_t i = 0; i < m_.journeys.size(); ++i) {
      const JourneyDesc& j = m_.journeys[i];
      const Section S = Section::kJourneys;
      std::string what = fmt::format("journey `{}`", j.name);
      if (!check_fn(S, i, j.body_fn, FunctionKind::kJourney, false, what + " body")) return false;
      for (size_t t = 0; t < j.triggers.size(); ++t) {
        const TriggerDesc& tr = j.triggers[t];
        std::string tw = fmt::format("{} trigger {}", what, t);
        if (static_cast<uint8_t>(tr.kind) > static_cast<uint8_t>(TriggerKind::kScheduleEvery))
          return fail(S, i, fmt::format("{}: unknown kind {}", tw, static_cast<int>(tr.kind)));
        if (!check_fn(S, i, tr.where_fn, FunctionKind::kPredicate, true, tw + " where")) return false;
        if (tr.kind == TriggerKind::kEnterSegment && tr.segment >= m_.segments.size())
          return fail(S, i, fmt::format("{}: segment {} out of range ({} segments)", tw, tr.segment, m_.segments.size()));
        if (tr.kind == TriggerKind::kScheduleEvery && tr.every_ms <= 0)
          return fail(S, i, fmt::format("{}: schedule period {} ms is not positive", tw, tr.every_ms));
      }
      if (!check_fn(S, i, j.audience_fn, FunctionKind::kPredicate, true, what + " audience")) return false;
      if (!check_fn(S, i, j.key_fn, FunctionKind::kValue, true, what + " key")) return false;
      for (size_t e = 0; e < j.exit_on.size(); ++e)
        if (!check_fn(S, i, j.exit_on[e].where_fn, FunctionKind::kPredicate, true, fmt::format("{} exit on {} where", what, e)))
          return false;
      if (!check_fn(S, i, j.exit_when_fn, FunctionKind::kPredicate, true, what + " exit when")) return false;
      if (static_cast<uint8_t>(j.reentry) > static_cast<uint8_t>(Reentry::kAfter))
        return fail(S, i, fmt::format("{}: unknown reentry {}", what, static_cast<int>(j.reentry)));
      if (j.num_sends > m_.sends.size())  // instances keep one counter per send
        return fail(S, i, fmt::format("{}: {} sends, but the module has only {}", what, j.num_sends, m_.sends.size()));
      if (j.reentry_after_ms < 0 || j.limit_count < 0 || j.limit_window_ms < 0)
        return fail(S, i, fmt::format("{}: negative reentry or limit", what));
      if (!quiet(S, i, j.quiet, what)) return false;
      for (size_t g = 0; g < j.goals.size(); ++g) {
        if (j.goals[g].within_ms < 0) return fail(S, i, fmt::format("{} goal {}: negative window", what, g));
        if (!check_fn(S, i, j.goals[g].where_fn, FunctionKind::kPredicate, true, fmt::format("{} goal {} where", what, g)))
          return false;
      }
    }
    return true;
  }

  bool sends() {
    for (uint32_t i = 0; i < m_.sends.size(); ++i)
      if (static_cast<uint8_t>(m_.sends[i].channel) > static_cast<uint8_t>(Channel::kInApp))
        return fail(Section::kSends, i, fmt::format("send {}: unknown channel {}", i, static_cast<int>(m_.sends[i].channel)));
    return true;
  }

  bool waits() {
    for (uint32_t i = 0; i < m_.waits.size(); ++i) {
      const WaitDesc& w = m_.waits[i];
      if (!valid_minutes(w.minutes)) return fail(Section::kWaits, i, fmt::format("wait {}: {} is not a minute of a day", i, w.minutes));
      if (w.days > 0x7F) return fail(Section::kWaits, i, fmt::format("wait {}: day mask 0x{:x} has more than 7 days", i, w.days));
      for (size_t b = 0; b < w.branches.size(); ++b)
        if (!check_fn(Section::kWaits, i, w.branches[b].where_fn, FunctionKind::kPredicate, true,
                      fmt::format("wait {} branch {} where", i, b)))
          return false;
    }
    return true;
  }

  bool splits() {
    for (uint32_t i = 0; i < m_.splits.size(); ++i) {
      uint64_t sum = 0;
      for (const SplitArm& arm : m_.splits[i].arms) sum += arm.basis_points;
      if (sum != 10000)
        return fail(Section::kSplits, i,
                    fmt::format("split `{}`: arms sum to {} basis points, not 10000", m_.splits[i].name, sum));
    }
    return true;
  }

  bool caps() {
    for (uint32_t i = 0; i < m_.caps.size(); ++i) {
      const CapDesc& c = m_.caps[i];
      if (static_cast<uint8_t>(c.channel) > static_cast<uint8_t>(Channel::kInApp))
        return fail(Section::kCaps, i, fmt::format("cap {}: unknown channel {}", i, static_cast<int>(c.channel)));
      if (c.count < 0 || c.window_ms < 0) return fail(Section::kCaps, i, fmt::format("cap {}: negative count or window", i));
    }
    return true;
  }

  bool policy() { return quiet(Section::kPolicy, 0, m_.policy_quiet, "policy"); }

  // ---- code

  bool code() {
    // The fewest sends among the journeys whose body a function is (SendDesc::index_in_journey).
    min_sends_.assign(m_.functions.size(), std::numeric_limits<uint32_t>::max());
    for (const JourneyDesc& j : m_.journeys) min_sends_[j.body_fn] = std::min(min_sends_[j.body_fn], j.num_sends);
    for (uint32_t f = 0; f < m_.functions.size(); ++f)
      if (!linear_pass(f) || !dataflow(f)) return false;
    return true;
  }

  std::string at(uint32_t f, uint32_t pc) const { return fmt::format("(function `{}`, pc {})", m_.functions[f].name, pc); }

  bool fail_at(uint32_t f, uint32_t pc, std::string what) {
    return fail(Section::kFunctions, f, fmt::format("{} {}", what, at(f, pc)), pc);
  }

  bool reg(uint32_t f, uint32_t pc, uint32_t r) {
    const Function& fn = m_.functions[f];
    if (r >= fn.num_registers)
      return fail_at(f, pc, fmt::format("register {} out of range ({} registers)", r, fn.num_registers));
    return true;
  }

  bool constant(uint32_t f, uint32_t pc, uint32_t k, bool want_string) {
    if (k >= m_.constant_descs.size())
      return fail_at(f, pc, fmt::format("constant {} out of range ({} constants)", k, m_.constant_descs.size()));
    if (want_string && m_.constant_descs[k].kind != Kind::kString)
      return fail_at(f, pc, fmt::format("constant {} is {}, not a string", k, kind_name(m_.constant_descs[k].kind)));
    return true;
  }

  bool index(uint32_t f, uint32_t pc, uint32_t i, size_t size, std::string_view what, std::string_view plural) {
    if (i >= size) return fail_at(f, pc, fmt::format("{} {} out of range ({} {})", what, i, size, plural));
    return true;
  }

  // One operand field against its role (descriptor roles only range-checked here).
  bool operand(uint32_t f, uint32_t pc, const Instr& in, Role role, uint32_t v, bool is_const) {
    switch (role) {
      case Role::kNone:
      case Role::kRangeCount:
      case Role::kJump:
      case Role::kSendRegs: return true;  // checked with their partner operand
      case Role::kWrite:
      case Role::kRead: return reg(f, pc, v);
      case Role::kRK: return is_const ? constant(f, pc, v, false) : reg(f, pc, v);
      case Role::kConst: return constant(f, pc, v, false);
      case Role::kStrConst: return constant(f, pc, v, true);
      case Role::kRangeFirst:
        if (uint32_t{in.b()} + in.c() > m_.functions[f].num_registers)
          return fail_at(f, pc, fmt::format("registers {}..{} out of range ({} registers)", in.b(),
                                            int64_t{in.b()} + in.c() - 1, m_.functions[f].num_registers));
        return true;
      case Role::kBuiltin: return index(f, pc, v, kBuiltinCount, "builtin", "builtins");
      case Role::kRegex: return index(f, pc, v, m_.regexes.size(), "regex", "regexes");
      case Role::kAggregate: return index(f, pc, v, m_.aggregates.size(), "aggregate", "aggregates");
      case Role::kSegment: return index(f, pc, v, m_.segments.size(), "segment", "segments");
      case Role::kSend: return index(f, pc, v, m_.sends.size(), "send", "sends") && send_regs(f, pc, in);
      case Role::kWait: return index(f, pc, v, m_.waits.size(), "wait", "waits");
      case Role::kSplit: return index(f, pc, v, m_.splits.size(), "split", "splits");
      case Role::kStep: return index(f, pc, v, m_.steps.size(), "step", "steps");
    }
    return true;
  }

  bool send_regs(uint32_t f, uint32_t pc, const Instr& in) {
    const SendDesc& s = m_.sends[in.bx];
    uint64_t end = uint64_t{in.a} + 1 + s.with_keys.size();
    if (end > m_.functions[f].num_registers)
      return fail_at(f, pc, fmt::format("send {} needs registers {}..{}, out of range ({} registers)", in.bx, in.a,
                                        end - 1, m_.functions[f].num_registers));
    if (s.index_in_journey >= min_sends_[f] && min_sends_[f] != std::numeric_limits<uint32_t>::max())
      return fail_at(f, pc, fmt::format("send {} is send number {} of its journey, which has only {}", in.bx,
                                        s.index_in_journey, min_sends_[f]));
    return true;
  }

  // The control-flow successors of the instruction at pc (descriptors already range-checked).
  void successors(const Function& fn, uint32_t pc, std::vector<Edge>& out) const {
    out.clear();
    const Instr& in = fn.code[pc];
    switch (in.op) {
      case Op::RET:
      case Op::EXIT:
      case Op::END: return;
      case Op::SPLIT:
        for (const SplitArm& arm : m_.splits[in.bx].arms) out.push_back({arm.target, false});
        return;
      case Op::WAITUPTO: {
        const WaitDesc& w = m_.waits[in.bx];
        for (const WaitBranch& b : w.branches) out.push_back({b.target, true});
        out.push_back({w.timeout_target, true});
        return;
      }
      default: break;
    }
    if (operand_table()[static_cast<uint8_t>(in.op)].bx == Role::kJump) {
      out.push_back({static_cast<uint32_t>(int64_t{pc} + 1 + in.sbx()), false});
      if (in.op == Op::JMP) return;
    }
    out.push_back({pc + 1, may_suspend(in.op)});
  }

  // Jump targets from a descriptor (wait branches, split arms) must lie inside the function.
  bool descriptor_targets(uint32_t f, uint32_t pc, const Instr& in) {
    const Function& fn = m_.functions[f];
    auto check = [&](Section s, uint32_t target, std::string what) {
      if (target < fn.code.size()) return true;
      return fail(s, in.bx,
                  fmt::format("{} target {} out of range of function `{}` ({} instructions; {} at pc {})", what, target,
                              fn.name, fn.code.size(), op_name(in.op), pc));
    };
    if (in.op == Op::WAITUPTO) {
      const WaitDesc& w = m_.waits[in.bx];
      for (size_t b = 0; b < w.branches.size(); ++b)
        if (!check(Section::kWaits, w.branches[b].target, fmt::format("wait {} branch {}", in.bx, b))) return false;
      return check(Section::kWaits, w.timeout_target, fmt::format("wait {} timeout", in.bx));
    }
    if (in.op == Op::SPLIT) {
      const SplitDesc& s = m_.splits[in.bx];
      for (size_t a = 0; a < s.arms.size(); ++a)
        if (!check(Section::kSplits, s.arms[a].target, fmt::format("split `{}` arm `{}`", s.name, s.arms[a].name)))
          return false;
    }
    return true;
  }

  // A fused test (format ABCJ) performs the jump that follows it: that must be a JMPIF or
  // JMPIFNOT testing the register the test writes. The jump itself is checked as any other, and
  // the control-flow graph needs nothing more (the test falls through to the jump, whose
  // successors are the test's).
  bool fused_jump(uint32_t f, uint32_t pc, const Instr& in) {
    const Function& fn = m_.functions[f];
    if (pc + 1 >= fn.code.size())
      return fail_at(f, pc, fmt::format("{} is not followed by a JMPIF or JMPIFNOT (it is the last instruction)", op_name(in.op)));
    const Instr& next = fn.code[pc + 1];
    if (next.op != Op::JMPIF && next.op != Op::JMPIFNOT)
      return fail_at(f, pc, fmt::format("{} is followed by {}, not by a JMPIF or JMPIFNOT", op_name(in.op),
                                        op_name(next.op)));
    if (next.a != in.a)
      return fail_at(f, pc, fmt::format("{} writes register {} but the jump after it tests register {}", op_name(in.op),
                                        in.a, next.a));
    return true;
  }

  // A fused field test F<OP>J (a FIELD word) performs the fused test after it and that test's
  // jump: pc + 1 must be its own <OP>J (FEQJ: EQJ, ...) reading the register the field is written
  // to as b, writing that same register (so the field's value is read by the test alone), with c
  // a constant. The test is then checked as any fused test (its jump at pc + 2); the control-flow
  // graph needs nothing more (the field test falls through to the test).
  bool fused_field_test(uint32_t f, uint32_t pc, const Instr& in) {
    const Function& fn = m_.functions[f];
    const Op want = fused_test_of(in.op);
    if (pc + 1 >= fn.code.size())
      return fail_at(f, pc, fmt::format("{} is not followed by {} (it is the last instruction)", op_name(in.op), op_name(want)));
    const Instr& t = fn.code[pc + 1];
    if (t.op != want)
      return fail_at(f, pc, fmt::format("{} is followed by {}, not by {}", op_name(in.op), op_name(t.op), op_name(want)));
    if (t.a != in.a || (t.k & kConstB) || t.b() != in.a)
      return fail_at(f, pc, fmt::format("{} writes register {} but the {} after it does not read and write it (a {}, b {}{})",
                                        op_name(in.op), in.a, op_name(t.op), t.a, (t.k & kConstB) ? "k" : "r", t.b()));
    if (!(t.k & kConstC))
      return fail_at(f, pc, fmt::format("{} is followed by a {} whose c is register {}, not a constant", op_name(in.op),
                                        op_name(t.op), t.c()));
    return true;
  }

  // Every operand, every jump, the function's ending; one pass over its code.
  bool linear_pass(uint32_t f) {
    const Function& fn = m_.functions[f];
    const bool journey = fn.kind == FunctionKind::kJourney;
    const auto size = static_cast<uint32_t>(fn.code.size());
    std::vector<Edge> edges;
    for (uint32_t pc = 0; pc < size; ++pc) {
      const Instr& in = fn.code[pc];
      if (static_cast<uint32_t>(in.op) >= kOpCount)
        return fail_at(f, pc, fmt::format("unknown opcode {}", static_cast<uint32_t>(in.op)));
      if (!journey && journey_only(in.op))
        return fail_at(f, pc, fmt::format("journey opcode {} in a {} function", op_name(in.op), function_kind_name(fn.kind)));
      if (journey && in.op == Op::RET) return fail_at(f, pc, "RET in a journey body (bodies end with EXIT or END)");
      const Operands& o = operand_table()[static_cast<uint8_t>(in.op)];
      uint8_t allowed = (o.b == Role::kRK ? kConstB : 0) | (o.c == Role::kRK ? kConstC : 0);
      if (in.k & ~allowed)
        return fail_at(f, pc, fmt::format("k flags 0x{:x} not allowed for {} (format {})", in.k, op_name(in.op),
                                          format_name(op_format(in.op))));
      if (!operand(f, pc, in, o.a, in.a, false)) return false;
      if (o.bx != Role::kNone) {
        if (!operand(f, pc, in, o.bx, in.bx, false)) return false;
      } else {
        if (!operand(f, pc, in, o.b, in.b(), in.k & kConstB)) return false;
        if (!operand(f, pc, in, o.c, in.c(), in.k & kConstC)) return false;
      }
      if (!descriptor_targets(f, pc, in)) return false;
      if (op_format(in.op) == Format::ABCJ && !fused_jump(f, pc, in)) return false;
      if (is_field_test(in.op) && !fused_field_test(f, pc, in)) return false;
      if (o.bx == Role::kJump) {
        int64_t target = int64_t{pc} + 1 + in.sbx();
        if (target < 0 || target >= size)
          return fail_at(f, pc, fmt::format("jump to {} out of range ({} instructions)", target, size));
        if (!journey && target <= pc)
          return fail_at(f, pc, fmt::format("backward jump to {} in a {} function (only journey bodies may loop)", target,
                                            function_kind_name(fn.kind)));
      }
      if (journey) {
        // Every cycle has a backward edge; landing each on a STEP makes every loop count steps.
        successors(fn, pc, edges);
        for (const Edge& e : edges)
          if (e.target <= pc && fn.code[e.target].op != Op::STEP)
            return fail_at(f, pc, fmt::format("backward jump to {} does not land on a STEP (loops must count steps)", e.target));
      }
    }
    const Instr& last = fn.code.back();
    if (!no_fall_through(last.op))
      return fail_at(f, size - 1,
                     fmt::format("falls off the end: the last instruction is {}, not RET, END, EXIT or JMP", op_name(last.op)));
    return true;
  }

  // ---- registers defined before use

  // The registers an instruction reads (for the dataflow; operands are in range by now).
  void reads(const Instr& in, std::vector<uint32_t>& out) const {
    out.clear();
    const Operands& o = operand_table()[static_cast<uint8_t>(in.op)];
    if (o.a == Role::kRead) out.push_back(in.a);
    if (o.a == Role::kSendRegs) {
      const SendDesc& s = m_.sends[in.bx];
      if (s.has_to) out.push_back(in.a);
      for (size_t i = 0; i < s.with_keys.size(); ++i) out.push_back(in.a + 1 + static_cast<uint32_t>(i));
    }
    if (o.bx != Role::kNone) return;
    if (o.b == Role::kRead || (o.b == Role::kRK && !(in.k & kConstB))) out.push_back(in.b());
    if (o.c == Role::kRK && !(in.k & kConstC)) out.push_back(in.c());
    if (o.b == Role::kRangeFirst)
      for (uint32_t r = in.b(); r < uint32_t{in.b()} + in.c(); ++r) out.push_back(r);
  }

  bool dataflow(uint32_t f) {
    const Function& fn = m_.functions[f];
    const auto size = static_cast<uint32_t>(fn.code.size());
    const uint32_t words = (fn.num_registers + 63) / 64;
    if (words == 0) return true;  // no registers: nothing can be read (operands are in range)

    // Blocks start at 0, at every edge target and after every instruction that does not simply
    // fall through (so each block's edges are those of its last instruction).
    std::vector<Edge> edges;
    std::vector<uint32_t> block_of(size, kNone);
    block_of[0] = 0;
    for (uint32_t pc = 0; pc < size; ++pc) {
      successors(fn, pc, edges);
      bool plain = edges.size() == 1 && edges[0].target == pc + 1 && !edges[0].suspend;
      for (const Edge& e : edges) block_of[e.target] = 0;
      if (!plain && pc + 1 < size) block_of[pc + 1] = 0;
    }
    std::vector<uint32_t> starts;
    for (uint32_t pc = 0; pc < size; ++pc)
      if (block_of[pc] != kNone) {
        block_of[pc] = static_cast<uint32_t>(starts.size());
        starts.push_back(pc);
      }
    const auto blocks = static_cast<uint32_t>(starts.size());
    if (uint64_t{blocks} * words > kMaxDataflowWords)
      return fail(Section::kFunctions, f,
                  fmt::format("too large to verify: {} blocks of {} registers (function `{}`)", blocks, fn.num_registers, fn.name));

    std::vector<uint64_t> in_state(uint64_t{blocks} * words, 0);
    std::vector<uint64_t> locals(words, 0), cur(words), edge_state(words);
    for (uint32_t r = 0; r < fn.num_locals; ++r) locals[r / 64] |= uint64_t{1} << (r % 64);
    std::vector<char> reached(blocks, 0), dirty(blocks, 0);
    std::copy(locals.begin(), locals.end(), in_state.begin());
    reached[0] = dirty[0] = 1;

    std::vector<uint32_t> used;
    uint64_t work = 0;
    for (bool any = true; any;) {
      any = false;
      work += blocks;
      for (uint32_t b = 0; b < blocks; ++b) {
        if (!dirty[b]) continue;
        dirty[b] = 0;
        any = true;
        std::copy_n(in_state.begin() + uint64_t{b} * words, words, cur.begin());
        uint32_t end = b + 1 < blocks ? starts[b + 1] : size;
        for (uint32_t pc = starts[b]; pc < end; ++pc) {
          const Instr& in = fn.code[pc];
          reads(in, used);
          for (uint32_t r : used)
            if (!(cur[r / 64] >> (r % 64) & 1))
              return fail_at(f, pc, fmt::format("register {} may be used before it is defined", r));
          const Operands& o = operand_table()[static_cast<uint8_t>(in.op)];
          if (o.a == Role::kWrite) cur[in.a / 64] |= uint64_t{1} << (in.a % 64);
          work += 1 + used.size();
        }
        successors(fn, end - 1, edges);
        for (const Edge& e : edges) {
          for (uint32_t w = 0; w < words; ++w) edge_state[w] = e.suspend ? cur[w] & locals[w] : cur[w];
          uint32_t t = block_of[e.target];
          uint64_t* st = in_state.data() + uint64_t{t} * words;
          work += words;
          if (!reached[t]) {
            reached[t] = dirty[t] = 1;
            std::copy(edge_state.begin(), edge_state.end(), st);
            continue;
          }
          for (uint32_t w = 0; w < words; ++w) {
            uint64_t meet = st[w] & edge_state[w];
            if (meet != st[w]) {
              st[w] = meet;
              dirty[t] = 1;
            }
          }
        }
        if (work > kMaxDataflowWork)
          return fail(Section::kFunctions, f, fmt::format("too complex to verify (function `{}`)", fn.name));
      }
    }
    return true;
  }

  // ---- segments and aggregate filters may not depend on themselves

  bool call_graph() {
    const auto n = static_cast<uint32_t>(m_.functions.size());
    // Edges: SEGMENT → the segment's function; AGG → the aggregate's `where` function.
    auto callee = [&](const Instr& in) -> uint32_t {
      if (in.op == Op::SEGMENT) return m_.segments[in.bx].fn;
      if (in.op == Op::AGG) return m_.aggregates[in.bx].where_fn;
      return kNone;
    };
    enum : uint8_t { kWhite, kGrey, kBlack };
    std::vector<uint8_t> color(n, kWhite);
    struct FrameState {
      uint32_t fn, pc;
    };
    std::vector<FrameState> stack;
    for (uint32_t root = 0; root < n; ++root) {
      if (color[root] != kWhite) continue;
      stack.push_back({root, 0});
      color[root] = kGrey;
      while (!stack.empty()) {
        FrameState& top = stack.back();
        const Function& fn = m_.functions[top.fn];
        if (top.pc == fn.code.size()) {
          color[top.fn] = kBlack;
          stack.pop_back();
          continue;
        }
        uint32_t pc = top.pc++;
        uint32_t g = callee(fn.code[pc]);
        if (g == kNone) continue;
        if (color[g] == kGrey)
          return fail_at(top.fn, pc,
                         fmt::format("{} {} closes a cycle back to function `{}` (segments and aggregate filters may not "
                                     "depend on themselves)",
                                     op_name(fn.code[pc].op), fn.code[pc].bx, m_.functions[g].name));
        if (color[g] == kWhite) {
          color[g] = kGrey;
          stack.push_back({g, 0});
        }
      }
    }
    return true;
  }

  const Module& m_;
  VerifyError& err_;
  std::vector<uint32_t> min_sends_;
};

}  // namespace

bool verify_module(const Module& m, VerifyError& error) {
  error = VerifyError{};
  return Verifier(m, error).run();
}

bool verify_module(const Module& m, std::string* error) {
  VerifyError e;
  if (verify_module(m, e)) return true;
  if (error) *error = fmt::format("section `{}`: {}", section_name(e.section), e.message);
  return false;
}

}  // namespace laud::vm
