// verifier_test.cc — every way a module can be refused: damaged files (magic, version, checksum,
// truncation at every offset, lengths and counts that lie, bad bytes) and one hand-corrupted
// module per verifier rule, each refused both in memory and as a file, with a message that names
// the section and byte offset, or the function and pc.
#include "vm/verifier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "compiler/codegen.h"
#include "compiler/driver.h"

#include "vm/module_format.h"
#include "vm/test_modules.h"

namespace laud::vm {
namespace {

using test::abc;
using test::abx;
using test::build_sample;
using test::jump;
using test::SampleFn;

bool has(const std::string& hay, std::string_view needle) { return hay.find(needle) != std::string::npos; }

uint32_t load_u32(const std::string& b, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(b[at + i])} << (8 * i);
  return v;
}
uint64_t load_u64(const std::string& b, size_t at) { return load_u32(b, at) | uint64_t{load_u32(b, at + 4)} << 32; }
void store_u32(std::string& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>(v >> (8 * i));
}

// Offset of a section's tag in module bytes.
size_t section_at(const std::string& b, Section s) {
  size_t pos = kModuleHeaderSize;
  for (uint32_t tag = 1; tag < static_cast<uint32_t>(s); ++tag) pos += 8 + load_u32(b, pos + 4);
  return pos;
}

std::string sample_bytes() {
  Module m;
  build_sample(m);
  return write_module(m);
}

std::string read_error(const std::string& bytes) {
  Module m;
  std::string error;
  if (read_module(bytes, m, &error, "sample.ljb")) return "";
  return error;
}

uint32_t first_const(const Module& m, Kind k) {
  for (uint32_t i = 0; i < m.constant_descs.size(); ++i)
    if (m.constant_descs[i].kind == k) return i;
  return kNone;
}

// ---------------------------------------------------------------- the samples pass

TEST(Verifier, AcceptsTheSampleModules) {
  for (auto build : {build_sample, test::build_segment_only, test::build_tiny_journey, test::build_fused_tests,
                     test::build_fused_field_tests}) {
    Module m;
    build(m);
    std::string error;
    EXPECT_TRUE(verify_module(m, &error)) << error;
  }
  Module empty;
  EXPECT_TRUE(verify_module(empty, static_cast<std::string*>(nullptr)));
}

// ---------------------------------------------------------------- damaged files

TEST(ModuleFile, RefusesBadMagic) {
  std::string b = sample_bytes();
  b[3] = 'X';
  EXPECT_EQ(read_error(b), "sample.ljb: bad module: header at offset 0: bad magic: not a laud module file");
  EXPECT_TRUE(has(read_error(""), "header at offset 0: bad magic"));
  EXPECT_TRUE(has(read_error("LAUD"), "header at offset 0: bad magic"));
  EXPECT_TRUE(has(read_error(std::string("LAUDMOD\0\1", 9)), "header at offset 9: truncated: 9 bytes"));
}

TEST(ModuleFile, RefusesAnotherFormatVersion) {
  std::string b = sample_bytes();
  store_u32(b, 8, kFormatVersion + 1);
  EXPECT_TRUE(has(read_error(b), "header at offset 8: format version 2; this build reads version 1")) << read_error(b);
}

TEST(ModuleFile, RefusesUnknownFlags) {
  std::string b = sample_bytes();
  store_u32(b, 12, 4);
  reseal_module(b);
  EXPECT_TRUE(has(read_error(b), "header at offset 12: unknown flags 0x4")) << read_error(b);
}

TEST(ModuleFile, RefusesABadChecksum) {
  std::string b = sample_bytes();
  b[b.size() / 2] ^= 0x20;
  std::string e = read_error(b);
  EXPECT_TRUE(has(e, "sample.ljb: bad module: trailer at offset " + std::to_string(b.size() - 8) +
                         ": checksum mismatch: the file is damaged or truncated"))
      << e;
  std::string t = sample_bytes();
  t.back() ^= 1;
  EXPECT_TRUE(has(read_error(t), "checksum mismatch"));
}

TEST(ModuleFile, RefusesAContentHashThatDoesNotMatch) {
  std::string b = sample_bytes();
  b[kContentHashOffset] ^= 1;
  std::string_view v(b);
  size_t end = b.size() - 8;
  uint64_t sum = fnv1a64(v.substr(0, end));
  for (int i = 0; i < 8; ++i) b[end + i] = static_cast<char>(sum >> (8 * i));  // a checksum that fits
  EXPECT_TRUE(has(read_error(b), "header at offset 16: content hash does not match the sections")) << read_error(b);
}

TEST(ModuleFile, RefusesAWrongSectionCount) {
  std::string b = sample_bytes();
  store_u32(b, 24, 13);
  reseal_module(b);
  EXPECT_TRUE(has(read_error(b), "header at offset 24: 13 sections; format version 1 has 14")) << read_error(b);
}

TEST(ModuleFile, RefusesEveryTruncation) {
  const std::string b = sample_bytes();
  for (size_t n = 0; n < b.size(); ++n) {
    std::string cut = b.substr(0, n);
    EXPECT_NE(read_error(cut), "") << "truncated at " << n;
    reseal_module(cut);  // past the checksum: the structure itself must not fit either
    std::string e = read_error(cut);
    ASSERT_NE(e, "") << "resealed truncation at " << n;
    EXPECT_TRUE(has(e, "sample.ljb: bad module: ")) << e;
    EXPECT_TRUE(has(e, " at offset ")) << e;
  }
}

TEST(ModuleFile, RefusesEveryFlippedByte) {
  const std::string b = sample_bytes();
  for (size_t i = 0; i < b.size(); ++i) {
    std::string x = b;
    x[i] ^= 0x41;
    EXPECT_NE(read_error(x), "") << "flipped byte " << i;
    // Resealed, a flip either is refused or reads back to exactly these bytes (canonical form).
    reseal_module(x);
    Module m;
    std::string error;
    if (read_module(x, m, &error)) {
      EXPECT_EQ(write_module(m), x) << "flipped byte " << i;
    }
  }
}

TEST(ModuleFile, RefusesASectionLengthOverrunningTheFile) {
  std::string b = sample_bytes();
  size_t at = section_at(b, Section::kFunctions);
  store_u32(b, at + 4, 0x7FFFFFFF);
  reseal_module(b);
  std::string e = read_error(b);
  EXPECT_TRUE(has(e, "section `functions` at offset " + std::to_string(at + 4) + ": length 2147483647 overruns the file"))
      << e;
}

TEST(ModuleFile, RefusesASectionOutOfOrder) {
  std::string b = sample_bytes();
  size_t at = section_at(b, Section::kWaits);
  store_u32(b, at, static_cast<uint32_t>(Section::kSplits));
  reseal_module(b);
  std::string e = read_error(b);
  EXPECT_TRUE(has(e, "section `waits` at offset " + std::to_string(at) + ": found tag 11 where section `waits` (tag 10) belongs"))
      << e;
}

TEST(ModuleFile, RefusesAHugeCount) {
  std::string b = sample_bytes();
  size_t at = section_at(b, Section::kFunctions) + 8;
  store_u32(b, at, 0xFFFFFFFF);
  reseal_module(b);
  std::string e = read_error(b);
  EXPECT_TRUE(has(e, "section `functions` at offset " + std::to_string(at) + ": count of 4294967295 functions is more than"))
      << e;
  // A string length that lies: the first file name.
  std::string s = sample_bytes();
  size_t f = section_at(s, Section::kFiles) + 12;
  store_u32(s, f, 0xFFFFFFF0);
  reseal_module(s);
  e = read_error(s);
  EXPECT_TRUE(has(e, "section `files` at offset " + std::to_string(f) + ": string of 4294967280 bytes runs past the end"))
      << e;
}

TEST(ModuleFile, RefusesBytesLeftOverInASection) {
  std::string b = sample_bytes();
  size_t at = section_at(b, Section::kPolicy);
  uint32_t len = load_u32(b, at + 4);
  store_u32(b, at + 4, len + 1);
  b.insert(at + 8 + len, 1, '\0');
  reseal_module(b);
  std::string e = read_error(b);
  EXPECT_TRUE(has(e, "section `policy` at offset " + std::to_string(at + 8 + len) + ": 1 bytes left over")) << e;
}

TEST(ModuleFile, RefusesBytesAfterTheLastSection) {
  std::string b = sample_bytes();
  b.insert(b.size() - 8, 3, '\0');
  reseal_module(b);
  EXPECT_TRUE(has(read_error(b), "trailer at offset")) << read_error(b);
  EXPECT_TRUE(has(read_error(b), "3 bytes after the last section")) << read_error(b);
}

TEST(ModuleFile, RefusesAFlagByteThatIsNeitherZeroNorOne) {
  std::string b = sample_bytes();
  size_t at = section_at(b, Section::kPolicy) + 8;  // policy quiet: present
  b[at] = 2;
  reseal_module(b);
  EXPECT_TRUE(has(read_error(b), "section `policy` at offset " + std::to_string(at) + ": flag byte 2 is neither 0 nor 1"))
      << read_error(b);
}

// ---------------------------------------------------------------- one module per rule

struct Case {
  const char* name;
  std::function<void(Module&)> mutate;
  Section section;       // where the file loader reports it
  std::string what;      // in both messages
  std::string read_what = {};  // the loader's text when it differs (it refuses some things earlier)
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class RefusedModule : public ::testing::TestWithParam<Case> {};

TEST_P(RefusedModule, InMemoryAndAsAFile) {
  const Case& c = GetParam();
  Module m;
  build_sample(m);
  c.mutate(m);
  std::string error;
  bool regex_only = c.section == Section::kRegexes;  // the verifier does not compile regexes
  if (!regex_only) {
    EXPECT_FALSE(verify_module(m, &error));
    EXPECT_TRUE(has(error, c.what)) << error;
    EXPECT_TRUE(has(error, "section `" + std::string(section_name(c.section)) + "`: ")) << error;
  }
  std::string e = read_error(write_module(m));
  EXPECT_TRUE(has(e, "sample.ljb: bad module: section `" + std::string(section_name(c.section)) + "` at offset ")) << e;
  EXPECT_TRUE(has(e, c.read_what.empty() ? c.what : c.read_what)) << e;
}

std::string kSegPc(const char* pc) { return std::string("(function `segment vip`, pc ") + pc + ")"; }
std::string kBodyPc(const char* pc) { return std::string("(function `j: body`, pc ") + pc + ")"; }
std::string kWherePc(const char* pc) { return std::string("(function `j: on signup where`, pc ") + pc + ")"; }

Function& fn(Module& m, SampleFn f) { return m.functions[f]; }

// `segment vip` as codegen's peephole writes it: FEQJ r1, r0, "plan"; EQJ r1, r1, "pro"; JMPIFNOT r1
// to the RET; RET r1 (valid; the cases below corrupt it).
Function& fused_vip(Module& m) {
  Function& f = fn(m, test::kSegVip);
  const uint16_t k_plan = f.code[1].c(), k_pro = f.code[2].c();
  f.code = {abx(Op::CUSTOMER, 0, 0), abc(Op::FEQJ, 1, 0, k_plan), abc(Op::EQJ, 1, 1, k_pro, kConstC),
            jump(Op::JMPIFNOT, 1, 3, 4), abx(Op::RET, 1, 0)};
  return f;
}

const Case kCases[] = {
    // ---- operands
    {"RegisterOutOfRange", [](Module& m) { fn(m, test::kSegVip).code[1].a = 300; }, Section::kFunctions,
     "register 300 out of range (3 registers) " + kSegPc("1")},
    {"ReadRegisterOutOfRange", [](Module& m) { fn(m, test::kSegVip).code[3].a = 3; }, Section::kFunctions,
     "register 3 out of range (3 registers) " + kSegPc("3")},
    {"ConstantOutOfRange", [](Module& m) { fn(m, test::kQuietTz).code[0].bx = 999; }, Section::kFunctions,
     "constant 999 out of range"},
    {"RKConstantOutOfRange", [](Module& m) { fn(m, test::kSegVip).code[2] = abc(Op::EQ, 2, 1, 500, kConstC); },
     Section::kFunctions, "constant 500 out of range"},
    {"FieldNameNotAString",
     [](Module& m) { fn(m, test::kSegVip).code[1] = abc(Op::FIELD, 1, 0, static_cast<uint16_t>(first_const(m, Kind::kInt))); },
     Section::kFunctions, "is int, not a string " + kSegPc("1")},
    {"TraitPathNotAString", [](Module& m) { fn(m, test::kBody).code[14].bx = first_const(m, Kind::kFloat); },
     Section::kFunctions, "is float, not a string " + kBodyPc("14")},
    {"KFlagOnARegisterOnlyOperand", [](Module& m) { fn(m, test::kAggWhere).code[1].k = kConstB | kConstC; },
     Section::kFunctions, "k flags 0x3 not allowed for INDEX (format ABC)"},
    {"KFlagOnLoadK", [](Module& m) { fn(m, test::kQuietTz).code[0].k = kConstC; }, Section::kFunctions,
     "k flags 0x2 not allowed for LOADK (format AK)"},
    {"UnknownOpcode", [](Module& m) { fn(m, test::kSegVip).code[0].op = static_cast<Op>(200); }, Section::kFunctions,
     "unknown opcode 200 " + kSegPc("0")},
    {"BadBuiltinId", [](Module& m) { fn(m, test::kSignupWhere).code[6] = abc(Op::CALL, 5, 1, 8); }, Section::kFunctions,
     "builtin 8 out of range (8 builtins) " + kWherePc("6")},
    {"ListRangeOutOfRange", [](Module& m) { fn(m, test::kSignupWhere).code[7] = abc(Op::LIST, 6, 3, 5); },
     Section::kFunctions, "registers 3..7 out of range (7 registers)"},
    {"RegexOutOfRange", [](Module& m) { fn(m, test::kSignupWhere).code[2] = abc(Op::MATCH, 2, 1, 4); },
     Section::kFunctions, "regex 4 out of range (1 regexes)"},
    // ---- descriptors named by opcodes
    {"AggregateOutOfRange", [](Module& m) { fn(m, test::kSignupWhere).code[5].bx = 5; }, Section::kFunctions,
     "aggregate 5 out of range (2 aggregates) " + kWherePc("5")},
    {"SegmentOutOfRange", [](Module& m) { fn(m, test::kSignupWhere).code[4].bx = 1; }, Section::kFunctions,
     "segment 1 out of range (1 segments)"},
    {"SendOutOfRange", [](Module& m) { fn(m, test::kBody).code[4].bx = 3; }, Section::kFunctions,
     "send 3 out of range (1 sends) " + kBodyPc("4")},
    {"WaitOutOfRange", [](Module& m) { fn(m, test::kBody).code[16].bx = 9; }, Section::kFunctions,
     "wait 9 out of range (2 waits) " + kBodyPc("16")},
    {"SplitOutOfRange", [](Module& m) { fn(m, test::kBody).code[12].bx = 1; }, Section::kFunctions,
     "split 1 out of range (1 splits) " + kBodyPc("12")},
    {"StepOutOfRange", [](Module& m) { fn(m, test::kBody).code[0].bx = 99; }, Section::kFunctions,
     "step 99 out of range (7 steps) " + kBodyPc("0")},
    {"SendRegistersOutOfRange", [](Module& m) { m.sends[0].with_keys.push_back("extra"); }, Section::kFunctions,
     "send 0 needs registers 2..4, out of range (4 registers) " + kBodyPc("4")},
    {"SendIndexBeyondTheJourneysSends", [](Module& m) { m.sends[0].index_in_journey = 1; }, Section::kFunctions,
     "send 0 is send number 1 of its journey, which has only 1"},
    {"WaitBranchTargetOutOfRange", [](Module& m) { m.waits[0].branches[0].target = 99; }, Section::kWaits,
     "wait 0 branch 0 target 99 out of range of function `j: body` (21 instructions; WAITUPTO at pc 7)"},
    {"WaitTimeoutTargetOutOfRange", [](Module& m) { m.waits[0].timeout_target = 21; }, Section::kWaits,
     "wait 0 timeout target 21 out of range"},
    {"SplitArmTargetOutOfRange", [](Module& m) { m.splits[0].arms[1].target = 1000; }, Section::kSplits,
     "split `test` arm `control` target 1000 out of range"},
    // ---- jumps and endings
    {"JumpOutOfRange", [](Module& m) { fn(m, test::kSignupWhere).code[3] = jump(Op::JMPIFNOT, 2, 3, 50); },
     Section::kFunctions, "jump to 50 out of range (10 instructions) " + kWherePc("3")},
    {"JumpBeforeTheStart", [](Module& m) { fn(m, test::kBody).code[9] = jump(Op::JMP, 0, 9, -91); }, Section::kFunctions,
     "jump to -91 out of range (21 instructions) " + kBodyPc("9")},
    {"BackwardJumpInAPredicate", [](Module& m) { fn(m, test::kSignupWhere).code[3] = jump(Op::JMPIFNOT, 2, 3, 0); },
     Section::kFunctions, "backward jump to 0 in a predicate function (only journey bodies may loop) " + kWherePc("3")},
    {"JumpToItselfInAPredicate", [](Module& m) { fn(m, test::kSignupWhere).code[3] = jump(Op::JMPIFNOT, 2, 3, 3); },
     Section::kFunctions, "backward jump to 3 in a predicate function"},
    {"LoopWithoutAStep", [](Module& m) { fn(m, test::kBody).code[19] = jump(Op::JMPIF, 1, 19, 12); }, Section::kFunctions,
     "backward jump to 12 does not land on a STEP (loops must count steps) " + kBodyPc("19")},
    {"BackwardTimeoutWithoutAStep", [](Module& m) { m.waits[0].timeout_target = 6; }, Section::kFunctions,
     "backward jump to 6 does not land on a STEP (loops must count steps) " + kBodyPc("7")},
    {"FallsOffTheEnd",
     [](Module& m) {
       fn(m, test::kSegVip).code.pop_back();
       fn(m, test::kSegVip).debug.pop_back();
     },
     Section::kFunctions,
     "falls off the end: the last instruction is EQ, not RET, END, EXIT or JMP " + kSegPc("2")},
    {"EndsInAConditionalJump",
     [](Module& m) {
       auto& c = fn(m, test::kBody).code;
       c.back() = jump(Op::JMPIF, 1, 20, 11);
     },
     Section::kFunctions, "falls off the end: the last instruction is JMPIF"},
    {"NoCode", [](Module& m) { fn(m, test::kKey).code.clear(); fn(m, test::kKey).debug.clear(); }, Section::kFunctions,
     "no code (function `j: key`)"},
    // ---- fused tests (format ABCJ) and the jump they take
    {"FusedTestFollowedByANonJump", [](Module& m) { fn(m, test::kSegVip).code[2].op = Op::EQJ; }, Section::kFunctions,
     "EQJ is followed by RET, not by a JMPIF or JMPIFNOT " + kSegPc("2")},
    {"FusedTestIsTheLastInstruction", [](Module& m) { fn(m, test::kSegVip).code[3] = abc(Op::GEJ, 2, 1, 1); },
     Section::kFunctions, "GEJ is not followed by a JMPIF or JMPIFNOT (it is the last instruction) " + kSegPc("3")},
    {"FusedTestJumpTestsAnotherRegister", [](Module& m) { fn(m, test::kSignupWhere).code[2] = abc(Op::INJ, 5, 1, 1); },
     Section::kFunctions, "INJ writes register 5 but the jump after it tests register 2 " + kWherePc("2")},
    {"FusedTestFollowedByJmpNotNull",
     [](Module& m) {
       fn(m, test::kSignupWhere).code[2] = abc(Op::ENDSJ, 2, 1, 1);
       fn(m, test::kSignupWhere).code[3].op = Op::JMPNOTNULL;
     },
     Section::kFunctions, "ENDSJ is followed by JMPNOTNULL, not by a JMPIF or JMPIFNOT " + kWherePc("2")},
    {"FusedTestRegisterOutOfRange", [](Module& m) { fn(m, test::kSignupWhere).code[2] = abc(Op::LTJ, 2, 1, 300); },
     Section::kFunctions, "register 300 out of range (7 registers) " + kWherePc("2")},
    {"FusedTestConstantOutOfRange",
     [](Module& m) { fn(m, test::kSignupWhere).code[2] = abc(Op::CONTAINSJ, 2, 999, 1, kConstB); },
     Section::kFunctions, "constant 999 out of range"},
    {"FusedTestJumpOutOfRange",
     [](Module& m) {
       fn(m, test::kSignupWhere).code[2] = abc(Op::STARTSJ, 2, 1, 1);
       fn(m, test::kSignupWhere).code[3] = jump(Op::JMPIFNOT, 2, 3, 50);
     },
     Section::kFunctions, "jump to 50 out of range (10 instructions) " + kWherePc("3")},
    {"FusedTestBackwardJumpInAPredicate",
     [](Module& m) {
       fn(m, test::kSignupWhere).code[2] = abc(Op::NEJ, 2, 1, 1);
       fn(m, test::kSignupWhere).code[3] = jump(Op::JMPIF, 2, 3, 1);
     },
     Section::kFunctions, "backward jump to 1 in a predicate function (only journey bodies may loop) " + kWherePc("3")},
    {"FusedTestReadsAnUndefinedRegister",
     [](Module& m) { fn(m, test::kSignupWhere).code[2] = abc(Op::LEJ, 2, 1, 6); }, Section::kFunctions,
     "register 6 may be used before it is defined " + kWherePc("2")},
    // ---- fused field tests (F<OP>J: a FIELD word) and the fused test they perform
    {"FieldTestFollowedByAnotherTest", [](Module& m) { fused_vip(m).code[2].op = Op::GEJ; }, Section::kFunctions,
     "FEQJ is followed by GEJ, not by EQJ " + kSegPc("1")},
    {"FieldTestFollowedByAnUnfusedOperator", [](Module& m) { fused_vip(m).code[2].op = Op::EQ; }, Section::kFunctions,
     "FEQJ is followed by EQ, not by EQJ " + kSegPc("1")},
    {"FieldTestIsTheLastInstruction",
     [](Module& m) {
       Function& f = fused_vip(m);
       f.code.resize(2);
       f.debug.resize(1);
     },
     Section::kFunctions, "FEQJ is not followed by EQJ (it is the last instruction) " + kSegPc("1")},
    {"FieldTestWhoseTestWritesAnotherRegister",
     [](Module& m) {
       Function& f = fused_vip(m);
       f.code[2].a = 2;
       f.code[3].a = 2;
     },
     Section::kFunctions, "FEQJ writes register 1 but the EQJ after it does not read and write it (a 2, b r1) " + kSegPc("1")},
    {"FieldTestWhoseTestReadsAnotherRegister",
     [](Module& m) { fused_vip(m).code[2] = abc(Op::EQJ, 1, 0, 1, kConstC); }, Section::kFunctions,
     "FEQJ writes register 1 but the EQJ after it does not read and write it (a 1, b r0) " + kSegPc("1")},
    {"FieldTestWhoseTestReadsAConstant",
     [](Module& m) { fused_vip(m).code[2] = abc(Op::EQJ, 1, 1, 1, kConstB | kConstC); }, Section::kFunctions,
     "FEQJ writes register 1 but the EQJ after it does not read and write it (a 1, b k1) " + kSegPc("1")},
    {"FieldTestWhoseTestComparesWithARegister", [](Module& m) { fused_vip(m).code[2] = abc(Op::EQJ, 1, 1, 0); },
     Section::kFunctions, "FEQJ is followed by a EQJ whose c is register 0, not a constant " + kSegPc("1")},
    {"FieldTestKeyNotAString",
     [](Module& m) { fused_vip(m).code[1].bx = first_const(m, Kind::kInt) << 16; }, Section::kFunctions,
     "is int, not a string " + kSegPc("1")},
    {"FieldTestRegisterOutOfRange", [](Module& m) { fused_vip(m).code[1].a = 3; }, Section::kFunctions,
     "register 3 out of range (3 registers) " + kSegPc("1")},
    {"FieldTestTestJumpsBackward", [](Module& m) { fused_vip(m).code[3] = jump(Op::JMPIFNOT, 1, 3, 1); },
     Section::kFunctions, "backward jump to 1 in a segment function (only journey bodies may loop) " + kSegPc("3")},
    // ---- opcodes in the wrong kind of function
    {"JourneyOpcodeInASegment", [](Module& m) { fn(m, test::kSegVip).code[0] = abx(Op::STEP, 0, 0); }, Section::kFunctions,
     "journey opcode STEP in a segment function " + kSegPc("0")},
    {"SendInAValueFunction", [](Module& m) { fn(m, test::kKey).code[0] = abx(Op::SEND, 0, 0); }, Section::kFunctions,
     "journey opcode SEND in a value function"},
    {"ExitInAPredicate", [](Module& m) { fn(m, test::kBranchWhere).code[1] = abx(Op::EXIT, 0, 0); }, Section::kFunctions,
     "journey opcode EXIT in a predicate function"},
    {"ReturnInAJourney", [](Module& m) { fn(m, test::kBody).code[20] = abx(Op::RET, 0, 0); }, Section::kFunctions,
     "RET in a journey body (bodies end with EXIT or END) " + kBodyPc("20")},
    // ---- registers defined before use
    {"UndefinedRegisterOnOnePath",
     [](Module& m) {
       fn(m, test::kKey).num_registers = 2;
       fn(m, test::kKey).code = {abx(Op::CUSTOMER, 0, 0), jump(Op::JMPNOTNULL, 0, 1, 3), abx(Op::LOADTRUE, 1, 0),
                                 abx(Op::RET, 1, 0)};
     },
     Section::kFunctions, "register 1 may be used before it is defined (function `j: key`, pc 3)"},
    {"NeverDefinedRegister", [](Module& m) { fn(m, test::kSegVip).code[0] = abx(Op::NOP, 0, 0); }, Section::kFunctions,
     "register 0 may be used before it is defined " + kSegPc("1")},
    {"TemporaryReadAfterAWait", [](Module& m) { fn(m, test::kBody).code[14].a = 1; }, Section::kFunctions,
     "register 1 may be used before it is defined " + kBodyPc("14")},
    {"SendOperandUndefined", [](Module& m) { fn(m, test::kBody).code[3] = abx(Op::NOP, 0, 0); }, Section::kFunctions,
     "register 3 may be used before it is defined " + kBodyPc("4")},
    // ---- function headers
    {"MoreLocalsThanRegisters", [](Module& m) { fn(m, test::kBody).num_locals = 5; }, Section::kFunctions,
     "5 locals but only 4 registers (function `j: body`)"},
    {"UnknownFunctionKind", [](Module& m) { fn(m, test::kKey).kind = static_cast<FunctionKind>(9); }, Section::kFunctions,
     "unknown function kind 9"},
    {"DebugPcOutOfRange", [](Module& m) { fn(m, test::kKey).debug[1].pc = 3; }, Section::kFunctions,
     "debug entry 1: pc 3 out of range (3 instructions) (function `j: key`)"},
    {"DebugTableUnsorted",
     [](Module& m) {
       fn(m, test::kBody).debug[0].pc = 20;
       fn(m, test::kBody).debug[1].pc = 5;
     },
     Section::kFunctions, "debug entry 1: pc 5 is before pc 20: the table must be sorted (function `j: body`)"},
    {"DebugFileOutOfRange", [](Module& m) { fn(m, test::kKey).debug[0].file = 2; }, Section::kFunctions,
     "debug entry 0: file 2 out of range (2 files)"},
    // ---- function indexes in descriptors
    {"SegmentFunctionOfTheWrongKind", [](Module& m) { m.segments[0].fn = test::kSignupWhere; }, Section::kSegments,
     "segment `vip`: function 1 (`j: on signup where`) is a predicate function, not a segment function"},
    {"JourneyBodyMissing", [](Module& m) { m.journeys[0].body_fn = kNone; }, Section::kJourneys,
     "journey `j` body: no journey function"},
    {"JourneyBodyIsAPredicate", [](Module& m) { m.journeys[0].body_fn = test::kBranchWhere; }, Section::kJourneys,
     "is a predicate function, not a journey function"},
    {"AudienceOutOfRange", [](Module& m) { m.journeys[0].audience_fn = 99; }, Section::kJourneys,
     "journey `j` audience: function 99 out of range (7 functions)"},
    {"KeyIsAPredicate", [](Module& m) { m.journeys[0].key_fn = test::kSignupWhere; }, Section::kJourneys,
     "journey `j` key: function 1 (`j: on signup where`) is a predicate function, not a value function"},
    {"ExitWhenIsAJourney", [](Module& m) { m.journeys[0].exit_when_fn = test::kBody; }, Section::kJourneys,
     "exit when: function 4 (`j: body`) is a journey function"},
    {"TriggerWhereIsASegment", [](Module& m) { m.journeys[0].triggers[0].where_fn = test::kSegVip; }, Section::kJourneys,
     "journey `j` trigger 0 where: function 0"},
    {"ExitOnWhereOutOfRange", [](Module& m) { m.journeys[0].exit_on[1].where_fn = 7; }, Section::kJourneys,
     "journey `j` exit on 1 where: function 7 out of range"},
    {"GoalWhereIsAValue", [](Module& m) { m.journeys[0].goals[0].where_fn = test::kKey; }, Section::kJourneys,
     "journey `j` goal 0 where"},
    {"QuietZoneIsAPredicate", [](Module& m) { m.journeys[0].quiet.tz_fn = test::kAggWhere; }, Section::kJourneys,
     "journey `j`: quiet hours time zone: function 6"},
    {"AggregateWhereIsAValue", [](Module& m) { m.aggregates[0].where_fn = test::kQuietTz; }, Section::kAggregates,
     "aggregate 0 where: function 3 (`j: quiet tz`) is a value function, not a predicate function"},
    {"WaitBranchWhereIsASegment", [](Module& m) { m.waits[0].branches[0].where_fn = test::kSegVip; }, Section::kWaits,
     "wait 0 branch 0 where: function 0"},
    {"PolicyQuietZoneOutOfRange", [](Module& m) { m.policy_quiet.tz_fn = 12; }, Section::kPolicy,
     "policy: quiet hours time zone: function 12 out of range"},
    // ---- other descriptor values
    {"TriggerSegmentOutOfRange", [](Module& m) { m.journeys[0].triggers[1].segment = 4; }, Section::kJourneys,
     "journey `j` trigger 1: segment 4 out of range (1 segments)"},
    {"MoreSendsThanTheModuleHas", [](Module& m) { m.journeys[0].num_sends = 0xFFFFFFFE; }, Section::kJourneys,
     "journey `j`: 4294967294 sends, but the module has only 1"},
    {"ScheduleEveryZero", [](Module& m) { m.journeys[0].triggers[3].every_ms = 0; }, Section::kJourneys,
     "journey `j` trigger 3: schedule period 0 ms is not positive"},
    {"SplitNotSummingTo10000", [](Module& m) { m.splits[0].arms[0].basis_points = 4000; }, Section::kSplits,
     "split `test`: arms sum to 9000 basis points, not 10000"},
    {"SplitWithNoArms", [](Module& m) { m.splits[0].arms.clear(); }, Section::kSplits, "arms sum to 0 basis points"},
    {"WaitMinuteOutOfRange", [](Module& m) { m.waits[1].minutes = 1440; }, Section::kWaits,
     "wait 1: 1440 is not a minute of a day"},
    {"WaitDaysOutOfRange", [](Module& m) { m.waits[1].days = 0x80; }, Section::kWaits, "day mask 0x80 has more than 7 days"},
    {"QuietHoursOutOfRange", [](Module& m) { m.journeys[0].quiet.end_minutes = -1; }, Section::kJourneys,
     "quiet hours 1320..-1 are not minutes of a day"},
    {"NegativeCap", [](Module& m) { m.caps[1].count = -1; }, Section::kCaps, "cap 1: negative count or window"},
    {"UnknownChannel", [](Module& m) { m.sends[0].channel = static_cast<Channel>(9); }, Section::kSends,
     "unknown channel 9"},
    {"UnknownReentry", [](Module& m) { m.journeys[0].reentry = static_cast<Reentry>(3); }, Section::kJourneys,
     "unknown reentry 3"},
    // ---- constants
    {"StringConstantOutOfRange", [](Module& m) { m.constant_descs[0].string = 77; }, Section::kConstants,
     "constant 0: string 77 out of range"},
    {"ListItemNotEarlier", [](Module& m) { m.constant_descs[first_const(m, Kind::kList)].items[0] = 99; },
     Section::kConstants, "list item 99 is not an earlier constant"},
    {"ObjectConstant",
     [](Module& m) {
       ConstantDesc o;
       o.kind = Kind::kObject;
       m.constant_descs.push_back(o);
     },
     Section::kConstants, "is an object (no constant is)", "a constant of kind object"},
    // ---- regexes (compiled by the loader)
    {"InvalidRegex", [](Module& m) { m.regexes[0] = "(unclosed"; }, Section::kRegexes,
     "regex 0 `(unclosed` does not compile: missing )"},
    // ---- segments and aggregate filters that depend on themselves
    {"SegmentThatCallsItself", [](Module& m) { fn(m, test::kSegVip).code[0] = abx(Op::SEGMENT, 0, 0); },
     Section::kFunctions, "SEGMENT 0 closes a cycle back to function `segment vip`"},
    {"AggregateFilterThatUsesItsAggregate",
     [](Module& m) {
       Function& f = fn(m, test::kAggWhere);
       f.code.insert(f.code.begin(), abx(Op::AGG, 2, 0));
       f.debug[1].pc += 1;
     },
     Section::kFunctions, "AGG 0 closes a cycle back to function `agg where`"},
};

INSTANTIATE_TEST_SUITE_P(Verifier, RefusedModule, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

// ---------------------------------------------------------------- locations

// A fault in code is reported at the byte offset of its instruction word.
TEST(ModuleFile, ReportsAnInstructionFaultAtItsWord) {
  Module m;
  build_sample(m);
  m.functions[test::kSegVip].code[1].a = 300;
  std::string b = write_module(m);
  std::string e = read_error(b);
  const std::string prefix = "sample.ljb: bad module: section `functions` at offset ";
  ASSERT_EQ(e.rfind(prefix, 0), 0u) << e;
  size_t at = std::stoul(e.substr(prefix.size()));
  uint64_t word = load_u64(b, at);
  EXPECT_EQ(word & 0xFF, static_cast<uint64_t>(Op::FIELD));
  EXPECT_EQ((word >> 16) & 0xFFFF, 300u);
  EXPECT_TRUE(has(e, ": register 300 out of range (3 registers) (function `segment vip`, pc 1)")) << e;
}

// A fault in a descriptor is reported at the descriptor's first byte.
TEST(ModuleFile, ReportsADescriptorFaultAtItsItem) {
  Module m;
  build_sample(m);
  m.splits[0].arms[0].basis_points = 1;
  std::string b = write_module(m);
  std::string e = read_error(b);
  size_t splits = section_at(b, Section::kSplits) + 12;  // tag, length, count: split 0 starts here
  EXPECT_TRUE(has(e, "section `splits` at offset " + std::to_string(splits) + ": split `test`")) << e;
}

TEST(VerifyError, CarriesSectionItemAndPc) {
  Module m;
  build_sample(m);
  m.functions[test::kBody].code[19] = jump(Op::JMPIF, 1, 19, 12);
  VerifyError e;
  ASSERT_FALSE(verify_module(m, e));
  EXPECT_EQ(e.section, Section::kFunctions);
  EXPECT_EQ(e.item, static_cast<uint32_t>(test::kBody));
  EXPECT_EQ(e.pc, 19u);
}

// A loop in a journey body through a STEP is fine; so is a register defined on every path.
TEST(Verifier, AcceptsLoopsThroughAStepAndRegistersDefinedOnEveryPath) {
  Module m;
  build_sample(m);
  m.functions[test::kKey].num_registers = 2;
  m.functions[test::kKey].code = {abx(Op::CUSTOMER, 0, 0), jump(Op::JMPNOTNULL, 0, 1, 4), abx(Op::LOADTRUE, 1, 0),
                                  jump(Op::JMP, 0, 3, 5), abx(Op::LOADFALSE, 1, 0), abx(Op::RET, 1, 0)};
  m.functions[test::kKey].debug = {{0, 0, 1, 1}};
  m.functions[test::kBody].code[19] = jump(Op::JMPIF, 1, 19, 0);  // back to the first STEP
  std::string error;
  EXPECT_TRUE(verify_module(m, &error)) << error;
}

// What codegen emits passes: the examples compiled as one module, verified in memory and again
// after a trip through the file format.
TEST(Verifier, AcceptsCodegenOutputForTheExamples) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(LAUD_SOURCE_DIR) / "examples"))
    if (e.path().extension() == ".journey") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  compiler::Compilation c;
  for (const std::string& f : files) compiler::add_file(c, f);
  Module m;
  ASSERT_TRUE(compiler::compile(c, m)) << c.diags.render_text(false);
  ASSERT_FALSE(m.journeys.empty());
  std::string error;
  EXPECT_TRUE(verify_module(m, &error)) << error;
  Module back;
  EXPECT_TRUE(read_module(write_module(m), back, &error)) << error;
}

}  // namespace
}  // namespace laud::vm
