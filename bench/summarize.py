#!/usr/bin/env python3
"""Medians of bench/run.sh's raw runs: prints the tables, writes summary.csv and summary.json.

    summarize.py RESULTS_DIR      (reads RESULTS_DIR/runs.csv, codecs.csv, predump.csv and env.txt)

A case is (size, kind, mode, codec, streams). Medians are over the passing runs of a case;
ratios to a yardstick are per run, then their median; the speed-up per stream is the median
GB/s at N streams over the median GB/s at 1 stream of the same size, kind and codec (runs at
different stream counts are not paired). A failed run (dump, restore or the holder's own check
of its memory) never gives a number: it is listed as a failure.

Pre-dump (predump.csv, when there): a case is (size, kind, rewrite rate); the ratio of the final
dump's freeze to the full dump's is taken per run (the two dumps of one run ran back to back),
then its median; the final dump's copy rate is its bytes copied over its freeze time.
"""
import csv
import json
import os
import statistics
import sys
from pathlib import Path

NA = "n/a — not measured in this run"
NCPU = os.cpu_count() or 1

DIR_COLS = [  # (key, header, format)
    ("size_mib", "MiB", "{:>4}"),
    ("kind", "kind  ", "{:<6}"),
    ("pipeline", "pipeline       ", "{:<15}"),
    ("runs", "ok", "{:>2}"),
    ("dump_s", "dump s", "{:>6.2f}"),
    ("dump_gbps", "dump GB/s", "{:>9.2f}"),
    ("restore_s", "rest s", "{:>6.2f}"),
    ("restore_gbps", "rest GB/s", "{:>9.2f}"),
    ("image_mib", "image MiB", "{:>9.0f}"),
    ("image_ratio", "ratio", "{:>5.3f}"),
    ("dump_vs_memcpy", "dump/memcpy", "{:>11.3f}"),
    ("restore_vs_populate", "rest/POPULATE", "{:>13.3f}"),
    ("dump_vs_lib", "dump/lib-comp", "{:>13.2f}"),
    ("dump_speedup", "dump xN/x1", "{:>10.2f}"),
    ("restore_speedup", "rest xN/x1", "{:>10.2f}"),
    ("dump_cpus", "dump 2/1 CPU", "{:>12.2f}"),
    ("restore_cpus", "rest 2/1 CPU", "{:>12.2f}"),
    ("dump_cpu_speedup", "dump xN/x1 by CPU", "{:>17.2f}"),
    ("sink_x2_x1", "sink x2/x1", "{:>10.2f}"),
    ("load_dump", "load", "{:>4.1f}"),
    ("ttfi_ms", "lazy TTFI ms", "{}"),
]

PREDUMP_COLS = [
    ("size_mib", "MiB", "{:>4}"),
    ("kind", "kind  ", "{:<6}"),
    ("dirty_pct", "%/s", "{:>4g}"),
    ("runs", "ok", "{:>2}"),
    ("full_freeze_ms", "full frozen ms", "{:>14.1f}"),
    ("full_dump_s", "full s", "{:>6.2f}"),
    ("predump_freeze_ms", "pre frozen ms", "{:>13.1f}"),
    ("predump_s", "pre s", "{:>5.2f}"),
    ("predump_stall_ms", "pre stall ms", "{:>12.1f}"),
    ("idle_stall_ms", "idle stall ms", "{:>13.1f}"),
    ("predump_rate_pct", "pre %/s", "{:>7.2f}"),
    ("idle_rate_pct", "idle %/s", "{:>8.2f}"),
    ("interval_s", "pre->dump s", "{:>11.2f}"),
    ("final_freeze_ms", "final frozen ms", "{:>15.1f}"),
    ("final_dump_s", "final s", "{:>7.2f}"),
    ("final_vs_full", "final/full", "{:>10.3f}"),
    ("final_mib", "final MiB", "{:>9.0f}"),
    ("final_frac", "of mem", "{:>6.3f}"),
    ("final_copy_gbps", "final GB/s", "{:>10.2f}"),
    ("full_copy_gbps", "full GB/s", "{:>9.2f}"),
    ("memcpy_gbps", "memcpy GB/s", "{:>11.2f}"),
    ("load_final", "load", "{:>4.1f}"),
]

STREAM_COLS = [
    ("size_mib", "MiB", "{:>4}"),
    ("kind", "kind  ", "{:<6}"),
    ("pipeline", "pipeline              ", "{:<22}"),
    ("runs", "ok", "{:>2}"),
    ("dump_s", "dump s", "{:>6.2f}"),
    ("dump_gbps", "dump GB/s", "{:>9.2f}"),
    ("restore_s", "rest s", "{:>6.2f}"),
    ("e2e_s", "dump|restore s", "{:>14.2f}"),
    ("e2e_gbps", "dump|restore GB/s", "{:>17.2f}"),
    ("dump_vs_memcpy", "dump/memcpy", "{:>11.3f}"),
    ("dump_speedup", "dump xN/x1", "{:>10.2f}"),
    ("load_dump", "load", "{:>4.1f}"),
]


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def med(rows, key):
    vals = [num(r.get(key)) for r in rows]
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def ratio(rows, a, b):
    v = [num(r[a]) / num(r[b]) for r in rows if num(r[a]) and num(r[b])]
    return statistics.median(v) if v else None


def pipeline_name(mode, codec, streams):
    if mode == "dir":
        return codec if codec in ("raw", "tar") else f"{codec} x{streams}"
    if mode == "dir1":
        return (codec if codec in ("raw", "tar") else f"{codec} x{streams}") + " 1 CPU"
    if mode == "tcp":
        return f"tcp x{streams} -> serve"
    return {"pipe": "-D - | -D -", "pipe-holdtail": "-D - | holdtail | -D -",
            "stream": "-D - > file; -D - < file", "stream-cat": "-D - > file; cat file | -D -"
            }.get(mode, mode)


def table(title, cols, rows):
    if not rows:
        return
    print(title)
    print("  ".join(h for _, h, _ in cols))
    for s in rows:
        cells = []
        for k, h, fmt in cols:
            v = s.get(k)
            cells.append("-".rjust(len(h)) if v is None else fmt.format(v).rjust(len(h)))
        print("  ".join(cells))
        for m in s["failures"]:
            print(f"    FAILED run: {m}")
    print()


def fmt(v, f="{:.2f}"):
    return "-" if v is None else (v if isinstance(v, str) else f.format(v))


def size_name(mib):
    return f"{mib // 1024} GiB" if mib % 1024 == 0 else f"{mib} MiB"


def predump_summary(res):
    """Medians per (size, kind, rate) of predump.csv's passing runs."""
    path = res / "predump.csv"
    if not path.exists():
        return []
    with open(path, newline="") as f:
        runs = list(csv.DictReader(f))
    cases = {}
    for r in runs:
        cases.setdefault((int(r["size_mib"]), r["kind"], float(r["dirty_pct"])), []).append(r)
    out = []
    for (mib, kind, pct) in sorted(cases):
        rows = cases[(mib, kind, pct)]
        ok = [r for r in rows if r["result"] == "PASS"]
        p = {"size_mib": mib, "kind": kind, "dirty_pct": pct, "runs": len(ok),
             "failed": len(rows) - len(ok),
             "failures": [f'{r["result"]}: {r["message"]}' for r in rows
                          if r["result"] != "PASS"]}
        for k in ("full_dump_s", "full_freeze_ms", "full_restore_s", "predump_s",
                  "predump_freeze_ms", "predump_stall_ms", "idle_stall_ms", "predump_rate_pct",
                  "idle_rate_pct", "interval_s",
                  "final_dump_s", "final_freeze_ms", "final_restore_s", "final_pages",
                  "final_parent_pages", "predump_pages", "full_pages", "load_full",
                  "load_predump", "load_final"):
            p[k] = med(ok, k)
        p["memcpy_gbps"] = med(ok, "d_memcpy_gbps")
        p["pagecache_gbps"] = med(ok, "d_pagecache_gbps")
        p["final_vs_full"] = ratio(ok, "final_freeze_ms", "full_freeze_ms")
        p["predump_vs_full"] = ratio(ok, "predump_freeze_ms", "full_freeze_ms")
        p["final_mib"] = p["final_pages"] * 4096 / 2**20 if p["final_pages"] is not None else None
        p["final_frac"] = p["final_pages"] / (mib << 8) if p["final_pages"] is not None else None
        p["final_image_mib"] = (med(ok, "final_image_bytes") or 0) / 2**20 if ok else None
        rate = [num(r["final_pages"]) * 4096 / (num(r["final_freeze_ms"]) / 1e3) / 1e9
                for r in ok if num(r["final_pages"]) and num(r["final_freeze_ms"])]
        p["final_copy_gbps"] = statistics.median(rate) if rate else None
        rate = [num(r["full_pages"]) * 4096 / (num(r["full_freeze_ms"]) / 1e3) / 1e9
                for r in ok if num(r["full_pages"]) and num(r["full_freeze_ms"])]
        p["full_copy_gbps"] = statistics.median(rate) if rate else None
        out.append(p)
    return out


def write_markdown(path, lib, summary, targets, predump):
    """The same tables as stdout, as Markdown, for bench/README.md."""
    out = []
    if lib:
        out += ["| codec | data | compress GB/s | decompress GB/s | ratio |", "|---|---|---|---|---|"]
        for (c, k), r in lib.items():
            out.append(f"| {c} | {k} | {fmt(num(r['comp_gbps']), '{:.3f}')} | "
                       f"{fmt(num(r['decomp_gbps']), '{:.3f}')} | {fmt(num(r['ratio']), '{:.3f}')} |")
        out.append("")
    out += ["| size | data | pipeline | ok | dump s | dump GB/s | restore s | restore GB/s | image MiB"
            " (ratio) | dump/memcpy | restore/POPULATE | dump/lib-comp | dump xN/x1 | restore xN/x1"
            " | load |", "|" + "---|" * 15]
    for s in summary:
        if s["mode"] not in ("dir", "dir1"):
            continue
        img = "-" if s["image_mib"] is None else f'{s["image_mib"]:.0f} ({s["image_ratio"]:.3f})'
        size = size_name(s["size_mib"])
        out.append(f'| {size} | {s["kind"]} | {s["pipeline"]} | {s["runs"]}'
                   f'{"/" + str(s["runs"] + s["failed"]) if s["failed"] else ""} | '
                   f'{fmt(s["dump_s"])} | {fmt(s["dump_gbps"])} | {fmt(s["restore_s"])} | '
                   f'{fmt(s["restore_gbps"])} | {img} | {fmt(s["dump_vs_memcpy"], "{:.3f}")} | '
                   f'{fmt(s["restore_vs_populate"], "{:.3f}")} | {fmt(s["dump_vs_lib"])} | '
                   f'{fmt(s["dump_speedup"])} | {fmt(s["restore_speedup"])} | '
                   f'{fmt(s["load_dump"], "{:.1f}")} |')
    out += ["", "| size | data | pipeline | dump threads | CPU ms (sum) | busiest thread CPU ms |"
            " runnable, not running ms | blocked ms | dump xN/x1 wall | dump xN/x1 by CPU |"
            " dump 2 CPUs/1 | restore 2 CPUs/1 |",
            "|" + "---|" * 12]
    for s in summary:
        if s["mode"] not in ("dir", "dir1") or s.get("dump_threads") is None:
            continue
        out.append(f'| {size_name(s["size_mib"])} | {s["kind"]} | {s["pipeline"]} | '
                   f'{fmt(s["dump_threads"], "{:.0f}")} | {fmt(s["dump_cpu_ms"], "{:.0f}")} | '
                   f'{fmt(s["dump_thread_cpu_max_ms"], "{:.0f}")} | '
                   f'{fmt(s["dump_runq_ms"], "{:.0f}")} | {fmt(s["dump_blocked_ms"], "{:.0f}")} | '
                   f'{fmt(s["dump_speedup"])} | {fmt(s.get("dump_cpu_speedup"))} | '
                   f'{fmt(s.get("dump_cpus"))} | {fmt(s.get("restore_cpus"))} |')
    out += ["", "| pipeline (1 GiB) | data | ok | dump s | dump GB/s | restore s | restore GB/s |"
            " dump\\|restore s | dump\\|restore GB/s | load |", "|" + "---|" * 10]
    for s in summary:
        if s["mode"] in ("dir", "dir1"):
            continue
        pl = s["pipeline"].replace("|", "\\|")
        out.append(f'| {pl} | {s["kind"]} | {s["runs"]}'
                   f'{"/" + str(s["runs"] + s["failed"]) if s["failed"] else ""} | '
                   f'{fmt(s["dump_s"])} | {fmt(s["dump_gbps"])} | {fmt(s["restore_s"])} | '
                   f'{fmt(s["restore_gbps"])} | {fmt(s["e2e_s"])} | {fmt(s["e2e_gbps"])} | '
                   f'{fmt(s["load_dump"], "{:.1f}")} |')
    lazy = [s for s in summary if s["mode"] == "lazy" and s["ttfi_ms"] != NA]
    out += [""] + [f'Lazy restore, {s["size_mib"] // 1024} GiB {s["kind"]}: time to first '
                   f'instruction {s["ttfi_ms"]} ms (median of {s["runs"]}).' for s in lazy]
    if predump:
        out += ["", "| size | data | rewrite %/s asked (done in pre-dump, after) | ok | full dump"
                " frozen ms | pre-dump frozen ms | pre-dump s | holder's longest pause in"
                " pre-dump ms (after) | pre-dump to dump s | final dump frozen ms | final/full |"
                " final MiB copied (of memory) | final copy GB/s (full) | memcpy GB/s | load |",
                "|" + "---|" * 15]
        for p in predump:
            out.append(f'| {size_name(p["size_mib"])} | {p["kind"]} | {p["dirty_pct"]:g} '
                       f'({fmt(p["predump_rate_pct"], "{:.1f}")}, '
                       f'{fmt(p["idle_rate_pct"], "{:.1f}")}) | '
                       f'{p["runs"]}{"/" + str(p["runs"] + p["failed"]) if p["failed"] else ""} | '
                       f'{fmt(p["full_freeze_ms"], "{:.0f}")} | '
                       f'{fmt(p["predump_freeze_ms"], "{:.1f}")} | {fmt(p["predump_s"])} | '
                       f'{fmt(p["predump_stall_ms"], "{:.0f}")} '
                       f'({fmt(p["idle_stall_ms"], "{:.0f}")}) | {fmt(p["interval_s"])} | '
                       f'{fmt(p["final_freeze_ms"], "{:.0f}")} | '
                       f'{fmt(p["final_vs_full"], "{:.3f}")} | {fmt(p["final_mib"], "{:.0f}")} '
                       f'({fmt(p["final_frac"], "{:.3f}")}) | {fmt(p["final_copy_gbps"])} '
                       f'({fmt(p["full_copy_gbps"])}) | {fmt(p["memcpy_gbps"])} | '
                       f'{fmt(p["load_final"], "{:.1f}")} |')
    out += ["", "| target | case | value | met? |", "|---|---|---|---|"]
    for t, c, v, m in targets:
        out.append(f"| {t} | {c} | {fmt(v, '{:.3f}')} | "
                   f"{NA if m is None else ('yes' if m else 'no')} |")
    fails = [(s["pipeline"], s["size_mib"], s["kind"], m) for s in summary for m in s["failures"]]
    if fails:
        out += ["", "Failed runs:", ""] + [f"- {sz} MiB {k} {p}: {m}" for p, sz, k, m in fails]
    path.write_text("\n".join(out) + "\n")


def main():
    res = Path(sys.argv[1])
    with open(res / "runs.csv", newline="") as f:
        runs = list(csv.DictReader(f))
    lib = {}
    if (res / "codecs.csv").exists():
        with open(res / "codecs.csv", newline="") as f:
            for r in csv.DictReader(f):
                lib[(r["codec"], r["kind"])] = r

    cases = {}
    for r in runs:
        key = (int(r["size_mib"]), r["kind"], r["mode"], r["codec"], r["streams"])
        cases.setdefault(key, []).append(r)

    order = {"dir": 0, "dir1": 0, "tcp": 1, "pipe": 2, "pipe-holdtail": 3}
    corder = {"raw": 0, "tar": 1, "none": 2, "lz4": 3, "zstd": 4, "gzip": 5, "zlib": 6}
    summary = []
    for key in sorted(cases, key=lambda k: (order.get(k[2], 9), k[0], k[1],
                                            corder.get(k[3], 9), int(k[4] or 0))):
        mib, kind, mode, codec, streams = key
        rows = cases[key]
        ok = [r for r in rows if r["result"] == "PASS"]
        bytes_ = mib << 20
        s = {
            "size_mib": mib, "kind": kind, "mode": mode, "codec": codec,
            "streams": int(streams) if streams else None,
            "pipeline": pipeline_name(mode, codec, streams),
            "runs": len(ok), "failed": len(rows) - len(ok),
            "failures": [f'{r["result"]}: {r["message"]}' for r in rows if r["result"] != "PASS"],
        }
        for k in ("dump_s", "dump_gbps", "restore_s", "restore_gbps", "e2e_s", "e2e_gbps",
                  "verify_s", "fill_s"):
            s[k] = med(ok, k)
        img = med(ok, "image_bytes")
        s["image_mib"] = img / 2**20 if img else None
        s["image_ratio"] = img / bytes_ if img else None
        # Yardsticks: the ones measured just before the step they are compared with.
        s["memcpy_gbps"] = med(ok, "d_memcpy_gbps")
        s["pagecache_gbps"] = med(ok, "d_pagecache_gbps")
        s["populate_gbps"] = med(ok, "r_populate_gbps")
        s["fill_gbps"] = med(ok, "r_fill_gbps")
        s["touch_gbps"] = med(rows, "touch_gbps")
        # The machine's own x2/x1 for storing an uncompressed image (yardstick `sink`).
        s["sink_x2_x1"] = med(ok, "d_sink_x2_x1")
        s["load_dump"] = med(rows, "load_dump")
        s["load_restore"] = med(rows, "load_restore")
        s["dump_vs_memcpy"] = ratio(ok, "dump_gbps", "d_memcpy_gbps")
        s["dump_vs_pagecache"] = ratio(ok, "dump_gbps", "d_pagecache_gbps")
        s["restore_vs_populate"] = ratio(ok, "restore_gbps", "r_populate_gbps")
        s["restore_vs_fill"] = ratio(ok, "restore_gbps", "r_fill_gbps")
        s["e2e_vs_memcpy"] = ratio(ok, "e2e_gbps", "d_memcpy_gbps")
        lc = lib.get((codec, kind))
        s["lib_comp_gbps"] = num(lc["comp_gbps"]) if lc else None
        s["lib_decomp_gbps"] = num(lc["decomp_gbps"]) if lc else None
        s["lib_ratio"] = num(lc["ratio"]) if lc else None
        s["dump_vs_lib"] = (s["dump_gbps"] / s["lib_comp_gbps"]
                            if s["dump_gbps"] and s["lib_comp_gbps"] else None)
        s["restore_vs_lib"] = (s["restore_gbps"] / s["lib_decomp_gbps"]
                               if s["restore_gbps"] and s["lib_decomp_gbps"] else None)
        # The dump's page threads, from its log: CPU (summed, and the busiest thread's),
        # time runnable but not running (the machine's other load), time blocked.
        for k in ("dump_threads", "dump_cpu_ms", "dump_thread_cpu_max_ms", "dump_runq_ms",
                  "dump_blocked_ms"):
            s[k] = med(ok, k)
        ttfi = [num(r.get("ttfi_ms")) for r in ok if num(r.get("ttfi_ms")) is not None]
        s["ttfi_ms"] = round(statistics.median(ttfi), 1) if ttfi else NA
        summary.append(s)

    # Speed-up per stream: against the same size/kind/mode/codec at 1 stream.
    by = {(s["size_mib"], s["kind"], s["mode"], s["codec"], s["streams"]): s for s in summary}
    for s in summary:
        one = by.get((s["size_mib"], s["kind"], s["mode"], s["codec"], 1))
        if s["streams"] and one and s["mode"] in ("dir", "tcp"):
            for k in ("dump", "restore"):
                a, b = s.get(f"{k}_gbps"), one.get(f"{k}_gbps")
                s[f"{k}_speedup"] = a / b if a and b else None
            # What the CPU accounting predicts where each thread has a core of its own: the
            # one-stream thread's CPU over the busiest thread's at N streams.
            a, b = one.get("dump_thread_cpu_max_ms"), s.get("dump_thread_cpu_max_ms")
            s["dump_cpu_speedup"] = a / b if a and b else None
        else:
            s["dump_speedup"] = s["restore_speedup"] = s["dump_cpu_speedup"] = None
        # Two CPUs against one (dir1: dump and restore pinned to one CPU), same codec and
        # stream count: the raw path's and the restore's speed-up from the second core.
        pinned = by.get((s["size_mib"], s["kind"], "dir1", s["codec"], s["streams"]))
        for k in ("dump", "restore"):
            a, b = s.get(f"{k}_gbps"), pinned and pinned.get(f"{k}_gbps")
            s[f"{k}_cpus"] = a / b if s["mode"] == "dir" and a and b else None

    # The targets, checked on what this run measured.
    targets = []
    for s in summary:
        if s["mode"] not in ("dir", "lazy") or not s["runs"]:
            continue
        name = f'{s["size_mib"]} MiB {s["kind"]} {s["pipeline"]}'
        if s["mode"] == "dir" and s["codec"] in ("raw", "none") and s["dump_vs_memcpy"] is not None:
            targets.append(("uncompressed dump >= 0.5 x memcpy", name, s["dump_vs_memcpy"],
                            s["dump_vs_memcpy"] >= 0.5))
        if s["mode"] == "lazy":
            if s["size_mib"] == 4096 and s["ttfi_ms"] != NA:
                targets.append(("lazy restore TTFI < 20 ms for 4 GiB", name, s["ttfi_ms"],
                                s["ttfi_ms"] < 20))
            continue
        if s["codec"] in ("raw", "none") and s["restore_vs_populate"] is not None:
            targets.append(("eager restore >= 0.7 x MAP_POPULATE", name,
                            s["restore_vs_populate"], s["restore_vs_populate"] >= 0.7))
        if s["streams"] and 1 < s["streams"] <= NCPU and s["dump_speedup"] is not None:
            targets.append((f"dump speed-up at N streams >= 0.9 x N (N <= {NCPU} cores)", name,
                            s["dump_speedup"], s["dump_speedup"] >= 0.9 * s["streams"]))
    if not any(t[0].startswith("lazy") for t in targets):
        targets.append(("lazy restore TTFI < 20 ms for 4 GiB", "-", None, None))

    predump = predump_summary(res)
    env = (res / "env.txt").read_text() if (res / "env.txt").exists() else ""
    (res / "summary.json").write_text(json.dumps(
        {"env": env.splitlines(), "library": list(lib.values()), "cases": summary,
         "predump": predump,
         "targets": [{"target": t, "case": c, "value": v, "met": m}
                     for t, c, v, m in targets]}, indent=2) + "\n")
    keys = ["size_mib", "kind", "mode", "codec", "streams", "pipeline", "runs", "failed",
            "dump_s", "dump_gbps", "restore_s", "restore_gbps", "e2e_s", "e2e_gbps",
            "image_mib", "image_ratio", "memcpy_gbps", "pagecache_gbps", "populate_gbps",
            "fill_gbps", "touch_gbps", "dump_vs_memcpy", "dump_vs_pagecache",
            "restore_vs_populate", "restore_vs_fill", "e2e_vs_memcpy", "lib_comp_gbps",
            "lib_decomp_gbps", "lib_ratio", "dump_vs_lib", "restore_vs_lib", "dump_speedup",
            "restore_speedup", "fill_s", "verify_s", "load_dump", "load_restore", "ttfi_ms",
            "dump_threads", "dump_cpu_ms", "dump_thread_cpu_max_ms", "dump_runq_ms",
            "dump_blocked_ms", "dump_cpu_speedup", "dump_cpus", "restore_cpus"]
    with open(res / "summary.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(keys)
        for s in summary:
            w.writerow(["" if s.get(k) is None else s[k] for k in keys])

    if predump:
        pkeys = [k for k, _, _ in PREDUMP_COLS] + [
            "full_restore_s", "final_restore_s", "final_pages", "final_parent_pages",
            "predump_pages", "full_pages", "final_image_mib", "predump_vs_full",
            "pagecache_gbps", "load_full", "load_predump", "failed"]
        with open(res / "predump-summary.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(pkeys)
            for p in predump:
                w.writerow(["" if p.get(k) is None else p[k] for k in pkeys])
    write_markdown(res / "summary.md", lib, summary, targets, predump)
    if lib:
        print("library yardstick (one thread, 2 MiB frames, cryo's levels; GB/s of"
              " uncompressed data):")
        print("codec  kind    comp GB/s  decomp GB/s  ratio")
        for (c, k), r in lib.items():
            print(f"{c:<6} {k:<6} {num(r['comp_gbps']):>10.3f} {num(r['decomp_gbps']):>12.3f}"
                  f" {num(r['ratio']):>6.4f}")
        print()
    print("medians of the passing runs (GB = 1e9 bytes of process memory per second; memcpy"
          " measured just before the dump, MAP_POPULATE just before the restore; lib-comp ="
          " the library's one-thread compress speed for that codec and data)")
    table("image directories (dump -D DIR, restore -D DIR --detach):", DIR_COLS,
          [s for s in summary if s["mode"] in ("dir", "dir1")])
    st = [s for s in summary if s["mode"] not in ("dir", "dir1")]
    if st:
        table("streams (tcp: dump --to to `cryo serve -D DIR`, then restore from DIR; pipe:"
              " dump|restore end to end):", STREAM_COLS, st)
    if predump:
        table("pre-dump (frozen ms: cryo's own, from dump.log/predump.log; stall: the longest"
              " time the holder's rewriting thread made no progress, during the pre-dump and in"
              " the 1 s (idle) between pre-dump and dump; %/s: the rewrite rate it managed then;"
              " final = dump --parent; GB/s = bytes copied / frozen time):", PREDUMP_COLS,
              predump)
    print("targets (issue 4):")
    for t, c, v, m in targets:
        verdict = NA if m is None else ("met" if m else "NOT met")
        val = "" if v is None else f"{v:.3f}"
        print(f"  {t:<52} {c:<28} {val:>6}  {verdict}")


if __name__ == "__main__":
    main()
