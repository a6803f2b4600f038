// A YubiKey slot through the Token interface, like any other token.
#include <gtest/gtest.h>

#include "hwtotp/device/hid/fake_transport.h"
#include "hwtotp/device/hid/hid_token.h"
#include "hwtotp/device/simulated_token.h"
#include "test_helpers.h"

namespace hwtotp::device::hid {
namespace {

TEST(HidToken, SerialModelAndCodes) {
    test::InProcessRig rig;
    auto token = HidToken::open(rig.host, 2, 8);
    ASSERT_TRUE(token) << token.error().message;
    Token& as_token = *token;
    EXPECT_EQ(as_token.serial(), "12345678");
    EXPECT_EQ(as_token.model(), "YubiKey 5.4.3 (OTP HID, slot 2)");
    EXPECT_FALSE(as_token.params());
    EXPECT_EQ(as_token.code_at(1234567890)->str(), "89005924");
}

TEST(HidToken, AgreesWithTheSimulatedDisplayToken) {
    // The same seed in a key fob and in a YubiKey slot shows the same codes.
    test::InProcessRig rig;
    auto yubikey = HidToken::open(rig.host, 2, 6);
    ASSERT_TRUE(yubikey);
    auto fob = SimulatedToken::create("GAKT00000001", test::rfc_seed(), Params::standard(),
                                      DriftModel::starting_at(0, 0.0));
    ASSERT_TRUE(fob);
    for (std::int64_t t : {0LL, 29LL, 30LL, 7680LL, 1'700'000'000LL}) {
        EXPECT_EQ(yubikey->code_at(t)->str(), fob->code_at(t)->str()) << t;
    }
}

}  // namespace
}  // namespace hwtotp::device::hid
