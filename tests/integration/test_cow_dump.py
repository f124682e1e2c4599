"""Copy-on-write dumps (docs/cow-dump.md): with --leave-running the tree is frozen only while
everything but its pages is collected, and runs on while they are copied; the image still holds
its memory as it was at the freeze.

The workload is the benchmark's holder (bench/holder.c) in its dirty mode: a thread rewrites
pages all the time, each rewrite an XOR with a keystream of (seed, page, generation) that bumps
the page's generation and a global write count. Its check undoes every rewrite from the
generations and compares the result with the seed's pattern and the count: memory taken from
two moments (a page copied after a write the generation array does not know of, or the other
way round) fails it.

The rest of the suite runs through copy-on-write dumps too: `make variants` with CRYO_COW=1.
"""
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BUILD, CRYO, alive, cryo, workload

HOLDER = str(BUILD / "bench" / "holder")


def _holder(env, mib, seed, dirty=100):
    run = env.start([HOLDER, str(mib), "random", str(seed), f"dirty={dirty}"])
    run.wait_for("ready", 60)
    return run


def _count(run, word):
    return len(re.findall(rf"^{word}", run.text(), re.M))


def _verify_in_place(run, timeout=60.0):
    """SIGUSR1: the holder checks its own memory where it runs, and answers PASS or FAIL."""
    before = run.text().count("PASS") + run.text().count("FAIL")
    os.kill(run.pid, signal.SIGUSR1)
    deadline = time.time() + timeout
    while run.text().count("PASS") + run.text().count("FAIL") == before:
        assert time.time() < deadline, f"no answer to SIGUSR1: {run.text()[-2000:]!r}"
        time.sleep(0.05)
    assert "FAIL" not in run.text(), run.text()[-2000:]


def _restore(env, run, img):
    """Kills the original and restores the image. The restored holder writes where its output
    stood at the dump, over what the original wrote since: that is wiped first."""
    run.kill()
    with open(run.out, "r+b") as f:
        f.truncate(0)
    pid = env.restore(img)
    assert pid == run.pid
    return pid


def _steps(run, timeout=10.0):
    """SIGUSR2: how many rewrites the holder made since the last SIGUSR2."""
    before = _count(run, "stall")
    os.kill(run.pid, signal.SIGUSR2)
    deadline = time.time() + timeout
    while _count(run, "stall") == before:
        assert time.time() < deadline, "no answer to SIGUSR2"
        time.sleep(0.02)
    return int(re.findall(r"^stall max_ms=\S+ steps=(\d+)", run.text(), re.M)[-1])


def _faults(img):
    """The write faults the dump served while it copied (dump.log), or None without COW."""
    found = re.findall(r"copy-on-write: (\d+) write faults", (Path(img) / "dump.log").read_text())
    return int(found[-1]) if found else None


def _uffd_flags(pid):
    """Mappings of pid still registered with a userfaultfd ("uw" in VmFlags)."""
    with open(f"/proc/{pid}/smaps") as f:
        return [l for l in f if l.startswith("VmFlags:") and " uw" in l]


def _uffd_fds(pid):
    """Descriptors of pid that are userfaultfds: cryo makes each task's inside it and closes
    it there at once (docs/cow-dump.md), so none may be left after a dump, whatever killed
    it."""
    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == "anon_inode:[userfaultfd]":
                found.append(int(fd))
        except FileNotFoundError:
            pass
    return found


def test_writer_restores_as_at_freeze(env):
    """A workload rewriting pages as fast as it can runs on during the dump, is checked in
    place, then killed and restored from the image: both checks pass."""
    run = _holder(env, 512, 41)
    # rewriting steadily before the dump begins
    _steps(run)
    time.sleep(1.0)
    assert _steps(run) > 0
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--leave-running", "-v")
    # The tree ran while its pages were copied: its writes to pages not yet copied were
    # served by copying those first.
    faults = _faults(img)
    assert faults is not None and faults > 0, (Path(img) / "dump.log").read_text()
    assert alive(run.pid)
    assert _steps(run) > 0
    assert not _uffd_flags(run.pid)
    _verify_in_place(run)
    _restore(env, run, img)
    _verify_in_place(run)


def test_no_cow_freezes_for_the_copy(env):
    """--no-cow: the tree stays frozen for the whole copy (no write fault to serve), and the
    image restores all the same."""
    run = _holder(env, 64, 42)
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--leave-running", "--no-cow", "-v")
    assert _faults(img) is None
    _restore(env, run, img)
    _verify_in_place(run)


def test_cow_needs_leave_running(env):
    """--cow without --leave-running is refused before the tree is touched: a tree killed
    after its dump must not run past the moment of its image."""
    run = _holder(env, 16, 43)
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", "--cow", check=False)
    assert p.returncode != 0 and "--leave-running" in p.stderr, p.stderr
    assert alive(run.pid)
    assert not (env.tmp / "img" / "cryo.json").exists()
    _verify_in_place(run)


def _chain_log(img):
    return (Path(img) / "dump.log").read_text()


def test_cow_on_a_pre_dump_chain(env):
    """An incremental dump (--parent) with --leave-running is copy-on-write: the pages written
    since the pre-dump are copied as they were at the freeze, the others are left to the
    parent, the tree runs on, and the image restores exactly (--cow says the same)."""
    run = _holder(env, 64, 43)
    pre = env.tmp / "pre"
    env.images.append(pre)
    cryo("pre-dump", "-t", run.pid, "-D", pre)
    time.sleep(0.3)  # rewrites since the pre-dump: they are this dump's to copy
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--leave-running", "--cow", "--parent", pre, "-v")
    log = _chain_log(img)
    assert _faults(img) is not None, log
    assert "dumping again with the tree frozen" not in log, log
    meta = json.loads((img / "cryo.json").read_text())
    (task,) = meta["tasks"]
    assert task["pages"] > 0 and task.get("parent_pages", 0) > 0, task
    assert (img / meta["parent"]).resolve() == pre.resolve()
    assert alive(run.pid)
    assert _steps(run) > 0
    assert not _uffd_flags(run.pid), "the chain's tracking goes with the dump"
    _verify_in_place(run)
    _restore(env, run, img)
    _verify_in_place(run)


def test_cow_chain_memory_mapped_anew(env):
    """Memory the pre-dump tracked, unmapped since, and other memory mapped (or moved) at its
    addresses and written before the dump: the copy-on-write dump's own write-protection of it
    is not the chain's, and it is saved whole, not left to the parent (which holds the old
    mapping's pages there: the restored workload would find an older copy, or zeros)."""
    run = env.start([workload("mem_remap")])
    run.wait_for("ready")
    pre = env.tmp / "pre"
    env.images.append(pre)
    cryo("pre-dump", "-t", run.pid, "-D", pre)
    run.signal(signal.SIGUSR2)
    run.wait_for("reshaped")
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--leave-running", "--parent", pre, "-v")
    log = _chain_log(img)
    assert _faults(img) is not None, log
    assert "mapped anew since the pre-dump: saved whole" in log, log
    meta = json.loads((img / "cryo.json").read_text())
    assert meta["tasks"][0].get("parent_pages", 0) > 0, meta["tasks"][0]
    # the original, checked where it runs, then the image
    run.signal(signal.SIGUSR1)
    code = run.finish(30)
    assert code == 0 and "PASS" in run.text(), run.text()[-2000:]
    with open(run.out, "r+b") as f:
        f.truncate(0)
    pid = env.restore(img)
    assert pid == run.pid
    env.check(run, pid)


def test_cow_streams_and_lz4(env):
    """The pages of a copy-on-write dump go through the compressed streams as well."""
    run = _holder(env, 128, 44)
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--leave-running", "-v", "--compression", "lz4",
         "--streams", "2")
    assert _faults(img) is not None
    _restore(env, run, img)
    _verify_in_place(run)


@pytest.mark.parametrize("victims", ["cli", "all"])
@pytest.mark.parametrize("phase,freezes", [("protecting", 1), ("copying", 2)])
def test_kill9_during_cow_dump(env, victims, phase, freezes):
    """kill -9 of cryo while it write-protects the running tree (after its first, short
    freeze) or while it copies (after its second): the workload is not left waiting on a
    fault. With only the command killed, its worker notices and drops the protections; with
    the worker killed too, the kernel does as the last descriptor of each userfaultfd goes.
    Either way the workload keeps rewriting, its memory checks out, and no image is left."""
    run = _holder(env, 1024, 45)
    img = env.tmp / "img"
    env.images.append(img)
    p = subprocess.Popen([CRYO, "dump", "-t", str(run.pid), "-D", str(img), "--leave-running",
                          "-v"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         start_new_session=True)
    try:
        # The tree is let go once a freeze is logged: after the first, its memory is being
        # protected; after the second, its pages are being copied.
        deadline = time.time() + 60
        log = img / "dump.log"
        while not (log.exists() and log.read_text().count("tree frozen for") >= freezes):
            assert p.poll() is None, p.stderr.read().decode()
            assert time.time() < deadline, "the dump never let the tree go"
            time.sleep(0.005)
        if victims == "cli":
            os.kill(p.pid, signal.SIGKILL)
        else:
            os.killpg(p.pid, signal.SIGKILL)
    finally:
        p.wait(30)
        p.stderr.close()
    # The copy had not finished: the dump is not an image.
    assert not (img / "cryo.json").exists()
    # The worker (if it was spared) is gone soon, and with it every protection.
    deadline = time.time() + 20
    while _uffd_flags(run.pid):
        assert time.time() < deadline, "the workload's memory is still registered"
        time.sleep(0.05)
    assert _uffd_fds(run.pid) == [], "a userfaultfd of the dump is left in the workload"
    _steps(run)
    time.sleep(0.3)
    assert _steps(run) > 0, "the workload does not run any more"
    assert alive(run.pid)
    _verify_in_place(run)


def test_kill9_of_the_command_during_the_first_freeze(env):
    """kill -9 of `cryo dump` at times spread over its start and first freeze, where each
    task's userfaultfd is made inside it and closed there (docs/cow-dump.md): the worker,
    abandoned, still closes the task's copy of a descriptor it made (an abandoned worker
    starts nothing new in a task, but undoes what it did), puts the registers back and goes.
    After each: no userfaultfd in the workload, nothing registered, and it runs on."""
    run = _holder(env, 64, 46)
    img = env.tmp / "img"
    env.images.append(img)
    # 1 ms apart, 40 times: the kill lands in the window between the task's userfaultfd()
    # and its close() about once in 40 (measured without the fix: fd 3 left behind).
    for delay in [0.001 * k for k in range(40)]:
        p = subprocess.Popen([CRYO, "dump", "-t", str(run.pid), "-D", str(img),
                              "--leave-running"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.kill(p.pid, signal.SIGKILL)
        p.wait(30)
        deadline = time.time() + 20
        # the worker notices, undoes and goes: then nothing of it is left in the workload
        while [st for st in subprocess.run(["ps", "-s", str(p.pid), "-o", "stat="],
                                            capture_output=True, text=True).stdout.split()
               if not st.startswith("Z")]:
            assert time.time() < deadline, "the dump's worker did not go"
            time.sleep(0.02)
        assert _uffd_fds(run.pid) == [], f"a userfaultfd left in the workload ({delay} s)"
        assert not _uffd_flags(run.pid), f"memory still registered ({delay} s)"
        subprocess.run(["rm", "-rf", str(img)], check=True)
    _steps(run)
    time.sleep(0.3)
    assert _steps(run) > 0, "the workload does not run any more"
    _verify_in_place(run)
