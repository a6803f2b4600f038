#pragma once
// OtpHost: the host side of the YubiKey OTP HID protocol over a Transport (spec §1.4–1.6, §6).
//
// One command = wait for the write flag to clear before each chunk, write the frame's chunks,
// poll for the response (reporting touch waits), read its chunks, send the reset report, check
// the CRC. Every wait is bounded by a Timeouts value measured on the injected Ticker, so tests
// drive timeouts and touch countdowns without sleeping. Whole transactions are serialized by a
// mutex: the protocol is stateful on the device, and hidapi handles are not thread-safe.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "hwtotp/device/hid/status.h"
#include "hwtotp/device/hid/ticker.h"
#include "hwtotp/device/hid/transport.h"
#include "hwtotp/totp/code.h"
#include "hwtotp/totp/error.h"

namespace hwtotp::device::hid {

// A YubiKey has two configuration slots; ykman's TOTP shows 6, 7 or 8 digits.
inline constexpr int first_slot = 1;
inline constexpr int last_slot = 2;
inline constexpr int min_totp_digits = 6;
inline constexpr int max_totp_digits = 8;

struct Timeouts {
    // Waiting for the device to take a written chunk (ykpers: 1150 ms; a slot swap took 920 ms).
    std::int64_t write_ready_ms = 1150;
    // Waiting for a response to start while the device is busy, touch aside (ykpers: 1000 ms).
    std::int64_t response_ms = 1000;
    // Waiting for a touch, from the first touch-wait status (the device's own default is 15 s).
    std::int64_t touch_ms = 20000;
    // Bound on each single report transfer.
    std::chrono::milliseconds io{2000};
    // Poll intervals (yubikit: 20 ms busy, 100 ms touch; first write-flag poll after 1 ms).
    std::int64_t busy_poll_ms = 20;
    std::int64_t touch_poll_ms = 100;
};

// What identifies a key: its status report and its serial.
struct KeyIdentity {
    DeviceStatus status;
    std::uint32_t serial = 0;
};

// Called while the device waits for a touch, each time the seconds left change.
using TouchPrompt = std::function<void(int seconds_left)>;

class OtpHost {
  public:
    // `transport` and `ticker` must outlive the host.
    OtpHost(Transport& transport, Ticker& ticker, Timeouts timeouts = {}, TouchPrompt on_touch = {})
        : transport_(transport),
          ticker_(ticker),
          timeouts_(timeouts),
          on_touch_(std::move(on_touch)) {}

    // Reads the idle status report (firmware, pgmSeq, which slots are configured).
    [[nodiscard]] Result<DeviceStatus> read_status();
    // Command 0x10. Fails when the key hides its serial (command rejected).
    [[nodiscard]] Result<std::uint32_t> read_serial();
    // Status, then serial.
    [[nodiscard]] Result<KeyIdentity> identify();
    // Command 0x30 (slot 1) / 0x38 (slot 2): HMAC-SHA1 of a 64-byte challenge. A slot other
    // than first_slot..last_slot is ErrorCode::invalid_input.
    [[nodiscard]] Result<std::array<std::uint8_t, 20>> hmac_sha1(
        int slot, std::span<const std::uint8_t, 64> challenge);
    // TOTP (30 s steps, T0 = 0, HMAC-SHA1) at Unix time `unix_time`, ykman's padding,
    // min_totp_digits..max_totp_digits digits. A time before 1970 or a digit count out of range
    // is ErrorCode::invalid_input.
    [[nodiscard]] Result<Code> totp(int slot, std::int64_t unix_time, int digits);
    // Same, for an explicit time step.
    [[nodiscard]] Result<Code> totp_step(int slot, std::uint64_t step, int digits);

    // Sends one command and returns `expected_size` response bytes. When the key answers
    // with no response at all (it rejected the command), fails with `rejected_message`.
    [[nodiscard]] Result<std::vector<std::uint8_t>> transact(std::uint8_t command,
                                                             std::span<const std::uint8_t> payload,
                                                             std::size_t expected_size,
                                                             const std::string& rejected_message);

  private:
    [[nodiscard]] Result<void> wait_write_ready();
    [[nodiscard]] Result<std::vector<std::uint8_t>> read_response(
        std::size_t expected_size, const std::string& rejected_message);
    void reset_best_effort();

    Transport& transport_;
    Ticker& ticker_;
    Timeouts timeouts_;
    TouchPrompt on_touch_;
    std::mutex transaction_;
};

}  // namespace hwtotp::device::hid
