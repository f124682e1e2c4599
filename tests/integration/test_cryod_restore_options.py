"""cryod's restore options that the CLI's `cryo restore` has (docs/api.md, restore):
`tcp_close` (CRIU's --tcp-close) and `no_hot_set` (docs/hot-set.md), through the API, the C
client and `cryo job restore`, against a real cryod (cryod_harness.Cryod)."""
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import cryo, workload
from cryod_harness import SANITIZED, daemon  # noqa: F401 (a fixture)

pytestmark = pytest.mark.skipif(SANITIZED, reason="the engine cannot restore from an ASan build")


def wait_log(d, job, pred, timeout=20.0):
    deadline = time.time() + timeout
    text = ""
    while time.time() < deadline:
        status, text = d.request("GET", f"/v1/jobs/{job}/logs")
        if status == 200 and text and pred(text):
            return text
        time.sleep(0.05)
    raise AssertionError(f"log of {job} never matched: {text!r:.500}")


def finish(d, job, n_pass):
    """SIGUSR1: the workload checks everything; its n_pass-th PASS, and exit 0."""
    d.ok("POST", f"/v1/jobs/{job}/kill", {"signal": signal.SIGUSR1})
    got = d.wait_job(job, ("exited",))
    text = d.request("GET", f"/v1/jobs/{job}/logs")[1]
    assert got["exit_code"] == 0 and text.count("PASS") >= n_pass, (got, text)


def test_bad_values_refused(daemon):
    d = daemon()
    d.ok("POST", "/v1/jobs", {"id": "s", "command": ["sleep", "60"]}, status=201)
    for field in ("tcp_close", "no_hot_set"):
        status, err = d.request("POST", "/v1/jobs/s/restore", {field: "yes"})
        assert status == 400 and field in err["error"], (status, err)
    d.ok("POST", "/v1/jobs/s/kill", {"signal": 9})


def test_tcp_close_restores_connections_closed(daemon):
    """`cryo job restore --tcp-close` (the client's tcp_close, the API's "tcp_close"): the
    workload finds every established and half-closed connection closed, its bytes then
    end-of-file (net_tcp_close_opt fails on any connection still established;
    test_tcp_states.py checks the rest of the option)."""
    d = daemon()
    listener = socket.socket()
    conn = j = None
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        j = d.ok("POST", "/v1/jobs", {"id": "t", "command": [
            workload("net_tcp_close_opt"), str(listener.getsockname()[1])]}, status=201)
        listener.settimeout(10)
        conn, _ = listener.accept()
        conn.sendall(b"outside")
        wait_log(d, "t", lambda t: "ready" in t)
        d.ok("POST", "/v1/jobs/t/dump", {}, status=201)
        p = cryo("job", "restore", "--tcp-close", "--id", "t2", "--socket", d.sock, "t",
                 check=False)
        assert p.returncode == 0, p.stderr
        assert p.stdout.split() == ["t2"]
        assert d.ok("GET", "/v1/jobs/t2")["pid"] == j["pid"]
        assert "tcp-close" in d.log.read_text(errors="replace")
        finish(d, "t2", 1)
    finally:
        for s in (listener, conn):
            if s:
                s.close()
        if j:
            subprocess.run(["nft", "delete", "table", "inet", f"cryo-lock-{j['pid']}"],
                           capture_output=True)


def hot_round(d, ck_path, job, via_cli, no_hot_set, copies=0):
    """A lazy restore (or a pool of one) of the mem_hot job's checkpoint as `job`, its hot
    pieces read at once; returns (whether hotset.img was there within 4 s, the recording
    window being 2 s; the faults reading the pieces took)."""
    mode = ["--copies", str(copies)] if copies else ["--lazy"]
    if via_cli:
        p = cryo("job", "restore", *mode, *(["--no-hot-set"] if no_hot_set else []),
                 "--id", job, "--socket", d.sock, "h", check=False)
        assert p.returncode == 0, p.stderr
    else:
        body = {"id": job, **({"copies": copies} if copies else {"lazy": True}),
                **({"no_hot_set": True} if no_hot_set else {})}
        d.ok("POST", "/v1/jobs/h/restore", body, status=201)
    before = d.request("GET", f"/v1/jobs/{job}/logs")[1].count("hot faults=")
    d.ok("POST", f"/v1/jobs/{job}/kill", {"signal": signal.SIGUSR2})
    text = wait_log(d, job, lambda t: t.count("hot faults=") > before)
    faults = int(text.split("hot faults=")[-1].split()[0])
    deadline = time.time() + 4
    while time.time() < deadline and not (ck_path / "hotset.img").exists():
        time.sleep(0.05)
    return (ck_path / "hotset.img").exists(), faults


def test_no_hot_set_neither_records_nor_loads(daemon):
    """A lazy restore with "no_hot_set" (the API) or `--no-hot-set` (`cryo job restore`)
    records no hot set, though its tree reads its hot pieces at once; one without records
    it. Then in a pool of one (which copies nothing in the background), the hot set is
    loaded by default (reading the pieces costs no fault) and not with no_hot_set (a fault
    for each piece at least)."""
    d = daemon()
    d.ok("POST", "/v1/jobs", {"id": "h", "command": [workload("mem_hot")]}, status=201)
    wait_log(d, "h", lambda t: "ready" in t)
    ck = d.ok("POST", "/v1/jobs/h/dump", {}, status=201)
    ck_path = Path(ck["path"])
    n = 0
    for job, via_cli in (("h1", False), ("h2", True)):
        assert not hot_round(d, ck_path, job, via_cli, no_hot_set=True)[0], job
        n += 1
        finish(d, job, n)
    # The whole log: log_text() keeps its last 4000 characters, which a slow machine's
    # polling fills.
    assert "(no hot set)" in d.log.read_text(errors="replace")
    assert hot_round(d, ck_path, "h3", False, no_hot_set=False)[0], "the control recorded none"
    n += 1
    finish(d, "h3", n)
    assert hot_round(d, ck_path, "h4", False, no_hot_set=False, copies=1)[1] == 0
    n += 1
    finish(d, "h4", n)
    for job, via_cli in (("h5", False), ("h6", True)):
        faults = hot_round(d, ck_path, job, via_cli, no_hot_set=True, copies=1)[1]
        assert faults >= 16, (job, faults)
        n += 1
        finish(d, job, n)
