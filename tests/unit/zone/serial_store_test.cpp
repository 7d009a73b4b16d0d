// SPDX-License-Identifier: MIT
#include "support/unprivileged.h"
#include "zone/serial_store.h"

#include <doctest/doctest.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace spfd;

namespace {

struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        path = std::filesystem::temp_directory_path() /
               ("spfd-serial-test-" + std::to_string(::getpid()));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

} // namespace

TEST_CASE("serials follow the content, never go down, and survive a restart") {
    temp_dir dir;
    std::string error;
    {
        serial_store store(dir.path);
        REQUIRE(store.load(error));
        CHECK(store.serial_for("z", "aaa", 20261127) == 2026112700);
        REQUIRE(store.commit({{"z", {2026112700, "aaa"}}}, error));
        CHECK(store.serial_for("z", "aaa", 20261127) == 2026112700); // unchanged content
        CHECK(store.serial_for("z", "bbb", 20261127) == 2026112701); // same day, changed
        CHECK(store.serial_for("z", "bbb", 20261128) == 2026112800); // next day
        CHECK(store.serial_for("z", "bbb", 20200101) == 2026112701); // clock went back
    }
    serial_store again(dir.path); // a restart
    REQUIRE(again.load(error));
    CHECK(again.serial_for("z", "aaa", 20261127) == 2026112700);
    CHECK(again.serial_for("z", "ccc", 20261127) == 2026112701);
}

TEST_CASE("a damaged state file is an error, never a silent reset") {
    temp_dir dir;
    std::ofstream(dir.path / "serials") << "z not-a-number fp\n";
    serial_store store(dir.path);
    std::string error;
    CHECK_FALSE(store.load(error));
    CHECK(error.find("serials:1: unreadable line") != std::string::npos);
}

TEST_CASE("a state folder this user may not enter is an error that says who may, never a throw") {
    temp_dir dir;
    std::ofstream(dir.path / "serials") << "z 2026112700 aaa\n";
    REQUIRE(::chmod(dir.path.c_str(), 0070) == 0);
    std::string error;
    bool loaded = true;
    {
        test::unprivileged as_nobody;
        serial_store store(dir.path);
        loaded = store.load(error);
    }
    ::chmod(dir.path.c_str(), 0700);
    CHECK_FALSE(loaded);
    CHECK(error.starts_with((dir.path / "serials").string() +
                            ": cannot read: permission denied for user "));
    CHECK(error.find("the folder " + dir.path.string() + " is ") != std::string::npos);
    CHECK(error.find("(run as root or as a member of group ") != std::string::npos);
}

TEST_CASE("something else in place of the state file is an error, not an empty store") {
    temp_dir dir;
    std::filesystem::create_directory(dir.path / "serials");
    serial_store store(dir.path);
    std::string error;
    CHECK_FALSE(store.load(error));
    CHECK(error == (dir.path / "serials").string() + ": is not a regular file: it is a folder");
}

TEST_CASE("a state folder that cannot be written fails the commit and keeps the old state") {
    serial_store store("/nonexistent/state");
    std::string error;
    REQUIRE(store.load(error));
    CHECK_FALSE(store.commit({{"z", {1, "a"}}}, error));
    CHECK(error.find("cannot write the serial state") != std::string::npos);
    CHECK(store.entries().empty());
}

TEST_CASE("today's date is a plausible YYYYMMDD") {
    const auto today = today_yyyymmdd_utc();
    CHECK(today > 20250101);
    CHECK(today < 21000101);
}
