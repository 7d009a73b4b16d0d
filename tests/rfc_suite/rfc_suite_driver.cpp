// SPDX-License-Identifier: MIT
// Runs pyspf's RFC 7208 / RFC 4408 test scenarios against check_host(). run_suite.py turns
// the YAML into JSON on stdin: {"scenarios":[{"description","zone":{name:[entry…]},
// "tests":[{"name","helo","host","mailfrom","results":[…],"explanation"}]}]}. Prints each
// failure, then "N passed, M failed"; exit status 1 when one failed.

#include "spf/check_host.h"

#include <boost/json.hpp>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace json = boost::json;
using namespace spfd;

namespace {

// One record value as dns_response::records has it: TXT strings concatenated (§3.3), MX
// "preference exchange", names lower case without the final dot.
std::string record_text(std::string_view type, const json::value& value) {
    if (type == "TXT" || type == "SPF") {
        std::string out;
        for (const json::value& s : value.as_array())
            out += json::value_to<std::string>(s);
        return out;
    }
    if (type == "MX") {
        const json::array& mx = value.as_array();
        return std::to_string(mx.at(0).to_number<int>()) + " " +
               normalized_domain(json::value_to<std::string>(mx.at(1)));
    }
    const std::string text = json::value_to<std::string>(value);
    return type == "A" || type == "AAAA" ? text : normalized_domain(text);
}

// The suite's DNS as pyspf's test driver (testspf.py) serves it: an unlisted name is
// NXDOMAIN (a DNS error if it starts with "error."), TIMEOUT fails the query unless records
// of the asked type came first, CNAMEs are followed (a loop is an error).
class suite_dns : public spf_resolver {
  public:
    explicit suite_dns(const json::object& zone) : zone_(zone) {}

    dns_lookup lookup(const std::string& name, dns_type type) override {
        std::set<std::string> seen;
        return lookup_following(name, type, seen);
    }

  private:
    static dns_lookup failed(std::string why) {
        dns_lookup r;
        r.status = dns_lookup::outcome::error;
        r.error = std::move(why);
        return r;
    }

    dns_lookup lookup_following(const std::string& name, dns_type type,
                                std::set<std::string>& seen) {
        if (!seen.insert(name).second)
            return failed("CNAME loop at " + name);
        const json::value* entries = zone_.if_contains(name);
        if (!entries) {
            dns_lookup r;
            if (name.starts_with("error."))
                return failed("timeout");
            r.status = dns_lookup::outcome::nxdomain;
            return r;
        }
        dns_lookup r;
        for (const json::value& entry : entries->as_array()) {
            if (entry.is_string()) // TIMEOUT
                return r.records.empty() ? failed("timeout") : r;
            const std::string rtype = json::value_to<std::string>(entry.as_array().at(0));
            const json::value& value = entry.as_array().at(1);
            if (rtype == "CNAME")
                return lookup_following(record_text(rtype, value), type, seen);
            if (rtype == dns_type_name(type))
                r.records.push_back(record_text(rtype, value));
        }
        return r;
    }

    const json::object& zone_;
};

struct suite_test {
    std::string name, helo, host, mailfrom;
    std::vector<std::string> results;
    std::optional<std::string> explanation;
};

suite_test read_test(const json::object& t) {
    suite_test out;
    out.name = json::value_to<std::string>(t.at("name"));
    out.helo = json::value_to<std::string>(t.at("helo"));
    out.host = json::value_to<std::string>(t.at("host"));
    out.mailfrom = json::value_to<std::string>(t.at("mailfrom"));
    out.results = json::value_to<std::vector<std::string>>(t.at("results"));
    if (const json::value& e = t.at("explanation"); e.is_string())
        out.explanation = json::value_to<std::string>(e);
    return out;
}

// What the test got wrong, or nothing. pyspf's driver sets the default explanation to
// "DEFAULT", which is what a fail without an exp= explanation compares as.
std::optional<std::string> run_test(spf_resolver& dns, const suite_test& t) {
    spf_request request;
    request.ip = boost::asio::ip::make_address(t.host);
    request.sender = t.mailfrom;
    request.helo = t.helo;
    const spf_evaluation e = check_host(dns, request, request.checked_domain());
    const std::string result(result_name(e.result));
    const std::string explanation = e.explanation.empty() ? "DEFAULT" : e.explanation;
    std::string wrong;
    if (std::find(t.results.begin(), t.results.end(), result) == t.results.end())
        wrong += "result " + result + " (" + e.reason + "), expected " + t.results.front();
    if (t.explanation && *t.explanation != explanation)
        wrong += (wrong.empty() ? "" : "; ") + std::string("explanation '") + explanation +
                 "', expected '" + *t.explanation + "'";
    if (wrong.empty())
        return std::nullopt;
    return wrong;
}

} // namespace

int main() {
    const std::string input{std::istreambuf_iterator<char>(std::cin), {}};
    const json::value suite = json::parse(input);
    unsigned passed = 0, failed = 0;
    for (const json::value& scenario : suite.at("scenarios").as_array()) {
        suite_dns dns(scenario.at("zone").as_object());
        for (const json::value& test : scenario.at("tests").as_array()) {
            const suite_test t = read_test(test.as_object());
            if (const auto wrong = run_test(dns, t)) {
                ++failed;
                std::cout << "FAILED " << t.name << ": " << *wrong << "\n";
            } else {
                ++passed;
            }
        }
    }
    std::cout << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}
