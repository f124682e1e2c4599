#!/usr/bin/env python3
"""Medians of bench/run.sh's raw runs: prints the table, writes summary.csv and summary.json.

    summarize.py RESULTS_DIR      (reads RESULTS_DIR/runs.csv and env.txt)
"""
import csv
import json
import statistics
import sys
from pathlib import Path

COLS = [  # (key, header, format)
    ("size_mib", "size MiB", "{:>8}"),
    ("kind", "kind  ", "{:<6}"),
    ("runs", "ok", "{:>3}"),
    ("dump_s", "dump s", "{:>7.3f}"),
    ("dump_gbps", "dump GB/s", "{:>9.2f}"),
    ("restore_s", "restore s", "{:>9.3f}"),
    ("restore_gbps", "rest GB/s", "{:>9.2f}"),
    ("memcpy_gbps", "memcpy GB/s", "{:>11.2f}"),
    ("populate_gbps", "POPULATE GB/s", "{:>13.2f}"),
    ("dump_vs_memcpy", "dump/memcpy", "{:>11.3f}"),
    ("restore_vs_populate", "rest/POPULATE", "{:>13.3f}"),
    ("image_mib", "image MiB", "{:>9.1f}"),
    ("pagecache_gbps", "pgcache GB/s", "{:>12.2f}"),
    ("fill_gbps", "fill GB/s", "{:>9.2f}"),
    ("dump_vs_pagecache", "dump/pgcache", "{:>12.2f}"),
    ("restore_vs_fill", "rest/fill", "{:>9.2f}"),
]


def med(rows, key):
    vals = [float(r[key]) for r in rows if r.get(key) not in (None, "")]
    return statistics.median(vals) if vals else None


def main():
    res = Path(sys.argv[1])
    with open(res / "runs.csv", newline="") as f:
        runs = list(csv.DictReader(f))
    cases = {}
    for r in runs:
        cases.setdefault((int(r["size_mib"]), r["kind"]), []).append(r)

    summary = []
    for (mib, kind), rows in sorted(cases.items()):
        ok = [r for r in rows if r["result"] == "PASS"]
        s = {
            "size_mib": mib,
            "kind": kind,
            "runs": len(ok),
            "failed": len(rows) - len(ok),
            "failures": [r["message"] for r in rows if r["result"] != "PASS"],
            "dump_s": med(ok, "dump_s"),
            "dump_gbps": med(ok, "dump_gbps"),
            "restore_s": med(ok, "restore_s"),
            "restore_gbps": med(ok, "restore_gbps"),
            # Yardsticks: the ones measured just before the step they are compared with.
            "memcpy_gbps": med(ok, "d_memcpy_gbps"),
            "populate_gbps": med(ok, "r_populate_gbps"),
            "fill_gbps": med(ok, "r_fill_gbps"),
            "pagecache_gbps": med(ok, "d_pagecache_gbps"),
            "touch_gbps": med(rows, "touch_gbps"),
            "memcpy_gbps_before_restore": med(ok, "r_memcpy_gbps"),
            "populate_gbps_before_dump": med(ok, "d_populate_gbps"),
            "image_mib": (med(ok, "image_bytes") or 0) / 2**20 if ok else None,
            "fill_s": med(rows, "fill_s"),
            "verify_s": med(ok, "verify_s"),
        }
        # Ratios per run, then their median (not the ratio of medians).
        def ratio(a, b):
            v = [float(r[a]) / float(r[b]) for r in ok if r[a] and r[b] and float(r[b]) > 0]
            return statistics.median(v) if v else None
        s["dump_vs_memcpy"] = ratio("dump_gbps", "d_memcpy_gbps")
        s["restore_vs_populate"] = ratio("restore_gbps", "r_populate_gbps")
        s["restore_vs_fill"] = ratio("restore_gbps", "r_fill_gbps")
        s["dump_vs_pagecache"] = ratio("dump_gbps", "d_pagecache_gbps")
        summary.append(s)

    env = (res / "env.txt").read_text() if (res / "env.txt").exists() else ""
    (res / "summary.json").write_text(json.dumps({"env": env.splitlines(), "cases": summary},
                                                 indent=2) + "\n")
    with open(res / "summary.csv", "w", newline="") as f:
        w = csv.writer(f)
        keys = [k for k, _, _ in COLS] + ["touch_gbps", "fill_s", "verify_s", "failed"]
        w.writerow(keys)
        for s in summary:
            w.writerow(["" if s[k] is None else s[k] for k in keys])

    print("medians of the passing runs (GB = 1e9 bytes; memcpy and page cache measured just"
          " before the dump, MAP_POPULATE and fill just before the restore):")
    print("  ".join(h for _, h, _ in COLS))
    for s in summary:
        cells = []
        for k, h, fmt in COLS:
            v = s[k]
            cells.append((" " * len(h)).replace(" ", "-", 1)[: len(h)].rjust(len(h))
                         if v is None else fmt.format(v).rjust(len(h)))
        print("  ".join(cells))
        for m in s["failures"]:
            print(f"    failure: {m}")


if __name__ == "__main__":
    main()
