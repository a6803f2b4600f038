#pragma once
// The text of OpenSSL's error queue, for the message of the Error a failed OpenSSL call becomes.
// One behaviour for every library that calls OpenSSL (device, store): `what`, then every queued
// entry, oldest first, joined by "; ". The oldest entry is usually the cause ("bad decrypt"),
// the newest the operation that gave up; either alone can mislead, and there are rarely more
// than two or three. The queue is drained (it is per thread), so that a later failure does not
// report this one's entries. Entries name OpenSSL's library and reason, never data.

#include <string>
#include <string_view>

namespace hwtotp {

// "what: <entry>; <entry>", or just "what" when the queue is empty.
[[nodiscard]] std::string openssl_error(std::string_view what);

}  // namespace hwtotp
