"""Threads and their registers come back exactly: TIDs, memory, register files (GPRs, x87,
SSE/AVX/AVX-512), FPU control state, TLS and fs/gs bases, signal masks, rseq, robust futex
lists and clear-child-tid, threads blocked in syscalls or spinning in user mode, and
per-thread names and scheduling attributes.

Each test runs one workload from tests/workloads/threads (the workload checks itself after
SIGUSR1 and prints PASS); some also compare what /proc shows from outside, per thread.
"""
import os

import pytest

from conftest import ns_pid, root_of, workload


def tids(pid):
    """Its threads' TIDs as its own pid namespace numbers them (a fan-out copy's differ here)."""
    return sorted(ns_pid(int(t)) for t in os.listdir(f"/proc/{pid}/task"))


def thread_status(pid):
    """Per-thread signal state as /proc shows it: {tid: {field: value}}, TIDs as in tids()."""
    out = {}
    for tid in sorted(int(t) for t in os.listdir(f"/proc/{pid}/task")):
        fields = {}
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            for line in f:
                key, _, val = line.partition(":")
                if key in ("SigBlk", "SigIgn", "SigCgt", "SigPnd", "ShdPnd"):
                    fields[key] = val.strip()
        out[ns_pid(tid)] = fields
    return out


def roundtrip(env, argv, compare_proc=True, compare_tids=True):
    """Start, wait for ready, dump, restore, check; compares the thread list (unless the
    workload makes threads as it runs) and, by default, each thread's signal state from
    outside too."""
    run = env.start(argv)
    run.wait_for("ready")
    before_tids = tids(run.pid)
    before_status = thread_status(run.pid) if compare_proc else None
    env.dump(run)
    pid = env.restore()
    root = root_of(pid)
    assert ns_pid(root) == run.pid
    if compare_tids:
        assert tids(root) == before_tids
    if compare_proc:
        assert thread_status(root) == before_status
    env.check(run, pid)


@pytest.mark.parametrize("n", [2, 8, 32])
def test_many_threads(env, n):
    roundtrip(env, [workload("thr_many"), str(n)])


@pytest.mark.parametrize("mode", ["sleep", "spin"])
def test_register_files(env, mode):
    roundtrip(env, [workload("thr_fpu"), mode])


def test_tls_and_fs_base(env):
    roundtrip(env, [workload("thr_tls")])


def test_per_thread_sigmask(env):
    roundtrip(env, [workload("thr_sigmask")])


def test_rseq_registered(env):
    roundtrip(env, [workload("thr_rseq")])


def test_join_after_restore(env):
    roundtrip(env, [workload("thr_robust"), "join"])


def test_robust_mutex_owner_dies_after_restore(env):
    roundtrip(env, [workload("thr_robust"), "robust"])




@pytest.mark.parametrize("mode", ["pipe", "poll", "select",
                                  "futex", "cond", "nanosleep", "usleep", "absnanosleep"])
def test_thread_blocked_in_syscall(env, mode):
    roundtrip(env, [workload("thr_blocked"), mode])


def test_thread_in_tight_loop(env):
    roundtrip(env, [workload("thr_spin")])


def test_dump_leave_running_then_restore(env):
    """A thread tree dumped with --leave-running keeps running correctly, and its image
    restores too."""
    run = env.start([workload("thr_many"), "4"])
    run.wait_for("ready")
    env.dump(run, leave_running=True)
    # The original is still alive and must pass its own check first.
    env.check(run, run.pid)
    run.finish()
    run.out.write_text("")
    pid = env.restore()
    env.check(run, pid)




@pytest.mark.parametrize("mode", [
    "names",
    "nice",
    pytest.param("affinity", marks=[
        pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs 2 CPUs")]),
    "policy",
])
def test_per_thread_sched_attrs(env, mode):
    roundtrip(env, [workload("thr_sched"), mode])
