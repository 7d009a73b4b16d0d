// SPDX-License-Identifier: MIT
#include "zone/input_access.h"

#include "util/file_access.h"
#include "zone/serial_store.h"
#include "zone/zone_files.h"

namespace spfd {

std::optional<std::string> denied_input(const server_config& config, bool with_serials) {
    if (const auto problem = folder_problem(config.zones_dir))
        return problem->denied ? std::optional(problem->line(config.zones_dir)) : std::nullopt;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(config.zones_dir, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (!is_zone_file_name(it->path().filename().string()))
            continue;
        if (const auto problem = file_problem(it->path()); problem && problem->denied)
            return problem->line(it->path());
    }
    if (!with_serials)
        return std::nullopt;
    const auto serials = serial_store(config.state_dir).file();
    if (const auto problem = file_problem(serials); problem && problem->denied)
        return problem->line(serials);
    return std::nullopt;
}

} // namespace spfd
