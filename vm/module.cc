// module.cc — the in-memory Module: string interning, constant deduplication and the run-time
// views (Values over the module's own strings and lists, compiled RE2 regexes) that
// finalize_views() builds from the stored descriptions.
#include "vm/module.h"

#include <re2/re2.h>

#include <cstring>

namespace laud::vm {

Module::Module() = default;
Module::~Module() = default;

std::string_view agg_func_name(AggFunc f) {
  switch (f) {
    case AggFunc::kCount: return "count";
    case AggFunc::kSum: return "sum";
    case AggFunc::kMin: return "min";
    case AggFunc::kMax: return "max";
    case AggFunc::kAvg: return "avg";
    case AggFunc::kLast: return "last";
  }
  return "?";
}

std::string_view function_kind_name(FunctionKind k) {
  switch (k) {
    case FunctionKind::kSegment: return "segment";
    case FunctionKind::kPredicate: return "predicate";
    case FunctionKind::kValue: return "value";
    case FunctionKind::kJourney: return "journey";
  }
  return "?";
}

std::string_view channel_name(Channel c) {
  switch (c) {
    case Channel::kEmail: return "email";
    case Channel::kSms: return "sms";
    case Channel::kPush: return "push";
    case Channel::kWebhook: return "webhook";
    case Channel::kSlack: return "slack";
    case Channel::kInApp: return "in_app";
  }
  return "?";
}

uint32_t Module::intern(std::string_view s) {
  if (auto it = string_index.find(s); it != string_index.end()) return it->second;
  auto index = static_cast<uint32_t>(strings.size());
  strings.emplace_back(s);
  string_index.emplace(std::string_view(strings.back()), index);
  return index;
}

namespace {

// Two scalar (or string) constant descriptions that make the same Value. Floats compare by their
// bits, so 0.0 and -0.0 stay two constants and a NaN finds its twin.
bool same_scalar(const ConstantDesc& x, const ConstantDesc& y) {
  if (x.kind != y.kind) return false;
  switch (x.kind) {
    case Kind::kNull: return true;
    case Kind::kBool: return x.b == y.b;
    case Kind::kInt:
    case Kind::kTime:
    case Kind::kDuration: return x.i == y.i;
    case Kind::kFloat: return std::memcmp(&x.f, &y.f, sizeof x.f) == 0;
    case Kind::kString: return x.string == y.string;
    case Kind::kList:
    case Kind::kObject: return false;
  }
  return false;
}

}  // namespace

uint32_t Module::add_constant(ConstantDesc c) {
  if (c.kind != Kind::kList && c.kind != Kind::kObject) {
    for (size_t i = 0; i < constant_descs.size(); ++i)
      if (same_scalar(constant_descs[i], c)) return static_cast<uint32_t>(i);
  }
  constant_descs.push_back(std::move(c));
  return static_cast<uint32_t>(constant_descs.size() - 1);
}

bool Module::finalize_views(std::string* error) {
  auto fail = [&](std::string message) {
    if (error) *error = std::move(message);
    return false;
  };
  constants.clear();
  list_storage.clear();
  compiled_regexes.clear();
  constants.reserve(constant_descs.size());
  for (size_t ci = 0; ci < constant_descs.size(); ++ci) {
    const ConstantDesc& d = constant_descs[ci];
    switch (d.kind) {
      case Kind::kNull: constants.push_back(Value::null()); break;
      case Kind::kBool: constants.push_back(Value::boolean(d.b)); break;
      case Kind::kInt: constants.push_back(Value::integer(d.i)); break;
      case Kind::kFloat: constants.push_back(Value::floating(d.f)); break;
      case Kind::kTime: constants.push_back(Value::time(d.i)); break;
      case Kind::kDuration: constants.push_back(Value::duration(d.i)); break;
      case Kind::kString:
        if (d.string >= strings.size())
          return fail("constant " + std::to_string(ci) + ": string " + std::to_string(d.string) + " out of range");
        constants.push_back(Value::string(strings[d.string]));
        break;
      case Kind::kList: {
        std::vector<Value>& items = list_storage.emplace_back();
        items.reserve(d.items.size());
        for (uint32_t item : d.items) {
          if (item >= ci)
            return fail("constant " + std::to_string(ci) + ": list item " + std::to_string(item) +
                        " is not an earlier constant");
          items.push_back(constants[item]);
        }
        constants.push_back(Value::list_of(items.data(), static_cast<uint32_t>(items.size())));
        break;
      }
      default: return fail("constant " + std::to_string(ci) + ": no constant is of kind " + std::string(kind_name(d.kind)));
    }
  }
  compiled_regexes.reserve(regexes.size());
  for (size_t ri = 0; ri < regexes.size(); ++ri) {
    RE2::Options opt;
    opt.set_log_errors(false);
    opt.set_encoding(RE2::Options::EncodingUTF8);
    auto re = std::make_unique<RE2>(regexes[ri], opt);
    if (!re->ok())
      return fail("regex " + std::to_string(ri) + " `" + regexes[ri] + "` does not compile: " + re->error());
    compiled_regexes.push_back(std::move(re));
  }
  return true;
}

}  // namespace laud::vm
