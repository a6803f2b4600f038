// Touch waits: the countdown reaches the caller, a touch completes the command, and both the
// device's own timeout and the host's bound end in a clear error. All on a FakeTicker.
#include <gtest/gtest.h>

#include "hwtotp/device/hid/fake_transport.h"
#include "hwtotp/device/hid/otp_host.h"
#include "test_helpers.h"

namespace hwtotp::device::hid {
namespace {

TEST(Touch, CountdownThenAnswer) {
    FakeTicker ticker;
    SimConfig config = test::trace_config();
    config.touch_after_ms = 3500;
    SimulatedYubiKey key(config, ticker);
    test::configure_trace_slots(key, /*touch=*/true);
    InProcessTransport transport(key);
    std::vector<int> prompts;
    OtpHost host(transport, ticker, Timeouts{}, [&](int seconds) { prompts.push_back(seconds); });

    auto code = host.totp(2, 59, 8);
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(code->str(), "94287082");
    EXPECT_EQ(prompts, (std::vector<int>{15, 14, 13, 12}));
    EXPECT_GE(ticker.total_slept_ms(), 3500);
    EXPECT_LT(ticker.total_slept_ms(), 3700);
}

TEST(Touch, ManualTouch) {
    FakeTicker ticker;
    SimConfig config = test::trace_config();
    config.touch_after_ms = std::nullopt;
    SimulatedYubiKey key(config, ticker);
    test::configure_trace_slots(key, true);
    InProcessTransport transport(key);
    OtpHost host(transport, ticker, Timeouts{}, [&](int seconds) {
        if (seconds == 13)
            key.touch();  // the person touches on the third prompt
    });
    auto code = host.totp(2, 59, 6);
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(code->str(), "287082");
}

TEST(Touch, DeviceTimesOut) {
    FakeTicker ticker;
    SimulatedYubiKey key(test::trace_config(), ticker);
    test::configure_trace_slots(key, true);
    key.faults().never_touched = true;
    InProcessTransport transport(key);
    std::vector<int> prompts;
    OtpHost host(transport, ticker, Timeouts{}, [&](int seconds) { prompts.push_back(seconds); });
    auto code = host.totp(2, 59, 6);
    ASSERT_FALSE(code);
    EXPECT_EQ(code.error().code, ErrorCode::device);
    EXPECT_NE(code.error().message.find("timed out waiting for a touch"), std::string::npos);
    EXPECT_EQ(prompts.size(), 15U);  // 15 … 1
    EXPECT_EQ(prompts.back(), 1);
    EXPECT_GE(ticker.total_slept_ms(), 15000);
    EXPECT_LT(ticker.total_slept_ms(), 15200);
}

TEST(Touch, HostBoundsAnEndlessWait) {
    FakeTicker ticker;
    SimConfig config = test::trace_config();
    config.touch_timeout_ms = 3'600'000;  // a key that would wait an hour
    SimulatedYubiKey key(config, ticker);
    test::configure_trace_slots(key, true);
    key.faults().never_touched = true;
    InProcessTransport transport(key);
    Timeouts timeouts;
    timeouts.touch_ms = 5000;
    OtpHost host(transport, ticker, timeouts);
    auto code = host.totp(2, 59, 6);
    ASSERT_FALSE(code);
    EXPECT_NE(code.error().message.find("timed out waiting for a touch"), std::string::npos);
    EXPECT_LT(ticker.total_slept_ms(), 5200);
    // The host sent the reset report: the key left its wait.
    auto status = key.get_feature();
    ASSERT_TRUE(status);
    EXPECT_EQ((*status)[7], 0);
}

}  // namespace
}  // namespace hwtotp::device::hid
