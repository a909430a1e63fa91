// stats_merge.h — one stats report for a process that runs an engine per Kafka partition: the
// engines' reports (runtime/engine/stats.cc JSON, all numbers counts) summed key by key.
#pragma once

#include <string>
#include <vector>

namespace laud::runtime {

// Objects merged by key (first report's key order, then new keys), numbers summed, arrays merged
// element by element, other values taken from the first report that has them. One report is
// returned as it is; none gives "{}".
std::string merge_stats_reports(const std::vector<std::string>& reports);

}  // namespace laud::runtime
