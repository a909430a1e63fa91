// rabbitmq_sink.cc — the RabbitMQ connection and dispatch sink (rabbitmq-c): connect and login with
// a timeout, confirm.select, lazy queue declarations, persistent publishes, and the publisher-confirm
// loop (basic.ack single/multiple; basic.nack, basic.return and closes are failures).
#include "runtime/dispatch/rabbitmq_sink.h"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <fmt/format.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>

#include "runtime/dispatch/record.h"
#include "vm/module.h"

namespace laud::runtime {
namespace {

constexpr amqp_channel_t kChannel = 1;
constexpr uint64_t kDrainEvery = 256;  // publishes between two non-blocking reads of confirms

amqp_bytes_t bytes(std::string_view s) { return amqp_bytes_t{s.size(), const_cast<char*>(s.data())}; }
std::string_view text(amqp_bytes_t b) { return {static_cast<const char*>(b.bytes), b.len}; }

timeval to_timeval(int64_t ms) {
  if (ms < 0) ms = 0;
  return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>(ms % 1000 * 1000)};
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

RabbitConnection::~RabbitConnection() { reset(); }

void RabbitConnection::reset() {
  close();
  if (conn_) amqp_destroy_connection(conn_);
  conn_ = nullptr;
  next_tag_ = first_tag_ = 1;
  acked_.clear();
  unconfirmed_ = since_drain_ = dropped_ = 0;
  failure_.clear();
}

bool RabbitConnection::fail(std::string message) {
  if (failure_.empty()) failure_ = std::move(message);
  return false;
}

bool RabbitConnection::rpc_ok(const char* what, std::string* error) {
  return reply_ok(amqp_get_rpc_reply(conn_), what, error);
}

// A server close is answered (close-ok) and described; both kinds of close leave the connection failed.
bool RabbitConnection::reply_ok(const amqp_rpc_reply_t& r, const char* what, std::string* error) {
  std::string why;
  switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return true;
    case AMQP_RESPONSE_NONE:
      why = "no reply";
      break;
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      why = amqp_error_string2(r.library_error);
      if (r.library_error == AMQP_STATUS_TIMEOUT) why += fmt::format(" after {} ms", config_.connect_timeout_ms);
      open_ = false;  // the library closes the connection after a timeout or a socket error
      break;
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* c = static_cast<const amqp_connection_close_t*>(r.reply.decoded);
        why = fmt::format("the broker closed the connection: {} {}", c->reply_code, text(c->reply_text));
        amqp_connection_close_ok_t ok{};
        amqp_send_method(conn_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        open_ = false;
      } else if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* c = static_cast<const amqp_channel_close_t*>(r.reply.decoded);
        why = fmt::format("the broker closed the channel: {} {}", c->reply_code, text(c->reply_text));
        amqp_channel_close_ok_t ok{};
        amqp_send_method(conn_, kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
      } else {
        why = fmt::format("unexpected server method 0x{:08x}", r.reply.id);
      }
      break;
  }
  fail(fmt::format("RabbitMQ {}: {}: {}", where_, what, why));
  if (error) *error = failure_;
  return false;
}

bool RabbitConnection::open(const RabbitConfig& c, std::string* error) {
  reset();
  config_ = c;
  where_ = fmt::format("amqp://{}@{}:{}{}{}", c.user, c.host, c.port, c.vhost.starts_with('/') ? "" : "/", c.vhost);
  conn_ = amqp_new_connection();
  amqp_socket_t* socket = conn_ ? amqp_tcp_socket_new(conn_) : nullptr;
  timeval tv = to_timeval(c.connect_timeout_ms);
  int st = socket ? amqp_socket_open_noblock(socket, c.host.c_str(), c.port, &tv) : AMQP_STATUS_NO_MEMORY;
  if (st != AMQP_STATUS_OK) {
    fail(fmt::format("no RabbitMQ broker answered at {}:{} within {} ms ({})", c.host, c.port, c.connect_timeout_ms,
                     amqp_error_string2(st)));
    *error = failure_;
    return false;
  }
  open_ = true;
  amqp_set_handshake_timeout(conn_, &tv);
  amqp_set_rpc_timeout(conn_, &tv);
  // Heartbeats off: rabbitmq-c answers them only while it reads, and an idle laudd does not read.
  amqp_table_entry_t name{amqp_cstring_bytes("connection_name"), {AMQP_FIELD_KIND_UTF8, {}}};
  name.value.value.bytes = amqp_cstring_bytes("laudd");
  amqp_table_t properties{1, &name};
  amqp_rpc_reply_t login = amqp_login_with_properties(conn_, c.vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE, 0,
                                                      &properties, AMQP_SASL_METHOD_PLAIN, c.user.c_str(),
                                                      c.password.c_str());
  if (!reply_ok(login, "login (user, password and vhost)", error)) return false;
  amqp_channel_open(conn_, kChannel);
  if (!rpc_ok("channel.open", error)) return false;
  amqp_confirm_select(conn_, kChannel);
  return rpc_ok("confirm.select", error);
}

bool RabbitConnection::declare_exchange(const std::string& name, std::string* error) {
  if (failed()) return *error = failure_, false;
  amqp_exchange_declare(conn_, kChannel, bytes(name), amqp_cstring_bytes("direct"), false, true, false, false,
                        amqp_empty_table);
  return rpc_ok(fmt::format("exchange.declare `{}` (durable, direct)", name).c_str(), error);
}

bool RabbitConnection::declare_queue(const std::string& queue, const std::string& exchange,
                                     const std::string& routing_key, std::string* error) {
  if (failed()) return *error = failure_, false;
  amqp_queue_declare(conn_, kChannel, bytes(queue), false, true, false, false, amqp_empty_table);
  if (!rpc_ok(fmt::format("queue.declare `{}` (durable)", queue).c_str(), error)) return false;
  amqp_queue_bind(conn_, kChannel, bytes(queue), bytes(exchange), bytes(routing_key), amqp_empty_table);
  return rpc_ok(fmt::format("queue.bind `{}` to `{}` with key `{}`", queue, exchange, routing_key).c_str(), error);
}

void RabbitConnection::publish(const std::string& exchange, std::string_view routing_key, std::string_view body,
                               std::string_view message_id,
                               std::initializer_list<std::pair<const char*, std::string_view>> headers) {
  if (unconfirmed_ >= kMaxInFlight && !wait_confirms(kMaxInFlight - 1, config_.confirm_timeout_ms, nullptr))
    fail(fmt::format("RabbitMQ {}: {} publishes still unconfirmed after {} ms", where_, unconfirmed_,
                     config_.confirm_timeout_ms));
  if (!conn_) fail(fmt::format("RabbitMQ {}: not connected", where_));
  if (failed()) {
    ++dropped_;
    return;
  }
  amqp_table_entry_t entries[8];
  int n = 0;
  for (const auto& [key, value] : headers) {
    if (n == 8) break;
    entries[n].key = amqp_cstring_bytes(key);
    entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[n].value.value.bytes = bytes(value);
    ++n;
  }
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_HEADERS_FLAG;
  if (!message_id.empty()) props._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
  props.content_type = amqp_cstring_bytes("application/json");
  props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  props.message_id = bytes(message_id);
  props.headers = amqp_table_t{n, entries};
  // mandatory: a message no queue is bound for comes back (basic.return) instead of vanishing.
  int st = amqp_basic_publish(conn_, kChannel, bytes(exchange), bytes(routing_key), true, false, &props, bytes(body));
  if (st != AMQP_STATUS_OK) {
    read_frames(0);  // a connection.close from the broker says why better than the socket error
    open_ = st != AMQP_STATUS_SOCKET_ERROR && st != AMQP_STATUS_CONNECTION_CLOSED && open_;
    fail(fmt::format("RabbitMQ {}: publish to `{}` failed: {}", where_, exchange, amqp_error_string2(st)));
    ++dropped_;
    return;
  }
  ++next_tag_;
  acked_.push_back(false);
  ++unconfirmed_;
  // Read the confirms that have arrived now and then, so that the broker's writes never back up.
  if (++since_drain_ == kDrainEvery) {
    since_drain_ = 0;
    read_frames(0);
  }
}

void RabbitConnection::confirm(uint64_t tag, bool multiple) {
  if (tag < first_tag_ || tag >= next_tag_) return;  // a tag this connection never used
  if (multiple) {
    while (first_tag_ <= tag) {
      if (!acked_.front()) --unconfirmed_;
      acked_.pop_front();
      ++first_tag_;
    }
  } else if (!acked_[tag - first_tag_]) {
    acked_[tag - first_tag_] = true;
    --unconfirmed_;
  }
  while (!acked_.empty() && acked_.front()) {
    acked_.pop_front();
    ++first_tag_;
  }
}

bool RabbitConnection::handle_frame(const amqp_frame_t& f) {
  if (f.frame_type != AMQP_FRAME_METHOD) return true;  // header and body of a returned message
  const void* m = f.payload.method.decoded;
  switch (f.payload.method.id) {
    case AMQP_BASIC_ACK_METHOD: {
      const auto* a = static_cast<const amqp_basic_ack_t*>(m);
      confirm(a->delivery_tag, a->multiple);
      return true;
    }
    case AMQP_BASIC_NACK_METHOD: {
      const auto* a = static_cast<const amqp_basic_nack_t*>(m);
      return fail(fmt::format("RabbitMQ {}: the broker did not take message {}{} (basic.nack)", where_,
                              a->delivery_tag, a->multiple ? " and those before it" : ""));
    }
    case AMQP_BASIC_RETURN_METHOD: {
      const auto* r = static_cast<const amqp_basic_return_t*>(m);
      return fail(fmt::format("RabbitMQ {}: a message to exchange `{}` with routing key `{}` came back: {} {}", where_,
                              text(r->exchange), text(r->routing_key), r->reply_code, text(r->reply_text)));
    }
    case AMQP_CHANNEL_CLOSE_METHOD: {
      const auto* c = static_cast<const amqp_channel_close_t*>(m);
      amqp_channel_close_ok_t ok{};
      amqp_send_method(conn_, kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
      return fail(fmt::format("RabbitMQ {}: the broker closed the channel: {} {}", where_, c->reply_code,
                              text(c->reply_text)));
    }
    case AMQP_CONNECTION_CLOSE_METHOD: {
      const auto* c = static_cast<const amqp_connection_close_t*>(m);
      amqp_connection_close_ok_t ok{};
      amqp_send_method(conn_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
      open_ = false;
      return fail(fmt::format("RabbitMQ {}: the broker closed the connection: {} {}", where_, c->reply_code,
                              text(c->reply_text)));
    }
    default:
      return true;
  }
}

bool RabbitConnection::read_frames(int64_t timeout_ms) {
  for (int64_t wait = timeout_ms; !failed(); wait = 0) {
    amqp_frame_t f;
    timeval tv = to_timeval(wait);
    int st = amqp_simple_wait_frame_noblock(conn_, &f, &tv);
    if (st == AMQP_STATUS_TIMEOUT) return true;
    if (st != AMQP_STATUS_OK) {
      open_ = false;
      return fail(fmt::format("RabbitMQ {}: the connection failed with {} publishes unconfirmed: {}", where_,
                              unconfirmed_, amqp_error_string2(st)));
    }
    bool ok = handle_frame(f);
    amqp_maybe_release_buffers(conn_);
    if (!ok) return false;
  }
  return false;
}

bool RabbitConnection::wait_confirms(uint64_t max_unconfirmed, int64_t timeout_ms, std::string* error) {
  int64_t deadline = now_ms() + timeout_ms;
  while (!failed() && unconfirmed_ > max_unconfirmed) {
    int64_t left = deadline - now_ms();
    if (left <= 0) {
      if (error)
        *error = fmt::format("RabbitMQ {}: {} of {} publishes unconfirmed after {} ms", where_, unconfirmed_,
                             published(), timeout_ms);
      return false;
    }
    read_frames(left);
  }
  if (failed()) {
    if (error) *error = dropped_ ? fmt::format("{} ({} messages not sent)", failure_, dropped_) : failure_;
    dropped_ = 0;  // counted again up to the next flush
    return false;
  }
  return true;
}

bool RabbitConnection::flush(std::string* error) { return wait_confirms(0, config_.confirm_timeout_ms, error); }

void RabbitConnection::close() {
  if (!conn_ || !open_) return;
  open_ = false;
  amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
}

bool RabbitDispatchSink::open(std::string* error) {
  declared_.clear();
  return conn_.open(config_, error) && conn_.declare_exchange(config_.exchange, error);
}

// A failed flush never waits (it may run inside a Kafka transaction, which times out); it arms a
// reconnection for the next record: at once the first time, then 1 s after a failed attempt,
// doubling up to 30 s, while the broker stays away.
bool RabbitDispatchSink::flush() {
  if (conn_.flush(&error)) return true;
  if (!reconnect_) {
    reconnect_ = true;
    reconnect_at_ = now_ms() + backoff_ms_;
  }
  int64_t wait = std::max<int64_t>(reconnect_at_ - now_ms(), 0);
  error += wait ? fmt::format("; reconnecting in {:.1f} s", wait / 1000.0) : "; reconnecting";
  fmt::print(stderr, "laudd: warning: {}\n", error);
  return false;
}

void RabbitDispatchSink::route(std::string_view channel) {
  std::string ignored;  // a failed connection or declaration leaves the connection failed; flush() reports it
  if (reconnect_ && now_ms() >= reconnect_at_) {
    reconnect_ = false;
    ++reconnects_;
    backoff_ms_ = open(&ignored) ? 0 : std::clamp<int64_t>(backoff_ms_ * 2, 1000, 30'000);
  }
  if (declared_.contains(channel)) return;
  std::string key(channel);
  if (conn_.declare_queue(config_.queue_prefix + key, config_.exchange, key, &ignored)) declared_.insert(key);
}

void RabbitDispatchSink::write(std::string_view line) {
  route("unknown");
  conn_.publish(config_.exchange, "unknown", line, {}, {});
}

void RabbitDispatchSink::write_record(const DispatchRecord& r, std::string_view line) {
  std::string_view channel = vm::channel_name(r.send->channel);
  route(channel);
  id_ = fmt::format("{:016x}", dispatch_id(r));
  conn_.publish(config_.exchange, channel, line, id_,
                {{"journey", r.journey}, {"channel", channel}, {"dispatch_id", id_}, {"customer", r.customer}});
}

}  // namespace laud::runtime
