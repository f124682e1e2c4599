"""Small per-process and per-thread properties that come back with the tree: SCHED_DEADLINE
threads with their runtime, deadline, period and flags; a tree in a chroot; membarrier
global expedited registrations; futex waits to an absolute time, resumed after the restore.

Each test runs one workload from tests/workloads (the workload checks itself after SIGUSR1
and prints PASS) through a dump and a restore with cryo's default options.
"""
import json
import os

import pytest

from conftest import cryo, descendants, image_pid, image_pids, reap_gone, workload


def policies(pid):
    """Each thread's scheduling policy, as /proc/PID/task/TID/sched shows it from outside."""
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/sched") as f:
            out += [int(line.split(":")[1]) for line in f if line.startswith("policy ")]
    return sorted(out)


def test_sched_deadline_threads(env):
    run = env.start([workload("thr_deadline")])
    run.wait_for("ready")
    assert policies(run.pid) == [0, 6, 6]
    env.dump(run)
    pid = env.restore()
    assert policies(pid) == [0, 6, 6]
    env.check(run, pid)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs 2 CPUs")
def test_sched_deadline_refused_fails_cleanly(env):
    """A deadline thread the kernel will not admit (here: its image pins it to one CPU, and
    a deadline task's affinity must span its root domain) fails the restore naming the
    thread, and leaves no task of the tree behind."""
    run = env.start([workload("thr_deadline")])
    run.wait_for("ready")
    img = env.dump(run, suite_args=False)
    meta = json.loads((img / "cryo.json").read_text())
    threads = [th for th in meta["tasks"][0]["threads"] if "sched_deadline" in th]
    assert len(threads) == 2
    threads[1]["sched"][3] = "01"
    (img / "cryo.json").write_text(json.dumps(meta))
    p = cryo("restore", "-D", img, "--detach", check=False)
    assert p.returncode != 0
    assert f"thread {threads[1]['tid']}: set SCHED_DEADLINE" in p.stderr, p.stderr
    assert "affinity must span" in p.stderr, p.stderr
    reap_gone(image_pids(img))


def test_tree_in_chroot(env, tmp_path):
    """A parent and child chrooted into a directory come back with the same root (and cwd
    under it): same dev/ino from outside through /proc/PID/root, and the workload reads its
    files by relative and absolute paths inside."""
    root = tmp_path / "jail"
    (root / "sub").mkdir(parents=True)
    (root / "data").write_text("outer")
    (root / "sub" / "data").write_text("inner")
    want = os.stat(root)

    def roots(pid):
        tree = descendants(pid)
        assert len(tree) == 2, tree
        return [(os.stat(f"/proc/{p}/root").st_dev, os.stat(f"/proc/{p}/root").st_ino,
                 os.readlink(f"/proc/{p}/cwd")) for p in tree]

    run = env.start([workload("proc_chroot"), str(root)])
    run.wait_for("ready")
    before = roots(run.pid)
    assert before == [(want.st_dev, want.st_ino, str(root / "sub"))] * 2
    env.dump(run)
    pid = env.restore()
    assert image_pid(pid) == run.pid
    assert roots(pid) == before
    env.check(run, pid)


def test_membarrier_global_expedited(env):
    """A global expedited membarrier registration (and a private one beside it) is found
    with MEMBARRIER_CMD_GET_REGISTRATIONS at dump and made again; a child without any
    stays without."""
    env.roundtrip([workload("proc_membarrier")])


def in_syscall(pid, nr):
    """How many of pid's threads are blocked in syscall nr (/proc/PID/task/TID/syscall)."""
    n = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/syscall") as f:
            n += f.read().split()[0] == str(nr)
    return n


@pytest.mark.parametrize("first", ["dump", "leave_running"])
def test_absolute_futex_waits_resume(env, tmp_path, first):
    """Threads in FUTEX_WAIT_BITSET (by hand, on CLOCK_MONOTONIC) and sem_timedwait() (on
    CLOCK_REALTIME) across the dump: the kernel would resume them through restart_syscall,
    whose block a restore cannot carry; they run again to the same absolute deadline and
    time out there, without EINTR. [leave_running]: a tree that ran on after a dump is in the
    same waits for the next dump (not in restart_syscall)."""
    run = env.start([workload("thr_timedwait"), "6"])
    run.wait_for("ready")
    assert in_syscall(run.pid, 202) == 2  # futex
    if first == "leave_running":
        env.dump(run, img=tmp_path / "first", leave_running=True)
        assert in_syscall(run.pid, 202) == 2
    env.dump(run)
    pid = env.restore()
    env.check(run, pid)
