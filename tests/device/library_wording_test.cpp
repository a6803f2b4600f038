// The device library speaks its own domain: its messages say which input and which limit in
// device terms, and never name a command-line option or command (the CLI adds those).
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "hwtotp/device/hid/otp_host.h"
#include "hwtotp/device/hid/socket_server.h"
#include "hwtotp/device/hid/socket_transport.h"
#include "test_helpers.h"

namespace hwtotp::device::hid {
namespace {

// What the CLI calls its inputs; none of it belongs in a library message.
::testing::AssertionResult names_no_cli_input(const std::string& message) {
    for (const char* cli :
         {"--slot", "--digits", "--time", "--device", "--hid-socket", "hwtotp "}) {
        if (message.find(cli) != std::string::npos)
            return ::testing::AssertionFailure() << "names " << cli << ": " << message;
    }
    return ::testing::AssertionSuccess();
}

TEST(LibraryWording, SlotOutOfRangeSaysWhichSlotsExist) {
    test::InProcessRig rig;
    auto code = rig.host.totp_step(3, 1, 6);
    ASSERT_FALSE(code);
    EXPECT_EQ(code.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(code.error().message, "slot 3 does not exist (a YubiKey has slots 1 and 2)");
    EXPECT_TRUE(names_no_cli_input(code.error().message));
}

TEST(LibraryWording, DigitsOutOfRangeSaysWhatIsAccepted) {
    test::InProcessRig rig;
    auto code = rig.host.totp_step(2, 1, 9);
    ASSERT_FALSE(code);
    EXPECT_EQ(code.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(code.error().message, "a YubiKey TOTP code has 6, 7 or 8 digits, not 9");
    EXPECT_TRUE(names_no_cli_input(code.error().message));
}

TEST(LibraryWording, TimeBefore1970SaysWhy) {
    test::InProcessRig rig;
    auto code = rig.host.totp(2, -1, 6);
    ASSERT_FALSE(code);
    EXPECT_EQ(code.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(code.error().message,
              "time -1 is before 1970: a YubiKey TOTP counts 30-second steps from Unix time 0");
    EXPECT_TRUE(names_no_cli_input(code.error().message));
}

TEST(LibraryWording, EmptySlotAdvisesTheOtherSlotWithoutAnOption) {
    test::InProcessRig rig;
    auto code = rig.host.totp_step(1, 1, 6);
    ASSERT_FALSE(code);
    EXPECT_EQ(code.error().code, ErrorCode::device);
    EXPECT_NE(code.error().message.find("or use the other slot"), std::string::npos)
        << code.error().message;
    EXPECT_TRUE(names_no_cli_input(code.error().message));
}

TEST(LibraryWording, SocketErrorsNameThePathOnly) {
    SteadyTicker ticker;
    const std::string missing = ::testing::TempDir() + "hwtotp-wording-no-such-socket";
    auto absent = SocketTransport::connect(missing, ticker);
    ASSERT_FALSE(absent);
    EXPECT_TRUE(names_no_cli_input(absent.error().error.message));

    const std::string too_long(150, 'x');
    auto long_client = SocketTransport::connect(too_long, ticker);
    ASSERT_FALSE(long_client);
    EXPECT_EQ(long_client.error().error.code, ErrorCode::invalid_input);
    EXPECT_TRUE(names_no_cli_input(long_client.error().error.message));

    auto long_server = SocketServer::listen(too_long);
    ASSERT_FALSE(long_server);
    EXPECT_TRUE(names_no_cli_input(long_server.error().message));
}

}  // namespace
}  // namespace hwtotp::device::hid
