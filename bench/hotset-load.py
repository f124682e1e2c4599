#!/usr/bin/python3
"""What loading a hot set costs a restore (docs/hot-set.md, issue 16).

mem_hot (128 MiB) is dumped; a first pool restore records its hot set, which is then replaced
by one of the python worker's shape (--runs runs of 32 KiB, two per checked 256 KiB chunk,
3.2 MiB by default), keeping its key and writing a new sum. Then `perf stat -e task-clock` of
`cryo restore --copies 1`, with the hot set and with --no-hot-set, alternated, --reps times
each, and the system calls of one restore of each.

    CRYO_BUILD=$PWD/build bench/hotset-load.py [--reps 7] [--runs 100]
"""
import argparse
import ctypes
import os
import shutil
import signal
import statistics
import struct
import subprocess
import tempfile
import time

BUILD = os.environ.get("CRYO_BUILD", "build")
CRYO = os.path.join(BUILD, "cryo")
WORKLOAD = os.path.join(BUILD, "tests", "workloads", "mem", "mem_hot")
SIZE = 128 << 20

xxh = ctypes.CDLL("libxxhash.so.0")
xxh.XXH3_64bits.restype = ctypes.c_uint64
xxh.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]


def gone(pid):
    """Waits for a killed task (not our child) to be gone or a zombie."""
    for _ in range(500):
        try:
            if open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z":
                return
        except OSError:
            return
        time.sleep(0.01)


def restore(img, pidfile, extra, perf_args):
    r = subprocess.run(["perf", "stat", "-x,", *perf_args, CRYO, "restore", "-D", img,
                        "--detach", "--pidfile", pidfile, "--copies", "1", *extra],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    pid = int(open(pidfile).read().split()[0])
    os.kill(pid, signal.SIGKILL)
    gone(pid)
    return {l.split(",")[2]: float(l.split(",")[0]) for l in r.stderr.splitlines()
            if l.count(",") >= 2 and l.split(",")[0].replace(".", "").isdigit()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--runs", type=int, default=100)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="hotset-load.")
    img, pidfile, out = f"{tmp}/img", f"{tmp}/pid", f"{tmp}/out"
    w = subprocess.Popen([WORKLOAD], stdout=open(out, "w"), stderr=subprocess.STDOUT)
    try:
        while "ready" not in open(out).read():
            time.sleep(0.05)
        base = next(int(l.split("-")[0], 16) for l in open(f"/proc/{w.pid}/maps")
                    if len(l.split()) == 5 and
                    (lambda s, e: e - s)(*(int(x, 16) for x in l.split()[0].split("-"))) == SIZE)
        subprocess.run([CRYO, "dump", "-t", str(w.pid), "-D", img], check=True)
        w.wait()
        # the first pool restore records a hot set (its pieces read on SIGUSR2)
        subprocess.run([CRYO, "restore", "-D", img, "--detach", "--pidfile", pidfile,
                        "--copies", "1"], check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL)
        pool = int(open(pidfile).read().split()[0])
        root = int(open(f"/proc/{pool}/task/{pool}/children").read().split()[0])
        os.kill(root, signal.SIGUSR2)
        for _ in range(100):
            if os.path.exists(f"{img}/hotset.img"):
                break
            time.sleep(0.1)
        os.kill(pool, signal.SIGKILL)
        gone(pool)
        data = open(f"{img}/hotset.img", "rb").read()
        magic, key = struct.unpack_from("<8sQ", data)
        pid = struct.unpack_from("<I", data, 40)[0]
        runs = b"".join(struct.pack("<IIQQ", pid, 0, base + (i // 2) * (2 << 20) +
                                    (i % 2) * (128 << 10), 8) for i in range(a.runs))
        open(f"{img}/hotset.img", "wb").write(
            struct.pack("<8sQQQQ", magic, key, a.runs, a.runs * 8,
                        xxh.XXH3_64bits(runs, len(runs))) + runs)
        ms = {"hot set": [], "--no-hot-set": []}
        for _ in range(a.reps):
            for k in ms:
                extra = ["--no-hot-set"] if k != "hot set" else []
                ms[k].append(restore(img, pidfile, extra, ["-e", "task-clock"])["task-clock"])
        for k, v in ms.items():
            print(f"{k:14} task-clock ms: median {statistics.median(v):.1f}, "
                  f"{min(v):.1f}-{max(v):.1f}")
        ev = ["syscalls:sys_enter_process_vm_writev", "syscalls:sys_enter_pread64"]
        for k in ms:
            extra = ["--no-hot-set"] if k != "hot set" else []
            got = restore(img, pidfile, extra, ["-e", ",".join(ev)])
            print(f"{k:14} " + ", ".join(f"{e.split('enter_')[1]} {int(got.get(e, 0))}"
                                         for e in ev))
    finally:
        if w.poll() is None:
            w.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
