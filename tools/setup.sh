#!/usr/bin/env bash
# setup.sh — installs every Debian 12 package that laud's build, tests, fuzzers and benchmarks need.
# Idempotent: packages already present are left alone; safe to rerun. Run as root (or with sudo).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  clang libclang-rt-14-dev llvm
  tao-pegtl-dev libfmt-dev libgtest-dev libgmock-dev googletest
  libre2-dev libcli11-dev libhowardhinnant-date-dev tzdata
  libsimdjson-dev librocksdb-dev librdkafka-dev
  libbenchmark-dev liblua5.4-dev libluajit-5.1-dev
  maven default-jre-headless kcat rabbitmq-server amqp-tools librabbitmq-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "setup: all ${#PACKAGES[@]} packages present"
