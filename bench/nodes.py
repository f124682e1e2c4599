#!/usr/bin/python3
"""Restore on another node, end to end, against a cold start of the same worker (issue 16).

Two cryods in network, mount and PID namespaces of their own and s3rver in a third, as in
tests/integration/test_nodes.py (whose set-up this reuses). A worker builds its state (MIB MiB
computed with SHA-256, as a service warms a cache or loads a model) and then counts. For each
repetition:

  cold     POST /v1/jobs on A  -> its first counter line (the worker's cold start)
  dump     POST /v1/jobs/ID/dump on A, into s3://.../cluster (the image leaves node A)
  restore  POST /v1/jobs/ID/restore {"from": s3://...} on B -> the next counter line on B
  lazy     the same with "lazy": true

Medians of --reps. Run as root from the source tree after a build:

    CRYO_BUILD=$PWD/build bench/nodes.py [--mib 256] [--reps 3]
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

import test_nodes as tn  # noqa: E402

WORKER = ("import hashlib, sys, time\n"
          "mib = int(sys.argv[1])\n"
          "mem = bytearray(mib << 20)\n"
          "h = hashlib.sha256(b'seed').digest()\n"
          "for off in range(0, len(mem), 32):\n"
          "    mem[off:off + 32] = h\n"
          "    h = hashlib.sha256(h).digest()\n"
          "i = 0\n"
          "while True:\n"
          "    print(i, flush=True)\n"
          "    i += 1\n"
          "    time.sleep(0.005)\n")


def lines(d, job):
    status, text = d.request("GET", f"/v1/jobs/{job}/logs")
    return (text or "").split() if status == 200 else []


def wait_count(d, job, n, timeout=600):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(lines(d, job)) >= n:
            return time.monotonic()
        time.sleep(0.002)
    raise RuntimeError(f"{job}: no output: {d.log_text()}")


def one(a, b, mib, rep, lazy):
    job = f"w{rep}{'l' if lazy else ''}"
    t0 = time.monotonic()
    a.ok("POST", "/v1/jobs", {"id": job, "command": ["python3", "-c", WORKER, str(mib)]},
         status=201)
    cold = wait_count(a, job, 1) - t0
    wait_count(a, job, 5)
    t0 = time.monotonic()
    ck = a.ok("POST", f"/v1/jobs/{job}/dump", {}, status=201)
    dump = time.monotonic() - t0
    seen = len(lines(a, job))
    t0 = time.monotonic()
    b.ok("POST", f"/v1/jobs/{job}/restore",
         {"from": f"s3://{tn.BUCKET}/cluster", "lazy": lazy}, status=201)
    restore = wait_count(b, job, 1) - t0
    got = [int(x) for x in lines(b, job)]
    assert got[0] == seen, (got[:3], seen)  # the count went on where it stopped
    b.ok("POST", f"/v1/jobs/{job}/kill", {"signal": 9})
    b.wait_job(job, ("exited",))
    a.request("DELETE", f"/v1/checkpoints/{ck['id']}")
    return cold, dump, restore, ck["size"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mib", type=int, default=256)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    if os.geteuid():
        sys.exit("bench/nodes.py: run as root")
    import tempfile
    with tempfile.TemporaryDirectory(prefix="cryo-bench-nodes.") as tmp:
        gen = tn.make_cluster(Path(tmp))
        nodes = next(gen)
        try:
            a, b = nodes["a"], nodes["b"]
            a.start()
            b.start()
            rows = {False: [], True: []}
            for rep in range(args.reps):
                for lazy in (False, True):
                    try:
                        rows[lazy].append(one(a, b, args.mib, rep, lazy))
                    except Exception:
                        print("node A:", a.log_text()[-3000:], "\nnode B:", b.log_text(),
                              file=sys.stderr)
                        raise
            print(f"worker of {args.mib} MiB, {args.reps} reps, medians (seconds):")
            for lazy in (False, True):
                cold, dump, restore, size = (statistics.median(c) for c in zip(*rows[lazy]))
                print(f"  {'lazy ' if lazy else 'eager'}: cold start {cold:.3f}  dump to S3 "
                      f"{dump:.3f}  restore on B {restore:.3f}  cold/restore "
                      f"{cold / restore:.1f}x  image {size / 2**20:.0f} MiB")
        finally:
            try:
                next(gen)
            except StopIteration:
                pass


if __name__ == "__main__":
    main()
