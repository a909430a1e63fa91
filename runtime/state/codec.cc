// codec.cc — encoding and decoding of customers, documents and stats (see codec.h).
#include "runtime/state/codec.h"

#include <algorithm>

namespace laud::runtime {

using vm::ByteReader;
using vm::put_bytes;
using vm::put_varint;
using vm::put_zigzag;

// ---------------------------------------------------------------- documents

void encode_doc(std::string& out, const Doc& d) {
  out += static_cast<char>(d.type);
  switch (d.type) {
    case Doc::Type::kNull: break;
    case Doc::Type::kBool: out += static_cast<char>(d.b ? 1 : 0); break;
    case Doc::Type::kInt:
    case Doc::Type::kTime:
    case Doc::Type::kDuration: put_zigzag(out, d.i); break;
    case Doc::Type::kFloat: vm::put_f64(out, d.f); break;
    case Doc::Type::kString: put_bytes(out, d.s); break;
    case Doc::Type::kArray:
      put_varint(out, d.items.size());
      for (const Doc& x : d.items) encode_doc(out, x);
      break;
    case Doc::Type::kObject:
      put_varint(out, d.members.size());
      for (const Doc::Member& m : d.members) {
        put_bytes(out, m.key);
        encode_doc(out, *m.value);
      }
      break;
  }
}

bool decode_doc(ByteReader& r, Doc& d, int depth) {
  if (depth > 256) return r.fail(), false;
  uint8_t t = r.byte();
  if (t > static_cast<uint8_t>(Doc::Type::kDuration)) return r.fail(), false;
  d = Doc();
  d.type = static_cast<Doc::Type>(t);
  switch (d.type) {
    case Doc::Type::kNull: break;
    case Doc::Type::kBool: d.b = r.byte() != 0; break;
    case Doc::Type::kInt:
    case Doc::Type::kTime:
    case Doc::Type::kDuration: d.i = r.zigzag(); break;
    case Doc::Type::kFloat: d.f = r.f64(); break;
    case Doc::Type::kString: d.s = r.bytes(); break;
    case Doc::Type::kArray: {
      uint64_t n = r.count();
      d.items.resize(n);
      for (uint64_t k = 0; k < n && r.ok(); ++k) decode_doc(r, d.items[k], depth + 1);
      break;
    }
    case Doc::Type::kObject: {
      uint64_t n = r.count();
      for (uint64_t k = 0; k < n && r.ok(); ++k) {
        std::string key(r.bytes());
        Doc v;
        decode_doc(r, v, depth + 1);
        d.members.push_back({std::move(key), std::make_unique<Doc>(std::move(v))});
      }
      break;
    }
  }
  return r.ok();
}

// ---------------------------------------------------------------- customers

namespace {

void encode_event(std::string& out, const EventRoot& e) {
  put_bytes(out, e.name);
  put_zigzag(out, e.time);
  out += static_cast<char>(e.has_id ? 1 : 0);
  put_bytes(out, e.id);
  encode_doc(out, e.props);
}

void decode_event(ByteReader& r, EventRoot& e) {
  e.name = r.bytes();
  e.time = r.zigzag();
  e.has_id = r.byte() != 0;
  e.id = r.bytes();
  decode_doc(r, e.props);
}

}  // namespace

std::string encode_traits(const Doc& traits) {
  std::string out;
  encode_traits_to(out, traits);
  return out;
}

void encode_traits_to(std::string& out, const Doc& traits) {
  out += static_cast<char>(kStateFormat);
  encode_doc(out, traits);
}

void encode_aggregates_to(std::string& out, const Customer& c, const CodecContext& cx) {
  out += static_cast<char>(kStateFormat);
  size_t aggs = 0;
  for (const auto& a : c.aggregates) aggs += a ? 1 : 0;
  put_varint(out, aggs);
  for (uint32_t slot = 0; slot < c.aggregates.size(); ++slot) {
    if (!c.aggregates[slot]) continue;
    vm::put_u64(out, cx.slot_signature(slot));
    c.aggregates[slot]->encode(out);
  }
}

bool decode_aggregates(std::string_view bytes, Customer& c, const CodecContext& cx, bool* dropped, std::string* error) {
  ByteReader r(bytes);
  if (r.byte() != kStateFormat) r.fail();
  uint64_t n = r.count();
  c.aggregates.clear();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    uint32_t slot = cx.slot(r.u64());
    auto st = std::make_unique<AggState>();
    st->decode(r);
    if (!r.ok()) break;
    if (slot == 0xFFFFFFFF) {  // an aggregate no loaded version keeps
      if (dropped) *dropped = true;
      continue;
    }
    if (c.aggregates.size() <= slot) c.aggregates.resize(slot + 1);
    c.aggregates[slot] = std::move(st);
  }
  if (!r.ok() || !r.done()) {
    c.aggregates.clear();
    if (error) *error = "malformed aggregates record";
    return false;
  }
  return true;
}

bool decode_traits(std::string_view bytes, Doc& traits, std::string* error) {
  ByteReader r(bytes);
  if (r.byte() != kStateFormat) r.fail();
  Doc d;
  if (r.ok()) decode_doc(r, d);
  if (!r.ok() || !r.done() || !d.is_object()) {
    if (error) *error = "malformed traits record";
    return false;
  }
  traits = std::move(d);
  return true;
}

std::string encode_customer(const Customer& c, const CodecContext& cx) {
  std::string out;
  encode_customer_to(out, c, cx);
  return out;
}

void prefetch_for_checkpoint(const Customer& c, int stage) {
  auto lines = [](const void* p, size_t bytes) {
    for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch(static_cast<const char*>(p) + off);
  };
  switch (stage) {
    case 0:
      lines(&c, sizeof(Customer));
      break;
    case 1:
      lines(c.instances.data(), c.instances.size() * sizeof(c.instances[0]));
      lines(c.dedup.hashes().data(), std::min<size_t>(c.dedup.hashes().size() * 8, 256));
      __builtin_prefetch(c.sent.data());
      __builtin_prefetch(c.goals.data());
      if (c.entries.size()) __builtin_prefetch(&*c.entries.begin());
      if (c.aggregates_dirty) lines(c.aggregates.data(), c.aggregates.size() * sizeof(c.aggregates[0]));
      if (c.traits_dirty) lines(c.traits.members.data(), c.traits.members.size() * sizeof(Doc::Member));
      break;
    case 2:
      for (const auto& i : c.instances) lines(i.get(), sizeof(Instance));
      if (c.aggregates_dirty)
        for (const auto& a : c.aggregates) __builtin_prefetch(a.get());
      if (c.traits_dirty)
        for (const Doc::Member& m : c.traits.members) __builtin_prefetch(m.value.get());
      break;
    case 3:
      for (const auto& i : c.instances) {
        __builtin_prefetch(i->vm.locals.data());
        __builtin_prefetch(i->trigger.get());
      }
      if (c.aggregates_dirty)
        for (const auto& a : c.aggregates)
          if (a) a->prefetch();
      break;
    default:  // the kept events' property members and the goal windows' arrays
      for (const auto& i : c.instances)
        if (i->trigger) lines(i->trigger->props.members.data(), i->trigger->props.members.size() * sizeof(Doc::Member));
      for (const GoalWindow& g : c.goals) {
        __builtin_prefetch(g.converted.data());
        __builtin_prefetch(g.arms.data());
        __builtin_prefetch(g.trigger.get());
      }
      break;
  }
}

void encode_customer_to(std::string& out, const Customer& c, const CodecContext& cx) {
  thread_local std::string instance;  // an instance's VM state, before its length prefix
  out += static_cast<char>(kStateFormat);
  put_bytes(out, c.id);
  put_varint(out, c.order);
  put_zigzag(out, c.first_time);
  put_varint(out, c.dedup.hashes().size());
  for (uint64_t h : c.dedup.hashes()) vm::put_u64(out, h);
  put_varint(out, c.dedup.next());
  put_varint(out, c.instances.size());
  for (const auto& i : c.instances) {
    put_varint(out, i->seq);
    vm::put_u64(out, i->vm.module_hash);
    put_varint(out, i->journey);
    put_bytes(out, i->key.view());
    put_varint(out, i->entry);
    put_zigzag(out, i->entered_at);
    out += static_cast<char>(i->trigger ? 1 : 0);
    if (i->trigger) encode_event(out, *i->trigger);
    instance.clear();
    i->vm.encode_to(instance);
    put_bytes(out, instance);
  }
  put_varint(out, c.entries.size());
  for (const EntryRecord& e : c.entries) {
    put_bytes(out, cx.journey_name(e.journey));
    put_bytes(out, e.key.view());
    put_varint(out, e.count);
    put_zigzag(out, e.last);
  }
  put_varint(out, c.sent.size());
  for (const SentTime& s : c.sent) {
    out += static_cast<char>(s.channel);
    put_zigzag(out, s.time);
  }
  put_varint(out, c.goals.size());
  for (const GoalWindow& g : c.goals) {
    vm::put_u64(out, g.version->hash());
    put_varint(out, g.journey);
    put_varint(out, g.instance);
    put_zigzag(out, g.entered_at);
    put_zigzag(out, g.deadline);
    put_bytes(out, std::string_view(reinterpret_cast<const char*>(g.converted.data()), g.converted.size()));
    put_varint(out, g.arms.size());
    for (auto [s, a] : g.arms) {
      put_varint(out, s);
      put_varint(out, a);
    }
    out += static_cast<char>(g.trigger ? 1 : 0);
    if (g.trigger) encode_event(out, *g.trigger);
  }
}

bool decode_customer(std::string_view bytes, Customer& c, const CodecContext& cx, std::string* error) {
  ByteReader r(bytes);
  if (r.byte() != kStateFormat) r.fail();
  c.id = r.bytes();
  c.order = r.varint();
  c.first_time = r.zigzag();
  uint64_t n = r.count();
  if (n > kDedupWindow) r.fail();
  std::vector<uint64_t> ring;
  for (uint64_t k = 0; k < n && r.ok(); ++k) ring.push_back(r.u64());
  uint64_t next = r.varint();
  if (next >= kDedupWindow) r.fail();
  c.dedup.restore(std::move(ring), static_cast<uint32_t>(next));
  n = r.count();
  c.instances.clear();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    auto i = std::make_unique<Instance>();
    i->seq = r.varint();
    uint64_t hash = r.u64();
    i->version = r.ok() ? cx.version(hash) : nullptr;
    i->journey = static_cast<uint32_t>(r.varint());
    if (!i->version || i->journey >= i->version->journey_id.size()) {
      r.fail();
      if (error && r.ok() == false && !i->version) *error = "an instance of a module version the state does not hold";
      break;
    }
    i->jid = i->version->journey_id[i->journey];
    i->key.assign(r.bytes());
    i->entry = static_cast<uint32_t>(r.varint());
    i->entered_at = r.zigzag();
    if (r.byte() != 0) {
      i->trigger = std::make_unique<EventRoot>();
      decode_event(r, *i->trigger);
    }
    std::string_view vm_bytes = r.bytes();
    if (r.ok() && (!vm::InstanceState::decode(vm_bytes, i->vm) || i->vm.module_hash != hash)) r.fail();
    c.instances.push_back(std::move(i));
  }
  n = r.count();
  c.entries.clear();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    uint32_t j = cx.journey_id(r.bytes());
    EntryRecord& e = c.entries.get(j, r.bytes());
    e.count = static_cast<uint32_t>(r.varint());
    e.last = r.zigzag();
  }
  n = r.count();
  c.sent.clear();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    SentTime s;
    s.channel = r.byte();
    s.time = r.zigzag();
    c.sent.push_back(s);
  }
  n = r.count();
  c.goals.clear();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    GoalWindow g;
    g.version = cx.version(r.u64());
    g.journey = static_cast<uint32_t>(r.varint());
    g.instance = r.varint();
    g.entered_at = r.zigzag();
    g.deadline = r.zigzag();
    std::string_view conv = r.bytes();
    g.converted.assign(conv.begin(), conv.end());
    uint64_t arms = r.count();
    for (uint64_t a = 0; a < arms && r.ok(); ++a) {
      uint32_t s = static_cast<uint32_t>(r.varint());
      uint32_t arm = static_cast<uint32_t>(r.varint());
      g.arms.emplace_back(s, arm);
    }
    if (r.byte() != 0) {
      g.trigger = std::make_unique<EventRoot>();
      decode_event(r, *g.trigger);
    }
    if (g.version && g.journey < g.version->journey_id.size()) c.goals.push_back(std::move(g));
  }
  if (!r.ok() || !r.done()) {
    if (error && error->empty()) *error = "malformed customer record";
    return false;
  }
  return true;
}

// ---------------------------------------------------------------- stats

namespace {

template <typename Map>
void put_map(std::string& out, const Map& m) {
  put_varint(out, m.size());
  for (const auto& [k, v] : m) {
    put_bytes(out, k);
    put_varint(out, v);
  }
}

template <typename Map>
void read_map(ByteReader& r, Map& m) {
  uint64_t n = r.count();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    std::string key(r.bytes());
    m[key] = r.varint();
  }
}

}  // namespace

void encode_stats(std::string& out, const Stats& s) {
  for (uint64_t v : {s.lines, s.blank, s.accepted, s.rejected, s.ignored, s.duplicates, s.timers_fired,
                     s.schedules_fired, s.dispatched, s.suppressed})
    put_varint(out, v);
  put_varint(out, s.journeys.size());
  for (const JourneyStats& j : s.journeys) {
    put_bytes(out, j.name);
    for (uint64_t v : {j.entered, j.skipped_audience, j.skipped_reentry, j.skipped_limit, j.skipped_key, j.completed,
                       j.exited_step, j.runaway, j.errors, j.suppressed_cap, j.suppressed_quiet, j.no_address,
                       j.deferred})
      put_varint(out, v);
    for (uint64_t v : j.dispatched) put_varint(out, v);
    put_map(out, j.exited_by_rule);
    put_varint(out, j.goals.size());
    for (const GoalStats& g : j.goals) {
      put_bytes(out, g.event);
      put_varint(out, g.conversions);
      put_map(out, g.by_variant);
    }
    put_varint(out, j.steps.size());
    for (const auto& [name, st] : j.steps) {
      put_bytes(out, name);
      for (uint64_t v : {st.dispatched, st.suppressed_cap, st.suppressed_quiet, st.no_address, st.deferred})
        put_varint(out, v);
    }
  }
}

bool decode_stats(ByteReader& r, Stats& s, const std::function<uint32_t(std::string_view)>& journey_id) {
  for (uint64_t* v : {&s.lines, &s.blank, &s.accepted, &s.rejected, &s.ignored, &s.duplicates, &s.timers_fired,
                      &s.schedules_fired, &s.dispatched, &s.suppressed})
    *v = r.varint();
  uint64_t n = r.count();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    uint32_t id = journey_id(r.bytes());
    if (!r.ok() || id >= s.journeys.size()) return r.fail(), false;
    JourneyStats& j = s.journeys[id];
    for (uint64_t* v : {&j.entered, &j.skipped_audience, &j.skipped_reentry, &j.skipped_limit, &j.skipped_key,
                        &j.completed, &j.exited_step, &j.runaway, &j.errors, &j.suppressed_cap, &j.suppressed_quiet,
                        &j.no_address, &j.deferred})
      *v = r.varint();
    for (uint64_t& v : j.dispatched) v = r.varint();
    read_map(r, j.exited_by_rule);
    uint64_t goals = r.count();
    for (uint64_t g = 0; g < goals && r.ok(); ++g) {
      std::string event(r.bytes());
      uint64_t conversions = r.varint();
      std::map<std::string, uint64_t> by_variant;
      read_map(r, by_variant);
      // Counts carry over for a goal the current definition still has at that place.
      if (g < j.goals.size() && j.goals[g].event == event) {
        j.goals[g].conversions = conversions;
        j.goals[g].by_variant = std::move(by_variant);
      }
    }
    uint64_t steps = r.count();
    for (uint64_t k2 = 0; k2 < steps && r.ok(); ++k2) {
      StepStats& st = j.steps[std::string(r.bytes())];
      for (uint64_t* v : {&st.dispatched, &st.suppressed_cap, &st.suppressed_quiet, &st.no_address, &st.deferred})
        *v = r.varint();
    }
  }
  return r.ok();
}

}  // namespace laud::runtime
