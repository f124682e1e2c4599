"""The hot set (docs/hot-set.md): the first lazy restore (or pool) of an image records the
pages its tree faulted in its first seconds into hotset.img; later lazy restores and pools
load them before the tree runs, so that re-touching them costs no fault. A damaged or foreign
hot set is ignored with a warning, and memory is exact either way."""
import os
import re
import signal
import shutil
import struct
import subprocess
import time

import pytest

from conftest import CRYO, reap, workload

SIZE, PIECE, STRIDE = 128 << 20, 64 << 10, 8 << 20


def _restore(env, run, img, mode):
    """Restores img detached; returns (pid to signal for the check, the root, cryo's stderr).
    The workload's output file is emptied first: the restored process writes at the offset
    of the dump, so what it then holds is this restore's alone."""
    os.truncate(run.out, 0)
    pidfile = env.tmp / "pid"
    args = ["--lazy"] if mode == "lazy" else ["--copies", "1"]
    log = env.tmp / "restore.log"
    # Its output into a file, not a pipe: the page server keeps it open, and a pipe's reader
    # would wait for the server to end, with every page in.
    with open(log, "w") as f:
        p = subprocess.run([CRYO, "restore", "-D", str(img), "--detach", "--pidfile",
                            str(pidfile), "-v", *args], stdin=subprocess.DEVNULL,
                           stdout=f, stderr=f, timeout=60)
    err = log.read_text()
    assert p.returncode == 0, err
    pid = int(pidfile.read_text().split()[0])
    env.restored.append(pid)
    root = pid
    if mode == "pool":
        root = int(open(f"/proc/{pid}/task/{pid}/children").read().split()[0])
    return pid, root, err


def _hot_faults(run, root, n):
    """Asks the workload to read its hot pieces; returns its n-th 'hot faults=' count."""
    os.kill(root, signal.SIGUSR2)
    deadline = time.time() + 20
    while time.time() < deadline:
        got = re.findall(r"hot faults=(\d+) ok", run.text())
        if len(got) >= n:
            return int(got[n - 1])
        assert "FAIL" not in run.text(), run.text()
        time.sleep(0.02)
    raise AssertionError(f"no answer to SIGUSR2: {run.text()!r}")


def _check(run, pid, n):
    """SIGUSR1: every byte checked; the n-th PASS."""
    os.kill(pid, signal.SIGUSR1)
    assert reap(pid, 20) == 0, run.text()
    assert run.text().count("PASS") >= n, run.text()


def _runs(img):
    """The runs of img's hot set; a page sum follows them for each of their pages."""
    data = (img / "hotset.img").read_bytes()
    magic, _key, nruns, npages, _sum = struct.unpack_from("<8sQQQQ", data)
    assert magic == b"CRYOHS2\0"
    runs = [struct.unpack_from("<IIQQ", data, 40 + 24 * i) for i in range(nruns)]
    assert sum(r[3] for r in runs) == npages
    assert len(data) == 40 + 24 * nruns + 8 * npages
    return runs


def _page_offset(img, pid, vaddr):
    """Where the page at vaddr of task pid sits in pages-PID.img (docs/image-format.md)."""
    data = (img / f"pagemap-{pid}.img").read_bytes()
    _magic, nruns, _npages = struct.unpack_from("<8sQQ", data)
    off = 0
    for i in range(nruns):
        va, n = struct.unpack_from("<QQ", data, 24 + 16 * i)
        if va <= vaddr < va + n * 4096:
            return off + (vaddr - va)
        off += n * 4096
    raise AssertionError(f"{vaddr:#x} was not saved")


def _wait_hotset(img, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline and not (img / "hotset.img").exists():
        time.sleep(0.05)
    assert (img / "hotset.img").exists(), "no hot set was recorded"


def _hot_base(run):
    """The address of the workload's 128 MiB (its only anonymous mapping of that size)."""
    for line in open(f"/proc/{run.pid}/maps"):
        a, b = (int(x, 16) for x in line.split()[0].split("-"))
        if b - a == SIZE and len(line.split()) == 5:
            return a
    raise AssertionError("the workload's 128 MiB are not in its maps")


def _start(env, extra=()):
    run = env.start([workload("mem_hot")])
    run.wait_for("ready")
    # Its own count before any restore: the pieces are present, no fault.
    assert _hot_faults(run, run.pid, 1) == 0
    base = _hot_base(run)
    return run, base, env.dump(run, suite_args=False, extra=extra)


@pytest.mark.parametrize("mode,layout", [("pool", "raw"), ("lazy", "raw"), ("pool", "lz4x2"),
                                         ("lazy", "lz4x2")])
def test_hot_set_recorded_then_loaded_before_the_tree_runs(env, mode, layout):
    """First restore: the pieces come on fault (16 pieces of 64 KiB: 2 faults each at the
    recording's 32 KiB frames, in a pool, which fills nothing) and are recorded in fault order;
    second restore: they are in before the tree runs and reading them costs no fault; every
    byte exact both times. Raw pages (checked 256 KiB chunks) and lz4 frames in 2 streams."""
    run, base, img = _start(env, ["--compression", "lz4", "--streams", "2"]
                            if layout == "lz4x2" else [])
    assert not (img / "hotset.img").exists()
    pid, root, err = _restore(env, run, img, mode)
    first = _hot_faults(run, root, 1)
    if mode == "pool":  # no background fill: every piece's page is a fault
        assert first >= 32, first
    _wait_hotset(img)
    runs = _runs(img)
    pieces = [base + i * STRIDE + (1 << 20) for i in range(SIZE // STRIDE)]
    for p in pieces:
        assert any(r[2] <= p and p + PIECE <= r[2] + r[3] * 4096 for r in runs), \
            (hex(p), [(hex(r[2]), r[3]) for r in runs])
    if mode == "pool":  # in the order the workload touched them
        order = [next(i for i, r in enumerate(runs) if r[2] <= p < r[2] + r[3] * 4096)
                 for p in pieces]
        assert order == sorted(order), order
    _check(run, pid, 1)

    pid, root, err = _restore(env, run, img, mode)
    assert "hot set ignored" not in err, err
    assert _hot_faults(run, root, 1) == 0
    _check(run, pid, 1)
    assert _runs(img) == runs, "a restore with a hot set records none again"


@pytest.mark.parametrize("damage", ["byte", "truncated", "foreign"])
def test_bad_hot_set_is_ignored_and_memory_stays_exact(env, damage):
    """A hot set whose bytes were changed, that was cut short, or that was recorded for another
    image is ignored with a warning naming it; the restore goes on and every byte is exact."""
    run, _base, img = _start(env)
    pid, root, _ = _restore(env, run, img, "pool")
    _hot_faults(run, root, 1)
    _wait_hotset(img)
    _check(run, pid, 1)
    hot = img / "hotset.img"
    data = bytearray(hot.read_bytes())
    if damage == "byte":
        data[-9] ^= 0x40  # in the last page sum: the file's sum no longer matches
        want = "sum does not match"
    elif damage == "truncated":
        data = data[:-7]
        want = "do not fit"
    else:
        # Another dump of another workload: same format, valid sum, another image's key.
        other = env.start([workload("mem_hot")], name="other")
        other.wait_for("ready")
        img2 = env.dump(other, img=env.tmp / "img2", suite_args=False)
        shutil.copy(hot, img2 / "hotset.img")
        img = img2
        run = other
        want = "not this image's"
    if damage != "foreign":
        hot.write_bytes(bytes(data))
    pid, root, err = _restore(env, run, img, "pool")
    assert "hot set ignored" in err and want in err, err
    first = _hot_faults(run, root, 1)
    # Nothing of it was loaded: a fault per piece (2 MiB frames: no recording either, since
    # the image has a hot set, if a bad one, which only its owner should replace).
    assert first >= 16, first
    _check(run, pid, 1)


def test_small_lazy_tree_records_no_hot_set(env):
    """A --lazy tree with less lazy memory than a hot set may hold (64 MiB) records none: its
    background copy is not held back for the recording (and its server, which holds cryo's
    stderr, is gone as soon as all is in)."""
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    img = env.dump(run, suite_args=False)
    os.truncate(run.out, 0)
    with open(env.tmp / "restore.log", "w") as f:
        # stderr a pipe the server inherits: run() returns when the server has exited
        p = subprocess.run([CRYO, "restore", "-D", str(img), "--detach", "--lazy", "-v",
                            "--pidfile", str(env.tmp / "pid")], stdin=subprocess.DEVNULL,
                           stdout=f, stderr=subprocess.PIPE, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    pid = int((env.tmp / "pid").read_text())
    env.restored.append(pid)
    assert "all pages in" in p.stderr and "hot set recorded" not in p.stderr, p.stderr
    assert not (img / "hotset.img").exists()
    _check(run, pid, 1)


def _flip(path, off):
    with open(path, "r+b") as f:
        f.seek(off)
        b = f.read(1)
        f.seek(off)
        f.write(bytes([b[0] ^ 0x01]))


def test_hot_pages_checked_by_their_own_sums_and_damage_found(env):
    """A warm start checks the hot set's pages against hotset.img's page sums, not the 256 KiB
    chunks around them (the -vv timeline says how much); a byte changed in a hot page of
    pages-PID.img refuses the restore, naming pages-PID's offset, and leaves nothing behind;
    a byte changed in a cold page (never loaded early) is still found by its chunk's checksum
    when the page server reaches it, and the task is killed, the log naming the damage."""
    run, base, img = _start(env)
    pid, root, _ = _restore(env, run, img, "pool")
    _hot_faults(run, root, 1)
    _wait_hotset(img)
    _check(run, pid, 1)
    runs = _runs(img)
    pages = img / f"pages-{run.pid}.img"

    def restore_vv():
        os.truncate(run.out, 0)
        pidfile = env.tmp / "pid"
        if pidfile.exists():
            pidfile.unlink()
        log = env.tmp / "restore.log"
        with open(log, "w") as f:
            p = subprocess.run([CRYO, "restore", "-D", str(img), "--detach", "--lazy",
                                "--pidfile", str(pidfile), "-vv"], stdin=subprocess.DEVNULL,
                               stdout=f, stderr=f, timeout=60)
        return p.returncode, log, pidfile

    # Good image: the hot set goes by page sum, and the restore is exact.
    rc, log, pidfile = restore_vv()
    assert rc == 0, log.read_text()
    by_sum = [int(m) for m in re.findall(r"\((\d+) KiB by page sum\)", log.read_text())]
    assert sum(by_sum) >= 16 * 64, log.read_text()  # the 16 pieces of 64 KiB at least
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    assert _hot_faults(run, pid, 1) == 0
    _check(run, pid, 1)

    # A hot page damaged: refused before the tree runs, naming where.
    hot_va = base + 5 * STRIDE + (1 << 20) + 3 * 4096  # in piece 5
    assert any(r[2] <= hot_va < r[2] + r[3] * 4096 for r in runs)
    hot_off = _page_offset(img, run.pid, hot_va)
    _flip(pages, hot_off + 100)
    rc, log, pidfile = restore_vv()
    err = log.read_text()
    assert rc != 0, err
    assert f"pid {run.pid}: page data at offset {hot_off} does not match its page sum" in err, err
    assert "the image is damaged" in err, err
    assert not pidfile.exists() and not os.path.exists(f"/proc/{run.pid}"), err
    _flip(pages, hot_off + 100)

    # A cold page damaged: the tree starts; the background fill finds it and kills the task.
    cold_va = base + 11 * STRIDE + (5 << 20)  # far from every piece
    assert not any(r[2] <= cold_va < r[2] + r[3] * 4096 for r in runs)
    cold_off = _page_offset(img, run.pid, cold_va)
    _flip(pages, cold_off + 7)
    rc, log, pidfile = restore_vv()
    assert rc == 0, log.read_text()
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    status = reap(pid, 30)
    err = log.read_text()
    chunk = cold_off // (256 << 10) * (256 << 10)
    assert status == -signal.SIGKILL or status == 128 + signal.SIGKILL, (status, err)
    assert f"page data at offset {chunk} does not match its checksum" in err, err
    assert f"pid {run.pid}: cannot serve its pages" in err, err
    _flip(pages, cold_off + 7)
