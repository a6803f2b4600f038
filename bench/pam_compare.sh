#!/usr/bin/env bash
# One PAM authentication end to end, pam_hwtotp against pam_oath (issue 16): pamtester in a fresh
# process each time, the same HOTP seed and counter sequence for both (HOTP, so that every run
# has a fresh code without waiting for the clock), and pam_permit as the floor (pamtester and
# libpam alone). Runs rotate through the three so that a busy machine slows each alike. Root
# only: pamtester reads service files from /etc/pam.d. Prints the medians of wall and CPU
# time, the ratios pam_hwtotp/pam_oath and the load average before and after.
#
# Each module's files sit in a directory of their own, as in a real installation: pam_oath
# renames its usersfile (dirtying its directory) and SQLite syncs the registry's directory once
# per connection, which would otherwise pay for the other's rename.
#
# usage: bench/pam_compare.sh [RUNS]   (default 41; HWTOTP_BUILD_DIR as for scripts/build.sh;
#        HWTOTP_PAM_MODULE=PATH measures another build of pam_hwtotp.so, e.g. an older one)
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
module=$(realpath "${HWTOTP_PAM_MODULE:-$build/pam_hwtotp.so}")
echo "auth required $module db=$HWTOTP_DB key=$HWTOTP_KEY_FILE" >"/etc/pam.d/$svc_h"
echo "auth required $oath_module usersfile=$work/oath/users.oath window=5" >"/etc/pam.d/$svc_o"
echo "auth required pam_permit.so" >"/etc/pam.d/$svc_p"

# The runs, rotating through the three services: a small Python driver, so that each run's
# wall time and CPU time (user + sys, from wait4's rusage, microsecond resolution) are taken
# around pamtester alone. Prints the summary lines.
/usr/bin/python3 - "$runs" "$seed" "$svc_h" "$svc_o" "$svc_p" <<'PY'
import os, statistics, subprocess, sys, time

runs, seed = int(sys.argv[1]), sys.argv[2]
services = {"hwtotp": sys.argv[3], "oath": sys.argv[4], "permit": sys.argv[5]}
orders = [("hwtotp", "oath", "permit"), ("oath", "permit", "hwtotp"), ("permit", "hwtotp", "oath")]
wall = {m: [] for m in services}
cpu = {m: [] for m in services}

def login(module, code, counter):
    start = time.perf_counter_ns()
    child = subprocess.Popen(["pamtester", services[module], "benchuser", "authenticate"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, bufsize=0)
    try:
        child.stdin.write((code + "\n").encode())
    except BrokenPipeError:
        pass  # pam_permit asks for nothing: pamtester may be gone already
    child.stdin.close()
    _, status, usage = os.wait4(child.pid, 0)
    wall[module].append((time.perf_counter_ns() - start) / 1000)
    cpu[module].append((usage.ru_utime + usage.ru_stime) * 1e6)
    if status != 0:
        sys.exit(f"bench/pam_compare.sh: {module} refused the code for counter {counter}")

load_before = open("/proc/loadavg").read().split()[:3]
for i in range(runs):
    code = subprocess.run(["oathtool", "--hotp", "-c", str(i), seed], check=True,
                          capture_output=True, text=True).stdout.strip()
    for module in orders[i % 3]:
        login(module, code, i)
load_after = open("/proc/loadavg").read().split()[:3]

print(f"pamtester authentications, median of {runs} rotating runs each (load average "
      f"{' '.join(load_before)} before, {' '.join(load_after)} after):")
for name, values in (("wall", wall), ("CPU ", cpu)):
    h, o, p = (statistics.median(values[m]) for m in ("hwtotp", "oath", "permit"))
    print(f"  {name}  pam_hwtotp: {h:.0f} us   pam_oath: {o:.0f} us   pam_permit (floor): "
          f"{p:.0f} us   hwtotp/oath: {h / o:.2f}   above the floor: {(h - p) / (o - p):.2f}")
PY
