"""Bytes buffered in pseudo-terminals (both directions, canonical and raw), a master whose
slave was closed, locked ptys; credentials queued on unix sockets."""
import json
import os
import signal

from conftest import alive, cryo, workload


def test_pty_queued_bytes_closed_slave_and_lock(env):
    """Bytes a pty holds in each direction come back exactly (canonical lines and an
    unfinished one, raw bytes the line discipline would act on, no second echo); a master
    whose slave was closed still reads its bytes then EIO; locked ptys stay locked."""
    env.roundtrip([workload("pty_more")])


def test_pty_dump_leaves_queued_bytes(env):
    """A dump reads the bytes a pty holds (they cannot be read without being consumed) and
    queues them again: with --leave-running the original finds every byte where it was."""
    run = env.start([workload("pty_more")])
    run.wait_for("ready")
    img = env.dump(run, leave_running=True)
    assert alive(run.pid), "the process did not survive --leave-running"
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish(20) == 0, f"original failed after the dump: {run.text()!r}"
    assert "PASS" in run.text()
    run.out.write_bytes(b"")
    pid = env.restore(img)
    env.check(run, pid)


def test_unix_queued_credentials(env):
    """Messages queued on unix sockets with SO_PASSCRED (stream, datagram, seqpacket) from
    two tasks of the tree, some with another uid and gid, one sent before SO_PASSCRED was
    set: each reads after restore with exactly its sender's pid, uid and gid."""
    env.roundtrip([workload("net_unix_creds")])


def test_unix_queued_credentials_image(env):
    """The image keeps each message's credentials (`creds`), and a second restore of the same
    image sends them again too."""
    run = env.start([workload("net_unix_creds")])
    run.wait_for("ready")
    img = env.dump(run)
    meta = json.loads((img / "cryo.json").read_text())
    creds = sorted(f["creds"] for f in meta["files"] if "creds" in f)
    kid = [t["pid"] for t in meta["tasks"] if t["pid"] != run.pid][0]
    assert creds == sorted([
        [[0, kid, 1234, 5678], [2, run.pid, 0, 0], [4, kid, 0, 0]],
        [[0, kid, 0, 0], [6, run.pid, 0, 0], [12, kid, 77, 88]],
        [[0, 0, 65534, 65534], [9, kid, 0, 0]],
    ]), creds
    for _ in range(2):
        pid = env.restore(img)
        env.check(run, pid)


def test_tcp_closed_with_unread_bytes_refused(env):
    """A TCP connection reset by its peer (state CLOSE) with bytes still unread: the dump is
    refused, naming pid, fd and the state, and consumes nothing: the tree reads the bytes,
    then ECONNRESET, then end-of-file."""
    run = env.start([workload("net_tcp_close_data")])
    run.wait_for("ready")
    fd = run.text().split("fd ", 1)[1].split()[0]
    img = env.tmp / "img"
    p = cryo("dump", "-t", run.pid, "-D", img, check=False)
    assert p.returncode == 1, f"exit {p.returncode}: {p.stdout}{p.stderr}"
    for w in (f"pid {run.pid}", f"fd {fd}", "state CLOSE", "4 bytes unread"):
        assert w in p.stderr, f"{w!r} not in {p.stderr!r}"
    assert not (img / "cryo.json").exists(), "a refused dump left an image behind"
    assert alive(run.pid)
    env.check(run, run.pid)
