// SPDX-License-Identifier: MIT
#include "zone/zone_loader.h"

#include "dns/name.h"
#include "util/toml_reader.h"
#include "zone/sender_checks.h"
#include "zone/sender_list.h"

#include <algorithm>
#include <map>

namespace spfd {
namespace {

constexpr std::uintmax_t max_zone_file_bytes = 64 * 1024 * 1024;
constexpr std::int64_t max_ttl = 604800;           // a week; anything longer is a typo here
constexpr std::int64_t max_soa_timer = 2147483647; // RFC 2181 §8
constexpr std::int64_t max_budget = 512;           // the classic UDP limit (RFC 1035 §4.2.1)

std::optional<std::string> read_host_name(toml_reader& r, const toml::table& t,
                                          std::string_view key, std::string_view where) {
    auto text = r.string(t, key, where, true);
    if (!text)
        return std::nullopt;
    auto name = parse_host_name(*text);
    if (!name.ok()) {
        r.error(r.position(*t.get(key)),
                "'" + std::string(where) + "' = \"" + *text + "\" " + name.problem);
        return std::nullopt;
    }
    return name.name;
}

std::optional<std::string> read_hostmaster(toml_reader& r, const toml::table& t) {
    auto text = r.string(t, "hostmaster", "soa.hostmaster", true);
    if (!text)
        return std::nullopt;
    std::string dns_form = *text;
    // Accept the mail form that people naturally write; the SOA wants the DNS form.
    if (const auto at = dns_form.find('@'); at != std::string::npos) {
        if (dns_form.substr(0, at).find('.') != std::string::npos) {
            r.error(r.position(*t.get("hostmaster")),
                    "'soa.hostmaster' = \"" + *text +
                        "\": a dot before '@' cannot be written in the SOA; use a mailbox "
                        "without dots, such as hostmaster@…");
            return std::nullopt;
        }
        dns_form[at] = '.';
    }
    auto name = parse_host_name(dns_form);
    if (!name.ok()) {
        r.error(r.position(*t.get("hostmaster")),
                "'soa.hostmaster' = \"" + *text + "\" " + name.problem);
        return std::nullopt;
    }
    return name.name;
}

std::uint32_t u32(std::optional<std::int64_t> v, std::uint32_t fallback) {
    return v ? static_cast<std::uint32_t>(*v) : fallback;
}

void read_soa(toml_reader& r, const toml::table& root, zone_spec& zone) {
    const toml::table* soa = r.table(root, "soa", "soa", true);
    if (soa == nullptr)
        return;
    r.reject_unknown_keys(
        *soa, "soa", {"primary", "hostmaster", "refresh", "retry", "expire", "minimum", "ttl"});
    if (auto v = read_host_name(r, *soa, "primary", "soa.primary"))
        zone.soa.primary = *v;
    if (auto v = read_hostmaster(r, *soa))
        zone.soa.hostmaster = *v;
    zone.soa.refresh =
        u32(r.integer(*soa, "refresh", "soa.refresh", 1, max_soa_timer, false), 3600);
    zone.soa.retry = u32(r.integer(*soa, "retry", "soa.retry", 1, max_soa_timer, false), 600);
    zone.soa.expire =
        u32(r.integer(*soa, "expire", "soa.expire", 1, max_soa_timer, false), 1209600);
    zone.soa.minimum = u32(r.integer(*soa, "minimum", "soa.minimum", 0, max_ttl, false), 300);
    zone.soa.ttl = u32(r.integer(*soa, "ttl", "soa.ttl", 1, max_ttl, false), 3600);
}

void read_ns(toml_reader& r, const toml::table& root, zone_spec& zone) {
    const toml::table* ns = r.table(root, "ns", "ns", true);
    if (ns == nullptr)
        return;
    r.reject_unknown_keys(*ns, "ns", {"names", "ttl"});
    zone.ns_ttl = u32(r.integer(*ns, "ttl", "ns.ttl", 1, max_ttl, false), 86400);
    const toml::node* names = ns->get("names");
    if (names == nullptr) {
        r.error(r.position(*ns), "missing key 'ns.names': list the zone's name servers");
        return;
    }
    const toml::array* list = names->as_array();
    if (list == nullptr || list->empty()) {
        r.error(r.position(*names), "'ns.names' must be a non-empty array of host names");
        return;
    }
    for (const toml::node& item : *list) {
        const auto* s = item.as_string();
        if (s == nullptr) {
            r.error(r.position(item),
                    "'ns.names' entries must be strings, not " + std::string(describe_type(item)));
            continue;
        }
        auto name = parse_host_name(s->get());
        if (!name.ok()) {
            r.error(r.position(item), "ns name \"" + s->get() + "\" " + name.problem);
            continue;
        }
        if (!zone.apex.empty() && is_at_or_below(name.name, zone.apex)) {
            r.error(r.position(item), "ns name \"" + s->get() +
                                          "\" lies inside the zone, which "
                                          "would need glue address records that this backend does "
                                          "not serve; use a name server outside " +
                                          zone.apex);
            continue;
        }
        if (std::find(zone.nameservers.begin(), zone.nameservers.end(), name.name) !=
            zone.nameservers.end()) {
            r.error(r.position(item), "ns name \"" + s->get() + "\" is listed twice");
            continue;
        }
        zone.nameservers.push_back(name.name);
    }
}

void read_spf(toml_reader& r, const toml::table& root, zone_spec& zone) {
    const toml::table* spf = r.table(root, "spf", "spf", false);
    zone.spf_ttl = 300;
    if (spf == nullptr)
        return;
    r.reject_unknown_keys(*spf, "spf",
                          {"all", "ttl", "max_answer_octets", "overflow", "max_customer_lookups"});
    if (auto all = r.string(*spf, "all", "spf.all", false)) {
        if (*all == "~all")
            zone.all = all_qualifier::softfail;
        else if (*all == "-all")
            zone.all = all_qualifier::fail;
        else
            r.error(r.position(*spf->get("all")),
                    "'spf.all' is \"" + *all +
                        "\"; it must be \"~all\" or \"-all\" (\"+all\" "
                        "would let anyone send as every customer, \"?all\" says nothing)");
    }
    zone.spf_ttl = u32(r.integer(*spf, "ttl", "spf.ttl", 1, max_ttl, false), 300);
    zone.max_answer_octets = u32(
        r.integer(*spf, "max_answer_octets", "spf.max_answer_octets", 100, max_budget, false), 450);
    if (auto mode = r.string(*spf, "overflow", "spf.overflow", false)) {
        if (*mode == "flat")
            zone.overflow = overflow_mode::flat;
        else if (*mode == "split")
            zone.overflow = overflow_mode::split;
        else if (*mode == "macro")
            zone.overflow = overflow_mode::macro;
        else if (*mode == "auto")
            zone.overflow = overflow_mode::auto_;
        else
            r.error(r.position(*spf->get("overflow")),
                    "'spf.overflow' is \"" + *mode +
                        "\"; use \"flat\", \"split\", \"macro\" or \"auto\"");
    }
    // 2 is the least that split can do (our include plus one child); 10 is the RFC limit
    // for the customer's whole evaluation.
    zone.max_customer_lookups =
        u32(r.integer(*spf, "max_customer_lookups", "spf.max_customer_lookups", 2, 10, false), 3);
}

// `include = "…"`: a provider's SPF record, with `note` and `keep_include`.
void read_include_entry(toml_reader& r, const toml::table& entry, const std::string& where,
                        zone_spec& zone) {
    if (entry.get("wide") != nullptr)
        r.error(r.position(*entry.get("wide")),
                where + ".wide: only an ip4 or ip6 entry can be wide; remove it");
    auto text = r.string(entry, "include", where + ".include", true);
    if (!text)
        return;
    const source_position at = r.position(*entry.get("include"));
    const host_name_parse name = parse_spf_target(*text);
    if (!name.ok()) {
        r.error(at, where + ".include: \"" + *text + "\" " + name.problem);
        return;
    }
    sender_include s;
    s.domain = name.name;
    s.line = at.line;
    s.column = at.column;
    s.note = r.string(entry, "note", where + ".note", false).value_or("");
    s.keep = r.boolean(entry, "keep_include", where + ".keep_include").value_or(false);
    zone.includes.push_back(std::move(s));
}

// One [[senders]] table: exactly one of ip4, ip6 or include.
void read_sender_entry(toml_reader& r, const toml::table& entry, const std::string& where,
                       zone_spec& zone) {
    r.reject_unknown_keys(entry, where, {"ip4", "ip6", "include", "note", "wide", "keep_include"});
    const toml::node* v4 = entry.get("ip4");
    const toml::node* v6 = entry.get("ip6");
    const toml::node* include = entry.get("include");
    if ((v4 != nullptr) + (v6 != nullptr) + (include != nullptr) != 1) {
        r.error(r.position(entry),
                where + " needs exactly one of ip4 = \"…\", ip6 = \"…\" or include = \"…\"");
        return;
    }
    if (include != nullptr) {
        read_include_entry(r, entry, where, zone);
        return;
    }
    if (const toml::node* keep = entry.get("keep_include"))
        r.error(r.position(*keep),
                where + ".keep_include: only an include entry can be kept; remove it");
    const ip_family family = v4 != nullptr ? ip_family::v4 : ip_family::v6;
    const std::string key = family == ip_family::v4 ? "ip4" : "ip6";
    auto text = r.string(entry, key, where + "." + key, true);
    if (!text)
        return;
    const source_position at = r.position(*entry.get(key));
    auto parsed = parse_network(*text, family);
    if (const auto* e = std::get_if<network_parse_error>(&parsed)) {
        r.error(at, where + "." + key + ": " + e->message);
        return;
    }
    sender s{std::get<ip_network>(parsed), *text, {}, false, 0, at.line, at.column};
    s.note = r.string(entry, "note", where + ".note", false).value_or("");
    s.wide = r.boolean(entry, "wide", where + ".wide").value_or(false);
    zone.senders.push_back(std::move(s));
}

void read_senders(toml_reader& r, const toml::table& root, zone_spec& zone) {
    if (const toml::node* file = root.get("senders_file")) {
        if (auto path = r.string(root, "senders_file", "senders_file", true)) {
            zone.senders_file_key = r.position(*file);
            if (path->empty())
                r.error(zone.senders_file_key, "'senders_file' is empty; name a file beside "
                                               "this one, or remove the key");
            else
                zone.senders_file = *path; // resolved by load_zone_file, which reads it
        }
    }
    const toml::node* node = root.get("senders");
    if (node == nullptr)
        return; // none here is fine if senders_file has them; check_senders() decides
    const toml::array* list = node->as_array();
    if (list == nullptr || !list->is_array_of_tables() || list->empty()) {
        r.error(r.position(*node), "'senders' must be a non-empty list of [[senders]] tables");
        return;
    }

    zone.senders.reserve(list->size());
    std::size_t index = 0;
    for (const toml::node& item : *list)
        read_sender_entry(r, *item.as_table(), "senders[" + std::to_string(index++) + "]", zone);
}

} // namespace

std::string_view to_string(overflow_mode mode) {
    switch (mode) {
    case overflow_mode::flat:
        return "flat";
    case overflow_mode::split:
        return "split";
    case overflow_mode::macro:
        return "macro";
    case overflow_mode::auto_:
        return "auto";
    }
    return "flat";
}

std::optional<zone_spec> parse_zone(std::string_view text, const std::string& file,
                                    diagnostics& out) {
    diagnostics found;
    toml_reader r(file, found);
    auto root = r.parse(text);
    if (!root) {
        out.append(found);
        return std::nullopt;
    }
    zone_spec zone;
    zone.file = file;
    zone.sources.push_back(file);
    r.reject_unknown_keys(*root, "", {"zone", "soa", "ns", "spf", "senders", "senders_file"});
    if (auto apex = read_host_name(r, *root, "zone", "zone"))
        zone.apex = *apex;
    read_soa(r, *root, zone);
    read_ns(r, *root, zone);
    read_spf(r, *root, zone);
    read_senders(r, *root, zone);
    if (zone.senders_file.empty())
        check_senders(zone, found); // else load_zone_file does, with the list read
    out.append(found);
    if (found.has_errors())
        return std::nullopt;
    return zone;
}

std::optional<zone_spec> load_zone_file(const std::filesystem::path& path, diagnostics& out) {
    auto text = read_bounded_file(path, max_zone_file_bytes, out);
    if (!text)
        return std::nullopt;
    auto zone = parse_zone(*text, path.string(), out);
    if (zone && !zone->senders_file.empty()) {
        // Relative to the zone file's folder, like every path in our settings.
        const std::filesystem::path list = path.parent_path() / zone->senders_file;
        diagnostics found;
        if (auto list_text = read_bounded_file(list, max_zone_file_bytes, found)) {
            parse_sender_list(*list_text, list.string(), *zone, found);
            check_senders(*zone, found);
        }
        out.append(found);
        if (found.has_errors())
            return std::nullopt;
    }
    if (zone && path.stem().string() != zone->apex) {
        out.error({path.string(), 0, 0}, "the file name says '" + path.stem().string() +
                                             "' but zone = \"" + zone->apex +
                                             "\"; rename the file to " + zone->apex + ".toml");
        return std::nullopt;
    }
    return zone;
}

} // namespace spfd
