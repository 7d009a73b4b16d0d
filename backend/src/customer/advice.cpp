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

struct dmarc_texts {
    const char* intro;      // %d: the domain
    const char* blocks;     // %p: the policy; our mail is quarantined or refused
    const char* fix_spf;    // the reason: SPF does not pass; the record above fixes it
    const char* unaligned;  // the reason: our envelope domain is not theirs
    const char* missing;    // no record: start with p=none
    const char* multiple;   // %r: where; several records
    const char* syntax;     // %s: the mistakes
    const char* pct;        // %n: the pct
    const char* dmarc_wait; // how long it takes
};

constexpr dmarc_texts german_dmarc{
    "DMARC: Ihre DMARC-Richtlinie (TXT-Eintrag unter _dmarc.%d) sagt Empfängern, was mit Mails "
    "geschehen soll, die weder über SPF noch über DKIM zu Ihrer Domain passen.\n",
    "Dringend: Ihre Richtlinie p=%p gilt derzeit auch für Mails, die Connectoor in Ihrem Namen "
    "versendet. Google Mail, Yahoo, GMX, Web.de und andere legen diese Mails deshalb in den "
    "Spam-Ordner oder nehmen sie gar nicht an.\n",
    "Der Grund: unsere Server bestehen die SPF-Prüfung Ihrer Domain nicht. Übernehmen Sie den "
    "unten genannten SPF-Eintrag; danach gelten unsere Mails als bestätigt. Wenn Ihnen das "
    "lieber ist, setzen Sie die Richtlinie nur so lange auf p=none, bis der SPF-Eintrag "
    "wirkt.\n",
    "Der Grund: unsere Mails tragen im Umschlag (Return-Path) unsere eigene Domain, die nicht zu "
    "Ihrer passt. Bitte sprechen Sie mit unserem Support über eine Absender-Domain unterhalb "
    "von %d oder eine DKIM-Signatur für Ihre Domain.\n",
    "Ihre Domain hat keinen DMARC-Eintrag; große Postfachanbieter erwarten einen. Legen Sie "
    "zunächst einen Eintrag an, der nur beobachtet (Name \"_dmarc\" bzw. _dmarc.%d.):\n\n"
    "    _dmarc.%d. IN TXT \"v=DMARC1; p=none; rua=mailto:dmarc@%d\"\n\n"
    "Die Adresse hinter rua= erhält tägliche Berichte; es muss sie geben.\n",
    "Unter _dmarc.%r gibt es mehrere DMARC-Einträge; Empfänger ignorieren dann alle. Löschen "
    "Sie alle bis auf einen.\n",
    "Ihr DMARC-Eintrag enthält Fehler (%s). Korrigieren Sie ihn; ein gültiger Eintrag beginnt "
    "mit \"v=DMARC1; p=\" und einer der Richtlinien none, quarantine oder reject.\n",
    "Mit pct=%n gilt Ihre Richtlinie derzeit nur für %n Prozent der nicht bestätigten Mails "
    "(schrittweise Einführung). Erhöhen Sie erst auf 100, wenn unsere Mails die Prüfung "
    "bestehen.\n",
    "Auch Änderungen am DMARC-Eintrag können bis zu 24 Stunden brauchen.\n"};

constexpr dmarc_texts english_dmarc{
    "DMARC: your DMARC policy (the TXT record at _dmarc.%d) tells receivers what to do with "
    "mail that matches your domain neither through SPF nor through DKIM.\n",
    "Urgent: your policy p=%p currently applies to the mail Connectoor sends on your behalf "
    "too. Google Mail, Yahoo, GMX, Web.de and others therefore put it into the spam folder or "
    "refuse it.\n",
    "The reason: our servers do not pass your domain's SPF check. Publish the SPF record below; "
    "then our mail counts as authenticated. If you prefer, relax the policy to p=none only "
    "until the SPF record is in effect.\n",
    "The reason: our mail carries our own domain in its envelope (Return-Path), which does not "
    "match yours. Please ask our support about an envelope domain below %d or a DKIM "
    "signature for your domain.\n",
    "Your domain has no DMARC record; large mailbox providers expect one. Start with a record "
    "that only monitors (name \"_dmarc\", i.e. _dmarc.%d.):\n\n"
    "    _dmarc.%d. IN TXT \"v=DMARC1; p=none; rua=mailto:dmarc@%d\"\n\n"
    "The address after rua= receives daily reports; it must exist.\n",
    "There are several DMARC records at _dmarc.%r; receivers then ignore all of them. Delete "
    "all but one.\n",
    "Your DMARC record has mistakes (%s). Correct it; a valid record starts with "
    "\"v=DMARC1; p=\" and one of the policies none, quarantine or reject.\n",
    "With pct=%n your policy applies to only %n percent of unauthenticated mail (a gradual "
    "roll-out). Raise it to 100 only once our mail passes.\n",
    "Changes to the DMARC record can take up to 24 hours as well.\n"};

bool has_dmarc(const customer_report& r, std::string_view code) {
    return std::any_of(r.dmarc.problems.begin(), r.dmarc.problems.end(),
                       [&](const customer_problem& p) { return p.code == code; });
}

std::string replaced(std::string text, std::string_view key, const std::string& value) {
    for (std::size_t pos = 0; (pos = text.find(key, pos)) != std::string::npos; pos += value.size())
        text.replace(pos, key.size(), value);
    return text;
}

std::string fill_dmarc(const char* text, const customer_report& r) {
    const dmarc_report& d = r.dmarc;
    std::string out = replaced(text, "%d", r.domain);
    out = replaced(out, "%r", d.record_domain);
    out = replaced(out, "%p", d.policy ? std::string(policy_name(*d.policy)) : "none");
    out = replaced(out, "%n", d.record ? std::to_string(d.record->pct) : "100");
    std::string mistakes;
    if (d.record)
        for (const std::string& e : d.record->errors)
            mistakes += (mistakes.empty() ? "" : "; ") + e;
    return replaced(out, "%s", mistakes);
}

// The most urgent thing, so it comes first: the policy keeps our mail out, and why.
std::string urgent_advice(const customer_report& r, const dmarc_texts& t) {
    if (!has_dmarc(r, "dmarc_blocks_our_mail"))
        return "";
    return fill_dmarc(t.intro, r) + fill_dmarc(t.blocks, r) +
           fill_dmarc(r.dmarc.envelope_domain == r.domain ? t.fix_spf : t.unaligned, r) + "\n";
}

// The rest of the DMARC part, for the other problems found; empty when there are none.
std::string dmarc_advice(const customer_report& r, const dmarc_texts& t) {
    const bool urgent = has_dmarc(r, "dmarc_blocks_our_mail");
    if (r.dmarc.problems.size() == (urgent ? 1u : 0u))
        return "";
    std::string out = urgent ? "" : fill_dmarc(t.intro, r) + "\n";
    if (has_dmarc(r, "dmarc_missing"))
        out += fill_dmarc(t.missing, r);
    if (has_dmarc(r, "dmarc_multiple"))
        out += fill_dmarc(t.multiple, r);
    if (has_dmarc(r, "dmarc_syntax"))
        out += fill_dmarc(t.syntax, r);
    if (has_dmarc(r, "dmarc_pct"))
        out += fill_dmarc(t.pct, r);
    return out + fill_dmarc(t.dmarc_wait, r);
}

// The SPF part: the record to publish, what else to delete or fix, propagation.
std::string spf_advice(const customer_report& r, const texts& t) {
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

} // namespace

std::string customer_advice(const customer_report& r, advice_language language) {
    const bool de = language == advice_language::de;
    const dmarc_texts& dt = de ? german_dmarc : english_dmarc;
    const std::string spf = r.change_needed ? spf_advice(r, de ? german : english) : "";
    const std::string dmarc = dmarc_advice(r, dt);
    return urgent_advice(r, dt) + spf + (spf.empty() || dmarc.empty() ? "" : "\n") + dmarc;
}

} // namespace spfd
