#!/usr/bin/env bash
# build.sh — configures (once) and builds laud with CMake + Ninja into build/ (or $LAUD_BUILD_DIR).
# Extra arguments go to ninja (targets). Set LAUD_WERROR=ON to make warnings errors (CI does).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${LAUD_BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLAUD_WERROR="${LAUD_WERROR:-OFF}" >/dev/null
fi
ninja -C "$BUILD_DIR" "$@"
