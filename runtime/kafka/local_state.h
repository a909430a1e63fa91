// local_state.h — a Kafka run's local copy of one partition's committed state (docs/kafka.md,
// "Local state"): a RocksDB store per changelog partition holding the changelog's records up to a
// recorded changelog offset. Records reach it only after their transaction committed; a restart
// loads it and reads the changelog only from that offset on.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/kafka/changelog.h"
#include "runtime/state/store.h"

namespace laud::runtime {

class LocalState {
 public:
  // Opens (creating) DIR/<changelog>-<partition>.
  bool open(const std::string& dir, const std::string& changelog, int32_t partition, std::string* error);
  // Every record, and the changelog offset they reach (-1: an empty store).
  bool load(StateMap& records, int64_t& offset, std::string* error);
  // Records of a committed transaction, kept in memory until flush().
  void add(const StatePuts& puts);
  bool has_pending() const { return !pending_.empty(); }
  // Writes the records added so far and `offset` (the changelog's end after them) in one synced batch.
  bool flush(int64_t offset, std::string* error);
  // Empties the store (it does not match the changelog: another topic of the same name).
  bool wipe(std::string* error);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::unique_ptr<StateStore> store_;
  StateMap pending_;
};

}  // namespace laud::runtime
