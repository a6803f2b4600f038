// The PSKC values read while the key was derived are sealed on two threads (write_all with
// render_in_two): the file must be what writing them one by one gives, in order, every value
// opening under the key with a good ValueMAC. And render_in_two on its own: order at chunk
// boundaries, either side's failure stopping both.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "export_writer.h"
#include "hwtotp/store/import.h"
#include "render_in_two.h"
#include "store_test_util.h"

namespace hwtotp::store {
namespace export_parallel_test {

using test::secret_from_hex;
using test::TempDir;

constexpr const char* psk_hex = "000102030405060708090a0b0c0d0e0f";

// Token i: serial "P000i", a 20-byte seed of its own, HOTP for odd i (a Counter of i).
Token numbered(std::size_t i) {
    Token token;
    char serial[16];
    std::snprintf(serial, sizeof serial, "P%06zu", i);
    token.info.description.serial = serial;
    if (i % 2 == 1) {
        token.info.description.type = OtpType::hotp;
        token.info.description.counter = i;
    }
    std::vector<std::uint8_t> seed(20);
    for (std::size_t b = 0; b < seed.size(); ++b)
        seed[b] = static_cast<std::uint8_t>(i * 31 + b * 7);
    token.seed = Secret(seed);
    return token;
}

// Writes `count` tokens with write_all under the pre-shared key and reads them back.
std::vector<NewToken> written_and_read(const TempDir& dir, std::size_t count) {
    PskcProtection protection;
    protection.key = secret_from_hex(psk_hex);
    auto writer = make_pskc_writer(protection);
    EXPECT_TRUE(writer) << writer.error().message;
    EXPECT_TRUE((*writer)->prepare());
    auto out = ExportFile::create(dir.file("out.pskcxml"), true);
    EXPECT_TRUE(out) << out.error().message;
    std::vector<Token> tokens;
    for (std::size_t i = 0; i < count; ++i)
        tokens.push_back(numbered(i));
    EXPECT_TRUE((*writer)->begin({}, *out));
    const auto all = (*writer)->write_all(tokens, *out);
    EXPECT_TRUE(all) << all.error().message;
    EXPECT_TRUE((*writer)->end(*out));
    EXPECT_TRUE(out->commit());
    auto read = test::read_pskc_tokens(dir.file("out.pskcxml"), psk_hex);
    EXPECT_TRUE(read) << read.error().message;
    return read ? std::move(*read) : std::vector<NewToken>{};
}

void expect_numbered(const std::vector<NewToken>& read, std::size_t count) {
    ASSERT_EQ(read.size(), count);
    for (std::size_t i = 0; i < count; ++i) {
        const Token expected = numbered(i);
        ASSERT_EQ(read[i].description.serial, expected.info.description.serial) << i;
        EXPECT_EQ(read[i].description.counter, expected.info.description.counter) << i;
        EXPECT_TRUE(read[i].seed.equals(expected.seed)) << i;
    }
}

TEST(PskcWriteAll, ManyValuesSealedOnTwoThreadsReadBackInOrderUnderTheKey) {
    TempDir dir;
    // 1,300: five chunks of 256 and a part, so both threads seal several and the last is short.
    expect_numbered(written_and_read(dir, 1300), 1300);
}

TEST(PskcWriteAll, AFewValuesWrittenOnOneThreadReadBackTheSame) {
    TempDir dir;
    expect_numbered(written_and_read(dir, 3), 3);
}

// render_in_two: items are their index as text; "|" marks what the helper rendered.
struct Job {
    std::string file;
    RenderInTwo job;
    std::size_t fail_here_at = SIZE_MAX;
    std::size_t fail_there_at = SIZE_MAX;

    Job(std::size_t count, std::size_t chunk) {
        job.count = count;
        job.chunk = chunk;
        job.write_here = [this](std::size_t i) -> Result<void> {
            if (i == fail_here_at)
                return fail(ErrorCode::io, "disk full");
            file += std::to_string(i) + " ";
            return {};
        };
        job.render_there = [this](std::size_t i, std::string& into) -> Result<void> {
            if (i == fail_there_at)
                return fail(ErrorCode::crypto, "no randomness");
            into += std::to_string(i) + " ";
            return {};
        };
        job.write_rendered = [this](std::string_view rendered) -> Result<void> {
            file += "|" + std::string(rendered);
            return {};
        };
    }
};

TEST(RenderInTwo, ChunksComeOutInOrderWithTheHelpersInTheirTurn) {
    Job j(10, 3);  // chunks 0-2, 3-5 (helper), 6-8, 9 (helper)
    ASSERT_TRUE(render_in_two(j.job));
    EXPECT_EQ(j.file, "0 1 2 |3 4 5 6 7 8 |9 ");
}

TEST(RenderInTwo, FewerThanTwoChunksAreAllWrittenHere) {
    Job j(3, 3);
    ASSERT_TRUE(render_in_two(j.job));
    EXPECT_EQ(j.file, "0 1 2 ");
}

TEST(RenderInTwo, TheHelpersFailureIsTheErrorAndNothingAfterItIsWritten) {
    Job j(12, 2);
    j.fail_there_at = 7;  // chunk 3 (items 6-7)
    const auto done = render_in_two(j.job);
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().message, "no randomness");
    EXPECT_EQ(j.file, "0 1 |2 3 4 5 ");
}

TEST(RenderInTwo, AFailureHereStopsTheHelperAndIsTheError) {
    Job j(4000, 10);
    j.fail_here_at = 20;                     // chunk 2
    const auto done = render_in_two(j.job);  // returns only once the helper has ended
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().message, "disk full");
    EXPECT_EQ(j.file.find("20 "), std::string::npos);
}

}  // namespace export_parallel_test
}  // namespace hwtotp::store
