"""cryod end to end: a private daemon per test (cryod_harness.Cryod), real jobs, real dumps.

Covers the job life cycle, dump and restore as a new job with a counter that must continue,
pre-dumps and incremental dumps of a job whose memory keeps changing, freeze, logs, attach,
validation, the state surviving a kill -9 of cryod, concurrency, and the transports' rules.
"""
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import BUILD, alive, workload
from cryod_harness import SANITIZED, Cryod, daemon  # noqa: F401 (a fixture)

COUNTER = ("import time\n"
           "i = 0\n"
           "while True:\n"
           "    print(i, flush=True)\n"
           "    i += 1\n"
           "    time.sleep(0.01)\n")


needs_restore = pytest.mark.skipif(SANITIZED, reason="the engine cannot restore from an ASan build")


def numbers(text):
    return [int(x) for x in text.split()]


def wait_log(d, job, pred, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status, text = d.request("GET", f"/v1/jobs/{job}/logs")
        if status == 200 and text and pred(text):
            return text
        time.sleep(0.05)
    raise AssertionError(f"log of {job} never matched: {text!r:.300}")


def start_counter(d, job_id, **extra):
    j = d.ok("POST", "/v1/jobs", {"id": job_id, "command": ["python3", "-c", COUNTER], **extra})
    assert j["state"] == "running" and j["id"] == job_id
    wait_log(d, job_id, lambda t: len(t.split()) >= 20)
    return j


def test_health(daemon):
    d = daemon()
    h = d.ok("GET", "/v1/health")
    assert h["db"] == "ok" and h["version"]
    # The engine's built-in plugin is always listed (its probe says whether it can work here).
    cuda = next(p for p in h["plugins"] if p["name"] == "cuda")
    assert cuda["from"] == "builtin" and cuda["loaded"] and cuda["error"] is None, cuda
    assert isinstance(cuda["available"], bool) and cuda["probe"], cuda
    assert h["kernel"] == os.uname().release
    names = {f["name"] for f in h["engine"]["features"]}
    assert "clone3-set-tid" in names
    assert h["schema_version"] >= 1


RECORDER = BUILD / "tests" / "plugins" / "hook-recorder.so"
DUMP_HOOKS = ["dump-before-freeze", "dump-after-freeze", "dump-before-memory",
              "dump-after-memory", "dump-done"]
RESTORE_HOOKS = ["restore-before", "restore-after", "restore-resumed"]


@pytest.fixture
def plugin_daemon(daemon, tmp_path):
    """A cryod whose plugins.dir holds the test plugin (tests/plugins/hook-recorder.c), which
    appends each hook it sees to a log of its own."""
    pdir = tmp_path / "plugins"
    pdir.mkdir(mode=0o755)
    shutil.copy(RECORDER, pdir / "hook-recorder.so")
    log = tmp_path / "hooks.log"
    d = daemon(config={"plugins": {"dir": str(pdir)}},
               env=dict(os.environ, CRYO_TEST_PLUGIN_LOG=str(log)))
    return d, pdir, log


def hooks_seen(log):
    return [line.split()[0] for line in log.read_text().splitlines()] if log.exists() else []


def test_health_lists_the_plugins_of_plugins_dir_and_a_dump_runs_their_hooks(plugin_daemon):
    d, pdir, log = plugin_daemon
    h = d.ok("GET", "/v1/health")
    assert [p["name"] for p in h["plugins"]][0] == "cuda"  # built-in ones first
    rec = next(p for p in h["plugins"] if p["name"] == "hook-recorder")
    assert rec["from"] == f"{pdir}/hook-recorder.so" and rec["version"] == "1.0", rec
    assert rec["loaded"] and rec["error"] is None and rec["available"], rec
    assert str(log) in rec["probe"], rec
    start_counter(d, "hooked")
    d.ok("POST", "/v1/jobs/hooked/dump", {"leave_running": True}, status=201)
    assert hooks_seen(log) == DUMP_HOOKS, log.read_text()
    assert d.ok("GET", "/v1/jobs/hooked")["state"] == "running"


@needs_restore
def test_a_restore_through_cryod_runs_the_plugins_restore_hooks(plugin_daemon):
    d, pdir, log = plugin_daemon
    start_counter(d, "hooked")
    ck = d.ok("POST", "/v1/jobs/hooked/dump", {}, status=201)
    d.wait_job("hooked", {"checkpointed"})
    d.ok("POST", "/v1/jobs/hooked/restore", {"checkpoint": ck["id"], "id": "back"}, status=201)
    assert hooks_seen(log) == DUMP_HOOKS + RESTORE_HOOKS, log.read_text()
    wait_log(d, "back", lambda t: len(t.split()) >= 40)


@pytest.mark.parametrize("fault", ["world-writable", "missing"])
def test_a_plugins_dir_that_cannot_be_used_stops_cryod_at_start(daemon, tmp_path, fault):
    pdir = tmp_path / "plugins"
    if fault == "world-writable":
        pdir.mkdir()
        shutil.copy(RECORDER, pdir / "hook-recorder.so")
        os.chmod(pdir, 0o777)
    d = daemon(config={"plugins": {"dir": str(pdir)}}, start=False)
    assert d.spawn().wait(20) == 1
    words = "writable by others" if fault == "world-writable" else "No such file"
    assert f"plugins.dir: plugins directory {pdir}" in d.log_text() and \
        words in d.log_text(), d.log_text()


@needs_restore
def test_dump_restore_counter_continues(daemon):
    d = daemon(config={"profiling": {"enabled": True}})
    start_counter(d, "count")
    ck = d.ok("POST", "/v1/jobs/count/dump", {"compression": "lz4"}, status=201)
    assert ck["job"] == "count" and ck["size"] > 0 and Path(ck["path"]).is_dir()
    assert ck["path"].startswith(str(d.ckdir) + "/")
    assert ck["profile"]["phases"]["dump"] > 0 and ck["profile"]["bytes"] == ck["size"]
    assert ck["options"]["leave_running"] is False and ck["compression"] == "lz4"
    job = d.ok("GET", "/v1/jobs/count")
    assert job["state"] == "checkpointed" and job["exit_code"] is None
    before = numbers(d.request("GET", "/v1/jobs/count/logs")[1])
    time.sleep(0.3)
    assert numbers(d.request("GET", "/v1/jobs/count/logs")[1]) == before, "still counting"

    new = d.ok("POST", "/v1/jobs/count/restore", {"id": "count2"}, status=201)
    assert new["id"] == "count2" and new["restored_from"] == ck["id"]
    assert new["pid"] == job["pid"] and new["log"] == job["log"]
    assert "restore" in new["profile"]["phases"]
    wait_log(d, "count2", lambda t: len(t.split()) >= len(before) + 20)
    after = numbers(d.request("GET", "/v1/jobs/count2/logs")[1])
    # One sequence, continued where it stopped: no restart from 0, no gap, no repeat.
    assert after == list(range(after[0], after[-1] + 1)), after[len(before) - 3:len(before) + 3]
    assert after[:len(before)] == before

    # The dumped tree runs again with its PIDs: restoring the same image now must refuse.
    status, err = d.request("POST", "/v1/jobs/count/restore", {})
    assert status == 409 and "in use" in err["error"]

    lst = d.ok("GET", "/v1/checkpoints?job=count")["checkpoints"]
    assert [c["id"] for c in lst] == [ck["id"]]
    got = d.ok("GET", f"/v1/checkpoints/{ck['id']}")
    assert got["image"]["tasks"][0]["pid"] == job["pid"]

    d.ok("POST", "/v1/jobs/count2/kill", {"signal": 9})
    j = d.wait_job("count2", ("exited",))
    assert j["signal"] == 9 and j["exit_code"] is None
    assert d.request("DELETE", f"/v1/checkpoints/{ck['id']}")[0] == 204
    assert not Path(ck["path"]).exists()
    assert d.request("GET", f"/v1/checkpoints/{ck['id']}")[0] == 404


@needs_restore
@pytest.mark.parametrize("body", [{"compression": "tar"},
                                  {"compression": "zstd", "streams": 2}])
def test_dump_restore_other_layouts(daemon, body):
    """A tar archive or compressed streams: restored as a new job, the count goes on."""
    d = daemon()
    start_counter(d, "t")
    ck = d.ok("POST", "/v1/jobs/t/dump", body, status=201)
    if body["compression"] == "tar":
        assert sorted(p.name for p in Path(ck["path"]).iterdir()) == ["image.tar"]
        assert ck["streams"] == 0
    before = numbers(d.request("GET", "/v1/jobs/t/logs")[1])
    assert d.ok("GET", f"/v1/checkpoints/{ck['id']}")["image"]["tasks"]
    d.ok("POST", "/v1/jobs/t/restore", {"id": "t2"}, status=201)
    wait_log(d, "t2", lambda t: len(t.split()) >= len(before) + 10)
    after = numbers(d.request("GET", "/v1/jobs/t2/logs")[1])
    assert after == list(range(after[0], after[-1] + 1)) and after[:len(before)] == before
    d.ok("POST", "/v1/jobs/t2/kill", {"signal": 9})
    d.wait_job("t2", ("exited",))


def test_leave_running_freeze(daemon):
    d = daemon()
    start_counter(d, "c")
    ck = d.ok("POST", "/v1/jobs/c/dump", {"leave_running": True, "compression": "zstd",
                                          "streams": 2}, status=201)
    assert ck["leave_running"] is True and ck["compression"] == "zstd" and ck["streams"] == 2
    assert ck["options"]["compression"] == "zstd" and ck["options"]["streams"] == 2
    assert d.ok("GET", f"/v1/checkpoints/{ck['id']}")["image"] is not None
    assert d.ok("GET", "/v1/jobs/c")["state"] == "running"
    n = len(numbers(d.request("GET", "/v1/jobs/c/logs")[1]))
    wait_log(d, "c", lambda t: len(t.split()) > n + 10)

    assert d.ok("POST", "/v1/jobs/c/freeze")["state"] == "frozen"
    time.sleep(0.1)
    frozen = d.request("GET", "/v1/jobs/c/logs")[1]
    time.sleep(0.3)
    assert d.request("GET", "/v1/jobs/c/logs")[1] == frozen, "frozen job still prints"
    assert d.request("POST", "/v1/jobs/c/freeze")[0] == 409
    # A dump of a frozen job thaws it for the engine (for a moment) and freezes it again.
    d.ok("POST", "/v1/jobs/c/dump", {"leave_running": True}, status=201)
    assert d.ok("GET", "/v1/jobs/c")["state"] == "frozen"
    frozen = d.request("GET", "/v1/jobs/c/logs")[1]
    time.sleep(0.3)
    assert d.request("GET", "/v1/jobs/c/logs")[1] == frozen
    assert d.ok("POST", "/v1/jobs/c/unfreeze")["state"] == "running"
    wait_log(d, "c", lambda t: len(t) > len(frozen) + 20)
    assert len(d.ok("GET", "/v1/checkpoints?job=c")["checkpoints"]) == 2


def needs_tracking(d):
    """Skips where the kernel cannot track writes (pre-dump needs Linux 6.7+)."""
    feats = {f["name"]: f["present"] for f in d.ok("GET", "/v1/health")["engine"]["features"]}
    if not feats.get("write-tracking"):
        pytest.skip("no userfaultfd write tracking here: pre-dump cannot work")


def start_mem_dirty(d, job_id, mib=32):
    """mem_dirty: a mutator thread rewrites, drops, moves and re-protects pages all the time;
    on SIGUSR1 it checks every page against the version it must hold and prints PASS."""
    d.ok("POST", "/v1/jobs", {"id": job_id, "command": [workload("mem_dirty"), str(mib)]})
    wait_log(d, job_id, lambda t: "ready" in t, timeout=30)


def mem_dirty_writes(d, job_id):
    """The job still runs and writes: two SIGUSR2 status answers, the second further on."""
    gens = []
    for _ in range(2):
        n = d.request("GET", f"/v1/jobs/{job_id}/logs")[1].count("status ")
        d.ok("POST", f"/v1/jobs/{job_id}/kill", {"signal": signal.SIGUSR2})
        text = wait_log(d, job_id, lambda t: t.count("status ") > n)
        gens.append(int(re.findall(r"^status gen=(\d+)", text, re.M)[-1]))
        time.sleep(0.2)
    assert gens[1] > gens[0], f"the job stopped writing: {gens}"


@needs_restore
def test_pre_dump_chain_restores(daemon):
    """A migration off a draining node: pre-dump while the job runs, pre-dump again on it,
    dump on that (the job stops only for the pages written since), restore: every page holds
    the version it had when the job was dumped."""
    d = daemon()
    needs_tracking(d)
    start_mem_dirty(d, "m")
    pre1 = d.ok("POST", "/v1/jobs/m/dump", {"pre_dump": True}, status=201)
    assert pre1["kind"] == "pre-dump" and pre1["parent"] is None
    assert pre1["leave_running"] is True and pre1["options"]["pre_dump"] is True
    assert (Path(pre1["path"]) / "predump.json").is_file()
    assert d.ok("GET", "/v1/jobs/m")["state"] == "running"
    mem_dirty_writes(d, "m")

    pre2 = d.ok("POST", "/v1/jobs/m/dump", {"pre_dump": True, "parent": pre1["id"],
                                            "compression": "lz4"}, status=201)
    assert pre2["kind"] == "pre-dump" and pre2["parent"] == pre1["id"]
    assert pre2["compression"] == "lz4" and pre2["options"]["parent"] == pre1["id"]
    assert pre2["size"] < pre1["size"], "the second pre-dump copied everything again"
    mem_dirty_writes(d, "m")

    final = d.ok("POST", "/v1/jobs/m/dump", {"parent": pre2["id"]}, status=201)
    assert final["kind"] == "dump" and final["parent"] == pre2["id"]
    assert final["size"] < pre1["size"]
    job = d.ok("GET", "/v1/jobs/m")
    assert job["state"] == "checkpointed"
    # The engine names the parent by a path relative to the image: the checkpoint
    # directories sit side by side under checkpoint.dir, and it resolves to pre2.
    meta = json.loads((Path(final["path"]) / "cryo.json").read_text())
    assert not os.path.isabs(meta["parent"])
    assert (Path(final["path"]) / meta["parent"]).resolve() == Path(pre2["path"]).resolve()

    lst = d.ok("GET", "/v1/checkpoints?job=m")["checkpoints"]
    assert [(c["id"], c["kind"], c["parent"]) for c in lst] == [
        (pre1["id"], "pre-dump", None), (pre2["id"], "pre-dump", pre1["id"]),
        (final["id"], "dump", pre2["id"])]
    got = d.ok("GET", f"/v1/checkpoints/{pre2['id']}")
    assert got["kind"] == "pre-dump" and got["image"]["format"] == "cryo-predump"
    got = d.ok("GET", f"/v1/checkpoints/{final['id']}")
    assert got["parent"] == pre2["id"] and got["image"]["tasks"][0]["pid"] == job["pid"]

    # The default is the newest restorable checkpoint: the incremental dump, not a pre-dump.
    new = d.ok("POST", "/v1/jobs/m/restore", {"id": "m2"}, status=201)
    assert new["restored_from"] == final["id"] and new["pid"] == job["pid"]
    d.ok("POST", "/v1/jobs/m2/kill", {"signal": signal.SIGUSR1})
    j = d.wait_job("m2", ("exited",), timeout=60)
    log = d.request("GET", "/v1/jobs/m2/logs")[1]
    assert j["exit_code"] == 0 and "PASS" in log, log[-2000:]


def test_pre_dump_refusals(daemon):
    d = daemon()
    needs_tracking(d)
    start_counter(d, "r")
    start_counter(d, "other")
    cases = [
        ({"pre_dump": True, "leave_running": True}, 400, "leave_running"),
        ({"pre_dump": True, "leave_running": False}, 400, "leave_running"),
        ({"pre_dump": True, "compression": "tar"}, 400, "compression"),
        ({"parent": "nope", "compression": "tar"}, 400, "compression"),
        ({"pre_dump": "yes"}, 400, "pre_dump"),
        ({"parent": "../x"}, 400, "parent"),
        ({"parent": 5}, 400, "parent"),
        ({"parent": "nope"}, 404, "parent: checkpoint nope not found"),
    ]
    for body, want, words in cases:
        status, out = d.request("POST", "/v1/jobs/r/dump", body)
        assert status == want and words in out["error"], (body, status, out)
    assert d.ok("GET", "/v1/checkpoints")["checkpoints"] == []

    pre = d.ok("POST", "/v1/jobs/r/dump", {"pre_dump": True}, status=201)
    full = d.ok("POST", "/v1/jobs/r/dump", {"leave_running": True}, status=201)
    assert full["kind"] == "dump" and full["parent"] is None
    status, out = d.request("POST", "/v1/jobs/r/dump", {"parent": full["id"]})
    assert status == 409 and out["error"].startswith("parent: ") and \
        "not a pre-dump" in out["error"], out
    status, out = d.request("POST", "/v1/jobs/other/dump", {"parent": pre["id"]})
    assert status == 400 and f"belongs to job r, not other" in out["error"], out
    # A pre-dump holds memory only: never restored, and not the default to restore.
    status, out = d.request("POST", "/v1/jobs/r/restore", {"checkpoint": pre["id"]})
    assert status == 409 and "pre-dump" in out["error"], out
    d.ok("POST", "/v1/jobs/other/dump", {"pre_dump": True}, status=201)
    status, out = d.request("POST", "/v1/jobs/other/restore", {})
    assert status == 404 and "no checkpoint to restore" in out["error"], out
    # A frozen job is thawed for the pre-dump and frozen again; either way it runs on.
    assert d.ok("POST", "/v1/jobs/other/freeze")["state"] == "frozen"
    d.ok("POST", "/v1/jobs/other/dump", {"pre_dump": True}, status=201)
    assert d.ok("GET", "/v1/jobs/other")["state"] == "frozen"
    assert d.ok("POST", "/v1/jobs/other/unfreeze")["state"] == "running"

    # A pre-dump whose image went away cannot be built on.
    gone = d.ok("POST", "/v1/jobs/r/dump", {"pre_dump": True}, status=201)
    shutil.rmtree(gone["path"])
    status, out = d.request("POST", "/v1/jobs/r/dump", {"parent": gone["id"]})
    assert status == 410 and "parent" in out["error"] and "gone" in out["error"], out

    # The parent of another checkpoint stays unless forced, and the child then says why it
    # cannot be restored.
    pre = d.ok("POST", "/v1/jobs/r/dump", {"pre_dump": True}, status=201)
    inc = d.ok("POST", "/v1/jobs/r/dump", {"parent": pre["id"], "leave_running": True},
               status=201)
    assert inc["kind"] == "dump" and inc["parent"] == pre["id"]
    status, out = d.request("DELETE", f"/v1/checkpoints/{pre['id']}")
    assert status == 409 and inc["id"] in out["error"] and "force" in out["error"], out
    assert Path(pre["path"]).is_dir()
    assert d.request("DELETE", f"/v1/checkpoints/{pre['id']}?force=1")[0] == 204
    assert not Path(pre["path"]).exists()
    assert d.ok("GET", f"/v1/checkpoints/{inc['id']}")["parent"] == pre["id"]
    status, out = d.request("POST", "/v1/jobs/r/restore", {"checkpoint": inc["id"]})
    assert status == 410 and pre["id"] in out["error"] and "deleted" in out["error"], out
    # A checkpoint nothing builds on goes without force.
    assert d.request("DELETE", f"/v1/checkpoints/{inc['id']}")[0] == 204
    assert d.request("DELETE", f"/v1/checkpoints/{full['id']}")[0] == 204
    assert d.ok("GET", "/v1/jobs/r")["state"] == "running"


def test_schema_migration_keeps_old_checkpoints(daemon):
    """A database from before pre-dumps (schema 2): its checkpoints become kind "dump"."""
    d = daemon(start=False)
    d.state.mkdir(parents=True)
    con = sqlite3.connect(d.state / "cryod.db")
    con.executescript(
        "CREATE TABLE schema_version (version INTEGER NOT NULL);"
        "INSERT INTO schema_version VALUES (2);"
        "CREATE TABLE jobs ("
        " id TEXT PRIMARY KEY, pid INTEGER NOT NULL, starttime INTEGER NOT NULL,"
        " state TEXT NOT NULL, exit_code INTEGER, signal INTEGER,"
        " command TEXT NOT NULL, env TEXT, cwd TEXT, uid INTEGER NOT NULL,"
        " gid INTEGER NOT NULL, created TEXT NOT NULL, restored_from TEXT, log TEXT,"
        " stdin_path TEXT, attachable INTEGER NOT NULL DEFAULT 0,"
        " adopted INTEGER NOT NULL DEFAULT 0, note TEXT, seq INTEGER);"
        "CREATE TABLE checkpoints ("
        " id TEXT PRIMARY KEY, job TEXT NOT NULL, path TEXT NOT NULL, created TEXT NOT NULL,"
        " size INTEGER NOT NULL, compression TEXT NOT NULL, streams INTEGER NOT NULL,"
        " leave_running INTEGER NOT NULL, options TEXT, profile TEXT, seq INTEGER);"
        "CREATE INDEX checkpoints_job ON checkpoints (job, seq);"
        "INSERT INTO checkpoints VALUES ('ck-old', 'gone', '/nonexistent/ck-old',"
        " '2026-01-01T00:00:00Z', 42, 'none', 0, 0, NULL, NULL, 1);")
    con.commit()
    con.close()
    d.start()
    assert d.ok("GET", "/v1/health")["schema_version"] == 5
    [ck] = d.ok("GET", "/v1/checkpoints")["checkpoints"]
    assert ck["id"] == "ck-old" and ck["kind"] == "dump" and ck["parent"] is None
    assert "migration 3 applied" in d.log_text()


def test_exit_kill_delete(daemon, tmp_path):
    d = daemon()
    d.ok("POST", "/v1/jobs", {"id": "three", "command": ["sh", "-c", "echo hi; exit 3"],
                              "env": ["FOO=bar"], "cwd": str(tmp_path)})
    j = d.wait_job("three", ("exited",))
    assert j["exit_code"] == 3 and j["signal"] is None and j["cwd"] == str(tmp_path)
    assert d.request("GET", "/v1/jobs/three/logs")[1] == "hi\n"
    d.ok("POST", "/v1/jobs", {"id": "env", "command": ["sh", "-c", "echo $FOO; pwd"],
                              "env": ["FOO=bar"], "cwd": str(tmp_path)})
    d.wait_job("env", ("exited",))
    assert d.request("GET", "/v1/jobs/env/logs")[1] == f"bar\n{tmp_path}\n"

    s = d.ok("POST", "/v1/jobs", {"command": ["sleep", "60"]})
    assert re.fullmatch(r"job-[0-9a-f]{8}", s["id"])
    status, err = d.request("DELETE", f"/v1/jobs/{s['id']}")
    assert status == 409 and "force" in err["error"]
    d.ok("POST", f"/v1/jobs/{s['id']}/kill", {})
    j = d.wait_job(s["id"], ("exited",))
    assert j["signal"] == 15
    assert d.request("POST", f"/v1/jobs/{s['id']}/kill", {})[0] == 409
    assert d.request("DELETE", f"/v1/jobs/{s['id']}")[0] == 204
    assert d.request("GET", f"/v1/jobs/{s['id']}")[0] == 404

    f = d.ok("POST", "/v1/jobs", {"command": ["sleep", "60"]})
    assert d.request("DELETE", f"/v1/jobs/{f['id']}?force=1")[0] == 204
    assert not alive(f["pid"])
    ids = [j["id"] for j in d.ok("GET", "/v1/jobs")["jobs"]]
    assert ids == ["three", "env"]


def test_manage_adopts_a_process(daemon, tmp_path):
    d = daemon()
    p = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        deadline = time.time() + 5
        while not Path(f"/proc/{p.pid}/cmdline").read_bytes().startswith(b"sleep"):
            assert time.time() < deadline
            time.sleep(0.01)
        j = d.ok("POST", "/v1/jobs/manage", {"id": "adopted", "pid": p.pid})
        assert j["adopted"] and j["command"] == ["sleep", "60"] and j["log"] is None
        assert d.request("POST", "/v1/jobs/manage", {"pid": p.pid})[0] == 409
        assert d.request("GET", "/v1/jobs/adopted/logs")[0] == 404
        d.ok("POST", "/v1/jobs/adopted/kill", {"signal": 9})
        p.wait(5)
        j = d.wait_job("adopted", ("exited",))
        assert j["exit_code"] is None and j["signal"] is None and "unknown" in j["note"]
    finally:
        p.kill()
        p.wait()
    assert d.request("POST", "/v1/jobs/manage", {"pid": 4000000})[0] == 404


def test_logs_follow_and_profile_trailer(daemon):
    d = daemon()
    d.ok("POST", "/v1/jobs", {"id": "f", "command": [
        "sh", "-c", "for i in 1 2 3 4 5; do echo line$i; sleep 0.1; done"]})
    t0 = time.time()
    r = d.raw("GET", "/v1/jobs/f/logs?follow=1")
    assert r.status == 200 and r.getheader("Transfer-Encoding") == "chunked"
    text = r.read().decode()
    assert text == "".join(f"line{i}\n" for i in range(1, 6))
    assert time.time() - t0 > 0.3, "follow returned before the job ended"
    # The trailer, read from the raw stream (http.client drops trailers).
    s = socket.socket(socket.AF_UNIX)
    s.connect(str(d.sock))
    s.sendall(b"GET /v1/jobs/f/logs?profile=1 HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n"
              b"Connection: close\r\n\r\n")
    raw = b""
    while chunk := s.recv(65536):
        raw += chunk
    s.close()
    m = re.search(rb"\r\n0\r\nCryo-Profile: (\{.*\})\r\n", raw)
    assert m, raw[-300:]
    prof = json.loads(m.group(1))
    assert prof["bytes"] == len(text) and "stream" in prof["phases"]


def test_attach(daemon):
    d = daemon()
    d.ok("POST", "/v1/jobs", {"id": "echo", "attachable": True, "command": [
        "python3", "-u", "-c",
        "import sys\nfor l in sys.stdin:\n    print('got', l.strip(), flush=True)\n"]})
    status, err = d.request("POST", "/v1/jobs/echo/attach")
    assert status == 400 and "Upgrade" in err["error"]
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(str(d.sock))
    s.sendall(b"POST /v1/jobs/echo/attach HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
              b"Upgrade: cryo-attach\r\nContent-Length: 0\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    s.sendall(b"hello\n")
    got = b""
    while b"got hello\n" not in got:
        got += s.recv(4096)
    s.close()
    assert "got hello" in d.request("GET", "/v1/jobs/echo/logs")[1]
    d.ok("POST", "/v1/jobs", {"id": "plain", "command": ["sleep", "30"]})
    status, err = d.request("POST", "/v1/jobs/plain/attach")
    assert status == 409 and "attachable" in err["error"]


@needs_restore
def test_attachable_job_dump_restore(daemon):
    """The engine restores a FIFO by path: an attachable job survives a dump and restore."""
    d = daemon()
    d.ok("POST", "/v1/jobs", {"id": "a", "attachable": True, "command": [
        "python3", "-u", "-c",
        "import sys\nprint('ready', flush=True)\n"
        "for l in sys.stdin:\n    print('got', l.strip(), flush=True)\n"]})
    wait_log(d, "a", lambda t: "ready" in t)
    d.ok("POST", "/v1/jobs/a/dump", {}, status=201)
    j = d.ok("POST", "/v1/jobs/a/restore", {"id": "a2"}, status=201)
    assert j["attachable"]
    with open(d.state / "jobs" / "a.stdin", "w") as fifo:
        fifo.write("after\n")
    wait_log(d, "a2", lambda t: "got after" in t)


def test_validation(daemon):
    d = daemon()
    d.ok("POST", "/v1/jobs", {"id": "v", "command": ["sleep", "30"]})
    cases = [
        ("POST", "/v1/jobs", None, 400, "command: required"),
        ("POST", "/v1/jobs", {"command": "sleep"}, 400, "command"),
        ("POST", "/v1/jobs", {"command": []}, 400, "command"),
        ("POST", "/v1/jobs", {"command": [1]}, 400, "command[0]"),
        ("POST", "/v1/jobs", {"command": ["sleep"], "extra": 1}, 400, "extra"),
        ("POST", "/v1/jobs", {"command": ["sleep"], "id": "bad/id"}, 400, "id"),
        ("POST", "/v1/jobs", {"command": ["sleep"], "id": "x" * 65}, 400, "id"),
        ("POST", "/v1/jobs", {"command": ["sleep"], "cwd": "relative"}, 400, "cwd"),
        ("POST", "/v1/jobs", {"command": ["sleep"], "cwd": "/tmp/../etc"}, 400, "cwd"),
        ("POST", "/v1/jobs", {"command": ["sleep"], "uid": -1}, 400, "uid"),
        ("POST", "/v1/jobs", {"command": ["sleep"], "uid": "0"}, 400, "uid"),
        ("POST", "/v1/jobs", {"command": ["sleep"], "env": ["NOEQUALS"]}, 400, "env[0]"),
        ("POST", "/v1/jobs", {"command": ["sleep"], "attachable": 1}, 400, "attachable"),
        ("POST", "/v1/jobs", {"command": ["no-such-program-x"]}, 400, "command[0]"),
        ("POST", "/v1/jobs", {"command": ["sleep"], "cwd": "/nonexistent"}, 400, "cwd"),
        ("POST", "/v1/jobs", {"command": ["sleep"], "id": "v"}, 409, "id"),
        ("POST", "/v1/jobs", "{not json", 400, "body"),
        ("POST", "/v1/jobs", "[1, 2]", 400, "body"),
        ("POST", "/v1/jobs", '{"command": ["a"], "command": ["b"]}', 400, "body"),
        ("POST", "/v1/jobs/manage", {}, 400, "pid"),
        ("POST", "/v1/jobs/manage", {"pid": 0}, 400, "pid"),
        ("POST", "/v1/jobs/v/kill", {"signal": 99}, 400, "signal"),
        ("POST", "/v1/jobs/v/dump", {"dir": "relative/dir"}, 400, "dir"),
        ("POST", "/v1/jobs/v/dump", {"dir": "/a/../b"}, 400, "dir"),
        ("POST", "/v1/jobs/v/dump", {"dir": "/tmp/outside"}, 400, "dir"),
        ("POST", "/v1/jobs/v/dump", {"compression": "rar"}, 400, "compression"),
        ("POST", "/v1/jobs/v/dump", {"streams": 1000}, 400, "streams"),
        ("POST", "/v1/jobs/v/dump", {"leave_running": "yes"}, 400, "leave_running"),
        ("POST", "/v1/jobs/v/restore", {"checkpoint": "../x"}, 400, "checkpoint"),
        ("POST", "/v1/jobs/v/restore", {}, 404, "checkpoint"),
        ("POST", "/v1/jobs/v/restore", {"checkpoint": "nope"}, 404, "checkpoint"),
        ("GET", "/v1/jobs/v", {"x": 1}, 400, "x"),
        ("GET", "/v1/jobs/" + "y" * 65, None, 400, "id"),
        ("GET", "/v1/jobs/nope", None, 404, "nope"),
        ("GET", "/v1/checkpoints/nope", None, 404, "nope"),
        ("GET", "/v1/checkpoints?job=a/b", None, 400, "job"),
        ("GET", "/v1/nothing", None, 404, "endpoint"),
        ("GET", "/v2/jobs", None, 404, "endpoint"),
        ("PUT", "/v1/jobs", None, 405, "/v1/jobs"),
        ("POST", "/v1/jobs/v/frobnicate", None, 404, "frobnicate"),
    ]
    for method, path, body, want, word in cases:
        status, out = d.request(method, path, body)
        assert status == want, f"{method} {path} {body!r}: {status} {out}"
        assert isinstance(out, dict) and word in out["error"], f"{path} {body!r}: {out}"
    # Oversized bodies: 413, whether or not the size is announced.
    big = json.dumps({"command": ["sleep"], "env": ["A=" + "x" * (1 << 20)]})
    status, out = d.request("POST", "/v1/jobs", big)
    assert status == 413 and "body" in out["error"]
    c = d.connection()
    c.putrequest("POST", "/v1/jobs")
    c.putheader("Transfer-Encoding", "chunked")
    c.endheaders()
    for _ in range(20):
        piece = b"x" * 65536
        c.send(b"%x\r\n%s\r\n" % (len(piece), piece))
    c.send(b"0\r\n\r\n")
    r = c.getresponse()
    assert r.status == 413, r.read()
    r.read()
    c.close()
    # Still alive, and nothing was created by the bad requests.
    assert d.ok("GET", "/v1/health")["db"] == "ok"
    assert [j["id"] for j in d.ok("GET", "/v1/jobs")["jobs"]] == ["v"]


def test_kill9_restart_keeps_state(daemon):
    d = daemon()
    start_counter(d, "survivor")
    d.ok("POST", "/v1/jobs", {"id": "done", "command": ["sh", "-c", "exit 7"]})
    d.wait_job("done", ("exited",))
    d.ok("POST", "/v1/jobs", {"id": "doomed", "command": ["sleep", "60"]})
    ck = d.ok("POST", "/v1/jobs/survivor/dump", {"leave_running": True}, status=201)
    before = {j["id"]: j for j in d.ok("GET", "/v1/jobs")["jobs"]}
    d.kill9()
    # While cryod is down, one job ends: the next cryod finds it gone.
    os.kill(before["doomed"]["pid"], signal.SIGKILL)
    # Its parent is now this test process (a subreaper): reap it, as init would.
    os.waitpid(before["doomed"]["pid"], 0)
    d.start()
    after = {j["id"]: j for j in d.ok("GET", "/v1/jobs")["jobs"]}
    assert set(after) == {"survivor", "done", "doomed"}
    assert after["done"]["state"] == "exited" and after["done"]["exit_code"] == 7
    assert after["doomed"]["state"] == "lost"
    s = after["survivor"]
    assert s["state"] == "running" and s["pid"] == before["survivor"]["pid"]
    assert "re-adopted" in s["note"]
    assert [c["id"] for c in d.ok("GET", "/v1/checkpoints")["checkpoints"]] == [ck["id"]]
    # Still counting, still controllable; its end is seen through its pidfd.
    n = len(d.request("GET", "/v1/jobs/survivor/logs")[1])
    wait_log(d, "survivor", lambda t: len(t) > n + 20)
    d.ok("POST", "/v1/jobs/survivor/kill", {"signal": 9})
    j = d.wait_job("survivor", ("exited",))
    assert j["exit_code"] is None and j["signal"] is None and "unknown" in j["note"]
    # A clean stop (SIGTERM) keeps the state as well.
    assert d.stop() == 0
    assert not d.sock.exists()
    d.start()
    assert len(d.ok("GET", "/v1/jobs")["jobs"]) == 3


def test_concurrent_clients(daemon):
    d = daemon()
    d.ok("POST", "/v1/jobs", {"id": "base", "command": ["sleep", "60"]})
    errors = []

    def client(i):
        try:
            for k in range(6):
                op = (i + k) % 5
                if op == 0:
                    status, _ = d.request("GET", "/v1/health")
                    ok = status == 200
                elif op == 1:
                    status, out = d.request("GET", "/v1/jobs")
                    ok = status == 200 and any(j["id"] == "base" for j in out["jobs"])
                elif op == 2:
                    status, out = d.request("POST", "/v1/jobs",
                                            {"id": f"t{i}-{k}", "command": ["true"]})
                    ok = status == 201
                elif op == 3:
                    status, out = d.request("GET", "/v1/jobs/base")
                    ok = status == 200 and out["state"] == "running"
                else:
                    status, out = d.request("POST", "/v1/jobs", {"command": 5})
                    ok = status == 400
                if not ok:
                    errors.append((i, k, status, out))
        except Exception as e:  # noqa: BLE001 - any failure of a client is the finding
            errors.append((i, repr(e)))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors[:5]
    jobs = d.ok("GET", "/v1/jobs")["jobs"]
    made = [j for j in jobs if j["id"].startswith("t")]
    assert len(made) == 60
    for j in made:
        d.wait_job(j["id"], ("exited",))
    assert all(d.ok("GET", f"/v1/jobs/{j['id']}")["exit_code"] == 0 for j in made)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_tcp_needs_token(daemon):
    port = free_port()
    d = daemon(config={"protocol": "tcp", "address": f"127.0.0.1:{port}"}, start=False)
    p = d.spawn()
    assert p.wait(10) == 2
    assert "connection.auth_token" in d.log_text()

    token = "s3cret-token-0123456789"
    d = daemon(config={"protocol": "tcp", "address": f"127.0.0.1:{port}",
                       "connection": {"auth_token": token}}, start=False, sub="d2")
    d.spawn()
    import http.client
    deadline = time.time() + 10
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/v1/health")
            r = c.getresponse()
            break
        except OSError:
            assert time.time() < deadline, d.log_text()
            time.sleep(0.05)
    assert r.status == 401 and "Bearer" in r.getheader("WWW-Authenticate", "")
    assert "authorization" in json.loads(r.read())["error"]
    for auth, want in (("Bearer wrong", 401), ("Bearer " + token + "x", 401),
                       ("Basic " + token, 401), ("Bearer " + token, 200)):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/v1/health", headers={"Authorization": auth})
        r = c.getresponse()
        r.read()
        assert r.status == want, auth


def test_config_errors(daemon):
    d = daemon(start=False)
    bad = [
        ("protocol: unix\nbogus: 1\n", "line 2: bogus"),
        ("checkpoint:\n  dir: /x\n  colour: red\n", "line 3: checkpoint.colour"),
        ("checkpoint:\n  compression: rar\n", "line 2: checkpoint.compression"),
        ("checkpoint:\n  stream: -1\n", "checkpoint.stream"),
        ("profiling:\n  enabled: maybe\n", "profiling.enabled"),
        ("state_dir: relative\n", "state_dir"),
        ("db:\n  remote: postgres://x\n", "db.remote: not a boolean"),
        ("db:\n  remote: true\n", "set checkpoint.dir to s3://"),
        ("profiling:\n  precision: ps\n", "profiling.precision: not one of auto, ns, us, ms"),
        ("checkpoint:\n  dir: s3://\n", "checkpoint.dir: not s3://BUCKET/PREFIX"),
        ("protocol: [unix]\n", "protocol"),
        ("protocol: unix\n  bad indent: x\n", "line"),
    ]
    for text, word in bad:
        d.log.write_text("")
        p = d.spawn(config_text=text)
        assert p.wait(10) == 2, text
        assert word in d.log_text(), (text, d.log_text())
    # The environment overrides the file, and names itself in errors.
    d.log.write_text("")
    p = d.spawn(env={"CRYO_CHECKPOINT_COMPRESSION": "rar"})
    assert p.wait(10) == 2 and "CRYO_CHECKPOINT_COMPRESSION" in d.log_text()
    # A flag overrides both.
    d.log.write_text("")
    p = d.spawn(args=["--checkpoint-compression", "lz4", "--bogus-flag", "1"])
    assert p.wait(10) == 2 and "--bogus-flag" in d.log_text()
    # Env and flags reach the daemon: a dump's default leave_running comes from them.
    d.start(env={"CRYO_LEAVE_RUNNING": "true"}, args=["--profiling"])
    start_counter(d, "e")
    ck = d.ok("POST", "/v1/jobs/e/dump", {}, status=201)
    assert ck["leave_running"] is True and "profile" in d.ok("GET", "/v1/jobs/e")


def test_vsock_if_available(daemon):
    s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    try:
        s.bind((socket.VMADDR_CID_ANY, 0))
        port = s.getsockname()[1]
        s.close()
    except OSError as e:
        s.close()
        pytest.skip(f"vsock cannot bind here: {e}")
    d = daemon(config={"protocol": "vsock", "address": f"any:{port}"}, start=False)
    d.spawn()
    deadline = time.time() + 10
    while "listening" not in d.log_text():
        assert d.proc.poll() is None, d.log_text()
        assert time.time() < deadline, d.log_text()
        time.sleep(0.05)
    c = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    c.settimeout(2)
    try:
        c.connect((1, port))  # VMADDR_CID_LOCAL
    except OSError as e:
        c.close()
        pytest.skip(f"cryod listens on vsock, but the loopback transport is missing: {e}")
    c.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while chunk := c.recv(65536):
        data += chunk
    c.close()
    assert data.startswith(b"HTTP/1.1 200")
