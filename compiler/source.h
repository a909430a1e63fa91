// source.h — the source files of one compilation and the spans that point into them.
// A Span is a byte range in one file plus its 1-based start line and column; columns count
// code points (LANGUAGE.md §2). SourceManager owns file texts and maps byte offsets to line:col.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace laud::compiler {

struct Span {
  uint32_t file = 0;
  uint32_t begin = 0;  // byte offset of the first byte
  uint32_t end = 0;    // byte offset one past the last byte
  uint32_t line = 0;   // 1-based; 0 means "no location"
  uint32_t col = 0;    // 1-based, in code points
};

struct LineCol {
  uint32_t line;
  uint32_t col;
};

class SourceFile {
 public:
  SourceFile(std::string name, std::string text);
  const std::string& name() const { return name_; }
  std::string_view text() const { return text_; }
  LineCol line_col(uint32_t offset) const;
  // The text of 1-based line `line`, without its line terminator.
  std::string_view line_text(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
  // Lookup cache (one compilation uses a file from one thread): the last line, offset and column.
  mutable uint32_t last_line_ = 0;
  mutable uint32_t last_offset_ = 0;
  mutable uint32_t last_col_ = 1;
};

class SourceManager {
 public:
  // Adds a file and returns its id. Texts stay at stable addresses for the manager's lifetime.
  uint32_t add(std::string name, std::string text);
  const SourceFile& file(uint32_t id) const { return *files_[id]; }
  uint32_t size() const { return static_cast<uint32_t>(files_.size()); }
  // A span over [begin, end) of file `id` with its start line and column filled in.
  Span span(uint32_t id, uint32_t begin, uint32_t end) const;

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

// Counts code points in UTF-8 text (bytes that are not continuation bytes).
uint32_t count_code_points(std::string_view text);

}  // namespace laud::compiler
