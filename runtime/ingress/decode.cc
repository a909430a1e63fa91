// decode.cc — the input rules of §8/§13: user ids (string or integer), `type`, `event`,
// `properties`/`traits` (object or null), `timestamp` (RFC 3339; null = missing), `messageId`.
#include "runtime/ingress/decode.h"

#include <cmath>

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

// A user id: a non-empty string, or an integer written in decimal (an integral float too), written
// into `out` (whose buffer is reused). False when absent or null; sets `bad` for another kind.
bool read_id(const element* e, std::string& out, bool& bad) {
  if (!e || e->is_null()) return false;
  switch (e->type()) {
    case element_type::STRING: {
      std::string_view s = e->get_string();
      if (s.empty()) {
        bad = true;
        return false;
      }
      out.assign(s);
      return true;
    }
    case element_type::INT64: out.assign(vm::int_text(int64_t(e->get_int64())).view()); return true;
    case element_type::UINT64: out.assign(std::to_string(uint64_t(e->get_uint64()))); return true;
    case element_type::DOUBLE: {
      // JSON has one number type: an integral value in the int64 range is an integer (`2.0`, `1e3`).
      double d = e->get_double();
      if (std::trunc(d) == d && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
        out.assign(vm::int_text(static_cast<int64_t>(d)).view());
        return true;
      }
      bad = true;
      return false;
    }
    default: bad = true; return false;
  }
}

// The top-level members the decoder reads; a repeated key counts by its last occurrence (as
// JSON.parse, and as properties and traits do).
struct Fields {
  std::optional<element> type, user_id, anonymous_id, event, properties, traits, timestamp, message_id;
  explicit Fields(simdjson::dom::object o) {
    for (auto [key, value] : o) {
      if (key == "type") type = value;
      else if (key == "userId") user_id = value;
      else if (key == "anonymousId") anonymous_id = value;
      else if (key == "event") event = value;
      else if (key == "properties") properties = value;
      else if (key == "traits") traits = value;
      else if (key == "timestamp") timestamp = value;
      else if (key == "messageId") message_id = value;
    }
  }
};

const element* ptr(const std::optional<element>& e) { return e ? &*e : nullptr; }

// simdjson refuses integer literals beyond 64 bits; JSON numbers are doubles (§3), so such a
// literal is rewritten as a float (`…0` → `…0.0`) and the line parsed again. Returns false when
// the line has no such literal (the number error was something else: out of the double range).
bool widen_big_integers(std::string_view line, std::string& out) {
  out.clear();
  bool in_string = false, changed = false;
  for (size_t i = 0; i < line.size();) {
    char ch = line[i];
    if (in_string) {
      out += ch;
      if (ch == '\\' && i + 1 < line.size()) out += line[++i];
      else if (ch == '"') in_string = false;
      ++i;
      continue;
    }
    if (ch == '"') {
      in_string = true;
      out += ch;
      ++i;
      continue;
    }
    if (ch == '-' || (ch >= '0' && ch <= '9')) {
      size_t j = i + (ch == '-');
      size_t digits = 0;
      while (j < line.size() && line[j] >= '0' && line[j] <= '9') ++j, ++digits;
      bool integer = j >= line.size() || (line[j] != '.' && line[j] != 'e' && line[j] != 'E');
      out.append(line.substr(i, j - i));
      if (integer && digits > 19) {
        out += ".0";
        changed = true;
      }
      i = j;
      continue;
    }
    out += ch;
    ++i;
  }
  return changed;
}

}  // namespace

Decoded EventDecoder::decode(std::string_view line, std::optional<int64_t> arrival_ms, Event& event,
                             std::string& reason) {
  if (is_blank(line)) return Decoded::kBlank;
  element root;
  auto err = parser_.parse(line.data(), line.size(), true).get(root);
  if (err == simdjson::NUMBER_ERROR && widen_big_integers(line, widened_))
    err = parser_.parse(widened_.data(), widened_.size(), true).get(root);
  if (err) {
    reason = std::string("bad JSON: ") + simdjson::error_message(err);
    return Decoded::kReject;
  }
  simdjson::dom::object o;
  if (root.get_object().get(o)) {
    reason = "not a JSON object";
    return Decoded::kReject;
  }
  Fields f(o);
  std::string_view type;
  if (!f.type || f.type->get_string().get(type)) {
    reason = "`type` is missing or not a string";
    return Decoded::kReject;
  }
  bool identify = type == "identify";
  if (!identify && type != "track") return Decoded::kIgnored;

  bool bad = false;
  bool has_id = read_id(ptr(f.user_id), event.customer, bad);
  if (bad) {
    reason = "`userId` must be a non-empty string or an integer";
    return Decoded::kReject;
  }
  if (!has_id) has_id = read_id(ptr(f.anonymous_id), event.customer, bad);
  if (bad) {
    reason = "`anonymousId` must be a non-empty string or an integer";
    return Decoded::kReject;
  }
  if (!has_id) {
    reason = "no user id (`userId` or `anonymousId`)";
    return Decoded::kReject;
  }

  event.type = identify ? EventType::kIdentify : EventType::kTrack;
  if (identify) {
    event.name = "$identify";
  } else {
    std::string_view name;
    if (!f.event || f.event->get_string().get(name) || name.empty()) {
      reason = "track without an event name (`event`)";
      return Decoded::kReject;
    }
    event.name.assign(name);
  }

  const char* body_key = identify ? "traits" : "properties";
  const std::optional<element>& body = identify ? f.traits : f.properties;
  if (!body || body->is_null()) {
    event.properties.type = Doc::Type::kObject;
    event.properties.members.clear();  // the nodes go; an event without properties is rare
  } else if (body->is_object()) {
    fill_doc_from_json(event.properties, *body);
  } else {
    reason = std::string("`") + body_key + "` must be an object";
    return Decoded::kReject;
  }

  if (!f.timestamp || f.timestamp->is_null()) {
    if (!arrival_ms) {
      reason = "missing `timestamp` (required with --clock event)";
      return Decoded::kReject;
    }
    event.time = *arrival_ms;
  } else {
    std::string_view text;
    std::optional<int64_t> t;
    if (!f.timestamp->get_string().get(text)) t = vm::parse_rfc3339(text);
    if (!t) {
      reason = "bad `timestamp` (RFC 3339 expected)";
      return Decoded::kReject;
    }
    event.time = *t;
  }

  event.has_message_id = false;
  event.message_id.clear();
  if (f.message_id && !f.message_id->is_null()) {
    bool bad_mid = false;
    if (!read_id(ptr(f.message_id), event.message_id, bad_mid) || bad_mid) {
      reason = "`messageId` must be a non-empty string or an integer";
      return Decoded::kReject;
    }
    event.has_message_id = true;
  }
  return Decoded::kEvent;
}

}  // namespace laud::runtime
