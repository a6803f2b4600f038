// resync --token and drift --token through the token registry, and the drift-predicted centre
// that verify --token uses.
#include <algorithm>
#include <cmath>

#include "drift_centre.h"
#include "hwtotp/totp/drift.h"
#include "hwtotp/totp/terminal_text.h"
#include "registry_access.h"
#include "registry_hooks.h"

namespace hwtotp::cli {
namespace {

// The fastest drift a verify may follow (DESIGN "Bound drift updates"): far above the tens of
// ppm real tokens show (Feitian c200 spec ±3 ppm), far below what a wrong prediction could need.
constexpr double max_drift_ppm = 100;

// Offsets a drift fit can use: import entries carry the vendor's value stamped with the import
// time, not with when it was measured.
std::vector<store::HistoryEntry> fit_entries(std::vector<store::HistoryEntry> entries) {
    std::erase_if(entries,
                  [](const store::HistoryEntry& e) { return e.how == store::ObservedBy::import; });
    return entries;
}

}  // namespace

Result<void> record_resync_in_registry(const TokenResyncRecord& r, Context& ctx) {
    auto registry = open_registry(ctx);
    if (!registry)
        return tl::unexpected(registry.error());
    auto outcome = registry->record_resync(r.serial, r.last_step, r.offset_steps, r.time,
                                           store::ObservedBy::resync);
    if (!outcome)
        return fail(outcome.error().code, "--token " + r.serial + ": " + outcome.error().message);
    switch (*outcome) {
        case store::AcceptOutcome::recorded:
            return {};
        case store::AcceptOutcome::replay:
            return fail(ErrorCode::replay,
                        "--token " + r.serial +
                            ": code 2's step is not after the last accepted step (codes used "
                            "before); read two new codes");
        case store::AcceptOutcome::locked:
            return fail(ErrorCode::locked, "--token " + r.serial +
                                               " is locked (unlock with: hwtotp tokens unlock " +
                                               shell_quote(r.serial) + ")");
    }
    return {};
}

Result<TokenOffsetHistory> load_offset_history(const std::string& serial, Context& ctx) {
    auto registry = open_registry(ctx);
    if (!registry)
        return tl::unexpected(registry.error());
    auto info = registry->info(serial);
    if (!info)
        return fail(info.error().code, "--token " + serial + ": " + info.error().message);
    if (info->description.type != OtpType::totp)
        return fail(ErrorCode::invalid_input,
                    "--token " + serial +
                        " is a HOTP (counter-based) token: it has no clock to drift (drift is for "
                        "TOTP tokens)");
    auto history = registry->history(serial);
    if (!history)
        return fail(history.error().code, "--token " + serial + ": " + history.error().message);
    TokenOffsetHistory h;
    h.params = info->description.params;
    h.stored_offset_steps = info->state.offset_steps;
    for (const auto& e : fit_entries(*history)) {
        h.entries.push_back({e.at, e.offset_steps, std::string(store::observed_by_name(e.how))});
    }
    return h;
}

Result<std::optional<DriftCentre>> drift_centre(store::Registry& registry,
                                                const std::string& serial, std::int64_t now) {
    auto info = registry.info(serial);
    if (!info)
        return tl::unexpected(info.error());
    if (info->description.type != OtpType::totp)
        return std::optional<DriftCentre>{};
    auto history = registry.history(serial);
    if (!history)
        return tl::unexpected(history.error());
    const auto entries = fit_entries(*history);
    const Params& params = info->description.params;
    std::vector<OffsetObservation> observations;
    std::int64_t last_time = 0;
    for (const auto& e : entries) {
        if (e.at < params.t0())
            continue;
        observations.push_back(observation_from_steps(params, e.at, e.offset_steps));
        last_time = std::max(last_time, e.at);
    }
    auto fit = fit_drift(observations);
    if (!fit || now < params.t0())
        return std::optional<DriftCentre>{};  // fewer than two distinct times: no prediction

    const std::int64_t stored = info->state.offset_steps;
    const std::int64_t predicted = offset_steps_at(params, now, fit->offset_at(now));
    // Never further from the stored offset than max_drift_ppm allows since the last
    // observation: a bad fit must not swing the window away from the token.
    const double elapsed = static_cast<double>(std::max<std::int64_t>(0, now - last_time));
    const auto max_move = static_cast<std::int64_t>(
        std::ceil(max_drift_ppm * 1e-6 * elapsed / static_cast<double>(params.period())));
    DriftCentre c;
    c.predicted_offset_steps = predicted;
    c.centre_offset_steps = std::clamp(predicted, stored - max_move, stored + max_move);
    c.rate_ppm = fit->rate_ppm;
    c.observations = fit->observations;
    return std::optional<DriftCentre>{c};
}

}  // namespace hwtotp::cli
