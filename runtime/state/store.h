// store.h — the durable state store of `laudd run --state DIR`: RocksDB, one key per customer
// (`c` + id) and one for the engine (`g`). Every checkpoint is one synced WriteBatch, so after a
// crash the store holds exactly the last checkpoint: never half of one. A batch can be written on
// a thread of its own while the caller goes on (write_async), one at a time.
#pragma once

#include <algorithm>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/state/state_source.h"

namespace rocksdb {
class DB;
}

namespace laud::runtime {

class StateStore {
 public:
  StateStore();
  ~StateStore();
  bool open(const std::string& dir, std::string* error);
  // The value of `key`; false when absent (error left empty) or on failure (error set).
  bool get(std::string_view key, std::string& value, std::string* error);
  // Calls `f` for each key with `prefix`, in key order; stops early when `f` returns false.
  bool scan(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& f,
            std::string* error);
  // Writes all pairs atomically and durably (WAL synced).
  bool write(const std::vector<std::pair<std::string, std::string>>& puts, std::string* error);
  // The same for the records `fill` hands to the put function it is given (copied into the batch
  // as they come: the caller may reuse its buffers).
  bool write(const std::function<void(const StatePut&)>& fill, std::string* error);
  // The same, but only the batch is built here (the records are copied: the caller may change
  // what they came from once this returns); the synced write runs on a thread of its own. First
  // waits for the write before: false with that write's error when it failed (this batch is then
  // not written). The store holds the batch once wait() or the next write returns true.
  bool write_async(const std::function<void(const StatePut&)>& fill, std::string* error);
  // Waits for the write in flight, if any: false with its error when it failed.
  bool wait(std::string* error);

 private:
  // Declared after db_, so destroyed before it (a std::async future waits in its destructor);
  // ~StateStore also waits explicitly and reports a failed write.
  std::unique_ptr<rocksdb::DB> db_;
  // A new batch reserves about the last one's size (at most 64 MB: one huge batch, e.g. a daily
  // schedule that touched every customer, must not make every later one reserve as much): one
  // allocation instead of a string doubling its way up, copying the records again each time.
  size_t last_batch_bytes_ = 0;
  size_t batch_reserve() const { return std::min<size_t>(last_batch_bytes_ + last_batch_bytes_ / 4, size_t{64} << 20); }
  std::future<std::string> in_flight_;  // the error of the write in flight ("" when it succeeds)
};

}  // namespace laud::runtime
