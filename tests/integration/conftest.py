"""Harness for the integration tests: start a real workload, dump it, restore it, check it.

The pytest process makes itself a child subreaper, so that restored trees (whose parent, the
`cryo restore` process, exits with --detach) become its children and are reaped here: a zombie
would otherwise hold its PID and make the next restore of the same image wait.
"""
import ctypes
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("CRYO_BUILD", ROOT / "build")).resolve()
CRYO = str(Path(os.environ.get("CRYO", BUILD / "cryo")).resolve())
WORKLOADS = BUILD / "tests" / "workloads"
# Extra options for every dump, to run the whole suite over another page path, e.g.
# CRYO_DUMP_ARGS="--compression lz4 --streams 2".
DUMP_ARGS = os.environ.get("CRYO_DUMP_ARGS", "").split()
# The same for every restore, e.g. CRYO_RESTORE_ARGS="--lazy".
RESTORE_ARGS = os.environ.get("CRYO_RESTORE_ARGS", "").split()
# CRYO_PREDUMP=1: every dump of the suite builds on a pre-dump taken just before it (the
# tree's memory copied while it runs, then only what it wrote since).
PREDUMP = os.environ.get("CRYO_PREDUMP") == "1"
# CRYO_STREAM=1: every dump of the suite goes to stdout, into IMG/image.stream, and every
# restore reads that on stdin: the tree is restored as the image arrives.
STREAM = os.environ.get("CRYO_STREAM") == "1"
STREAM_NAME = "image.stream"
# CRYO_FANOUT=N: every restore is a warm pool of N copies (`cryo restore --copies N`,
# docs/fanout.md), each in a pid namespace of its own, lazy, one page server for all:
# restore() returns the first copy's init (its root has the image's PID in there, see
# image_pid()), and check() tells every copy to verify itself.
FANOUT = int(os.environ.get("CRYO_FANOUT", "0"))
# CRYO_COW=1: every dump of the suite that kills the tree is instead a copy-on-write dump
# (--leave-running, whose default that is: the tree runs on while its pages are copied),
# after which the harness kills the tree: the image must hold it as it was at the freeze.
COW = os.environ.get("CRYO_COW") == "1"

PR_SET_CHILD_SUBREAPER = 36
ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def busybox_bundle(bundle, args):
    """An OCI bundle of busybox running args (scripts/busybox-bundle.sh), its counter file
    /tmp/count there from the start, as in the image a container came from: a dump that
    freezes a shell between its `> /tmp/count` and the close carries the open file, which a
    restore into a pristine bundle reopens by its path."""
    subprocess.run([str(ROOT / "scripts" / "busybox-bundle.sh"), str(bundle), *args],
                   check=True, capture_output=True, timeout=120)
    (bundle / "rootfs" / "tmp").mkdir(exist_ok=True)
    (bundle / "rootfs" / "tmp" / "count").touch()
    return bundle


def workload(name):
    """Path of a built workload program (tests/workloads/<area>/<name>.c)."""
    found = [p for p in WORKLOADS.rglob(name) if p.is_file() and os.access(p, os.X_OK)]
    assert found, f"workload {name} is not built under {WORKLOADS}"
    return str(found[0])


def alive(pid):
    """True while pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def reap(pid, timeout=5.0):
    """Waits for a child (or adopted) pid to exit; returns its exit status as a shell would."""
    deadline = time.time() + timeout
    while True:
        try:
            got, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if got == pid:
            return os.waitstatus_to_exitcode(status)
        if time.time() > deadline:
            return None
        time.sleep(0.01)


def reap_all():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


class Run:
    """A workload started by a test, with its output going to a file."""

    def __init__(self, tmp, argv, cwd=None, env=None, name="out", pass_fds=()):
        self.out = Path(tmp) / f"{name}.txt"
        self.outf = open(self.out, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.outf,
                                     stderr=subprocess.STDOUT, cwd=cwd or tmp, env=env,
                                     close_fds=True, pass_fds=pass_fds,
                                     start_new_session=True)
        self.pid = self.proc.pid

    def text(self):
        return self.out.read_text(errors="replace")

    def wait_for(self, word, timeout=20.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if word in self.text():
                return
            if not alive(self.pid) and word not in self.text():
                break
            time.sleep(0.02)
        raise AssertionError(f"{word!r} never appeared; output: {self.text()[-2000:]!r}")

    def signal(self, sig):
        os.kill(self.pid, sig)

    def finish(self, timeout=20.0):
        """Reaps the original process (after a dump killed it, or after its test ended)."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        # Every task below it first, while they are still its descendants: a tree that left
        # its group (setsid), such as the init of a pid namespace a launcher cloned (whose
        # death takes the whole namespace), would outlive a test that failed before it
        # learnt the init's pid (a "ready" that never came). Only while it is unreaped: its
        # PID is not reused until then.
        for pid in descendants(self.pid)[1:] if self.proc.poll() is None else ():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.finish(5)
        self.outf.close()


def apart_from_other_runs(argv, keep):
    """argv, run in a private copy of our mount namespace without the mounts below /tmp but
    those below keep. A tree that makes a mount namespace of its own in a user namespace of
    its own keeps there, locked, a copy of every mount ours had then, even once it is gone
    from ours: the dump then finds a tmpfs of the tree's that ours lacks and refuses it, as
    it must. This machine's other test runs mount and unmount theirs below /tmp at any
    time."""
    drop = ('for m in $(awk \'{print $5}\' /proc/self/mountinfo | grep "^/tmp/" | sort -r); do '
            'case "$m" in "$0"|"$0"/*) ;; *) umount -l "$m" 2>/dev/null;; esac; done; '
            'exec "$@"')
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", drop, str(keep),
            *map(str, argv)]


def nsinit(run, timeout=20.0):
    """The pid of the init a launcher of a tree in namespaces of its own printed ("nsinit N").
    The launcher prints it once clone() has returned, while the init may already be running
    the workload: it may come after the workload's "ready"."""
    run.wait_for("nsinit ", timeout)
    deadline = time.time() + timeout
    while not (m := re.search(r"nsinit (\d+)\n", run.text())):
        assert time.time() < deadline, f"no whole nsinit line: {run.text()[-2000:]!r}"
        time.sleep(0.01)
    return int(m.group(1))


def root_of(pid):
    """A restored root's PID here: pid itself, or in a fan-out run (CRYO_FANOUT), where pid
    is a copy's init, the init's one child."""
    if not FANOUT:
        return pid
    kids = open(f"/proc/{pid}/task/{pid}/children").read().split()
    assert len(kids) == 1, kids
    return int(kids[0])


def child_of(pid, timeout=5.0):
    """pid's first child, once it has one (a program that `unshare --fork` started)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        kids = open(f"/proc/{pid}/task/{pid}/children").read().split()
        if kids:
            return int(kids[0])
        time.sleep(0.01)
    raise AssertionError(f"pid {pid} has no child")


def ns_pid(pid):
    """The PID (or TID) a process has in its own pid namespace."""
    with open(f"/proc/{pid}/status") as f:
        return int([line.split()[-1] for line in f if line.startswith("NSpid:")][0])


def image_pid(pid):
    """The PID a restored root (as restore() returned it) has in its own pid namespace."""
    return ns_pid(root_of(pid)) if FANOUT else pid


def cryo(*args, check=True, timeout=120):
    p = subprocess.run([CRYO, *map(str, args)], capture_output=True, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise AssertionError(f"cryo {' '.join(map(str, args))} failed ({p.returncode}):\n"
                             f"{p.stdout}{p.stderr}")
    return p


class Env:
    def __init__(self, tmp):
        self.tmp = Path(tmp)
        self.runs = []
        self.restored = []
        self.images = []
        self.copies = {}  # CRYO_FANOUT: first copy's init -> the other copies' inits

    def start(self, argv, **kw):
        r = Run(self.tmp, argv, **kw)
        self.runs.append(r)
        return r

    def dump(self, run, img=None, leave_running=False, extra=(), suite_args=True):
        """Dumps run into img; suite_args=False leaves out CRYO_DUMP_ARGS (for tests of one
        image layout)."""
        img = img or self.tmp / "img"
        self.images.append(img)
        args = ["dump", "-t", run.pid, "-D", img, *(DUMP_ARGS if suite_args else ()), *extra]
        if PREDUMP and suite_args and "--parent" not in map(str, extra):
            pre = Path(f"{img}.pre")
            cryo("pre-dump", "-t", run.pid, "-D", pre)
            args += ["--parent", pre]
        cow = COW and suite_args and not leave_running
        if leave_running or cow:
            args.append("--leave-running")
        tree = descendants(run.pid) if cow else []
        if STREAM and suite_args:
            Path(img).mkdir(parents=True, exist_ok=True)
            args[args.index("-D") + 1] = "-"
            with open(Path(img) / STREAM_NAME, "wb") as out:
                p = subprocess.run([CRYO, *map(str, args)], stdout=out,
                                   stderr=subprocess.PIPE, text=True, timeout=120)
            assert p.returncode == 0, p.stderr
        else:
            cryo(*args)
        if cow:
            # the tree as it was at the dump, and as it is now (a shell forks on)
            tree = [run.pid] + sorted(set(tree) | set(descendants(run.pid)) |
                                      set(image_pids(img)))
            for pid in tree:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if not leave_running:
            run.finish()
            assert not alive(run.pid), "dump did not kill the tree"
            # The killed tree's children are ours to reap (subreaper): a zombie would hold
            # its PID against the restore.
            reap_gone(image_pids(img))
        return img

    def restore(self, img=None):
        """Restores detached and returns the root pid (a child of this process)."""
        img = img or self.tmp / "img"
        pidfile = self.tmp / "restored.pid"
        stream = Path(img) / STREAM_NAME
        if stream.exists() and not (Path(img) / "cryo.json").exists():
            with open(stream, "rb") as src:
                p = subprocess.run([CRYO, "restore", "-D", "-", "--detach", "--pidfile",
                                    str(pidfile), "-v", *RESTORE_ARGS], stdin=src,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   timeout=120)
            assert p.returncode == 0, p.stderr
            assert "as it arrives" in p.stderr, p.stderr
        else:
            cryo("restore", "-D", img, "--detach", "--pidfile", pidfile, *RESTORE_ARGS,
                 *(("--copies", FANOUT) if FANOUT else ()))
        pids = [int(x) for x in pidfile.read_text().split()]
        self.restored.extend(pids)
        self.copies[pids[0]] = pids[1:]
        return pids[0]

    def roundtrip(self, argv, timeout=20.0, **kw):
        """Starts a workload (kw as for start()), dumps it (killing it), restores it with its
        PID and lets it check itself; returns the run."""
        run = self.start([str(a) for a in argv], **kw)
        run.wait_for("ready", timeout)
        self.dump(run)
        pid = self.restore()
        assert image_pid(pid) == run.pid
        self.check(run, pid, timeout)
        return run

    def check(self, run, pid, timeout=20.0):
        """Tells the restored workload to verify itself; asserts it printed PASS."""
        others = self.copies.get(pid, [])
        for p in (pid, *others):
            os.kill(p, signal.SIGUSR1)
        code = reap(pid, timeout)
        codes = [reap(p, timeout) for p in others]
        text = run.text()
        assert "PASS" in text and code == 0, f"exit {code}; output: {text[-2000:]!r}"
        assert codes == [0] * len(others), f"other copies: exit {codes}; output: {text[-2000:]!r}"

    def cleanup(self):
        for pid in self.restored:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            reap(pid, 2)
        for r in self.runs:
            r.kill()
        # Tasks of a restored tree that left its session (setsid) survive the kills above.
        for img in self.images:
            try:
                kill_pids(image_pids(img))
            except AssertionError:
                pass  # no readable image: nothing was restored from it
        reap_all()


@pytest.fixture
def env(tmp_path):
    e = Env(tmp_path)
    yield e
    e.cleanup()


# --- process trees (added for test_tree.py / test_process.py) ---

def image_pids(img):
    """PIDs of every task an image holds (from `cryo show --json`); empty if there is none."""
    import json
    if (Path(img) / STREAM_NAME).exists() and not (Path(img) / "cryo.json").exists():
        return _stream_pids(Path(img) / STREAM_NAME)
    if not (Path(img) / "cryo.json").exists():
        return []
    # The PIDs of a tree in its own pid namespace are that namespace's, not ours.
    try:
        meta = json.loads((Path(img) / "cryo.json").read_text(errors="replace"))
        if "pid" in meta.get("namespaces", {}).get("own", []):
            return []
    except (ValueError, AttributeError):
        pass  # not an image cryo show reads either: it says so below
    return [int(t["pid"]) for t in json.loads(cryo("show", img, "--json").stdout)["tasks"]]


def _stream_pids(path):
    """The PIDs of an image kept as a stream: its cryo.json, put together from the file
    records of the stream (image/stream.h)."""
    import json
    import struct
    rec = struct.Struct("<4sBBHHHiIIQQQ")
    data, off, meta = path.read_bytes(), 0, bytearray()
    while off + rec.size <= len(data):
        h = rec.unpack_from(data, off)
        body = data[off + rec.size:off + rec.size + h[8]]
        if h[1] == 2 and body[:h[5]] == b"cryo.json" and h[7]:
            end = h[9] + h[7]
            meta[len(meta):end] = bytes(max(0, end - len(meta)))
            meta[h[9]:end] = body[h[5]:]
        off += rec.size + h[8]
    return [int(t["pid"]) for t in json.loads(bytes(meta))["tasks"]] if meta else []


def reap_gone(pids, timeout=5.0):
    """Reaps the tasks of a dumped (killed) tree. This process is their subreaper once their
    parents die, and a zombie would hold its PID against the restore."""
    deadline = time.time() + timeout
    left = set(pids)
    while left and time.time() < deadline:
        for pid in list(left):
            try:
                got, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                got = 0
                if not os.path.exists(f"/proc/{pid}"):
                    left.discard(pid)
            if got == pid:
                left.discard(pid)
        time.sleep(0.01)
    assert not left, f"dumped tasks {sorted(left)} are still there"


def _ours(pid, sid):
    """Whether pid still is one of ours: a built workload, or in the given session (a PID
    freed by our tree may be reused by anyone's process on this shared machine)."""
    try:
        if os.readlink(f"/proc/{pid}/exe").startswith(str(WORKLOADS) + "/"):
            return True
        return sid is not None and os.getsid(pid) == sid
    except OSError:
        return False


def kill_pids(pids, sid=None):
    """SIGKILLs and reaps those of pids that are still ours (a restored tree whose tasks left
    the harness' process group)."""
    for pid in pids:
        if _ours(pid, sid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    for pid in pids:
        reap(pid, 1)


def descendants(pid):
    """pid and every task below it, from /proc/PID/task/TID/children."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return found
