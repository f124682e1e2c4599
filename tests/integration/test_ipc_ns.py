"""System V objects in an ipc namespace of the tree's own (lib/ns/ipc.c): segments, semaphore
sets and message queues made again under their IDs and keys, with owners, creators, modes,
contents and the namespace's ipc sysctls, for a plain tree in new namespaces and for a runc
container (tests/workloads/tree/ns_ipc.c checks every detail inside, from its own and its
child's attachments)."""
import json
import os
import shutil
import signal
import subprocess
import time

import pytest

from conftest import CRYO, alive, cryo, nsinit, reap, workload


def start(env, mode):
    run = env.start([workload("ns_ipc"), mode])
    run.wait_for("ready")
    init = nsinit(run)
    return run, init


def ipc_of(pid, what):
    """/proc/sysvipc/WHAT as pid's ipc namespace shows it: {id: row}."""
    out = subprocess.run(["nsenter", "-t", str(pid), "-i", "cat", f"/proc/sysvipc/{what}"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    head = out[0].split()
    return {int(r["shmid" if what == "shm" else "semid" if what == "sem" else "msqid"]): r
            for r in (dict(zip(head, line.split())) for line in out[1:])}


def test_sysv_objects_of_a_private_ipc_namespace_roundtrip(env):
    run, init = start(env, "tree")
    img = env.tmp / "img"
    cryo("dump", "-t", init, "-D", img)
    deadline = time.time() + 5
    while alive(init) and time.time() < deadline:
        time.sleep(0.01)
    assert not alive(init), "the dump did not kill the tree"
    meta = json.loads((img / "cryo.json").read_text())["namespaces"]["ipc"]
    assert sorted(s["id"] for s in meta["shm"]) == [0, 1, 777]
    assert sorted(f.name for f in img.glob("ipcshm-*.img")) == \
        ["ipcshm-0.img", "ipcshm-1.img", "ipcshm-777.img"]
    pidfile = env.tmp / "r.pid"
    cryo("restore", "-D", img, "--detach", "--pidfile", pidfile)
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    # From outside too: the new namespace holds the objects under their IDs.
    shm = ipc_of(pid, "shm")
    assert sorted(shm) == [0, 1, 777]
    assert shm[777]["key"] == str(0x5eed0001) and shm[777]["perms"] == "2640"
    assert shm[1]["perms"] == "1660"  # SHM_DEST, attached by the child
    assert sorted(ipc_of(pid, "sem")) == [0, 65541] and sorted(ipc_of(pid, "msg")) == [0, 1]
    os.kill(pid, signal.SIGUSR1)
    assert reap(pid, 20) == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()


def test_unattached_segment_under_shm_rmid_forced_refused_tree_unharmed(env):
    run, init = start(env, "forced")
    p = cryo("dump", "-t", init, "-D", env.tmp / "img", check=False)
    assert p.returncode != 0
    assert "System V segment 0" in p.stderr and "shm_rmid_forced" in p.stderr, p.stderr
    assert alive(init)
    # Nothing was lost: the tree checks every object as it left them.
    os.kill(init, signal.SIGUSR1)
    assert run.finish() == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()


# The bundle's ipc sysctls (runc sets them in the container's new ipc namespace): the restore's
# bundle has none, so the values the container sees after restore come from the image.
BUNDLE_SYSCTLS = {"kernel.shmmni": "1000", "kernel.msgmax": "9000", "kernel.msgmnb": "65536",
                  "kernel.msgmni": "100", "kernel.sem": "250 64000 64 300",
                  "fs.mqueue.queues_max": "77", "fs.mqueue.msg_max": "20"}


def ipc_bundle(box, name, sysctls):
    from conftest import busybox_bundle
    b = busybox_bundle(box.tmp / name, ["/ns_ipc", "container"])
    shutil.copy(workload("ns_ipc_static"), b / "rootfs" / "ns_ipc")
    cfg = json.loads((b / "config.json").read_text())
    if sysctls:
        cfg["linux"]["sysctl"] = sysctls
    # It makes objects as another creator, and reads and changes those of other owners.
    for kind, caps in cfg["process"]["capabilities"].items():
        caps += ["CAP_SETUID", "CAP_SETGID", "CAP_IPC_OWNER"]
    (b / "config.json").write_text(json.dumps(cfg))
    return b


def sysctl_in(pid, name):
    return subprocess.run(["nsenter", "-t", str(pid), "-i", "cat",
                           "/proc/sys/" + name.replace(".", "/")],
                          capture_output=True, text=True, check=True).stdout.split()


@pytest.mark.skipif(shutil.which("runc") is None or os.geteuid() != 0,
                    reason="runc (scripts/install-deps.sh) and root needed")
def test_sysv_objects_of_a_runc_container_roundtrip(tmp_path):
    from test_containers import Box, dump, runc, state
    box = Box(tmp_path)
    try:
        b = ipc_bundle(box, "dumped", BUNDLE_SYSCTLS)
        cid = box.run(b)
        out = box.tmp / f"{cid}.out"
        deadline = time.time() + 10
        while "ready" not in out.read_text() and time.time() < deadline:
            assert "FAIL" not in out.read_text(), out.read_text()
            time.sleep(0.02)
        assert "ready" in out.read_text(), out.read_text()
        dump(cid, box.tmp / "img")
        fresh = ipc_bundle(box, "fresh", None)
        new, _, _ = box.restore(box.tmp / "img", bundle=fresh)
        pid = state(new)["pid"]
        meta = json.loads((box.tmp / "img" / "cryo.json").read_text())["namespaces"]["ipc"]
        for what in ("shm", "sem", "msg"):
            assert sorted(ipc_of(pid, what)) == sorted(o["id"] for o in meta[what])
            assert len(meta[what]) == (3 if what == "shm" else 2)
        for name, value in BUNDLE_SYSCTLS.items():
            assert sysctl_in(pid, name) == value.split(), name
        runc("kill", new, "USR1")
        deadline = time.time() + 20
        while state(new)["status"] != "stopped" and time.time() < deadline:
            time.sleep(0.02)
        text = (box.tmp / f"{new}.restore").read_text()
        assert text.rstrip().endswith("PASS"), text
    finally:
        box.cleanup()
