// SPDX-License-Identifier: MIT
#include "zone/snapshot_holder.h"

#include <atomic>
#include <doctest/doctest.h>
#include <thread>
#include <vector>

using namespace spfd;

namespace {

std::shared_ptr<const snapshot> generation(std::uint32_t serial) {
    compiled_zone zone;
    zone.summary.apex = "spf.connectoor.com";
    zone.summary.id = 1;
    zone.summary.serial = serial;
    zone.records = {{"spf.connectoor.com.", "SOA", "a. b. " + std::to_string(serial), 60}};
    std::vector<compiled_zone> zones;
    zones.push_back(std::move(zone));
    return std::make_shared<const snapshot>(std::move(zones));
}

} // namespace

TEST_CASE("a holder serves what was published last; a reader keeps its generation") {
    snapshot_holder holder(nullptr);
    CHECK(holder.get() == nullptr);
    holder.publish(generation(1));
    const auto held = holder.get();
    REQUIRE(held != nullptr);
    CHECK(held->zones()[0].summary.serial == 1);

    holder.publish(generation(2));
    CHECK(holder.get()->zones()[0].summary.serial == 2);
    CHECK(held->zones()[0].summary.serial == 1); // still whole, freed with its last reader
    CHECK(held.use_count() == 1);
}

TEST_CASE("readers on other threads see one whole generation or the next, never a mix") {
    snapshot_holder holder(generation(1));
    std::atomic<bool> stop{false};
    std::atomic<int> mismatches{0};
    std::vector<std::thread> readers;
    for (int i = 0; i < 3; ++i)
        readers.emplace_back([&] {
            while (!stop) {
                const auto snap = holder.get();
                const auto& zone = snap->zones()[0];
                if (zone.records[0].content != "a. b. " + std::to_string(zone.summary.serial))
                    ++mismatches;
            }
        });
    for (std::uint32_t serial = 2; serial < 500; ++serial)
        holder.publish(generation(serial));
    stop = true;
    for (auto& r : readers)
        r.join();
    CHECK(mismatches == 0);
    CHECK(holder.get()->zones()[0].summary.serial == 499);
}
