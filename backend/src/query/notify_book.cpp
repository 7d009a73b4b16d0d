// SPDX-License-Identifier: MIT
#include "query/notify_book.h"

namespace spfd {

notify_book& notify_book::global() {
    static notify_book book;
    return book;
}

std::optional<std::uint32_t> notify_book::notified(std::string_view apex) const {
    const std::lock_guard lock(mutex_);
    const auto it = serials_.find(apex);
    if (it == serials_.end())
        return std::nullopt;
    return it->second;
}

void notify_book::record(std::string_view apex, std::uint32_t serial) {
    const std::lock_guard lock(mutex_);
    serials_.insert_or_assign(std::string(apex), serial);
}

void notify_book::clear() {
    const std::lock_guard lock(mutex_);
    serials_.clear();
}

} // namespace spfd
