// record_test.cc — dispatch records (§10): the id is FNV-1a 64 of
// `JOURNEY|CUSTOMER|KEY|ENTRY|LINE:COL|OCC` (computed here with an independent loop), the keys in
// order, and `to`/`vars` in the text forms of §3/§13.
#include "runtime/dispatch/record.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "runtime/dispatch/sink.h"

namespace laud::runtime {
namespace {

using vm::Value;

constexpr int64_t kT0 = 1'796'119'200'000;  // 2026-12-01T10:00:00Z

// FNV-1a 64, written out here rather than taken from vm/.
uint64_t fnv(std::string_view s) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

vm::SendDesc send_desc(vm::Channel ch = vm::Channel::kEmail, std::vector<std::string> keys = {}) {
  vm::SendDesc s;
  s.channel = ch;
  s.template_name = "onboarding/welcome";
  s.step = "welcome";
  s.line = 12;
  s.col = 5;
  s.with_keys = std::move(keys);
  return s;
}

std::string json(const DispatchRecord& r) {
  std::string out;
  append_dispatch_json(out, r);
  return out;
}

TEST(record_test, FnvLoopMatchesTheKnownVectors) {
  // Sanity of the test's own FNV: the published FNV-1a 64 test vectors.
  EXPECT_EQ(fnv(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv("foobar"), 0x85944171f73967e8ULL);
}

TEST(record_test, IdIsFnvOfTheSixParts) {
  vm::SendDesc s = send_desc();
  DispatchRecord r;
  r.journey = "onboarding";
  r.send = &s;
  r.customer = "c-42";
  r.key = "order-7";
  r.entry = 3;
  r.occurrence = 2;
  r.to = Value::string("ada@example.com");
  r.time = kT0;
  EXPECT_EQ(dispatch_id(r), fnv("onboarding|c-42|order-7|3|12:5|2"));
}

TEST(record_test, IdWithoutKeyHasAnEmptyField) {
  vm::SendDesc s = send_desc();
  s.line = 1;
  s.col = 1;
  DispatchRecord r;
  r.journey = "j";
  r.send = &s;
  r.customer = "u";
  r.entry = 1;
  r.occurrence = 0;
  r.to = Value::string("x");
  EXPECT_EQ(dispatch_id(r), fnv("j|u||1|1:1|0"));
}

TEST(record_test, IdChangesWithEveryPart) {
  vm::SendDesc s = send_desc();
  DispatchRecord base;
  base.journey = "j";
  base.send = &s;
  base.customer = "c";
  base.key = "k";
  base.entry = 1;
  base.occurrence = 0;
  uint64_t id = dispatch_id(base);
  DispatchRecord r = base;
  r.journey = "j2";
  EXPECT_NE(dispatch_id(r), id);
  r = base;
  r.customer = "c2";
  EXPECT_NE(dispatch_id(r), id);
  r = base;
  r.key = "";
  EXPECT_NE(dispatch_id(r), id);
  r = base;
  r.entry = 2;
  EXPECT_NE(dispatch_id(r), id);
  r = base;
  r.occurrence = 1;
  EXPECT_NE(dispatch_id(r), id);
  vm::SendDesc s2 = s;
  s2.col = 6;
  r = base;
  r.send = &s2;
  EXPECT_NE(dispatch_id(r), id);
  // The step label, channel, template, address, vars and time are not part of the id.
  vm::SendDesc s3 = s;
  s3.step = "other";
  s3.template_name = "other";
  s3.channel = vm::Channel::kSms;
  r = base;
  r.send = &s3;
  r.to = Value::string("elsewhere");
  r.time = kT0 + 1;
  EXPECT_EQ(dispatch_id(r), id);
}

TEST(record_test, IdOfLargeNumbersAndUnicode) {
  vm::SendDesc s = send_desc();
  s.line = 4294967295u;
  s.col = 1000000;
  DispatchRecord r;
  r.journey = "réengagement";
  r.send = &s;
  r.customer = "客户-😀";
  r.key = "a|b";
  r.entry = 4294967295u;
  r.occurrence = 4294967295u;
  EXPECT_EQ(dispatch_id(r), fnv("réengagement|客户-😀|a|b|4294967295|4294967295:1000000|4294967295"));
}

TEST(record_test, JsonKeysInOrder) {
  vm::SendDesc s = send_desc(vm::Channel::kEmail, {"name"});
  Value with[] = {Value::string("Ada")};
  DispatchRecord r;
  r.journey = "onboarding";
  r.send = &s;
  r.customer = "c-42";
  r.entry = 1;
  r.occurrence = 0;
  r.to = Value::string("ada@example.com");
  r.with = with;
  r.time = kT0;
  std::string want = "{\"id\":\"" + hex16(fnv("onboarding|c-42||1|12:5|0")) +
                     R"(","journey":"onboarding","step":"welcome","channel":"email","template":"onboarding/welcome",)"
                     R"("customer":"c-42","to":"ada@example.com","vars":{"name":"Ada"},"time":"2026-12-01T10:00:00Z"})";
  EXPECT_EQ(json(r), want);
}

TEST(record_test, IdIsSixteenLowercaseHexDigitsWithLeadingZeros) {
  // Find a record whose id has a leading zero nibble, and check it is padded.
  vm::SendDesc s = send_desc(vm::Channel::kPush);
  DispatchRecord r;
  r.journey = "j";
  r.send = &s;
  r.to = Value::string("x");
  r.entry = 1;
  std::string customer;
  for (int k = 0; k < 1000; ++k) {
    customer = "c" + std::to_string(k);
    r.customer = customer;
    if (dispatch_id(r) >> 60 == 0) break;
  }
  ASSERT_EQ(dispatch_id(r) >> 60, 0u);
  std::string out = json(r);
  ASSERT_EQ(out.substr(0, 7), "{\"id\":\"");
  std::string id = out.substr(7, 16);
  EXPECT_EQ(id, hex16(dispatch_id(r)));
  EXPECT_EQ(id[0], '0');
  for (char c : id) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
  EXPECT_EQ(out[23], '"');
}

TEST(record_test, ChannelNames) {
  const std::pair<vm::Channel, std::string_view> channels[] = {
      {vm::Channel::kEmail, "email"}, {vm::Channel::kSms, "sms"},     {vm::Channel::kPush, "push"},
      {vm::Channel::kWebhook, "webhook"}, {vm::Channel::kSlack, "slack"}, {vm::Channel::kInApp, "in_app"}};
  for (auto [ch, name] : channels) {
    vm::SendDesc s = send_desc(ch);
    DispatchRecord r;
    r.journey = "j";
    r.send = &s;
    r.customer = "c";
    r.entry = 1;
    r.to = Value::string("x");
    EXPECT_NE(json(r).find(std::string("\"channel\":\"") + std::string(name) + "\""), std::string::npos) << name;
  }
}

TEST(record_test, VarsOfEveryKind) {
  Value list_items[] = {Value::integer(1), Value::string("two"), Value::floating(3.0), Value(),
                        Value::boolean(false)};
  vm::SendDesc s = send_desc(vm::Channel::kWebhook, {"int", "neg", "float", "float2", "big", "yes", "no", "nothing",
                                                     "text", "t", "t_ms", "d", "d_ms", "d0", "list", "empty"});
  Value with[] = {Value::integer(42),
                  Value::integer(-9223372036854775807LL - 1),
                  Value::floating(150.5),
                  Value::floating(2.0),
                  Value::floating(1e21),
                  Value::boolean(true),
                  Value::boolean(false),
                  Value(),
                  Value::string("say \"hi\"\nback\\slash é 😀 \t\x01"),
                  Value::time(kT0),
                  Value::time(kT0 + 250),
                  Value::duration(36 * 3600 * 1000),
                  Value::duration(1500),
                  Value::duration(0),
                  Value::list_of(list_items, 5),
                  Value::list_of(nullptr, 0)};
  DispatchRecord r;
  r.journey = "j";
  r.send = &s;
  r.customer = "c";
  r.entry = 1;
  r.to = Value::string("https://hooks.example/x");
  r.with = with;
  r.time = kT0;
  std::string out = json(r);
  std::string want_vars =
      R"("vars":{"int":42,"neg":-9223372036854775808,"float":150.5,"float2":2.0,"big":1e+21,"yes":true,"no":false,)"
      R"("nothing":null,"text":"say \"hi\"\nback\\slash é 😀 \t\u0001","t":"2026-12-01T10:00:00Z",)"
      R"("t_ms":"2026-12-01T10:00:00.250Z","d":"1d12h","d_ms":"1.5s","d0":"0s","list":[1,"two",3.0,null,false],)"
      R"("empty":[]})";
  EXPECT_NE(out.find(want_vars), std::string::npos) << out;
}

TEST(record_test, EmptyVars) {
  vm::SendDesc s = send_desc(vm::Channel::kPush);
  DispatchRecord r;
  r.journey = "j";
  r.send = &s;
  r.customer = "c";
  r.entry = 1;
  r.to = Value::string("c");
  r.time = kT0;
  EXPECT_NE(json(r).find(R"("vars":{},"time":"2026-12-01T10:00:00Z"})"), std::string::npos) << json(r);
}

TEST(record_test, TimeWithMilliseconds) {
  vm::SendDesc s = send_desc(vm::Channel::kPush);
  DispatchRecord r;
  r.journey = "j";
  r.send = &s;
  r.customer = "c";
  r.entry = 1;
  r.to = Value::string("c");
  r.time = kT0 + 7;
  std::string out = json(r);
  EXPECT_EQ(out.substr(out.size() - 34), R"("time":"2026-12-01T10:00:00.007Z"})") << out;
}

TEST(record_test, ToKeepsItsKind) {
  vm::SendDesc s = send_desc(vm::Channel::kSms);
  DispatchRecord r;
  r.journey = "j";
  r.send = &s;
  r.customer = "c";
  r.entry = 1;
  r.to = Value::integer(33612345678);
  EXPECT_NE(json(r).find(R"("to":33612345678,)"), std::string::npos) << json(r);
  r.to = Value::string("a\"b");
  EXPECT_NE(json(r).find(R"("to":"a\"b",)"), std::string::npos) << json(r);
}

TEST(record_test, StringsAreEscapedEverywhere) {
  vm::SendDesc s = send_desc(vm::Channel::kPush);
  s.step = "st\"ep";
  s.template_name = "tem\\plate";
  DispatchRecord r;
  r.journey = "jour\nney";
  r.send = &s;
  r.customer = "cu\"st";
  r.entry = 1;
  r.to = Value::string("x");
  std::string out = json(r);
  EXPECT_NE(out.find(R"("journey":"jour\nney","step":"st\"ep","channel":"push","template":"tem\\plate",)"
                     R"("customer":"cu\"st")"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find('\n'), std::string::npos);
}

TEST(record_test, FewerValuesThanKeysWritesThePairsThatExist) {
  vm::SendDesc s = send_desc(vm::Channel::kPush, {"a", "b"});
  Value with[] = {Value::integer(1)};
  DispatchRecord r;
  r.journey = "j";
  r.send = &s;
  r.customer = "c";
  r.entry = 1;
  r.to = Value::string("c");
  r.with = with;
  EXPECT_NE(json(r).find(R"("vars":{"a":1})"), std::string::npos) << json(r);
}

TEST(record_test_sinks, StringSinkAppendsNewlines) {
  StringSink s;
  s.write("a");
  s.write("");
  s.write("{\"x\":1}");
  EXPECT_EQ(s.text, "a\n\n{\"x\":1}\n");
  EXPECT_EQ(s.lines, 3u);
  EXPECT_EQ(s.position(), static_cast<int64_t>(s.text.size()));
  NullSink n;
  n.write("x");
  n.write("y");
  EXPECT_EQ(n.lines, 2u);
}

}  // namespace
}  // namespace laud::runtime
