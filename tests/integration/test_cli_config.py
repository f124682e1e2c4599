"""`cryo job|checkpoint` finds cryod through cryod's own config file (issue 16).

A user coming from Cedana writes `connection.url` and `connection.auth_token` (or `protocol`
and `address`) once, in the file cryod reads, and the CLI takes the daemon's address and
token from it: `--config FILE`, `$CRYO_CONFIG`, or /etc/cryo/config.yaml. Flags and
`CRYO_ADDRESS`/`CRYO_SOCKET`/`CRYO_TOKEN` override it. Each test drives a real cryod on TCP
that refuses requests without its token.
"""
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from cryod_harness import CRYOD, daemon  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("CRYO_BUILD", ROOT / "build")).resolve()
CRYO = str(Path(os.environ.get("CRYO", BUILD / "cryo")).resolve())

pytestmark = pytest.mark.skipif(not os.access(CRYOD, os.X_OK), reason=f"{CRYOD} is not built")

TOKEN = "config-file-test-token-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cryo(*args, env=None, timeout=60):
    """cryo with no CRYO_* variable but those given."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("CRYO_")}
    e.update(env or {})
    return subprocess.run([CRYO, *map(str, args)], capture_output=True, text=True, env=e,
                          stdin=subprocess.DEVNULL, timeout=timeout)


@pytest.fixture
def tcp_cryod(daemon):  # noqa: F811 (the fixture imported above)
    """A cryod on 127.0.0.1:PORT with a token, running one job "cfg"; (cryod, port)."""
    port = free_port()
    d = daemon(config={"protocol": "tcp", "address": f"127.0.0.1:{port}",
                       "connection": {"auth_token": TOKEN}}, start=False)
    d.spawn()
    deadline = time.time() + 20
    while True:
        assert d.proc.poll() is None, d.log_text()
        p = cryo("job", "run", "--id", "cfg", "--address", f"tcp://127.0.0.1:{port}",
                 "--token", TOKEN, "sleep", "60")
        if p.returncode == 0:
            break
        assert time.time() < deadline, p.stderr + d.log_text()
        time.sleep(0.1)
    d.pids.add(json.loads(cryo("job", "get", "cfg", "--json", "--address",
                               f"tcp://127.0.0.1:{port}", "--token", TOKEN).stdout)["pid"])
    return d, port


def listed(p):
    assert p.returncode == 0, p.stdout + p.stderr
    return [j["id"] for j in json.loads(p.stdout)["jobs"]]


def test_config_flag_finds_and_authenticates(tcp_cryod):
    """The very file cryod runs with (protocol tcp, address, connection.auth_token) is all
    the CLI needs, as --config, global --config, or $CRYO_CONFIG."""
    d, port = tcp_cryod
    assert listed(cryo("job", "list", "--json", "--config", d.config_path)) == ["cfg"]
    assert listed(cryo("--config", d.config_path, "job", "list", "--json")) == ["cfg"]
    assert listed(cryo("job", "list", "--json", env={"CRYO_CONFIG": str(d.config_path)})) \
        == ["cfg"]
    # Without the config's token the daemon refuses.
    p = cryo("job", "list", "--address", f"tcp://127.0.0.1:{port}")
    assert p.returncode == 1 and "401" in p.stderr, p.stderr


def test_connection_url_and_token_file(tcp_cryod, tmp_path):
    """Cedana's keys: connection.url is where the daemon is reached, whatever address says;
    the token may come from connection.auth_token_file."""
    d, port = tcp_cryod
    tf = tmp_path / "token"
    tf.write_text(TOKEN + "\n")
    tf.chmod(0o600)
    cfg = tmp_path / "cli.yaml"
    cfg.write_text("protocol: unix\n"
                   "address: /nonexistent/cryod.sock\n"
                   "connection:\n"
                   f"  url: tcp://127.0.0.1:{port}\n"
                   f"  auth_token_file: {tf}\n")
    assert listed(cryo("job", "list", "--json", "--config", cfg)) == ["cfg"]
    # A token file others may read is refused, as cryod refuses it, naming the key.
    tf.chmod(0o644)
    p = cryo("job", "list", "--config", cfg)
    assert p.returncode == 2 and "connection.auth_token_file" in p.stderr, p.stderr


def test_flags_and_environment_override_the_file(tcp_cryod, tmp_path):
    d, port = tcp_cryod
    # A wrong token from a flag or CRYO_TOKEN wins over the file's right one: 401.
    for args, env in ((["--token", "wrong-token-0123456789"], {}),
                      ([], {"CRYO_TOKEN": "wrong-token-0123456789"})):
        p = cryo("job", "list", "--config", d.config_path, *args, env=env)
        assert p.returncode == 1 and "401" in p.stderr, p.stderr
    # An address from a flag or the environment wins over the file's: nothing there.
    for args, env in ((["--socket", tmp_path / "none.sock"], {}),
                      ([], {"CRYO_ADDRESS": f"unix://{tmp_path}/none.sock"}),
                      ([], {"CRYO_SOCKET": str(tmp_path / "none.sock")})):
        p = cryo("job", "list", "--config", d.config_path, *args, env=env)
        assert p.returncode == 1 and "cannot connect" in p.stderr, p.stderr
    # The address from a flag, the token from the file.
    assert listed(cryo("job", "list", "--json", "--config", d.config_path, "--address",
                       f"tcp://127.0.0.1:{port}")) == ["cfg"]
    # Both given: the default config is not needed.
    assert listed(cryo("job", "list", "--json", "--address", f"tcp://127.0.0.1:{port}",
                       "--token", TOKEN)) == ["cfg"]


def test_bad_config_is_refused(tmp_path):
    """cryod's parser speaks: file, line and key, never the value; a named file must exist."""
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("protocol: tcp\naddress: 127.0.0.1:1\nconnection:\n  auth_tokn: s3cr3t-value\n")
    p = cryo("job", "list", "--config", cfg)
    assert p.returncode == 2, p.stderr
    assert p.stderr == f"cryo job list: config {cfg}: line 4: connection.auth_tokn: unknown key\n"
    p = cryo("job", "list", "--config", tmp_path / "missing.yaml")
    assert p.returncode == 2 and f"config {tmp_path}/missing.yaml: No such file" in p.stderr
    # A tcp config without a token is one cryod refuses: so does the CLI.
    cfg.write_text("protocol: tcp\naddress: 127.0.0.1:1\n")
    p = cryo("checkpoint", "list", "--config", cfg)
    assert p.returncode == 2 and "connection.auth_token: protocol tcp needs" in p.stderr


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"),
                    reason="needs root and unshare(1) for a private /etc")
def test_default_config_path(tcp_cryod, tmp_path):
    """/etc/cryo/config.yaml, when nothing else is named. The file is put there in a private
    mount namespace (an overlay on /etc), so the machine's /etc is never touched."""
    d, port = tcp_cryod
    upper, work = tmp_path / "upper", tmp_path / "work"
    (upper / "cryo").mkdir(parents=True)
    work.mkdir()
    shutil.copy(d.config_path, upper / "cryo" / "config.yaml")
    script = ("mount -t overlay overlay -o lowerdir=/etc,upperdir=$1,workdir=$2 /etc && "
              'shift 2 && exec "$@"')
    e = {k: v for k, v in os.environ.items() if not k.startswith("CRYO_")}
    q = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script,
                        "sh", str(upper), str(work), CRYO, "job", "list", "--json"],
                       capture_output=True, text=True, env=e, stdin=subprocess.DEVNULL,
                       timeout=60)
    assert listed(q) == ["cfg"]
    assert not os.path.exists("/etc/cryo/config.yaml") or \
        Path("/etc/cryo/config.yaml").read_text() != d.config_path.read_text()
