// list-virtual-mfa-devices / list-mfa-devices pages.
#include <gtest/gtest.h>

#include "hwtotp/aws/mfa_listing.h"

namespace hwtotp::aws {
namespace {

TEST(Listing, VirtualWithAndWithoutUser) {
    const auto p = parse_mfa_listing(R"({"VirtualMFADevices": [
        {"SerialNumber": "arn:aws:iam::123456789012:mfa/phone",
         "User": {"Arn": "arn:aws:iam::123456789012:root", "UserId": "123456789012"},
         "EnableDate": "2019-10-28T20:37:09+00:00"},
        {"SerialNumber": "arn:aws:iam::123456789012:mfa/root-account-mfa-device"},
        {"SerialNumber": "arn:aws:iam::123456789012:mfa/Fred",
         "User": {"Path": "/", "UserName": "Fred", "UserId": "AIDAEXAMPLEFRED00001",
                  "Arn": "arn:aws:iam::123456789012:user/Fred", "CreateDate": "2019-10-28T01:06:07Z"}}
    ]})",
                                     "v.json");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    EXPECT_EQ(p->kind, ListingKind::virtual_devices);
    ASSERT_EQ(p->devices.size(), 3u);
    EXPECT_EQ(p->devices[0].user_arn, "arn:aws:iam::123456789012:root");
    EXPECT_FALSE(p->devices[0].user_name.has_value());
    EXPECT_FALSE(p->devices[1].user_arn.has_value());
    EXPECT_EQ(p->devices[2].user_name, "Fred");
    EXPECT_EQ(p->account_id, "123456789012");
    EXPECT_FALSE(p->is_truncated);
}

TEST(Listing, UserDevices) {
    const auto p = parse_mfa_listing(R"({"MFADevices": [
        {"UserName": "Bob", "SerialNumber": "GAKT12345678", "EnableDate": "2023-02-18T21:44:42+00:00"},
        {"UserName": "Bob", "SerialNumber": "arn:aws:iam::123456789012:mfa/Bob"}]})",
                                     "d.json");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    EXPECT_EQ(p->kind, ListingKind::user_devices);
    EXPECT_EQ(p->devices.size(), 2u);
    EXPECT_EQ(p->account_id, "123456789012");
}

TEST(Listing, HardwareOnlyHasNoAccount) {
    const auto p = parse_mfa_listing(
        R"({"MFADevices": [{"UserName": "Bob", "SerialNumber": "GAKT12345678"}]})", "d.json");
    ASSERT_TRUE(p.has_value());
    EXPECT_TRUE(p->account_id.empty());
}

TEST(Listing, Pagination) {
    auto p = parse_mfa_listing(R"({"VirtualMFADevices": [], "IsTruncated": true, "Marker": "abc"})",
                               "v.json");
    ASSERT_TRUE(p.has_value());
    EXPECT_TRUE(p->is_truncated);
    EXPECT_EQ(p->marker, "abc");
    p = parse_mfa_listing(R"({"VirtualMFADevices": [], "NextToken": "eyJNYXJrZXIiOiBudWxsfQ=="})",
                          "v.json");
    ASSERT_TRUE(p.has_value());
    EXPECT_TRUE(p->is_truncated);
}

TEST(Listing, NotAListing) {
    for (const char* text :
         {R"({"Users": []})", R"([])", R"("x")", R"({"VirtualMFADevices": {}})"}) {
        const auto p = parse_mfa_listing(text, "x.json");
        ASSERT_FALSE(p.has_value()) << text;
        EXPECT_EQ(p.error().code, ErrorCode::invalid_input);
        EXPECT_NE(p.error().message.find("x.json: no VirtualMFADevices or MFADevices array"),
                  std::string::npos)
            << p.error().message;
    }
}

TEST(Listing, BothArraysRefused) {
    const auto p = parse_mfa_listing(R"({"VirtualMFADevices": [], "MFADevices": []})", "x.json");
    ASSERT_FALSE(p.has_value());
}

TEST(Listing, FieldErrorsNameTheEntry) {
    auto p = parse_mfa_listing(
        R"({"VirtualMFADevices": [{"SerialNumber": "arn:aws:iam::123456789012:mfa/a"}, {}]})",
        "v.json");
    ASSERT_FALSE(p.has_value());
    EXPECT_NE(p.error().message.find("v.json: VirtualMFADevices[1].SerialNumber: missing"),
              std::string::npos)
        << p.error().message;
    p = parse_mfa_listing(R"({"VirtualMFADevices": [{"SerialNumber": 5}]})", "v.json");
    ASSERT_FALSE(p.has_value());
    EXPECT_NE(p.error().message.find("VirtualMFADevices[0].SerialNumber: expected a string"),
              std::string::npos);
    p = parse_mfa_listing(R"({"VirtualMFADevices": [{"SerialNumber": "x12345678", "User": 3}]})",
                          "v.json");
    ASSERT_FALSE(p.has_value());
    EXPECT_NE(p.error().message.find("VirtualMFADevices[0].User: expected an object"),
              std::string::npos);
    p = parse_mfa_listing("{\"VirtualMFADevices\": [],\n\"IsTruncated\": \"yes\"}", "v.json");
    ASSERT_FALSE(p.has_value());
    EXPECT_NE(p.error().message.find("v.json:2: field IsTruncated"), std::string::npos)
        << p.error().message;
}

TEST(Listing, TwoAccountsInOnePage) {
    const auto p = parse_mfa_listing(R"({"VirtualMFADevices": [
        {"SerialNumber": "arn:aws:iam::123456789012:mfa/a"},
        {"SerialNumber": "arn:aws:iam::210987654321:mfa/b"}]})",
                                     "v.json");
    ASSERT_FALSE(p.has_value());
    EXPECT_NE(p.error().message.find("VirtualMFADevices[1].SerialNumber: account 210987654321"),
              std::string::npos)
        << p.error().message;
}

TEST(Listing, SyntaxErrorNamesLine) {
    const auto p =
        parse_mfa_listing("{\n \"VirtualMFADevices\": [\n  {\"SerialNumber\": ", "v.json");
    ASSERT_FALSE(p.has_value());
    EXPECT_NE(p.error().message.find("v.json:3: not valid JSON"), std::string::npos)
        << p.error().message;
}

TEST(Listing, EmptyAndGarbageNeverThrow) {
    for (const char* text : {"", " ", "{", "nul", "\xff\xfe", "{\"MFADevices\": [null]}",
                             "{\"MFADevices\": [1e999999]}"}) {
        const auto p = parse_mfa_listing(text, "v.json");
        EXPECT_FALSE(p.has_value()) << text;
    }
}

}  // namespace
}  // namespace hwtotp::aws
