// rabbitmq_connect_test.cc — the RabbitMQ connection's failures that need no broker (fast, in the
// default ctest): a port where nothing listens (and the reconnection backoff of failed flushes),
// and a peer that accepts TCP but never speaks AMQP (the login gives up after connect_timeout_ms).
// The broker tests: rabbitmq_sink_test.cc.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "runtime/dispatch/rabbitmq_sink.h"

namespace laud::runtime {
namespace {

using Clock = std::chrono::steady_clock;

// A loopback listener that never accepts: connect() succeeds (the kernel's backlog), nothing answers.
struct SilentPeer {
  int fd = -1;
  int port = 0;
  SilentPeer() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), len) == 0 && listen(fd, 4) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port = ntohs(a.sin_port);
  }
  ~SilentPeer() { close(fd); }
};

TEST(RabbitConnect, NothingListensIsAClearError) {
  int port;
  {
    SilentPeer p;  // a port that was free a moment ago and is closed again
    port = p.port;
  }
  RabbitConfig c;
  c.port = port;
  c.connect_timeout_ms = 2000;
  RabbitDispatchSink sink(c);
  std::string error;
  auto t0 = Clock::now();
  EXPECT_FALSE(sink.open(&error));
  EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(2500));
  EXPECT_EQ(error.rfind(fmt::format("no RabbitMQ broker answered at 127.0.0.1:{} within 2000 ms (", port), 0), 0u)
      << error;
  sink.write("{}");  // dropped: a sink that never connected does not claim durability
  EXPECT_FALSE(sink.flush());
  EXPECT_EQ(sink.error.rfind("no RabbitMQ broker answered", 0), 0u) << sink.error;
  EXPECT_NE(sink.error.find("; reconnecting"), std::string::npos) << sink.error;
  // The broker stays away: a write reconnects at once, then no more than once a second, doubling;
  // flush() never waits for it.
  t0 = Clock::now();
  auto slowest = Clock::duration::zero();
  while (Clock::now() - t0 < std::chrono::milliseconds(1300)) {
    auto t = Clock::now();
    sink.write("{}");
    EXPECT_FALSE(sink.flush());
    slowest = std::max(slowest, Clock::now() - t);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(sink.reconnects(), 2u) << "at 0 and 1 s";
  EXPECT_LT(slowest, std::chrono::milliseconds(500));
  EXPECT_NE(sink.error.find("; reconnecting in "), std::string::npos) << sink.error;
}

TEST(RabbitConnect, SilentPeerTimesOut) {
  SilentPeer peer;
  ASSERT_GT(peer.port, 0);
  RabbitConfig c;
  c.port = peer.port;
  c.connect_timeout_ms = 300;
  RabbitConnection conn;
  std::string error;
  auto t0 = Clock::now();
  EXPECT_FALSE(conn.open(c, &error));
  auto took = Clock::now() - t0;
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::milliseconds(2000));
  EXPECT_NE(error.find(fmt::format("RabbitMQ amqp://guest@127.0.0.1:{}/: login", peer.port)), std::string::npos) << error;
  EXPECT_NE(error.find("timed out after 300 ms"), std::string::npos) << error;
  std::string again;
  EXPECT_FALSE(conn.flush(&again));  // a connection that never opened does not pretend to be durable
  EXPECT_FALSE(again.empty());
}

}  // namespace
}  // namespace laud::runtime
