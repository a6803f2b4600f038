// hwtotp drift: a token's offset history, its drift rate, and when it will leave the window.
#include <algorithm>
#include <memory>
#include <ostream>
#include <sstream>
#include <vector>

#include "commands.h"
#include "drift_plot.h"
#include "hwtotp/totp/drift_analysis.h"
#include "hwtotp/totp/time_text.h"
#include "json_output.h"
#include "number_option.h"
#include "number_text.h"
#include "output_file.h"
#include "registry_hooks.h"
#include "time_option.h"

namespace hwtotp::cli {
namespace {

struct DriftOptions {
    std::string token;
    std::vector<std::string> observe;
    std::string period;
    std::string t0;
    std::string window;
    std::string time;
    std::string plot;
    bool plot_given = false;  // --plot '' is a mistake, not "no plot"
};

constexpr double seconds_per_year = 31'557'600;

std::string fixed(double v, int decimals, bool sign = false) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(decimals);
    if (sign && v >= 0)
        s << '+';
    s << v;
    return s.str();
}

// "T,STEPS": a time (Unix seconds or ISO-8601) and the offset in steps a resync found then.
Result<TokenOffsetHistory::Entry> parse_observation(const std::string& text) {
    const auto comma = text.rfind(',');
    if (comma == std::string::npos) {
        return fail(ErrorCode::invalid_input,
                    "--observe " + text + ": expected TIME,STEPS (e.g. 2026-11-23T10:00:00Z,+37)");
    }
    auto time = parse_time(text.substr(0, comma));
    if (!time)
        return fail(ErrorCode::invalid_input, "--observe " + text + ": " + time.error().message);
    std::string steps = text.substr(comma + 1);
    if (!steps.empty() && steps[0] == '+')
        steps.erase(0, 1);
    HWTOTP_ASSIGN_OR_RETURN(auto offset, parse_integer(steps, "--observe " + text + ": STEPS",
                                                       -1'000'000'000'000, 1'000'000'000'000));
    return TokenOffsetHistory::Entry{*time, offset, "observed"};
}

nlohmann::json exit_json(const WindowExit& w) {
    nlohmann::json j;
    switch (w.kind) {
        case WindowExit::Kind::inside_forever:
            j["kind"] = "never";
            return j;
        case WindowExit::Kind::already_outside:
            j["kind"] = "already_outside";
            j["time"] = w.time;
            return j;
        case WindowExit::Kind::leaves:
            j["kind"] = "leaves";
            j["time"] = w.time;
            j["time_iso"] = format_time(w.time);
            j["earliest"] = format_time(w.earliest);
            j["latest"] =
                w.latest ? nlohmann::json(format_time(*w.latest)) : nlohmann::json(nullptr);
            return j;
    }
    return j;
}

std::string exit_text(const WindowExit& w) {
    switch (w.kind) {
        case WindowExit::Kind::inside_forever:
            return "never at the fitted rate (no drift)";
        case WindowExit::Kind::already_outside:
            return "already outside: resync now";
        case WindowExit::Kind::leaves:
            return format_time(w.time) + " (2σ: " + format_time(w.earliest) + " to " +
                   (w.latest ? format_time(*w.latest) : std::string("never")) + ")";
    }
    return {};
}

// The offsets to fit and the verifier's centre: from the registry with --token, typed in with
// --observe (TIME,STEPS each).
struct DriftInput {
    TokenOffsetHistory history;
    std::optional<std::int64_t> window_centre_steps;  // the registry's stored offset
    std::string title;
};

Result<DriftInput> input_from_token(const DriftOptions& o, Context& ctx) {
    if (!o.period.empty() || !o.t0.empty()) {
        return fail(ErrorCode::invalid_input,
                    "--period and --t0 are for --observe; with --token they come from the "
                    "registry (drop them)");
    }
    DriftInput input;
    HWTOTP_ASSIGN_OR_RETURN(input.history, load_offset_history(o.token, ctx));
    input.window_centre_steps = input.history.stored_offset_steps;
    input.title = "Token " + o.token;
    return input;
}

Result<DriftInput> input_from_observations(const DriftOptions& o) {
    HWTOTP_ASSIGN_OR_RETURN(const auto period, o.period.empty()
                                                   ? Result<std::int64_t>(30)
                                                   : parse_integer(o.period, "--period", 1, 86400));
    HWTOTP_ASSIGN_OR_RETURN(const auto t0,
                            o.t0.empty() ? Result<std::int64_t>(0)
                                         : parse_integer(o.t0, "--t0", -(1LL << 40), 1LL << 40));
    DriftInput input;
    HWTOTP_ASSIGN_OR_RETURN(input.history.params, Params::create(Hash::sha1, 6, period, t0));
    for (const auto& text : o.observe) {
        HWTOTP_ASSIGN_OR_RETURN(auto e, parse_observation(text));
        if (e.time < t0) {
            return fail(ErrorCode::invalid_input,
                        "--observe " + text + ": the time is before T0 = " + std::to_string(t0) +
                            " (accepted: times at or after --t0)");
        }
        input.history.entries.push_back(std::move(e));
    }
    input.title = "Token clock drift";
    return input;
}

Result<std::uint64_t> parse_radius(const std::string& window) {
    if (window.empty())
        return std::uint64_t{1};
    // At least 1: the prediction puts the window's edge N periods from its centre. With N = 0
    // the edge would be the centre itself and every token would be reported outside at once,
    // while a verifier with no window still accepts a clock inside the current step.
    HWTOTP_ASSIGN_OR_RETURN(const auto parsed, parse_integer(window, "--window", 1, 1'000'000));
    return static_cast<std::uint64_t>(parsed);
}

// How each offset was observed ("resync", "verify", "observed"), in the analysis's time order.
std::vector<std::string> sources_in_time_order(std::vector<TokenOffsetHistory::Entry> entries) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.time < b.time; });
    std::vector<std::string> how;
    for (auto& e : entries)
        how.push_back(std::move(e.how));
    return how;
}

Result<void> write_plot(const std::string& path, const DriftAnalysis& a, const std::string& title,
                        std::int64_t period) {
    const WindowPrediction& shown = a.windows.back();
    const DriftPlot plot{
        a.observations,
        a.fit,
        static_cast<double>(a.window_centre_steps * period),
        static_cast<double>(shown.radius) * static_cast<double>(period),
        shown.radius,
        shown.exit.kind == WindowExit::Kind::leaves ? std::optional(shown.exit.time) : std::nullopt,
        title};
    if (auto written = write_output_file(path, render_drift_svg(plot)); !written) {
        return fail(ErrorCode::io, "--plot " + path +
                                       ": cannot be written: " + written.error().message +
                                       " (give a writable path for the SVG file)");
    }
    return {};
}

void render_json(Context& ctx, const DriftAnalysis& a, const Params& params,
                 const std::vector<std::string>& how, std::int64_t now, const std::string& plot) {
    nlohmann::json j = params_json(params);
    nlohmann::json obs = nlohmann::json::array();
    for (std::size_t i = 0; i < a.observations.size(); ++i) {
        obs.push_back({{"time", a.offsets[i].time},
                       {"time_iso", format_time(a.offsets[i].time)},
                       {"offset_steps", a.offsets[i].offset_steps},
                       {"offset_seconds", a.observations[i].offset_seconds},
                       {"uncertainty_seconds", a.observations[i].half_width_seconds},
                       {"how", how[i]}});
    }
    j["observations"] = obs;
    j["rate_ppm"] = a.fit.rate_ppm;
    j["rate_stderr_ppm"] = a.fit.rate_stderr_ppm;
    j["rate_bound_ppm"] = a.fit.rate_bound_ppm;
    j["seconds_per_year"] = a.fit.rate_ppm * 1e-6 * seconds_per_year;
    j["reference_time"] = a.fit.reference_time;
    j["offset_at_reference_seconds"] = a.fit.offset_at_reference;
    j["residual_rms_seconds"] = a.fit.residual_rms_seconds;
    j["time"] = now;
    j["predicted_offset_seconds"] = a.offset_now_seconds;
    j["predicted_offset_steps"] = a.offset_now_steps;
    j["window_centre_steps"] = a.window_centre_steps;
    nlohmann::json windows = nlohmann::json::array();
    for (const auto& w : a.windows) {
        nlohmann::json entry = exit_json(w.exit);
        entry["radius"] = w.radius;
        windows.push_back(entry);
    }
    j["windows"] = windows;
    j["plot"] = plot.empty() ? nlohmann::json(nullptr) : nlohmann::json(plot);
    print_json(ctx, j);
}

void render_text(std::ostream& out, const DriftAnalysis& a, std::int64_t period,
                 const std::vector<std::string>& how, std::int64_t now, const std::string& plot) {
    out << "observations (" << a.observations.size() << "), period " << period << " s:\n";
    for (std::size_t i = 0; i < a.observations.size(); ++i) {
        out << "  " << format_time(a.offsets[i].time) << "  "
            << signed_text(a.offsets[i].offset_steps) << " steps  offset "
            << fixed(a.observations[i].offset_seconds, 1, true) << " s ± "
            << fixed(a.observations[i].half_width_seconds, 0) << " s  (" << how[i] << ")\n";
    }
    out << "drift rate: " << fixed(a.fit.rate_ppm, 2, true) << " ppm ± "
        << fixed(a.fit.rate_stderr_ppm, 2) << " ppm (1σ; quantisation alone bounds the error by "
        << fixed(a.fit.rate_bound_ppm, 2)
        << " ppm) = " << fixed(a.fit.rate_ppm * 1e-6 * seconds_per_year / 60, 1, true)
        << " min/year\n";
    out << "offset at " << format_time(now) << ": " << fixed(a.offset_now_seconds, 0, true)
        << " s (" << signed_text(a.offset_now_steps) << " steps)\n";
    for (const auto& w : a.windows) {
        out << "leaves ±" << w.radius << (w.radius == 1 ? " step" : " steps")
            << " around the stored offset (" << signed_text(a.window_centre_steps)
            << " steps): " << exit_text(w.exit) << '\n';
    }
    if (!plot.empty())
        out << "plot: " << plot << '\n';
}

Result<int> run_drift(const DriftOptions& o, Context& ctx) {
    if (o.plot_given && o.plot.empty())
        return fail(ErrorCode::invalid_input, "--plot needs a file name (--plot FILE.svg)");
    if (o.token.empty() == o.observe.empty()) {
        return fail(ErrorCode::invalid_input,
                    "give either --token SERIAL (the registry's history) or --observe TIME,STEPS "
                    "at least twice");
    }
    HWTOTP_ASSIGN_OR_RETURN(
        auto input, o.token.empty() ? input_from_observations(o) : input_from_token(o, ctx));
    HWTOTP_ASSIGN_OR_RETURN(const auto radius, parse_radius(o.window));
    HWTOTP_ASSIGN_OR_RETURN(const auto now, resolve_time(o.time, ctx));

    const Params& params = input.history.params;
    DriftQuery query{params, {}, input.window_centre_steps, radius, now};
    for (const auto& e : input.history.entries)
        query.offsets.push_back({e.time, e.offset_steps});
    auto analysis = analyse_drift(std::move(query));
    if (!analysis) {
        const std::string have = " (have " + std::to_string(input.history.entries.size()) + "; ";
        return fail(ErrorCode::invalid_input,
                    analysis.error().message + have +
                        (o.token.empty() ? "give --observe TIME,STEPS for two different times)"
                                         : "each hwtotp resync --token " + o.token +
                                               " adds one: resync again later)"));
    }
    if (!o.plot.empty())
        HWTOTP_TRY(write_plot(o.plot, *analysis, input.title, params.period()));
    const auto how = sources_in_time_order(std::move(input.history.entries));
    if (ctx.json)
        render_json(ctx, *analysis, params, how, now, o.plot);
    else
        render_text(ctx.out, *analysis, params.period(), how, now, o.plot);
    return exit_ok;
}

}  // namespace

void add_drift_command(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<DriftOptions>();
    auto* cmd = app.add_subcommand(
        "drift", "Fit a token's drift rate (ppm) and predict when it leaves the window");
    cmd->add_option("--token", opts->token, "A token in the registry (its resync history)")
        ->type_name("SERIAL");
    cmd->add_option("--observe", opts->observe,
                    "An offset observed by a resync: TIME,STEPS (repeat; instead of --token)")
        ->type_name("T,STEPS")
        ->allow_extra_args(false);  // one observation per --observe: a stray word is not one
    cmd->add_option("--period", opts->period, "Time step with --observe (default 30)")
        ->type_name("SECONDS");
    cmd->add_option("--t0", opts->t0, "T0 with --observe (default 0)")->type_name("EPOCH");
    cmd->add_option("--window", opts->window,
                    "Also predict when it leaves ±N steps (±1 is always shown)")
        ->type_name("N");
    add_time_option(*cmd, opts->time, "Predict from this time (default now)");
    auto* plot =
        cmd->add_option("--plot", opts->plot, "Write an SVG plot to FILE")->type_name("FILE.svg");
    cmd->footer(
        "Example:\n  hwtotp drift --observe 2025-11-23T10:00:00Z,0 --observe "
        "2026-11-23T10:00:00Z,37 --plot drift.svg");
    cmd->callback([opts, plot, &ctx] {
        opts->plot_given = plot->count() > 0;
        finish(ctx, run_drift(*opts, ctx));
    });
}

}  // namespace hwtotp::cli
