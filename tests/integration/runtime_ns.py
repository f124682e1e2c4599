"""A container runtime driven through a mount namespace of a test's own, held by a sleeping
process, so that it and cryo see another /sys/fs/cgroup than the host's: crun on a legacy v1
host (the hybrid host's v2 tree unmounted; crun 1.8 refuses hybrid hosts), runc on a v2-only
host (the unified tree alone at /sys/fs/cgroup). The processes and cgroups are the host's; only
the mounts differ. The containers of a test live in a state directory of its own and are all
deleted at its end."""
import json
import os
import subprocess
import time
from pathlib import Path

from conftest import CRYO, busybox_bundle

# Hides the hybrid host's v2 tree: only the v1 controllers are left.
LEGACY = "if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi"
# The v2 tree alone at /sys/fs/cgroup, as on a cgroup v2 host (on a v2 host already: nothing).
UNIFIED = ("if [ \"$(stat -fc %T /sys/fs/cgroup)\" != cgroup2fs ]; then "
           "umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup; fi")

COUNTER = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/count; "
           "sleep 0.02; done"]


class RuntimeNs:
    def __init__(self, setup, runtime, tmp):
        self.tmp = Path(tmp)
        self.runtime = runtime
        self.root = self.tmp / f"{runtime}-root"
        self.ids = []
        self.holder = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             f"{setup} && echo ready && exec sleep 3600"], stdout=subprocess.PIPE, text=True)
        if self.holder.stdout.readline().strip() != "ready":
            self.holder.kill()
            self.holder.wait()
            raise AssertionError(f"mount namespace setup failed: {setup}")

    def run(self, argv, check=True):
        """argv in the namespace; its output read from files, not pipes: a detached container
        keeps the stdio it was given open."""
        with open(self.tmp / "ns.out", "w+") as out, open(self.tmp / "ns.err", "w+") as err:
            p = subprocess.run(["nsenter", f"--mount=/proc/{self.holder.pid}/ns/mnt", "--",
                                *map(str, argv)], stdout=out, stderr=err, timeout=60,
                               stdin=subprocess.DEVNULL)
            out.seek(0)
            err.seek(0)
            p.stdout, p.stderr = out.read(), err.read()
        if check:
            assert p.returncode == 0, f"{' '.join(map(str, argv))}: {p.stderr}"
        return p

    def cli(self, *args, check=True):
        """The runtime's command line, on this test's state directory."""
        return self.run([self.runtime, "--root", self.root, *args], check=check)

    def cryo(self, *args, check=True):
        return self.run([CRYO, *args], check=check)

    def state(self, cid):
        p = self.cli("state", cid, check=False)
        return json.loads(p.stdout) if p.returncode == 0 else None

    def bundle(self, name, args=COUNTER):
        b = self.tmp / name
        return busybox_bundle(b, args)

    def id(self):
        cid = f"cryo-{self.runtime}-{os.getpid()}-{len(self.ids)}"
        self.ids.append(cid)
        return cid

    def exec_count(self, cid):
        """The counter as the container itself reads it; its shell rewrites the file (empty
        for a moment), so an empty read is tried again."""
        for _ in range(100):
            out = self.cli("exec", cid, "cat", "/tmp/count").stdout.strip()
            if out:
                return int(out)
            time.sleep(0.01)
        raise AssertionError(f"{cid}: /tmp/count stays empty")

    def wait_stopped(self, cid):
        for _ in range(200):
            if self.state(cid)["status"] == "stopped":
                return
            time.sleep(0.01)
        assert self.state(cid)["status"] == "stopped"

    def close(self):
        for cid in self.ids:
            self.cli("delete", "--force", cid, check=False)
        self.holder.kill()
        self.holder.wait()


def count(bundle):
    """The counter the container writes into its rootfs."""
    for _ in range(300):
        try:
            return int((bundle / "rootfs" / "tmp" / "count").read_text())
        except (FileNotFoundError, ValueError):
            time.sleep(0.01)
    raise AssertionError(f"no counter in {bundle}")
