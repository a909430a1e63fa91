// lua_baseline.cc — see lua_baseline.h.
#include "bench/lua_baseline.h"

#include <dlfcn.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace laud::bench {

namespace {
struct lua_State;  // opaque
constexpr int kLua51GlobalsIndex = -10002;  // LUA_GLOBALSINDEX in Lua 5.1 / LuaJIT
}  // namespace

// The functions used, as both APIs declare them (lua_Integer is 64-bit in both on LP64:
// long long in 5.4, ptrdiff_t in 5.1; lua_Number is double in both).
struct LuaRuntime::Api {
  lua_State* (*newstate)() = nullptr;
  void (*openlibs)(lua_State*) = nullptr;
  void (*close)(lua_State*) = nullptr;
  int (*loadstring)(lua_State*, const char*) = nullptr;
  int (*gettop)(lua_State*) = nullptr;
  void (*settop)(lua_State*, int) = nullptr;
  void (*pushinteger)(lua_State*, int64_t) = nullptr;
  const char* (*tolstring)(lua_State*, int, size_t*) = nullptr;
  // 5.4
  int (*pcallk)(lua_State*, int, int, int, intptr_t, void*) = nullptr;
  int (*getglobal)(lua_State*, const char*) = nullptr;
  double (*tonumberx)(lua_State*, int, int*) = nullptr;
  // 5.1 / LuaJIT
  int (*pcall)(lua_State*, int, int, int) = nullptr;
  void (*getfield)(lua_State*, int, const char*) = nullptr;
  double (*tonumber)(lua_State*, int) = nullptr;

  LuaFlavor flavor = LuaFlavor::kLua54;

  int do_pcall(lua_State* L, int nargs, int nresults) const {
    return flavor == LuaFlavor::kLua54 ? pcallk(L, nargs, nresults, 0, 0, nullptr) : pcall(L, nargs, nresults, 0);
  }
  void push_global(lua_State* L, const char* name) const {
    if (flavor == LuaFlavor::kLua54) getglobal(L, name);
    else getfield(L, kLua51GlobalsIndex, name);
  }
  double to_number(lua_State* L, int idx) const {
    return flavor == LuaFlavor::kLua54 ? tonumberx(L, idx, nullptr) : tonumber(L, idx);
  }
  std::string to_string(lua_State* L, int idx) const {
    size_t n = 0;
    const char* s = tolstring(L, idx, &n);
    return s ? std::string(s, n) : std::string("(not a string)");
  }
};

namespace {

template <typename F>
bool resolve(void* handle, const char* name, F& out, std::string* why) {
  out = reinterpret_cast<F>(dlsym(handle, name));
  if (!out && why) *why = std::string("symbol ") + name + " not found";
  return out != nullptr;
}

}  // namespace

std::unique_ptr<LuaRuntime> LuaRuntime::open(LuaFlavor flavor, std::string* why) {
  const std::vector<const char*> names =
      flavor == LuaFlavor::kLua54 ? std::vector<const char*>{"liblua5.4.so.0", "liblua5.4.so", "liblua-5.4.so"}
                                  : std::vector<const char*>{"libluajit-5.1.so.2", "libluajit-5.1.so"};
  std::unique_ptr<LuaRuntime> rt(new LuaRuntime());
  rt->flavor_ = flavor;
  std::string errors;
  for (const char* name : names) {
    rt->handle_ = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (rt->handle_) break;
    if (const char* e = dlerror()) errors += std::string(errors.empty() ? "" : "; ") + e;
  }
  if (!rt->handle_) {
    if (why) *why = errors.empty() ? "library not found" : errors;
    return nullptr;
  }

  auto api = std::make_unique<Api>();
  api->flavor = flavor;
  void* h = rt->handle_;
  bool ok = resolve(h, "luaL_newstate", api->newstate, why) && resolve(h, "luaL_openlibs", api->openlibs, why) &&
            resolve(h, "lua_close", api->close, why) && resolve(h, "luaL_loadstring", api->loadstring, why) &&
            resolve(h, "lua_gettop", api->gettop, why) && resolve(h, "lua_settop", api->settop, why) &&
            resolve(h, "lua_pushinteger", api->pushinteger, why) && resolve(h, "lua_tolstring", api->tolstring, why);
  if (ok && flavor == LuaFlavor::kLua54)
    ok = resolve(h, "lua_pcallk", api->pcallk, why) && resolve(h, "lua_getglobal", api->getglobal, why) &&
         resolve(h, "lua_tonumberx", api->tonumberx, why);
  else if (ok)
    ok = resolve(h, "lua_pcall", api->pcall, why) && resolve(h, "lua_getfield", api->getfield, why) &&
         resolve(h, "lua_tonumber", api->tonumber, why);
  if (!ok) return nullptr;  // the destructor closes the handle

  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(api->newstate), &info) && info.dli_fname) rt->path_ = info.dli_fname;

  lua_State* L = api->newstate();
  if (!L) {
    if (why) *why = "luaL_newstate failed";
    return nullptr;
  }
  api->openlibs(L);
  rt->state_ = L;
  rt->api_ = std::move(api);
  return rt;
}

LuaRuntime::~LuaRuntime() {
  if (state_ && api_) api_->close(static_cast<lua_State*>(state_));
  if (handle_) dlclose(handle_);
}

bool LuaRuntime::exec(const std::string& chunk, std::string* why) {
  auto* L = static_cast<lua_State*>(state_);
  int top = api_->gettop(L);
  if (api_->loadstring(L, chunk.c_str()) != 0 || api_->do_pcall(L, 0, 0) != 0) {
    if (why) *why = api_->to_string(L, -1);
    api_->settop(L, top);
    return false;
  }
  api_->settop(L, top);
  return true;
}

bool LuaRuntime::call(const char* name, int64_t a, int64_t b, double* result, std::string* why) {
  auto* L = static_cast<lua_State*>(state_);
  int top = api_->gettop(L);
  api_->push_global(L, name);
  api_->pushinteger(L, a);
  api_->pushinteger(L, b);
  if (api_->do_pcall(L, 2, 1) != 0) {
    if (why) *why = api_->to_string(L, -1);
    api_->settop(L, top);
    return false;
  }
  *result = api_->to_number(L, -1);
  api_->settop(L, top);
  return true;
}

std::string LuaRuntime::eval_string(const std::string& expr) {
  auto* L = static_cast<lua_State*>(state_);
  int top = api_->gettop(L);
  std::string chunk = "return tostring(" + expr + ")";
  std::string out;
  if (api_->loadstring(L, chunk.c_str()) != 0 || api_->do_pcall(L, 0, 1) != 0) out = "error: ";
  out += api_->to_string(L, -1);
  api_->settop(L, top);
  return out;
}

}  // namespace laud::bench
