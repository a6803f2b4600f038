#include "json_output.h"

#include <ostream>

namespace hwtotp::cli {

void print_json(Context& ctx, const nlohmann::json& object) {
    // Replace invalid UTF-8 (from file names or labels) instead of throwing mid-output.
    ctx.out << object.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

nlohmann::json params_json(const Params& params) {
    return {{"algorithm", std::string(hash_name(params.hash()))},
            {"digits", params.digits()},
            {"period", params.period()},
            {"t0", params.t0()}};
}

}  // namespace hwtotp::cli
