// PSKC key policy: KeyUsage, validity dates, PIN use, transaction limits, unknown elements.

#include "pskc_policy.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

#include "hwtotp/totp/time_text.h"
#include "text_util.h"
#include "xml_names.h"

namespace hwtotp::store {
namespace {

using xml::local_name;

bool is_true(std::string_view value) {
    value = text::trim(value);
    return text::iequals(value, "true") || value == "1";
}

// "the key's Policy ExpiryDate 2009-12-31T23:59:59Z has passed" and the like, or "".
std::string date_warning(const pugi::xml_node& date, bool is_end, std::int64_t now) {
    if (!date || now == 0)
        return {};
    const std::string_view text_value = text::trim(date.child_value());
    const std::string shown(text_value.substr(0, 40));
    auto when = parse_time(text_value);
    if (!when)
        return std::string(local_name(date)) + " '" + shown + "' is not a date hwtotp can read";
    if (is_end && *when < now)
        return "the key's ExpiryDate " + shown + " has passed; imported anyway";
    if (!is_end && *when > now)
        return "the key's StartDate " + shown + " is in the future; imported anyway";
    return {};
}

void pin_policy_warnings(const pugi::xml_node& pin, std::vector<std::string>& out) {
    static constexpr std::array<std::string_view, 6> known{
        "PINKeyId", "PINUsageMode", "MaxFailedAttempts", "MinLength", "MaxLength", "PINEncoding"};
    for (pugi::xml_attribute a = pin.first_attribute(); a; a = a.next_attribute()) {
        if (std::find(known.begin(), known.end(), std::string_view(a.name())) == known.end()) {
            out.push_back("PINPolicy attribute '" +
                          std::string(std::string_view(a.name()).substr(0, 32)) +
                          "' is not known to hwtotp (RFC 6030: then the key must not be used); "
                          "imported anyway");
        }
    }
    bool has_elements = false;
    for (pugi::xml_node c = pin.first_child(); c; c = c.next_sibling())
        has_elements = has_elements || c.type() == pugi::node_element;
    if (has_elements) {
        out.push_back(
            "PINPolicy has child elements, which RFC 6030 does not define (then the key "
            "must not be used); imported anyway");
    }
    const std::string_view mode = text::trim(pin.attribute("PINUsageMode").value());
    if (!mode.empty() && mode != "Local") {
        out.push_back("the codes carry a PIN (PINUsageMode " + std::string(mode.substr(0, 16)) +
                      "), which hwtotp neither checks nor strips");
    }
}

}  // namespace

std::vector<std::string> key_usages(const KeyPolicyNodes& nodes) {
    std::vector<std::string> usages;
    for (pugi::xml_node c = nodes.policy.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element && local_name(c) == "KeyUsage")
            usages.emplace_back(text::trim(c.child_value()));
    }
    if (nodes.usage) {
        for (const char* name : {"OTP", "CR", "Integrity", "Encrypt", "Unlock"}) {
            if (is_true(nodes.usage.attribute(name).value()))
                usages.emplace_back(name);
        }
    }
    return usages;
}

std::vector<std::string> policy_warnings(const KeyPolicyNodes& nodes, std::int64_t now) {
    std::vector<std::string> out;
    pugi::xml_node start = nodes.start_date;
    pugi::xml_node expiry = nodes.expiry_date;
    static constexpr std::array<std::string_view, 3> known{"NumberOfTransactions", "KeyUsage",
                                                           "PINPolicy"};
    for (pugi::xml_node c = nodes.policy.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element)
            continue;
        const std::string_view name = local_name(c);
        if (name == "StartDate") {
            start = c;
        } else if (name == "ExpiryDate") {
            expiry = c;
        } else if (std::find(known.begin(), known.end(), name) == known.end()) {
            out.push_back("Policy element <" + std::string(name.substr(0, 32)) +
                          "> is not known to hwtotp (RFC 6030: then the key must not be used); "
                          "imported anyway");
        } else if (name == "NumberOfTransactions") {
            out.push_back("the Policy allows " +
                          std::string(text::trim(c.child_value()).substr(0, 20)) +
                          " uses (NumberOfTransactions), which hwtotp does not count");
        } else if (name == "PINPolicy") {
            pin_policy_warnings(c, out);
        }
    }
    if (auto w = date_warning(expiry, true, now); !w.empty())
        out.push_back(std::move(w));
    if (auto w = date_warning(start, false, now); !w.empty())
        out.push_back(std::move(w));
    return out;
}

}  // namespace hwtotp::store
