#include <gtest/gtest.h>

#include "hwtotp/totp/time_text.h"

namespace hwtotp {
namespace {

TEST(TimeText, UnixSecondsAndIsoForms) {
    EXPECT_EQ(*parse_time("59"), 59);
    EXPECT_EQ(*parse_time("-5"), -5);
    // RFC 6238 Appendix B pairs these times and dates.
    EXPECT_EQ(*parse_time("2005-03-18T01:58:29Z"), 1111111109);
    EXPECT_EQ(*parse_time("2033-05-18T03:33:20Z"), 2000000000);
    EXPECT_EQ(*parse_time("2603-10-11T11:33:20Z"), 20000000000);
    EXPECT_EQ(*parse_time("2005-03-18 02:58:29+01:00"), 1111111109);
    EXPECT_EQ(*parse_time("2005-03-18T01:58:29.999Z"), 1111111109);
    EXPECT_EQ(*parse_time("2005-03-18T01:58Z"), 1111111080);
    EXPECT_EQ(*parse_time("1970-01-01"), 0);
}

TEST(TimeText, RejectsWhatItCannotReadWithoutGuessing) {
    for (const char* bad : {"", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                            "2026-11-23T10:00:00", "2026-11-23T25:00:00Z", "99999999999999999999",
                            "12:00", "2026-11-23T10:00:00Zjunk", "-"}) {
        auto t = parse_time(bad);
        ASSERT_FALSE(t.has_value()) << bad;
        EXPECT_EQ(t.error().code, ErrorCode::invalid_input);
    }
}

TEST(TimeText, FormatsUtc) {
    EXPECT_EQ(format_time(1111111109), "2005-03-18T01:58:29Z");
    EXPECT_EQ(format_time(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_time(-1), "1969-12-31T23:59:59Z");
}

}  // namespace
}  // namespace hwtotp
