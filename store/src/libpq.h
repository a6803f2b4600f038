#pragma once
// libpq, loaded when a registry on a PostgreSQL server is first opened rather than when the
// program starts. Linking it would load it, and the ~20 libraries it brings (Kerberos, LDAP,
// GnuTLS, SASL, libssl), into every hwtotp command and every PAM login, which use a local
// registry far more often than a server: that cost 3.4 ms of CPU per process on the machine in
// docs/performance.md, more than a SQLite verify takes. The types come from libpq-fe.h as usual;
// only the calls go through the table below. Included by postgres.cpp only.

#include <libpq-fe.h>

#include "hwtotp/totp/error.h"

namespace hwtotp::store::pg {

// The libpq functions the adapter calls, each with its exact libpq type.
#define HWTOTP_LIBPQ_FUNCTIONS(X) \
    X(PQclear)                    \
    X(PQcmdTuples)                \
    X(PQconnectdbParams)          \
    X(PQconninfoFree)             \
    X(PQconninfoParse)            \
    X(PQerrorMessage)             \
    X(PQexec)                     \
    X(PQexecParams)               \
    X(PQfinish)                   \
    X(PQfreemem)                  \
    X(PQgetisnull)                \
    X(PQgetlength)                \
    X(PQgetvalue)                 \
    X(PQntuples)                  \
    X(PQresultErrorField)         \
    X(PQresultStatus)             \
    X(PQsetNoticeProcessor)       \
    X(PQstatus)                   \
    X(PQtransactionStatus)

struct LibPq {
#define HWTOTP_LIBPQ_MEMBER(name) decltype(&::name) name = nullptr;
    HWTOTP_LIBPQ_FUNCTIONS(HWTOTP_LIBPQ_MEMBER)
#undef HWTOTP_LIBPQ_MEMBER
};

// The loaded library, or why it cannot be loaded (not installed, or too old to have a function
// the adapter calls). Loaded once per process, thread-safely, and never unloaded: its own
// libraries register exit handlers, and a table that cannot change needs no lock.
[[nodiscard]] Result<const LibPq*> load_libpq();

// The table, once load_libpq() has succeeded (every Connection and Rows exists only after).
[[nodiscard]] const LibPq& libpq();

}  // namespace hwtotp::store::pg
