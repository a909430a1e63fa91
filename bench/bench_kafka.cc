// bench_kafka.cc — laudd on a real Kafka broker end to end (issue 5, "Performance"): produces the
// generator's stream (bench preset, keyed by customer) to a fresh 4-partition LogAppendTime topic,
// reads it with a raw librdkafka consumer (the baseline), runs `laudd run --config` (exactly-once,
// stop_at_end) over it, then two live phases paced at half laudd's measured rate (the stream's event
// time compressed as in the backlog, then event time = real time); reports events/s, the ratio and
// append→dispatch-append latency p50/p99 (bench/README.md "Kafka"). Deletes its topics.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "event_gen.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr int kPartitions = 4;
const std::vector<std::string> kChannels = {"email", "sms", "push", "webhook", "in_app", "slack"};
std::string g_bootstrap = "127.0.0.1:19092";
pid_t g_child = -1;                 // a running laudd, killed when the harness fails
void (*g_cleanup)() = nullptr;      // deletes this run's topics (set in main)

[[noreturn]] void die(const std::string& msg) {
  fmt::print(stderr, "bench_kafka: error: {}\n", msg);
  if (g_child > 0) kill(g_child, SIGKILL), waitpid(g_child, nullptr, 0), g_child = -1;
  if (auto f = g_cleanup) g_cleanup = nullptr, f();
  std::exit(1);
}

double secs(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }
int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

rd_kafka_conf_t* new_conf(std::initializer_list<std::pair<const char*, std::string>> kv) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  if (rd_kafka_conf_set(conf, "bootstrap.servers", g_bootstrap.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
    die(err);
  for (const auto& [k, v] : kv)
    if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) die(fmt::format("{}={}: {}", k, v, err));
  return conf;
}

rd_kafka_t* new_client(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (!rk) die(err);
  return rk;
}

// ---- admin: create / delete topics and groups ----

struct TopicSpec {
  std::string name;
  int partitions;
  std::vector<std::pair<std::string, std::string>> configs;
};

void create_topics(const std::vector<TopicSpec>& specs) {
  rd_kafka_t* rk = new_client(RD_KAFKA_PRODUCER, new_conf({}));
  char err[512];
  std::vector<rd_kafka_NewTopic_t*> nts;
  for (const auto& s : specs) {
    rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(s.name.c_str(), s.partitions, 1, err, sizeof err);
    if (!t) die(err);
    for (const auto& [k, v] : s.configs) rd_kafka_NewTopic_set_config(t, k.c_str(), v.c_str());
    nts.push_back(t);
  }
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, nts.data(), nts.size(), nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30'000);
  if (!ev) die("CreateTopics: no answer within 30 s");
  if (rd_kafka_event_error(ev)) die(fmt::format("CreateTopics: {}", rd_kafka_event_error_string(ev)));
  size_t n = 0;
  const rd_kafka_topic_result_t** res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
  for (size_t i = 0; i < n; ++i)
    if (rd_kafka_topic_result_error(res[i]))
      die(fmt::format("creating {}: {}", rd_kafka_topic_result_name(res[i]), rd_kafka_topic_result_error_string(res[i])));
  rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  for (auto* t : nts) rd_kafka_NewTopic_destroy(t);
  rd_kafka_destroy(rk);
}

// Best effort: topics and groups of this run; a missing one is fine.
void delete_topics_and_groups(const std::vector<std::string>& topics, const std::vector<std::string>& groups) {
  rd_kafka_t* rk = new_client(RD_KAFKA_PRODUCER, new_conf({}));
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  std::vector<rd_kafka_DeleteTopic_t*> dts;
  for (const auto& t : topics) dts.push_back(rd_kafka_DeleteTopic_new(t.c_str()));
  rd_kafka_DeleteTopics(rk, dts.data(), dts.size(), nullptr, q);
  if (rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30'000)) rd_kafka_event_destroy(ev);
  for (auto* d : dts) rd_kafka_DeleteTopic_destroy(d);
  std::vector<rd_kafka_DeleteGroup_t*> dgs;
  for (const auto& g : groups) dgs.push_back(rd_kafka_DeleteGroup_new(g.c_str()));
  rd_kafka_DeleteGroups(rk, dgs.data(), dgs.size(), nullptr, q);
  if (rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30'000)) rd_kafka_event_destroy(ev);
  for (auto* d : dgs) rd_kafka_DeleteGroup_destroy(d);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
}

// ---- small parsers for the generator's lines and the dispatch records ----

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

// "YYYY-MM-DDTHH:MM:SS[.fff]Z" (UTC, as the generator and the engine write it) → ms; -1 otherwise.
int64_t parse_time(std::string_view s) {
  auto num = [&](size_t pos, size_t len) {
    int64_t v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return int64_t(-1);
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 20) return -1;
  int64_t y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), se = num(17, 2);
  if (y < 0 || mo < 1 || d < 1 || h < 0 || mi < 0 || se < 0) return -1;
  int64_t ms = 0;
  if (s[19] == '.') {
    size_t i = 20;
    int digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 3) ms = ms * 10 + (s[i] - '0'), ++digits;
      ++i;
    }
    while (digits++ < 3) ms *= 10;
  }
  return ((days_from_civil(y, unsigned(mo), unsigned(d)) * 24 + h) * 60 + mi) * 60000 + se * 1000 + ms;
}

// The value of "field":"..." (or of "field":123, a numeric id, as its digits) in a generator line
// or a dispatch record (no escapes expected in ids and times).
std::string_view json_string(std::string_view line, std::string_view field) {
  std::string pat = fmt::format("\"{}\":", field);
  size_t at = line.find(pat);
  if (at == std::string_view::npos) return {};
  at += pat.size();
  if (at < line.size() && line[at] == '"') {
    size_t end = line.find('"', ++at);
    return end == std::string_view::npos ? std::string_view{} : line.substr(at, end - at);
  }
  size_t end = at;
  while (end < line.size() && ((line[end] >= '0' && line[end] <= '9') || line[end] == '-')) ++end;
  return line.substr(at, end - at);
}

// ---- the input: produced, with each message's partition, offset, event time and append time ----

struct Input {
  // Per partition, by offset: the event timestamp (running maximum = the partition's event clock
  // after the message) and the broker's append time (LogAppendTime).
  std::vector<int64_t> clock[kPartitions], append[kPartitions];
  std::unordered_map<std::string, int> customer_partition;
  uint64_t delivered = 0, failed = 0, not_log_append = 0;
  uint64_t produced = 0, keyless = 0;
  double seconds = 0;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* in = static_cast<Input*>(opaque);
  if (m->err) {
    if (in->failed++ == 0) fmt::print(stderr, "bench_kafka: delivery failed: {}\n", rd_kafka_err2str(m->err));
    return;
  }
  ++in->delivered;
  if (m->partition < 0 || m->partition >= kPartitions || m->offset < 0) return;
  rd_kafka_timestamp_type_t tt;
  int64_t ts = rd_kafka_message_timestamp(m, &tt);
  if (tt != RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME) ++in->not_log_append;
  auto& c = in->clock[m->partition];
  auto& a = in->append[m->partition];
  size_t o = size_t(m->offset);
  if (c.size() <= o) c.resize(o + 1, -1), a.resize(o + 1, -1);
  c[o] = reinterpret_cast<intptr_t>(m->_private);
  a[o] = ts;
  if (m->key_len) in->customer_partition.try_emplace(std::string(static_cast<const char*>(m->key), m->key_len), m->partition);
}

// Produces `opts.events` generator lines to `topic`, keyed by customer (userId, else anonymousId),
// as fast as possible (rate 0) or paced at `rate` messages/s.
void produce(const std::string& topic, const laud::bench::EventGenOptions& opts, double rate, Input& in) {
  rd_kafka_conf_t* conf = new_conf({{"linger.ms", rate > 0 ? "1" : "20"},
                                    {"batch.size", "1000000"},
                                    {"queue.buffering.max.messages", "500000"},
                                    {"queue.buffering.max.kbytes", "524288"}});
  rd_kafka_conf_set_opaque(conf, &in);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t* rk = new_client(RD_KAFKA_PRODUCER, conf);
  laud::bench::EventGenerator gen(opts);
  std::string line;
  auto t0 = Clock::now();
  uint64_t i = 0;
  while (gen.next(line)) {
    if (rate > 0) {
      auto due = t0 + std::chrono::nanoseconds(int64_t(double(i) * 1e9 / rate));
      if (Clock::now() + std::chrono::microseconds(200) < due) {
        rd_kafka_poll(rk, 0);
        std::this_thread::sleep_until(due);
      }
    }
    std::string_view key = json_string(line, "userId");
    if (key.empty()) key = json_string(line, "anonymousId");
    if (key.empty()) ++in.keyless;
    int64_t ts = parse_time(json_string(line, "timestamp"));
    for (;;) {
      rd_kafka_resp_err_t e = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
          RD_KAFKA_V_VALUE(line.data(), line.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(intptr_t(ts))), RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) die(fmt::format("produce: {}", rd_kafka_err2str(e)));
      rd_kafka_poll(rk, 10);
    }
    if ((++i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  while (rd_kafka_outq_len(rk) > 0) rd_kafka_poll(rk, 50);
  in.seconds = secs(t0, Clock::now());
  in.produced = i;
  rd_kafka_destroy(rk);
  if (in.failed) die(fmt::format("{} messages not delivered", in.failed));
  for (int p = 0; p < kPartitions; ++p) {
    auto& c = in.clock[p];
    for (size_t o = 1; o < c.size(); ++o) c[o] = std::max(c[o], c[o - 1]);
  }
}

// ---- the raw consumer baseline ----

struct RawResult {
  uint64_t messages = 0, bytes = 0;
  double seconds = 0;
};

RawResult raw_consume(const std::string& topic, const std::string& group, uint64_t expected) {
  rd_kafka_conf_t* conf = new_conf({{"group.id", group},
                                    {"auto.offset.reset", "earliest"},
                                    {"enable.auto.commit", "false"},
                                    {"enable.partition.eof", "true"},
                                    {"isolation.level", "read_committed"}});
  auto t0 = Clock::now();
  rd_kafka_t* rk = new_client(RD_KAFKA_CONSUMER, conf);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* sub = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(sub, topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (rd_kafka_subscribe(rk, sub)) die("subscribe failed");
  rd_kafka_topic_partition_list_destroy(sub);
  RawResult r;
  bool eof[kPartitions] = {};
  auto last = t0;
  auto deadline = Clock::now() + std::chrono::seconds(300);
  while (Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (m->partition >= 0 && m->partition < kPartitions) eof[m->partition] = true;
    } else if (m->err) {
      fmt::print(stderr, "bench_kafka: raw consumer: {}\n", rd_kafka_message_errstr(m));
    } else {
      ++r.messages;
      r.bytes += m->len;
      last = Clock::now();
      if (m->partition >= 0 && m->partition < kPartitions) eof[m->partition] = false;
    }
    rd_kafka_message_destroy(m);
    if (r.messages >= expected && std::all_of(eof, eof + kPartitions, [](bool b) { return b; })) break;
  }
  r.seconds = secs(t0, last);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (r.messages != expected) die(fmt::format("raw consumer read {} of {} messages", r.messages, expected));
  return r;
}

// ---- the dispatch topics, read read_committed (live, in a thread, or after the fact) ----

struct Dispatch {
  std::string customer;
  int64_t time;    // the record's `time` (engine now when it was sent)
  int64_t append;  // LogAppendTime of the dispatch message
  int64_t seen;    // wall ms when this reader received it (visible to read_committed)
  int32_t input_partition = -1;  // the input message laudd was processing (headers), if any
  int64_t input_offset = -1;
};

// A numeric header of `m`, or -1.
int64_t header_number(rd_kafka_message_t* m, const char* name) {
  rd_kafka_headers_t* h = nullptr;
  const void* v = nullptr;
  size_t n = 0;
  if (rd_kafka_message_headers(m, &h) || rd_kafka_header_get_last(h, name, &v, &n) || !v) return -1;
  std::string text(static_cast<const char*>(v), n);
  char* end = nullptr;
  long long x = std::strtoll(text.c_str(), &end, 10);
  return end && *end == 0 && !text.empty() ? x : -1;
}

struct DispatchReader {
  std::vector<Dispatch> records;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> expect{0};  // laudd's own count (its stats), once known: read until that many
  uint64_t bad = 0;

  // Reads every partition of the dispatch topics from the beginning; returns once `stop` is set,
  // every partition is at its end, nothing arrived for a second and `expect` records were read —
  // or, short of `expect`, after 60 s more (a commit's markers land after EndTxn returns; a
  // shortfall that stays is reported as missing dispatches).
  void run(const std::string& prefix) {
    rd_kafka_conf_t* conf = new_conf({{"enable.partition.eof", "true"},
                                      {"isolation.level", "read_committed"},
                                      {"fetch.wait.max.ms", "5"},
                                      {"group.id", prefix + "reader"},
                                      {"enable.auto.commit", "false"}});
    rd_kafka_t* rk = new_client(RD_KAFKA_CONSUMER, conf);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(int(kChannels.size()) * kPartitions);
    for (const auto& ch : kChannels)
      for (int p = 0; p < kPartitions; ++p)
        rd_kafka_topic_partition_list_add(parts, (prefix + ch).c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    if (rd_kafka_assign(rk, parts)) die("assign failed");
    rd_kafka_topic_partition_list_destroy(parts);
    std::unordered_map<std::string, bool> eof;
    auto last = Clock::now();
    for (;;) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
      if (m) {
        std::string where = fmt::format("{}/{}", rd_kafka_topic_name(m->rkt), m->partition);
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          eof[where] = true;
        } else if (m->err) {
          fmt::print(stderr, "bench_kafka: dispatch reader: {}\n", rd_kafka_message_errstr(m));
        } else {
          eof[where] = false;
          last = Clock::now();
          std::string_view v(static_cast<const char*>(m->payload), m->len);
          int64_t t = parse_time(json_string(v, "time"));
          if (t < 0 || !m->key_len) {
            ++bad;
          } else {
            records.push_back({std::string(static_cast<const char*>(m->key), m->key_len), t,
                               rd_kafka_message_timestamp(m, nullptr), wall_ms(),
                               int32_t(header_number(m, "input_partition")), header_number(m, "input_offset")});
          }
        }
        rd_kafka_message_destroy(m);
      }
      if (stop && secs(last, Clock::now()) > 1.0 && eof.size() == kChannels.size() * kPartitions &&
          std::all_of(eof.begin(), eof.end(), [](const auto& e) { return e.second; }) &&
          (records.size() + bad >= expect || secs(last, Clock::now()) > 60.0))
        break;
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }
};

// ---- latency: each dispatch against the input message that caused it ----

struct Latency {
  std::vector<int64_t> append_ms, visible_ms;
  uint64_t unmatched = 0, no_customer = 0;
  static int64_t pct(const std::vector<int64_t>& v, double q) {
    if (v.empty()) return -1;
    size_t i = size_t(std::ceil(q * double(v.size()))) - 1;
    return v[std::min(i, v.size() - 1)];
  }
};

// The cause of a dispatch is the input message laudd was processing when it made it (its headers
// `input_partition` and `input_offset`): the event itself for a send it triggered, the event whose
// timestamp made the timer due for a wait/quiet-hours send. Without them (or `by_clock`, the
// method before round eight) the cause of a dispatch with time T for a customer of input
// partition P is guessed: the first message of P (offset order) that moved P's event clock to T
// or past it. That guess is early whenever P's clock stood at T already — an earlier event with a
// later timestamp — so it overstates latency by up to the time until the clock moves again.
// Writes cause append, cause offset, input partition, dispatch time, append→append, append→visible
// per dispatch to `tsv` (for plots and checks).
// Dispatches caused by messages appended before `from_append` are left out (the live phase's warm-up).
Latency latency(const Input& in, const std::vector<Dispatch>& ds, const fs::path& tsv, int64_t from_append = INT64_MIN,
                bool by_clock = false) {
  Latency l;
  std::ofstream out;
  if (!tsv.empty()) out.open(tsv);
  out << "cause_append_ms\tpartition\toffset\tdispatch_time_ms\tappend_to_append_ms\tappend_to_visible_ms\n";
  for (const auto& d : ds) {
    int partition = d.input_partition;
    size_t offset = size_t(d.input_offset);
    if (by_clock || partition < 0 || partition >= kPartitions || d.input_offset < 0 ||
        offset >= in.append[partition].size()) {
      auto it = in.customer_partition.find(d.customer);
      if (it == in.customer_partition.end()) {
        ++l.unmatched, ++l.no_customer;
        continue;
      }
      partition = it->second;
      const auto& c = in.clock[partition];
      auto pos = std::lower_bound(c.begin(), c.end(), d.time);
      if (pos == c.end()) {
        ++l.unmatched;
        continue;
      }
      offset = size_t(pos - c.begin());
    }
    int64_t cause_append = in.append[partition][offset];
    if (cause_append < from_append) continue;
    if (out.is_open()) out << cause_append << '\t' << partition << '\t' << offset << '\t' << d.time << '\t' << d.append - cause_append
        << '\t' << d.seen - cause_append << '\n';
    l.append_ms.push_back(d.append - cause_append);
    l.visible_ms.push_back(d.seen - cause_append);
  }
  std::sort(l.append_ms.begin(), l.append_ms.end());
  std::sort(l.visible_ms.begin(), l.visible_ms.end());
  return l;
}

// ---- laudd ----

struct Run {
  std::string prefix, input, group, changelog, rejects, dispatch_prefix;
  std::vector<std::string> topics() const {
    std::vector<std::string> t = {input, changelog, rejects};
    for (const auto& ch : kChannels) t.push_back(dispatch_prefix + ch);
    return t;
  }
};

Run make_run(const std::string& base, const std::string& phase) {
  Run r;
  r.prefix = fmt::format("{}.{}.", base, phase);
  r.input = r.prefix + "events";
  r.group = r.prefix + "laudd";
  r.changelog = r.prefix + "changelog";
  r.rejects = r.prefix + "rejects";
  r.dispatch_prefix = r.prefix + "dispatch.";
  const std::vector<std::pair<std::string, std::string>> log_append = {{"message.timestamp.type", "LogAppendTime"}};
  std::vector<TopicSpec> specs = {{r.input, kPartitions, log_append}, {r.rejects, 1, {}}};
  for (const auto& ch : kChannels) specs.push_back({r.dispatch_prefix + ch, kPartitions, log_append});
  create_topics(specs);
  return r;
}

int g_batch_messages = 0, g_batch_ms = 0;  // 0: laudd's defaults
std::vector<std::string> g_properties;      // KEY=VALUE for laudd's [kafka.properties]
std::vector<std::string> g_settings;        // KEY = VALUE lines for laudd's [kafka] table

pid_t start_laudd(const std::string& laudd, const fs::path& work, const Run& r, const std::string& module,
                  bool stop_at_end, const std::string& tag) {
  fs::path config = work / (tag + ".toml");
  {
    std::ofstream f(config);
    f << fmt::format("module = \"{}\"\nstats = \"{}\"\n\n[kafka]\n", module, (work / (tag + ".stats.json")).string());
    f << fmt::format("bootstrap_servers = \"{}\"\ninput_topics = [\"{}\"]\ngroup_id = \"{}\"\n", g_bootstrap, r.input, r.group);
    f << fmt::format("dispatch_topic_prefix = \"{}\"\nrejects_topic = \"{}\"\nchangelog_topic = \"{}\"\n",
                     r.dispatch_prefix, r.rejects, r.changelog);
    f << fmt::format("instance_id = \"bench\"\nstop_at_end = {}\n", stop_at_end ? "true" : "false");
    if (g_batch_messages) f << fmt::format("batch_messages = {}\n", g_batch_messages);
    if (g_batch_ms) f << fmt::format("batch_ms = {}\n", g_batch_ms);
    for (const std::string& kv : g_settings) f << kv << '\n';
    if (!g_properties.empty()) f << "\n[kafka.properties]\n";
    for (const std::string& kv : g_properties) {
      size_t eq = kv.find('=');
      f << fmt::format("\"{}\" = \"{}\"\n", kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
    }
  }
  std::string log = (work / (tag + ".log")).string();
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) die("fork failed");
  if (pid > 0) g_child = pid;
  if (pid == 0) {
    if (!std::freopen(log.c_str(), "w", stderr) || !std::freopen("/dev/null", "w", stdout)) _exit(127);
    execl(laudd.c_str(), laudd.c_str(), "run", "--config", config.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

double thread_cpu(pid_t pid, pid_t tid);

// Waits for laudd; returns its CPU seconds (user + system, all threads). `main_cpu`: the CPU of
// its main thread (the engine and the transaction calls), sampled every 50 ms until it exits.
double wait_laudd(pid_t pid, const std::string& log, double* main_cpu = nullptr) {
  int st = 0;
  struct rusage ru {};
  for (;;) {
    if (main_cpu) {
      double c = thread_cpu(pid, pid);
      if (c >= 0) *main_cpu = c;
    }
    pid_t w = wait4(pid, &st, main_cpu ? WNOHANG : 0, &ru);
    if (w < 0) die("waitpid failed");
    if (w == pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  g_child = -1;
  int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  if (rc != 0) die(fmt::format("laudd exited {} (log: {})", rc, log));
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// The engine-wide "dispatched" of a laudd stats file (the first such key is the top-level one).
uint64_t stats_dispatched(const std::filesystem::path& stats) {
  std::ifstream f(stats);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t at = text.find("\"dispatched\":");
  if (at == std::string::npos) die("no \"dispatched\" in " + stats.string());
  return std::strtoull(text.c_str() + at + 13, nullptr, 10);
}

// The reader's count against laudd's: read_committed must see every dispatch laudd committed.
void check_count(const char* phase, const DispatchReader& rd, uint64_t expected) {
  uint64_t got = rd.records.size() + rd.bad;
  if (got != expected)
    fmt::print("WARNING: {}: {} dispatches read back read_committed, laudd's stats say {} ({} {})\n", phase, got,
               expected, got < expected ? expected - got : got - expected, got < expected ? "missing" : "extra");
}

// Every partition restored (laudd prints one line per partition once it may consume it).
bool laudd_ready(const std::string& log) {
  std::ifstream f(log);
  std::string line;
  int n = 0;
  while (std::getline(f, line)) n += line.find("changelog records; from offset") != std::string::npos;
  return n >= kPartitions;
}

// The laudd group's committed offsets equal the topic's end offsets.
bool group_done(const std::string& group, const std::string& topic) {
  rd_kafka_t* rk = new_client(RD_KAFKA_CONSUMER, new_conf({{"group.id", group}, {"isolation.level", "read_committed"}}));
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(kPartitions);
  for (int p = 0; p < kPartitions; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
  bool done = rd_kafka_committed(rk, list, 10'000) == RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int p = 0; done && p < kPartitions; ++p) {
    int64_t lo = 0, hi = 0;
    if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &lo, &hi, 10'000)) done = false;
    else if (list->elems[p].offset < hi && hi > 0) done = false;
  }
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  return done;
}

// CPU seconds of a process (or of one of its threads) so far (utime + stime from /proc; -1 if unknown).
double stat_cpu(const std::string& path) {
  std::ifstream f(path);
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i >= 14) ticks += std::stod(field);
  return ticks / double(sysconf(_SC_CLK_TCK));
}
double proc_cpu(pid_t pid) { return stat_cpu(fmt::format("/proc/{}/stat", pid)); }
double thread_cpu(pid_t pid, pid_t tid) { return stat_cpu(fmt::format("/proc/{}/task/{}/stat", pid, tid)); }

// The broker of tools/kafka.sh (LAUD_RUN_DIR, default /tmp/laud-kafka), for its CPU use.
pid_t broker_pid() {
  const char* dir = std::getenv("LAUD_RUN_DIR");
  std::ifstream f(fs::path(dir ? dir : "/tmp/laud-kafka") / "kafka.pid");
  pid_t pid = -1;
  f >> pid;
  return pid;
}

double self_cpu() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::string rate(double v) { return fmt::format("{:.0f}", v); }
std::string ms(int64_t v) { return v < 0 ? "-" : fmt::format("{} ms", v); }

struct Row {
  std::string phase;
  uint64_t events;
  double seconds;
  double ratio;  // < 0: none
  int64_t p50 = -1, p99 = -1, vp50 = -1, vp99 = -1;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "bench_kafka — laudd on Kafka end to end against a raw librdkafka consumer (issue 5); needs the broker of "
      "tools/kafka.sh"};
  uint64_t events = 2'000'000, customers = 0;
  double paced_seconds = 30, paced_share = 0.5, warmup_seconds = 5, paced_fixed = 0;
  int batch_messages = 0, batch_ms = 0;
  std::string laudd = LAUD_LAUDD, laudc = LAUD_LAUDC, work_dir = LAUD_WORK_DIR;
  bool keep = false;
  app.add_option("--events", events, "events produced for the maximum-rate phases")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--customers", customers, "distinct customers (default: events / 10)");
  app.add_option("--paced-seconds", paced_seconds, "length of the live paced phase")->capture_default_str();
  app.add_option("--paced-share", paced_share, "paced rate as a share of laudd's measured rate")->capture_default_str();
  app.add_option("--paced-rate", paced_fixed,
                 "paced rate in events/s instead of a share (to compare two laudd builds at the same load)");
  app.add_option("--laudd-setting", g_settings,
                 "KEY=VALUE line for laudd's [kafka] table (TOML, e.g. commit_in_background=false); repeatable");
  app.add_option("--warmup-seconds", warmup_seconds,
                 "live phase: dispatches of events appended in its first seconds are left out of the steady-state "
                 "latency")->capture_default_str();
  app.add_option("--batch-messages", batch_messages, "laudd's kafka.batch_messages (default: laudd's)");
  app.add_option("--batch-ms", batch_ms, "laudd's kafka.batch_ms (default: laudd's)");
  app.add_option("--laudd-property", g_properties,
                 "KEY=VALUE for laudd's [kafka.properties] (librdkafka, e.g. linger.ms=20); repeatable");
  app.add_option("--bootstrap", g_bootstrap, "the broker")->capture_default_str();
  app.add_option("--laudd", laudd, "laudd binary")->capture_default_str();
  app.add_option("--laudc", laudc, "laudc binary")->capture_default_str();
  app.add_option("--work", work_dir, "configs, logs and stats of the laudd runs")->capture_default_str();
  app.add_flag("--keep", keep, "do not delete the topics at the end");
  CLI11_PARSE(app, argc, argv);
  if (!customers) customers = std::max<uint64_t>(1, events / 10);
  warmup_seconds = std::min(warmup_seconds, paced_seconds / 3);  // leave most of a short phase measured
  g_batch_messages = batch_messages;
  g_batch_ms = batch_ms;

  fs::path work = work_dir;
  fs::create_directories(work);
  // The examples/ module, compiled with laudc (every .journey as one module, as bench_e2e).
  std::vector<std::string> journeys;
  for (const auto& e : fs::directory_iterator(fs::path(LAUD_SOURCE_DIR) / "examples"))
    if (e.path().extension() == ".journey") journeys.push_back(e.path().string());
  std::sort(journeys.begin(), journeys.end());
  std::string module = (work / "examples.ljb").string();
  {
    std::string cmd = laudc + " compile";
    for (const auto& j : journeys) cmd += " '" + j + "'";
    cmd += " -o '" + module + "'";
    if (std::system(cmd.c_str()) != 0) die("laudc failed: " + cmd);
  }

  std::string base = fmt::format("laud.bench.{}.{}", wall_ms() / 1000, getpid());
  static std::vector<std::string> topics, groups;
  static bool keep_topics;
  keep_topics = keep;
  std::vector<Row> rows;
  static auto cleanup = [] {
    if (keep_topics || topics.empty()) return;
    fmt::print(stderr, "deleting {} topics...\n", topics.size());
    delete_topics_and_groups(topics, groups);
  };
  g_cleanup = [] { cleanup(); };

  laud::bench::EventGenOptions opts = laud::bench::bench_options();
  opts.events = events;
  opts.customers = customers;

  // 1. produce, as fast as the producer goes (not the measurement).
  Run r1 = make_run(base, "max");
  for (auto& t : r1.topics()) topics.push_back(t);
  groups = {r1.group, r1.prefix + "raw", r1.prefix + "reader"};
  fmt::print(stderr, "producing {} events ({} customers) to {}...\n", events, customers, r1.input);
  Input in1;
  produce(r1.input, opts, 0, in1);
  fmt::print("produced {} events to {} ({} partitions, LogAppendTime) in {:.1f} s ({} events/s); {} customers seen\n",
             in1.produced, r1.input, kPartitions, in1.seconds, rate(double(in1.produced) / in1.seconds),
             in1.customer_partition.size());
  if (in1.keyless) fmt::print("warning: {} events without a customer id (produced without a key)\n", in1.keyless);
  if (in1.not_log_append)
    fmt::print("warning: {} delivery reports without LogAppendTime; latencies use the reported timestamp\n",
               in1.not_log_append);

  // 2. the raw consumer.
  fmt::print(stderr, "raw consumer...\n");
  RawResult raw = raw_consume(r1.input, r1.prefix + "raw", in1.produced);
  double raw_rate = double(raw.messages) / raw.seconds;
  fmt::print("raw consumer: {} messages ({:.1f} MB) in {:.2f} s (from rd_kafka_new to the last message) → {} events/s\n",
             raw.messages, double(raw.bytes) / 1e6, raw.seconds, rate(raw_rate));
  rows.push_back({"raw consumer", raw.messages, raw.seconds, 1.0});

  // 3. laudd over the whole topic, exactly-once, stop_at_end.
  fmt::print(stderr, "laudd (stop_at_end)...\n");
  std::string log1 = (work / "max.log").string();
  pid_t broker = broker_pid();
  double broker0 = proc_cpu(broker), self0 = self_cpu();
  auto t0 = Clock::now();
  pid_t pid = start_laudd(laudd, work, r1, module, true, "max");
  double laudd_main1 = 0;
  double laudd_cpu1 = wait_laudd(pid, log1, &laudd_main1);
  double laudd_s = secs(t0, Clock::now());
  double broker1 = proc_cpu(broker), self1 = self_cpu();
  double laudd_rate = double(in1.produced) / laudd_s;
  DispatchReader rd1;
  rd1.stop = true;
  rd1.expect = stats_dispatched(work / "max.stats.json");
  rd1.run(r1.dispatch_prefix);
  check_count("backlog", rd1, rd1.expect);
  Latency l1 = latency(in1, rd1.records, work / "max.latency.tsv");
  int64_t first_append = INT64_MAX, last_append = INT64_MIN;
  for (const auto& d : rd1.records) first_append = std::min(first_append, d.append), last_append = std::max(last_append, d.append);
  fmt::print("laudd: {} events in {:.2f} s (fork to exit, exactly-once, stop_at_end) → {} events/s = {:.3f} x raw; "
             "{} dispatches ({} without a cause: {} of an unknown customer, {} unreadable); dispatch appends span {:.2f} s\n",
             in1.produced, laudd_s, rate(laudd_rate), laudd_rate / raw_rate, rd1.records.size(), l1.unmatched,
             l1.no_customer, rd1.bad,
             rd1.records.empty() ? 0.0 : double(last_append - first_append) / 1000);
  fmt::print("  CPU during laudd's run: laudd {:.2f} s ({:.2f} cores; main thread {:.2f} s = {:.0f}% of the wall time, "
             "librdkafka threads {:.2f} s), broker {:.2f} s, this harness {:.2f} s\n",
             laudd_cpu1, laudd_cpu1 / laudd_s, laudd_main1, 100 * laudd_main1 / laudd_s, laudd_cpu1 - laudd_main1,
             broker1 - broker0, self1 - self0);
  rows.push_back({"laudd backlog", in1.produced, laudd_s, laudd_rate / raw_rate, Latency::pct(l1.append_ms, 0.5),
                  Latency::pct(l1.append_ms, 0.99), -1, -1});

  // 4. live: laudd consuming while events are produced at paced_share × its measured rate, twice.
  // "compressed": the generator's stream as in the backlog, 42 days of event time squeezed into
  // paced_seconds, so every simulated day's wake-ups (`wait until 09:00`, `on schedule`) come at
  // once, more than once a second. "real time": the events' timestamps are their production time,
  // as on a live topic, where a day's wake-ups are spread over the day.
  auto live = [&](const std::string& phase, const std::string& label, bool real_time) -> Latency {
    double paced_rate = paced_fixed > 0 ? paced_fixed : laudd_rate * paced_share;
    Run r2 = make_run(base, phase);
    for (auto& t : r2.topics()) topics.push_back(t);
    for (auto& g : {r2.group, r2.prefix + "reader"}) groups.push_back(g);
    laud::bench::EventGenOptions opts2 = opts;
    opts2.events = std::max<uint64_t>(1000, uint64_t(paced_rate * paced_seconds));
    opts2.customers = std::max<uint64_t>(1, opts2.events / 10);
    fmt::print(stderr, "live phase ({}): {} events at {} events/s...\n", phase, opts2.events, rate(paced_rate));
    DispatchReader rd2;
    std::thread reader([&] { rd2.run(r2.dispatch_prefix); });
    std::string log2 = (work / (phase + ".log")).string();
    pid_t pid = start_laudd(laudd, work, r2, module, false, phase);
    for (auto deadline = Clock::now() + std::chrono::seconds(60); !laudd_ready(log2);) {
      if (Clock::now() > deadline) die("laudd did not get its partitions within 60 s: " + log2);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    Input in2;
    double broker2 = proc_cpu(broker), self2 = self_cpu(), laudd2 = proc_cpu(pid);
    if (real_time) {
      opts2.start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
      opts2.span_ms = int64_t(paced_seconds * 1000);
    }
    produce(r2.input, opts2, paced_rate, in2);
    auto produced_at = Clock::now();
    while (!group_done(r2.group, r2.input)) {
      if (secs(produced_at, Clock::now()) > 120) die("laudd did not commit the paced input within 120 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    double drain_s = secs(produced_at, Clock::now());
    double broker3 = proc_cpu(broker), self3 = self_cpu(), laudd3 = proc_cpu(pid);
    kill(pid, SIGTERM);
    wait_laudd(pid, log2);
    rd2.expect = stats_dispatched(work / (phase + ".stats.json"));  // written at exit
    rd2.stop = true;
    reader.join();
    check_count(phase.c_str(), rd2, rd2.expect);
    Latency l2all = latency(in2, rd2.records, work / (phase + ".latency.tsv"));
    int64_t first_paced_append = INT64_MAX;
    for (int p = 0; p < kPartitions; ++p)
      if (!in2.append[p].empty()) first_paced_append = std::min(first_paced_append, in2.append[p][0]);
    Latency l2 = latency(in2, rd2.records, {}, first_paced_append + int64_t(warmup_seconds * 1000));
    fmt::print("live ({}): {} events produced in {:.2f} s ({} events/s = {:.2f} x laudd's rate); laudd committed the last "
               "{:.2f} s after the last append; {} dispatches ({} without a cause: {} of an unknown customer, {} unreadable)\n",
               phase, in2.produced, in2.seconds, rate(double(in2.produced) / in2.seconds), double(in2.produced) / in2.seconds / laudd_rate, drain_s,
               rd2.records.size(), l2all.unmatched, l2all.no_customer, rd2.bad);
    if (!l2all.append_ms.empty())
      fmt::print("  all dispatches ({}): append→dispatch append p50 {} p99 {} max {}; append→visible p50 {} p99 {}\n",
                 l2all.append_ms.size(), ms(Latency::pct(l2all.append_ms, 0.5)), ms(Latency::pct(l2all.append_ms, 0.99)),
                 ms(l2all.append_ms.back()), ms(Latency::pct(l2all.visible_ms, 0.5)), ms(Latency::pct(l2all.visible_ms, 0.99)));
    fmt::print("  CPU from the first paced event to the last commit ({:.2f} s): laudd {:.2f} s, broker {:.2f} s, this "
               "harness (producer + dispatch reader) {:.2f} s\n",
               in2.seconds + drain_s, laudd3 - laudd2, broker3 - broker2, self3 - self2);
    rows.push_back({label, in2.produced, in2.seconds, -1,
                    Latency::pct(l2.append_ms, 0.5), Latency::pct(l2.append_ms, 0.99), Latency::pct(l2.visible_ms, 0.5),
                    Latency::pct(l2.visible_ms, 0.99)});
    if (!l2.append_ms.empty())
      fmt::print("  after the {:.0f} s warm-up ({} dispatches): append→dispatch append p50 {} p90 {} p99 {} p99.9 {} max {}; "
                 "append→visible (read_committed) p50 {} p99 {} max {}\n",
                 warmup_seconds, l2.append_ms.size(), ms(Latency::pct(l2.append_ms, 0.5)), ms(Latency::pct(l2.append_ms, 0.9)),
                 ms(Latency::pct(l2.append_ms, 0.99)), ms(Latency::pct(l2.append_ms, 0.999)), ms(l2.append_ms.back()),
                 ms(Latency::pct(l2.visible_ms, 0.5)), ms(Latency::pct(l2.visible_ms, 0.99)), ms(l2.visible_ms.back()));
    size_t by_header = size_t(std::count_if(rd2.records.begin(), rd2.records.end(),
                                            [](const Dispatch& d) { return d.input_offset >= 0; }));
    Latency guessed = latency(in2, rd2.records, {}, first_paced_append + int64_t(warmup_seconds * 1000), true);
    if (!guessed.append_ms.empty())
      fmt::print("  causes: {} of {} dispatches by laudd's input_offset header; the event-clock guess of rounds 1-7 "
                 "would say append→dispatch append p50 {} p99 {}\n",
                 by_header, rd2.records.size(), ms(Latency::pct(guessed.append_ms, 0.5)),
                 ms(Latency::pct(guessed.append_ms, 0.99)));
    return l2;
  };
  std::string live_label = paced_fixed > 0 ? fmt::format("live {}/s", rate(paced_fixed)) : fmt::format("live {:.2f}x", paced_share);
  Latency l2 = live("paced", live_label, false);
  Latency l3 = live("realtime", live_label + ", real t", true);

  g_cleanup = nullptr;
  cleanup();

  fmt::print("\nsummary ({} events, {} customers, {} partitions; latency = input append → dispatch append, broker "
             "LogAppendTime; visible = → read_committed delivery)\n",
             events, customers, kPartitions);
  fmt::print("{:<18} {:>9} {:>8} {:>10} {:>7} {:>9} {:>9} {:>11} {:>11}\n", "phase", "events", "seconds", "events/s",
             "ratio", "p50", "p99", "visible p50", "visible p99");
  for (const auto& r : rows)
    fmt::print("{:<18} {:>9} {:>8.2f} {:>10} {:>7} {:>9} {:>9} {:>11} {:>11}\n", r.phase, r.events, r.seconds,
               rate(double(r.events) / r.seconds), r.ratio < 0 ? "-" : fmt::format("{:.3f}", r.ratio), ms(r.p50),
               ms(r.p99), ms(r.vp50), ms(r.vp99));
  fmt::print("(laudd backlog latencies include the wait in the pre-filled topic: not a latency goal)\n");
  double ratio = laudd_rate / raw_rate;
  int64_t p99 = Latency::pct(l2.append_ms, 0.99), p99r = Latency::pct(l3.append_ms, 0.99);
  fmt::print("\ngoals (issue 5):\n");
  fmt::print("  laudd >= 0.70 x raw consumer, exactly-once: {:.3f} x ({} vs {} events/s) → {}\n", ratio,
             rate(laudd_rate), rate(raw_rate), ratio >= 0.70 ? "met" : "MISSED");
  fmt::print("  p99 append→dispatch < 50 ms at {:.2f} x the maximum rate, event time = real time: {} → {}\n",
             paced_fixed > 0 ? paced_fixed / laudd_rate : paced_share, ms(p99r), p99r >= 0 && p99r < 50 ? "met" : "MISSED");
  fmt::print("  the same with 42 days of event time in {:.0f} s (compressed): {} → {}\n", paced_seconds, ms(p99),
             p99 >= 0 && p99 < 50 ? "met" : "MISSED");
  return 0;
}
