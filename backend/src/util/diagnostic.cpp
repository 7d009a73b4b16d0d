// SPDX-License-Identifier: MIT
#include "util/diagnostic.h"

#include <algorithm>

namespace spfd {

std::string to_string(const diagnostic& d) {
    std::string out = d.where.file.empty() ? std::string("<input>") : d.where.file;
    if (d.where.line != 0) {
        out += ':' + std::to_string(d.where.line);
        if (d.where.column != 0)
            out += ':' + std::to_string(d.where.column);
    }
    out += d.level == severity::error ? ": error: " : ": warning: ";
    out += d.message;
    return out;
}

void diagnostics::error(source_position where, std::string message) {
    items_.push_back({severity::error, std::move(where), std::move(message)});
}

void diagnostics::warning(source_position where, std::string message) {
    items_.push_back({severity::warning, std::move(where), std::move(message)});
}

void diagnostics::append(const diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool diagnostics::has_errors() const {
    return error_count() != 0;
}

std::size_t diagnostics::error_count() const {
    return static_cast<std::size_t>(
        std::count_if(items_.begin(), items_.end(),
                      [](const diagnostic& d) { return d.level == severity::error; }));
}

} // namespace spfd
