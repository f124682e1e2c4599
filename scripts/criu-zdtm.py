#!/usr/bin/python3
"""Runs CRIU's own conformance tests (zdtm, the static ones) through cryo with
cryo's default options, and prints one line per test: PASS, or where it failed (DUMP, RESTORE,
CHECK: the test's own verdict after restore; ERR: it did not start) and why; SKIP for a test
that is not for the host flavour, not run by `zdtm.py run -a` (noauto), for another arch, or
not built.

CRIU's tests are not part of cryo (GPL, and fetched from outside): point --criu-src at a CRIU
source tree whose tests are built (`make -C test/zdtm/lib && make -k -C test/zdtm/static`;
Debian's libaio-dev, libcap-dev and libbpf-dev build a few more). Each test runs as zdtm.py
runs it in the host flavour: started by its Makefile rule (`make NAME.pid`), as the zdtm user
unless its .desc says suid, then dumped (the test is killed), restored with --detach, sent
SIGTERM, and judged by the PASS its .out ends with.

With --criu PATH the same tests run through CRIU instead, the way CRIU's own zdtm.py runs them
(each test's .desc options: opts and dopts at dump, opts and ropts at restore, which is
restored detached): the yardstick of what CRIU passes on this machine. With --opts-from-desc
cryo gets those .desc options too (the ones CRIU's own tests ask for, such as --tcp-close;
cryo takes or refuses each as docs/cryo-dump.md says): a run of what a test means, not of
cryo's defaults.

--flavour ns runs them as zdtm.py's ns flavour does: the test makes new pid, mount, net, uts
and ipc namespaces and pivot_roots into CRIU's test directory bound at a root of its own, with
/dev bound from a tmpfs the harness mounted on the host (CRIU gets `--root` and `--external
mnt[/dev]:ZDTM_DEV` for them, cryo nothing); --flavour uns adds a user namespace.

Tests that change the host beyond their own files (cgroup hierarchies they mount, firewall
rules) are left out unless --all is given; run those on a machine nothing else uses.

    scripts/criu-zdtm.py --criu-src ~/criu [--cryo build/cryo | --criu PATH] [--results FILE]
                         [--all] [--opts-from-desc] [--flavour h|ns|uns] [NAME...]
"""
import argparse
import ast
import glob
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

# Mount cgroup hierarchies, or set firewall rules that stay when the test is killed.
HOST_CHANGING = re.compile(r"^(cgroup|net_lock|netns_lock|netns-nft|socket-tcp-syn-sent|"
                           r"socket-tcp-.*nfconntrack)")
SPECIAL = "env00 fifo-rowo-pair umask00 cmdlinenv00 shm-unaligned shm-hugetlb".split()
ZDTM_USER = {"ZDTM_UID": "18943", "ZDTM_GID": "58467", "ZDTM_GROUPS": "27495 48244"}


def test_names(static):
    mk = open(os.path.join(static, "Makefile")).read().replace("\\\n", " ")
    names = []
    for var in ("TST_NOFILE", "TST_FILE", "TST_DIR", "TST_DIR_FILE"):
        for m in re.finditer(rf"^{var}\s*\+?:?=(.*)$", mk, re.M):
            names += [n for n in m.group(1).split("#")[0].split() if not n.startswith("$")]
    return names + SPECIAL


def desc_of(static, name):
    try:
        return ast.literal_eval(open(os.path.join(static, name + ".desc")).read())
    except (OSError, ValueError, SyntaxError):
        return {}


def alive(pid, zombie_too=False):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return zombie_too or f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pid, seconds, zombie_too=False):
    """Until pid has ended (zombie_too: and is reaped, its PID free for the restore)."""
    end = time.time() + seconds
    while time.time() < end:
        if not alive(pid, zombie_too):
            return True
        time.sleep(0.05)
    return False


def last_line(text):
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def kill_test(static, name, pids=()):
    """Every process of the test: started as ./NAME in the tests' directory (its own copy of
    the tests may be run by someone else meanwhile), and the pids given (the init of its pid
    namespace in the ns flavours, whose cwd in a root of its own reads differently)."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            argv0 = open(f"/proc/{entry}/cmdline", "rb").read().split(b"\0")[0].decode()
            if argv0 == "./" + name and os.readlink(f"/proc/{entry}/cwd") == static:
                os.kill(int(entry), signal.SIGKILL)
        except (OSError, UnicodeDecodeError):
            pass


class NsRoot:
    """zdtm.py's ns flavour: CRIU's test directory bound at a root of its own (the test
    pivot_roots into it), with /bin, /lib... made in it and the libraries each test needs
    copied there, and a tmpfs for its /dev mounted on the host, which the test binds in."""
    DIRS = ["/bin", "/sbin", "/etc", "/lib", "/lib64", "/dev", "/tmp", "/usr", "/proc", "/run"]

    def __init__(self, testdir, userns):
        self.testdir, self.userns = testdir, userns
        self.top = tempfile.mkdtemp(prefix="criu-root-")
        self.root = os.path.join(self.top, "root", "root")
        self.dev = os.path.join(self.top, "dev")
        os.makedirs(self.root)
        os.mkdir(self.dev)
        subprocess.run(["mount", "-t", "tmpfs", "criu-test-dev", self.dev], check=True)
        os.chmod(self.dev, 0o777)
        for d in (self.top, os.path.dirname(self.root), self.root):
            os.chmod(d, 0o755)
        for d in ("pts", "net"):
            os.mkdir(os.path.join(self.dev, d), 0o755)
        for name, rdev in (("tty", os.makedev(5, 0)), ("null", os.makedev(1, 3)),
                           ("net/tun", None), ("rtc", None), ("autofs", os.makedev(10, 235))):
            if rdev is None:
                try:
                    rdev = os.stat("/dev/" + name).st_rdev
                except OSError:
                    continue
            os.mknod(os.path.join(self.dev, name), 0o666 | stat.S_IFCHR, rdev)
            os.chmod(os.path.join(self.dev, name), 0o666)
        if not os.path.exists(os.path.join(testdir, ".constructed")):
            for d in self.DIRS:
                os.makedirs(testdir + d, exist_ok=True)
                os.chmod(testdir + d, 0o777)
            for d in ("/bin", "/sbin", "/lib", "/lib64"):
                if not os.path.lexists(testdir + "/usr" + d):
                    os.symlink(".." + d, testdir + "/usr" + d)
            open(os.path.join(testdir, ".constructed"), "w").close()
        self.mounted = False

    def copy_in(self, path):
        dst = self.testdir + path
        if not os.path.exists(dst):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(path, dst)

    def copy_libs(self, binary):
        out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
        for line in out.splitlines():
            f = line.split()
            lib = f[2] if len(f) > 2 and f[1] == "=>" else f[0] if f else ""
            if lib.startswith("/"):
                self.copy_in(lib)

    def start(self, binary, deps):
        if self.userns:
            os.chmod(self.testdir, os.stat(self.testdir).st_mode | 0o077)
        subprocess.run(["mount", "--make-private", "--bind", self.testdir, self.root], check=True)
        self.mounted = True
        self.copy_libs(binary)
        for alternatives in deps:
            for d in alternatives.split("|"):
                if os.access(d, os.F_OK):
                    self.copy_in(d)
                    self.copy_libs(d)
                    break

    def env(self):
        e = {"ZDTM_NEWNS": "1", "ZDTM_ROOT": self.root, "ZDTM_DEV": self.dev,
             "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
        if self.userns:
            e["ZDTM_USERNS"] = "1"
        return e

    def stop(self):
        if self.mounted:
            subprocess.run(["umount", "-l", self.root])
            self.mounted = False

    def close(self):
        self.stop()
        subprocess.run(["umount", "-l", self.dev])
        shutil.rmtree(self.top, ignore_errors=True)


def remove_leftovers(static, name):
    for suffix in (".pid", ".out", ".out.inprogress", ".out.external", ".pidns", ".outns"):
        try:
            os.unlink(os.path.join(static, name + suffix))
        except OSError:
            pass
    # NAME.test, NAME.dir.test, and what a test makes beside them (NAME.test.link,
    # NAME.master.test...), which a later start may refuse to find there.
    for p in glob.glob(os.path.join(glob.escape(static), glob.escape(name) + ".*test*")):
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p, ignore_errors=True)
        elif os.path.lexists(p):
            os.unlink(p)


def skip_reason(static, name, run_all, flavour):
    d = desc_of(static, name)
    flavours = d.get("flavor", "h ns uns").split()
    if flavour not in flavours:
        return "flavour " + " ".join(flavours)
    if "noauto" in d.get("flags", "").split():
        return "noauto"
    if d.get("arch") and os.uname().machine not in d["arch"].split():
        return "arch " + d["arch"]
    if not os.access(os.path.join(static, name), os.X_OK):
        return "not built"
    if not run_all and HOST_CHANGING.match(name):
        return "changes the host (--all runs it)"
    check = os.path.join(static, name + ".checkskip")
    if os.path.exists(check) and subprocess.run([check], cwd=static,
                                                capture_output=True).returncode:
        return "its checkskip says so"
    return None


def commands(static, name, tool, img, pidfile, ns):
    """The dump and the restore command lines: cryo's with no option (or with the .desc's,
    --opts-from-desc), or CRIU's as zdtm.py (in the ns flavours with the root and the /dev
    zdtm.py names to it)."""
    d = desc_of(static, name)
    opts = d.get("opts", "").split()
    if tool["criu"] is None:
        dopts, ropts = ((opts + d.get("dopts", "").split(), opts + d.get("ropts", "").split())
                        if tool["desc_opts"] else ([], []))
        return ([tool["cryo"], "dump", "-t", "{pid}", "-D", img] + dopts,
                [tool["cryo"], "restore", "-D", img, "--detach", "--pidfile", pidfile] + ropts)
    nsd = nsr = []
    if ns:
        nsd = ["--root", ns.root, "--external", "mnt[/dev]:ZDTM_DEV"]
        nsr = ["--root", ns.root, "--external", f"mnt[ZDTM_DEV]:{ns.dev}"]
    return ([tool["criu"], "dump", "-v4", "-o", "dump.log", "-D", img, "-t", "{pid}"] + opts +
            d.get("dopts", "").split() + nsd,
            [tool["criu"], "restore", "-v4", "-o", "restore.log", "-D", img,
             "--restore-detached", "--pidfile", pidfile] + opts + d.get("ropts", "").split() +
            nsr)


def run_test(static, tool, name, img, ns=None):
    pids = []
    try:
        return run_started(static, tool, name, img, ns, pids)
    finally:
        kill_test(static, name, pids)
        if ns:
            ns.stop()


def run_started(static, tool, name, img, ns, pids):
    env = dict(os.environ, TMPDIR="/tmp")
    rpidfile = os.path.join(os.path.dirname(img), "restored.pid")
    dump_cmd, restore_cmd = commands(static, name, tool, img, rpidfile, ns)
    if "suid" not in desc_of(static, name).get("flags", "").split():
        env.update(ZDTM_USER)
        os.chmod(static, 0o777)
    elif ns and ns.userns:
        # Root in the test's user namespace is no one here: it writes its files (.outns) as
        # a user of the map, into a fresh copy's directory as much as into a used one.
        os.chmod(static, 0o777)
    remove_leftovers(static, name)
    cwd = None
    if ns:
        ns.start(os.path.join(static, name), desc_of(static, name).get("deps", []))
        env.update(ns.env())
        # A directory the test binds over itself (mnt_ro_root: writable under a read-only /).
        if desc_of(static, name).get("bind"):
            env["ZDTM_BIND"] = desc_of(static, name)["bind"]
        # make runs in the bound root, as zdtm.py's does, so that the test's cwd is in it.
        cwd = ns.root
        static_in = os.path.join(ns.root, os.path.relpath(static, ns.testdir))
    else:
        static_in = static
    try:
        s = subprocess.run(["make", "--no-print-directory", "-C", static_in, name + ".pid"],
                           env=env, capture_output=True, text=True, timeout=60, cwd=cwd)
    except subprocess.TimeoutExpired:
        return "ERR", "did not start in 60 s"
    if s.returncode:
        # The test's own first error says why (no hugepage pool, no AppArmor...), make's
        # line only that it failed.
        why = ""
        try:
            out = open(os.path.join(static, name + ".out"), errors="replace").read()
            why = next((l for l in out.splitlines() if "ERR:" in l or "FAIL:" in l), "")
        except OSError:
            pass
        return "ERR", "start: " + (why.split(": ", 2)[-1] if why else
                                   last_line(s.stdout + s.stderr))
    pid = int(open(os.path.join(static, name + ".pid")).read().split()[0])
    pids.append(pid)
    shutil.rmtree(img, ignore_errors=True)
    try:
        os.unlink(rpidfile)
    except OSError:
        pass
    os.makedirs(img)
    try:
        d = subprocess.run([str(pid) if a == "{pid}" else a for a in dump_cmd],
                           capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return "DUMP", "timed out"
    if d.returncode:
        # crfail: CRIU refuses this state at dump too, and zdtm.py counts the refusal
        # as the test's pass (timens_for_kids, ptrace_sig).
        if "crfail" in desc_of(static, name).get("flags", "").split():
            return "PASS", "refused at dump, as its crfail flag expects: " + \
                last_line(d.stderr)
        return "DUMP", last_line(d.stderr) or f"exit {d.returncode}"
    if not wait_gone(pid, 10, zombie_too=True):
        return "DUMP", "the test still runs (or is not reaped) after the dump"
    try:
        r = subprocess.run(restore_cmd, capture_output=True, text=True, timeout=120,
                           cwd=static)
    except subprocess.TimeoutExpired:
        return "RESTORE", "timed out"
    if r.returncode:
        return "RESTORE", last_line(r.stderr) or f"exit {r.returncode}"
    try:
        # The restored root: the same pid in the host flavour, the init of a new pid
        # namespace (a pid of its own here) in the others.
        pid = int(open(rpidfile).read().split()[0])
        pids.append(pid)
    except (OSError, ValueError, IndexError):
        return "RESTORE", "no pid in the --pidfile"
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return "CHECK", "gone after restore"
    if not wait_gone(pid, 30):
        return "CHECK", "did not end within 30 s of SIGTERM"
    try:
        out = open(os.path.join(static, name + ".out"), errors="replace").read()
    except OSError:
        out = ""
    if re.search(r"(^|: )PASS$", out, re.M):
        return "PASS", ""
    return "CHECK", " | ".join(out.strip().splitlines()[-2:])[:300]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--criu-src", default=os.environ.get("CRIU_SRC"), required=not
                    os.environ.get("CRIU_SRC"), help="a CRIU source tree with its tests built")
    ap.add_argument("--cryo", default=os.path.join(os.path.dirname(__file__), "../build/cryo"))
    ap.add_argument("--criu", help="run the tests through this criu instead, as zdtm.py does")
    ap.add_argument("--results", help="append each line to this file too")
    ap.add_argument("--all", action="store_true", help="also the tests that change the host")
    ap.add_argument("--opts-from-desc", action="store_true",
                    help="give cryo each test's .desc options (opts, dopts, ropts) as CRIU gets them")
    ap.add_argument("--flavour", choices=("h", "ns", "uns"), default="h",
                    help="h: the test on the host; ns: in namespaces and a root of its own; "
                    "uns: and a user namespace (zdtm.py's flavours)")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    static = os.path.abspath(os.path.join(a.criu_src, "test/zdtm/static"))
    tool = {"cryo": os.path.abspath(a.cryo), "criu": a.criu and os.path.abspath(a.criu),
            "desc_opts": a.opts_from_desc}
    results = open(a.results, "a") if a.results else None
    counts = {}
    ns = None
    # Stopped by SIGTERM (timeout(1), a harness), the run still unmounts its root (finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    if a.flavour != "h":
        ns = NsRoot(os.path.dirname(os.path.dirname(static)), a.flavour == "uns")
    try:
        run_all(a, static, tool, ns, results, counts)
    finally:
        if ns:
            ns.close()
    print(" ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


def run_all(a, static, tool, ns, results, counts):
    """Every test named (all by default), one line each."""
    with tempfile.TemporaryDirectory(prefix="cryo-zdtm-") as tmp:
        for name in a.names or test_names(static):
            start = time.time()
            why = skip_reason(static, name, a.all, a.flavour)
            status = "SKIP"
            if why is None:
                try:
                    status, why = run_test(static, tool, name, os.path.join(tmp, "img"), ns)
                except Exception as e:  # a broken test must not stop the run
                    status, why = "ERR", repr(e)
            counts[status] = counts.get(status, 0) + 1
            line = f"{status:8} {name:32} {time.time() - start:5.1f}s {why}"
            print(line, flush=True)
            if results:
                results.write(line + "\n")
                results.flush()


if __name__ == "__main__":
    sys.exit(main())
