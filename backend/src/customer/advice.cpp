// SPDX-License-Identifier: MIT
#include "customer/advice.h"

#include "customer/customer_check.h"

#include <algorithm>

namespace spfd {
namespace {

bool has(const customer_report& r, std::string_view code) {
    return std::any_of(r.problems.begin(), r.problems.end(),
                       [&](const customer_problem& p) { return p.code == code; });
}

struct texts {
    const char* intro;       // %d: the domain
    const char* replace;     // the record exists: replace it
    const char* add;         // there is none: add it
    const char* one_only;    // never two v=spf1 records
    const char* delete_many; // there are several: delete all but this one
    const char* type99;      // delete type-99 records
    const char* direct;      // our IPs listed directly
    const char* lookups;     // too many lookups
    const char* syntax;      // their record has a syntax error
    const char* all_choice;  // the `all` at the end
    const char* plus_all;    // they have +all or ?all
    const char* propagation; // how long it takes
};

constexpr texts german{
    "Damit Empfänger Mails, die Connectoor in Ihrem Namen versendet, als berechtigt erkennen, "
    "muss der SPF-Eintrag Ihrer Domain %d unsere Domainliste einbinden.\n",
    "Ersetzen Sie in der DNS-Verwaltung Ihrer Domain den vorhandenen TXT-Eintrag, der mit "
    "\"v=spf1\" beginnt (Name \"@\" bzw. %d.), durch genau diesen Inhalt:\n",
    "Legen Sie in der DNS-Verwaltung Ihrer Domain einen TXT-Eintrag an (Name \"@\" bzw. %d.) "
    "mit genau diesem Inhalt:\n",
    "Es darf nur einen TXT-Eintrag mit \"v=spf1\" geben: zwei solche Einträge machen beide "
    "ungültig.\n",
    "Derzeit gibt es mehrere Einträge mit \"v=spf1\": löschen Sie alle bis auf diesen einen.\n",
    "Löschen Sie die Einträge vom veralteten Typ \"SPF\" (Typ 99); sie werden nicht mehr "
    "ausgewertet.\n",
    "Sie nennen unsere IP-Adressen direkt. Diese ändern sich gelegentlich; mit "
    "\"include:%a\" bleiben sie automatisch aktuell. Sie können die direkten Angaben danach "
    "entfernen.\n",
    "Ihr Eintrag benötigt mehr als 10 DNS-Abfragen; Empfänger werten ihn dann als Fehler. "
    "Entfernen Sie nicht mehr benötigte include-, a- oder mx-Angaben.\n",
    "Ihr bisheriger Eintrag enthält einen Syntaxfehler (%e); Empfänger verwerfen ihn ganz. "
    "Korrigieren Sie diese Angabe, bevor Sie den Eintrag übernehmen.\n",
    "Zum \"all\" am Ende: ~all markiert Mails nicht genannter Server als verdächtig (empfohlen), "
    "-all erklärt sie für nicht berechtigt. +all und ?all sollten Sie nicht verwenden: damit "
    "dürfte jeder Server in Ihrem Namen senden.\n",
    "Ihr Eintrag endet derzeit mit +all oder ?all. Wir empfehlen ~all.\n",
    "Die Änderung kann je nach Einstellungen Ihrer DNS-Zone bis zu 24 Stunden brauchen, bis "
    "sie überall sichtbar ist. Bereits \"gelernte\" Spam-Einstufungen (z. B. bei Google Mail) "
    "können sich erst nach einigen Tagen bessern.\n"};

constexpr texts english{
    "For receivers to accept mail that Connectoor sends on your behalf, the SPF record of your "
    "domain %d must include our list of servers.\n",
    "In your domain's DNS settings, replace the existing TXT record that starts with "
    "\"v=spf1\" (name \"@\", i.e. %d.) with exactly this content:\n",
    "In your domain's DNS settings, add a TXT record (name \"@\", i.e. %d.) with exactly this "
    "content:\n",
    "There must be only one TXT record starting with \"v=spf1\": two such records make both "
    "invalid.\n",
    "There are several records starting with \"v=spf1\" now: delete all but this one.\n",
    "Delete the records of the obsolete type \"SPF\" (type 99); receivers ignore them.\n",
    "Your record lists our IP addresses directly. They change from time to time; "
    "\"include:%a\" keeps them current automatically. You can remove the direct entries "
    "afterwards.\n",
    "Your record needs more than 10 DNS lookups, which receivers treat as an error. Remove "
    "include, a or mx terms you no longer need.\n",
    "Your current record has a syntax error (%e), so receivers discard all of it. Correct "
    "that term before you publish the record.\n",
    "About the \"all\" at the end: ~all marks mail from servers not listed as suspicious "
    "(recommended), -all declares it unauthorised. Do not use +all or ?all: they let any "
    "server send in your name.\n",
    "Your record currently ends in +all or ?all. We recommend ~all.\n",
    "Depending on your DNS zone's settings the change can take up to 24 hours to be visible "
    "everywhere. Spam ratings receivers have already \"learned\" (e.g. Google Mail) may take a "
    "few days to improve.\n"};

std::string fill(const char* text, const customer_report& r) {
    std::string out = text;
    for (std::size_t pos; (pos = out.find("%d")) != std::string::npos;)
        out.replace(pos, 2, r.domain);
    for (std::size_t pos; (pos = out.find("%a")) != std::string::npos;)
        out.replace(pos, 2, r.apex);
    for (std::size_t pos; (pos = out.find("%e")) != std::string::npos;) {
        const auto p = std::find_if(r.problems.begin(), r.problems.end(),
                                    [](const customer_problem& p) { return p.code == "syntax"; });
        out.replace(pos, 2, p == r.problems.end() ? "" : "'" + p->term + "'");
    }
    return out;
}

} // namespace

std::string customer_advice(const customer_report& r, advice_language language) {
    const texts& t = language == advice_language::de ? german : english;
    std::string out = fill(t.intro, r) + "\n";
    out += fill(r.spf_records.empty() ? t.add : t.replace, r);
    out += "\n    " + r.domain + ". IN TXT \"" + r.suggested_record + "\"\n\n";
    out += fill(r.spf_records.size() > 1 ? t.delete_many : t.one_only, r);
    if (!r.type99.empty())
        out += fill(t.type99, r);
    if (has(r, "direct_ips"))
        out += fill(t.direct, r);
    if (has(r, "too_many_lookups"))
        out += fill(t.lookups, r);
    if (has(r, "syntax"))
        out += fill(t.syntax, r);
    out += fill(t.all_choice, r);
    if (has(r, "plus_all") || has(r, "neutral_all"))
        out += fill(t.plus_all, r);
    out += fill(t.propagation, r);
    return out;
}

} // namespace spfd
