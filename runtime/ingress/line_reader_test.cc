// line_reader_test.cc — JSON Lines input in 1 MiB blocks: lines across block boundaries, lines
// longer than a block, a final line without a newline, CRLF, empty input, and skip_to (resume).
#include "runtime/ingress/line_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <fstream>
#include <string>
#include <vector>

namespace laud::runtime {
namespace {

namespace fs = std::filesystem;

constexpr size_t kBlock = size_t{1} << 20;

class line_reader_test : public testing::Test {
 protected:
  void TearDown() override {
    for (const fs::path& p : files_) fs::remove(p);
  }
  std::string write(const std::string& bytes) {
    fs::path p = fs::temp_directory_path() /
                 ("laud_line_reader_" + std::to_string(::getpid()) + "_" + std::to_string(files_.size()) + ".jsonl");
    std::ofstream(p, std::ios::binary) << bytes;
    files_.push_back(p);
    return p.string();
  }
  // Every line of `bytes`, through a LineReader over a file.
  std::vector<std::string> read_all(const std::string& bytes, uint64_t* lines = nullptr, uint64_t* offset = nullptr) {
    LineReader r;
    std::string error;
    EXPECT_TRUE(r.open(write(bytes), &error)) << error;
    std::vector<std::string> out;
    std::string_view line;
    while (r.next(line)) {
      out.emplace_back(line);
      EXPECT_EQ(r.line_number(), out.size());
    }
    EXPECT_FALSE(r.failed());
    if (lines) *lines = r.line_number();
    if (offset) *offset = r.offset();
    return out;
  }
  std::vector<fs::path> files_;
};

std::string filler(size_t n, char c) { return std::string(n, c); }

TEST_F(line_reader_test, SplitsLines) {
  uint64_t lines = 0, offset = 0;
  std::vector<std::string> got = read_all("a\nbb\n\nccc\n", &lines, &offset);
  EXPECT_EQ(got, (std::vector<std::string>{"a", "bb", "", "ccc"}));
  EXPECT_EQ(lines, 4u);
  EXPECT_EQ(offset, 10u);
}

TEST_F(line_reader_test, EmptyFileHasNoLines) {
  uint64_t lines = 7, offset = 7;
  EXPECT_TRUE(read_all("", &lines, &offset).empty());
  EXPECT_EQ(lines, 0u);
  EXPECT_EQ(offset, 0u);
}

TEST_F(line_reader_test, AFileOfOneNewlineHasOneEmptyLine) {
  EXPECT_EQ(read_all("\n"), (std::vector<std::string>{""}));
}

TEST_F(line_reader_test, FinalLineWithoutNewlineIsALine) {
  uint64_t offset = 0;
  EXPECT_EQ(read_all("one\ntwo", nullptr, &offset), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(offset, 7u);
  EXPECT_EQ(read_all("only"), (std::vector<std::string>{"only"}));
}

TEST_F(line_reader_test, CrLfLosesTheCarriageReturn) {
  EXPECT_EQ(read_all("a\r\nb\r\n\r\nc\r"), (std::vector<std::string>{"a", "b", "", "c"}));
  // Only one trailing '\r' goes; an inner one stays.
  EXPECT_EQ(read_all("x\ry\r\r\n"), (std::vector<std::string>{"x\ry\r"}));
}

TEST_F(line_reader_test, NulBytesStayInTheLine) {
  std::string bytes("a\0b\n\0\n", 6);
  std::vector<std::string> got = read_all(bytes);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], std::string("a\0b", 3));
  EXPECT_EQ(got[1], std::string("\0", 1));
}

TEST_F(line_reader_test, LineAcrossTheBlockBoundary) {
  // The second line starts 10 bytes before the end of the first block and ends 10 bytes after.
  std::string first = filler(kBlock - 11, 'a');
  std::string second = filler(20, 'b');
  std::string third = "tail";
  std::vector<std::string> got = read_all(first + "\n" + second + "\n" + third + "\n");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], first);
  EXPECT_EQ(got[1], second);
  EXPECT_EQ(got[2], third);
}

TEST_F(line_reader_test, NewlineExactlyAtTheBlockBoundary) {
  for (size_t len : {kBlock - 2, kBlock - 1, kBlock, kBlock + 1}) {
    std::string first = filler(len, 'x');
    std::vector<std::string> got = read_all(first + "\nnext\nlast");
    ASSERT_EQ(got.size(), 3u) << len;
    EXPECT_EQ(got[0].size(), len);
    EXPECT_EQ(got[1], "next");
    EXPECT_EQ(got[2], "last");
  }
}

TEST_F(line_reader_test, CrLfSplitAcrossTheBlockBoundary) {
  std::string first = filler(kBlock - 1, 'x');  // '\r' is the last byte of the block, '\n' the first of the next
  std::vector<std::string> got = read_all(first + "\r\nsecond\r\n");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], first);
  EXPECT_EQ(got[1], "second");
}

TEST_F(line_reader_test, ManySmallLinesOverSeveralBlocks) {
  std::string bytes;
  std::vector<std::string> want;
  for (int i = 0; i < 300000; ++i) {
    want.push_back("{\"n\":" + std::to_string(i) + "}");
    bytes += want.back();
    bytes += '\n';
  }
  ASSERT_GT(bytes.size(), 3 * kBlock);
  uint64_t offset = 0;
  EXPECT_EQ(read_all(bytes, nullptr, &offset), want);
  EXPECT_EQ(offset, bytes.size());
}

TEST_F(line_reader_test, VeryLongLines) {
  std::string big = filler(3 * kBlock, 'L');
  std::string big2 = filler(3 * kBlock + 17, 'M');
  std::vector<std::string> got = read_all("short\n" + big + "\n" + big2 + "\nend");
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], "short");
  EXPECT_EQ(got[1], big);
  EXPECT_EQ(got[2], big2);
  EXPECT_EQ(got[3], "end");
}

TEST_F(line_reader_test, VeryLongFinalLineWithoutNewline) {
  std::string big = filler(3 * kBlock, 'Z');
  std::vector<std::string> got = read_all("a\n" + big);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1], big);
}

TEST_F(line_reader_test, NextAfterTheEndStaysFalse) {
  LineReader r;
  ASSERT_TRUE(r.open(write("x\n"), nullptr));
  std::string_view line;
  ASSERT_TRUE(r.next(line));
  EXPECT_FALSE(r.next(line));
  EXPECT_FALSE(r.next(line));
  EXPECT_EQ(r.line_number(), 1u);
}

TEST_F(line_reader_test, OpenFailsWithTheReason) {
  LineReader r;
  std::string error;
  EXPECT_FALSE(r.open("/nonexistent/dir/events.jsonl", &error));
  EXPECT_NE(error.find("/nonexistent/dir/events.jsonl"), std::string::npos) << error;
}

TEST_F(line_reader_test, SkipToResumesAtARecordedBoundary) {
  std::string bytes = "l1\nline2\r\n\nline4\nline5";
  std::string path = write(bytes);
  uint64_t offset = 0, number = 0;
  {
    LineReader r;
    ASSERT_TRUE(r.open(path, nullptr));
    std::string_view line;
    ASSERT_TRUE(r.next(line));
    ASSERT_TRUE(r.next(line));
    ASSERT_TRUE(r.next(line));
    offset = r.offset();
    number = r.line_number();
  }
  EXPECT_EQ(offset, 11u);
  EXPECT_EQ(number, 3u);
  LineReader r;
  ASSERT_TRUE(r.open(path, nullptr));
  ASSERT_TRUE(r.skip_to(offset, number));
  EXPECT_EQ(r.offset(), offset);
  EXPECT_EQ(r.line_number(), number);
  std::string_view line;
  ASSERT_TRUE(r.next(line));
  EXPECT_EQ(line, "line4");
  EXPECT_EQ(r.line_number(), 4u);
  ASSERT_TRUE(r.next(line));
  EXPECT_EQ(line, "line5");
  EXPECT_FALSE(r.next(line));
}

TEST_F(line_reader_test, SkipToZeroIsTheStart) {
  LineReader r;
  ASSERT_TRUE(r.open(write("a\nb\n"), nullptr));
  ASSERT_TRUE(r.skip_to(0, 0));
  std::string_view line;
  ASSERT_TRUE(r.next(line));
  EXPECT_EQ(line, "a");
  EXPECT_EQ(r.line_number(), 1u);
}

TEST_F(line_reader_test, SkipToBeyondTheInputFails) {
  LineReader r;
  ASSERT_TRUE(r.open(write("a\nb\n"), nullptr));
  EXPECT_FALSE(r.skip_to(100, 9));
}

TEST_F(line_reader_test, SkipToInsideALineFails) {
  LineReader r;
  ASSERT_TRUE(r.open(write("abc\ndef\n"), nullptr));
  EXPECT_FALSE(r.skip_to(2, 1));  // not a line boundary
}

TEST_F(line_reader_test, SkipToAcrossBlocks) {
  std::string first = filler(kBlock + 5, 'q');
  std::string bytes = first + "\nsecond\nthird\n";
  LineReader r;
  ASSERT_TRUE(r.open(write(bytes), nullptr));
  ASSERT_TRUE(r.skip_to(first.size() + 1 + 7, 2));
  std::string_view line;
  ASSERT_TRUE(r.next(line));
  EXPECT_EQ(line, "third");
  EXPECT_EQ(r.line_number(), 3u);
}

// A pipe whose writer keeps it open: lines come as they arrive, not when a block is full.
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { EXPECT_EQ(::pipe(fds), 0); }
  ~Pipe() {
    close_write();
    if (fds[0] >= 0) ::close(fds[0]);
  }
  std::string path() const { return "/dev/fd/" + std::to_string(fds[0]); }
  void write(std::string_view s) { EXPECT_EQ(::write(fds[1], s.data(), s.size()), static_cast<ssize_t>(s.size())); }
  void close_write() {
    if (fds[1] >= 0) ::close(fds[1]);
    fds[1] = -1;
  }
};

TEST_F(line_reader_test, APipesLineComesBeforeTheWriterCloses) {
  Pipe p;
  LineReader r;
  ASSERT_TRUE(r.open(p.path(), nullptr));
  p.write("first\nsec");
  std::string_view line;
  ASSERT_TRUE(r.next(line));  // would wait for a full block (or the end) with buffered reads
  EXPECT_EQ(line, "first");
  p.write("ond\n");
  ASSERT_TRUE(r.next(line));
  EXPECT_EQ(line, "second");
  p.close_write();
  EXPECT_FALSE(r.next(line));
  EXPECT_FALSE(r.failed());
}

TEST_F(line_reader_test, TheIdleCallbackRunsWhileThePipeIsEmpty) {
  Pipe p;
  LineReader r;
  ASSERT_TRUE(r.open(p.path(), nullptr));
  std::atomic<int> idles{0};
  r.on_idle([&] {
    ++idles;
    return 5;  // look again after 5 ms
  });
  std::thread writer([&] {
    while (idles < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    p.write("late\n");
    p.close_write();
  });
  std::string_view line;
  ASSERT_TRUE(r.next(line));
  EXPECT_EQ(line, "late");
  EXPECT_GE(idles.load(), 3);
  EXPECT_FALSE(r.next(line));
  writer.join();
}

TEST_F(line_reader_test, TheIdleCallbackNeverRunsForAFile) {
  LineReader r;
  ASSERT_TRUE(r.open(write("a\nb\n"), nullptr));
  int idles = 0;
  r.on_idle([&] {
    ++idles;
    return -1;
  });
  std::string_view line;
  while (r.next(line)) {
  }
  EXPECT_EQ(r.line_number(), 2u);
  EXPECT_EQ(idles, 0);
}

}  // namespace
}  // namespace laud::runtime
