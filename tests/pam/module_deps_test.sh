#!/usr/bin/env bash
# pam_hwtotp.so links its C++ runtime in (pam/CMakeLists.txt): a login in a C host (sudo,
# login, pamtester) then does not load and relocate libstdc++.so and libgcc_s.so, about a
# fifth of a login's instructions. Fails naming any C++ runtime the module still needs, or a
# symbol it exports beyond the two PAM entry points.
#
# usage: module_deps_test.sh MODULE
set -euo pipefail
module=$1
needed=$(readelf -d "$module" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
if grep -E '^lib(stdc\+\+|gcc_s)\.so' <<<"$needed"; then
    echo "module_deps_test: $module needs the C++ runtime above (link it statically)" >&2
    exit 1
fi
exported=$(nm -D --defined-only "$module" | awk '$2 ~ /^[TDBVW]$/ {print $3}' | sort | tr '\n' ' ')
if [[ $exported != "pam_sm_authenticate pam_sm_setcred " ]]; then
    echo "module_deps_test: $module exports more than the PAM entry points: $exported" >&2
    exit 1
fi
echo "module_deps_test: needs $(tr '\n' ' ' <<<"$needed")"
