#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and run the main job on the
# built-in simulated token.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
scripts/demo.sh build/hwtotp
