// SPDX-License-Identifier: MIT
#include "support/unprivileged.h"
#include "util/file_access.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>

using namespace spfd;

namespace {

struct scratch {
    std::filesystem::path root =
        std::filesystem::temp_directory_path() / ("spfd-file-access-" + std::to_string(::getpid()));
    scratch() {
        std::filesystem::remove_all(root);
        std::filesystem::create_directories(root);
        std::ofstream(root / "file") << "x";
    }
    ~scratch() {
        std::filesystem::permissions(root / "closed", std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ignored);
        std::filesystem::remove_all(root);
    }
    std::error_code ignored;
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("what is in the way of a path, said in one line") {
    scratch s;
    CHECK_FALSE(file_problem(s.root / "file"));
    CHECK_FALSE(folder_problem(s.root));

    const auto gone = file_problem(s.root / "gone");
    REQUIRE(gone);
    CHECK(gone->missing);
    CHECK(gone->line(s.root / "gone") ==
          (s.root / "gone").string() + ": cannot read: no such file or folder");
    CHECK(file_problem(s.root)->what == "is not a regular file: it is a folder");
    CHECK(folder_problem(s.root / "file")->what == "is not a folder: it is a regular file");
    CHECK(file_problem(s.root / "file" / "x")->what ==
          "cannot read: a part of the path is not a folder");
    REQUIRE(::mkfifo((s.root / "pipe").c_str(), 0600) == 0);
    CHECK(file_problem(s.root / "pipe")->what == "is not a regular file: it is a named pipe");
}

TEST_CASE("a permission problem names the user, the item that stops them and who may") {
    scratch s;
    // Group only: the owner class (this user, or root's nobody) gets nothing.
    std::filesystem::create_directories(s.root / "closed");
    std::ofstream(s.root / "closed" / "serials") << "x";
    REQUIRE(::chmod((s.root / "closed").c_str(), 0070) == 0);
    REQUIRE(::chmod((s.root / "file").c_str(), 0040) == 0);
    test::unprivileged as_nobody;

    const auto below = file_problem(s.root / "closed" / "serials");
    REQUIRE(below);
    CHECK(below->denied);
    CHECK(below->what.starts_with("cannot read: permission denied for user "));
    CHECK(contains(below->what, ": the folder " + (s.root / "closed").string() + " is "));
    CHECK(contains(below->what, ", mode 0070"));
    CHECK(below->todo.starts_with("run as root or as a member of group "));

    const auto file = file_problem(s.root / "file");
    REQUIRE(file);
    CHECK(file->denied);
    CHECK(file->what.starts_with("cannot open for reading: permission denied for user "));
    CHECK(contains(file->what, ": the file is "));
    CHECK(contains(file->what, ", mode 0040"));

    const auto folder = folder_problem(s.root / "closed");
    REQUIRE(folder);
    CHECK(folder->denied);
    CHECK(folder->what.starts_with("cannot be listed: permission denied for user "));
    CHECK(contains(folder->what, ": the folder is "));
    CHECK(contains(folder->line(s.root / "closed"), "(run as root or as a member of group "));
}

TEST_CASE("write_file_atomically replaces the whole file, or says why not") {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("spfd-atomic-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string error;
    CHECK(write_file_atomically(dir / "state", "one\n", error));
    CHECK(write_file_atomically(dir / "state", "two\n", error));
    std::ifstream in(dir / "state");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text == "two\n");
    CHECK_FALSE(std::filesystem::exists(dir / "state.tmp"));
    CHECK_FALSE(write_file_atomically(dir / "missing" / "state", "x", error));
    CHECK(error == "No such file or directory");
    std::filesystem::remove_all(dir);
}
