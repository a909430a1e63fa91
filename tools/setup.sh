#!/usr/bin/env bash
# setup.sh — installs every Debian 12 package that laud's build, tests, fuzzers and benchmarks need.
# Idempotent: packages already present are left alone; safe to rerun. Run as root (or with sudo).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  clang libclang-rt-14-dev llvm
  tao-pegtl-dev libfmt-dev libgtest-dev libgmock-dev googletest
  libre2-dev libcli11-dev libhowardhinnant-date-dev tzdata
  libsimdjson-dev librocksdb-dev librdkafka-dev libtomlplusplus-dev libjemalloc-dev
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
  # Packages must not start system services (rabbitmq-server would listen on every interface):
  # tools/rabbitmq.sh starts a private node on 127.0.0.1 when a test needs one.
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod +x "$policy" && added_policy=1
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" || { [ $added_policy = 1 ] && $SUDO rm -f "$policy"; exit 1; }
  [ $added_policy = 1 ] && $SUDO rm -f "$policy"
fi
# A system RabbitMQ left enabled by an earlier install is stopped and disabled (loopback-only rule).
if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled rabbitmq-server >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO systemctl disable --now rabbitmq-server epmd.socket epmd.service >/dev/null 2>&1 || true
fi
echo "setup: all ${#PACKAGES[@]} packages present"
