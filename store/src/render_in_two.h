#pragma once
// Writing many items in order on two threads, with memory bounded by a chunk or two: this
// thread renders and writes chunks 0, 2, 4, ... of the items; a helper renders chunks 1, 3, 5,
// ... into text that this thread writes in its turn. The helper runs at most one chunk ahead of
// what was written. An export uses it for the PSKC values read while the key was being derived,
// which otherwise one core seals and writes while the other waits (export_pskc.cpp).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "hwtotp/totp/error.h"

namespace hwtotp::store {

struct RenderInTwo {
    std::size_t count = 0;  // items 0 .. count - 1
    std::size_t chunk = 1;  // items per chunk
    // On this thread: renders item `index` and writes it.
    std::function<Result<void>(std::size_t index)> write_here;
    // On the helper thread: renders item `index`, appended to `into`.
    std::function<Result<void>(std::size_t index, std::string& into)> render_there;
    // On this thread: writes a chunk the helper rendered.
    std::function<Result<void>(std::string_view rendered)> write_rendered;
};

// The first error of either thread; the helper has ended when this returns. Without a thread
// to be had, this thread does all of it, in the same order.
[[nodiscard]] Result<void> render_in_two(const RenderInTwo& job);

}  // namespace hwtotp::store
