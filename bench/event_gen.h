// event_gen.h — a deterministic generator of realistic Segment-spec events (LANGUAGE.md §8) for
// the example journeys and for runtime benchmarks: identify calls with traits and track events
// (signup, login, "Product Viewed", "Checkout Started", purchase, refund, "Order Completed",
// "Order Shipped", "Order Delivered", "Appointment Booked", "Appointment Cancelled",
// "Trial Converted", "Account Deleted"), one JSON line at a time.
//
// examples/events.jsonl is exactly the output of (the test event_gen_reproduces_example checks it):
//
//   laud_gen_events --preset example --seed 1 --customers 150 --events 3000 --identify-share 0.3
//     --late-share 0.01 --duplicate-share 0.005 --bad-share 0.004 --start 2026-12-01T00:00:00Z
//     --span 42d -o examples/events.jsonl          (one command line)
//
// Benchmark streams: `laud_gen_events --events 10000000 --customers 1000000 --identify-share 0.3
// -o FILE` (the bench preset: no late, duplicate or bad lines unless asked for).
//
// Determinism: the same options give the same bytes on every machine and library version. All
// randomness comes from xoshiro256** seeded by splitmix64 and is turned into decisions with
// integer arithmetic only (no std:: distributions, no libm), and every line is rendered from the
// state recorded when its event was created, so a late or duplicated line is rendered the same.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace laud::bench {

struct EventGenOptions {
  uint64_t seed = 1;
  uint64_t customers = 150;        // distinct customers (all appear by the end of the stream)
  uint64_t events = 3000;          // lines to produce (bad lines included)
  double identify_share = 0.3;     // share of identify calls among valid lines
  double late_share = 0.01;        // lines emitted 30 s – 60 min after their own timestamp
  double duplicate_share = 0.005;  // lines repeated later with the same messageId (a retry)
  double bad_share = 0.004;        // rejects and ignored lines, rotating through every kind
  int64_t start_ms = 1796083200000;          // 2026-12-01T00:00:00Z
  int64_t span_ms = 42LL * 24 * 3600 * 1000;  // the stream's timestamps cover about this much
};

// The small realistic stream of examples/events.jsonl (the defaults above).
EventGenOptions example_options();
// 1,000,000 customers, 10,000,000 events, 30% identify, no late, duplicate or bad lines.
EventGenOptions bench_options();

// What kind of line next() produced last; the names for counting the mix.
enum class EventKind : uint8_t {
  kIdentify,
  kSignup,
  kLogin,
  kProductViewed,
  kCheckoutStarted,
  kPurchase,
  kRefund,
  kOrderCompleted,
  kOrderShipped,
  kOrderDelivered,
  kAppointmentBooked,
  kAppointmentCancelled,
  kTrialConverted,
  kAccountDeleted,
  kBad,  // a reject, an ignored type or a blank line
  kCount
};
std::string_view event_kind_name(EventKind kind);

struct EventGenStats {
  uint64_t lines = 0;
  uint64_t late = 0;        // lines whose timestamp is behind an earlier line's
  uint64_t duplicates = 0;  // repeated lines (same messageId)
  uint64_t per_kind[size_t(EventKind::kCount)] = {};
};

class EventGenerator {
 public:
  explicit EventGenerator(const EventGenOptions& options);

  // Writes the next line, without its newline, into `line` (reusing its capacity) and returns
  // true; false once `events` lines were produced. A blank bad line is the empty string.
  bool next(std::string& line);

  EventKind last_kind() const { return last_kind_; }
  const EventGenStats& stats() const { return stats_; }

 private:
  // One event waiting in the min-heap on (emit_at, seq): everything needed to render it.
  struct Pending {
    int64_t emit_at;  // position in the stream (= ts unless late or a duplicate)
    int64_t ts;       // the event's own timestamp
    uint64_t seq;     // creation order, breaks ties
    uint64_t salt;    // content details and the messageId
    uint64_t customer;
    uint32_t a, b;    // cart / appointment number, order number
    uint32_t param;   // per kind: plan, identify variant, bad-line kind, ...
    uint8_t kind;     // EventKind
    uint8_t flags;    // kLate, kDuplicate
  };
  struct CustomerState {
    uint32_t last_cart = 0;
    uint32_t last_order = 0;
    uint32_t converts_at_min = 0;  // minutes after start of a scheduled trial conversion (0: none)
    uint8_t flags = 0;
    uint8_t plan = 0;
  };
  struct Rng {
    uint64_t s[4];
    explicit Rng(uint64_t seed);
    uint64_t next();
    uint64_t below(uint64_t n);  // uniform in [0, n), n > 0
  };

  void fresh_tick(int64_t t);
  void introduce(uint64_t c, int64_t t);
  void identify_update(uint64_t c, int64_t t);
  void track_action(uint64_t c, int64_t t);
  void login(uint64_t c, int64_t t);
  void order_flow(uint64_t c, int64_t t, bool checkout);
  uint64_t pick_customer(int64_t t);
  bool chance(uint64_t threshold) { return (rng_.next() >> 11) < threshold; }
  static uint64_t threshold(double p);
  int64_t schedule(uint8_t kind, uint64_t c, int64_t ts, uint32_t a = 0, uint32_t b = 0, uint32_t param = 0,
                   bool may_be_late = true);
  void push(const Pending& p);
  Pending pop();
  void render(const Pending& p);

  // Rendering pieces (all append to buf_).
  void put(std::string_view s) { buf_.append(s.data(), s.data() + s.size()); }
  void put_uint(uint64_t v);
  void put_cents(uint64_t cents);  // 49 or 49.9 or 49.95
  void put_time(int64_t ms, bool force_ms = false);
  void put_uuid(uint64_t salt);
  void put_customer_id(uint64_t c);
  void put_head(std::string_view type, std::string_view event, uint64_t c);
  void put_tail(const Pending& p);
  void put_items(uint64_t c, uint32_t cart, uint64_t* total_cents);
  void put_traits_full(const Pending& p);

  EventGenOptions opt_;
  Rng rng_;
  uint64_t late_thr_, dup_thr_;
  uint64_t bad_fp_;        // bad_share in 1/2^32
  uint64_t created_bad_ = 0;
  uint64_t identify_fp_;  // identify_share in 1/2^32
  std::vector<CustomerState> customers_;
  std::vector<Pending> heap_;
  uint64_t frontier_ = 0;  // customers introduced so far: 0 .. frontier_-1
  uint64_t seq_ = 0, created_ = 0, created_identify_ = 0, ticks_ = 0, emitted_ = 0;
  uint64_t bad_rotation_ = 0;
  uint32_t next_cart_ = 0, next_order_ = 0, next_appointment_ = 0;
  int64_t next_fresh_;
  int64_t max_emitted_ts_ = INT64_MIN;
  fmt::memory_buffer buf_;
  int64_t cached_day_ = INT64_MIN;
  char day_text_[10] = {};
  EventKind last_kind_ = EventKind::kBad;
  EventGenStats stats_;
};

}  // namespace laud::bench
