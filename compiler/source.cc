// source.cc — line tables for source files and byte-offset to line:col mapping.
#include "compiler/source.h"

#include "vm/text_form.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace laud::compiler {

// Columns count characters as the diagnostics renderer shows them: a valid UTF-8 sequence is one,
// and so is each maximal ill-formed subsequence (shown as one U+FFFD), as vm::utf8_length counts.
uint32_t count_code_points(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  if (i == text.size()) return static_cast<uint32_t>(i);
  return static_cast<uint32_t>(i + vm::utf8_length(text.substr(i)));
}

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  const char* base = text_.data();
  const char* p = base;
  const char* end = base + text_.size();
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (!nl) break;
    p = static_cast<const char*>(nl) + 1;
    line_starts_.push_back(static_cast<uint32_t>(p - base));
  }
}

LineCol SourceFile::line_col(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  // Lookups come mostly in source order: try the cached line and the next before searching.
  uint32_t index = last_line_;
  auto in_line = [&](uint32_t i) {
    return i < line_starts_.size() && line_starts_[i] <= offset &&
           (i + 1 == line_starts_.size() || offset < line_starts_[i + 1]);
  };
  if (!in_line(index)) {
    if (in_line(index + 1)) {
      ++index;
    } else {
      auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
      index = static_cast<uint32_t>(it - line_starts_.begin()) - 1;
    }
  }
  // Count code points from the cached position when it is on this line and not after `offset`,
  // so walking along one long line stays linear.
  uint32_t from = line_starts_[index];
  uint32_t col = 1;
  if (index == last_line_ && last_offset_ >= from && last_offset_ <= offset) {
    from = last_offset_;
    col = last_col_;
  }
  col += count_code_points(std::string_view(text_.data() + from, offset - from));
  last_line_ = index;
  last_offset_ = offset;
  last_col_ = col;
  return {index + 1, col};
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  uint32_t start = line_starts_[line - 1];
  uint32_t end = line < line_starts_.size() ? line_starts_[line] : static_cast<uint32_t>(text_.size());
  std::string_view s(text_.data() + start, end - start);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

uint32_t SourceManager::add(std::string name, std::string text) {
  files_.push_back(std::make_unique<SourceFile>(std::move(name), std::move(text)));
  return static_cast<uint32_t>(files_.size() - 1);
}

Span SourceManager::span(uint32_t id, uint32_t begin, uint32_t end) const {
  LineCol lc = files_[id]->line_col(begin);
  return Span{id, begin, end, lc.line, lc.col};
}

}  // namespace laud::compiler
