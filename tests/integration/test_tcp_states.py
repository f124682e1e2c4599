"""TCP connections beyond ESTABLISHED, and the network lock that holds dumped connections
still until their restore (docs/network-locking.md)."""
import fcntl
import json
import os
import signal
import socket
import struct
import subprocess
import termios
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
    """A dump that fails after locking the connections (an AF_XDP socket, refused, comes after
    them) leaves no table, and the tree's connections go on: every counter arrives."""
    peer = OutsidePeer()
    try:
        run = env.start([workload("net_tcp_states_outside"), str(peer.port), "refuse"])
        locks.append(run.pid)
        run.wait_for("ready")
        peer.start_sending()
        time.sleep(0.3)
        p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", "-v", "-v", check=False)
        assert p.returncode == 1, p.stdout + p.stderr
        assert "family 44" in p.stderr, p.stderr
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


def syn_sent_dump_restore(env, locks, run, drop):
    """Dumps run (its connections in SYN_SENT, their SYNs dropped by `drop`), restores it,
    checks the lock's life, lets the workload check its connections still connecting, then
    removes the drop; returns the restored pid."""
    locks.append(run.pid)
    run.wait_for("ready")
    env.dump(run)
    assert f"cryo-lock-{run.pid}" in lock_tables(), "the connecting sockets are not locked"
    pid = env.restore()
    assert f"cryo-lock-{run.pid}" not in lock_tables(), "the lock outlived the restore"
    os.kill(pid, signal.SIGUSR1)
    run.wait_for("connecting", timeout=20)
    drop()
    return pid


def test_tcp_syn_sent_restored(env, locks):
    """Connections still connecting (SYN_SENT, their SYNs dropped by a rule of this test's
    own) to a listener in the tree, one by a non-blocking connect(), one by a blocking
    connect() in a thread: restored still connecting, the same addresses and ports; once the
    SYNs pass, the first polls POLLOUT with SO_ERROR 0, the thread's connect() returns 0, the
    listener accepts both from the right ports, and bytes go both ways."""
    port = free_port()
    rule = DropSyns(port)
    try:
        run = env.start([workload("net_tcp_syn_sent"), str(port), "in"])
        pid = syn_sent_dump_restore(env, locks, run, lambda: rule.__exit__(None, None, None))
        code = reap(pid, 60)
        assert "PASS" in run.text() and code == 0, f"exit {code}; {run.text()[-2000:]!r}"
    finally:
        rule.__exit__(None, None, None)


def test_tcp_syn_sent_leave_running(env, locks):
    """--leave-running with connections still connecting: the lock goes with the dump, they
    leave repair mode still connecting (SO_REUSEADDR kept), and complete once the SYNs pass,
    the thread's blocking connect() returning 0."""
    port = free_port()
    rule = DropSyns(port)
    try:
        run = env.start([workload("net_tcp_syn_sent"), str(port), "in"])
        locks.append(run.pid)
        run.wait_for("ready")
        env.dump(run, leave_running=True)
        assert f"cryo-lock-{run.pid}" not in lock_tables(), "the lock outlived the dump"
        os.kill(run.pid, signal.SIGUSR1)
        run.wait_for("connecting", timeout=20)
        rule.__exit__(None, None, None)
        assert run.finish(60) == 0 and "PASS" in run.text(), run.text()[-2000:]
    finally:
        rule.__exit__(None, None, None)


def test_tcp_syn_sent_outside_peer_backlog_full(env, locks):
    """A connection still connecting to a listener outside the tree whose backlog is full (it
    drops the SYNs): restored still connecting; once the listener accepts the connection that
    filled it, the next SYN gets through: the connection is made from the same port and
    carries bytes both ways."""
    listener = socket.socket()
    filler = socket.socket()
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        filler.connect(listener.getsockname())
        accepted = []
        run = env.start([workload("net_tcp_syn_sent"), str(listener.getsockname()[1]),
                         "out"])
        pid = syn_sent_dump_restore(env, locks, run,
                                    lambda: accepted.append(listener.accept()[0]))
        local = int(run.text().split("local ", 1)[1].split()[0])
        listener.settimeout(30)
        conn, addr = listener.accept()
        accepted.append(conn)
        assert addr == ("127.0.0.1", local), (addr, local)
        conn.settimeout(20)
        assert conn.recv(8) == b"syn"
        conn.sendall(b"ack")
        code = reap(pid, 60)
        assert "PASS" in run.text() and code == 0, f"exit {code}; {run.text()[-2000:]!r}"
    finally:
        for s in [listener, filler] + locals().get("accepted", []):
            s.close()


def test_tcp_syn_sent_fastopen_refused_tree_unharmed(env, locks):
    """A connect() deferred by TCP_FASTOPEN_CONNECT (its SYN carries the first write) is
    refused, naming pid, fd and the option, before anything is locked; the tree runs on."""
    run = env.start([workload("net_tcp_syn_sent"), str(free_port()), "fastopen"])
    locks.append(run.pid)
    run.wait_for("ready")
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", check=False)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "state SYN_SENT whose SYN waits for the first write (TCP_FASTOPEN_CONNECT)" \
        in p.stderr, p.stderr
    assert f"of pid {run.pid}" in p.stderr, p.stderr
    assert not (env.tmp / "img" / "cryo.json").exists()
    assert f"cryo-lock-{run.pid}" not in lock_tables()
    env.check(run, run.pid)


def test_tcp_closed_with_unread_bytes_restored(env, locks):
    """Connections closed for good (state CLOSE) with bytes unread: closed by both FINs with
    the peer in the tree (the peer's first; ours first, our end through TIME_WAIT), reset
    after data by the peer in the tree, closed by both FINs with the peer outside (this
    test): each restored in state CLOSE with its addresses and poll() events; the workload
    reads exactly its bytes, then end-of-file, or ECONNRESET then end-of-file after the
    reset. The image says which had an error pending."""
    listener = socket.socket()
    peers = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        run = env.start([workload("net_tcp_close_data"), str(listener.getsockname()[1])])
        listener.settimeout(10)
        conn, _ = listener.accept()
        peers.append(conn)
        conn.sendall(b"outside")
        conn.shutdown(socket.SHUT_WR)
        locks.append(run.pid)
        run.wait_for("ready")
        fds = [int(x) for x in run.text().split("fd ", 1)[1].split()[:3]]
        img = env.dump(run)
        meta = json.loads((img / "cryo.json").read_text())
        ids = {fd["fd"]: fd["file"] for t in meta["tasks"] for fd in t["fds"]}
        files = {f["id"]: f for f in meta["files"]}
        for fd, want, err in zip(fds, (b"tail-fin", b"tail-rst", b"outside"),
                                 (False, True, False)):
            f = files[ids[fd]]
            tcp = bytes.fromhex(f["tcp"])
            state, flags = struct.unpack_from("<II", tcp, 52)
            assert bytes.fromhex(f["data"]) == want and state == 7, (fd, f)
            assert bool(flags & 2) == err, (fd, flags)
        pid = env.restore()
        assert f"cryo-lock-{run.pid}" not in lock_tables(), "the lock outlived the restore"
        env.check(run, pid)
    finally:
        for s in [listener] + peers:
            s.close()


def test_tcp_closed_with_nothing_unread_restored(env, locks):
    """Connections closed for good (state CLOSE) with nothing left to read, both ends in the
    tree (closed by both FINs, one end through TIME_WAIT, the other through LAST_ACK; reset,
    the ECONNRESET read): restored as closed connections, not as bound sockets. Each keeps
    its addresses (SO_PEERNAME too) and poll() events; a read gives end-of-file, not
    ENOTCONN, and a write EPIPE."""
    run = env.start([workload("net_tcp_close_empty")])
    locks.append(run.pid)
    run.wait_for("ready")
    img = env.dump(run)
    meta = json.loads((img / "cryo.json").read_text())
    closed = [f for f in meta["files"] if f.get("tcp")]
    assert len(closed) == 3, closed
    for f in closed:
        assert struct.unpack_from("<I", bytes.fromhex(f["tcp"]), 52)[0] == 7, f
    pid = env.restore()
    assert f"cryo-lock-{run.pid}" not in lock_tables(), "the lock outlived the restore"
    env.check(run, pid)


def test_tcp_peer_gone_while_dumped_reset_at_once(env, locks):
    """An established connection whose peer (outside the tree) reset its end while the tree
    was dumped, the lock holding the reset off: right after the restore, with no wait, a
    read says ECONNRESET. The window probe of leaving repair mode goes out once the lock is
    gone, and the gone peer answers it with a reset (zdtm socket-tcp-reseted)."""
    listener = socket.socket()
    conn = None
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        run = env.start([workload("net_tcp_peer_gone"), str(listener.getsockname()[1])])
        locks.append(run.pid)
        listener.settimeout(10)
        conn, _ = listener.accept()
        run.wait_for("ready")
        env.dump(run)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
        conn = None
        pid = env.restore()
        env.check(run, pid)
    finally:
        for s in (listener, conn):
            if s:
                s.close()


def _tcp_info(sock):
    """(state, segs_in, bytes to read) of a socket of this process (struct tcp_info: state at 0, tcpi_segs_in
    at 140)."""
    raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 144)
    inq = fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0")
    return raw[0], struct.unpack_from("<I", raw, 140)[0], struct.unpack("<i", inq)[0]


@pytest.mark.parametrize("how", ["restore", "dump-and-restore", "unlocked"])
def test_tcp_close_option_restores_connections_closed(env, locks, how):
    """CRIU's --tcp-close (zdtm socket-tcp-close0: on restore; socket-dump-tcp-close: on both):
    established and half-closed connections, both ends in the tree or the peer outside
    (this test, which never reads), come back in state CLOSE: the workload reads exactly the
    bytes queued to each, then end-of-file, poll() says POLLHUP, writes fail with EPIPE; the
    bytes the outside one had not sent yet are dropped; the listener is untouched. The peer
    outside hears nothing, neither FIN nor RST nor data: its end stays established (no FIN:
    not CLOSE_WAIT; no RST: not CLOSE) with no segment more than it had at the dump and no
    byte more to read, also where the dump's network lock is gone before the restore
    ("unlocked"): the restore sends the peer nothing, so needs no lock. (The peer's own next segment, such as the window update of a read,
    meets no connection here and is answered with a reset, as after CRIU's --tcp-close.)"""
    listener = socket.socket()
    conn = None
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        run = env.start([workload("net_tcp_close_opt"), str(listener.getsockname()[1])])
        listener.settimeout(10)
        conn, _ = listener.accept()
        conn.sendall(b"outside")
        locks.append(run.pid)
        run.wait_for("ready")
        # A directory image whatever the suite's layout: the image is read below.
        img = env.dump(run, extra=("--tcp-close",) if how == "dump-and-restore" else (),
                       suite_args=False)
        if how == "unlocked":  # the restore needs no lock for them: none goes out
            subprocess.run(["nft", "delete", "table", "inet", f"cryo-lock-{run.pid}"],
                           check=True)
        meta = json.loads((img / "cryo.json").read_text())
        states = sorted(struct.unpack_from("<I", bytes.fromhex(f["tcp"]), 52)[0]
                        for f in meta["files"] if f.get("tcp"))
        assert states == [1, 1, 1, 5, 8], states  # the image is the same either way
        assert any(f.get("sendq") for f in meta["files"] if f.get("tcp")), "O sent it all"
        time.sleep(0.2)
        before = _tcp_info(conn)
        assert before[0] == 1, before
        pidfile = env.tmp / "restored.pid"
        p = cryo("restore", "-D", img, "--detach", "--pidfile", pidfile, "--tcp-close", "-v")
        pid = int(pidfile.read_text().split()[0])
        env.restored.append(pid)
        assert "restored closed (--tcp-close)" in p.stderr, p.stderr
        assert f"cryo-lock-{run.pid}" not in lock_tables(), "the lock outlived the restore"
        env.check(run, pid)
        time.sleep(0.5)  # anything the restored end sent would be here by now
        assert _tcp_info(conn) == before, (before, _tcp_info(conn))
    finally:
        for s in (listener, conn):
            if s:
                s.close()


def _dead_pid():
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def _start_time(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[19])


def _lock_table(pid, comment=None):
    body = f" {{ comment \"{comment}\" ; }}" if comment else ""
    subprocess.run(["nft", f"add table inet cryo-lock-{pid}{body}"], check=True)


def test_stale_lock_tables_swept_by_dump_and_restore(env, locks, tmp_path):
    """Tables that a dump or restore which died left behind (docs/network-locking.md) go at
    the next dump or restore that locks: one whose pid is dead and that records nothing,
    one whose recorded image directory is gone, one whose tree runs on untraced with the
    start time it recorded. Kept: a live process's that records nothing, one whose image is
    still there (a restore may come), one whose pid now belongs to another process. The
    dump's own table records its root's start time and its image directory."""
    sleepers = [subprocess.Popen(["sleep", "60"]) for _ in range(3)]
    try:
        before_dump = _dead_pid()
        _lock_table(before_dump)
        locks.append(before_dump)
        run = env.start([workload("net_tcp_states"), str(free_port()), "4"])
        locks.append(run.pid)
        run.wait_for("ready")
        start = _start_time(run.pid)
        env.dump(run)
        assert f"cryo-lock-{before_dump}" not in lock_tables(), "the dump swept nothing"
        listing = subprocess.run(["nft", "list", "table", "inet", f"cryo-lock-{run.pid}"],
                                 capture_output=True, text=True, check=True).stdout
        assert (f'comment "cryo root={run.pid} start={start} '
                f'dir={env.tmp / "img"}"') in listing, listing

        kept_dir = tmp_path / "still-here"
        kept_dir.mkdir()
        live, runs_on, reused = (s.pid for s in sleepers)
        dead, gone_img, waiting = _dead_pid(), _dead_pid(), _dead_pid()
        _lock_table(dead)
        _lock_table(live)
        _lock_table(gone_img, f"cryo root={gone_img} start=5 dir={tmp_path}/gone")
        _lock_table(waiting, f"cryo root={waiting} start=5 dir={kept_dir}")
        _lock_table(runs_on, f"cryo root={runs_on} start={_start_time(runs_on)} dir={kept_dir}")
        _lock_table(reused, f"cryo root={reused} start=5 dir={kept_dir}")
        locks.extend([dead, live, gone_img, waiting, runs_on, reused])
        p = cryo("restore", "-D", env.tmp / "img", "--detach", "--pidfile",
                 env.tmp / "restored.pid", "-v")
        pid = int((env.tmp / "restored.pid").read_text())
        env.restored.append(pid)
        tables = lock_tables()
        for gone in (dead, gone_img, runs_on):
            assert f"cryo-lock-{gone}" not in tables, (gone, p.stderr)
            assert f"removed stale table inet cryo-lock-{gone}" in p.stderr, p.stderr
        for kept in (live, waiting, reused):
            assert f"cryo-lock-{kept}" in tables, (kept, p.stderr)
        assert f"cryo-lock-{run.pid}" not in tables, "the lock outlived the restore"
        env.check(run, pid, timeout=60)
    finally:
        for s in sleepers:
            s.kill()
            s.wait()


def test_lock_of_an_image_with_a_long_path_records_no_directory(env, locks):
    """nft takes a comment of 127 characters at most, and refuses the whole lock beyond: an
    image directory too long for the table's record is left out of it, and the dump and
    restore go on as ever."""
    run = env.start([workload("net_tcp_states"), str(free_port()), "4"])
    locks.append(run.pid)
    run.wait_for("ready")
    img = env.tmp / ("i" * 120)
    env.dump(run, img=img)
    listing = subprocess.run(["nft", "list", "table", "inet", f"cryo-lock-{run.pid}"],
                             capture_output=True, text=True, check=True).stdout
    assert f'comment "cryo root={run.pid} start=' in listing and " dir=" not in listing
    pid = env.restore(img)
    assert f"cryo-lock-{run.pid}" not in lock_tables(), "the lock outlived the restore"
    env.check(run, pid, timeout=60)
