#include "hwtotp/device/hid/ticker.h"

#include <chrono>
#include <thread>

namespace hwtotp::device::hid {

std::int64_t SteadyTicker::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void SteadyTicker::sleep_ms(std::int64_t ms) {
    if (ms > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
}

}  // namespace hwtotp::device::hid
