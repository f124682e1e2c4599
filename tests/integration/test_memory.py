"""Memory comes back exactly: checksums of every kind of private mapping, counters continue."""
import os

import pytest

from conftest import workload


def test_anon_mappings(env):
    env.roundtrip([workload("mem_anon")])


def test_restore_twice_from_one_image(env):
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    img = env.dump(run)
    for _ in range(2):
        pid = env.restore(img)
        env.check(run, pid)


# --- file mappings, brk, protections, advice, stack, vDSO, size ------------------------------


def _roundtrip(env, name, *args, timeout=20.0):
    """Start a workload, checkpoint it (killing it), restore it and let it check itself."""
    return env.roundtrip([workload(name), *args], timeout)


def test_file_private_mappings(env):
    """MAP_PRIVATE of a data file: copied-on-write pages come back as written, the others stay
    the file's (a later write to the file shows through them), read-only after mprotect."""
    _roundtrip(env, "mem_file_private")


def test_file_private_mappings_leave_running(env):
    """The same state is left intact by a dump with --leave-running (no restore at all)."""
    run = env.start([workload("mem_file_private")])
    run.wait_for("ready")
    env.dump(run, leave_running=True)
    env.check(run, run.pid)


def test_file_shared_mapping(env):
    """MAP_SHARED of a file: writes after restore reach the file and the other mapping."""
    _roundtrip(env, "mem_file_shared")


def test_brk_heap(env):
    """sbrk(0) is the same byte, heap content is intact, the heap grows and shrinks again."""
    _roundtrip(env, "mem_brk")


def test_protections_and_guards(env):
    """/proc/self/maps identical line for line; guard pages fault; code still runs."""
    _roundtrip(env, "mem_prot")


def test_mm_fields(env):
    """stat's code/data/brk/arg/env boundaries, auxv, cmdline, environ and exe identical."""
    env_vars = dict(os.environ, CRYO_TEST_MARK="x" * 300)
    env.roundtrip([workload("mem_mm_fields"), "one", "two words", ""], env=env_vars)


def test_madvise_flags(env):
    """dc/hg/nh/dd/wf/sr/rr/mg VmFlags identical on every mapping, and the advice still acts."""
    _roundtrip(env, "mem_madvise")


def test_mlock(env):
    """A locked mapping is still locked after restore."""
    _roundtrip(env, "mem_mlock")


def test_stack_grows_after_restore(env):
    """24 MiB of recursion after restore, with RLIMIT_STACK raised before the checkpoint."""
    _roundtrip(env, "mem_stack")


def test_vdso(env):
    """vDSO at the same address, same code, clocks sane and monotonic across the restore."""
    _roundtrip(env, "mem_vdso")


def test_big_random_memory(env):
    """256 MiB of incompressible memory, checksum identical."""
    run = _roundtrip(env, "mem_big", 256, timeout=60.0)
    assert "checksum" in run.text()


def test_protections_exact_vmas(env):
    """/proc/self/maps identical line for line, VMA boundaries included."""
    env.roundtrip([workload("mem_prot"), "exact"])


def test_reservation_not_committed(env):
    """A PROT_NONE MAP_NORESERVE reservation larger than RAM comes back, uncharged."""
    _roundtrip(env, "mem_reserve")
