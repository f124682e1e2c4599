"""cgroups of a plain process tree (lib/cgroup/): every task and thread comes back in the
cgroups it was in, v1 controllers and the v2 hierarchy (/sys/fs/cgroup/unified here); cgroups
removed after the dump are made again with their saved properties, existing ones are joined as
they are; a restore that fails removes the cgroups it made; a tree with a cgroup namespace of
its own gets it back with the same roots."""
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import (STREAM, alive, cryo, descendants, image_pids, kill_pids, reap_gone,
                      workload)

CG = Path("/sys/fs/cgroup")
HIERS = ["cpu", "cpuset", "memory", "pids", "unified"]
LEAVES = {"cpu": ["parent", "child", "thread"], "cpuset": ["parent", "child"],
          "memory": ["parent", "child"], "pids": ["parent", "child", "thread"],
          "unified": ["parent", "child"]}
# Set once the workload is ready (pids.max would have refused its fork before), and checked
# after the restore: (hierarchy, leaf or "" for the base, file, value).
PROPS = [
    ("cpu", "parent", "cpu.shares", "512"),
    ("cpu", "child", "cpu.cfs_period_us", "50000"),
    ("cpu", "child", "cpu.cfs_quota_us", "25000"),
    ("cpuset", "parent", "cpuset.cpus", "0"),
    ("memory", "parent", "memory.limit_in_bytes", str(256 << 20)),
    ("memory", "child", "memory.soft_limit_in_bytes", str(64 << 20)),
    ("memory", "child", "memory.swappiness", "10"),
    ("pids", "parent", "pids.max", "1"),
    ("pids", "thread", "pids.max", "1"),
    ("pids", "child", "pids.max", "3"),
    ("unified", "parent", "cgroup.max.descendants", "0"),
    ("unified", "child", "cgroup.max.depth", "2"),
]


def have_hierarchies():
    return all((CG / h / "cgroup.procs").exists() for h in HIERS)


pytestmark = pytest.mark.skipif(not have_hierarchies(),
                                reason="needs v1 cpu, cpuset, memory, pids and v2 unified")


def rmtree_cgroups(base):
    """Removes base and everything below it in every hierarchy, deepest first; the tasks in
    them must be gone already."""
    for h in HIERS:
        top = CG / h / base.lstrip("/")
        if not top.exists():
            continue
        dirs = sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts))
        for d in dirs + [top]:
            rmdir_cgroup(d)


def rmdir_cgroup(d):
    """Removes cgroup d, waiting (2 s at most) for the tasks that were in it to be gone."""
    for _ in range(200):
        try:
            d.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.01)


def make_cgroups(base):
    for h in HIERS:
        top = CG / h / base.lstrip("/")
        top.mkdir(exist_ok=True)
        if h == "cpuset":
            # A v1 cpuset takes no task before it has CPUs and memory nodes.
            for f in ("cpuset.cpus", "cpuset.mems"):
                (top / f).write_text((CG / h / f).read_text())
        for leaf in LEAVES[h]:
            (top / leaf).mkdir(exist_ok=True)
            if h == "cpuset":
                for f in ("cpuset.cpus", "cpuset.mems"):
                    (top / leaf / f).write_text((top / f).read_text())


def set_props():
    for h, leaf, f, v in PROPS:
        (CG / h / BASE[0].lstrip("/") / leaf / f).write_text(v)


def read_prop(base, h, leaf, f):
    text = (CG / h / base.lstrip("/") / leaf / f).read_text().strip()
    return text


BASE = [None]


@pytest.fixture
def cg(env):
    """A fresh base cgroup path, removed at the end with everything below it."""
    base = f"/cryo-test-{os.getpid()}-{time.monotonic_ns()}"
    BASE[0] = base
    pids = set()
    try:
        yield base, pids
    finally:
        kill_pids(pids)
        env.cleanup()
        rmtree_cgroups(base)


def start_and_dump(env, base, pids):
    make_cgroups(base)
    (env.tmp / "wd").mkdir()
    run = env.start([workload("tree_cgroups"), base], cwd=env.tmp / "wd")
    run.wait_for("ready")
    set_props()
    pids.update(descendants(run.pid))
    img = env.tmp / "img"
    try:
        env.dump(run, img)
    finally:
        pids.update(image_pids(img))
    return run, img


def cgroups_of(pid, tid=None):
    path = f"/proc/{pid}/task/{tid or pid}/cgroup"
    out = {}
    for line in Path(path).read_text().splitlines():
        _, ctrl, p = line.split(":", 2)
        out[ctrl or "unified"] = p
    return out


@pytest.mark.parametrize("how", ["removed", "kept"])
def test_tree_in_several_cgroups(env, cg, how):
    """Parent, child and a thread of the parent each in cgroups of their own, v1 and v2: the
    restore puts each back; with the cgroups removed after the dump it makes them again with
    every saved property, with them kept it joins them and changes nothing."""
    base, pids = cg
    run, img = start_and_dump(env, base, pids)
    if not STREAM:  # a stream has no cryo.json to show
        show = cryo("show", img).stdout
        assert f"cpu:{base}/parent" in show and f"unified:{base}/child" in show, show
        assert f"cpu:{base}/thread" in show, show
    if how == "removed":
        rmtree_cgroups(base)
        assert not (CG / "cpu" / base.lstrip("/")).exists()
    else:
        # An existing cgroup's properties are its own: the restore leaves them alone.
        (CG / "cpu" / base.lstrip("/") / "parent" / "cpu.shares").write_text("700")
    pid = env.restore(img)
    assert pid == run.pid
    child = [p for p in descendants(pid) if p != pid]
    assert len(child) == 1, descendants(pid)
    tids = sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
    assert len(tids) == 2
    assert cgroups_of(pid)["cpu"] == f"{base}/parent"
    assert cgroups_of(pid, tids[1])["cpu"] == f"{base}/thread"
    assert cgroups_of(pid, tids[1])["pids"] == f"{base}/thread"
    assert cgroups_of(pid, tids[1])["memory"] == f"{base}/parent"
    assert cgroups_of(child[0])["unified"] == f"{base}/child"
    for h, leaf, f, v in PROPS:
        want = "700" if how == "kept" and f == "cpu.shares" else v
        got = read_prop(base, h, leaf, f)
        assert got == want, f"{h}:{base}/{leaf} {f} is {got}, not {want}"
    if not STREAM:
        # A second restore fails (its PIDs are in use) and takes nothing from the first.
        p = cryo("restore", "-D", img, "--detach", check=False)
        assert p.returncode != 0 and "in use" in p.stderr, p.stderr
        assert cgroups_of(pid)["cpu"] == f"{base}/parent"
        assert (CG / "cpu" / base.lstrip("/") / "thread").is_dir()
    env.check(run, pid)


@pytest.mark.skipif(STREAM, reason="restores the image directory itself")
def test_failed_restore_removes_the_cgroups_it_made(env, cg):
    """A restore that fails once every task is in its cgroups (its cwd is gone) kills the
    tree and removes the cgroups it made, and only those."""
    base, pids = cg
    run, img = start_and_dump(env, base, pids)
    reap_gone(image_pids(img))
    # Gone: every child cgroup, and the whole of cpu; kept: the bases of the others.
    for h in HIERS:
        for leaf in LEAVES[h]:
            (CG / h / base.lstrip("/") / leaf).rmdir()
    (CG / "cpu" / base.lstrip("/")).rmdir()
    shutil.rmtree(env.tmp / "wd")
    p = cryo("restore", "-D", img, "--detach", "-v", check=False)
    assert p.returncode != 0 and "chdir" in p.stderr, p.stderr
    # It had made them, and put the tasks in them, before the task failed.
    assert f"made cgroup cpu:{base}/thread" in p.stderr, p.stderr
    assert f"made cgroup memory:{base}/child" in p.stderr, p.stderr
    for t in image_pids(img):
        assert not alive(t), f"pid {t} of a failed restore is alive"
    assert not (CG / "cpu" / base.lstrip("/")).exists()
    for h in HIERS:
        if h != "cpu":
            assert (CG / h / base.lstrip("/")).is_dir(), f"{h}:{base} existed and must stay"
            left = [d.name for d in (CG / h / base.lstrip("/")).iterdir() if d.is_dir()]
            assert left == [], f"{h}:{base} still holds {left}"


NS_HIERS = ["cpu", "memory", "pids", "unified"]


@pytest.mark.parametrize("how", ["removed", "kept"])
def test_cgroup_namespace_keeps_its_roots(env, cg, how):
    """A tree that made a cgroup namespace of its own in BASE/ns (then moved below it): the
    restore makes the namespace again rooted at BASE/ns (made again if removed), so each task
    sees the same /proc/self/cgroup, and from here sits in the same cgroups."""
    base, pids = cg
    for h in NS_HIERS:
        for leaf in ("", "/ns", "/ns/sub", "/ns/kid"):
            (CG / h / (base.lstrip("/") + leaf)).mkdir()
    (CG / "pids" / base.lstrip("/") / "ns" / "pids.max").write_text("5")
    run = env.start([workload("tree_cgroupns"), base])
    run.wait_for("ready")
    pids.update(descendants(run.pid))
    img = env.tmp / "img"
    try:
        env.dump(run, img)
    finally:
        pids.update(image_pids(img))
    if how == "removed":
        reap_gone(image_pids(img))
        rmtree_cgroups(base)
    pid = env.restore(img)
    assert pid == run.pid
    assert os.readlink(f"/proc/{pid}/ns/cgroup") != os.readlink("/proc/self/ns/cgroup")
    child = [p for p in descendants(pid) if p != pid]
    assert cgroups_of(pid)["cpu"] == f"{base}/ns/sub"
    assert cgroups_of(pid)["unified"] == f"{base}/ns/sub"
    assert cgroups_of(pid)["memory"] == f"{base}/ns"
    assert cgroups_of(child[0])["cpu"] == f"{base}/ns/kid"
    assert read_prop(base, "pids", "ns", "pids.max") == "5"
    env.check(run, pid)


DEVICES = ["c 1:3 rwm", "c 1:5 r"]  # /dev/null read-write, /dev/zero read-only


@pytest.mark.skipif(not (CG / "devices" / "devices.list").exists(),
                    reason="needs the v1 devices hierarchy")
@pytest.mark.parametrize("how", ["removed", "kept", "kept-ctty"])
def test_devices_cgroup_allow_list(env, how):
    """A task in a v1 devices cgroup narrowed to /dev/null and a read-only /dev/zero, holding
    /dev/full open from before: removed after the dump, the cgroup is made again with the same
    allow list; kept, it is joined as it is. kept-ctty: the task's controlling terminal is a
    pty the list refuses, which the restored task itself opens to take it again: it joins the
    cgroup only once its tree is built (cgroup.c, enters_late)."""
    base = CG / "devices" / f"cryo-test-{os.getpid()}-{time.monotonic_ns()}"
    leaf = base / "leaf"
    pids = set()
    try:
        leaf.mkdir(parents=True)
        run = env.start([workload("cgroup_devices"), "/" + base.name,
                         *(["ctty"] if how.endswith("ctty") else [])])
        run.wait_for("ready")
        (leaf / "devices.deny").write_text("a")
        for line in DEVICES:
            (leaf / "devices.allow").write_text(line)
        assert (leaf / "devices.list").read_text().split("\n")[:-1] == DEVICES
        pids.add(run.pid)
        img = env.tmp / "img"
        env.dump(run, img)
        if how == "removed":
            reap_gone(image_pids(img))
            leaf.rmdir()
        pid = env.restore(img)
        pids.add(pid)
        assert (leaf / "devices.list").read_text().split("\n")[:-1] == DEVICES
        assert cgroups_of(pid)["devices"] == f"/{base.name}/leaf"
        env.check(run, pid)
    finally:
        kill_pids(pids)
        env.cleanup()
        for d in (leaf, base):
            rmdir_cgroup(d)
