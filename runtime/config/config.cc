// config.cc — the TOML configuration of `laudd run --config` (toml++): every key checked for its
// type and value, unknown keys refused, each error with the file position toml++ recorded.
#include "runtime/config/config.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>
#include <unistd.h>

#include "vm/time_text.h"

namespace laud::runtime {
namespace {

std::string where(const std::string& path, const toml::node& n) {
  const toml::source_region& s = n.source();
  return fmt::format("{}:{}:{}", path, s.begin.line, s.begin.column);
}

struct Parser {
  const std::string& path;
  std::string* error;

  bool fail(const toml::node& n, const std::string& message) {
    if (error) *error = fmt::format("{}: {}", where(path, n), message);
    return false;
  }
  bool string(const toml::node& n, std::string_view key, std::string& out, bool nonempty = true) {
    const auto* s = n.as_string();
    if (!s) return fail(n, fmt::format("`{}` must be a string", key));
    if (nonempty && s->get().empty()) return fail(n, fmt::format("`{}` must not be empty", key));
    out = s->get();
    return true;
  }
  bool boolean(const toml::node& n, std::string_view key, bool& out) {
    const auto* b = n.as_boolean();
    if (!b) return fail(n, fmt::format("`{}` must be true or false", key));
    out = b->get();
    return true;
  }
  bool top(const toml::table& t, RunConfig& c) {
    for (const auto& [k, v] : t) {
      std::string_view key = k.str();
      if (key == "module") {
        if (!string(v, key, c.module)) return false;
      } else if (key == "clock") {
        if (!string(v, key, c.clock)) return false;
        if (c.clock != "event" && c.clock != "wall")
          return fail(v, fmt::format("`clock` must be \"event\" or \"wall\", not \"{}\"", c.clock));
      } else if (key == "until") {
        std::string text;
        if (!string(v, key, text)) return false;
        c.until = vm::parse_rfc3339(text);
        if (!c.until) return fail(v, fmt::format("`until`: `{}` is not an RFC 3339 time", text));
      } else if (key == "stats") {
        if (!string(v, key, c.stats)) return false;
      } else if (key == "kafka") {
        const auto* kt = v.as_table();
        if (!kt) return fail(v, "`kafka` must be a table");
        if (!kafka(*kt, c)) return false;
      } else if (key == "output" || key == "rabbitmq") {
        const auto* t = v.as_table();
        if (!t) return fail(v, fmt::format("`{}` must be a table", key));
        if (!(key == "output" ? output(*t, c) : rabbitmq(*t, c.rabbitmq))) return false;
      } else {
        return fail(v, fmt::format("unknown key `{}`", key));
      }
    }
    if (c.module.empty()) {
      if (error) *error = fmt::format("{}: missing key `module` (the compiled module, .ljb)", path);
      return false;
    }
    return true;
  }
  bool kafka(const toml::table& t, RunConfig& c) {
    for (const auto& [k, v] : t) {
      std::string_view key = k.str();
      if (key == "bootstrap_servers") {
        if (!string(v, key, c.bootstrap_servers)) return false;
      } else if (key == "group_id") {
        if (!string(v, key, c.group_id)) return false;
      } else if (key == "dispatch_topic_prefix") {
        if (!string(v, key, c.dispatch_topic_prefix)) return false;
      } else if (key == "rejects_topic") {
        if (!string(v, key, c.rejects_topic)) return false;
      } else if (key == "changelog_topic") {
        if (!string(v, key, c.changelog_topic)) return false;
      } else if (key == "state_dir") {
        if (!string(v, key, c.state_dir)) return false;
      } else if (key == "instance_id") {
        if (!string(v, key, c.instance_id)) return false;
      } else if (key == "transactional_id") {
        if (!string(v, key, c.transactional_id)) return false;
      } else if (key == "batch_messages") {
        if (!integer(v, "kafka.batch_messages", 1, 1'000'000, c.batch_messages)) return false;
      } else if (key == "batch_ms") {
        // A transaction (batch_ms, then its commit) must end well within the transaction timeout
        // of 10 s, or the broker aborts it and fences the producer (docs/kafka.md).
        if (!integer(v, "kafka.batch_ms", 1, 5'000, c.batch_ms)) return false;
      } else if (key == "stop_at_end") {
        if (!boolean(v, "kafka.stop_at_end", c.stop_at_end)) return false;
      } else if (key == "commit_in_background") {
        if (!boolean(v, "kafka.commit_in_background", c.commit_in_background)) return false;
      } else if (key == "input_topics") {
        const auto* a = v.as_array();
        if (!a) return fail(v, "`kafka.input_topics` must be a list of topic names");
        if (a->empty()) return fail(v, "`kafka.input_topics` must name at least one topic");
        c.input_topics.clear();
        for (const auto& e : *a) {
          std::string name;
          if (!string(e, "kafka.input_topics[]", name)) return false;
          c.input_topics.push_back(std::move(name));
        }
      } else if (key == "properties") {
        const auto* pt = v.as_table();
        if (!pt) return fail(v, "`kafka.properties` must be a table");
        if (!properties(*pt, c)) return false;
      } else {
        return fail(v, fmt::format("unknown key `kafka.{}`", key));
      }
    }
    return true;
  }
  bool integer(const toml::node& n, std::string_view key, int64_t lo, int64_t hi, int64_t& out) {
    const auto* i = n.as_integer();
    if (!i || i->get() < lo || i->get() > hi)
      return fail(n, fmt::format("`{}` must be an integer from {} to {}", key, lo, hi));
    out = i->get();
    return true;
  }
  bool output(const toml::table& t, RunConfig& c) {
    for (const auto& [k, v] : t) {
      if (k.str() != "sink") return fail(v, fmt::format("unknown key `output.{}`", k.str()));
      if (!string(v, "output.sink", c.sink)) return false;
      if (c.sink != "kafka" && c.sink != "rabbitmq")
        return fail(v, fmt::format("`output.sink` must be \"kafka\" or \"rabbitmq\", not \"{}\"", c.sink));
    }
    return true;
  }
  bool rabbitmq(const toml::table& t, RabbitConfig& r) {
    for (const auto& [k, v] : t) {
      std::string_view key = k.str();
      std::string name = fmt::format("rabbitmq.{}", key);
      int64_t port = r.port;
      bool ok = key == "host"                 ? string(v, name, r.host)
                : key == "user"               ? string(v, name, r.user)
                : key == "password"           ? string(v, name, r.password, false)
                : key == "vhost"              ? string(v, name, r.vhost)
                : key == "exchange"           ? string(v, name, r.exchange)
                : key == "queue_prefix"       ? string(v, name, r.queue_prefix, false)
                : key == "port"               ? integer(v, name, 1, 65535, port)
                : key == "confirm_timeout_ms" ? integer(v, name, 1, 3'600'000, r.confirm_timeout_ms)
                : key == "connect_timeout_ms" ? integer(v, name, 1, 3'600'000, r.connect_timeout_ms)
                                              : fail(v, fmt::format("unknown key `{}`", name));
      if (!ok) return false;
      r.port = static_cast<int>(port);
    }
    return true;
  }
  bool properties(const toml::table& t, RunConfig& c) {
    for (const auto& [k, v] : t) {
      std::string key(k.str()), value;
      if (key == "enable.auto.commit" || key == "enable.partition.eof" || key == "partition.assignment.strategy" ||
          key == "group.id" || key == "bootstrap.servers" || key == "transactional.id" ||
          key == "isolation.level" || key == "enable.idempotence")
        return fail(v, fmt::format("`kafka.properties.\"{}\"` is set by laudd (see docs/kafka.md)", key));
      if (const auto* s = v.as_string()) {
        value = s->get();
      } else if (const auto* i = v.as_integer()) {
        value = std::to_string(i->get());
      } else if (const auto* b = v.as_boolean()) {
        value = b->get() ? "true" : "false";
      } else {
        return fail(v, fmt::format("`kafka.properties.\"{}\"` must be a string, integer or boolean", key));
      }
      c.properties.emplace_back(std::move(key), std::move(value));
    }
    return true;
  }
};

}  // namespace

bool parse_config(std::string_view text, const std::string& path, RunConfig& out, std::string* error) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    if (error)
      *error = fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column, e.description());
    return false;
  }
  RunConfig c;
  Parser p{path, error};
  if (!p.top(table, c)) return false;
  std::filesystem::path module(c.module);
  if (module.is_relative()) c.module = (std::filesystem::path(path).parent_path() / module).string();
  if (!c.state_dir.empty() && std::filesystem::path(c.state_dir).is_relative())
    c.state_dir = (std::filesystem::path(path).parent_path() / c.state_dir).string();
  if (c.instance_id.empty()) {
    char host[256] = {};
    c.instance_id = gethostname(host, sizeof host - 1) == 0 && host[0] ? host : "laudd";
  }
  if (c.transactional_id.empty()) c.transactional_id = c.group_id + "." + c.instance_id;
  out = std::move(c);
  return true;
}

bool load_config(const std::string& path, RunConfig& out, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    if (error) *error = path + ": cannot open";
    return false;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_config(ss.str(), path, out, error);
}

}  // namespace laud::runtime
