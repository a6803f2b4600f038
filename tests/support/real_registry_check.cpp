// real_registry_check: proves that a test run left the real user's registry alone. CTest runs
// `snapshot` before every suite (fixture setup) and `compare` after them all (fixture cleanup),
// in the environment the suite was started from, so HOME and friends are the developer's own.
//
// Looked at: $XDG_DATA_HOME/hwtotp and $HOME/.local/share/hwtotp (every file below them), and
// the files $HWTOTP_DB (with its -wal, -shm and -journal files) and $HWTOTP_KEY_FILE when set.
// Each entry is listed with its type, size, mode and modification time: a file created,
// removed, written or chmod-ed is a difference. Contents are not read (they hold seeds).
//
// Usage: real_registry_check snapshot|compare SNAPSHOT_FILE. Exit 1 on a difference.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string env(const char* name) {
    const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): single-threaded
    return value == nullptr ? std::string{} : std::string(value);
}

// "<type> <size> <mode> <mtime ns>" for an existing path; empty when it does not exist.
std::string describe(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return {};
    const char type = S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : 'f';
    std::ostringstream out;
    out << type << ' ' << (type == 'd' ? 0 : st.st_size) << ' ' << std::oct << (st.st_mode & 07777)
        << std::dec << ' '
        << static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    return out.str();
}

void add(std::map<std::string, std::string>& listing, const fs::path& path) {
    if (const auto d = describe(path); !d.empty())
        listing[path.string()] = d;
}

// Every path looked at, with its description.
std::map<std::string, std::string> listing() {
    std::map<std::string, std::string> result;
    std::vector<fs::path> trees;
    if (const auto xdg = env("XDG_DATA_HOME"); !xdg.empty())
        trees.emplace_back(fs::path(xdg) / "hwtotp");
    if (const auto home = env("HOME"); !home.empty())
        trees.emplace_back(fs::path(home) / ".local/share/hwtotp");
    for (const auto& tree : trees) {
        add(result, tree);
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(tree, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            add(result, it->path());
    }
    if (const auto db = env("HWTOTP_DB"); !db.empty()) {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            add(result, db + suffix);
    }
    if (const auto key = env("HWTOTP_KEY_FILE"); !key.empty())
        add(result, key);
    return result;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc == 3 ? argv[1] : "";
    if (mode != "snapshot" && mode != "compare") {
        std::cerr << "usage: real_registry_check snapshot|compare SNAPSHOT_FILE\n";
        return 2;
    }
    const auto now = listing();
    if (mode == "snapshot") {
        std::ofstream out(argv[2], std::ios::trunc);
        for (const auto& [path, d] : now)
            out << d << '\t' << path << '\n';
        if (!out) {
            std::cerr << "cannot write " << argv[2] << '\n';
            return 2;
        }
        std::cout << now.size() << " real registry path(s) recorded\n";
        return 0;
    }
    std::ifstream in(argv[2]);
    if (!in) {
        std::cerr << "no snapshot at " << argv[2] << " (the fixture setup did not run)\n";
        return 2;
    }
    std::map<std::string, std::string> before;
    for (std::string line; std::getline(in, line);) {
        const auto tab = line.find('\t');
        if (tab != std::string::npos)
            before[line.substr(tab + 1)] = line.substr(0, tab);
    }
    int differences = 0;
    for (const auto& [path, d] : before) {
        const auto it = now.find(path);
        if (it == now.end()) {
            std::cout << "REMOVED by the tests: " << path << '\n';
            ++differences;
        } else if (it->second != d) {
            std::cout << "CHANGED by the tests: " << path << " (" << d << " -> " << it->second
                      << ")\n";
            ++differences;
        }
    }
    for (const auto& [path, d] : now) {
        if (!before.contains(path)) {
            std::cout << "CREATED by the tests: " << path << '\n';
            ++differences;
        }
    }
    std::cout << now.size() << " real registry path(s) checked, " << differences
              << " difference(s)\n";
    return differences == 0 ? 0 : 1;
}
