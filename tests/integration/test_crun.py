"""crun containers (docs/containers.md, "Runtimes"): the same checkpoint and restore as runc's,
through crun's own record of a container. Debian's crun 1.8 refuses a hybrid cgroup host (v1
controllers beside a v2 tree at /sys/fs/cgroup/unified, as here), so each test runs crun and
cryo in a mount namespace of their own where only the v1 controllers are mounted: crun then
sees a legacy host. On a v2-only host the namespace changes nothing."""
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CRYO, ROOT

pytestmark = pytest.mark.skipif(shutil.which("crun") is None or os.geteuid() != 0,
                                reason="crun (scripts/install-deps.sh) and root needed")

COUNTER = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/count; "
           "sleep 0.02; done"]


class Legacy:
    """A mount namespace without the unified tree, held by a sleeping process, and the crun
    containers of one test in a state directory of its own, all deleted at its end."""

    def __init__(self, tmp):
        self.tmp = Path(tmp)
        self.root = self.tmp / "crun-root"
        self.ids = []
        self.holder = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             "if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi"
             " && echo ready && exec sleep 3600"], stdout=subprocess.PIPE, text=True)
        assert self.holder.stdout.readline().strip() == "ready"

    def run(self, argv, check=True):
        # Into files, not pipes: a detached container keeps the stdio it was given open.
        with open(self.tmp / "out", "w+") as out, open(self.tmp / "err", "w+") as err:
            p = subprocess.run(["nsenter", f"--mount=/proc/{self.holder.pid}/ns/mnt", "--",
                                *map(str, argv)], stdout=out, stderr=err, timeout=60,
                               stdin=subprocess.DEVNULL)
            out.seek(0)
            err.seek(0)
            p.stdout, p.stderr = out.read(), err.read()
        if check:
            assert p.returncode == 0, f"{' '.join(map(str, argv))}: {p.stderr}"
        return p

    def crun(self, *args, check=True):
        return self.run(["crun", "--root", self.root, *args], check=check)

    def cryo(self, *args, check=True):
        return self.run([CRYO, *args], check=check)

    def state(self, cid):
        p = self.crun("state", cid, check=False)
        return json.loads(p.stdout) if p.returncode == 0 else None

    def bundle(self, name, args=COUNTER):
        b = self.tmp / name
        subprocess.run([str(ROOT / "scripts" / "busybox-bundle.sh"), str(b), *args],
                       check=True, capture_output=True)
        return b

    def id(self):
        cid = f"cryo-crun-{os.getpid()}-{len(self.ids)}"
        self.ids.append(cid)
        return cid

    def cleanup(self):
        for cid in self.ids:
            self.crun("delete", "--force", cid, check=False)
        self.holder.kill()
        self.holder.wait()


@pytest.fixture
def legacy(tmp_path):
    lg = Legacy(tmp_path)
    yield lg
    lg.cleanup()


def count(bundle):
    for _ in range(300):
        try:
            return int((bundle / "rootfs" / "tmp" / "count").read_text())
        except (FileNotFoundError, ValueError):
            time.sleep(0.01)
    raise AssertionError(f"no counter in {bundle}")


def cgroup_dirs(cid):
    return [d for d in Path("/sys/fs/cgroup").glob(f"*/{cid}") if d.is_dir()]


def test_crun_container_goes_on_as_a_new_container_crun_knows(legacy):
    b = legacy.bundle("first")
    cid = legacy.id()
    legacy.crun("run", "--detach", "--bundle", b, cid)
    count(b)
    time.sleep(0.3)
    img = legacy.tmp / "img"
    legacy.cryo("dump", "--container", cid, "--runtime", "crun", "--runtime-root", legacy.root,
                "-D", img)
    # Killed and deleted once the image is complete, its cgroups gone.
    assert legacy.state(cid) is None and not cgroup_dirs(cid)
    at_dump = count(b)
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
    assert legacy.crun("exec", new, "cat", "/proc/1/cmdline").stdout.startswith("sh")
    assert legacy.crun("exec", new, "hostname").stdout.strip() == "cryo-box"
    cgroups = open(f"/proc/{st['pid']}/cgroup").read()
    assert f"freezer:/{new}" in cgroups and f"pids:/{new}" in cgroups, cgroups
    assert int(legacy.crun("exec", new, "cat", "/tmp/count").stdout) >= now

    legacy.crun("kill", new, "KILL")
    for _ in range(200):
        if legacy.state(new)["status"] == "stopped":
            break
        time.sleep(0.01)
    assert not os.path.exists(f"/proc/{st['pid']}/cmdline") or \
        open(f"/proc/{st['pid']}/stat").read().split()[2] == "Z"
    legacy.crun("delete", new)
    assert legacy.state(new) is None and not cgroup_dirs(new)


def test_crun_bad_input_names_the_cause_and_leaves_nothing(legacy):
    p = legacy.cryo("dump", "--container", "no-such-box", "--runtime", "crun",
                    "--runtime-root", legacy.root, "-D", legacy.tmp / "none", check=False)
    assert p.returncode == 1 and "crun has no container no-such-box" in p.stderr, p.stderr
    p = legacy.cryo("dump", "--container", "x", "--runtime", "podman", "-D",
                    legacy.tmp / "none", check=False)
    assert p.returncode == 1 and "cryo knows runc and crun" in p.stderr, p.stderr

    b = legacy.bundle("first")
    cid = legacy.id()
    legacy.crun("run", "--detach", "--bundle", b, cid)
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
