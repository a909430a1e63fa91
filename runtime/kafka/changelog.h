// changelog.h — the compacted Kafka changelog topic behind a laudd partition's state
// (docs/kafka.md): created like the input topic (same partition count, cleanup.policy=compact)
// and read back, one partition from its beginning to its end in read_committed, into memory.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "runtime/state/state_source.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace laud::runtime {

using StateMap = std::map<std::string, std::string, std::less<>>;

// The partition count of `input`, then `changelog` created with as many partitions and
// cleanup.policy=compact when it does not exist; an existing one with fewer partitions is an error.
bool ensure_changelog_topic(rd_kafka_t* rk, const std::string& input, const std::string& changelog,
                            std::string* error);

// A StateSource over records read into memory (keys in order, as the store's scan).
StateSource state_source(const StateMap& records);

class ChangelogReader {
 public:
  ChangelogReader() = default;
  ~ChangelogReader();
  ChangelogReader(const ChangelogReader&) = delete;
  ChangelogReader& operator=(const ChangelogReader&) = delete;
  bool open(const std::string& bootstrap, const std::string& group,
            const std::vector<std::pair<std::string, std::string>>& properties, std::string* error);
  // Every committed record of one partition from offset `from` (default: the beginning) to its
  // end, applied over `out` (the last value per key; a NULL value deletes it).
  bool read(const std::string& topic, int32_t partition, StateMap& out, uint64_t& messages, std::string* error,
            int64_t from = -2 /* RD_KAFKA_OFFSET_BEGINNING */);
  // The partition's low and high watermarks.
  bool watermarks(const std::string& topic, int32_t partition, int64_t& lo, int64_t& hi, std::string* error);

 private:
  rd_kafka_t* rk_ = nullptr;
};

}  // namespace laud::runtime
