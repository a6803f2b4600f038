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

// The --search-window option: ±N steps, or "all"; `text` is how --json reports it.
struct SearchWindow {
    ResyncWindow window;
    std::string text;
};

Result<SearchWindow> parse_search_window(const std::string& option) {
    if (option == "all")
        return SearchWindow{ResyncWindow{true, default_radius}, "all"};
    if (option.empty())
        return SearchWindow{ResyncWindow{false, default_radius}, std::to_string(default_radius)};
    auto parsed = parse_unsigned(option, "--search-window", max_radius);
    if (!parsed) {
        return fail(ErrorCode::invalid_input,
                    "--search-window '" + option +
                        "' is not accepted (accepted: a whole number of steps from 0 to " +
                        std::to_string(max_radius) +
                        ", or all: every step from T0 to 20 years ahead)");
    }
    return SearchWindow{ResyncWindow{false, *parsed}, option};
}

// The steps the search covers. "all" reaches from T0 to 20 years after --time: a far-future
// --time would make it a search of centuries. Hold it to what the largest numeric window covers.
Result<StepRange> search_range(const Params& params, std::int64_t time,
                               const ResyncWindow& window) {
    auto range = resync_range(params, time, window);
    if (!range)
        return fail(range.error().code, "--time: " + range.error().message);
    if (window.all && range->size() > 2 * max_radius + 1) {
        return fail(ErrorCode::invalid_input,
                    "--search-window all: every step from T0 to 20 years after --time is " +
                        std::to_string(range->size()) + " steps, more than a search may cover (" +
                        std::to_string(2 * max_radius + 1) +
                        "); give an earlier --time or --search-window N");
    }
    return range;
}

struct CodePair {
    Code code1;
    Code code2;
};

// --code1 and --code2, of the token's length. One code over a window proves little: refuse
// it, and say how little.
Result<CodePair> parse_code_pair(const ResyncOptions& o, const ResolvedKey& key,
                                 std::uint64_t steps) {
    const int digits = key.params.digits();
    if (o.code2.empty()) {
        return fail(ErrorCode::invalid_input,
                    "--code2 is required: one " + std::to_string(digits) +
                        "-digit code matches by chance somewhere in " + std::to_string(steps) +
                        " steps with probability " + odds_text(false_match_odds(steps, digits, 1)) +
                        " (≈ W·10^-" + std::to_string(digits) + "); give two consecutive codes");
    }
    HWTOTP_ASSIGN_OR_RETURN(auto code1, Code::parse(o.code1, "--code1"));
    HWTOTP_ASSIGN_OR_RETURN(auto code2, Code::parse(o.code2, "--code2"));
    const auto problem = resync_codes_problem(key.params, code1, code2);
    if (problem == ResyncCodesProblem::code1_length)
        return fail(ErrorCode::invalid_input, code_length_mismatch("--code1", code1.length(), key));
    if (problem == ResyncCodesProblem::code2_length)
        return fail(ErrorCode::invalid_input, code_length_mismatch("--code2", code2.length(), key));
    return CodePair{std::move(code1), std::move(code2)};
}

// The serial the offset is found for (--serial, else --token): it must be the seed's own, and
// AWS must accept it when a resync-mfa-device command is printed for it.
Result<std::string> resync_serial(const ResyncOptions& o, const ResolvedKey& key,
                                  const Submitter& submitter) {
    std::string serial = o.serial.empty() ? o.key.token : o.serial;
    if (!serial.empty() && !key.serial.empty() && serial != key.serial) {
        return fail(ErrorCode::invalid_input,
                    "--serial " + serial + " does not match the seed's serial " + key.serial +
                        " (" + key.source + "): the offset would be found for another token");
    }
    if (submitter.user.empty() && !submitter.root)
        return serial;
    if (serial.empty() && !submitter.root) {
        return fail(ErrorCode::invalid_input,
                    "--user needs --serial (or --token) for the resync-mfa-device command");
    }
    if (!serial.empty()) {
        if (const auto sc = aws::check_serial(serial); !sc.accepted_by_aws)
            return fail(ErrorCode::invalid_input,
                        "--serial: AWS would reject it: " + sc.problems.front());
    }
    return serial;
}

// Everything the search needs, checked in the order the messages are documented in
// (tests/cli/bad_input.tsv): options first, then the key, then what depends on the key.
struct ResyncRequest {
    ResolvedKey key;
    SearchWindow window;
    std::int64_t time = 0;
    Submitter submitter;
    StepRange range;
    CodePair codes;
    std::string serial;
};

Result<ResyncRequest> parse_resync_request(const ResyncOptions& o, Context& ctx) {
    HWTOTP_TRY(refuse_hotp_options(o.key, "resync"));
    HWTOTP_ASSIGN_OR_RETURN(auto window, parse_search_window(o.search_window));
    HWTOTP_ASSIGN_OR_RETURN(const auto time, resolve_time(o.time, ctx));
    HWTOTP_ASSIGN_OR_RETURN(auto submitter, parse_submitter(o.user, o.root));
    HWTOTP_ASSIGN_OR_RETURN(auto key, resolve_key(o.key, ctx));
    HWTOTP_TRY(require_totp(key, "resync"));
    HWTOTP_ASSIGN_OR_RETURN(const auto range, search_range(key.params, time, window.window));
    HWTOTP_ASSIGN_OR_RETURN(auto codes, parse_code_pair(o, key, range.size()));
    HWTOTP_ASSIGN_OR_RETURN(auto serial, resync_serial(o, key, submitter));
    if (resync_codes_problem(key.params, codes.code1, codes.code2) ==
        ResyncCodesProblem::same_codes) {
        return fail(ErrorCode::invalid_input,
                    "--code1 and --code2 are the same: a resync needs two consecutive codes "
                    "(press the button, wait for the display to change, press again)");
    }
    return ResyncRequest{std::move(key),   std::move(window), time, std::move(submitter), range,
                         std::move(codes), std::move(serial)};
}

// The library's search, with a progress bar on a terminal when it takes a while.
Result<ResyncResult> search(const ResyncRequest& r, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto otp, OtpKey::create(r.key.secret, r.key.params.hash()));
    ScanOptions scan;
    const bool show_progress = ctx.stderr_is_terminal && r.range.size() >= progress_threshold;
    if (show_progress) {
        scan.progress = [&ctx](std::uint64_t done, std::uint64_t total) {
            draw_bar(ctx, static_cast<double>(done) / static_cast<double>(total),
                     "searching " + std::to_string(total / 1'000'000) + " M steps");
        };
    }
    auto result =
        resync(otp, r.key.params, r.codes.code1, r.codes.code2, r.time, r.window.window, scan);
    if (show_progress)
        clear_bar(ctx);
    return result;
}

// What a unique match leads to: what to submit to AWS, and whether the registry stored it.
struct ResyncOutcome {
    ResyncResult result;
    std::optional<std::string> command;  // aws iam resync-mfa-device, for --user
    std::vector<std::string> console;    // the root user's console steps, for --root
    bool stored = false;
    [[nodiscard]] bool unique() const { return result.matches.size() == 1; }
};

// Stored only when the answer is unambiguous; the registry refuses an older step itself.
Result<ResyncOutcome> settle(const ResyncRequest& r, const ResyncOptions& o, ResyncResult result,
                             Context& ctx) {
    ResyncOutcome outcome{std::move(result), std::nullopt, {}, false};
    if (!outcome.unique())
        return outcome;
    const auto& [code1, code2] = r.codes;
    if (!r.submitter.user.empty()) {
        outcome.command =
            aws::resync_mfa_device_command({r.submitter.user, r.serial, code1, code2});
    } else if (r.submitter.root) {
        outcome.console = aws::root_resync_console_steps(code1, code2);
    }
    if (!o.key.token.empty()) {
        const auto& m = outcome.result.matches.front();
        HWTOTP_TRY(record_resync_in_registry(
            TokenResyncRecord{o.key.token, step_add(m.code1_step, 1), m.offset_steps, r.time},
            ctx));
        outcome.stored = true;
    }
    return outcome;
}

int print_resync_json(const ResyncRequest& r, const ResyncOutcome& outcome, Context& ctx) {
    const ResyncResult& result = outcome.result;
    const std::int64_t period = r.key.params.period();
    nlohmann::json j = params_json(r.key.params);
    j["matched"] = result.found();
    j["ambiguous"] = result.ambiguous();
    j["time"] = r.time;
    j["time_iso"] = format_time(r.time);
    j["current_step"] = result.current_step;
    j["search_window"] = r.window.text;
    j["searched_first"] = result.searched.first;
    j["searched_last"] = result.searched.last;
    j["steps_searched"] = result.searched.size();
    j["false_match_odds"] = result.false_match_odds;
    nlohmann::json matches = nlohmann::json::array();
    for (const auto& m : result.matches) {
        matches.push_back({{"code1_step", m.code1_step},
                           {"code2_step", step_add(m.code1_step, 1)},
                           {"offset_steps", m.offset_steps},
                           {"offset_seconds", m.offset_steps * period}});
    }
    j["matches"] = matches;
    if (outcome.unique()) {
        const auto& m = result.matches.front();
        j["offset_steps"] = m.offset_steps;
        j["offset_seconds"] = m.offset_steps * period;
        j["last_accepted_step"] = step_add(m.code1_step, 1);
    }
    j["stored"] = outcome.stored;
    j["command"] = outcome.command ? nlohmann::json(*outcome.command) : nlohmann::json(nullptr);
    j["console_steps"] =
        outcome.console.empty() ? nlohmann::json(nullptr) : nlohmann::json(outcome.console);
    print_json(ctx, j);
    return outcome.unique() ? exit_ok : exit_negative;
}

// No match, or several: nothing was stored, and the user reads two new codes.
int print_no_unique_match(const ResyncRequest& r, const ResyncResult& result,
                          const std::string& searched, std::ostream& out) {
    if (!result.found()) {
        out << "no match: the pair " << r.codes.code1.str() << ", " << r.codes.code2.str()
            << " occurs nowhere in " << searched << '\n';
        if (!r.window.window.all)
            out << "try a wider window (--search-window all), and check the seed and the codes\n";
        return exit_negative;
    }
    const std::int64_t period = r.key.params.period();
    out << "AMBIGUOUS: the pair matches " << result.matches.size() << " places in " << searched
        << " (chance; odds " << odds_text(result.false_match_odds)
        << "); nothing was stored. Read two new codes and resync again:\n";
    for (const auto& m : result.matches) {
        out << "  code 1 at step " << m.code1_step << ": offset " << signed_text(m.offset_steps)
            << " steps (" << signed_text(m.offset_steps * period) << " s)\n";
    }
    return exit_negative;
}

int print_resync_text(const ResyncRequest& r, const ResyncOutcome& outcome,
                      const std::string& token, std::ostream& out) {
    const ResyncResult& result = outcome.result;
    const std::string steps = " (" + std::to_string(result.searched.size()) + " steps)";
    const std::string searched = r.window.window.all
                                     ? "every step from T0 to 20 years ahead" + steps
                                     : "±" + r.window.text + " steps" + steps;
    if (!outcome.unique())
        return print_no_unique_match(r, result, searched, out);
    const Params& params = r.key.params;
    const std::int64_t period = params.period();
    const auto& m = result.matches.front();
    out << "match: code 1 at step " << m.code1_step << ", code 2 at step " << m.code1_step + 1
        << " (" << format_time(step_start(params, step_add(m.code1_step, 1))) << ")\n";
    out << "offset: " << signed_text(m.offset_steps) << " steps ("
        << signed_text(m.offset_steps * period) << " s): the token is "
        << drift_words(m.offset_steps * period) << '\n';
    out << "searched: " << searched << "; false-match odds " << odds_text(result.false_match_odds)
        << '\n';
    if (outcome.stored)
        out << "stored: token " << token << " offset " << signed_text(m.offset_steps)
            << " steps, last accepted step " << m.code1_step + 1 << '\n';
    if (outcome.command) {
        out << '\n' << *outcome.command << '\n';
    } else if (!outcome.console.empty()) {
        out << "\nRoot user (console only):\n";
        int i = 1;
        for (const auto& step : outcome.console)
            out << "  " << i++ << ". " << step << '\n';
    }
    return exit_ok;
}

Result<int> run_resync(const ResyncOptions& o, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(const auto request, parse_resync_request(o, ctx));
    HWTOTP_ASSIGN_OR_RETURN(auto result, search(request, ctx));
    HWTOTP_ASSIGN_OR_RETURN(const auto outcome, settle(request, o, std::move(result), ctx));
    if (ctx.json)
        return print_resync_json(request, outcome, ctx);
    return print_resync_text(request, outcome, o.key.token, ctx.out);
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
