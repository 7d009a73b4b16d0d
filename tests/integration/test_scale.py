#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Black-box, judges at scale: three independent SPF implementations from Debian judge
mail from a customer whose whole record is `v=spf1 include:spf.connectoor.com -all`, for
sender sets of 3, 300 and 3000 entries (a share IPv6, a share single addresses and lone
networks that do not aggregate) in every overflow mode of `[spf] overflow`:

  * pyspf (python3-spf), in this process, through dnspython pointed at our pdns;
  * Mail::SPF (libmail-spf-perl), tests/integration/mail_spf_judge.pl, one process per
    batch, through Net::DNS pointed at our pdns;
  * libspf2 (spfquery), one `-file` batch per set. It asks the libc resolver, which knows
    only /etc/resolv.conf and port 53, so it runs inside a private network and mount
    namespace (`unshare --net --mount`) that has nothing but its own loopback, a second
    pdns_server on 127.0.0.1:53 wired to the same spf-backend (a unix socket is a path,
    reachable from any network namespace), and a bind-mounted resolv.conf that names
    127.0.0.1. Nothing can leave the machine: that namespace has no other interface.

For each set and mode: every sampled listed address (at least 50, and the first and last
address of some networks) passes with every judge, no unlisted address does, every TXT
answer we serve (apex, children, per-IP names) fits `max_answer_octets` without EDNS, and
the DNS-lookup and void-lookup counts we compute agree with what pyspf and Mail::SPF count.
Where a mode must refuse a set, `spf-backend --check` exits 1 with a file:line:col error.
A table of the results is printed at the end (ctest -V, or --output-on-failure).

Run alone:  /usr/bin/python3 tests/integration/test_scale.py [--binary PATH]
"""

import bisect
import collections
import ipaddress
import os
import random
import re
import socket
import subprocess
import sys
import time
import unittest
import warnings

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import APEX  # noqa: E402

try:
    import dns.flags
    import dns.message
    import dns.rdatatype
    import dns.resolver
    import spf  # /usr/lib/python3/dist-packages/spf.py (python3-spf)
except ImportError as e:  # the pyenv python3 on PATH lacks Debian's modules
    raise SystemExit(f"{e}: run this with /usr/bin/python3 (python3-spf, python3-dnspython)")

ZONE_FILE = f"{APEX}.toml"
CUSTOMER = "customer.test"
CUSTOMER_TXT = f"v=spf1 include:{APEX} -all"
SENDER = f"user@{CUSTOMER}"
HELO = f"mx.{CUSTOMER}"
MAIL_SPF_JUDGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mail_spf_judge.pl")

DEFAULT_OCTETS = 450  # [spf] max_answer_octets
DEFAULT_LOOKUPS = 3  # [spf] max_customer_lookups
JUDGE_TIMEOUT = 60  # one batch of one judge
LISTED_PER_SET = 60  # random addresses of listed networks, plus the edges below
EDGE_NETWORKS = 8  # networks whose first and last address are judged
UNLISTED_PER_SET = 32

# Ordinary unicast IPv4 (first octets of RIPE/ARIN/APNIC allocations), far from every
# special-purpose block (RFC 6890 and the IANA registries), so the backend stays quiet.
V4_FIRST_OCTETS = (5, 31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91,
                   93, 94, 95, 109, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217)
V4_PARENT_BITS = 12  # every group of entries lives alone in its own /20
V6_TOP = 0x2A0  # 2a00::/12 (RIPE); every group lives alone in its own /40 below it
V6_PARENT_BITS = 88


# ----------------------------------------------------------------------------------------
# sender sets


def random_parent(rng, version):
    """The first address (as an int) of a random parent block with an even index: an IPv4
    /20 in one of V4_FIRST_OCTETS, or an IPv6 /40 in 2a00::/12."""
    if version == 4:
        index = rng.randrange(1 << (24 - V4_PARENT_BITS - 1)) * 2
        return (rng.choice(V4_FIRST_OCTETS) << 24) | (index << V4_PARENT_BITS)
    index = rng.randrange(1 << (128 - 12 - V6_PARENT_BITS - 1)) * 2
    return (V6_TOP << 116) | (index << V6_PARENT_BITS)


Entry = collections.namedtuple("Entry", "network kind parent")


class SenderSet:
    """A deterministic sender list of `size` entries (fixed seed per size).

    Entries come in groups, each group alone in its own parent block (an IPv4 /20 or an
    IPv6 /40), and parents are never adjacent (even indexes only), so groups cannot merge
    with each other: a lone host or network stays one CIDR (not aggregatable), a run of
    sibling entries (hosts or networks filling an aligned block) collapses into one CIDR.
    No entry is wider than /24 or /48 and none overlaps another, so the zone loads
    without duplicates, covered entries or `wide` warnings.
    """

    # Share of the entries of the 300 and 3000 sets, by kind.
    SHARES = (("v4 host", 0.16), ("v4 net", 0.07), ("v6 host", 0.04), ("v6 net", 0.04),
              ("v6 run", 0.12))  # the rest: IPv4 runs

    def __init__(self, size):
        self.size = size
        self.rng = random.Random(f"spf-scale-senders-{size}")
        self._parents = set()
        self.entries = []
        if size == 3:
            self._group("v4 host")
            self._group("v4 net", prefix=26)
            self._group("v6 net", prefix=64)
        else:
            for kind, share in self.SHARES:
                target = len(self.entries) + round(size * share)
                while len(self.entries) < target:
                    self._group(kind, limit=target - len(self.entries))
            while len(self.entries) < size:
                self._group("v4 run", limit=size - len(self.entries))
        assert len(self.entries) == size, (size, len(self.entries))
        self.rng.shuffle(self.entries)  # file order must not matter
        self.v4 = sorted(ipaddress.collapse_addresses(
            e.network for e in self.entries if e.network.version == 4))
        self.v6 = sorted(ipaddress.collapse_addresses(
            e.network for e in self.entries if e.network.version == 6))
        self._spans = {4: self._intervals(self.v4), 6: self._intervals(self.v6)}

    # -- generation ------------------------------------------------------------------------

    def _parent(self, version):
        while True:
            base = random_parent(self.rng, version)
            if base not in self._parents:
                self._parents.add(base)
                return base

    def _add(self, version, address, prefix, kind, parent):
        if version == 4:
            network = ipaddress.IPv4Network((address, prefix))
            block = ipaddress.IPv4Network((parent, 32 - V4_PARENT_BITS))
        else:
            network = ipaddress.IPv6Network((address, prefix))
            block = ipaddress.IPv6Network((parent, 128 - V6_PARENT_BITS))
        self.entries.append(Entry(network, kind, block))

    def _group(self, kind, prefix=None, limit=None):
        rng = self.rng
        version = 4 if kind.startswith("v4") else 6
        bits = 32 if version == 4 else 128
        parent_bits = V4_PARENT_BITS if version == 4 else V6_PARENT_BITS
        parent = self._parent(version)
        if kind.endswith("host"):
            if version == 4:
                address = parent + rng.randrange(1 << parent_bits)
            else:  # a short interface id in a random /64: a realistic, compact term
                address = parent | (rng.randrange(1 << 24) << 64) | rng.randrange(1, 1 << 16)
            self._add(version, address, bits, kind, parent)
        elif kind.endswith("net"):
            if prefix is None:
                prefix = rng.choice((24, 25, 26, 27, 28, 29) if version == 4
                                    else (48, 52, 56, 60, 64))
            span = 1 << (bits - prefix)
            address = parent + rng.randrange((1 << parent_bits) // span) * span
            self._add(version, address, prefix, kind, parent)
        else:  # a run of k siblings that fill one aligned block
            sizes = [k for k in ((4, 8, 16) if version == 4 else (4, 8)) if k <= limit]
            if not sizes:  # what is left is too few for a run: lone hosts
                for _ in range(limit):
                    self._group(f"v{version} host")
                return
            k = rng.choice(sizes)
            if rng.random() < 0.5:  # k consecutive hosts
                member = bits
                if version == 4:
                    block = parent + rng.randrange((1 << parent_bits) // k) * k
                else:
                    block = (parent | (rng.randrange(1 << 24) << 64)
                             | rng.randrange((1 << 16) // k) * k)
            else:  # k sibling networks
                member = rng.choice((26, 27, 28, 29) if version == 4 else (56, 60, 64))
                span = k << (bits - member)
                block = parent + rng.randrange((1 << parent_bits) // span) * span
            step = 1 << (bits - member)
            for i in range(k):
                self._add(version, block + i * step, member, f"{kind} of {k}", parent)

    # -- what it means ---------------------------------------------------------------------

    @staticmethod
    def _intervals(networks):
        starts = [int(n.network_address) for n in networks]
        ends = [int(n.broadcast_address) for n in networks]
        return starts, ends

    def composition(self):
        v6 = sum(1 for e in self.entries if e.network.version == 6)
        lone = sum(1 for e in self.entries if " of " not in e.kind)
        return (f"{self.size} senders: {v6} IPv6, {lone} lone hosts and networks (not "
                f"aggregatable), {self.size - lone} in runs of siblings; "
                f"{len(self.v4)} IPv4 + {len(self.v6)} IPv6 CIDRs after aggregation")

    def covers(self, address):
        starts, ends = self._spans[address.version]
        i = bisect.bisect_right(starts, int(address)) - 1
        return i >= 0 and int(address) <= ends[i]

    def terms(self):
        """What the flat record must list: aggregated, IPv4 before IPv6, ascending."""
        def term(n):
            family = "ip4" if n.version == 4 else "ip6"
            whole = n.prefixlen == n.max_prefixlen
            return f"{family}:{n.network_address}" if whole else f"{family}:{n}"
        return [term(n) for n in self.v4] + [term(n) for n in self.v6]

    def zone_text(self, settings):
        spf_lines = "".join(f"{k} = {v}\n" for k, v in settings.items())
        out = [f'zone = "{APEX}"\n\n[soa]\nprimary = "ns1.connectoor.com"\n'
               f'hostmaster = "hostmaster.connectoor.com"\n\n[ns]\n'
               f'names = ["ns1.connectoor.com", "ns2.connectoor.com"]\n\n[spf]\n{spf_lines}\n']
        for i, e in enumerate(self.entries):
            family = "ip4" if e.network.version == 4 else "ip6"
            whole = e.network.prefixlen == e.network.max_prefixlen
            value = e.network.network_address if whole else e.network
            out.append(f'[[senders]]\n{family} = "{value}"\nnote = "{e.kind} #{i}"\n\n')
        return "".join(out)

    # -- what the judges are asked ---------------------------------------------------------

    def sample(self):
        """[(address, listed)]: at least 50 listed addresses (random ones in random
        entries, plus the first and last address of some networks) and addresses that no
        entry covers (neighbours just outside entries, others in the same parent blocks,
        and some far away), IPv4 and IPv6. Deterministic."""
        rng = random.Random(f"spf-scale-sample-{self.size}")
        by_family = {v: [e for e in self.entries if e.network.version == v] for v in (4, 6)}
        listed = {}

        def pick(network):
            return network[rng.randrange(network.num_addresses)]

        edges = []
        for version in (4, 6):  # both families, even where IPv6 is the smaller share
            networks = [e.network for e in by_family[version] if e.network.num_addresses > 1]
            edges += rng.sample(networks, min(EDGE_NETWORKS // 2, len(networks)))
        for n in edges:
            listed[n[0]] = True
            listed[n[-1]] = True
        v6_share = LISTED_PER_SET // 3
        for version, count in ((6, v6_share), (4, LISTED_PER_SET - v6_share)):
            for e in rng.sample(by_family[version], min(count, len(by_family[version]))):
                listed[pick(e.network)] = True
        for _ in range(10000):
            if len(listed) >= LISTED_PER_SET:
                break
            listed[pick(rng.choice(self.entries).network)] = True

        unlisted = {}

        def maybe(address):
            if not self.covers(address):
                unlisted[address] = False

        for n in edges:  # just outside: the neighbours of the first and last address
            maybe(n[0] - 1)
            maybe(n[-1] + 1)
        for i in range(10000):
            if len(unlisted) >= UNLISTED_PER_SET:
                break
            version = (4, 6)[i % 2]
            e = rng.choice(by_family[version])
            if i % 4 < 2:  # elsewhere in the group's own parent block
                maybe(pick(e.parent))
            else:  # anywhere in the pools we draw from, mostly far from any entry
                bits = V4_PARENT_BITS if version == 4 else V6_PARENT_BITS
                maybe(ipaddress.ip_address(random_parent(rng, version)
                                           + rng.randrange(1 << bits)))
        assert len(listed) >= 50 and all(self.covers(a) for a in listed), self.size
        return [(str(a), True) for a in listed] + [(str(a), False) for a in unlisted]


_SETS = {}


def sender_set(size):
    if size not in _SETS:
        _SETS[size] = SenderSet(size)
    return _SETS[size]


def per_ip_name(address, upper=False):
    """The name %{i}._ip.<apex> expands to (RFC 7208 §7.3): dotted quad, or 32 nibbles."""
    a = ipaddress.ip_address(address)
    if a.version == 4:
        labels = str(a)
    else:
        labels = ".".join(a.exploded.replace(":", ""))
        labels = labels.upper() if upper else labels
    return f"{labels}._ip.{APEX}"


# ----------------------------------------------------------------------------------------
# the judges


Verdict = collections.namedtuple("Verdict", "result lookups void why")


def judge_pyspf(address):
    q = spf.query(i=address, s=SENDER, h=HELO, timeout=10)
    result, _code, explanation = q.check()
    return Verdict(result, q.lookups, q.void_lookups, explanation)


def start_batch(argv, lines, path):
    """Starts a judge reading `lines` from a file (kept for a failure's post-mortem) and
    writing to another; returns (Popen, output path)."""
    with open(path + ".in", "w", encoding="utf-8") as f:
        f.write("".join(lines))
    with open(path + ".in", "rb") as stdin, open(path + ".out", "wb") as stdout:
        proc = subprocess.Popen([str(a) for a in argv], stdin=stdin, stdout=stdout,
                                stderr=subprocess.STDOUT, preexec_fn=harness._die_with_parent)
    return proc, path + ".out"


def finish_batch(proc, out_path, what):
    try:
        rc = proc.wait(timeout=JUDGE_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=harness.STOP_TIMEOUT)
        raise AssertionError(f"{what} did not finish within {JUDGE_TIMEOUT} s ({out_path})")
    with open(out_path, encoding="utf-8", errors="replace") as f:
        return rc, f.read()


def mail_spf_lines(addresses):
    return [f"{a} {SENDER} {HELO}\n" for a in addresses]


def parse_mail_spf(text, addresses):
    verdicts = {}
    for line in text.splitlines():
        parts = line.split(" ", 4)
        if len(parts) >= 4 and parts[0] in addresses and parts[2].isdigit():
            verdicts[parts[0]] = Verdict(parts[1], int(parts[2]), int(parts[3]),
                                         parts[4] if len(parts) > 4 else "")
    return verdicts


def spfquery_lines(addresses):
    # `-keep-comments` echoes comment lines: each answer follows its own marker, so an
    # error block or an empty comment line cannot shift the answers against the queries.
    return [f"#q {a}\n{a} {SENDER} {HELO}\n" for a in addresses]


def parse_spfquery(text):
    """{address: Verdict} from `spfquery -keep-comments -file` output. Per query: optional
    StartError..EndError blocks, then result, SMTP comment, header comment, Received-SPF.
    libspf2 reports no lookup counts (see TestJudgesAtScale.judge)."""
    verdicts = {}
    address, block, errors, in_error = None, [], [], False

    def close():
        if address is None:
            return
        lines = [ln for ln in block if ln.strip()]
        result = lines[0].strip() if lines else "(no answer)"
        # The Received-SPF line names the client it judged: it must be the one we asked.
        m = re.search(r"^Received-SPF: .*\bclient-ip=([^;\s]+);", "\n".join(lines), re.M)
        if result in ("pass", "fail") and (
                not m or ipaddress.ip_address(m.group(1)) != ipaddress.ip_address(address)):
            result = f"{result} for client-ip={m.group(1) if m else None}"
        verdicts[address] = Verdict(result, None, None, " | ".join(errors + lines[1:]))

    for line in text.splitlines():
        if line.startswith("#q "):
            close()
            address, block, errors, in_error = line[3:].strip(), [], [], False
        elif line == "StartError":
            in_error = True
        elif line == "EndError":
            in_error = False
        elif in_error:
            errors.append(line)
        else:
            block.append(line)
    close()
    return verdicts


# ----------------------------------------------------------------------------------------
# DNS without dig, for the per-IP answers of every sampled address


def udp_txt(port, name, timeout=3.0):
    """Asks `name TXT` over UDP without EDNS; returns (message, size on the wire)."""
    query = dns.message.make_query(name, "TXT", use_edns=False)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.connect(("127.0.0.1", port))
        s.send(query.to_wire())
        while True:
            wire = s.recv(65535)
            reply = dns.message.from_wire(wire)
            if reply.id == query.id:
                return reply, len(wire)


# ----------------------------------------------------------------------------------------
# the second pdns, where libspf2 can reach it


class NamespacePdns(harness.Pdns):
    """pdns_server on 127.0.0.1:53 inside a new network and mount namespace that holds only
    a loopback interface and a resolv.conf naming 127.0.0.1. `unshare --fork
    --kill-child` ties pdns to unshare, and harness.Process ties unshare to this test
    (PR_SET_PDEATHSIG), so the namespace dies with the test whatever happens."""

    RESOLV_CONF = "nameserver 127.0.0.1\noptions timeout:2 attempts:1\n"

    def __init__(self, workdir, backend_conn, bind_zones):
        super().__init__(workdir, backend_conn, bind_zones=bind_zones, name="pdns-netns")
        self.resolv_conf = os.path.join(self.dir, "resolv.conf")

    def start(self, probe=APEX, attempts=1):
        unshare = harness.find_tool("unshare")
        self.nsenter = harness.find_tool("nsenter")
        harness.find_tool("ip")
        self.port = 53  # nobody else is in this namespace
        self.write_files()
        with open(self.resolv_conf, "w", encoding="utf-8") as f:
            f.write(self.RESOLV_CONF)
        script = ('set -e; ip link set lo up; mount --bind "$1" /etc/resolv.conf; '
                  'exec "$2" --config-dir="$3"')
        argv = [unshare, "--net", "--mount", "--propagation", "private", "--fork",
                "--kill-child=SIGKILL", "sh", "-c", script, "sh", self.resolv_conf,
                harness.find_tool("pdns_server"), self.dir]
        log_path = os.path.join(self.dir, "pdns.log")
        self.workdir.logs.append((self.name, log_path))
        self.process = harness.Process(self.name, argv, log_path, cwd=self.dir).start()
        if not self._wait_answering(probe):
            raise AssertionError(f"{self.name} did not start answering for {probe}:\n"
                                 f"{self.process.log()}")
        return self

    def inside(self, *argv):
        """argv run inside the namespace (its network and its mounts)."""
        pid = self.process.pid  # unshare itself: it entered the namespaces before forking
        return [self.nsenter, f"--net=/proc/{pid}/ns/net", f"--mount=/proc/{pid}/ns/mnt", "--",
                *argv]

    def dig(self, name, qtype="TXT", *options):
        argv = self.inside(harness.find_tool("dig"), "@127.0.0.1", "-p", "53", name, qtype,
                           "+time=2", "+tries=1", "+norecurse", *options)
        return harness.DigResult(argv, harness.run(argv))

    def assert_sealed(self, test):
        """Guards the promise that libspf2 can talk to nothing but this pdns."""
        r = harness.run(self.inside("cat", "/etc/resolv.conf"))
        test.assertEqual(r.stdout, self.RESOLV_CONF, r.stderr)
        r = harness.run(self.inside(harness.find_tool("ip"), "-o", "link", "show"))
        links = [ln.split(":")[1].strip() for ln in r.stdout.splitlines() if ln.strip()]
        test.assertEqual(links, ["lo"], r.stdout + r.stderr)


# ----------------------------------------------------------------------------------------
# the test


Row = collections.namedtuple("Row", "size mode settings outcome cidrs listed unlisted judges "
                                    "lookups void answer seconds")

MODE_ORDER = ("flat", "split", "macro", "auto")


def expected_cost(served_mode, children):
    """What a customer's include:<apex> costs (RFC 7208 §4.6.4): our include, plus one per
    child in split mode, plus the per-IP include in macro mode. No lookup of ours is void."""
    return {"flat": 1, "split": 1 + children, "macro": 2}[served_mode]


class TestJudgesAtScale(unittest.TestCase):
    """One spf-backend (reloaded per case), one pdns on a free port for pyspf, Mail::SPF and
    dig, one pdns in a private namespace for libspf2; both pdns have caches off and serve
    the customer zone from the bind backend."""

    maxDiff = None
    rows = []
    started = None

    @classmethod
    def setUpClass(cls):
        harness.require_binary()
        cls.started = time.monotonic()
        cls.perl = harness.find_tool("perl")
        cls.spfquery = harness.find_tool("spfquery")
        cls.work = harness.Workdir(cls.__name__)
        first = sender_set(3).zone_text({"all": '"~all"'})
        cls.backend = harness.Backend(cls.work, zones={ZONE_FILE: first}, admin=True)
        cls.addClassCleanup(cls.backend.stop)
        cls.backend.start()
        customer = {CUSTOMER: (
            f"$ORIGIN {CUSTOMER}.\n$TTL 300\n"
            f"@    IN SOA ns1.{CUSTOMER}. hostmaster.{CUSTOMER}. 2026010101 3600 600 1209600 300\n"
            f"@    IN NS  ns1.{CUSTOMER}.\n@    IN TXT \"{CUSTOMER_TXT}\"\n"
            f"ns1  IN A   127.0.0.1\n")}
        conn = cls.backend.connection_string("unix")
        cls.pdns = harness.Pdns(cls.work, conn, bind_zones=customer)
        cls.addClassCleanup(cls.pdns.stop)
        cls.pdns.start()
        cls.netns = NamespacePdns(cls.work, conn, customer)
        cls.addClassCleanup(cls.netns.stop)
        cls.netns.start()

        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = ["127.0.0.1"]
        resolver.port = cls.pdns.port
        resolver.timeout = 3
        resolver.lifetime = 5
        saved = dns.resolver.default_resolver
        dns.resolver.default_resolver = resolver
        cls.addClassCleanup(setattr, dns.resolver, "default_resolver", saved)
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # query() in pyspf

    @classmethod
    def tearDownClass(cls):
        print_table(cls.rows, time.monotonic() - cls.started)

    def test_0000_judges_reach_only_our_pdns(self):
        # Guards the setup of every judge before the cases rely on it.
        self.netns.assert_sealed(self)
        answer = dns.resolver.get_default_resolver().resolve(CUSTOMER, "TXT")
        self.assertEqual([b"".join(r.strings).decode() for r in answer], [CUSTOMER_TXT])
        r = self.netns.dig(CUSTOMER, "TXT", "+short")
        self.assertEqual(r.lines(), [f'"{CUSTOMER_TXT}"'], r)

    # -- the cases, in table order ---------------------------------------------------------

    def test_0003_flat(self):
        self.served(3, "flat", {"overflow": '"flat"'}, serves="flat")

    def test_0003_split(self):
        self.served(3, "split", {"all": '"-all"'}, serves="split")

    def test_0003_macro(self):
        self.served(3, "macro", {}, serves="macro")

    def test_0003_auto(self):
        self.served(3, "auto", {"all": '"-all"'}, serves="flat")

    def test_0300_flat(self):
        self.refused(300, "flat", {}, r"over the budget", "over budget")

    def test_0300_split(self):
        self.refused(300, "split", {}, r"split: .*lookups", "> 3 lookups")

    def test_0300_split_at_10(self):
        # Servable only with a higher lookup maximum (and the full 512-octet budget).
        self.served(300, "split", {"max_customer_lookups": 10, "max_answer_octets": 512},
                    serves="split")

    def test_0300_macro(self):
        self.served(300, "macro", {"all": '"-all"'}, serves="macro")

    def test_0300_auto(self):
        # Split would need more children than max_customer_lookups 3 allows.
        self.served(300, "auto", {}, serves="macro")

    def test_0300_auto_at_10(self):
        self.served(300, "auto", {"max_customer_lookups": 10}, serves="split")

    def test_3000_flat(self):
        self.refused(3000, "flat", {}, r"over the budget", "over budget")

    def test_3000_split(self):
        self.refused(3000, "split", {}, r"split: .*lookups", "> 3 lookups")

    def test_3000_macro(self):
        self.served(3000, "macro", {}, serves="macro")

    def test_3000_auto(self):
        self.served(3000, "auto", {"all": '"-all"'}, serves="macro")

    # -- one case --------------------------------------------------------------------------

    @staticmethod
    def settings_for(mode, extra):
        settings = {"all": '"~all"'}
        if mode != "flat":  # flat is the default: what a zone without the key gets
            settings["overflow"] = f'"{mode}"'
        settings.update(extra)
        return settings

    @staticmethod
    def describe(settings):
        shown = [] if "overflow" in settings else ["(default)"]
        if "max_customer_lookups" in settings:
            shown.append(f"lookups<={settings['max_customer_lookups']}")
        if "max_answer_octets" in settings:
            shown.append(f"octets<={settings['max_answer_octets']}")
        shown.append(settings["all"].strip('"'))
        return " ".join(shown)

    def refused(self, size, mode, extra, message, why):
        started = time.monotonic()
        sset = sender_set(size)
        settings = self.settings_for(mode, extra)
        row = dict(size=size, mode=mode, settings=self.describe(settings),
                   outcome="FAILED, not refused", cidrs=len(sset.v4) + len(sset.v6), listed="-",
                   unlisted="-", judges="-", lookups="-", void="-", answer="-", seconds=0.0)
        try:
            backend = harness.Backend(self.work, zones={ZONE_FILE: sset.zone_text(settings)},
                                      name=f"check-{size}-{mode}")
            p = backend.check()
            output = p.stdout + p.stderr
            self.assertEqual(p.returncode, 1, output)
            errors = re.findall(rf"^\S*{re.escape(ZONE_FILE)}:\d+:\d+: error: (.*)$", output,
                                re.M)
            self.assertEqual(len(errors), 1, output)
            self.assertRegex(errors[0], message, output)
            row["outcome"] = f"refused: {why}"
        finally:
            row["seconds"] = time.monotonic() - started
            self.rows.append(Row(**row))

    def served(self, size, mode, extra, serves):
        started = time.monotonic()
        sset = sender_set(size)
        settings = self.settings_for(mode, extra)
        octets = settings.get("max_answer_octets", DEFAULT_OCTETS)
        max_lookups = settings.get("max_customer_lookups", DEFAULT_LOOKUPS)
        our_all = settings["all"].strip('"')
        samples = sset.sample()
        row = dict(size=size, mode=mode, settings=self.describe(settings), outcome="not served",
                   cidrs=len(sset.v4) + len(sset.v6), listed="-", unlisted="-", judges="-",
                   lookups="-", void="-", answer="-", seconds=0.0)
        try:
            self.backend.set_zones({ZONE_FILE: sset.zone_text(settings)})
            check = self.backend.spfctl("check")
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
            r = self.backend.spfctl("reload")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

            children = self.assert_layout(sset, serves, our_all, max_lookups)
            row["outcome"] = f"served {serves}"
            if serves == "split":
                row["outcome"] += f", {len(children)} child" + ("ren" if len(children) > 1 else "")
            sizes = self.assert_answers_fit(samples, serves, children, octets)
            row["answer"] = f"{max(sizes.values())}/{octets}"

            # What `spfctl check` computed: the layout, each answer's size on the wire (as
            # dig received it), and what a customer's include costs.
            cost = expected_cost(serves, len(children))
            report = check.stdout
            layout = re.search(r"^  layout:  (\w+)(?: \(chosen by overflow = \"(\w+)\"\))?",
                               report, re.M)
            self.assertIsNotNone(layout, report)
            self.assertEqual(layout.groups(), (serves, None if mode == serves else mode), report)
            computed = dict(re.findall(r"^  child:   (\S+): .*; DNS answer (\d+) octets", report,
                                       re.M))
            computed[APEX] = re.search(r"^  size: .*; DNS answer (\d+) octets", report,
                                       re.M).group(1)
            self.assertEqual({name: int(n) for name, n in computed.items()},
                             {name: sizes[name] for name in [APEX, *children]}, report)
            m = re.search(r"costs them (\d+) of their 10", report)
            self.assertIsNotNone(m, report)
            reported = int(m.group(1))
            self.assertEqual(reported, cost, report)

            verdicts = self.judge(samples)
            n_listed = sum(1 for _, listed in samples if listed)
            row["listed"], row["unlisted"] = n_listed, len(samples) - n_listed
            passes, counts, problems = tally(samples, verdicts, cost)
            row["judges"] = " ".join(f"{p[0]}+{p[1]}" for p in passes.values())
            row["lookups"] = "/".join(str(x) for x in (cost, reported, counts["pyspf"][0],
                                                       counts["Mail::SPF"][0]))
            row["void"] = "/".join(str(x) for x in (0, counts["pyspf"][1],
                                                    counts["Mail::SPF"][1]))
            self.assertEqual(problems, [], f"{len(problems)} disagreement(s)")
        except BaseException:
            row["outcome"] = "FAILED, " + row["outcome"]
            raise
        finally:
            row["seconds"] = time.monotonic() - started
            self.rows.append(Row(**row))

    # -- what is served --------------------------------------------------------------------

    def txt(self, name, *options):
        r = self.pdns.dig(name, "TXT", "+noedns", "+ignore", *options)
        self.assertEqual(r.status, "NOERROR", r)
        texts = ["".join(harness.txt_strings(rr.rdata)) for rr in r.answer if rr.type == "TXT"]
        self.assertEqual(len(texts), 1, r)
        return texts[0], r

    def assert_layout(self, sset, serves, our_all, max_lookups):
        """The records we serve say what the mode promises; returns the split children's
        names (none for flat and macro)."""
        apex, r = self.txt(APEX)
        if serves == "flat":
            self.assertEqual(apex, " ".join(["v=spf1", *sset.terms(), our_all]), r)
            return []
        if serves == "macro":
            self.assertEqual(apex, f"v=spf1 include:%{{i}}._ip.{APEX} {our_all}", r)
            return []
        m = re.fullmatch(r"v=spf1((?: include:_s\d+\.[a-z.]+)+) ([-~]all)", apex)
        self.assertIsNotNone(m, r)
        self.assertEqual(m.group(2), our_all, r)
        children = [t[len("include:"):] for t in m.group(1).split()]
        self.assertEqual(children, [f"_s{i}.{APEX}" for i in range(1, len(children) + 1)], r)
        self.assertLessEqual(1 + len(children), max_lookups, r)
        terms = []
        for child in children:
            text, r = self.txt(child)
            m = re.fullmatch(r"v=spf1((?: ip[46]:\S+)+) ([-~]all)", text)
            self.assertIsNotNone(m, r)  # nothing in a child costs a lookup
            terms += m.group(1).split()
        # Every aggregated network in exactly one child, nothing else.
        self.assertEqual(sorted(terms), sorted(sset.terms()))
        return children

    def assert_answers_fit(self, samples, serves, children, octets):
        """Every TXT answer a customer's evaluation can meet fits the budget without EDNS and
        is not truncated; returns {name: octets received}."""
        sizes = {}
        names = [APEX, *children]
        per_ip = []
        if serves == "macro":
            v4 = [(a, listed) for a, listed in samples if ":" not in a]
            v6 = [(a, listed) for a, listed in samples if ":" in a]
            per_ip = [(per_ip_name(a), a, listed) for a, listed in samples]
            # receivers differ in nibble case (RFC 7208 §7.3; docs/spf-rules.md)
            upper = [(per_ip_name(a, upper=True), a, listed) for a, listed in v6[:2] + v6[-2:]]
            per_ip += upper
            # first and last listed and unlisted of each family, and the upper-case ones
            names += [per_ip_name(a) for a, _ in v4[:2] + v4[-2:] + v6[:2] + v6[-2:]]
            names += [name for name, _, _ in upper]
        for name in names:  # with dig, as a receiver's resolver would ask
            _, r = self.txt(name)
            self.assertNotIn("tc", r.flags, r)
            self.assertLessEqual(r.msg_size, octets, r)
            sizes[name] = r.msg_size
        for name, address, listed in per_ip:  # every sampled address, and its content
            reply, size = udp_txt(self.pdns.port, name)
            where = f"{name} TXT: {reply}"
            self.assertEqual(reply.rcode(), 0, where)
            self.assertFalse(reply.flags & dns.flags.TC, where)
            self.assertLessEqual(size, octets, where)
            texts = [b"".join(rr.strings).decode() for rrset in reply.answer
                     if rrset.rdtype == dns.rdatatype.TXT for rr in rrset]
            family = "ip6" if ":" in address else "ip4"
            want = f"v=spf1 {family}:{address} -all" if listed else "v=spf1 -all"
            self.assertEqual(texts, [want], where)
            sizes[name] = size
        return sizes

    # -- the judges ------------------------------------------------------------------------

    def judge(self, samples):
        """{judge: {address: Verdict}}. Mail::SPF and libspf2 run as batches in the
        background while pyspf judges here."""
        addresses = [a for a, _ in samples]
        stem = os.path.join(self.work.path, f"judge-{self._testMethodName}")
        mail = start_batch([self.perl, MAIL_SPF_JUDGE, self.pdns.port],
                           mail_spf_lines(addresses), stem + "-mail-spf")
        # libspf2 reports no counts, and its -max-lookup limit applies per record, not per
        # evaluation (each include starts a fresh SPF_response): with 7 split children,
        # -max-lookup 7 still gives fail although the evaluation costs 8. So it cannot
        # confirm our count; it judges with its defaults, as in an MTA.
        libspf2 = start_batch(self.netns.inside(self.spfquery, "-keep-comments", "-file", "-"),
                              spfquery_lines(addresses), stem + "-libspf2")
        verdicts = {"pyspf": {a: judge_pyspf(a) for a in addresses}}
        rc, text = finish_batch(*mail, "Mail::SPF")
        verdicts["Mail::SPF"] = parse_mail_spf(text, set(addresses))
        self.assertEqual(len(verdicts["Mail::SPF"]), len(addresses), f"exit {rc}:\n{text}")
        _, text = finish_batch(*libspf2, "libspf2 spfquery")  # exits with the last result
        verdicts["libspf2"] = parse_spfquery(text)
        self.assertEqual(len(verdicts["libspf2"]), len(addresses), text)
        return verdicts


def tally(samples, verdicts, cost):
    """Compares every judge's verdicts with what the addresses are, and the counting
    judges' lookups with `cost` (ours; void lookups: none). Returns ({judge: (listed passing,
    unlisted passing)}, {judge: (most lookups, most void lookups)}, [disagreements])."""
    passes, counts, problems = {}, {}, []
    for judge, got in verdicts.items():
        passed = {True: 0, False: 0}
        lookups, void = [], []
        for address, listed in samples:
            v = got.get(address)
            want = "pass" if listed else "fail"  # the customer's -all decides
            if v is None or v.result != want:
                problems.append(f"{judge}: {address} (listed={listed}) got {v}, want {want}")
            if v is None:
                continue
            passed[listed] += v.result == "pass"
            if v.lookups is None:  # libspf2 does not count for us
                continue
            lookups.append(v.lookups)
            void.append(v.void)
            # An unlisted address walks every include: it costs exactly what we compute;
            # a listed one stops at the include that matches.
            agrees = 1 <= v.lookups <= cost if listed else v.lookups == cost
            if not agrees:
                problems.append(f"{judge}: {address} (listed={listed}) counted {v.lookups} "
                                f"DNS lookups; we compute {cost}")
            if v.void != 0:
                problems.append(f"{judge}: {address} counted {v.void} void lookups")
        passes[judge] = (passed[True], passed[False])
        if lookups:
            counts[judge] = (max(lookups), max(void))
    return passes, counts, problems


def print_table(rows, seconds):
    rows = sorted(rows, key=lambda r: (r.size, MODE_ORDER.index(r.mode), r.settings))
    head = ("senders", "CIDRs", "mode", "settings", "outcome", "listed", "unlisted",
            "pass: pyspf M::SPF libspf2", "lookups ours/spfctl/pyspf/M::SPF",
            "void ours/pyspf/M::SPF", "answer/budget", "s")
    body = [(str(r.size), str(r.cidrs), r.mode, r.settings, r.outcome, str(r.listed),
             str(r.unlisted), r.judges, r.lookups, r.void, r.answer, f"{r.seconds:.1f}")
            for r in rows]
    widths = [max(len(x) for x in col) for col in zip(head, *body)]
    line = "  ".join("{:<%d}" % w for w in widths)
    out = ["", "Judges at scale: customer record "
           f"\"{CUSTOMER_TXT}\"; pass column = listed passing + unlisted passing", "",
           line.format(*head), line.format(*("-" * w for w in widths))]
    out += [line.format(*b) for b in body]
    out.append("")
    for size in sorted({r.size for r in rows}):
        out.append(sender_set(size).composition())
    out.append(f"\n{len(rows)} cases in {seconds:.1f} s")
    print("\n".join(out), flush=True)


if __name__ == "__main__":
    harness.main()
