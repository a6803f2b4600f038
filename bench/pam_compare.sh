#!/usr/bin/env bash
# One PAM authentication end to end, pam_hwtotp against pam_oath (issue 16): pamtester in a fresh
# process each time, the same HOTP seed and counter sequence for both (HOTP, so that every run
# has a fresh code without waiting for the clock), and pam_permit as the floor (pamtester and
# libpam alone). Runs rotate through the three so that a busy machine slows each alike. Root
# only: pamtester reads service files from /etc/pam.d. Prints the medians, the ratio
# pam_hwtotp/pam_oath and the load average before and after.
#
# Each module's files sit in a directory of their own, as in a real installation: pam_oath
# renames its usersfile (dirtying its directory) and SQLite syncs the registry's directory once
# per connection, which would otherwise pay for the other's rename.
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
svc_p="permit-bench-$$"
trap 'rm -rf "$work" "/etc/pam.d/$svc_h" "/etc/pam.d/$svc_o" "/etc/pam.d/$svc_p"' EXIT
mkdir -m 700 "$work/hwtotp" "$work/oath"
seed=3132333435363738393031323334353637383930  # RFC 4226's
export HWTOTP_DB=$work/hwtotp/tokens.db HWTOTP_KEY_FILE=$work/hwtotp/tokens.key HOME=$work
printf 'serial,secret,type\nBENCH0001,%s,hotp\n' "$seed" >"$work/t.csv"
"$build/hwtotp" import "$work/t.csv" >/dev/null
"$build/hwtotp" tokens assign BENCH0001 benchuser >/dev/null
printf 'HOTP benchuser - %s\n' "$seed" >"$work/oath/users.oath"
chmod 600 "$work/oath/users.oath"
echo "auth required $build/pam_hwtotp.so db=$HWTOTP_DB key=$HWTOTP_KEY_FILE" >"/etc/pam.d/$svc_h"
echo "auth required $oath_module usersfile=$work/oath/users.oath window=5" >"/etc/pam.d/$svc_o"
echo "auth required pam_permit.so" >"/etc/pam.d/$svc_p"

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

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$work/h.us"
: >"$work/o.us"
: >"$work/p.us"
for ((i = 0; i < runs; i++)); do
    code=$(oathtool --hotp -c "$i" "$seed")
    case $((i % 3)) in
        0) order="h o p" ;;
        1) order="o p h" ;;
        *) order="p h o" ;;
    esac
    for m in $order; do
        case $m in
            h) auth_us "$svc_h" "$code" "$i" >>"$work/h.us" ;;
            o) auth_us "$svc_o" "$code" "$i" >>"$work/o.us" ;;
            p) auth_us "$svc_p" "" "$i" >>"$work/p.us" ;;
        esac
    done
done
h=$(median <"$work/h.us")
o=$(median <"$work/o.us")
p=$(median <"$work/p.us")
echo "pamtester authentications, median of $runs rotating runs each (load average" \
    "$load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after):"
echo "  pam_hwtotp: $h us   pam_oath: $o us   pam_permit (floor): $p us" \
    "  ratio hwtotp/oath: $(awk -v a="$h" -v b="$o" 'BEGIN {printf "%.2f", a / b}')"
