#!/usr/bin/env bash
# The main job on the simulated default token: what hwtotp is for, in a few commands.
set -euo pipefail
hwtotp="${1:-build/hwtotp}"
seed_file=$(mktemp)
trap 'rm -f "$seed_file"' EXIT
chmod 600 "$seed_file"
# RFC 6238's SHA-1 test seed, kept out of argv.
echo 3132333435363738393031323334353637383930 >"$seed_file"

echo "== The codes a token with the RFC 6238 seed shows at t = 59 (RFC: 94287082)"
"$hwtotp" code --secret-file "$seed_file" --digits 8 --time 59
echo "== Verify that code one step later (offset -1)"
"$hwtotp" verify --secret-file "$seed_file" --digits 8 --time 89 94287082
