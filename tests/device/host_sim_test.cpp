// The host driver against the simulated key, in process: RFC 6238 vectors through the whole
// protocol, the 0x00-low-byte step, serial and status.
#include <gtest/gtest.h>

#include "hwtotp/device/hid/challenge.h"
#include "hwtotp/device/hid/fake_transport.h"
#include "hwtotp/device/hid/otp_host.h"
#include "test_helpers.h"

namespace hwtotp::device::hid {
namespace {

class HostSim : public ::testing::Test {
  protected:
    test::InProcessRig rig_;
    FakeTicker& ticker_ = rig_.ticker;
    SimulatedYubiKey& key_ = rig_.key;
    OtpHost& host_ = rig_.host;
};

struct TotpVector {
    std::int64_t time;
    const char* code;
};

class RfcVectors : public HostSim, public ::testing::WithParamInterface<TotpVector> {};

// RFC 6238 Appendix B, SHA-1 column.
INSTANTIATE_TEST_SUITE_P(
    Rfc6238Sha1, RfcVectors,
    ::testing::Values(TotpVector{59, "94287082"}, TotpVector{1111111109, "07081804"},
                      TotpVector{1111111111, "14050471"}, TotpVector{1234567890, "89005924"},
                      TotpVector{2000000000, "69279037"}, TotpVector{20000000000, "65353130"}),
    [](const auto& vector) { return "t" + std::to_string(vector.param.time); });

TEST_P(RfcVectors, ThroughTheProtocol) {
    auto code = host_.totp(2, GetParam().time, 8);
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(code->str(), GetParam().code);
}

TEST_F(HostSim, StepWithZeroLowByte) {
    // t = 7680 s is step 256: ykman's padding gives the RFC code 90620188 (spec §2).
    auto code = host_.totp(2, 7680, 8);
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(code->str(), "90620188");
}

TEST_F(HostSim, ZeroPaddingWouldLoseTheLowByte) {
    // What ykchalresp -t sends: the LT64 slot strips the step's 0x00 too (spec: 89352745).
    std::array<std::uint8_t, 64> zero_padded{};
    zero_padded[6] = 0x01;
    auto hmac = host_.hmac_sha1(2, zero_padded);
    ASSERT_TRUE(hmac);
    EXPECT_EQ(truncate_hmac(*hmac, 8).str(), "89352745");
}

TEST_F(HostSim, SixDigitCodes) {
    auto code = host_.totp(2, 59, 6);
    ASSERT_TRUE(code);
    EXPECT_EQ(code->str(), "287082");
}

TEST_F(HostSim, Serial) {
    auto serial = host_.read_serial();
    ASSERT_TRUE(serial);
    EXPECT_EQ(*serial, 12345678U);
}

TEST_F(HostSim, Status) {
    auto status = host_.read_status();
    ASSERT_TRUE(status);
    EXPECT_EQ(status->firmware(), "5.4.3");
    EXPECT_FALSE(status->slot_configured(1));
    EXPECT_TRUE(status->slot_configured(2));
}

TEST_F(HostSim, SlowDeviceIsWaitedFor) {
    SimConfig config = test::trace_config();
    config.busy_polls_per_write = 5;
    SimulatedYubiKey slow(config, ticker_);
    test::configure_trace_slots(slow);
    InProcessTransport transport(slow);
    OtpHost host(transport, ticker_);
    auto code = host.totp(2, 59, 8);
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(code->str(), "94287082");
    EXPECT_GT(ticker_.total_slept_ms(), 0);
    EXPECT_LT(ticker_.total_slept_ms(), 1150);
}

TEST_F(HostSim, SlotOneWorksWhenConfigured) {
    key_.set_slot(1, SimSlot{test::rfc_seed(), false});
    auto code = host_.totp(1, 1111111109, 8);
    ASSERT_TRUE(code);
    EXPECT_EQ(code->str(), "07081804");
}

TEST_F(HostSim, RejectsBadSlotAndDigits) {
    EXPECT_EQ(host_.totp(3, 59, 6).error().code, ErrorCode::invalid_input);
    EXPECT_EQ(host_.totp(2, 59, 9).error().code, ErrorCode::invalid_input);
}

}  // namespace
}  // namespace hwtotp::device::hid
