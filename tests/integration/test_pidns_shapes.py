"""Process-tree shapes, files and System V objects of a tree whose root is the init of its own
pid (and mount, net, uts, ipc) namespaces, as zdtm's ns/uns flavours run their tests:
tests/workloads/tree/pidns_run.c makes the namespaces and runs a workload as the init's child;
cryo dumps the init's tree from inside the namespace and restores it into fresh ones. Every
workload checks its own state after the restore, and the init its pid, proc, uts names and lo.
"""
import os
import re
import signal
import time

import pytest

from conftest import alive, cryo, nsinit, reap, workload


def start(env, prog, *args, join=False, noreap=False):
    run = env.start([workload("pidns_run"), *(["-j"] if join else []),
                     *(["-n"] if noreap else []), workload(prog),
                     *map(str, args)])
    run.wait_for("ready")
    init = nsinit(run)
    # Killing a pid namespace's init kills all of it: the cleanup's SIGKILL leaves nothing,
    # whatever the test did (the init left the launcher's group with setsid()).
    env.restored.append(init)
    return run, init


def dump(env, init, img=None, extra=()):
    img = img or env.tmp / "img"
    cryo("dump", "-t", init, "-D", img, *extra)
    deadline = time.time() + 5
    while alive(init) and time.time() < deadline:
        time.sleep(0.01)
    assert not alive(init), "the dump did not kill the tree"
    return img


def restore(env, img, name="r"):
    pidfile = env.tmp / f"{name}.pid"
    cryo("restore", "-D", img, "--detach", "--pidfile", pidfile)
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    return pid


def check(run, pid):
    os.kill(pid, signal.SIGUSR1)
    code = reap(pid, 20)
    text = run.text()
    assert code == 0 and text.rstrip().endswith("PASS"), f"exit {code}: {text[-2000:]!r}"


def roundtrip(env, prog, *args, join=False, noreap=False):
    run, init = start(env, prog, *args, join=join, noreap=noreap)
    pid = restore(env, dump(env, init))
    check(run, pid)
    return run


@pytest.mark.parametrize("prog,args", [
    ("tree_pids", ()),
    ("tree_sess", ()),
    ("tree_sess", ("sibling",)),
    ("tree_sess_orphans", ()),
    ("tree_zombies", ()),
    ("fd_kinds", ("deleted",)),
    ("fd_kinds", ("sysv",)),
    ("net_unix_scm", ()),
    ("net_unix_scm_loop", ()),
    ("file_proc", ()),
    ("file_ghost_large", ()),
    ("proc_dead_cwd", ()),
    ("proc_dead_cwd", ("fd",)),
    ("fanotify", ()),
])
def test_tree_workloads_in_a_pid_namespace(env, prog, args):
    """Workloads of the host's tests, each as the child of the init of its own namespaces:
    sessions, groups and zombies; a deleted file; a System V segment of the namespace; files
    in flight in unix sockets; its own proc files; large removed files with holes and a removed
    file that another name keeps (zdtm unlink_multiple_largefiles, unlink_regular00); a cwd and
    directory descriptors in the removed /proc directories of dead children, of the namespace's
    proc (zdtm unhashed_proc, remap_dead_pid_root); fanotify marks, a mount mark made again on
    the tree's own copy of the mount, not on the restoring process's."""
    roundtrip(env, prog, *args)



SHAPES = ["session00", "zombie_leader", "helper_zombie", "subreaper"]


@pytest.mark.parametrize("join", [False, True], ids=["own-session", "init-session"])
@pytest.mark.parametrize("shape", SHAPES)
def test_shapes_in_a_pid_namespace(env, shape, join):
    roundtrip(env, "tree_shapes", shape, join=join, noreap=shape == "helper_zombie")


@pytest.mark.parametrize("shape", SHAPES)
def test_shapes_on_the_host(env, shape):
    """The same shapes in a tree that shares our pid namespace, its root a child subreaper
    (where orphans go on the host)."""
    env.roundtrip([workload("tree_shapes"), shape, "reaper"])


def refused_tree_unharmed(env, prog, args, words, noreap=False):
    run, init = start(env, prog, *args, noreap=noreap)
    p = cryo("dump", "-t", init, "-D", env.tmp / "img", check=False)
    assert p.returncode != 0
    for w in words:
        assert w in p.stderr, p.stderr
    assert alive(init)
    os.kill(init, signal.SIGUSR1)
    assert run.finish() == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()


def test_orphan_of_a_nested_subreaper_in_another_session_refused(env):
    """The subreaper shape with the test's main process a child subreaper too: the orphan
    went to it (not to the init), in the session of its sibling: no helper can give it back
    to that parent in that session. Refused at dump, naming it; the tree runs on."""
    refused_tree_unharmed(env, "tree_shapes", ("subreaper", "reaper"),
                          ["session", "cannot make again"])


def test_large_removed_files_on_the_host(env):
    """file_ghost_large where the tree shares our namespaces."""
    env.roundtrip([workload("file_ghost_large")])


def test_dead_process_proc_directories_on_the_host(env):
    """proc_dead_cwd with descriptors too, where the tree shares our namespaces."""
    env.roundtrip([workload("proc_dead_cwd"), "fd"])


def test_sysv_attachment_split_by_mprotect_on_the_host(env):
    """zdtm shm-mp: one attachment of a segment in three mappings of three protections comes
    back as one attachment with those protections, beside a second whole one. (On the host a
    segment removed while attached dies with the tree a dump kills: this one is kept, and
    removed here whatever happens.)"""
    import subprocess
    run = env.start([workload("mem_sysv_split"), "host"])
    try:
        run.wait_for("ready")
        env.dump(run)
        pid = env.restore()
        env.check(run, pid)
    finally:
        m = re.search(r"shmid (\d+)", run.text())
        if m:
            subprocess.run(["ipcrm", "-m", m.group(1)], capture_output=True)


def test_sysv_attachment_split_by_mprotect_in_a_pid_namespace(env):
    """The same, the segment in the tree's own ipc namespace."""
    roundtrip(env, "mem_sysv_split")


def test_part_of_a_sysv_segment_refused_tree_unharmed(env):
    """A segment whose attachment lost a page to munmap(): refused at dump, naming the
    mapping and the segment; the tree runs on."""
    refused_tree_unharmed(env, "mem_sysv_split", ("partial",),
                          ["holds only part of System V segment"])


def test_unix_sockets_in_flight_in_their_own_queues_on_the_host(env):
    """zdtm scm06: datagram sockets each in flight in its own queue and its peer's, a stream
    socket in flight in its peer's queue that no task holds any more."""
    env.roundtrip([workload("net_unix_scm_loop")])


def test_orphan_of_the_init_under_a_later_subreaper_refused(env):
    """The subreaper shape where the test's main process, above the orphan's session leader,
    became a child subreaper after the orphan went to the init: a helper's orphan would go to
    it, not to the init. Refused at dump naming the orphan and why; the tree runs on."""
    refused_tree_unharmed(env, "tree_shapes", ("subreaper", "late_reaper"),
                          ["an orphan of the root", "child subreaper stands between"])


def test_removed_sysv_segment_of_the_host_refused_tree_unharmed(env):
    """On the host a segment removed while attached (IPC_RMID, SHM_DEST) dies with the tree a
    dump kills, and a restore could not attach it again: refused at dump, naming it; the tree
    runs on. With --leave-running it lives on with the tree, and the dump is taken."""
    from conftest import cryo as run_cryo
    run = env.start([workload("mem_sysv_split")])
    run.wait_for("ready")
    p = run_cryo("dump", "-t", run.pid, "-D", env.tmp / "img", check=False)
    assert p.returncode != 0
    assert "System V segment" in p.stderr and "IPC_RMID" in p.stderr, p.stderr
    assert alive(run.pid)
    run_cryo("dump", "-t", run.pid, "-D", env.tmp / "img2", "--leave-running")
    assert alive(run.pid)
    run.signal(signal.SIGUSR1)
    assert run.finish() == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()
