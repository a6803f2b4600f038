#!/usr/bin/env bash
# Installs the Debian 12 (bookworm) packages hwtotp builds and tests with. Idempotent: packages
# already present are left alone, and apt-get runs only when something is missing.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config
    libssl-dev libhidapi-dev libcli11-dev libgtest-dev libgmock-dev libsqlite3-dev
    libpugixml-dev nlohmann-json3-dev libexpected-dev libbenchmark-dev libpam0g-dev libpq-dev
    libqrencode-dev libpng-dev
    # a throwaway PostgreSQL server for the registry's PostgreSQL tests (ctest label postgres)
    postgresql
    # independent references used by tests and benchmarks
    oathtool python3-pskc sqlite3 pamtester libpam-oath zbar-tools
)
if [[ "${HWTOTP_WITH_FUZZ:-0}" == 1 ]]; then
    packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    exit 0
fi
sudo=""
if [[ $(id -u) != 0 ]]; then
    sudo="sudo"
fi
echo "Installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
