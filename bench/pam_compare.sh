#!/usr/bin/env bash
# One PAM authentication end to end, pam_hwtotp against pam_oath (issue 16): pamtester in a fresh
# process each time, the same HOTP seed and counter sequence for both (HOTP, so that every run
# has a fresh code without waiting for the clock), runs alternating. Root only: pamtester reads
# service files from /etc/pam.d. Prints the medians and their ratio.
#
# usage: bench/pam_compare.sh [RUNS]   (default 41; HWTOTP_BUILD_DIR as for scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-41}
build=$(realpath "${HWTOTP_BUILD_DIR:-build}")
[[ $(id -u) == 0 ]] || { echo "bench/pam_compare.sh: needs root (/etc/pam.d)" >&2; exit 2; }
oath_module=$(find /lib /usr/lib -name pam_oath.so 2>/dev/null | head -n1)
[[ -n $oath_module ]] || { echo "bench/pam_compare.sh: pam_oath not installed (libpam-oath)" >&2; exit 2; }

work=$(mktemp -d)
svc_h="hwtotp-bench-$$"
svc_o="oath-bench-$$"
trap 'rm -rf "$work" "/etc/pam.d/$svc_h" "/etc/pam.d/$svc_o"' EXIT
seed=3132333435363738393031323334353637383930  # RFC 4226's
export HWTOTP_DB=$work/tokens.db HWTOTP_KEY_FILE=$work/tokens.key HOME=$work
printf 'serial,secret,type\nBENCH0001,%s,hotp\n' "$seed" >"$work/t.csv"
"$build/hwtotp" import "$work/t.csv" >/dev/null
"$build/hwtotp" tokens assign BENCH0001 benchuser >/dev/null
printf 'HOTP benchuser - %s\n' "$seed" >"$work/users.oath"
chmod 600 "$work/users.oath"
echo "auth required $build/pam_hwtotp.so db=$HWTOTP_DB key=$HWTOTP_KEY_FILE" >"/etc/pam.d/$svc_h"
echo "auth required $oath_module usersfile=$work/users.oath window=5" >"/etc/pam.d/$svc_o"

# Microseconds for one pamtester run that must succeed.
auth_us() {
    local start end
    start=$(date +%s%N)
    pamtester "$1" benchuser authenticate <<<"$2" >/dev/null 2>&1 || {
        echo "bench/pam_compare.sh: $1 refused the code for counter $3" >&2
        exit 1
    }
    end=$(date +%s%N)
    echo $(((end - start) / 1000))
}
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

: >"$work/h.us"
: >"$work/o.us"
for ((i = 0; i < runs; i++)); do
    code=$(oathtool --hotp -c "$i" "$seed")
    if ((i % 2)); then
        auth_us "$svc_h" "$code" "$i" >>"$work/h.us"
        auth_us "$svc_o" "$code" "$i" >>"$work/o.us"
    else
        auth_us "$svc_o" "$code" "$i" >>"$work/o.us"
        auth_us "$svc_h" "$code" "$i" >>"$work/h.us"
    fi
done
h=$(median <"$work/h.us")
o=$(median <"$work/o.us")
echo "pamtester authentications, median of $runs alternating runs each:"
echo "  pam_hwtotp: $h us   pam_oath: $o us   ratio hwtotp/oath: $(awk -v a="$h" -v b="$o" 'BEGIN {printf "%.2f", a / b}')"
