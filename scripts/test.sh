#!/usr/bin/env bash
# Quick start, command 2: build and run every test suite (unit, vectors, cli, stress, install).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Line-table debug info (-g1), as the quick start: a third less compile time; backtraces and
# sanitizer reports keep files and lines. Pass -DHWTOTP_LINE_DEBUG_INFO=OFF for full -g.
scripts/build.sh -DHWTOTP_LINE_DEBUG_INFO=ON "$@"
ctest --test-dir "${HWTOTP_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
