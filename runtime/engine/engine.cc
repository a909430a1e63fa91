// engine.cc — the per-event order of §9: timers, dedup, traits and history, exit rules,
// `wait up to` resumptions, entries (`on E`, `on enter`, schedules) and the instances' runs.
#include "runtime/engine/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "runtime/audience/profile.h"
#include "runtime/engine/engine_host.h"
#include "vm/text_form.h"

namespace laud::runtime {

class Engine::Scope {
 public:
  Scope(Engine& e, Context c) : e_(e), saved_(e.ctx_) { e.ctx_ = c; }
  ~Scope() { e_.ctx_ = saved_; }

 private:
  Engine& e_;
  Context saved_;
};

Engine::Engine(const vm::Module& module, LineSink& dispatches, LineSink* rejects, EngineOptions options)
    : module_(module),
      index_(module),
      dispatches_(dispatches),
      rejects_(rejects),
      options_(std::move(options)),
      host_(std::make_unique<EngineHost>(*this)),
      interp_(module) {
  auto v = std::make_unique<ModuleVersion>();
  v->module = &module_;
  v->index = &index_;
  v->interp = &interp_;
  current_ = v.get();
  versions_.push_back(std::move(v));
  for (uint32_t a = 0; a < module.aggregates.size(); ++a)
    slots_.push_back({&module.aggregates[a], current_, aggregate_signature(module, a)});
  map_version(*current_);
  limit_windows_.resize(module.journeys.size());
  tried_.assign(module.journeys.size(), 0);
  before_.assign(index_.enter_segments().size(), 0);
  after_.assign(index_.enter_segments().size(), 0);
  taken_.assign(index_.enter_segments().size(), 0);
  for (const ScheduleRef& s : index_.schedules()) {
    const vm::TriggerDesc& t = module.journeys[s.journey].triggers[s.trigger];
    schedule_next_.push_back(t.at_ms);
    timers_.push(Timer::schedule(t.at_ms, s.order, static_cast<uint32_t>(schedule_next_.size() - 1)));
  }
  if (options_.clock == ClockMode::kWall && !options_.wall_now) {
    options_.wall_now = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    };
  }
}

Engine::~Engine() = default;

uint32_t Engine::journey_id(std::string_view name) {
  for (uint32_t j = 0; j < stats_.journeys.size(); ++j)
    if (stats_.journeys[j].name == name) return j;
  stats_.journeys.emplace_back().name = name;
  limit_windows_.resize(stats_.journeys.size());
  return static_cast<uint32_t>(stats_.journeys.size() - 1);
}

void Engine::map_version(ModuleVersion& v) {
  const vm::Module& m = *v.module;
  v.journey_id.clear();
  for (const vm::JourneyDesc& j : m.journeys) {
    uint32_t id = journey_id(j.name);
    v.journey_id.push_back(id);
    auto& goals = stats_.journeys[id].goals;
    if (goals.empty())
      for (const vm::GoalDesc& g : j.goals) goals.emplace_back().event = g.event;
  }
  v.agg_slot.clear();
  for (uint32_t a = 0; a < m.aggregates.size(); ++a) {
    uint64_t sig = aggregate_signature(m, a);
    uint32_t slot = vm::kNone;
    for (uint32_t k = 0; k < slots_.size() && slot == vm::kNone; ++k)
      if (slots_[k].signature == sig && slots_[k].desc->event == m.aggregates[a].event) slot = k;
    if (slot == vm::kNone) {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.push_back({&m.aggregates[a], &v, sig});
      extra_slots_.push_back(slot);
    }
    v.agg_slot.push_back(slot);
  }
}

ModuleVersion& Engine::add_old_version(std::unique_ptr<vm::Module> m) {
  auto v = std::make_unique<ModuleVersion>();
  v->owned = std::move(m);
  v->module = v->owned.get();
  v->owned_index = std::make_unique<EventIndex>(*v->module);
  v->index = v->owned_index.get();
  v->owned_interp = std::make_unique<vm::Interpreter>(*v->module);
  v->interp = v->owned_interp.get();
  map_version(*v);
  versions_.push_back(std::move(v));
  return *versions_.back();
}

size_t Engine::live_instances() const {
  size_t n = 0;
  for (const Customer* c : by_order_) n += c->instances.size();
  return n;
}

// ---------------------------------------------------------------- input

void Engine::process_line(std::string_view line, uint64_t line_number) {
  ++stats_.lines;
  std::optional<int64_t> arrival;
  if (options_.clock == ClockMode::kWall) arrival = options_.wall_now();
  std::string reason;
  switch (decoder_.decode(line, arrival, scratch_event_, reason)) {
    case Decoded::kBlank: ++stats_.blank; return;
    case Decoded::kIgnored: ++stats_.ignored; return;
    case Decoded::kReject: {
      ++stats_.rejected;
      if (rejects_) {
        line_buffer_.clear();
        fmt::format_to(std::back_inserter(line_buffer_), "{{\"line\":{},\"reason\":", line_number);
        vm::append_json_string(line_buffer_, reason);
        line_buffer_ += ",\"input\":";
        vm::append_json_string(line_buffer_, line);
        line_buffer_ += '}';
        rejects_->write(line_buffer_);
      }
      return;
    }
    case Decoded::kEvent: process_event(scratch_event_); return;
  }
}

Customer& Engine::customer(const std::string& id, int64_t time) {
  bool fresh = false;
  Customer& c = customers_.find_or_add(id, fresh);
  if (fresh) {
    c.order = by_order_.size();
    by_order_.push_back(&c);
  }
  c.first_time = std::min(c.first_time, time);
  return c;
}

// The customer's profile values, aggregate states and instances are scattered on the heap and
// about to be read; asking for all of them at once overlaps the cache misses instead of taking
// them one after another as the code reaches each.
void Engine::prefetch_customer(const Customer& c) {
  for (const Doc::Member& m : c.traits.members) __builtin_prefetch(m.value.get());
  for (const auto& a : c.aggregates) __builtin_prefetch(a.get());
  for (const auto& i : c.instances) __builtin_prefetch(i.get());
}

// ---------------------------------------------------------------- the clock and timers

void Engine::advance_to(int64_t t) { now_ = std::max(now_, t); }

void Engine::fire_timers_through(int64_t t) {
  while (!timers_.empty() && timers_.top().due <= t) {
    Timer tm = timers_.top();
    timers_.pop();
    // The next timer is known now: its instance and customer load while this one runs (reading
    // the slot for their addresses may wait; the two misses behind it overlap with the work).
    if (!timers_.empty() && !timers_.top().is_schedule()) {
      const TimerSlot& next = timer_slots_[timers_.top().token];
      __builtin_prefetch(&next);
      __builtin_prefetch(next.instance);
      __builtin_prefetch(next.customer);
    }
    advance_to(tm.due);
    if (tm.is_schedule()) {
      fire_schedule(tm);
    } else {
      if (!timer_live(tm)) {
        if (stale_timers_ > 0) --stale_timers_;
      } else {
        Customer& c = *timer_slots_[tm.token].customer;
        Instance& inst = *timer_slots_[tm.token].instance;
        ++stats_.timers_fired;
        mark_dirty(c);
        release_slot(inst);
        run(c, inst, vm::Resume{vm::Resume::kTimer, 0}, nullptr);
      }
    }
    graveyard_.clear();
  }
}

void Engine::fire_schedule(const Timer& tm) {
  const ScheduleRef& s = index_.schedules()[tm.token];
  const vm::TriggerDesc& t = module_.journeys[s.journey].triggers[s.trigger];
  ++stats_.schedules_fired;
  // Known customers (an accepted event before the due time), in order of first appearance.
  // Customers that appear while the schedule runs are not in the list yet: none can, no input is read.
  // The order is known ahead: fetch customer k+16 and the data of customer k+8 while k runs.
  for (size_t k = 0; k < by_order_.size(); ++k) {
    if (k + 16 < by_order_.size()) __builtin_prefetch(by_order_[k + 16]);
    if (k + 8 < by_order_.size()) prefetch_customer(*by_order_[k + 8]);
    Customer& c = *by_order_[k];
    if (c.first_time < tm.due) try_enter(c, s.journey, nullptr);
    graveyard_.clear();
  }
  int64_t next = INT64_MAX;
  if (t.kind == vm::TriggerKind::kScheduleEvery && t.every_ms > 0 && !__builtin_add_overflow(tm.due, t.every_ms, &next))
    timers_.push(Timer::schedule(next, tm.order(), tm.token));
  schedule_next_[tm.token] = next;
}

void Engine::set_timer(Customer& c, Instance& inst) {
  if (inst.timer_token != 0) drop_timer(inst);
  uint32_t slot = free_slot_;
  if (slot != UINT32_MAX) {
    free_slot_ = timer_slots_[slot].next_free;
  } else {
    slot = static_cast<uint32_t>(timer_slots_.size());
    timer_slots_.emplace_back();
  }
  TimerSlot& ts = timer_slots_[slot];
  ts.customer = &c;
  ts.instance = &inst;
  inst.timer_token = uint64_t{slot} + 1;
  timers_.push(Timer::instance(inst.vm.wait.until, inst.seq, slot, ts.gen));
}

void Engine::release_slot(Instance& inst) {
  uint32_t slot = static_cast<uint32_t>(inst.timer_token - 1);
  inst.timer_token = 0;
  TimerSlot& ts = timer_slots_[slot];
  ++ts.gen;
  ts.customer = nullptr;
  ts.instance = nullptr;
  ts.next_free = free_slot_;
  free_slot_ = slot;
}

// A timer entry that will never fire stays in the heap until its due time; when such entries
// are the majority, the heap is rebuilt without them (memory stays proportional to live timers).
void Engine::drop_timer(Instance& inst) {
  if (inst.timer_token == 0) return;
  release_slot(inst);
  if (++stale_timers_ < 4096 || stale_timers_ * 2 < timers_.size()) return;
  std::vector<Timer> live;
  live.reserve(timers_.size() - stale_timers_);
  while (!timers_.empty()) {
    if (timer_live(timers_.top())) live.push_back(timers_.top());
    timers_.pop();
  }
  timers_ = decltype(timers_)(std::greater<Timer>(), std::move(live));
  stale_timers_ = 0;
}

// ---------------------------------------------------------------- one event

void Engine::process_event(Event& ev) {
  if (options_.clock == ClockMode::kEvent) {
    fire_timers_through(ev.time);
    clock_ = std::max(clock_, ev.time);
    advance_to(clock_);
  } else {
    int64_t wall = options_.wall_now();
    fire_timers_through(wall);
    advance_to(wall);
    clock_ = std::max(clock_, ev.time);
  }
  ++stats_.accepted;
  Customer& c = customer(ev.customer, ev.time);
  prefetch_customer(c);
  mark_dirty(c);

  // 1. messageId dedup; identify merges traits; the event enters the history.
  if (ev.has_message_id && c.dedup.seen_or_add(ev.message_id)) {
    ++stats_.duplicates;
    return;
  }
  // The event as the VM sees it; its string buffers are reused from event to event.
  EventRoot& root = root_;
  root.name.assign(ev.name);
  root.time = ev.time;
  root.has_id = ev.has_message_id;
  root.id.assign(ev.message_id);
  // Swapped, not moved: the next event is decoded into this one's tree, reusing its nodes.
  std::swap(root.props, ev.properties);

  // `on enter` memberships before the event are taken lazily, right before the first change to
  // what a segment can read (traits, aggregates): segments read nothing else, and the clock stands
  // still during the event, so an event that changes neither cannot flip a membership (step 5).
  flips_customer_ = index_.enter_segments().empty() ? nullptr : &c;
  any_taken_ = false;
  if (ev.type == EventType::kIdentify) {
    before_change(c, index_.enter_readers_of_traits());
    merge_traits(c.traits, root.props);
    c.traits_dirty = true;
  }
  const EventRoutes* routes = index_.routes(root.name);
  record_history(c, root, routes);

  // 2. exit rules (and goals); 3. `wait up to` branches; 4. `on E` entries; 5. `on enter`.
  if (!c.goals.empty()) check_goals(c, root);
  check_exits(c, root, routes);
  if ((routes && routes->wait_branches) || versions_.size() > 1) resume_waiting(c, root);
  std::fill(tried_.begin(), tried_.end(), 0);
  if (routes && !routes->entries.empty()) try_entries(c, root, routes);
  if (any_taken_) enter_segment_flips(c, root);
  flips_customer_ = nullptr;
  graveyard_.clear();
}

void Engine::finish() {
  if (!options_.until) return;
  int64_t until = *options_.until;
  if (options_.clock == ClockMode::kWall) {
    // Real time: sleep until each timer is due, up to --until.
    while (!timers_.empty() && timers_.top().due <= until) {
      int64_t wait = timers_.top().due - options_.wall_now();
      if (wait > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait));
      fire_timers_through(std::min(options_.wall_now(), until));  // never past --until
    }
    return;
  }
  fire_timers_through(until);
  advance_to(until);
}

bool Engine::timers_due() const {
  return options_.clock == ClockMode::kWall && !timers_.empty() && timers_.top().due <= options_.wall_now();
}

int64_t Engine::wall_ms_to_next_timer() const {
  if (options_.clock != ClockMode::kWall || timers_.empty()) return -1;
  return std::max<int64_t>(0, timers_.top().due - options_.wall_now());
}

void Engine::tick() {
  if (options_.clock != ClockMode::kWall) return;
  int64_t wall = options_.wall_now();
  fire_timers_through(wall);
  advance_to(wall);
}

bool Engine::predicate(uint32_t fn) { return fn == vm::kNone || version().interp->call(fn, *host_).truthy(); }

// The aggregates that count `e`: the current module's (by its routes) and older versions' own.
void Engine::record_history(Customer& c, const EventRoot& e, const EventRoutes* routes) {
  if (routes && !routes->aggregates.empty()) record_slots(c, e, routes->aggregates);
  if (!extra_slots_.empty()) record_slots(c, e, extra_slots_);
}

void Engine::record_slots(Customer& c, const EventRoot& e, const std::vector<uint32_t>& slots) {
  for (uint32_t a : slots) {
    const vm::AggregateDesc& d = *slots_[a].desc;
    if (d.event != e.name) continue;
    Scope scope(*this, {&c, nullptr, &e, nullptr, slots_[a].owner});
    if (d.where_fn != vm::kNone && !predicate(d.where_fn)) continue;
    vm::Value number;
    const vm::Value* value = nullptr;
    if (!d.property.empty()) {
      const Doc* node = &e.props;
      for (const std::string& p : d.property) {
        node = node && node->is_object() ? node->find(p) : nullptr;
      }
      if (node && node->type == Doc::Type::kInt) number = vm::Value::integer(node->i);
      if (node && node->type == Doc::Type::kFloat) number = vm::Value::floating(node->f);
      if (!number.is_null()) value = &number;
    }
    if (c.aggregates.size() <= a) c.aggregates.resize(slots_.size());
    if (!c.aggregates[a]) c.aggregates[a] = std::make_unique<AggState>();
    c.aggregates_dirty = true;
    before_change(c, index_.enter_readers_of_aggregate(a));  // slots [0, n) are the current module's
    c.aggregates[a]->record(d, e.time, value, now_);
  }
}

void Engine::check_goals(Customer& c, const EventRoot& e) {
  for (GoalWindow& w : c.goals) {
    ModuleVersion& v = *w.version;
    const vm::JourneyDesc& j = v.module->journeys[w.journey];
    for (uint32_t g = 0; g < j.goals.size(); ++g) {
      const vm::GoalDesc& gd = j.goals[g];
      if (gd.event != e.name || (g < w.converted.size() && w.converted[g])) continue;
      // Performed within D of entry (by its timestamp), and seen while the window is open (by the
      // clock): a late event that arrives after the window closed does not convert.
      if (e.time < w.entered_at || e.time - w.entered_at > gd.within_ms || now_ - w.entered_at > gd.within_ms) continue;
      Scope scope(*this, {&c, nullptr, &e, w.trigger.get(), &v});
      if (!predicate(gd.where_fn)) continue;
      if (w.converted.size() <= g) w.converted.resize(j.goals.size(), 0);
      w.converted[g] = 1;
      auto& goals = stats_.journeys[v.journey_id[w.journey]].goals;
      if (g >= goals.size() || goals[g].event != gd.event) continue;  // reported under the current definition only
      GoalStats& gs = goals[g];
      ++gs.conversions;
      for (auto [split, arm] : w.arms) {
        const vm::SplitDesc& sd = v.module->splits[split];
        ++gs.by_variant[sd.name + "/" + sd.arms[arm].name];
      }
    }
  }
  std::erase_if(c.goals, [&](const GoalWindow& w) { return w.deadline < now_; });
}

void Engine::check_exits(Customer& c, const EventRoot& e, const EventRoutes* routes) {
  if (c.instances.empty()) return;
  bool any_exit_on = routes && !routes->exits.empty();
  if (!any_exit_on && index_.exit_when_journeys().empty() && versions_.size() == 1) return;
  std::vector<uint64_t>& seqs = seqs_exit_;  // the instances live now (the list changes as they end)
  seqs.clear();
  for (auto& i : c.instances) seqs.push_back(i->seq);
  for (uint64_t seq : seqs) {
    Instance* inst = c.instance(seq);
    if (!inst) continue;
    ModuleVersion& v = *inst->version;
    const vm::JourneyDesc& j = v.module->journeys[inst->journey];
    Scope scope(*this, {&c, inst, &e, inst->trigger.get(), &v});
    std::string rule;
    const EventRoutes* own = &v == current_ ? routes : v.index->routes(e.name);
    if (own && !own->exits.empty()) {
      for (const JourneyRef& r : own->exits) {
        if (r.journey != inst->journey) continue;
        if (predicate(j.exit_on[r.item].where_fn)) {
          rule = "on " + j.exit_on[r.item].event;
          break;
        }
      }
    }
    if (rule.empty() && j.exit_when_fn != vm::kNone) {
      ctx_.event = nullptr;  // `exit when` has no current event
      if (predicate(j.exit_when_fn)) rule = "when";
    }
    if (rule.empty()) continue;
    ++stats_.journeys[inst->jid].exited_by_rule[rule];
    end_instance(c, *inst);
  }
}

void Engine::resume_waiting(Customer& c, const EventRoot& e) {
  std::vector<uint64_t>& seqs = seqs_resume_;
  seqs.clear();
  for (auto& i : c.instances)
    if (i->vm.wait.kind == vm::WaitKind::kUpTo) seqs.push_back(i->seq);
  for (uint64_t seq : seqs) {
    Instance* inst = c.instance(seq);
    if (!inst || inst->vm.wait.kind != vm::WaitKind::kUpTo) continue;
    ModuleVersion& v = *inst->version;
    const vm::WaitDesc& w = v.module->waits[inst->vm.wait.desc];
    std::optional<uint32_t> branch;
    {
      Scope scope(*this, {&c, inst, &e, inst->trigger.get(), &v});
      for (uint32_t b = 0; b < w.branches.size() && !branch; ++b)
        if (w.branches[b].event == e.name && v.interp->branch_matches(inst->vm, b, *host_)) branch = b;
    }
    if (!branch) continue;
    drop_timer(*inst);
    run(c, *inst, vm::Resume{vm::Resume::kBranch, *branch}, &e);
  }
}

void Engine::try_entries(Customer& c, const EventRoot& e, const EventRoutes* routes) {
  for (const JourneyRef& r : routes->entries) {
    if (tried_[r.journey]) continue;  // several `on E` lines: one attempt per event
    const vm::TriggerDesc& t = module_.journeys[r.journey].triggers[r.item];
    bool match;
    {
      Scope scope(*this, {&c, nullptr, &e, nullptr});
      match = predicate(t.where_fn);
    }
    if (!match) continue;
    tried_[r.journey] = 1;
    try_enter(c, r.journey, &e);
  }
}

bool Engine::membership(Customer& c, uint32_t k) {
  Scope scope(*this, {&c, nullptr, nullptr, nullptr});
  return host_->in_segment(index_.enter_segments()[k]);
}

// Memberships after step 4, for the segments taken, all before any step-5 entry runs (an entry's
// `set` counts at the customer's next event, as in the order of §9).
void Engine::enter_segment_flips(Customer& c, const EventRoot& e) {
  flips_customer_ = nullptr;
  const auto& segs = index_.enter_segments();
  for (uint32_t k = 0; k < segs.size(); ++k)
    if (taken_[k]) after_[k] = membership(c, k);
  for (const EnterRoute& r : index_.enter_routes()) {
    size_t k = std::find(segs.begin(), segs.end(), r.segment) - segs.begin();
    if (!taken_[k] || before_[k] || !after_[k] || tried_[r.journey]) continue;  // one attempt per journey and event (steps 4–5)
    tried_[r.journey] = 1;
    try_enter(c, r.journey, &e);
  }
}

// ---------------------------------------------------------------- entry and runs

namespace {

std::string key_text(const vm::Value& v) {
  std::string s;
  vm::append_text(s, v);
  return s;
}

void copy_trigger(const EventRoot& from, const vm::JourneyDesc& j, EventRoot& to) {
  to.name.assign(from.name);
  to.time = from.time;
  to.has_id = from.has_id;
  to.id.assign(from.id);
  if (!j.trigger_fields.empty() && j.trigger_fields[0] == "*")
    assign_doc(to.props, from.props);
  else
    assign_members(to.props, from.props, j.trigger_fields);
}

}  // namespace

bool Engine::try_enter(Customer& c, uint32_t journey, const EventRoot* trigger) {
  const vm::JourneyDesc& j = module_.journeys[journey];
  const uint32_t jid = current_->journey_id[journey];
  JourneyStats& js = stats_.journeys[jid];
  Scope scope(*this, {&c, nullptr, trigger, trigger, current_});
  std::string key;
  if (j.key_fn != vm::kNone) key = key_text(interp_.call(j.key_fn, *host_));
  for (auto& i : c.instances) {
    if (i->jid == jid && i->key.view() == key) {  // one live instance per journey and key, whatever its version
      ++(j.key_fn != vm::kNone ? js.skipped_key : js.skipped_reentry);
      return false;
    }
  }
  EntryRecord* er = c.entries.find(jid, key);
  if (er && er->count > 0) {
    bool refused = j.reentry == vm::Reentry::kNever ||
                   (j.reentry == vm::Reentry::kAfter && now_ - er->last < j.reentry_after_ms);
    if (refused) {
      ++js.skipped_reentry;
      return false;
    }
  }
  if (!predicate(j.audience_fn)) {
    ++js.skipped_audience;
    return false;
  }
  if (j.limit_count > 0) {
    auto& w = limit_windows_[jid];
    while (!w.empty() && w.front() <= now_ - j.limit_window_ms) w.pop_front();
    if (static_cast<int64_t>(w.size()) >= j.limit_count) {
      ++js.skipped_limit;
      return false;
    }
    w.push_back(now_);
  }
  mark_dirty(c);
  EntryRecord& rec = c.entries.get(jid, key);
  ++rec.count;
  rec.last = now_;
  ++js.entered;

  std::unique_ptr<Instance> inst = new_instance();
  inst->seq = ++instance_seq_;
  inst->version = current_;
  inst->journey = journey;
  inst->jid = jid;
  ++current_->live;
  inst->key.assign(key);
  inst->entry = rec.count;
  inst->entered_at = now_;
  if (trigger && !j.trigger_fields.empty()) {  // only what the body, exit rules and goals read is kept
    if (!inst->trigger) inst->trigger = std::make_unique<EventRoot>();
    copy_trigger(*trigger, j, *inst->trigger);
  } else {
    inst->trigger.reset();
  }
  inst->vm.journey = journey;
  if (!j.goals.empty()) {
    std::erase_if(c.goals, [&](const GoalWindow& w) { return w.deadline < now_; });
    GoalWindow g;
    bool goal_filters = std::any_of(j.goals.begin(), j.goals.end(), [](const vm::GoalDesc& gd) { return gd.where_fn != vm::kNone; });
    if (trigger && goal_filters) {  // only a goal `where` can read the trigger
      g.trigger = std::make_unique<EventRoot>();
      copy_trigger(*trigger, j, *g.trigger);
    }
    g.version = current_;
    g.journey = journey;
    g.instance = inst->seq;
    g.entered_at = now_;
    int64_t longest = 0;
    for (const vm::GoalDesc& gd : j.goals) longest = std::max(longest, gd.within_ms);
    g.deadline = now_ + longest;
    c.goals.push_back(std::move(g));
  }
  Instance& ref = *inst;
  c.instances.push_back(std::move(inst));
  run(c, ref, vm::Resume{vm::Resume::kStart, 0}, trigger);
  return true;
}

void Engine::run(Customer& c, Instance& inst, const vm::Resume& resume, const EventRoot* event) {
  vm::RunResult r;
  {
    Scope scope(*this, {&c, &inst, event, inst.trigger.get(), inst.version});
    r = inst.version->interp->run(inst.vm, resume, *host_);
  }
  JourneyStats& js = stats_.journeys[inst.jid];
  switch (r.stop) {
    case vm::Stop::kWait: set_timer(c, inst); return;
    case vm::Stop::kExit: ++js.exited_step; break;
    case vm::Stop::kEnd: ++js.completed; break;
    case vm::Stop::kRunaway: ++js.runaway; break;
    case vm::Stop::kError:
      ++js.errors;
      fmt::print(stderr, "laudd: journey `{}`, customer `{}`: {}\n", js.name, c.id,
                 inst.version->interp->last_error());
      break;
  }
  end_instance(c, inst);
}

void Engine::end_instance(Customer& c, Instance& inst) {
  auto it = std::find_if(c.instances.begin(), c.instances.end(), [&](const auto& p) { return p.get() == &inst; });
  if (it == c.instances.end()) return;
  drop_timer(inst);
  --inst.version->live;
  std::unique_ptr<Instance> done = std::move(*it);
  c.instances.erase(it);
  if (spare_instances_.size() >= kSpareInstances) return;
  // A spare keeps a few KB at most: a large frozen block or kept trigger goes now.
  if (done->vm.frozen_bytes() > kSpareBytes) done->vm = vm::InstanceState();
  if (done->trigger && done->trigger->props.heap_bytes() > kSpareBytes) done->trigger.reset();
  spare_instances_.push_back(std::move(done));
}

std::unique_ptr<Instance> Engine::new_instance() {
  if (spare_instances_.empty()) return std::make_unique<Instance>();
  std::unique_ptr<Instance> inst = std::move(spare_instances_.back());
  spare_instances_.pop_back();
  inst->vm.clear_for_reuse();
  return inst;
}

}  // namespace laud::runtime
