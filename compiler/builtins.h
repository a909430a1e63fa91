// builtins.h — the tables of names the language predefines (LANGUAGE.md §4, §7): functions
// with their arity and result kinds, aggregate names, and send channels. Sema checks calls and
// channels against them. The functions are the VM's (vm/builtins.h): their names and ids come
// from there, so the compiler has no list of its own and codegen emits CALL with FunctionInfo::id.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "compiler/const_eval.h"
#include "vm/builtins.h"

namespace laud::compiler {

using FunctionId = vm::Builtin;  // the bytecode ids of the functions

struct FunctionInfo {
  std::string_view name;  // vm::builtin_name(id)
  FunctionId id;
  uint8_t arity;          // every VM builtin takes one value
  KindMask result;        // kinds of a non-null result
};

const FunctionInfo* find_function(std::string_view name);  // null when unknown
const FunctionInfo& function_info(FunctionId id);
// Every function and aggregate name, for "did you mean" hints.
const std::vector<std::string_view>& callable_names();

enum class Channel : uint8_t { kEmail, kSms, kPush, kWebhook, kSlack, kInApp };

struct ChannelInfo {
  std::string_view name;
  Channel id;
  bool needs_to;  // webhook and slack have no default address
};

const ChannelInfo* find_channel(std::string_view name);  // null when unknown
const std::vector<std::string_view>& channel_names();

// The kinds an aggregate's value may have (besides null): count int, sum/min/max numbers,
// avg float, last time.
KindMask aggregate_result(ast::AggFunc f);
bool aggregate_takes_property(ast::AggFunc f);  // sum min max avg

}  // namespace laud::compiler
