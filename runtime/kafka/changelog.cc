// changelog.cc — creating the changelog topic (librdkafka admin API) and reading one of its
// partitions back (a group-less consumer assigned to it, read_committed, until end of partition).
#include "runtime/kafka/changelog.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <chrono>

#include "runtime/kafka/client_log.h"

namespace laud::runtime {

namespace {

// The partition count of `topic` (0: it does not exist); -1 on error.
int partition_count(rd_kafka_t* rk, const std::string& topic, std::string* error) {
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const struct rd_kafka_metadata* md = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, t, &md, 10'000);
  rd_kafka_topic_destroy(t);
  if (e) {
    *error = fmt::format("metadata of topic {}: {}", topic, rd_kafka_err2str(e));
    return -1;
  }
  int n = 0;
  if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) n = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  return n;
}

bool create_topic(rd_kafka_t* rk, const std::string& topic, int partitions, std::string* error) {
  char err[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, -1, err, sizeof err);
  if (!nt) {
    *error = fmt::format("changelog topic {}: {}", topic, err);
    return false;
  }
  rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &nt, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30'000);
  bool ok = false;
  if (!ev) {
    *error = fmt::format("creating changelog topic {}: no answer within 30 s", topic);
  } else if (rd_kafka_event_error(ev)) {
    *error = fmt::format("creating changelog topic {}: {}", topic, rd_kafka_event_error_string(ev));
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** r = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    rd_kafka_resp_err_t e = n ? rd_kafka_topic_result_error(r[0]) : RD_KAFKA_RESP_ERR_NO_ERROR;
    ok = !e || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS;
    if (!ok) *error = fmt::format("creating changelog topic {}: {}", topic, rd_kafka_topic_result_error_string(r[0]));
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  rd_kafka_NewTopic_destroy(nt);
  return ok;
}

}  // namespace

bool ensure_changelog_topic(rd_kafka_t* rk, const std::string& input, const std::string& changelog,
                            std::string* error) {
  int in = partition_count(rk, input, error);
  if (in < 0) return false;
  if (in == 0) {
    *error = fmt::format("input topic {} does not exist (its partition count sizes the changelog)", input);
    return false;
  }
  int have = partition_count(rk, changelog, error);
  if (have < 0) return false;
  if (have == 0) {
    if (!create_topic(rk, changelog, in, error)) return false;
    fmt::print(stderr, "laudd: created changelog topic {} ({} partitions, cleanup.policy=compact)\n", changelog, in);
    return true;
  }
  if (have < in) {
    *error = fmt::format("changelog topic {} has {} partitions, input topic {} has {}: they must match", changelog,
                         have, input, in);
    return false;
  }
  return true;
}

StateSource state_source(const StateMap& records) {
  StateSource s;
  s.get = [&records](std::string_view key, std::string& value, std::string*) {
    auto it = records.find(key);
    if (it == records.end()) return false;
    value = it->second;
    return true;
  };
  s.scan = [&records](std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& f,
                      std::string*) {
    for (auto it = records.lower_bound(prefix); it != records.end() && it->first.starts_with(prefix); ++it)
      if (!f(it->first, it->second)) break;
    return true;
  };
  return s;
}

ChangelogReader::~ChangelogReader() {
  if (rk_) {
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
  }
}

bool ChangelogReader::open(const std::string& bootstrap, const std::string& group,
                           const std::vector<std::pair<std::string, std::string>>& properties, std::string* error) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const std::string& k, const std::string& v) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      *error = fmt::format("changelog consumer property {}={}: {}", k, v, err);
      return false;
    }
    return true;
  };
  // Assigned, never subscribed: the group id only names the client; nothing is committed.
  bool ok = set("bootstrap.servers", bootstrap);
  for (size_t i = 0; ok && i < properties.size(); ++i) ok = set(properties[i].first, properties[i].second);
  ok = ok && set("group.id", group) && set("enable.auto.commit", "false") && set("isolation.level", "read_committed") &&
       set("enable.partition.eof", "true");
  if (!ok) {
    rd_kafka_conf_destroy(conf);
    return false;
  }
  set_client_log(conf);
  rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk_) {
    *error = fmt::format("cannot create the changelog consumer: {}", err);
    return false;
  }
  rd_kafka_poll_set_consumer(rk_);
  return true;
}

bool ChangelogReader::watermarks(const std::string& topic, int32_t partition, int64_t& lo, int64_t& hi,
                                 std::string* error) {
  rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(rk_, topic.c_str(), partition, &lo, &hi, 10'000);
  if (e) *error = fmt::format("changelog {} [{}]: {}", topic, partition, rd_kafka_err2str(e));
  return !e;
}

bool ChangelogReader::read(const std::string& topic, int32_t partition, StateMap& out, uint64_t& messages,
                           std::string* error, int64_t from) {
  messages = 0;
  int64_t lo = 0, hi = 0;
  if (!watermarks(topic, partition, lo, hi, error)) return false;
  if (hi <= lo || (from >= 0 && from >= hi)) return true;  // nothing (more) to read
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, topic.c_str(), partition)->offset = from >= 0 ? from : RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_resp_err_t e = rd_kafka_assign(rk_, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (e) {
    *error = fmt::format("changelog {} [{}]: assign: {}", topic, partition, rd_kafka_err2str(e));
    return false;
  }
  auto last_progress = std::chrono::steady_clock::now();
  bool done = false, ok = true;
  while (!done) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 1000);
    if (!m) {
      if (std::chrono::steady_clock::now() - last_progress > std::chrono::seconds(10)) {
        fmt::print(stderr, "laudd: warning: reading changelog {} [{}]: no progress for 10 s ({} records so far)\n",
                   topic, partition, messages);
        last_progress = std::chrono::steady_clock::now();
      }
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      done = true;
    } else if (m->err) {
      if (m->err == RD_KAFKA_RESP_ERR__FATAL || m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
        *error = fmt::format("changelog {} [{}]: {}", topic, partition, rd_kafka_message_errstr(m));
        ok = false;
        done = true;
      } else {
        fmt::print(stderr, "laudd: warning: changelog {} [{}]: {}\n", topic, partition, rd_kafka_message_errstr(m));
      }
    } else if (m->partition != partition || topic != rd_kafka_topic_name(m->rkt)) {
      // left over from an earlier read
    } else {
      ++messages;
      last_progress = std::chrono::steady_clock::now();
      std::string key(static_cast<const char*>(m->key), m->key_len);
      if (m->payload)
        out.insert_or_assign(std::move(key), std::string(static_cast<const char*>(m->payload), m->len));
      else
        out.erase(key);
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_assign(rk_, nullptr);
  return ok;
}

}  // namespace laud::runtime
