// SPDX-License-Identifier: MIT
#pragma once

#include "net/ip_network.h"
#include "util/diagnostic.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spfd {

/// One entry of the sender list, as the operator wrote it.
struct sender {
    ip_network network;
    std::string text;  ///< as written, for messages
    std::string note;  ///< which host, which ticket
    bool wide = false; ///< operator confirmed that a very wide network is intended
    source_position where;
};

struct soa_spec {
    std::string primary;    ///< MNAME, absolute, lower case, no trailing dot
    std::string hostmaster; ///< RNAME in DNS-name form (`hostmaster.connectoor.com`)
    std::uint32_t refresh = 0, retry = 0, expire = 0, minimum = 0;
    std::uint32_t ttl = 0;
};

/// The final `all` term of our record. `+all` and `?all` are never allowed (spf-rules §8).
enum class all_qualifier { softfail, fail };

/// Everything one `zones/<apex>.toml` says, validated, before it is rendered.
struct zone_spec {
    std::string file;
    std::string apex; ///< lower case, no trailing dot
    soa_spec soa;
    std::vector<std::string> nameservers;
    std::uint32_t ns_ttl = 0;
    all_qualifier all = all_qualifier::softfail;
    std::uint32_t spf_ttl = 0;
    std::uint32_t max_answer_octets = 450; ///< size budget for the TXT answer on the wire
    std::vector<sender> senders;
};

} // namespace spfd
