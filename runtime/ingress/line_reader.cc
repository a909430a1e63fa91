// line_reader.cc — block reads and line splitting.
#include "runtime/ingress/line_reader.h"

#include <cerrno>
#include <cstring>

namespace laud::runtime {

LineReader::~LineReader() {
  if (file_ && owned_) std::fclose(file_);
}

bool LineReader::open(const std::string& path, std::string* error) {
  if (path == "-") {
    file_ = stdin;
  } else {
    file_ = std::fopen(path.c_str(), "rb");
    owned_ = true;
  }
  if (!file_) {
    if (error) *error = path + ": " + std::strerror(errno);
    return false;
  }
  buf_.resize(1 << 20);
  return true;
}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
  size_t n = std::fread(buf_.data() + end_, 1, buf_.size() - end_, file_);
  if (n == 0) {
    eof_ = true;
    if (std::ferror(file_)) failed_ = true;
    return false;
  }
  end_ += n;
  return true;
}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    const char* start = buf_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    if (nl) {
      size_t len = static_cast<const char*>(nl) - start;
      line = std::string_view(start, len);
      begin_ += len + 1;
      offset_ += len + 1;
      terminated_ = true;
      break;
    }
    if (!fill()) {
      if (begin_ == end_) return false;
      line = std::string_view(buf_.data() + begin_, end_ - begin_);
      offset_ += end_ - begin_;
      begin_ = end_;
      terminated_ = false;
      break;
    }
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ++line_number_;
  return true;
}

bool LineReader::skip_to(uint64_t offset, uint64_t line_number) {
  std::string_view line;
  while (offset_ < offset)
    if (!next(line)) return false;
  line_number_ = line_number;
  return offset_ == offset;
}

}  // namespace laud::runtime
