// SPDX-License-Identifier: MIT
#include "customer/dmarc_record.h"

#include "util/ascii.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace spfd {
namespace {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split(std::string_view s, char separator) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = s.find(separator, start);
        out.push_back(trimmed(s.substr(start, end - start)));
        if (end == std::string_view::npos)
            return out;
        start = end + 1;
    }
}

std::optional<dmarc_policy> policy_of(std::string_view value) {
    const std::string v = ascii_lower(value);
    if (v == "none")
        return dmarc_policy::none;
    if (v == "quarantine")
        return dmarc_policy::quarantine;
    if (v == "reject")
        return dmarc_policy::reject;
    return std::nullopt;
}

std::optional<unsigned long long> number_of(std::string_view value) {
    unsigned long long n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size())
        return std::nullopt;
    return n;
}

// dmarc-uri (§6.4): a URI with a scheme, then optionally `!` and a size with a unit;
// mailto: needs an address.
bool is_report_uri(std::string_view uri) {
    const std::size_t bang = uri.find('!');
    if (bang != std::string_view::npos) {
        std::string_view size = uri.substr(bang + 1);
        if (!size.empty() &&
            std::string_view("kmgtKMGT").find(size.back()) != std::string_view::npos)
            size.remove_suffix(1);
        if (!number_of(size))
            return false;
        uri = uri.substr(0, bang);
    }
    const std::size_t colon = uri.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon + 1 == uri.size() ||
        !((uri.front() >= 'a' && uri.front() <= 'z') || (uri.front() >= 'A' && uri.front() <= 'Z')))
        return false;
    return ascii_lower(uri.substr(0, colon)) != "mailto" ||
           uri.find('@', colon) != std::string_view::npos;
}

// fo (§6.3): 0, 1, d or s, colon-separated.
bool is_failure_options(std::string_view value) {
    const std::vector<std::string_view> parts = split(value, ':');
    return std::all_of(parts.begin(), parts.end(), [](std::string_view p) {
        return p.size() == 1 && std::string_view("01dsDS").find(p[0]) != std::string_view::npos;
    });
}

class record_reader {
  public:
    record_reader(std::string_view text, bool org_level) : org_level_(org_level) {
        out_.text = std::string(text);
    }

    dmarc_record run() {
        const std::vector<std::string_view> tags = split(out_.text, ';');
        for (std::size_t k = 1; k < tags.size(); ++k)
            if (!tags[k].empty())
                read_tag(tags[k]);
        if (!seen_.count("p") && org_level_)
            error(
                "p= is missing: the organizational domain's record needs a policy (RFC 7489 §6.3)");
        return std::move(out_);
    }

  private:
    void error(std::string message) { out_.errors.push_back(std::move(message)); }

    void read_tag(std::string_view tag_value) {
        const std::size_t eq = tag_value.find('=');
        if (eq == std::string_view::npos) {
            error("'" + std::string(tag_value) + "' is not tag=value");
            return;
        }
        const std::string tag = ascii_lower(trimmed(tag_value.substr(0, eq)));
        const std::string_view value = trimmed(tag_value.substr(eq + 1));
        if (!seen_.insert(tag).second) {
            error(tag + "= appears twice");
            return;
        }
        if (const std::optional<std::string> why = check_value(tag, value))
            error(tag + "=" + std::string(value) + ": " + *why);
    }

    // Stores a known tag's value; returns why it is invalid.
    std::optional<std::string> check_value(const std::string& tag, std::string_view value) {
        if (tag == "p" || tag == "sp") {
            out_.sp_written = out_.sp_written || tag == "sp";
            (tag == "p" ? out_.p : out_.sp) = policy_of(value);
            if (!(tag == "p" ? out_.p : out_.sp))
                return "the policy is none, quarantine or reject";
        } else if (tag == "pct") {
            const auto n = number_of(value);
            if (!n || *n > 100)
                return "a percentage is 0 to 100";
            out_.pct = static_cast<unsigned>(*n);
        } else if (tag == "adkim" || tag == "aspf") {
            const std::string v = ascii_lower(value);
            if (v != "r" && v != "s")
                return "alignment is r (relaxed) or s (strict)";
            (tag == "adkim" ? out_.adkim : out_.aspf) = v[0];
        } else if (tag == "rua" || tag == "ruf") {
            return check_uris(tag, value);
        } else if (tag == "fo") {
            if (!is_failure_options(value))
                return "failure options are 0, 1, d or s, separated by ':'";
        } else if (tag == "ri") {
            const auto n = number_of(value);
            if (!n || *n > 4294967295ULL)
                return "an interval in seconds (a 32-bit number)";
        } else if (tag == "rf") {
            if (value.empty())
                return "a report format such as afrf";
        } else {
            return "unknown tag (receivers ignore it); the tags are p sp pct adkim aspf rua ruf "
                   "fo rf ri (RFC 7489 §6.3)";
        }
        return std::nullopt;
    }

    std::optional<std::string> check_uris(const std::string& tag, std::string_view value) {
        std::optional<std::string> why;
        for (std::string_view uri : split(value, ',')) {
            if (!is_report_uri(uri))
                why = "'" + std::string(uri) +
                      "' is not a report URI such as mailto:dmarc@example.com";
            else if (tag == "rua")
                out_.rua.emplace_back(uri);
        }
        return why;
    }

    bool org_level_;
    dmarc_record out_;
    std::set<std::string> seen_;
};

} // namespace

std::string_view policy_name(dmarc_policy p) {
    switch (p) {
    case dmarc_policy::quarantine:
        return "quarantine";
    case dmarc_policy::reject:
        return "reject";
    case dmarc_policy::none:
        break;
    }
    return "none";
}

std::optional<dmarc_policy> dmarc_record::applied_policy(bool for_sub) const {
    const bool sp_invalid = sp_written && !sp;
    if (!p || sp_invalid)
        return rua.empty() ? std::nullopt : std::optional(dmarc_policy::none);
    return for_sub && sp ? sp : p;
}

bool is_dmarc_record(std::string_view text) {
    const std::size_t semicolon = text.find(';');
    const std::string_view first = text.substr(0, semicolon);
    const std::size_t eq = first.find('=');
    return eq != std::string_view::npos && trimmed(first.substr(0, eq)) == "v" &&
           trimmed(first.substr(eq + 1)) == "DMARC1";
}

dmarc_record parse_dmarc(std::string_view text, bool org_level) {
    return record_reader(text, org_level).run();
}

} // namespace spfd
