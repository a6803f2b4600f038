#include "hwtotp/device/hid/otp_host.h"

#include <algorithm>
#include <optional>
#include <string>

#include "hwtotp/device/hid/challenge.h"
#include "hwtotp/device/hid/frame.h"

namespace hwtotp::device::hid {
namespace {

constexpr std::size_t serial_size = 4;
constexpr std::size_t hmac_size = 20;
constexpr std::int64_t max_write_backoff_ms = 500;
// A response has at most 32 chunks (the sequence field is 5 bits); more means a confused device.
constexpr std::size_t max_response_bytes = 32 * report_data_size;

Error in_transaction(const Transport& transport, const Error& error) {
    return Error{ErrorCode::device, "lost contact with the key at " + transport.describe() +
                                        " during a transaction (" + error.message +
                                        "); check that it is plugged in, then retry"};
}

std::uint8_t hmac_command(int slot) {
    return static_cast<std::uint8_t>(slot == 1 ? Command::chal_hmac1 : Command::chal_hmac2);
}

}  // namespace

Result<DeviceStatus> OtpHost::read_status() {
    std::lock_guard lock(transaction_);
    auto report = transport_.receive_report(timeouts_.io);
    if (!report) {
        return tl::unexpected(in_transaction(transport_, report.error()));
    }
    return parse_status(*report);
}

Result<std::uint32_t> OtpHost::read_serial() {
    HWTOTP_ASSIGN_OR_RETURN(
        auto bytes,
        transact(
            static_cast<std::uint8_t>(Command::device_serial), {}, serial_size,
            "the key at " + transport_.describe() +
                " refused to give its serial: its serial is hidden from the OTP interface (enable "
                "the SERIAL_API_VISIBLE flag, e.g. with the YubiKey Manager)"));
    // The one big-endian field of the protocol (ykcore.c yk_get_serial).
    return (static_cast<std::uint32_t>(bytes[0]) << 24) |
           (static_cast<std::uint32_t>(bytes[1]) << 16) |
           (static_cast<std::uint32_t>(bytes[2]) << 8) | static_cast<std::uint32_t>(bytes[3]);
}

Result<KeyIdentity> OtpHost::identify() {
    HWTOTP_ASSIGN_OR_RETURN(auto status, read_status());
    HWTOTP_ASSIGN_OR_RETURN(auto serial, read_serial());
    return KeyIdentity{status, serial};
}

Result<std::array<std::uint8_t, 20>> OtpHost::hmac_sha1(
    int slot, std::span<const std::uint8_t, 64> challenge) {
    if (slot < first_slot || slot > last_slot) {
        return fail(ErrorCode::invalid_input, "slot " + std::to_string(slot) +
                                                  " does not exist (a YubiKey has slots 1 and 2)");
    }
    // ykman checks the slot first, which turns a bare rejection into the precise "empty slot".
    HWTOTP_ASSIGN_OR_RETURN(auto status, read_status());
    if (!status.slot_configured(slot)) {
        return fail(ErrorCode::device,
                    "slot " + std::to_string(slot) + " of the key at " + transport_.describe() +
                        " is empty; program it for HMAC-SHA1 challenge-response (e.g. `ykman otp "
                        "chalresp --totp " +
                        std::to_string(slot) + "`) or use the other slot");
    }
    HWTOTP_ASSIGN_OR_RETURN(
        const auto bytes,
        transact(hmac_command(slot), challenge, hmac_size,
                 "slot " + std::to_string(slot) + " of the key at " + transport_.describe() +
                     " rejected the challenge: it is not configured for HMAC-SHA1 "
                     "challenge-response; reprogram it or use the other slot"));
    std::array<std::uint8_t, 20> hmac{};
    std::copy_n(bytes.begin(), hmac.size(), hmac.begin());
    return hmac;
}

Result<Code> OtpHost::totp(int slot, std::int64_t unix_time, int digits) {
    if (unix_time < 0) {
        return fail(ErrorCode::invalid_input,
                    "time " + std::to_string(unix_time) +
                        " is before 1970: a YubiKey TOTP counts 30-second steps from Unix time 0");
    }
    // ykman fixes the period at 30 s and T0 at 0.
    return totp_step(slot, static_cast<std::uint64_t>(unix_time / 30), digits);
}

Result<Code> OtpHost::totp_step(int slot, std::uint64_t step, int digits) {
    if (digits < min_totp_digits || digits > max_totp_digits) {
        return fail(ErrorCode::invalid_input,
                    "a YubiKey TOTP code has 6, 7 or 8 digits, not " + std::to_string(digits));
    }
    const auto challenge = totp_challenge(step);
    HWTOTP_ASSIGN_OR_RETURN(auto hmac, hmac_sha1(slot, challenge));
    return truncate_hmac(hmac, digits);
}

Result<std::vector<std::uint8_t>> OtpHost::transact(std::uint8_t command,
                                                    std::span<const std::uint8_t> payload,
                                                    std::size_t expected_size,
                                                    const std::string& rejected_message) {
    std::lock_guard lock(transaction_);
    HWTOTP_ASSIGN_OR_RETURN(auto frame, encode_frame(command, payload));
    for (const Report& report : frame_reports(frame)) {
        HWTOTP_TRY(wait_write_ready());
        if (auto sent = transport_.send_report(report, timeouts_.io); !sent) {
            return tl::unexpected(in_transaction(transport_, sent.error()));
        }
    }
    return read_response(expected_size, rejected_message);
}

Result<void> OtpHost::wait_write_ready() {
    const std::int64_t start = ticker_.now_ms();
    std::int64_t backoff = 1;
    while (true) {
        auto report = transport_.receive_report(timeouts_.io);
        if (!report) {
            return tl::unexpected(in_transaction(transport_, report.error()));
        }
        if (((*report)[report_status_index] & slot_write_flag) == 0) {
            return {};
        }
        const std::int64_t waited = ticker_.now_ms() - start;
        if (waited >= timeouts_.write_ready_ms) {
            reset_best_effort();
            return fail(ErrorCode::device,
                        "the key at " + transport_.describe() + " did not accept data within " +
                            std::to_string(timeouts_.write_ready_ms) +
                            " ms (its write flag never cleared); unplug it, plug it back in and "
                            "retry");
        }
        // Exponential backoff as ykpers does, never past the deadline.
        ticker_.sleep_ms(
            std::max<std::int64_t>(1, std::min(backoff, timeouts_.write_ready_ms - waited)));
        backoff = std::min(backoff * 2, max_write_backoff_ms);
    }
}

Result<std::vector<std::uint8_t>> OtpHost::read_response(std::size_t expected_size,
                                                         const std::string& rejected_message) {
    const std::int64_t start = ticker_.now_ms();
    std::optional<std::int64_t> touch_started;
    int last_seconds = -1;
    std::vector<std::uint8_t> collected;
    std::uint8_t next_seq = 0;

    while (true) {
        auto received = transport_.receive_report(timeouts_.io);
        if (!received) {
            return tl::unexpected(in_transaction(transport_, received.error()));
        }
        const Report& report = *received;
        const std::uint8_t status = report[report_status_index];

        if ((status & resp_pending_flag) != 0) {
            const auto seq = static_cast<std::uint8_t>(status & sequence_mask);
            if (seq == 0 && !collected.empty()) {
                // End of response: leave read mode before judging what came.
                reset_best_effort();
                return decode_response(collected, expected_size);
            }
            if (seq != next_seq || collected.size() >= max_response_bytes) {
                reset_best_effort();
                return fail(ErrorCode::device, "the key at " + transport_.describe() +
                                                   " sent response chunk " + std::to_string(seq) +
                                                   " out of order; retry");
            }
            collected.insert(collected.end(), report.begin(),
                             report.begin() + static_cast<std::ptrdiff_t>(report_data_size));
            ++next_seq;
            continue;
        }

        if (status == 0) {
            // Back to idle without (all of) a response.
            if (!collected.empty()) {
                return fail(ErrorCode::device, "the key at " + transport_.describe() +
                                                   " stopped in the middle of its response; retry");
            }
            if (touch_started) {
                return fail(ErrorCode::device,
                            "timed out waiting for a touch on the key at " + transport_.describe() +
                                "; run the command again and touch the key when asked");
            }
            return fail(ErrorCode::device, rejected_message);
        }

        const std::int64_t now = ticker_.now_ms();
        if ((status & resp_timeout_wait_flag) != 0) {
            if (!touch_started) {
                touch_started = now;
            }
            const int seconds = status & sequence_mask;
            if (seconds != last_seconds && on_touch_) {
                on_touch_(seconds);
            }
            last_seconds = seconds;
            if (now - *touch_started >= timeouts_.touch_ms) {
                reset_best_effort();
                return fail(ErrorCode::device,
                            "timed out waiting for a touch on the key at " + transport_.describe() +
                                " (" + std::to_string(timeouts_.touch_ms / 1000) +
                                " s); run the command again and touch the key when asked");
            }
            ticker_.sleep_ms(timeouts_.touch_poll_ms);
            continue;
        }

        // Busy: still taking the last chunk or computing.
        if (!touch_started && now - start >= timeouts_.response_ms) {
            reset_best_effort();
            return fail(ErrorCode::device,
                        "the key at " + transport_.describe() + " did not answer within " +
                            std::to_string(timeouts_.response_ms) +
                            " ms (still busy); unplug it, plug it back in and retry");
        }
        ticker_.sleep_ms(timeouts_.busy_poll_ms);
    }
}

void OtpHost::reset_best_effort() {
    // Leaving read mode is a courtesy to the next user of the key: if the key is gone, the
    // error that brought us here is the one worth reporting.
    (void)transport_.send_report(reset_report(), timeouts_.io);
}

}  // namespace hwtotp::device::hid
