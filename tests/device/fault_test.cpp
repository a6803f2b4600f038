// Every injectable fault ends in one ErrorCode::device error that says what happened and what
// to do, within a bounded (fake) time.
#include <gtest/gtest.h>

#include "hwtotp/device/hid/fake_transport.h"
#include "hwtotp/device/hid/otp_host.h"
#include "test_helpers.h"

namespace hwtotp::device::hid {
namespace {

class Faults : public ::testing::Test {
  protected:
    static void expect_device_error(const Error& error, const std::string& text) {
        EXPECT_EQ(error.code, ErrorCode::device);
        EXPECT_NE(error.message.find(text), std::string::npos) << error.message;
    }

    test::InProcessRig rig_;
    FakeTicker& ticker_ = rig_.ticker;
    SimulatedYubiKey& key_ = rig_.key;
    OtpHost& host_ = rig_.host;
};

TEST_F(Faults, CorruptResponseCrc) {
    key_.faults().corrupt_response_crc = true;
    auto code = host_.totp(2, 59, 6);
    ASSERT_FALSE(code);
    expect_device_error(code.error(), "CRC mismatch");
    // The reset report still went out, so the key is usable afterwards.
    key_.faults().corrupt_response_crc = false;
    EXPECT_TRUE(host_.totp(2, 59, 6));
}

TEST_F(Faults, WriteFlagNeverClears) {
    key_.faults().stuck_write_flag = true;
    auto serial = host_.read_serial();
    ASSERT_FALSE(serial);
    expect_device_error(serial.error(), "write flag never cleared");
    EXPECT_GE(ticker_.total_slept_ms(), 1150);
    EXPECT_LT(ticker_.total_slept_ms(), 1200);
}

TEST_F(Faults, RejectedSerial) {
    key_.faults().reject_commands = true;
    auto serial = host_.read_serial();
    ASSERT_FALSE(serial);
    expect_device_error(serial.error(), "refused to give its serial");
}

TEST_F(Faults, HiddenSerial) {
    SimConfig config = test::trace_config();
    config.serial_visible = false;
    SimulatedYubiKey key(config, ticker_);
    InProcessTransport transport(key);
    OtpHost host(transport, ticker_);
    auto serial = host.read_serial();
    ASSERT_FALSE(serial);
    expect_device_error(serial.error(), "SERIAL_API_VISIBLE");
}

TEST_F(Faults, RejectedChallenge) {
    key_.faults().reject_commands = true;
    auto code = host_.totp(2, 59, 6);
    ASSERT_FALSE(code);
    expect_device_error(code.error(), "rejected the challenge");
}

TEST_F(Faults, EmptySlot) {
    auto code = host_.totp(1, 59, 6);
    ASSERT_FALSE(code);
    expect_device_error(code.error(), "slot 1");
    expect_device_error(code.error(), "is empty");
}

TEST_F(Faults, UnplugMidTransaction) {
    // Status check + 3 ready polls + 3 writes = 7 reports; unplug while reading the response.
    key_.faults().unplug_after_reports = 8;
    auto code = host_.totp(2, 59, 6);
    ASSERT_FALSE(code);
    expect_device_error(code.error(), "lost contact");
    expect_device_error(code.error(), "No such device");
}

TEST_F(Faults, UnplugBeforeAnything) {
    key_.faults().unplug_after_reports = 0;
    auto serial = host_.read_serial();
    ASSERT_FALSE(serial);
    expect_device_error(serial.error(), "plugged in");
}

TEST_F(Faults, BadFrameCrcIsRejectedByTheKey) {
    // A host that sends a corrupt frame gets no response: the key stays idle.
    auto frame = encode_frame(0x10, {});
    ASSERT_TRUE(frame);
    (*frame)[65] ^= 0xFF;
    for (const auto& report : frame_reports(*frame)) {
        ASSERT_TRUE(key_.set_feature(report));
    }
    auto status = key_.get_feature();
    ASSERT_TRUE(status);
    EXPECT_EQ((*status)[7], 0);  // idle, no RESP_PENDING
    EXPECT_EQ(key_.commands_run(), 1U);
}

TEST_F(Faults, SimulatorReportsEverythingIdleAfterReset) {
    ASSERT_TRUE(host_.read_serial());
    auto status = key_.get_feature();
    ASSERT_TRUE(status);
    EXPECT_EQ((*status)[7], 0);
}

}  // namespace
}  // namespace hwtotp::device::hid
