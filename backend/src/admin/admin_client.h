// SPDX-License-Identifier: MIT
#pragma once

#include "config/server_config.h"

#include <chrono>
#include <optional>
#include <string>

namespace spfd {

struct admin_response {
    unsigned status = 0;
    std::string body;
};

/// One request to the running backend's admin endpoint. Nothing on failure, with the reason
/// in `error` ("cannot connect to 127.0.0.1:8054: Connection refused").
std::optional<admin_response> admin_call(const admin_listener_config& where, bool post,
                                         const std::string& target,
                                         std::chrono::milliseconds timeout, std::string& error);

} // namespace spfd
