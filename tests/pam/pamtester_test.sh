#!/usr/bin/env bash
# End to end through a real PAM stack: pamtester (Debian) authenticates a user whose token is
# in a registry built by the hwtotp binary, with pam_hwtotp.so named by absolute path in a
# service file under /etc/pam.d (the only place pamtester looks: root only). Usage:
#   pamtester_test.sh HWTOTP PAM_MODULE
set -euo pipefail
hwtotp=$1
module=$(realpath "$2")  # PAM takes a module path as is only when it is absolute
if [[ $(id -u) != 0 ]]; then
    echo "SKIPPED: pam_pamtester needs root to write a service file in /etc/pam.d" >&2
    exit 77
fi
if ! command -v pamtester >/dev/null; then
    echo "FAILED: pamtester is not installed (scripts/install-deps.sh installs it)" >&2
    exit 1
fi

work=$(mktemp -d)
service="hwtotp-test-$$"
trap 'rm -rf "$work" "/etc/pam.d/$service"' EXIT
export HOME=$work XDG_DATA_HOME=$work HWTOTP_DB=$work/tokens.db HWTOTP_KEY_FILE=$work/tokens.key
# RFC 6238's SHA-1 seed; the user needs no passwd entry.
echo 3132333435363738393031323334353637383930 >"$work/seed.hex"
printf 'serial,secret\nPAMT0001,3132333435363738393031323334353637383930\n' \
    >"$work/tokens.csv"
"$hwtotp" import "$work/tokens.csv" >/dev/null
"$hwtotp" tokens assign PAMT0001 pamuser-$$ >/dev/null
echo "auth required $module db=$HWTOTP_DB key=$HWTOTP_KEY_FILE" >"/etc/pam.d/$service"

fail() { echo "FAILED: $*" >&2; cat "$work/pamtester.log" >&2; exit 1; }
authenticate() { pamtester "$service" "$1" authenticate <<<"$2" >"$work/pamtester.log" 2>&1; }

code=$("$hwtotp" code --secret-file "$work/seed.hex")
authenticate "pamuser-$$" "$code" || fail "the token's current code was refused"
authenticate "pamuser-$$" "$code" && fail "the same code was accepted twice"
wrong=$([[ $code == 000000 ]] && echo 000001 || echo 000000)
authenticate "pamuser-$$" "$wrong" && fail "a wrong code was accepted"
authenticate "nobody-$$" "$code" && fail "a user without a token was accepted"
"$hwtotp" tokens show PAMT0001 --json | grep -q '"failures": *1' ||
    fail "the wrong code was not counted"
echo "pamtester: accept, replay, wrong code and unknown user behave"
