// line_reader.h — Event Ingress: JSON Lines from a file or stdin, read in large blocks. Lines may
// be of any length; a final line without a newline is still a line. Counts lines from 1.
#pragma once

#include <cstdint>
#include <cstdio>
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

 private:
  bool fill();
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false, failed_ = false, terminated_ = true;
  uint64_t line_number_ = 0, offset_ = 0;
};

}  // namespace laud::runtime
