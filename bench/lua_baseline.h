// lua_baseline.h — Lua 5.4 and LuaJIT side by side in one process, for baselines. Both libraries
// export the same `lua_*` symbols, so neither is linked: each is dlopen'ed (RTLD_NOW |
// RTLD_LOCAL) from its shared object and the few functions used are resolved with dlsym into a
// table of function pointers, papering over the API differences (5.4: lua_pcallk, lua_getglobal
// and lua_tonumberx are functions; 5.1/LuaJIT: lua_pcall, lua_getfield on LUA_GLOBALSINDEX and
// lua_tonumber). No Lua header is included (the two lua.h disagree).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace laud::bench {

enum class LuaFlavor : uint8_t { kLua54, kLuaJit };

class LuaRuntime {
 public:
  // Opens the library (trying the usual sonames), creates a state and opens the standard
  // libraries. nullptr with a reason in `why` when the library or a symbol is missing.
  static std::unique_ptr<LuaRuntime> open(LuaFlavor flavor, std::string* why);
  ~LuaRuntime();
  LuaRuntime(const LuaRuntime&) = delete;
  LuaRuntime& operator=(const LuaRuntime&) = delete;

  // Runs `chunk` (a string of Lua source). False with the Lua error in `why`.
  bool exec(const std::string& chunk, std::string* why);

  // Calls global function `name` with integer arguments and returns its first result as a
  // number. False with the error in `why` (no such function, a Lua error).
  bool call(const char* name, int64_t a, int64_t b, double* result, std::string* why);

  // Evaluates `expr` (`return <expr>` run as a chunk) and returns its result through tostring.
  std::string eval_string(const std::string& expr);

  LuaFlavor flavor() const { return flavor_; }
  const std::string& library_path() const { return path_; }

 private:
  struct Api;
  LuaRuntime() = default;

  LuaFlavor flavor_ = LuaFlavor::kLua54;
  std::string path_;
  void* handle_ = nullptr;
  void* state_ = nullptr;  // lua_State*
  std::unique_ptr<Api> api_;
};

}  // namespace laud::bench
