// codec.cc — encoding and decoding of customers, documents and stats (see codec.h).
#include "runtime/state/codec.h"

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

std::string encode_customer(const Customer& c) {
  std::string out;
  out += static_cast<char>(kStateFormat);
  put_bytes(out, c.id);
  put_varint(out, c.order);
  put_zigzag(out, c.first_time);
  encode_doc(out, c.traits);
  put_varint(out, c.dedup.hashes().size());
  for (uint64_t h : c.dedup.hashes()) vm::put_u64(out, h);
  put_varint(out, c.dedup.next());
  put_varint(out, c.aggregates.size());
  for (const auto& a : c.aggregates) {
    out += static_cast<char>(a ? 1 : 0);
    if (a) a->encode(out);
  }
  put_varint(out, c.instances.size());
  for (const auto& i : c.instances) {
    put_varint(out, i->seq);
    put_varint(out, i->journey);
    put_bytes(out, i->key);
    put_varint(out, i->entry);
    put_zigzag(out, i->entered_at);
    out += static_cast<char>(i->has_trigger ? 1 : 0);
    if (i->has_trigger) encode_event(out, i->trigger);
    put_bytes(out, i->vm.encode());
  }
  put_varint(out, c.entries.size());
  for (const auto& [k, e] : c.entries) {
    put_varint(out, k.first);
    put_bytes(out, k.second);
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
  }
  return out;
}

bool decode_customer(std::string_view bytes, Customer& c, std::string* error) {
  ByteReader r(bytes);
  if (r.byte() != kStateFormat) r.fail();
  c.id = r.bytes();
  c.order = r.varint();
  c.first_time = r.zigzag();
  decode_doc(r, c.traits);
  uint64_t n = r.count();
  if (n > kDedupWindow) r.fail();
  std::vector<uint64_t> ring;
  for (uint64_t k = 0; k < n && r.ok(); ++k) ring.push_back(r.u64());
  uint64_t next = r.varint();
  if (next >= kDedupWindow) r.fail();
  c.dedup.restore(std::move(ring), static_cast<uint32_t>(next));
  n = r.count();
  c.aggregates.clear();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    c.aggregates.emplace_back();
    if (r.byte()) {
      c.aggregates.back() = std::make_unique<AggState>();
      c.aggregates.back()->decode(r);
    }
  }
  n = r.count();
  c.instances.clear();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    auto i = std::make_unique<Instance>();
    i->seq = r.varint();
    i->journey = static_cast<uint32_t>(r.varint());
    i->key = r.bytes();
    i->entry = static_cast<uint32_t>(r.varint());
    i->entered_at = r.zigzag();
    i->has_trigger = r.byte() != 0;
    if (i->has_trigger) decode_event(r, i->trigger);
    std::string_view vm_bytes = r.bytes();
    if (r.ok() && !vm::InstanceState::decode(vm_bytes, i->vm)) r.fail();
    c.instances.push_back(std::move(i));
  }
  n = r.count();
  c.entries.clear();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    uint32_t j = static_cast<uint32_t>(r.varint());
    std::string key(r.bytes());
    EntryRecord e;
    e.count = static_cast<uint32_t>(r.varint());
    e.last = r.zigzag();
    c.entries[{j, std::move(key)}] = e;
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
    c.goals.push_back(std::move(g));
  }
  if (!r.ok() || !r.done()) {
    if (error) *error = "malformed customer record";
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
    for (uint64_t v : {j.entered, j.skipped_audience, j.skipped_reentry, j.skipped_limit, j.skipped_key, j.completed,
                       j.exited_step, j.runaway, j.errors, j.suppressed_cap, j.suppressed_quiet, j.no_address,
                       j.deferred})
      put_varint(out, v);
    for (uint64_t v : j.dispatched) put_varint(out, v);
    put_map(out, j.exited_by_rule);
    put_varint(out, j.goals.size());
    for (const GoalStats& g : j.goals) {
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

bool decode_stats(ByteReader& r, Stats& s) {
  for (uint64_t* v : {&s.lines, &s.blank, &s.accepted, &s.rejected, &s.ignored, &s.duplicates, &s.timers_fired,
                      &s.schedules_fired, &s.dispatched, &s.suppressed})
    *v = r.varint();
  uint64_t n = r.count();
  if (n != s.journeys.size()) return r.fail(), false;  // a state of another module
  for (JourneyStats& j : s.journeys) {
    for (uint64_t* v : {&j.entered, &j.skipped_audience, &j.skipped_reentry, &j.skipped_limit, &j.skipped_key,
                        &j.completed, &j.exited_step, &j.runaway, &j.errors, &j.suppressed_cap, &j.suppressed_quiet,
                        &j.no_address, &j.deferred})
      *v = r.varint();
    for (uint64_t& v : j.dispatched) v = r.varint();
    read_map(r, j.exited_by_rule);
    uint64_t goals = r.count();
    if (goals != j.goals.size()) return r.fail(), false;
    for (GoalStats& g : j.goals) {
      g.conversions = r.varint();
      read_map(r, g.by_variant);
    }
    uint64_t steps = r.count();
    for (uint64_t k = 0; k < steps && r.ok(); ++k) {
      StepStats& st = j.steps[std::string(r.bytes())];
      for (uint64_t* v : {&st.dispatched, &st.suppressed_cap, &st.suppressed_quiet, &st.no_address, &st.deferred})
        *v = r.varint();
    }
  }
  return r.ok();
}

}  // namespace laud::runtime
