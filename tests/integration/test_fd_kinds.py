"""Descriptor kinds restored since issue 15 (fidelity): a descriptor table shared between
processes (CLONE_FILES), proc files of other tasks of the tree, fanotify, timerfds armed at a time
of their clock, epoll registrations and inotify watches that outlived their numbers or names."""
import time

from conftest import alive, cryo, image_pids, workload


def _untraced(pid):
    """A refused dump lets go of the tree: wait for it to (a few seconds at most)."""
    deadline = time.time() + 5
    while time.time() < deadline and "TracerPid:\t0" not in open(f"/proc/{pid}/status").read():
        time.sleep(0.01)


def roundtrip(env, name, *args):
    return env.roundtrip([workload(name), *args])


def test_shared_descriptor_table(env):
    """A parent and a child made with CLONE_FILES (no CLONE_VM) share one table again: kcmp
    says so, a descriptor one opens is the other's, one the other closes is gone; a plain
    child beside them keeps its own."""
    roundtrip(env, "fdt_shared")


def test_table_shared_by_siblings_refused_tree_unharmed(env):
    """Two children sharing a table that is not their parent's (one cloned the other with
    CLONE_PARENT): the dump refuses, naming both pids, and the tree runs on as it was."""
    run = env.start([workload("fdt_shared"), "sibling"])
    run.wait_for("ready")
    a, b = run.text().split("pids ", 1)[1].split()[:2]
    img = env.tmp / "img"
    p = cryo("dump", "-t", run.pid, "-D", img, check=False)
    assert p.returncode == 1, p.stderr
    assert f"pids {a} and {b} share their descriptor table" in p.stderr, p.stderr
    assert not (img / "cryo.json").exists(), "a refused dump left an image behind"
    _untraced(run.pid)
    env.check(run, run.pid)


def test_shared_descriptor_table_refused_by_a_lazy_restore(env):
    """--lazy cannot make a shared table yet: it says so, naming the child, before any task
    exists; the image then restores without it."""
    run = env.start([workload("fdt_shared")])
    run.wait_for("ready")
    img = env.dump(run, suite_args=False)  # an image directory, whatever the suite's mode
    p = cryo("restore", "-D", img, "--detach", "--lazy", check=False)
    assert p.returncode == 1, p.stderr
    assert "shares its parent's descriptor table" in p.stderr and "--lazy" in p.stderr
    assert not any(alive(pid) for pid in image_pids(img)), "a refused restore left tasks"
    pid = env.restore(img)
    assert pid == run.pid
    env.check(run, pid)


def test_proc_files_of_other_tasks(env):
    """The parent's /proc/CHILD/stat (at an offset) and /proc/CHILD, the child's
    /proc/PARENT/stat, and the parent's own /proc/self/status shared with the child: each
    reads the restored task it names, and the shared one is one description again."""
    roundtrip(env, "proc_other")


def test_proc_file_of_a_thread_refused_tree_unharmed(env):
    """A thread's proc file (/proc/self/task/TID/stat) cannot be opened before the restorer
    makes the thread: the dump refuses it, naming pid, fd and thread, and the tree runs on."""
    run = env.start([workload("proc_other"), "thread"])
    run.wait_for("ready")
    fd, tid = run.text().split("fd ", 1)[1].split()[0::2][:2]
    img = env.tmp / "img"
    p = cryo("dump", "-t", run.pid, "-D", img, check=False)
    assert p.returncode == 1, p.stderr
    assert f"fd {fd} of pid {run.pid}" in p.stderr and f"thread {tid}" in p.stderr, p.stderr
    assert not (img / "cryo.json").exists(), "a refused dump left an image behind"
    _untraced(run.pid)
    env.check(run, run.pid)



def test_fanotify_marks_and_events(env):
    """Two fanotify groups: inode marks (with an ignored mask that survives writes, an
    evictable one, an ignore-only one), a mount mark and a filesystem mark come back exactly
    (fdinfo), the queued event is dropped, a marked file reports FAN_OPEN and FAN_CLOSE_WRITE
    and an unmarked one nothing."""
    roundtrip(env, "fanotify")


def test_timerfd_armed_at_a_time_of_its_clock(env):
    """TFD_TIMER_ABSTIME timers (one with TFD_TIMER_CANCEL_ON_SET) keep their flags and expire
    at the same time of their clock; a periodic one counts the periods since its expiry."""
    roundtrip(env, "timerfd_abs")


def test_epoll_registrations_whose_numbers_moved(env):
    """Registrations whose descriptor was dup()ed and closed, or whose number now holds another
    file, are made again under their old numbers, on the right files; the numbers are left as
    they were."""
    roundtrip(env, "epoll_moved")


def test_inotify_watches_whose_names_were_removed(env):
    """A watch on a file removed while held open comes back on the restored file (through its
    memory object); one whose name was removed while another link stays, on that link."""
    roundtrip(env, "inotify_removed")
