// line_reader.h — Event Ingress: JSON Lines from a file or stdin, read in large blocks. Lines may
// be of any length; a final line without a newline is still a line. Counts lines from 1. A pipe
// is read as its data arrives (a line is returned as soon as it is whole), and while the input
// is idle an optional callback runs (laudd flushes its outputs and fires wall-clock timers there).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace laud::runtime {

class LineReader {
 public:
  ~LineReader();
  bool open(const std::string& path, std::string* error);  // "-" is stdin
  // The next line without its newline (and without a trailing '\r'); false at the end.
  bool next(std::string_view& line);
  uint64_t line_number() const { return line_number_; }
  bool terminated() const { return terminated_; }  // the last line returned ended with a newline
  uint64_t offset() const { return offset_; }  // bytes consumed, through the last line returned
  bool failed() const { return failed_; }
  // Skips input up to byte `offset` (a line boundary recorded earlier); false if the input is shorter.
  bool skip_to(uint64_t offset, uint64_t line_number);
  // Called when the next read would wait (no input available yet): returns how many milliseconds
  // the reader may then wait for input before calling it again (-1: until input comes).
  void on_idle(std::function<int()> idle) { idle_ = std::move(idle); }

 private:
  bool fill();
  bool wait_readable();
  int fd_ = -1;
  bool owned_ = false;
  std::function<int()> idle_;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false, failed_ = false, terminated_ = true;
  uint64_t line_number_ = 0, offset_ = 0;
};

}  // namespace laud::runtime
