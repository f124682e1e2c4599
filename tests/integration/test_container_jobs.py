"""Container jobs through cryod (docs/containers.md): `cryo job run --runc` starts a busybox
container from its bundle with its output in the job's log, `job dump` checkpoints it, and
`job restore --id NEW` brings it back as the new container NEW that runc knows, its counter
going on and its output continuing in the log; `job manage --runc` adopts a container runc
started outside cryod; `job delete` removes the container with the job."""
import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import busybox_bundle
from cryod_harness import CRYOD, SANITIZED, Cryod
from test_cli_daemon import CRYO, cryo, ok


pytestmark = [
    pytest.mark.skipif(not os.access(CRYOD, os.X_OK), reason=f"{CRYOD} is not built"),
    pytest.mark.skipif(shutil.which("runc") is None or os.geteuid() != 0,
                       reason="runc (scripts/install-deps.sh) and root needed"),
]

TICKER = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; echo $i > /tmp/count; "
          "sleep 0.05; done"]


def runc_state(cid):
    p = subprocess.run(["runc", "state", cid], capture_output=True, text=True)
    return json.loads(p.stdout) if p.returncode == 0 else None


@pytest.fixture
def cryod(tmp_path):
    d = Cryod(tmp_path)
    d.start()
    ids = []
    d.container_ids = ids
    yield d
    d.cleanup()
    for cid in ids:
        subprocess.run(["runc", "delete", "--force", cid], capture_output=True)


def bundle(tmp_path, name):
    """The ticker's bundle, its /tmp/count there from the start (busybox_bundle()): a dump that
    froze the shell while it had the file open carries it, and a restore into a fresh bundle
    reopens it by its path (CI once failed: "reopen /tmp/count: No such file or directory")."""
    return busybox_bundle(tmp_path / name, TICKER)


def ticks(d, job):
    text = ok(d, "job", "logs", job).stdout
    return [int(w.split()[1]) for w in text.splitlines() if w.startswith("tick ")]


def wait_ticks(d, job, more_than=0, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        t = ticks(d, job)
        if t and t[-1] > more_than:
            return t
        time.sleep(0.05)
    raise AssertionError(f"job {job} does not tick past {more_than}: {ticks(d, job)[-5:]}")


def test_container_job_dumped_and_restored_as_a_new_container(cryod, tmp_path):
    pid_ns = f"cj{os.getpid()}"
    cryod.container_ids += [f"{pid_ns}-a", f"{pid_ns}-b"]
    b = bundle(tmp_path, "bundle")
    ok(cryod, "job", "run", "--runc", "--bundle", b, "--id", f"{pid_ns}-a")
    assert runc_state(f"{pid_ns}-a")["status"] == "running"
    job = json.loads(ok(cryod, "job", "list", "--json").stdout)
    job = job["jobs"][0] if isinstance(job, dict) else job[0]
    assert job["runtime"] == "runc" and job["bundle"] == str(b)
    before = wait_ticks(cryod, f"{pid_ns}-a", 3)
    ok(cryod, "job", "dump", "--no-leave-running", f"{pid_ns}-a")
    # Checkpointed without leave-running: the container is gone, as after runc checkpoint.
    assert runc_state(f"{pid_ns}-a") is None
    last = ticks(cryod, f"{pid_ns}-a")[-1]
    assert last >= before[-1]
    if SANITIZED:
        pytest.skip("an ASan cryod cannot restore")
    fresh = bundle(tmp_path, "fresh")
    ok(cryod, "job", "restore", "--id", f"{pid_ns}-b", "--bundle", fresh, f"{pid_ns}-a")
    st = runc_state(f"{pid_ns}-b")
    assert st and st["status"] == "running" and st["bundle"] == str(fresh), st
    # The shell's counter goes on in the log, from where it was.
    after = wait_ticks(cryod, f"{pid_ns}-b", last + 3)
    assert last + 1 in after and after.count(1) == 1, after[-10:]
    # The shell rewrites the file (empty for a moment): read again until it holds a number.
    for _ in range(100):
        out = subprocess.run(["runc", "exec", f"{pid_ns}-b", "cat", "/tmp/count"],
                             capture_output=True, text=True, check=True).stdout.strip()
        if out:
            break
        time.sleep(0.01)
    assert int(out) > last
    ok(cryod, "job", "delete", "--force", f"{pid_ns}-b")
    assert runc_state(f"{pid_ns}-b") is None


def test_manage_a_container_started_outside(cryod, tmp_path):
    cid = f"cm{os.getpid()}"
    cryod.container_ids.append(cid)
    b = bundle(tmp_path, "bundle")
    subprocess.run(["runc", "run", "-d", "--bundle", str(b), cid], check=True,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    out = ok(cryod, "job", "manage", "--runc", cid).stdout.strip()
    assert out == cid
    p = cryo(cryod, "job", "manage", "--runc", "no-such-box")
    assert p.returncode != 0 and "no-such-box" in p.stderr, p.stderr
    ok(cryod, "job", "dump", "--leave-running", cid)
    assert runc_state(cid)["status"] == "running"


def test_bad_container_requests(cryod, tmp_path):
    p = cryo(cryod, "job", "run", "--runc", "--bundle", tmp_path / "nowhere")
    assert p.returncode != 0 and "config.json" in p.stderr, p.stderr
    p = cryo(cryod, "job", "run", "--runc", "--bundle", tmp_path, "sh")
    assert p.returncode != 0 and "no COMMAND" in p.stderr, p.stderr
    status, body = cryod.request("POST", "/v1/jobs", {"runtime": "docker", "bundle": "/x"})
    assert status == 400 and "runc" in json.dumps(body), body
    status, body = cryod.request("POST", "/v1/jobs", {"runtime": "runc", "bundle": "/x",
                                                      "command": ["sh"]})
    assert status == 400 and "bundle's" in json.dumps(body), body
    status, body = cryod.request("POST", "/v1/jobs", {"bundle": "/x", "command": ["true"]})
    assert status == 400 and "runtime" in json.dumps(body), body


def attach_say(d, job, line):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRYO_")}
    proc = subprocess.Popen([CRYO, "job", "attach", job, "--socket", str(d.sock)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    try:
        proc.stdin.write(line.encode() + b"\n")
        proc.stdin.flush()
        return proc.stdout.readline().decode()
    finally:
        proc.kill()
        proc.wait()


def test_attachable_container_job_keeps_its_stdin_across_restore(cryod, tmp_path):
    if SANITIZED:
        pytest.skip("an ASan cryod cannot restore")
    base = f"ca{os.getpid()}"
    cryod.container_ids += [f"{base}-a", f"{base}-b"]
    b = busybox_bundle(tmp_path / "bundle",
                       ["sh", "-c", "n=0; while read l; do n=$((n+1)); echo got $n $l; done"])
    ok(cryod, "job", "run", "--runc", "--bundle", b, "-a", "--id", f"{base}-a")
    assert attach_say(cryod, f"{base}-a", "one") == "got 1 one\n"
    ok(cryod, "job", "dump", "--no-leave-running", f"{base}-a")
    ok(cryod, "job", "restore", "--id", f"{base}-b", f"{base}-a")
    # The shell's line counter came back with it, and its stdin is the job's again.
    assert attach_say(cryod, f"{base}-b", "two") == "got 2 two\n"


def test_runc_root_from_the_config(tmp_path):
    root = tmp_path / "runc-state"
    d = Cryod(tmp_path, config={"containers": {"runc_root": str(root)}})
    d.start()
    cid = f"cr{os.getpid()}"
    try:
        b = bundle(tmp_path, "bundle")
        ok(d, "job", "run", "--runc", "--bundle", b, "--id", cid)
        listed = subprocess.run(["runc", "--root", str(root), "list", "-q"],
                                capture_output=True, text=True, check=True).stdout.split()
        assert listed == [cid]
        assert runc_state(cid) is None  # not under the default root
        ok(d, "job", "delete", "--force", cid)
        assert not (root / cid).exists()
    finally:
        d.cleanup()
        subprocess.run(["runc", "--root", str(root), "delete", "--force", cid],
                       capture_output=True)


def test_container_whose_stdout_was_redirected_at_the_dump_keeps_its_file(cryod, tmp_path):
    """The shell's descriptor 1 is /tmp/count, not the job's log, while it runs `{ ...; } >
    /tmp/count`: restored into a fresh bundle, it is that bundle's /tmp/count again (runc
    hands over only the descriptors that are still the ones it gave: `external_descriptors`
    in its state.json), and the stdout the shell saved above 2 meanwhile is the job's log,
    where its next tick goes once the block ends."""
    if SANITIZED:
        pytest.skip("an ASan cryod cannot restore")
    a, b = f"cr{os.getpid()}-a", f"cr{os.getpid()}-b"
    cryod.container_ids += [a, b]
    ticker = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; "
              "{ echo $i; sleep 2; } > /tmp/count; done"]
    ok(cryod, "job", "run", "--runc", "--bundle", busybox_bundle(tmp_path / "bundle", ticker),
       "--id", a)
    init = runc_state(a)["pid"]
    deadline = time.time() + 10
    while os.readlink(f"/proc/{init}/fd/1") != "/tmp/count":  # (its root's name)
        assert time.time() < deadline, os.readlink(f"/proc/{init}/fd/1")
        time.sleep(0.01)
    ok(cryod, "job", "dump", "--no-leave-running", a)
    fresh = busybox_bundle(tmp_path / "fresh", ticker)
    ok(cryod, "job", "restore", "--id", b, "--bundle", fresh, a)
    pid = runc_state(b)["pid"]
    assert os.readlink(f"/proc/{pid}/fd/1") == "/tmp/count"
    assert os.stat(f"/proc/{pid}/fd/1").st_ino == os.stat(fresh / "rootfs" / "tmp" / "count").st_ino
    fds = {int(fd): os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    saved = [fd for fd in fds if fd > 2]
    assert saved and all(fds[fd] == fds[2] != "/tmp/count" for fd in saved), fds
    # The block ends, the shell puts its saved stdout back: the next tick is in the log.
    last = ticks(cryod, a)[-1]
    wait_ticks(cryod, b, last, timeout=15)
    ok(cryod, "job", "delete", "--force", b)
