"""Real servers are checkpointed, killed, restored with their PIDs, and serve again with their
state: a Python HTTP server, nginx with workers running as nobody, and PostgreSQL (postmaster
and children as postgres, System V and POSIX shared memory, unix and TCP listeners)."""
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import alive

from test_sockets import free_port

PG_BIN = "/usr/lib/postgresql/15/bin"


def get(url, timeout=5.0):
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read().decode()
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)


def dump_and_restore(env, run):
    env.dump(run)
    pid = env.restore()
    assert pid == run.pid
    return pid


def test_python_http_server(env):
    port = free_port()
    (env.tmp / "hello.txt").write_text("restored content\n")
    run = env.start(["/usr/bin/python3", "-m", "http.server", str(port), "--bind", "127.0.0.1"])
    assert get(f"http://127.0.0.1:{port}/hello.txt") == "restored content\n"
    dump_and_restore(env, run)
    assert get(f"http://127.0.0.1:{port}/hello.txt") == "restored content\n"


def test_nginx_workers_as_nobody(env):
    port = free_port()
    conf = env.tmp / "nginx.conf"
    conf.write_text(f"""user nobody nogroup;
worker_processes 2;
pid {env.tmp}/nginx.pid;
error_log {env.tmp}/error.log;
daemon off;
events {{ worker_connections 64; }}
http {{
  access_log off;
  server {{ listen 127.0.0.1:{port}; location / {{ return 200 "nginx $pid\\n"; }} }}
}}
""")
    run = env.start(["/usr/sbin/nginx", "-c", str(conf)])
    first = get(f"http://127.0.0.1:{port}/")
    workers = sorted(int(p) for p in open(f"/proc/{run.pid}/task/{run.pid}/children").read().split())
    assert len(workers) == 2
    assert all(open(f"/proc/{w}/status").read().count("\t65534\t") >= 1 for w in workers)
    dump_and_restore(env, run)
    # The same workers (same PIDs, still nobody) answer.
    assert get(f"http://127.0.0.1:{port}/") in {f"nginx {w}\n" for w in workers}
    assert first in {f"nginx {w}\n" for w in workers}
    after = sorted(int(p) for p in open(f"/proc/{run.pid}/task/{run.pid}/children").read().split())
    assert after == workers
    for w in workers:
        assert "Uid:\t65534\t65534\t65534\t65534" in open(f"/proc/{w}/status").read()


@pytest.fixture
def pgdir():
    d = tempfile.mkdtemp(prefix="cryo-pg-", dir="/tmp")
    os.chmod(d, 0o755)
    shutil.chown(d, "postgres", "postgres")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def children(pid):
    return open(f"/proc/{pid}/task/{pid}/children").read().split()


def title(pid):
    try:
        return open(f"/proc/{pid}/cmdline").read()
    except OSError:
        return ""


def psql(port, sql):
    p = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-At",
                        "-c", sql], capture_output=True, text=True, timeout=30,
                       env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def test_postgresql(env, pgdir):
    data = os.path.join(pgdir, "data")
    subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/initdb", "-D", data, "-A",
                    "trust"], check=True, capture_output=True, timeout=120)
    port = free_port()
    run = env.start(["runuser", "-u", "postgres", "--", f"{PG_BIN}/postgres", "-D", data,
                     "-p", str(port), "-k", pgdir, "-c", "listen_addresses=127.0.0.1"])
    deadline = time.time() + 30
    while subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(port)],
                         capture_output=True).returncode != 0:
        assert time.time() < deadline, run.text()
        time.sleep(0.2)
    pm = int(open(os.path.join(data, "postmaster.pid")).readline())
    psql(port, "create table t(x int); insert into t select generate_series(1, 1000);")
    # The backend that served psql exits after it: a connection half-closed by its client
    # (CLOSE_WAIT) is refused by the dump, so let it go first.
    deadline = time.time() + 10
    while any("127.0.0.1(" in title(c) for c in children(pm)) and time.time() < deadline:
        time.sleep(0.05)
    # runuser stays as the parent of postgres: the tree is runuser + postmaster + children.
    dump_and_restore(env, run)
    assert psql(port, "select sum(x) from t") == "500500"
    psql(port, "insert into t values (1001)")
    assert psql(port, "select count(*) from t") == "1001"
    # Stop it cleanly, as its owner would.
    os.kill(pm, 15)
    deadline = time.time() + 30
    while alive(pm) and time.time() < deadline:
        time.sleep(0.1)
