// The host over the Unix-socket transport, against a server thread in this process; the
// transport's bounded connect; what the server does with what is already at its path.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hwtotp/device/hid/otp_host.h"
#include "hwtotp/device/hid/socket_server.h"
#include "hwtotp/device/hid/socket_transport.h"
#include "test_helpers.h"

namespace hwtotp::device::hid {
namespace {

std::string test_path(const std::string& suffix = "") {
    return ::testing::TempDir() + "hwtotp-sock-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + suffix;
}

sockaddr_un address_of(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    return address;
}

// A raw Unix socket bound at `path` (no hwtotp code involved). Closed, it leaves a stale socket.
int bound_socket(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_un address = address_of(path);
    if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        return -1;
    return fd;
}

// Connects non-blocking until the listener's queue is full; returns the connections (the
// caller closes them). A listener that never accepts then refuses every further client.
std::vector<int> fill_listen_queue(const std::string& path) {
    std::vector<int> held;
    const sockaddr_un address = address_of(path);
    for (int i = 0; i < 4096; ++i) {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            ::close(fd);
            break;  // EAGAIN: the queue is full
        }
        held.push_back(fd);
    }
    return held;
}

bool is_socket(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

class SocketFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = test_path();
        ::unlink(path_.c_str());
        key_.emplace(test::trace_config(), device_ticker_);
        test::configure_trace_slots(*key_);
        auto server = SocketServer::listen(path_);
        ASSERT_TRUE(server) << server.error().message;
        server_.emplace(std::move(*server));
    }
    void start() {
        thread_ = std::thread([this] { (void)server_->serve(*key_, stop_); });
    }
    void stop() {
        stop_ = true;
        if (thread_.joinable())
            thread_.join();
    }
    void TearDown() override {
        stop();
        server_.reset();
        ::unlink(path_.c_str());
    }

    // The serial read over a fresh connection, or the error's message.
    std::string serial_over_socket() {
        auto transport = SocketTransport::connect(path_, client_ticker_);
        if (!transport)
            return transport.error().error.message;
        OtpHost host(**transport, client_ticker_);
        auto serial = host.read_serial();
        return serial ? std::to_string(*serial) : serial.error().message;
    }

    std::string path_;
    SteadyTicker device_ticker_;
    SteadyTicker client_ticker_;
    std::optional<SimulatedYubiKey> key_;
    std::optional<SocketServer> server_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

TEST_F(SocketFixture, SerialAndTotp) {
    start();
    auto transport = SocketTransport::connect(path_, client_ticker_);
    ASSERT_TRUE(transport) << transport.error().error.message;
    OtpHost host(**transport, client_ticker_);
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
        auto transport = SocketTransport::connect(path_, client_ticker_);
        ASSERT_TRUE(transport);
        OtpHost host(**transport, client_ticker_);
        auto code = host.totp(2, 7680, 8);
        ASSERT_TRUE(code) << code.error().message;
        EXPECT_EQ(code->str(), "90620188");
    }
}

TEST_F(SocketFixture, UnplugDropsTheConnection) {
    key_->faults().unplug_after_reports = 6;
    start();
    auto transport = SocketTransport::connect(path_, client_ticker_);
    ASSERT_TRUE(transport);
    OtpHost host(**transport, client_ticker_);
    auto code = host.totp(2, 59, 6);
    ASSERT_FALSE(code);
    EXPECT_EQ(code.error().code, ErrorCode::device);
    EXPECT_NE(code.error().message.find("lost contact"), std::string::npos) << code.error().message;
}

TEST_F(SocketFixture, ServerRemovesItsSocket) {
    start();
    stop();
    server_.reset();
    EXPECT_NE(::access(path_.c_str(), F_OK), 0);
}

TEST_F(SocketFixture, SocketIsForItsOwnerOnly) {
    struct stat st {};
    ASSERT_EQ(::lstat(path_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
}

TEST_F(SocketFixture, SecondServerOnALiveSocketIsRefusedAndTheFirstKeepsServing) {
    start();
    auto second = SocketServer::listen(path_);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(second.error().message, path_ +
                                          " is in use: a server answers on it (stop that "
                                          "server, or give another path)");
    EXPECT_EQ(serial_over_socket(), "12345678");
}

TEST_F(SocketFixture, LiveServerWithAFullQueueIsStillInUse) {
    // Not started: the queue fills and nobody accepts, yet the server is alive.
    const auto held = fill_listen_queue(path_);
    ASSERT_FALSE(held.empty());
    auto second = SocketServer::listen(path_);
    for (const int fd : held)
        ::close(fd);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message.find("is in use"), std::string::npos)
        << second.error().message;
}

TEST_F(SocketFixture, ExitLeavesAloneASocketThatIsNoLongerItsOwn) {
    // Someone removed the first server's socket and a second server made its own there.
    ASSERT_EQ(::unlink(path_.c_str()), 0);
    auto second = SocketServer::listen(path_);
    ASSERT_TRUE(second) << second.error().message;
    struct stat before {};
    ASSERT_EQ(::lstat(path_.c_str(), &before), 0);

    server_.reset();  // the first one exits

    struct stat after {};
    ASSERT_EQ(::lstat(path_.c_str(), &after), 0) << "the first server removed the second's socket";
    EXPECT_EQ(after.st_ino, before.st_ino);
}

TEST(SocketServerPath, RegularFileIsRefusedAndLeftUntouched) {
    const std::string path = test_path();
    std::ofstream(path) << "JBSWY3DPEHPK3PXP\n";  // e.g. the seed file given by mistake
    auto server = SocketServer::listen(path);
    ASSERT_FALSE(server);
    EXPECT_EQ(server.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(server.error().message,
              path +
                  " exists and is not a socket; it was left untouched (give a path where "
                  "nothing exists, or the socket of an earlier run)");
    std::stringstream content;
    content << std::ifstream(path).rdbuf();
    EXPECT_EQ(content.str(), "JBSWY3DPEHPK3PXP\n");
    ::unlink(path.c_str());
}

TEST(SocketServerPath, SymlinkToAStaleSocketIsRefusedAndLeftUntouched) {
    const std::string target = test_path("-target");
    const std::string link = test_path("-link");
    ::close(bound_socket(target));
    ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
    auto server = SocketServer::listen(link);
    ASSERT_FALSE(server);
    EXPECT_NE(server.error().message.find("is not a socket"), std::string::npos);
    EXPECT_TRUE(is_socket(target));
    ::unlink(link.c_str());
    ::unlink(target.c_str());
}

TEST(SocketServerPath, StaleSocketIsReplaced) {
    const std::string path = test_path();
    const int old = bound_socket(path);
    ASSERT_GE(old, 0);
    ::close(old);  // its server is gone; the file stays
    ASSERT_TRUE(is_socket(path));
    {
        auto server = SocketServer::listen(path);
        ASSERT_TRUE(server) << server.error().message;
        ASSERT_TRUE(is_socket(path));
    }
    EXPECT_FALSE(is_socket(path));  // and removed at exit, being its own
}

TEST(SocketServerPath, TooLongPathIsInvalidInput) {
    auto server = SocketServer::listen("/tmp/" + std::string(200, 'x'));
    ASSERT_FALSE(server);
    EXPECT_EQ(server.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(server.error().message,
              "a socket path must be 1 to 107 characters long (this one has 205)");
}

TEST(SocketTransportTest, NothingListeningSaysSoInDeviceTerms) {
    const std::string path = ::testing::TempDir() + "hwtotp-no-such-socket";
    SteadyTicker ticker;
    auto transport = SocketTransport::connect(path, ticker);
    ASSERT_FALSE(transport);
    EXPECT_EQ(transport.error().problem, OpenProblem::nothing_listening);
    EXPECT_EQ(transport.error().error.code, ErrorCode::device);
    EXPECT_EQ(transport.error().error.message,
              "no simulated key at unix:" + path + " (No such file or directory)");
}

TEST(SocketTransportTest, StaleSocketIsNothingListening) {
    const std::string path = test_path();
    ::close(bound_socket(path));
    SteadyTicker ticker;
    auto transport = SocketTransport::connect(path, ticker);
    ASSERT_FALSE(transport);
    EXPECT_EQ(transport.error().problem, OpenProblem::nothing_listening);
    ::unlink(path.c_str());
}

// A server that never accepts and whose queue is full: a blocking connect() would wait
// forever. The transport gives up at its timeout, measured on the injected ticker, so this
// test spends no real time waiting.
TEST(SocketTransportTest, FullListenQueueFailsAtTheTimeoutOnTheTicker) {
    const std::string path = test_path();
    const int listener = bound_socket(path);
    ASSERT_GE(listener, 0);
    ASSERT_EQ(::listen(listener, 0), 0);
    const auto held = fill_listen_queue(path);
    ASSERT_FALSE(held.empty());

    FakeTicker ticker;
    const auto started = std::chrono::steady_clock::now();
    auto transport = SocketTransport::connect(path, ticker, std::chrono::milliseconds(2000));
    const auto real = std::chrono::steady_clock::now() - started;
    for (const int fd : held)
        ::close(fd);
    ::close(listener);
    ::unlink(path.c_str());

    ASSERT_FALSE(transport);
    EXPECT_EQ(transport.error().problem, OpenProblem::other);
    EXPECT_EQ(transport.error().error.code, ErrorCode::device);
    EXPECT_NE(transport.error().error.message.find("did not take the connection within 2000 ms"),
              std::string::npos)
        << transport.error().error.message;
    EXPECT_EQ(ticker.now_ms(), 2000);  // waited the whole bound, and not a millisecond more
    EXPECT_LT(real, std::chrono::seconds(1));
}

}  // namespace
}  // namespace hwtotp::device::hid
