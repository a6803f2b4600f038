#pragma once
// Element names in the XML seed files (PSKC and its drafts, SafeNet): vendors put the same
// elements under different namespace prefixes, so elements are matched by local name.

#include <cstring>
#include <string_view>

#include <pugixml.hpp>

namespace hwtotp::store::xml {

// The part of a qualified name after its prefix.
inline const char* local_part(const char* qname) {
    const char* colon = std::strchr(qname, ':');
    return colon == nullptr ? qname : colon + 1;
}

inline std::string_view local_name(const pugi::xml_node& node) {
    return local_part(node.name());
}

// The first child element with this local name. A PSKC package is looked up about twenty
// times: the names are compared in place, without measuring them first.
inline pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element)
            continue;
        const char* local = local_part(c.name());
        if (std::strncmp(local, name.data(), name.size()) == 0 && local[name.size()] == '\0')
            return c;
    }
    return {};
}

}  // namespace hwtotp::store::xml
