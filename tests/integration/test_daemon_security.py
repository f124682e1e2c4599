"""cryod and cryo serve as a hostile client sees them (issue 12): the TCP listener's
authentication and limits, requests that must be refused, and what a crash leaves behind.

Each test drives a real cryod (cryod_harness.Cryod) or a real `cryo serve` and asserts the
exact outcome: a status, a message, a file that must or must not be there.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import CRYO, alive, cryo, workload
from cryod_harness import CRYOD, Cryod, daemon, self_signed  # noqa: F401 (a fixture)

TOKEN = "hardening-test-token-0123456789"

# A job with 1 GiB of non-zero memory: its dump takes long enough to act during it.
BIG = ("import time\n"
       "b = bytes(range(256)) * (4 << 20)\n"
       "print('ready', flush=True)\n"
       "while True:\n"
       "    time.sleep(1)\n")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tcp_request(port, method, path, token=TOKEN, body=None, auth=None, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = {"Authorization": auth if auth is not None else f"Bearer {token}"}
    if body is not None:
        body = json.dumps(body)
        h["Content-Type"] = "application/json"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    out = json.loads(data) if data and r.getheader("Content-Type", "").startswith(
        "application/json") else data
    return r.status, out, r


def tcp_daemon(daemon, token=TOKEN, sub="d", **kw):
    """A cryod on 127.0.0.1:PORT with a token; returns (cryod, port) once it answers."""
    port = free_port()
    d = daemon(config={"protocol": "tcp", "address": f"127.0.0.1:{port}",
                       "connection": {"auth_token": token}}, start=False, sub=sub, **kw)
    d.spawn()
    wait_tcp(d, port)
    return d, port


def wait_tcp(d, port, token=TOKEN):
    deadline = time.time() + 15
    while True:
        assert d.proc.poll() is None, d.log_text()
        try:
            status, _, _ = tcp_request(port, "GET", "/v1/health", token=token, timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        assert time.time() < deadline, d.log_text()
        time.sleep(0.05)


def threads_of(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def start_big(d, job_id):
    j = d.ok("POST", "/v1/jobs", {"id": job_id, "command": ["python3", "-c", BIG]})
    deadline = time.time() + 30
    while True:
        status, text = d.request("GET", f"/v1/jobs/{job_id}/logs")
        if status == 200 and text and "ready" in text:
            return j
        assert time.time() < deadline, text
        time.sleep(0.05)


def dump_in_thread(d, job_id, body):
    """Starts a dump request in a thread; returns (thread, result list [status, body])."""
    out = []

    def run():
        try:
            out.extend(d.request("POST", f"/v1/jobs/{job_id}/dump", body, timeout=120))
        except (OSError, http.client.HTTPException) as e:
            out.extend([None, repr(e)])
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, out


def wait_nonempty_dir(path, thread, timeout=30):
    """Waits until the dump has written something into path (while its request runs)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if any(Path(path).iterdir()):
                return True
        except FileNotFoundError:
            pass
        if not thread.is_alive():
            return False
        time.sleep(0.002)
    return False


# --- 4. the TCP listener ----------------------------------------------------------------------

def test_idle_connections_are_closed_and_threads_bounded(daemon):
    """150 connections that send nothing: cryod closes every one within seconds, holds a
    bounded number of threads meanwhile, and still answers a real client."""
    d, port = tcp_daemon(daemon)
    base = threads_of(d.proc.pid)
    socks = []
    for _ in range(150):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        socks.append(s)
    time.sleep(0.5)
    # One thread per connection, capped at the per-peer limit (64), not one per connection.
    assert threads_of(d.proc.pid) <= base + 64 + 2, threads_of(d.proc.pid)
    # Meanwhile another peer (127.0.0.2: loopback is a /8) is served at once.
    t = time.time()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5,
                                   source_address=("127.0.0.2", 0))
    c.request("GET", "/v1/health", headers={"Authorization": f"Bearer {TOKEN}"})
    r = c.getresponse()
    r.read()
    c.close()
    assert r.status == 200 and time.time() - t < 2
    t0 = time.time()
    closed = 0
    for s in socks:
        s.settimeout(max(0.1, t0 + 12 - time.time()))
        try:
            got = s.recv(1)
        except ConnectionResetError:
            got = b""
        except socket.timeout:
            got = None
        closed += got == b""
        s.close()
    assert closed == 150, f"only {closed} of 150 idle connections were closed"
    assert time.time() - t0 < 12
    # The peer is served again once the daemon has let go of those connections: their
    # threads end just after the close we saw (CI once connected in between, and met the
    # per-peer cap: a reset), so within a second or two, not at once.
    deadline = time.time() + 5
    while True:
        try:
            status, body, _ = tcp_request(port, "GET", "/v1/health")
            break
        except ConnectionResetError:
            assert time.time() < deadline, "the peer is still refused 5 s after its idle " \
                "connections were closed"
            time.sleep(0.1)
    assert status == 200 and body["protocol"] == "tcp"
    assert threads_of(d.proc.pid) <= base + 2


def test_wrong_token_refused_on_the_headers(daemon):
    """A wrong token with a 100 MB body announced: 401 comes back before a byte of the body is
    sent, the connection is closed, and the failure is logged with the peer, not the token."""
    d, port = tcp_daemon(daemon)
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong-guess-1234567890\r\n"
              b"Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n")
    t0 = time.time()
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        assert chunk, data
        data += chunk
    assert time.time() - t0 < 2
    head = data.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 401"), head
    assert "WWW-Authenticate: Bearer" in head, head
    # Nothing more is read: cryod closes its end.
    s.settimeout(5)
    rest = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            rest += chunk
    except ConnectionResetError:
        pass
    s.close()
    log = d.log_text()
    assert "authentication failed for POST from 127.0.0.1:" in log and "wrong token" in log, log
    assert "wrong-guess" not in log
    # A right token with a body still works (the refusal was not a broken listener).
    status, body, _ = tcp_request(port, "POST", "/v1/jobs", body={"command": ["sleep", "30"]})
    assert status == 201, body
    d._note(body)


def test_bearer_scheme_is_case_insensitive(daemon):
    d, port = tcp_daemon(daemon)
    for auth, want in ((f"bearer {TOKEN}", 200), (f"BEARER {TOKEN}", 200),
                       (f"Bearer   {TOKEN}", 200), (f"bEaReR {TOKEN}", 200),
                       (f"Bearer{TOKEN}", 401), (f"Bearer {TOKEN.upper()}", 401),
                       (f"Basic {TOKEN}", 401), ("Bearer ", 401), ("", 401)):
        status, _, r = tcp_request(port, "GET", "/v1/health", auth=auth)
        assert status == want, auth
        if want == 401:
            assert r.getheader("WWW-Authenticate", "").startswith("Bearer"), auth


@pytest.mark.parametrize("token,word", [
    (" " * 24, "space"),
    ("\t" * 24, "space"),
    ("has a space in it 0123456789", "space"),
    ("short", "at least 16"),
])
def test_bad_tokens_refused_at_start(daemon, token, word):
    port = free_port()
    d = daemon(config={"protocol": "tcp", "address": f"127.0.0.1:{port}",
                       "connection": {"auth_token": token}}, start=False)
    p = d.spawn()
    assert p.wait(10) == 2
    log = d.log_text()
    assert "connection.auth_token" in log and word in log, log
    if len(token.strip()) > 5:
        assert token not in log


def test_token_file(daemon, tmp_path):
    """--auth-token-file: the token works and is not on cryod's command line; a file others can
    read, a blank file, or a file and a token both are refused."""
    tf = tmp_path / "token"
    tf.write_text(TOKEN + "\n")
    tf.chmod(0o600)
    port = free_port()
    args = ["--protocol", "tcp", "--address", f"127.0.0.1:{port}", "--auth-token-file", str(tf)]
    d = daemon(start=False, args=args)
    d.spawn()
    wait_tcp(d, port)
    with open(f"/proc/{d.proc.pid}/cmdline", "rb") as f:
        assert TOKEN.encode() not in f.read()
    status, _, _ = tcp_request(port, "GET", "/v1/health", token=TOKEN + "\n".strip())
    assert status == 200
    status, _, _ = tcp_request(port, "GET", "/v1/health", token=TOKEN[:-1])
    assert status == 401
    d.stop()

    for mode, text, extra, word in (
            (0o644, TOKEN + "\n", [], "mode 0644"),
            (0o620, TOKEN + "\n", [], "mode 0620"),
            (0o600, "   \n", [], "space"),
            (0o600, "\n", [], "0 characters"),
            (0o600, TOKEN, ["--auth-token", TOKEN], "not both")):
        tf.write_text(text)
        tf.chmod(mode)
        d.log.write_text("")
        p = d.spawn(args=args + extra)
        assert p.wait(10) == 2, (mode, text)
        assert word in d.log_text() and "auth_token_file" in d.log_text(), d.log_text()
    # The environment variable of the key, as for every other key.
    tf.write_text(TOKEN)
    tf.chmod(0o640)
    d.log.write_text("")
    d.spawn(args=["--protocol", "tcp", "--address", f"127.0.0.1:{port}"],
            env={"CRYO_CONNECTION_AUTH_TOKEN_FILE": str(tf)})
    wait_tcp(d, port)
    # On loopback, plain HTTP is no warning; elsewhere it is (0.0.0.0 here).
    assert "plain HTTP" not in d.log_text()
    d.stop()
    d.log.write_text("")
    d.spawn(args=["--protocol", "tcp", "--address", f"0.0.0.0:{port}"],
            env={"CRYO_CONNECTION_AUTH_TOKEN_FILE": str(tf)})
    wait_tcp(d, port)
    assert "plain HTTP on 0.0.0.0:" in d.log_text(), d.log_text()


# --- 6. dangerous requests --------------------------------------------------------------------

def _kthread():
    for p in sorted(os.listdir("/proc"), key=lambda x: int(x) if x.isdigit() else 0):
        if not p.isdigit() or p == "1":
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                flags = int(f.read().rsplit(")", 1)[1].split()[6])
        except (OSError, IndexError, ValueError):
            continue
        if flags & 0x00200000:
            return int(p)
    return None


def _children(pid):
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/children") as f:
            out += [int(x) for x in f.read().split()]
    return out


def test_manage_refuses_init_kthreads_and_ancestors(daemon):
    """cryod under two shells of its own, so that an ancestor it wrongly adopted would be a
    disposable shell (cleanup kills every recorded pid), never this test's own parents."""
    d = daemon(start=False)
    d.write_config()
    logf = open(d.log, "ab")
    chain = ["sh", "-c", '"$@"; exit $?', "sh"] * 2
    outer = subprocess.Popen([*chain, CRYOD, "--config", str(d.config_path)],
                             stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
    logf.close()
    try:
        deadline = time.time() + 20
        while True:
            try:
                if d.request("GET", "/v1/health", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert time.time() < deadline and outer.poll() is None, d.log_text()
            time.sleep(0.05)
        [inner] = _children(outer.pid)
        [cryod] = _children(inner)
        status, body = d.request("POST", "/v1/jobs/manage", {"pid": 1})
        assert status == 400 and "init" in body["error"], body
        kt = _kthread()
        if kt:
            status, body = d.request("POST", "/v1/jobs/manage", {"pid": kt})
            assert status == 400 and "kernel thread" in body["error"], (kt, body)
        for pid in (inner, outer.pid):
            status, body = d.request("POST", "/v1/jobs/manage", {"pid": pid})
            assert status == 400 and "ancestor of cryod" in body["error"], (pid, body)
        status, body = d.request("POST", "/v1/jobs/manage", {"pid": cryod})
        assert status == 400 and "cryod itself" in body["error"], body
        assert d.ok("GET", "/v1/jobs")["jobs"] == []
        # An ordinary process is still adopted.
        p = subprocess.Popen(["sleep", "60"])
        try:
            j = d.ok("POST", "/v1/jobs/manage", {"pid": p.pid, "id": "plain"})
            assert j["adopted"] is True
        finally:
            p.kill()
            p.wait()
    finally:
        for pid in _children(outer.pid) if outer.poll() is None else []:
            for c in _children(pid):
                os.kill(c, signal.SIGTERM)
        outer.wait(20)


def test_control_characters_in_ids_are_refused(daemon):
    """DELETE /v1/jobs/-rf%00zzz used to delete job "-rf": the NUL cut the id."""
    d = daemon()
    d.ok("POST", "/v1/jobs", {"id": "-rf", "command": ["sleep", "60"]})
    for path in ("/v1/jobs/-rf%00zzz", "/v1/jobs/-rf%00", "/v1/jobs/-rf%0a", "/v1/jobs/-rf%1F",
                 "/v1/jobs/-rf%7f"):
        status, body = d.request("DELETE", path + "?force=1")
        assert status == 400 and "control character" in body["error"], (path, body)
    status, body = d.request("GET", "/v1/checkpoints?job=-rf%00x")
    assert status == 400, body
    status, body = d.request("POST", "/v1/jobs/-rf%00x/kill", {"signal": 9})
    assert status == 400, body
    j = d.ok("GET", "/v1/jobs/-rf")
    assert j["state"] == "running" and alive(j["pid"])
    # An escape of a plain character still decodes.
    assert d.ok("GET", "/v1/jobs/%2drf")["id"] == "-rf"


def test_symlink_in_checkpoint_dir_does_not_escape(daemon, tmp_path):
    d = daemon()
    d.ok("POST", "/v1/jobs", {"id": "s", "command": ["sleep", "60"]})
    outside = tmp_path / "outside"
    outside.mkdir()
    d.ckdir.mkdir(parents=True, exist_ok=True)
    (d.ckdir / "evil").symlink_to(outside)
    (d.ckdir / "file").write_text("x")
    for sub, word in (("evil/ck1", "symbolic link"), ("evil", "symbolic link"),
                      ("file/ck1", "not a directory")):
        status, body = d.request("POST", "/v1/jobs/s/dump", {"dir": f"{d.ckdir}/{sub}"})
        assert status == 400 and word in body["error"], (sub, body)
    assert list(outside.iterdir()) == []
    assert d.ok("GET", "/v1/jobs/s")["state"] == "running"
    assert d.ok("GET", "/v1/checkpoints")["checkpoints"] == []


def test_kill_during_a_dump_is_refused(daemon):
    """A kill while the job is being dumped is refused with 409; the dump completes."""
    d = daemon()
    start_big(d, "big")
    target = d.ckdir / "ck-kill"
    t, out = dump_in_thread(d, "big", {"dir": str(target), "leave_running": True})
    assert wait_nonempty_dir(target, t), out
    status, body = d.request("POST", "/v1/jobs/big/kill", {"signal": 9})
    t.join(120)
    assert status == 409 and "being dumped" in body["error"], body
    assert out[0] == 201, out
    assert d.ok("GET", "/v1/jobs/big")["state"] == "running"


def test_job_ended_during_a_dump_is_reported(daemon):
    """The job killed from outside while it is dumped: the dump says so (409), not the
    engine's "Bad address", and leaves no checkpoint or directory behind."""
    d = daemon()
    for attempt in range(3):
        job = f"big{attempt}"
        j = start_big(d, job)
        target = d.ckdir / f"ck-{attempt}"
        t, out = dump_in_thread(d, job, {"dir": str(target)})
        assert wait_nonempty_dir(target, t), out
        os.kill(j["pid"], signal.SIGKILL)
        t.join(120)
        if out[0] == 201:
            continue  # the dump was done before the kill landed: try again
        assert out[0] == 409, out
        assert "ended during it" in out[1]["error"] and "signal 9" in out[1]["error"], out
        assert "Bad address" not in out[1]["error"]
        assert not target.exists()
        assert d.ok("GET", f"/v1/checkpoints?job={job}")["checkpoints"] == []
        assert d.ok("GET", f"/v1/jobs/{job}")["state"] == "exited"
        return
    pytest.fail("every dump finished before the kill: the job is too small to race")


def test_errors_do_not_echo_what_was_parsed(daemon):
    """Messages name the file (or body) and the position, not the text that failed to parse."""
    d = daemon()
    status, body = d.request("POST", "/v1/jobs", b'{"command": ["true"], SECRET-IN-BODY}')
    assert status == 400 and "line 1 column" in body["error"], body
    assert "SECRET" not in body["error"]
    # A pre-dump's record, replaced with text that is not JSON: the checkpoint's view names
    # the file and the place.
    d.ok("POST", "/v1/jobs", {"id": "p", "command": ["sleep", "60"]})
    ck = d.ok("POST", "/v1/jobs/p/dump", {"pre_dump": True}, status=201)
    meta = Path(ck["path"]) / "predump.json"
    meta.write_text("root:SECRET-HASH:19000:0:99999:7:::\n")
    got = d.ok("GET", f"/v1/checkpoints/{ck['id']}")
    assert str(meta) in got["image_error"] and "line 1" in got["image_error"], got
    assert "SECRET" not in got["image_error"]
    # The config: neither an unknown key's odd text nor a bad value is printed.
    d2 = daemon(start=False, sub="d2")
    for text in ("profiling:\n  enabled: SECRET-VALUE\n",
                 "checkpoint:\n  compression: SECRET-VALUE\n",
                 "\"SECRET KEY\": 1\n"):
        d2.log.write_text("")
        p = d2.spawn(config_text=text)
        assert p.wait(10) == 2
        assert "line" in d2.log_text() and "SECRET" not in d2.log_text(), d2.log_text()


# --- 5a. checkpoints cut short ----------------------------------------------------------------

def test_partial_checkpoint_removed_after_kill9(daemon):
    """cryod killed -9 while it writes a checkpoint: at its next start the directory is gone
    and no checkpoint is listed."""
    d = daemon()
    start_big(d, "big")
    target = d.ckdir / "ck-partial"
    t, out = dump_in_thread(d, "big", {"dir": str(target), "leave_running": True})
    assert wait_nonempty_dir(target, t), out
    d.kill9()
    t.join(30)
    assert out and out[0] is None, out  # the request died with cryod: no answer
    assert target.exists()
    d.start()
    assert not target.exists(), list(target.iterdir())
    assert d.ok("GET", "/v1/checkpoints")["checkpoints"] == []
    assert "ck-partial was removed" in d.log_text() or "cut short" in d.log_text()
    # A later dump into the same directory works.
    ck = d.ok("POST", "/v1/jobs/big/dump", {"dir": str(target), "leave_running": True},
              status=201)
    assert ck["path"] == str(target)
    assert [c["id"] for c in d.ok("GET", "/v1/checkpoints")["checkpoints"]] == [ck["id"]]


# --- cryo serve -------------------------------------------------------------------------------

def _serve(args, port, env=None, host="127.0.0.1"):
    e = dict(os.environ)
    e.pop("CRYO_SERVE_TOKEN", None)
    e.pop("CRYO_SERVE_TOKEN_FILE", None)
    e.update(env or {})
    p = subprocess.Popen([CRYO, "serve", "--listen", f"{host}:{port}", *map(str, args)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         stdin=subprocess.DEVNULL, env=e)
    deadline = time.time() + 10
    while time.time() < deadline:
        if p.poll() is not None:
            return p
        if _listening(port):
            return p
        time.sleep(0.02)
    return p


def _listening(port):
    with open("/proc/net/tcp") as f:
        rows = f.read().splitlines()[1:]
    return any(r.split()[1].endswith(f":{port:04X}") and r.split()[3] == "0A" for r in rows)


def _dump_to(pid, port, env, extra=()):
    e = dict(os.environ)
    e.pop("CRYO_SERVE_TOKEN", None)
    e.pop("CRYO_SERVE_TOKEN_FILE", None)
    e.update(env)
    return subprocess.run([CRYO, "dump", "-t", str(pid), "--to", f"tcp://127.0.0.1:{port}",
                           "--streams", "2", "--leave-running", *map(str, extra)],
                          capture_output=True, text=True, timeout=120, env=e,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def sleeper():
    p = subprocess.Popen(["sleep", "300"])
    yield p
    p.kill()
    p.wait()


def test_serve_needs_a_token_off_loopback(tmp_path):
    port = free_port()
    p = _serve(["-D", tmp_path / "img"], port, host="0.0.0.0")
    try:
        assert p.wait(10) == 1
    finally:
        p.kill()  # a serve that wrongly listens must not outlive the test
    err = p.stderr.read()
    assert "not a loopback address" in err and "token" in err, err
    assert not (tmp_path / "img").exists()
    # A bad token is refused before listening.
    p = _serve(["-D", tmp_path / "img"], port, host="0.0.0.0",
               env={"CRYO_SERVE_TOKEN": "   "})
    try:
        assert p.wait(10) == 2
    finally:
        p.kill()
    assert "space" in p.stderr.read()


def test_serve_token_file_and_dump_token(tmp_path, sleeper):
    """serve --auth-token-file on 0.0.0.0; a stranger's connection with a wrong token is
    refused and logged, one that sends nothing is dropped after a few seconds, a dump
    without the token fails, and a dump with it (CRYO_SERVE_TOKEN_FILE) is stored."""
    tf = tmp_path / "token"
    tf.write_text(TOKEN + "\n")
    tf.chmod(0o600)
    img = tmp_path / "img"
    port = free_port()
    serve = _serve(["-D", img, "--auth-token-file", tf], port, host="0.0.0.0")
    try:
        assert serve.poll() is None, serve.stderr.read()
        with open(f"/proc/{serve.pid}/cmdline", "rb") as f:
            assert TOKEN.encode() not in f.read()
        # A wrong token, then bytes that would be an image: closed, nothing stored.
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"CRYO-TOKEN wrong-token-0123456789abc\n" + b"\0" * 4096)
        s.settimeout(10)
        answer = b""
        try:
            while True:
                chunk = s.recv(100)
                if not chunk:
                    break
                answer += chunk
        except ConnectionResetError:
            pass
        s.close()
        assert answer in (b"", b"ERR authentication failed\n"), answer
        # A stranger that connects and sends nothing must not hold serve for ever.
        idle = socket.create_connection(("127.0.0.1", port), timeout=10)
        # A dump without a token: serve refuses it; the dump fails and its tree runs on.
        p = _dump_to(sleeper.pid, port, {})
        assert p.returncode == 1, p.stderr
        assert alive(sleeper.pid)
        assert not img.exists() or not any(img.iterdir())
        # With the token (from a file, as serve has it): stored.
        p = _dump_to(sleeper.pid, port, {"CRYO_SERVE_TOKEN_FILE": str(tf)})
        assert p.returncode == 0, p.stderr
        assert serve.wait(60) == 0
        err = serve.stderr.read()
        idle.close()
    finally:
        serve.kill()
    assert "refused a connection from 127.0.0.1:" in err and "wrong token" in err, err
    assert "sent no token" in err, err
    assert "sent nothing in time" in err, err
    assert "wrong-token" not in err and TOKEN not in err
    assert (img / "cryo.json").exists()
    assert alive(sleeper.pid)


def test_dump_with_a_wrong_token_stores_nothing(tmp_path, sleeper):
    img = tmp_path / "img"
    port = free_port()
    serve = _serve(["-D", img], port, env={"CRYO_SERVE_TOKEN": TOKEN})
    try:
        p = _dump_to(sleeper.pid, port, {"CRYO_SERVE_TOKEN": TOKEN[::-1]})
        assert p.returncode == 1, p.stderr
        assert not img.exists() or not any(img.iterdir())
        assert serve.poll() is None
        # The flag wins over the environment's (wrong) token.
        tf = tmp_path / "token"
        tf.write_text(TOKEN + "\n")
        tf.chmod(0o600)
        p = _dump_to(sleeper.pid, port, {"CRYO_SERVE_TOKEN": "x" * 20},
                     extra=["--auth-token-file", tf])
        assert p.returncode == 0, p.stderr
        assert serve.wait(60) == 0
    finally:
        serve.kill()
    assert "wrong token" in serve.stderr.read()
    assert (img / "cryo.json").exists()


# --- TLS on cryod's TCP listener --------------------------------------------------------------

def test_https_listener_and_client(daemon, tmp_path):
    """cryod with connection.tls_cert_file/tls_key_file speaks HTTPS only; the CLI reaches it at
    https://HOST:PORT checking the certificate against $CRYO_CA_FILE."""
    import ssl
    if not shutil.which("openssl"):
        pytest.skip("no openssl")
    cert, key = self_signed(tmp_path)
    port = free_port()
    d = daemon(config={"protocol": "tcp", "address": f"127.0.0.1:{port}",
                       "connection": {"auth_token": TOKEN, "tls_cert_file": str(cert),
                                      "tls_key_file": str(key)}}, start=False)
    d.spawn()
    ctx = ssl.create_default_context(cafile=str(cert))
    deadline = time.time() + 15
    while True:
        assert d.proc.poll() is None, d.log_text()
        try:
            c = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=ctx)
            c.request("GET", "/v1/health", headers={"Authorization": f"Bearer {TOKEN}"})
            r = c.getresponse()
            body = json.loads(r.read())
            break
        except (OSError, ssl.SSLError):
            assert time.time() < deadline, d.log_text()
            time.sleep(0.05)
    assert r.status == 200 and body["protocol"] == "tcp"
    c = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=ctx)
    c.request("GET", "/v1/health")
    r = c.getresponse()
    r.read()
    assert r.status == 401
    # Plain HTTP gets no answer from an HTTPS listener.
    with pytest.raises((http.client.HTTPException, OSError)):
        status, _, _ = tcp_request(port, "GET", "/v1/health", timeout=5)
        assert status != 200
    # The CLI: with the CA it works, without it the certificate is refused.
    env = dict(os.environ, CRYO_TOKEN=TOKEN, CRYO_CA_FILE=str(cert))
    addr = f"https://127.0.0.1:{port}"
    p = subprocess.run([CRYO, "job", "run", "--address", addr, "--id", "t", "--", "sleep", "60"],
                       capture_output=True, text=True, env=env, timeout=30)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([CRYO, "job", "list", "--json", "--address", addr], capture_output=True,
                       text=True, env=env, timeout=30)
    assert p.returncode == 0, p.stderr
    jobs = json.loads(p.stdout)
    jobs = jobs["jobs"] if isinstance(jobs, dict) else jobs
    assert [j["id"] for j in jobs] == ["t"]
    d._note(jobs[0])
    p = subprocess.run([CRYO, "job", "attach", "--address", addr, "t"], capture_output=True,
                       text=True, env=env, timeout=30, stdin=subprocess.DEVNULL)
    assert p.returncode == 1 and "not available over https" in p.stderr, p.stderr
    env.pop("CRYO_CA_FILE")
    p = subprocess.run([CRYO, "job", "list", "--address", addr], capture_output=True,
                       text=True, env=env, timeout=30)
    assert p.returncode == 1 and "certificate" in p.stderr.lower(), p.stderr


def test_https_refusals(daemon, tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("no openssl")
    cert, key = self_signed(tmp_path)
    port = free_port()
    tcp = {"protocol": "tcp", "address": f"127.0.0.1:{port}"}
    cases = [
        ({**tcp, "connection": {"auth_token": TOKEN, "tls_cert_file": str(cert)}}, 2,
         "needs both"),
        ({"connection": {"tls_cert_file": str(cert), "tls_key_file": str(key)}}, 2,
         "protocol tcp only"),
    ]
    key.chmod(0o644)
    cases.append(({**tcp, "connection": {"auth_token": TOKEN, "tls_cert_file": str(cert),
                                         "tls_key_file": str(key)}}, 1, "mode 0644"))
    for i, (config, code, word) in enumerate(cases):
        d = daemon(config=config, start=False, sub=f"d{i}")
        p = d.spawn()
        assert p.wait(10) == code, (config, d.log_text())
        assert word in d.log_text(), d.log_text()
