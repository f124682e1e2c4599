"""A private cryod for a test: its own config, unix socket, state and checkpoint directories.

    from cryod_harness import Cryod
    d = Cryod(tmp_path, config={"profiling": {"enabled": True}})
    d.start()
    status, body = d.request("POST", "/v1/jobs", {"command": ["sleep", "60"]})
    d.kill9(); d.start()        # a crash and a restart on the same state
    d.cleanup()                 # cryod and every job it ever recorded are killed

`request()` returns (status, body): body is the decoded JSON for JSON answers, the text
otherwise, None when empty. `raw()` gives the http.client response for streaming answers.
The engine's restored trees become children of cryod (a child subreaper); after a kill -9
of cryod they become children of the test process (conftest.py makes it a subreaper), and
cleanup() reaps them.
"""
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("CRYO_BUILD", ROOT / "build")).resolve()
CRYOD = str(Path(os.environ.get("CRYOD", BUILD / "daemon" / "cryod")).resolve())


def _sanitized():
    try:
        out = subprocess.run(["ldd", CRYOD], capture_output=True, text=True).stdout
    except OSError:
        return False
    return "libasan" in out


# A cryod built with ASan dumps, but cannot restore: the restored tree would be a copy of an
# ASan process, whose shadow memory the engine's restorer does not bring back.
SANITIZED = _sanitized()


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over a unix socket (the Host header says "localhost")."""

    def __init__(self, path, timeout=60):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = str(path)

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def self_signed(tmp, ip="127.0.0.1"):
    """A certificate for ip (and localhost) that is its own CA, and its key (mode 0600), made
    by the openssl command in tmp; skips the test where openssl cannot."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", str(key), "-out", str(cert), "-days", "1",
                        "-subj", "/CN=localhost",
                        "-addext", f"subjectAltName=IP:{ip},DNS:localhost"],
                       capture_output=True, text=True)
    if p.returncode:
        pytest.skip(f"openssl cannot make a certificate: {p.stderr}")
    key.chmod(0o600)
    return cert, key


def _yaml(value, indent=0):
    """Enough YAML for a config: nested dicts of scalars."""
    lines = []
    for k, v in value.items():
        pad = "  " * indent
        if isinstance(v, dict):
            lines.append(f"{pad}{k}:")
            lines.append(_yaml(v, indent + 1))
        elif isinstance(v, bool):
            lines.append(f"{pad}{k}: {'true' if v else 'false'}")
        else:
            lines.append(f"{pad}{k}: {json.dumps(v) if isinstance(v, str) else v}")
    return "\n".join(lines)


def _starttime(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


class Cryod:
    def __init__(self, tmp, config=None, args=(), env=None):
        self.tmp = Path(tmp)
        self.state = self.tmp / "state"
        self.ckdir = self.tmp / "checkpoints"
        self.sock = self.tmp / "cryod.sock"
        self.config_path = self.tmp / "cryod.yaml"
        self.log = self.tmp / "cryod.log"
        base = {"protocol": "unix", "address": str(self.sock), "log_level": "debug",
                "state_dir": str(self.state), "checkpoint": {"dir": str(self.ckdir)}}
        for k, v in (config or {}).items():
            if isinstance(v, dict) and isinstance(base.get(k), dict):
                base[k] = {**base[k], **v}
            else:
                base[k] = v
        self.config = base
        self.args = list(args)
        self.env = env
        self.proc = None
        self.pids = set()

    def write_config(self, text=None):
        self.config_path.write_text(text if text is not None else _yaml(self.config) + "\n")

    def spawn(self, args=None, env=None, config_text=None):
        """Starts cryod without waiting; returns the Popen (for tests of refusals)."""
        self.write_config(config_text)
        e = dict(os.environ if self.env is None else self.env)
        e.update(env or {})
        logf = open(self.log, "ab")
        self.proc = subprocess.Popen([CRYOD, "--config", str(self.config_path),
                                      *(self.args if args is None else args)],
                                     stdin=subprocess.DEVNULL, stdout=logf, stderr=logf, env=e)
        logf.close()
        return self.proc

    def start(self, timeout=20.0, **kw):
        self.spawn(**kw)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"cryod exited {self.proc.returncode}: {self.log_text()}")
            try:
                status, _ = self.request("GET", "/v1/health", timeout=5)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"cryod did not answer in {timeout}s: {self.log_text()}")

    def log_text(self):
        try:
            return self.log.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def connection(self, timeout=60):
        return UnixHTTPConnection(self.sock, timeout=timeout)

    def raw(self, method, path, body=None, headers=None, timeout=60):
        """Sends a request and returns the open http.client response (for streams)."""
        c = self.connection(timeout)
        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        h = {"Content-Type": "application/json"} if data is not None else {}
        h.update(headers or {})
        c.request(method, path, body=data, headers=h)
        return c.getresponse()

    def request(self, method, path, body=None, headers=None, timeout=60):
        r = self.raw(method, path, body, headers, timeout)
        data = r.read()
        r.close()
        out = None
        if data:
            if r.getheader("Content-Type", "").startswith("application/json"):
                out = json.loads(data)
            else:
                out = data.decode(errors="replace")
        self._note(out)
        return r.status, out

    def _note(self, out):
        """Remembers every job pid seen, so that cleanup() kills them all."""
        if isinstance(out, dict):
            if "pid" in out and isinstance(out.get("pid"), int) and "state" in out:
                self.pids.add(out["pid"])
            for j in out.get("jobs", []) if isinstance(out.get("jobs"), list) else []:
                self._note(j)

    def ok(self, method, path, body=None, status=None):
        """request() that asserts a 2xx (or the given status) and returns the body."""
        got, out = self.request(method, path, body)
        want = status or (200, 201, 204)
        want = want if isinstance(want, tuple) else (want,)
        assert got in want, f"{method} {path} -> {got} {out}"
        return out

    def wait_job(self, job_id, states, timeout=20.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            status, job = self.request("GET", f"/v1/jobs/{job_id}")
            if status == 200 and job["state"] in states:
                return job
            time.sleep(0.02)
        raise AssertionError(f"job {job_id} never reached {states}: {job}")

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout=10.0):
        """SIGTERM, as systemd does; returns cryod's exit status."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                raise AssertionError("cryod did not stop on SIGTERM")
        return self.proc.returncode if self.proc else None

    def recorded_pids(self):
        """(pid, starttime) of every job the state database holds."""
        db = self.state / "cryod.db"
        if not db.exists():
            return []
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            rows = con.execute("SELECT pid, starttime FROM jobs").fetchall()
            con.close()
            return rows
        except sqlite3.Error:
            return []

    def cleanup(self):
        self.kill9()
        victims = {pid: None for pid in self.pids}
        for pid, start in self.recorded_pids():
            if pid:
                victims[pid] = start
        for pid, start in victims.items():
            if start is not None and _starttime(pid) != start:
                continue  # gone, and the pid reused by someone else
            if _starttime(pid) is None:
                continue
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.time() + 3
        while time.time() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                if not any(_starttime(p) for p in victims):
                    break
                time.sleep(0.01)


@pytest.fixture
def daemon(tmp_path):
    """Factory: daemon(config=..., start=True) -> a Cryod; all are cleaned up."""
    made = []

    def make(config=None, start=True, sub="d", **kw):
        d = Cryod(tmp_path / sub, config=config, **kw)
        d.tmp.mkdir(parents=True, exist_ok=True)
        made.append(d)
        if start:
            d.start()
        return d

    yield make
    # Every cryod still running must stop cleanly on SIGTERM: under ASan, LeakSanitizer then
    # checks the whole run for leaks and turns any into a non-zero exit. (Test modules import
    # this fixture: `from cryod_harness import daemon`.)
    failures = []
    for d in made:
        if d.proc and d.proc.poll() is None:
            rc = d.stop()
            if rc != 0:
                failures.append(f"cryod exited {rc}: {d.log_text()[-3000:]}")
        d.cleanup()
    assert not failures, failures
