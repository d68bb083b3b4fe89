#!/usr/bin/env python3
"""Markdown tables of the medians of the last `cargo bench --bench layer` run.

Reads criterion's target/criterion/**/new/{benchmark,estimates}.json and prints, per
group, each benchmark's median with its 95% interval, its ratio to the `bare` service of
the same group (and the same parameter), and the consent layer / tower-cookies ratio.

    cargo bench --bench layer -- --warm-up-time 1 --measurement-time 3
    python3 scripts/bench_table.py [target/criterion]
"""

import json
import pathlib
import sys

GROUPS = ["no_cookies", "nothing_to_strip", "nothing_to_strip_unseen", "strip_and_purge", "30_cookies", "classifier", "scaling"]


def fmt(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
    rows = {}
    for bench in root.glob("**/new/benchmark.json"):
        meta = json.loads(bench.read_text())
        est = json.loads((bench.parent / "estimates.json").read_text())["median"]
        group = meta["group_id"]
        function = meta["function_id"]
        value = meta.get("value_str") or ""
        rows.setdefault(group, {})[(function, value)] = (
            est["point_estimate"],
            est["confidence_interval"]["lower_bound"],
            est["confidence_interval"]["upper_bound"],
        )
    for group in GROUPS + sorted(set(rows) - set(GROUPS)):
        if group not in rows:
            continue
        data = rows[group]
        print(f"\n### {group}\n")
        if group == "classifier":
            print("| case | rules | median | 95% CI of median | minus `empty` |")
            print("| --- | ---: | ---: | --- | ---: |")
            for (function, value), (median, low, high) in sorted(
                data.items(), key=lambda kv: (kv[0][1].split("_")[0].zfill(6), kv[0][0] != "empty", kv[0][0])
            ):
                floor = data.get(("empty", value), (None,))[0]
                extra = fmt(median - floor) if floor is not None and function != "empty" else ""
                print(f"| {function} | {value.split('_')[0]} | {fmt(median)} | {fmt(low)} – {fmt(high)} | {extra} |")
            continue
        values = sorted({value for _, value in data}, key=lambda v: int(v) if v.isdigit() else 0)
        print("| variant | cookies | median | 95% CI of median | ratio to bare | layer / tower-cookies |")
        print("| --- | ---: | ---: | --- | ---: | ---: |")
        for value in values:
            bare = data.get(("bare", value), (None,))[0]
            layer = data.get(("consent_layer", value), (None,))[0]
            yardstick = data.get(("tower_cookies", value), (None,))[0]
            for function in ["bare", "consent_layer", "tower_cookies"]:
                if (function, value) not in data:
                    continue
                median, low, high = data[(function, value)]
                ratio = f"{median / bare:.1f}×" if bare else ""
                versus = f"{layer / yardstick:.2f}" if function == "consent_layer" and yardstick else ""
                print(f"| {function} | {value} | {fmt(median)} | {fmt(low)} – {fmt(high)} | {ratio} | {versus} |")


if __name__ == "__main__":
    main()
