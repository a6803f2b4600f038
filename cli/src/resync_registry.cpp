// resync --token and drift --token through the token registry.
#include "hwtotp/store/drift_centre.h"
#include "hwtotp/totp/terminal_text.h"
#include "registry_access.h"
#include "registry_hooks.h"

namespace hwtotp::cli {

Result<void> record_resync_in_registry(const TokenResyncRecord& r, Context& ctx) {
    HWTOTP_ASSIGN_OR_RETURN(auto registry, open_registry(ctx, RegistryAccess::write));
    auto outcome = registry.record_resync(r.serial, r.last_step, r.offset_steps, r.time,
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
    HWTOTP_ASSIGN_OR_RETURN(auto registry, open_registry(ctx, RegistryAccess::read));
    auto loaded = store::offset_history(registry, serial);
    if (!loaded)
        return tl::unexpected(with_context("--token " + serial + ": ", std::move(loaded.error())));
    if (loaded->type != OtpType::totp)
        return fail(ErrorCode::invalid_input,
                    "--token " + serial +
                        " is a HOTP (counter-based) token: it has no clock to drift (drift is for "
                        "TOTP tokens)");
    TokenOffsetHistory h;
    h.params = loaded->params;
    h.stored_offset_steps = loaded->stored_offset_steps;
    for (const auto& e : loaded->observations)
        h.entries.push_back({e.at, e.offset_steps, std::string(store::observed_by_name(e.how))});
    return h;
}

}  // namespace hwtotp::cli
