// engine_send.cc — the `send` builtin's policy and bookkeeping: the address (a channel's default
// or `to`), quiet hours (defer or skip), frequency caps across journeys, the dispatch record, and
// the `$sent` event that enters the customer's history.
#include <fmt/format.h>

#include "runtime/dispatch/record.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/engine_host.h"
#include "vm/local_time.h"
#include "vm/text_form.h"

namespace laud::runtime {

namespace {

std::string_view default_address_trait(vm::Channel c) {
  switch (c) {
    case vm::Channel::kEmail: return "email";
    case vm::Channel::kSms: return "phone";
    default: return {};
  }
}

}  // namespace

vm::SendResult Engine::send(const vm::SendRequest& req) {
  Customer* c = ctx_.customer;
  Instance* inst = ctx_.instance;
  if (!c || !inst || !req.desc) return {};
  const vm::SendDesc& s = *req.desc;
  ModuleVersion& v = *inst->version;
  const vm::JourneyDesc& j = v.module->journeys[inst->journey];
  JourneyStats& js = stats_.journeys[inst->jid];
  StepStats& step = js.steps.try_emplace(s.step).first->second;

  // The address: `to`, else the channel's default; null (or an object, which has no text) skips.
  vm::Value to = req.to;
  if (!s.has_to) {
    if (std::string_view trait = default_address_trait(s.channel); !trait.empty()) {
      const Doc* d = c->traits.find(trait);
      to = d ? doc_value(*d, v.interp->arena()) : vm::Value();
    } else {
      to = vm::Value::string(c->id);  // push, in_app: the customer id
    }
  }
  if (!vm::has_text(to)) {
    ++js.no_address;
    ++step.no_address;
    ++stats_.suppressed;
    return {};
  }

  // Quiet hours: the journey's own, else the policy's. A resumed deferred send is not deferred again.
  const vm::QuietDesc& q = j.quiet.present ? j.quiet : v.module->policy_quiet;
  if (q.present && !req.resumed) {
    std::string_view zone;  // valid until the next call into the interpreter
    if (q.tz_fn != vm::kNone) {
      vm::Value z = v.interp->call(q.tz_fn, *host_);
      if (z.kind == vm::Kind::kString) zone = z.str();
    }
    int64_t end = vm::quiet_end(now_, q.start_minutes, q.end_minutes, zone);
    if (end >= 0) {
      if (q.skip) {
        ++js.suppressed_quiet;
        ++step.suppressed_quiet;
        ++stats_.suppressed;
        return {};
      }
      ++js.deferred;
      ++step.deferred;
      return {vm::SendOutcome::kDeferred, end};
    }
  }

  // Frequency caps: the customer's dispatched sends on this channel in (now − D, now].
  uint8_t ch = static_cast<uint8_t>(s.channel);
  for (const vm::CapDesc& cap : v.module->caps) {
    if (cap.channel != s.channel) continue;
    int64_t n = 0;
    for (const SentTime& t : c->sent)
      if (t.channel == ch && t.time > now_ - cap.window_ms && t.time <= now_) ++n;
    if (n >= cap.count) {
      ++js.suppressed_cap;
      ++step.suppressed_cap;
      ++stats_.suppressed;
      return {};
    }
  }

  DispatchRecord rec;
  rec.journey = j.name;
  rec.send = &s;
  rec.customer = c->id;
  rec.key = inst->key.view();
  rec.entry = inst->entry;
  rec.occurrence = req.occurrence;
  rec.to = to;
  rec.with = req.with;
  rec.time = now_;
  line_buffer_.clear();
  append_dispatch_json(line_buffer_, rec);
  dispatches_.write_record(rec, line_buffer_);
  ++stats_.dispatched;
  ++js.dispatched[ch];
  ++step.dispatched;

  if (uint32_t depth = v.index->cap_depth(s.channel); depth > 0) {
    c->sent.push_back({now_, ch});
    // Keep the newest `depth` times of this channel.
    uint32_t seen = 0;
    for (size_t k = c->sent.size(); k-- > 0;) {
      if (c->sent[k].channel != ch) continue;
      if (++seen > depth) {
        c->sent.erase(c->sent.begin() + static_cast<std::ptrdiff_t>(k));
        break;
      }
    }
  }
  record_sent(*c, s, j.name);
  return {};
}

void Engine::record_sent(Customer& c, const vm::SendDesc& s, std::string_view journey) {
  const EventRoutes* routes = index_.routes("$sent");
  if ((!routes || routes->aggregates.empty()) && extra_slots_.empty()) return;  // nothing counts dispatches
  EventRoot sent;
  sent.name = "$sent";
  sent.time = now_;
  sent.props.put("journey", Doc::string(journey));
  sent.props.put("step", Doc::string(s.step));
  sent.props.put("channel", Doc::string(vm::channel_name(s.channel)));
  sent.props.put("template", Doc::string(s.template_name));
  record_history(c, sent, routes);
}

}  // namespace laud::runtime
