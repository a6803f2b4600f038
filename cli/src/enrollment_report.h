#pragma once
// The enrollment pre-check as check and enroll print it (DESIGN "check, exactly"): the serial's
// kind and AWS's verdict on it, the codes' step and timing when a seed is at hand, every reason
// the pair is not ready, the time left to submit, and what to submit.

#include <cstdint>
#include <optional>
#include <string>

#include "context.h"
#include "hwtotp/totp/code.h"
#include "key_options.h"

namespace hwtotp::cli {

// Who the device is for: an IAM user (print the aws iam command) or the root user (console).
struct Submitter {
    std::string user;  // validated IAM user name; empty: none
    bool root = false;
};

struct CheckRequest {
    std::string serial;
    Code code1;
    Code code2;
    const ResolvedKey* key = nullptr;  // null: no seed, format checks only
    std::int64_t time = 0;
    Submitter submitter;
    std::uint64_t search_radius = 2880;
};

// Prints the report (text, or JSON with --json) and returns the exit code: 0 READY or
// "FORMAT OK (not verified)", 1 NOT READY. Fails when the key names another serial.
[[nodiscard]] Result<int> report_check(const CheckRequest& request, Context& ctx);

// Fails when the key names another serial than `serial`, or makes codes AWS does not take
// (not 6 digits): report_check's own refusals, which enroll makes before asking for codes.
// `what` names where the serial came from in the message.
[[nodiscard]] Result<void> key_fits_enrollment(const std::string& serial, const ResolvedKey& key,
                                               const std::string& what = "--serial");

// Parses --user/--root: at most one; the user name must be a valid IAM user name.
[[nodiscard]] Result<Submitter> parse_submitter(const std::string& user, bool root);

}  // namespace hwtotp::cli
