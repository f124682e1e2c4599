"""The process tree comes back exactly: PIDs, parent links, exit codes reaped by the right
parent, descriptions shared across fork, pipes between processes that keep streaming, and
sessions and process groups."""
import os

import pytest

from conftest import descendants, image_pid, image_pids, kill_pids, reap_gone, workload


@pytest.fixture
def tree_pids():
    """PIDs of every task of the images a test made; killed at the end whatever happened
    (restored descendants in their own session or group escape the harness' killpg)."""
    pids = set()
    yield pids
    kill_pids(pids)


def roundtrip(env, tree_pids, argv, ntasks):
    run = env.start(argv)
    run.wait_for("ready")
    img = env.tmp / "img"
    tree_pids.update(descendants(run.pid))  # for the cleanup, should the dump fail
    try:
        env.dump(run, img)
    finally:
        tasks = image_pids(img)
        tree_pids.update(tasks)
    reap_gone(tasks)
    assert len(tasks) == ntasks, f"image holds {len(tasks)} tasks: {sorted(tasks)}"
    pid = env.restore(img)
    assert image_pid(pid) == run.pid
    env.check(run, pid)
    return run, tasks


def test_tree_pids_ppids_exit_codes(env, tree_pids):
    roundtrip(env, tree_pids, [workload("tree_pids")], 1 + 3 + 3 * 2)


def test_pipeline_keeps_streaming(env, tree_pids):
    roundtrip(env, tree_pids, [workload("tree_pipeline")], 3)


def test_fork_shared_offset(env, tree_pids):
    run, _ = roundtrip(env, tree_pids, [workload("tree_shared_file")], 2)
    assert (env.tmp / "shared.log").read_text() == "start\nchild\nparent\n"


def test_sessions_and_groups(env, tree_pids):
    roundtrip(env, tree_pids, [workload("tree_sess")], 1 + 2 + 3 + 1)


def test_group_led_by_younger_sibling(env, tree_pids):
    roundtrip(env, tree_pids, [workload("tree_sess"), "sibling"], 1 + 2 + 3 + 1 + 1)


def test_pidfds_of_every_kind(env, tree_pidfds_outside):
    """pidfds of a child (with a dup and a nonblocking one), of the root itself, of a thread
    (PIDFD_THREAD), of processes dead and reaped (exit status kept), of a zombie, of a process
    outside the tree that lives on (the same process again) and of one that died meanwhile
    (dead after restore), a pidfd inherited by another child (one description again), epoll
    watching pidfds, and a descriptor taken with pidfd_getfd()."""
    outside, gone = tree_pidfds_outside
    run = env.start([workload("tree_pidfd"), str(outside.pid), str(gone.pid)])
    run.wait_for("ready")
    env.dump(run)
    gone.kill()
    gone.wait(5)
    pid = env.restore()
    assert image_pid(pid) == run.pid
    env.check(run, pid)
    assert outside.poll() is None, "the process outside the tree was harmed"


@pytest.fixture
def tree_pidfds_outside():
    import subprocess
    procs = [subprocess.Popen(["sleep", "1000"]) for _ in range(2)]
    yield procs
    for p in procs:
        p.kill()
        p.wait(5)


def test_sessions_neither_own_nor_parents(env, tree_pids):
    """zdtm's session01-03: a child kept in the root's session under a parent that setsid()s
    after forking it; orphans of session leaders that are gone (made again by a helper with
    the leader's pid), one with a child, one in a group of its own; an orphan of a session
    leader that is a zombie; an orphan of a group leader that is gone, and a task that joined
    that group; a zombie in a group whose leader is gone (zdtm's zombie01); each with its
    pid, ppid, sid and pgid."""
    roundtrip(env, tree_pids, [workload("tree_sess_orphans")], 1 + 3 + 2 + 1 + 2 + 2 + 1)


def test_root_leading_neither_its_session_nor_group(env, tree_pids):
    """A root started like a shell's job without job control (in its launcher's session and
    group, leading neither): it comes back in the session and group `cryo restore` had, and
    so do the tasks that shared its external group (one moved back into it from a group of
    the tree); the others keep theirs, relative to it."""
    import re
    from conftest import cryo, reap_gone
    run = env.start([workload("tree_sess_external")])
    run.wait_for("ready")
    root = int(re.search(r"root (\d+)", run.text()).group(1))
    img = env.tmp / "img"
    tree_pids.update(descendants(root))
    env.images.append(img)
    cryo("dump", "-t", root, "-D", img)
    tasks = image_pids(img)
    tree_pids.update(tasks)
    assert len(tasks) == 5, tasks
    reap_gone(set(tasks) - {root})
    pid = env.restore(img)
    assert image_pid(pid) == root
    assert os.getsid(pid) == os.getsid(0) and os.getpgid(pid) == os.getpgid(0)
    env.check(run, pid)


def test_zombies_and_stopped_tasks(env, tree_pids):
    """Zombies that exited with a code, were killed by SIGTERM or SIGKILL, led a session of
    their own, or are a grandchild's: each still a zombie after restore, reaped by its parent
    with its status; a task stopped by SIGSTOP is stopped again and continues on SIGCONT;
    one stopped by SIGTSTP is stopped again by SIGTSTP (its parent's stop report says so);
    clone children with another exit signal than SIGCHLD, a zombie and a live one, keep it,
    and no child's death is signalled again by the restore."""
    roundtrip(env, tree_pids, [workload("tree_zombies")], 1 + 4 + 2 + 1 + 1 + 2)


def test_traced_task_refused_tree_unharmed(env, tree_pids):
    """A child traced by its parent (ptrace): the dump is refused naming the child and its
    tracer, and the tree runs on, the parent still tracing it."""
    from conftest import cryo
    run = env.start([workload("tree_ptraced")])
    run.wait_for("ready")
    child = int(run.text().split("traced ")[1].split()[0])
    tree_pids.update(descendants(run.pid))
    img = env.tmp / "img"
    p = cryo("dump", "-t", run.pid, "-D", img, check=False)
    assert p.returncode == 1, p.stdout + p.stderr
    assert f"thread {child} of pid {child} is traced by pid {run.pid}" in p.stderr, p.stderr
    assert not (img / "cryo.json").exists()
    env.check(run, run.pid)
