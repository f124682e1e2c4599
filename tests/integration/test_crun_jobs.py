"""cryod's container jobs with crun (docs/containers.md): a job whose runtime is "crun" is
created by crun from its bundle in crun's state directory (`containers.crun_root`), dumped, and
restored as a new container crun knows, its counter going on in the job's log; a crun
container started outside cryod is adopted. cryod runs in the mount namespace of
runtime_ns.py where the hybrid host's v2 tree is hidden (crun 1.8 refuses hybrid hosts)."""
import json
import os
import shutil
import subprocess
import time

import pytest

from cryod_harness import CRYOD, SANITIZED, Cryod
from runtime_ns import LEGACY, RuntimeNs, count
from test_cli_daemon import ok
from test_container_jobs import TICKER, ticks, wait_ticks

pytestmark = [
    pytest.mark.skipif(not os.access(CRYOD, os.X_OK), reason=f"{CRYOD} is not built"),
    pytest.mark.skipif(shutil.which("crun") is None or os.geteuid() != 0,
                       reason="crun (scripts/install-deps.sh) and root needed"),
]

@pytest.fixture
def crun_cryod(tmp_path):
    """(cryod, ns): a cryod in the legacy-host namespace, with ns.root as crun's root."""
    ns = RuntimeNs(LEGACY, "crun", tmp_path)
    d = Cryod(tmp_path / "d", config={"containers": {"crun_root": str(ns.root)}})
    d.tmp.mkdir()
    try:
        d.write_config()
        logf = open(d.log, "ab")
        # nsenter without --fork execs: d.proc is cryod itself.
        d.proc = subprocess.Popen(["nsenter", f"--mount=/proc/{ns.holder.pid}/ns/mnt", "--",
                                   CRYOD, "--config", str(d.config_path)],
                                  stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        logf.close()
        deadline = time.time() + 20
        while True:
            assert d.proc.poll() is None, d.log_text()
            try:
                if d.request("GET", "/v1/health", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert time.time() < deadline, d.log_text()
            time.sleep(0.05)
        yield d, ns
    finally:
        d.cleanup()
        ns.close()


def test_crun_container_job_dumped_and_restored_as_a_new_container(crun_cryod):
    d, ns = crun_cryod
    a, b = ns.id(), ns.id()
    first = ns.bundle("first", TICKER)
    job = d.ok("POST", "/v1/jobs", {"runtime": "crun", "bundle": str(first), "id": a})
    assert job["runtime"] == "crun" and job["bundle"] == str(first), job
    st = ns.state(a)
    assert st and st["status"] == "running" and st["pid"] == job["pid"], st
    before = wait_ticks(d, a, 3)
    ok(d, "job", "dump", "--no-leave-running", a)
    # Checkpointed without leave-running: crun's container is gone.
    assert ns.state(a) is None
    last = ticks(d, a)[-1]
    assert last >= before[-1]
    if SANITIZED:
        pytest.skip("an ASan cryod cannot restore")

    fresh = ns.bundle("fresh", TICKER)
    ok(d, "job", "restore", "--id", b, "--bundle", fresh, a)
    st = ns.state(b)
    assert st and st["status"] == "running" and st["bundle"] == str(fresh), st
    restored = json.loads(ok(d, "job", "get", b, "--json").stdout)
    assert restored["runtime"] == "crun" and restored["pid"] == st["pid"], restored
    # The shell's counter goes on in the log from where it was, not from 1.
    after = wait_ticks(d, b, last + 3)
    assert last + 1 in after and after.count(1) == 1, after[-10:]
    assert ns.exec_count(b) > last
    # crun's init is the restored shell, pid 1 of the container.
    assert ns.cli("exec", b, "cat", "/proc/1/cmdline").stdout.startswith("sh")
    ok(d, "job", "delete", "--force", b)
    assert ns.state(b) is None


def test_crun_container_started_outside_is_adopted(crun_cryod):
    d, ns = crun_cryod
    cid = ns.id()
    # Quiet (runtime_ns's counter): its stdout is the file ns.cli() reads crun's answers from.
    b = ns.bundle("outside")
    ns.cli("run", "--detach", "--bundle", b, cid)
    job = d.ok("POST", "/v1/jobs/manage", {"runtime": "crun", "container": cid})
    assert job["id"] == cid and job["runtime"] == "crun"
    assert job["pid"] == ns.state(cid)["pid"]
    ok(d, "job", "dump", "--leave-running", cid)
    assert ns.state(cid)["status"] == "running"
    before = count(b)
    time.sleep(0.2)
    assert count(b) > before
    # A container crun does not know, a runtime cryo does not know: refused, named.
    status, body = d.request("POST", "/v1/jobs/manage", {"runtime": "crun",
                                                         "container": "no-such-box"})
    assert status == 404 and "no-such-box" in json.dumps(body), body
    status, body = d.request("POST", "/v1/jobs", {"runtime": "podman", "bundle": str(b)})
    assert status == 400 and "the container runtimes are: runc, crun" in body["error"], body
