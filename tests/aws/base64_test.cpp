// Base64 through OpenSSL: good input, line breaks, and everything that must be refused.
#include <gtest/gtest.h>

#include "audit_base64.h"

namespace hwtotp::aws::detail {
namespace {

TEST(Base64, Decodes) {
    EXPECT_EQ(decode_base64("dXNlcixhcm4K"), std::optional<std::string>("user,arn\n"));
    EXPECT_EQ(decode_base64("YQ=="), std::optional<std::string>("a"));
    EXPECT_EQ(decode_base64("YWI="), std::optional<std::string>("ab"));
    EXPECT_EQ(decode_base64(""), std::optional<std::string>(""));
}

TEST(Base64, AcceptsLineBreaks) {
    EXPECT_EQ(decode_base64("dXNl\ncixh\r\ncm4K\n"), std::optional<std::string>("user,arn\n"));
}

TEST(Base64, RefusesForeignCharacters) {
    EXPECT_FALSE(decode_base64("dXNl*ixh").has_value());
    EXPECT_FALSE(decode_base64("dXNlcixhcm4K!!!!").has_value());
}

TEST(Base64, RefusesCutGroups) {
    EXPECT_FALSE(decode_base64("dXNlcixhcm4").has_value());
    EXPECT_FALSE(decode_base64("Y").has_value());
}

}  // namespace
}  // namespace hwtotp::aws::detail
