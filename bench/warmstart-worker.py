#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# The warm-start benchmark's worker (bench/warmstart.sh): a python3 process that imports numpy,
# builds MIB MiB of state in numpy arrays filled from a seeded generator (the same bytes for the
# same seed), plus a dict of small Python objects, prints "ready", then serves requests.
#
#   warmstart-worker.py MIB SEED REQUEST_FIFO ANSWER_FIFO
#
# Requests are lines read from REQUEST_FIFO (held open read-write from the start, so that a
# request written before the state is built waits in the FIFO); each answer is one line written
# to ANSWER_FIFO (opened for each answer):
#   "sum K"  -> "sum K <sum mod 2^64 of 1 MiB block K as uint64 words> <vocab entry> ns=<pid ns>"
#   "all"    -> "all <sum mod 2^64 of every word of the state> <len(vocab)> ns=<pid ns>"
# Each answer ends with " took_ms=T faults=F": the time from the request's line being read to the
# answer being ready (after a lazy restore, mostly page faults), and the page faults the worker
# took meanwhile (getrusage: minor + major; a page served by a lazy restore's page server is one,
# a page of the hot set, loaded before the tree ran, none). The pid namespace tells copies of a pool
# apart. The "ready" line carries the wall clock
# (time.time()) at which the state was complete, so the script can take exec-to-ready.
import os
import resource
import sys
import time

BLOCK = 1 << 20  # bytes in a block of "sum K"
ARRAYS = 8  # the state in this many arrays, as a model's weights would be


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: warmstart-worker.py MIB SEED REQUEST_FIFO ANSWER_FIFO")
    mib, seed = int(sys.argv[1]), int(sys.argv[2])
    req_path, ans_path = sys.argv[3], sys.argv[4]
    if mib < ARRAYS or mib % ARRAYS:
        sys.exit(f"warmstart-worker: MIB must be a multiple of {ARRAYS}")
    for fd in [int(f) for f in os.listdir("/proc/self/fd")]:
        if fd > 2:  # what the caller's shell left open is no part of the worker
            try:
                os.close(fd)
            except OSError:
                pass
    req = os.open(req_path, os.O_RDWR)
    t0 = time.time()
    try:
        import numpy as np
    except ImportError:
        print("warmstart-worker: numpy is not installed (Debian: python3-numpy)", flush=True)
        sys.exit(3)
    t_import = time.time()

    rng = np.random.default_rng(seed)
    words = mib * (1 << 20) // 8 // ARRAYS
    state = [rng.integers(0, 1 << 63, size=words, dtype=np.int64).view(np.uint64)
             for _ in range(ARRAYS)]
    vocab = {f"w{i:07d}": (i * 2654435761) % 1000003 for i in range(200000)}
    keys = list(vocab)
    t_ready = time.time()
    blocks_per_array = words * 8 // BLOCK
    nblocks = blocks_per_array * ARRAYS
    print(f"ready pid={os.getpid()} import_s={t_import - t0:.3f} build_s={t_ready - t_import:.3f}"
          f" t={t_ready:.6f} blocks={nblocks}", flush=True)

    def block_sum(k):
        k %= nblocks
        a = state[k // blocks_per_array]
        w = (k % blocks_per_array) * (BLOCK // 8)
        return int(a[w:w + BLOCK // 8].sum(dtype=np.uint64))

    def answer(line):
        ns = os.readlink("/proc/self/ns/pid")
        parts = line.split()
        if parts[:1] == ["sum"] and len(parts) == 2 and parts[1].isdigit():
            k = int(parts[1])
            key = keys[k % len(keys)]
            return f"sum {k} {block_sum(k)} {key}={vocab[key]} ns={ns}"
        if parts == ["all"]:
            total = 0
            for a in state:
                total = (total + int(a.sum(dtype=np.uint64))) % (1 << 64)
            return f"all {total} {len(vocab)} ns={ns}"
        return f"error bad request {line!r}"

    pending = b""
    while True:
        chunk = os.read(req, 4096)
        if not chunk:
            continue
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            ru = resource.getrusage(resource.RUSAGE_SELF)
            t = time.perf_counter()
            out = answer(line.decode(errors="replace").strip())
            took = time.perf_counter() - t
            ru2 = resource.getrusage(resource.RUSAGE_SELF)
            faults = ru2.ru_minflt + ru2.ru_majflt - ru.ru_minflt - ru.ru_majflt
            out += f" took_ms={took * 1000:.2f} faults={faults}\n"
            fd = os.open(ans_path, os.O_WRONLY)
            try:
                os.write(fd, out.encode())
            finally:
                os.close(fd)


if __name__ == "__main__":
    main()
