"""Per-process properties come back exactly (umask, cwd, rlimits, personality, comm, exe, argv,
environ, credentials); a shell loop keeps counting without a gap or a repeat; and
--leave-running leaves a working process behind and an image that restores later."""
import os
import signal
import time

import pytest

from conftest import alive, descendants, image_pids, kill_pids, reap_gone, workload


@pytest.fixture
def tree_pids():
    pids = set()
    yield pids
    kill_pids(pids)


def props_env():
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env["ZDTM_PROPS"] = "some value"
    env["ZDTM_EMPTY"] = ""
    return env


def test_umask_cwd_rlimits_personality_comm_exe_argv_environ(env):
    env.roundtrip([workload("proc_props"), "first arg", "sëcond=2"], env=props_env())


def test_credentials_dropped_to_nobody(env):
    env.roundtrip([workload("proc_creds")])


def test_credentials_fsuid_differs_from_euid(env):
    env.roundtrip([workload("proc_creds"), "fsuid"])


def read_numbers(path):
    text = path.read_text()
    lines = text.split("\n")
    assert lines[-1] == "", f"{path.name} ends with a partial line: {lines[-1]!r}"
    return [int(x) for x in lines[:-1]]


def test_bash_loop_appending_to_file(env, tree_pids):
    """bash appends 0, 1, 2... to a file every 0.1 s (forking `sleep` each time); after restore
    it goes on from the next number: no gap, no repeat."""
    f = env.tmp / "f"
    run = env.start(["bash", "-c", "i=0; while true; do echo $((i++)) >> f; sleep 0.1; done"])
    deadline = time.time() + 10
    while (not f.exists() or len(f.read_text().split()) < 5) and time.time() < deadline:
        time.sleep(0.05)
    img = env.tmp / "img"
    tree_pids.update(descendants(run.pid))  # for the cleanup, should the dump fail
    try:
        env.dump(run, img)
    finally:
        tasks = image_pids(img)
        tree_pids.update(tasks)
    reap_gone(tasks)
    at_dump = read_numbers(f)
    assert at_dump == list(range(len(at_dump))), f"before restore: {at_dump}"
    time.sleep(0.3)
    assert read_numbers(f) == at_dump, "the file grew while nothing ran"
    pid = env.restore(img)
    assert pid == run.pid
    deadline = time.time() + 10
    while len(read_numbers(f)) < len(at_dump) + 8 and time.time() < deadline:
        time.sleep(0.05)
    assert alive(pid), "restored bash died"
    os.kill(pid, signal.SIGSTOP)
    try:
        nums = read_numbers(f)
    finally:
        kill_pids(set(tasks) | {pid}, sid=run.pid)
    assert nums == list(range(len(nums))), f"gap or repeat: {nums}"
    assert len(nums) >= len(at_dump) + 8, "bash did not carry on counting"


def test_leave_running_then_restore_later(env):
    """The original keeps running after `dump --leave-running` (it passes its own check, so
    its state was left intact), then the image restores after the original is gone."""
    run = env.start([workload("proc_props"), "first arg", "sëcond=2"], env=props_env())
    run.wait_for("ready")
    img = env.dump(run, leave_running=True)
    time.sleep(0.2)
    assert alive(run.pid), "the process did not survive --leave-running"
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish(20) == 0, f"original failed after the dump: {run.text()!r}"
    assert "PASS" in run.text()
    run.out.write_bytes(b"")
    pid = env.restore(img)
    assert pid == run.pid
    env.check(run, pid)


def test_leave_running_tree_keeps_streaming(env, tree_pids):
    """A three-process pipeline dumped with --leave-running keeps streaming in the original
    (nothing lost from its pipes by the dump), and the image restores once it is killed."""
    run = env.start([workload("tree_pipeline")])
    run.wait_for("ready")
    img = env.dump(run, leave_running=True)
    tasks = image_pids(img)
    tree_pids.update(tasks)
    assert len(tasks) == 3
    assert all(alive(p) for p in tasks)
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish(20) == 0, f"original failed after the dump: {run.text()!r}"
    reap_gone(tasks)
    run.out.write_bytes(b"")
    pid = env.restore(img)
    env.check(run, pid)


def test_seccomp_filters_per_thread(env):
    """Each thread's seccomp filters and no_new_privs are in force after restore."""
    env.roundtrip([workload("proc_seccomp")])


def test_seccomp_filter_shared_by_threads_syncs(env):
    """Threads that share a filter still share it: SECCOMP_FILTER_FLAG_TSYNC works after."""
    env.roundtrip([workload("proc_seccomp_tsync")])


def test_seccomp_filter_that_blocks_the_checkpointers_calls(env):
    """A filter that makes rt_sigaction, getitimer, brk, sigaltstack, prctl, munmap, close and
    the credential calls fail: dump and restore run them with the filter suspended
    (PTRACE_O_SUSPEND_SECCOMP), and it is in force again once the tree runs."""
    env.roundtrip([workload("proc_seccomp_hostile")])


def test_seccomp_strict_mode_thread(env):
    """A thread in strict seccomp mode, blocked in read(): it is dumped and restored with
    seccomp suspended while traced, takes strict mode again last, and answers again."""
    env.roundtrip([workload("proc_seccomp_strict")])


def test_prctl_properties_and_oom_score_adj(env):
    """A child subreaper with THP disabled and oom_score_adj 500, and a child with a parent-
    death signal and oom_score_adj 300: each reads its own back after restore."""
    env.roundtrip([workload("proc_prctl")])


def _loginuid_writable():
    try:
        with open("/proc/self/loginuid") as f:
            now = f.read().strip()
        with open("/proc/self/loginuid", "w") as f:
            f.write(now)
        return True
    except OSError:
        return False


@pytest.mark.parametrize("loginuid", [False, True], ids=["plain", "loginuid"])
def test_mlockall_dumpable_timer_slack_reset_on_fork(env, loginuid):
    """mlockall(MCL_FUTURE | MCL_ONFAULT), a mapping locked on fault with only its touched
    pages in, dumpable 0 (and 1 again in a child that dropped to nobody), timer slack per
    thread, SCHED_RESET_ON_FORK on a thread, private expedited membarrier registrations (and
    none in the child), and (where this process may write it) the audit login uid."""
    if loginuid and not _loginuid_writable():
        pytest.skip("/proc/self/loginuid is not writable here (needs CAP_AUDIT_CONTROL)")
    env.roundtrip([workload("proc_mm_flags")] + (["loginuid"] if loginuid else []))
