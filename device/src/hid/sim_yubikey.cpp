#include "hwtotp/device/hid/sim_yubikey.h"

#include <algorithm>
#include <limits>

#include "../crypto.h"
#include "hwtotp/device/hid/challenge.h"
#include "hwtotp/device/hid/status.h"

namespace hwtotp::device::hid {
namespace {

constexpr std::size_t last_chunk = frame_chunks - 1;
constexpr int max_touch_seconds = sequence_mask;  // the countdown field is 5 bits

}  // namespace

void SimulatedYubiKey::set_slot(int slot, SimSlot contents) {
    slots_.at(static_cast<std::size_t>(slot - 1)) = std::move(contents);
}

void SimulatedYubiKey::reset_state() {
    state_ = State::idle;
    busy_polls_left_ = 0;
    response_.clear();
    next_chunk_ = 0;
    pending_message_.clear();
    touched_ = false;
}

bool SimulatedYubiKey::count_report_and_check_plugged() {
    ++reports_;
    return !(faults_.unplug_after_reports && reports_ > *faults_.unplug_after_reports);
}

Report SimulatedYubiKey::status_report(std::uint8_t status_byte) const {
    DeviceStatus status;
    status.major = config_.firmware[0];
    status.minor = config_.firmware[1];
    status.build = config_.firmware[2];
    if (!slots_[0].hmac_key.empty())
        status.touch_level |= DeviceStatus::config1_valid;
    if (!slots_[1].hmac_key.empty())
        status.touch_level |= DeviceStatus::config2_valid;
    // pgmSeq is 0 while no slot holds a valid configuration (spec §1.3).
    status.pgm_seq = status.touch_level != 0 ? pgm_seq_ : 0;
    Report report = encode_status(status);
    report[report_status_index] = status_byte;
    return report;
}

Result<Report> SimulatedYubiKey::get_feature() {
    if (!count_report_and_check_plugged()) {
        return fail(ErrorCode::device, "ioctl (GFEATURE): No such device");
    }
    if (busy_polls_left_ > 0) {
        if (busy_polls_left_ != std::numeric_limits<int>::max()) {
            --busy_polls_left_;
        }
        return status_report(static_cast<std::uint8_t>(slot_write_flag | last_write_seq_));
    }
    if (state_ == State::touch_wait) {
        update_touch_wait();
    }
    switch (state_) {
        case State::touch_wait: {
            const std::int64_t left_ms =
                config_.touch_timeout_ms - (ticker_.now_ms() - touch_started_ms_);
            const auto seconds = static_cast<int>(
                std::clamp<std::int64_t>((left_ms + 999) / 1000, 1, max_touch_seconds));
            return status_report(static_cast<std::uint8_t>(resp_timeout_wait_flag | seconds));
        }
        case State::responding: {
            Report report{};
            const std::size_t chunks = response_.size() / report_data_size;
            if (next_chunk_ < chunks) {
                std::copy_n(
                    response_.begin() + static_cast<std::ptrdiff_t>(next_chunk_ * report_data_size),
                    report_data_size, report.begin());
                report[report_status_index] =
                    static_cast<std::uint8_t>(resp_pending_flag | next_chunk_);
                ++next_chunk_;
            } else {
                // "Pending, sequence 0" after the last chunk ends the response, until reset.
                report[report_status_index] = resp_pending_flag;
            }
            return report;
        }
        case State::idle:
            break;
    }
    return status_report(0);
}

Result<void> SimulatedYubiKey::set_feature(const Report& report) {
    if (!count_report_and_check_plugged()) {
        return fail(ErrorCode::device, "ioctl (SFEATURE): No such device");
    }
    const std::uint8_t status = report[report_status_index];
    const auto seq = static_cast<std::size_t>(status & sequence_mask);
    if ((status & slot_write_flag) == 0 || seq > last_chunk) {
        // The dummy/reset report (0x8F or 0xFF): abort whatever was going on.
        reset_state();
        return {};
    }
    if (seq == 0) {
        // Skipped chunks are zeros, so a new frame starts from a cleared buffer.
        reset_state();
        buffer_.fill(0);
    }
    std::copy_n(report.begin(), report_data_size,
                buffer_.begin() + static_cast<std::ptrdiff_t>(seq * report_data_size));
    last_write_seq_ = static_cast<std::uint8_t>(seq);
    busy_polls_left_ =
        faults_.stuck_write_flag ? std::numeric_limits<int>::max() : config_.busy_polls_per_write;
    if (seq == last_chunk) {
        run_frame();
    }
    return {};
}

void SimulatedYubiKey::run_frame() {
    ++commands_;
    state_ = State::idle;  // a rejected command leaves the key idle, with no response
    auto frame = decode_frame(buffer_);
    if (!frame || faults_.reject_commands) {
        return;
    }
    switch (frame->command) {
        case static_cast<std::uint8_t>(Command::device_serial): {
            if (!config_.serial_visible)
                return;
            const std::uint32_t s = config_.serial;
            const std::array<std::uint8_t, 4> be{
                static_cast<std::uint8_t>(s >> 24), static_cast<std::uint8_t>(s >> 16),
                static_cast<std::uint8_t>(s >> 8), static_cast<std::uint8_t>(s)};
            respond(be);
            return;
        }
        case static_cast<std::uint8_t>(Command::chal_hmac1):
        case static_cast<std::uint8_t>(Command::chal_hmac2): {
            pending_slot_ =
                frame->command == static_cast<std::uint8_t>(Command::chal_hmac1) ? 0 : 1;
            const SimSlot& slot = slots_[static_cast<std::size_t>(pending_slot_)];
            if (slot.hmac_key.empty())
                return;
            pending_message_ = strip_lt64_padding(frame->payload);
            if (slot.require_touch) {
                state_ = State::touch_wait;
                touch_started_ms_ = ticker_.now_ms();
                touched_ = false;
                return;
            }
            auto hmac = hmac_sha1(slot.hmac_key.expose(), pending_message_);
            if (hmac)
                respond(*hmac);
            return;
        }
        default:
            return;  // commands the simulator does not implement are rejected
    }
}

void SimulatedYubiKey::update_touch_wait() {
    const std::int64_t elapsed = ticker_.now_ms() - touch_started_ms_;
    const bool auto_touch =
        !faults_.never_touched && config_.touch_after_ms && elapsed >= *config_.touch_after_ms;
    if ((touched_ && !faults_.never_touched) || auto_touch) {
        const SimSlot& slot = slots_[static_cast<std::size_t>(pending_slot_)];
        auto hmac = hmac_sha1(slot.hmac_key.expose(), pending_message_);
        state_ = State::idle;
        if (hmac)
            respond(*hmac);
        return;
    }
    if (elapsed >= config_.touch_timeout_ms) {
        state_ = State::idle;  // the countdown ran out: back to idle, no response
    }
}

void SimulatedYubiKey::respond(std::span<const std::uint8_t> data) {
    response_ = encode_response(data);
    if (faults_.corrupt_response_crc) {
        response_[data.size()] ^= 0x01;
    }
    next_chunk_ = 0;
    state_ = State::responding;
}

}  // namespace hwtotp::device::hid
