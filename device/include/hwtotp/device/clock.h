#pragma once
// Clocks: where "now" comes from, so that nothing below the CLI reads the system clock directly.
//
// SystemClock is the real one; ManualClock is fixed and stepped by tests; DriftingClock maps
// real time to the time a token with a drifting crystal believes it is.

#include <cstdint>
#include <optional>

namespace hwtotp::device {

class Clock {
  public:
    virtual ~Clock() = default;
    // Unix seconds.
    [[nodiscard]] virtual std::int64_t now() const = 0;
};

class SystemClock final : public Clock {
  public:
    [[nodiscard]] std::int64_t now() const override;
};

// A clock that moves only when told: tests set or advance it.
class ManualClock final : public Clock {
  public:
    explicit ManualClock(std::int64_t start) : now_(start) {}
    [[nodiscard]] std::int64_t now() const override { return now_; }
    void set(std::int64_t unix_time) { now_ = unix_time; }
    void advance(std::int64_t seconds) { now_ += seconds; }

  private:
    std::int64_t now_;
};

// How a token's clock relates to real time. The token's clock was set to `since_token_time`
// at real time `since`; from then on it runs (1 + ppm·1e-6) times as fast as real time, and is
// further shifted by `offset_seconds`:
//   token_time(t) = since_token_time + (t − since)·(1 + ppm·1e−6) + offset_seconds
// The drift term is rounded toward minus infinity to whole seconds and computed in exact
// 128-bit integer arithmetic (ppm is rounded to 1e-6 ppm first), so no floating-point error can
// move a result across a second: 40 ppm over 31,557,600 s is 1262.304 s → exactly 1262 s.
struct DriftModel {
    std::int64_t since = 0;
    std::int64_t since_token_time = 0;
    double ppm = 0.0;  // positive: the token runs fast
    std::int64_t offset_seconds = 0;

    // A token set to the correct time at `since`.
    [[nodiscard]] static DriftModel starting_at(std::int64_t since, double ppm,
                                                std::int64_t offset_seconds = 0) {
        return DriftModel{since, since, ppm, offset_seconds};
    }

    // The token's time at real time `real_time` (saturates at the int64 range).
    [[nodiscard]] std::int64_t token_time(std::int64_t real_time) const;
    // The same, or nullopt when it falls outside the int64 range (checked, never saturated).
    [[nodiscard]] std::optional<std::int64_t> exact_token_time(std::int64_t real_time) const;

    // The offsets_seconds values for which the token's clock stays within [t0, INT64_MAX] at
    // every real time from `first` to `last` (first <= last), the other fields as they are:
    // what a token with this crystal can be set to. nullopt when no offset does.
    struct OffsetRange {
        std::int64_t min = 0;
        std::int64_t max = 0;
    };
    [[nodiscard]] std::optional<OffsetRange> valid_offsets(std::int64_t first, std::int64_t last,
                                                           std::int64_t t0) const;
};

// Real time seen through a DriftModel. Holds a reference: `real` must outlive this clock.
class DriftingClock final : public Clock {
  public:
    DriftingClock(const Clock& real, DriftModel model) : real_(real), model_(model) {}
    [[nodiscard]] std::int64_t now() const override { return model_.token_time(real_.now()); }
    [[nodiscard]] std::int64_t at(std::int64_t real_time) const {
        return model_.token_time(real_time);
    }
    [[nodiscard]] const DriftModel& model() const { return model_; }

  private:
    const Clock& real_;
    DriftModel model_;
};

}  // namespace hwtotp::device
