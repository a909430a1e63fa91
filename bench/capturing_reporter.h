// capturing_reporter.h — a console reporter that also keeps one counter of every run, so a
// benchmark's main can print a summary with ratios measured in the same run. Runs are keyed by
// "function_name" plus "/args" when the benchmark has arguments; repetitions give the median.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace laud::bench {

class CapturingReporter : public benchmark::ConsoleReporter {
 public:
  // Keeps counter `counter` of each iteration run, multiplied by `scale`.
  CapturingReporter(OutputOptions opts, std::string counter, double scale = 1.0)
      : ConsoleReporter(opts), counter_(std::move(counter)), scale_(scale) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.error_occurred || r.run_type != Run::RT_Iteration) continue;
      auto it = r.counters.find(counter_);
      if (it == r.counters.end()) continue;
      std::string key = r.run_name.function_name;
      if (!r.run_name.args.empty()) key += "/" + r.run_name.args;
      samples_[key].push_back(it->second.value * scale_);
    }
    ConsoleReporter::ReportRuns(runs);
  }

  // The median of the kept values for `key`, or 0 when that benchmark did not run.
  double median(const std::string& key) const {
    auto it = samples_.find(key);
    if (it == samples_.end() || it->second.empty()) return 0;
    std::vector<double> v = it->second;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

 private:
  std::string counter_;
  double scale_;
  std::map<std::string, std::vector<double>> samples_;
};

}  // namespace laud::bench
