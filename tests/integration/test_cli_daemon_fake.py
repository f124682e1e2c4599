"""The client side of cryod (libcryo-client and `cryo job|checkpoint`) against a fake daemon.

The fake speaks docs/api.md over a unix socket (or TCP) from a thread of the test process,
keeps jobs and checkpoints in dicts, records every request, and has ids that misbehave on
purpose: "missing" (404 with an error body), "boom" (500 with an HTML body), "notjson"
(200 with a body that is not JSON), "cut" (the connection closes mid-answer). So every error
path of the client is exercised without a real daemon; test_cli_daemon.py does the real thing.
"""
import http.server
import json
import os
import socket
import socketserver
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("CRYO_BUILD", ROOT / "build")).resolve()
CRYO = str(Path(os.environ.get("CRYO", BUILD / "cryo")).resolve())
TEST_CLIENT = BUILD / "tests" / "client" / "test-client"

JOB_KEYS = {"id", "command", "env", "cwd", "uid", "gid", "attachable"}


class FakeState:
    def __init__(self, token=None):
        self.token = token
        self.jobs = {}
        self.checkpoints = {}
        self.requests = []
        self.next_pid = 4000
        self.lock = threading.Lock()

    def new_job(self, jid, command, restored_from=None):
        self.next_pid += 1
        job = {"id": jid, "pid": self.next_pid, "state": "running", "exit_code": None,
               "signal": None, "command": command, "cwd": "/", "uid": 0, "gid": 0,
               "created": "2026-11-25T14:50:00Z", "restored_from": restored_from,
               "log": f"/var/lib/cryo/jobs/{jid}.log"}
        self.jobs[jid] = job
        return job


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    # --- answers ---
    def send(self, status, obj=None, raw=None, ctype="application/json"):
        data = raw if raw is not None else (b"" if obj is None else json.dumps(obj).encode())
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, msg):
        self.send(status, {"error": msg})

    def chunked(self, pieces, delay):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for p in pieces:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(p), p))
            self.wfile.flush()
            time.sleep(delay)
        self.wfile.write(b"0\r\n\r\n")

    # --- requests ---
    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(n) if n else b""
        return json.loads(data) if data else None

    def handle_any(self, method):
        st = self.server.state
        path, _, query = self.path.partition("?")
        body = self.body()
        st.requests.append({"method": method, "path": path, "query": query, "body": body,
                            "headers": dict(self.headers)})
        if st.token and self.headers.get("Authorization") != f"Bearer {st.token}":
            return self.error(401, "missing or wrong token")
        parts = path.split("/")[1:]
        if parts[:1] != ["v1"]:
            return self.error(404, "no such endpoint")
        with st.lock:
            return self.route(st, method, parts[1:], query, body)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def route(self, st, method, parts, query, body):
        if parts == ["health"]:
            return self.send(200, {"version": "fake", "kernel": os.uname().release,
                                   "engine": {"features": []}, "db": "ok", "plugins": []})
        if parts == ["jobs"] and method == "GET":
            return self.send(200, {"jobs": list(st.jobs.values())})
        if parts == ["jobs"] and method == "POST":
            if not isinstance(body, dict) or set(body) - JOB_KEYS or "command" not in body:
                return self.error(400, f"bad job: {body}")
            jid = body.get("id", f"job-{len(st.jobs) + 1}")
            if jid in st.jobs:
                return self.error(409, f'job "{jid}" exists')
            return self.send(201, st.new_job(jid, body["command"]))
        if parts == ["jobs", "manage"]:
            job = st.new_job(body.get("id", "adopted"), ["adopted"])
            job["pid"] = body["pid"]
            return self.send(201, job)
        if parts[:1] == ["jobs"] and len(parts) >= 2:
            return self.job_route(st, method, parts[1], parts[2:], query, body)
        if parts == ["checkpoints"]:
            job = query[4:] if query.startswith("job=") else None
            cks = [c for c in st.checkpoints.values() if job is None or c["job"] == job]
            return self.send(200, {"checkpoints": cks})
        if parts[:1] == ["checkpoints"] and len(parts) == 2:
            ck = st.checkpoints.get(parts[1])
            if not ck:
                return self.error(404, f'checkpoint "{parts[1]}" not found')
            if method == "DELETE":
                del st.checkpoints[parts[1]]
                return self.send(204)
            return self.send(200, {**ck, "image": {"format": "cryo", "tasks": [{"pid": 1}]}})
        return self.error(404, "no such endpoint")

    def job_route(self, st, method, jid, rest, query, body):
        if jid == "boom":
            return self.send(500, raw=b"<html>oops\n</html>", ctype="text/html")
        if jid == "notjson":
            return self.send(200, raw=b"hello", ctype="text/plain")
        if jid == "cut":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\"")
            self.close_connection = True
            return None
        job = st.jobs.get(jid)
        if not job:
            return self.error(404, f'job "{jid}" not found')
        if not rest and method == "GET":
            return self.send(200, job)
        if not rest and method == "DELETE":
            if job["state"] == "running" and query != "force=1":
                return self.error(409, f'job "{jid}" is running')
            del st.jobs[jid]
            return self.send(204)
        action = rest[0]
        if action == "logs":
            return self.chunked([b"line 1\n", b"line 2\n", b"line 3\n"],
                                0.3 if query == "follow=1" else 0)
        if action == "kill":
            job.update(state="exited", signal=(body or {}).get("signal", 15))
            return self.send(200, job)
        if action in ("freeze", "unfreeze"):
            job["state"] = "frozen" if action == "freeze" else "running"
            return self.send(200, job)
        if action == "dump":
            cid = f"ck-{len(st.checkpoints) + 1}"
            ck = {"id": cid, "job": jid, "path": f"/ck/{cid}", "created": "2026-11-25T14:51:00Z",
                  "size": 3 * 1024 * 1024, "compression": (body or {}).get("compression", "none"),
                  "streams": 0, "leave_running": (body or {}).get("leave_running", False)}
            st.checkpoints[cid] = ck
            if not ck["leave_running"]:
                job["state"] = "checkpointed"
            return self.send(201, ck)
        if action == "restore":
            cid = (body or {}).get("checkpoint") or max(
                (c for c in st.checkpoints.values() if c["job"] == jid), default={},
                key=lambda c: c["id"]).get("id")
            if cid not in st.checkpoints:
                return self.error(404, f'job "{jid}" has no checkpoint')
            new = st.new_job((body or {}).get("id", f"{jid}-r"), job["command"], cid)
            return self.send(201, new)
        if action == "attach":
            return self.attach(job)
        return self.error(404, "no such endpoint")

    def attach(self, job):
        if self.headers.get("Upgrade") != "cryo-attach":
            return self.error(400, "attach needs an Upgrade header")
        if job["id"] == "busy":
            return self.error(409, f'job "busy" is not attachable')
        self.send_response(101)
        self.send_header("Connection", "Upgrade")
        self.send_header("Upgrade", "cryo-attach")
        self.end_headers()
        self.wfile.write(b"hello from the job\n")
        self.wfile.flush()
        while True:  # echo stdin until the client closes its side
            data = self.connection.recv(65536)
            if not data:
                break
            self.connection.sendall(b"echo: " + data)
        self.connection.sendall(b"stdin closed\n")
        self.close_connection = True


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Fake:
    def __init__(self, server, address):
        self.server = server
        self.address = address
        self.state = server.state
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def last(self):
        return self.state.requests[-1]


@pytest.fixture
def fake(tmp_path):
    path = tmp_path / "cryod.sock"
    server = UnixServer(str(path), Handler)
    server.state = FakeState()
    f = Fake(server, str(path))
    yield f
    f.stop()


@pytest.fixture
def fake_tcp():
    server = TCPServer(("127.0.0.1", 0), Handler)
    server.state = FakeState(token="s3cret")
    f = Fake(server, f"tcp://127.0.0.1:{server.server_address[1]}")
    yield f
    f.stop()


def cryo(fake, *args, input=None, env=None, timeout=30):
    e = {k: v for k, v in os.environ.items() if not k.startswith("CRYO_")}
    if fake is not None:
        e["CRYO_ADDRESS"] = fake.address
    e.update(env or {})
    return subprocess.run([CRYO, *map(str, args)], capture_output=True, text=True, env=e,
                          input=input, timeout=timeout,
                          stdin=None if input is not None else subprocess.DEVNULL)


def ok(fake, *args, **kw):
    p = cryo(fake, *args, **kw)
    assert p.returncode == 0, f"cryo {args} -> {p.returncode}: {p.stdout}{p.stderr}"
    return p


# --- the human and the JSON views ---

def test_run_sends_the_job_and_prints_its_id(fake):
    p = ok(fake, "job", "run", "--id", "web-1", "-e", "A=1", "-e", "B=2", "-w", "/srv",
           "--uid", "1000", "--gid", "100", "-a", "--", "python3", "-c", "print(1)")
    assert p.stdout == "web-1\n"
    req = fake.last()
    assert (req["method"], req["path"]) == ("POST", "/v1/jobs")
    assert req["headers"]["Content-Type"] == "application/json"
    assert req["body"] == {"id": "web-1", "command": ["python3", "-c", "print(1)"],
                           "env": ["A=1", "B=2"], "cwd": "/srv", "uid": 1000, "gid": 100,
                           "attachable": True}


def test_run_stops_at_the_command_so_its_options_stay_its_own(fake):
    ok(fake, "job", "run", "ls", "-l", "--json")
    assert fake.last()["body"] == {"command": ["ls", "-l", "--json"]}


def test_list_table_and_json(fake):
    ok(fake, "job", "run", "--id", "a", "sleep", "1")
    ok(fake, "job", "run", "--id", "b", "sleep", "2")
    table = ok(fake, "job", "list").stdout.splitlines()
    assert table[0].split() == ["ID", "PID", "STATE", "EXIT", "CREATED", "COMMAND"]
    assert table[1].split()[:3] == ["a", "4001", "running"]
    assert table[2].split()[-2:] == ["sleep", "2"]
    # Columns line up: every row has its second column where the header has it.
    assert len({row.index(row.split()[1]) for row in table}) == 1
    data = json.loads(ok(fake, "job", "list", "--json").stdout)
    assert [j["id"] for j in data["jobs"]] == ["a", "b"]
    assert ok(fake, "job", "list", "-q").stdout == "a\nb\n"


def test_get_detail_and_json(fake):
    ok(fake, "job", "run", "--id", "a", "sleep", "1")
    out = ok(fake, "job", "get", "a").stdout
    assert "id:             a\n" in out and "state:          running\n" in out
    assert "command:        sleep 1\n" in out
    assert json.loads(ok(fake, "job", "get", "a", "--json").stdout)["pid"] == 4001


def test_kill_sends_the_signal_by_name_or_number(fake):
    ok(fake, "job", "run", "--id", "a", "sleep", "1")
    out = ok(fake, "job", "kill", "-s", "KILL", "a").stdout
    assert fake.last()["body"] == {"signal": 9}
    assert "SIGKILL" in out.splitlines()[1]
    ok(fake, "job", "kill", "--signal", "sigint", "a")
    assert fake.last()["body"] == {"signal": 2}
    ok(fake, "job", "kill", "a", "-s", "15")
    assert fake.last()["body"] == {"signal": 15}
    ok(fake, "job", "kill", "a")
    assert fake.last()["body"] == {}


def test_delete_force_freeze_unfreeze(fake):
    ok(fake, "job", "run", "--id", "a", "sleep", "1")
    p = cryo(fake, "job", "delete", "a")
    assert p.returncode == 1
    assert p.stderr == 'cryo job delete: job "a" is running (HTTP 409)\n'
    assert "frozen" in ok(fake, "job", "freeze", "a").stdout
    assert "running" in ok(fake, "job", "unfreeze", "a").stdout
    assert ok(fake, "job", "delete", "-f", "a").stdout == ""
    assert (fake.last()["path"], fake.last()["query"]) == ("/v1/jobs/a", "force=1")


def test_manage(fake):
    assert ok(fake, "job", "manage", "--id", "x", "1234").stdout == "x\n"
    assert fake.last()["body"] == {"pid": 1234, "id": "x"}


def test_dump_restore_and_checkpoints(fake):
    ok(fake, "job", "run", "--id", "a", "sleep", "1")
    ck = ok(fake, "job", "dump", "a", "--compression", "zstd", "--streams", "4", "-D",
            "/tmp/x").stdout.strip()
    assert ck == "ck-1"
    assert fake.last()["body"] == {"dir": "/tmp/x", "compression": "zstd", "streams": 4}
    ok(fake, "job", "dump", "a", "-R")
    assert fake.last()["body"] == {"leave_running": True}
    ok(fake, "job", "dump", "a", "--no-leave-running")
    assert fake.last()["body"] == {"leave_running": False}
    ok(fake, "job", "dump", "a")
    assert fake.last()["body"] == {}

    assert ok(fake, "job", "restore", "a", "-c", "ck-1", "--id", "b").stdout == "b\n"
    assert fake.last()["body"] == {"checkpoint": "ck-1", "id": "b"}
    restored = json.loads(ok(fake, "job", "restore", "a", "--json").stdout)
    assert restored["restored_from"] == "ck-4" and fake.last()["body"] == {}

    table = ok(fake, "checkpoint", "list", "--job", "a").stdout.splitlines()
    assert fake.last()["query"] == "job=a"
    assert table[0].split() == ["ID", "JOB", "KIND", "PARENT", "CREATED", "SIZE",
                                "COMPRESSION", "PATH"]
    # A daemon that sends no kind (an older one) is shown as a whole dump.
    assert table[1].split() == ["ck-1", "a", "dump", "-", "2026-11-25T14:51:00Z", "3.0", "MiB",
                                "zstd", "/ck/ck-1"]
    assert len(json.loads(ok(fake, "checkpoint", "list", "--json").stdout)["checkpoints"]) == 4
    out = ok(fake, "checkpoint", "inspect", "ck-1").stdout
    assert "size:           3.0 MiB (3145728 bytes)" in out and '"tasks": [' in out
    assert json.loads(ok(fake, "checkpoint", "inspect", "ck-1", "--json").stdout)["image"]
    ok(fake, "checkpoint", "delete", "ck-1")
    p = cryo(fake, "checkpoint", "inspect", "ck-1")
    assert p.returncode == 1
    assert p.stderr == 'cryo checkpoint inspect: checkpoint "ck-1" not found (HTTP 404)\n'


def test_ids_are_escaped_in_paths(fake):
    p = cryo(fake, "job", "get", "a b/c")
    assert p.returncode == 1
    assert fake.last()["path"] == "/v1/jobs/a%20b%2Fc"


# --- logs and attach ---

def test_logs_are_streamed_chunk_by_chunk(fake):
    ok(fake, "job", "run", "--id", "a", "sleep", "1")
    assert ok(fake, "job", "logs", "a").stdout == "line 1\nline 2\nline 3\n"
    e = {k: v for k, v in os.environ.items() if not k.startswith("CRYO_")}
    proc = subprocess.Popen([CRYO, "job", "logs", "-f", "a", "--socket", fake.address],
                            stdout=subprocess.PIPE, env=e)
    try:
        t0 = time.time()
        first = proc.stdout.readline()
        # The first chunk shows up before the answer is complete (0.9 s in all).
        assert first == b"line 1\n" and time.time() - t0 < 0.6
        assert proc.stdout.read() == b"line 2\nline 3\n"
        assert proc.wait(10) == 0
    finally:
        proc.kill()
        proc.wait()
    assert fake.last()["query"] == "follow=1"


def test_attach_relays_both_ways(fake):
    ok(fake, "job", "run", "--id", "a", "-a", "cat")
    p = ok(fake, "job", "attach", "a", input="one\n")
    assert p.stdout.startswith("hello from the job\n")
    assert "echo: one\n" in p.stdout and p.stdout.endswith("stdin closed\n")
    req = fake.last()
    assert (req["method"], req["path"]) == ("POST", "/v1/jobs/a/attach")
    assert req["headers"]["Connection"] == "Upgrade"


def test_attach_refused(fake):
    ok(fake, "job", "run", "--id", "busy", "cat")
    p = cryo(fake, "job", "attach", "busy")
    assert p.returncode == 1
    assert p.stderr == 'cryo job attach: job "busy" is not attachable (HTTP 409)\n'
    p = cryo(fake, "job", "attach", "missing")
    assert p.returncode == 1 and "(HTTP 404)" in p.stderr


# --- errors ---

def test_daemon_errors_carry_its_message_and_status(fake):
    p = cryo(fake, "job", "get", "missing")
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr == 'cryo job get: job "missing" not found (HTTP 404)\n'
    assert json.loads(ok(fake, "job", "run", "--id", "x", "--json", "true").stdout)["id"] == "x"
    p = cryo(fake, "job", "run", "--id", "x", "true")
    assert p.returncode == 1 and p.stderr == 'cryo job run: job "x" exists (HTTP 409)\n'


def test_answers_that_are_not_json(fake):
    p = cryo(fake, "job", "get", "boom")
    assert p.returncode == 1
    assert p.stderr == ("cryo job get: GET /v1/jobs/boom: cryod answered HTTP 500 without a "
                        "JSON error: <html>oops </html>\n")
    p = cryo(fake, "job", "get", "notjson")
    assert p.returncode == 1
    assert p.stderr == ('cryo job get: GET /v1/jobs/notjson: cryod\'s answer is not a JSON '
                        'object: "hello"\n')
    p = cryo(fake, "job", "get", "cut")
    assert p.returncode == 1
    assert "connection to cryod at" in p.stderr and "broke" in p.stderr


def test_daemon_down(tmp_path):
    p = cryo(None, "job", "list", "--socket", tmp_path / "none.sock")
    assert p.returncode == 1
    assert p.stderr == (f"cryo job list: cannot connect to cryod at {tmp_path}/none.sock: "
                        "No such file or directory (is cryod running?)\n")
    # A socket file nobody listens on any more.
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(tmp_path / "dead.sock"))
    s.close()
    p = cryo(None, "checkpoint", "list", "--address", f"unix://{tmp_path}/dead.sock")
    assert p.returncode == 1
    assert "Connection refused (is cryod running?)" in p.stderr
    # The default socket, when nothing says otherwise.
    if not os.path.exists("/run/cryo/cryod.sock"):
        p = cryo(None, "job", "list")
        assert p.returncode == 1 and "cryod at /run/cryo/cryod.sock" in p.stderr


def test_tcp_with_token(fake_tcp):
    p = cryo(fake_tcp, "job", "list")
    assert p.returncode == 1 and p.stderr == "cryo job list: missing or wrong token (HTTP 401)\n"
    ok(fake_tcp, "job", "list", "--token", "s3cret")
    assert fake_tcp.last()["headers"]["Authorization"] == "Bearer s3cret"
    ok(fake_tcp, "job", "list", env={"CRYO_TOKEN": "s3cret"})


def test_address_precedence(fake, tmp_path):
    gone = str(tmp_path / "gone.sock")
    # --socket beats the environment; CRYO_ADDRESS beats CRYO_SOCKET.
    ok(None, "job", "list", "--socket", fake.address, env={"CRYO_ADDRESS": gone})
    ok(None, "job", "list", env={"CRYO_SOCKET": fake.address})
    p = cryo(None, "job", "list", env={"CRYO_ADDRESS": gone, "CRYO_SOCKET": fake.address})
    assert p.returncode == 1 and gone in p.stderr


@pytest.mark.parametrize("address,why", [
    ("ftp://x", "unknown scheme"),
    ("tcp://host", "expected tcp://HOST:PORT"),
    ("tcp://host:0", "port from 1 to 65535"),
    ("tcp://host:80/x", "nothing after it"),
    ("tcp://[::1:80", "expected tcp://[IPV6]:PORT"),
    ("vsock://2", "expected vsock://CID:PORT"),
    ("vsock://x:1", "expected vsock://CID:PORT"),
    ("unix://", "socket path is empty"),
    ("/" + "x" * 200, "longer than a unix socket address"),
])
def test_bad_address_is_a_usage_error(address, why):
    p = cryo(None, "job", "list", "--address", address)
    assert p.returncode == 2
    assert p.stderr.startswith(f'cryo job list: bad daemon address "{address}": ')
    assert why in p.stderr


def test_vsock_is_tried(tmp_path):
    """No vsock listener here: the error must be the connect(2) error of an AF_VSOCK socket."""
    p = cryo(None, "job", "list", "--address", "vsock://1:9")
    assert p.returncode == 1
    assert p.stderr.startswith("cryo job list: cannot connect to cryod at vsock://1:9: ")


# --- usage ---

SUBCOMMANDS = [("job", s) for s in ("run", "manage", "list", "get", "kill", "delete", "logs",
                                    "attach", "dump", "restore", "freeze", "unfreeze")] + \
              [("checkpoint", s) for s in ("list", "inspect", "delete")]


@pytest.mark.parametrize("group,sub", SUBCOMMANDS)
def test_help(group, sub):
    p = cryo(None, group, sub, "--help")
    assert p.returncode == 0 and p.stderr == ""
    assert p.stdout.startswith(f"usage: cryo {group} {sub}")
    assert "--socket PATH" in p.stdout


@pytest.mark.parametrize("group,sub", SUBCOMMANDS)
def test_bad_flag(group, sub):
    p = cryo(None, group, sub, "--no-such-flag", "x")
    assert p.returncode == 2
    assert p.stderr.startswith(f"cryo {group} {sub}: unknown option --no-such-flag\n\nusage:")


@pytest.mark.parametrize("args,msg", [
    (["job"], "usage: cryo job <command>"),
    (["job", "frobnicate"], 'cryo job: unknown command "frobnicate"'),
    (["checkpoint", "nope"], 'cryo checkpoint: unknown command "nope"'),
    (["job", "run"], "cryo job run: a COMMAND is required"),
    (["job", "run", "-e", "NOEQUALS", "true"], 'cryo job run: --env wants K=V, not "NOEQUALS"'),
    (["job", "run", "--uid", "-1", "true"], 'cryo job run: bad uid "-1"'),
    (["job", "get"], "cryo job get: an id is required"),
    (["job", "get", "a", "b"], "cryo job get: one id only, please"),
    (["job", "kill", "-s", "SIGNOPE", "a"], 'cryo job kill: bad signal "SIGNOPE"'),
    (["job", "kill", "-s"], "cryo job kill: option -s needs an argument"),
    (["job", "manage", "12x"], 'cryo job manage: bad pid "12x"'),
    (["job", "dump", "--streams", "-2", "a"], 'cryo job dump: bad stream count "-2"'),
    (["job", "dump", "--leave-running"], "cryo job dump: one job id is required"),
    (["job", "logs", "--json", "a"], "cryo job logs: unknown option --json"),
    (["job", "list", "extra"], 'cryo job list: unexpected argument "extra"'),
    (["checkpoint", "delete", "--json", "x"], "cryo checkpoint delete: unknown option --json"),
])
def test_bad_usage_exits_2(args, msg):
    p = cryo(None, *args)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith(msg)


def test_group_help():
    for group in ("job", "checkpoint"):
        p = cryo(None, group, "--help")
        assert p.returncode == 0 and p.stdout.startswith(f"usage: cryo {group} <command>")
    assert "checkpoint  list, inspect" in cryo(None, "--help").stdout


# --- the C library, through tests/client/test-client ---

def test_client_library_against_the_fake(fake):
    assert TEST_CLIENT.exists(), f"{TEST_CLIENT} is not built"
    p = subprocess.run([str(TEST_CLIENT), fake.address], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0 and p.stdout == "PASS\n", p.stdout + p.stderr


def test_client_library_over_tcp_with_token(fake_tcp):
    p = subprocess.run([str(TEST_CLIENT), fake_tcp.address, "s3cret"], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0 and p.stdout == "PASS\n", p.stdout + p.stderr


def test_library_exports_only_its_api():
    lib = BUILD / "client" / "libcryo-client.so.0"
    assert lib.exists(), f"{lib} is not built"
    out = subprocess.run(["nm", "-D", "--defined-only", str(lib)], capture_output=True,
                         text=True, check=True).stdout
    names = {line.split()[-1].split("@")[0] for line in out.splitlines()}
    names.discard("CRYO_CLIENT_0")
    assert names and all(n.startswith(("cryo_client_", "cryo_job_", "cryo_checkpoint_"))
                         for n in names), sorted(names)
    header = (ROOT / "include" / "cryo" / "client.h").read_text()
    for n in names:
        assert f" {n}(" in header, f"{n} is exported but not in client.h"
