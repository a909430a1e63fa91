// line_reader.cc — block reads and line splitting.
#include "runtime/ingress/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace laud::runtime {

LineReader::~LineReader() {
  if (fd_ >= 0 && owned_) ::close(fd_);
}

bool LineReader::open(const std::string& path, std::string* error) {
  if (path == "-") {
    fd_ = STDIN_FILENO;
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    owned_ = true;
  }
  if (fd_ < 0) {
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
  if (idle_ && !wait_readable()) {
    eof_ = failed_ = true;
    return false;
  }
  // read(2), not fread: it returns what a pipe holds now instead of waiting for a full buffer.
  ssize_t n;
  do {
    n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    eof_ = true;
    if (n < 0) failed_ = true;
    return false;
  }
  end_ += static_cast<size_t>(n);
  return true;
}

// Until input (or its end) can be read without waiting, the idle callback runs between waits of
// the time it allows. A regular file is always readable: the callback never runs for one.
bool LineReader::wait_readable() {
  pollfd p{fd_, POLLIN, 0};
  int timeout = 0;  // first, just look
  for (;;) {
    int r = ::poll(&p, 1, timeout);
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
    if (r == 0) timeout = idle_();
  }
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
