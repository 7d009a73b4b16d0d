// SPDX-License-Identifier: MIT
#include "zone/zone_set.h"

#include "dns/name.h"
#include "dns/txt_presentation.h"
#include "net/network_set.h"
#include "zone/overflow.h"
#include "zone/zone_loader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <utility>

namespace spfd {
namespace {

// Octets of the answer from which `check` warns that the budget is getting close.
constexpr std::size_t near_budget_margin = 50;

std::string soa_content(const soa_spec& soa, std::uint32_t serial) {
    return soa.primary + ' ' + soa.hostmaster + ' ' + std::to_string(serial) + ' ' +
           std::to_string(soa.refresh) + ' ' + std::to_string(soa.retry) + ' ' +
           std::to_string(soa.expire) + ' ' + std::to_string(soa.minimum);
}

// FNV-1a, 64 bit: a stable fingerprint of what is served, to tell whether it changed.
class fingerprint_hasher {
  public:
    void mix(std::string_view s) {
        for (unsigned char c : s) {
            h_ ^= c;
            h_ *= 1099511628211ull;
        }
        h_ ^= 0xff; // field separator
        h_ *= 1099511628211ull;
    }
    std::string hex() const {
        char out[17];
        std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h_));
        return out;
    }

  private:
    std::uint64_t h_ = 14695981039346656037ull;
};

// The records as served (the SOA with serial 0). In macro mode the networks are in no
// record, so they are mixed in too: a changed list must change the serial.
std::string fingerprint(const compiled_zone& zone) {
    fingerprint_hasher h;
    for (const dns_record& r : zone.records) {
        h.mix(r.name);
        h.mix(r.type);
        h.mix(r.content);
        h.mix(std::to_string(r.ttl));
    }
    if (zone.per_ip)
        for (const ip_network& n : *zone.summary.networks)
            h.mix(n.to_string());
    return h.hex();
}

std::vector<std::filesystem::path> zone_files(const std::filesystem::path& dir, diagnostics& out) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        out.error({dir.string(), 0, 0}, "the zones folder does not exist or is not a folder");
        return files;
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto name = entry.path().filename().string();
        // Skip editor droppings (.#x.toml, .x.toml.swp) and backups (x.toml~).
        if (name.starts_with('.') || entry.path().extension() != ".toml")
            continue;
        files.push_back(entry.path());
    }
    if (ec)
        out.error({dir.string(), 0, 0}, "cannot list the zones folder: " + ec.message());
    std::sort(files.begin(), files.end());
    if (files.empty() && !ec)
        out.error({dir.string(), 0, 0}, "no zone files (*.toml) in the zones folder");
    return files;
}

// A file written in place while it is read can parse as a valid, shorter list: a reload
// would then publish a zone without some senders. So the zones folder is read only once it
// has held still: nothing in it changed during the last `settle_time`, nor while it was read.
constexpr std::chrono::milliseconds settle_time{20};
// A folder that keeps changing for this long is refused for this reload.
constexpr std::chrono::seconds settle_limit{2};

struct file_state {
    std::string name;
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    std::int64_t changed_ns = 0; // ctime: content, truncation, rename, chmod
    bool operator==(const file_state&) const = default;
};

std::optional<file_state> state_of(const std::filesystem::path& path, std::string name) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return std::nullopt;
    return file_state{std::move(name), info.st_dev, info.st_ino, info.st_size,
                      std::int64_t{info.st_ctim.tv_sec} * 1'000'000'000 + info.st_ctim.tv_nsec};
}

std::vector<file_state> files_state(const std::vector<std::string>& paths) {
    std::vector<file_state> out;
    for (const std::string& path : paths)
        if (auto state = state_of(path, path))
            out.push_back(std::move(*state));
    return out;
}

// Every file of the folder that a load may read (editor droppings and backups aside), and
// the files elsewhere that `elsewhere` names, sorted; each named by its path.
std::vector<file_state> folder_state(const std::filesystem::path& dir,
                                     const std::vector<std::string>& elsewhere = {}) {
    std::vector<file_state> out = files_state(elsewhere);
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        if (name.starts_with('.') || name.starts_with('#') || name.ends_with('~'))
            continue;
        if (auto state = state_of(entry.path(), entry.path().string()))
            out.push_back(std::move(*state));
    }
    std::sort(out.begin(), out.end(),
              [](const file_state& a, const file_state& b) { return a.name < b.name; });
    return out;
}

// The most recently changed file, and how long ago that was; no age when the change lies
// in the future (a clock stepped back), which says nothing.
std::pair<std::string, std::optional<std::chrono::nanoseconds>>
newest_change(const std::vector<file_state>& files) {
    const file_state* newest = nullptr;
    for (const file_state& f : files)
        if (newest == nullptr || f.changed_ns > newest->changed_ns)
            newest = &f;
    if (newest == nullptr)
        return {"", std::nullopt};
    const auto age = std::chrono::system_clock::now().time_since_epoch() -
                     std::chrono::nanoseconds(newest->changed_ns);
    if (age < std::chrono::nanoseconds::zero())
        return {newest->name, std::nullopt};
    return {newest->name, std::chrono::duration_cast<std::chrono::nanoseconds>(age)};
}

// The name of a file that differs between two states, for the message.
std::string first_change(const std::vector<file_state>& a, const std::vector<file_state>& b) {
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (!(a[i] == b[i]))
            return a[i].name;
    return a.size() > b.size() ? a[b.size()].name : b.size() > a.size() ? b[a.size()].name : "";
}

// The sender lists that `specs` read from outside `dir` (or from a folder below it), which
// folder_state(dir) does not see.
std::vector<std::string> read_elsewhere(const std::filesystem::path& dir,
                                        const std::vector<zone_spec>& specs) {
    // The parent of a file in it, normalised the same way, so that "zones/" and "zones" match.
    const auto folder = (dir / "x").lexically_normal().parent_path();
    std::vector<std::string> out;
    for (const zone_spec& spec : specs)
        for (std::size_t i = 1; i < spec.sources.size(); ++i)
            if (std::filesystem::path(spec.sources[i]).lexically_normal().parent_path() != folder)
                out.push_back(spec.sources[i]);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// True if none of `files` changed since `since` minus settle_time (a changed file's ctime
// may lag the write by a clock tick): then none changed while it was read after `since`.
bool unchanged_since(const std::vector<file_state>& files,
                     std::chrono::system_clock::time_point since) {
    const auto limit = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           (since - settle_time).time_since_epoch())
                           .count();
    return std::all_of(files.begin(), files.end(),
                       [&](const file_state& f) { return f.changed_ns < limit; });
}

// Loads every zone file once the folder holds still (see settle_time), and the sender lists
// that zone files name elsewhere too.
std::vector<zone_spec> load_settled(const std::filesystem::path& dir, diagnostics& out) {
    const auto deadline = std::chrono::steady_clock::now() + settle_limit;
    std::string changing;
    // Lists outside the folder are known once a pass has read the zone files. A list that
    // held still since before that pass began needs no second one; one that did not is
    // watched like the folder from the next pass on.
    std::vector<std::string> elsewhere;
    while (true) {
        const auto began = std::chrono::system_clock::now();
        const auto before = folder_state(dir, elsewhere);
        const auto [newest, quiet] = newest_change(before);
        if (quiet && *quiet < settle_time) {
            changing = newest;
            if (std::chrono::steady_clock::now() >= deadline)
                break;
            std::this_thread::sleep_for(settle_time - *quiet);
            continue;
        }
        diagnostics found;
        std::vector<zone_spec> specs;
        for (const auto& file : zone_files(dir, found))
            if (auto spec = load_zone_file(file, found))
                specs.push_back(std::move(*spec));
        const auto read = read_elsewhere(dir, specs);
        const auto after = folder_state(dir, elsewhere);
        if (after == before) {
            if (read == elsewhere) {
                out.append(found);
                return specs;
            }
            const auto lists = files_state(read);
            if (unchanged_since(lists, began)) {
                out.append(found);
                return specs;
            }
            elsewhere = read;
            changing = newest_change(lists).first;
        } else {
            changing = first_change(before, after);
        }
        if (std::chrono::steady_clock::now() >= deadline)
            break;
    }
    out.error({changing, 0, 0},
              "kept changing while it was being read, for " + std::to_string(settle_limit.count()) +
                  " s (written in place?); reload again once the write is finished");
    return {};
}

} // namespace

std::optional<compiled_zone> compile_zone(const zone_spec& spec, int id, diagnostics& out) {
    std::vector<ip_network> networks;
    networks.reserve(spec.senders.size());
    for (const sender& s : spec.senders)
        networks.push_back(s.network);
    auto aggregated = std::make_shared<const std::vector<ip_network>>(aggregate(networks));

    auto layout = lay_out(spec, *aggregated, out);
    if (!layout)
        return std::nullopt;

    compiled_zone zone;
    zone.soa = spec.soa;
    zone_summary& sum = zone.summary;
    sum.file = spec.file;
    sum.apex = spec.apex;
    sum.id = id;
    sum.sender_count = spec.senders.size();
    sum.network_count = aggregated->size();
    sum.configured = spec.overflow;
    sum.mode = layout->mode;
    sum.spf = std::move(layout->apex);
    sum.children = std::move(layout->children);
    sum.customer_lookups = layout->customer_lookups;
    sum.networks = aggregated;

    const source_position where =
        spec.senders.empty() ? source_position{spec.file, 0, 0} : spec.where(spec.senders.front());
    auto warn_near_budget = [&](const std::string& name, const spf_record& r) {
        if (r.measures.answer_octets + near_budget_margin > spec.max_answer_octets)
            out.warning(where, "the SPF answer for " + name + " is " +
                                   std::to_string(r.measures.answer_octets) +
                                   " octets, close to the budget of " +
                                   std::to_string(spec.max_answer_octets));
    };
    if (sum.mode == overflow_mode::flat)
        warn_near_budget(spec.apex, sum.spf);

    const std::string apex = spec.apex + ".";
    zone.records.push_back({apex, "SOA", soa_content(spec.soa, 0), spec.soa.ttl});
    for (const std::string& ns : spec.nameservers)
        zone.records.push_back({apex, "NS", ns, spec.ns_ttl});
    zone.records.push_back({apex, "TXT", txt_presentation(sum.spf.strings), spec.spf_ttl});
    for (const child_record& child : sum.children)
        zone.records.push_back(
            {child.name + ".", "TXT", txt_presentation(child.spf.strings), spec.spf_ttl});
    if (sum.mode == overflow_mode::macro) {
        const std::string parent = per_ip_parent(spec.apex) + ".";
        zone.records.push_back({parent, "ENT", "", spec.spf_ttl});
        zone.per_ip = per_ip_zone{"." + parent, std::make_shared<const ip_ranges>(*aggregated),
                                  spec.spf_ttl, id};
    }
    return zone;
}

void assign_serial(compiled_zone& zone, std::uint32_t serial) {
    zone.summary.serial = serial;
    zone.records.front().content = soa_content(zone.soa, serial);
}

zone_set_result load_zone_set(const std::filesystem::path& zones_dir, const serial_store& serials) {
    zone_set_result result;
    std::vector<zone_spec> specs = load_settled(zones_dir, result.findings);

    for (const zone_spec& a : specs)
        for (const zone_spec& b : specs)
            if (is_strictly_below(a.apex, b.apex))
                result.findings.error({a.file, 0, 0}, "zone " + a.apex + " lies inside zone " +
                                                          b.apex + " (" + b.file +
                                                          "); serve it as names of that zone");
    if (result.findings.has_errors())
        return result;

    std::vector<compiled_zone> compiled;
    int id = 1;
    for (const zone_spec& spec : specs) {
        auto zone = compile_zone(spec, id++, result.findings);
        if (zone)
            compiled.push_back(std::move(*zone));
    }
    if (result.findings.has_errors())
        return result;

    const std::uint32_t today = today_yyyymmdd_utc();
    for (compiled_zone& zone : compiled) {
        const std::string print = fingerprint(zone);
        const std::uint32_t serial = serials.serial_for(zone.summary.apex, print, today);
        assign_serial(zone, serial);
        result.serials[zone.summary.apex] = {serial, print};
    }
    result.snap = std::make_shared<const snapshot>(std::move(compiled));
    return result;
}

} // namespace spfd
