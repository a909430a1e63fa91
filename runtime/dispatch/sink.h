// sink.h — where dispatch records and rejects go. The embedded default writes JSON Lines to a
// file or stdout; the Kafka and RabbitMQ sinks implement the same interface. A sink reports its
// committed position so that durable runs (`--state`) can truncate a half-written tail.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace laud::runtime {

struct DispatchRecord;

class LineSink {
 public:
  virtual ~LineSink() = default;
  virtual void write(std::string_view line) = 0;  // one record, without the newline
  // A dispatch record and its JSON line: sinks that route by channel or customer (Kafka) use the
  // record; the default writes the line.
  virtual void write_record(const DispatchRecord& record, std::string_view line) { write(line); }
  virtual bool flush() { return true; }            // durable when it returns true
  virtual int64_t position() const { return -1; }  // bytes written so far; -1 when unknown
};

// Lines to a file (`path`, created or truncated, or appended from `resume_at` when >= 0) or to
// stdout (`-`). Buffered; flush() makes the data durable (fsync) for files.
class FileSink : public LineSink {
 public:
  FileSink() = default;
  ~FileSink() override;
  bool open(const std::string& path, int64_t resume_at, std::string* error);
  void write(std::string_view line) override;
  bool flush() override;
  int64_t position() const override { return position_; }

 private:
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  bool is_file_ = false;
  int64_t position_ = 0;
};

// Collects lines in memory (tests, benchmarks).
class StringSink : public LineSink {
 public:
  void write(std::string_view line) override {
    text.append(line);
    text += '\n';
    ++lines;
  }
  int64_t position() const override { return static_cast<int64_t>(text.size()); }
  std::string text;
  uint64_t lines = 0;
};

// Drops lines (benchmarks), counting them.
class NullSink : public LineSink {
 public:
  void write(std::string_view) override { ++lines; }
  uint64_t lines = 0;
};

}  // namespace laud::runtime
