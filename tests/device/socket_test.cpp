// The host over the Unix-socket transport, against a server thread in this process.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <unistd.h>

#include "hwtotp/device/hid/otp_host.h"
#include "hwtotp/device/hid/socket_server.h"
#include "hwtotp/device/hid/socket_transport.h"
#include "test_helpers.h"

namespace hwtotp::device::hid {
namespace {

class SocketFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = ::testing::TempDir() + "hwtotp-sock-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
        key_.emplace(test::trace_config(), device_ticker_);
        test::configure_trace_slots(*key_);
        auto server = SocketServer::listen(path_);
        ASSERT_TRUE(server) << server.error().message;
        server_.emplace(std::move(*server));
    }
    void start() {
        thread_ = std::thread([this] { (void)server_->serve(*key_, stop_); });
    }
    void TearDown() override {
        stop_ = true;
        if (thread_.joinable())
            thread_.join();
        server_.reset();
    }

    std::string path_;
    SteadyTicker device_ticker_;
    std::optional<SimulatedYubiKey> key_;
    std::optional<SocketServer> server_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

TEST_F(SocketFixture, SerialAndTotp) {
    start();
    auto transport = SocketTransport::connect(path_);
    ASSERT_TRUE(transport) << transport.error().message;
    SteadyTicker ticker;
    OtpHost host(**transport, ticker);
    auto serial = host.read_serial();
    ASSERT_TRUE(serial) << serial.error().message;
    EXPECT_EQ(*serial, 12345678U);
    auto code = host.totp(2, 1111111109, 8);
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(code->str(), "07081804");
    EXPECT_EQ((*transport)->describe(), "unix:" + path_);
}

TEST_F(SocketFixture, TwoConnectionsInTurn) {
    start();
    for (int i = 0; i < 2; ++i) {
        auto transport = SocketTransport::connect(path_);
        ASSERT_TRUE(transport);
        SteadyTicker ticker;
        OtpHost host(**transport, ticker);
        auto code = host.totp(2, 7680, 8);
        ASSERT_TRUE(code) << code.error().message;
        EXPECT_EQ(code->str(), "90620188");
    }
}

TEST_F(SocketFixture, UnplugDropsTheConnection) {
    key_->faults().unplug_after_reports = 6;
    start();
    auto transport = SocketTransport::connect(path_);
    ASSERT_TRUE(transport);
    SteadyTicker ticker;
    OtpHost host(**transport, ticker);
    auto code = host.totp(2, 59, 6);
    ASSERT_FALSE(code);
    EXPECT_EQ(code.error().code, ErrorCode::device);
    EXPECT_NE(code.error().message.find("lost contact"), std::string::npos) << code.error().message;
}

TEST_F(SocketFixture, ServerRemovesItsSocket) {
    start();
    stop_ = true;
    thread_.join();
    server_.reset();
    EXPECT_NE(::access(path_.c_str(), F_OK), 0);
}

TEST(SocketTransportTest, NothingListening) {
    auto transport = SocketTransport::connect(::testing::TempDir() + "hwtotp-no-such-socket");
    ASSERT_FALSE(transport);
    EXPECT_EQ(transport.error().code, ErrorCode::device);
    EXPECT_NE(transport.error().message.find("hwtotp simulate --hid-socket"), std::string::npos);
}

}  // namespace
}  // namespace hwtotp::device::hid
