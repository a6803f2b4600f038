// seed_leak_check: greps the stdout/stderr of every hwtotp run the end-to-end tests made (the
// leak log written by run_cli) for every test secret in raw ASCII, hex (both cases) and base32
// (both cases, unpadded), and names the test and command that leaked. Exit 1 on a leak.
//
// Usage: seed_leak_check LOG_DIR SEEDS_FILE
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Form {
    std::string label;
    std::string text;
};

std::vector<std::uint8_t> from_hex(const std::string& hex) {
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    return bytes;
}

std::string base32(const std::vector<std::uint8_t>& bytes) {
    constexpr const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const auto b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out += alphabet[(buffer >> (bits - 5)) & 31U];
            bits -= 5;
        }
    }
    if (bits > 0)
        out += alphabet[(buffer << (5 - bits)) & 31U];
    return out;
}

std::string transformed(std::string s, int (*f)(int)) {
    for (char& c : s)
        c = static_cast<char>(f(static_cast<unsigned char>(c)));
    return s;
}

std::vector<Form> forms_of(const std::string& hex) {
    const auto bytes = from_hex(hex);
    std::vector<Form> forms;
    bool printable = true;
    for (const auto b : bytes)
        printable = printable && std::isprint(b) != 0;
    if (printable)
        forms.push_back({"raw", std::string(bytes.begin(), bytes.end())});
    const std::string b32 = base32(bytes);
    for (Form form :
         {Form{"hex", transformed(hex, ::tolower)}, Form{"HEX", transformed(hex, ::toupper)},
          Form{"base32", b32}, Form{"base32 lower case", transformed(b32, ::tolower)}}) {
        bool seen = false;  // all-digit hex is the same in both cases
        for (const auto& f : forms)
            seen = seen || f.text == form.text;
        if (!seen)
            forms.push_back(std::move(form));
    }
    return forms;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: seed_leak_check LOG_DIR SEEDS_FILE\n";
        return 2;
    }
    std::vector<std::pair<std::string, Form>> needles;
    std::ifstream seeds(argv[2]);
    for (std::string line; std::getline(seeds, line);) {
        if (line.empty() || line[0] == '#')
            continue;
        for (auto& form : forms_of(line))
            needles.emplace_back(line, std::move(form));
    }
    if (needles.empty()) {
        std::cerr << "no seeds read from " << argv[2] << '\n';
        return 2;
    }
    std::size_t runs = 0;
    int leaks = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(argv[1], ec)) {
        std::ifstream in(entry.path());
        std::stringstream all;
        all << in.rdbuf();
        const std::string log = all.str();
        // Records: "@@CMD <test>: hwtotp ...\n@@OUT\n...\n@@ERR\n...\n@@END\n".
        for (std::size_t at = log.find("@@CMD "); at != std::string::npos;
             at = log.find("@@CMD ", at + 1)) {
            ++runs;
            const auto cmd_end = log.find('\n', at);
            const auto end = log.find("\n@@END\n", at);
            if (cmd_end == std::string::npos || end == std::string::npos)
                break;
            const std::string command = log.substr(at + 6, cmd_end - at - 6);
            const std::string output = log.substr(cmd_end + 1, end - cmd_end - 1);
            // --help is static text; its examples show the public RFC 6238 seed on purpose.
            if (command.find(" --help") != std::string::npos)
                continue;
            for (const auto& [seed, form] : needles) {
                if (output.find(form.text) != std::string::npos) {
                    std::cout << "LEAK: seed " << seed << " (" << form.label
                              << " form) in the output of " << command << '\n';
                    ++leaks;
                }
            }
        }
    }
    if (ec) {
        std::cerr << "cannot read the leak log " << argv[1] << ": " << ec.message() << '\n';
        return 2;
    }
    std::cout << runs << " hwtotp runs checked for " << needles.size() << " seed forms, " << leaks
              << " leak(s)\n";
    return leaks == 0 ? 0 : 1;
}
