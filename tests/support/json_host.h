// json_host.h — a scripted Host for VM tests and benchmarks: the customer, events and trigger are
// JSON documents (simdjson DOM), the clock and aggregates are set by the test, segments are
// evaluated with the module's own functions, and sends and trait updates are recorded.
#pragma once

#include <simdjson.h>

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "vm/host.h"
#include "vm/interp.h"

namespace laud::testing {

struct RecordedSend {
  std::string journey, step, channel, template_name, to, vars;  // to: text form ("" when null)
  uint32_t occurrence = 0;
  bool resumed = false;
  int64_t time = 0;
};

class JsonHost : public vm::Host {
 public:
  explicit JsonHost(const vm::Module& module) : module_(module) {}
  void set_interpreter(vm::Interpreter* interp) { interp_ = interp; }

  void set_customer(std::string id, const std::string& traits_json);
  void set_event(const std::string& name, const std::string& properties_json, int64_t time_ms,
                 std::string message_id = "");
  void clear_event() { event_ = nullptr; }
  void set_trigger_to_event() { trigger_ = event_; }
  void set_now(int64_t ms) { now_ = ms; }
  void set_aggregate(uint32_t index, vm::Value v) { aggregates_[index] = v; }
  // Sends made while `now` is before this time are deferred to it (a stand-in for quiet hours).
  void defer_sends_until(int64_t t) { defer_until_ = t; }

  std::vector<RecordedSend> sends;
  std::map<std::string, std::string> traits_set;  // path -> text form

  // vm::Host
  vm::Value customer() override;
  vm::Value event() override;
  vm::Value trigger() override;
  int64_t now() override { return now_; }
  vm::Value field(const vm::Value& object, std::string_view key, uint32_t key_id, vm::Arena& arena) override;
  bool object_entries(const vm::Value& object, std::vector<vm::ObjectEntry>& out, vm::Arena& arena) override;
  vm::Value aggregate(uint32_t index) override;
  bool in_segment(uint32_t index) override;
  vm::SendResult send(const vm::SendRequest& request) override;
  void set_trait(std::string_view path, const vm::Value& value) override;

 private:
  struct Meta {
    std::string id, name, message_id;
    int64_t time = 0;
    bool is_customer = false;
  };
  struct Handle {  // what a host object Value points to
    simdjson::dom::element element;
    const Meta* meta = nullptr;  // for roots: answers `$id`, `$name`, `$time`
  };
  vm::Value handle(simdjson::dom::element e, const Meta* meta);
  vm::Value convert(simdjson::dom::element e, vm::Arena& arena);

  const vm::Module& module_;
  vm::Interpreter* interp_ = nullptr;
  const Handle* customer_ = nullptr;
  const Handle* event_ = nullptr;
  const Handle* trigger_ = nullptr;
  std::deque<Meta> metas_;
  std::deque<Handle> handles_;
  std::deque<simdjson::dom::parser> parsers_;  // one per document: a trigger outlives later events
  std::map<uint32_t, vm::Value> aggregates_;
  int64_t now_ = 0;
  int64_t defer_until_ = 0;
};

}  // namespace laud::testing
