// SPDX-License-Identifier: MIT
#pragma once

#include "net/ip_ranges.h"
#include "zone/pdns_reply.h"
#include "zone/spf_record.h"
#include "zone/zone_spec.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace spfd {

/// A TXT record below the apex that the apex includes (split mode).
struct child_record {
    std::string name; ///< lower case, no trailing dot
    spf_record spf;
};

/// What `check`, the logs and metrics report about one zone.
struct zone_summary {
    std::string file;
    std::string apex; ///< lower case, no trailing dot
    int id = 0;
    std::uint32_t serial = 0;
    std::size_t sender_count = 0;
    std::size_t network_count = 0; ///< after aggregation
    overflow_mode configured = overflow_mode::flat;
    overflow_mode mode = overflow_mode::flat; ///< what is served (auto resolves to one)
    spf_record spf;                           ///< the apex record
    std::vector<child_record> children;       ///< split mode
    unsigned customer_lookups = 1;            ///< what a customer's include:<apex> costs
    std::shared_ptr<const std::vector<ip_network>> networks; ///< served, aggregated
    std::vector<sender_include> includes; ///< providers' records, flattened into `networks`
};

/// Per-IP answers of a macro-mode zone: `<ip>._ip.<apex>.` computed per query.
struct per_ip_zone {
    std::string suffix; ///< "._ip.<apex>." lower case
    std::shared_ptr<const ip_ranges> ranges;
    std::uint32_t ttl = 0;
    int zone_id = 0;
    /// The end of every per-IP reply, one_record_reply_tail(ttl, zone_id): made once by the
    /// snapshot instead of per query.
    std::string reply_tail = {};
};

/// Whether secondaries can replicate the zone by AXFR: not in macro mode, whose per-IP
/// answers exist in no record. Such zones are `master` to pdns, so that it sends NOTIFY.
inline bool transferable(const zone_summary& z) {
    return z.mode != overflow_mode::macro;
}

/// The DomainInfo object pdns reads from getDomainInfo, getAllDomains and
/// getUpdatedMasters (docs/design.md), as JSON text.
std::string domain_info_text(const zone_summary& z, std::uint32_t notified_serial);

/// A zone before the snapshot is assembled: its summary plus all of its records.
struct compiled_zone {
    zone_summary summary;
    soa_spec soa;
    std::vector<dns_record> records; ///< the SOA first
    std::optional<per_ip_zone> per_ip;
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
    /// The macro-mode zone whose per-IP names `name` falls under, if any.
    const per_ip_zone* find_per_ip_zone(std::string_view name) const;
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
    std::vector<per_ip_zone> per_ip_zones_;
    std::string all_domains_reply_;
};

} // namespace spfd
