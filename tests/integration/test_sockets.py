"""Sockets come back: unix pairs and listeners, TCP/UDP bound sockets, established TCP."""
import os
import socket
import threading

import pytest

from conftest import workload


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
    queued bytes, then end-of-file, and EPIPE on write, after restore as before."""
    roundtrip(env, [workload("net_unix_peer_gone")])


def test_netlink_sockets(env):
    roundtrip(env, [workload("net_netlink")])


def test_packet_sockets(env):
    roundtrip(env, [workload("net_packet"), str(free_port(socket.SOCK_DGRAM))])


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


def test_raw_and_ping_sockets(env, ping_sockets_allowed):
    roundtrip(env, [workload("net_raw"), "ping"])
