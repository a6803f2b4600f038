#pragma once
// Reads whitespace-separated vector files from vectors/ ('#' starts a comment line).

#include <string>
#include <vector>

namespace hwtotp::test {

using Row = std::vector<std::string>;

// Every non-comment, non-blank line of vectors/<name>, split on white space.
std::vector<Row> read_vector_file(const std::string& name);
std::string vectors_path(const std::string& name);

}  // namespace hwtotp::test
