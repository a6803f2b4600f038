// The real hidapi adapter (HidApi, HidapiTransport, open_device) against the link-time fake.
#include <gtest/gtest.h>

#include "fake_hidapi.h"
#include "hwtotp/device/hid/hidapi_transport.h"
#include "hwtotp/device/hid/open_device.h"
#include "hwtotp/device/hid/otp_host.h"
#include "test_helpers.h"

namespace hwtotp::device::hid {
namespace {

using test::fake_hid;

class HidapiFake : public ::testing::Test {
  protected:
    HidapiFake() : key_(test::trace_config(), ticker_), other_(SimConfig{}, ticker_) {
        test::configure_trace_slots(key_);
    }
    void SetUp() override {
        fake_hid().reset();
        // One YubiKey: hidraw lists its OTP (1,6) and FIDO (0xF1D0,1) usages on the same path.
        fake_hid().entries = {{"/dev/hidraw0"},
                              {"/dev/hidraw0", 0x1050, 0x0407, 0xF1D0, 0x0001, 1},
                              {"/dev/hidraw1", 0x1050, 0x0120, 0xF1D0, 0x0001, 0},
                              {"/dev/hidraw2", 0x046D, 0xC52B, 0x0001, 0x0006, 0}};
        fake_hid().devices["/dev/hidraw0"] = &key_;
    }
    void TearDown() override {
        EXPECT_TRUE(fake_hid().violations.empty()) << fake_hid().violations.front();
        EXPECT_EQ(fake_hid().open_handles, 0);
    }

    FakeTicker ticker_;
    SimulatedYubiKey key_;
    SimulatedYubiKey other_;
};

TEST_F(HidapiFake, EnumerateKeepsOnlyYubicoOtpInterfacesOncePerPath) {
    auto api = HidApi::init();
    ASSERT_TRUE(api);
    const auto devices = (*api)->enumerate_otp();
    ASSERT_EQ(devices.size(), 1U);
    EXPECT_EQ(devices[0].path, "/dev/hidraw0");
    EXPECT_EQ(devices[0].vendor_id, 0x1050);
    EXPECT_EQ(devices[0].product_id, 0x0407);
    EXPECT_EQ(devices[0].manufacturer, "Yubico");
}

TEST_F(HidapiFake, InitAndExitArePaired) {
    {
        auto api = HidApi::init();
        ASSERT_TRUE(api);
    }
    EXPECT_EQ(fake_hid().init_calls, 1);
    EXPECT_EQ(fake_hid().exit_calls, 1);
}

TEST_F(HidapiFake, SerialAndTotpThroughNineByteFeatureReports) {
    auto api = HidApi::init();
    ASSERT_TRUE(api);
    auto transport = (*api)->open("/dev/hidraw0");
    ASSERT_TRUE(transport) << transport.error().error.message;
    OtpHost host(**transport, ticker_);
    auto serial = host.read_serial();
    ASSERT_TRUE(serial) << serial.error().message;
    EXPECT_EQ(*serial, 12345678U);
    auto code = host.totp(2, 59, 8);
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(code->str(), "94287082");
    EXPECT_EQ((*transport)->describe(), "/dev/hidraw0");
}

TEST_F(HidapiFake, PermissionDeniedNamesTheUdevRule) {
    fake_hid().denied.insert("/dev/hidraw0");
    auto api = HidApi::init();
    ASSERT_TRUE(api);
    auto transport = (*api)->open("/dev/hidraw0");
    ASSERT_FALSE(transport);
    EXPECT_EQ(transport.error().error.code, ErrorCode::device);
    EXPECT_NE(transport.error().error.message.find("permission denied opening /dev/hidraw0"),
              std::string::npos);
    EXPECT_NE(transport.error().error.message.find("udevadm"), std::string::npos);
}

TEST_F(HidapiFake, MissingPath) {
    auto api = HidApi::init();
    ASSERT_TRUE(api);
    auto transport = (*api)->open("/dev/hidraw9");
    ASSERT_FALSE(transport);
    EXPECT_EQ(transport.error().problem, OpenProblem::no_such_device);
    EXPECT_EQ(transport.error().error.message, "no device at /dev/hidraw9 (unplugged?)");
}

TEST_F(HidapiFake, UnplugMidReadIsLostContact) {
    key_.faults().unplug_after_reports = 4;
    auto api = HidApi::init();
    ASSERT_TRUE(api);
    auto transport = (*api)->open("/dev/hidraw0");
    ASSERT_TRUE(transport);
    OtpHost host(**transport, ticker_);
    auto serial = host.read_serial();
    ASSERT_FALSE(serial);
    EXPECT_EQ(serial.error().code, ErrorCode::device);
    EXPECT_NE(serial.error().message.find("ioctl (GFEATURE): No such device"), std::string::npos)
        << serial.error().message;
}

TEST_F(HidapiFake, OpenDeviceWithoutSpecTakesTheOnlyKey) {
    auto opened = open_device("", ticker_);
    ASSERT_TRUE(opened) << opened.error().error.message;
    EXPECT_EQ(opened->transport->describe(), "/dev/hidraw0");
}

TEST_F(HidapiFake, OpenDeviceWithTwoKeysAsksForDevice) {
    fake_hid().entries.push_back({"/dev/hidraw3"});
    fake_hid().devices["/dev/hidraw3"] = &other_;
    auto opened = open_device("", ticker_);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().error.code, ErrorCode::device);
    EXPECT_NE(
        opened.error().error.message.find("2 keys are plugged in (/dev/hidraw0, /dev/hidraw3)"),
        std::string::npos)
        << opened.error().error.message;
    // Which keys, in device terms; how to name one is the caller's to say.
    EXPECT_EQ(opened.error().problem, OpenProblem::several_keys);
    EXPECT_EQ(opened.error().error.message.find("--device"), std::string::npos);
    // Naming one works.
    auto named = open_device("/dev/hidraw3", ticker_);
    ASSERT_TRUE(named) << named.error().error.message;
}

TEST_F(HidapiFake, OpenDeviceWithNoKeyExplains) {
    fake_hid().entries.clear();
    auto opened = open_device("", ticker_);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().error.code, ErrorCode::device);
    EXPECT_NE(opened.error().error.message.find("/dev/hidraw"), std::string::npos);
    EXPECT_EQ(opened.error().problem, OpenProblem::no_key);
    EXPECT_EQ(opened.error().error.message.find("--device"), std::string::npos);
}

}  // namespace
}  // namespace hwtotp::device::hid
