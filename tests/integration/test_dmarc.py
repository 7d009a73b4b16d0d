#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box: the DMARC part of `spfctl customer check` against customer zones served by a
real pdns_server (bind backend) next to our zone (remote backend, spf-backend), judged by
Mail::DMARC (libmail-dmarc-perl, tests/integration/mail_dmarc_judge.pl): for each customer
and each of our senders, the published policy (p, sp, pct, aspf) and the disposition of an
SPF-only message (no DKIM) must agree. Mail::DMARC gets the SPF result of pyspf, so neither
side of the comparison leans on our check_host().

The customers sit under co.uk so that the organizational domain comes from the public
suffix list on both sides. Every DNS question goes to this pdns on 127.0.0.1 only.

Run alone:  /usr/bin/python3 tests/integration/test_dmarc.py [--binary PATH]
"""

import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import APEX  # noqa: E402
from test_customer import HELO, INC, txt, zone_file  # noqa: E402

try:
    import spf  # /usr/lib/python3/dist-packages/spf.py (python3-spf)
except ImportError as e:  # the pyenv python3 on PATH lacks Debian's modules
    raise SystemExit(f"{e}: run this with /usr/bin/python3 (python3-spf, python3-dnspython)")

JUDGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mail_dmarc_judge.pl")


def dmarc(name, text):
    return txt("_dmarc" + ("" if name == "@" else "." + name), text)


# zone: body. Customers are the zones' apexes or names inside them (CHECKS).
ZONES = {
    "nodmarc.co.uk": txt("@", f"v=spf1 {INC} -all"),
    "monitor.co.uk": txt("@", "v=spf1 mx -all") + dmarc("@", "v=DMARC1; p=none"),
    "reject.co.uk": txt("@", f"v=spf1 {INC} -all") +
                    dmarc("@", "v=DMARC1; p=reject; rua=mailto:dmarc@reject.co.uk"),
    "rejectnoinc.co.uk": txt("@", "v=spf1 ip4:85.10.214.4 -all") + dmarc("@", "v=DMARC1; p=reject"),
    # our mail's envelope domain is bounce.<domain>, which includes us
    "strict.co.uk": txt("@", "v=spf1 -all") + txt("bounce", f"v=spf1 {INC} -all") +
                    dmarc("@", "v=DMARC1; p=reject; aspf=s"),
    "relaxed.co.uk": txt("@", "v=spf1 -all") + txt("bounce", f"v=spf1 {INC} -all") +
                     dmarc("@", "v=DMARC1; p=quarantine; aspf=r"),
    # the organizational domain monitors, its subdomains reject
    "parent.co.uk": txt("@", f"v=spf1 {INC} -all") + txt("news", "v=spf1 ip4:176.9.5.158 -all") +
                    dmarc("@", "v=DMARC1; p=none; sp=reject"),
    "syntax.co.uk": txt("@", "v=spf1 -all") + dmarc("@", "v=DMARC1; p=rejct"),
    "two.co.uk": txt("@", "v=spf1 -all") + dmarc("@", "v=DMARC1; p=none") +
                 dmarc("@", "v=DMARC1; p=reject"),
    # no record at the subdomain: the organizational domain's p applies (no sp)
    "fallback.co.uk": txt("shop", "v=spf1 ip4:85.10.214.4 -all") +
                      dmarc("@", "v=DMARC1; p=quarantine"),
}

# customer domain: (envelope domain option, our DMARC problem codes, policy we report)
CHECKS = {
    "nodmarc.co.uk": ("", {"dmarc_missing"}, None),
    "monitor.co.uk": ("", set(), "none"),
    "reject.co.uk": ("", set(), "reject"),
    "rejectnoinc.co.uk": ("", {"dmarc_blocks_our_mail"}, "reject"),
    "strict.co.uk": ("bounce.{domain}", {"dmarc_blocks_our_mail"}, "reject"),
    "relaxed.co.uk": ("bounce.{domain}", set(), "quarantine"),
    "news.parent.co.uk": ("", {"dmarc_blocks_our_mail"}, "reject"),
    "syntax.co.uk": ("", {"dmarc_syntax"}, None),
    "two.co.uk": ("", {"dmarc_multiple"}, None),
    "shop.fallback.co.uk": ("", {"dmarc_blocks_our_mail"}, "quarantine"),
}

AGREEMENT = []  # (domain, sender, ours, theirs) rows, printed at the end


class TestDmarcJudgedByMailDmarc(harness.StackTestCase):
    connection = "unix"
    bind_zones = {zone: zone_file(zone, body) for zone, body in ZONES.items()}
    reports = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        harness.point_dnspython_at(cls, cls.pdns.port)

    def report(self, domain):
        if domain not in self.reports:
            envelope = CHECKS[domain][0]
            extra = ["--envelope-domain", envelope] if envelope else []
            done = self.backend.spfctl("customer", "check", domain, "--json", *extra,
                                       "--server", "127.0.0.1", "--port", str(self.pdns.port),
                                       "--timeout-ms", "3000")
            self.assertIn(done.returncode, (0, 1), done.stdout + done.stderr)
            self.reports[domain] = json.loads(done.stdout)
        return self.reports[domain]

    def judge(self, lines):
        done = subprocess.run(["perl", JUDGE, str(self.pdns.port)], input="".join(lines),
                              capture_output=True, text=True, timeout=60, check=False)
        self.assertEqual(done.returncode, 0, done.stderr)
        return [line.split() for line in done.stdout.splitlines()]

    def test_problems_and_policy(self):
        for domain, (_, problems, policy) in CHECKS.items():
            with self.subTest(domain=domain):
                d = self.report(domain)["dmarc"]
                self.assertEqual({p["code"] for p in d["problems"]}, problems, d["problems"])
                self.assertEqual(d["policy"], policy)

    def test_fallback_and_alignment(self):
        self.assertEqual(self.report("shop.fallback.co.uk")["dmarc"]["record_domain"],
                         "fallback.co.uk")
        self.assertEqual(self.report("news.parent.co.uk")["dmarc"]["org_domain"], "parent.co.uk")
        relaxed = self.report("relaxed.co.uk")["dmarc"]
        self.assertTrue(all(s["aligned"] for s in relaxed["senders"]))
        strict = self.report("strict.co.uk")["dmarc"]
        self.assertTrue(all(s["spf"] == "pass" and not s["aligned"] for s in strict["senders"]))
        blocked = self.report("rejectnoinc.co.uk")
        self.assertEqual(blocked["exit_code"], 1)
        self.assertIn("Dringend", blocked["advice_de"])

    def test_policy_and_disposition_match_mail_dmarc(self):
        rows, lines = [], []
        for domain in CHECKS:
            d = self.report(domain)["dmarc"]
            for s in d["senders"]:
                theirs_spf = spf.query(i=s["ip"], s=f"postmaster@{d['envelope_domain']}",
                                       h=HELO, timeout=10).check()[0]
                self.assertEqual(s["spf"], theirs_spf, (domain, s["sender"]))
                rows.append((domain, s, d))
                lines.append(f"{domain} {d['envelope_domain']} {theirs_spf}\n")
        verdicts = self.judge(lines)
        self.assertEqual(len(verdicts), len(rows))
        for (domain, s, d), theirs in zip(rows, verdicts):
            with self.subTest(domain=domain, sender=s["sender"]):
                ours = ours_as_mail_dmarc_says_it(domain, s, d)
                if s["outcome"] == "no policy":
                    # DMARC does not apply, so there is no DMARC result to compare:
                    # Mail::DMARC says "none" when it finds no record and keeps its initial
                    # "fail" when the record is unusable (several, invalid p). Its
                    # disposition and the published policy (none) are compared.
                    theirs = theirs[:5] + ["n/a"] + theirs[6:]
                AGREEMENT.append((domain, s["sender"], ours, theirs))
                self.assertEqual(ours, theirs)

    @classmethod
    def tearDownClass(cls):
        if AGREEMENT:
            lines = ["", "ours vs Mail::DMARC (from p sp pct aspf result disposition):"]
            for domain, sender, ours, theirs in AGREEMENT:
                mark = "=" if ours == theirs else "~"
                lines.append(f"  {sender:14} {' '.join(ours):58} {mark} {' '.join(theirs)}")
            print("\n".join(lines), file=sys.stderr)
        super().tearDownClass()


def ours_as_mail_dmarc_says_it(domain, sender, d):
    """Our verdict in the judge's words: the published tags as written ('-' for a tag that
    is not there, all '-' when no usable policy was found), then result and disposition."""
    rec = d["record"]
    if d["policy"] is None or rec is None:
        published = ["-", "-", "-", "-"]
    else:
        written = d["records"][0].lower().replace(" ", "")
        published = [rec["p"] or "-", rec["sp"] or "-",
                     str(rec["pct"]) if "pct=" in written else "-",
                     rec["aspf"] if "aspf=" in written else "-"]
    outcome = sender["outcome"]
    result = "pass" if outcome == "pass" else "n/a" if outcome == "no policy" else "fail"
    disposition = "none" if outcome in ("pass", "no policy") else outcome
    return [domain, *published, result, disposition]


if __name__ == "__main__":
    harness.main()
