// event_gen_check.cc — laud_event_gen_check N: generates an N-event benchmark stream twice and
// checks that the runs are identical, that every line is a Segment object laud accepts (type
// track/identify, a user id, an event name and object properties or object traits, an RFC 3339
// timestamp), that timestamps never decrease and that the identify share is about 30%. Then
// checks the example preset: every line it does not mean to be bad is valid. Exit 0 when all hold.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "bench/event_gen.h"
#include "vm/time_text.h"

namespace {

int failures = 0;

void fail(uint64_t n, std::string_view what, const std::string& line) {
  if (++failures <= 20) fmt::print(stderr, "line {}: {}: {}\n", n, what, line);
}

// Checks one line against the input rules of LANGUAGE.md §8; returns its timestamp (or -1).
int64_t check_line(simdjson::dom::parser& parser, uint64_t n, const std::string& line, bool* identify) {
  simdjson::dom::element root;
  if (parser.parse(line).get(root)) return fail(n, "not JSON", line), -1;
  simdjson::dom::object o;
  if (root.get_object().get(o)) return fail(n, "not an object", line), -1;
  std::string_view type;
  if (o["type"].get_string().get(type) || (type != "track" && type != "identify"))
    return fail(n, "type", line), -1;
  *identify = type == "identify";
  simdjson::dom::element id;
  if (o.at_key("userId").get(id) && o.at_key("anonymousId").get(id)) return fail(n, "no user id", line), -1;
  if (!(id.is_string() && !std::string_view(id.get_string()).empty()) && !id.is_int64())
    return fail(n, "bad user id", line), -1;
  if (!*identify) {
    std::string_view event;
    if (o["event"].get_string().get(event) || event.empty()) return fail(n, "no event", line), -1;
  }
  simdjson::dom::element body;
  if (!o.at_key(*identify ? "traits" : "properties").get(body) && !body.is_object())
    return fail(n, "body not an object", line), -1;
  std::string_view ts;
  if (o["timestamp"].get_string().get(ts)) return fail(n, "no timestamp", line), -1;
  auto t = laud::vm::parse_rfc3339(ts);
  if (!t) return fail(n, "bad timestamp", line), -1;
  return *t;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t n = argc > 1 ? std::stoull(argv[1]) : 10000;
  laud::bench::EventGenOptions o = laud::bench::bench_options();
  o.events = n;
  o.customers = std::max<uint64_t>(1, n / 10);

  std::vector<std::string> first;
  {
    laud::bench::EventGenerator g(o);
    std::string line;
    while (g.next(line)) first.push_back(line);
  }
  if (first.size() != n) fmt::print(stderr, "expected {} lines, got {}\n", n, first.size()), ++failures;

  simdjson::dom::parser parser;
  laud::bench::EventGenerator g(o);
  std::string line;
  uint64_t i = 0, identifies = 0;
  int64_t last = INT64_MIN;
  while (g.next(line)) {
    if (i >= first.size() || line != first[i]) fail(i + 1, "differs from the first run", line);
    bool identify = false;
    int64_t t = check_line(parser, i + 1, line, &identify);
    if (t >= 0 && t < last) fail(i + 1, "timestamp goes backwards", line);
    if (t >= 0) last = t;
    identifies += identify;
    ++i;
  }
  double share = double(identifies) / double(std::max<uint64_t>(i, 1));
  if (share < 0.28 || share > 0.32) fmt::print(stderr, "identify share {:.3f}, not about 0.3\n", share), ++failures;

  // The example preset: lines not meant to be bad are valid; bad ones appear.
  laud::bench::EventGenerator ex(laud::bench::example_options());
  uint64_t bad = 0, k = 0;
  while (ex.next(line)) {
    ++k;
    if (ex.last_kind() == laud::bench::EventKind::kBad) {
      ++bad;
      continue;
    }
    bool identify = false;
    check_line(parser, k, line, &identify);
  }
  if (bad == 0) fmt::print(stderr, "the example stream has no bad lines\n"), ++failures;

  if (failures) {
    fmt::print(stderr, "laud_event_gen_check: {} failures\n", failures);
    return 1;
  }
  fmt::print("laud_event_gen_check: {} bench lines valid, identical twice, in time order, identify share {:.3f}; "
             "example stream: {} lines, {} bad on purpose\n",
             i, share, k, bad);
  return 0;
}
