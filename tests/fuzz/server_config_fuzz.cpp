// SPDX-License-Identifier: MIT
// The server settings (backend.toml). Checks beyond "no crash": a refused file says why;
// an accepted one has a listener, every limit inside its declared range, and an admin
// endpoint on loopback only.
//
// Input: the text of one settings file.
#include "config/server_config.h"
#include "fuzz_support.h"

#include <boost/asio/ip/address.hpp>

using namespace spfd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    diagnostics found;
    const auto cfg =
        parse_server_config(fuzz::as_text(data, size), "/etc/spf-backend/backend.toml", found);
    if (!cfg) {
        fuzz::require(found.has_errors(), "settings refused without an error");
        return 0;
    }
    fuzz::require(!found.has_errors(), "settings accepted with an error");
    fuzz::require(cfg->http || cfg->unix_socket, "settings accepted without a listener");
    const limits_config& l = cfg->limits;
    fuzz::require(l.max_connections >= 1 && l.max_header_bytes >= 1024 &&
                      l.max_body_bytes >= 1024 && l.request_timeout.count() >= 100 &&
                      l.idle_timeout.count() >= 1000,
                  "a limit below its range was accepted");
    fuzz::require(cfg->threads >= 1 && cfg->threads <= 64, "threads out of range");
    if (cfg->unix_socket)
        fuzz::require(cfg->unix_socket->mode <= 0777 && !cfg->unix_socket->path.empty(),
                      "bad unix socket settings accepted");
    if (cfg->admin) {
        boost::system::error_code ec;
        const auto address = boost::asio::ip::make_address(cfg->admin->address, ec);
        fuzz::require(!ec && address.is_loopback(), "a non-loopback admin address was accepted",
                      cfg->admin->address);
    }
    fuzz::require(cfg->zones_dir.is_absolute() && cfg->state_dir.is_absolute(),
                  "a relative path was not resolved against the settings' folder");
    return 0;
}
