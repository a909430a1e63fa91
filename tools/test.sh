#!/usr/bin/env bash
# test.sh — builds everything and runs the whole test suite with ctest, then the fuzzers briefly.
# LAUD_FUZZ_SECONDS (default 60, 0 to skip) sets how long each fuzz target runs.
set -euo pipefail
cd "$(dirname "$0")/.."
LAUD_WERROR=${LAUD_WERROR:-ON} bash tools/build.sh
status=0
ctest --test-dir "${LAUD_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)" || status=$?
if [ "${LAUD_FUZZ_SECONDS:-60}" != "0" ]; then
  bash tools/fuzz.sh "${LAUD_FUZZ_SECONDS:-60}" || status=1
fi
exit $status
