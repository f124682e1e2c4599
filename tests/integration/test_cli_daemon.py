"""`cryo job|checkpoint|daemon` and libcryo-client against a real cryod (cryod_harness.py).

Each test gets a private cryod (own socket, state and checkpoint directories), drives it only
through the `cryo` CLI (or tests/client/test-client, the C library's test program), and leaves
nothing behind: the harness kills cryod and every job it recorded.
"""
import json
import os
import random
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from cryod_harness import CRYOD, Cryod

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("CRYO_BUILD", ROOT / "build")).resolve()
CRYO = str(Path(os.environ.get("CRYO", BUILD / "cryo")).resolve())
TEST_CLIENT = BUILD / "tests" / "client" / "test-client"

pytestmark = pytest.mark.skipif(not os.access(CRYOD, os.X_OK), reason=f"{CRYOD} is not built")

# Prints "TOKEN N" every 10 ms with N counting up from 0. TOKEN is drawn at start: a restored
# counter keeps it (its memory came back), a restarted one would draw another.
COUNTER = ("import random, time\n"
           "tok = random.getrandbits(64)\n"
           "i = 0\n"
           "while True:\n"
           "    print(tok, i, flush=True)\n"
           "    i += 1\n"
           "    time.sleep(0.01)\n")


@pytest.fixture
def cryod(tmp_path):
    d = Cryod(tmp_path)
    d.start()
    yield d
    d.cleanup()


def cryo(d, *args, input=None, timeout=60):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRYO_")}
    if d is not None:
        env["CRYO_SOCKET"] = str(d.sock)
    return subprocess.run([CRYO, *map(str, args)], capture_output=True, text=True, env=env,
                          input=input, timeout=timeout,
                          stdin=None if input is not None else subprocess.DEVNULL)


def ok(d, *args, **kw):
    p = cryo(d, *args, **kw)
    assert p.returncode == 0, f"cryo {' '.join(map(str, args))} -> {p.returncode}:\n" \
                              f"{p.stdout}{p.stderr}\ncryod log:\n{d.log_text() if d else ''}"
    return p


def get(d, job):
    return json.loads(ok(d, "job", "get", job, "--json").stdout)


def wait_state(d, job, states, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        j = get(d, job)
        if j["state"] in states:
            return j
        time.sleep(0.02)
    raise AssertionError(f"job {job} never reached {states}: {j}")


def counter_lines(text):
    """(token, n) of every complete line of a counter's log."""
    return [(int(a), int(b)) for a, b in re.findall(r"^(\d+) (\d+)$", text, re.M)]


def wait_log(d, job, n, timeout=20.0):
    """The counter's log once it holds at least n lines."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        lines = counter_lines(ok(d, "job", "logs", job).stdout)
        if len(lines) >= n:
            return lines
        time.sleep(0.02)
    raise AssertionError(f"job {job} logged {len(lines)} lines, not {n}")


def run_counter(d, job):
    assert ok(d, "job", "run", "--id", job, "python3", "-u", "-c", COUNTER).stdout == f"{job}\n"
    return wait_log(d, job, 20)


def test_counter_continues_after_dump_and_restore(cryod):
    run_counter(cryod, "cnt")
    ck = ok(cryod, "job", "dump", "cnt").stdout.strip()
    assert ck.startswith("ck-")
    dumped = wait_state(cryod, "cnt", ["checkpointed"])
    assert dumped["state"] == "checkpointed"
    before = counter_lines(ok(cryod, "job", "logs", "cnt").stdout)
    tok, last = before[-1]
    assert [n for _, n in before] == list(range(last + 1))

    assert ok(cryod, "job", "restore", "cnt", "--id", "cnt2").stdout == "cnt2\n"
    job = get(cryod, "cnt2")
    assert job["state"] == "running" and job["restored_from"] == ck
    assert job["pid"] == dumped["pid"]  # restored with its PID
    after = wait_log(cryod, "cnt2", len(before) + 20)
    # Whether the new job's log carries the old lines or starts afresh, what the restored
    # counter wrote goes on from where it was dumped, with the same token: not a restart.
    new = [x for x in after if x[1] > last] if after[0][1] == 0 else after
    if after[0][1] == 0:
        assert after[:len(before)] == before
    assert new[0] == (tok, last + 1), f"restored counter restarted: {new[:3]} after {last}"
    assert new == [(tok, n) for n in range(last + 1, last + 1 + len(new))]


def test_json_output_parses(cryod):
    run_counter(cryod, "j")
    jobs = json.loads(ok(cryod, "job", "list", "--json").stdout)["jobs"]
    assert [j["id"] for j in jobs] == ["j"] and jobs[0]["state"] == "running"
    ck = json.loads(ok(cryod, "job", "dump", "j", "--leave-running", "--json").stdout)
    assert ck["job"] == "j" and ck["leave_running"] is True and os.path.isdir(ck["path"])
    assert get(cryod, "j")["state"] == "running"
    cks = json.loads(ok(cryod, "checkpoint", "list", "--job", "j", "--json").stdout)
    assert [c["id"] for c in cks["checkpoints"]] == [ck["id"]]
    image = json.loads(ok(cryod, "checkpoint", "inspect", ck["id"], "--json").stdout)["image"]
    assert image["tasks"][0]["pid"] == get(cryod, "j")["pid"]
    killed = json.loads(ok(cryod, "job", "kill", "j", "-s", "KILL", "--json").stdout)
    assert killed["id"] == "j"
    j = wait_state(cryod, "j", ["exited"])
    assert j["signal"] == 9 and j["exit_code"] is None


def test_human_views(cryod):
    run_counter(cryod, "h")
    table = ok(cryod, "job", "list").stdout.splitlines()
    assert table[0].split() == ["ID", "PID", "STATE", "EXIT", "CREATED", "COMMAND"]
    assert len(table) == 2 and table[1].split()[:4] == ["h", str(get(cryod, "h")["pid"]),
                                                        "running", "-"]
    assert "..." in table[1]  # the long command is cut
    detail = ok(cryod, "job", "get", "h").stdout
    assert "state:          running\n" in detail and "command:        python3 -u -c" in detail
    ck = ok(cryod, "job", "dump", "h", "-R").stdout.strip()
    rows = ok(cryod, "checkpoint", "list").stdout.splitlines()
    assert rows[1].split()[:2] == [ck, "h"] and "MiB" in rows[1]
    out = ok(cryod, "checkpoint", "inspect", ck).stdout
    assert f"id:             {ck}\n" in out and "\nimage:\n{" in out
    assert "frozen" in ok(cryod, "job", "freeze", "h").stdout.splitlines()[1]
    n = len(counter_lines(ok(cryod, "job", "logs", "h").stdout))
    time.sleep(0.3)
    assert len(counter_lines(ok(cryod, "job", "logs", "h").stdout)) == n, "frozen, yet it ran"
    assert "running" in ok(cryod, "job", "unfreeze", "h").stdout.splitlines()[1]
    wait_log(cryod, "h", n + 5)


def test_delete_and_checkpoint_delete(cryod):
    run_counter(cryod, "d")
    p = cryo(cryod, "job", "delete", "d")
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr.startswith("cryo job delete: job d is running") and "(HTTP 409)" in p.stderr
    ck = json.loads(ok(cryod, "job", "dump", "d", "-R", "--json").stdout)
    ok(cryod, "job", "delete", "-f", "d")
    p = cryo(cryod, "job", "get", "d")
    assert p.returncode == 1 and p.stderr == "cryo job get: job d not found (HTTP 404)\n"
    assert os.path.isdir(ck["path"])  # a job's checkpoints outlive it
    ok(cryod, "checkpoint", "delete", ck["id"])
    assert not os.path.exists(ck["path"])
    assert ok(cryod, "checkpoint", "list", "-q").stdout == ""


def test_pre_dump_parent_and_restore(cryod):
    """`cryo job dump --pre-dump [--parent CK]`, then a dump on the newest pre-dump, restored:
    mem_dirty, whose memory changed all along, checks every page and passes."""
    feats = {f["name"]: f["present"] for f in cryod.ok("GET", "/v1/health")["engine"]["features"]}
    if not feats.get("write-tracking"):
        pytest.skip("no userfaultfd write tracking here: pre-dump cannot work")
    ok(cryod, "job", "run", "--id", "m", "--", BUILD / "tests/workloads/mem/mem_dirty", "16")
    deadline = time.time() + 30
    while "ready" not in ok(cryod, "job", "logs", "m").stdout:
        assert time.time() < deadline, ok(cryod, "job", "logs", "m").stdout
        time.sleep(0.05)
    ck1 = ok(cryod, "job", "dump", "--pre-dump", "m").stdout.strip()
    assert ck1.startswith("ck-") and get(cryod, "m")["state"] == "running"
    pre2 = json.loads(ok(cryod, "job", "dump", "m", "--pre-dump", "--parent", ck1,
                         "--json").stdout)
    assert pre2["kind"] == "pre-dump" and pre2["parent"] == ck1
    ck3 = ok(cryod, "job", "dump", "m", "--parent", pre2["id"]).stdout.strip()
    assert wait_state(cryod, "m", ["checkpointed"])["state"] == "checkpointed"

    table = ok(cryod, "checkpoint", "list", "--job", "m").stdout.splitlines()
    assert table[0].split()[:4] == ["ID", "JOB", "KIND", "PARENT"]
    assert [r.split()[:4] for r in table[1:]] == [[ck1, "m", "pre-dump", "-"],
                                                  [pre2["id"], "m", "pre-dump", ck1],
                                                  [ck3, "m", "dump", pre2["id"]]]
    out = ok(cryod, "checkpoint", "inspect", pre2["id"]).stdout
    assert "kind:           pre-dump\n" in out and f"parent:         {ck1}\n" in out
    assert '"format": "cryo-predump"' in out

    p = cryo(cryod, "job", "restore", "m", "-c", ck1)
    assert p.returncode == 1 and "pre-dump" in p.stderr and "(HTTP 409)" in p.stderr
    assert ok(cryod, "job", "restore", "m", "--id", "m2").stdout == "m2\n"
    assert get(cryod, "m2")["restored_from"] == ck3
    ok(cryod, "job", "kill", "m2", "-s", "USR1")
    j = wait_state(cryod, "m2", ["exited"], timeout=60)
    log = ok(cryod, "job", "logs", "m2").stdout
    assert j["exit_code"] == 0 and "PASS" in log, log[-2000:]

    p = cryo(cryod, "checkpoint", "delete", ck1)
    assert p.returncode == 1 and pre2["id"] in p.stderr and "(HTTP 409)" in p.stderr
    ok(cryod, "checkpoint", "delete", "--force", ck1)
    ok(cryod, "checkpoint", "delete", ck3)
    assert ok(cryod, "checkpoint", "list", "-q").stdout == f"{pre2['id']}\n"


def test_pre_dump_usage_errors(cryod):
    for args in (["--pre-dump", "-R"], ["--pre-dump", "--no-leave-running"]):
        p = cryo(cryod, "job", "dump", "x", *args)
        assert p.returncode == 2 and "--pre-dump always leaves the job running" in p.stderr
    p = cryo(cryod, "job", "dump", "x", "--parent")
    assert p.returncode == 2 and "--parent" in p.stderr
    p = cryo(cryod, "checkpoint", "delete", "-f")
    assert p.returncode == 2 and "an id is required" in p.stderr
    p = cryo(cryod, "checkpoint", "delete", "--help")
    assert p.returncode == 0 and "-f, --force" in p.stdout


def test_logs_follow_until_the_job_ends(cryod):
    ok(cryod, "job", "run", "--id", "f", "sh", "-c", "for i in 1 2 3; do echo $i; sleep 0.3; done")
    t0 = time.time()
    p = ok(cryod, "job", "logs", "-f", "f")
    assert p.stdout == "1\n2\n3\n" and time.time() - t0 > 0.4
    assert get(cryod, "f")["state"] == "exited" and get(cryod, "f")["exit_code"] == 0


def test_attach(cryod):
    ok(cryod, "job", "run", "--id", "a", "-a", "sh", "-c",
       "while read l; do echo got $l; done")
    assert "attachable:     yes\n" in ok(cryod, "job", "get", "a").stdout
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRYO_")}
    proc = subprocess.Popen([CRYO, "job", "attach", "a", "--socket", str(cryod.sock)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    try:
        proc.stdin.write(b"hello\n")
        proc.stdin.flush()
        assert proc.stdout.readline() == b"got hello\n"
        proc.stdin.write(b"again\n")
        proc.stdin.flush()
        assert proc.stdout.readline() == b"got again\n"
    finally:
        proc.kill()
        proc.wait()
    assert get(cryod, "a")["state"] == "running"  # leaving attach leaves the job
    # Input that ends (a pipe) still gets its answers back, as with `docker attach`; the
    # command ends when the job does.
    ok(cryod, "job", "run", "--id", "b", "-a", "sh", "-c", "read l; sleep 0.5; echo got $l")
    p = subprocess.run([CRYO, "job", "attach", "b", "--socket", str(cryod.sock)],
                       input=b"piped\n", capture_output=True, env=env, timeout=30)
    assert p.stdout == b"got piped\n", p
    p = cryo(cryod, "job", "run", "--id", "na", "sleep", "60")
    p = cryo(cryod, "job", "attach", "na")
    assert p.returncode == 1 and "(HTTP 409)" in p.stderr


def test_errors_from_the_daemon(cryod):
    p = cryo(cryod, "job", "restore", "nope")
    assert p.returncode == 1 and p.stderr.startswith("cryo job restore: ")
    assert "(HTTP 404)" in p.stderr
    run_counter(cryod, "e")
    p = cryo(cryod, "job", "run", "--id", "e", "true")
    assert p.returncode == 1 and "(HTTP 409)" in p.stderr and "e" in p.stderr
    p = cryo(cryod, "job", "dump", "e", "--compression", "nope")
    assert p.returncode == 1 and "(HTTP 400)" in p.stderr


def test_daemon_down(cryod):
    ok(cryod, "job", "list")
    cryod.stop()
    p = cryo(cryod, "job", "list")
    assert p.returncode == 1
    assert p.stderr.startswith(f"cryo job list: cannot connect to cryod at {cryod.sock}: ")
    assert "(is cryod running?)" in p.stderr


def test_client_library(cryod):
    assert TEST_CLIENT.exists(), f"{TEST_CLIENT} is not built"
    p = subprocess.run([str(TEST_CLIENT), f"unix://{cryod.sock}"], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0 and p.stdout == "PASS\n", \
        p.stdout + p.stderr + "\ncryod log:\n" + cryod.log_text()


def test_cryo_daemon_runs_cryod(tmp_path):
    """`cryo daemon` execs the cryod next to it with the given options."""
    d = Cryod(tmp_path)
    d.write_config()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRYO_")}
    proc = subprocess.Popen([CRYO, "daemon", "--config", str(d.config_path)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.time() + 20
        while time.time() < deadline and cryo(d, "job", "list").returncode != 0:
            assert proc.poll() is None, proc.stderr.read()
            time.sleep(0.05)
        assert ok(d, "job", "list").stdout.startswith("ID ")
        here = Path(CRYO).resolve().parent
        near = {(here / rel).resolve() for rel in ("cryod", "daemon/cryod", "../daemon/cryod")}
        assert Path(os.readlink(f"/proc/{proc.pid}/exe")) in near  # the one next to cryo
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    finally:
        proc.kill()
        proc.wait()
        d.cleanup()


def test_cryo_daemon_help():
    p = cryo(None, "daemon", "--help")
    assert p.returncode == 0 and p.stdout.startswith("usage: cryo daemon [CRYOD-OPTION]...")
    assert "--config" in p.stdout  # cryod's own help follows


def test_global_connection_options(cryod):
    """--socket/--address before the command stand for the environment."""
    ok(cryod, "job", "run", "--id", "g", "sleep", "60")
    p = cryo(None, "--socket", cryod.sock, "job", "list", "--json")
    assert p.returncode == 0 and "g" in [j["id"] for j in json.loads(p.stdout)["jobs"]]
    p = cryo(None, "--address", f"unix://{cryod.sock}", "job", "get", "g")
    assert p.returncode == 0 and "g" in p.stdout
    p = cryo(None, "--socket", "/nonexistent/cryod.sock", "job", "list")
    assert p.returncode == 1 and "cannot connect" in p.stderr
