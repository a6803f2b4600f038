// The host driver replayed against the spec's verified traces (ykman host ↔ simulator), and the
// simulated key producing exactly those traces for the host: both sides, byte for byte.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "hwtotp/device/hid/fake_transport.h"
#include "hwtotp/device/hid/otp_host.h"
#include "test_helpers.h"

namespace hwtotp::device::hid {
namespace {

// Spec §1.5, left column.
constexpr const char* serial_trace = R"(
R 00 05 04 03 01 02 00 00  status
W 00 00 00 00 00 00 00 80  chunk0
R 00 05 04 03 01 02 00 00  ready?
W 00 10 6b 5b 00 00 00 89  chunk9
R 00 bc 61 4e c8 04 00 40  chunk0
R 00 00 00 00 00 00 00 40  end
W 00 00 00 00 00 00 00 ff  reset
)";

// Spec §1.4 writes + §1.5 right column, preceded by the status read that checks slot 2.
constexpr const char* hmac_trace = R"(
R 00 05 04 03 01 02 00 00  slot check
R 00 05 04 03 01 02 00 00  ready?
W 00 00 00 00 00 00 00 80  chunk 0
R 00 05 04 03 01 02 00 00  ready?
W 01 00 00 00 00 00 00 81  chunk 1
R 00 05 04 03 01 02 00 00  ready?
W 00 38 b9 8e 00 00 00 89  chunk 9
R 75 a4 8a 19 d4 cb e1 40
R 00 64 4e 8a c1 39 7e 41
R ea 74 7a 2d 33 ab 1b 42
R 6e 00 00 00 00 00 00 43
R 00 00 00 00 00 00 00 40  end
W 00 00 00 00 00 00 00 ff  reset
)";

TEST(ScriptedTrace, SerialRead) {
    auto transport = ScriptedTransport::from_trace(serial_trace);
    FakeTicker ticker;
    OtpHost host(transport, ticker);
    auto serial = host.read_serial();
    ASSERT_TRUE(serial) << serial.error().message << " / " << transport.mismatch();
    EXPECT_EQ(*serial, 12345678U);
    EXPECT_TRUE(transport.finished());
}

TEST(ScriptedTrace, TotpAt59Slot2) {
    auto transport = ScriptedTransport::from_trace(hmac_trace);
    FakeTicker ticker;
    OtpHost host(transport, ticker);
    auto code = host.totp(2, 59, 8);
    ASSERT_TRUE(code) << code.error().message << " / " << transport.mismatch();
    EXPECT_EQ(code->str(), "94287082");
    EXPECT_TRUE(transport.finished());
}

TEST(ScriptedTrace, DeviationIsReported) {
    auto transport = ScriptedTransport::from_trace(serial_trace);
    FakeTicker ticker;
    OtpHost host(transport, ticker);
    auto hmac = host.totp(2, 59, 6);  // the trace is a serial read: the first write differs
    ASSERT_FALSE(hmac);
    EXPECT_FALSE(transport.mismatch().empty());
}

// The simulated key, driven by our host, must produce the very same exchange.
std::string render(const std::vector<InProcessTransport::Exchange>& log) {
    std::string text = "\n";
    char buf[8];
    for (const auto& e : log) {
        text += e.write ? "W" : "R";
        for (auto b : e.report) {
            std::snprintf(buf, sizeof buf, " %02x", b);
            text += buf;
        }
        text += "\n";
    }
    return text;
}

std::string strip_comments(const std::string& trace) {
    std::string out = "\n";
    std::istringstream lines(trace);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty())
            continue;
        out += line.substr(0, 25) + "\n";
    }
    return out;
}

TEST(SimulatorTrace, SerialReadMatchesSpec) {
    test::InProcessRig rig;
    ASSERT_TRUE(rig.host.read_serial());
    EXPECT_EQ(render(rig.transport.log()), strip_comments(serial_trace));
}

TEST(SimulatorTrace, HmacMatchesSpec) {
    test::InProcessRig rig;
    ASSERT_TRUE(rig.host.totp(2, 59, 8));
    EXPECT_EQ(render(rig.transport.log()), strip_comments(hmac_trace));
}

}  // namespace
}  // namespace hwtotp::device::hid
