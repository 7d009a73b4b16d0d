// SPDX-License-Identifier: MIT
#pragma once

#include "zone/spf_record.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace spfd {

/// One resource record in the remote backend's terms; `name` is lower case, absolute, with
/// the trailing dot; `content` is zone-file presentation format.
struct dns_record {
    std::string name;
    std::string type; ///< "SOA", "NS", "TXT", or "ENT" for an empty non-terminal
    std::string content;
    std::uint32_t ttl = 0;
};

/// What `check`, the logs and (later) metrics report about one zone.
struct zone_summary {
    std::string file;
    std::string apex; ///< lower case, no trailing dot
    int id = 0;
    std::uint32_t serial = 0;
    std::size_t sender_count = 0;
    std::size_t network_count = 0; ///< after aggregation
    spf_record spf;
};

/// A zone before the snapshot is assembled: its summary plus all of its records.
struct compiled_zone {
    zone_summary summary;
    soa_spec soa;
    std::vector<dns_record> records; ///< the SOA first
};

/// Every reply that pdns can ask for, rendered once. A published snapshot is never changed;
/// a reload builds a new one and swaps it in whole, so a query sees one generation only.
class snapshot {
  public:
    /// Replies for one owner name, as complete JSON bodies (`{"result":[…]}`).
    struct name_entry {
        std::string any; ///< every record at the name
        /// (upper-case type, reply); a name has a handful of types, so a scan beats a hash
        std::vector<std::pair<std::string, std::string>> by_type;
        std::string_view reply_for(std::string_view upper_qtype) const;
    };
    struct zone_entry {
        zone_summary summary;
        std::vector<dns_record> records;
        std::string domain_info_reply; ///< getDomainInfo
        std::string list_reply;        ///< list (AXFR): every record but ENT rows
    };

    explicit snapshot(std::vector<compiled_zone> zones);

    /// `name` must be lower case with the trailing dot. Null when we have no such name.
    const name_entry* find_name(std::string_view name) const;
    /// `apex` must be lower case with the trailing dot. Null when it is not one of ours.
    const zone_entry* find_zone(std::string_view apex) const;
    const std::string& all_domains_reply() const { return all_domains_reply_; }
    const std::vector<zone_entry>& zones() const { return zones_; }

  private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    template <class T>
    using by_name = std::unordered_map<std::string, T, string_hash, std::equal_to<>>;

    std::vector<zone_entry> zones_;
    by_name<name_entry> names_;
    by_name<std::size_t> zone_index_;
    std::string all_domains_reply_;
};

/// The body every "no" gets: pdns reads a JSON `false` as "no records" / "not supported".
inline constexpr std::string_view false_reply = R"({"result":false})";
inline constexpr std::string_view true_reply = R"({"result":true})";

} // namespace spfd
