// local_state.cc — the per-partition RocksDB copy of the changelog (see local_state.h). The
// changelog offset the records reach is kept under a key no record has (`~offset`).
#include "runtime/kafka/local_state.h"

#include <fmt/format.h>

#include <filesystem>

#include "vm/bytes.h"

namespace laud::runtime {

namespace {
constexpr std::string_view kOffsetKey = "~offset";
}  // namespace

bool LocalState::open(const std::string& dir, const std::string& changelog, int32_t partition, std::string* error) {
  path_ = (std::filesystem::path(dir) / fmt::format("{}-{}", changelog, partition)).string();
  std::error_code ec;
  std::filesystem::create_directories(path_, ec);
  if (ec) {
    *error = fmt::format("{}: {}", path_, ec.message());
    return false;
  }
  store_ = std::make_unique<StateStore>();
  if (!store_->open(path_, error)) {
    store_.reset();
    return false;
  }
  return true;
}

bool LocalState::load(StateMap& records, int64_t& offset, std::string* error) {
  records.clear();
  offset = -1;
  std::string bad;
  bool ok = store_->scan(
      "",
      [&](std::string_view k, std::string_view v) {
        if (k != kOffsetKey) {
          records.insert_or_assign(std::string(k), std::string(v));
          return true;
        }
        vm::ByteReader r(v);
        offset = static_cast<int64_t>(r.u64());
        if (!r.ok() || !r.done()) bad = "malformed changelog offset";
        return bad.empty();
      },
      error);
  if (ok && !bad.empty()) *error = fmt::format("{}: {}", path_, bad);
  return ok && bad.empty();
}

void LocalState::add(const StatePuts& puts) {
  for (const auto& [k, v] : puts) pending_.insert_or_assign(k, v);
}

bool LocalState::flush(int64_t offset, std::string* error) {
  StatePuts puts;
  puts.reserve(pending_.size() + 1);
  for (auto& [k, v] : pending_) puts.emplace_back(k, std::move(v));
  std::string o;
  vm::put_u64(o, static_cast<uint64_t>(offset));
  puts.emplace_back(std::string(kOffsetKey), std::move(o));
  pending_.clear();
  return store_->write(puts, error);
}

bool LocalState::wipe(std::string* error) {
  store_.reset();
  pending_.clear();
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  std::filesystem::create_directories(path_, ec);
  store_ = std::make_unique<StateStore>();
  if (!store_->open(path_, error)) {
    store_.reset();
    return false;
  }
  return true;
}

}  // namespace laud::runtime
