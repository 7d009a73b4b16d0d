// SPDX-License-Identifier: MIT
#include "io/service_notify.h"

#include "util/log.h"

#include <cstdlib>
#include <systemd/sd-daemon.h>

namespace spfd {

service_notify::service_notify(std::uint64_t next_connection_number)
    : active_(std::getenv("NOTIFY_SOCKET") != nullptr), next_number_(next_connection_number) {}

bool service_notify::send(std::string_view state) const {
    if (!active_)
        return false;
    const std::string text(state);
    const int rc = ::sd_notify(0, text.c_str());
    if (rc < 0)
        log_event(log_level::warning, "notify_failed",
                  "state=" + log_quoted(text) + " errno=" + std::to_string(-rc));
    return rc > 0;
}

void service_notify::ready() const {
    send("READY=1");
}

void service_notify::stopping() const {
    send("STOPPING=1");
}

std::string service_notify::keep(int fd, connection_kind kind) {
    if (!active_)
        return {};
    std::string name = connection_fd_name(kind, next_number_.fetch_add(1));
    const std::string state = "FDSTORE=1\nFDNAME=" + name;
    const int rc = ::sd_pid_notify_with_fds(0, 0, state.c_str(), &fd, 1);
    if (rc <= 0) {
        log_event(log_level::warning, "fd_store_failed",
                  "name=" + name + " errno=" + std::to_string(-rc));
        return {};
    }
    return name;
}

void service_notify::forget(const std::string& name) const {
    if (!name.empty())
        send("FDSTOREREMOVE=1\nFDNAME=" + name);
}

} // namespace spfd
