#pragma once
// The JSON wrapper of `aws iam get-credential-report`. Internal to hwtotp_aws.

#include <cstddef>
#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"

namespace hwtotp::aws::detail {

struct ReportWrapper {
    std::string content_base64;
    std::size_t content_line = 1;  // line of "Content" in the file, for messages
    std::string generated_time;    // as written; empty when absent
};

// Requires an object with a string Content; ReportFormat, when present, must be text/csv.
[[nodiscard]] Result<ReportWrapper> parse_report_wrapper(std::string_view text,
                                                         std::string_view file_name);

}  // namespace hwtotp::aws::detail
