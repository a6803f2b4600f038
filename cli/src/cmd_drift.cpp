// hwtotp drift: a token's offset history, its drift rate, and when it will leave the window.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>
#include <ostream>
#include <sstream>
#include <vector>

#include "commands.h"
#include "drift_plot.h"
#include "hwtotp/totp/drift.h"
#include "hwtotp/totp/time_text.h"
#include "json_output.h"
#include "number_option.h"
#include "number_text.h"
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

// Writes `text` to `path` (created 0644, truncated); the error names the system's reason.
Result<void> write_file(const std::string& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(ErrorCode::io, std::strerror(errno));
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            ::close(fd);
            return fail(ErrorCode::io, std::strerror(err));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0)
        return fail(ErrorCode::io, std::strerror(errno));
    return {};
}

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
    auto offset = parse_integer(steps, "--observe " + text + ": STEPS", -1'000'000'000'000,
                                1'000'000'000'000);
    if (!offset)
        return tl::unexpected(offset.error());
    return TokenOffsetHistory::Entry{*time, *offset, "observed"};
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

Result<int> run_drift(const DriftOptions& o, Context& ctx) {
    if (o.plot_given && o.plot.empty())
        return fail(ErrorCode::invalid_input, "--plot needs a file name (--plot FILE.svg)");
    if (o.token.empty() == o.observe.empty()) {
        return fail(ErrorCode::invalid_input,
                    "give either --token SERIAL (the registry's history) or --observe TIME,STEPS "
                    "at least twice");
    }
    TokenOffsetHistory history;
    std::string title;
    if (!o.token.empty()) {
        if (!o.period.empty() || !o.t0.empty()) {
            return fail(ErrorCode::invalid_input,
                        "--period and --t0 are for --observe; with --token they come from the "
                        "registry (drop them)");
        }
        auto loaded = load_offset_history(o.token, ctx);
        if (!loaded)
            return tl::unexpected(loaded.error());
        history = std::move(*loaded);
        title = "Token " + o.token;
    } else {
        auto period = o.period.empty() ? Result<std::int64_t>(30)
                                       : parse_integer(o.period, "--period", 1, 86400);
        if (!period)
            return tl::unexpected(period.error());
        auto t0 = o.t0.empty() ? Result<std::int64_t>(0)
                               : parse_integer(o.t0, "--t0", -(1LL << 40), 1LL << 40);
        if (!t0)
            return tl::unexpected(t0.error());
        auto params = Params::create(Hash::sha1, 6, *period, *t0);
        if (!params)
            return tl::unexpected(params.error());
        history.params = *params;
        for (const auto& text : o.observe) {
            auto e = parse_observation(text);
            if (!e)
                return tl::unexpected(e.error());
            if (e->time < params->t0()) {
                return fail(ErrorCode::invalid_input,
                            "--observe " + text +
                                ": the time is before T0 = " + std::to_string(params->t0()) +
                                " (accepted: times at or after --t0)");
            }
            history.entries.push_back(*e);
        }
        std::stable_sort(history.entries.begin(), history.entries.end(),
                         [](const auto& a, const auto& b) { return a.time < b.time; });
        history.stored_offset_steps = history.entries.back().offset_steps;
        title = "Token clock drift";
    }
    std::uint64_t radius = 1;
    if (!o.window.empty()) {
        // At least 1: the prediction puts the window's edge N periods from its centre. With N = 0
        // the edge would be the centre itself and every token would be reported outside at once,
        // while a verifier with no window still accepts a clock inside the current step.
        auto parsed = parse_integer(o.window, "--window", 1, 1'000'000);
        if (!parsed)
            return tl::unexpected(parsed.error());
        radius = static_cast<std::uint64_t>(*parsed);
    }
    auto now = resolve_time(o.time, ctx);
    if (!now)
        return tl::unexpected(now.error());

    const Params& params = history.params;
    const std::int64_t period = params.period();
    std::vector<OffsetObservation> observations;
    for (const auto& e : history.entries)
        observations.push_back(observation_from_steps(params, e.time, e.offset_steps));
    auto fit = fit_drift(observations);
    if (!fit) {
        const std::string have = " (have " + std::to_string(observations.size()) + "; ";
        return fail(ErrorCode::invalid_input,
                    fit.error().message + have +
                        (o.token.empty() ? "give --observe TIME,STEPS for two different times)"
                                         : "each hwtotp resync --token " + o.token +
                                               " adds one: resync again later)"));
    }
    const double centre = static_cast<double>(history.stored_offset_steps * period);
    std::vector<std::uint64_t> radii{1};
    if (radius != 1)
        radii.push_back(radius);
    std::vector<WindowExit> exits;
    for (auto r : radii)
        exits.push_back(predict_window_exit(*fit, period, r, centre, *now));
    const double offset_now = fit->offset_at(*now);
    const std::int64_t steps_now = offset_steps_at(params, *now, offset_now);

    if (!o.plot.empty()) {
        const WindowExit& shown = exits.back();
        DriftPlot plot{
            observations,
            *fit,
            centre,
            static_cast<double>(radii.back()) * static_cast<double>(period),
            radii.back(),
            shown.kind == WindowExit::Kind::leaves ? std::optional(shown.time) : std::nullopt,
            title};
        if (auto written = write_file(o.plot, render_drift_svg(plot)); !written)
            return fail(ErrorCode::io, "--plot " + o.plot +
                                           ": cannot be written: " + written.error().message +
                                           " (give a writable path for the SVG file)");
    }

    if (ctx.json) {
        nlohmann::json j = params_json(params);
        nlohmann::json obs = nlohmann::json::array();
        for (std::size_t i = 0; i < observations.size(); ++i) {
            obs.push_back({{"time", history.entries[i].time},
                           {"time_iso", format_time(history.entries[i].time)},
                           {"offset_steps", history.entries[i].offset_steps},
                           {"offset_seconds", observations[i].offset_seconds},
                           {"uncertainty_seconds", observations[i].half_width_seconds},
                           {"how", history.entries[i].how}});
        }
        j["observations"] = obs;
        j["rate_ppm"] = fit->rate_ppm;
        j["rate_stderr_ppm"] = fit->rate_stderr_ppm;
        j["rate_bound_ppm"] = fit->rate_bound_ppm;
        j["seconds_per_year"] = fit->rate_ppm * 1e-6 * seconds_per_year;
        j["reference_time"] = fit->reference_time;
        j["offset_at_reference_seconds"] = fit->offset_at_reference;
        j["residual_rms_seconds"] = fit->residual_rms_seconds;
        j["time"] = *now;
        j["predicted_offset_seconds"] = offset_now;
        j["predicted_offset_steps"] = steps_now;
        j["window_centre_steps"] = history.stored_offset_steps;
        nlohmann::json windows = nlohmann::json::array();
        for (std::size_t i = 0; i < radii.size(); ++i) {
            nlohmann::json w = exit_json(exits[i]);
            w["radius"] = radii[i];
            windows.push_back(w);
        }
        j["windows"] = windows;
        j["plot"] = o.plot.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.plot);
        print_json(ctx, j);
        return exit_ok;
    }

    auto& out = ctx.out;
    out << "observations (" << observations.size() << "), period " << period << " s:\n";
    for (std::size_t i = 0; i < observations.size(); ++i) {
        out << "  " << format_time(history.entries[i].time) << "  "
            << signed_text(history.entries[i].offset_steps) << " steps  offset "
            << fixed(observations[i].offset_seconds, 1, true) << " s ± "
            << fixed(observations[i].half_width_seconds, 0) << " s  (" << history.entries[i].how
            << ")\n";
    }
    out << "drift rate: " << fixed(fit->rate_ppm, 2, true) << " ppm ± "
        << fixed(fit->rate_stderr_ppm, 2) << " ppm (1σ; quantisation alone bounds the error by "
        << fixed(fit->rate_bound_ppm, 2)
        << " ppm) = " << fixed(fit->rate_ppm * 1e-6 * seconds_per_year / 60, 1, true)
        << " min/year\n";
    out << "offset at " << format_time(*now) << ": " << fixed(offset_now, 0, true) << " s ("
        << signed_text(steps_now) << " steps)\n";
    for (std::size_t i = 0; i < radii.size(); ++i) {
        out << "leaves ±" << radii[i] << (radii[i] == 1 ? " step" : " steps")
            << " around the stored offset (" << signed_text(history.stored_offset_steps)
            << " steps): " << exit_text(exits[i]) << '\n';
    }
    if (!o.plot.empty())
        out << "plot: " << o.plot << '\n';
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
