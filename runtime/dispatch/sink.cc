// sink.cc — the JSON Lines file sink (stdio buffering, fsync on flush, resume by truncation).
#include "runtime/dispatch/sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace laud::runtime {

FileSink::~FileSink() {
  if (file_) {
    std::fflush(file_);
    if (owned_) std::fclose(file_);
  }
}

bool FileSink::open(const std::string& path, int64_t resume_at, std::string* error) {
  if (path == "-") {
    file_ = stdout;
    owned_ = false;
    return true;
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | (resume_at >= 0 ? 0 : O_TRUNC), 0644);
  if (fd < 0 || (resume_at >= 0 && (::ftruncate(fd, resume_at) != 0 || ::lseek(fd, resume_at, SEEK_SET) < 0))) {
    if (error) *error = path + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return false;
  }
  file_ = ::fdopen(fd, "w");
  if (!file_) {
    if (error) *error = path + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  owned_ = true;
  struct stat st {};
  is_file_ = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);  // fsync only regular files (not /dev/null, pipes)
  position_ = resume_at >= 0 ? resume_at : 0;
  return true;
}

void FileSink::write(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fputc('\n', file_);
  position_ += static_cast<int64_t>(line.size()) + 1;
}

bool FileSink::flush() {
  if (!file_ || std::fflush(file_) != 0) return false;
  if (is_file_ && ::fsync(::fileno(file_)) != 0) return false;
  return true;
}

}  // namespace laud::runtime
