"""A tree across namespaces: tasks in uts namespaces other than the root's come back each in
a fresh one with its names (tests/workloads/tree/ns_uts_nested.c), the root in the caller's;
a child in uts and ipc namespaces of its own comes back with its System V objects and ipc
sysctls in a fresh ipc namespace, its segment attached there (ns_ipc_nested.c); a task in a
nested namespace of a kind cryo does not carry nested yet is refused at dump, naming the pid
and the kind, and the tree runs on."""
import json
import os
import signal
import time

from conftest import alive, child_of, cryo, image_pids, reap, workload


def test_uts_nested_roundtrip(env):
    run = env.start([workload("ns_uts_nested")])
    run.wait_for("ready")
    env.dump(run)
    pid = env.restore()
    # The root in ours, as it was: only its children's are made.
    assert os.readlink(f"/proc/{pid}/ns/uts") == os.readlink("/proc/self/ns/uts")
    env.check(run, pid)
    assert run.text().rstrip().endswith("PASS"), run.text()


def test_ipc_nested_roundtrip(env):
    run = env.roundtrip([workload("ns_ipc_nested")])
    assert run.text().rstrip().endswith("PASS"), run.text()
    img = env.tmp / "img"
    meta = json.loads((img / "cryo.json").read_text())
    kinds = sorted(n["kind"] for n in meta["nested_namespaces"])
    assert kinds == ["ipc", "uts"], meta["nested_namespaces"]
    ipc = [n for n in meta["nested_namespaces"] if n["kind"] == "ipc"][0]
    shmid = ipc["ipc"]["shm"][0]["id"]
    # Its segment's contents apart from the tree's own namespace's (ipcshm-ID.img).
    assert (img / f"ipcshm-2-{shmid}.img").exists(), sorted(p.name for p in img.iterdir())


def test_uts_nested_image_names_each_namespace(env):
    run = env.start([workload("ns_uts_nested")])
    run.wait_for("ready")
    img = env.dump(run, leave_running=True)
    meta = json.loads((img / "cryo.json").read_text())
    nested = meta["nested_namespaces"]
    assert sorted(n["hostname"] for n in nested) == ["cryo-nest-a", "cryo-nest-b"], nested
    assert all(n["kind"] == "uts" for n in nested)
    # A and its child in the first, B alone in the second (its child went back).
    by_name = {n["hostname"]: n["pids"] for n in nested}
    assert len(by_name["cryo-nest-a"]) == 2 and len(by_name["cryo-nest-b"]) == 1, by_name
    assert "namespaces" not in meta  # the root's stay ours: no record of its own
    shown = cryo("show", img).stdout
    assert "uts namespace of pid" in shown and "hostname cryo-nest-b" in shown, shown
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


def test_uts_nested_restored_in_a_new_pid_namespace(env):
    """--pidns: the init and tracer between the worker and the tree pass the namespaces
    on."""
    run = env.start([workload("ns_uts_nested")])
    run.wait_for("ready")
    img = env.dump(run, leave_running=True)
    pidfile = env.tmp / "init.pid"
    cryo("restore", "-D", img, "--detach", "--pidns", "--pidfile", pidfile)
    init = int(pidfile.read_text())
    env.restored.append(init)
    os.kill(init, signal.SIGUSR1)
    assert reap(init, 20) == 0, run.text()
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


def test_nested_in_a_tree_with_namespaces_of_its_own(env):
    """The root the init of its own pid, mount, uts and ipc namespaces (`unshare -pmui`), its
    children in uts namespaces nested in its own: made in the restore's new ones."""
    run = env.start(["unshare", "-p", "-m", "-u", "-i", "--fork", "--mount-proc",
                     workload("ns_uts_nested")])
    run.wait_for("ready")
    init = child_of(run.pid)
    img = env.tmp / "img"
    cryo("dump", "-t", init, "-D", img)
    # unshare, whose child the dump killed, says so on the output it shares with the tree,
    # at the offset the tree's had: waited for before the restored tree writes its PASS
    # there, or its message written late (under load) would overwrite that.
    run.finish()
    assert json.loads((img / "cryo.json").read_text())["nested_namespaces"]
    pidfile = env.tmp / "r.pid"
    cryo("restore", "-D", img, "--detach", "--pidfile", pidfile)
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    assert os.readlink(f"/proc/{pid}/ns/uts") != os.readlink("/proc/self/ns/uts")
    os.kill(pid, signal.SIGUSR1)
    assert reap(pid, 20) == 0, run.text()
    assert "\nPASS\n" in run.text() and "FAIL" not in run.text(), run.text()


def test_failed_restore_of_nested_ipc_leaves_nothing(env):
    run = env.start([workload("ns_ipc_nested")])
    run.wait_for("ready")
    img = env.dump(run)
    pids = image_pids(img)
    for f in img.glob("ipcshm-*-*.img"):
        f.unlink()
    p = cryo("restore", "-D", img, "--detach", check=False)
    assert p.returncode != 0 and "ipcshm-" in p.stderr, p.stderr
    time.sleep(0.2)
    assert not [q for q in pids if alive(q)], pids


def test_nested_kinds_not_carried_refused_naming_them(env):
    for flag, kind in (("-m", "mnt"),):
        run = env.start(["sh", "-c", f"unshare {flag} {workload('mem_anon')}; exit $?"])
        run.wait_for("ready")
        p = cryo("dump", "-t", run.pid, "-D", env.tmp / f"img{kind}", check=False)
        assert p.returncode != 0
        assert f"another {kind} namespace" in p.stderr and "nested" in p.stderr, p.stderr
        kids = open(f"/proc/{run.pid}/task/{run.pid}/children").read().split()
        assert f"pid {kids[0]}" in p.stderr, p.stderr
        assert alive(run.pid) and alive(int(kids[0]))
        os.kill(int(kids[0]), signal.SIGUSR1)
        assert run.finish() == 0, run.text()


THREAD_UNSHARES = r"""
import ctypes, signal, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
def run():
    if libc.unshare(0x04000000) != 0:  # CLONE_NEWUTS, this thread alone
        print("FAIL: unshare", ctypes.get_errno(), flush=True)
        return
    libc.sethostname(b"cryo-thread", 11)
    print("ready", flush=True)
    time.sleep(3600)
threading.Thread(target=run, daemon=True).start()
signal.sigwait([signal.SIGUSR1])
print("PASS", flush=True)
"""


def test_thread_in_another_namespace_refused_naming_it(env):
    run = env.start(["/usr/bin/python3", "-c", THREAD_UNSHARES])
    run.wait_for("ready")
    tids = sorted(int(t) for t in os.listdir(f"/proc/{run.pid}/task"))
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", check=False)
    assert p.returncode != 0
    assert f"of pid {run.pid} is in another uts namespace than its process" in p.stderr, p.stderr
    assert any(f"thread {t} " in p.stderr for t in tids if t != run.pid), p.stderr
    assert alive(run.pid)
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()
