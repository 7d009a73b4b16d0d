// SPDX-License-Identifier: MIT
#include "io/connections.h"

namespace spfd {

bool connection_set::admits() const {
    std::lock_guard lock(mutex_);
    return !stopped_ && members_.size() < limit_;
}

std::uint64_t connection_set::add(std::weak_ptr<closable> member) {
    std::lock_guard lock(mutex_);
    if (stopped_)
        return 0;
    const std::uint64_t id = next_id_++;
    members_.emplace(id, std::move(member));
    return id;
}

void connection_set::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    members_.erase(id);
}

std::size_t connection_set::size() const {
    std::lock_guard lock(mutex_);
    return members_.size();
}

std::vector<std::shared_ptr<closable>> connection_set::stop_members() {
    std::vector<std::shared_ptr<closable>> open;
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (const auto& [id, member] : members_)
        if (auto alive = member.lock())
            open.push_back(std::move(alive));
    return open;
}

// Both act outside the lock: a session's destructor takes the lock to remove itself, and
// the last reference to a session may be the one held here.
void connection_set::close_all() {
    for (const auto& member : stop_members())
        member->close();
}

void connection_set::hand_over_all() {
    for (const auto& member : stop_members())
        member->hand_over();
}

bool connection_set::may_warn() {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (now - last_warning_ < std::chrono::seconds(1))
        return false;
    last_warning_ = now;
    return true;
}

} // namespace spfd
