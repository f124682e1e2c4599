"""runc containers on a cgroup v2 host (docs/containers.md): runc and cryo run in a mount
namespace where the unified tree is mounted alone at /sys/fs/cgroup (runtime_ns.py), as on
the v2-only nodes most Kubernetes clusters run. The container is frozen through cgroup.freeze,
not the v1 freezer, and restored into a new v2 cgroup."""
import os
import shutil
import time
from pathlib import Path

import pytest

from runtime_ns import UNIFIED, RuntimeNs, count

pytestmark = pytest.mark.skipif(shutil.which("runc") is None or os.geteuid() != 0,
                                reason="runc (scripts/install-deps.sh) and root needed")

# Where the v2 tree is in the host's own view.
V2 = Path("/sys/fs/cgroup/unified") if os.path.ismount("/sys/fs/cgroup/unified") \
    else Path("/sys/fs/cgroup")


@pytest.fixture
def v2(tmp_path):
    ns = RuntimeNs(UNIFIED, "runc", tmp_path)
    yield ns
    ns.close()


def v2_cgroup(pid):
    for line in open(f"/proc/{pid}/cgroup"):
        if line.startswith("0::"):
            return line[3:].strip()
    return None


def test_v2_container_frozen_through_cgroup_freeze_goes_on_as_a_new_container(v2):
    b = v2.bundle("first")
    cid = v2.id()
    v2.cli("run", "--detach", "--bundle", b, cid)
    init = v2.state(cid)["pid"]
    assert v2_cgroup(init) == f"/{cid}"
    count(b)
    time.sleep(0.3)
    at_dump = count(b)
    img = v2.tmp / "img"
    # Left running: the container's v2 cgroup is thawed again and it counts on.
    v2.cryo("dump", "--runc", cid, "--runc-root", v2.root, "-D", img, "--leave-running")
    assert (V2 / cid / "cgroup.freeze").read_text().strip() == "0"
    assert "frozen 0" in (V2 / cid / "cgroup.events").read_text()
    before = count(b)
    time.sleep(0.2)
    assert count(b) > before

    fresh = v2.bundle("fresh")
    new = v2.id()
    v2.cryo("restore", "--runc", new, "--runc-root", v2.root, "-D", img, "--bundle", fresh,
            "--detach")
    st = v2.state(new)
    assert st and st["status"] == "running", st
    assert v2_cgroup(st["pid"]) == f"/{new}"
    time.sleep(0.3)
    # Restored beside its running original, from the count the image holds.
    now = count(fresh)
    assert at_dump < now < at_dump + 200, (at_dump, now)
    assert v2.exec_count(new) >= now
    assert v2.cli("exec", new, "cat", "/proc/1/cmdline").stdout.startswith("sh")
    v2.cli("kill", new, "KILL")
    v2.wait_stopped(new)
    v2.cli("delete", new)
    assert v2.state(new) is None and not (V2 / new).exists()
    assert v2.state(cid)["status"] == "running"
