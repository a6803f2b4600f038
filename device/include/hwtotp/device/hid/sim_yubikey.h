#pragma once
// SimulatedYubiKey: the device side of the YubiKey OTP HID protocol, at the feature-report level
// (spec §5.3). It answers status, serial (0x10) and HMAC-SHA1 challenge-response (0x30/0x38,
// LT64), waits for touch on slots that need it, and can be told to misbehave so that every
// failure path of the host can be tested.
//
// Time for touch countdowns comes from an injected Ticker. Not thread-safe: one caller at a
// time (the socket server serves one connection at a time).

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "hwtotp/device/hid/frame.h"
#include "hwtotp/device/hid/report.h"
#include "hwtotp/device/hid/ticker.h"
#include "hwtotp/totp/error.h"
#include "hwtotp/totp/secret.h"

namespace hwtotp::device::hid {

struct SimSlot {
    Secret hmac_key;             // empty: the slot is not configured
    bool require_touch = false;  // CFGFLAG_CHAL_BTN_TRIG
};

struct SimFaults {
    bool corrupt_response_crc = false;  // flip a bit of every response's CRC
    bool stuck_write_flag = false;      // never takes a written report (0x80 stays set)
    bool reject_commands = false;       // every command is rejected (as a hidden serial is)
    bool never_touched = false;         // touch waits always run out
    // Fail every report transfer after this many (an unplug in the middle of a transaction).
    std::optional<std::size_t> unplug_after_reports;
};

struct SimConfig {
    std::uint32_t serial = 12345678;
    std::array<std::uint8_t, 3> firmware{5, 4, 3};
    bool serial_visible = true;
    std::int64_t touch_timeout_ms = 15000;  // device default (DEFAULT_CHAL_TIMEOUT)
    // A simulated person touches the key this long after the wait starts (nullopt: never,
    // until touch() is called).
    std::optional<std::int64_t> touch_after_ms = 1000;
    // Polls during which the write flag stays set after each write (a slow device).
    int busy_polls_per_write = 0;
};

class SimulatedYubiKey {
  public:
    SimulatedYubiKey(SimConfig config, const Ticker& ticker) : config_(config), ticker_(ticker) {}

    // Configures slot 1 or 2 (HMAC-SHA1 keys of up to 64 bytes; a YubiKey takes 20).
    void set_slot(int slot, SimSlot contents);
    SimFaults& faults() { return faults_; }

    // GET_REPORT / SET_REPORT. Fail only when unplugged (ErrorCode::device, "No such device").
    [[nodiscard]] Result<Report> get_feature();
    [[nodiscard]] Result<void> set_feature(const Report& report);

    // The button: answers a pending touch wait.
    void touch() { touched_ = true; }
    // Back to idle, as a fresh connection or a power cycle would leave it.
    void reset_state();

    [[nodiscard]] std::uint32_t serial() const { return config_.serial; }
    [[nodiscard]] std::size_t reports_seen() const { return reports_; }
    [[nodiscard]] std::size_t commands_run() const { return commands_; }

  private:
    enum class State { idle, touch_wait, responding };

    [[nodiscard]] bool count_report_and_check_plugged();
    void run_frame();
    void respond(std::span<const std::uint8_t> data);
    [[nodiscard]] Report status_report(std::uint8_t status_byte) const;
    void update_touch_wait();

    SimConfig config_;
    const Ticker& ticker_;
    SimFaults faults_;
    std::array<SimSlot, 2> slots_;
    std::uint8_t pgm_seq_ = 1;

    State state_ = State::idle;
    Frame buffer_{};
    int busy_polls_left_ = 0;
    std::uint8_t last_write_seq_ = 0;
    std::vector<std::uint8_t> response_;
    std::size_t next_chunk_ = 0;
    int pending_slot_ = 0;
    std::vector<std::uint8_t> pending_message_;
    std::int64_t touch_started_ms_ = 0;
    bool touched_ = false;
    std::size_t reports_ = 0;
    std::size_t commands_ = 0;
};

}  // namespace hwtotp::device::hid
