#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and run the main job on the
# built-in simulated token.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Only the binary the demo runs: the tests, fuzz targets and benchmarks are the second command's.
# Line-table debug info (-g1) compiles in about two thirds of the time of full -g.
HWTOTP_BUILD_TARGET=hwtotp scripts/build.sh -DHWTOTP_LINE_DEBUG_INFO=ON
scripts/demo.sh build/hwtotp
