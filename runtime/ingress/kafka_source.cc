// kafka_source.cc — the Kafka consumer of `laudd run --config` (librdkafka C API): cooperative
// incremental rebalances, end-of-partition tracking for stop_at_end, explicit synchronous commits.
#include "runtime/ingress/kafka_source.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "runtime/kafka/client_log.h"

namespace laud::runtime {

KafkaSource::~KafkaSource() { close(); }

void KafkaSource::close() {
  if (current_) {
    rd_kafka_message_destroy(static_cast<rd_kafka_message_t*>(current_));
    current_ = nullptr;
  }
  if (rk_) {
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
    rk_ = nullptr;
  }
}

bool KafkaSource::open(const std::string& bootstrap, const std::string& group, const std::vector<std::string>& topics,
                       const std::vector<std::pair<std::string, std::string>>& properties, bool stop_at_end,
                       int wait_ms, std::function<void()> before_revoke, std::string* error) {
  stop_at_end_ = stop_at_end;
  opened_at_ = std::chrono::steady_clock::now();
  before_revoke_ = std::move(before_revoke);
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const std::string& k, const std::string& v) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      *error = fmt::format("consumer property {}={}: {}", k, v, err);
      return false;
    }
    return true;
  };
  bool ok = set("bootstrap.servers", bootstrap) && set("group.id", group) &&
            set("partition.assignment.strategy", "cooperative-sticky") && set("enable.auto.commit", "false") &&
            set("enable.auto.offset.store", "false") && set("auto.offset.reset", "earliest") &&
            set("isolation.level", "read_committed") &&
            set("enable.partition.eof", stop_at_end && !drop_partition_eof() ? "true" : "false");
  for (size_t i = 0; ok && i < properties.size(); ++i) ok = set(properties[i].first, properties[i].second);
  if (!ok) {
    rd_kafka_conf_destroy(conf);
    return false;
  }
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_rebalance_cb(conf, [](rd_kafka_t* rk, rd_kafka_resp_err_t e, rd_kafka_topic_partition_list_t* p,
                                          void* opaque) { on_rebalance(rk, e, p, opaque); });
  set_client_log(conf);
  rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk_) {
    *error = fmt::format("cannot create the Kafka consumer: {}", err);
    return false;
  }
  rd_kafka_poll_set_consumer(rk_);
  const struct rd_kafka_metadata* md = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk_, 0, nullptr, &md, wait_ms);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    *error = fmt::format("no Kafka broker answered at {} within {} s ({})", bootstrap, wait_ms / 1000,
                         rd_kafka_err2str(e));
    return false;
  }
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_partition_list_t* subs = rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()));
  for (const auto& t : topics) rd_kafka_topic_partition_list_add(subs, t.c_str(), RD_KAFKA_PARTITION_UA);
  e = rd_kafka_subscribe(rk_, subs);
  rd_kafka_topic_partition_list_destroy(subs);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    *error = fmt::format("cannot subscribe: {}", rd_kafka_err2str(e));
    return false;
  }
  return true;
}

namespace {
KafkaSource::Partitions partitions_of(const rd_kafka_topic_partition_list_t* parts) {
  KafkaSource::Partitions out;
  for (int i = 0; i < parts->cnt; ++i) out.emplace_back(parts->elems[i].topic, parts->elems[i].partition);
  return out;
}
}  // namespace

void KafkaSource::set_rebalance_handlers(bool pause_on_assign, std::function<void(const Partitions&)> assigned,
                                         std::function<void(const Partitions&, bool lost)> revoking) {
  pause_on_assign_ = pause_on_assign;
  assigned_handler_ = std::move(assigned);
  revoking_handler_ = std::move(revoking);
}

void KafkaSource::on_rebalance(rd_kafka_t* rk, int err, rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* self = static_cast<KafkaSource*>(opaque);
  bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < parts->cnt; ++i) self->assigned_[{parts->elems[i].topic, parts->elems[i].partition}] = false;
    rd_kafka_error_t* e = nullptr;
    if (cooperative)
      e = rd_kafka_incremental_assign(rk, parts);
    else
      rd_kafka_assign(rk, parts);
    if (e) {
      fmt::print(stderr, "laudd: warning: Kafka assign: {}\n", rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
    // Paused until the caller restored their state and moved them to the state's position.
    if (self->pause_on_assign_) rd_kafka_pause_partitions(rk, parts);
    if (self->assigned_handler_) self->assigned_handler_(partitions_of(parts));
    return;
  }
  // Revoked or lost: what was processed is flushed and committed first.
  bool lost = err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS || rd_kafka_assignment_lost(rk);
  if (self->before_revoke_ && !lost) self->before_revoke_();
  if (self->revoking_handler_) self->revoking_handler_(partitions_of(parts), lost);
  for (int i = 0; i < parts->cnt; ++i) {
    std::pair<std::string, int32_t> tp{parts->elems[i].topic, parts->elems[i].partition};
    self->assigned_.erase(tp);
    self->pending_.erase(tp);
  }
  if (cooperative) {
    if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts)) rd_kafka_error_destroy(e);
  } else {
    rd_kafka_assign(rk, nullptr);
  }
}

// Test hook (kafka_e2e): without end-of-partition events, as when one is lost, stop_at_end must
// still end (the daemon asks the partitions' watermarks).
bool KafkaSource::drop_partition_eof() {
  const char* v = std::getenv("LAUD_TEST_DROP_PARTITION_EOF");
  return v && *v;
}

KafkaSource::Poll KafkaSource::poll(int timeout_ms, KafkaMessage& m, std::string* error) {
  if (current_) {
    rd_kafka_message_destroy(static_cast<rd_kafka_message_t*>(current_));
    current_ = nullptr;
  }
  rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk_, timeout_ms);
  if (!msg) {
    if (stop_at_end_ && !assigned_.empty()) {
      bool all = true;
      for (const auto& [tp, at_end] : assigned_) all = all && at_end;
      if (all) return Poll::kEnd;
    }
    return Poll::kIdle;
  }
  if (msg->err) {
    Poll result = Poll::kIdle;
    if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      auto it = assigned_.find({rd_kafka_topic_name(msg->rkt), msg->partition});
      if (it != assigned_.end()) it->second = true;
      bool all = stop_at_end_;
      for (const auto& [tp, at_end] : assigned_) all = all && at_end;
      if (all) result = Poll::kEnd;
    } else if (msg->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART &&
               std::chrono::steady_clock::now() - opened_at_ < kUnknownTopicGrace) {
      // A topic created just before (a script, a test) may not be in a fresh broker's metadata
      // yet, and the consumer would not look again for minutes: ask for the metadata now.
      fmt::print(stderr, "laudd: warning: Kafka consumer: {}; looking again (for up to {} s after start)\n",
                 rd_kafka_message_errstr(msg), std::chrono::duration_cast<std::chrono::seconds>(kUnknownTopicGrace).count());
      const rd_kafka_metadata_t* md = nullptr;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      if (rd_kafka_metadata(rk_, 1, nullptr, &md, 2000) == RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_metadata_destroy(md);
    } else if (msg->err == RD_KAFKA_RESP_ERR__FATAL || msg->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
               msg->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
               msg->err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) {
      *error = fmt::format("Kafka consumer: {}", rd_kafka_message_errstr(msg));
      result = Poll::kError;
    } else {
      fmt::print(stderr, "laudd: warning: Kafka consumer: {}\n", rd_kafka_message_errstr(msg));
    }
    rd_kafka_message_destroy(msg);
    return result;
  }
  current_ = msg;
  m.topic = rd_kafka_topic_name(msg->rkt);
  m.partition = msg->partition;
  m.offset = msg->offset;
  m.value = static_cast<const char*>(msg->payload);
  m.size = msg->len;
  m.key = msg->key ? std::string_view(static_cast<const char*>(msg->key), msg->key_len) : std::string_view();
  std::pair<std::string, int32_t> tp{std::string(m.topic), m.partition};
  pending_[tp] = msg->offset + 1;
  auto it = assigned_.find(tp);
  if (it != assigned_.end()) it->second = false;
  return Poll::kMessage;
}

bool KafkaSource::seek(const std::string& topic, int32_t partition, int64_t offset, std::string* error) {
  rd_kafka_error_t* e = nullptr;
  rd_kafka_resp_err_t pe = RD_KAFKA_RESP_ERR_NO_ERROR;
  // A partition just assigned cannot seek until its fetcher started (ERR__STATE): a few retries.
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (attempt) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), partition)->offset = offset;
    e = rd_kafka_seek_partitions(rk_, list, 10'000);
    pe = list->elems[0].err;
    rd_kafka_topic_partition_list_destroy(list);
    if (e || pe != RD_KAFKA_RESP_ERR__STATE) break;
  }
  if (e || pe) {
    *error = fmt::format("seek {} [{}] to {}: {}", topic, partition, offset,
                         e ? rd_kafka_error_string(e) : rd_kafka_err2str(pe));
    if (e) rd_kafka_error_destroy(e);
    return false;
  }
  pending_.erase({topic, partition});
  auto it = assigned_.find({topic, partition});
  if (it != assigned_.end()) it->second = false;
  return true;
}

void KafkaSource::pause(const std::string& topic, int32_t partition, bool paused) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, topic.c_str(), partition);
  if (paused)
    rd_kafka_pause_partitions(rk_, list);
  else
    rd_kafka_resume_partitions(rk_, list);
  rd_kafka_topic_partition_list_destroy(list);
}

bool KafkaSource::committed(const std::string& topic, int32_t partition, int64_t& offset, std::string* error) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, topic.c_str(), partition);
  rd_kafka_resp_err_t e = rd_kafka_committed(rk_, list, 30'000);
  if (!e) e = list->elems[0].err;
  offset = list->elems[0].offset;
  rd_kafka_topic_partition_list_destroy(list);
  if (e) {
    *error = fmt::format("committed offset of {} [{}]: {}", topic, partition, rd_kafka_err2str(e));
    return false;
  }
  if (offset < 0) offset = -1;
  return true;
}

bool KafkaSource::commit(std::string* error) {
  if (pending_.empty()) return true;
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(pending_.size()));
  for (const auto& [tp, offset] : pending_)
    rd_kafka_topic_partition_list_add(list, tp.first.c_str(), tp.second)->offset = offset;
  rd_kafka_resp_err_t e = rd_kafka_commit(rk_, list, 0);
  rd_kafka_topic_partition_list_destroy(list);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    *error = fmt::format("offset commit failed: {}", rd_kafka_err2str(e));
    return false;
  }
  pending_.clear();
  return true;
}

}  // namespace laud::runtime
