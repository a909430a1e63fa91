#!/usr/bin/env bash
# kafka_crash.sh — exactly-once across kill -9: laudd (small transactions) is killed at several
# points while it consumes a 4-partition topic, restarted each time (same transactional.id: the
# killed one's open transaction is aborted), then run to the end. The dispatch topics, read
# read_committed, hold no dispatch id twice and exactly the records of embedded runs over each
# partition's sub-stream; the rejects topic exactly their rejects.
# Usage: kafka_crash.sh LAUDC LAUDD CREATE_TOPIC SOURCE_DIR WORK_DIR   (ctest kafka_crash)
set -euo pipefail
LAUDC=$1 LAUDD=$2 CREATE_TOPIC=$3 SRC=$4 WORK=$5 NAME=kafka_crash
source "$SRC/tests/kafka/lib.sh"
t0=$SECONDS

"$CREATE_TOPIC" "$BOOTSTRAP" "$RUN.events" 4
produce "$RUN.events" "$SRC/examples/events.jsonl"
expected "$RUN.events" 4
# Small transactions so that a kill lands mid-stream; static membership so that a restarted laudd
# takes its partitions back at once instead of after the killed member's session timeout.
# LAUD_TEST_LOCAL_STATE=1 (ctest kafka_crash_local_state): the same with local RocksDB state, which
# restarts load before reading the changelog's tail.
local_state=()
if [ "${LAUD_TEST_LOCAL_STATE:-0}" = 1 ]; then NAME=kafka_crash_local_state; local_state=('state_dir = "local"'); fi
config "$WORK/run.toml" 'stop_at_end = true' 'instance_id = "crash"' 'batch_messages = 20' "${local_state[@]}" \
  '[kafka.properties]' '"group.instance.id" = "crash"' '"session.timeout.ms" = 6000'

# changelog_end: the sum of the changelog partitions' end offsets (grows with each transaction).
changelog_end() {
  kcat -b "$BOOTSTRAP" -Q -t "$RUN.changelog:0:-1" -t "$RUN.changelog:1:-1" -t "$RUN.changelog:2:-1" \
    -t "$RUN.changelog:3:-1" 2>/dev/null | awk '{ n += $NF } END { print n + 0 }'
}
# Kill points: when the changelog has grown past each of these sizes (about 2,000 records in all).
kill_runs changelog_end "changelog size" 250 600 950 1300
(cd "$WORK" && timeout 120 "$LAUDD" run --config run.toml) 2>>"$WORK/laudd.log" || { tail -20 "$WORK/laudd.log" >&2; fail "the last run exited $?"; }
dispatched "$WORK/kafka.jsonl"
compare "$WORK/kafka.jsonl"
if [ ${#local_state[@]} = 1 ]; then
  # Restarts after the first run loaded local records and read only part of the changelog.
  used=$(grep -cE 'restored [0-9]+ customers from [1-9][0-9]* local records' "$WORK/laudd.log" || true)
  [ "$used" -ge 1 ] || { grep restored "$WORK/laudd.log" >&2; fail "no restore used the local state"; }
  echo "$NAME: $used partition restores loaded local state"
fi
echo "$NAME: PASS: $kills kills mid-stream (changelog $(changelog_end) records at the end); $(wc -l < "$WORK/kafka.jsonl.sorted") records identical to the embedded runs of the 4 partitions, no duplicated id; $(rejects_count) rejects; $((SECONDS - t0)) s"
