// SPDX-License-Identifier: MIT
#include "util/log.h"

#include <cstdio>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <string>
#include <unistd.h>

using namespace spfd;

namespace {

/// Sends stderr to a temporary file while it lives; `text()` reads what was written.
class captured_stderr {
  public:
    captured_stderr() {
        std::fflush(stderr);
        saved_ = ::dup(STDERR_FILENO);
        file_ = std::tmpfile();
        REQUIRE(saved_ >= 0);
        REQUIRE(file_ != nullptr);
        ::dup2(::fileno(file_), STDERR_FILENO);
    }
    ~captured_stderr() {
        restore();
        std::fclose(file_);
    }
    std::string text() {
        restore();
        std::string out;
        std::rewind(file_);
        for (int c; (c = std::fgetc(file_)) != EOF;)
            out += static_cast<char>(c);
        return out;
    }

  private:
    void restore() {
        if (saved_ < 0)
            return;
        std::fflush(stderr);
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
        saved_ = -1;
    }
    int saved_ = -1;
    std::FILE* file_ = nullptr;
};

/// Sets the level for one test and puts back the one the test binary runs with.
struct level_for_test {
    explicit level_for_test(log_level level) { set_log_level(level); }
    ~level_for_test() { set_log_level(log_level::error); }
};

} // namespace

TEST_CASE("the level is a threshold: each level lets through the ones above it") {
    level_for_test at(log_level::warning);
    CHECK(log_enabled(log_level::error));
    CHECK(log_enabled(log_level::warning));
    CHECK_FALSE(log_enabled(log_level::info));
    CHECK_FALSE(log_enabled(log_level::debug));
    set_log_level(log_level::debug);
    CHECK(log_enabled(log_level::debug));
    set_log_level(log_level::error);
    CHECK_FALSE(log_enabled(log_level::warning));
}

TEST_CASE("one line per event: level, event, then the caller's fields") {
    level_for_test at(log_level::info);
    captured_stderr err;
    log_event(log_level::info, "reload_ok", "zones=1 serial=2026120101");
    log_event(log_level::warning, "accept_failed");
    log_event(log_level::debug, "not_shown", "x=1");
    CHECK(err.text() == "level=info event=reload_ok zones=1 serial=2026120101\n"
                        "level=warning event=accept_failed\n");
}

TEST_CASE("values are quoted only when they need it") {
    CHECK(log_quoted("spf.connectoor.com") == "spf.connectoor.com");
    CHECK(log_quoted("") == "\"\"");
    CHECK(log_quoted("two words") == "\"two words\"");
    CHECK(log_quoted("a=b") == "\"a=b\"");
    CHECK(log_quoted("say \"hi\"") == "\"say \\\"hi\\\"\"");
    CHECK(log_quoted("back\\slash") == "\"back\\\\slash\"");
    CHECK(log_quoted("line\nbreak") == "\"line break\"");
    CHECK(log_quoted("tab\there") == "\"tab\there\"");
}
