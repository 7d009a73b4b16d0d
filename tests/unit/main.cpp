// SPDX-License-Identifier: MIT
#define DOCTEST_CONFIG_IMPLEMENT
#include "util/log.h"

#include <doctest/doctest.h>

int main(int argc, char** argv) {
    // The code under test logs every event; keep the test output to what failed.
    spfd::set_log_level(spfd::log_level::error);
    return doctest::Context(argc, argv).run();
}
