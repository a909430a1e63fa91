// builtins.cc — the function, aggregate and channel tables of builtins.h. Function names and
// ids are vm/builtins.h's; this file adds only what the compiler needs besides: result kinds.
#include "compiler/builtins.h"

#include <array>

namespace laud::compiler {
namespace {

using vm::Builtin;
using vm::Kind;

// The kinds of a non-null result (vm/builtins.h documents each function).
KindMask result_kinds(Builtin b) {
  switch (b) {
    case Builtin::kExists: return kind_bit(Kind::kBool);
    case Builtin::kLower:
    case Builtin::kUpper: return kind_bit(Kind::kString);
    case Builtin::kLen: return kind_bit(Kind::kInt);
    case Builtin::kTime: return kind_bit(Kind::kTime);
    case Builtin::kInt: return kind_bit(Kind::kInt);
    case Builtin::kFloat: return kind_bit(Kind::kFloat);
    case Builtin::kString: return kind_bit(Kind::kString);
  }
  return kAnyKind;
}

const std::array<FunctionInfo, vm::kBuiltinCount>& functions() {
  static const std::array<FunctionInfo, vm::kBuiltinCount> table = [] {
    std::array<FunctionInfo, vm::kBuiltinCount> t{};
    for (uint32_t k = 0; k < vm::kBuiltinCount; ++k) {
      Builtin b = *vm::builtin_from_id(k);
      t[k] = FunctionInfo{vm::builtin_name(b), b, 1, result_kinds(b)};
    }
    return t;
  }();
  return table;
}

constexpr ChannelInfo kChannels[] = {
    {"email", Channel::kEmail, false}, {"sms", Channel::kSms, false},       {"push", Channel::kPush, false},
    {"webhook", Channel::kWebhook, true}, {"slack", Channel::kSlack, true}, {"in_app", Channel::kInApp, false},
};

constexpr ast::AggFunc kAggregates[] = {ast::AggFunc::kCount, ast::AggFunc::kSum, ast::AggFunc::kMin,
                                        ast::AggFunc::kMax,   ast::AggFunc::kAvg, ast::AggFunc::kLast};

}  // namespace

const FunctionInfo* find_function(std::string_view name) {
  std::optional<Builtin> b = vm::builtin_by_name(name);
  return b ? &functions()[static_cast<size_t>(*b)] : nullptr;
}

const FunctionInfo& function_info(FunctionId id) { return functions()[static_cast<size_t>(id)]; }

const std::vector<std::string_view>& callable_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const FunctionInfo& f : functions()) v.push_back(f.name);
    for (ast::AggFunc a : kAggregates) v.push_back(ast::agg_func_name(a));
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
