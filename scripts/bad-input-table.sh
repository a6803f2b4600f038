#!/bin/sh
# Prints the rows of the table in docs/bad-input.md from tests/cli/bad_input.tsv (the catalogue
# the end-to-end tests check). The test CliBadInputDoc fails when the two differ: paste this
# output over the table's rows.
set -eu
cd "$(dirname "$0")/.."
grep -v -e '^#' -e '^$' tests/cli/bad_input.tsv | awk -F'\t' '{
    args = "hwtotp"
    for (i = 3; i <= NF; i++) args = args " " $i
    line = $2
    gsub(/\|/, "\\|", args); gsub(/\|/, "\\|", line)
    printf "| `%s` | %s | `%s` |\n", args, $1, line
}'
