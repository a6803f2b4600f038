#!/usr/bin/env bash
# Quick start, command 2: build and run every test suite (unit, vectors, cli, stress, install).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh "$@"
ctest --test-dir "${HWTOTP_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
