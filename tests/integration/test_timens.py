"""A tree in a time namespace of its own (unshare(CLONE_NEWTIME), then fork) is restored in a
new one whose CLOCK_MONOTONIC and CLOCK_BOOTTIME go on from their values at dump, as CRIU does:
the offsets (+1000 and +2000 days here) come back less the host time between dump and restore,
no clock goes back, and a child forked after the restore is in the namespace too. A tree in
ours stays in ours; a tree across two time namespaces is refused, and runs on. A timerfd armed
at a time of the tree's clock fires when the tree's clock gets there."""
import json
import os
import re
import signal
import time

from conftest import alive, cryo, reap, workload


def start(env, mode):
    run = env.start([workload("proc_timens"), mode])
    run.wait_for("ready")
    child = int(re.search(r"child (\d+)", run.text()).group(1))
    return run, child


def dump_and_restore(env, child, img, pause=0):
    cryo("dump", "-t", child, "-D", img)
    deadline = time.time() + 5
    while alive(child) and time.time() < deadline:
        time.sleep(0.01)
    assert not alive(child), "the dump did not kill the tree"
    time.sleep(pause)
    pidfile = env.tmp / "restored.pid"
    cryo("restore", "-D", img, "--detach", "--pidfile", pidfile)
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    return pid


def test_time_namespace_clocks_continue(env):
    run, child = start(env, "own")
    img = env.tmp / "img"
    assert os.readlink(f"/proc/{child}/ns/time") != os.readlink("/proc/self/ns/time")
    # Time passes between dump and restore: the tree must not see it.
    pid = dump_and_restore(env, child, img, pause=3)
    meta = json.loads((img / "cryo.json").read_text())["namespaces"]
    assert meta["own"] == ["time"], meta
    assert meta["time"]["monotonic_offset"] == [1000 * 86400, 0], meta
    assert meta["time"]["boottime_offset"] == [2000 * 86400, 0], meta
    assert meta["time"]["monotonic"][0] >= 1000 * 86400, meta
    assert pid == child
    ns = os.readlink(f"/proc/{pid}/ns/time")
    # (its inode may be the dumped one's again: that one is gone with the tree)
    assert ns != os.readlink("/proc/self/ns/time")
    # The 3 s between dump and restore are taken off the offsets (the workload checks that
    # its clocks went on from where they were).
    offs = dict(line.split()[:2] for line in open(f"/proc/{pid}/timens_offsets"))
    assert 1000 * 86400 - 60 < int(offs["monotonic"]) <= 1000 * 86400 - 3, offs
    assert 2000 * 86400 - 60 < int(offs["boottime"]) <= 2000 * 86400 - 3, offs
    os.kill(pid, signal.SIGUSR1)
    assert reap(pid, 20) == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()


def test_absolute_timerfds_on_the_tree_clocks(env):
    """Absolute timerfds on CLOCK_MONOTONIC and CLOCK_BOOTTIME in a time namespace of the tree's
    own (+1 and +2 days) fire at their expiry on the tree's clocks, which do not count the 3 s
    between dump and restore, and a periodic one counts its periods on that clock too (the
    workload checks each within 150 ms); so does a POSIX timer armed with TIMER_ABSTIME."""
    run = env.start([workload("timerfd_timens")])
    run.wait_for("ready")
    child = int(re.search(r"child (\d+)", run.text()).group(1))
    pid = dump_and_restore(env, child, env.tmp / "img", pause=3)
    assert pid == child
    os.kill(pid, signal.SIGUSR1)
    assert reap(pid, 40) == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()


def test_host_time_namespace_unchanged(env):
    run, child = start(env, "host")
    img = env.tmp / "img"
    pid = dump_and_restore(env, child, img)
    assert "namespaces" not in json.loads((img / "cryo.json").read_text())
    assert os.readlink(f"/proc/{pid}/ns/time") == os.readlink("/proc/self/ns/time")
    os.kill(pid, signal.SIGUSR1)
    assert reap(pid, 20) == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()


def test_tree_across_two_time_namespaces_refused_tree_unharmed(env):
    run, child = start(env, "split")
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", check=False)
    assert p.returncode != 0
    assert "time namespace" in p.stderr and str(run.pid) in p.stderr, p.stderr
    assert alive(run.pid) and alive(child)
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()


def test_task_that_unshared_its_time_namespace_refused_tree_unharmed(env):
    run, child = start(env, "pending")
    assert child == run.pid
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", check=False)
    assert p.returncode != 0
    assert "unshare(CLONE_NEWTIME)" in p.stderr and str(run.pid) in p.stderr, p.stderr
    assert alive(run.pid)
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()
