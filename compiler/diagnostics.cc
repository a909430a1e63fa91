// diagnostics.cc — stores diagnostics and renders them clang-style (text) or as JSON Lines.
// Text rules: header `FILE:LINE:COL: error: MESSAGE [E0200]` (`FILE: ...` for line 0, `laudc: ...`
// without a file), then the source line behind a gutter ` NNNN | ` (line number right-aligned to
// max(4, digits), as clang does) and a caret line; notes and one help line follow. Everything that
// reaches the terminal is made safe: invalid UTF-8 and control characters (except TAB) become U+FFFD.
#include "compiler/diagnostics.h"

#include <algorithm>
#include <array>
#include <limits>

#include <fmt/format.h>

namespace laud::compiler {
namespace {

// ---------------------------------------------------------------- the code table

constexpr Severity severity_named(std::string_view word) {
  return word == "error" ? Severity::kError : word == "warning" ? Severity::kWarning : Severity::kNote;
}

struct CodeInfo {
  std::string_view name;
  std::string_view ident;
  Severity severity;
};

constexpr CodeInfo kCodes[] = {
#define X(code, ident, severity) {#code, #ident, severity_named(#severity)},
#include "compiler/diagnostic_codes.def"
#undef X
};

const CodeInfo& info(DiagCode code) { return kCodes[static_cast<size_t>(code)]; }

std::string_view severity_word(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "error";
}

// ---------------------------------------------------------------- UTF-8

constexpr uint32_t kReplacement = 0xFFFD;

// Decodes one code point at `i`; an invalid sequence yields U+FFFD over one byte.
uint32_t decode_utf8(std::string_view s, size_t i, size_t& len) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  len = 1;
  if (c < 0x80) return c;
  if (c >= 0xC2 && c <= 0xDF && cont(1)) {
    len = 2;
    return (c & 0x1Fu) << 6 | (b(1) & 0x3Fu);
  }
  if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2)) {
    uint32_t cp = (c & 0x0Fu) << 12 | (b(1) & 0x3Fu) << 6 | (b(2) & 0x3Fu);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return kReplacement;
    len = 3;
    return cp;
  }
  if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    uint32_t cp = (c & 0x07u) << 18 | (b(1) & 0x3Fu) << 12 | (b(2) & 0x3Fu) << 6 | (b(3) & 0x3Fu);
    if (cp < 0x10000 || cp > 0x10FFFF) return kReplacement;
    len = 4;
    return cp;
  }
  return kReplacement;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Control characters (C0 but TAB, DEL, C1) and bidirectional overrides could reshape the terminal
// or hide text ("Trojan source"); they are shown as U+FFFD.
bool is_unsafe(uint32_t cp) {
  return (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

// Terminal cells of a code point: 2 for East Asian wide characters and emoji, else 1.
unsigned cell_width(uint32_t cp) {
  // East Asian Wide/Fullwidth ranges and the emoji that terminals draw two cells wide.
  static constexpr std::pair<uint32_t, uint32_t> kWide[] = {
      {0x1100, 0x115F},   {0x231A, 0x231B},   {0x23E9, 0x23EC},   {0x23F0, 0x23F0},   {0x23F3, 0x23F3},
      {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},
      {0x26A1, 0x26A1},   {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
      {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F5},   {0x26FA, 0x26FA},   {0x26FD, 0x26FD},
      {0x2705, 0x2705},   {0x270A, 0x270B},   {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},
      {0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
      {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},   {0x3041, 0x33FF},
      {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
      {0xFE30, 0xFE4F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
      {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F2FF}, {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF},
      {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x3FFFD},
  };
  for (auto [lo, hi] : kWide)
    if (cp >= lo && cp <= hi) return 2;
  return 1;
}

// Text made safe for a terminal: invalid UTF-8 and unsafe characters become U+FFFD.
std::string safe_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    uint32_t cp = decode_utf8(s, i, len);
    if (is_unsafe(cp)) cp = kReplacement;
    append_utf8(out, cp);
  }
  return out;
}

// ---------------------------------------------------------------- the excerpt

constexpr size_t kLongLine = 200;      // lines with more code points than this are clipped
constexpr size_t kClipWindow = 120;    // code points shown of a clipped line
constexpr size_t kClipLeading = 40;    // of which this many before the caret, when possible
constexpr std::string_view kEllipsis = "...";

// One code point of a source line as displayed.
struct Cell {
  uint32_t byte;      // offset in the line
  uint32_t text_at;   // offset of its displayed form in ShownLine::text
  uint8_t width;      // terminal cells
  bool tab;
};

struct ShownLine {
  std::string text;         // the safe display text of the whole line
  std::vector<Cell> cells;  // one per code point (or invalid byte)
};

ShownLine show_line(std::string_view line) {
  ShownLine shown;
  for (size_t i = 0, len = 0; i < line.size(); i += len) {
    uint32_t cp = decode_utf8(line, i, len);
    if (is_unsafe(cp)) cp = kReplacement;
    shown.cells.push_back(Cell{static_cast<uint32_t>(i), static_cast<uint32_t>(shown.text.size()),
                               static_cast<uint8_t>(cell_width(cp)), cp == '\t'});
    append_utf8(shown.text, cp);
  }
  return shown;
}

// The cell range [first, last) to underline: the cell holding byte `begin`, through the cells
// before byte `end` (at least one; `first` may be one past the last cell: the end of the line).
struct Marked {
  size_t first;
  size_t last;
};

// Number of cells that start at or before byte `byte`.
size_t cells_through(const ShownLine& line, size_t byte) {
  auto it = std::upper_bound(line.cells.begin(), line.cells.end(), byte,
                             [](size_t b, const Cell& c) { return b < c.byte; });
  return static_cast<size_t>(it - line.cells.begin());
}

// `begin` and `end` are byte offsets in the line, `end` at most the line's size.
Marked mark(const ShownLine& line, size_t begin, size_t end, size_t line_size) {
  if (begin >= line_size) return {line.cells.size(), line.cells.size() + 1};
  size_t first = cells_through(line, begin) - 1;
  size_t last = end > begin ? cells_through(line, end - 1) : first + 1;
  return {first, std::max(last, first + 1)};
}

// Which cells of a long line are shown.
struct Window {
  size_t first;
  size_t last;
};

Window clip(const ShownLine& line, size_t caret) {
  size_t n = line.cells.size();
  if (n <= kLongLine) return {0, n};
  size_t first = caret > kClipLeading ? caret - kClipLeading : 0;
  size_t last = std::min(n, first + kClipWindow);
  if (last - first < kClipWindow) first = last - kClipWindow;
  return {first, last};
}

std::string window_text(const ShownLine& line, Window w) {
  auto at = [&](size_t i) { return i < line.cells.size() ? line.cells[i].text_at : line.text.size(); };
  std::string out;
  if (w.first > 0) out += kEllipsis;
  out += line.text.substr(at(w.first), at(w.last) - at(w.first));
  if (w.last < line.cells.size()) out += kEllipsis;
  return out;
}

std::string caret_text(const ShownLine& line, Window w, Marked m) {
  std::string out(w.first > 0 ? kEllipsis.size() : 0, ' ');
  for (size_t i = w.first; i < m.first && i < w.last; ++i) {
    const Cell& c = line.cells[i];
    out += c.tab ? std::string("\t") : std::string(c.width, ' ');
  }
  out += '^';
  if (m.first < line.cells.size()) out.append(line.cells[m.first].width - 1u, '~');
  for (size_t i = m.first + 1; i < m.last && i < w.last; ++i) out.append(line.cells[i].width, '~');
  return out;
}

// ---------------------------------------------------------------- colors

struct Palette {
  bool on;
  std::string_view paint(std::string_view code) const { return on ? code : std::string_view(); }
  std::string_view bold() const { return paint("\033[1m"); }
  std::string_view reset() const { return paint("\033[0m"); }
  std::string_view caret() const { return paint("\033[1;32m"); }
  std::string_view severity(Severity s) const {
    switch (s) {
      case Severity::kError: return paint("\033[1;31m");
      case Severity::kWarning: return paint("\033[1;35m");
      case Severity::kNote: return paint("\033[1;36m");
    }
    return {};
  }
};

size_t digits(uint32_t n) { return fmt::formatted_size("{}", n); }

// ---------------------------------------------------------------- JSON

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    uint32_t cp = decode_utf8(s, i, len);
    switch (cp) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (cp < 0x20) out += fmt::format("\\u{:04x}", cp);
        else append_utf8(out, cp);
    }
  }
  out += '"';
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

}  // namespace

std::string_view diag_code_name(DiagCode code) { return info(code).name; }
std::string_view diag_code_ident(DiagCode code) { return info(code).ident; }
Severity diag_code_severity(DiagCode code) { return info(code).severity; }

Diagnostic& Diagnostics::report(DiagCode code, Span span, std::string message) {
  Severity severity = diag_code_severity(code);
  if (severity == Severity::kError) ++errors_;
  diags_.push_back(Diagnostic{code, severity, span, std::move(message), {}, {}});
  return diags_.back();
}

size_t Diagnostics::warning_count() const {
  return static_cast<size_t>(
      std::count_if(diags_.begin(), diags_.end(), [](const Diagnostic& d) { return d.severity == Severity::kWarning; }));
}

void Diagnostics::sort() {
  std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.span.file != b.span.file ? a.span.file < b.span.file : a.span.begin < b.span.begin;
  });
}

// ---------------------------------------------------------------- text rendering

namespace {

// Renders one diagnostic; holds what its parts share (sources, colors, gutter width).
class TextRenderer {
 public:
  TextRenderer(const SourceManager& sources, bool color) : sources_(sources), pal_{color} {}

  std::string render(const Diagnostic& d) {
    gutter_ = gutter_width(d);
    std::string out = header(d.span, /*located=*/true, d.severity, d.message);
    out.pop_back();  // the code goes before the newline
    out += fmt::format(" [{}]{}\n", diag_code_name(d.code), pal_.reset());
    out += excerpt(d.span);
    for (const DiagNote& n : d.notes) {
      out += header(n.span, n.span.line != 0, Severity::kNote, n.message);
      out += excerpt(n.span);
    }
    if (!d.help.empty()) out += fmt::format("{}help:{} {}\n", pal_.bold(), pal_.reset(), safe_text(d.help));
    return out;
  }

 private:
  bool has_file(const Span& s) const { return s.file < sources_.size(); }
  bool has_excerpt(const Span& s) const {
    return has_file(s) && s.line != 0 && s.line <= sources_.file(s.file).line_count();
  }

  std::string location(const Span& s) const {
    if (!has_file(s)) return "laudc";
    std::string name = safe_text(sources_.file(s.file).name());
    return s.line == 0 ? name : fmt::format("{}:{}:{}", name, s.line, s.col);
  }

  // `LOC: SEVERITY: MESSAGE\n` with the message left bold (closed by the caller or at the end).
  std::string header(const Span& s, bool located, Severity sev, std::string_view message) const {
    std::string out;
    if (located) out += fmt::format("{}{}: ", pal_.bold(), location(s));
    out += fmt::format("{}{}:{}{} {}", pal_.severity(sev), severity_word(sev), pal_.reset(), pal_.bold(),
                       safe_text(message));
    if (sev == Severity::kNote) out += pal_.reset();
    out += '\n';
    return out;
  }

  size_t gutter_width(const Diagnostic& d) const {
    uint32_t widest = has_excerpt(d.span) ? d.span.line : 0;
    for (const DiagNote& n : d.notes)
      if (has_excerpt(n.span)) widest = std::max(widest, n.span.line);
    return std::max<size_t>(4, digits(widest));
  }

  std::string excerpt(const Span& s) const {
    if (!has_excerpt(s)) return {};
    const SourceFile& file = sources_.file(s.file);
    std::string_view line = file.line_text(s.line);
    size_t line_start = static_cast<size_t>(line.data() - file.text().data());
    ShownLine shown = show_line(line);
    Marked m = locate(s, shown, line_start, line.size());
    Window w = clip(shown, m.first);
    std::string text = window_text(shown, w);
    std::string out = fmt::format(" {:>{}} |{}{}\n", s.line, gutter_, text.empty() ? "" : " ", text);
    out += fmt::format(" {:>{}} | {}{}{}\n", "", gutter_, pal_.caret(), caret_text(shown, w, m), pal_.reset());
    return out;
  }

  // Cells to mark: from the span's bytes when they lie on its line, else from its column.
  static Marked locate(const Span& s, const ShownLine& shown, size_t line_start, size_t line_size) {
    if (s.begin >= line_start && s.begin <= line_start + line_size) {
      size_t begin = s.begin - line_start;
      size_t end = std::min<size_t>(std::max(s.end, s.begin) - line_start, line_size);
      return mark(shown, begin, end, line_size);
    }
    size_t first = std::min<size_t>(s.col > 0 ? s.col - 1 : 0, shown.cells.size());
    return {first, first + 1};
  }

  const SourceManager& sources_;
  Palette pal_;
  size_t gutter_ = 4;
};

std::string summary(size_t errors, size_t warnings) {
  auto count = [](size_t n, std::string_view word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); };
  if (errors && warnings) return fmt::format("{} and {} generated.\n", count(warnings, "warning"), count(errors, "error"));
  if (errors) return count(errors, "error") + " generated.\n";
  if (warnings) return count(warnings, "warning") + " generated.\n";
  return {};
}

}  // namespace

std::string Diagnostics::render_one(const Diagnostic& d, bool color) const {
  return TextRenderer(sources_, color).render(d);
}

std::string Diagnostics::render_text(bool color) const {
  std::string out;
  TextRenderer renderer(sources_, color);
  for (const Diagnostic& d : diags_) out += renderer.render(d);
  out += summary(errors_, warning_count());
  return out;
}

// ---------------------------------------------------------------- JSON rendering

namespace {

void append_field(std::string& out, std::string_view key, std::string_view value) {
  out += fmt::format(",\"{}\":", key);
  append_json_string(out, value);
}

void append_file(std::string& out, const SourceManager& sources, const Span& s, bool located) {
  out += "\"file\":";
  if (located && s.file < sources.size()) append_json_string(out, sources.file(s.file).name());
  else out += "null";
}

// The position just past the span (exclusive), as line and column; the start for empty spans.
LineCol end_of(const SourceManager& sources, const Span& s) {
  if (s.line == 0 || s.file >= sources.size()) return {0, 0};
  if (s.end <= s.begin) return {s.line, s.col};
  return sources.file(s.file).line_col(s.end);
}

}  // namespace

std::string Diagnostics::render_json() const {
  std::string out;
  for (const Diagnostic& d : diags_) {
    out += '{';
    append_file(out, sources_, d.span, true);
    LineCol end = end_of(sources_, d.span);
    out += fmt::format(",\"line\":{},\"column\":{},\"end_line\":{},\"end_column\":{}", d.span.line, d.span.col,
                       end.line, end.col);
    append_field(out, "severity", severity_word(d.severity));
    append_field(out, "code", diag_code_name(d.code));
    append_field(out, "name", diag_code_ident(d.code));
    append_field(out, "message", d.message);
    out += ",\"notes\":[";
    for (size_t i = 0; i < d.notes.size(); ++i) {
      const DiagNote& n = d.notes[i];
      out += i ? ",{" : "{";
      append_file(out, sources_, n.span, n.span.line != 0);
      out += fmt::format(",\"line\":{},\"column\":{}", n.span.line, n.span.col);
      append_field(out, "message", n.message);
      out += '}';
    }
    out += "],\"help\":";
    if (d.help.empty()) out += "null";
    else append_json_string(out, d.help);
    out += "}\n";
  }
  return out;
}

// ---------------------------------------------------------------- names

// Optimal string alignment: Levenshtein plus the swap of two adjacent bytes as one edit, so the
// commonest typo (`emial`) is one edit away. Three rolling rows; inputs are capped, so no heap.
size_t edit_distance(std::string_view a, std::string_view b) {
  if (a.size() > kEditDistanceMaxLen || b.size() > kEditDistanceMaxLen) return std::numeric_limits<size_t>::max();
  std::array<size_t, kEditDistanceMaxLen + 1> before{}, prev{}, cur{};
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.size()];
}

std::string_view closest_name(std::string_view name, const std::vector<std::string_view>& candidates) {
  size_t limit = std::max<size_t>(1, name.size() / 3);
  std::string_view best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (std::string_view c : candidates) {
    if (c == name) continue;
    size_t d = equal_ignoring_case(c, name) ? 0 : edit_distance(name, c);
    if (d <= limit && d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace laud::compiler
