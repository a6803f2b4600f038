#!/bin/sh
# Wraps a credential-report CSV the way `aws iam get-credential-report` prints it:
#   {"Content": "<base64 of the CSV>", "ReportFormat": "text/csv", "GeneratedTime": "..."}
# Usage: make_json_report.sh REPORT.csv GENERATED_TIME > REPORT.json
#   GENERATED_TIME as AWS CLI v1 prints it (2026-11-23T09:00:00Z) or v2 (2026-11-23T09:00:00+00:00).
# Regenerate the committed files with: make_json_report.sh --all
set -eu
here=$(dirname "$0")
if [ "${1:-}" = "--all" ]; then
    "$0" "$here/root_mfa.csv" 2026-11-23T09:00:00Z > "$here/root_mfa.json"                # CLI v1
    "$0" "$here/root_no_mfa.csv" 2026-11-23T09:00:00+00:00 > "$here/root_no_mfa.json"      # CLI v2
    "$0" "$here/root_access_keys.csv" 2026-11-23T09:00:00+00:00 > "$here/root_access_keys.json"
    "$0" "$here/bad_truncated.csv" 2026-11-23T09:00:00+00:00 > "$here/bad_truncated.json"
    exit 0
fi
csv=$1
generated=$2
content=$(base64 -w 0 < "$csv")
printf '{\n    "Content": "%s",\n    "ReportFormat": "text/csv",\n    "GeneratedTime": "%s"\n}\n' \
    "$content" "$generated"
