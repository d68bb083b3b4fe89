#!/usr/bin/env python3
"""Regenerates the HTML gate's tracker-resource catalog from third-party-web.

    scripts/resources_from_tpw.py SOURCE [--coverage] [--check] [--psl FILE]

SOURCE is the third-party-web npm package (MIT, github.com/patrickhulce/third-party-web):
a version (`0.30.0`: fetched with `npm pack third-party-web@0.30.0` into a temporary
directory, never into the repository), a tarball that `npm pack` wrote, or an unpacked
package directory. The same package gives the same bytes whichever form is given: the
generated header names the version and the SHA-256 of the `dist/entities.json` it read.

Reads the package's `dist/entities.json` (entities: name, category, domains, and the HTTP
Archive's `totalOccurrences`) and `dist/domain-map.csv` (hosts seen in the crawl, with their
entity's category), and this crate's decisions:

- data/resource-overrides.tsv: entities and domains left out or re-categorised, each with
  its reason; hand-written entries (the tracking paths of hosts that serve both trackers
  and what sites need, and what the data lacks); the shared domains that may never be
  matched whole;
- data/never-block-resources.tsv: resources a site needs, which no entry may match;
- data/embeds.tsv: embeds held behind a click-to-load placeholder, which no entry may
  match either (the embed list decides those URLs).

Writes data/resources.tsv, sorted, with no timestamp. `--check` writes nothing and fails
when data/resources.tsv differs from what it would write. `--coverage` prints the
coverage report (the figure is also in the generated header). data/storage.tsv is checked
for its format.

Categories map: analytics and tag-manager -> analytics; ad and marketing -> marketing;
social needs a decision per entity in the overrides (its entities mix share buttons and
embeds with pixels); every other category (cdn, hosting, utility, video, content,
customer-success, consent-provider, other) stays out unless an override puts it in.

Hosts: third-party-web writes `*.example.com` for example.com and every subdomain (its
own matcher maps the wildcard to the domain itself and everything under it) and a plain
`cdn.example.com` for that host only. The gate matches a host and its subdomains, so
`*.example.com` becomes `example.com` (the same set of hosts) and `cdn.example.com` stays
`cdn.example.com` (which then also matches its subdomains, a superset the script checks:
no host the data gives another, non-tracker entity may fall under an entry).

The script stops with a message naming the override to add rather than guess: a social
entity without a decision, a whole shared domain (google.com, facebook.com, ...) or its
`www.`, a public suffix, an invalid host, an entry that would match a never-block or embed
URL, a non-tracker host under an entry, an override naming an entity or domain the data
no longer has, or an override without a reason.
"""

import argparse
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OVERRIDES = ROOT / "data" / "resource-overrides.tsv"
NEVER_BLOCK = ROOT / "data" / "never-block-resources.tsv"
EMBEDS = ROOT / "data" / "embeds.tsv"
STORAGE = ROOT / "data" / "storage.tsv"
RESOURCES = ROOT / "data" / "resources.tsv"
NOTICE = ROOT / "NOTICE"
PSL = Path("/usr/share/publicsuffix/public_suffix_list.dat")

MAPPED = {"analytics": "analytics", "tag-manager": "analytics", "ad": "marketing",
          "marketing": "marketing"}
PER_ENTITY = {"social"}
TRACKER_CATEGORIES = set(MAPPED) | PER_ENTITY
CATEGORIES = {"analytics", "marketing"}
NEVER_BLOCK_KINDS = {"sign-in", "payments", "bot-protection", "library-cdn",
                     "error-reporting", "chat", "maps"}
STORAGE_KINDS = {"local", "session", "both"}
LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
HOST = re.compile(rf"^{LABEL}(?:\.{LABEL})+$")
PATH = re.compile(r"^/[\x21-\x7e]*$")
STORAGE_KEY = re.compile(r"^[\x21-\x7e]+$")
URL = re.compile(r"^https://[^\s]+$")


def fail(message):
    sys.exit(f"resources_from_tpw: {message}")


def rows(path):
    """(line number, fields) of each non-comment, non-empty line of a TAB-separated file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            yield number, line.split("\t")


def clean(text):
    """A field as the generated file may hold it: no TAB or newline."""
    return " ".join(text.split())


# --- The package -----------------------------------------------------------------------

class Package:
    """The files of one third-party-web package this script reads."""

    NEEDED = ("package.json", "LICENSE", "dist/entities.json", "dist/domain-map.csv")

    def __init__(self, files):
        meta = json.loads(files["package.json"])
        if meta.get("name") != "third-party-web":
            fail(f"the package is {meta.get('name')!r}, not third-party-web")
        self.version = meta["version"]
        self.license = files["LICENSE"].decode("utf-8")
        self.entities_sha256 = hashlib.sha256(files["dist/entities.json"]).hexdigest()
        self.entities = json.loads(files["dist/entities.json"])
        self.observed = list(csv.reader(io.StringIO(files["dist/domain-map.csv"].decode())))

    @classmethod
    def load(cls, source):
        path = Path(source)
        if path.is_dir():
            return cls({name: (path / name).read_bytes() for name in cls.NEEDED})
        if path.is_file():
            return cls.from_tarball(path)
        if re.fullmatch(r"\d+\.\d+\.\d+", source):
            with tempfile.TemporaryDirectory() as temp:
                subprocess.run(
                    ["npm", "pack", f"third-party-web@{source}", "--pack-destination", temp,
                     "--silent"],
                    check=True, stdout=subprocess.DEVNULL)
                tarballs = list(Path(temp).glob("*.tgz"))
                if len(tarballs) != 1:
                    fail(f"npm pack left {len(tarballs)} tarballs")
                return cls.from_tarball(tarballs[0])
        fail(f"{source!r} is no version, tarball or package directory")

    @classmethod
    def from_tarball(cls, path):
        files = {}
        with tarfile.open(path, "r:gz") as tar:
            for name in cls.NEEDED:
                member = tar.extractfile(f"package/{name}")
                if member is None:
                    fail(f"{path} has no package/{name}")
                files[name] = member.read()
        return cls(files)


# --- The public suffix list ------------------------------------------------------------

class PublicSuffixes:
    """The public suffix list's algorithm (publicsuffix.org/list/): the longest matching
    rule, an exception rule winning, `*` when none matches."""

    def __init__(self, path):
        self.rules, self.wildcards, self.exceptions = set(), set(), set()
        for line in path.read_text(encoding="utf-8").splitlines():
            rule = line.strip().split(" ")[0]
            if not rule or rule.startswith("//"):
                continue
            rule = rule.encode("idna").decode() if not rule.isascii() else rule
            if rule.startswith("!"):
                self.exceptions.add(rule[1:])
            elif rule.startswith("*."):
                self.wildcards.add(rule[2:])
            else:
                self.rules.add(rule)

    def suffix(self, host):
        labels = host.split(".")
        for i in range(len(labels)):
            candidate = ".".join(labels[i:])
            if candidate in self.exceptions:
                return ".".join(labels[i + 1:])
            if candidate in self.rules:
                return candidate
            if i + 1 < len(labels) and ".".join(labels[i + 1:]) in self.wildcards:
                return candidate
        return labels[-1]

    def is_suffix(self, host):
        return self.suffix(host) == host

    def registrable(self, host):
        suffix = self.suffix(host)
        if suffix == host:
            return None
        head = host[: -len(suffix) - 1].split(".")[-1]
        return f"{head}.{suffix}"


# --- Matching, as the gate does it ----------------------------------------------------

def host_covers(outer, inner):
    """Whether an entry for host `outer` matches host `inner` (the host or a subdomain)."""
    return inner == outer or inner.endswith("." + outer)


def path_matches(prefix, path):
    """The gate's path rule: `path` starts with `prefix` ignoring ASCII case, and the
    prefix ends with a separator or the path goes on with one (`/tr` matches `/tr?id=1`
    and `/tr/x`, not `/track`)."""
    if len(path) < len(prefix) or path[: len(prefix)].lower() != prefix.lower():
        return False
    if not prefix or not prefix[-1].isalnum():
        return True
    return len(path) == len(prefix) or not (path[len(prefix)].isalnum()
                                             or path[len(prefix)] == "_")


def overlap(a, b):
    """Whether some URL matches both (host, path) entries."""
    (host_a, path_a), (host_b, path_b) = a, b
    hosts = host_covers(host_a, host_b) or host_covers(host_b, host_a)
    return hosts and (path_matches(path_a, path_b) or path_matches(path_b, path_a))


class Index:
    """(host, path, payload) entries, found by host and its parents."""

    def __init__(self, entries):
        self.by_host = {}
        for host, path, payload in entries:
            self.by_host.setdefault(host, []).append((path, payload))

    def under(self, host):
        """Entries whose host covers `host`."""
        labels = host.split(".")
        for i in range(len(labels) - 1):
            for path, payload in self.by_host.get(".".join(labels[i:]), ()):
                yield ".".join(labels[i:]), path, payload

    def within(self, host):
        """Entries whose host is `host` or a subdomain of it."""
        return [(h, p, x) for h, entries in self.by_host.items() if host_covers(host, h)
                for p, x in entries]

    def overlapping(self, host, path):
        found = [(h, p, x) for h, p, x in self.under(host) if overlap((h, p), (host, path))]
        found += [(h, p, x) for h, p, x in self.within(host)
                  if h != host and overlap((h, p), (host, path))]
        return found


# --- The crate's files ----------------------------------------------------------------

def check_host(host, where, psl):
    if not HOST.match(host):
        fail(f"{where}: {host!r} is no host (a-z 0-9 - labels with a dot, lower case)")
    if psl.is_suffix(host):
        fail(f"{where}: {host!r} is a public suffix: an entry would match every site under it")


def check_path(path, where):
    if path and not PATH.match(path):
        fail(f"{where}: {path!r} is no path prefix (empty, or / and printable ASCII)")
    if path != path.lower():
        fail(f"{where}: {path!r}: write path prefixes in lower case")


def read_never_block(psl):
    entries = []
    for number, f in rows(NEVER_BLOCK):
        where = f"{NEVER_BLOCK.name}:{number}"
        if len(f) != 4:
            fail(f"{where}: expected host, path, kind, what (4 fields), found {len(f)}")
        host, path, kind, what = f
        if not HOST.match(host):
            fail(f"{where}: {host!r} is no host")
        check_path(path, where)
        if kind not in NEVER_BLOCK_KINDS:
            fail(f"{where}: kind {kind!r} is none of {sorted(NEVER_BLOCK_KINDS)}")
        if not what.strip():
            fail(f"{where}: say what the resource is")
        entries.append((host, path, f"{what} ({kind})"))
    return entries


def read_embeds(psl, never_block):
    entries = []
    for number, f in rows(EMBEDS):
        where = f"{EMBEDS.name}:{number}"
        if len(f) != 6:
            fail(f"{where}: expected host, path, vendor, category, loading, source "
                 f"(6 fields), found {len(f)}")
        host, path, vendor, category, loading, source = f
        check_host(host, where, psl)
        check_path(path, where)
        if not vendor.strip() or category not in CATEGORIES:
            fail(f"{where}: needs a vendor and a category of {sorted(CATEGORIES)}")
        if not loading.strip().endswith(".") or vendor.lower() in loading.lower():
            fail(f"{where}: the loading sentence is one sentence that does not name the vendor")
        if not URL.match(source):
            fail(f"{where}: the source is the vendor's embed documentation (https URL)")
        for h, p, what in Index(never_block).overlapping(host, path):
            fail(f"{where}: {host}{path} overlaps the never-block entry {h}{p}: {what}")
        entries.append((host, path, vendor))
    seen = set()
    for host, path, _ in entries:
        if (host, path) in seen:
            fail(f"{EMBEDS.name}: {host}{path} is listed twice")
        seen.add((host, path))
    return entries


def check_storage():
    seen = set()
    for number, f in rows(STORAGE):
        where = f"{STORAGE.name}:{number}"
        if len(f) != 5:
            fail(f"{where}: expected key, storage, vendor, category, source (5 fields)")
        key, kind, vendor, category, source = f
        if not STORAGE_KEY.match(key) or key.replace("*", "") == "":
            fail(f"{where}: {key!r} is no key or `*` pattern with a literal part")
        if kind not in STORAGE_KINDS:
            fail(f"{where}: storage {kind!r} is none of {sorted(STORAGE_KINDS)}")
        if not vendor.strip() or category not in CATEGORIES:
            fail(f"{where}: needs a vendor and a category of {sorted(CATEGORIES)}")
        if not URL.match(source):
            fail(f"{where}: the source is the vendor's documentation (https URL)")
        if (key, kind) in seen:
            fail(f"{where}: {key} is listed twice")
        seen.add((key, kind))


class Overrides:
    def __init__(self, psl):
        self.entities, self.domains, self.adds, self.shared = {}, {}, [], {}
        for number, f in rows(OVERRIDES):
            kind, where = f[0], f"{OVERRIDES.name}:{number}"
            if not f[-1].strip():
                fail(f"{where}: every override needs a reason (the last field)")
            if kind == "entity" and len(f) == 5:
                _, name, category, vendor, why = f
                if category != "-" and category not in CATEGORIES:
                    fail(f"{where}: category {category!r} is none of - analytics marketing")
                if name in self.entities:
                    fail(f"{where}: entity {name!r} is decided twice")
                self.entities[name] = (None if category == "-" else category, vendor, why)
            elif kind == "domain" and len(f) == 4:
                _, domain, category, why = f
                if category != "-" and category not in CATEGORIES:
                    fail(f"{where}: category {category!r} is none of - analytics marketing")
                if domain in self.domains:
                    fail(f"{where}: domain {domain!r} is decided twice")
                self.domains[domain] = (None if category == "-" else category, why)
            elif kind == "add" and len(f) == 6:
                _, host, path, vendor, category, why = f
                check_host(host, where, psl)
                check_path(path, where)
                if category not in CATEGORIES or not vendor.strip():
                    fail(f"{where}: an add line needs a vendor and a category of "
                         f"{sorted(CATEGORIES)}")
                self.adds.append(dict(host=host, path=path, vendor=vendor, category=category,
                                      source="override", note=why, where=where, hand=True))
            elif kind == "shared" and len(f) == 3:
                _, domain, why = f
                if not HOST.match(domain):
                    fail(f"{where}: {domain!r} is no host")
                self.shared[domain] = why
            else:
                fail(f"{where}: cannot read a {kind!r} line with {len(f)} fields")


def normalise(domain):
    """A third-party-web domain as the gate's host: `*.x` -> `x`, lower case."""
    host = domain.lower()
    return host[2:] if host.startswith("*.") else host


# --- Generation -----------------------------------------------------------------------

def generate(package, psl):
    overrides = Overrides(psl)
    never_block = read_never_block(psl)
    embeds = read_embeds(psl, never_block)
    check_storage()

    names = {e["name"] for e in package.entities}
    for name in overrides.entities:
        if name not in names:
            fail(f"{OVERRIDES.name}: entity {name!r} is not in third-party-web "
                 f"{package.version}: update or remove its line")
    all_domains = {d for e in package.entities for d in e["domains"]}
    for domain in overrides.domains:
        if domain not in all_domains:
            fail(f"{OVERRIDES.name}: domain {domain!r} is not in third-party-web "
                 f"{package.version}: update or remove its line")

    entries, decisions = {}, {}
    for entity in package.entities:
        name, tpw = entity["name"], entity["category"]
        decided = overrides.entities.get(name)
        if tpw in PER_ENTITY and decided is None:
            fail(f"{tpw} entity {name!r} ({' '.join(entity['domains'])}): add an entity line "
                 f"(its tracking domains in a category, or - and why)")
        mapped = MAPPED.get(tpw)
        category, vendor, why = decided if decided else (mapped, "", "")
        vendor = vendor or name
        for domain in entity["domains"]:
            host = normalise(domain)
            domain_decision = overrides.domains.get(domain)
            if domain_decision:
                chosen, reason = domain_decision
                source = "override"
            else:
                chosen, reason = category, why
                source = "tpw" if chosen == mapped else "override"
            decisions[domain] = (entity, chosen, reason)
            if chosen is None:
                continue
            where = f"third-party-web domain {domain!r} ({name})"
            if not HOST.match(host):
                fail(f"{where} is no host: add a domain line")
            if psl.is_suffix(host):
                fail(f"{where} is a public suffix: add a domain line (-)")
            note = f"third-party-web: {tpw}" if source == "tpw" else reason
            entries[(host, "")] = dict(host=host, path="", vendor=vendor, category=chosen,
                                       source=source, note=note, where=where, tpw_entity=name)

    for add in overrides.adds:
        key = (add["host"], add["path"])
        existing = entries.get(key)
        if existing and existing["source"] == "tpw" and existing["category"] == add["category"]:
            print(f"note: {add['where']}: {add['host']}{add['path']} is in the data with the "
                  f"same category; the line only renames the vendor", file=sys.stderr)
        if existing and existing.get("hand"):
            fail(f"{add['where']}: {add['host']}{add['path']} is added twice")
        entries[key] = add

    check_entries(entries, overrides, never_block, embeds, package, psl, decisions)
    rows_out = sorted(entries.values(),
                      key=lambda e: (e["vendor"].lower(), e["host"], e["path"]))
    return rows_out, decisions, overrides, embeds


def check_entries(entries, overrides, never_block, embeds, package, psl, decisions):
    blocked, embedded = Index(never_block), Index([(h, p, v) for h, p, v in embeds])
    for (host, path), e in sorted(entries.items()):
        where = e["where"]
        for h, p, what in blocked.overlapping(host, path):
            fail(f"{where}: {host}{path} would match the never-block entry {h}{p} ({what}): "
                 f"leave it out with a domain line, or narrow it to a path")
        for h, p, vendor in embedded.overlapping(host, path):
            fail(f"{where}: {host}{path} overlaps the embed {h}{p} ({vendor}): the embed list "
                 f"decides those URLs")
        registrable = psl.registrable(host)
        if not path and registrable in overrides.shared and host in (registrable,
                                                                      "www." + registrable):
            fail(f"{where}: {host} is shared ({overrides.shared[registrable]}): match it by "
                 f"its tracking paths only (add lines), and leave the whole domain out")
    # No host the data gives to an entity left out may fall under an entry matched whole.
    whole = Index([(h, p, e) for (h, p), e in entries.items() if not p])
    for domain, (entity, chosen, _) in decisions.items():
        if chosen is not None:
            continue
        host = normalise(domain)
        for h, _, e in whole.under(host):
            if h != host:
                fail(f"{e['where']}: {h} would also match {domain} of {entity['name']} "
                     f"({entity['category']}), which is left out: decide it (domain line)")


# --- Coverage -------------------------------------------------------------------------

def coverage(package, entries, embeds, decisions):
    """Per third-party-web domain of the tracker categories (analytics, tag-manager, ad,
    marketing, social), weighted by its entity's HTTP Archive occurrences split evenly
    over the entity's domains: held back whole, held back in part (an entry on a path of
    it or on a host under it: the tracking part of a shared host), or left out."""
    whole = Index([(h, p, e) for h, p, e in
                   [(e["host"], e["path"], e) for e in entries]
                   + [(h, p, dict(vendor=v, source="embed")) for h, p, v in embeds]])
    def partial(entry, entity):
        """An entry that holds back part of a domain left out: a hand-written path or host
        on it, an embed, or a host of the same entity."""
        return entry.get("hand") or entry["source"] == "embed" \
            or entry.get("tpw_entity") == entity["name"]

    result = []
    for entity in package.entities:
        if entity["category"] not in TRACKER_CATEGORIES or not entity["domains"]:
            continue
        weight = int(entity.get("totalOccurrences") or 0)
        share = weight / len(entity["domains"])
        for domain in entity["domains"]:
            host = normalise(domain)
            if not HOST.match(host):
                result.append((entity, domain, share, "left out", "no valid host"))
                continue
            _, chosen, reason = decisions[domain]
            if any(not p for _, p, _ in whole.under(host)):
                status = "held"
            elif any(partial(e, entity) for _, _, e in list(whole.under(host))
                     + whole.within(host)):
                status = "held in part"
            else:
                status = "left out"
            result.append((entity, domain, share, status, reason))
    return result


def entity_coverage(result):
    """The occurrence-weighted share of tracker entities with at least one domain held back
    whole or in part: the measure even splitting over an entity's domains cannot skew."""
    weight, held = {}, {}
    for entity, _, share, status, _ in result:
        name = entity["name"]
        weight[name] = int(entity.get("totalOccurrences") or 0)
        held[name] = held.get(name, False) or status != "left out"
    total = sum(weight.values())
    return 100 * sum(w for name, w in weight.items() if held[name]) / total


def coverage_summary(result):
    total = sum(r[2] for r in result)
    held = sum(r[2] for r in result if r[3] == "held")
    part = sum(r[2] for r in result if r[3] == "held in part")
    out = total - held - part
    return total, held, part, out


def print_coverage(package, result, entries, observed_check):
    total, held, part, out = coverage_summary(result)
    print(f"third-party-web {package.version}: {sum(1 for _ in result)} domains of the tracker "
          f"categories, weight {total:,.0f} (HTTP Archive page occurrences of their entities)")
    print(f"  held back whole:           {held:>14,.0f}  {100 * held / total:5.1f}%")
    print(f"  held back in part (paths): {part:>14,.0f}  {100 * part / total:5.1f}%")
    print(f"  left out (not dedicated):  {out:>14,.0f}  {100 * out / total:5.1f}%")
    print(f"dedicated tracker domains held back: {100 * (held + part) / (held + part):.1f}% "
          f"(by construction: every domain not held back is left out with a reason below)")
    entities = entity_coverage(result)
    print(f"tracker entities with their tracking held back (whole or by path), weighted by "
          f"occurrences: {entities:.1f}%")
    print("\nLargest domains left out, with why:")
    left = sorted((r for r in result if r[3] == "left out"), key=lambda r: (-r[2], r[1]))
    for entity, domain, share, _, reason in left[:60]:
        print(f"  {share:>11,.0f}  {domain:<32} {entity['name'][:28]:<28} {reason}")
    print("\nLargest domains held back only in part (by path or sub-host):")
    for entity, domain, share, _, _ in sorted((r for r in result if r[3] == "held in part"),
                                              key=lambda r: (-r[2], r[1]))[:20]:
        print(f"  {share:>11,.0f}  {domain:<32} {entity['name']}")
    outside = sorted({(e["vendor"], e["host"] + e["path"]) for e in entries if e.get("hand")})
    print(f"\n{len(outside)} hand-written entries (add lines), held back beyond the data's own "
          f"tracker categories or on its shared hosts' paths.")
    print("\nHosts the crawl saw (dist/domain-map.csv) that an entry matches although "
          "third-party-web files them outside its tracker categories:")
    for host, category, entry in observed_check:
        print(f"  {host:<44} {category:<16} {entry['host']}{entry['path']}  ({entry['vendor']}: "
              f"{entry['note'][:70]})")


def observed_outside(package, entries):
    """Crawled hosts of non-tracker categories that an entry matches whole."""
    whole = Index([(e["host"], e["path"], e) for e in entries if not e["path"]])
    found = []
    for row in package.observed:
        if len(row) != 3:
            continue
        host, _, category = row
        if category in TRACKER_CATEGORIES or category == "unknown":
            continue
        for _, _, e in whole.under(host.lower()):
            found.append((host, category, e))
            break
    return found


# --- Output ---------------------------------------------------------------------------

def render(package, entries, result):
    total, held, part, _ = coverage_summary(result)
    out = io.StringIO()
    out.write(
        f"# Generated by scripts/resources_from_tpw.py from third-party-web {package.version}\n"
        f"# (npm package, MIT, see NOTICE; dist/entities.json sha256 {package.entities_sha256})\n"
        f"# and data/resource-overrides.tsv. Edit the overrides, then regenerate:\n"
        f"#   scripts/resources_from_tpw.py {package.version}\n"
        f"# Coverage (scripts/resources_from_tpw.py {package.version} --coverage): of the\n"
        f"# third-party-web domains in its tracker categories (analytics, tag-manager, ad,\n"
        f"# marketing, social), weighted by their entities' HTTP Archive occurrences split\n"
        f"# evenly over each entity's domains, {100 * held / total:.1f}% are held back whole and "
        f"{100 * part / total:.1f}% in part\n"
        f"# (the tracking paths of shared hosts, or embeds behind a placeholder); the other\n"
        f"# {100 * (total - held - part) / total:.1f}% are left out as no dedicated tracker "
        f"domain, each with its reason in\n"
        f"# data/resource-overrides.tsv, so every dedicated tracker domain is held back. By\n"
        f"# entity, {entity_coverage(result):.1f}% of the occurrence-weighted tracker entities "
        f"have their tracking held back.\n"
        f"#\n"
        f"# host: matches the host and its subdomains. path: empty for any path, else a prefix\n"
        f"# the URL's path (with its query) starts with, ignoring ASCII case, at a boundary (the\n"
        f"# prefix ends with a non-alphanumeric byte, or the path goes on with one other than _).\n"
        f"# source: tpw (as the data says) or override (data/resource-overrides.tsv; note = why).\n"
        f"# host\tpath\tvendor\tcategory\tsource\tnote\n"
    )
    for e in entries:
        out.write("\t".join(clean(e[k]) for k in
                            ("host", "path", "vendor", "category", "source", "note")) + "\n")
    return out.getvalue()


def check_notice(package):
    copyright_line = next((line.strip() for line in package.license.splitlines()
                           if line.strip().lower().startswith("copyright")), None)
    notice = NOTICE.read_text(encoding="utf-8")
    if not copyright_line or copyright_line not in notice:
        fail(f"NOTICE lacks third-party-web's copyright line {copyright_line!r}")
    if "Permission is hereby granted, free of charge" not in notice:
        fail("NOTICE lacks the MIT licence text third-party-web ships under")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="a version (0.30.0), an npm pack tarball or a directory")
    parser.add_argument("--coverage", action="store_true", help="print the coverage report")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; fail if data/resources.tsv is not what it would be")
    parser.add_argument("--psl", type=Path, default=PSL,
                        help=f"the public suffix list (default {PSL}, Debian's publicsuffix)")
    args = parser.parse_args()
    if not args.psl.is_file():
        fail(f"no public suffix list at {args.psl} (apt-get install publicsuffix, or --psl)")
    psl = PublicSuffixes(args.psl)
    package = Package.load(args.source)
    check_notice(package)
    entries, decisions, _, embeds = generate(package, psl)
    result = coverage(package, entries, embeds, decisions)
    text = render(package, entries, result)
    if args.check:
        if RESOURCES.read_text(encoding="utf-8") != text:
            fail(f"{RESOURCES.relative_to(ROOT)} is not what the script generates: regenerate it")
    else:
        RESOURCES.write_text(text, encoding="utf-8")
    total, held, part, _ = coverage_summary(result)
    print(f"{len(entries)} entries ({sum(e['source'] == 'override' for e in entries)} from "
          f"overrides); tracker domains held back {100 * (held + part) / total:.1f}% "
          f"(whole {100 * held / total:.1f}%), the rest left out with reasons", file=sys.stderr)
    if args.coverage:
        print_coverage(package, result, entries, observed_outside(package, entries))


if __name__ == "__main__":
    main()
