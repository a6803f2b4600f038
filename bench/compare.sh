#!/usr/bin/env bash
# Side-by-side comparison of hwtotp with the reference implementations (issue 8): window scan vs
# oathtool, resync over every step, PSKC import vs python-pskc, PSKC export vs python-pskc
# writing the same file, verify --token on small and large registries. Prints a Markdown table
# of medians and ratios (paste it into docs/performance.md).
# Then, as root, logins through pamtester: pam_hwtotp against pam_oath (issue 16).
#
# usage: bench/compare.sh [--quick] [--runs N] [--keep] [--no-build] [--only export]
#   --quick     fewer runs (3 for hwtotp, 1 for slow references)
#   --only export  only the PSKC export comparison
#   --runs N    runs per fast benchmark (default 5)
#   --keep      keep the generated inputs (the temporary directory is printed)
#   --no-build  use the existing build (default: configure and build with scripts/build.sh)
# HWTOTP_BUILD_DIR selects the build directory (default build/), as for scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
quick=0
only=0
args=()
for a in "$@"; do
    case "$a" in
        --no-build) build=0 ;;
        --quick)
            quick=1
            args+=("$a")
            ;;
        --only)
            only=1
            args+=("$a")
            ;;
        -h | --help)
            sed -n '2,15p' "$0"
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

# Logins (issue 16): one authentication through pamtester, a fresh process each time, with
# pam_hwtotp, pam_oath and pam_permit (the floor) in rotation (bench/pam_compare.sh).
pam_logins() {
    local runs=61
    ((quick)) && runs=15
    echo
    if [[ $(id -u) != 0 ]]; then
        echo "logins, pam_hwtotp against pam_oath: skipped (pamtester reads /etc/pam.d: run as root)"
        return
    fi
    HWTOTP_BUILD_DIR="$build_dir" bench/pam_compare.sh "$runs"
}
((only)) || pam_logins
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
((only)) || postgres_section
