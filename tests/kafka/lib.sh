# lib.sh — shared steps of the real-broker tests (sourced by the kafka_*.sh tests):
# broker start, a keyed input topic, the expected records per partition (an
# embedded run of each partition's sub-stream), and the dispatch topics read back read_committed.
# Needs: LAUDC LAUDD CREATE_TOPIC SRC WORK NAME set by the caller.
PORT=${LAUD_KAFKA_PORT:-19092}
BOOTSTRAP=127.0.0.1:$PORT
UNTIL=2027-01-31T00:00:00Z
fail() { echo "$NAME: FAIL: $*" >&2; exit 1; }

broker_started=0
pids=()
# On exit: this test's daemons killed; on success its topics and group deleted (a failed run keeps
# them to look at), so that runs do not pile up topics on a long-lived broker.
lib_cleanup() {
  local status=$?
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if [ "$status" = 0 ] && [ -n "${RUN:-}" ]; then "$CREATE_TOPIC" "$BOOTSTRAP" --delete "$RUN" >/dev/null || true; fi
  if [ $broker_started = 1 ]; then bash "$SRC/tools/kafka.sh" stop >/dev/null || true; fi
}
trap lib_cleanup EXIT
if ! bash "$SRC/tools/kafka.sh" status >/dev/null 2>&1; then
  bash "$SRC/tools/kafka.sh" start
  broker_started=1
fi
rm -rf "$WORK"; mkdir -p "$WORK"
"$LAUDC" compile "$SRC"/examples/*.journey -o "$WORK/examples.ljb"
RUN=laud.$NAME.$(date +%s).$$

# keyed_lines FILE: "key<TAB>line" per line (key = userId, else anonymousId, else empty).
keyed_lines() { python3 "$SRC/tests/kafka/keyed_lines.py" "$1"; }

# produce TOPIC FILE: the file's lines as messages keyed by customer.
produce() { keyed_lines "$2" > "$WORK/keyed.$$.txt"; kcat -b "$BOOTSTRAP" -P -t "$1" -K $'\t' -l "$WORK/keyed.$$.txt"; }

# expected TOPIC PARTITIONS: $WORK/expected.sorted and $WORK/expected_rejects.count from an embedded
# run (until $UNTIL) over each partition's sub-stream, as read back from the topic.
expected() {
  : > "$WORK/expected.jsonl"; local rejects=0
  for ((p = 0; p < $2; ++p)); do
    kcat -b "$BOOTSTRAP" -C -t "$1" -p $p -e -q -f '%s\n' > "$WORK/part$p.jsonl"
    "$LAUDD" run --module "$WORK/examples.ljb" --events "$WORK/part$p.jsonl" --until $UNTIL \
      --out "$WORK/part$p.out" --rejects "$WORK/part$p.rejects" 2>"$WORK/part$p.log"
    cat "$WORK/part$p.out" >> "$WORK/expected.jsonl"
    rejects=$((rejects + $(wc -l < "$WORK/part$p.rejects")))
  done
  LC_ALL=C sort "$WORK/expected.jsonl" > "$WORK/expected.sorted"
  echo $rejects > "$WORK/expected_rejects.count"
}

# config FILE [extra kafka keys...]: a run config for this test's topics.
config() {
  local file=$1; shift
  {
    printf 'module = "examples.ljb"\nuntil = "%s"\n\n[kafka]\n' $UNTIL
    printf 'bootstrap_servers = "%s"\ninput_topics = ["%s"]\ngroup_id = "%s"\n' "$BOOTSTRAP" "$RUN.events" "$RUN"
    printf 'dispatch_topic_prefix = "%s"\nrejects_topic = "%s"\nchangelog_topic = "%s"\n' "$RUN.dispatch." "$RUN.rejects" "$RUN.changelog"
    for kv in "$@"; do echo "$kv"; done
  } > "$file"
}

# dispatched OUT: the values on every dispatch topic of this run (read_committed), one per line.
dispatched() {
  local topics; topics=$(kcat -b "$BOOTSTRAP" -L | sed -n "s/^  topic \"\($RUN\.dispatch\.[a-z_]*\)\".*/\1/p" | sort)
  : > "$1"
  for t in $topics; do
    kcat -b "$BOOTSTRAP" -C -t "$t" -X isolation.level=read_committed -e -q -f '%s\n' >> "$1"
  done
}

# rejects_count: messages on the rejects topic (read_committed).
rejects_count() {
  kcat -b "$BOOTSTRAP" -C -t "$RUN.rejects" -X isolation.level=read_committed -e -q -f 'x\n' 2>/dev/null | wc -l
}

# compare OUT: no dispatch id twice, and the sorted records identical to the expected ones.
compare() {
  local dups; dups=$(python3 -c '
import json, sys, collections
ids = collections.Counter(json.loads(l)["id"] for l in open(sys.argv[1]) if l.strip())
print(sum(n - 1 for n in ids.values() if n > 1))' "$1")
  [ "$dups" = 0 ] || fail "$dups duplicated dispatch ids"
  LC_ALL=C sort "$1" > "$1.sorted"
  if ! cmp -s "$WORK/expected.sorted" "$1.sorted"; then
    diff "$WORK/expected.sorted" "$1.sorted" | head -n 10 >&2
    fail "records differ from the embedded runs' ($(wc -l < "$1.sorted") vs $(wc -l < "$WORK/expected.sorted"))"
  fi
  [ -s "$1.sorted" ] || fail "no records"
  local r; r=$(rejects_count)
  [ "$r" = "$(cat "$WORK/expected_rejects.count")" ] || fail "$r rejects, expected $(cat "$WORK/expected_rejects.count")"
}

# wait_for SECONDS WHAT CONDITION [LOG]: until the shell condition holds, or fail (showing the end of
# LOG). The limit is wall time, not a number of tries: one try may itself wait (a lag query on a
# struggling broker can take 40 s), and a count of tries once let a test sit far past its ctest timeout.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2
  until eval "$3"; do
    if [ $SECONDS -ge $deadline ]; then
      [ -n "${4:-}" ] && tail "$4" >&2
      fail "no $what within $1 s"
    fi
    sleep 0.2
  done
}

# kill_runs PROGRESS WHAT TARGET...: runs laudd on $WORK/run.toml and kills it with SIGKILL when the
# command PROGRESS prints a number at or past the next TARGET, restarting it each time, until a run
# ends by itself or the targets are used up; `kills` says how many landed (at least 3, or it fails).
kill_runs() {
  local progress=$1 what=$2 at pid; shift 2
  kills=0
  for at in "$@"; do
    (cd "$WORK" && exec "$LAUDD" run --config run.toml) 2>>"$WORK/laudd.log" &
    pid=$!; pids+=($pid)
    while kill -0 $pid 2>/dev/null && [ "$($progress)" -lt $at ]; do sleep 0.05; done
    if kill -0 $pid 2>/dev/null; then
      kill -9 $pid; wait $pid 2>/dev/null || true
      echo "$NAME: killed laudd at $what $($progress) ($((SECONDS - t0)) s)"
      echo "--- kill -9 ---" >> "$WORK/laudd.log"
      kills=$((kills + 1))
    else
      wait $pid || fail "laudd exited $? before the kill"
      break
    fi
  done
  [ $kills -ge 3 ] || fail "only $kills kills landed mid-stream"
}
