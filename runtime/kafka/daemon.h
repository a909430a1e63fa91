// daemon.h — `laudd run --config FILE` (docs/kafka.md): a consumer-group member that runs one
// Engine per assigned input partition, restored from the partition's changelog, and commits each
// batch's dispatches, rejects, changed state and consumed offsets in one Kafka transaction.
#pragma once

#include <csignal>

#include "runtime/config/config.h"
#include "runtime/dispatch/sink.h"
#include "runtime/journeys/catalog.h"

namespace laud::runtime {

// Runs until `*stop` (SIGTERM: commit, exit 0) or, with stop_at_end, the end of the input.
// `dispatch`: another sink for dispatch records (RabbitMQ; flushed before each commit), or null
// for the Kafka dispatch topics inside the transaction. Returns the process exit code.
int run_kafka_daemon(const RunConfig& cfg, const JourneyCatalog& catalog, bool summary, LineSink* dispatch,
                     volatile std::sig_atomic_t* stop);

}  // namespace laud::runtime
