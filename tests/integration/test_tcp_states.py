"""TCP connections beyond ESTABLISHED, and the network lock that holds dumped connections
still until their restore (docs/network-locking.md)."""
import os
import signal
import socket
import struct
import subprocess
import threading
import time

import pytest

from conftest import cryo, reap, workload
from test_failures import _occupy_pid, _pids_past
from test_sockets import free_port


def lock_tables():
    """The names of cryo's lock tables now (`nft list tables`)."""
    out = subprocess.run(["nft", "list", "tables"], capture_output=True, text=True,
                         check=True).stdout
    return {line.split()[2] for line in out.splitlines()
            if line.startswith("table inet cryo-lock-")}


@pytest.fixture
def locks():
    """Yields a list to put root pids in; removes their lock tables whatever happens."""
    pids = []
    yield pids
    for pid in pids:
        subprocess.run(["nft", "delete", "table", "inet", f"cryo-lock-{pid}"],
                       capture_output=True)


class OutsidePeer:
    """The peer of net_tcp_states_outside: accepts E then F; half-closes F at once; sends
    counters on E from start_sending() to stop(), then half-closes E too."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.sent = 0
        self.error = None
        self.e = self.f = None
        self.go = threading.Event()
        self.halt = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        try:
            self.e, _ = self.sock.accept()
            self.f, _ = self.sock.accept()
            self.f.sendall(b"peer-bye")
            self.f.shutdown(socket.SHUT_WR)
            self.go.wait()
            while not self.halt.is_set():
                self.e.sendall(struct.pack(">I", self.sent))
                self.sent += 1
                time.sleep(0.002)
            self.e.shutdown(socket.SHUT_WR)
        except OSError as e:  # an RST shows here as ConnectionResetError
            self.error = e

    def start_sending(self):
        self.go.set()

    def stop(self):
        self.halt.set()
        self.thread.join(10)
        assert not self.thread.is_alive(), "the sender is stuck"
        assert self.error is None, f"the peer saw its connection fail: {self.error!r}"

    def local_port(self):
        """The tree's port of connection E."""
        return self.e.getpeername()[1]

    def check_received(self):
        """E brought "tree-bye" then end-of-file; F "answer" then end-of-file."""
        for conn, want in ((self.e, b"tree-bye"), (self.f, b"answer")):
            conn.settimeout(20)
            got = b""
            while True:
                chunk = conn.recv(64)
                if not chunk:
                    break
                got += chunk
            assert got == want, (want, got)

    def close(self):
        self.halt.set()
        self.go.set()
        for s in (self.e, self.f, self.sock):
            if s:
                s.close()


def free_port6():
    s = socket.socket(socket.AF_INET6)
    s.bind(("::1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def counters(text):
    return int(text.split("counters ", 1)[1].split()[0])


def finish(env, run, pid, peer):
    """Lets the workload check itself while the peer still sends, then ends the stream."""
    os.kill(pid, signal.SIGUSR1)
    time.sleep(0.5)
    peer.stop()
    code = reap(pid, 60)
    text = run.text()
    assert "PASS" in text and code == 0, f"exit {code}; output: {text[-2000:]!r}"
    assert counters(text) == peer.sent, (counters(text), peer.sent)
    peer.check_received()


@pytest.mark.parametrize("family", ["4", "6"])
def test_tcp_half_closed_states(env, locks, family):
    """FIN_WAIT1 (bytes and FIN unsent), FIN_WAIT2, CLOSE_WAIT, LAST_ACK, CLOSING, both ends
    in the tree, over IPv4 and IPv6: states, queues, end-of-file and EPIPE exactly where they
    were."""
    run = env.start([workload("net_tcp_states"), str(free_port6() if family == "6"
                                                     else free_port()), family])
    locks.append(run.pid)
    run.wait_for("ready")
    env.dump(run)
    assert f"cryo-lock-{run.pid}" in lock_tables(), "the dumped connections are not locked"
    pid = env.restore()
    assert f"cryo-lock-{run.pid}" not in lock_tables(), "the lock outlived the restore"
    env.check(run, pid, timeout=60)


def test_tcp_half_closed_outside_peer_locked(env, locks):
    """A peer outside the tree sends all through the dump and the restore, into a connection
    the tree shut down for writing: no RST, no byte lost, the counters go on; the tree's
    CLOSE_WAIT end still answers. The lock exists exactly from the dump to the restore."""
    peer = OutsidePeer()
    try:
        run = env.start([workload("net_tcp_states_outside"), str(peer.port)])
        locks.append(run.pid)
        run.wait_for("ready")
        peer.start_sending()
        time.sleep(0.3)
        env.dump(run)
        assert f"cryo-lock-{run.pid}" in lock_tables()
        time.sleep(1)  # the peer retransmits into the lock meanwhile
        pid = env.restore()
        assert f"cryo-lock-{run.pid}" not in lock_tables()
        finish(env, run, pid, peer)
    finally:
        peer.close()


class DropSyns:
    """An nftables table of the test's own that drops SYNs to 127.0.0.1:port, removed on
    exit: a connect() there stays in SYN_SENT."""

    def __init__(self, port):
        self.table = f"cryo-test-syn-{os.getpid()}-{port}"
        subprocess.run(["nft", "-f", "-"], check=True, text=True, input=(
            f"add table inet {self.table}\n"
            f"add chain inet {self.table} out {{ type filter hook output priority 0 ; }}\n"
            f"add rule inet {self.table} out ip daddr 127.0.0.1 tcp dport {port} "
            f"tcp flags & (syn | ack) == syn drop\n"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        subprocess.run(["nft", "delete", "table", "inet", self.table], capture_output=True)


def test_tcp_lock_gone_after_failed_dump(env, locks):
    """A dump that fails after locking the connections (a connection still in SYN_SENT comes
    after them) leaves no table, and the tree's connections go on: every counter arrives."""
    peer = OutsidePeer()
    port = free_port()
    try:
        with DropSyns(port):
            run = env.start([workload("net_tcp_states_outside"), str(peer.port), "refuse",
                             str(port)])
            locks.append(run.pid)
            run.wait_for("ready")
            peer.start_sending()
            time.sleep(0.3)
            p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", "-v", "-v", check=False)
            assert p.returncode == 1, p.stdout + p.stderr
            assert "state SYN_SENT" in p.stderr, p.stderr
            # E and F were locked before the refusal, and the lock went with the failure.
            assert p.stderr.count(f"in table inet cryo-lock-{run.pid}") == 2, p.stderr
            assert f"table inet cryo-lock-{run.pid} removed" in p.stderr, p.stderr
            assert f"cryo-lock-{run.pid}" not in lock_tables(), "a failed dump left its lock"
        finish(env, run, run.pid, peer)
    finally:
        peer.close()


def test_tcp_lock_gone_after_leave_running(env, locks):
    """--leave-running: the lock goes with the dump; the tree never notices."""
    peer = OutsidePeer()
    try:
        run = env.start([workload("net_tcp_states_outside"), str(peer.port)])
        locks.append(run.pid)
        run.wait_for("ready")
        peer.start_sending()
        time.sleep(0.3)
        env.dump(run, leave_running=True)
        assert f"cryo-lock-{run.pid}" not in lock_tables()
        finish(env, run, run.pid, peer)
    finally:
        peer.close()


def test_tcp_lock_kept_after_failed_restore(env, locks):
    """A restore that fails (the root's PID taken meanwhile) keeps the lock, so the peer
    keeps retransmitting rather than meeting an RST; a second restore, once the PID is free,
    finds the connections whole and removes the lock."""
    peer = OutsidePeer()
    occupier = None
    try:
        run = env.start([workload("net_tcp_states_outside"), str(peer.port)])
        locks.append(run.pid)
        run.wait_for("ready")
        peer.start_sending()
        time.sleep(0.3)
        env.dump(run)
        occupier = _occupy_pid(env, run.pid)
        _pids_past(run.pid)
        p = cryo("restore", "-D", env.tmp / "img", "--detach", "--pidfile",
                 env.tmp / "restored.pid", check=False)
        assert p.returncode != 0, "the restore should have failed"
        assert f"cryo-lock-{run.pid}" in lock_tables(), "a failed restore dropped the lock"
        occupier.kill()
        occupier.wait()
        occupier = None
        pid = env.restore()
        assert f"cryo-lock-{run.pid}" not in lock_tables()
        finish(env, run, pid, peer)
    finally:
        if occupier:
            occupier.kill()
            occupier.wait()
        peer.close()


def test_tcp_syn_sent_refused_tree_unharmed(env, locks):
    """A connection still in SYN_SENT (its SYNs dropped by a rule of this test's own) is
    refused, naming pid, fd and state, before anything is locked; once the SYNs pass, the
    tree makes the connection and uses it."""
    port = free_port()
    with DropSyns(port):
        run = env.start([workload("net_tcp_syn_sent"), str(port)])
        locks.append(run.pid)
        run.wait_for("ready")
        fd = run.text().split("fd ", 1)[1].split()[0]
        p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", check=False)
        assert p.returncode == 1, p.stdout + p.stderr
        assert f"fd {fd} of pid {run.pid}" in p.stderr and "state SYN_SENT" in p.stderr, \
            p.stderr
        assert not (env.tmp / "img" / "cryo.json").exists()
        assert f"cryo-lock-{run.pid}" not in lock_tables()
    env.check(run, run.pid, timeout=40)
