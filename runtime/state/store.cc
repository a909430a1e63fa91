// store.cc — RocksDB behind StateStore.
#include "runtime/state/store.h"

#include <rocksdb/db.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <cstdio>

namespace laud::runtime {

StateStore::StateStore() = default;
StateStore::~StateStore() {
  std::string error;
  if (!wait(&error))  // before the database closes; a caller that did not wait still hears of a failure
    std::fprintf(stderr, "laudd: error: state store: the last checkpoint's write failed: %s\n", error.c_str());
}

bool StateStore::open(const std::string& dir, std::string* error) {
  if (!wait(error)) return false;
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  options.OptimizeLevelStyleCompaction(64 << 20);
  // Checkpoints are write-only batches of thousands of random keys; reads happen once, at restore
  // (an iterator over a flushed table). A vector memtable appends in O(1) and sorts at flush,
  // where the default skip list pays a search per key on the writing thread.
  options.memtable_factory.reset(new rocksdb::VectorRepFactory);
  options.allow_concurrent_memtable_write = false;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    if (error) *error = dir + ": " + s.ToString();
    return false;
  }
  db_.reset(db);
  return true;
}

bool StateStore::get(std::string_view key, std::string& value, std::string* error) {
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) {
    if (error) *error = s.ToString();
    return false;
  }
  return true;
}

bool StateStore::scan(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& f,
                      std::string* error) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    rocksdb::Slice k = it->key();
    if (!k.starts_with(rocksdb::Slice(prefix.data(), prefix.size()))) break;
    if (!f(std::string_view(k.data(), k.size()), std::string_view(it->value().data(), it->value().size())))
      return true;
  }
  if (!it->status().ok()) {
    if (error) *error = it->status().ToString();
    return false;
  }
  return true;
}

bool StateStore::write(const std::vector<std::pair<std::string, std::string>>& puts, std::string* error) {
  return write(
      [&](const StatePut& put) {
        for (const auto& [k, v] : puts) put(k, v);
      },
      error);
}

namespace {

void fill_batch(rocksdb::WriteBatch& batch, const std::function<void(const StatePut&)>& fill) {
  fill([&](std::string_view k, std::string_view v) {
    batch.Put(rocksdb::Slice(k.data(), k.size()), rocksdb::Slice(v.data(), v.size()));
  });
}

// true for "" (no error); else false, with `failed` in *error when given.
bool succeeded(const std::string& failed, std::string* error) {
  if (!failed.empty() && error) *error = failed;
  return failed.empty();
}

// The synced write of a batch; "" or the error.
std::string write_synced(rocksdb::DB& db, rocksdb::WriteBatch& batch) {
  rocksdb::WriteOptions options;
  options.sync = true;
  rocksdb::Status s = db.Write(options, &batch);
  return s.ok() ? std::string() : s.ToString();
}

}  // namespace

bool StateStore::write(const std::function<void(const StatePut&)>& fill, std::string* error) {
  if (!wait(error)) return false;
  rocksdb::WriteBatch batch(batch_reserve());
  fill_batch(batch, fill);
  last_batch_bytes_ = batch.GetDataSize();
  return succeeded(write_synced(*db_, batch), error);
}

bool StateStore::write_async(const std::function<void(const StatePut&)>& fill, std::string* error) {
  if (!wait(error)) return false;
  auto batch = std::make_unique<rocksdb::WriteBatch>(batch_reserve());
  fill_batch(*batch, fill);
  last_batch_bytes_ = batch->GetDataSize();
  in_flight_ = std::async(std::launch::async,
                          [db = db_.get(), b = std::move(batch)]() { return write_synced(*db, *b); });
  return true;
}

bool StateStore::wait(std::string* error) {
  if (!in_flight_.valid()) return true;
  return succeeded(in_flight_.get(), error);  // get() leaves the future empty
}

}  // namespace laud::runtime
