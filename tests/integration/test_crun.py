"""crun containers (docs/containers.md, "Runtimes"): the same checkpoint and restore as runc's,
through crun's own record of a container. crun and cryo run in a mount namespace where the
hybrid host's v2 tree is hidden (runtime_ns.py): crun then sees a legacy v1 host."""
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import alive
from runtime_ns import LEGACY, RuntimeNs, count

pytestmark = pytest.mark.skipif(shutil.which("crun") is None or os.geteuid() != 0,
                                reason="crun (scripts/install-deps.sh) and root needed")


@pytest.fixture
def legacy(tmp_path):
    ns = RuntimeNs(LEGACY, "crun", tmp_path)
    yield ns
    ns.close()


def cgroup_dirs(cid):
    return [d for d in Path("/sys/fs/cgroup").glob(f"*/{cid}") if d.is_dir()]


def test_crun_container_goes_on_as_a_new_container_crun_knows(legacy):
    b = legacy.bundle("first")
    cid = legacy.id()
    legacy.cli("run", "--detach", "--bundle", b, cid)
    count(b)
    time.sleep(0.3)
    img = legacy.tmp / "img"
    # Before the dump: a shell killed between its `> /tmp/count` and the write
    # leaves the file empty.
    at_dump = count(b)
    legacy.cryo("dump", "--container", cid, "--runtime", "crun", "--runtime-root", legacy.root,
                "-D", img)
    # Killed and deleted once the image is complete, its cgroups gone.
    assert legacy.state(cid) is None and not cgroup_dirs(cid)
    record = json.loads((img / "container.json").read_text())
    assert record["runtime"] == "crun" and record["id"] == cid, record

    fresh = legacy.bundle("fresh")
    new = legacy.id()
    # The image says crun: no --runtime needed to restore it.
    legacy.cryo("restore", "--container", new, "--runtime-root", legacy.root, "-D", img,
                "--bundle", fresh, "--detach")
    st = legacy.state(new)
    assert st and st["status"] == "running" and st["bundle"] == str(fresh), st
    time.sleep(0.3)
    now = count(fresh)
    # The shell's counter lives in its memory: it goes on from where it was, not from 1.
    assert at_dump < now < at_dump + 200, (at_dump, now)
    # crun's init is the restored shell, pid 1 in the container's pid namespace, in the new
    # container's cgroup under every controller.
    assert legacy.cli("exec", new, "cat", "/proc/1/cmdline").stdout.startswith("sh")
    assert legacy.cli("exec", new, "hostname").stdout.strip() == "cryo-box"
    cgroups = open(f"/proc/{st['pid']}/cgroup").read()
    assert f"freezer:/{new}" in cgroups and f"pids:/{new}" in cgroups, cgroups
    assert legacy.exec_count(new) >= now

    legacy.cli("kill", new, "KILL")
    legacy.wait_stopped(new)
    legacy.cli("delete", new)
    assert legacy.state(new) is None and not cgroup_dirs(new)
    assert not alive(st["pid"])


def test_crun_bad_input_names_the_cause_and_leaves_nothing(legacy):
    p = legacy.cryo("dump", "--container", "no-such-box", "--runtime", "crun",
                    "--runtime-root", legacy.root, "-D", legacy.tmp / "none", check=False)
    assert p.returncode == 1 and "crun has no container no-such-box" in p.stderr, p.stderr
    p = legacy.cryo("dump", "--container", "x", "--runtime", "podman", "-D",
                    legacy.tmp / "none", check=False)
    assert p.returncode == 1 and "cryo knows runc and crun" in p.stderr, p.stderr

    b = legacy.bundle("first")
    cid = legacy.id()
    legacy.cli("run", "--detach", "--bundle", b, cid)
    count(b)
    img = legacy.tmp / "img"
    legacy.cryo("dump", "--container", cid, "--runtime", "crun", "--runtime-root", legacy.root,
                "-D", img, "--leave-running")
    assert legacy.state(cid)["status"] == "running"
    # Its id is taken: refused before crun is asked anything.
    p = legacy.cryo("restore", "--container", cid, "--runtime-root", legacy.root, "-D", img,
                    "--detach", check=False)
    assert p.returncode == 1 and f"container {cid} already exists" in p.stderr, p.stderr
    # A bundle crun cannot create: crun's own reason, and no state, cgroup or process left.
    broken = legacy.bundle("broken")
    cfg = json.loads((broken / "config.json").read_text())
    cfg["process"]["args"] = ["/no/such/binary"]
    cfg["root"]["path"] = "/no/such/rootfs"
    (broken / "config.json").write_text(json.dumps(cfg))
    new = legacy.id()
    p = legacy.cryo("restore", "--container", new, "--runtime-root", legacy.root, "-D", img,
                    "--bundle", broken, "--detach", check=False)
    assert p.returncode == 1 and "crun create" in p.stderr, p.stderr
    assert legacy.state(new) is None and not cgroup_dirs(new)
    # The original ran on through all of it.
    before = count(b)
    time.sleep(0.2)
    assert count(b) > before


def test_crun_container_restored_lazily(legacy):
    """--lazy with crun: the same pool of one as runc's (docs/containers.md, "Lazy
    restore"), its page server outside the container."""
    b = legacy.bundle("first")
    cid = legacy.id()
    legacy.cli("run", "--detach", "--bundle", b, cid)
    count(b)
    time.sleep(0.3)
    at_dump = count(b)
    img = legacy.tmp / "img"
    legacy.cryo("dump", "--container", cid, "--runtime", "crun", "--runtime-root", legacy.root,
                "-D", img)
    fresh = legacy.bundle("fresh")
    new = legacy.id()
    p = legacy.cryo("restore", "--container", new, "--runtime-root", legacy.root, "-D", img,
                    "--bundle", fresh, "--detach", "--lazy", "-v")
    # Restored through the lazy pool; a page server only where a task still owed pages after
    # those loaded first (a small shell may owe none: CI once saw no server).
    assert "pool: copy 1: init" in p.stderr, p.stderr
    st = legacy.state(new)
    assert st and st["status"] == "running", st
    time.sleep(0.3)
    assert at_dump < count(fresh) < at_dump + 200
    assert legacy.exec_count(new) > at_dump


def test_crun_lazy_restore_failing_late_puts_the_rootfs_back(legacy):
    """crun, lazily, from a directory: rootfs.tar is unpacked before crun creates the
    container, and the restore then fails (the tree's program in the new bundle is another
    file, cut short): the rootfs is as it was before, entry by entry (test_containers.py's
    listing), and nothing of cryo's is left beside it. Whole, the bundle takes the changes."""
    from test_containers import CHANGER, listing, populate
    b = populate(legacy.bundle("first", CHANGER))
    cid = legacy.id()
    legacy.cli("run", "--detach", "--bundle", b, cid)
    count(b)
    assert (b / "rootfs" / "data" / "link").is_symlink()
    img = legacy.tmp / "img"
    legacy.cryo("dump", "--container", cid, "--runtime", "crun", "--runtime-root", legacy.root,
                "-D", img, "--with-rootfs")
    broken = populate(legacy.bundle("broken", CHANGER))
    data = (broken / "rootfs" / "bin" / "busybox").read_bytes()
    (broken / "rootfs" / "bin" / "busybox").write_bytes(data[:len(data) // 2])
    before, beside = listing(broken / "rootfs"), sorted(os.listdir(broken))
    new = legacy.id()
    p = legacy.cryo("restore", "--container", new, "--runtime-root", legacy.root, "-D", img,
                    "--bundle", broken, "--detach", "--lazy", check=False)
    assert p.returncode == 1, p.stderr
    assert legacy.state(new) is None and not cgroup_dirs(new)
    after = listing(broken / "rootfs")
    assert after.keys() == before.keys(), after.keys() ^ before.keys()
    assert after == before, {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert sorted(os.listdir(broken)) == beside
    fresh = populate(legacy.bundle("fresh", CHANGER))
    new = legacy.id()
    legacy.cryo("restore", "--container", new, "--runtime-root", legacy.root, "-D", img,
                "--bundle", fresh, "--detach", "--lazy")
    assert legacy.state(new)["status"] == "running"
    assert (fresh / "rootfs" / "srv" / "dirfile").read_text() == "flat\n"
    assert legacy.cli("exec", new, "cat", "/data/sub/note").stdout == "made\n"
