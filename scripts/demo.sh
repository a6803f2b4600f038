#!/usr/bin/env bash
# The main job on the built-in simulated token: enroll-check a hardware token's serial and two
# codes, then resync the same token a year later after its clock drifted.
set -euo pipefail
hwtotp="${1:-build/hwtotp}"
seed_file=$(mktemp)
trap 'rm -f "$seed_file"' EXIT
chmod 600 "$seed_file"
# RFC 6238's SHA-1 test seed, kept out of argv.
echo 3132333435363738393031323334353637383930 >"$seed_file"
serial=GAKT12345678
now=$(date +%s)

# Reads "MFA code 1: NNNNNN" / "MFA code 2: NNNNNN" from `simulate --enroll`.
codes() { awk -F': ' '/^MFA code 1/ {c1=$2} /^MFA code 2/ {c2=$2} END {print c1, c2}'; }

# The first press was one period ago, the second one now.
pressed=$((now - 30))
echo "== 1. A simulated hardware token is pressed twice, one step apart (what you would type)"
"$hwtotp" simulate --serial "$serial" --secret-file "$seed_file" --enroll --time "$pressed"
read -r c1 c2 < <("$hwtotp" simulate --serial "$serial" --secret-file "$seed_file" --enroll --time "$pressed" | codes)

echo
echo "== 2. Check them before submitting to AWS"
"$hwtotp" check --serial "$serial" --code1 "$c1" --code2 "$c2" --secret-file "$seed_file" \
    --time "$now" --user alice

echo
echo "== 3. The same pair typed in the wrong order"
"$hwtotp" check --serial "$serial" --code1 "$c2" --code2 "$c1" --secret-file "$seed_file" \
    --time "$now" || true

year=$((now + 31557600))
echo
echo "== 4. A year later the token's clock runs 35 ppm fast; resync it from two codes"
read -r d1 d2 < <("$hwtotp" simulate --serial "$serial" --secret-file "$seed_file" --enroll \
    --drift-ppm 35 --since "$now" --time "$((year - 30))" | codes)
"$hwtotp" resync --secret-file "$seed_file" --code1 "$d1" --code2 "$d2" --time "$year"
