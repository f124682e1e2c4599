#!/usr/bin/python3
"""Runs CRIU's zdtm static tests of the `ns` flavour through cryo the way that flavour puts
them (test/zdtm/lib/ns.c), but without its pivot_root and time namespace: each test is started
(`make NAME.pid`) by the init of new pid, mount, net, uts and ipc namespaces
(tests/workloads/tree/pidns_run.c -z), which cryo dumps with its tree (no option) and restores
into fresh ones; then the init is sent SIGTERM, passes it to the test, and the test's .out says
PASS or FAIL. The init checks itself too (pid 1, its proc, host and domain names, lo).

Everything else is as scripts/criu-zdtm.py runs a test (the zdtm user unless the .desc says
suid, leftovers removed, one line per test):

    scripts/criu-zdtm-pidns.py --criu-src ~/criu [--cryo build/cryo] [--results FILE] NAME...

Tests whose flavours do not include `ns`, or that need a root of their own (`ZDTM_ROOT`, mounts)
are for scripts/criu-zdtm.py or a flavour this script does not make.
"""
import argparse
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("criu_zdtm", os.path.join(HERE, "criu-zdtm.py"))
z = importlib.util.module_from_spec(spec)
spec.loader.exec_module(z)

# Tests that ask their ns_init not to reap orphans (setenv("ZDTM_NOREAP") in the test).
NOREAP = {"helper_zombie_child"}


def run_test(static, cryo, pidns_run, name, img, tmp):
    env = dict(os.environ, TMPDIR="/tmp")
    if "suid" not in z.desc_of(static, name).get("flags", "").split():
        env.update(z.ZDTM_USER)
        os.chmod(static, 0o777)
    z.remove_leftovers(static, name)
    init = restored = None
    out = os.path.join(tmp, name + ".init")
    pidfile = os.path.join(static, name + ".pid")
    argv = [pidns_run, "-j", *(["-n"] if name in NOREAP else []), "-z", pidfile,
            "make", "--no-print-directory", "-C", static, name + ".pid"]
    with open(out, "wb") as o:
        launcher = subprocess.Popen(argv, env=env, stdout=o, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        end = time.time() + 60
        text = ""
        while time.time() < end and "ready" not in text and launcher.poll() is None:
            time.sleep(0.05)
            text = open(out, errors="replace").read()
        m = re.search(r"nsinit (\d+)", text)
        if "ready" not in text or not m:
            why = ""
            try:
                o = open(os.path.join(static, name + ".out"), errors="replace").read()
                why = next((l for l in o.splitlines() if "ERR:" in l or "FAIL:" in l), "")
            except OSError:
                pass
            return "ERR", "start: " + (why or z.last_line(text) or "no ready")
        init = int(m.group(1))
        shutil.rmtree(img, ignore_errors=True)
        os.makedirs(img)
        try:
            d = subprocess.run([cryo, "dump", "-t", str(init), "-D", img], capture_output=True,
                               text=True, timeout=180)
        except subprocess.TimeoutExpired:
            return "DUMP", "timed out"
        if d.returncode:
            if "crfail" in z.desc_of(static, name).get("flags", "").split():
                return "PASS", "refused at dump, as its crfail flag expects: " + \
                    z.last_line(d.stderr)
            return "DUMP", z.last_line(d.stderr) or f"exit {d.returncode}"
        launcher.wait(10)
        pidf = os.path.join(tmp, name + ".restored")
        try:
            r = subprocess.run([cryo, "restore", "-D", img, "--detach", "--pidfile", pidf],
                               capture_output=True, text=True, timeout=180, cwd=static)
        except subprocess.TimeoutExpired:
            return "RESTORE", "timed out"
        if r.returncode:
            return "RESTORE", z.last_line(r.stderr) or f"exit {r.returncode}"
        restored = int(open(pidf).read().split()[0])
        os.kill(restored, signal.SIGTERM)
        if not z.wait_gone(restored, 40):
            return "CHECK", "did not end within 40 s of SIGTERM"
        try:
            o = open(os.path.join(static, name + ".out"), errors="replace").read()
        except OSError:
            o = ""
        init_text = open(out, errors="replace").read()
        if "FAIL: init" in init_text:
            return "CHECK", z.last_line(init_text)
        if re.search(r"(^|: )PASS$", o, re.M):
            return "PASS", ""
        return "CHECK", " | ".join(o.strip().splitlines()[-2:])[:300]
    finally:
        # An init's death ends its namespace: nothing of the test stays behind.
        for pid in (init, restored):
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        try:
            os.killpg(launcher.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        launcher.wait(10)
        z.kill_test(static, name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--criu-src", default=os.environ.get("CRIU_SRC"), required=not
                    os.environ.get("CRIU_SRC"), help="a CRIU source tree with its tests built")
    ap.add_argument("--cryo", default=os.path.join(HERE, "../build/cryo"))
    ap.add_argument("--pidns-run", help="the pidns_run workload (default: beside --cryo)")
    ap.add_argument("--results", help="append each line to this file too")
    ap.add_argument("names", nargs="+")
    a = ap.parse_args()
    static = os.path.abspath(os.path.join(a.criu_src, "test/zdtm/static"))
    cryo = os.path.abspath(a.cryo)
    pidns_run = os.path.abspath(a.pidns_run or os.path.join(
        os.path.dirname(cryo), "tests/workloads/tree/pidns_run"))
    results = open(a.results, "a") if a.results else None
    counts = {}
    with tempfile.TemporaryDirectory(prefix="cryo-zdtm-pidns-") as tmp:
        for name in a.names:
            start = time.time()
            d = z.desc_of(static, name)
            status, why = "SKIP", None
            if "ns" not in d.get("flavor", "h ns uns").split():
                why = "flavour " + d.get("flavor", "")
            elif not os.access(os.path.join(static, name), os.X_OK):
                why = "not built"
            else:
                try:
                    status, why = run_test(static, cryo, pidns_run, name,
                                           os.path.join(tmp, "img"), tmp)
                except Exception as e:  # a broken test must not stop the run
                    status, why = "ERR", repr(e)
            counts[status] = counts.get(status, 0) + 1
            line = f"{status:8} {name:32} {time.time() - start:5.1f}s {why or ''}"
            print(line, flush=True)
            if results:
                results.write(line + "\n")
                results.flush()
    print(" ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
