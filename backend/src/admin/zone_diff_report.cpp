// SPDX-License-Identifier: MIT
#include "admin/zone_diff_report.h"

#include <boost/json.hpp>
#include <sstream>

namespace spfd {
namespace {

using state = zone_change::state;

std::string number(const std::optional<std::uint64_t>& n) {
    return n ? std::to_string(*n) : "?";
}

std::string layout_text(const zone_change& z) {
    return z.layout_now == z.layout_next ? z.layout_now : z.layout_now + " -> " + z.layout_next;
}

std::string header(const zone_change& z) {
    switch (z.what) {
    case state::unchanged:
        return "= " + z.zone + ": unchanged (serial " + number(z.serial_now) + ", layout " +
               z.layout_now + ")";
    case state::added:
        return "+ zone " + z.zone + " (new): serial " + number(z.serial_next) + ", answer " +
               number(z.answer_octets_next) + " octets, layout " + z.layout_next;
    case state::removed:
        return "- zone " + z.zone + " (would no longer be served): serial " + number(z.serial_now) +
               ", answer " + number(z.answer_octets_now) + " octets, layout " + z.layout_now;
    case state::changed:
        break;
    }
    return "~ " + z.zone + ": serial " + number(z.serial_now) + " -> " + number(z.serial_next) +
           ", answer " + number(z.answer_octets_now) + " -> " + number(z.answer_octets_next) +
           " octets, layout " + layout_text(z);
}

void write_networks(std::ostream& out, char sign, const std::vector<ip_network>& networks) {
    for (const ip_network& n : networks)
        out << "    " << sign << ' ' << n.to_string() << '\n';
}

void write_records(std::ostream& out, const zone_change& z, const name_change& n) {
    if (!n.record_changes()) {
        out << "    record: \"" << *n.record_now << "\" (unchanged)\n";
        return;
    }
    if (z.what != state::added)
        out << "    now:  " << (n.record_now ? '"' + *n.record_now + '"' : "(not served)") << '\n';
    if (z.what != state::removed)
        out << "    next: " << (n.record_next ? '"' + *n.record_next + '"' : "(no longer served)")
            << '\n';
}

void write_name(std::ostream& out, const zone_change& z, const name_change& n, bool whole_zone) {
    if (!n.record_changes() && n.start_passing.empty() && n.stop_passing.empty()) {
        out << "  " << n.name << ": unchanged\n";
        return;
    }
    out << "  " << n.name << (whole_zone ? " (whole zone):\n" : ":\n");
    write_networks(out, '-', n.stop_passing);
    write_networks(out, '+', n.start_passing);
    write_records(out, z, n);
}

void write_zone(std::ostream& out, const zone_change& z) {
    out << header(z) << '\n';
    if (z.what == state::unchanged || z.names.empty())
        return;
    const name_change& apex = z.names.front();
    if (z.what == state::changed && apex.start_passing.empty() && apex.stop_passing.empty())
        out << "  same addresses"
            << (z.layout_now == z.layout_next ? "" : "; layout " + layout_text(z)) << '\n';
    // The apex speaks for the whole zone where other names hold the networks.
    const bool whole_zone =
        z.names.size() > 1 || z.layout_now == "macro" || z.layout_next == "macro";
    for (std::size_t i = 0; i < z.names.size(); ++i)
        write_name(out, z, z.names[i], i == 0 && whole_zone);
}

boost::json::value optional_json(const std::optional<std::string>& s) {
    return s ? boost::json::value(*s) : boost::json::value(nullptr);
}

boost::json::value optional_json(const std::optional<std::uint64_t>& n) {
    return n ? boost::json::value(*n) : boost::json::value(nullptr);
}

boost::json::value optional_json(const std::string& s) {
    return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
}

template <class T> boost::json::object now_next(const T& now, const T& next) {
    return {{"now", optional_json(now)}, {"next", optional_json(next)}};
}

boost::json::array networks_json(const std::vector<ip_network>& networks) {
    boost::json::array out;
    out.reserve(networks.size());
    for (const ip_network& n : networks)
        out.emplace_back(n.to_string());
    return out;
}

const char* state_name(state s) {
    switch (s) {
    case state::unchanged:
        return "unchanged";
    case state::added:
        return "added";
    case state::removed:
        return "removed";
    case state::changed:
        break;
    }
    return "changed";
}

boost::json::object zone_json(const zone_change& z) {
    boost::json::object names;
    for (const name_change& n : z.names)
        names[n.name] = boost::json::object{{"record_now", optional_json(n.record_now)},
                                            {"record_next", optional_json(n.record_next)},
                                            {"start_passing", networks_json(n.start_passing)},
                                            {"stop_passing", networks_json(n.stop_passing)}};
    return {{"status", state_name(z.what)},
            {"serial", now_next(z.serial_now, z.serial_next)},
            {"answer_octets", now_next(z.answer_octets_now, z.answer_octets_next)},
            {"layout", now_next(z.layout_now, z.layout_next)},
            {"names", std::move(names)}};
}

} // namespace

std::string diff_text(const zone_diff& diff) {
    std::ostringstream out;
    for (const zone_change& z : diff.zones)
        write_zone(out, z);
    return out.str();
}

std::string diff_json(const zone_diff& diff) {
    boost::json::object zones;
    for (const zone_change& z : diff.zones)
        zones[z.zone] = zone_json(z);
    return boost::json::serialize(
               boost::json::object{{"differs", diff.differs}, {"zones", std::move(zones)}}) +
           "\n";
}

} // namespace spfd
