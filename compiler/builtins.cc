// builtins.cc — the function, aggregate and channel tables of builtins.h.
#include "compiler/builtins.h"

namespace laud::compiler {
namespace {

using vm::Kind;

constexpr FunctionInfo kFunctions[] = {
    {"exists", FunctionId::kExists, 1, kind_bit(Kind::kBool)},
    {"lower", FunctionId::kLower, 1, kind_bit(Kind::kString)},
    {"upper", FunctionId::kUpper, 1, kind_bit(Kind::kString)},
    {"len", FunctionId::kLen, 1, kind_bit(Kind::kInt)},
    {"time", FunctionId::kTime, 1, kind_bit(Kind::kTime)},
    {"int", FunctionId::kInt, 1, kind_bit(Kind::kInt)},
    {"float", FunctionId::kFloat, 1, kind_bit(Kind::kFloat)},
    {"string", FunctionId::kString, 1, kind_bit(Kind::kString)},
};

constexpr ChannelInfo kChannels[] = {
    {"email", Channel::kEmail, false}, {"sms", Channel::kSms, false},       {"push", Channel::kPush, false},
    {"webhook", Channel::kWebhook, true}, {"slack", Channel::kSlack, true}, {"in_app", Channel::kInApp, false},
};

}  // namespace

const FunctionInfo* find_function(std::string_view name) {
  for (const FunctionInfo& f : kFunctions)
    if (f.name == name) return &f;
  return nullptr;
}

const std::vector<std::string_view>& callable_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const FunctionInfo& f : kFunctions) v.push_back(f.name);
    for (std::string_view a : {"count", "sum", "min", "max", "avg", "last"}) v.push_back(a);
    return v;
  }();
  return names;
}

const ChannelInfo* find_channel(std::string_view name) {
  for (const ChannelInfo& c : kChannels)
    if (c.name == name) return &c;
  return nullptr;
}

const std::vector<std::string_view>& channel_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const ChannelInfo& c : kChannels) v.push_back(c.name);
    return v;
  }();
  return names;
}

KindMask aggregate_result(ast::AggFunc f) {
  switch (f) {
    case ast::AggFunc::kCount: return kind_bit(Kind::kInt);
    case ast::AggFunc::kSum:
    case ast::AggFunc::kMin:
    case ast::AggFunc::kMax: return kNumberKinds;
    case ast::AggFunc::kAvg: return kind_bit(Kind::kFloat);
    case ast::AggFunc::kLast: return kind_bit(Kind::kTime);
  }
  return kAnyKind;
}

bool aggregate_takes_property(ast::AggFunc f) {
  return f == ast::AggFunc::kSum || f == ast::AggFunc::kMin || f == ast::AggFunc::kMax || f == ast::AggFunc::kAvg;
}

}  // namespace laud::compiler
