#include "simulate_socket.h"

#include <atomic>
#include <csignal>
#include <ostream>
#include <thread>

#include <pthread.h>

#include "hwtotp/device/hid/sim_yubikey.h"
#include "hwtotp/device/hid/socket_server.h"
#include "hwtotp/device/hid/ticker.h"

namespace hwtotp::cli {
namespace {

namespace hid = device::hid;

// SIGTERM/SIGINT are blocked in this thread (and so in threads it starts) and collected by a
// watcher thread with sigwait: no signal handler, no global flag, and the server's own loop
// notices the stop request within 100 ms and returns, so the socket file is removed.
class StopOnSignal {
  public:
    StopOnSignal() {
        sigemptyset(&set_);
        sigaddset(&set_, SIGTERM);
        sigaddset(&set_, SIGINT);
        pthread_sigmask(SIG_BLOCK, &set_, &previous_);
        watcher_ = std::thread([this] {
            int signal_number = 0;
            sigwait(&set_, &signal_number);
            stop_ = true;
        });
    }
    ~StopOnSignal() {
        if (!stop_) {
            pthread_kill(watcher_.native_handle(), SIGTERM);  // wake the watcher to end it
        }
        watcher_.join();
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    }
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;

    [[nodiscard]] const std::atomic<bool>& flag() const { return stop_; }

  private:
    sigset_t set_{};
    sigset_t previous_{};
    std::atomic<bool> stop_{false};
    std::thread watcher_;
};

}  // namespace

Result<int> serve_simulated_key(const SocketServeRequest& request, Secret seed, Context& ctx) {
    hid::SteadyTicker ticker;
    hid::SimConfig config;
    config.serial = request.serial;
    config.touch_after_ms = request.touch_after_ms;
    hid::SimulatedYubiKey key(config, ticker);
    key.set_slot(2, hid::SimSlot{std::move(seed), request.touch});

    StopOnSignal stop;  // before listening: a signal that arrives early still stops cleanly
    auto server = hid::SocketServer::listen(request.path);
    if (!server) {
        return tl::unexpected(with_context("--hid-socket: ", server.error()));
    }
    ctx.out << "serving a simulated YubiKey (serial " << request.serial << ", slot 2 HMAC-SHA1"
            << (request.touch ? ", touch required" : "") << ") on unix:" << request.path
            << "; stop with SIGTERM or Ctrl-C" << std::endl;
    HWTOTP_TRY(server->serve(key, stop.flag()));
    return exit_ok;
}

}  // namespace hwtotp::cli
