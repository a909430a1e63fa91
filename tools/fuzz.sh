#!/usr/bin/env bash
# fuzz.sh — builds the libFuzzer targets with clang into build-fuzz/ and runs each for a while.
# Usage: tools/fuzz.sh [SECONDS_PER_TARGET]  (default $LAUD_FUZZ_SECONDS, else 60). Fails if any target
# finds a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-${LAUD_FUZZ_SECONDS:-60}}
BUILD_DIR=${LAUD_FUZZ_BUILD_DIR:-build-fuzz}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLAUD_FUZZ=ON -DLAUD_BENCH=OFF >/dev/null
fi
ninja -C "$BUILD_DIR" fuzz_targets
# Seed corpora (read-only, read recursively): the sources each target parses.
seeds_for() {
  case "$1" in
    fuzz_check | fuzz_format) echo "examples tests/golden" ;;
    fuzz_module) echo "fuzz/seeds/module" ;;
    fuzz_state) echo "fuzz/seeds/state" ;;
    fuzz_config) echo "fuzz/seeds/config" ;;  # the configs of docs/kafka.md
    fuzz_events) echo "tests/golden/run" ;;  # each case's events.jsonl (the other files are noise, harmless)
    *) echo "" ;;
  esac
}
for target in "$BUILD_DIR"/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  corpus="$BUILD_DIR/corpus/$name"
  mkdir -p "$corpus"
  echo "fuzz: running $name for ${SECONDS_PER_TARGET}s"
  set +o pipefail
  "$target" -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -timeout=10 -artifact_prefix="$BUILD_DIR/" -rss_limit_mb=2048 \
    -print_final_stats=1 "$corpus" $(seeds_for "$name") 2>&1 | tail -n 12
  rc=${PIPESTATUS[0]}
  set -o pipefail
  if [ "$rc" != 0 ]; then echo "fuzz: $name FAILED (exit $rc)"; exit 1; fi
  echo "fuzz: $name passed"
done
