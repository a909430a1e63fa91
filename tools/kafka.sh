#!/usr/bin/env bash
# kafka.sh — a real single-node Apache Kafka broker (KRaft, broker+controller in one JVM) on loopback
# for tests, CI and local runs. Its jars are fetched with Maven into a cache outside the clone.
# Usage: tools/kafka.sh fetch|start|stop|status|clean   (docs/services.md: ports, paths, env vars)
# Idempotent: fetch with a complete cache does nothing; start with the broker up does nothing.
set -euo pipefail

VERSION=${LAUD_KAFKA_VERSION:-3.9.2}
CACHE=${LAUD_CACHE:-$HOME/.cache/laud}
HOME_DIR=$CACHE/kafka/$VERSION          # libs/ (the jars) and .complete once fetched
LIBS=$HOME_DIR/libs
M2=$CACHE/m2                            # Maven's local repository, shared by every version
DEP_PLUGIN=3.8.1                        # maven-dependency-plugin, pinned: no metadata look-ups
MAJOR=${VERSION%%.*}
LOG4J2=${LAUD_KAFKA_LOG4J2:-2.24.3}     # 4.x only: the log4j 2 that kafka_2.13 4.0/4.1 depend on
RUN=${LAUD_RUN_DIR:-/tmp/laud-kafka}    # server.properties, data/, logs/, kafka.pid
PORT=${LAUD_KAFKA_PORT:-19092}
CONTROLLER_PORT=${LAUD_KAFKA_CONTROLLER_PORT:-19093}
HEAP=${LAUD_KAFKA_HEAP:-384m}
START_TIMEOUT=${LAUD_KAFKA_START_TIMEOUT:-90}
STOP_TIMEOUT=${LAUD_KAFKA_STOP_TIMEOUT:-30}
BOOTSTRAP=127.0.0.1:$PORT
PIDFILE=$RUN/kafka.pid
LOG_FROM=0                              # size of server.log before this start: log_tail shows the rest

say() { echo "kafka.sh: $*"; }
die() { echo "kafka.sh: error: $*" >&2; exit 1; }

# True when process $1 exists and is no zombie (an exited child that no one has reaped yet).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ "$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# The pid of our broker if it is alive, else nothing.
broker_pid() {
  [ -f "$PIDFILE" ] || return 0
  local pid; pid=$(cat "$PIDFILE" 2>/dev/null || true)
  [ -n "$pid" ] && alive "$pid" && echo "$pid"
  return 0
}

# True when something accepts TCP connections on the PLAINTEXT port (bash's /dev/tcp, no tools).
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
# True when a broker answers a metadata request there.
answers() { listening && kcat -b "$BOOTSTRAP" -L -m 3 >/dev/null 2>&1; }

log_tail() {
  local this_run; this_run=$(tail -c +$((LOG_FROM + 1)) "$RUN/logs/server.log" 2>/dev/null || true)
  echo "---- errors of this start in $RUN/logs/server.log ----" >&2
  grep -E '\] (ERROR|FATAL) ' <<<"$this_run" | tail -n 5 | cut -c1-400 >&2 || true
  echo "---- last lines of $RUN/logs/server.log ----" >&2
  tail -n 25 <<<"$this_run" | cut -c1-400 >&2 || true
  echo "---- last lines of $RUN/logs/stdout.log ----" >&2
  tail -n 15 "$RUN/logs/stdout.log" >&2 2>/dev/null || true
}

fetch() {
  if [ -f "$HOME_DIR/.complete" ]; then say "Kafka $VERSION cached in $LIBS"; return 0; fi
  command -v mvn >/dev/null || die "mvn not found: run tools/setup.sh (packages maven, default-jre-headless)"
  say "fetching Kafka $VERSION with Maven into $LIBS (local repository $M2)"
  local work="$HOME_DIR/.fetch"
  rm -rf "$work" "$LIBS"; mkdir -p "$work" "$M2"
  # kafka_2.13 brings the server, KRaft, storage, clients, Scala and Jackson; the broker logs through
  # slf4j 1.7 to the binding that Kafka's own distribution ships: reload4j in 3.x, log4j 2 in 4.x.
  local binding='<groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version>'
  [ "$MAJOR" -ge 4 ] && binding="<groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$LOG4J2</version>"
  cat > "$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>laud.tools</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$VERSION</version></dependency>
    <dependency>$binding</dependency>
  </dependencies>
</project>
EOF
  # Offline first: a clean clone (or a new version dir) on a machine with the repository filled
  # needs no registry at all; online only for what is missing.
  local mvn=(mvn -B -q -Dmaven.repo.local="$M2" -f "$work/pom.xml"
             "org.apache.maven.plugins:maven-dependency-plugin:$DEP_PLUGIN:copy-dependencies"
             -DincludeScope=runtime -DoutputDirectory="$work/libs")
  "${mvn[@]}" -o >"$work/mvn.log" 2>&1 || "${mvn[@]}" >"$work/mvn.log" 2>&1 || {
    tail -n 30 "$work/mvn.log" >&2; die "Maven could not fetch org.apache.kafka:kafka_2.13:$VERSION"; }
  mv "$work/libs" "$LIBS"
  ls "$LIBS" > "$HOME_DIR/jars.txt"
  rm -rf "$work"
  touch "$HOME_DIR/.complete"
  say "fetched $(wc -l < "$HOME_DIR/jars.txt") jars ($(du -sh "$LIBS" | cut -f1))"
}

write_config() {
  mkdir -p "$RUN/data" "$RUN/logs"
  cat > "$RUN/server.properties" <<EOF
# Written by tools/kafka.sh: one KRaft node that is broker and controller, on loopback only.
node.id=1
process.roles=broker,controller
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$RUN/data
num.partitions=4
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
# A killed laudd's open transaction (transaction.timeout.ms=10000) is aborted within a second of
# timing out, not ten: read_committed consumers of its partitions wait less (tests/kafka/kafka_scaleout.sh).
transaction.abort.timed.out.transaction.cleanup.interval.ms=1000
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.retention.hours=24
EOF
  # Kafka 3.x logs with reload4j (log4j 1 syntax), 4.x with log4j 2; the broker reads the one it knows.
  cat > "$RUN/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$RUN/logs/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.raft=WARN
log4j.logger.kafka.log.LogCleaner=WARN
EOF
  cat > "$RUN/log4j2.properties" <<EOF
appender.file.type=RollingFile
appender.file.name=file
appender.file.fileName=$RUN/logs/server.log
appender.file.filePattern=$RUN/logs/server.log.%i
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
appender.file.policies.type=Policies
appender.file.policies.size.type=SizeBasedTriggeringPolicy
appender.file.policies.size.size=20MB
appender.file.strategy.type=DefaultRolloverStrategy
appender.file.strategy.max=2
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
logger.raft.name=org.apache.kafka.raft
logger.raft.level=WARN
EOF
}

JAVA=(java -Xms64m -Xmx"$HEAP" -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j.configuration="file:$RUN/log4j.properties" -Dlog4j2.configurationFile="$RUN/log4j2.properties"
  -Dkafka.logs.dir="$RUN/logs" -cp "$LIBS/*")

format_storage() {
  [ -f "$RUN/data/meta.properties" ] && return 0
  local id; id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  "${JAVA[@]}" kafka.tools.StorageTool format -t "$id" -c "$RUN/server.properties" \
    >"$RUN/logs/format.log" 2>&1 || { cat "$RUN/logs/format.log" >&2; die "formatting $RUN/data failed"; }
  say "formatted $RUN/data (cluster id $id)"
}

start() {
  local pid; pid=$(broker_pid)
  if [ -n "$pid" ]; then say "already running (pid $pid) on $BOOTSTRAP"; return 0; fi
  command -v kcat >/dev/null || die "kcat not found: run tools/setup.sh"
  command -v java >/dev/null || die "java not found: run tools/setup.sh"
  listening && die "something else listens on $BOOTSTRAP (another broker? set LAUD_KAFKA_PORT)"
  fetch
  write_config
  format_storage
  LOG_FROM=$(stat -c %s "$RUN/logs/server.log" 2>/dev/null || echo 0)
  local t0=$SECONDS
  # setsid: the broker leaves the caller's process group, so a ^C in the caller does not kill it.
  setsid "${JAVA[@]}" kafka.Kafka "$RUN/server.properties" >"$RUN/logs/stdout.log" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  pid=$!
  until answers; do
    if ! alive "$pid"; then
      rm -f "$PIDFILE"; log_tail; die "the broker exited during startup"
    fi
    if [ $((SECONDS - t0)) -ge "$START_TIMEOUT" ]; then
      log_tail; stop; die "the broker did not answer on $BOOTSTRAP within ${START_TIMEOUT}s"
    fi
    sleep 0.25
  done
  say "Kafka $VERSION up on $BOOTSTRAP (pid $pid) after $((SECONDS - t0))s; logs in $RUN/logs"
}

stop() {
  local pid; pid=$(broker_pid)
  if [ -z "$pid" ]; then say "not running"; rm -f "$PIDFILE"; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true
  local t0=$SECONDS
  while alive "$pid"; do
    if [ $((SECONDS - t0)) -ge "$STOP_TIMEOUT" ]; then
      say "no exit ${STOP_TIMEOUT}s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
      break
    fi
    sleep 0.2
  done
  rm -f "$PIDFILE"
  say "stopped (pid $pid) after $((SECONDS - t0))s"
}

status() {
  local pid; pid=$(broker_pid)
  if [ -z "$pid" ]; then say "not running"; return 3; fi
  if answers; then say "running (pid $pid), answering on $BOOTSTRAP"; return 0; fi
  say "running (pid $pid) but not answering on $BOOTSTRAP"; return 1
}

clean() {
  [ -n "$(broker_pid)" ] && die "the broker is running: tools/kafka.sh stop first"
  rm -rf "$RUN"; say "removed $RUN"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  clean) clean ;;
  *) echo "usage: $0 fetch|start|stop|status|clean" >&2; exit 2 ;;
esac
