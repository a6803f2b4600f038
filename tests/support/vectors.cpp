#include "vectors.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hwtotp::test {

std::string vectors_path(const std::string& name) {
    return std::string(HWTOTP_VECTORS_DIR) + "/" + name;
}

std::vector<Row> read_vector_file(const std::string& name) {
    std::ifstream file(vectors_path(name));
    if (!file) {
        throw std::runtime_error("cannot open vector file " + vectors_path(name));
    }
    std::vector<Row> rows;
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream fields(line);
        Row row;
        for (std::string f; fields >> f;)
            row.push_back(f);
        if (!row.empty())
            rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace hwtotp::test
