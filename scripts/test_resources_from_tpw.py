#!/usr/bin/env python3
"""Tests of scripts/resources_from_tpw.py on a small third-party-web package written here
(no network): each refusal the generator promises, the translation of hosts, and that two
runs give the same bytes.

    python3 scripts/test_resources_from_tpw.py
"""

import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import resources_from_tpw as gen  # noqa: E402

LICENSE = "The MIT License (MIT)\nCopyright (c) 2019 Patrick Hulce\n"
PSL = "com\nnet\nnet.pl\nco.uk\n*.ck\n!www.ck\n// ===BEGIN PRIVATE DOMAINS===\ncloudfront.net\n"
NOTICE = ("Copyright (c) 2019 Patrick Hulce\n"
          "Permission is hereby granted, free of charge, to any person\n")

ENTITIES = [
    {"name": "Tag Co", "category": "tag-manager", "domains": ["*.tagco.com"],
     "totalOccurrences": 600},
    {"name": "Ads Co", "category": "ad", "domains": ["*.adsco.net", "px.adsco-cdn.com"],
     "totalOccurrences": 300},
    {"name": "Social Co", "category": "social",
     "domains": ["*.social.com", "*.socialcdn.com"], "totalOccurrences": 100},
    {"name": "Shop Co", "category": "marketing", "domains": ["*.shopco.com"],
     "totalOccurrences": 50},
    {"name": "Pay Co", "category": "utility", "domains": ["*.payco.com"],
     "totalOccurrences": 900},
    {"name": "Img Co", "category": "cdn", "domains": ["img.tagco.com"], "totalOccurrences": 5},
]
OVERRIDES = """# test overrides
shared\tsocial.com\tSocial Co itself and its sign-in
entity\tSocial Co\tmarketing\t\tIts pixel.
domain\t*.social.com\t-\tShared: held back by path below.
domain\t*.socialcdn.com\t-\tContent of embedded posts.
add\tsocial.com\t/px\tSocial Co\tmarketing\tThe pixel's requests.
entity\tShop Co\t-\t\tA shop platform.
domain\t*.tagco.com\t-\tTest: left out so that img.tagco.com is not under an entry.
add\tjs.tagco.com\t\tTag Co\tanalytics\tThe loader.
"""
NEVER_BLOCK = "# host\tpath\tkind\twhat\npayco.com\t\tpayments\tPay Co checkout\n"
EMBEDS = ("# embeds\nsocial.com\t/embed/\tSocial Co\tmarketing\tShowing this post here loads "
          "it from the social network.\thttps://social.example/docs\n")
STORAGE = "# storage\nsc_*\tlocal\tSocial Co\tmarketing\thttps://social.example/storage\n"


class Generator(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        root = Path(self.dir.name)
        self.package = root / "package"
        (self.package / "dist").mkdir(parents=True)
        (self.package / "package.json").write_text(
            json.dumps({"name": "third-party-web", "version": "9.9.9"}))
        (self.package / "LICENSE").write_text(LICENSE)
        self.entities = json.loads(json.dumps(ENTITIES))
        (self.package / "dist" / "domain-map.csv").write_text(
            "js.tagco.com,*.tagco.com,tag-manager\nimg.tagco.com,img.tagco.com,cdn\n")
        self.files = {name: root / name for name in
                      ("overrides", "never", "embeds", "storage", "resources", "notice",
                       "psl")}
        self.texts = dict(overrides=OVERRIDES, never=NEVER_BLOCK, embeds=EMBEDS,
                          storage=STORAGE, notice=NOTICE, psl=PSL)
        self.saved = {k: getattr(gen, k) for k in
                      ("OVERRIDES", "NEVER_BLOCK", "EMBEDS", "STORAGE", "RESOURCES", "NOTICE")}
        gen.OVERRIDES, gen.NEVER_BLOCK = self.files["overrides"], self.files["never"]
        gen.EMBEDS, gen.STORAGE = self.files["embeds"], self.files["storage"]
        gen.RESOURCES, gen.NOTICE = self.files["resources"], self.files["notice"]

    def tearDown(self):
        for k, v in self.saved.items():
            setattr(gen, k, v)
        self.dir.cleanup()

    def run_generator(self):
        for key, text in self.texts.items():
            self.files[key].write_text(text)
        (self.package / "dist" / "entities.json").write_text(json.dumps(self.entities))
        psl = gen.PublicSuffixes(self.files["psl"])
        package = gen.Package.load(str(self.package))
        gen.check_notice(package)
        entries, decisions, _, embeds = gen.generate(package, psl)
        result = gen.coverage(package, entries, embeds, decisions)
        return gen.render(package, entries, result), entries, result

    def refused(self, fragment):
        with self.assertRaises(SystemExit) as caught:
            self.run_generator()
        self.assertIn(fragment, str(caught.exception))

    def rows(self, entries):
        return {(e["host"], e["path"]): (e["category"], e["source"]) for e in entries}

    def test_categories_hosts_and_sources(self):
        _, entries, _ = self.run_generator()
        self.assertEqual(self.rows(entries), {
            ("js.tagco.com", ""): ("analytics", "override"),
            ("adsco.net", ""): ("marketing", "tpw"),
            ("px.adsco-cdn.com", ""): ("marketing", "tpw"),
            ("social.com", "/px"): ("marketing", "override"),
        })

    def test_two_runs_give_the_same_bytes(self):
        first, _, _ = self.run_generator()
        second, _, _ = self.run_generator()
        self.assertEqual(first, second)
        self.assertIn("third-party-web 9.9.9", first)

    def test_coverage_counts_paths_and_embeds_as_part(self):
        _, _, result = self.run_generator()
        status = {domain: s for _, domain, _, s, _ in result}
        self.assertEqual(status["*.adsco.net"], "held")
        self.assertEqual(status["*.social.com"], "held in part")
        self.assertEqual(status["*.socialcdn.com"], "left out")
        self.assertEqual(status["*.shopco.com"], "left out")

    def test_an_override_without_a_reason_is_refused(self):
        self.texts["overrides"] += "entity\tAds Co\tanalytics\t\t\n"
        self.refused("every override needs a reason")

    def test_a_social_entity_without_a_decision_is_refused(self):
        self.texts["overrides"] = self.texts["overrides"].replace(
            "entity\tSocial Co\tmarketing\t\tIts pixel.\n", "")
        self.refused("social entity 'Social Co'")

    def test_an_entry_matching_a_never_block_resource_is_refused(self):
        self.texts["overrides"] += "add\tcheckout.payco.com\t/t\tPay Co\tanalytics\tTest.\n"
        self.refused("would match the never-block entry payco.com")

    def test_a_parent_of_a_never_block_path_is_refused(self):
        self.texts["never"] += "cdn.adsco.net\t/lib/\tlibrary-cdn\tA library\n"
        self.refused("would match the never-block entry cdn.adsco.net/lib/")

    def test_a_sibling_path_of_a_never_block_path_is_accepted(self):
        self.texts["never"] += "social.com\t/pxl\tsign-in\tNot the pixel\n"
        _, entries, _ = self.run_generator()
        self.assertIn(("social.com", "/px"), self.rows(entries))

    def test_an_entry_overlapping_an_embed_is_refused(self):
        self.texts["overrides"] += "add\tsocial.com\t/embed/v2\tSocial Co\tmarketing\tTest.\n"
        self.refused("overlaps the embed social.com/embed/")

    def test_an_embed_overlapping_a_never_block_resource_is_refused(self):
        self.texts["embeds"] += ("payco.com\t/widget\tPay Co\tmarketing\tLoading it here "
                                 "contacts its provider.\thttps://payco.example/docs\n")
        self.refused("overlaps the never-block entry payco.com")

    def test_a_whole_shared_domain_is_refused(self):
        self.texts["overrides"] = self.texts["overrides"].replace(
            "domain\t*.social.com\t-\tShared: held back by path below.\n", "")
        self.texts["embeds"] = "# no embeds\n"
        self.refused("social.com is shared")

    def test_a_public_suffix_is_refused(self):
        self.entities.append({"name": "Suffix Co", "category": "ad", "domains": ["*.net.pl"]})
        self.refused("is a public suffix")

    def test_a_wildcard_public_suffix_rule_is_honoured(self):
        self.files["psl"].write_text(PSL)
        psl = gen.PublicSuffixes(self.files["psl"])
        self.assertTrue(psl.is_suffix("foo.ck"))
        self.assertFalse(psl.is_suffix("www.ck"))
        self.assertEqual(psl.registrable("a.b.foo.ck"), "b.foo.ck")
        self.assertEqual(psl.registrable("x.d1.cloudfront.net"), "d1.cloudfront.net")

    def test_a_non_tracker_host_under_an_entry_is_refused(self):
        self.texts["overrides"] = self.texts["overrides"].replace(
            "domain\t*.tagco.com\t-\tTest: left out so that img.tagco.com is not under an "
            "entry.\nadd\tjs.tagco.com\t\tTag Co\tanalytics\tThe loader.\n", "")
        self.refused("would also match img.tagco.com of Img Co")

    def test_an_override_naming_a_missing_entity_is_refused(self):
        self.texts["overrides"] += "entity\tGone Co\t-\t\tLeft the data.\n"
        self.refused("entity 'Gone Co' is not in third-party-web 9.9.9")

    def test_an_override_naming_a_missing_domain_is_refused(self):
        self.texts["overrides"] += "domain\t*.gone.com\t-\tLeft the data.\n"
        self.refused("domain '*.gone.com' is not in third-party-web 9.9.9")

    def test_a_notice_without_the_copyright_line_is_refused(self):
        self.texts["notice"] = "Permission is hereby granted, free of charge\n"
        self.refused("NOTICE lacks third-party-web's copyright line")

    def test_a_storage_key_without_a_source_is_refused(self):
        self.texts["storage"] += "x_*\tlocal\tX\tanalytics\tnot a url\n"
        self.refused("the source is the vendor's documentation")

    def test_an_embed_sentence_naming_its_vendor_is_refused(self):
        self.texts["embeds"] = self.texts["embeds"].replace(
            "from the social network", "from Social Co")
        self.refused("does not name the vendor")

    def test_path_matching_follows_the_gate(self):
        self.assertTrue(gen.path_matches("/tr", "/tr?id=1"))
        self.assertTrue(gen.path_matches("/tr", "/TR/x"))
        self.assertFalse(gen.path_matches("/tr", "/track"))
        self.assertFalse(gen.path_matches("/tr", "/tr_x"))
        self.assertTrue(gen.path_matches("/maps?", "/maps?q=1&output=embed"))
        self.assertFalse(gen.overlap(("google.com", "/maps?"), ("maps.google.com", "/maps/api/")))
        self.assertTrue(gen.overlap(("google.com", ""), ("www.google.com", "/recaptcha/")))
        self.assertFalse(gen.overlap(("adservice.google.com", ""),
                                     ("www.google.com", "/recaptcha/")))


if __name__ == "__main__":
    unittest.main()
