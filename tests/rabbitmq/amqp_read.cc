// amqp_read.cc — test support: basic.get readers and cleanup over one rabbitmq-c connection.
#include "tests/rabbitmq/amqp_read.h"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <fmt/format.h>
#include <sys/time.h>

namespace laud::testing {
namespace {

amqp_bytes_t bytes(const std::string& s) { return amqp_bytes_t{s.size(), const_cast<char*>(s.data())}; }
std::string str(amqp_bytes_t b) { return {static_cast<const char*>(b.bytes), b.len}; }

}  // namespace

AmqpReader::~AmqpReader() {
  if (!conn_) return;
  amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(conn_);
}

bool AmqpReader::reply_ok(const char* what, std::string* error) { return reply_ok(amqp_get_rpc_reply(conn_), what, error); }

bool AmqpReader::reply_ok(const amqp_rpc_reply_t_& r, const char* what, std::string* error) {
  if (r.reply_type == AMQP_RESPONSE_NORMAL) return true;
  if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    const auto* c = static_cast<const amqp_channel_close_t*>(r.reply.decoded);
    *error = fmt::format("{}: {} {}", what, c->reply_code, str(c->reply_text));
    amqp_channel_close_ok_t ok{};
    amqp_send_method(conn_, static_cast<amqp_channel_t>(channel_), AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
    amqp_channel_open(conn_, static_cast<amqp_channel_t>(++channel_));
    return false;
  }
  *error = fmt::format("{}: {}", what,
                       r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION ? amqp_error_string2(r.library_error)
                                                                        : "server error");
  return false;
}

bool AmqpReader::open(const std::string& host, int port, std::string* error) {
  conn_ = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
  timeval tv{10, 0};
  if (int st = amqp_socket_open_noblock(socket, host.c_str(), port, &tv); st != AMQP_STATUS_OK) {
    *error = fmt::format("connect {}:{}: {}", host, port, amqp_error_string2(st));
    return false;
  }
  if (!reply_ok(amqp_login(conn_, "/", 0, AMQP_DEFAULT_FRAME_SIZE, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest"),
                "login", error))
    return false;
  amqp_channel_open(conn_, static_cast<amqp_channel_t>(channel_));
  return reply_ok("channel.open", error);
}

bool AmqpReader::read(const std::string& queue, std::vector<AmqpMessage>& out, std::string* error) {
  auto ch = static_cast<amqp_channel_t>(channel_);
  for (;;) {
    amqp_rpc_reply_t r = amqp_basic_get(conn_, ch, bytes(queue), true);
    if (!reply_ok(r, fmt::format("basic.get `{}`", queue).c_str(), error)) return false;
    if (r.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) return true;
    const auto* ok = static_cast<const amqp_basic_get_ok_t*>(r.reply.decoded);
    AmqpMessage m;
    m.queue = queue;
    m.exchange = str(ok->exchange);
    m.routing_key = str(ok->routing_key);
    amqp_message_t msg;
    if (amqp_read_message(conn_, ch, &msg, 0).reply_type != AMQP_RESPONSE_NORMAL) {
      *error = fmt::format("basic.get `{}`: cannot read the message", queue);
      return false;
    }
    const amqp_basic_properties_t& p = msg.properties;
    m.body = str(msg.body);
    if (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) m.has_message_id = true, m.message_id = str(p.message_id);
    if (p._flags & AMQP_BASIC_CONTENT_TYPE_FLAG) m.content_type = str(p.content_type);
    if (p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) m.delivery_mode = p.delivery_mode;
    if (p._flags & AMQP_BASIC_HEADERS_FLAG) {
      for (int i = 0; i < p.headers.num_entries; ++i) {
        const amqp_table_entry_t& e = p.headers.entries[i];
        if (e.value.kind == AMQP_FIELD_KIND_UTF8 || e.value.kind == AMQP_FIELD_KIND_BYTES)
          m.headers[str(e.key)] = str(e.value.value.bytes);
      }
    }
    amqp_destroy_message(&msg);
    amqp_maybe_release_buffers(conn_);
    out.push_back(std::move(m));
  }
}

uint32_t AmqpReader::count(const std::string& queue) {
  const amqp_queue_declare_ok_t* ok =
      amqp_queue_declare(conn_, static_cast<amqp_channel_t>(channel_), bytes(queue), true, false, false, false,
                         amqp_empty_table);
  std::string error;
  return reply_ok("queue.declare (passive)", &error) && ok ? ok->message_count : 0;
}

bool AmqpReader::delete_queue(const std::string& queue, std::string* error) {
  amqp_queue_delete(conn_, static_cast<amqp_channel_t>(channel_), bytes(queue), false, false);
  return reply_ok(fmt::format("queue.delete `{}`", queue).c_str(), error);
}

bool AmqpReader::delete_exchange(const std::string& exchange, std::string* error) {
  amqp_exchange_delete(conn_, static_cast<amqp_channel_t>(channel_), bytes(exchange), false);
  return reply_ok(fmt::format("exchange.delete `{}`", exchange).c_str(), error);
}

}  // namespace laud::testing
