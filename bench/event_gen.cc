// event_gen.cc — the event generator: a customer model (traits derived from a hash of the seed
// and the customer number, a little mutable state per customer), a clock of "fresh" actions
// spaced by the remaining budget and a day/night curve, and a min-heap of scheduled events
// (signup after identify, purchase after checkout, shipped and delivered after an order, a
// cancellation after a booking, late and duplicate copies) from which lines are taken in order.
#include "bench/event_gen.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "vm/time_text.h"

namespace laud::bench {
namespace {

constexpr int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;

constexpr uint8_t kLate = 1, kDuplicate = 2;

// CustomerState::flags
constexpr uint8_t kSignedUp = 1, kDeleted = 2, kBought = 4, kStoreOrder = 8, kBackfilled = 16;

enum Plan : uint8_t { kFree, kPro, kPaid, kEnterprise };
constexpr std::string_view kPlanNames[] = {"free", "pro", "paid", "enterprise"};

// Identify variants (Pending::param & 0xff); the plan is in bits 8–15.
enum IdentifyVariant : uint32_t { kFull, kLtvTags, kPlanChange, kOptIns, kContact, kInterestUpdate };

uint64_t mix(uint64_t z) {  // splitmix64's finalizer
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t below(uint64_t h, uint64_t n) { return uint64_t((unsigned __int128)h * n >> 64); }

struct Name {
  std::string_view text, slug;
};

struct Country {
  std::string_view code, currency;
  uint32_t weight;
  std::vector<Name> first, last;
  std::vector<std::string_view> zones, domains;
};

const std::vector<Country>& countries() {
  static const std::vector<Country> table = {
      {"FR", "EUR", 30,
       {{"Zoé", "zoe"}, {"Léa", "lea"}, {"Chloé", "chloe"}, {"Hélène", "helene"}, {"François", "francois"},
        {"Noël", "noel"}, {"Camille", "camille"}, {"Hugo", "hugo"}, {"Amélie", "amelie"}, {"Jérôme", "jerome"}},
       {{"Martin", "martin"}, {"Bernard", "bernard"}, {"Dubois", "dubois"}, {"Lefèvre", "lefevre"},
        {"Moreau", "moreau"}, {"Girard", "girard"}},
       {"Europe/Paris"},
       {"gmail.com", "orange.fr", "free.fr", "yahoo.fr", "hotmail.fr", "laposte.net"}},
      {"DE", "EUR", 15,
       {{"Jürgen", "juergen"}, {"Björn", "bjoern"}, {"Hannah", "hannah"}, {"Max", "max"}, {"Lena", "lena"},
        {"Jörg", "joerg"}, {"Sophie", "sophie"}, {"Lukas", "lukas"}},
       {{"Müller", "mueller"}, {"Schmidt", "schmidt"}, {"Schneider", "schneider"}, {"Fischer", "fischer"},
        {"Weiß", "weiss"}, {"Becker", "becker"}},
       {"Europe/Berlin"},
       {"gmx.de", "web.de", "gmail.com", "t-online.de"}},
      {"ES", "EUR", 10,
       {{"Sofía", "sofia"}, {"José", "jose"}, {"Íñigo", "inigo"}, {"Lucía", "lucia"}, {"Mateo", "mateo"},
        {"Begoña", "begona"}, {"Martín", "martin"}, {"Ana", "ana"}},
       {{"García", "garcia"}, {"Fernández", "fernandez"}, {"López", "lopez"}, {"Martínez", "martinez"},
        {"Sánchez", "sanchez"}, {"Pérez", "perez"}},
       {"Europe/Madrid", "Europe/Madrid", "Europe/Madrid", "Atlantic/Canary"},
       {"gmail.com", "hotmail.es", "yahoo.es", "telefonica.net"}},
      {"US", "USD", 25,
       {{"Olivia", "olivia"}, {"James", "james"}, {"Emma", "emma"}, {"Liam", "liam"}, {"Ava", "ava"},
        {"Ethan", "ethan"}, {"Zoë", "zoe"}, {"Noah", "noah"}},
       {{"Smith", "smith"}, {"Johnson", "johnson"}, {"Williams", "williams"}, {"Brown", "brown"},
        {"Jones", "jones"}, {"Miller", "miller"}},
       {"America/New_York", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"},
       {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com"}},
      {"GB", "GBP", 12,
       {{"Charlotte", "charlotte"}, {"Oliver", "oliver"}, {"Amelia", "amelia"}, {"Harry", "harry"},
        {"Siobhán", "siobhan"}, {"Niamh", "niamh"}, {"George", "george"}, {"Isla", "isla"}},
       {{"Taylor", "taylor"}, {"Davies", "davies"}, {"Evans", "evans"}, {"Wilson", "wilson"},
        {"O'Brien", "obrien"}, {"Walker", "walker"}},
       {"Europe/London"},
       {"gmail.com", "hotmail.co.uk", "yahoo.co.uk", "btinternet.com"}},
      {"JP", "USD", 4,
       {{"陽翔", "haruto"}, {"さくら", "sakura"}, {"Yui", "yui"}, {"Ren", "ren"}, {"葵", "aoi"}, {"Sota", "sota"}},
       {{"Sato", "sato"}, {"Suzuki", "suzuki"}, {"高橋", "takahashi"}, {"Tanaka", "tanaka"}, {"Watanabe", "watanabe"}},
       {"Asia/Tokyo"},
       {"gmail.com", "yahoo.co.jp", "docomo.ne.jp"}},
      {"IN", "USD", 4,
       {{"Priya", "priya"}, {"Aarav", "aarav"}, {"अनन्या", "ananya"}, {"Rohan", "rohan"}, {"Diya", "diya"},
        {"Vivaan", "vivaan"}},
       {{"Sharma", "sharma"}, {"Patel", "patel"}, {"Iyer", "iyer"}, {"Reddy", "reddy"}, {"Gupta", "gupta"}},
       {"Asia/Kolkata"},
       {"gmail.com", "yahoo.in", "rediffmail.com"}},
  };
  return table;
}

constexpr std::string_view kAllZones[] = {"Europe/Paris", "America/New_York", "Asia/Tokyo", "Asia/Kolkata",
                                          "Europe/London", "America/Los_Angeles", "Australia/Sydney",
                                          "America/Sao_Paulo"};
constexpr std::string_view kBusinessDomains[] = {"acme.io", "globex.com", "initech.co", "umbrella-corp.fr",
                                                 "stark.de", "wayne-enterprises.com", "hooli.xyz"};
constexpr std::string_view kTags[] = {"beta", "early-adopter", "wholesale", "returning", "newsletter"};
constexpr std::string_view kInterests[] = {"running", "cooking", "design", "travel", "gaming",
                                           "gardening", "photography", "yoga", "wine", "cycling"};
constexpr std::string_view kCategories[] = {"apparel", "shoes", "accessories", "home",
                                            "gifts", "beauty", "electronics"};
constexpr uint8_t kGifts = 4;

struct Product {
  std::string_view name, sku;
  uint32_t cents;
  uint8_t category, tier;
};
constexpr Product kProducts[] = {
    {"Merino Crew Sweater", "APP-MER-001", 8900, 0, 1},
    {"Organic Cotton Tee", "APP-TEE-014", 2500, 0, 0},
    {"Linen Shirt", "APP-LIN-203", 5990, 0, 0},
    {"Down Parka", "APP-PRK-310", 32900, 0, 2},
    {"Wool Overcoat", "APP-OVC-402", 49900, 0, 3},
    {"Yoga Leggings", "APP-YOG-118", 4495, 0, 0},
    {"Trail Runner 2", "SHO-TRL-002", 12990, 1, 1},
    {"Leather Chelsea Boots", "SHO-CHL-117", 21900, 1, 2},
    {"Canvas Sneakers", "SHO-CNV-045", 6500, 1, 0},
    {"Wool Slippers", "SHO-SLP-009", 3990, 1, 0},
    {"Écharpe en laine", "ACC-ECH-021", 4900, 2, 0},
    {"Canvas Tote", "ACC-TOT-007", 2900, 2, 0},
    {"Leather Belt", "ACC-BLT-033", 5500, 2, 1},
    {"Sunglasses Riviera", "ACC-SUN-150", 14900, 2, 2},
    {"Ribbed Beanie", "ACC-BEA-012", 1990, 2, 0},
    {"Scented Candle — Figue", "HOM-CND-044", 3200, 3, 0},
    {"Linen Bedding Set", "HOM-BED-220", 18900, 3, 2},
    {"Ceramic Mug Set", "HOM-MUG-061", 3600, 3, 0},
    {"Cashmere Throw", "HOM-CSH-501", 39900, 3, 3},
    {"Gift Card 50", "GFT-CRD-050", 5000, 4, 0},
    {"Gift Card 100", "GFT-CRD-100", 10000, 4, 1},
    {"Holiday Gift Box", "GFT-BOX-026", 7900, 4, 1},
    {"Leather Wallet", "GFT-WAL-019", 6900, 4, 1},
    {"Advent Calendar", "GFT-ADV-024", 4490, 4, 0},
    {"Sake Set 徳利", "GFT-SAK-088", 5800, 4, 1},
    {"Hand Cream Trio", "BEA-HCT-003", 2400, 5, 0},
    {"Eau de Parfum 50 ml", "BEA-EDP-050", 8900, 5, 1},
    {"Beard Oil", "BEA-BRD-011", 1850, 5, 0},
    {"Wireless Earbuds", "ELE-EAR-129", 12900, 6, 1},
    {"Smart Watch S2", "ELE-WAT-299", 29900, 6, 2},
    {"Espresso Machine", "ELE-ESP-649", 64900, 6, 3},
    {"Noise-Cancelling Headphones", "ELE-HPH-349", 34900, 6, 2},
};
constexpr size_t kProductCount = sizeof(kProducts) / sizeof(kProducts[0]);

constexpr std::string_view kUtmSources[] = {"google", "newsletter", "facebook", "instagram", "partner", "tiktok"};
constexpr std::string_view kLoginMethods[] = {"password", "google", "apple", "magic_link"};
constexpr std::string_view kDevices[] = {"web", "ios", "android"};
constexpr std::string_view kRefundReasons[] = {"damaged", "wrong_size", "changed_mind", "late_delivery",
                                               "not_as_described"};
constexpr std::string_view kLocations[] = {"Paris — Opéra", "Lyon Part-Dieu", "Berlin Mitte", "Madrid Salamanca",
                                           "London Covent Garden", "New York SoHo", "Tokyo Ginza", "online"};
constexpr std::string_view kServices[] = {"fitting", "consultation", "repair", "styling session"};
constexpr std::string_view kStores[] = {"paris-03", "lyon-01", "berlin-02", "madrid-01", "london-05", "nyc-01"};
constexpr std::string_view kPayments[] = {"card", "paypal", "apple_pay", "klarna"};

struct Carrier {
  std::string_view name, url;
};
constexpr Carrier kCarriers[] = {
    {"Colissimo", "https://www.laposte.fr/outils/suivre-vos-envois?code="},
    {"DHL", "https://www.dhl.com/en/express/tracking.html?AWB="},
    {"UPS", "https://www.ups.com/track?tracknum=1Z"},
    {"FedEx", "https://www.fedex.com/fedextrack/?trknbr="},
    {"Chronopost", "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT="},
    {"Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/"},
};

// Hour-of-day (UTC) gap multipliers in 1/16: fewer events at night in Europe (the Americas keep
// the late UTC hours busy).
constexpr uint32_t kNightCurve[24] = {22, 26, 30, 32, 32, 28, 22, 16, 13, 12, 11, 11,
                                      11, 11, 10, 10, 10, 11, 12, 13, 14, 15, 17, 19};

// The traits every line needs (country for the currency, the kind of user id, the spending level)
// and the behaviour flags, cheap to derive: from two hashes of the seed and the customer number.
struct Light {
  uint64_t h1;
  const Country* country;
  uint32_t id_kind;  // 0 "c-N", 1 anonymousId, 2 integer userId
  uint32_t spender;  // 0..3
  bool lapsing;      // quiet from day 8 to day 38 of 42 (so it becomes dormant)
  bool appointments;  // books appointments
  bool legacy;        // uses the legacy app: no live logins; one old login backfilled late
};

Light light_of(uint64_t seed, uint64_t c) {
  static const std::vector<const Country*> by_percent = [] {  // the weights sum to 100
    std::vector<const Country*> v;
    for (const auto& k : countries()) v.insert(v.end(), k.weight, &k);
    if (v.size() != 100) std::abort();
    return v;
  }();
  Light l;
  l.h1 = mix(seed * 0x2545f4914f6cdd1dULL ^ mix(c));
  l.country = by_percent[below(l.h1, by_percent.size())];
  uint64_t f = mix(l.h1 ^ 0x11);
  uint32_t id = uint32_t((f & 0xffff) % 100), s = uint32_t((f >> 16 & 0xffff) % 100);
  l.id_kind = id < 3 ? 1 : id < 6 ? 2 : 0;
  l.spender = s < 45 ? 0 : s < 78 ? 1 : s < 93 ? 2 : 3;
  l.lapsing = (f >> 32 & 0xffff) % 100 < 15;
  l.appointments = (f >> 48) % 100 < 50;
  l.legacy = mix(f) % 100 < 12;
  return l;
}

// Traits that never change, derived from the seed and the customer number.
struct Profile : Light {
  uint64_t h2, h3;
  uint32_t first, last;
  int zone;  // index into country->zones, -1 missing, -2 - i a traveller in kAllZones[i]
  std::string_view domain;
  bool domain_caps;  // "Gmail.com"
  uint32_t email_style;
  Plan base_plan;
  uint32_t seats;
  bool staff, phone, space_key, vip, newsletter, marketing, has_interests;
  int email_opt_in;  // 1 true, 0 false, -1 absent
};

Profile profile_of(uint64_t seed, uint64_t c) {
  Profile p;
  static_cast<Light&>(p) = light_of(seed, c);
  p.h2 = mix(p.h1);
  p.h3 = mix(p.h2);
  uint64_t h = p.h2;
  auto take = [&h](uint64_t n) {
    uint64_t v = h % n;
    h /= n;
    return v;
  };
  p.first = uint32_t(take(p.country->first.size()));
  p.last = uint32_t(take(p.country->last.size()));
  uint64_t z = take(100);
  if (z < 8) p.zone = -1;
  else if (z < 12) p.zone = -2 - int(take(std::size(kAllZones)));
  else p.zone = int(take(p.country->zones.size()));
  uint64_t d = take(100);
  p.staff = d < 3;
  if (p.staff) p.domain = "example.com";
  else if (d < 25) p.domain = kBusinessDomains[take(std::size(kBusinessDomains))];
  else p.domain = p.country->domains[take(p.country->domains.size())];
  p.domain_caps = p.domain == "gmail.com" && take(8) == 0;
  p.email_style = uint32_t(take(3));
  p.phone = take(100) < 80;
  p.space_key = take(100) < 4;
  h = p.h3;
  uint64_t pl = take(100);
  p.base_plan = pl < 60 ? kFree : pl < 80 ? kPro : pl < 92 ? kPaid : kEnterprise;
  p.seats = p.base_plan == kEnterprise ? uint32_t(25 + take(476)) : uint32_t(1 + take(10));
  p.vip = take(100) < 6 || p.spender == 3;
  p.newsletter = take(100) < 60;
  p.marketing = take(100) < 50;
  uint64_t e = take(100);
  p.email_opt_in = e < 90 ? 1 : e < 96 ? 0 : -1;
  p.has_interests = take(100) < 40;
  return p;
}

std::string_view zone_of(const Profile& p) {
  if (p.zone == -1) return {};
  if (p.zone < -1) return kAllZones[-2 - p.zone];
  return p.country->zones[size_t(p.zone)];
}

// Checkout and order amounts: the items of a cart, from the cart number and the customer's level.
struct Cart {
  uint32_t count = 0;
  uint32_t items[4];
  uint64_t total = 0;
};

Cart cart_of(uint64_t seed, uint32_t cart, uint32_t spender) {
  Cart c;
  uint64_t h = mix(seed ^ mix(0xca27ULL + cart));
  uint64_t n = h % 10;
  h /= 10;
  c.count = n < 5 ? 1 : n < 8 ? 2 : n < 9 ? 3 : 4;
  for (uint32_t i = 0; i < c.count; ++i) {
    uint32_t k = uint32_t(h % kProductCount);
    h = mix(h);
    if (kProducts[k].tier > spender + 1) k = uint32_t(h % kProductCount);  // one re-roll for cheaper
    h = mix(h);
    c.items[i] = k;
    c.total += kProducts[k].cents;
  }
  return c;
}

}  // namespace

std::string_view event_kind_name(EventKind kind) {
  static constexpr std::string_view names[] = {
      "identify",         "signup",          "login",          "Product Viewed",
      "Checkout Started", "purchase",        "refund",         "Order Completed",
      "Order Shipped",    "Order Delivered", "Appointment Booked", "Appointment Cancelled",
      "Trial Converted",  "Account Deleted", "(bad line)"};
  return names[size_t(kind)];
}

EventGenOptions example_options() { return EventGenOptions{}; }

EventGenOptions bench_options() {
  EventGenOptions o;
  o.customers = 1'000'000;
  o.events = 10'000'000;
  o.late_share = 0;
  o.duplicate_share = 0;
  o.bad_share = 0;
  return o;
}

EventGenerator::Rng::Rng(uint64_t seed) {
  for (auto& x : s) {
    seed += 0x9e3779b97f4a7c15ULL;
    x = mix(seed - 0x9e3779b97f4a7c15ULL);
  }
}

uint64_t EventGenerator::Rng::next() {  // xoshiro256**
  auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  const uint64_t result = rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

uint64_t EventGenerator::Rng::below(uint64_t n) { return laud::bench::below(next(), n); }

uint64_t EventGenerator::threshold(double p) {
  if (!(p > 0)) return 0;
  if (p >= 1) return uint64_t(1) << 53;
  return uint64_t(p * double(uint64_t(1) << 53));  // one exact-rounded multiplication
}

EventGenerator::EventGenerator(const EventGenOptions& options)
    : opt_(options), rng_(options.seed), customers_(size_t(std::max<uint64_t>(options.customers, 1))) {
  if (opt_.customers == 0) opt_.customers = 1;
  if (opt_.span_ms <= 0) opt_.span_ms = kDay;
  late_thr_ = threshold(opt_.late_share);
  dup_thr_ = threshold(opt_.duplicate_share);
  bad_fp_ = threshold(opt_.bad_share) >> 21;  // 1/2^32
  identify_fp_ = threshold(opt_.identify_share) >> 21;  // 1/2^32
  next_fresh_ = opt_.start_ms;
  heap_.reserve(4096);
}

namespace {
// The heap's order: the smallest (emit_at, seq) on top.
struct Later {
  template <class P>
  bool operator()(const P& a, const P& b) const {
    return a.emit_at != b.emit_at ? a.emit_at > b.emit_at : a.seq > b.seq;
  }
};
}  // namespace

void EventGenerator::push(const Pending& p) {
  heap_.push_back(p);
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

EventGenerator::Pending EventGenerator::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  Pending p = heap_.back();
  heap_.pop_back();
  return p;
}

static bool has_message_id(uint64_t salt) { return (salt >> 60) != 0; }  // 15 in 16

int64_t EventGenerator::schedule(uint8_t kind, uint64_t c, int64_t ts, uint32_t a, uint32_t b, uint32_t param,
                                 bool may_be_late) {
  // About a third of the events carry milliseconds (a browser SDK); the rest whole seconds,
  // rounded up so that nothing moves before its cause.
  if (rng_.below(100) >= 35) ts = (ts + kSecond - 1) / kSecond * kSecond;
  Pending p{ts, ts, seq_++, rng_.next(), c, a, b, param, kind, 0};
  if (may_be_late && late_thr_ && chance(late_thr_)) {
    p.emit_at = ts + 30 * kSecond + int64_t(rng_.below(uint64_t(59 * kMinute + 30 * kSecond)));
    p.flags = kLate;
  }
  push(p);
  ++created_;
  if (kind == uint8_t(EventKind::kIdentify)) ++created_identify_;
  if (may_be_late && dup_thr_ && has_message_id(p.salt) && chance(dup_thr_)) {
    Pending d = p;
    d.seq = seq_++;
    d.flags = kDuplicate;
    d.emit_at = p.emit_at + int64_t(rng_.below(rng_.below(2) ? 5 * kMinute : 2 * kSecond));
    push(d);
    ++created_;
  }
  return ts;
}

bool EventGenerator::next(std::string& line) {
  if (emitted_ >= opt_.events) return false;
  while (heap_.empty() || heap_.front().emit_at > next_fresh_) fresh_tick(next_fresh_);
  Pending p = pop();
  render(p);
  line.assign(buf_.data(), buf_.size());
  ++emitted_;
  ++stats_.lines;
  if (p.flags & kDuplicate) ++stats_.duplicates;
  if (p.kind != uint8_t(EventKind::kBad)) {
    if (p.ts < max_emitted_ts_) ++stats_.late;
    max_emitted_ts_ = std::max(max_emitted_ts_, p.ts);
  }
  last_kind_ = EventKind(p.kind);
  ++stats_.per_kind[p.kind];
  return true;
}

void EventGenerator::fresh_tick(int64_t t) {
  ++ticks_;
  // The next tick: the remaining time over the remaining lines, scaled by how many lines a tick
  // has made so far, by the hour of day and by a triangular random factor (mean 1).
  {
    const int64_t end = opt_.start_ms + opt_.span_ms;
    const int64_t left_ms = std::max(end - t, opt_.span_ms / 200 + 1);
    const uint64_t left_lines = opt_.events > emitted_ ? opt_.events - emitted_ : 1;
    unsigned __int128 mean = (unsigned __int128)uint64_t(left_ms) * std::max<uint64_t>(created_, 1) /
                             ((unsigned __int128)left_lines * ticks_);
    const int64_t hour = ((t % kDay) + kDay) % kDay / kHour;
    unsigned __int128 gap = mean * kNightCurve[hour] * (rng_.below(1024) + rng_.below(1024) + 1) / (16 * 1024);
    next_fresh_ = t + std::max<int64_t>(1, int64_t(std::min<unsigned __int128>(gap, 30 * kDay)));
  }

  // Bad lines: about bad_share of all lines, placed at random (a catch-up like identify's below).
  __int128 bad_behind = (__int128)bad_fp_ * created_ - ((__int128)created_bad_ << 32);
  if (bad_fp_ && (__int128)(rng_.next() >> 32) < std::clamp<__int128>((__int128)bad_fp_ + bad_behind / 2, 0, (__int128)1 << 32)) {
    ++created_bad_;
    uint64_t c = frontier_ ? rng_.below(frontier_) : 0;
    Pending p{t, t, seq_++, rng_.next(), c, 0, 0, uint32_t(bad_rotation_++), uint8_t(EventKind::kBad), 0};
    push(p);
    ++created_;
    return;
  }

  // New customers: a quarter are there from the start, the rest arrive evenly over the stream.
  const uint64_t n = opt_.customers;
  const uint64_t target = n / 4 + uint64_t((unsigned __int128)(n - n / 4) * emitted_ / opt_.events);
  if (frontier_ < n && (frontier_ == 0 || frontier_ < target)) {
    introduce(frontier_++, t);
    return;
  }
  uint64_t c = pick_customer(t);
  // Identify or track: aim at identify_share of everything created (follow-ups included).
  __int128 behind = (__int128)identify_fp_ * created_ - ((__int128)created_identify_ << 32);
  __int128 p_fp = (__int128)identify_fp_ + behind / 2;
  p_fp = std::clamp<__int128>(p_fp, 0, (__int128)1 << 32);
  if (identify_fp_ && (__int128)(rng_.next() >> 32) < p_fp) identify_update(c, t);
  else track_action(c, t);
}

uint64_t EventGenerator::pick_customer(int64_t t) {
  // 70% uniform, 30% skewed towards the first customers (u^2): heavy and light users.
  const int64_t quiet_from = opt_.start_ms + opt_.span_ms * 8 / 42, quiet_to = opt_.start_ms + opt_.span_ms * 38 / 42;
  uint64_t c = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    uint64_t u = rng_.next();
    if ((u & 1023) < 717) {
      c = below(u, frontier_);
    } else {
      uint64_t x = u >> 32;  // [0, 2^32)
      c = below(x * x, frontier_);
    }
    if (customers_[c].flags & kDeleted) continue;
    if (t >= quiet_from && t < quiet_to && light_of(opt_.seed, c).lapsing) continue;  // gone quiet
    return c;
  }
  return c;
}

void EventGenerator::introduce(uint64_t c, int64_t t) {
  Profile pr = profile_of(opt_.seed, c);
  CustomerState& st = customers_[c];
  st.plan = pr.base_plan;
  // The first identify is never late, so that every customer's first line is an identify.
  int64_t ts = schedule(uint8_t(EventKind::kIdentify), c, t, 0, 0, kFull | uint32_t(st.plan) << 8, false);
  // Customers there from the start are mostly existing ones; later arrivals are new signups.
  bool initial = c < opt_.customers / 4;
  if (rng_.below(100) < (initial ? 35u : 90u)) {
    st.flags |= kSignedUp;
    int64_t su = schedule(uint8_t(EventKind::kSignup), c, ts + kMinute + int64_t(rng_.below(19 * kMinute)), 0, 0,
                          st.plan);
    login(c, su + 30 * kSecond + int64_t(rng_.below(15 * kMinute)));
    if ((st.plan == kFree || st.plan == kPro) && rng_.below(100) < 30) {
      int64_t conv = su + 2 * kDay + int64_t(rng_.below(11 * kDay));
      conv = schedule(uint8_t(EventKind::kTrialConverted), c, conv, 0, 0, st.plan);
      schedule(uint8_t(EventKind::kIdentify), c, conv + 2 * kSecond, 0, 0, kPlanChange | uint32_t(kPaid) << 8);
      st.converts_at_min = uint32_t(std::max<int64_t>(1, (conv - opt_.start_ms) / kMinute + 1));
    }
  }
}

void EventGenerator::identify_update(uint64_t c, int64_t t) {
  CustomerState& st = customers_[c];
  if (st.converts_at_min && t >= opt_.start_ms + int64_t(st.converts_at_min) * kMinute) {
    st.plan = kPaid;
    st.converts_at_min = 0;
  }
  uint64_t r = rng_.below(100);
  uint32_t variant = r < 30 ? kFull : r < 50 ? kLtvTags : r < 62 ? kPlanChange : r < 74 ? kOptIns
                     : r < 84 ? kContact : kInterestUpdate;
  if (variant == kPlanChange) {
    uint64_t q = rng_.below(100);
    Plan to = q < 60 ? kPro : q < 75 ? kFree : q < 90 ? kPaid : kEnterprise;
    if (to == st.plan) to = st.plan == kPro ? kPaid : kPro;
    st.plan = to;
  }
  schedule(uint8_t(EventKind::kIdentify), c, t, 0, 0, variant | uint32_t(st.plan) << 8);
}

// A login, except for customers of the legacy app: their logins are not tracked live (a product
// view instead), but one of them, 31–41 days old, arrives with a late sync after day 33 of 42 —
// when it is their only login and they bought nothing for 30 days, it makes them `dormant`
// (the only way an event can, §9). Only when late lines are allowed: it breaks time order.
void EventGenerator::login(uint64_t c, int64_t t) {
  if (!light_of(opt_.seed, c).legacy) {
    schedule(uint8_t(EventKind::kLogin), c, t);
    return;
  }
  CustomerState& st = customers_[c];
  if (late_thr_ && !(st.flags & kBackfilled) && t >= opt_.start_ms + opt_.span_ms * 33 / 42) {
    st.flags |= kBackfilled;
    int64_t old = (t - 31 * kDay - int64_t(rng_.below(10 * kDay))) / kSecond * kSecond;
    push(Pending{t, old, seq_++, rng_.next(), c, 0, 0, 1, uint8_t(EventKind::kLogin), kLate});
    ++created_;
    return;
  }
  schedule(uint8_t(EventKind::kProductViewed), c, t);
}

void EventGenerator::track_action(uint64_t c, int64_t t) {
  CustomerState& st = customers_[c];
  uint64_t r = rng_.below(1000);
  if (r < 20 && !(st.flags & kSignedUp)) {
    st.flags |= kSignedUp;
    schedule(uint8_t(EventKind::kSignup), c, t, 0, 0, st.plan);
  } else if (r < 250) {
    login(c, t);
  } else if (r < 370) {
    order_flow(c, t, true);
  } else if (r < 420) {
    order_flow(c, t, false);
  } else if (r < 490) {
    if (!light_of(opt_.seed, c).appointments) {
      schedule(uint8_t(EventKind::kProductViewed), c, t);
      return;
    }
    uint32_t appt = ++next_appointment_;
    int64_t starts;
    if (rng_.below(100) < 8) {  // same day, soon: below the journey's 3-hour threshold
      starts = t + 60 * kMinute + int64_t(rng_.below(22)) * 5 * kMinute;
    } else {
      int64_t day = (t / kDay + 1 + int64_t(rng_.below(10))) * kDay;
      starts = day + 8 * kHour + int64_t(rng_.below(19)) * 30 * kMinute;
    }
    // `b` holds the start in minutes since the epoch.
    uint32_t start_min = uint32_t(std::max<int64_t>(starts, 0) / kMinute);
    int64_t ts = schedule(uint8_t(EventKind::kAppointmentBooked), c, t, appt, start_min);
    if (rng_.below(100) < 15 && starts - ts > 2 * kHour) {
      int64_t room = starts - ts - 90 * kMinute;
      schedule(uint8_t(EventKind::kAppointmentCancelled), c, ts + 30 * kMinute + int64_t(rng_.below(uint64_t(room))),
               appt, start_min);
    }
  } else if (r < 515) {
    if (st.flags & kBought)
      schedule(uint8_t(EventKind::kRefund), c, t, st.last_cart, st.last_order, (st.flags & kStoreOrder) ? 1 : 0);
    else
      login(c, t);
  } else if (r < 518) {
    st.flags |= kDeleted;
    schedule(uint8_t(EventKind::kAccountDeleted), c, t);
  } else {
    schedule(uint8_t(EventKind::kProductViewed), c, t);
  }
}

void EventGenerator::order_flow(uint64_t c, int64_t t, bool checkout) {
  CustomerState& st = customers_[c];
  uint32_t cart = ++next_cart_;
  if (!checkout) {  // an in-store purchase
    uint32_t order = ++next_order_;
    st.flags |= kBought | kStoreOrder;
    st.last_cart = cart;
    st.last_order = order;
    schedule(uint8_t(EventKind::kPurchase), c, t, cart, order, 1);
    return;
  }
  uint64_t r = rng_.below(1000);
  int64_t ts = schedule(uint8_t(EventKind::kCheckoutStarted), c, t, cart, 0, r < 30 ? 1 : 0);
  if (r < 30) return;  // an empty cart
  int64_t when;
  bool store = false;
  if (r < 420) when = ts + 4 * kMinute + int64_t(rng_.below(51 * kMinute));
  else if (r < 560) when = ts + 65 * kMinute + int64_t(rng_.below(21 * kHour));
  else if (r < 620) when = ts + 2 * kHour + int64_t(rng_.below(70 * kHour)), store = true;
  else return;  // abandoned
  uint32_t order = ++next_order_;
  st.flags |= kBought;
  st.flags = store ? (st.flags | kStoreOrder) : (st.flags & ~kStoreOrder);
  st.last_cart = cart;
  st.last_order = order;
  int64_t paid = schedule(uint8_t(EventKind::kPurchase), c, when, cart, order, store ? 1 : 0);
  if (store) return;
  int64_t done = schedule(uint8_t(EventKind::kOrderCompleted), c, paid + kSecond + int64_t(rng_.below(3 * kSecond)),
                          cart, order);
  uint64_t s = rng_.below(1000);
  int64_t shipped;
  if (s < 850) shipped = done + 2 * kHour + int64_t(rng_.below(32 * kHour));
  else if (s < 930) shipped = done + 37 * kHour + int64_t(rng_.below(59 * kHour));  // late: beyond 1d12h
  else return;                                                                     // never shipped
  shipped = schedule(uint8_t(EventKind::kOrderShipped), c, shipped, cart, order);
  uint64_t d = rng_.below(1000);
  int64_t delivered;
  if (d < 800) delivered = shipped + kDay + int64_t(rng_.below(5 * kDay));
  else if (d < 900) delivered = shipped + 7 * kDay + kHour + int64_t(rng_.below(4 * kDay));  // late: beyond 7d
  else return;                                                                                // lost
  schedule(uint8_t(EventKind::kOrderDelivered), c, delivered, cart, order);
}

// ---- rendering -----------------------------------------------------------------------------

void EventGenerator::put_uint(uint64_t v) {
  fmt::format_int f(v);
  buf_.append(f.data(), f.data() + f.size());
}

void EventGenerator::put_cents(uint64_t cents) {
  put_uint(cents / 100);
  uint64_t frac = cents % 100;
  if (frac == 0) return;
  char t[3] = {'.', char('0' + frac / 10), char('0' + frac % 10)};
  buf_.append(t, t + (frac % 10 ? 3 : 2));
}

void EventGenerator::put_time(int64_t ms, bool force_ms) {
  int64_t day = ms >= 0 ? ms / kDay : -((-ms + kDay - 1) / kDay);
  int64_t in_day = ms - day * kDay;
  if (day != cached_day_) {
    vm::CivilDate d = vm::civil_from_days(day);
    fmt::format_to(day_text_, "{:04}-{:02}-{:02}", d.year, d.month, d.day);
    cached_day_ = day;
  }
  char t[24];
  std::memcpy(t, day_text_, 10);
  auto two = [](char* o, int64_t v) {
    o[0] = char('0' + v / 10);
    o[1] = char('0' + v % 10);
  };
  t[10] = 'T';
  two(t + 11, in_day / kHour);
  t[13] = ':';
  two(t + 14, in_day / kMinute % 60);
  t[16] = ':';
  two(t + 17, in_day / kSecond % 60);
  size_t n = 19;
  int64_t millis = in_day % kSecond;
  if (millis || force_ms) {
    t[19] = '.';
    t[20] = char('0' + millis / 100);
    two(t + 21, millis % 100);
    n = 23;
  }
  t[n++] = 'Z';
  buf_.append(t, t + n);
}

void EventGenerator::put_uuid(uint64_t salt) {
  // A version-4 UUID from 128 bits of the salt.
  static constexpr char hex[] = "0123456789abcdef";
  uint64_t hi = mix(salt ^ 0x5e9a), lo = mix(hi);
  char t[36];
  int k = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) t[k++] = '-';
    uint64_t nib = i < 16 ? (hi >> (60 - 4 * i)) & 15 : (lo >> (60 - 4 * (i - 16))) & 15;
    if (i == 12) nib = 4;
    if (i == 16) nib = 8 | (nib & 3);
    t[k++] = hex[nib];
  }
  buf_.append(t, t + 36);
}

void EventGenerator::put_customer_id(uint64_t c) {
  Light pr = light_of(opt_.seed, c);
  if (pr.id_kind == 1) {
    put("\"anonymousId\":\"anon-");
    static constexpr char hex[] = "0123456789abcdef";
    char t[12];
    for (int i = 0; i < 12; ++i) t[i] = hex[(mix(pr.h1 ^ 0xa707) >> (4 * i)) & 15];
    buf_.append(t, t + 12);
    put("\"");
  } else if (pr.id_kind == 2) {
    put("\"userId\":");
    put_uint(10'000'000 + c);
  } else {
    put("\"userId\":\"c-");
    put_uint(c + 1);
    put("\"");
  }
}

void EventGenerator::put_head(std::string_view type, std::string_view event, uint64_t c) {
  put("{\"type\":\"");
  put(type);
  put("\",");
  if (!event.empty()) {
    put("\"event\":\"");
    put(event);
    put("\",");
  }
  put_customer_id(c);
  put(",");
}

void EventGenerator::put_tail(const Pending& p) {
  put(",\"timestamp\":\"");
  put_time(p.ts);
  put("\"");
  if (has_message_id(p.salt)) {
    put(",\"messageId\":\"");
    put_uuid(p.salt);
    put("\"");
  }
  put("}");
}

void EventGenerator::put_items(uint64_t c, uint32_t cart, uint64_t* total_cents) {
  Cart k = cart_of(opt_.seed, cart, light_of(opt_.seed, c).spender);
  put("[");
  for (uint32_t i = 0; i < k.count; ++i) {
    const Product& pr = kProducts[k.items[i]];
    if (i) put(",");
    put("{\"name\":\"");
    put(pr.name);
    put("\",\"sku\":\"");
    put(pr.sku);
    put("\",\"price\":");
    put_cents(pr.cents);
    put("}");
  }
  put("]");
  *total_cents = k.total;
}

namespace {
void put_phone(fmt::memory_buffer& b, const Profile& p, uint64_t h) {
  auto digits = [&](int n) {
    char t[12];
    for (int i = 0; i < n; ++i) {
      t[i] = char('0' + h % 10);
      h /= 10;
    }
    b.append(t, t + n);
  };
  std::string_view c = p.country->code;
  auto put = [&](std::string_view s) { b.append(s.data(), s.data() + s.size()); };
  if (c == "FR") put(h & 1 ? "+336" : "+337"), h >>= 1, digits(8);
  else if (c == "DE") put("+4915"), digits(9);
  else if (c == "ES") put("+346"), digits(8);
  else if (c == "US") {
    constexpr std::string_view areas[] = {"212", "415", "312", "617", "206", "512"};
    put("+1"), put(areas[h % 6]), h /= 6, put("555"), digits(4);
  } else if (c == "GB") put("+447"), digits(9);
  else if (c == "JP") put("+8190"), digits(8);
  else put("+919"), digits(9);
}
}  // namespace

void EventGenerator::put_traits_full(const Pending& p) {
  Profile pr = profile_of(opt_.seed, p.customer);
  const Name& first = pr.country->first[pr.first];
  const Name& last = pr.country->last[pr.last];
  Plan plan = Plan((p.param >> 8) & 3);
  put("{\"email\":\"");
  if (pr.staff) {
    put(first.slug), put("."), put(last.slug);
  } else {
    if (pr.email_style == 0) put(first.slug), put("."), put(last.slug);
    else if (pr.email_style == 1) put(first.slug);
    else buf_.push_back(first.slug[0]), put(last.slug);
    put_uint(p.customer + 1);
  }
  put("@");
  put(pr.domain_caps ? std::string_view("Gmail.com") : pr.domain);
  put(pr.space_key ? "\",\"first name\":\"" : "\",\"first_name\":\"");
  put(first.text);
  put("\",\"last_name\":\"");
  put(last.text);
  put("\"");
  if (pr.phone) {
    put(",\"phone\":\"");
    put_phone(buf_, pr, pr.h3 >> 20);
    put("\"");
  }
  std::string_view zone = zone_of(pr);
  if (!zone.empty()) {
    put(",\"timezone\":\"");
    put(zone);
    put("\"");
  }
  put(",\"country\":\"");
  put(pr.country->code);
  put("\",\"plan\":\"");
  put(plan == kPro && (p.salt & 7) == 0 ? std::string_view("Pro") : kPlanNames[plan]);
  put("\"");
  if (plan != kFree) {
    uint32_t seats = plan == kPaid ? 1 : pr.seats;
    put(",\"seats\":");
    put_uint(seats);
    put(",\"monthly_price\":");
    put_cents(plan == kPaid ? 1299 : plan == kPro ? 2900ULL * seats : 1900ULL * seats);
  }
  put(",\"tags\":[");
  bool any = false;
  if (pr.vip) put("\"vip\""), any = true;
  for (size_t i = 0; i < std::size(kTags); ++i) {
    if ((pr.h2 >> (40 + 3 * i)) % 8 == 0) {
      if (any) put(",");
      put("\""), put(kTags[i]), put("\"");
      any = true;
    }
  }
  put("],\"ltv\":");
  // Lifetime value: a level per customer, growing a little each day of the stream.
  static constexpr uint64_t base[] = {0, 8000, 40000, 110000}, spread[] = {8000, 32000, 70000, 400000};
  uint64_t days = p.ts > opt_.start_ms ? uint64_t((p.ts - opt_.start_ms) / kDay) : 0;
  put_cents(base[pr.spender] + below(pr.h3, spread[pr.spender]) + days * pr.spender * 350);
  put(pr.newsletter ? ",\"newsletter_opt_in\":true" : ",\"newsletter_opt_in\":false");
  put(pr.marketing ? ",\"marketing_opt_in\":true" : ",\"marketing_opt_in\":false");
  if (pr.email_opt_in >= 0) put(pr.email_opt_in ? ",\"email_opt_in\":true" : ",\"email_opt_in\":false");
  if (pr.has_interests) {
    put(",\"interests\":[\"");
    put(kInterests[pr.h1 % 10]);
    if ((pr.h1 >> 8) & 1) put("\",\""), put(kInterests[(pr.h1 >> 12) % 10 == pr.h1 % 10 ? (pr.h1 + 1) % 10 : (pr.h1 >> 12) % 10]);
    put("\"]");
  }
  put("}");
}

void EventGenerator::render(const Pending& p) {
  buf_.clear();
  uint64_t h = mix(p.salt);
  auto pick = [&h](uint64_t n) {
    uint64_t v = below(h, n);
    h = mix(h);
    return v;
  };
  const uint64_t c = p.customer;
  switch (EventKind(p.kind)) {
    case EventKind::kIdentify: {
      put_head("identify", {}, c);
      put("\"traits\":");
      Profile pr = profile_of(opt_.seed, c);
      Plan plan = Plan((p.param >> 8) & 3);
      switch (p.param & 0xff) {
        case kFull: put_traits_full(p); break;
        case kLtvTags: {
          put("{\"ltv\":");
          static constexpr uint64_t base[] = {0, 8000, 40000, 110000}, spread[] = {8000, 32000, 70000, 400000};
          uint64_t days = p.ts > opt_.start_ms ? uint64_t((p.ts - opt_.start_ms) / kDay) : 0;
          put_cents(base[pr.spender] + below(pr.h3, spread[pr.spender]) + days * pr.spender * 350);
          put(",\"tags\":[");
          bool late_vip = pr.spender >= 2 && p.ts > opt_.start_ms + opt_.span_ms / 2;
          if (pr.vip || late_vip) put("\"vip\",");
          put("\"returning\"]}");
          break;
        }
        case kPlanChange: {
          put("{\"plan\":\"");
          uint64_t v = pick(16);
          put(plan != kPro ? kPlanNames[plan] : v == 0 ? "PRO" : v < 3 ? "Pro" : "pro");
          put("\"");
          if (plan == kPro || plan == kEnterprise) {
            uint32_t seats = plan == kPro ? uint32_t(1 + pick(12)) : pr.seats;
            if (pick(4)) {
              put(",\"seats\":");
              put_uint(seats);
            }
            put(",\"monthly_price\":");
            put_cents(plan == kPro ? (pick(2) ? 2900ULL : 2450ULL) * seats : 1900ULL * seats);
          } else if (plan == kPaid) {
            put(",\"monthly_price\":12.99");
          }
          put("}");
          break;
        }
        case kOptIns: {
          uint64_t v = pick(10);
          if (v < 4) put(v & 1 ? "{\"newsletter_opt_in\":true}" : "{\"newsletter_opt_in\":false}");
          else if (v < 8) put(v & 1 ? "{\"marketing_opt_in\":true}" : "{\"marketing_opt_in\":false}");
          else if (v == 8) put("{\"email_opt_in\":false,\"unsubscribed\":true}");
          else put("{\"email_opt_in\":true,\"unsubscribed\":null}");
          break;
        }
        case kContact: {
          uint64_t v = pick(10);
          if (v < 3) {
            put("{\"phone\":null}");
          } else if (v < 6) {
            put("{\"phone\":\"");
            put_phone(buf_, pr, h);
            put("\"}");
          } else {
            put("{\"timezone\":\"");
            std::string_view z = zone_of(pr);
            put(z.empty() ? pr.country->zones[0] : z);
            put("\"}");
          }
          break;
        }
        default: {
          put("{\"interests\":[\"");
          uint64_t i1 = pick(10), i2 = (i1 + 1 + pick(9)) % 10;  // two different ones
          put(kInterests[i1]);
          put("\",\"");
          put(kInterests[i2]);
          put("\"],\"last_seen_page\":\"/p/");
          put(kProducts[pick(kProductCount)].sku);
          put("\"}");
          break;
        }
      }
      break;
    }
    case EventKind::kSignup: {
      put_head("track", "signup", c);
      put("\"properties\":{\"plan\":\"");
      put(kPlanNames[p.param & 3]);
      put("\"");
      uint64_t v = pick(8);
      if (v < 6) {
        put(",\"utm_source\":\"");
        put(kUtmSources[pick(std::size(kUtmSources))]);
        put("\"");
        if (v < 2) put(",\"utm_campaign\":\"winter-2026\"");
      }
      put("}");
      break;
    }
    case EventKind::kLogin: {
      put_head("track", "login", c);
      if (p.param == 1) {
        put("\"properties\":{\"method\":\"password\",\"device\":\"legacy_app\",\"synced\":true}");
        break;
      }
      if (pick(10) == 0) {
        buf_.resize(buf_.size() - 1);  // no properties at all
        put_tail(p);
        return;
      }
      put("\"properties\":{\"method\":\"");
      put(kLoginMethods[pick(std::size(kLoginMethods))]);
      put("\",\"device\":\"");
      put(kDevices[pick(std::size(kDevices))]);
      put("\"}");
      break;
    }
    case EventKind::kProductViewed: {
      put_head("track", "Product Viewed", c);
      size_t k = pick(kProductCount);
      // Gift shopping: from 8 to 24 December a third of the views are gifts.
      vm::CivilDate d = vm::civil_from_days(p.ts / kDay);
      static_assert(kProducts[19].category == kGifts && kProducts[24].category == kGifts);
      if (d.month == 12 && d.day >= 8 && d.day <= 24 && pick(3) == 0) k = 19 + pick(6);
      const Product& pr = kProducts[k];
      put("\"properties\":{\"product_id\":\"");
      put(pr.sku);
      put("\",\"name\":\"");
      put(pr.name);
      put("\",\"category\":\"");
      put(kCategories[pr.category]);
      put("\",\"price\":");
      put_cents(pr.cents);
      put(",\"currency\":\"");
      put(light_of(opt_.seed, c).country->currency);
      put("\"}");
      break;
    }
    case EventKind::kCheckoutStarted: {
      put_head("track", "Checkout Started", c);
      put("\"properties\":{\"cart_id\":\"cart-");
      put_uint(p.a);
      put("\",\"cart_total\":");
      if (p.param == 1) {
        put("0,\"items\":[]");
      } else {
        uint64_t total = 0;
        put_cents(cart_of(opt_.seed, p.a, light_of(opt_.seed, c).spender).total);
        put(",\"items\":");
        put_items(c, p.a, &total);
      }
      put(",\"currency\":\"");
      put(light_of(opt_.seed, c).country->currency);
      put("\",\"cart_url\":\"https://laud.example/cart/");
      static constexpr char hex[] = "0123456789abcdef";
      char t[10];
      for (int i = 0; i < 10; ++i) t[i] = hex[(mix(p.a ^ opt_.seed) >> (4 * i)) & 15];
      buf_.append(t, t + 10);
      put("\"}");
      break;
    }
    case EventKind::kPurchase: {
      put_head("track", "purchase", c);
      Light pr = light_of(opt_.seed, c);
      Cart k = cart_of(opt_.seed, p.a, pr.spender);
      put("\"properties\":{\"order_id\":\"");
      put(p.param ? "s-" : "o-");
      put_uint(100000 + p.b);
      put("\",\"amount\":");
      put_cents(k.total);
      put(",\"currency\":\"");
      put(pr.country->currency);
      put(p.param ? "\",\"channel\":\"store\",\"store_id\":\"" : "\",\"channel\":\"web\",\"payment_method\":\"");
      put(p.param ? kStores[pick(std::size(kStores))] : kPayments[pick(std::size(kPayments))]);
      put("\"}");
      break;
    }
    case EventKind::kRefund: {
      put_head("track", "refund", c);
      Light pr = light_of(opt_.seed, c);
      Cart k = cart_of(opt_.seed, p.a, pr.spender);
      put("\"properties\":{\"order_id\":\"");
      put(p.param ? "s-" : "o-");
      put_uint(100000 + p.b);
      put("\",\"amount\":");
      put_cents(pick(3) == 0 ? k.total : kProducts[k.items[pick(k.count)]].cents);
      put(",\"currency\":\"");
      put(pr.country->currency);
      put("\",\"reason\":\"");
      put(kRefundReasons[pick(std::size(kRefundReasons))]);
      put("\"}");
      break;
    }
    case EventKind::kOrderCompleted: {
      put_head("track", "Order Completed", c);
      Light pr = light_of(opt_.seed, c);
      put("\"properties\":{\"order_id\":\"o-");
      put_uint(100000 + p.b);
      put("\",\"total\":");
      put_cents(cart_of(opt_.seed, p.a, pr.spender).total);
      put(",\"currency\":\"");
      put(pr.country->currency);
      put("\",\"items\":");
      uint64_t total;
      put_items(c, p.a, &total);
      if (pick(6) == 0) put(",\"coupon\":\"WELCOME10\"");
      put("}");
      break;
    }
    case EventKind::kOrderShipped:
    case EventKind::kOrderDelivered: {
      bool shipped = EventKind(p.kind) == EventKind::kOrderShipped;
      put_head("track", shipped ? "Order Shipped" : "Order Delivered", c);
      put("\"properties\":{\"order_id\":\"o-");
      put_uint(100000 + p.b);
      put("\"");
      uint64_t oh = mix(p.b ^ opt_.seed ^ 0xc0ffee);  // the same carrier for both events of an order
      const Carrier& car = kCarriers[oh % std::size(kCarriers)];
      bool named = (oh >> 8) % 10 != 0;
      if (named) put(",\"carrier\":\""), put(car.name), put("\"");
      if (shipped) {
        put(",\"tracking_url\":\"");
        put(car.url);
        put_uint(1'000'000'000ULL + (oh >> 20) % 9'000'000'000ULL);
        put((oh >> 16) % 3 ? "\",\"shipping_method\":\"standard\"" : "\",\"shipping_method\":\"express\"");
      }
      put("}");
      break;
    }
    case EventKind::kAppointmentBooked:
    case EventKind::kAppointmentCancelled: {
      bool booked = EventKind(p.kind) == EventKind::kAppointmentBooked;
      put_head("track", booked ? "Appointment Booked" : "Appointment Cancelled", c);
      put("\"properties\":{\"appointment_id\":\"apt-");
      put_uint(p.a);
      put("\"");
      if (booked) {
        int64_t starts = int64_t(p.b) * kMinute;
        put(",\"starts_at\":\"");
        uint64_t ah = mix(p.a ^ opt_.seed ^ 0xa99);
        if (ah % 4 == 0) {  // with the shop's offset instead of Z
          put_time(starts + kHour);
          buf_.resize(buf_.size() - 1);
          put("+01:00");
        } else {
          put_time(starts);
        }
        put("\"");
        if ((ah >> 4) % 8) put(",\"location\":\""), put(kLocations[(ah >> 8) % std::size(kLocations)]), put("\"");
        put(",\"service\":\"");
        put(kServices[(ah >> 12) % std::size(kServices)]);
        put("\",\"duration_minutes\":");
        put_uint((ah >> 16) % 2 ? 30 : 60);
      } else {
        put(pick(3) ? ",\"reason\":\"customer_request\"" : ",\"reason\":\"rescheduled\"");
      }
      put("}");
      break;
    }
    case EventKind::kTrialConverted: {
      put_head("track", "Trial Converted", c);
      put("\"properties\":{\"plan\":\"paid\",\"previous_plan\":\"");
      put(kPlanNames[p.param & 3]);
      put("\",\"trial_days\":14}");
      break;
    }
    case EventKind::kAccountDeleted: {
      put_head("track", "Account Deleted", c);
      put(pick(2) ? "\"properties\":{\"reason\":\"user_request\"}" : "\"properties\":{\"reason\":\"gdpr_request\"}");
      break;
    }
    case EventKind::kBad:
    default: {
      // Every kind of line the runtime must reject or ignore, in rotation.
      switch (p.param % 9) {
        case 0:  // bad JSON: cut off
          put_head("track", "login", c);
          put("\"properties\":{\"method\":\"password\"},\"timestamp\":\"");
          put_time(p.ts);
          put("\"");
          return;
        case 1:  // no user id
          put("{\"type\":\"track\",\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"GFT-BOX-026\"}");
          break;
        case 2:  // track without an event name
          put("{\"type\":\"track\",");
          put_customer_id(c);
          put(",\"properties\":{\"path\":\"/cart\"}");
          break;
        case 3: {  // bad timestamp
          put_head("track", "login", c);
          put("\"properties\":{},\"timestamp\":");
          constexpr std::string_view bad[] = {"\"2026-12-32T10:00:00Z\"", "\"yesterday\"", "1796083200",
                                              "\"2026-12-03 10:00\"", "\"2026-12-05T23:59:60Z\""};
          put(bad[(p.param / 9) % std::size(bad)]);
          put(",\"messageId\":\"");
          put_uuid(p.salt);
          put("\"}");
          return;
        }
        case 4:  // properties that are not an object
          put_head("track", "Checkout Started", c);
          put((p.param / 9) % 2 ? "\"properties\":\"cart_total=42\"" : "\"properties\":[42,\"GFT-CRD-050\"]");
          break;
        case 5:  // a blank line (skipped, not a reject)
          return;
        case 6:  // a type the engine ignores
          put_head("page", {}, c);
          put("\"name\":\"Home\",\"properties\":{\"path\":\"/\",\"title\":\"Laud Outfitters\"}");
          break;
        case 7:  // traits that are not an object
          put_head("identify", {}, c);
          put("\"traits\":[\"vip\"]");
          break;
        default:  // an empty userId
          put("{\"type\":\"track\",\"event\":\"login\",\"userId\":\"\",\"properties\":{}");
          break;
      }
      break;
    }
  }
  put_tail(p);
}

}  // namespace laud::bench
