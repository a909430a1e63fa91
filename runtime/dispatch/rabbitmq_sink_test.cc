// rabbitmq_sink_test.cc — the RabbitMQ sink against a real node (tools/rabbitmq.sh; started here when
// none runs, stopped afterwards only then). The examples run's dispatch records go through the sink
// and are read back from the per-channel queues: same lines per channel, ids unique, order per
// customer kept, properties and headers right. Login, unroutable and closed-connection failures.
// Registered only with -DLAUD_RABBITMQ_TESTS=ON (tests/CMakeLists.txt).
#include "runtime/dispatch/rabbitmq_sink.h"

#include <amqp.h>
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "runtime/dispatch/record.h"
#include "runtime/engine/engine.h"
#include "tests/rabbitmq/amqp_read.h"
#include "tests/support/modules.h"
#include "vm/module.h"
#include "vm/time_text.h"

namespace laud::runtime {
namespace {

namespace fs = std::filesystem;
using testing::AmqpMessage;
using testing::AmqpReader;

std::string env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}
int port() { return std::atoi(env("LAUD_RABBITMQ_PORT", "5673").c_str()); }
std::string sh(const std::string& command) {  // its stdout
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    pclose(p);
  }
  return out;
}
std::string rabbitmq_sh(const std::string& verb) { return fmt::format("bash {}/tools/rabbitmq.sh {}", LAUD_SOURCE_DIR, verb); }

// Starts the node when none answers; stops it at the end only if it started it.
class Broker : public ::testing::Environment {
 public:
  void SetUp() override {
    if (std::system((rabbitmq_sh("status") + " >/dev/null 2>&1").c_str()) == 0) return;
    ASSERT_EQ(std::system(rabbitmq_sh("start").c_str()), 0) << "tools/rabbitmq.sh start failed";
    started_ = true;
  }
  void TearDown() override {
    if (started_) std::system(rabbitmq_sh("stop").c_str());
  }

 private:
  bool started_ = false;
};
const auto* const kBroker = ::testing::AddGlobalTestEnvironment(new Broker);

// rabbitmqctl for the node of tools/rabbitmq.sh (its cookie lives under the run dir).
std::string rabbitmqctl(const std::string& args) {
  return sh(fmt::format("HOME='{}/home' /usr/lib/rabbitmq/bin/rabbitmqctl -n '{}' -s {} 2>&1",
                        env("LAUD_RABBITMQ_RUN_DIR", "/tmp/laud-rabbitmq"), env("LAUD_RABBITMQ_NODE", "laud@localhost"),
                        args));
}

// A config with names of its own (exchange and queues), so that runs do not see each other's messages.
RabbitConfig unique_config(const std::string& what) {
  RabbitConfig c;
  c.port = port();
  c.exchange = fmt::format("laud.test.{}.{}.{}", what, getpid(),
                           std::chrono::steady_clock::now().time_since_epoch().count() % 1'000'000'000);
  c.queue_prefix = c.exchange + ".";
  c.connect_timeout_ms = 5000;
  c.confirm_timeout_ms = 20'000;
  return c;
}

constexpr const char* kQueues[] = {"email", "sms", "push", "webhook", "slack", "in_app", "unknown"};

// A sink on a config of its own, and a reader; the test's exchange and queues go at the end.
class RabbitSink : public ::testing::Test {
 protected:
  void open(const std::string& what) {
    c = unique_config(what);
    sink = std::make_unique<RabbitDispatchSink>(c);
    ASSERT_TRUE(sink->open(&error)) << error;
    ASSERT_TRUE(reader.open("127.0.0.1", port(), &error)) << error;
  }
  void TearDown() override {
    if (!sink) return;
    for (const char* q : kQueues) reader.delete_queue(c.queue_prefix + q, &error);
    reader.delete_exchange(c.exchange, &error);
  }
  // Every message in the queue of `channel`.
  std::vector<AmqpMessage> read(const std::string& channel) {
    std::vector<AmqpMessage> got;
    EXPECT_TRUE(reader.read(c.queue_prefix + channel, got, &error)) << error;
    return got;
  }
  RabbitConfig c;
  std::unique_ptr<RabbitDispatchSink> sink;
  AmqpReader reader;
  std::string error;
};

struct Sent {
  std::string channel, customer, journey, id, line;
};

// Records what the engine wrote, then hands it to the RabbitMQ sink.
class Tee : public LineSink {
 public:
  explicit Tee(RabbitDispatchSink& to) : to_(to) {}
  void write(std::string_view line) override {
    sent.push_back({"unknown", "", "", "", std::string(line)});
    to_.write(line);
  }
  void write_record(const DispatchRecord& r, std::string_view line) override {
    sent.push_back({std::string(vm::channel_name(r.send->channel)), std::string(r.customer), std::string(r.journey),
                    fmt::format("{:016x}", dispatch_id(r)), std::string(line)});
    to_.write_record(r, line);
  }
  bool flush() override { return to_.flush(); }
  std::vector<Sent> sent;

 private:
  RabbitDispatchSink& to_;
};

std::unique_ptr<vm::Module> examples_module() {
  testing::SourceFiles files;
  for (const auto& e : fs::directory_iterator(fs::path(LAUD_SOURCE_DIR) / "examples")) {
    if (e.path().extension() != ".journey") continue;
    std::ifstream f(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    files.emplace_back(e.path().filename().string(), ss.str());
  }
  std::sort(files.begin(), files.end());
  std::string error;
  std::string bytes = testing::compile_module_bytes(files, &error);
  EXPECT_FALSE(bytes.empty()) << error;
  auto m = testing::load_module_bytes(bytes, &error);
  EXPECT_TRUE(m) << error;
  return m;
}

std::string read_message_fields(const AmqpMessage& m) {
  return fmt::format("queue {} routing key {} id {}", m.queue, m.routing_key, m.message_id);
}

// The examples run (the engine over examples/events.jsonl, until 2027-01-31 as laudd's tests) through
// the sink, flushed every 500 lines as laudd does per batch; then every channel's queue read back.
TEST_F(RabbitSink, ExamplesRunArrivesWhole) {
  auto module = examples_module();
  ASSERT_TRUE(module);
  open("examples");
  RabbitConnection& conn = sink->connection();
  Tee tee(*sink);
  EngineOptions options;
  options.until = vm::parse_rfc3339("2027-01-31T00:00:00Z");
  Engine engine(*module, tee, nullptr, options);

  auto t0 = std::chrono::steady_clock::now();
  std::ifstream events(fs::path(LAUD_SOURCE_DIR) / "examples" / "events.jsonl", std::ios::binary);
  std::string line;
  uint64_t n = 0, flushes = 0;
  while (std::getline(events, line)) {
    engine.process_line(line, ++n);
    ASSERT_LE(conn.unconfirmed(), RabbitConnection::kMaxInFlight);
    if (n % 500 == 0) {
      ASSERT_TRUE(sink->flush()) << sink->error;
      EXPECT_EQ(conn.unconfirmed(), 0u);
      ++flushes;
    }
  }
  engine.finish();
  ASSERT_TRUE(sink->flush()) << sink->error;
  auto publish_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  const std::vector<Sent>& sent = tee.sent;
  ASSERT_GT(sent.size(), 100u) << "the examples run should dispatch";
  EXPECT_EQ(conn.published(), sent.size());

  // The topology, as the broker lists it: a durable direct exchange; a durable queue per channel
  // seen, holding that channel's records.
  std::map<std::string, size_t> per_channel;
  for (const Sent& s : sent) ++per_channel[s.channel];
  EXPECT_NE(rabbitmqctl("list_exchanges name type durable").find(c.exchange + "\tdirect\ttrue\n"), std::string::npos);
  std::string queues = rabbitmqctl("list_queues name durable messages");
  for (const auto& [ch, count] : per_channel)
    EXPECT_NE(queues.find(fmt::format("{}{}\ttrue\t{}\n", c.queue_prefix, ch, count)), std::string::npos)
        << ch << " x " << count << " in\n" << queues;

  // Read every queue of a channel seen, and `unknown` (nothing is written without a record).
  std::set<std::string> channels{"unknown"};
  for (const Sent& s : sent) channels.insert(s.channel);
  std::vector<AmqpMessage> got;
  for (const std::string& ch : channels) {
    bool exists = reader.read(c.queue_prefix + ch, got, &error);
    EXPECT_EQ(exists, ch != "unknown") << error;
  }
  ASSERT_EQ(got.size(), sent.size());

  // The same lines per channel; message_id, headers and properties agree with the record.
  std::map<std::string, std::multiset<std::string>> want_lines, got_lines;
  std::map<std::string, const Sent*> by_id;
  for (const Sent& s : sent) {
    want_lines[s.channel].insert(s.line);
    EXPECT_TRUE(by_id.emplace(s.id, &s).second) << "dispatch id " << s.id << " twice";
  }
  std::set<std::string> ids;
  for (const AmqpMessage& m : got) {
    std::string ch = m.queue.substr(c.queue_prefix.size());
    got_lines[ch].insert(m.body);
    EXPECT_EQ(m.routing_key, ch);
    EXPECT_EQ(m.content_type, "application/json");
    EXPECT_EQ(m.delivery_mode, 2);
    EXPECT_TRUE(ids.insert(m.message_id).second) << "message_id twice: " << read_message_fields(m);
    auto it = by_id.find(m.message_id);
    ASSERT_NE(it, by_id.end()) << "no record with the id of " << read_message_fields(m);
    const Sent& s = *it->second;
    EXPECT_EQ(m.body, s.line);
    EXPECT_EQ(m.headers, (std::map<std::string, std::string>{
                             {"journey", s.journey}, {"channel", s.channel}, {"dispatch_id", s.id},
                             {"customer", s.customer}}));
    EXPECT_NE(m.body.find(fmt::format("\"id\":\"{}\"", s.id)), std::string::npos) << m.body;
  }
  EXPECT_EQ(got_lines, want_lines);

  // Order per customer: each customer's records of a channel come out of its queue as they were sent.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> want_order, got_order;
  for (const Sent& s : sent) want_order[{s.channel, s.customer}].push_back(s.id);
  for (const AmqpMessage& m : got) got_order[{m.headers.at("channel"), m.headers.at("customer")}].push_back(m.message_id);
  EXPECT_EQ(got_order, want_order);

  std::printf("rabbitmq_sink_test: %zu records over %zu channels (%llu input lines, %llu flushes) published and "
              "confirmed in %lld ms; read back and compared\n",
              sent.size(), channels.size() - 1, static_cast<unsigned long long>(n),
              static_cast<unsigned long long>(flushes), static_cast<long long>(publish_ms.count()));
}

// More than the in-flight window without a flush: publish waits for confirms, never more than
// kMaxInFlight unconfirmed, and everything arrives.
TEST_F(RabbitSink, InFlightWindowIsBounded) {
  open("window");
  RabbitConnection& conn = sink->connection();
  const uint64_t n = RabbitConnection::kMaxInFlight * 2 + 500;
  uint64_t most = 0;
  for (uint64_t i = 0; i < n; ++i) {
    sink->write(fmt::format("{{\"n\":{}}}", i));
    most = std::max(most, conn.unconfirmed());
  }
  EXPECT_LE(most, RabbitConnection::kMaxInFlight);
  ASSERT_TRUE(sink->flush()) << sink->error;
  std::vector<AmqpMessage> got = read("unknown");
  ASSERT_EQ(got.size(), n);
  for (uint64_t i = 0; i < n; i += 997) EXPECT_EQ(got[i].body, fmt::format("{{\"n\":{}}}", i));
  EXPECT_EQ(got[0].routing_key, "unknown");
  EXPECT_FALSE(got[0].has_message_id);  // write() without a record has no dispatch id
}

TEST(RabbitLogin, WrongPasswordIsAClearError) {
  RabbitConfig c = unique_config("auth");
  c.password = "not-the-password";
  RabbitDispatchSink sink(c);
  std::string error;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(sink.open(&error));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_NE(error.find(fmt::format("amqp://guest@127.0.0.1:{}/", port())), std::string::npos) << error;
  EXPECT_NE(error.find("login"), std::string::npos) << error;
  EXPECT_NE(error.find("403 ACCESS_REFUSED"), std::string::npos) << error;
}

TEST(RabbitLogin, UnknownVhostIsAClearError) {
  RabbitConfig c = unique_config("vhost");
  c.vhost = "no-such-vhost";
  RabbitDispatchSink sink(c);
  std::string error;
  EXPECT_FALSE(sink.open(&error));
  EXPECT_NE(error.find("/no-such-vhost: login"), std::string::npos) << error;
  EXPECT_NE(error.find("NOT_ALLOWED"), std::string::npos) << error;
}

// A queue deleted behind the sink's back: the next message has no route and comes back
// (mandatory), so flush() fails instead of calling a lost message delivered; the next write
// reconnects and declares the queue again.
TEST_F(RabbitSink, UnroutableMessageFailsTheFlush) {
  open("return");
  sink->write("{\"n\":1}");
  ASSERT_TRUE(sink->flush()) << sink->error;
  ASSERT_TRUE(reader.delete_queue(c.queue_prefix + "unknown", &error)) << error;
  sink->write("{\"n\":2}");
  EXPECT_FALSE(sink->flush());
  EXPECT_NE(sink->error.find("came back: 312 NO_ROUTE"), std::string::npos) << sink->error;
  EXPECT_NE(sink->error.find("routing key `unknown`"), std::string::npos) << sink->error;
  // The next write reconnects and declares the queue again: what the caller replays arrives.
  sink->write("{\"n\":3}");
  ASSERT_TRUE(sink->flush()) << sink->error;
  std::vector<AmqpMessage> got = read("unknown");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "{\"n\":3}");
}

// The broker closes the connection (rabbitmqctl close_connection): flush() fails with its reason;
// the next write connects again.
TEST_F(RabbitSink, FlushAfterTheBrokerClosedTheConnection) {
  open("closed");
  RabbitConnection& conn = sink->connection();
  sink->write("{\"n\":1}");
  ASSERT_TRUE(sink->flush()) << sink->error;

  sockaddr_in local{};
  socklen_t len = sizeof local;
  ASSERT_EQ(getsockname(amqp_get_sockfd(conn.handle()), reinterpret_cast<sockaddr*>(&local), &len), 0);
  std::string connections = rabbitmqctl("list_connections pid peer_port");
  std::string pid;
  std::istringstream lines(connections);
  for (std::string l; std::getline(lines, l);) {
    size_t tab = l.find('\t');
    if (tab != std::string::npos && l.substr(tab + 1) == std::to_string(ntohs(local.sin_port))) pid = l.substr(0, tab);
  }
  ASSERT_FALSE(pid.empty()) << "our connection is not in rabbitmqctl list_connections:\n" << connections;
  rabbitmqctl(fmt::format("close_connection '{}' 'closed by rabbitmq_sink_test'", pid));

  auto t0 = std::chrono::steady_clock::now();
  sink->write("{\"n\":2}");
  EXPECT_FALSE(sink->flush());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_NE(sink->error.find("RabbitMQ amqp://guest@127.0.0.1"), std::string::npos) << sink->error;
  EXPECT_NE(sink->error.find("closed by rabbitmq_sink_test"), std::string::npos) << sink->error;
  EXPECT_NE(sink->error.find("; reconnecting"), std::string::npos) << sink->error;
  EXPECT_FALSE(sink->flush());  // still failed: nothing written since

  // The next write reconnects: n = 1 (confirmed before) and n = 3 are in the queue, n = 2 is the
  // caller's to replay (laudd aborts the Kafka transaction and rewinds).
  sink->write("{\"n\":3}");
  ASSERT_TRUE(sink->flush()) << sink->error;
  std::vector<AmqpMessage> got = read("unknown");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].body, "{\"n\":1}");
  EXPECT_EQ(got[1].body, "{\"n\":3}");
}

}  // namespace
}  // namespace laud::runtime
