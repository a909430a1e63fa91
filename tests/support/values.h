// values.h — short builders for VM values in tests (N() null, B bool, I int, F float, S string,
// D duration, T time from RFC 3339, O object handle), list storage that lives for a test, and
// Same(), an exact same-kind-same-payload assertion.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <initializer_list>
#include <limits>
#include <string_view>
#include <vector>

#include "vm/time_text.h"
#include "vm/value.h"

namespace laud::vm::test_values {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

inline Value N() { return Value::null(); }
inline Value B(bool b) { return Value::boolean(b); }
inline Value I(int64_t i) { return Value::integer(i); }
inline Value F(double f) { return Value::floating(f); }
inline Value S(std::string_view s) { return Value::string(s); }
inline Value D(int64_t ms) { return Value::duration(ms); }
inline Value T(std::string_view rfc3339) { return Value::time(*parse_rfc3339(rfc3339)); }
inline int object_a = 0, object_b = 0;
inline Value O(const void* h = &object_a) { return Value::object_handle(h); }

// Keeps list storage alive for the duration of a test.
class Lists {
 public:
  Value operator()(std::initializer_list<Value> items) {
    auto& v = store_.emplace_back(items);
    return Value::list_of(v.data(), static_cast<uint32_t>(v.size()));
  }

 private:
  std::deque<std::vector<Value>> store_;
};

// Exact identity of a result: same kind and payload.
inline ::testing::AssertionResult Same(const Value& got, const Value& want) {
  if (got.kind != want.kind)
    return ::testing::AssertionFailure() << "kind " << kind_name(got.kind) << ", want " << kind_name(want.kind);
  switch (want.kind) {
    case Kind::kNull: return ::testing::AssertionSuccess();
    case Kind::kBool:
      if (got.b == want.b) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << got.b << " want " << want.b;
    case Kind::kFloat:
      if (std::memcmp(&got.f, &want.f, sizeof(double)) == 0) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << got.f << " want " << want.f;
    case Kind::kString:
      if (got.str() == want.str()) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << '"' << got.str() << "\" want \"" << want.str() << '"';
    default:
      if (got.i == want.i) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << got.i << " want " << want.i;
  }
}

}  // namespace laud::vm::test_values
