// SPDX-License-Identifier: MIT
#include "zone/snapshot_holder.h"

#include <doctest/doctest.h>

using namespace spfd;

TEST_CASE("publish swaps the snapshot whole; a reader keeps the one it took") {
    snapshot_holder holder(nullptr);
    CHECK(holder.get() == nullptr); // before the first load: nothing served yet

    const auto first = std::make_shared<const snapshot>(std::vector<compiled_zone>{});
    holder.publish(first);
    const std::shared_ptr<const snapshot> reader = holder.get();
    CHECK(reader == first);

    const auto second = std::make_shared<const snapshot>(std::vector<compiled_zone>{});
    holder.publish(second);
    CHECK(holder.get() == second);
    CHECK(reader == first);        // a request in flight answers from one generation
    CHECK(first.use_count() == 2); // freed when its last reader is done
}
