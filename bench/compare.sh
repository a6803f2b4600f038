#!/usr/bin/env bash
# Side-by-side comparison of hwtotp with the reference implementations (issue 8): window scan vs
# oathtool, resync over every step, PSKC import vs python-pskc, verify --token on small and large
# registries. Prints a Markdown table of medians and ratios (paste it into docs/performance.md).
#
# usage: bench/compare.sh [--quick] [--runs N] [--keep] [--no-build]
#   --quick     fewer runs (3 for hwtotp, 1 for slow references)
#   --runs N    runs per fast benchmark (default 5)
#   --keep      keep the generated inputs (the temporary directory is printed)
#   --no-build  use the existing build (default: configure and build with scripts/build.sh)
# HWTOTP_BUILD_DIR selects the build directory (default build/), as for scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
args=()
for a in "$@"; do
    case "$a" in
        --no-build) build=0 ;;
        -h | --help)
            sed -n '2,12p' "$0"
            exit 0
            ;;
        *) args+=("$a") ;;
    esac
done

# The references and GNU time come from Debian packages; nothing is installed twice.
scripts/install-deps.sh
if [[ ! -x /usr/bin/time ]]; then
    sudo=""
    [[ $(id -u) != 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends time >/dev/null
fi

build_dir="${HWTOTP_BUILD_DIR:-build}"
if ((build)); then
    scripts/build.sh -DHWTOTP_BUILD_BENCH=ON >&2
fi

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs;" \
    "$(openssl version); load average $(cut -d' ' -f1-3 /proc/loadavg)"
# python-pskc lives in Debian's python3 (a pyenv python3 on PATH would lack it).
/usr/bin/python3 bench/compare.py "$build_dir/hwtotp" "$build_dir/bench/engine_bench" "${args[@]}"

# The PostgreSQL registry against the SQLite one (its own throwaway server; skipped, saying so,
# where the server binaries are missing).
postgres_section() {
    echo
    if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
        echo "PostgreSQL: skipped (no server under /usr/lib/postgresql; install postgresql)"
        return
    fi
    local quick=()
    [[ " ${args[*]} " == *" --quick "* ]] && quick=(--quick)
    /usr/bin/python3 bench/postgres_compare.py "$build_dir/hwtotp" "${quick[@]}"
}
postgres_section
