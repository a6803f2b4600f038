// Bad input: the documented exit code and exactly one line "hwtotp: error: ..." naming the
// input and what is accepted. Never a crash, an abort or a stack trace.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "run_cli.h"

namespace hwtotp::test {
namespace {

// The catalogue is tests/cli/bad_input.tsv, one row per bad input: exit code, the exact error
// line, then the arguments. docs/bad-input.md shows the same rows (scripts/bad-input-table.sh
// renders them); DocumentListsExactlyTheseRows keeps the two equal. Placeholders: @DIR@ is the
// row's scratch directory (a registry holding vectors/pskc/pp-plain.pskcxml and the files
// written below), @VEC@ the vectors directory. A last argument <<<TEXT is stdin, as in bash:
// TEXT and a newline; <<<$'A\nB' gives two lines. Without it stdin is empty (closed).
struct BadInput {
    int line = 0;  // in the TSV
    int exit_code = 2;
    std::string error;
    std::vector<std::string> args;
};

void PrintTo(const BadInput& c, std::ostream* os) {
    *os << "bad_input.tsv:" << c.line << ": hwtotp";
    for (const auto& a : c.args)
        *os << ' ' << a;
}

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
        const auto tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab - start));
        if (tab == std::string::npos)
            return fields;
        start = tab + 1;
    }
}

std::vector<BadInput> catalogue() {
    std::vector<BadInput> rows;
    std::ifstream in(HWTOTP_BAD_INPUT_TSV);
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (line.empty() || line[0] == '#')
            continue;
        auto fields = split_tabs(line);
        BadInput row{number, std::stoi(fields.at(0)), fields.at(1), {}};
        row.args.assign(fields.begin() + 2, fields.end());
        rows.push_back(std::move(row));
    }
    return rows;
}

// The stdin of a "<<<TEXT" argument (bash here-string): TEXT plus a newline, with \n inside
// $'...' read as a newline.
std::string here_string(const std::string& arg) {
    std::string text = arg.substr(3);
    if (text.size() >= 3 && text.starts_with("$'") && text.ends_with("'")) {
        text = text.substr(2, text.size() - 3);
        for (auto at = text.find("\\n"); at != std::string::npos; at = text.find("\\n", at))
            text.replace(at, 2, "\n");
    }
    return text + "\n";
}

std::string substituted(std::string text, const std::string& dir) {
    for (const auto& [from, to] : {std::pair<std::string, std::string>{"@DIR@", dir},
                                   {"@VEC@", std::string(HWTOTP_VECTORS_DIR)}}) {
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at))
            text.replace(at, from.size(), to);
    }
    return text;
}

// The markdown row of the table in docs/bad-input.md (same as scripts/bad-input-table.sh).
std::string markdown_row(const BadInput& c) {
    const auto cell = [](std::string text) {
        for (auto at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2))
            text.replace(at, 1, "\\|");
        return text;
    };
    std::string args = "hwtotp";
    for (const auto& a : c.args)
        args += " " + a;
    return "| `" + cell(args) + "` | " + std::to_string(c.exit_code) + " | `" + cell(c.error) +
           "` |";
}

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, ExitCodeAndExactlyTheCataloguedErrorLine) {
    const auto& c = GetParam();
    TempDir dir;
    CliOptions options;
    options.env = {{"HWTOTP_DB", dir.file("reg/tokens.db")}, {"HWTOTP_KEY_FILE", ""}};
    const std::string vectors = HWTOTP_VECTORS_DIR;
    ASSERT_EQ(run_cli({"import", vectors + "/pskc/pp-plain.pskcxml"}, options).exit_code, 0);
    std::ofstream(dir.file("bad.csv"))
        << "GOOD0001,3132333435363738393031323334353637383930\nBAD0002,@@@@\n";
    std::ofstream(dir.file("bad.xml")) << "<KeyContainer><unclosed>";
    std::ofstream(dir.file("wrong.pw")) << "not-the-password\n";
    std::ofstream(dir.file("notadb")) << "this is not an SQLite database, just text\n";

    std::vector<std::string> args;
    for (const auto& a : c.args) {
        if (a.starts_with("<<<"))
            options.stdin_text = here_string(a);
        else
            args.push_back(substituted(a, dir.path()));
    }
    const auto r = run_cli(args, options);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_EQ(r.out, "");
    std::vector<std::string> errors;
    for (const auto& line : lines(r.err)) {
        if (line.rfind("hwtotp: warning:", 0) != 0)
            errors.push_back(line);
    }
    // One line, never a crash, an abort or a stack trace.
    ASSERT_EQ(errors.size(), 1U) << r.err;
    EXPECT_EQ(errors[0], substituted(c.error, dir.path()));
}

INSTANTIATE_TEST_SUITE_P(Catalogue, CliBadInput, ::testing::ValuesIn(catalogue()),
                         [](const ::testing::TestParamInfo<BadInput>& param_info) {
                             return "tsv_line" + std::to_string(param_info.param.line);
                         });

TEST(CliBadInputDoc, DocumentListsExactlyTheseRows) {
    std::ifstream in(HWTOTP_BAD_INPUT_DOC);
    std::stringstream all;
    all << in.rdbuf();
    const std::string doc = all.str();
    const auto rows = catalogue();
    ASSERT_GT(rows.size(), 40U);
    for (const auto& row : rows) {
        EXPECT_NE(doc.find(markdown_row(row) + "\n"), std::string::npos)
            << "docs/bad-input.md lacks (regenerate with scripts/bad-input-table.sh):\n"
            << markdown_row(row);
    }
    std::size_t doc_rows = 0;
    for (const auto& line : lines(doc))
        doc_rows += line.rfind("| `hwtotp", 0) == 0 ? 1U : 0U;
    EXPECT_EQ(doc_rows, rows.size()) << "docs/bad-input.md has rows that the tests do not check";
}

TEST(CliBadInputSecrets, ErrorsNeverEchoTheSeed) {
    const auto r = run_cli({"code", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err.find("GEZDGNBV"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace hwtotp::test
