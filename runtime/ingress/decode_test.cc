// decode_test.cc — the input rules of LANGUAGE.md §8 and §13, one line at a time: accepted
// track/identify events, ignored types, blank lines, and rejects with reasons that name the field.
#include "runtime/ingress/decode.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "vm/time_text.h"

namespace laud::runtime {
namespace {

constexpr std::string_view kTs = "2026-12-01T10:00:00Z";

int64_t ts(std::string_view text) {
  std::optional<int64_t> t = vm::parse_rfc3339(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(0);
}

struct Result {
  Decoded kind;
  Event event;
  std::string reason;
};

class decode_test : public testing::Test {
 protected:
  Result decode(std::string_view line, std::optional<int64_t> arrival = std::nullopt) {
    Result r;
    r.kind = decoder_.decode(line, arrival, r.event, r.reason);
    return r;
  }
  // A line that must be accepted.
  Event accept(std::string_view line, std::optional<int64_t> arrival = std::nullopt) {
    Result r = decode(line, arrival);
    EXPECT_EQ(r.kind, Decoded::kEvent) << line << " → " << r.reason;
    return std::move(r.event);
  }
  // A line that must be rejected; returns the reason.
  std::string reject(std::string_view line, std::optional<int64_t> arrival = std::nullopt) {
    Result r = decode(line, arrival);
    EXPECT_EQ(r.kind, Decoded::kReject) << line;
    EXPECT_FALSE(r.reason.empty()) << line;
    return r.reason;
  }
  EventDecoder decoder_;
};

std::string track(std::string_view extra) {
  return std::string(R"({"type":"track","userId":"u1","event":"ping","timestamp":")") + std::string(kTs) + "\"" +
         std::string(extra) + "}";
}

const Doc* prop(const Event& e, std::string_view key) { return e.properties.find(key); }

// ---------------------------------------------------------------- types and shapes

TEST_F(decode_test, TrackIsAccepted) {
  Event e = accept(R"({"type":"track","userId":"c-42","event":"Order Completed","properties":{"amount":12},)"
                   R"("timestamp":"2026-12-01T10:00:00Z"})");
  EXPECT_EQ(e.type, EventType::kTrack);
  EXPECT_EQ(e.customer, "c-42");
  EXPECT_EQ(e.name, "Order Completed");
  EXPECT_EQ(e.time, ts(kTs));
  EXPECT_FALSE(e.has_message_id);
  ASSERT_NE(prop(e, "amount"), nullptr);
  EXPECT_EQ(prop(e, "amount")->type, Doc::Type::kInt);
  EXPECT_EQ(prop(e, "amount")->i, 12);
}

TEST_F(decode_test, IdentifyIsTheEventDollarIdentifyWithTraitsAsProperties) {
  Event e = accept(R"({"type":"identify","userId":"c1","traits":{"plan":"pro","age":30},)"
                   R"("properties":{"ignored":1},"timestamp":"2026-12-01T10:00:00Z"})");
  EXPECT_EQ(e.type, EventType::kIdentify);
  EXPECT_EQ(e.name, "$identify");
  ASSERT_NE(prop(e, "plan"), nullptr);
  EXPECT_EQ(prop(e, "plan")->s, "pro");
  EXPECT_EQ(prop(e, "ignored"), nullptr);
  EXPECT_EQ(e.properties.members.size(), 2u);
}

TEST_F(decode_test, IdentifyNeedsNoEventName) {
  Event e = accept(R"({"type":"identify","userId":"c1","timestamp":"2026-12-01T10:00:00Z"})");
  EXPECT_EQ(e.name, "$identify");
  EXPECT_TRUE(e.properties.is_object());
  EXPECT_TRUE(e.properties.members.empty());
}

TEST_F(decode_test, OtherTypesAreIgnored) {
  for (std::string_view t : {"page", "screen", "group", "alias", "Track", "IDENTIFY", ""}) {
    std::string line = std::string(R"({"type":")") + std::string(t) +
                       R"(","userId":"u1","event":"ping","timestamp":"2026-12-01T10:00:00Z"})";
    EXPECT_EQ(decode(line).kind, Decoded::kIgnored) << line;
  }
  // Ignored before any other rule: no user id, no timestamp are fine for an ignored type.
  EXPECT_EQ(decode(R"({"type":"page"})").kind, Decoded::kIgnored);
}

TEST_F(decode_test, MissingOrNonStringTypeIsARejectNamingType) {
  EXPECT_NE(reject(R"({"userId":"u1","event":"x","timestamp":"2026-12-01T10:00:00Z"})").find("type"),
            std::string::npos);
  EXPECT_NE(reject(R"({"type":1,"userId":"u1","event":"x","timestamp":"2026-12-01T10:00:00Z"})").find("type"),
            std::string::npos);
  EXPECT_NE(reject(R"({"type":null,"userId":"u1","event":"x","timestamp":"2026-12-01T10:00:00Z"})").find("type"),
            std::string::npos);
}

TEST_F(decode_test, BlankLinesAreSkippedNotRejected) {
  for (std::string_view line : {"", " ", "\t", "   \t  ", "\r", " \r"}) {
    Result r = decode(line);
    EXPECT_EQ(r.kind, Decoded::kBlank) << '"' << line << '"';
    EXPECT_TRUE(r.reason.empty());
  }
}

TEST_F(decode_test, BadJsonIsARejectSayingJson) {
  for (std::string_view line : {"{", "not json", R"({"type":"track",})", R"({"type":"track"} trailing)",
                                "{\"type\":\"tr\xff\"}", "[1,2", "{'type':'track'}"}) {
    std::string reason = reject(line);
    EXPECT_NE(reason.find("JSON"), std::string::npos) << line << " → " << reason;
  }
}

TEST_F(decode_test, NonObjectRootsAreRejectsSayingObject) {
  for (std::string_view line : {"[]", "[{\"type\":\"track\"}]", "42", "\"track\"", "null", "true"}) {
    std::string reason = reject(line);
    EXPECT_NE(reason.find("object"), std::string::npos) << line << " → " << reason;
  }
}

// ---------------------------------------------------------------- user ids

TEST_F(decode_test, UserIdStringOrInteger) {
  EXPECT_EQ(accept(R"({"type":"track","userId":"abc","event":"e","timestamp":"2026-12-01T10:00:00Z"})").customer,
            "abc");
  EXPECT_EQ(accept(R"({"type":"track","userId":42,"event":"e","timestamp":"2026-12-01T10:00:00Z"})").customer, "42");
  EXPECT_EQ(accept(R"({"type":"track","userId":-7,"event":"e","timestamp":"2026-12-01T10:00:00Z"})").customer, "-7");
  EXPECT_EQ(accept(R"({"type":"track","userId":0,"event":"e","timestamp":"2026-12-01T10:00:00Z"})").customer, "0");
  EXPECT_EQ(accept(R"({"type":"track","userId":-9223372036854775808,"event":"e","timestamp":"2026-12-01T10:00:00Z"})")
                .customer,
            "-9223372036854775808");
}

TEST_F(decode_test, UserIdBeyondInt64IsItsUnsignedDecimal) {
  EXPECT_EQ(accept(R"({"type":"track","userId":9223372036854775808,"event":"e","timestamp":"2026-12-01T10:00:00Z"})")
                .customer,
            "9223372036854775808");
  EXPECT_EQ(accept(R"({"type":"track","userId":18446744073709551615,"event":"e","timestamp":"2026-12-01T10:00:00Z"})")
                .customer,
            "18446744073709551615");
}

TEST_F(decode_test, AnonymousIdIsTheFallback) {
  EXPECT_EQ(accept(R"({"type":"track","anonymousId":"anon-1","event":"e","timestamp":"2026-12-01T10:00:00Z"})")
                .customer,
            "anon-1");
  EXPECT_EQ(accept(R"({"type":"track","anonymousId":77,"event":"e","timestamp":"2026-12-01T10:00:00Z"})").customer,
            "77");
  // A null userId is an absent one.
  EXPECT_EQ(accept(R"({"type":"track","userId":null,"anonymousId":"a","event":"e","timestamp":"2026-12-01T10:00:00Z"})")
                .customer,
            "a");
  // userId wins when both are present.
  EXPECT_EQ(accept(R"({"type":"track","anonymousId":"a","userId":"u","event":"e","timestamp":"2026-12-01T10:00:00Z"})")
                .customer,
            "u");
}

TEST_F(decode_test, NoUserIdIsARejectNamingTheFields) {
  std::string r = reject(R"({"type":"track","event":"e","timestamp":"2026-12-01T10:00:00Z"})");
  EXPECT_NE(r.find("userId"), std::string::npos) << r;
  EXPECT_NE(r.find("anonymousId"), std::string::npos) << r;
  r = reject(R"({"type":"identify","userId":null,"anonymousId":null,"timestamp":"2026-12-01T10:00:00Z"})");
  EXPECT_NE(r.find("userId"), std::string::npos) << r;
}

TEST_F(decode_test, IntegralFloatIdsAreIntegers) {
  // JSON has one number type (§3): 2.0 and 1e3 are the integers 2 and 1000.
  for (auto [v, id] : {std::pair<std::string_view, std::string_view>{"2.0", "2"}, {"1e3", "1000"}, {"-4.0", "-4"}}) {
    Result r = decode(std::string(R"({"type":"track","userId":)") + std::string(v) +
                      R"(,"event":"e","timestamp":"2026-12-01T10:00:00Z","messageId":5.0})");
    ASSERT_EQ(r.kind, Decoded::kEvent) << r.reason;
    EXPECT_EQ(r.event.customer, id);
    EXPECT_EQ(r.event.message_id, "5");
  }
}

TEST_F(decode_test, EmptyFloatBoolAndOtherIdsAreRejected) {
  for (std::string_view v : {R"("")", "1.5", "1e300", "true", "false", "[1]", R"({"id":1})"}) {
    std::string line =
        std::string(R"({"type":"track","userId":)") + std::string(v) + R"(,"event":"e","timestamp":"2026-12-01T10:00:00Z"})";
    std::string r = reject(line);
    EXPECT_NE(r.find("userId"), std::string::npos) << line << " → " << r;
  }
  for (std::string_view v : {R"("")", "3.25", "false"}) {
    std::string line = std::string(R"({"type":"track","anonymousId":)") + std::string(v) +
                       R"(,"event":"e","timestamp":"2026-12-01T10:00:00Z"})";
    std::string r = reject(line);
    EXPECT_NE(r.find("anonymousId"), std::string::npos) << line << " → " << r;
  }
  // A bad userId is a reject even when anonymousId would do.
  reject(R"({"type":"track","userId":"","anonymousId":"a","event":"e","timestamp":"2026-12-01T10:00:00Z"})");
}

// ---------------------------------------------------------------- event name

TEST_F(decode_test, TrackWithoutEventNameIsARejectNamingEvent) {
  for (std::string_view ev : {"", R"(,"event":null)", R"(,"event":"")", R"(,"event":5)", R"(,"event":{"n":"x"})"}) {
    std::string line =
        std::string(R"({"type":"track","userId":"u1","timestamp":"2026-12-01T10:00:00Z")") + std::string(ev) + "}";
    std::string r = reject(line);
    EXPECT_NE(r.find("event"), std::string::npos) << line << " → " << r;
  }
}

// ---------------------------------------------------------------- properties and traits

TEST_F(decode_test, NullOrMissingPropertiesAreAnEmptyObject) {
  for (std::string_view extra : {"", R"(,"properties":null)"}) {
    Event e = accept(track(extra));
    EXPECT_TRUE(e.properties.is_object());
    EXPECT_TRUE(e.properties.members.empty());
  }
  Event e = accept(R"({"type":"identify","userId":"u1","traits":null,"timestamp":"2026-12-01T10:00:00Z"})");
  EXPECT_TRUE(e.properties.is_object());
  EXPECT_TRUE(e.properties.members.empty());
}

TEST_F(decode_test, NonObjectPropertiesOrTraitsAreRejectsNamingThem) {
  for (std::string_view v : {"[]", "[1]", "1", "\"x\"", "true"}) {
    std::string r = reject(track(std::string(R"(,"properties":)") + std::string(v)));
    EXPECT_NE(r.find("properties"), std::string::npos) << v << " → " << r;
    r = reject(std::string(R"({"type":"identify","userId":"u1","timestamp":"2026-12-01T10:00:00Z","traits":)") +
               std::string(v) + "}");
    EXPECT_NE(r.find("traits"), std::string::npos) << v << " → " << r;
  }
}

TEST_F(decode_test, PropertiesKeepEveryJsonKind) {
  Event e = accept(track(R"(,"properties":{"s":"x","i":-3,"f":2.5,"b":true,"n":null,"a":[1,"two",null],)"
                         R"("o":{"k":{"deep":1}}})"));
  EXPECT_EQ(prop(e, "s")->type, Doc::Type::kString);
  EXPECT_EQ(prop(e, "i")->type, Doc::Type::kInt);
  EXPECT_EQ(prop(e, "i")->i, -3);
  EXPECT_EQ(prop(e, "f")->type, Doc::Type::kFloat);
  EXPECT_EQ(prop(e, "f")->f, 2.5);
  EXPECT_EQ(prop(e, "b")->type, Doc::Type::kBool);
  EXPECT_TRUE(prop(e, "b")->b);
  ASSERT_NE(prop(e, "n"), nullptr);  // a null member is present (it is null, not missing)
  EXPECT_EQ(prop(e, "n")->type, Doc::Type::kNull);
  ASSERT_EQ(prop(e, "a")->type, Doc::Type::kArray);
  ASSERT_EQ(prop(e, "a")->items.size(), 3u);
  EXPECT_EQ(prop(e, "a")->items[1].s, "two");
  const Doc* o = prop(e, "o");
  ASSERT_TRUE(o && o->is_object());
  ASSERT_TRUE(o->find("k") && o->find("k")->find("deep"));
  EXPECT_EQ(o->find("k")->find("deep")->i, 1);
  std::string json;
  append_doc_json(json, e.properties);
  EXPECT_EQ(json, R"({"s":"x","i":-3,"f":2.5,"b":true,"n":null,"a":[1,"two",null],"o":{"k":{"deep":1}}})");
}

TEST_F(decode_test, IntegralFloatsBecomeInts) {
  Event e = accept(track(R"(,"properties":{"a":2.0,"b":1e3,"c":-0.0,"d":2.5,"e":1e300,"f":-4E+2,"g":[3.0]})"));
  EXPECT_EQ(prop(e, "a")->type, Doc::Type::kInt);
  EXPECT_EQ(prop(e, "a")->i, 2);
  EXPECT_EQ(prop(e, "b")->type, Doc::Type::kInt);
  EXPECT_EQ(prop(e, "b")->i, 1000);
  EXPECT_EQ(prop(e, "c")->type, Doc::Type::kInt);
  EXPECT_EQ(prop(e, "c")->i, 0);
  EXPECT_EQ(prop(e, "d")->type, Doc::Type::kFloat);
  EXPECT_EQ(prop(e, "e")->type, Doc::Type::kFloat);  // integral but beyond int64
  EXPECT_EQ(prop(e, "e")->f, 1e300);
  EXPECT_EQ(prop(e, "f")->type, Doc::Type::kInt);
  EXPECT_EQ(prop(e, "f")->i, -400);
  EXPECT_EQ(prop(e, "g")->items[0].type, Doc::Type::kInt);
}

TEST_F(decode_test, IntegersBeyondInt64BecomeFloats) {
  Event e = accept(track(R"(,"properties":{"big":18446744073709551615,"edge":9223372036854775807,)"
                         R"("min":-9223372036854775808})"));
  EXPECT_EQ(prop(e, "big")->type, Doc::Type::kFloat);
  EXPECT_EQ(prop(e, "big")->f, 18446744073709551615.0);
  EXPECT_EQ(prop(e, "edge")->type, Doc::Type::kInt);
  EXPECT_EQ(prop(e, "edge")->i, INT64_MAX);
  EXPECT_EQ(prop(e, "min")->type, Doc::Type::kInt);
  EXPECT_EQ(prop(e, "min")->i, INT64_MIN);
}

TEST_F(decode_test, NumbersOutsideTheDoubleRangeAreRejects) {
  for (std::string_view v : {"1e400", "-1e400", "1.5e309", "123456789012345678901234567890e300"}) {
    Result r = decode(track(std::string(R"(,"properties":{"x":)") + std::string(v) + "}"));
    EXPECT_EQ(r.kind, Decoded::kReject) << v;
    EXPECT_FALSE(r.reason.empty());
  }
  // Anywhere on the line, also where decode() does not look.
  EXPECT_EQ(decode(track(R"(,"context":{"x":1e999})")).kind, Decoded::kReject);
  // Tiny numbers are fine (they underflow to zero, they are not out of range).
  Event e = accept(track(R"(,"properties":{"x":1e-400})"));
  ASSERT_NE(prop(e, "x"), nullptr);
  EXPECT_TRUE(prop(e, "x")->type == Doc::Type::kInt || prop(e, "x")->type == Doc::Type::kFloat);
}

TEST_F(decode_test, IntegersBeyondUint64AreFloatsNotRejects) {
  // 1e20 written as an integer is well inside the double range (§13 rejects only numbers outside it).
  Result r = decode(track(R"(,"properties":{"x":99999999999999999999,"y":-99999999999999999999})"));
  ASSERT_EQ(r.kind, Decoded::kEvent) << r.reason;
  ASSERT_NE(prop(r.event, "x"), nullptr);
  EXPECT_EQ(prop(r.event, "x")->type, Doc::Type::kFloat);
  EXPECT_EQ(prop(r.event, "x")->f, 1e20);
  EXPECT_EQ(prop(r.event, "y")->f, -1e20);
}

TEST_F(decode_test, DuplicateKeysInPropertiesLastWins) {
  Event e = accept(track(R"(,"properties":{"a":1,"b":2,"a":3,"o":{"x":1,"x":{"y":2}}})"));
  ASSERT_NE(prop(e, "a"), nullptr);
  EXPECT_EQ(prop(e, "a")->i, 3);
  EXPECT_EQ(e.properties.members.size(), 3u);
  ASSERT_TRUE(prop(e, "o")->find("x")->is_object());
  EXPECT_EQ(prop(e, "o")->find("x")->find("y")->i, 2);
}

TEST_F(decode_test, DuplicateTopLevelKeysLastWins) {
  // JSON.parse semantics, as for properties: the last `userId`, `event`, `timestamp` wins.
  Result r = decode(R"({"type":"track","userId":"first","event":"a","timestamp":"2026-12-01T10:00:00Z",)"
                    R"("userId":"second","event":"b","timestamp":"2026-12-02T10:00:00Z"})");
  ASSERT_EQ(r.kind, Decoded::kEvent) << r.reason;
  EXPECT_EQ(r.event.customer, "second");
  EXPECT_EQ(r.event.name, "b");
  EXPECT_EQ(r.event.time, ts("2026-12-02T10:00:00Z"));
  // `type` too: the last one decides whether the line is an event at all.
  EXPECT_EQ(decode(R"({"type":"track","type":"page","userId":"u","event":"e","timestamp":"2026-12-01T10:00:00Z"})")
                .kind,
            Decoded::kIgnored);
}

// ---------------------------------------------------------------- timestamps

TEST_F(decode_test, MissingTimestampIsARejectUnderTheEventClock) {
  std::string r = reject(R"({"type":"track","userId":"u1","event":"e"})");
  EXPECT_NE(r.find("timestamp"), std::string::npos) << r;
  r = reject(R"({"type":"identify","userId":"u1","traits":{}})");
  EXPECT_NE(r.find("timestamp"), std::string::npos) << r;
}

TEST_F(decode_test, MissingTimestampIsTheArrivalTimeUnderTheWallClock) {
  int64_t arrival = ts("2030-01-02T03:04:05.678Z");
  EXPECT_EQ(accept(R"({"type":"track","userId":"u1","event":"e"})", arrival).time, arrival);
  // A present timestamp wins over the arrival time.
  EXPECT_EQ(accept(track(""), arrival).time, ts(kTs));
}

TEST_F(decode_test, NullTimestampIsAMissingOne) {
  std::string r = reject(R"({"type":"track","userId":"u1","event":"e","timestamp":null})");
  EXPECT_NE(r.find("timestamp"), std::string::npos) << r;
  int64_t arrival = 1234567;
  EXPECT_EQ(accept(R"({"type":"track","userId":"u1","event":"e","timestamp":null})", arrival).time, arrival);
}

TEST_F(decode_test, BadTimestampsAreRejectsNamingTimestamp) {
  for (std::string_view v :
       {R"("2026-12-01T10:00:60Z")", R"("2026-12-01T10:00:00")", R"("2026-12-01 10:00:00")", R"("2026-12-01")",
        R"("2026-13-01T10:00:00Z")", R"("2026-02-30T10:00:00Z")", R"("2026-12-01T24:00:00Z")", R"("")",
        R"("yesterday")", R"("2026-12-01T10:00:00.Z")", R"("2026-12-01T10:00Z")", R"("10000-01-01T00:00:00Z")",
        R"(" 2026-12-01T10:00:00Z")", R"("2026-12-01T10:00:00Z ")", "1764583200000", "1764583200", "true", "[]",
        R"({"t":1})"}) {
    std::string line = std::string(R"({"type":"track","userId":"u1","event":"e","timestamp":)") + std::string(v) + "}";
    std::string r = reject(line);
    EXPECT_NE(r.find("timestamp"), std::string::npos) << line << " → " << r;
    // Even under the wall clock: a bad timestamp is not a missing one.
    reject(line, 42);
  }
}

TEST_F(decode_test, TimestampFormsAndOffsets) {
  int64_t base = ts(kTs);
  auto at = [&](std::string_view v) {
    return accept(std::string(R"({"type":"track","userId":"u1","event":"e","timestamp":")") + std::string(v) + "\"}")
        .time;
  };
  EXPECT_EQ(at("2026-12-01T10:00:00Z"), base);
  EXPECT_EQ(at("2026-12-01t10:00:00z"), base);
  EXPECT_EQ(at("2026-12-01T11:00:00+01:00"), base);
  EXPECT_EQ(at("2026-12-01T04:30:00-05:30"), base);
  EXPECT_EQ(at("2026-12-01T10:00:00.5Z"), base + 500);
  EXPECT_EQ(at("2026-12-01T10:00:00.250Z"), base + 250);
}

TEST_F(decode_test, TimestampFractionsAreTruncatedToMilliseconds) {
  int64_t base = ts(kTs);
  auto at = [&](std::string_view v) {
    return accept(std::string(R"({"type":"track","userId":"u1","event":"e","timestamp":")") + std::string(v) + "\"}")
        .time;
  };
  EXPECT_EQ(at("2026-12-01T10:00:00.1239Z"), base + 123);
  EXPECT_EQ(at("2026-12-01T10:00:00.999999999Z"), base + 999);
  EXPECT_EQ(at("2026-12-01T10:00:00.0001Z"), base);
  // Before the epoch, truncation is of the fraction as written, not toward zero of the total.
  int64_t pre = ts("1969-12-31T23:59:59Z");
  EXPECT_EQ(at("1969-12-31T23:59:59.9999Z"), pre + 999);
}

// ---------------------------------------------------------------- messageId

TEST_F(decode_test, MessageIdStringIntegerOrNull) {
  Event e = accept(track(R"(,"messageId":"m-1")"));
  EXPECT_TRUE(e.has_message_id);
  EXPECT_EQ(e.message_id, "m-1");
  e = accept(track(R"(,"messageId":12345)"));
  EXPECT_TRUE(e.has_message_id);
  EXPECT_EQ(e.message_id, "12345");
  e = accept(track(R"(,"messageId":null)"));
  EXPECT_FALSE(e.has_message_id);
  EXPECT_TRUE(e.message_id.empty());
}

TEST_F(decode_test, MessageIdIsResetBetweenLines) {
  Event e;
  std::string reason;
  ASSERT_EQ(decoder_.decode(track(R"(,"messageId":"m-1")"), std::nullopt, e, reason), Decoded::kEvent);
  ASSERT_EQ(decoder_.decode(track(""), std::nullopt, e, reason), Decoded::kEvent);
  EXPECT_FALSE(e.has_message_id);
  EXPECT_TRUE(e.message_id.empty());
}

TEST_F(decode_test, BadMessageIdsAreRejectsNamingMessageId) {
  for (std::string_view v : {"1.5", "true", "[]", R"({"a":1})", R"("")"}) {
    std::string r = reject(track(std::string(R"(,"messageId":)") + std::string(v)));
    EXPECT_NE(r.find("messageId"), std::string::npos) << v << " → " << r;
  }
}

TEST_F(decode_test, DecoderIsReusableAfterRejects) {
  reject("{");
  reject("[]");
  reject(R"({"type":"track"})");
  Event e = accept(track(R"(,"properties":{"k":"v"})"));
  EXPECT_EQ(prop(e, "k")->s, "v");
  // A line that is not NUL-terminated in memory and followed by other bytes.
  std::string buf = track("") + "GARBAGE";
  Event e2 = accept(std::string_view(buf).substr(0, buf.size() - 7));
  EXPECT_EQ(e2.customer, "u1");
}

}  // namespace
}  // namespace laud::runtime

namespace laud::runtime {
namespace {

TEST(decode_big_integers, OnlyNumbersOutsideStringsAreWidened) {
  EventDecoder d;
  Event e;
  std::string reason;
  std::string line = R"({"type":"track","userId":"u","event":"e","timestamp":"2026-12-01T10:00:00Z",)"
                     R"("properties":{"s":"12345678901234567890123 \" 99999999999999999999","n":123456789012345678901234}})";
  ASSERT_EQ(d.decode(line, std::nullopt, e, reason), Decoded::kEvent) << reason;
  EXPECT_EQ(e.properties.find("s")->s, "12345678901234567890123 \" 99999999999999999999");
  EXPECT_EQ(e.properties.find("n")->type, Doc::Type::kFloat);
  EXPECT_EQ(e.properties.find("n")->f, 123456789012345678901234.0);
  // Out of the double range stays a reject, big integers or not.
  std::string big = R"({"type":"track","userId":"u","event":"e","timestamp":"2026-12-01T10:00:00Z",)"
                    R"("properties":{"n":1e400,"m":99999999999999999999}})";
  EXPECT_EQ(d.decode(big, std::nullopt, e, reason), Decoded::kReject);
}

}  // namespace
}  // namespace laud::runtime
