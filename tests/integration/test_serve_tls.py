"""TLS between `cryo dump --to tls://` and `cryo serve --tls-cert` (docs/cryo-serve.md): the
image crosses in TLS through one relay process on each side; the restored workloads check their
memory themselves. A throwaway CA and server certificates are made with the openssl command."""
import os
import signal
import socket
import ssl
import subprocess
import threading
import time

import pytest

from conftest import (CRYO, alive, cryo, image_pids, reap, reap_all, reap_gone,
                      workload)
from test_pipeline import FED, _free_port, _records, _read_line, _stream_file

RELAY = "cryo-tls-relay"
TOKEN = "tls-test-token-0123456789abcdef"


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, a server certificate it signs for 127.0.0.1/localhost, one for another name only,
    and a second CA that signed neither."""
    d = tmp_path_factory.mktemp("pki")
    for ca in ("ca", "other-ca"):
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{ca}.key",
                 "-out", f"{ca}.pem", "-days", "2", "-subj", f"/CN=cryo test {ca}", cwd=d)
    for name, san in (("srv", "DNS:localhost,IP:127.0.0.1"), ("elsewhere",
                                                              "DNS:elsewhere.example")):
        (d / f"{name}.cnf").write_text(f"subjectAltName={san}\nbasicConstraints=CA:FALSE\n"
                                       "extendedKeyUsage=serverAuth\n")
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
                 f"{name}.csr", "-subj", f"/CN={name}", cwd=d)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile",
                 f"{name}.cnf", cwd=d)
        os.chmod(d / f"{name}.key", 0o600)
    return d


def _relays():
    """PIDs of the relay processes there are (by their name), zombies left out: an ended
    relay goes to the nearest subreaper, this process (conftest), which reaps it here."""
    reap_all()
    found = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/comm") as f:
                    if f.read().strip() == RELAY and alive(int(p)):
                        found.append(int(p))
            except OSError:
                pass
    return found


@pytest.fixture(autouse=True)
def no_relay_left():
    """After every test, no relay process is left (they end with their streams, or die with
    the cryo that started them)."""
    yield
    deadline = time.time() + 5
    while _relays() and time.time() < deadline:
        time.sleep(0.05)
    assert not _relays(), f"relay processes left: {_relays()}"


def _serve(pki, args, port, cert="srv", env=None):
    argv = [CRYO, "serve", "--listen", f"127.0.0.1:{port}", "--tls-cert", pki / f"{cert}.pem",
            "--tls-key", pki / f"{cert}.key", *map(str, args)]
    p = subprocess.Popen(list(map(str, argv)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, stdin=subprocess.DEVNULL, env=env)
    deadline = time.time() + 10
    while time.time() < deadline:  # listening? (the probe is refused as a stranger)
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.02)
    return p


def _dump(pid, port, *extra, host="127.0.0.1", scheme="tls", ca=None, env=None):
    argv = [CRYO, "dump", "-t", str(pid), "--to", f"{scheme}://{host}:{port}"]
    if ca:
        argv += ["--tls-ca", str(ca)]
    return subprocess.run([*argv, *map(str, extra)], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, env=env)


def _finish_serve(serve, timeout=60):
    try:
        code = serve.wait(timeout)
    except subprocess.TimeoutExpired:
        code = None
    serve.kill()
    serve.wait()
    return code, serve.stderr.read()


def _still_running_whole(run):
    """A dump that failed resumed the tree: it runs on and checks itself."""
    assert alive(run.pid)
    os.kill(run.pid, signal.SIGUSR1)
    assert reap(run.pid, 20) == 0 and "PASS" in run.text(), run.text()[-2000:]


@pytest.mark.parametrize("args", [["--streams", "1"], ["--streams", "2", "--compression",
                                                          "lz4"]], ids=["1", "2-lz4"])
def test_tls_dump_to_serve_stores_then_restore(env, pki, args):
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    port = _free_port()
    img = env.tmp / "received"
    env.images.append(img)
    serve = _serve(pki, ["-D", img], port)
    try:
        d = _dump(run.pid, port, *args, ca=pki / "ca.pem")
        code, err = _finish_serve(serve)
    finally:
        serve.kill()
    assert d.returncode == 0, d.stderr
    assert code == 0, err
    run.finish()
    reap_gone(image_pids(img))
    env.check(run, env.restore(img))


def test_tls_dump_to_serve_restore_with_token(env, pki, monkeypatch):
    """dump --to tls:// into serve --restore, a token sent inside TLS, the CAs from
    $CRYO_CA_FILE: on this machine the dumped tree holds the PIDs, so serve stores the image
    first, confirms, and restores it once the dump has killed the tree."""
    monkeypatch.setenv("CRYO_SERVE_TOKEN", TOKEN)
    monkeypatch.setenv("CRYO_CA_FILE", str(pki / "ca.pem"))
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    port = _free_port()
    serve = _serve(pki, ["--restore", "--detach", "-v"], port)
    try:
        dump = subprocess.Popen([CRYO, "dump", "-t", str(run.pid), "--to",
                                 f"tls://localhost:{port}", "--streams", "2",
                                 "--compression", "lz4"], stderr=subprocess.PIPE, text=True)
        while dump.poll() is None:
            reap(run.pid, 0.05)
        assert dump.returncode == 0, dump.stderr.read()
        code, err = _finish_serve(serve)
    finally:
        serve.kill()
    assert code == 0 and "stored first" in err, err
    env.restored.append(run.pid)
    env.check(run, run.pid)


def _tls_send_streams(pki, port, data, nconn, token=None):
    """Sends a stream file as cryo dump --to tls:// would (stream S on connection S % nconn,
    each in TLS, the token line first); says GO after READY. Returns the answers."""
    ctx = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    per = [bytearray() for _ in range(nconn)]
    for h, off, pay, n in _records(data):
        per[h[4] % nconn] += data[off:pay + n]
    socks = [ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                             server_hostname="127.0.0.1") for _ in range(nconn)]
    hello = f"CRYO-TOKEN {token}\n".encode() if token else b""
    threads = [threading.Thread(target=s.sendall, args=(hello + bytes(b),), daemon=True)
               for s, b in zip(socks, per)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    socks[0].settimeout(60)
    answer = _read_line(socks[0])
    if answer == "READY\n":
        socks[0].sendall(b"GO\n")
        answer += _read_line(socks[0])
    for s in socks:
        s.close()
    return answer


def test_tls_serve_restores_as_it_arrives(env, pki):
    """A sender whose tree is gone (as from another machine): serve --restore restores the
    tree from the TLS connections as it arrives, READY and GO going through the relay."""
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    data = _stream_file(env, run, ["--compression", "lz4", "--streams", "2"]).read_bytes()
    port = _free_port()
    serve = _serve(pki, ["--restore", "--detach", "-v"], port)
    try:
        answer = _tls_send_streams(pki, port, data, 2)
        code, err = _finish_serve(serve)
    finally:
        serve.kill()
    assert code == 0 and answer == "READY\n", (answer, err)
    assert FED in err, err
    env.restored.append(run.pid)
    env.check(run, run.pid)


@pytest.mark.parametrize("case", ["wrong-ca", "wrong-host"])
def test_tls_dump_refuses_a_receiver_that_does_not_verify(env, pki, case):
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    port = _free_port()
    img = env.tmp / "received"
    serve = _serve(pki, ["-D", img], port, cert="elsewhere" if case == "wrong-host" else "srv")
    try:
        d = _dump(run.pid, port, ca=pki / ("other-ca.pem" if case == "wrong-ca" else "ca.pem"))
        time.sleep(0.3)
        assert serve.poll() is None  # still waiting for a real sender
    finally:
        code, err = _finish_serve(serve, 0)
    assert d.returncode == 1, d.stderr
    assert "certificate does not verify" in d.stderr, d.stderr
    assert ("unable to get local issuer" if case == "wrong-ca" else "mismatch") in d.stderr
    assert "refused a connection from 127.0.0.1:" in err, err
    assert not (img / "cryo.json").exists()
    _still_running_whole(run)


def test_clear_dump_to_tls_serve_is_refused(env, pki):
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    port = _free_port()
    img = env.tmp / "received"
    serve = _serve(pki, ["-D", img], port)
    try:
        d = _dump(run.pid, port, scheme="tcp")
        time.sleep(0.3)
        assert serve.poll() is None
    finally:
        code, err = _finish_serve(serve, 0)
    assert d.returncode == 1, d.stderr
    assert "does not speak TLS" in err, err
    assert not img.exists() or not any(img.iterdir())
    _still_running_whole(run)


def test_tls_dump_to_clear_serve_is_refused(env, pki):
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    port = _free_port()
    img = env.tmp / "received"
    serve = subprocess.Popen([CRYO, "serve", "--listen", f"127.0.0.1:{port}", "-D", str(img)],
                             stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while True:
            d = _dump(run.pid, port, ca=pki / "ca.pem")
            if "Connection refused" not in d.stderr or time.time() > deadline:
                break
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        code, err = _finish_serve(serve, 0)
    assert d.returncode == 1 and "--tls-cert" in d.stderr, d.stderr
    assert "it speaks TLS, and this serve has no --tls-cert" in err, err
    assert not img.exists() or not any(img.iterdir())
    _still_running_whole(run)


def test_tls_wrong_token_is_refused_inside_tls(env, pki, monkeypatch):
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    port = _free_port()
    img = env.tmp / "received"
    senv = dict(os.environ, CRYO_SERVE_TOKEN=TOKEN)
    serve = _serve(pki, ["-D", img], port, env=senv)
    try:
        d = _dump(run.pid, port, ca=pki / "ca.pem",
                  env=dict(os.environ, CRYO_SERVE_TOKEN="not-the-token-0123456789"))
        time.sleep(0.3)
        assert serve.poll() is None
    finally:
        code, err = _finish_serve(serve, 0)
    assert d.returncode == 1, d.stderr
    assert "wrong token" in err and TOKEN not in err, err
    assert not img.exists() or not any(img.iterdir())
    _still_running_whole(run)


def test_tls_bytes_on_the_wire_are_encrypted(env, pki, monkeypatch):
    """What a listener in clear sees of a dump --to tls://: a TLS ClientHello, never the
    token line. The dump then fails (no handshake) and the tree runs on."""
    monkeypatch.setenv("CRYO_SERVE_TOKEN", TOKEN)
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    got = []

    def listen():
        c, _ = srv.accept()
        c.settimeout(5)
        data = b""
        try:
            while len(data) < 64:
                more = c.recv(4096)
                if not more:
                    break
                data += more
        except OSError:
            pass
        got.append(data)
        c.close()
    t = threading.Thread(target=listen, daemon=True)
    t.start()
    d = _dump(run.pid, srv.getsockname()[1], ca=pki / "ca.pem")
    t.join(10)
    srv.close()
    assert got and got[0][:2] == b"\x16\x03", got
    assert b"CRYO-TOKEN" not in got[0] and TOKEN.encode() not in got[0]
    assert d.returncode == 1, d.stderr
    _still_running_whole(run)


def test_tls_silent_stranger_does_not_hold_up_the_sender(env, pki):
    """Connections are handshaken in parallel: one that says nothing is refused after its
    deadline, while the real sender's streams go through meanwhile."""
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    port = _free_port()
    img = env.tmp / "received"
    env.images.append(img)
    serve = _serve(pki, ["-D", img], port)
    stranger = socket.create_connection(("127.0.0.1", port))
    try:
        started = time.time()
        d = _dump(run.pid, port, "--streams", "2", ca=pki / "ca.pem")
        took = time.time() - started
        code, err = _finish_serve(serve)
    finally:
        stranger.close()
        serve.kill()
    assert d.returncode == 0 and code == 0, (d.stderr, err)
    assert took < 4, f"the dump took {took:.1f} s"
    run.finish()
    reap_gone(image_pids(img))
    env.check(run, env.restore(img))


def test_tls_usage_and_bad_files(env, pki, tmp_path):
    port = _free_port()
    lst = ["serve", "--listen", f"127.0.0.1:{port}", "-D", tmp_path / "d"]
    p = cryo(*lst, "--tls-cert", pki / "srv.pem", check=False)
    assert p.returncode == 2 and "both --tls-cert and --tls-key" in p.stderr
    p = cryo(*lst, "--tls-cert", tmp_path / "none.pem", "--tls-key", pki / "srv.key",
             check=False)
    assert p.returncode == 2 and "none.pem" in p.stderr and "No such file" in p.stderr
    p = cryo(*lst, "--tls-cert", pki / "srv.pem", "--tls-key", pki / "elsewhere.key",
             check=False)
    assert p.returncode == 2 and "not the key of the certificate" in p.stderr, p.stderr
    open_key = tmp_path / "open.key"
    open_key.write_bytes((pki / "srv.key").read_bytes())
    os.chmod(open_key, 0o644)
    p = cryo(*lst, "--tls-cert", pki / "srv.pem", "--tls-key", open_key, check=False)
    assert p.returncode == 2 and "chmod 0600" in p.stderr, p.stderr
    p = cryo(*lst, "--tls-cert", pki / "srv.key", "--tls-key", pki / "srv.key", check=False)
    assert p.returncode == 2 and "no usable PEM certificate" in p.stderr, p.stderr
    p = cryo("dump", "-t", "1", "--to", f"tcp://127.0.0.1:{port}", "--tls-ca",
             pki / "ca.pem", check=False)
    assert p.returncode == 2 and "--tls-ca goes with --to tls://" in p.stderr
    p = cryo("dump", "-t", "1", "--to", f"tls://127.0.0.1:{port}", "--tls-ca",
             tmp_path / "none.pem", check=False)
    assert p.returncode == 1 and "none.pem" in p.stderr
    assert not (tmp_path / "d").exists()


def test_tls_relay_dies_with_serve(env, pki):
    """A serve killed mid-image: its relay, no child of it, ends at once all the same."""
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    data = _stream_file(env, run).read_bytes()
    port = _free_port()
    serve = _serve(pki, ["-D", env.tmp / "received"], port)
    ctx = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                           server_hostname="127.0.0.1")
    try:
        sock.sendall(data[:len(data) // 2])
        deadline = time.time() + 10
        while not _relays() and time.time() < deadline:
            time.sleep(0.05)
        assert _relays(), "no relay while the image comes in"
        serve.kill()
        serve.wait()
        deadline = time.time() + 5
        while _relays() and time.time() < deadline:
            time.sleep(0.05)
        assert not _relays()
    finally:
        sock.close()
        serve.kill()
        serve.wait()
