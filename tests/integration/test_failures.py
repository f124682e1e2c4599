"""Failure handling and bad input: what cryo refuses, it refuses clearly, with a non-zero exit
(1 or 2, never a signal), and it leaves nothing behind: a refused dump leaves the process
running untouched, a failed restore leaves no process, and an image is never modified."""
import hashlib
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CRYO, alive, cryo, image_pids, reap, reap_gone, workload


def _ours(pid):
    """A live process with this pid that we (this test process) are the parent of."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return fields[0] not in ("Z", "X") and int(fields[1]) == os.getpid()
    except (OSError, IndexError, ValueError):
        return False


def _status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
    return None


def _assert_running_untouched(pid):
    """Not traced, not stopped, and still being scheduled (its usleep loop switches). A killed
    `cryo dump` leaves its worker to notice and back out: give it a few seconds."""
    deadline = time.time() + 5
    while alive(pid) and _status(pid, "TracerPid") != "0" and time.time() < deadline:
        time.sleep(0.01)
    assert alive(pid), "the process is gone"
    assert _status(pid, "TracerPid") == "0", "the process is still traced"
    assert _status(pid, "State")[0] in "RS", f"the process is {_status(pid, 'State')}"
    before = int(_status(pid, "voluntary_ctxt_switches"))
    deadline = time.time() + 2
    while int(_status(pid, "voluntary_ctxt_switches")) <= before + 3:
        assert time.time() < deadline, "the process does not run"
        time.sleep(0.02)


def _clean_fail(p, *words):
    """A clear, non-crashing refusal: exit 1 or 2, a message on stderr naming `words`."""
    assert p.returncode in (1, 2), f"exit {p.returncode}: {p.stdout}{p.stderr}"
    err = p.stderr.strip()
    assert err, "no message on stderr"
    assert "Segmentation" not in err and "Aborted" not in err and "AddressSanitizer" not in err
    for w in words:
        assert w in err, f"{w!r} not in the message: {err!r}"
    return err


def _hashes(d):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in Path(d).iterdir()
            if p.is_file()}


# --- a refused dump leaves the process as it was ---------------------------------------------

@pytest.mark.parametrize("kind", ["xdp", "packet-fanout-cbpf", "packet-fanout-ebpf",
                                  "userfaultfd", "io_uring",
                                  "ns-gone"])
def test_dump_refuses_unsupported_fd(env, kind):
    run = env.start([workload("fail_unsupported"), kind])
    run.wait_for("ready")
    fd = run.text().split("fd ", 1)[1].split()[0]
    img = env.tmp / "img"
    p = cryo("dump", "-t", run.pid, "-D", img, check=False)
    _clean_fail(p, f"pid {run.pid}", f"fd {fd}")
    assert p.returncode == 1
    assert not (img / "cryo.json").exists(), "a refused dump left an image behind"
    _assert_running_untouched(run.pid)
    time.sleep(0.3)  # let it count some more
    env.check(run, run.pid)


@pytest.mark.parametrize("kind,words", [
    ("packet-ring-closed", "no descriptor of the tree holds that socket"),
    ("packet-ring-part", "4096 bytes of rings of 8192"),
])
def test_dump_refuses_ring_of_closed_socket(env, kind, words):
    """A packet ring still mapped after its socket was closed (no descriptor of the tree holds
    the socket, so its ring cannot be made again; CRIU refuses it too), and a ring mapped in
    part (mmap() of a packet socket takes its rings whole)."""
    run = env.start([workload("fail_unsupported"), kind])
    run.wait_for("ready")
    img = env.tmp / "img"
    p = cryo("dump", "-t", run.pid, "-D", img, check=False)
    _clean_fail(p, f"pid {run.pid}", "socket:[", words)
    assert p.returncode == 1
    assert not (img / "cryo.json").exists(), "a refused dump left an image behind"
    _assert_running_untouched(run.pid)
    time.sleep(0.3)
    env.check(run, run.pid)


# --- restore with a PID in use ---------------------------------------------------------------

def _occupy_pid(env, target, tries=200):
    """Starts a sleeper with exactly this PID (through ns_last_pid), or skips the test."""
    for _ in range(tries):
        try:
            with open("/proc/sys/kernel/ns_last_pid", "w") as f:
                f.write(str(target - 1))
        except OSError as e:
            pytest.skip(f"cannot steer PIDs: {e}")
        p = subprocess.Popen(["/bin/sleep", "60"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, start_new_session=True)
        if p.pid == target:
            return p
        p.kill()
        p.wait()
        if alive(target):
            pytest.skip(f"pid {target} was taken by someone else")
    pytest.skip(f"could not get pid {target}")


def _pids_past(pid):
    """Moves PID allocation past pid, so that cryo's own processes cannot take the image's
    PIDs after _occupy_pid() steered allocation just below them."""
    with open("/proc/sys/kernel/ns_last_pid") as f:
        last = int(f.read())
    with open("/proc/sys/kernel/pid_max") as f:
        pid_max = int(f.read())
    if last < pid < pid_max:  # near pid_max, allocation wraps to low PIDs by itself
        with open("/proc/sys/kernel/ns_last_pid", "w") as f:
            f.write(str(pid))


def _rewind(run, text):
    """Puts the workload's output file back as it was at the dump, for the next restore."""
    run.out.write_text(text)


@pytest.mark.parametrize("which", ["child", "thread", "root"])
def test_restore_refuses_pid_in_use(env, which):
    run = env.start([workload("fail_pidtree")])
    run.wait_for("ready")
    run.wait_for("thread ")
    out = run.text()
    ids = {"root": run.pid, "child": int(out.split("child ")[1].split()[0]),
           "thread": int(out.split("thread ")[1].split()[0])}
    img = env.dump(run)
    reap_gone(image_pids(img) + [ids["thread"]])
    before = _hashes(img)
    squatter = _occupy_pid(env, ids[which])
    _pids_past(max(ids.values()) + 20)
    try:
        p = cryo("restore", "-D", img, "--detach", "--pidfile", env.tmp / "pid", check=False)
        _clean_fail(p, str(ids[which]))
        assert p.returncode == 1
        time.sleep(0.2)
        for name, pid in ids.items():
            if name != which:
                assert not alive(pid) or not _ours(pid), f"the {name} ({pid}) was left behind"
        assert alive(squatter.pid), "the process holding the PID was harmed"
    finally:
        squatter.kill()
        squatter.wait()
    assert _hashes(img) == before
    # Once the PID is free the same image restores.
    _rewind(run, out)
    p = cryo("restore", "-D", img, "--detach", "--pidfile", env.tmp / "pid2", check=False)
    if p.returncode and "is in use" in p.stderr:
        pytest.skip(f"another process on this shared machine took a PID: {p.stderr.strip()}")
    assert p.returncode == 0, p.stderr
    pid = int((env.tmp / "pid2").read_text())
    env.restored.append(pid)
    env.check(run, pid)


# --- damaged images --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    """One small image (a 4 MiB workload) that the damage tests copy and break."""
    from conftest import Env

    e = Env(tmp_path_factory.mktemp("golden"))
    run = e.start([workload("mem_big"), "4"])
    try:
        run.wait_for("ready")
        img = e.dump(run, suite_args=False)
        reap_gone(image_pids(img))
        yield e, run, img, run.text()
    finally:
        e.cleanup()


def _json_edit(fn):
    def damage(img):
        meta = json.loads((img / "cryo.json").read_text())
        fn(meta)
        (img / "cryo.json").write_text(json.dumps(meta))
    return damage


def _task(meta):
    return meta["tasks"][0]


def _set_vma(field, value, which=-2):
    def f(meta):
        vmas = _task(meta)["vmas"]
        anon = [v for v in vmas if v.get("kind") == 0]
        anon[which][field] = value
    return _json_edit(f)


def _pagemap(img):
    return next(img.glob("pagemap-*.img"))


def _pages(img):
    return next(img.glob("pages-*.img"))


def _pm_rewrite(fn):
    def damage(img):
        data = bytearray(_pagemap(img).read_bytes())
        fn(data)
        _pagemap(img).write_bytes(bytes(data))
    return damage


def _truncate(path_fn, keep):
    def damage(img):
        p = path_fn(img)
        data = p.read_bytes()
        p.write_bytes(data[:keep(len(data))])
    return damage


def _corrupt_json_middle(img):
    p = img / "cryo.json"
    data = bytearray(p.read_bytes())
    mid = len(data) // 2
    data[mid:mid + 40] = b"\x00\xff{]\"garbage\\u12" * 2
    p.write_bytes(bytes(data))


def _random_json(img):
    rnd = random.Random(5)
    (img / "cryo.json").write_bytes(bytes(rnd.randrange(256) for _ in range(4096)))


def _flip_bit(path_fn, where):
    """Changes one bit: only the page checksums can tell."""
    def damage(img):
        p = path_fn(img)
        data = bytearray(p.read_bytes())
        data[where(len(data))] ^= 0x10
        p.write_bytes(bytes(data))
    return damage


def _remove(path_fn):
    return lambda img: path_fn(img).unlink()


def _first_run(data):
    return struct.unpack_from("<QQ", data, 24)


DAMAGES = {
    "json-missing": _remove(lambda img: img / "cryo.json"),
    "json-empty": _truncate(lambda img: img / "cryo.json", lambda n: 0),
    "json-truncated": _truncate(lambda img: img / "cryo.json", lambda n: n // 2),
    "json-truncated-1": _truncate(lambda img: img / "cryo.json", lambda n: n - 2),
    "json-corrupted": _corrupt_json_middle,
    "json-random-bytes": _random_json,
    "json-not-an-object": lambda img: (img / "cryo.json").write_text("[1, 2, 3]"),
    "json-future-version": _json_edit(lambda m: m.update(version=999)),
    "json-no-tasks": _json_edit(lambda m: m.update(tasks=[])),
    "json-tasks-not-a-list": _json_edit(lambda m: m.update(tasks={"a": 1})),
    "json-root-absent": _json_edit(lambda m: m.update(root=999999)),
    "json-pid-negative": _json_edit(lambda m: _task(m).update(pid=-5)),
    "json-pid-huge": _json_edit(lambda m: _task(m).update(pid=2 ** 40)),
    "json-pid-string": _json_edit(lambda m: _task(m).update(pid="twelve")),
    "json-pages-absurd": _json_edit(lambda m: _task(m).update(pages=2 ** 62)),
    "json-pages-off-by-one": _json_edit(lambda m: _task(m).update(pages=_task(m)["pages"] + 1)),
    "json-no-threads": _json_edit(lambda m: _task(m).update(threads=[])),
    "json-tid-negative": _json_edit(lambda m: _task(m)["threads"][0].update(tid=-1)),
    "json-regs-missing": _json_edit(lambda m: _task(m)["threads"][0].pop("regs")),
    "json-xstate-garbage": _json_edit(lambda m: _task(m)["threads"][0].update(xstate="zz!")),
    "json-vma-end-before-start": _set_vma("end", "0x1000"),
    "json-vma-end-huge": _set_vma("end", "0xffffffffffffffff"),
    "json-vma-unaligned": _set_vma("start", "0x7f0000000123"),
    "json-vma-kind-absurd": _set_vma("kind", 77),
    "json-vma-prot-absurd": _set_vma("prot", 0x7fffffff),
    "json-vmas-huge-list": _json_edit(
        lambda m: _task(m).update(vmas=_task(m)["vmas"] * 5000)),
    "json-file-path-missing": _json_edit(
        lambda m: m["files"][0].update(path="/nonexistent/cryo-test/file")),
    "json-fd-absurd": _json_edit(lambda m: _task(m)["fds"][0].update(fd=2 ** 31 + 5)),
    "json-fd-file-dangling": _json_edit(lambda m: _task(m)["fds"][0].update(file=999999)),
    "json-rlimits-short": _json_edit(lambda m: _task(m).update(rlimits=[])),
    "json-deeply-nested": lambda img: (img / "cryo.json").write_text("[" * 100000 + "]" * 100000),
    "pages-missing": _remove(_pages),
    "pages-empty": _truncate(_pages, lambda n: 0),
    "pages-truncated": _truncate(_pages, lambda n: n // 2),
    "pages-truncated-1": _truncate(_pages, lambda n: n - 4096),
    "pagemap-missing": _remove(_pagemap),
    "pagemap-empty": _truncate(_pagemap, lambda n: 0),
    "pagemap-truncated": _truncate(_pagemap, lambda n: n - 8),
    "pagemap-bad-magic": _pm_rewrite(lambda d: d.__setitem__(slice(0, 4), b"XXXX")),
    "pagemap-nruns-huge": _pm_rewrite(lambda d: struct.pack_into("<Q", d, 8, 2 ** 60)),
    "pagemap-npages-huge": _pm_rewrite(lambda d: struct.pack_into("<Q", d, 16, 2 ** 60)),
    "pagemap-run-outside": _pm_rewrite(lambda d: struct.pack_into("<Q", d, 24, 0x1000)),
    "pagemap-run-unaligned": _pm_rewrite(
        lambda d: struct.pack_into("<Q", d, 24, _first_run(d)[0] + 8)),
    "pagemap-run-huge": _pm_rewrite(lambda d: struct.pack_into("<Q", d, 32, 2 ** 40)),
    "pagemap-run-zero": _pm_rewrite(lambda d: struct.pack_into("<Q", d, 32, 0)),
    "pages-one-bit-flipped": _flip_bit(_pages, lambda n: n // 3),
    "pages-last-byte-changed": _flip_bit(_pages, lambda n: n - 1),
    "pagesum-missing": _remove(lambda img: next(img.glob("pages-*.sum"))),
    "pagesum-truncated": _truncate(lambda img: next(img.glob("pages-*.sum")), lambda n: n - 8),
    "pagesum-wrong-hash": _flip_bit(lambda img: next(img.glob("pages-*.sum")), lambda n: n - 3),
    "pagemap-random": _pm_rewrite(lambda d: d.__setitem__(
        slice(24, len(d)), bytes(random.Random(9).randrange(256) for _ in range(len(d) - 24)))),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_damaged_image(golden, tmp_path, damage):
    genv, run, img, out = golden
    bad = tmp_path / "img"
    shutil.copytree(img, bad)
    DAMAGES[damage](bad)
    pid = run.pid
    pidfile = tmp_path / "pid"
    p = cryo("restore", "-D", bad, "--detach", "--pidfile", pidfile, check=False, timeout=60)
    try:
        _clean_fail(p)
        assert p.returncode == 1, f"exit {p.returncode}"
        assert not pidfile.exists() or not pidfile.read_text().strip(), "a pid file was written"
        time.sleep(0.1)
        assert not _ours(pid), "a process was left behind"
    finally:
        if _ours(pid):
            os.kill(pid, signal.SIGKILL)
            reap(pid, 5)
    # The same image undamaged still restores: nothing of the failure is in the way.
    _rewind(run, out)
    rpid = genv.restore(img)
    genv.check(run, rpid)


# --- damaged page streams (--compression/--streams images) ------------------------------------

@pytest.fixture(scope="module")
def golden_streams(tmp_path_factory):
    """A 16 MiB workload dumped with lz4 over two streams."""
    from conftest import Env

    e = Env(tmp_path_factory.mktemp("golden-streams"))
    run = e.start([workload("mem_big"), "16"])
    try:
        run.wait_for("ready")
        img = e.dump(run, suite_args=False, extra=["--compression", "lz4", "--streams", "2"])
        reap_gone(image_pids(img))
        yield e, run, img, run.text()
    finally:
        e.cleanup()


REC = 48  # a stream record's header


def _records(path):
    """(offset, header fields) of every record of a stream file."""
    data, off, out = path.read_bytes(), 0, []
    while off < len(data):
        f = struct.unpack_from("<4sBBHHHiIIQQQ", data, off)
        out.append((off, f))
        off += REC + f[8]
    return out


def _stream_edit(stream, fn):
    """Edits stream `stream`, or with None the first stream that holds records (threads claim
    frames as they go, so which stream gets how many varies)."""
    def damage(img):
        paths = [img / f"pages-{stream}.cryo"] if stream is not None else \
            [p for p in sorted(img.glob("pages-*.cryo")) if _records(p)][:1]
        p = paths[0]
        data = bytearray(p.read_bytes())
        fn(data, _records(p))
        p.write_bytes(bytes(data))
    return damage


STREAM_DAMAGES = {
    # (damage, words the error must name)
    "stream-missing": (lambda img: (img / "pages-1.cryo").unlink(), ["pages-1.cryo"]),
    "stream-empty": (_truncate(lambda img: img / "pages-1.cryo", lambda n: 0),
                     ["pages of pid", "the image is"]),
    "stream-truncated-mid-frame": (_stream_edit(None, lambda d, r: d.__delitem__(
        slice(len(d) - 5, len(d)))), ["pages-", "truncated"]),
    # A missing frame in the middle or at the end of the pages: "missing" or "incomplete".
    "stream-last-frame-dropped": (_stream_edit(None, lambda d, r: d.__delitem__(
        slice(r[-1][0], len(d)))), ["pages of pid", "the image is"]),
    "stream-payload-bit-flipped": (_stream_edit(None, lambda d, r: d.__setitem__(
        r[-1][0] + REC + 100, d[r[-1][0] + REC + 100] ^ 0x10)), ["pages-", "damaged"]),
    "stream-header-bit-flipped": (_stream_edit(None, lambda d, r: d.__setitem__(
        r[-1][0] + 20, d[r[-1][0] + 20] ^ 0x01)), ["pages-", "damaged"]),
    "stream-frame-duplicated": (_stream_edit(None, lambda d, r: d.extend(
        d[r[0][0]:r[0][0] + REC + r[0][1][8]])), ["overlapping"]),
    "stream-garbage-appended": (_stream_edit(None, lambda d, r: d.extend(b"x" * 100)),
                                ["pages-"]),
    "stream-codec-changed": (_json_edit(lambda m: m["pages"].update(codec="zstd")),
                             ["pages-", "does not belong"]),
    "stream-count-changed": (_json_edit(lambda m: m["pages"].update(streams=3)),
                             ["pages-"]),
    "stream-meta-malformed": (_json_edit(lambda m: m.update(pages={"codec": "rar"})),
                              ["pages"]),
}


@pytest.mark.parametrize("damage", sorted(STREAM_DAMAGES))
def test_damaged_stream_image(golden_streams, tmp_path, damage):
    genv, run, img, out = golden_streams
    bad = tmp_path / "img"
    shutil.copytree(img, bad)
    fn, words = STREAM_DAMAGES[damage]
    fn(bad)
    pidfile = tmp_path / "pid"
    p = cryo("restore", "-D", bad, "--detach", "--pidfile", pidfile, check=False, timeout=60)
    try:
        _clean_fail(p, *words)
        assert p.returncode == 1, f"exit {p.returncode}"
        time.sleep(0.1)
        assert not _ours(run.pid), "a process was left behind"
    finally:
        if _ours(run.pid):
            os.kill(run.pid, signal.SIGKILL)
            reap(run.pid, 5)
    _rewind(run, out)
    genv.check(run, genv.restore(img))


@pytest.mark.parametrize("damage", ["json-truncated", "json-corrupted", "json-missing",
                                    "json-random-bytes", "pagemap-bad-magic"])
def test_show_damaged_image(golden, tmp_path, damage):
    _, _, img, _ = golden
    bad = tmp_path / "img"
    shutil.copytree(img, bad)
    DAMAGES[damage](bad)
    for args in (["show", bad], ["show", bad, "--json"]):
        p = cryo(*args, check=False)
        if damage.startswith("pagemap") and p.returncode == 0:
            continue  # show reads the metadata only
        _clean_fail(p)
        assert p.returncode == 1


def test_show_good_image(golden):
    _, run, img, _ = golden
    p = cryo("show", img)
    assert str(run.pid) in p.stdout and "mem_big" in p.stdout
    meta = json.loads(cryo("show", img, "--json").stdout)
    assert meta["root"] == run.pid
    (task,) = meta["tasks"]
    assert task["pid"] == run.pid and task["comm"] == "mem_big"
    assert task["threads"] == [run.pid]
    assert len(task["vmas"]) > 5
    assert all(v["end"] > v["start"] for v in task["vmas"])
    assert any(v["size"] >= 4 << 20 and v["kind"] == "anon" for v in task["vmas"])
    assert task["pages"] >= 1024


# --- an image is read, never written ---------------------------------------------------------

def test_restore_never_modifies_image(env):
    run = env.start([workload("mem_big"), "8"])
    run.wait_for("ready")
    img = env.dump(run)
    out = run.text()
    before = _hashes(img)
    mtimes = {p.name: p.stat().st_mtime_ns for p in img.iterdir()}
    for _ in range(3):
        _rewind(run, out)
        pid = env.restore(img)
        env.check(run, pid)
        after = _hashes(img)
        changed = [n for n in before if after.get(n) != before[n]]
        assert not changed, f"restore modified {changed}"
        # A lazy restore or a pool (the --lazy and fan-out variants) records the image's hot
        # set once (docs/hot-set.md): the one file a restore may add.
        assert set(after) - set(before) <= {n for n in after if n.endswith(".log")} | \
            {"hotset.img"}, f"restore added {set(after) - set(before)}"
    assert {n: (img / n).stat().st_mtime_ns for n in mtimes} == mtimes


# --- a dump killed at any moment leaves the process running and correct ---------------------

DELAYS = [0.0, 0.003, 0.01, 0.025, 0.05, 0.08, 0.12, 0.2, 0.35, 0.5, 0.75]


def _kill_dumps(env, run, leave_running=True):
    partial = []
    for i, delay in enumerate(DELAYS):
        img = env.tmp / f"killed-{i}"
        args = [CRYO, "dump", "-t", str(run.pid), "-D", str(img)]
        if leave_running:
            args.append("--leave-running")
        d = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(delay)
        d.kill()
        d.wait()
        _assert_running_untouched(run.pid)
        if img.exists() and not (img / "cryo.json").exists():
            partial.append(img)
    return partial


def test_dump_killed_at_random_moments(env):
    run = env.start([workload("mem_big"), "64"])
    run.wait_for("ready")
    partial = _kill_dumps(env, run)
    # A half-written image is no image: restore says so and creates nothing.
    for img in partial[:2]:
        p = cryo("restore", "-D", img, "--detach", "--pidfile", env.tmp / "p", check=False)
        _clean_fail(p)
    env.check(run, run.pid)


def test_dump_killed_then_dumped_and_restored(env):
    run = env.start([workload("mem_big"), "64"])
    run.wait_for("ready")
    _kill_dumps(env, run)
    img = env.dump(run, env.tmp / "final")
    pid = env.restore(img)
    env.check(run, pid)


# --- bad command lines -----------------------------------------------------------------------

BAD_CLI = {
    "no-command": [],
    "unknown-command": ["frobnicate"],
    "dump-no-args": ["dump"],
    "dump-no-pid": ["dump", "-D", "{tmp}/img"],
    "dump-no-dir": ["dump", "-t", "{pid}"],
    "dump-pid-word": ["dump", "-t", "abc", "-D", "{tmp}/img"],
    "dump-pid-zero": ["dump", "-t", "0", "-D", "{tmp}/img"],
    "dump-pid-negative": ["dump", "-t", "-7", "-D", "{tmp}/img"],
    "dump-pid-overflow": ["dump", "-t", "99999999999999999999", "-D", "{tmp}/img"],
    "dump-pid-nonexistent": ["dump", "-t", "{dead}", "-D", "{tmp}/img"],
    "dump-pid-kernel-thread": ["dump", "-t", "2", "-D", "{tmp}/img"],
    "dump-dir-unwritable": ["dump", "-t", "{pid}", "-D", "/proc/cryo-no/img"],
    "dump-unknown-option": ["dump", "-t", "{pid}", "-D", "{tmp}/img", "--frob"],
    "dump-extra-arg": ["dump", "-t", "{pid}", "-D", "{tmp}/img", "extra"],
    "restore-no-dir": ["restore"],
    "restore-nonexistent-dir": ["restore", "-D", "{tmp}/nope"],
    "restore-empty-dir": ["restore", "-D", "{tmp}/empty", "--detach"],
    "restore-dir-is-file": ["restore", "-D", "{tmp}/afile"],
    "restore-unknown-option": ["restore", "-D", "{tmp}/empty", "--frob"],
    "show-no-dir": ["show"],
    "show-nonexistent-dir": ["show", "{tmp}/nope"],
    "show-empty-dir": ["show", "{tmp}/empty"],
    "show-json-nonexistent": ["show", "{tmp}/nope", "--json"],
}


@pytest.mark.parametrize("case", sorted(BAD_CLI))
def test_bad_command_line(env, case):
    run = env.start([workload("fail_unsupported"), "eventfd"])
    run.wait_for("ready")
    (env.tmp / "empty").mkdir()
    (env.tmp / "afile").write_text("x")
    dead = subprocess.Popen(["/bin/true"])
    dead.wait()
    argv = [a.format(tmp=env.tmp, pid=run.pid, dead=dead.pid) for a in BAD_CLI[case]]
    p = subprocess.run([CRYO, *argv], capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    err = _clean_fail(p)
    if case == "dump-pid-nonexistent":
        assert str(dead.pid) in err
    if case.startswith("dump"):
        # whatever was wrong, the process we named (where we named one) is untouched
        _assert_running_untouched(run.pid)
        assert not (env.tmp / "img" / "cryo.json").exists()
