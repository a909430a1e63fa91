// client_log.h — the log callback of laudd's librdkafka clients: librdkafka's own log line
// format on stderr, without the CONFWARN lines about a property meant for the other kind of
// client (laudd passes [kafka.properties] to its consumers and its producer alike).
#pragma once

typedef struct rd_kafka_conf_s rd_kafka_conf_t;

namespace laud::runtime {

void set_client_log(rd_kafka_conf_t* conf);

}  // namespace laud::runtime
