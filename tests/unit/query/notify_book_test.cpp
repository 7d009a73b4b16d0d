// SPDX-License-Identifier: MIT
#include "query/notify_book.h"

#include <doctest/doctest.h>
#include <thread>
#include <vector>

using namespace spfd;

TEST_CASE("a zone has no notified serial until one is recorded, then the last one") {
    notify_book book;
    CHECK(book.notified("spf.connectoor.com") == std::nullopt);
    book.record("spf.connectoor.com", 2026120101);
    CHECK(book.notified("spf.connectoor.com") == 2026120101u);
    book.record("spf.connectoor.com", 2026120102);
    CHECK(book.notified("spf.connectoor.com") == 2026120102u);
    CHECK(book.notified("other.example") == std::nullopt);
}

TEST_CASE("zones are kept apart, by their exact name, and clear() forgets them all") {
    notify_book book;
    book.record("a.example", 1);
    book.record("b.example", 2);
    CHECK(book.notified("a.example") == 1u);
    CHECK(book.notified("b.example") == 2u);
    CHECK(book.notified("a.example.") == std::nullopt);
    book.clear();
    CHECK(book.notified("a.example") == std::nullopt);
    CHECK(book.notified("b.example") == std::nullopt);
}

TEST_CASE("the process's book is one object, and several threads may write it") {
    CHECK(&notify_book::global() == &notify_book::global());
    notify_book book;
    std::vector<std::thread> writers;
    for (std::uint32_t t = 0; t < 4; ++t)
        writers.emplace_back([&book, t] {
            for (std::uint32_t i = 0; i < 1000; ++i)
                book.record("zone" + std::to_string(t), i);
        });
    for (auto& w : writers)
        w.join();
    for (int t = 0; t < 4; ++t)
        CHECK(book.notified("zone" + std::to_string(t)) == 999u);
}
