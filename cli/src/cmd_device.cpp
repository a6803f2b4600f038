// hwtotp device list | serial | codes: YubiKeys over HID (hidapi), or simulated ones on a socket.
#include <memory>
#include <ostream>

#include "commands.h"
#include "device_options.h"
#include "hwtotp/device/hid/hidapi_transport.h"
#include "hwtotp/totp/params.h"
#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/terminal_text.h"
#include "hwtotp/totp/time_text.h"
#include "json_output.h"
#include "number_option.h"
#include "time_option.h"

namespace hwtotp::cli {
namespace {

namespace hid = device::hid;

struct DeviceOptions {
    std::string device;
    std::string slot = "2";
    std::string time;
    std::string digits = "6";
};

std::string hex4(std::uint16_t value) {
    char text[8];
    std::snprintf(text, sizeof text, "%04x", value);
    return text;
}

Result<int> run_device_list(Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto api, hid::HidApi::init());
    const auto devices = api->enumerate_otp();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& info : devices) {
        std::string serial;
        std::string problem;
        if (auto transport = api->open(info.path); !transport) {
            problem = transport.error().error.message;
        } else {
            hid::SteadyTicker ticker;
            hid::OtpHost host(**transport, ticker);
            if (auto s = host.read_serial(); s) {
                serial = std::to_string(*s);
            } else {
                problem = s.error().message;
            }
        }
        if (ctx.json) {
            nlohmann::json entry = {{"path", info.path},
                                    {"vendor_id", hex4(info.vendor_id)},
                                    {"product_id", hex4(info.product_id)},
                                    {"manufacturer", info.manufacturer},
                                    {"product", info.product}};
            entry["serial"] = serial.empty() ? nlohmann::json() : nlohmann::json(serial);
            if (!problem.empty())
                entry["error"] = problem;
            list.push_back(entry);
        } else {
            // The path and product string come from the device: escaped for the terminal.
            ctx.out << escape_for_terminal(info.path) << "  " << hex4(info.vendor_id) << ':'
                    << hex4(info.product_id) << "  "
                    << (info.product.empty() ? "YubiKey" : escape_for_terminal(info.product))
                    << "  serial "
                    << (serial.empty() ? "unreadable: " + escape_for_terminal(problem) : serial)
                    << '\n';
        }
    }
    if (ctx.json) {
        print_json(ctx, {{"devices", list}});
    }
    if (devices.empty()) {
        // "None" is an answer to "which keys are there?" (exit 0, an empty list); the reason
        // helps a person who expected one.
        ctx.err << "hwtotp: note: " << hid::explain_no_device() << '\n';
    }
    return exit_ok;
}

Result<int> run_serial(const DeviceOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto session, open_session(o.device, ctx));
    auto& host = *(session)->host;
    HWTOTP_ASSIGN_OR_RETURN(auto identity, host.identify());
    if (ctx.json) {
        print_json(ctx, {{"device", session->opened.transport->describe()},
                         {"serial", std::to_string(identity.serial)},
                         {"firmware", identity.status.firmware()}});
    } else {
        ctx.out << identity.serial << '\n';
    }
    return exit_ok;
}

Result<int> run_codes(const DeviceOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto slot,
                            parse_integer(o.slot, "--slot", hid::first_slot, hid::last_slot));
    HWTOTP_ASSIGN_OR_RETURN(auto digits, parse_integer(o.digits, "--digits", hid::min_totp_digits,
                                                       hid::max_totp_digits));
    HWTOTP_ASSIGN_OR_RETURN(auto time, resolve_time(o.time, ctx));
    // A YubiKey slot has no parameters of its own: ykman's TOTP is SHA-1, 30 s, T0 = 0.
    const Params params = *Params::create(Hash::sha1, static_cast<int>(digits), 30, 0);
    auto step = step_at(params, time);
    if (!step)
        return fail(ErrorCode::invalid_input, "--time: " + step.error().message);

    HWTOTP_ASSIGN_OR_RETURN(auto session, open_session(o.device, ctx));
    auto& host = *(session)->host;
    HWTOTP_ASSIGN_OR_RETURN(auto serial, host.read_serial());
    const int slot_number = static_cast<int>(slot);
    const int digit_count = static_cast<int>(digits);
    HWTOTP_ASSIGN_OR_RETURN(auto code1, host.totp_step(slot_number, *step, digit_count));
    HWTOTP_ASSIGN_OR_RETURN(auto code2, host.totp_step(slot_number, *step + 1, digit_count));

    const std::int64_t second_valid_from = step_start(params, *step + 1);
    if (ctx.json) {
        print_json(ctx, {{"device", session->opened.transport->describe()},
                         {"serial", std::to_string(serial)},
                         {"slot", slot_number},
                         {"time", time},
                         {"step", *step},
                         {"code1", code1.str()},
                         {"code2", code2.str()},
                         {"code2_valid_from", format_time(second_valid_from)},
                         {"params", params_json(params)}});
    } else {
        ctx.out << "Serial number: " << serial << '\n'
                << "MFA code 1: " << code1.digits() << '\n'
                << "MFA code 2: " << code2.digits() << '\n';
        // Submitting before code 2's step begins would register the token as running fast.
        ctx.err << "hwtotp: note: code 2 is for the step starting "
                << format_time(second_valid_from) << "; submit the pair after that time\n";
    }
    return exit_ok;
}

}  // namespace

void add_device_command(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<DeviceOptions>();
    auto* cmd = app.add_subcommand("device", "YubiKeys over USB HID, or simulated ones");
    cmd->require_subcommand(1);

    auto* list = cmd->add_subcommand("list", "List YubiKey OTP HID interfaces and their serials");
    list->footer("Example:\n  hwtotp device list --json");
    list->callback([&ctx] { finish(ctx, run_device_list(ctx)); });

    auto* serial = cmd->add_subcommand("serial", "Print a key's serial number");
    add_device_option(*serial, opts->device);
    serial->footer("Example:\n  hwtotp device serial --device unix:/tmp/yk.sock");
    serial->callback([opts, &ctx] { finish(ctx, run_serial(*opts, ctx)); });

    auto* codes = cmd->add_subcommand(
        "codes", "Print the serial and two consecutive TOTP codes (steps of T and T+1)");
    add_device_option(*codes, opts->device);
    codes->add_option("--slot", opts->slot, "HMAC-SHA1 challenge-response slot: 1 or 2 (default)")
        ->type_name("1|2");
    add_time_option(*codes, opts->time);
    codes->add_option("--digits", opts->digits, "Code length: 6 (default), 7 or 8")->type_name("N");
    codes->footer(
        "Example:\n  hwtotp device codes --device unix:/tmp/yk.sock --time 59 --digits 8");
    codes->callback([opts, &ctx] { finish(ctx, run_codes(*opts, ctx)); });
}

}  // namespace hwtotp::cli
