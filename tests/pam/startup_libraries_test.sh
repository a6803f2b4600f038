#!/usr/bin/env bash
# What a process loads before it does anything is paid by every command and every login. libpq
# (with the ~20 libraries it brings: Kerberos, LDAP, GnuTLS, SASL) is loaded only when a
# PostgreSQL registry is opened (store/src/libpq.h), so neither hwtotp nor pam_hwtotp.so may
# need it; and the module, which only verifies, may not need the file-format libraries
# (pugixml, libpng, libqrencode) that import and export use. Fails naming the library.
#
# usage: startup_libraries_test.sh HWTOTP MODULE
set -euo pipefail
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
status=0
if needed "$1" | grep -E '^libpq\.so'; then
    echo "startup_libraries_test: $1 links libpq (it is loaded when a PostgreSQL registry opens)" >&2
    status=1
fi
if needed "$2" | grep -E '^lib(pq|pugixml|png16|qrencode)\.so'; then
    echo "startup_libraries_test: $2 links the libraries above, which a login never uses" >&2
    status=1
fi
echo "startup_libraries_test: hwtotp needs $(needed "$1" | tr '\n' ' ')"
echo "startup_libraries_test: the module needs $(needed "$2" | tr '\n' ' ')"
exit $status
