// SPDX-License-Identifier: MIT
#include "util/toml_reader.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace spfd;

namespace {

struct scratch {
    std::filesystem::path root =
        std::filesystem::temp_directory_path() / ("spfd-toml-reader-" + std::to_string(::getpid()));
    scratch() {
        std::filesystem::remove_all(root);
        std::filesystem::create_directories(root);
    }
    ~scratch() { std::filesystem::remove_all(root); }
};

std::string only_message(const diagnostics& d) {
    REQUIRE(d.items().size() == 1);
    return to_string(d.items()[0]);
}

} // namespace

TEST_CASE("read_bounded_file reads a file up to the limit and refuses a larger one by size") {
    scratch s;
    const auto path = s.root / "zone.toml";
    std::ofstream(path) << std::string(1024, 'x');
    diagnostics ok;
    const auto text = read_bounded_file(path, 1024, ok);
    REQUIRE(text);
    CHECK(text->size() == 1024);
    CHECK(ok.items().empty());

    // A sparse file of 1 TiB: refused from its size, without reading it.
    std::filesystem::resize_file(path, std::uintmax_t{1} << 40);
    diagnostics big;
    CHECK_FALSE(read_bounded_file(path, 1024, big));
    CHECK(only_message(big) == path.string() +
                                   ": error: is 1099511627776 bytes, over the limit of 1024 "
                                   "bytes; refusing to load it");
}

TEST_CASE("read_bounded_file names what is wrong with a path that is not a readable file") {
    scratch s;
    diagnostics missing;
    CHECK_FALSE(read_bounded_file(s.root / "gone.toml", 1024, missing));
    CHECK(only_message(missing).find("gone.toml: error: cannot read") != std::string::npos);
    diagnostics folder;
    CHECK_FALSE(read_bounded_file(s.root, 1024, folder));
    CHECK(only_message(folder) ==
          s.root.string() + ": error: is not a regular file: it is a folder");
}
