#pragma once
// A PSKC key's <Policy> (RFC 6030 section 5): the parts hwtotp checks before it imports a key.

#include <cstdint>
#include <string>
#include <vector>

#include <pugixml.hpp>

namespace hwtotp::store {

// The elements of a Key that carry its policy (null nodes when absent).
struct KeyPolicyNodes {
    pugi::xml_node policy;  // <Policy>
    // The drafts': <Usage OTP="true" ...> flags, and validity dates on the Key itself.
    pugi::xml_node usage, start_date, expiry_date;
};

// The key's usages: Policy/KeyUsage values, or the drafts' Usage attributes that are true.
// Empty: no constraint.
[[nodiscard]] std::vector<std::string> key_usages(const KeyPolicyNodes& nodes);

// What hwtotp does not enforce and the user should know: a validity period that has ended or
// not yet begun at `now` (Unix seconds; 0: not checked), a PIN that the codes carry
// (PINUsageMode Prepend, Append, Algorithmic), a limit on the number of uses, and policy
// elements or attributes it does not know (RFC 6030: the key must then not be used).
[[nodiscard]] std::vector<std::string> policy_warnings(const KeyPolicyNodes& nodes,
                                                       std::int64_t now);

}  // namespace hwtotp::store
