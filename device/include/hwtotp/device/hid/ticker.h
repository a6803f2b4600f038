#pragma once
// Ticker: the monotonic milliseconds and the sleep that every protocol wait is built on.
//
// The host driver and the simulated device take a Ticker instead of calling the system clock,
// so tests run touch countdowns and timeouts on a FakeTicker in microseconds of real time.

#include <cstdint>

namespace hwtotp::device::hid {

class Ticker {
  public:
    virtual ~Ticker() = default;
    // Monotonic milliseconds from an arbitrary origin.
    [[nodiscard]] virtual std::int64_t now_ms() const = 0;
    virtual void sleep_ms(std::int64_t ms) = 0;
};

// std::chrono::steady_clock and std::this_thread::sleep_for.
class SteadyTicker final : public Ticker {
  public:
    [[nodiscard]] std::int64_t now_ms() const override;
    void sleep_ms(std::int64_t ms) override;
};

// Time that only moves when someone sleeps (or advance() is called). Not thread-safe: share one
// between a host and an in-process simulated device on the same thread.
class FakeTicker final : public Ticker {
  public:
    [[nodiscard]] std::int64_t now_ms() const override { return now_; }
    void sleep_ms(std::int64_t ms) override {
        now_ += ms;
        slept_ += ms;
    }
    void advance(std::int64_t ms) { now_ += ms; }
    [[nodiscard]] std::int64_t total_slept_ms() const { return slept_; }

  private:
    std::int64_t now_ = 0;
    std::int64_t slept_ = 0;
};

}  // namespace hwtotp::device::hid
