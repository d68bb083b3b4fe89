#!/usr/bin/env python3
"""Regenerates the tracker catalog from the Open Cookie Database (OCD).

    scripts/catalog_from_ocd.py path/to/open-cookie-database-facts.tsv

Reads the OCD's facts (platform, category, name, domain, retention, controller, wildcard;
the OCD's descriptions are never read) and this crate's manual decisions:

- data/catalog-overrides.tsv: which OCD domains are the site's own, vendor names and
  purposes, categories where the vendor's documentation disagrees with the OCD, rows left
  out and why, lifetimes the OCD does not state, and hand-written entries;
- data/purposes.tsv: the purposes shown to visitors, in the project's own words.

Writes:

- data/catalog.tsv: the catalog build.rs compiles into `known_trackers()`;
- data/ocd-facts.tsv: the OCD rows the crate's tests check the catalog against (every
  Functional, Security, Necessary and Personalization row, and every first-party Analytics
  and Marketing row), each with the decision taken on it.

It then prints the coverage of the OCD's first-party Analytics and Marketing rows (the
same figure the test `classify::catalog::tests::coverage_of_the_database` computes).
A new OCD platform, an unparsable lifetime or a name that is no RFC 6265 token stops the
script with a message naming the override to add, so a regeneration never guesses.

The OCD is licensed Apache-2.0 by its authors; see NOTICE.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OVERRIDES = ROOT / "data" / "catalog-overrides.tsv"
PURPOSES = ROOT / "data" / "purposes.tsv"
CATALOG = ROOT / "data" / "catalog.tsv"
FACTS = ROOT / "data" / "ocd-facts.tsv"

OPTIONAL = {"Analytics": "analytics", "Marketing": "marketing"}
REQUIRED = {"Functional", "Security", "Necessary", "Personalization"}
CATEGORIES = {"analytics", "marketing", "preferences"}
TOKEN = re.compile(r"^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$")
UNITS = {
    "second": "s", "seconds": "s", "sec": "s", "secs": "s",
    "minute": "min", "minutes": "min", "min": "min", "mins": "min",
    "hour": "h", "hours": "h",
    "day": "d", "days": "d",
    "week": "w", "weeks": "w",
    "month": "mo", "months": "mo",
    "year": "y", "years": "y",
}
LIFETIME = re.compile(r"^(session|varies|\d+(s|min|h|d|w|mo|y))$")


def fail(message):
    sys.exit(f"catalog_from_ocd: {message}")


def rows(path):
    """Non-comment, non-empty lines of a TAB-separated file, split."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            yield number, line.split("\t")


def clean(text):
    """A field as the generated files may hold it: no TAB or newline."""
    return " ".join(text.split())


def parse_retention(text):
    """`2 years` → `2y`, `Session` → `session`; None when the text is no plain duration."""
    t = text.strip().lower()
    if t in ("session", "sessions", "session cookie", "end of session (browser)"):
        return "session"
    m = re.match(r"^(\d+)\s*([a-z]+)$", t)
    if m and m.group(2) in UNITS:
        return f"{int(m.group(1))}{UNITS[m.group(2)]}"
    # "2 years after last activity", "6 months by default, modifiable": the duration stated.
    m = re.match(r"^(\d+)\s*([a-z]+)\b(?: after last activity| by default.*)$", t)
    if m and m.group(2) in UNITS:
        return f"{int(m.group(1))}{UNITS[m.group(2)]}"
    return None


def glob_regex(pattern):
    return re.compile("^" + ".*".join(re.escape(p) for p in pattern.split("*")) + "$", re.S)


class Resolver:
    """The catalog's answer for a name: exact name first, then the pattern with the most
    literal bytes (the first of equally specific ones), as the classifier decides."""

    def __init__(self, entries):
        self.exact = {}
        self.patterns = []
        for entry in entries:
            if "*" in entry["pattern"]:
                literal = len(entry["pattern"].replace("*", ""))
                self.patterns.append((literal, glob_regex(entry["pattern"]), entry))
            else:
                self.exact.setdefault(entry["pattern"], entry)

    def resolve(self, name):
        if name in self.exact:
            return self.exact[name]
        best = None
        for literal, regex, entry in self.patterns:
            if regex.match(name) and (best is None or literal > best[0]):
                best = (literal, entry)
        return best[1] if best else None


def example_name(name, wildcard):
    """A concrete cookie name for an OCD row: wildcard rows are a prefix plus an id."""
    return name + "x7" if wildcard else name


def main():
    if len(sys.argv) != 2:
        fail("usage: scripts/catalog_from_ocd.py path/to/open-cookie-database-facts.tsv")
    ocd_path = Path(sys.argv[1])

    purposes = {}
    for number, f in rows(PURPOSES):
        if len(f) != 2:
            fail(f"{PURPOSES.name}:{number}: expected key TAB text")
        purposes[f[0]] = f[1]

    first_party, vendors, drops, reclassify, lifetimes, adds = set(), {}, {}, {}, {}, []
    for number, f in rows(OVERRIDES):
        kind, where = f[0], f"{OVERRIDES.name}:{number}"
        if kind == "first_party" and len(f) == 4:
            first_party.add((f[1], f[2]))
        elif kind == "vendor" and len(f) in (5, 6):
            name, key, category = f[2], f[3], f[4]
            if key not in purposes:
                fail(f"{where}: unknown purpose key {key!r}")
            if category != "-" and category not in CATEGORIES:
                fail(f"{where}: unknown category {category!r}")
            why = f[5] if len(f) == 6 else ""
            if category != "-" and not why:
                fail(f"{where}: a category override needs a reason")
            vendors[f[1]] = (name, key, None if category == "-" else category, why)
        elif kind == "drop" and len(f) == 3:
            drops[f[1]] = f[2]
        elif kind == "reclassify" and len(f) == 4:
            if f[2] not in CATEGORIES:
                fail(f"{where}: unknown category {f[2]!r}")
            reclassify[f[1]] = (f[2], f[3])
        elif kind == "lifetime" and len(f) == 4:
            if not LIFETIME.match(f[2]):
                fail(f"{where}: bad lifetime {f[2]!r}")
            lifetimes[f[1]] = f[2]
        elif kind == "add" and len(f) == 7:
            pattern, vendor, category, lifetime, purpose, why = f[1:]
            if not TOKEN.match(pattern) or not pattern.replace("*", ""):
                fail(f"{where}: {pattern!r} is no valid pattern")
            if category not in CATEGORIES:
                fail(f"{where}: unknown category {category!r}")
            if not LIFETIME.match(lifetime):
                fail(f"{where}: bad lifetime {lifetime!r}")
            if purpose.startswith("@"):
                if purpose[1:] not in purposes:
                    fail(f"{where}: unknown purpose key {purpose!r}")
                purpose = purposes[purpose[1:]]
            adds.append(
                dict(pattern=pattern, vendor=vendor, category=category, lifetime=lifetime,
                     purpose=purpose, source="manual", note=why)
            )
        else:
            fail(f"{where}: cannot read {kind!r} line with {len(f)} fields")

    catalog = {}
    for entry in adds:
        if entry["pattern"] in catalog:
            fail(f"{entry['pattern']!r} is added twice")
        catalog[entry["pattern"]] = entry

    facts = []
    header = None
    for line in ocd_path.read_text(encoding="utf-8").splitlines():
        f = line.split("\t")
        if header is None:
            header = f
            expected = ["platform", "category", "name", "domain", "retention", "controller",
                        "wildcard"]
            if f != expected:
                fail(f"the OCD file's columns are {f}, expected {expected}")
            continue
        if len(f) != 7:
            continue
        platform, category, name, domain, retention, _controller, wildcard = f
        wildcard = wildcard.strip() == "1"
        own = domain.strip() == "" or (platform, domain) in first_party
        platform_reclass = reclassify.get(f"platform:{platform}")
        if category in REQUIRED:
            decision = "-"
            why = reclassify.get(name) or platform_reclass
            if why:
                decision = f"reclassified: {why[1]}"
            facts.append((platform, category, name, wildcard, own, decision))
            continue
        if category not in OPTIONAL or not own:
            continue
        if name in drops:
            facts.append((platform, category, name, wildcard, own, f"excluded: {drops[name]}"))
            continue
        pattern = name + "*" if wildcard else name
        if not TOKEN.match(pattern):
            fail(f"{name!r} ({platform}) is no RFC 6265 token: add a drop line")
        if platform not in vendors:
            fail(f"new platform {platform!r}: add a vendor line")
        vendor, key, vendor_category, vendor_why = vendors[platform]
        ours = OPTIONAL[category]
        note = ""
        if name in reclassify:
            ours, note = reclassify[name]
        elif vendor_category and vendor_category != ours:
            ours, note = vendor_category, vendor_why
        lifetime = lifetimes.get(name) or parse_retention(retention)
        if lifetime is None:
            fail(f"lifetime {retention!r} of {name!r} ({platform}): add a lifetime line")
        facts.append((platform, category, name, wildcard, own, "catalog"))
        if pattern in catalog:
            existing = catalog[pattern]
            if existing["category"] != ours:
                fail(f"{pattern!r}: {existing['vendor']} says {existing['category']}, "
                     f"{platform} says {ours}: add a reclassify line")
            continue
        catalog[pattern] = dict(pattern=pattern, vendor=vendor, category=ours,
                                lifetime=lifetime, purpose=purposes[key], source="ocd",
                                note=note)

    entries = sorted(catalog.values(), key=lambda e: (e["vendor"].lower(), e["pattern"]))
    with CATALOG.open("w", encoding="utf-8") as out:
        out.write(
            "# Generated by scripts/catalog_from_ocd.py from the Open Cookie Database\n"
            "# (Apache-2.0, see NOTICE) and data/catalog-overrides.tsv. Edit the overrides,\n"
            "# then regenerate; build.rs compiles this file into known_trackers().\n"
            "# pattern\tvendor\tcategory\tlifetime\tpurpose\tsource\tnote\n"
        )
        for e in entries:
            out.write("\t".join(clean(e[k]) for k in
                                ("pattern", "vendor", "category", "lifetime", "purpose",
                                 "source", "note")) + "\n")
    with FACTS.open("w", encoding="utf-8") as out:
        out.write(
            "# Facts from the Open Cookie Database (Apache-2.0, see NOTICE), generated by\n"
            "# scripts/catalog_from_ocd.py: its Functional, Security, Necessary and\n"
            "# Personalization rows, and its Analytics and Marketing rows set on the site's own\n"
            "# domain, with the decision this crate took on each (catalog, excluded: why,\n"
            "# reclassified: why, or - for rows the catalog must never match).\n"
            "# platform\tcategory\tname\twildcard\tfirst_party\tdecision\n"
        )
        for platform, category, name, wildcard, own, decision in facts:
            out.write("\t".join([clean(platform), category, clean(name),
                                 "1" if wildcard else "0", "1" if own else "0",
                                 clean(decision)]) + "\n")

    resolver = Resolver(entries)
    optional = [f for f in facts if f[1] in OPTIONAL]
    excluded = [f for f in optional if f[5].startswith("excluded")]
    covered = [f for f in optional if resolver.resolve(example_name(f[2], f[3]))]
    wrongly = [f for f in facts if f[1] in REQUIRED and f[5] == "-"
               and resolver.resolve(example_name(f[2], f[3]))]
    print(f"{len(entries)} catalog entries ({sum(e['source'] == 'manual' for e in entries)} "
          f"hand-written), {len(facts)} OCD rows kept for the tests")
    print(f"first-party Analytics+Marketing rows: {len(optional)}; recognised {len(covered)} "
          f"({100 * len(covered) / len(optional):.1f}%); excluded {len(excluded)}; "
          f"recognised of the rest {len(covered)}/{len(optional) - len(excluded)}")
    for f in wrongly:
        print(f"warning: the catalog matches {f[1]} row {f[2]!r} ({f[0]}): add a reclassify line",
              file=sys.stderr)


if __name__ == "__main__":
    main()
