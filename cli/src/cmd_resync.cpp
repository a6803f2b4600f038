// hwtotp resync: a drifted token's clock offset from two consecutive codes.
#include <memory>
#include <ostream>
#include <sstream>

#include "commands.h"
#include "enrollment_report.h"
#include "hwtotp/aws/commands.h"
#include "hwtotp/aws/serial.h"
#include "hwtotp/totp/resync.h"
#include "hwtotp/totp/steps.h"
#include "hwtotp/totp/time_text.h"
#include "json_output.h"
#include "key_options.h"
#include "number_option.h"
#include "number_text.h"
#include "progress_bar.h"
#include "registry_hooks.h"
#include "time_option.h"

namespace hwtotp::cli {
namespace {

struct ResyncOptions {
    KeyOptions key;
    std::string code1;
    std::string code2;
    std::string time;
    std::string search_window;
    std::string user;
    bool root = false;
    std::string serial;
};

constexpr std::uint64_t default_radius = 2880;  // ±24 h at 30 s
constexpr std::uint64_t max_radius = 10'000'000'000ULL;
// Scans this large get a progress bar on a terminal (about a second of work).
constexpr std::uint64_t progress_threshold = 5'000'000;

// "2 h 0 min fast", "in step", "3 min 30 s slow".
std::string drift_words(std::int64_t seconds) {
    if (seconds == 0)
        return "in step with this computer";
    const std::int64_t a = seconds < 0 ? -seconds : seconds;
    std::string t;
    if (a >= 86400 * 365) {
        t = std::to_string(a / (86400 * 365)) + " years " +
            std::to_string(a % (86400 * 365) / 86400) + " days";
    } else if (a >= 86400) {
        t = std::to_string(a / 86400) + " d " + std::to_string(a % 86400 / 3600) + " h";
    } else if (a >= 3600) {
        t = std::to_string(a / 3600) + " h " + std::to_string(a % 3600 / 60) + " min";
    } else if (a >= 60) {
        t = std::to_string(a / 60) + " min " + std::to_string(a % 60) + " s";
    } else {
        t = std::to_string(a) + " s";
    }
    return t + (seconds > 0 ? " fast" : " slow");
}

Result<int> run_resync(const ResyncOptions& o, Context& ctx) {
    if (auto totp = refuse_hotp_options(o.key, "resync"); !totp)
        return tl::unexpected(totp.error());
    ResyncWindow window;
    std::string window_text = std::to_string(default_radius);
    window.radius = default_radius;
    if (o.search_window == "all") {
        window.all = true;
        window_text = "all";
    } else if (!o.search_window.empty()) {
        auto parsed = parse_unsigned(o.search_window, "--search-window", max_radius);
        if (!parsed) {
            return fail(ErrorCode::invalid_input,
                        "--search-window '" + o.search_window +
                            "' is not accepted (accepted: a whole number of steps from 0 to " +
                            std::to_string(max_radius) +
                            ", or all: every step from T0 to 20 years ahead)");
        }
        window.radius = *parsed;
        window_text = o.search_window;
    }
    auto time = resolve_time(o.time, ctx);
    if (!time)
        return tl::unexpected(time.error());
    auto submitter = parse_submitter(o.user, o.root);
    if (!submitter)
        return tl::unexpected(submitter.error());
    auto key = resolve_key(o.key, ctx);
    if (!key)
        return tl::unexpected(key.error());
    if (auto totp = require_totp(*key, "resync"); !totp)
        return tl::unexpected(totp.error());
    const Params& params = key->params;
    auto range = resync_range(params, *time, window);
    if (!range)
        return fail(range.error().code, "--time: " + range.error().message);
    // "all" reaches from T0 to 20 years after --time: a far-future --time would make it a
    // search of centuries. Hold it to what the largest numeric window covers.
    if (window.all && range->size() > 2 * max_radius + 1) {
        return fail(ErrorCode::invalid_input,
                    "--search-window all: every step from T0 to 20 years after --time is " +
                        std::to_string(range->size()) + " steps, more than a search may cover (" +
                        std::to_string(2 * max_radius + 1) +
                        "); give an earlier --time or --search-window N");
    }

    // One code over a window proves little: refuse, and say how little.
    if (o.code2.empty()) {
        return fail(ErrorCode::invalid_input,
                    "--code2 is required: one " + std::to_string(params.digits()) +
                        "-digit code matches by chance somewhere in " +
                        std::to_string(range->size()) + " steps with probability " +
                        odds_text(false_match_odds(range->size(), params.digits(), 1)) +
                        " (≈ W·10^-" + std::to_string(params.digits()) +
                        "); give two consecutive codes");
    }
    auto code1 = Code::parse(o.code1, "--code1");
    if (!code1)
        return tl::unexpected(code1.error());
    auto code2 = Code::parse(o.code2, "--code2");
    if (!code2)
        return tl::unexpected(code2.error());
    for (const auto* c : {&*code1, &*code2}) {
        if (c->length() != params.digits()) {
            return fail(
                ErrorCode::invalid_input,
                code_length_mismatch(c == &*code1 ? "--code1" : "--code2", c->length(), *key));
        }
    }
    std::string serial = o.serial.empty() ? o.key.token : o.serial;
    if (!serial.empty() && !key->serial.empty() && serial != key->serial) {
        return fail(ErrorCode::invalid_input,
                    "--serial " + serial + " does not match the seed's serial " + key->serial +
                        " (" + key->source + "): the offset would be found for another token");
    }
    if (!submitter->user.empty() || submitter->root) {
        if (serial.empty() && !submitter->root) {
            return fail(ErrorCode::invalid_input,
                        "--user needs --serial (or --token) for the resync-mfa-device command");
        }
        if (!serial.empty()) {
            if (const auto sc = aws::check_serial(serial); !sc.accepted_by_aws)
                return fail(ErrorCode::invalid_input,
                            "--serial: AWS would reject it: " + sc.problems.front());
        }
    }
    if (!o.code1.empty() && *code1 == *code2) {
        return fail(ErrorCode::invalid_input,
                    "--code1 and --code2 are the same: a resync needs two consecutive codes "
                    "(press the button, wait for the display to change, press again)");
    }

    auto otp = OtpKey::create(key->secret, params.hash());
    if (!otp)
        return tl::unexpected(otp.error());
    ScanOptions scan;
    const bool show_progress = ctx.stderr_is_terminal && range->size() >= progress_threshold;
    if (show_progress) {
        scan.progress = [&ctx](std::uint64_t done, std::uint64_t total) {
            draw_bar(ctx, static_cast<double>(done) / static_cast<double>(total),
                     "searching " + std::to_string(total / 1'000'000) + " M steps");
        };
    }
    auto result = resync(*otp, params, *code1, *code2, *time, window, scan);
    if (show_progress)
        clear_bar(ctx);
    if (!result)
        return tl::unexpected(result.error());

    const std::int64_t period = params.period();
    const bool unique = result->matches.size() == 1;
    std::optional<std::string> command;
    std::vector<std::string> console;
    if (unique && !submitter->user.empty()) {
        command = aws::resync_mfa_device_command({submitter->user, serial, *code1, *code2});
    } else if (unique && submitter->root) {
        console = aws::root_resync_console_steps(*code1, *code2);
    }

    // Stored only when the answer is unambiguous; the registry refuses an older step itself.
    bool stored = false;
    if (unique && !o.key.token.empty()) {
        const auto& m = result->matches.front();
        auto recorded = record_resync_in_registry(
            TokenResyncRecord{o.key.token, step_add(m.code1_step, 1), m.offset_steps, *time}, ctx);
        if (!recorded)
            return tl::unexpected(recorded.error());
        stored = true;
    }

    if (ctx.json) {
        nlohmann::json j = params_json(params);
        j["matched"] = result->found();
        j["ambiguous"] = result->ambiguous();
        j["time"] = *time;
        j["time_iso"] = format_time(*time);
        j["current_step"] = result->current_step;
        j["search_window"] = window_text;
        j["searched_first"] = result->searched.first;
        j["searched_last"] = result->searched.last;
        j["steps_searched"] = result->searched.size();
        j["false_match_odds"] = result->false_match_odds;
        nlohmann::json matches = nlohmann::json::array();
        for (const auto& m : result->matches) {
            matches.push_back({{"code1_step", m.code1_step},
                               {"code2_step", step_add(m.code1_step, 1)},
                               {"offset_steps", m.offset_steps},
                               {"offset_seconds", m.offset_steps * period}});
        }
        j["matches"] = matches;
        if (unique) {
            const auto& m = result->matches.front();
            j["offset_steps"] = m.offset_steps;
            j["offset_seconds"] = m.offset_steps * period;
            j["last_accepted_step"] = step_add(m.code1_step, 1);
        }
        j["stored"] = stored;
        j["command"] = command ? nlohmann::json(*command) : nlohmann::json(nullptr);
        j["console_steps"] = console.empty() ? nlohmann::json(nullptr) : nlohmann::json(console);
        print_json(ctx, j);
        return unique ? exit_ok : exit_negative;
    }

    auto& out = ctx.out;
    const std::string searched =
        window.all
            ? "every step from T0 to 20 years ahead (" + std::to_string(result->searched.size()) +
                  " steps)"
            : "±" + window_text + " steps (" + std::to_string(result->searched.size()) + " steps)";
    if (!result->found()) {
        out << "no match: the pair " << code1->str() << ", " << code2->str()
            << " occurs nowhere in " << searched << '\n';
        if (!window.all)
            out << "try a wider window (--search-window all), and check the seed and the codes\n";
        return exit_negative;
    }
    if (!unique) {
        out << "AMBIGUOUS: the pair matches " << result->matches.size() << " places in " << searched
            << " (chance; odds " << odds_text(result->false_match_odds)
            << "); nothing was stored. Read two new codes and resync again:\n";
        for (const auto& m : result->matches) {
            out << "  code 1 at step " << m.code1_step << ": offset " << signed_text(m.offset_steps)
                << " steps (" << signed_text(m.offset_steps * period) << " s)\n";
        }
        return exit_negative;
    }
    const auto& m = result->matches.front();
    out << "match: code 1 at step " << m.code1_step << ", code 2 at step " << m.code1_step + 1
        << " (" << format_time(step_start(params, step_add(m.code1_step, 1))) << ")\n";
    out << "offset: " << signed_text(m.offset_steps) << " steps ("
        << signed_text(m.offset_steps * period) << " s): the token is "
        << drift_words(m.offset_steps * period) << '\n';
    out << "searched: " << searched << "; false-match odds " << odds_text(result->false_match_odds)
        << '\n';
    if (stored)
        out << "stored: token " << o.key.token << " offset " << signed_text(m.offset_steps)
            << " steps, last accepted step " << m.code1_step + 1 << '\n';
    if (command) {
        out << '\n' << *command << '\n';
    } else if (!console.empty()) {
        out << "\nRoot user (console only):\n";
        int i = 1;
        for (const auto& step : console)
            out << "  " << i++ << ". " << step << '\n';
    }
    return exit_ok;
}

}  // namespace

void add_resync_command(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ResyncOptions>();
    auto* cmd = app.add_subcommand(
        "resync", "Find a drifted token's clock offset from two consecutive codes");
    cmd->add_option("--code1", opts->code1, "A code the token shows")
        ->type_name("CODE")
        ->required();
    cmd->add_option("--code2", opts->code2, "The next code it shows")->type_name("CODE");
    add_key_options(*cmd, opts->key);
    add_time_option(*cmd, opts->time, "When code 2 was read (default now)");
    cmd->add_option("--search-window", opts->search_window,
                    "Steps searched either side of now (default 2880 = ±24 h), or all: every "
                    "step from T0 to 20 years ahead")
        ->type_name("N|all");
    cmd->add_option("--serial", opts->serial, "The device's serial (for --user)")
        ->type_name("SERIAL");
    cmd->add_option("--user", opts->user, "Print the aws iam resync-mfa-device command for NAME")
        ->type_name("NAME");
    cmd->add_flag("--root", opts->root, "Print the root user's console steps");
    cmd->footer(
        "With --token, the offset and a history entry are stored in the registry.\n"
        "Exit codes: 0 one match, 1 no match or several (ambiguous: nothing stored), 2 bad "
        "input, 4 registry error.\n"
        "Example:\n  hwtotp resync --secret-file seed.txt --code1 123456 --code2 654321 "
        "--search-window all");
    cmd->callback([opts, &ctx] { finish(ctx, run_resync(*opts, ctx)); });
}

}  // namespace hwtotp::cli
