// profile_test.cc — traits: identify merges per top-level key in place (null removes, nested
// objects are replaced wholesale), `set customer.a.b` writes one path, and values a `set` replaces
// stay alive in the Graveyard until the event is done. Also refilling a Doc from JSON.
#include "runtime/audience/profile.h"

#include <gtest/gtest.h>

#include <simdjson.h>

#include <string>

namespace laud::runtime {
namespace {

Doc parse(std::string_view json) {
  simdjson::dom::parser p;
  simdjson::dom::element e;
  EXPECT_FALSE(p.parse(json.data(), json.size(), true).get(e)) << json;
  return doc_from_json(e);
}

std::string json(const Doc& d) {
  std::string out;
  append_doc_json(out, d);
  return out;
}

Doc I(int64_t v) {
  Doc d;
  d.type = Doc::Type::kInt;
  d.i = v;
  return d;
}

Doc null_doc() { return Doc(); }

// ---------------------------------------------------------------- merge_traits

TEST(profile_test, MergeAddsAndReplacesPerTopLevelKey) {
  Graveyard g;
  Doc traits = parse(R"({"name":"Ada","plan":"free"})");
  Doc in = parse(R"({"plan":"pro","age":36})");
  merge_traits(traits, in);
  EXPECT_EQ(json(traits), R"({"name":"Ada","plan":"pro","age":36})");
}

TEST(profile_test, MergeNullRemovesTheKey) {
  Graveyard g;
  Doc traits = parse(R"({"name":"Ada","phone":"+1","email":"a@x"})");
  Doc in = parse(R"({"phone":null,"missing":null})");
  merge_traits(traits, in);
  EXPECT_EQ(json(traits), R"({"name":"Ada","email":"a@x"})");
  EXPECT_EQ(traits.find("missing"), nullptr);  // removing an absent key adds nothing
}

TEST(profile_test, MergeReplacesNestedObjectsWholesale) {
  Graveyard g;
  Doc traits = parse(R"({"address":{"city":"Paris","zip":"75001"},"tags":["a","b"]})");
  Doc in = parse(R"({"address":{"city":"Lyon"},"tags":["c"]})");
  merge_traits(traits, in);
  EXPECT_EQ(json(traits), R"({"address":{"city":"Lyon"},"tags":["c"]})");
}

TEST(profile_test, MergeIntoANonObjectStartsAnObject) {
  Graveyard g;
  Doc traits;  // null
  Doc in = parse(R"({"a":1})");
  merge_traits(traits, in);
  EXPECT_EQ(json(traits), R"({"a":1})");
}

TEST(profile_test, MergeOfAnEmptyObjectChangesNothing) {
  Graveyard g;
  Doc traits = parse(R"({"a":1,"b":{"c":2}})");
  Doc in = Doc::object();
  merge_traits(traits, in);
  EXPECT_EQ(json(traits), R"({"a":1,"b":{"c":2}})");
}

TEST(profile_test, MergeKeepsInsertionOrderOfExistingKeys) {
  Graveyard g;
  Doc traits = parse(R"({"a":1,"b":2,"c":3})");
  Doc in = parse(R"({"b":null,"d":4,"a":5,"b":6})");
  merge_traits(traits, in);
  // b was removed by nothing in the end: the duplicate key in the input resolved to its last value (6).
  EXPECT_EQ(json(traits), R"({"a":5,"b":6,"c":3,"d":4})");
}

// ---------------------------------------------------------------- set_trait_path

TEST(profile_test, SetTopLevel) {
  Graveyard g;
  Doc traits = Doc::object();
  set_trait_path(traits, "tier", Doc::string("gold"), g);
  EXPECT_EQ(json(traits), R"({"tier":"gold"})");
  set_trait_path(traits, "tier", I(3), g);
  EXPECT_EQ(json(traits), R"({"tier":3})");
}

TEST(profile_test, SetCreatesNestedObjects) {
  Graveyard g;
  Doc traits = parse(R"({"name":"Ada"})");
  set_trait_path(traits, "address.geo.lat", I(48), g);
  EXPECT_EQ(json(traits), R"({"name":"Ada","address":{"geo":{"lat":48}}})");
  set_trait_path(traits, "address.city", Doc::string("Paris"), g);
  EXPECT_EQ(json(traits), R"({"name":"Ada","address":{"geo":{"lat":48},"city":"Paris"}})");
}

TEST(profile_test, SetNullRemovesOnlyTheLeaf) {
  Graveyard g;
  Doc traits = parse(R"({"address":{"city":"Paris","zip":"75001"}})");
  set_trait_path(traits, "address.zip", null_doc(), g);
  EXPECT_EQ(json(traits), R"({"address":{"city":"Paris"}})");
  set_trait_path(traits, "address", null_doc(), g);
  EXPECT_EQ(json(traits), R"({})");
}

TEST(profile_test, SetNullOnAMissingPathCreatesNothing) {
  Graveyard g;
  Doc traits = parse(R"({"a":1})");
  set_trait_path(traits, "x.y.z", null_doc(), g);
  set_trait_path(traits, "b", null_doc(), g);
  EXPECT_EQ(json(traits), R"({"a":1})");
}

TEST(profile_test, SetThroughANonObjectReplacesIt) {
  Graveyard g;
  Doc traits = parse(R"({"address":"10 Main St","n":[1,2]})");
  set_trait_path(traits, "address.city", Doc::string("Paris"), g);
  set_trait_path(traits, "n.first", I(1), g);
  EXPECT_EQ(json(traits), R"({"address":{"city":"Paris"},"n":{"first":1}})");
}

TEST(profile_test, SetNullThroughANonObjectLeavesIt) {
  Graveyard g;
  Doc traits = parse(R"({"address":"10 Main St"})");
  set_trait_path(traits, "address.city", null_doc(), g);
  EXPECT_EQ(json(traits), R"({"address":"10 Main St"})");
}

TEST(profile_test, SetOnANonObjectRootStartsAnObject) {
  Graveyard g;
  Doc traits = Doc::string("oops");
  set_trait_path(traits, "a.b", I(1), g);
  EXPECT_EQ(json(traits), R"({"a":{"b":1}})");
}

TEST(profile_test, SetKeepsTimesAndDurations) {
  Graveyard g;
  Doc traits = Doc::object();
  Doc t;
  t.type = Doc::Type::kTime;
  t.i = 1'796'119'200'250;
  Doc d;
  d.type = Doc::Type::kDuration;
  d.i = 90'000;
  set_trait_path(traits, "seen", std::move(t), g);
  set_trait_path(traits, "gap", std::move(d), g);
  EXPECT_EQ(json(traits), R"({"seen":"2026-12-01T10:00:00.250Z","gap":"1m30s"})");
}

// ---------------------------------------------------------------- the graveyard

TEST(profile_test, MergeReusesTheStorageOfReplacedValues) {
  // Merging runs before any code of the event, so it overwrites values in place: a repeated
  // identify with the same keys keeps every member node and string buffer (no allocation).
  Doc traits = parse(R"({"name":"a long enough name to live on the heap, not in SSO","n":1})");
  const Doc* node = traits.find("name");
  const char* data = node->s.data();
  Doc in = parse(R"({"name":"another name that is long, but shorter","n":2,"other":null})");
  merge_traits(traits, in);
  EXPECT_EQ(traits.find("name"), node);
  EXPECT_EQ(traits.find("name")->s.data(), data);
  EXPECT_EQ(json(traits), R"({"name":"another name that is long, but shorter","n":2})");
}

TEST(profile_test, MergeChangesTheTypeOfAValueCleanly) {
  Doc traits = parse(R"({"a":{"x":[1,2]},"b":[{"y":1}],"c":"text"})");
  Doc in = parse(R"({"a":3,"b":"s","c":{"z":null}})");
  merge_traits(traits, in);
  EXPECT_EQ(json(traits), R"({"a":3,"b":"s","c":{"z":null}})");
  // A former object or array keeps no stale children.
  EXPECT_TRUE(traits.find("a")->members.empty());
  EXPECT_TRUE(traits.find("b")->items.empty());
  EXPECT_EQ(json(traits.find("c")->clone()), R"({"z":null})");
}

TEST(profile_test, MergeDoesNotAliasTheIncomingValues) {
  Doc traits = Doc::object();
  Doc in = parse(R"({"address":{"city":"Paris"},"tags":["a"]})");
  merge_traits(traits, in);
  in.find("address")->find("city")->s = "changed";
  in.find("tags")->items[0].s = "changed";
  EXPECT_EQ(json(traits), R"({"address":{"city":"Paris"},"tags":["a"]})");
}

// ---------------------------------------------------------------- refilling a Doc from JSON

TEST(profile_test, FillFromJsonReusesNodesAndDropsWhatIsGone) {
  simdjson::dom::parser p;
  Doc d;
  fill_doc_from_json(d, p.parse(std::string_view(R"({"a":"a string too long for the small buffer","b":[1,{"c":2}],"d":true})")));
  const Doc* a = d.find("a");
  const char* data = a->s.data();
  fill_doc_from_json(d, p.parse(std::string_view(R"({"a":"short","b":{"c":[3]}})")));
  EXPECT_EQ(d.find("a"), a);
  EXPECT_EQ(d.find("a")->s.data(), data);
  EXPECT_EQ(json(d), R"({"a":"short","b":{"c":[3]}})");
  EXPECT_TRUE(d.find("b")->items.empty());
  fill_doc_from_json(d, p.parse(std::string_view(R"({"x":1,"x":2,"y":null,"x":3})")));
  EXPECT_EQ(json(d), R"({"x":3,"y":null})");
  fill_doc_from_json(d, p.parse(std::string_view(R"([1.5,2.0,"s"])")));
  EXPECT_EQ(json(d), R"([1.5,2,"s"])");
  EXPECT_TRUE(d.members.empty());
  EXPECT_EQ(json(d.clone()), R"([1.5,2,"s"])");
}

// Array items dropped by one refill are taken by the next array that grows, anywhere, with
// whatever they held: every shape change must come out as a fresh parse would.
TEST(profile_test, FillFromJsonReusesArrayItemsWithoutStaleContents) {
  simdjson::dom::parser p;
  Doc d;
  const char* texts[] = {
      R"({"p":[{"a":1,"b":"a string too long for the small buffer"},[1,2,3],"x",true]})",
      R"({"p":["y"],"q":[]})",
      R"({"q":[5,{"c":3},null,[{"d":[]}]],"p":{"e":1.5}})",
      R"({"p":[[],{},"",0],"q":[{"a":{"b":{"c":[1]}}}]})",
      R"([{"k":[1]},{"k":[2,3]},{"k":[]}])",
      R"({"p":[false,{"z":"zz"}]})",
  };
  for (int round = 0; round < 3; ++round) {
    for (const char* t : texts) {
      fill_doc_from_json(d, p.parse(std::string_view(t)));
      Doc fresh = doc_from_json(p.parse(std::string_view(t)));
      EXPECT_EQ(json(d), json(fresh)) << t;
      EXPECT_EQ(json(d.clone()), json(fresh)) << t;
    }
  }
}

TEST(profile_test, AssignDocGrowsAndShrinksArraysLikeACopy) {
  Doc to = parse(R"({"tags":["a","b","c"],"n":{"x":[1,[2]]}})");
  for (const char* t : {R"({"tags":["one"]})", R"({"tags":[{"o":1},"two",["three"]],"n":1})",
                        R"([1,2])", R"({"tags":[]})"}) {
    Doc from = parse(t);
    assign_doc(to, from);
    EXPECT_EQ(json(to), json(from)) << t;
  }
}

TEST(profile_test, AssignMembersCopiesTheNamedOnesInKeyOrder) {
  Doc from = parse(R"({"plan":"pro","amount":12.5,"items":[{"sku":"a"}],"other":1})");
  Doc to = parse(R"({"stale":"a string too long for the small buffer","plan":"free"})");
  std::vector<std::string> keys = {"items", "missing", "plan", "items"};
  assign_members(to, from, keys);
  EXPECT_EQ(json(to), R"({"items":[{"sku":"a"}],"plan":"pro"})");
  from.find("items")->items[0].find("sku")->s = "changed";  // a copy, not an alias
  EXPECT_EQ(json(to), R"({"items":[{"sku":"a"}],"plan":"pro"})");
  Doc scalar = I(3);
  assign_members(scalar, from, std::vector<std::string>{"amount"});
  EXPECT_EQ(json(scalar), R"({"amount":12.5})");
  assign_members(scalar, from, std::vector<std::string>{});
  EXPECT_EQ(json(scalar), "{}");
}

TEST(profile_test, SetKeepsReplacedSubtreesAlive) {
  Graveyard g;
  Doc traits = parse(R"({"address":{"city":"a city name that is long enough for the heap"}})");
  const Doc* old_city = traits.find("address")->find("city");
  std::string_view view = old_city->s;
  set_trait_path(traits, "address", Doc::string("flat"), g);   // replaces the whole object
  set_trait_path(traits, "address.city", Doc::string("x"), g); // replaces the string with an object
  EXPECT_EQ(json(traits), R"({"address":{"city":"x"}})");
  EXPECT_EQ(view, "a city name that is long enough for the heap");
  EXPECT_EQ(old_city->s, "a city name that is long enough for the heap");
  g.clear();
}

TEST(profile_test, MembersDoNotMoveWhenOthersAreAdded) {
  Graveyard g;
  Doc traits = parse(R"({"first":"the first member, long enough for a heap buffer"})");
  const Doc* first = traits.find("first");
  for (int k = 0; k < 100; ++k) set_trait_path(traits, "k" + std::to_string(k), I(k), g);
  EXPECT_EQ(traits.find("first"), first);
  EXPECT_EQ(first->s, "the first member, long enough for a heap buffer");
}

}  // namespace
}  // namespace laud::runtime
