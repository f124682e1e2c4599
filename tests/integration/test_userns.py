"""A tree in a user namespace of its own is dumped with the namespace's uid_map, gid_map and
setgroups and restored in a new user namespace made first, which owns the tree's other
namespaces; each task has its ids and capabilities there again. The workload checks all that
from inside (tests/workloads/tree/userns_tree.c); these tests check what the host sees. A
nested user namespace, a tree across two and one with no maps yet are refused at dump, and
the tree runs on."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager

import pytest

from pathlib import Path

from conftest import (alive, apart_from_other_runs, child_of, cryo, image_pids, nsinit, reap,
                      reap_gone, workload)

MAP = ["0", "100000", "65536"]


@pytest.fixture
def share():
    """A directory that root of the namespace (100000 here) may make its file in: not under
    pytest's, which only our root may enter."""
    d = tempfile.mkdtemp(prefix="cryo-userns-", dir="/tmp")
    os.chmod(d, 0o777)
    yield Path(d)
    shutil.rmtree(d, ignore_errors=True)


def start(env, share, mode, setgroups):
    argv = [workload("userns_tree"), mode, setgroups, share]
    # ("user": no mount namespace of its own, ours.)
    run = env.start(apart_from_other_runs(argv, env.tmp) if mode == "full" else argv)
    run.wait_for("ready")
    init = nsinit(run)
    return run, init


def dump_and_restore(env, run, pid):
    img = env.tmp / "img"
    cryo("dump", "-t", pid, "-D", img)
    deadline = time.time() + 5
    while alive(pid) and time.time() < deadline:
        time.sleep(0.01)
    assert not alive(pid), "the dump did not kill the tree"
    # The launcher reaps the dumped root and we (subreaper) its orphans, whose PIDs the
    # restore takes again.
    run.finish()
    reap_gone(image_pids(img))
    pidfile = env.tmp / "r.pid"
    cryo("restore", "-D", img, "--detach", "--pidfile", pidfile)
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    return pid


def status_field(pid, key):
    with open(f"/proc/{pid}/status") as f:
        return [line.split()[1:] for line in f if line.startswith(key + ":")][0]


def check_host_view(pid, setgroups):
    for m in ("uid_map", "gid_map"):
        with open(f"/proc/{pid}/{m}") as f:
            assert [line.split() for line in f] == [MAP], m
    with open(f"/proc/{pid}/setgroups") as f:
        assert f.read().strip() == setgroups
    assert status_field(pid, "Uid") == ["100000"] * 4
    assert status_field(pid, "Gid") == ["100000"] * 4
    assert os.readlink(f"/proc/{pid}/ns/user") != os.readlink("/proc/self/ns/user")


def test_user_namespace_owning_pid_mnt_net_uts_ipc(env, share):
    run, init = start(env, share, "full", "allow")
    pid = dump_and_restore(env, run, init)
    check_host_view(pid, "allow")
    assert status_field(pid, "Groups") == ["100000", "100005"]
    assert status_field(pid, "NSpid")[-1] == "1"
    os.kill(pid, signal.SIGUSR1)
    assert reap(pid, 20) == 0, run.text()
    assert "\nPASS\n" in run.text(), run.text()
    st = os.stat(share / "owned")
    assert (st.st_uid, st.st_gid) == (100000, 100000)


def test_user_namespace_alone_setgroups_denied(env, share):
    run, init = start(env, share, "user", "deny")
    groups = status_field(init, "Groups")
    pid = dump_and_restore(env, run, init)
    assert pid == init  # no pid namespace of its own: its PID here again
    check_host_view(pid, "deny")
    assert status_field(pid, "Groups") == groups
    os.kill(pid, signal.SIGUSR1)
    assert reap(pid, 20) == 0, run.text()
    assert "\nPASS\n" in run.text(), run.text()
    st = os.stat(share / "owned")
    assert (st.st_uid, st.st_gid) == (100000, 100000)


def refused_runs_on(env, run, pid, *named):
    """A dump of pid's tree is refused, naming each of named, and the tree runs on."""
    p = cryo("dump", "-t", pid, "-D", env.tmp / "img", check=False)
    assert p.returncode != 0 and all(n in p.stderr for n in named), p.stderr
    assert alive(pid)
    os.kill(pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


def test_unshare_map_root_user_pid_mount_proc(env):
    """As `unshare -U -r -p -m --fork --mount-proc` runs a program: memory and a counter go
    on in the restored namespace, where root is the host's root (map "0 0 1")."""
    run = env.start(apart_from_other_runs(["unshare", "-U", "-r", "-p", "-m", "--fork",
                                           "--mount-proc", workload("mem_anon")], env.tmp))
    run.wait_for("ready")
    root = child_of(run.pid)
    pid = dump_and_restore(env, run, root)
    with open(f"/proc/{pid}/uid_map") as f:
        assert [line.split() for line in f] == [["0", "0", "1"]]
    assert status_field(pid, "NSpid")[-1] == "1"
    os.kill(pid, signal.SIGUSR1)
    assert reap(pid, 20) == 0, run.text()
    assert "\nPASS\n" in run.text(), run.text()


def test_tree_across_two_user_namespaces_refused_tree_unharmed(env, share):
    run, init = start(env, share, "full", "allow")
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", check=False)
    assert p.returncode != 0
    assert "user namespace" in p.stderr and "nested" in p.stderr, p.stderr
    assert f"pid {init}" in p.stderr, p.stderr
    assert alive(run.pid) and alive(init)
    os.kill(init, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


def test_nested_user_namespace_refused_tree_unharmed(env):
    run = env.start(["unshare", "-U", "-r", "unshare", "-U", "-r", "--fork",
                     workload("mem_anon")])
    run.wait_for("ready")
    root = child_of(run.pid)
    refused_runs_on(env, run, root, "nested user namespaces", f"pid {root}")


def test_user_namespace_without_maps_refused_tree_unharmed(env):
    run = env.start(["unshare", "-U", "--fork", workload("mem_anon")])
    run.wait_for("ready")
    root = child_of(run.pid)
    refused_runs_on(env, run, root, "uid_map", f"pid {root}")


def test_unshare_map_root_user_alone(env):
    """As `unshare --user --map-root-user --fork` runs a program: no other namespace, its PID
    here again, memory and a counter going on."""
    run = env.start(["unshare", "--user", "--map-root-user", "--fork", workload("mem_anon")])
    run.wait_for("ready")
    root = child_of(run.pid)
    pid = dump_and_restore(env, run, root)
    assert pid == root
    with open(f"/proc/{pid}/uid_map") as f:
        assert [line.split() for line in f] == [["0", "0", "1"]]
    with open(f"/proc/{pid}/setgroups") as f:
        assert f.read().strip() == "deny"
    assert os.readlink(f"/proc/{pid}/ns/user") != os.readlink("/proc/self/ns/user")
    os.kill(pid, signal.SIGUSR1)
    assert reap(pid, 20) == 0, run.text()
    assert "\nPASS\n" in run.text(), run.text()


@contextmanager
def uns_root_dirs():
    """DIR, where the init mounts its root tmpfs, and LOCKED, a read-only nosuid tmpfs of ours
    with a noexec tmpfs of ours on LOCKED/sub, that it binds in with it (its flags locked in
    its user namespace, the one beneath locked: MNT_LOCKED): both where the namespace's root
    (100000 here) may reach them. Unmounted and removed whatever happens."""
    top = tempfile.mkdtemp(prefix="cryo-uns-root-", dir="/tmp")
    os.chmod(top, 0o755)
    d, locked = Path(top) / "root", Path(top) / "locked"
    d.mkdir(mode=0o755)
    locked.mkdir(mode=0o755)
    (Path(top) / "share").mkdir()
    os.chmod(Path(top) / "share", 0o777)
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=755,size=1m", "uns-locked", locked],
                       check=True)
        (locked / "host-file").write_text("ours\n")
        (locked / "sub").mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,noexec", "uns-locked-sub",
                        locked / "sub"], check=True)
        subprocess.run(["mount", "-o", "remount,ro,nosuid,nodev", locked], check=True)
        yield d, locked
    finally:
        subprocess.run(["umount", "-l", locked], capture_output=True)
        shutil.rmtree(top, ignore_errors=True)


def test_pivoted_root_in_user_namespace_mounts_owned_by_it(env):
    """zdtm's uns flavour: the init of new user, pid, mount, net, uts and ipc namespaces that
    pivoted into a tmpfs root of its own (tests/workloads/tree/userns_root.c) comes back with
    its proc, its tmpfs /run and its devpts made inside the new user namespace (their
    superblocks its own: the workload remounts them), file owners named through the maps,
    and the read-only flag of a bind of ours still locked, the tmpfs of ours beneath it cloned
    with it (a clone of it alone is refused there) and locked, every mount's locks as before
    (the workload probes them, mnt_locks.h); a read lease of a file of its own
    (taken again as the file's owner: the namespace has no CAP_LEASE in ours), and removed
    files linked elsewhere, in its tmpfs (reopened by the other name) and in a directory of
    ours bound in (the same inode, opened by its handle by the setter of owners left in ours:
    open_by_handle_at(2) wants CAP_DAC_READ_SEARCH there)."""
    with uns_root_dirs() as (d, locked):
        run = env.start([workload("userns_root"), d, locked, d.parent / "share"])
        run.wait_for("ready")
        init = nsinit(run)
        img = env.tmp / "img"
        pid = dump_and_restore(env, run, init)
        mounts = json.loads((img / "cryo.json").read_text())["namespaces"]["mounts"]
        kinds = {m["point"]: (m["kind"], m.get("source")) for m in mounts}
        assert kinds["/"][0] == "tmpfs" and kinds["/run"][0] == "tmpfs", kinds
        assert kinds["/usr"] == ("external", "/usr"), kinds
        assert kinds["/locked"] == ("external", str(locked)), kinds
        assert kinds["/locked/sub"] == ("external", str(locked / "sub")), kinds
        assert kinds["/proc"][0] == "proc" and kinds["/dev/pts"][0] == "devpts", kinds
        assert status_field(pid, "NSpid")[-1] == "1"
        # The host's view of the owners: 1000 inside is 200000 here, 1001 in groups 300001.
        st = os.lstat(f"/proc/{pid}/root/data/root-file")
        assert (st.st_uid, st.st_gid) == (201000 - 1000, 301001 - 1000)
        st = os.lstat(f"/proc/{pid}/root/run/data")
        assert (st.st_uid, st.st_gid) == (200000, 300000)
        # Nothing of ours is left in its namespace, nothing of its in ours.
        with open(f"/proc/{pid}/mountinfo") as f:
            points = [line.split()[4] for line in f]
        assert sorted(points) == sorted(kinds), points
        with open("/proc/self/mountinfo") as f:
            assert not any(str(d) in line for line in f)
        os.kill(pid, signal.SIGUSR1)
        assert reap(pid, 20) == 0, run.text()
        assert "\nPASS\n" in run.text(), run.text()


@pytest.mark.parametrize("var,why", [("CRYO_UNS_NOPROC", "no proc mounted")])
def test_pivoted_root_in_user_namespace_refusals_tree_unharmed(env, var, why):
    """What a restore inside the tree's user namespace cannot make again is refused at dump,
    naming why, and the tree runs on: no proc mounted (its new init makes proc only while
    another is in sight)."""
    with uns_root_dirs() as (d, locked):
        run = env.start([workload("userns_root"), d, locked], env=dict(os.environ, **{var: "1"}))
        run.wait_for("ready")
        init = nsinit(run)
        refused_runs_on(env, run, init, "user namespace", why)
        assert "\nPASS\n" in run.text(), run.text()


def test_pivoted_root_in_user_namespace_failed_restore_leaves_nothing(env):
    """A restore that fails once the tree's mounts are being made inside its new user
    namespace (the tmpfs of ours it binds is gone) fails naming it and leaves nothing: no
    process of its, no mount in ours, no user namespace held."""
    with uns_root_dirs() as (d, locked):
        run = env.start([workload("userns_root"), d, locked])
        run.wait_for("ready")
        init = nsinit(run)
        img = env.tmp / "img"
        cryo("dump", "-t", init, "-D", img)
        run.finish()
        reap_gone(image_pids(img))
        subprocess.run(["umount", "-l", locked], check=True)
        p = cryo("restore", "-D", img, "--detach", check=False)
        assert p.returncode != 0
        assert str(locked) in p.stderr and "/locked" in p.stderr, p.stderr
        # (Others may mount and make namespaces meanwhile: only ours are looked for.)
        with open("/proc/self/mountinfo") as f:
            assert not [l for l in f if "uns-" in l.split(" - ")[1] or str(d) in l]
        time.sleep(0.2)
        for q in os.listdir("/proc"):
            try:
                with open(f"/proc/{q}/uid_map") as f:
                    lines = [line.split() for line in f]
                assert lines != [["0", "100000", "1000"], ["1000", "200000", "1000"]], \
                    f"pid {q} is in a user namespace of the image's maps"
            except OSError:
                pass
        assert not any(alive(q) for q in image_pids(img))


def uns_roundtrip(env, prog, *args):
    """PROG as the child of the init of new user, pid, mount, net, uts and ipc namespaces
    (tests/workloads/tree/pidns_run.c -u, zdtm's uns flavour less its root): dumped from
    the init, restored, told to check itself."""
    run = env.start(apart_from_other_runs([workload("pidns_run"), "-u", workload(prog), *args],
                                          env.tmp))
    run.wait_for("ready")
    init = nsinit(run)
    env.restored.append(init)
    pid = dump_and_restore(env, run, init)
    os.kill(pid, signal.SIGUSR1)
    code = reap(pid, 20)
    text = run.text()
    assert code == 0 and text.rstrip().endswith("PASS"), f"exit {code}: {text[-2000:]!r}"
    return pid


def test_seccomp_filters_that_kill_setresuid_in_a_user_namespace(env):
    """zdtm seccomp_filter in the uns flavour: filters (no no_new_privs) that kill ptrace and
    setresuid, shared by a thread, on a task that then took uid 1000. The tracer cannot
    suspend them from inside the tree's user namespace: the restorer installs them after the
    credentials (holding CAP_SYS_ADMIN for it until then), the shared ones on every thread
    at once (TSYNC). Both in force after, still shared (tests/workloads/misc/proc_seccomp_uid.c)."""
    uns_roundtrip(env, "proc_seccomp_uid")


def test_ping_group_range_and_ping_sockets_in_a_user_namespace(env):
    """zdtm netns_sub_sysctl and socket_icmp in the uns flavour: the tree's network namespace
    lets its groups 0-58468 open ping sockets (net.ipv4.ping_group_range, kernel gids named
    through the reader's user namespace), and it holds raw and ping sockets. The range is
    written again from inside the new user namespace as it names those gids (it reads back
    "0 58468" there), and the ping sockets, which neither the dump's nor the restore's groups
    may open, are opened by a child under the range's first gid: each pings after the restore
    (tests/workloads/net/net_raw.c ping-range)."""
    uns_roundtrip(env, "net_raw", "ping-range")


def test_loginuid_in_a_user_namespace(env):
    """zdtm loginuid in the uns flavour: the audit login uids a task and its child set (4242
    and 4343 as their user namespace names them) are written again by each task as that
    namespace names them, over the unset one the restore leaves them (a set one only
    CAP_AUDIT_CONTROL in ours could change) (tests/workloads/misc/proc_loginuid.c)."""
    if open("/proc/self/loginuid").read().strip() != "4294967295":
        pytest.skip("our login uid is set: the workload could not set its own")
    uns_roundtrip(env, "proc_loginuid")


@pytest.mark.parametrize("dumpable", ["dumpable", "undumpable"])
def test_seccomp_strict_thread_in_a_user_namespace(env, dumpable):
    """zdtm seccomp_strict in the uns flavour: a thread in strict seccomp mode, blocked in
    read(). The tracer cannot suspend seccomp from inside the tree's user namespace: the
    thread takes strict mode last, injected once the restorer is gone and its registers are
    back, through a syscall instruction of its vDSO found in ours (an undumpable task's memory
    is closed to that tracer by then), and answers again after
    (tests/workloads/misc/proc_seccomp_strict.c)."""
    uns_roundtrip(env, "proc_seccomp_strict", dumpable)


def test_scheduling_policy_and_mm_flags_in_a_user_namespace(env):
    """A thread with SCHED_RESET_ON_FORK, with mlockall, dumpable, timer slack, membarrier
    registrations and the login uid, in a user namespace of its own: the tracer, inside it,
    may not set another owner's policy (sched_setscheduler(2) wants CAP_SYS_NICE in the first
    user namespace), so the thread sets its own, injected
    (tests/workloads/misc/proc_mm_flags.c loginuid)."""
    if open("/proc/self/loginuid").read().strip() != "4294967295":
        pytest.skip("our login uid is set: the workload could not set its own")
    uns_roundtrip(env, "proc_mm_flags", "loginuid")
