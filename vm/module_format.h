// module_format.h — the module file (.ljb): a Module as little-endian bytes and back
// (docs/bytecode.md, "The module file"). Writing is deterministic; reading never trusts a length
// or a count, refuses anything malformed with a message that names the section and byte offset,
// and runs the verifier (vm/verifier.h) before the module is handed out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vm/module.h"

namespace laud::vm {

// Header: magic(8) version u32, flags u32, content hash u64, section count u32.
inline constexpr char kModuleMagic[8] = {'L', 'A', 'U', 'D', 'M', 'O', 'D', '\0'};
inline constexpr size_t kModuleHeaderSize = 28;
inline constexpr size_t kModuleTrailerSize = 8;  // checksum u64 over every byte before it
inline constexpr size_t kContentHashOffset = 16;

// The sections, in file order; the tag of each is its value.
enum class Section : uint32_t {
  kHeader = 0,  // not a section: the 28 header bytes (for error messages)
  kFiles = 1,
  kStrings,
  kConstants,
  kRegexes,
  kFunctions,
  kAggregates,
  kSegments,
  kJourneys,
  kSends,
  kWaits,
  kSplits,
  kSteps,
  kCaps,
  kPolicy,
  kTrailer,  // not a section: the checksum (for error messages)
};
inline constexpr uint32_t kSectionCount = 14;  // kFiles .. kPolicy

// "files", "strings", ..., "policy"; "header" and "trailer" for the two ends.
std::string_view section_name(Section s);

// FNV-1a 64 (the content hash and the trailer checksum).
inline constexpr uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
uint64_t fnv1a64(std::string_view bytes, uint64_t h = kFnvOffsetBasis);

// The module as bytes. The header's content hash is FNV-1a 64 of the sections (every byte between
// header and trailer), so equal modules have equal hashes; the non-const overload also stores
// it in m.content_hash (instances record it to find their module version). Throws
// std::length_error only for a section or string beyond 4 GiB.
std::string write_module(const Module& m);
std::string write_module(Module& m);

// Decodes `bytes` into `out` (whose previous contents are dropped), verifies it and builds its
// run-time views. On failure returns false and sets `error` to
//   "<name>: bad module: section `functions` at offset 1234: <what> (function `vip`, pc 7)".
bool read_module(std::string_view bytes, Module& out, std::string* error, std::string_view name = "module");

// Whole files: the same, with the path as the name in messages.
bool load_module_file(const std::string& path, Module& out, std::string* error);
bool save_module_file(const std::string& path, Module& m, std::string* error);

// Recomputes the content hash and the trailer checksum of module bytes in place (when they are
// long enough to hold a header and a trailer): for tests and the fuzzer, which alter bytes and
// want the structural checks, not the checksum, to answer.
void reseal_module(std::string& bytes);

}  // namespace laud::vm
