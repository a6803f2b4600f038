#!/usr/bin/env bash
# Configures and builds hwtotp into build/ (or $HWTOTP_BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${HWTOTP_BUILD_DIR:-build}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
# HWTOTP_BUILD_TARGET builds one target (the quick start builds only hwtotp); default: all.
cmake --build "$build_dir" -j "$(nproc)" ${HWTOTP_BUILD_TARGET:+--target "$HWTOTP_BUILD_TARGET"}
