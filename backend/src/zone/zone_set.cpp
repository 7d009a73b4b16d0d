// SPDX-License-Identifier: MIT
#include "zone/zone_set.h"

#include "dns/name.h"
#include "zone/compile.h"
#include "zone/zone_files.h"

#include <ctime>
#include <set>
#include <utility>

namespace spfd {

namespace {

void take_state(sender_include& include, const include_state& state) {
    include.networks = state.networks;
    include.resolved_at = state.resolved_at;
    include.ttl = state.ttl;
    include.lookups = state.lookups;
    include.last_error = state.last_error;
    if (state.held)
        include.held_networks = state.held->size();
}

// Gives every include entry its provider's last good set, or refuses the zone: it is never
// published without them.
void attach_includes(std::vector<zone_spec>& specs, include_book* book, bool accept_held,
                     diagnostics& out) {
    std::set<std::string> domains;
    for (const zone_spec& spec : specs)
        for (const sender_include& include : spec.includes)
            if (!include.keep)
                domains.insert(include.domain);
    if (book != nullptr) // also when none is left: the refresher follows only these
        book->prepare(domains, std::time(nullptr), accept_held);
    for (zone_spec& spec : specs)
        for (sender_include& include : spec.includes) {
            const auto state = book ? book->find(include.domain) : std::nullopt;
            if (include.keep) {
                continue; // published as an include: term, nothing to look up
            } else if (!state || !state->resolved) {
                out.error(spec.where(include),
                          "include \"" + include.domain + "\": no good set of its addresses yet (" +
                              (state ? state->last_error : std::string("not looked up here")) +
                              "); the zone is not published without them" +
                              (state && state->last_error.starts_with("unflattenable")
                                   ? "; keep_include = true publishes it as an include: term "
                                     "instead, one more DNS lookup for every customer"
                                   : ""));
            } else {
                take_state(include, *state);
            }
        }
}

} // namespace

zone_set_result load_zone_set(const std::filesystem::path& zones_dir, const serial_store& serials,
                              include_book* includes, bool accept_held) {
    zone_set_result result;
    std::vector<zone_spec> specs = load_zone_files(zones_dir, result.findings);

    for (const zone_spec& a : specs)
        for (const zone_spec& b : specs)
            if (is_strictly_below(a.apex, b.apex))
                result.findings.error({a.file, 0, 0}, "zone " + a.apex + " lies inside zone " +
                                                          b.apex + " (" + b.file +
                                                          "); serve it as names of that zone");
    if (result.findings.has_errors())
        return result;
    attach_includes(specs, includes, accept_held, result.findings);
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

    result.serials = assign_serials(compiled, serials);
    result.snap = std::make_shared<const snapshot>(std::move(compiled));
    return result;
}

zone_set_result load_zone_set(const server_config& config, const serial_store& serials,
                              bool accept_held) {
    const std::unique_ptr<include_book> book = make_include_book(config, false);
    std::string error;
    if (!book->load(error)) {
        zone_set_result refused;
        refused.findings.error({book->file().string(), 0, 0}, error);
        return refused;
    }
    return load_zone_set(config.zones_dir, serials, book.get(), accept_held);
}

} // namespace spfd
