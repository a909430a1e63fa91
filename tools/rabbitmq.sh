#!/usr/bin/env bash
# rabbitmq.sh — Debian's rabbitmq-server as a private node on loopback for tests, CI and local runs:
# its own node name, ports, data, logs and Erlang cookie under a run dir; no plugins (no management).
# Usage: tools/rabbitmq.sh start|stop|status|clean   (docs/services.md: ports, paths, env vars)
# Idempotent: start with the node up does nothing; stop with it down does nothing.
set -euo pipefail

PORT=${LAUD_RABBITMQ_PORT:-5673}
DIST_PORT=${LAUD_RABBITMQ_DIST_PORT:-$((PORT + 20000))}
NODE=${LAUD_RABBITMQ_NODE:-laud@localhost}
RUN=${LAUD_RABBITMQ_RUN_DIR:-/tmp/laud-rabbitmq}
START_TIMEOUT=${LAUD_RABBITMQ_START_TIMEOUT:-90}
STOP_TIMEOUT=${LAUD_RABBITMQ_STOP_TIMEOUT:-60}
BIN=/usr/lib/rabbitmq/bin     # the real scripts; /usr/sbin's wrappers would su to the rabbitmq user
PIDFILE=$RUN/rabbitmq.pid    # written by the node itself: the pid of beam.smp
LAUNCHER=$RUN/launcher.pid   # the rabbitmq-server shell script, which waits on beam.smp
LOOPBACK_DIST="-kernel inet_dist_use_interface {127,0,0,1}"

say() { echo "rabbitmq.sh: $*"; }
die() { echo "rabbitmq.sh: error: $*" >&2; exit 1; }

# Everything the server and the CLI tools read: this node only, nothing from /etc/rabbitmq.
export HOME=$RUN/home                    # the Erlang cookie lives in $HOME/.erlang.cookie
export RABBITMQ_NODENAME=$NODE
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$PORT
export RABBITMQ_DIST_PORT=$DIST_PORT
export RABBITMQ_MNESIA_BASE=$RUN/mnesia
export RABBITMQ_LOG_BASE=$RUN/logs
export RABBITMQ_PID_FILE=$PIDFILE
export RABBITMQ_CONF_ENV_FILE=$RUN/rabbitmq-env.conf
export RABBITMQ_CONFIG_FILE=$RUN/rabbitmq.conf
export RABBITMQ_ADVANCED_CONFIG_FILE=$RUN/advanced.config
export RABBITMQ_ENABLED_PLUGINS_FILE=$RUN/enabled_plugins
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=$LOOPBACK_DIST
export RABBITMQ_CTL_ERL_ARGS=$LOOPBACK_DIST
export ERL_EPMD_ADDRESS=127.0.0.1        # an epmd started by this node listens on loopback only

# True when process $1 exists and is no zombie (an exited child that no one has reaped yet).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ "$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# The pid of our node if it is alive, else nothing.
node_pid() {
  [ -f "$PIDFILE" ] || return 0
  local pid; pid=$(cat "$PIDFILE" 2>/dev/null || true)
  [ -n "$pid" ] && alive "$pid" && echo "$pid"
  return 0
}

ctl() { "$BIN/rabbitmqctl" -n "$NODE" "$@"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

log_tail() {
  local f; f=$(ls -t "$RUN"/logs/*.log 2>/dev/null | head -n 1 || true)
  [ -n "$f" ] && { echo "---- last lines of $f ----" >&2; tail -n 40 "$f" >&2; }
  echo "---- last lines of $RUN/logs/stdout.log ----" >&2
  tail -n 20 "$RUN/logs/stdout.log" >&2 2>/dev/null || true
}

write_config() {
  mkdir -p "$HOME" "$RUN/mnesia" "$RUN/logs"
  : > "$RABBITMQ_CONF_ENV_FILE"
  echo "[]." > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  cat > "$RABBITMQ_CONFIG_FILE" <<EOF
# Written by tools/rabbitmq.sh: one node on loopback only.
listeners.tcp.default = 127.0.0.1:$PORT
loopback_users.guest = true
log.console = false
log.file.level = info
EOF
}

start() {
  local pid; pid=$(node_pid)
  if [ -n "$pid" ]; then say "already running (pid $pid) on 127.0.0.1:$PORT"; return 0; fi
  [ -x "$BIN/rabbitmq-server" ] || die "rabbitmq-server not found: run tools/setup.sh"
  listening && die "something else listens on 127.0.0.1:$PORT (set LAUD_RABBITMQ_PORT)"
  write_config
  # Remember whether this node's start brings epmd up, so that stop ends only an epmd of ours.
  rm -f "$RUN/epmd.ours"
  epmd -names >/dev/null 2>&1 || touch "$RUN/epmd.ours"
  local t0=$SECONDS
  # setsid keeps the node out of the caller's process group (a ^C there does not reach it).
  rm -f "$PIDFILE"
  setsid "$BIN/rabbitmq-server" >"$RUN/logs/stdout.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$LAUNCHER"
  until listening && ctl -q await_startup --timeout 10 >/dev/null 2>&1; do
    if ! alive "$pid"; then
      rm -f "$PIDFILE" "$LAUNCHER"; log_tail; die "rabbitmq-server exited during startup"
    fi
    if [ $((SECONDS - t0)) -ge "$START_TIMEOUT" ]; then
      log_tail; stop; die "the node did not start within ${START_TIMEOUT}s"
    fi
    sleep 0.25
  done
  pid=$(node_pid)
  [ -n "$pid" ] || die "the node answers but wrote no pid to $PIDFILE"
  say "RabbitMQ up on 127.0.0.1:$PORT as $NODE (pid $pid) after $((SECONDS - t0))s; logs in $RUN/logs"
}

stop() {
  local pid launcher; pid=$(node_pid)
  launcher=$(cat "$LAUNCHER" 2>/dev/null || true)
  [ -n "$launcher" ] && ! alive "$launcher" && launcher=
  if [ -z "$pid$launcher" ]; then say "not running"; rm -f "$PIDFILE" "$LAUNCHER"; return 0; fi
  local t0=$SECONDS
  if [ -n "$pid" ]; then ctl -q stop >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  else kill -TERM -- "-$launcher" 2>/dev/null || true; fi
  while alive "${pid:-$launcher}"; do
    if [ $((SECONDS - t0)) -ge "$STOP_TIMEOUT" ]; then
      say "still running ${STOP_TIMEOUT}s after stop; sending SIGKILL"
      kill -KILL "${pid:-$launcher}" 2>/dev/null || true
      [ -n "$launcher" ] && kill -KILL -- "-$launcher" 2>/dev/null || true
      for _ in $(seq 50); do alive "${pid:-$launcher}" || break; sleep 0.1; done
      break
    fi
    sleep 0.2
  done
  rm -f "$PIDFILE" "$LAUNCHER"
  # The epmd that our start brought up goes too, once no Erlang node is registered with it.
  if [ -f "$RUN/epmd.ours" ] && ! epmd -names 2>/dev/null | grep -q '^name '; then
    epmd -kill >/dev/null 2>&1 || true
    rm -f "$RUN/epmd.ours"
  fi
  say "stopped (pid ${pid:-$launcher}) after $((SECONDS - t0))s"
}

status() {
  local pid; pid=$(node_pid)
  if [ -z "$pid" ]; then say "not running"; return 3; fi
  if ctl -q status >/dev/null 2>&1; then say "running (pid $pid) on 127.0.0.1:$PORT as $NODE"; return 0; fi
  say "running (pid $pid) but not answering as $NODE"; return 1
}

clean() {
  [ -n "$(node_pid)" ] && die "the node is running: tools/rabbitmq.sh stop first"
  rm -rf "$RUN"; say "removed $RUN"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  clean) clean ;;
  *) echo "usage: $0 start|stop|status|clean" >&2; exit 2 ;;
esac
