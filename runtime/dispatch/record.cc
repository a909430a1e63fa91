// record.cc — dispatch ids and the JSON of dispatch records (§10, §13 text forms).
#include "runtime/dispatch/record.h"

#include <fmt/format.h>

#include "vm/module_format.h"
#include "vm/text_form.h"

namespace laud::runtime {

uint64_t dispatch_id(const DispatchRecord& r) {
  using vm::fnv1a64;
  uint64_t h = fnv1a64(r.journey);
  h = fnv1a64("|", h);
  h = fnv1a64(r.customer, h);
  h = fnv1a64("|", h);
  h = fnv1a64(r.key, h);
  h = fnv1a64("|", h);
  char buf[64];
  auto end = fmt::format_to_n(buf, sizeof buf, "{}|{}:{}|{}", r.entry, r.send->line, r.send->col, r.occurrence);
  return fnv1a64(std::string_view(buf, end.size), h);
}

void append_dispatch_json(std::string& out, const DispatchRecord& r) {
  char id[17];
  fmt::format_to_n(id, sizeof id, "{:016x}", dispatch_id(r));
  out += "{\"id\":\"";
  out.append(id, 16);
  out += "\",\"journey\":";
  vm::append_json_string(out, r.journey);
  out += ",\"step\":";
  vm::append_json_string(out, r.send->step);
  out += ",\"channel\":";
  vm::append_json_string(out, vm::channel_name(r.send->channel));
  out += ",\"template\":";
  vm::append_json_string(out, r.send->template_name);
  out += ",\"customer\":";
  vm::append_json_string(out, r.customer);
  out += ",\"to\":";
  vm::append_json(out, r.to);
  out += ",\"vars\":{";
  for (size_t k = 0; k < r.send->with_keys.size() && k < r.with.size(); ++k) {
    if (k) out += ',';
    vm::append_json_string(out, r.send->with_keys[k]);
    out += ':';
    vm::append_json(out, r.with[k]);
  }
  out += "},\"time\":\"";
  out += vm::time_text(r.time).view();
  out += "\"}";
}

}  // namespace laud::runtime
