// client_log.cc — see client_log.h.
#include "runtime/kafka/client_log.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <cstring>

namespace laud::runtime {

void set_client_log(rd_kafka_conf_t* conf) {
  rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    if (std::strcmp(fac, "CONFWARN") == 0 &&
        (std::strstr(buf, "is a consumer property") || std::strstr(buf, "is a producer property")))
      return;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    std::fprintf(stderr, "%%%d|%lld.%03lld|%s|%s| %s\n", level, static_cast<long long>(ms / 1000),
                 static_cast<long long>(ms % 1000), fac, rk ? rd_kafka_name(rk) : "", buf);
  });
}

}  // namespace laud::runtime
