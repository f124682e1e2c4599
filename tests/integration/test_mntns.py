"""A tree in a root of its own (lib/ns/mnt.h, docs/mount-namespaces.md): the init of new pid,
mount, net, uts and ipc namespaces that pivot_root'ed into a directory, in the shape of CRIU's
zdtm "ns" flavour (its root a private bind of a directory of ours, /dev a bind of a tmpfs of
ours with device nodes). Its whole mount namespace is dumped and built again at restore:
binds of our paths, a tmpfs of its own with its files, proc, a new devpts with an open pty,
per-mount flags and propagation. The workloads compare their mountinfo (ids and peer group
numbers renumbered) before and after."""
import json
import os
import signal
import subprocess
import time
from contextlib import contextmanager

import pytest

from conftest import STREAM, alive, cryo, descendants, nsinit, reap, workload

pytestmark = pytest.mark.skipif(STREAM, reason="a tree with namespaces of its own is "
                                "restored from a directory, not as it arrives")


def sh(*args):
    subprocess.run(args, check=True, capture_output=True)


def mounted(path):
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == str(path) for line in f)


def dev_tmpfs(dev):
    """A tmpfs of ours at dev with the device nodes zdtm's harness gives a test's /dev."""
    sh("mount", "-t", "tmpfs", "-o", "mode=755,size=1m", "criu-test-dev", dev)
    sh("mount", "--make-private", dev)
    for name, major, minor in (("null", 1, 3), ("zero", 1, 5), ("urandom", 1, 9)):
        os.mknod(dev / name, 0o666 | 0o020000, os.makedev(major, minor))
        os.chmod(dev / name, 0o666)
    (dev / "pts").mkdir()
    (dev / "mqueue").mkdir()
    os.symlink("pts/ptmx", dev / "ptmx")


@contextmanager
def ns_root(tmp):
    """ROOT: a private bind of a directory of ours; DEV: a tmpfs of ours with device nodes,
    as zdtm's harness makes them on the host. Unmounted whatever happens."""
    testdir, root, dev = tmp / "testdir", tmp / "root", tmp / "dev"
    for d in (testdir, root, dev):
        d.mkdir()
    for d in ("dev", "usr", "old", "proc", "run", "sys"):
        (testdir / d).mkdir()
    os.symlink("usr/lib", testdir / "lib")
    os.symlink("usr/lib64", testdir / "lib64")
    (testdir / "root-mark").write_text("the test's root\n")
    try:
        sh("mount", "--make-private", "--bind", testdir, root)
        dev_tmpfs(dev)
        yield root, dev
    finally:
        for d in (root, dev):
            subprocess.run(["umount", "-l", d], capture_output=True)


def start(env, name, root, dev):
    run = env.start([workload(name), root, dev])
    run.wait_for("ready")
    return run, nsinit(run)


def dump(env, init, img=None, extra=()):
    img = img or env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", init, "-D", img, *extra)
    deadline = time.time() + 5
    while alive(init) and time.time() < deadline:
        time.sleep(0.01)
    assert not alive(init), "the dump did not kill the tree"
    return img


def restore(env, img, extra=(), check=True):
    pidfile = env.tmp / "r.pid"
    p = cryo("restore", "-D", img, "--detach", "--pidfile", pidfile, *extra, check=check)
    if p.returncode == 0:
        env.restored.append(int(pidfile.read_text()))
        return int(pidfile.read_text()), p
    return None, p


def finish(run, pid):
    os.kill(pid, signal.SIGUSR1)
    code = reap(pid, 20)
    assert code == 0 and run.text().rstrip().endswith("PASS"), run.text()[-4000:]


def test_ns_root_comes_back_in_its_own_root(env):
    with ns_root(env.tmp) as (root, dev):
        run, init = start(env, "ns_root", root, dev)
        img = dump(env, init)
        ns = json.loads((img / "cryo.json").read_text())["namespaces"]
        kinds = {m["point"]: (m["kind"], m.get("source")) for m in ns["mounts"]}
        assert kinds["/"] == ("external", str(env.tmp / "testdir")), kinds
        assert kinds["/dev"] == ("external", str(dev)), kinds
        assert kinds["/usr"] == ("external", "/usr"), kinds
        assert kinds["/run"][0] == "tmpfs" and kinds["/proc"][0] == "proc", kinds
        assert kinds["/dev/pts"][0] == "devpts", kinds
        assert kinds["/sys"][0] == "sysfs" and kinds["/dev/mqueue"][0] == "mqueue", kinds
        # Its output and its stdin (/dev/null), files of ours, reopened from our root; not
        # its /proc/self/ns/net descriptor (nsfs), which it opens again in its own proc.
        assert [m for _, m in ns["file_mounts"]] == [0, 0], ns
        # The paths of its inotify watch and fanotify marks are its own, from its root.
        files = json.loads((img / "cryo.json").read_text())["files"]
        assert [w[2] for f in files for w in f.get("inotify", [])] == ["/watched"], files
        assert sorted(m[4] for f in files for m in f.get("fanotify", [])) == \
            ["/run", "/watched"], files
        pid, _ = restore(env, img)
        # Nothing of the tree's is mounted in our namespace.
        assert not mounted(env.tmp / "testdir" / "run") and not mounted("/tmp/run")
        (dev / "from-host").write_text("after restore\n")
        finish(run, pid)


def roundtrip(env, name):
    with ns_root(env.tmp) as (root, dev):
        run, init = start(env, name, root, dev)
        img = dump(env, init)
        pid, _ = restore(env, img)
        finish(run, pid)
        return json.loads((img / "cryo.json").read_text())["namespaces"]["mounts"]


def test_binds_ro_binds_file_binds_and_an_overmounted_tmpfs_come_back(env):
    mounts = roundtrip(env, "mnt_binds")
    kinds = {}
    for m in mounts:
        kinds.setdefault(m["point"], []).append((m["kind"], m.get("source")))
    testdir = str(env.tmp / "testdir")
    assert kinds["/data/dst"] == [("external", f"{testdir}/data/src")], kinds
    assert kinds["/data/file_bind"] == [("external", f"{testdir}/data/file")], kinds
    assert kinds["/t1b"] == [("bind", "/sub")] and kinds["/data/fbind"] == [("bind", "/f")]
    assert kinds["/over"] == [("tmpfs", None), ("tmpfs", None)], kinds


def test_peer_groups_slaves_private_and_unbindable_mounts_propagate_as_before(env):
    mounts = roundtrip(env, "mnt_propagation")
    by = {m["point"]: m for m in mounts}
    assert by["/p/a"]["shared"] and by["/p/a"]["shared"] == by["/p/b"]["shared"]
    assert by["/p/c"]["master"] == by["/p/a"]["shared"] and not by["/p/c"]["shared"]
    assert by["/p/u"]["unbindable"]


def our_mounts():
    with open("/proc/self/mountinfo") as f:
        return sorted(" ".join(line.split()[3:]) for line in f)


def tree_processes():
    """PIDs of processes running the workload's copy inside a root (mnt_prog) below this
    process, which a failed restore's tasks would be (we are their subreaper): the machine's
    other test runs have theirs."""
    found = []
    for d in descendants(os.getpid()):
        try:
            if open(f"/proc/{d}/comm").read().strip() == "mnt_prog":
                found.append(d)
        except OSError:
            pass
    return found


def restore_fails(env, img, *named):
    """A restore of img fails, naming each of named, and leaves no process and no mount."""
    before = our_mounts()
    _, p = restore(env, img, check=False)
    assert p.returncode != 0 and all(n in p.stderr for n in named), p.stderr
    assert our_mounts() == before
    assert tree_processes() == []


def refused_and_runs_on(env, knob, message):
    """ns_root with one more state cryo cannot carry (knob, an environment switch of the
    workload): the dump fails naming it, and the tree runs on and passes its own checks."""
    with ns_root(env.tmp) as (root, dev):
        run = env.start([workload("ns_root"), root, dev], env={**os.environ, knob: "1"})
        run.wait_for("ready")
        init = nsinit(run)
        p = cryo("dump", "-t", init, "-D", env.tmp / "img", check=False)
        assert p.returncode != 0
        assert message in p.stderr, p.stderr
        assert alive(init)
        (dev / "from-host").write_text("after restore\n")
        os.kill(init, signal.SIGUSR1)
        assert run.finish() == 0 and run.text().rstrip().endswith("PASS"), run.text()


def test_a_mount_cryo_cannot_carry_is_refused_naming_it_and_the_tree_runs_on(env):
    refused_and_runs_on(env, "CRYO_MNT_RAMFS", "ramfs mount at /run/ram")


def test_external_mount_named_at_dump_missing_at_restore_fails_naming_it_then_given_a_path(env):
    with ns_root(env.tmp) as (root, dev):
        run, init = start(env, "ns_root", root, dev)
        img = dump(env, init, extra=("--external", "mnt[/dev]:dev-tmpfs"))
        mounts = json.loads((img / "cryo.json").read_text())["namespaces"]["mounts"]
        assert [m["key"] for m in mounts if m["point"] == "/dev"] == ["dev-tmpfs"], mounts
        # cryo show names it, for whoever restores it elsewhere.
        shown = json.loads(cryo("show", img, "--json").stdout)["mounts"]
        assert {"point": "/dev", "kind": "external", "fstype": "tmpfs", "source": str(dev),
                "key": "dev-tmpfs"} in shown, shown
        assert 'external mount "dev-tmpfs"' in cryo("show", img).stdout
        # Our tmpfs is gone: the restore fails, naming it, and leaves nothing behind.
        sh("umount", dev)
        restore_fails(env, img, str(dev), "dev-tmpfs")
        # Given another tmpfs with the same nodes, it comes back on it.
        new = env.tmp / "newdev"
        new.mkdir()
        try:
            dev_tmpfs(new)
            (new / "from-host").write_text("after restore\n")
            pid, _ = restore(env, img, extra=("--external", f"mnt[dev-tmpfs]:{new}"))
            finish(run, pid)
        finally:
            subprocess.run(["umount", "-l", new], capture_output=True)


@pytest.mark.parametrize("spec", ["unix[123]", "mnt[]:x", "mnt[/nowhere]:key"])
def test_external_that_is_no_bind_of_the_tree_is_refused_and_the_tree_runs_on(env, spec):
    with ns_root(env.tmp) as (root, dev):
        run, init = start(env, "ns_root", root, dev)
        p = cryo("dump", "-t", init, "-D", env.tmp / "img", "--external", spec, check=False)
        assert p.returncode != 0 and "--external" in p.stderr, p.stderr
        assert alive(init)
        (dev / "from-host").write_text("after restore\n")
        os.kill(init, signal.SIGUSR1)
        assert run.finish() == 0 and run.text().rstrip().endswith("PASS"), run.text()


def test_a_mount_namespace_alone_in_our_pid_namespace(env):
    with ns_root(env.tmp) as (root, dev):
        run = env.start([workload("ns_root"), root, dev],
                        env={**os.environ, "CRYO_MNT_ONLY": "1"})
        run.wait_for("ready")
        init = nsinit(run)
        img = dump(env, init)
        ns = json.loads((img / "cryo.json").read_text())["namespaces"]
        assert ns["own"] == ["mnt"] and ns["mounts"][0]["point"] == "/", ns
        pid, _ = restore(env, img)
        assert pid == init
        (dev / "from-host").write_text("after restore\n")
        finish(run, pid)


def test_a_program_of_our_root_mapped_after_pivot_root_is_refused_and_runs_on(env):
    refused_and_runs_on(env, "CRYO_MNT_NOEXEC", "ns_root from a mount outside its mount namespace")


def test_restore_failing_inside_the_built_namespace_leaves_nothing(env):
    with ns_root(env.tmp) as (root, dev):
        run, init = start(env, "ns_root", root, dev)
        img = dump(env, init)
        mounts = json.loads((img / "cryo.json").read_text())["namespaces"]["mounts"]
        run_tar = [i + 1 for i, m in enumerate(mounts) if m["point"] == "/run"][0]
        # The archive of its /run is gone: the restore fails once the mounts before it are
        # made, naming it, and leaves no process and no mount anywhere.
        (img / f"mnt-{run_tar}.tar").unlink()
        restore_fails(env, img, f"mnt-{run_tar}.tar")
