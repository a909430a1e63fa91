// diagnostics.h — errors and warnings with stable codes, rendered like clang or as JSON.
// Text form: `FILE:LINE:COL: error: MESSAGE [E0200]`, the source line, a caret (`^~~~`) under the
// span, then `note:` and `help:` lines. JSON form: one object per line for editors and tools.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source.h"

namespace laud::compiler {

enum class DiagCode : uint16_t {
#define X(code, ident, severity) code,
#include "compiler/diagnostic_codes.def"
#undef X
};

enum class Severity : uint8_t { kError, kWarning, kNote };

// Span::file of a diagnostic about no source file at all (command line, usage): rendered as
// `laudc: error: MESSAGE [CODE]`. A valid file with Span::line 0 renders as `FILE: error: ...`.
inline constexpr uint32_t kNoFile = UINT32_MAX;
inline constexpr Span kNoLocation{kNoFile, 0, 0, 0, 0};

std::string_view diag_code_name(DiagCode code);   // "E0200"
std::string_view diag_code_ident(DiagCode code);  // "unknown_name"
Severity diag_code_severity(DiagCode code);

struct DiagNote {
  Span span;          // line 0 means "no location": printed without a source excerpt
  std::string message;
};

struct Diagnostic {
  DiagCode code;
  Severity severity;
  Span span;
  std::string message;
  std::vector<DiagNote> notes;  // `note:` lines, each optionally located
  std::string help;             // one `help:` line, or empty
};

class Diagnostics {
 public:
  explicit Diagnostics(const SourceManager& sources) : sources_(sources) {}

  Diagnostic& report(DiagCode code, Span span, std::string message);
  Diagnostic& error(DiagCode code, Span span, std::string message) { return report(code, span, std::move(message)); }

  const std::vector<Diagnostic>& all() const { return diags_; }
  size_t error_count() const { return errors_; }
  size_t warning_count() const;
  bool has_errors() const { return errors_ > 0; }
  // Orders diagnostics by file, then position, keeping report order for ties.
  void sort();
  // Drops the diagnostics for which `drop` is true, keeping the order and the counts right.
  template <typename Pred>
  void remove_if(Pred drop) {
    std::vector<Diagnostic> kept;
    errors_ = 0;
    for (Diagnostic& d : diags_) {
      if (drop(d)) continue;
      if (d.severity == Severity::kError) ++errors_;
      kept.push_back(std::move(d));
    }
    diags_ = std::move(kept);
  }

  std::string render_text(bool color = false) const;
  std::string render_json() const;  // JSON Lines: one diagnostic per line
  std::string render_one(const Diagnostic& d, bool color = false) const;

  const SourceManager& sources() const { return sources_; }

 private:
  const SourceManager& sources_;
  std::vector<Diagnostic> diags_;
  size_t errors_ = 0;
};

// Edit distance for "did you mean" hints; returns the closest candidate within a sensible
// distance (max(1, len/3)), or an empty view. A case-insensitive match counts as distance 0, an
// identical name is never suggested, ties go to the first candidate.
std::string_view closest_name(std::string_view name, const std::vector<std::string_view>& candidates);
// Levenshtein distance over bytes, counting the swap of two adjacent bytes as one edit (optimal
// string alignment); SIZE_MAX when either input is longer than kEditDistanceMaxLen bytes.
inline constexpr size_t kEditDistanceMaxLen = 64;
size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace laud::compiler
