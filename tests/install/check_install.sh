#!/usr/bin/env bash
# `cmake --install` works for another project: install this build into a scratch prefix, then
# configure, build and run tests/install/consumer against it with find_package(hwtotp).
# usage: check_install.sh BUILD_DIR SCRATCH_DIR [CXX_FLAGS]  (flags: e.g. the sanitizers')
set -euo pipefail
build="$1"
scratch="$2"
flags="${3:-}"
here="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$scratch"
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
for f in bin/hwtotp include/hwtotp/totp/otp_key.h include/hwtotp/device/simulated_token.h \
    lib/cmake/hwtotp/hwtotpConfig.cmake; do
    [[ -e "$scratch/prefix/$f" ]] || { echo "not installed: $f" >&2; exit 1; }
done
cmake -S "$here/consumer" -B "$scratch/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$scratch/prefix" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$scratch/consumer" >/dev/null
"$scratch/consumer/consumer"
