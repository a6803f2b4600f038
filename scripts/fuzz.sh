#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each one for
# a bounded time: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]. Findings land in
# build-fuzz/findings/<target>/ and make the script fail; copy each into
# tests/fuzz/corpus/<target>/ with the fix so that it stays a regression test.
# Afterwards build-fuzz/coverage_<target>.txt lists, per function, the lines the grown corpus
# leaves uncovered (libFuzzer -print_coverage), e.g. to see which of the PSKC splitter's refill
# paths are reached: grep -A30 'PskcChunker::fill' build-fuzz/coverage_pskc.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
HWTOTP_WITH_FUZZ=1 scripts/install-deps.sh
build_dir="${HWTOTP_FUZZ_BUILD_DIR:-build-fuzz}"
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DHWTOTP_FUZZ=ON -DHWTOTP_BUILD_BENCH=OFF >/dev/null

targets=("$@")
if ((${#targets[@]} == 0)); then
    mapfile -t targets < <(sed -n 's/^hwtotp_add_fuzz_target(\([a-z0-9_]*\).*/\1/p' tests/fuzz/CMakeLists.txt)
fi
cmake --build "$build_dir" -j "$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null

failed=()
for t in "${targets[@]}"; do
    work="$build_dir/corpus/$t"
    findings="$build_dir/findings/$t"
    mkdir -p "$work" "$findings"
    cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
    echo "== fuzz_$t: ${seconds}s"
    if ! "$build_dir/tests/fuzz/fuzz_$t" "$work" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
        -artifact_prefix="$findings/" -print_final_stats=1 >"$build_dir/fuzz_$t.log" 2>&1; then
        failed+=("$t")
        tail -30 "$build_dir/fuzz_$t.log"
    else
        grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE' "$build_dir/fuzz_$t.log" | tail -2
    fi
    "$build_dir/tests/fuzz/fuzz_$t" "$work" -runs=0 -print_coverage=1 \
        >"$build_dir/coverage_$t.txt" 2>&1 || true
done
if ((${#failed[@]})); then
    echo "fuzz findings in: ${failed[*]} (see $build_dir/findings/)" >&2
    exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without findings"
