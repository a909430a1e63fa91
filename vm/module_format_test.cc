// module_format_test.cc — the module file: hand-built modules written, read back and compared
// field by field; writing is deterministic and canonical (write(read(bytes)) == bytes); the
// Module's interning, constant deduplication and run-time views; the committed fuzz seeds.
#include "vm/module_format.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <unistd.h>

#include <bit>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <tuple>

#include "vm/test_modules.h"
#include "vm/verifier.h"

namespace laud::vm {

// Field-by-field equality of everything the file holds (test-only).
inline auto fields(const DebugLoc& x) { return std::tie(x.pc, x.file, x.line, x.col); }
inline auto fields(const AggregateDesc& x) { return std::tie(x.func, x.event, x.property, x.where_fn, x.within_ms); }
inline auto fields(const SendDesc& x) {
  return std::tie(x.channel, x.template_name, x.with_keys, x.has_to, x.step, x.line, x.col, x.index_in_journey);
}
inline auto fields(const WaitBranch& x) { return std::tie(x.event, x.where_fn, x.target); }
inline auto fields(const SplitArm& x) { return std::tie(x.name, x.basis_points, x.is_control, x.target); }
inline auto fields(const StepDesc& x) { return std::tie(x.name, x.line, x.col); }
inline auto fields(const TriggerDesc& x) { return std::tie(x.kind, x.event, x.where_fn, x.segment, x.at_ms, x.every_ms); }
inline auto fields(const ExitOnDesc& x) { return std::tie(x.event, x.where_fn); }
inline auto fields(const GoalDesc& x) { return std::tie(x.event, x.where_fn, x.within_ms); }
inline auto fields(const QuietDesc& x) { return std::tie(x.present, x.start_minutes, x.end_minutes, x.tz_fn, x.skip); }
inline auto fields(const SegmentDesc& x) { return std::tie(x.name, x.fn); }
inline auto fields(const CapDesc& x) { return std::tie(x.channel, x.count, x.window_ms); }
inline bool operator==(const DebugLoc& a, const DebugLoc& b) { return fields(a) == fields(b); }
inline bool operator==(const AggregateDesc& a, const AggregateDesc& b) { return fields(a) == fields(b); }
inline bool operator==(const SendDesc& a, const SendDesc& b) { return fields(a) == fields(b); }
inline bool operator==(const WaitBranch& a, const WaitBranch& b) { return fields(a) == fields(b); }
inline bool operator==(const SplitArm& a, const SplitArm& b) { return fields(a) == fields(b); }
inline bool operator==(const StepDesc& a, const StepDesc& b) { return fields(a) == fields(b); }
inline bool operator==(const TriggerDesc& a, const TriggerDesc& b) { return fields(a) == fields(b); }
inline bool operator==(const ExitOnDesc& a, const ExitOnDesc& b) { return fields(a) == fields(b); }
inline bool operator==(const GoalDesc& a, const GoalDesc& b) { return fields(a) == fields(b); }
inline bool operator==(const QuietDesc& a, const QuietDesc& b) { return fields(a) == fields(b); }
inline bool operator==(const SegmentDesc& a, const SegmentDesc& b) { return fields(a) == fields(b); }
inline bool operator==(const CapDesc& a, const CapDesc& b) { return fields(a) == fields(b); }
inline bool operator==(const Instr& a, const Instr& b) {
  return a.op == b.op && a.k == b.k && a.a == b.a && a.bx == b.bx;
}
inline bool operator==(const WaitDesc& a, const WaitDesc& b) {
  return a.minutes == b.minutes && a.days == b.days && a.branches == b.branches && a.timeout_target == b.timeout_target;
}
inline bool operator==(const SplitDesc& a, const SplitDesc& b) { return a.name == b.name && a.arms == b.arms; }

namespace {

using test::build_sample;
using test::build_segment_only;
using test::build_tiny_journey;

void expect_equal(const Module& a, const Module& b) {
  EXPECT_EQ(a.files, b.files);
  EXPECT_EQ(std::vector<std::string>(a.strings.begin(), a.strings.end()),
            std::vector<std::string>(b.strings.begin(), b.strings.end()));
  ASSERT_EQ(a.constant_descs.size(), b.constant_descs.size());
  for (size_t i = 0; i < a.constant_descs.size(); ++i) {
    const ConstantDesc& x = a.constant_descs[i];
    const ConstantDesc& y = b.constant_descs[i];
    EXPECT_EQ(x.kind, y.kind) << "constant " << i;
    switch (x.kind) {
      case Kind::kBool: EXPECT_EQ(x.b, y.b) << "constant " << i; break;
      case Kind::kInt:
      case Kind::kTime:
      case Kind::kDuration: EXPECT_EQ(x.i, y.i) << "constant " << i; break;
      case Kind::kFloat: EXPECT_EQ(std::bit_cast<uint64_t>(x.f), std::bit_cast<uint64_t>(y.f)) << "constant " << i; break;
      case Kind::kString: EXPECT_EQ(x.string, y.string) << "constant " << i; break;
      case Kind::kList: EXPECT_EQ(x.items, y.items) << "constant " << i; break;
      default: break;
    }
  }
  EXPECT_EQ(a.regexes, b.regexes);
  ASSERT_EQ(a.functions.size(), b.functions.size());
  for (size_t i = 0; i < a.functions.size(); ++i) {
    const Function& x = a.functions[i];
    const Function& y = b.functions[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.kind, y.kind) << x.name;
    EXPECT_EQ(x.num_registers, y.num_registers) << x.name;
    EXPECT_EQ(x.num_locals, y.num_locals) << x.name;
    EXPECT_TRUE(x.code == y.code) << x.name;
    EXPECT_TRUE(x.debug == y.debug) << x.name;
  }
  EXPECT_TRUE(a.aggregates == b.aggregates);
  EXPECT_TRUE(a.segments == b.segments);
  ASSERT_EQ(a.journeys.size(), b.journeys.size());
  for (size_t i = 0; i < a.journeys.size(); ++i) {
    const JourneyDesc& x = a.journeys[i];
    const JourneyDesc& y = b.journeys[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.body_fn, y.body_fn);
    EXPECT_TRUE(x.triggers == y.triggers);
    EXPECT_EQ(x.audience_fn, y.audience_fn);
    EXPECT_EQ(x.key_fn, y.key_fn);
    EXPECT_TRUE(x.exit_on == y.exit_on);
    EXPECT_EQ(x.exit_when_fn, y.exit_when_fn);
    EXPECT_EQ(x.reentry, y.reentry);
    EXPECT_EQ(x.reentry_after_ms, y.reentry_after_ms);
    EXPECT_EQ(x.limit_count, y.limit_count);
    EXPECT_EQ(x.limit_window_ms, y.limit_window_ms);
    EXPECT_TRUE(x.quiet == y.quiet);
    EXPECT_TRUE(x.goals == y.goals);
    EXPECT_EQ(x.trigger_fields, y.trigger_fields);
    EXPECT_EQ(x.num_sends, y.num_sends);
  }
  EXPECT_TRUE(a.sends == b.sends);
  EXPECT_TRUE(a.waits == b.waits);
  EXPECT_TRUE(a.splits == b.splits);
  EXPECT_TRUE(a.steps == b.steps);
  EXPECT_TRUE(a.caps == b.caps);
  EXPECT_TRUE(a.policy_quiet == b.policy_quiet);
}

void round_trip(void (*build)(Module&)) {
  Module m;
  build(m);
  std::string error;
  ASSERT_TRUE(verify_module(m, &error)) << error;
  std::string bytes = write_module(m);
  Module back;
  ASSERT_TRUE(read_module(bytes, back, &error)) << error;
  expect_equal(m, back);
  EXPECT_EQ(write_module(back), bytes);  // canonical: write(read(write)) == write
  // The run-time views are built and the content hash is the header's.
  EXPECT_EQ(back.constants.size(), back.constant_descs.size());
  EXPECT_EQ(back.compiled_regexes.size(), back.regexes.size());
  uint64_t hash = 0;
  for (int i = 0; i < 8; ++i) hash |= uint64_t{static_cast<unsigned char>(bytes[kContentHashOffset + i])} << (8 * i);
  EXPECT_EQ(back.content_hash, hash);
}

TEST(ModuleFormat, RoundTripsTheSampleModule) { round_trip(build_sample); }
TEST(ModuleFormat, RoundTripsASegmentOnlyModule) { round_trip(build_segment_only); }
TEST(ModuleFormat, RoundTripsATinyJourney) { round_trip(build_tiny_journey); }
TEST(ModuleFormat, RoundTripsFusedTests) { round_trip(test::build_fused_tests); }
TEST(ModuleFormat, RoundTripsFusedFieldTests) { round_trip(test::build_fused_field_tests); }
TEST(ModuleFormat, RoundTripsAnEmptyModule) { round_trip([](Module&) {}); }

TEST(ModuleFormat, HeaderSectionsAndTrailerAreLaidOutAsDocumented) {
  Module m;
  build_sample(m);
  std::string bytes = write_module(m);
  ASSERT_GT(bytes.size(), kModuleHeaderSize + kModuleTrailerSize);
  EXPECT_EQ(bytes.substr(0, 8), std::string("LAUDMOD\0", 8));
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
    return v;
  };
  auto u64 = [&](size_t at) { return uint64_t{u32(at)} | uint64_t{u32(at + 4)} << 32; };
  EXPECT_EQ(u32(8), kFormatVersion);
  EXPECT_EQ(u32(12), 0u);
  EXPECT_EQ(u32(24), kSectionCount);
  size_t pos = kModuleHeaderSize;
  for (uint32_t tag = 1; tag <= kSectionCount; ++tag) {
    EXPECT_EQ(u32(pos), tag);
    pos += 8 + u32(pos + 4);
  }
  EXPECT_EQ(pos, bytes.size() - kModuleTrailerSize);
  std::string_view v(bytes);
  EXPECT_EQ(u64(kContentHashOffset), fnv1a64(v.substr(kModuleHeaderSize, pos - kModuleHeaderSize)));
  EXPECT_EQ(u64(pos), fnv1a64(v.substr(0, pos)));
}

TEST(ModuleFormat, WritingIsDeterministicAndSetsTheContentHash) {
  Module a, b;
  build_sample(a);
  build_sample(b);
  const Module& ca = a;
  std::string x = write_module(ca);
  EXPECT_EQ(a.content_hash, 0u);  // the const overload leaves the module alone
  std::string y = write_module(b);
  EXPECT_EQ(x, y);
  EXPECT_NE(b.content_hash, 0u);
  Module back;
  std::string error;
  ASSERT_TRUE(read_module(x, back, &error)) << error;
  EXPECT_EQ(back.content_hash, b.content_hash);
  // A different module has a different hash.
  Module c;
  build_sample(c);
  c.steps[0].line += 1;
  write_module(c);
  EXPECT_NE(c.content_hash, b.content_hash);
}

TEST(ModuleFormat, ReadingReplacesWhatTheModuleHeld) {
  Module m;
  build_sample(m);
  std::string sample = write_module(m);
  Module t;
  build_tiny_journey(t);
  std::string tiny = write_module(t);
  Module out;
  std::string error;
  ASSERT_TRUE(read_module(sample, out, &error)) << error;
  ASSERT_TRUE(read_module(tiny, out, &error)) << error;
  expect_equal(t, out);
  EXPECT_FALSE(read_module("garbage", out, &error));
  EXPECT_TRUE(out.functions.empty());
}

TEST(ModuleFormat, LoadsAndSavesFiles) {
  auto dir = std::filesystem::temp_directory_path() / ("laud_module_format_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "sample.ljb").string();
  Module m;
  build_sample(m);
  std::string error;
  ASSERT_TRUE(save_module_file(path, m, &error)) << error;
  Module back;
  ASSERT_TRUE(load_module_file(path, back, &error)) << error;
  expect_equal(m, back);
  EXPECT_EQ(back.content_hash, m.content_hash);
  EXPECT_FALSE(load_module_file((dir / "missing.ljb").string(), back, &error));
  EXPECT_NE(error.find("missing.ljb: cannot open"), std::string::npos) << error;
  {
    std::ofstream bad(path, std::ios::binary | std::ios::trunc);
    bad << "LAUDMOD";
  }
  EXPECT_FALSE(load_module_file(path, back, &error));
  EXPECT_NE(error.find(path + ": bad module: header at offset 0: bad magic"), std::string::npos) << error;
  std::filesystem::remove_all(dir);
}

// ---------------------------------------------------------------- the in-memory Module

TEST(Module, InternsStrings) {
  Module m;
  uint32_t a = m.intern("hello");
  uint32_t b = m.intern("world");
  EXPECT_NE(a, b);
  EXPECT_EQ(m.intern(std::string("hel") + "lo"), a);
  EXPECT_EQ(m.strings.size(), 2u);
  for (int i = 0; i < 1000; ++i) m.intern("s" + std::to_string(i));  // the deque keeps views valid
  EXPECT_EQ(m.intern("hello"), a);
  EXPECT_EQ(m.intern("s999"), 1001u);
}

TEST(Module, DeduplicatesScalarAndStringConstantsButNotLists) {
  Module m;
  uint32_t s1 = test::str_const(m, "x");
  EXPECT_EQ(test::str_const(m, "x"), s1);
  uint32_t i1 = test::int_const(m, Kind::kInt, 7);
  EXPECT_EQ(test::int_const(m, Kind::kInt, 7), i1);
  EXPECT_NE(test::int_const(m, Kind::kDuration, 7), i1);  // same bits, another kind
  ConstantDesc z, nz;
  z.kind = nz.kind = Kind::kFloat;
  z.f = 0.0;
  nz.f = -0.0;
  uint32_t zi = m.add_constant(z);
  EXPECT_NE(m.add_constant(nz), zi);
  EXPECT_EQ(m.add_constant(z), zi);
  ConstantDesc n1, n2;
  EXPECT_EQ(m.add_constant(n1), m.add_constant(n2));
  ConstantDesc l;
  l.kind = Kind::kList;
  l.items = {i1};
  uint32_t l1 = m.add_constant(l);
  EXPECT_NE(m.add_constant(l), l1);
}

TEST(Module, FinalizeViewsPointsIntoTheModule) {
  Module m;
  build_sample(m);
  std::string error;
  ASSERT_TRUE(m.finalize_views(&error)) << error;
  ASSERT_EQ(m.constants.size(), m.constant_descs.size());
  for (size_t i = 0; i < m.constants.size(); ++i) {
    const ConstantDesc& d = m.constant_descs[i];
    const Value& v = m.constants[i];
    EXPECT_EQ(v.kind, d.kind);
    if (d.kind == Kind::kString) {
      EXPECT_EQ(v.s, m.strings[d.string].data());  // a view, not a copy
      EXPECT_EQ(v.str(), m.strings[d.string]);
    }
    if (d.kind == Kind::kList) {
      ASSERT_EQ(v.size, d.items.size());
      for (size_t k = 0; k < d.items.size(); ++k) EXPECT_EQ(v.list[k].kind, m.constants[d.items[k]].kind);
      EXPECT_EQ(v.list[1].str(), "pro");
    }
  }
  ASSERT_EQ(m.compiled_regexes.size(), 1u);
  EXPECT_TRUE(RE2::PartialMatch("ada@example.com", *m.compiled_regexes[0]));
  // Again: the views are rebuilt, not appended.
  ASSERT_TRUE(m.finalize_views(&error)) << error;
  EXPECT_EQ(m.constants.size(), m.constant_descs.size());
  EXPECT_EQ(m.compiled_regexes.size(), 1u);
}

TEST(Module, FinalizeViewsRefusesBadRegexesAndBadConstants) {
  Module m;
  m.regexes = {"ok", "(unclosed"};
  std::string error;
  EXPECT_FALSE(m.finalize_views(&error));
  EXPECT_NE(error.find("regex 1 `(unclosed` does not compile: missing )"), std::string::npos) << error;

  Module f;
  ConstantDesc l;
  l.kind = Kind::kList;
  l.items = {0};
  f.constant_descs.push_back(l);  // refers to itself
  EXPECT_FALSE(f.finalize_views(&error));
  EXPECT_NE(error.find("constant 0: list item 0 is not an earlier constant"), std::string::npos) << error;

  Module s;
  ConstantDesc d;
  d.kind = Kind::kString;
  d.string = 3;
  s.constant_descs.push_back(d);
  EXPECT_FALSE(s.finalize_views(&error));
  EXPECT_NE(error.find("string 3 out of range"), std::string::npos) << error;
}

TEST(Module, NamesChannels) {
  EXPECT_EQ(channel_name(Channel::kEmail), "email");
  EXPECT_EQ(channel_name(Channel::kSms), "sms");
  EXPECT_EQ(channel_name(Channel::kPush), "push");
  EXPECT_EQ(channel_name(Channel::kWebhook), "webhook");
  EXPECT_EQ(channel_name(Channel::kSlack), "slack");
  EXPECT_EQ(channel_name(Channel::kInApp), "in_app");
}

// ---------------------------------------------------------------- fuzz seeds

struct Seed {
  const char* file;
  void (*build)(Module&);
};
const Seed kSeeds[] = {
    {"sample.seed", build_sample},
    {"segment_only.seed", build_segment_only},
    {"tiny_journey.seed", build_tiny_journey},
    {"fused_tests.seed", test::build_fused_tests},
    {"fused_field_tests.seed", test::build_fused_field_tests},
    {"empty.seed", [](Module&) {}},
};

// The committed seeds under fuzz/seeds/module/ (module files named *.seed: *.ljb is ignored by
// git) are exactly what the builders write today; with LAUD_WRITE_SEEDS=1 this test rewrites
// them (after a change of the format or the samples).
TEST(ModuleFormat, FuzzSeedsAreCurrent) {
  std::filesystem::path dir = std::filesystem::path(LAUD_SOURCE_DIR) / "fuzz" / "seeds" / "module";
  bool rewrite = std::getenv("LAUD_WRITE_SEEDS") != nullptr;
  if (rewrite) std::filesystem::create_directories(dir);
  for (const Seed& s : kSeeds) {
    Module m;
    s.build(m);
    std::string bytes = write_module(m);
    std::string path = (dir / s.file).string();
    if (rewrite) {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path << " is missing: run with LAUD_WRITE_SEEDS=1";
    std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(committed, bytes) << path << " is stale: run with LAUD_WRITE_SEEDS=1";
    Module back;
    std::string error;
    EXPECT_TRUE(read_module(committed, back, &error, path)) << error;
  }
}

}  // namespace
}  // namespace laud::vm
