// SPDX-License-Identifier: MIT
// The plain-text sender list (a zone's senders_file, up to a million generated lines).
// Checks beyond "no crash": a refused line says why, with its position; an accepted entry
// points (line, column) at its own text in the input, is one line's entry at most, and
// prints back to a text that parses to the same network.
//
// Input: the text of one sender list.
#include "fuzz_support.h"
#include "zone/sender_list.h"

#include <algorithm>

using namespace spfd;

namespace {

// The text of line `line` (1-based) from column `column` (1-based) on.
std::string_view at(std::string_view text, std::uint32_t line, std::uint32_t column) {
    std::size_t start = 0;
    for (std::uint32_t n = 1; n < line; ++n) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            return {};
        start = end + 1;
    }
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (column == 0 || start + column - 1 > end)
        return {};
    return text.substr(start + column - 1, end - (start + column - 1));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::as_text(data, size);
    zone_spec zone;
    diagnostics found;
    parse_sender_list(text, "zones/fuzz.senders", zone, found, 5);
    fuzz::require(zone.sources.size() == 1 && zone.sources[0] == "zones/fuzz.senders",
                  "the list's file is not recorded as the entries' source");
    for (const diagnostic& d : found.items())
        fuzz::require(!d.message.empty() && d.where.file == "zones/fuzz.senders",
                      "a finding without a message or a file", to_string(d));
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    fuzz::require(zone.senders.size() + zone.includes.size() <= lines, "more entries than lines");
    for (const sender_include& i : zone.includes)
        fuzz::require(i.column > 8 && at(text, i.line, i.column - 8).starts_with("include:"),
                      "an include's position does not point at its name", i.domain);
    for (const sender& s : zone.senders) {
        const std::string_view written = at(text, s.line, s.column);
        fuzz::require(written.starts_with(s.text), "an entry's position does not point at it",
                      s.text);
        fuzz::require(s.text.find_first_of(" \t#\n") == std::string::npos,
                      "an entry's text holds a blank, comment or line end", s.text);
        const auto again = parse_network(s.network.to_string(), s.network.family());
        const auto* network = std::get_if<ip_network>(&again);
        fuzz::require(network && *network == s.network,
                      "an accepted network does not print back to itself", s.text);
        fuzz::require(s.note.find('\n') == std::string::npos, "a note spans lines", s.note);
    }
    // Every line with something before its comment is an entry or an error (while the
    // errors are listed one by one, below the limit).
    if (found.items().size() < 5) {
        std::size_t written = 0;
        for (std::size_t start = 0; start <= text.size();) {
            std::size_t end = std::min(text.find('\n', start), text.size());
            const std::string_view body = text.substr(start, end - start)
                                              .substr(0, text.substr(start, end - start).find('#'));
            if (body.find_first_not_of(" \t\r") != std::string_view::npos)
                ++written;
            start = end + 1;
        }
        fuzz::require(zone.senders.size() + zone.includes.size() + found.items().size() == written,
                      "a written line is neither an entry (an address or an include) nor an "
                      "error");
    }
    return 0;
}
