// config_test.cc — `laudd run --config`: defaults, every key, and errors with file:line:col.
#include "runtime/config/config.h"

#include <gtest/gtest.h>

namespace laud::runtime {
namespace {

TEST(Config, DefaultsAndRelativeModule) {
  RunConfig c;
  std::string error;
  ASSERT_TRUE(parse_config("module = \"m.ljb\"\n", "/etc/laud/run.toml", c, &error)) << error;
  EXPECT_EQ(c.module, "/etc/laud/m.ljb");
  EXPECT_EQ(c.clock, "event");
  EXPECT_FALSE(c.until);
  EXPECT_EQ(c.bootstrap_servers, "127.0.0.1:19092");
  EXPECT_EQ(c.input_topics, std::vector<std::string>{"laud.events"});
  EXPECT_EQ(c.group_id, "laudd");
  EXPECT_EQ(c.dispatch_topic_prefix, "laud.dispatch.");
  EXPECT_EQ(c.rejects_topic, "laud.rejects");
  EXPECT_FALSE(c.stop_at_end);
  EXPECT_TRUE(c.properties.empty());
  EXPECT_TRUE(c.state_dir.empty());
}

TEST(Config, StateDirIsRelativeToTheConfigFile) {
  RunConfig c;
  std::string error;
  ASSERT_TRUE(parse_config("module = \"m.ljb\"\n[kafka]\nstate_dir = \"state\"\n", "/etc/laud/run.toml", c, &error))
      << error;
  EXPECT_EQ(c.state_dir, "/etc/laud/state");
  ASSERT_TRUE(parse_config("module = \"m.ljb\"\n[kafka]\nstate_dir = \"/var/lib/laud\"\n", "run.toml", c, &error))
      << error;
  EXPECT_EQ(c.state_dir, "/var/lib/laud");
  EXPECT_FALSE(parse_config("module = \"m.ljb\"\n[kafka]\nstate_dir = 3\n", "run.toml", c, &error));
  EXPECT_NE(error.find("run.toml:3:"), std::string::npos) << error;
}

TEST(Config, EveryKey) {
  RunConfig c;
  std::string error;
  const char* text = R"(module = "/m.ljb"
clock = "wall"
until = "2027-01-31T00:00:00Z"
stats = "-"
[kafka]
bootstrap_servers = "k1:9092,k2:9092"
input_topics = ["a", "b"]
group_id = "g"
dispatch_topic_prefix = "out."
rejects_topic = "bad"
stop_at_end = true
[kafka.properties]
"security.protocol" = "SASL_SSL"
"fetch.wait.max.ms" = 50
"check.crcs" = true
)";
  ASSERT_TRUE(parse_config(text, "run.toml", c, &error)) << error;
  EXPECT_EQ(c.module, "/m.ljb");
  EXPECT_EQ(c.clock, "wall");
  EXPECT_EQ(c.until, 1801353600000);
  EXPECT_EQ(c.stats, "-");
  EXPECT_EQ(c.bootstrap_servers, "k1:9092,k2:9092");
  EXPECT_EQ(c.input_topics, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.group_id, "g");
  EXPECT_EQ(c.dispatch_topic_prefix, "out.");
  EXPECT_EQ(c.rejects_topic, "bad");
  EXPECT_TRUE(c.stop_at_end);
  ASSERT_EQ(c.properties.size(), 3u);
  // In key order (toml++ tables are sorted maps).
  EXPECT_EQ(c.properties[0], (std::pair<std::string, std::string>{"check.crcs", "true"}));
  EXPECT_EQ(c.properties[1], (std::pair<std::string, std::string>{"fetch.wait.max.ms", "50"}));
  EXPECT_EQ(c.properties[2], (std::pair<std::string, std::string>{"security.protocol", "SASL_SSL"}));
}

std::string error_of(const char* text) {
  RunConfig c;
  std::string error;
  EXPECT_FALSE(parse_config(text, "run.toml", c, &error));
  return error;
}

TEST(Config, Errors) {
  EXPECT_EQ(error_of("module = \"m\"\nmodlue = 1\n"), "run.toml:2:10: unknown key `modlue`");
  EXPECT_EQ(error_of("module = \"m\"\n[kafka]\ngroup = \"g\"\n"), "run.toml:3:9: unknown key `kafka.group`");
  EXPECT_EQ(error_of("module = \"m\"\nclock = \"sun\"\n"),
            "run.toml:2:9: `clock` must be \"event\" or \"wall\", not \"sun\"");
  EXPECT_EQ(error_of("module = \"m\"\nuntil = \"tomorrow\"\n"),
            "run.toml:2:9: `until`: `tomorrow` is not an RFC 3339 time");
  EXPECT_EQ(error_of("module = \"m\"\n[kafka]\nstop_at_end = \"yes\"\n"),
            "run.toml:3:15: `kafka.stop_at_end` must be true or false");
  EXPECT_EQ(error_of("module = \"m\"\n[kafka]\ninput_topics = []\n"),
            "run.toml:3:16: `kafka.input_topics` must name at least one topic");
  EXPECT_EQ(error_of("module = \"m\"\n[kafka]\ninput_topics = [\"a\", 3]\n"),
            "run.toml:3:22: `kafka.input_topics[]` must be a string");
  EXPECT_EQ(error_of("module = \"m\"\n[kafka.properties]\n\"enable.auto.commit\" = true\n"),
            "run.toml:3:24: `kafka.properties.\"enable.auto.commit\"` is set by laudd (see docs/kafka.md)");
  EXPECT_EQ(error_of("clock = \"event\"\n"), "run.toml: missing key `module` (the compiled module, .ljb)");
  std::string syntax = error_of("module = \n");
  EXPECT_EQ(syntax.rfind("run.toml:1:", 0), 0u) << syntax;
}

TEST(Config, ExactlyOnceKeys) {
  RunConfig c;
  std::string error;
  ASSERT_TRUE(parse_config("module = \"m.ljb\"\n[kafka]\ngroup_id = \"g\"\ninstance_id = \"a\"\n", "r.toml", c, &error))
      << error;
  EXPECT_EQ(c.changelog_topic, "laud.changelog");
  EXPECT_EQ(c.transactional_id, "g.a");  // group id + instance id
  EXPECT_EQ(c.batch_messages, 20000);
  EXPECT_EQ(c.batch_ms, 300);
  EXPECT_TRUE(c.commit_in_background);
  ASSERT_TRUE(parse_config("module = \"m.ljb\"\n", "r.toml", c, &error)) << error;
  EXPECT_FALSE(c.instance_id.empty());  // the host name
  EXPECT_EQ(c.transactional_id, "laudd." + c.instance_id);
  const char* text = R"(module = "m.ljb"
[kafka]
changelog_topic = "cl"
transactional_id = "t1"
batch_messages = 20
batch_ms = 5
commit_in_background = false
)";
  ASSERT_TRUE(parse_config(text, "r.toml", c, &error)) << error;
  EXPECT_EQ(c.changelog_topic, "cl");
  EXPECT_EQ(c.transactional_id, "t1");
  EXPECT_EQ(c.batch_messages, 20);
  EXPECT_EQ(c.batch_ms, 5);
  EXPECT_FALSE(c.commit_in_background);
  EXPECT_FALSE(parse_config("module = \"m.ljb\"\n[kafka]\ncommit_in_background = 1\n", "r.toml", c, &error));
  EXPECT_EQ(error, "r.toml:3:24: `kafka.commit_in_background` must be true or false");
  EXPECT_FALSE(parse_config("module = \"m.ljb\"\n[kafka]\nbatch_messages = 0\n", "r.toml", c, &error));
  EXPECT_EQ(error, "r.toml:3:18: `kafka.batch_messages` must be an integer from 1 to 1000000");
  // A transaction longer than the 10 s transaction timeout would be aborted by the broker.
  EXPECT_FALSE(parse_config("module = \"m.ljb\"\n[kafka]\nbatch_ms = 10000\n", "r.toml", c, &error));
  EXPECT_EQ(error, "r.toml:3:12: `kafka.batch_ms` must be an integer from 1 to 5000");
  EXPECT_FALSE(parse_config("module = \"m.ljb\"\n[kafka.properties]\n\"isolation.level\" = \"read_uncommitted\"\n",
                            "r.toml", c, &error));
  EXPECT_EQ(error, "r.toml:3:21: `kafka.properties.\"isolation.level\"` is set by laudd (see docs/kafka.md)");
}

TEST(Config, RabbitMqSink) {
  RunConfig c;
  std::string error;
  ASSERT_TRUE(parse_config("module = \"m.ljb\"\n", "r.toml", c, &error)) << error;
  EXPECT_EQ(c.sink, "kafka");
  EXPECT_EQ(c.rabbitmq.host, "127.0.0.1");
  EXPECT_EQ(c.rabbitmq.port, 5672);
  EXPECT_EQ(c.rabbitmq.user, "guest");
  EXPECT_EQ(c.rabbitmq.password, "guest");
  EXPECT_EQ(c.rabbitmq.vhost, "/");
  EXPECT_EQ(c.rabbitmq.exchange, "laud.dispatch");
  EXPECT_EQ(c.rabbitmq.queue_prefix, "laud.dispatch.");
  EXPECT_EQ(c.rabbitmq.confirm_timeout_ms, 5'000);
  EXPECT_EQ(c.rabbitmq.connect_timeout_ms, 3'000);
  const char* text = R"(module = "m.ljb"
[output]
sink = "rabbitmq"
[rabbitmq]
host = "mq.internal"
port = 5673
user = "laud"
password = ""
vhost = "journeys"
exchange = "dispatch"
queue_prefix = ""
confirm_timeout_ms = 5000
connect_timeout_ms = 2000
)";
  ASSERT_TRUE(parse_config(text, "r.toml", c, &error)) << error;
  EXPECT_EQ(c.sink, "rabbitmq");
  EXPECT_EQ(c.rabbitmq, (RabbitConfig{.host = "mq.internal", .port = 5673, .user = "laud", .password = "",
                                      .vhost = "journeys", .exchange = "dispatch", .queue_prefix = "",
                                      .confirm_timeout_ms = 5000, .connect_timeout_ms = 2000}));

  EXPECT_EQ(error_of("module = \"m\"\n[output]\nsink = \"amqp\"\n"),
            "run.toml:3:8: `output.sink` must be \"kafka\" or \"rabbitmq\", not \"amqp\"");
  EXPECT_EQ(error_of("module = \"m\"\n[output]\nsinks = \"kafka\"\n"), "run.toml:3:9: unknown key `output.sinks`");
  EXPECT_EQ(error_of("module = \"m\"\noutput = \"rabbitmq\"\n"), "run.toml:2:10: `output` must be a table");
  EXPECT_EQ(error_of("module = \"m\"\n[rabbitmq]\nport = 0\n"),
            "run.toml:3:8: `rabbitmq.port` must be an integer from 1 to 65535");
  EXPECT_EQ(error_of("module = \"m\"\n[rabbitmq]\nport = \"5672\"\n"),
            "run.toml:3:8: `rabbitmq.port` must be an integer from 1 to 65535");
  EXPECT_EQ(error_of("module = \"m\"\n[rabbitmq]\nconfirm_timeout_ms = -1\n"),
            "run.toml:3:22: `rabbitmq.confirm_timeout_ms` must be an integer from 1 to 3600000");
  EXPECT_EQ(error_of("module = \"m\"\n[rabbitmq]\nexchange = \"\"\n"),
            "run.toml:3:12: `rabbitmq.exchange` must not be empty");
  EXPECT_EQ(error_of("module = \"m\"\n[rabbitmq]\nhost = 1\n"), "run.toml:3:8: `rabbitmq.host` must be a string");
  EXPECT_EQ(error_of("module = \"m\"\n[rabbitmq]\nqueue = \"q\"\n"), "run.toml:3:9: unknown key `rabbitmq.queue`");
}

}  // namespace
}  // namespace laud::runtime
