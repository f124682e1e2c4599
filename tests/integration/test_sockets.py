"""Sockets come back: unix pairs and listeners, TCP/UDP bound sockets, established TCP."""
import os
import socket
import threading

import pytest

from conftest import cryo, workload


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def roundtrip(env, argv):
    env.roundtrip(argv)


def test_unix_sockets(env):
    roundtrip(env, [workload("net_unix"), str(env.tmp / "listener.sock")])


def test_tcp_listen_and_udp(env):
    roundtrip(env, [workload("net_inet"), str(free_port()), str(free_port(socket.SOCK_DGRAM))])


class EchoServer:
    """A peer outside the dumped tree: echoes lines on one connection at a time."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.lines = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            f = conn.makefile("rb")
            for line in f:
                self.lines.append(line)
                conn.sendall(line)

    def close(self):
        self.sock.close()


def test_tcp_established(env):
    echo = EchoServer()
    try:
        roundtrip(env, [workload("net_tcp_established"), str(free_port()), str(echo.port)])
        # One connection carried both lines: the peer never saw it drop.
        assert echo.lines == [b"before\n", b"after\n"]
    finally:
        echo.close()


def test_tcp_established_leave_running(env):
    echo = EchoServer()
    try:
        run = env.start([workload("net_tcp_established"), str(free_port()), str(echo.port)])
        run.wait_for("ready")
        env.dump(run, leave_running=True)
        run.signal(__import__("signal").SIGUSR1)
        assert run.finish(20) == 0, run.text()
        assert "PASS" in run.text()
        assert echo.lines == [b"before\n", b"after\n"]
    finally:
        echo.close()


def test_unix_sockets_whose_peer_is_gone(env):
    """A server's end of a connection whose client hung up (stream and seqpacket): the
    queued bytes, then end-of-file, and EPIPE on write, after restore as before; a datagram
    socketpair's end whose other end sent and closed: its datagrams, then ECONNREFUSED."""
    roundtrip(env, [workload("net_unix_peer_gone")])


def test_unix_sockets_files_in_flight(env):
    """Files sent with SCM_RIGHTS and not received yet, in a stream and a datagram queue (a
    pipe end and a socket that only the queue holds, an eventfd, a pipe end a task holds too):
    each read after restore gets the same bytes with the same files, and the files work."""
    roundtrip(env, [workload("net_unix_scm")])


def test_unix_epoll_held_only_in_flight(env):
    """An epoll instance held only by a unix socket's queue (sent twice, then closed): after
    restore it still watches the socket and a pipe twice (once through a dup since closed),
    each registration with its events and data."""
    roundtrip(env, [workload("net_unix_scm_epoll")])


def test_unix_socket_names(env):
    """Accepted connections keep their listener's name (path and abstract) and their clients'
    names, clients see it as their peer's, and queued datagrams come from the same senders."""
    roundtrip(env, [workload("net_unix_names"), env.tmp])


def test_unix_socket_states(env):
    """Unbound sockets of each type, sockets whose bound path was removed (or taken by another
    file), an abstract name, shutdown in each direction, seqpacket records and a peek offset
    all come back as they were."""
    roundtrip(env, [workload("net_unix_states"), env.tmp])
    assert not (env.tmp / "gone.sock").exists()
    assert (env.tmp / "taken.sock").exists() is False  # the workload removed it when done


def test_unix_socket_files_keep_owner_and_mode(env):
    """A listener's socket file and a datagram socket's keep their mode, owner and group, so
    that another user may still connect and send; names relative to the task's working
    directory (one whose file was replaced by a FIFO) are bound there again."""
    import shutil
    import tempfile
    d = tempfile.mkdtemp(prefix="cryo-unix-files-")
    try:
        os.chmod(d, 0o711)  # another user reaches the socket files, as under /tmp
        before = set(os.listdir("."))
        roundtrip(env, [workload("net_unix_files"), d])
        # Relative names were bound where their task was, not where cryo ran.
        assert set(os.listdir(".")) == before
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_unix_connections_not_yet_accepted(env):
    """Clients waiting in a stream listener's accept queue (one bound to a name) and in a
    seqpacket listener's whose socket file was removed: still connected after restore, each
    accepted once more by its listener, bytes and records passing both ways."""
    roundtrip(env, [workload("net_unix_unaccepted"), env.tmp])


def test_unix_connection_not_yet_accepted_with_bytes_refused(env):
    """A client's bytes waiting in a connection not yet accepted cannot be read without
    accepting it: the dump is refused naming pid and fd, and the tree runs on."""
    run = env.start([workload("net_unix_unaccepted"), env.tmp, "refuse"])
    run.wait_for("ready", 10)
    img = env.tmp / "img"
    p = cryo("dump", "-t", run.pid, "-D", img, check=False)
    assert p.returncode == 1, f"exit {p.returncode}: {p.stderr}"
    for w in (f"pid {run.pid}", "fd ", "waits to be accepted"):
        assert w in p.stderr, f"{w!r} not in {p.stderr!r}"
    assert not (img / "cryo.json").exists(), "a refused dump left an image behind"
    os.kill(run.pid, 0)  # still there (env's cleanup ends it)


def test_unix_datagram_server_whose_file_was_removed(env):
    """A datagram server whose socket file was removed, with clients connected to it (one
    opened before it, one bound to a name) and datagrams queued: still connected after
    restore, the queue comes back, and new datagrams reach it. And sockets in a directory
    removed since (a datagram pair bound to one name, a server and client, a listener and
    its accepted connection): the directory is made for the moment, and gone again."""
    roundtrip(env, [workload("net_unix_dgram_ghost"), env.tmp])


def test_unix_sockets_connected_outside_the_tree(env):
    """Unix sockets whose peers are this test's, outside the dumped tree: dumped with default
    options and marked external; restored with their peers gone (queue, then end-of-file,
    EPIPE), a datagram socket connected again to the outside name it had."""
    d = env.tmp
    outs = []

    def unix_socket(kind, name=None):
        s = socket.socket(socket.AF_UNIX, kind)
        outs.append(s)
        if name:
            s.bind(str(d / name))
        return s

    try:
        lst = unix_socket(socket.SOCK_STREAM, "out.sock")
        lst.listen(4)
        syslog = unix_socket(socket.SOCK_DGRAM, "log.sock")
        gone = unix_socket(socket.SOCK_DGRAM, "gone-log.sock")
        run = env.start([workload("net_unix_outside"), d])
        run.wait_for("connected")
        lst.settimeout(10)
        conn, _ = lst.accept()
        outs.append(conn)
        conn.sendall(b"from-outside")
        syslog.sendto(b"dg-from-outside", str(d / "d.sock"))
        client = unix_socket(socket.SOCK_STREAM)
        client.connect(str(d / "l.sock"))
        client.sendall(b"hello-server")
        run.wait_for("ready")
        img = env.dump(run)
        shown = cryo("show", img).stdout
        assert shown.count("its peer was outside the tree") == 4, shown
        assert "external" in shown
        for s in (conn, client, gone):
            s.close()
        os.unlink(d / "gone-log.sock")
        pid = env.restore()
        env.check(run, pid)
        syslog.settimeout(10)
        assert syslog.recv(64) == b"after-restore"
    finally:
        for s in outs:
            s.close()


def test_socket_options(env):
    """Buffer sizes, timeouts, linger, priority, mark, bound device, keepalive timers, TCP
    and IP options of a listener, an established pair, a UDP and an IPv6 socket."""
    roundtrip(env, [workload("net_sockopts"), str(free_port()), str(free_port())])


def test_inet_bound_unbound_and_v4_mapped(env):
    """A TCP socket bound but not listening, unbound TCP and UDP sockets (still unbound after
    restore), and an IPv6 UDP socket on v4-mapped addresses talking to an IPv4 peer."""
    udp = socket.SOCK_DGRAM
    roundtrip(env, [workload("net_inet_bound"), str(free_port()), str(free_port()),
                    str(free_port(udp)), str(free_port(udp))])


def test_bind_options_cleared_after_bind(env):
    """Sockets bound under an option that only bind() looks at, cleared since: two TCP
    listeners sharing a port through SO_REUSEPORT, the first one's cleared (zdtm
    socket-tcp-reuseport), and a UDP socket bound to an address not of this host under
    IP_FREEBIND, cleared (zdtm sk-freebind-false): bound again where they were, the options
    read back as cleared, both still listening."""
    roundtrip(env, [workload("net_bind_cleared")])


def test_udp_shutdown_restored(env):
    """UDP sockets shut down for writing, for reading (connected to each other) and both
    ways (bound, not connected): the shutdowns come back (sock_diag's INET_DIAG_SHUTDOWN),
    the open way still carries a datagram (zdtm socket_udp_shutdown)."""
    roundtrip(env, [workload("net_udp_shutdown")])


def test_tcp_closing_connection_restored(env):
    """A half-closed connection (CLOSE_WAIT and FIN_WAIT2 ends) comes back as it was: the
    queued bytes, then end-of-file, and the open direction still carries data (more states
    in test_tcp_states.py)."""
    roundtrip(env, [workload("net_tcp_closing"), str(free_port())])


def test_netlink_sockets(env):
    roundtrip(env, [workload("net_netlink")])


def test_packet_sockets(env):
    roundtrip(env, [workload("net_packet"), str(free_port(socket.SOCK_DGRAM))])


def test_packet_rings_mapped_private(env):
    """A packet socket's rings mapped MAP_PRIVATE (zdtm packet_sock_mmap): mapped again
    private, at the same address, from the restored socket."""
    roundtrip(env, [workload("net_packet_ring_private")])


def test_sock_packet_sockets(env):
    """SOCK_PACKET sockets, one bound to lo with ETH_P_ALL, one never bound: the interface
    names read back, and the bound one still receives lo's frames (its protocol kept, from
    packet_diag; zdtm packet_sock_spkt)."""
    roundtrip(env, [workload("net_packet_spkt")])


def test_packet_rings(env):
    """Packet sockets with mmap()ed rings (TPACKET_V1, V2 with a transmit ring, V3 in a
    fanout group), each mapped where it was (one twice, read-only): options read back, the
    rings come back empty and still receive into the mapped memory, and the transmit ring
    sends."""
    roundtrip(env, [workload("net_packet_ring")])


@pytest.fixture
def ping_sockets_allowed():
    """Lets gid 0 open ICMP datagram sockets (net.ipv4.ping_group_range, "1 0" here: nobody)
    for the test, and puts the range back."""
    path = "/proc/sys/net/ipv4/ping_group_range"
    with open(path) as f:
        old = f.read().split()
    lo, hi = int(old[0]), int(old[1])
    if not lo <= 0 <= hi:
        with open(path, "w") as f:
            f.write("0 0")
    try:
        yield
    finally:
        with open(path, "w") as f:
            f.write(f"{lo} {hi}")


def test_raw_sockets(env):
    roundtrip(env, [workload("net_raw")])


def test_raw_socket_ip_options_and_buffer_locks(env):
    """IP options of raw sockets (IP_TTL, IP_TOS, IP_FREEBIND, IP_PKTINFO; IPV6_FREEBIND,
    IPV6_RECVPKTINFO, IPV6_UNICAST_HOPS; zdtm sock_ip_opts00/01) and SO_BUF_LOCK of TCP
    sockets, set alone or by SO_SNDBUF (zdtm sock_opts02), read back as they were set."""
    roundtrip(env, [workload("net_raw_opts")])


def test_raw_and_ping_sockets(env, ping_sockets_allowed):
    roundtrip(env, [workload("net_raw"), "ping"])


def test_socket_filters(env):
    """SO_ATTACH_FILTER programs on UDP (locked), TCP and unix sockets come back exactly and
    still decide; bytes queued before the dump are not filtered a second time."""
    roundtrip(env, [workload("net_sock_filter"), str(free_port(socket.SOCK_DGRAM)),
                    str(free_port())])
