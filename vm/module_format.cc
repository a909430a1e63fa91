// module_format.cc — writes a Module as a .ljb file and reads one back. A Writer appends
// little-endian fields; a Reader checks every read against the bytes left (failing softly, with
// the offset), caps every count by what the remaining bytes could hold, and records where each
// table item starts so that verifier faults are reported at a byte offset too.
#include "vm/module_format.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <array>
#include <bit>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "vm/verifier.h"

namespace laud::vm {

std::string_view section_name(Section s) {
  switch (s) {
    case Section::kHeader: return "header";
    case Section::kFiles: return "files";
    case Section::kStrings: return "strings";
    case Section::kConstants: return "constants";
    case Section::kRegexes: return "regexes";
    case Section::kFunctions: return "functions";
    case Section::kAggregates: return "aggregates";
    case Section::kSegments: return "segments";
    case Section::kJourneys: return "journeys";
    case Section::kSends: return "sends";
    case Section::kWaits: return "waits";
    case Section::kSplits: return "splits";
    case Section::kSteps: return "steps";
    case Section::kCaps: return "caps";
    case Section::kPolicy: return "policy";
    case Section::kTrailer: return "trailer";
  }
  return "?";
}

uint64_t fnv1a64(std::string_view bytes, uint64_t h) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

namespace {

// ---------------------------------------------------------------- writing

class Writer {
 public:
  std::string out;

  void u8(uint8_t v) { out.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) { le(v, 2); }
  void u32(uint32_t v) { le(v, 4); }
  void u64(uint64_t v) { le(v, 8); }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f64(double v) { u64(std::bit_cast<uint64_t>(v)); }
  void flag(bool v) { u8(v ? 1 : 0); }
  void count(size_t n) { u32(narrow(n)); }
  void str(std::string_view s) {
    count(s.size());
    out.append(s);
  }
  void strs(const std::vector<std::string>& v) {
    count(v.size());
    for (const std::string& s : v) str(s);
  }
  template <class E>
  void e8(E v) {
    u8(static_cast<uint8_t>(v));
  }

  size_t begin_section(Section s) {
    u32(static_cast<uint32_t>(s));
    u32(0);
    return out.size();
  }
  void end_section(size_t start) {
    uint32_t len = narrow(out.size() - start);
    for (int i = 0; i < 4; ++i) out[start - 4 + i] = static_cast<char>(len >> (8 * i));
  }

  static uint32_t narrow(size_t n) {
    if (n > std::numeric_limits<uint32_t>::max()) throw std::length_error("module section or string beyond 4 GiB");
    return static_cast<uint32_t>(n);
  }

 private:
  void le(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  }
};

uint64_t encode_instr(const Instr& in) {
  return uint64_t{static_cast<uint8_t>(in.op)} | uint64_t{in.k} << 8 | uint64_t{in.a} << 16 | uint64_t{in.bx} << 32;
}

Instr decode_instr(uint64_t w) {
  Instr in;
  in.op = static_cast<Op>(w & 0xFF);
  in.k = static_cast<uint8_t>(w >> 8);
  in.a = static_cast<uint16_t>(w >> 16);
  in.bx = static_cast<uint32_t>(w >> 32);
  return in;
}

void put_quiet(Writer& w, const QuietDesc& q) {
  w.flag(q.present);
  w.i32(q.start_minutes);
  w.i32(q.end_minutes);
  w.u32(q.tz_fn);
  w.flag(q.skip);
}

void put_constant(Writer& w, const ConstantDesc& c) {
  w.e8(c.kind);
  switch (c.kind) {
    case Kind::kBool: w.flag(c.b); break;
    case Kind::kInt:
    case Kind::kTime:
    case Kind::kDuration: w.i64(c.i); break;
    case Kind::kFloat: w.f64(c.f); break;
    case Kind::kString: w.u32(c.string); break;
    case Kind::kList:
      w.count(c.items.size());
      for (uint32_t item : c.items) w.u32(item);
      break;
    default: break;
  }
}

void put_function(Writer& w, const Function& fn) {
  w.str(fn.name);
  w.e8(fn.kind);
  w.u16(fn.num_registers);
  w.u16(fn.num_locals);
  w.count(fn.code.size());
  for (const Instr& in : fn.code) w.u64(encode_instr(in));
  w.count(fn.debug.size());
  for (const DebugLoc& d : fn.debug) {
    w.u32(d.pc);
    w.u32(d.file);
    w.u32(d.line);
    w.u32(d.col);
  }
}

void put_journey(Writer& w, const JourneyDesc& j) {
  w.str(j.name);
  w.u32(j.body_fn);
  w.count(j.triggers.size());
  for (const TriggerDesc& t : j.triggers) {
    w.e8(t.kind);
    w.str(t.event);
    w.u32(t.where_fn);
    w.u32(t.segment);
    w.i64(t.at_ms);
    w.i64(t.every_ms);
  }
  w.u32(j.audience_fn);
  w.u32(j.key_fn);
  w.count(j.exit_on.size());
  for (const ExitOnDesc& e : j.exit_on) {
    w.str(e.event);
    w.u32(e.where_fn);
  }
  w.u32(j.exit_when_fn);
  w.e8(j.reentry);
  w.i64(j.reentry_after_ms);
  w.i64(j.limit_count);
  w.i64(j.limit_window_ms);
  put_quiet(w, j.quiet);
  w.count(j.goals.size());
  for (const GoalDesc& g : j.goals) {
    w.str(g.event);
    w.u32(g.where_fn);
    w.i64(g.within_ms);
  }
  w.strs(j.trigger_fields);
  w.u32(j.num_sends);
}

// Every section, in file order.
void put_sections(Writer& w, const Module& m) {
  size_t s = w.begin_section(Section::kFiles);
  w.strs(m.files);
  w.end_section(s);

  s = w.begin_section(Section::kStrings);
  w.count(m.strings.size());
  for (const std::string& str : m.strings) w.str(str);
  w.end_section(s);

  s = w.begin_section(Section::kConstants);
  w.count(m.constant_descs.size());
  for (const ConstantDesc& c : m.constant_descs) put_constant(w, c);
  w.end_section(s);

  s = w.begin_section(Section::kRegexes);
  w.strs(m.regexes);
  w.end_section(s);

  s = w.begin_section(Section::kFunctions);
  w.count(m.functions.size());
  for (const Function& fn : m.functions) put_function(w, fn);
  w.end_section(s);

  s = w.begin_section(Section::kAggregates);
  w.count(m.aggregates.size());
  for (const AggregateDesc& a : m.aggregates) {
    w.e8(a.func);
    w.str(a.event);
    w.strs(a.property);
    w.u32(a.where_fn);
    w.i64(a.within_ms);
  }
  w.end_section(s);

  s = w.begin_section(Section::kSegments);
  w.count(m.segments.size());
  for (const SegmentDesc& g : m.segments) {
    w.str(g.name);
    w.u32(g.fn);
  }
  w.end_section(s);

  s = w.begin_section(Section::kJourneys);
  w.count(m.journeys.size());
  for (const JourneyDesc& j : m.journeys) put_journey(w, j);
  w.end_section(s);

  s = w.begin_section(Section::kSends);
  w.count(m.sends.size());
  for (const SendDesc& d : m.sends) {
    w.e8(d.channel);
    w.str(d.template_name);
    w.strs(d.with_keys);
    w.flag(d.has_to);
    w.str(d.step);
    w.u32(d.line);
    w.u32(d.col);
    w.u32(d.index_in_journey);
  }
  w.end_section(s);

  s = w.begin_section(Section::kWaits);
  w.count(m.waits.size());
  for (const WaitDesc& d : m.waits) {
    w.i32(d.minutes);
    w.u8(d.days);
    w.count(d.branches.size());
    for (const WaitBranch& b : d.branches) {
      w.str(b.event);
      w.u32(b.where_fn);
      w.u32(b.target);
    }
    w.u32(d.timeout_target);
  }
  w.end_section(s);

  s = w.begin_section(Section::kSplits);
  w.count(m.splits.size());
  for (const SplitDesc& d : m.splits) {
    w.str(d.name);
    w.count(d.arms.size());
    for (const SplitArm& a : d.arms) {
      w.str(a.name);
      w.u32(a.basis_points);
      w.flag(a.is_control);
      w.u32(a.target);
    }
  }
  w.end_section(s);

  s = w.begin_section(Section::kSteps);
  w.count(m.steps.size());
  for (const StepDesc& d : m.steps) {
    w.str(d.name);
    w.u32(d.line);
    w.u32(d.col);
  }
  w.end_section(s);

  s = w.begin_section(Section::kCaps);
  w.count(m.caps.size());
  for (const CapDesc& c : m.caps) {
    w.e8(c.channel);
    w.i64(c.count);
    w.i64(c.window_ms);
  }
  w.end_section(s);

  s = w.begin_section(Section::kPolicy);
  put_quiet(w, m.policy_quiet);
  w.end_section(s);
}

uint64_t load_u64(std::string_view b, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(b[at + i])} << (8 * i);
  return v;
}

uint32_t load_u32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(b[at + i])} << (8 * i);
  return v;
}

void store_u64(std::string& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<char>(v >> (8 * i));
}

std::string write_bytes(const Module& m, uint64_t* hash) {
  Writer w;
  w.out.append(kModuleMagic, sizeof kModuleMagic);
  w.u32(kFormatVersion);
  w.u32(0);  // flags
  w.u64(0);  // content hash, below
  w.u32(kSectionCount);
  put_sections(w, m);
  uint64_t h = fnv1a64(std::string_view(w.out).substr(kModuleHeaderSize));
  store_u64(w.out, kContentHashOffset, h);
  w.u64(fnv1a64(w.out));
  if (hash) *hash = h;
  return std::move(w.out);
}

// ---------------------------------------------------------------- reading

// Reads little-endian fields from one section's bytes. The first failure sticks: it records the
// message and the absolute offset, and every later read returns zero.
class Reader {
 public:
  Reader(std::string_view bytes, size_t base) : b_(bytes), base_(base) {}

  bool ok() const { return error_.empty(); }
  size_t offset() const { return base_ + pos_; }
  size_t remaining() const { return b_.size() - pos_; }
  const std::string& error() const { return error_; }
  size_t error_offset() const { return error_offset_; }

  void fail(std::string message, size_t at) {
    if (!ok()) return;
    error_ = std::move(message);
    error_offset_ = at;
  }
  void fail(std::string message) { fail(std::move(message), offset()); }

  uint8_t u8() { return static_cast<uint8_t>(le(1)); }
  uint16_t u16() { return static_cast<uint16_t>(le(2)); }
  uint32_t u32() { return static_cast<uint32_t>(le(4)); }
  uint64_t u64() { return le(8); }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  int64_t i64() { return static_cast<int64_t>(u64()); }
  double f64() { return std::bit_cast<double>(u64()); }

  bool flag() {
    size_t at = offset();
    uint8_t v = u8();
    if (v > 1) fail(fmt::format("flag byte {} is neither 0 nor 1", v), at);
    return v == 1;
  }

  // An enum stored in a byte, refused beyond its last value.
  template <class E>
  E e8(E last, std::string_view what) {
    size_t at = offset();
    uint8_t v = u8();
    if (v > static_cast<uint8_t>(last)) {
      fail(fmt::format("unknown {} {}", what, v), at);
      v = 0;
    }
    return static_cast<E>(v);
  }

  // A count of items of at least `min_bytes` each: never more than the bytes left can hold.
  uint32_t count(size_t min_bytes, std::string_view what) {
    size_t at = offset();
    uint32_t n = u32();
    if (n > remaining() / min_bytes) {
      fail(fmt::format("count of {} {} is more than the {} bytes left can hold", n, what, remaining()), at);
      return 0;
    }
    return n;
  }

  std::string str() {
    size_t at = offset();
    uint32_t n = u32();
    if (n > remaining()) {
      fail(fmt::format("string of {} bytes runs past the end of the section ({} bytes left)", n, remaining()), at);
      return {};
    }
    std::string s(b_.substr(pos_, n));
    pos_ += n;
    return s;
  }

  std::vector<std::string> strs(std::string_view what) {
    std::vector<std::string> v(count(4, what));
    for (std::string& s : v) s = str();
    return v;
  }

 private:
  uint64_t le(int bytes) {
    if (!ok()) return 0;
    if (remaining() < static_cast<size_t>(bytes)) {
      fail(fmt::format("truncated: {} bytes needed, {} left in the section", bytes, remaining()));
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= uint64_t{static_cast<unsigned char>(b_[pos_ + i])} << (8 * i);
    pos_ += bytes;
    return v;
  }

  std::string_view b_;
  size_t base_;
  size_t pos_ = 0;
  std::string error_;
  size_t error_offset_ = 0;
};

// Where each table item starts in the file (for verifier faults), and each function's code.
struct Offsets {
  std::array<size_t, kSectionCount + 2> section{};
  std::array<std::vector<size_t>, kSectionCount + 2> items;
  std::vector<size_t> code;

  size_t of(const VerifyError& e) const {
    auto s = static_cast<size_t>(e.section);
    if (e.section == Section::kFunctions && e.pc != kNone && e.item < code.size()) return code[e.item] + 8 * size_t{e.pc};
    if (e.item < items[s].size()) return items[s][e.item];
    return section[s];
  }
};

// Minimum encoded sizes of table items (lower bounds for count checks).
constexpr size_t kMinString = 4, kMinConstant = 1, kMinFunction = 17, kMinInstr = 8, kMinDebug = 16,
                 kMinAggregate = 21, kMinSegment = 8, kMinJourney = 79, kMinTrigger = 29, kMinExitOn = 8,
                 kMinGoal = 16, kMinSend = 26, kMinWait = 13, kMinBranch = 12, kMinSplit = 8, kMinArm = 13,
                 kMinStep = 12, kMinCap = 17;

QuietDesc get_quiet(Reader& r) {
  QuietDesc q;
  q.present = r.flag();
  q.start_minutes = r.i32();
  q.end_minutes = r.i32();
  q.tz_fn = r.u32();
  q.skip = r.flag();
  return q;
}

void get_constant(Reader& r, ConstantDesc& c) {
  size_t at = r.offset();
  c.kind = r.e8(Kind::kObject, "constant kind");
  switch (c.kind) {
    case Kind::kNull: break;
    case Kind::kBool: c.b = r.flag(); break;
    case Kind::kInt:
    case Kind::kTime:
    case Kind::kDuration: c.i = r.i64(); break;
    case Kind::kFloat: c.f = r.f64(); break;
    case Kind::kString: c.string = r.u32(); break;
    case Kind::kList:
      c.items.resize(r.count(4, "list items"));
      for (uint32_t& item : c.items) item = r.u32();
      break;
    case Kind::kObject: r.fail("a constant of kind object (no constant is an object)", at); break;
  }
}

void get_function(Reader& r, Function& fn, Offsets& off) {
  fn.name = r.str();
  fn.kind = r.e8(FunctionKind::kJourney, "function kind");
  fn.num_registers = r.u16();
  fn.num_locals = r.u16();
  fn.code.resize(r.count(kMinInstr, "instructions"));
  off.code.push_back(r.offset());
  for (Instr& in : fn.code) in = decode_instr(r.u64());
  fn.debug.resize(r.count(kMinDebug, "debug entries"));
  for (DebugLoc& d : fn.debug) {
    d.pc = r.u32();
    d.file = r.u32();
    d.line = r.u32();
    d.col = r.u32();
  }
}

void get_journey(Reader& r, JourneyDesc& j) {
  j.name = r.str();
  j.body_fn = r.u32();
  j.triggers.resize(r.count(kMinTrigger, "triggers"));
  for (TriggerDesc& t : j.triggers) {
    t.kind = r.e8(TriggerKind::kScheduleEvery, "trigger kind");
    t.event = r.str();
    t.where_fn = r.u32();
    t.segment = r.u32();
    t.at_ms = r.i64();
    t.every_ms = r.i64();
  }
  j.audience_fn = r.u32();
  j.key_fn = r.u32();
  j.exit_on.resize(r.count(kMinExitOn, "exit rules"));
  for (ExitOnDesc& e : j.exit_on) {
    e.event = r.str();
    e.where_fn = r.u32();
  }
  j.exit_when_fn = r.u32();
  j.reentry = r.e8(Reentry::kAfter, "reentry");
  j.reentry_after_ms = r.i64();
  j.limit_count = r.i64();
  j.limit_window_ms = r.i64();
  j.quiet = get_quiet(r);
  j.goals.resize(r.count(kMinGoal, "goals"));
  for (GoalDesc& g : j.goals) {
    g.event = r.str();
    g.where_fn = r.u32();
    g.within_ms = r.i64();
  }
  j.trigger_fields = r.strs("trigger fields");
  j.num_sends = r.u32();
}

// Reads the items of a table: a count, then each item (its start recorded).
template <class T, class F>
void get_table(Reader& r, std::vector<T>& out, size_t min_bytes, std::string_view what, std::vector<size_t>& starts, F item) {
  uint32_t n = r.count(min_bytes, what);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {  // grows with what is read, not with the count
    starts.push_back(r.offset());
    item(out.emplace_back());
  }
}

void get_section(Reader& r, Section s, Module& m, Offsets& off) {
  std::vector<size_t>& starts = off.items[static_cast<size_t>(s)];
  switch (s) {
    case Section::kFiles:
      get_table(r, m.files, kMinString, "files", starts, [&](std::string& x) { x = r.str(); });
      break;
    case Section::kStrings: {
      uint32_t n = r.count(kMinString, "strings");
      for (uint32_t i = 0; i < n && r.ok(); ++i) {
        starts.push_back(r.offset());
        m.strings.push_back(r.str());
        m.string_index.emplace(std::string_view(m.strings.back()), i);  // the first of equal strings
      }
      break;
    }
    case Section::kConstants:
      get_table(r, m.constant_descs, kMinConstant, "constants", starts, [&](ConstantDesc& c) { get_constant(r, c); });
      break;
    case Section::kRegexes:
      get_table(r, m.regexes, kMinString, "regexes", starts, [&](std::string& x) { x = r.str(); });
      break;
    case Section::kFunctions:
      get_table(r, m.functions, kMinFunction, "functions", starts, [&](Function& f) { get_function(r, f, off); });
      break;
    case Section::kAggregates:
      get_table(r, m.aggregates, kMinAggregate, "aggregates", starts, [&](AggregateDesc& a) {
        a.func = r.e8(AggFunc::kLast, "aggregate function");
        a.event = r.str();
        a.property = r.strs("property path parts");
        a.where_fn = r.u32();
        a.within_ms = r.i64();
      });
      break;
    case Section::kSegments:
      get_table(r, m.segments, kMinSegment, "segments", starts, [&](SegmentDesc& g) {
        g.name = r.str();
        g.fn = r.u32();
      });
      break;
    case Section::kJourneys:
      get_table(r, m.journeys, kMinJourney, "journeys", starts, [&](JourneyDesc& j) { get_journey(r, j); });
      break;
    case Section::kSends:
      get_table(r, m.sends, kMinSend, "sends", starts, [&](SendDesc& d) {
        d.channel = r.e8(Channel::kInApp, "channel");
        d.template_name = r.str();
        d.with_keys = r.strs("with keys");
        d.has_to = r.flag();
        d.step = r.str();
        d.line = r.u32();
        d.col = r.u32();
        d.index_in_journey = r.u32();
      });
      break;
    case Section::kWaits:
      get_table(r, m.waits, kMinWait, "waits", starts, [&](WaitDesc& d) {
        d.minutes = r.i32();
        d.days = r.u8();
        d.branches.resize(r.count(kMinBranch, "wait branches"));
        for (WaitBranch& b : d.branches) {
          b.event = r.str();
          b.where_fn = r.u32();
          b.target = r.u32();
        }
        d.timeout_target = r.u32();
      });
      break;
    case Section::kSplits:
      get_table(r, m.splits, kMinSplit, "splits", starts, [&](SplitDesc& d) {
        d.name = r.str();
        d.arms.resize(r.count(kMinArm, "split arms"));
        for (SplitArm& a : d.arms) {
          a.name = r.str();
          a.basis_points = r.u32();
          a.is_control = r.flag();
          a.target = r.u32();
        }
      });
      break;
    case Section::kSteps:
      get_table(r, m.steps, kMinStep, "steps", starts, [&](StepDesc& d) {
        d.name = r.str();
        d.line = r.u32();
        d.col = r.u32();
      });
      break;
    case Section::kCaps:
      get_table(r, m.caps, kMinCap, "caps", starts, [&](CapDesc& c) {
        c.channel = r.e8(Channel::kInApp, "channel");
        c.count = r.i64();
        c.window_ms = r.i64();
      });
      break;
    case Section::kPolicy:
      starts.push_back(r.offset());
      m.policy_quiet = get_quiet(r);
      break;
    default: break;
  }
}

void reset(Module& m) {
  m.files.clear();
  m.strings.clear();
  m.constant_descs.clear();
  m.regexes.clear();
  m.functions.clear();
  m.aggregates.clear();
  m.segments.clear();
  m.journeys.clear();
  m.sends.clear();
  m.waits.clear();
  m.splits.clear();
  m.steps.clear();
  m.caps.clear();
  m.policy_quiet = QuietDesc{};
  m.content_hash = 0;
  m.constants.clear();
  m.list_storage.clear();
  m.compiled_regexes.clear();
  m.string_index.clear();
}

// Reads and checks everything; on failure `where`/`at`/`what` say what went wrong.
struct Fault {
  Section where = Section::kHeader;
  size_t at = 0;
  std::string what;
};

bool decode(std::string_view b, Module& m, Fault& fault) {
  auto fail = [&](Section s, size_t at, std::string what) {
    fault = {s, at, std::move(what)};
    return false;
  };
  if (b.size() < sizeof kModuleMagic || std::memcmp(b.data(), kModuleMagic, sizeof kModuleMagic) != 0)
    return fail(Section::kHeader, 0, "bad magic: not a laud module file");
  const size_t min_size = kModuleHeaderSize + kModuleTrailerSize;
  if (b.size() < min_size)
    return fail(Section::kHeader, b.size(), fmt::format("truncated: {} bytes, a module has at least {}", b.size(), min_size));
  if (uint32_t v = load_u32(b, 8); v != kFormatVersion)
    return fail(Section::kHeader, 8, fmt::format("format version {}; this build reads version {}", v, kFormatVersion));
  if (uint32_t flags = load_u32(b, 12); flags != 0)
    return fail(Section::kHeader, 12, fmt::format("unknown flags 0x{:x}", flags));
  const size_t end = b.size() - kModuleTrailerSize;
  if (fnv1a64(b.substr(0, end)) != load_u64(b, end))
    return fail(Section::kTrailer, end, "checksum mismatch: the file is damaged or truncated");
  m.content_hash = load_u64(b, kContentHashOffset);
  if (fnv1a64(b.substr(kModuleHeaderSize, end - kModuleHeaderSize)) != m.content_hash)
    return fail(Section::kHeader, kContentHashOffset, "content hash does not match the sections");
  if (uint32_t n = load_u32(b, 24); n != kSectionCount)
    return fail(Section::kHeader, 24, fmt::format("{} sections; format version {} has {}", n, kFormatVersion, kSectionCount));

  Offsets off;
  size_t pos = kModuleHeaderSize;
  for (uint32_t tag = 1; tag <= kSectionCount; ++tag) {
    auto s = static_cast<Section>(tag);
    if (end - pos < 8)
      return fail(s, pos, fmt::format("truncated: the section header needs 8 bytes, {} left", end - pos));
    if (uint32_t t = load_u32(b, pos); t != tag)
      return fail(s, pos, fmt::format("found tag {} where section `{}` (tag {}) belongs", t, section_name(s), tag));
    uint32_t len = load_u32(b, pos + 4);
    if (len > end - pos - 8)
      return fail(s, pos + 4, fmt::format("length {} overruns the file ({} bytes left)", len, end - pos - 8));
    off.section[tag] = pos;
    Reader r(b.substr(pos + 8, len), pos + 8);
    get_section(r, s, m, off);
    if (!r.ok()) return fail(s, r.error_offset(), r.error());
    if (r.remaining() != 0) return fail(s, r.offset(), fmt::format("{} bytes left over at the end of the section", r.remaining()));
    pos += 8 + size_t{len};
  }
  if (pos != end) return fail(Section::kTrailer, pos, fmt::format("{} bytes after the last section", end - pos));

  VerifyError ve;
  if (!verify_module(m, ve)) return fail(ve.section, off.of(ve), ve.message);
  std::string error;
  if (!m.finalize_views(&error)) {
    // The verifier has checked the constants: the fault is the first regex that did not compile.
    size_t ri = m.compiled_regexes.size();
    const auto& starts = off.items[static_cast<size_t>(Section::kRegexes)];
    return fail(Section::kRegexes, ri < starts.size() ? starts[ri] : off.section[static_cast<size_t>(Section::kRegexes)], error);
  }
  return true;
}

}  // namespace

std::string write_module(const Module& m) { return write_bytes(m, nullptr); }

std::string write_module(Module& m) { return write_bytes(m, &m.content_hash); }

bool read_module(std::string_view bytes, Module& out, std::string* error, std::string_view name) {
  reset(out);
  Fault fault;
  if (decode(bytes, out, fault)) return true;
  if (error) {
    std::string where = fault.where == Section::kHeader || fault.where == Section::kTrailer
                            ? std::string(section_name(fault.where))
                            : fmt::format("section `{}`", section_name(fault.where));
    *error = fmt::format("{}: bad module: {} at offset {}: {}", name, where, fault.at, fault.what);
  }
  reset(out);
  return false;
}

bool load_module_file(const std::string& path, Module& out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = path + ": cannot open the module file";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    if (error) *error = path + ": cannot read the module file";
    return false;
  }
  return read_module(ss.str(), out, error, path);
}

bool save_module_file(const std::string& path, Module& m, std::string* error) {
  std::string bytes = write_module(m);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    if (error) *error = path + ": cannot write the module file";
    return false;
  }
  return true;
}

void reseal_module(std::string& bytes) {
  if (bytes.size() < kModuleHeaderSize + kModuleTrailerSize) return;
  const size_t end = bytes.size() - kModuleTrailerSize;
  std::string_view v(bytes);
  store_u64(bytes, kContentHashOffset, fnv1a64(v.substr(kModuleHeaderSize, end - kModuleHeaderSize)));
  store_u64(bytes, end, fnv1a64(v.substr(0, end)));
}

}  // namespace laud::vm
