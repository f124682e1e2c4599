"""Bytes buffered in pseudo-terminals (both directions, canonical and raw), a master whose
slave was closed, locked ptys; credentials queued on unix sockets; CRIU's --network-lock."""
import json
import os
import signal

import pytest

from conftest import alive, cryo, workload
from test_sockets import free_port
from test_tcp_states import lock_tables, locks  # noqa: F401 (a fixture)


def test_pty_queued_bytes_closed_slave_and_lock(env):
    """Bytes a pty holds in each direction come back exactly (canonical lines and an
    unfinished one, raw bytes the line discipline would act on, no second echo); a master
    whose slave was closed still reads its bytes then EIO; locked ptys stay locked; a slave's
    node keeps its owner and mode (zdtm pty01); slaves of a pty whose master was closed stay
    one removed, hung-up node (zdtm pty04)."""
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
    """Messages queued on unix sockets with SO_PASSCRED (stream, datagram, seqpacket, a
    stream whose peer is gone) from two tasks of the tree, some with another uid and gid, one
    sent before SO_PASSCRED was set: each reads after restore with exactly its sender's pid,
    uid and gid (and end-of-file after the one whose peer is gone)."""
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
        [[0, kid, 0, 0]],
    ]), creds
    for _ in range(2):
        pid = env.restore(img)
        env.check(run, pid)


@pytest.mark.parametrize("method", ["nftables", "iptables", "skip"])
def test_criu_network_lock_option(env, locks, method):
    """CRIU's --network-lock: nftables (cryo's lock) and iptables (taken as nftables, with a
    note) lock the dumped connections until the restore; skip locks nothing. The tree comes
    back with its connections either way."""
    run = env.start([workload("net_tcp_states"), str(free_port()), "4"])
    locks.append(run.pid)
    run.wait_for("ready")
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", "--network-lock", method)
    assert ("note: --network-lock iptables" in p.stderr) == (method == "iptables"), p.stderr
    locked = f"cryo-lock-{run.pid}" in lock_tables()
    assert locked == (method != "skip"), lock_tables()
    run.finish(20)
    pidfile = env.tmp / "restored.pid"
    cryo("restore", "-D", env.tmp / "img", "--detach", "--pidfile", pidfile,
         "--network-lock", method)
    pid = int(pidfile.read_text().split()[0])
    env.restored.append(pid)
    assert f"cryo-lock-{run.pid}" not in lock_tables(), "the lock outlived the restore"
    env.check(run, pid, timeout=60)


@pytest.mark.parametrize("cmd", ["dump", "restore"])
def test_criu_network_lock_bad_method(env, cmd):
    """Another --network-lock method is a usage error, said before anything is touched."""
    args = ["-t", "1"] if cmd == "dump" else []
    p = cryo(cmd, *args, "-D", env.tmp / "img", "--network-lock", "ebpf", check=False)
    assert p.returncode == 2, f"exit {p.returncode}: {p.stdout}{p.stderr}"
    assert "--network-lock ebpf: unknown method" in p.stderr, p.stderr
    assert not (env.tmp / "img").exists()
