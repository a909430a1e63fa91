// decode.cc — the input rules of §8/§13: user ids (string or integer), `type`, `event`,
// `properties`/`traits` (object or null), `timestamp` (RFC 3339; null = missing), `messageId`.
#include "runtime/ingress/decode.h"

#include "vm/text_form.h"
#include "vm/time_text.h"

namespace laud::runtime {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool is_blank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}

// A user id: a non-empty string, or an integer written in decimal. nullopt when absent or null;
// sets `bad` for a value of another kind.
std::optional<std::string> user_id(simdjson::dom::object o, std::string_view key, bool& bad) {
  element e;
  if (o.at_key(key).get(e) || e.is_null()) return std::nullopt;
  switch (e.type()) {
    case element_type::STRING: {
      std::string_view s = e.get_string();
      if (s.empty()) {
        bad = true;
        return std::nullopt;
      }
      return std::string(s);
    }
    case element_type::INT64: return std::string(vm::int_text(int64_t(e.get_int64())).view());
    case element_type::UINT64: return std::to_string(uint64_t(e.get_uint64()));
    default: bad = true; return std::nullopt;
  }
}

}  // namespace

Decoded EventDecoder::decode(std::string_view line, std::optional<int64_t> arrival_ms, Event& event,
                             std::string& reason) {
  if (is_blank(line)) return Decoded::kBlank;
  element root;
  if (auto err = parser_.parse(line.data(), line.size(), true).get(root)) {
    reason = std::string("bad JSON: ") + simdjson::error_message(err);
    return Decoded::kReject;
  }
  simdjson::dom::object o;
  if (root.get_object().get(o)) {
    reason = "not a JSON object";
    return Decoded::kReject;
  }
  std::string_view type;
  if (o["type"].get_string().get(type)) {
    reason = "`type` is missing or not a string";
    return Decoded::kReject;
  }
  bool identify = type == "identify";
  if (!identify && type != "track") return Decoded::kIgnored;

  bool bad = false;
  std::optional<std::string> id = user_id(o, "userId", bad);
  if (bad) {
    reason = "`userId` must be a non-empty string or an integer";
    return Decoded::kReject;
  }
  if (!id) id = user_id(o, "anonymousId", bad);
  if (bad) {
    reason = "`anonymousId` must be a non-empty string or an integer";
    return Decoded::kReject;
  }
  if (!id) {
    reason = "no user id (`userId` or `anonymousId`)";
    return Decoded::kReject;
  }

  event.type = identify ? EventType::kIdentify : EventType::kTrack;
  event.customer = std::move(*id);
  if (identify) {
    event.name = "$identify";
  } else {
    std::string_view name;
    if (o["event"].get_string().get(name) || name.empty()) {
      reason = "track without an event name (`event`)";
      return Decoded::kReject;
    }
    event.name = name;
  }

  const char* body_key = identify ? "traits" : "properties";
  element body;
  if (o.at_key(body_key).get(body) || body.is_null()) {
    event.properties = Doc::object();
  } else if (body.is_object()) {
    event.properties = doc_from_json(body);
  } else {
    reason = std::string("`") + body_key + "` must be an object";
    return Decoded::kReject;
  }

  element ts;
  if (o.at_key("timestamp").get(ts) || ts.is_null()) {
    if (!arrival_ms) {
      reason = "missing `timestamp` (required with --clock event)";
      return Decoded::kReject;
    }
    event.time = *arrival_ms;
  } else {
    std::string_view text;
    std::optional<int64_t> t;
    if (!ts.get_string().get(text)) t = vm::parse_rfc3339(text);
    if (!t) {
      reason = "bad `timestamp` (RFC 3339 expected)";
      return Decoded::kReject;
    }
    event.time = *t;
  }

  event.has_message_id = false;
  event.message_id.clear();
  element mid;
  if (!o.at_key("messageId").get(mid) && !mid.is_null()) {
    bool bad_mid = false;
    std::optional<std::string> m = user_id(o, "messageId", bad_mid);
    if (bad_mid || !m) {
      reason = "`messageId` must be a non-empty string or an integer";
      return Decoded::kReject;
    }
    event.has_message_id = true;
    event.message_id = std::move(*m);
  }
  return Decoded::kEvent;
}

}  // namespace laud::runtime
