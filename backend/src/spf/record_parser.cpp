// SPDX-License-Identifier: MIT
#include "spf/record_parser.h"

#include "spf/macro_string.h"
#include "util/ascii.h"

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <charconv>

namespace spfd {
namespace asio_ip = boost::asio::ip;

namespace {

constexpr std::string_view version_tag = "v=spf1";
constexpr std::size_t max_label_octets = 63;   // RFC 1035 §2.3.4
constexpr std::size_t max_domain_octets = 253; // text form without the final dot (§4.8)

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
    return is_alpha(c) || is_digit(c);
}
bool all_digits(std::string_view s) {
    for (char c : s)
        if (!is_digit(c))
            return false;
    return !s.empty();
}
std::string log_quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool is_toplabel(std::string_view label) {
    if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back()))
        return false;
    bool alpha = false, hyphen = false;
    for (char c : label) {
        if (c == '-')
            hyphen = true;
        else if (is_alpha(c))
            alpha = true;
        else if (!is_digit(c))
            return false;
    }
    return alpha || hyphen;
}

// Label checks that hold for any name a receiver can query: no empty label, none over
// 63 octets, at most 253 in all. Labels holding a macro are only checked for emptiness;
// their length is known after expansion, which truncates from the left anyway (§4.8).
std::optional<std::string> check_labels(std::string_view spec, bool has_macros) {
    std::string_view name = spec;
    if (!name.empty() && name.back() == '.')
        name.remove_suffix(1);
    if (!has_macros && name.size() > max_domain_octets)
        return "is " + std::to_string(name.size()) + " octets long; a domain has at most " +
               std::to_string(max_domain_octets);
    std::size_t start = 0;
    bool in_macro = false, label_has_macro = false;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        const char c = i < name.size() ? name[i] : '.';
        if (in_macro) {
            in_macro = c != '}';
            continue;
        }
        if (c == '%') {
            label_has_macro = true;
            in_macro = i + 1 < name.size() && name[i + 1] == '{';
            continue;
        }
        if (c != '.')
            continue;
        const std::size_t len = i - start;
        if (len == 0)
            return "has an empty label";
        if (!label_has_macro && len > max_label_octets)
            return "has a label of " + std::to_string(len) + " octets; the limit is " +
                   std::to_string(max_label_octets);
        start = i + 1;
        label_has_macro = false;
    }
    return std::nullopt;
}

struct domain_check {
    std::optional<std::string> error;
    bool has_macros = false;
    bool uses_p = false;
};

// domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand
domain_check check_domain_spec(std::string_view spec) {
    domain_check out;
    if (spec.empty()) {
        out.error = "the domain is empty";
        return out;
    }
    const macro_string scan = parse_macro_string(spec, macro_context::domain_spec);
    out.has_macros = scan.has_macros;
    out.uses_p = scan.uses_p;
    if (scan.error) {
        out.error = log_quoted(spec) + " " + *scan.error;
        return out;
    }
    if (!scan.ends_with_macro) {
        std::string_view tail = scan.tail;
        if (!tail.empty() && tail.back() == '.')
            tail.remove_suffix(1);
        const std::size_t dot = tail.rfind('.');
        if (dot == std::string_view::npos) {
            out.error = log_quoted(spec) +
                        " is not a domain: it must end in a top-level label such as '.com', "
                        "or in a macro (§7.1)";
            return out;
        }
        const std::string_view top = tail.substr(dot + 1);
        if (!is_toplabel(top)) {
            out.error = log_quoted(spec) + " ends in " + log_quoted(top) +
                        ", which is not a top-level label: letters, digits and inner hyphens, "
                        "not all digits (§7.1)";
            return out;
        }
    }
    if (auto e = check_labels(spec, scan.has_macros))
        out.error = log_quoted(spec) + " " + *e;
    return out;
}

// ip4-cidr-length / ip6-cidr-length: "0" or no leading zero, at most `max` (§12).
std::optional<std::string> parse_cidr(std::string_view digits, unsigned max, unsigned& value) {
    const std::string family = max == 32 ? "IPv4" : "IPv6";
    if (!all_digits(digits))
        return "the " + family + " prefix length " + log_quoted("/" + std::string(digits)) +
               " is not a number";
    if (digits.size() > 1 && digits[0] == '0')
        return "the prefix length " + log_quoted("/" + std::string(digits)) +
               " has a leading zero (§5.6)";
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size() || value > max)
        return "the " + family + " prefix length /" + std::string(digits) +
               " is out of range /0 to /" + std::to_string(max) + " (§5.6)";
    return std::nullopt;
}

// ip4-network = qnum "." qnum "." qnum "." qnum, no leading zeros (§12).
std::optional<std::string> why_not_ip4_network(std::string_view text) {
    unsigned parts = 0;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = text.find('.', start);
        const std::string_view part =
            text.substr(start, dot == std::string_view::npos ? dot : dot - start);
        ++parts;
        if (!all_digits(part) || part.size() > 3)
            return log_quoted(text) + " is not a dotted-quad IPv4 address";
        if (part.size() > 1 && part[0] == '0')
            return log_quoted(text) + ": " + log_quoted(part) + " has a leading zero (§12 qnum)";
        if (std::stoi(std::string(part)) > 255)
            return log_quoted(text) + ": " + std::string(part) + " is larger than 255";
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    if (parts != 4)
        return log_quoted(text) +
               " is not a dotted-quad IPv4 address (four numbers, no shortening)";
    return std::nullopt;
}

bool is_mechanism_kind(spf_term_kind k) {
    return k != spf_term_kind::redirect && k != spf_term_kind::exp &&
           k != spf_term_kind::unknown_modifier;
}

std::optional<spf_term_kind> mechanism_by_name(std::string_view name) {
    static constexpr std::pair<std::string_view, spf_term_kind> names[] = {
        {"all", spf_term_kind::all}, {"include", spf_term_kind::include},
        {"a", spf_term_kind::a},     {"mx", spf_term_kind::mx},
        {"ptr", spf_term_kind::ptr}, {"ip4", spf_term_kind::ip4},
        {"ip6", spf_term_kind::ip6}, {"exists", spf_term_kind::exists}};
    for (const auto& [n, k] : names)
        if (iequals(name, n))
            return k;
    return std::nullopt;
}

// A term cut at its name: [qualifier] name, then `=` value (a modifier) or the rest (a
// mechanism's argument).
struct term_head {
    std::optional<spf_qualifier> qualifier; // when one was written
    std::string_view name;
    std::string_view arg; // a modifier's value after the `=`, a mechanism's `:…` or `/…`
    bool is_modifier = false;
};

term_head split_term(std::string_view text) {
    term_head head;
    if (!text.empty() && std::string_view("+-~?").find(text.front()) != std::string_view::npos) {
        head.qualifier = text.front() == '-'   ? spf_qualifier::fail
                         : text.front() == '~' ? spf_qualifier::softfail
                         : text.front() == '?' ? spf_qualifier::neutral
                                               : spf_qualifier::pass;
        text.remove_prefix(1);
    }
    // A name runs up to the first character that cannot be part of one; '=' then makes
    // the term a modifier, anything else a mechanism (§4.6.1, §12).
    std::size_t n = 0;
    while (n < text.size() &&
           (is_alnum(text[n]) || text[n] == '-' || text[n] == '_' || text[n] == '.'))
        ++n;
    head.name = text.substr(0, n);
    head.arg = text.substr(n);
    head.is_modifier = !head.arg.empty() && head.arg.front() == '=';
    if (head.is_modifier)
        head.arg.remove_prefix(1);
    return head;
}

// Modifiers seen so far, well-formed or not: a second redirect= is an error even when the
// first one was malformed.
struct modifier_counts {
    unsigned redirect = 0;
    unsigned exp = 0;
};

// Parses one term and appends it, or its errors, to the result.
class term_parser {
  public:
    term_parser(spf_parse_result& result, modifier_counts& seen, std::string_view text,
                std::size_t offset)
        : result_(result), seen_(seen), text_(text), offset_(offset) {}

    void run() {
        term_.text = std::string(text_);
        term_.offset = offset_;
        const term_head head = split_term(text_);
        if (head.qualifier) {
            term_.explicit_qualifier = true;
            term_.qualifier = *head.qualifier;
        }
        if (head.is_modifier)
            parse_modifier(head.name, head.arg);
        else
            parse_mechanism(head.name, head.arg);
    }

  private:
    void error(std::string message) {
        result_.errors.push_back({std::string(text_), offset_, std::move(message)});
        failed_ = true;
    }
    void warning(std::string message) {
        result_.warnings.push_back({std::string(text_), offset_, std::move(message)});
    }
    void keep() {
        if (!failed_)
            result_.terms.push_back(std::move(term_));
    }

    bool set_domain(std::string_view spec, std::string_view what) {
        const domain_check d = check_domain_spec(spec);
        if (d.error) {
            error(std::string(what) + ": " + *d.error);
            return false;
        }
        if (d.uses_p)
            warning("the p macro SHOULD NOT be used: slow and unreliable (§7.3)");
        term_.domain_spec = std::string(spec);
        term_.has_macros = d.has_macros;
        return true;
    }

    void parse_modifier(std::string_view name, std::string_view value) {
        if (term_.explicit_qualifier) {
            error("a modifier takes no qualifier; remove the " + log_quoted(text_.substr(0, 1)));
            return;
        }
        if (name.empty() || !is_alpha(name.front())) {
            error("invalid modifier name " + log_quoted(name) +
                  ": it must start with a letter (§12)");
            return;
        }
        if (iequals(name, "redirect") || iequals(name, "exp")) {
            const bool redirect = iequals(name, "redirect");
            term_.kind = redirect ? spf_term_kind::redirect : spf_term_kind::exp;
            if (++(redirect ? seen_.redirect : seen_.exp) > 1) {
                error(std::string(redirect ? "redirect" : "exp") +
                      "= appears more than once; it may appear at most once (§6)");
                return;
            }
            set_domain(value, redirect ? "redirect=" : "exp=");
            keep();
            return;
        }
        term_.kind = spf_term_kind::unknown_modifier;
        term_.modifier_name = std::string(name);
        term_.modifier_value = std::string(value);
        const macro_string scan = parse_macro_string(value, macro_context::any_letter);
        if (scan.error) {
            error("the value of modifier " + log_quoted(name) + " " + *scan.error);
            return;
        }
        term_.has_macros = scan.has_macros;
        if (mechanism_by_name(name))
            warning(log_quoted(std::string(name) + "=") +
                    " is an unknown modifier, which receivers ignore; did you mean " +
                    log_quoted(std::string(name) + ":") + "?");
        keep();
    }

    void parse_mechanism(std::string_view name, std::string_view arg) {
        if (name.empty()) {
            error(text_.size() == 1 && term_.explicit_qualifier
                      ? "a qualifier without a mechanism"
                      : "not a mechanism or modifier: a term starts with a name such as "
                        "'include' or 'ip4' (§4.6.1)");
            return;
        }
        const auto kind = mechanism_by_name(name);
        if (!kind) {
            std::string message = "unknown mechanism " + log_quoted(name) + " (§5)";
            if (iequals(name, "redirect") || iequals(name, "exp"))
                message += "; did you mean " + log_quoted(ascii_lower(name) + "=") + "?";
            error(std::move(message));
            return;
        }
        term_.kind = *kind;
        if (parse_mechanism_argument(*kind, ascii_lower(name), arg))
            keep();
    }

    // What follows the mechanism's name (§5.1-§5.7); false after an error.
    bool parse_mechanism_argument(spf_term_kind kind, const std::string& mech,
                                  std::string_view arg) {
        switch (kind) {
        case spf_term_kind::all:
            return parse_all(arg);
        case spf_term_kind::include:
        case spf_term_kind::exists:
            if (arg.empty() || arg.front() != ':') {
                error(mech + " needs a domain: " + mech + ":<domain> (§5)");
                return false;
            }
            return set_domain(arg.substr(1), mech + ":");
        case spf_term_kind::ptr:
            return parse_ptr(arg);
        case spf_term_kind::a:
        case spf_term_kind::mx:
            return parse_a_mx(mech, arg);
        case spf_term_kind::ip4:
        case spf_term_kind::ip6:
            return parse_ip(kind == spf_term_kind::ip4, mech, arg);
        default:
            return true;
        }
    }

    bool parse_all(std::string_view arg) {
        if (!arg.empty()) {
            error("'all' takes no argument");
            return false;
        }
        if (term_.qualifier == spf_qualifier::pass)
            warning(std::string(term_.explicit_qualifier ? "'+all'" : "'all' (that is +all)") +
                    " passes mail from every host on the Internet");
        return true;
    }

    // ptr [ ":" domain-spec ] (§5.5)
    bool parse_ptr(std::string_view arg) {
        warning("ptr SHOULD NOT be published: slow, unreliable, and ignored by some "
                "receivers (§5.5)");
        if (arg.empty())
            return true;
        if (arg.front() != ':') {
            error("'ptr' takes only an optional ':<domain>'");
            return false;
        }
        return set_domain(arg.substr(1), "ptr:");
    }

    // a / mx [ ":" domain-spec ] [ dual-cidr-length ]; dual-cidr-length =
    // [ ip4-cidr-length ] [ "/" ip6-cidr-length ]. A domain-spec may itself contain '/'
    // (a macro-literal), so the cidr lengths are taken from the end.
    bool parse_a_mx(const std::string& mech, std::string_view arg) {
        if (arg.empty())
            return true;
        std::string_view domain;
        std::string_view cidr;
        const std::string_view written = arg.substr(1);
        if (arg.front() == ':') {
            domain = written;
            std::size_t cut = domain.size();
            const std::size_t v6 = domain.rfind("//");
            if (v6 != std::string_view::npos && all_digits(domain.substr(v6 + 2)))
                cut = v6;
            const std::size_t v4 = domain.substr(0, cut).rfind('/');
            if (v4 != std::string_view::npos && all_digits(domain.substr(v4 + 1, cut - v4 - 1)))
                cut = v4;
            cidr = domain.substr(cut);
            domain = domain.substr(0, cut);
            if (domain.empty()) {
                error("empty domain after " + log_quoted(mech + ":"));
                return false;
            }
        } else if (arg.front() == '/') {
            cidr = arg;
        } else {
            error("unexpected " + log_quoted(arg.substr(0, 1)) + " after " + log_quoted(mech) +
                  "; write " + mech + ", " + mech + ":<domain> or " + mech + "/<prefix>");
            return false;
        }
        if (!domain.empty()) {
            if (const std::size_t slash = domain.rfind('/');
                slash != std::string_view::npos && all_digits(domain.substr(slash + 1))) {
                error(
                    "malformed dual-cidr-length " + log_quoted(written.substr(written.find('/'))) +
                    "; write /<ip4-prefix>, //<ip6-prefix> or /<ip4-prefix>//<ip6-prefix> (§5.6)");
                return false;
            }
            if (!set_domain(domain, mech + ":"))
                return false;
        }
        return parse_dual_cidr(cidr);
    }

    bool parse_dual_cidr(std::string_view cidr) {
        if (cidr.empty())
            return true;
        const auto malformed = [&] {
            error("malformed dual-cidr-length " + log_quoted(cidr) +
                  "; write /<ip4-prefix>, //<ip6-prefix> or /<ip4-prefix>//<ip6-prefix> (§5.6)");
            return false;
        };
        std::string_view v4_text, v6_text;
        const std::size_t dbl = cidr.find("//");
        if (dbl != std::string_view::npos) {
            v6_text = cidr.substr(dbl + 2);
            if (v6_text.empty() || v6_text.find('/') != std::string_view::npos)
                return malformed();
            if (dbl > 0) {
                v4_text = cidr.substr(1, dbl - 1);
                if (v4_text.empty() || v4_text.find('/') != std::string_view::npos)
                    return malformed();
            }
        } else {
            v4_text = cidr.substr(1);
            if (v4_text.empty() || v4_text.find('/') != std::string_view::npos)
                return malformed();
        }
        unsigned value = 0;
        if (!v4_text.empty()) {
            if (auto e = parse_cidr(v4_text, 32, value)) {
                error(std::move(*e));
                return false;
            }
            term_.ip4_cidr = value;
        }
        if (!v6_text.empty()) {
            if (auto e = parse_cidr(v6_text, 128, value)) {
                error(std::move(*e));
                return false;
            }
            term_.ip6_cidr = value;
        }
        return true;
    }

    // ip4 ":" ip4-network [ ip4-cidr-length ] / ip6 ":" ip6-network [ ip6-cidr-length ]
    bool parse_ip(bool v4, const std::string& mech, std::string_view arg) {
        if (arg.empty() || arg.front() != ':' || arg.size() == 1) {
            error(mech + " needs an address: " + mech +
                  (v4 ? ":192.0.2.1 or ip4:192.0.2.0/24" : ":2001:db8::1 or ip6:2001:db8::/32"));
            return false;
        }
        arg.remove_prefix(1);
        const std::size_t slash = arg.find('/');
        const std::string_view addr = arg.substr(0, slash);
        const unsigned max = v4 ? 32 : 128;
        unsigned prefix = max;
        if (slash != std::string_view::npos) {
            if (auto e = parse_cidr(arg.substr(slash + 1), max, prefix)) {
                error(std::move(*e));
                return false;
            }
            (v4 ? term_.ip4_cidr : term_.ip6_cidr) = prefix;
        }
        boost::system::error_code ec;
        if (v4) {
            if (auto e = why_not_ip4_network(addr)) {
                error(std::move(*e));
                return false;
            }
            const asio_ip::address_v4 a = asio_ip::make_address_v4(std::string(addr), ec);
            if (ec) {
                error(log_quoted(addr) + " is not an IPv4 address");
                return false;
            }
            term_.address = a;
            const asio_ip::network_v4 net(a, static_cast<unsigned short>(prefix));
            if (net.network() != a)
                warning("host bits set in " + log_quoted(arg) + "; receivers match " +
                        net.canonical().to_string());
            return true;
        }
        // RFC 4291 §2.2 text: hex digits, ':' and an optional trailing dotted quad. Asio
        // would also take a zone id ("%eth0"); SPF has none.
        if (addr.empty() ||
            addr.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
            error(log_quoted(addr) + " is not an IPv6 address (RFC 4291 §2.2)");
            return false;
        }
        const asio_ip::address_v6 a = asio_ip::make_address_v6(std::string(addr), ec);
        if (ec) {
            error(log_quoted(addr) + " is not an IPv6 address (RFC 4291 §2.2)");
            return false;
        }
        term_.address = a;
        const asio_ip::network_v6 net(a, static_cast<unsigned short>(prefix));
        if (net.network() != a)
            warning("host bits set in " + log_quoted(arg) + "; receivers match " +
                    net.canonical().to_string());
        return true;
    }

    spf_parse_result& result_;
    modifier_counts& seen_;
    std::string_view text_;
    std::size_t offset_;
    spf_term term_;
    bool failed_ = false;
};

} // namespace

bool spf_term::is_mechanism() const {
    return is_mechanism_kind(kind);
}

unsigned spf_term::prefix_length() const {
    if (kind == spf_term_kind::ip4)
        return ip4_cidr.value_or(32);
    if (kind == spf_term_kind::ip6)
        return ip6_cidr.value_or(128);
    return 0;
}

char qualifier_char(spf_qualifier q) {
    switch (q) {
    case spf_qualifier::fail:
        return '-';
    case spf_qualifier::softfail:
        return '~';
    case spf_qualifier::neutral:
        return '?';
    case spf_qualifier::pass:
        break;
    }
    return '+';
}

std::string_view term_kind_name(spf_term_kind kind) {
    switch (kind) {
    case spf_term_kind::all:
        return "all";
    case spf_term_kind::include:
        return "include";
    case spf_term_kind::a:
        return "a";
    case spf_term_kind::mx:
        return "mx";
    case spf_term_kind::ptr:
        return "ptr";
    case spf_term_kind::ip4:
        return "ip4";
    case spf_term_kind::ip6:
        return "ip6";
    case spf_term_kind::exists:
        return "exists";
    case spf_term_kind::redirect:
        return "redirect";
    case spf_term_kind::exp:
        return "exp";
    case spf_term_kind::unknown_modifier:
        break;
    }
    return "unknown-modifier";
}

bool is_spf_record(std::string_view text) {
    return istarts_with(text, version_tag) &&
           (text.size() == version_tag.size() || text[version_tag.size()] == ' ');
}

std::optional<spf_term_kind> term_kind_of(std::string_view term) {
    const term_head head = split_term(term);
    if (!head.is_modifier)
        return mechanism_by_name(head.name);
    if (iequals(head.name, "redirect"))
        return spf_term_kind::redirect;
    return iequals(head.name, "exp") ? spf_term_kind::exp : spf_term_kind::unknown_modifier;
}

std::optional<std::string> check_macro_string(std::string_view text, macro_context context) {
    if (context == macro_context::domain_spec)
        return check_domain_spec(text).error;
    return parse_macro_string(text, context).error;
}

spf_parse_result parse_spf(std::string_view record) {
    spf_parse_result result;
    if (!is_spf_record(record)) {
        const std::string_view first = record.substr(0, record.find(' '));
        std::string message = "not an SPF record: it must begin with 'v=spf1' followed by a "
                              "space or the end of the record (§4.5)";
        if (first.size() > version_tag.size() && istarts_with(first, version_tag))
            message += "; " + log_quoted(first) + " is a different version";
        result.errors.push_back({std::string(first), 0, std::move(message)});
        return result;
    }
    result.is_spf = true;

    // terms = *( 1*SP ( directive / modifier ) ), then *SP: only the space separates.
    modifier_counts seen;
    std::size_t pos = version_tag.size();
    while (pos < record.size()) {
        if (record[pos] == ' ') {
            ++pos;
            continue;
        }
        std::size_t end = record.find(' ', pos);
        if (end == std::string_view::npos)
            end = record.size();
        const std::string_view text = record.substr(pos, end - pos);
        std::size_t bad = 0;
        while (bad < text.size() && static_cast<unsigned char>(text[bad]) >= 0x21 &&
               static_cast<unsigned char>(text[bad]) <= 0x7e)
            ++bad;
        if (bad < text.size())
            result.errors.push_back({std::string(text), pos,
                                     "contains " +
                                         describe_char(static_cast<unsigned char>(text[bad])) +
                                         "; terms are visible ASCII separated by spaces (§12)"});
        else
            term_parser(result, seen, text, pos).run();
        pos = end;
    }

    // Findings about the record as a whole, placed on the terms they concern.
    const spf_term_summary summary = summarize_terms(result.terms);
    for (std::size_t i = 0; i < result.terms.size(); ++i) {
        const spf_term& t = result.terms[i];
        if (summary.all_index && i > *summary.all_index && t.is_mechanism())
            result.warnings.push_back(
                {t.text, t.offset, "never evaluated: mechanisms after 'all' are ignored (§5.1)"});
        if (t.kind == spf_term_kind::redirect && summary.redirect_ignored)
            result.warnings.push_back(
                {t.text, t.offset, "ignored: the record has an 'all' mechanism (§6.1)"});
    }
    return result;
}

spf_term_summary summarize_terms(const std::vector<spf_term>& terms) {
    spf_term_summary s;
    for (std::size_t i = 0; i < terms.size(); ++i) {
        const spf_term& t = terms[i];
        s.has_macros = s.has_macros || t.has_macros;
        const bool reachable = !s.all_index.has_value();
        switch (t.kind) {
        case spf_term_kind::include:
            ++s.includes;
            break;
        case spf_term_kind::a:
            ++s.a;
            break;
        case spf_term_kind::mx:
            ++s.mx;
            break;
        case spf_term_kind::ptr:
            ++s.ptr;
            break;
        case spf_term_kind::exists:
            ++s.exists;
            break;
        case spf_term_kind::redirect:
            s.has_redirect = true;
            break;
        case spf_term_kind::exp:
            s.has_exp = true;
            break;
        case spf_term_kind::all:
            if (!s.all_index) {
                s.all_index = i;
                s.all_qualifier = t.qualifier;
            }
            break;
        default:
            break;
        }
        if (t.is_mechanism() && !reachable)
            ++s.mechanisms_after_all;
        if (!costs_dns_lookup(t.kind))
            continue;
        ++s.querying_terms;
        if (t.kind != spf_term_kind::redirect && reachable)
            ++s.reachable_lookups;
    }
    // redirect is ignored when 'all' appears anywhere in the record (§6.1).
    s.redirect_ignored = s.has_redirect && s.all_index.has_value();
    if (s.has_redirect && !s.all_index)
        ++s.reachable_lookups;
    return s;
}

std::vector<std::string> split_record_terms(std::string_view text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find(' ', pos);
        if (end == std::string_view::npos)
            end = text.size();
        if (end > pos)
            out.emplace_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

} // namespace spfd
