"""Mount and network namespaces nested in a tree with a user namespace of its own (zdtm's uns
flavour with sub-namespaces; docs/mount-namespaces.md "Nested mount namespaces",
docs/network-namespaces.md "A tree across namespaces"): a child of the tree's init unshared
them inside the tree's user namespace, which owns them. They are made again by the restore
worker inside the new user namespace, so owned by it again. The workload
(tests/workloads/tree/userns_root.c, CRYO_UNS_NESTED) checks the child's mountinfo line by line,
its tmpfs and file owners, the owner of its namespaces (NS_GET_USERNS) and a connection across
a veth between the two network namespaces, and a removed file of the tree's /run held through
the init's mount and the child's bind of a subdirectory (zdtm mntns_link_ghost: its contents,
owner, offsets, no link, each description on its own mount); a second child pivoted into a
tmpfs of its own with no proc without exec'ing (zdtm mntns_pivot_root: its program is mapped
from the tree's root, which its namespace does not reach). These tests check what the host
sees."""
import fcntl
import json
import os
import re
import signal
import subprocess
import time

from conftest import alive, cryo, image_pids, nsinit, reap, reap_gone, workload
from test_userns import dump_and_restore, uns_root_dirs

NS_GET_USERNS = 0xB701


def owner(pid, name):
    """The inode of the user namespace that owns pid's namespace `name`."""
    fd = os.open(f"/proc/{pid}/ns/{name}", os.O_RDONLY)
    try:
        u = fcntl.ioctl(fd, NS_GET_USERNS)
        try:
            return os.fstat(u).st_ino
        finally:
            os.close(u)
    finally:
        os.close(fd)


def ns_ino(pid, name):
    return os.stat(f"/proc/{pid}/ns/{name}").st_ino


def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(c) for c in f.read().split()]


def start(env, d, locked):
    run = env.start([workload("userns_root"), d, locked],
                    env=dict(os.environ, CRYO_UNS_NESTED="1"))
    run.wait_for("ready")
    return run, nsinit(run)


def mountinfo(pid):
    """pid's mountinfo from here, line by line, without the numbers the kernel hands out
    (mount ids, devices, peer groups)."""
    with open(f"/proc/{pid}/mountinfo") as f:
        lines = [l.split() for l in f]
    return [" ".join(l[3:6] + [re.sub(r":\d+", "", w) for w in l[6:]]) for l in lines]


def check_owned(init):
    """The init's children: one in mount and network namespaces of its own, one (the pivoter,
    its root a tmpfs of its own) in a mount namespace of its own, each owned by the init's
    user namespace, which is not ours. Returns (child, pivoter)."""
    kids = children(init)
    [piv] = [c for c in kids if os.path.exists(f"/proc/{c}/root/testfile")]
    [child] = [c for c in kids if c != piv]
    user = ns_ino(init, "user")
    assert user != ns_ino(os.getpid(), "user")
    for pid, names in ((child, ("mnt", "net")), (piv, ("mnt",))):
        for name in names:
            assert ns_ino(pid, name) != ns_ino(init, name), name
            assert owner(pid, name) == user, name
    assert ns_ino(piv, "net") == ns_ino(init, "net")
    assert owner(init, "mnt") == user and owner(init, "net") == user
    return child, piv


def test_nested_mount_and_network_namespaces_in_a_user_namespace_roundtrip(env):
    with uns_root_dirs() as (d, locked):
        run, init = start(env, d, locked)
        _, piv = check_owned(init)
        before = mountinfo(piv)
        img = env.tmp / "img"
        pid = dump_and_restore(env, run, init)
        meta = json.loads((img / "cryo.json").read_text())
        [mn] = [m for m in meta["mount_namespaces"] if "tree_maps" not in m]
        kinds = {m["point"]: m["kind"] for m in mn["mounts"]}
        assert kinds["/nest"] == "tmpfs" and kinds["/nest/sub"] == "tree", kinds
        assert kinds["/proc"] == "tree", kinds
        # The removed file: the object made in the tree's namespace (the init's description
        # is the first), the child's description opened in its own.
        [ghost] = [f for f in meta["files"] if f["path"] == "/nest/sub/ghost"]
        assert ghost["id"] in mn["files"] and ghost["shmem"] not in mn.get("shmems", []), mn
        nets = [n for n in meta["nested_namespaces"] if n["kind"] == "net"]
        assert len(nets) == 1 and nets[0]["pids"] == mn["pids"], nets
        # The pivoter's program, mapped from the tree's root, which its own does not reach.
        [pm] = [m for m in meta["mount_namespaces"] if "tree_maps" in m]
        assert "/prog" in pm["tree_maps"] and [m["point"] for m in pm["mounts"]] == ["/"], pm
        _, piv = check_owned(pid)
        assert mountinfo(piv) == before
        os.kill(pid, signal.SIGUSR1)
        assert reap(pid, 20) == 0, run.text()
        assert "\nPASS\n" in run.text(), run.text()


def test_failed_restore_of_a_nested_namespace_in_a_user_namespace_leaves_nothing(env):
    """An image whose tree_maps name a path out of the tree's root is refused. The archive of
    the child's own tmpfs is gone: the restore fails naming it while the nested mount
    namespace is made inside the new user namespace, and leaves no process, no mount of ours,
    no veth."""
    with uns_root_dirs() as (d, locked):
        run, init = start(env, d, locked)
        img = env.tmp / "img"
        cryo("dump", "-t", init, "-D", img)
        run.finish()
        reap_gone(image_pids(img))
        text = (img / "cryo.json").read_text()
        meta = json.loads(text)
        # A path that would leave the tree's root is refused before anything is made.
        for m in meta["mount_namespaces"]:
            m.setdefault("tree_maps", []).append("/usr/../../etc/passwd")
        (img / "cryo.json").write_text(json.dumps(meta))
        p = cryo("restore", "-D", img, "--detach", check=False)
        assert p.returncode != 0 and "tree_maps" in p.stderr, p.stderr
        (img / "cryo.json").write_text(text)
        nested = json.loads(text)["mount_namespaces"]
        [k] = [k for k, m in enumerate(nested, 1) if "tree_maps" not in m]
        own = [m["point"] for m in nested[k - 1]["mounts"]].index("/nest") + 1
        (img / f"mnt-{k}-{own}.tar").unlink()
        p = cryo("restore", "-D", img, "--detach", check=False)
        assert p.returncode != 0 and f"mnt-{k}-{own}.tar" in p.stderr, p.stderr
        # (LOCKED is ours, mounted by the test; others may mount meanwhile.)
        with open("/proc/self/mountinfo") as f:
            assert not [l for l in f if str(d) in l or
                        ("uns-" in l.split(" - ")[1] and "uns-locked" not in l)]
        time.sleep(0.2)
        assert not any(alive(q) for q in image_pids(img))
        links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
        assert "vu0" not in links and "vu1" not in links, links
