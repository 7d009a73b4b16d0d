// SPDX-License-Identifier: MIT
#include "zone/sender_list.h"

#include "dns/name.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <variant>

namespace spfd {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_blank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back()))
        s.remove_suffix(1);
    return s;
}

// Where an entry was written: the list's index in zone_spec::sources, the line, and the
// column of the entry's first character.
struct entry_place {
    std::uint16_t source;
    std::uint32_t line;
    std::size_t column;
};

struct entry_error {
    std::size_t column;
    std::string message;
};

// `include:<provider's SPF name>` with an optional ` keep_include` (`flags`).
std::variant<sender, sender_include, entry_error>
parse_include(std::string_view term, std::string_view flags, std::size_t flags_column,
              std::string_view note, const entry_place& at) {
    if (!flags.empty() && flags != "keep_include")
        return entry_error{flags_column, "unexpected \"" + std::string(flags) +
                                             "\" after the include; only 'keep_include' may "
                                             "follow it (and a # comment)"};
    const std::string_view value = term.substr(8);
    const host_name_parse name = parse_spf_target(value);
    if (!name.ok())
        return entry_error{at.column + 8,
                           "include: \"" + std::string(value) + "\" " + name.problem};
    sender_include include;
    include.domain = name.name;
    include.note = std::string(note);
    include.keep = !flags.empty();
    include.source = at.source;
    include.line = at.line;
    include.column = static_cast<std::uint32_t>(at.column + 8);
    return include;
}

// One entry, `ip4:<network>` or `ip6:<network>` with an optional ` wide` after it (`body`,
// trimmed, without the comment, which is `note`).
std::variant<sender, sender_include, entry_error>
parse_entry(std::string_view body, std::string_view note, const entry_place& at) {
    const std::size_t space = body.find_first_of(" \t");
    const std::string_view term = body.substr(0, space);
    const std::string_view flags =
        space == body.npos ? std::string_view{} : trim(body.substr(space));
    const std::size_t flags_column =
        at.column + static_cast<std::size_t>(flags.data() - body.data());
    if (term.starts_with("include:"))
        return parse_include(term, flags, flags_column, note, at);
    ip_family family;
    if (term.starts_with("ip4:"))
        family = ip_family::v4;
    else if (term.starts_with("ip6:"))
        family = ip_family::v6;
    else
        return entry_error{at.column, "\"" + std::string(term) +
                                          "\" is not an entry; write ip4:<address or network>, "
                                          "ip6:<…> or include:<domain>, one per line, as in "
                                          "the SPF record"};
    if (!flags.empty() && flags != "wide")
        return entry_error{flags_column,
                           "unexpected \"" + std::string(flags) +
                               "\" after the entry; only 'wide' may follow it (and a # comment)"};
    const std::string_view value = term.substr(4);
    auto parsed = parse_network(value, family);
    if (const auto* e = std::get_if<network_parse_error>(&parsed))
        return entry_error{at.column + 4, std::string(term.substr(0, 3)) + ": " + e->message};
    return sender{std::get<ip_network>(parsed),
                  std::string(value),
                  std::string(note),
                  flags == "wide",
                  at.source,
                  at.line,
                  static_cast<std::uint32_t>(at.column + 4)};
}

} // namespace

void parse_sender_list(std::string_view text, const std::string& file, zone_spec& zone,
                       diagnostics& out, std::size_t max_errors) {
    if (zone.sources.size() >= std::numeric_limits<std::uint16_t>::max())
        return;
    const auto source = static_cast<std::uint16_t>(zone.sources.size());
    zone.sources.push_back(file);
    // One entry per line at most: reserving avoids copying a million entries while growing.
    zone.senders.reserve(zone.senders.size() +
                         static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
    std::size_t errors = 0;
    std::uint32_t line_number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view line = text.substr(start, end - start);
        const std::size_t line_start = start;
        start = end + 1;
        ++line_number;

        const std::size_t hash = line.find('#');
        const std::string_view note =
            hash == line.npos ? std::string_view{} : trim(line.substr(hash + 1));
        const std::string_view body = trim(line.substr(0, hash));
        if (body.empty())
            continue;
        const std::size_t column =
            static_cast<std::size_t>(body.data() - text.data()) - line_start + 1;
        auto entry = parse_entry(body, note, {source, line_number, column});
        if (auto* s = std::get_if<sender>(&entry))
            zone.senders.push_back(std::move(*s));
        else if (auto* i = std::get_if<sender_include>(&entry))
            zone.includes.push_back(std::move(*i));
        else if (++errors <= max_errors)
            out.error({file, line_number, static_cast<std::uint32_t>(std::get<2>(entry).column)},
                      std::move(std::get<2>(entry).message));
    }
    if (errors > max_errors)
        out.error({file, 0, 0}, std::to_string(errors - max_errors) + " more errors not shown (" +
                                    std::to_string(errors) + " in all)");
}

} // namespace spfd
