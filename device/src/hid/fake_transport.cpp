#include "hwtotp/device/hid/fake_transport.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace hwtotp::device::hid {
namespace {

std::string hex_report(const Report& report) {
    std::string text;
    char byte[4];
    for (std::size_t i = 0; i < report.size(); ++i) {
        std::snprintf(byte, sizeof byte, i == 0 ? "%02x" : " %02x", report[i]);
        text += byte;
    }
    return text;
}

}  // namespace

Result<void> InProcessTransport::send_report(const Report& report, std::chrono::milliseconds) {
    log_.push_back({true, report});
    return device_.set_feature(report);
}

Result<Report> InProcessTransport::receive_report(std::chrono::milliseconds) {
    auto report = device_.get_feature();
    if (report) {
        log_.push_back({false, *report});
    }
    return report;
}

ScriptedTransport ScriptedTransport::from_trace(const std::string& trace) {
    std::vector<Step> steps;
    std::istringstream lines(trace);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string direction;
        if (!(words >> direction))
            continue;  // blank line
        if (direction != "R" && direction != "W") {
            std::fprintf(stderr, "bad trace line: %s\n", line.c_str());
            std::abort();
        }
        Step step{direction == "W", {}};
        for (auto& byte : step.report) {
            std::string hex;
            if (!(words >> hex) || hex.size() != 2) {
                std::fprintf(stderr, "bad trace line: %s\n", line.c_str());
                std::abort();
            }
            byte = static_cast<std::uint8_t>(std::stoul(hex, nullptr, 16));
        }
        steps.push_back(step);
    }
    return ScriptedTransport(std::move(steps));
}

Result<void> ScriptedTransport::send_report(const Report& report, std::chrono::milliseconds) {
    const std::string step_name = "trace step " + std::to_string(next_ + 1);
    if (next_ >= script_.size()) {
        mismatch_ = step_name + ": host wrote " + hex_report(report) + " past the end";
        return fail(ErrorCode::internal, mismatch_);
    }
    const Step& expected = script_[next_];
    if (!expected.write) {
        mismatch_ = step_name + ": host wrote " + hex_report(report) + ", trace reads";
        return fail(ErrorCode::internal, mismatch_);
    }
    if (expected.report != report) {
        mismatch_ = step_name + ": host wrote " + hex_report(report) + ", trace has " +
                    hex_report(expected.report);
        return fail(ErrorCode::internal, mismatch_);
    }
    ++next_;
    return {};
}

Result<Report> ScriptedTransport::receive_report(std::chrono::milliseconds) {
    const std::string step_name = "trace step " + std::to_string(next_ + 1);
    if (next_ >= script_.size()) {
        mismatch_ = step_name + ": host read past the end";
        return fail(ErrorCode::internal, mismatch_);
    }
    const Step& expected = script_[next_];
    if (expected.write) {
        mismatch_ = step_name + ": host read, trace writes " + hex_report(expected.report);
        return fail(ErrorCode::internal, mismatch_);
    }
    ++next_;
    return expected.report;
}

}  // namespace hwtotp::device::hid
