"""A tree with namespaces of its own (pid, mount, net, uts, ipc) is dumped from inside them and
restored into fresh ones: its init is pid 1 again, proc is of the new pid namespace, the
hostname, lo and a TCP connection inside its own network come back, and the same image can be
restored several times at once, beside the running original, without PID collisions."""
import os
import signal
import threading
import time

from conftest import CRYO, alive, cryo, nsinit, reap, workload


def start_ns_tree(env):
    run = env.start([workload("ns_tree")])
    run.wait_for("ready")
    init = nsinit(run)
    return run, init


def restore_detached(env, img, name):
    pidfile = env.tmp / f"{name}.pid"
    cryo("restore", "-D", img, "--detach", "--pidfile", pidfile)
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    return pid


def check(pid):
    os.kill(pid, signal.SIGUSR1)
    return reap(pid, 20)


def test_namespaced_tree_roundtrip(env):
    run, init = start_ns_tree(env)
    img = env.tmp / "img"
    cryo("dump", "-t", init, "-D", img)
    deadline = time.time() + 5
    while alive(init) and time.time() < deadline:
        time.sleep(0.01)
    assert not alive(init), "the dump did not kill the tree"
    pid = restore_detached(env, img, "r")
    assert check(pid) == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()


def test_three_copies_beside_the_original(env):
    run, init = start_ns_tree(env)
    img = env.tmp / "img"
    cryo("dump", "-t", init, "-D", img, "--leave-running")
    assert alive(init)
    pids, errors = [], []

    def one(i):
        try:
            pids.append(restore_detached(env, img, f"copy{i}"))
        except AssertionError as e:
            errors.append(str(e))
    threads = [threading.Thread(target=one, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(set(pids)) == 3
    # Each copy is pid 1 of a pid namespace of its own, and passes its own checks.
    for pid in pids:
        assert os.readlink(f"/proc/{pid}/ns/pid") != os.readlink(f"/proc/{init}/ns/pid")
        assert check(pid) == 0, run.text()
    # The original ran on untouched all along (its launcher exits with its status).
    os.kill(init, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


def test_nested_namespaces_refused_tree_unharmed(env):
    run, init = start_ns_tree(env)
    # The launcher is in ours, its child in new ones: a tree across namespaces.
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", check=False)
    assert p.returncode != 0
    assert "nested" in p.stderr and "namespace" in p.stderr, p.stderr
    assert alive(run.pid) and alive(init)
    os.kill(init, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


def test_lazy_restore_of_namespaced_tree_refused(env):
    run, init = start_ns_tree(env)
    img = env.tmp / "img"
    cryo("dump", "-t", init, "-D", img, "--leave-running")
    p = cryo("restore", "-D", img, "--detach", "--lazy", check=False)
    assert p.returncode != 0 and "lazily" in p.stderr, p.stderr
    os.kill(init, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


def test_predump_of_namespaced_tree_refused(env):
    run, init = start_ns_tree(env)
    p = cryo("pre-dump", "-t", init, "-D", env.tmp / "pre", check=False)
    assert p.returncode != 0 and "pid namespace" in p.stderr, p.stderr
    os.kill(init, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


def test_host_tree_restored_in_a_new_pid_namespace_beside_its_original(env):
    """--pidns: a tree of ten tasks that shares our namespaces comes back with its PIDs (and
    parents, groups, exit codes) inside a pid namespace of its own, while the original holds
    those PIDs here; the init of that namespace passes SIGUSR1 on and exits as the root."""
    run = env.start([workload("tree_pids")])
    run.wait_for("ready")
    img = env.tmp / "img"
    cryo("dump", "-t", run.pid, "-D", img, "--leave-running")
    pidfile = env.tmp / "init.pid"
    cryo("restore", "-D", img, "--detach", "--pidns", "--pidfile", pidfile)
    init = int(pidfile.read_text())
    env.restored.append(init)
    assert init != run.pid
    with open(f"/proc/{init}/status") as f:
        nspid = [line.split()[1:] for line in f if line.startswith("NSpid:")][0]
    assert nspid[-1] == "1", nspid
    kids = open(f"/proc/{init}/task/{init}/children").read().split()
    assert len(kids) == 1
    with open(f"/proc/{kids[0]}/status") as f:
        nspid = [line.split()[1:] for line in f if line.startswith("NSpid:")][0]
    assert nspid[-1] == str(run.pid), nspid  # the root's own PID, in there
    assert check(init) == 0, run.text()
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()
