#!/usr/bin/env bash
# Installs what hitless needs to build and test on Debian 12 (only what is missing), then
# configures and builds the given CMake presets (default: dev).
# Usage: scripts/setup.sh [preset...]
#        scripts/setup.sh --install-only     (packages only, nothing built)
set -euo pipefail
cd "$(dirname "$0")/.."
install_only=0
if [ "${1:-}" = --install-only ]; then install_only=1; shift; fi

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-system1.81-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev
  libsqlite3-dev libsodium-dev libssl-dev libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  haproxy socat curl procps python3 clang-format clang lld
  knot knot-dnsutils libldns-dev nftables iproute2 minisign libssh-dev ipmitool openipmi
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ $install_only -eq 0 ] || exit 0
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(dev)
jobs=$(nproc)
for preset in "${presets[@]}"; do
  echo "setup: configuring and building preset '$preset' with $jobs jobs"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
done
