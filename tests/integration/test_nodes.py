"""Two nodes through their daemons (docs/object-storage.md, "The daemon"): two cryods on this
machine, each in a network and a mount namespace of its own, standing for two nodes, and an
S3-compatible server (s3rver, scripts/s3-server.sh) in a third network namespace, the "cloud".

    store netns: s3rver on 0.0.0.0:9000
        10.S.1.1 <-veth-> 10.S.1.2  node A (netns + mntns)
        10.S.2.1 <-veth-> 10.S.2.2  node B (netns + mntns)
                 10.S.3.1 (A) <-veth-> 10.S.3.2 (B)   the nodes' own link, for migration

Each node mounts a tmpfs of its own on the same path and keeps its state there (database,
jobs' logs), as every node of a cluster has its own /var/lib/cryo: nothing one node writes is
seen by the other but through the store or the migration link, and a PID namespace of its
own (A's PIDs from 3000 up, B's from 6000), so that a tree restored on B takes its PIDs there
while A's may still run, as between machines; and a /dev/shm of its own. The test talks to each cryod on its unix
socket, which lies outside the tmpfs, or on tcp from inside its network namespace.
"""
import ctypes
import hashlib
import http.client
import json
import os
import socket
import ssl
import threading
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CRYO, ROOT
from cryod_harness import SANITIZED, Cryod, self_signed

needs_restore = pytest.mark.skipif(SANITIZED,
                                   reason="the engine cannot restore from an ASan build")

BUCKET = "cryo-nodes"
S3RVER = Path(os.environ.get("CRYO_CACHE", "/var/cache/cryo")) / "s3rver" / "node_modules" / \
    ".bin" / "s3rver"

# A job with memory to check and a counter to continue: 48 MiB of pseudo-random bytes, and
# each line "COUNTER DIGEST-OF-THE-MEMORY".
WORKER = ("import hashlib, random, time\n"
          "r = random.Random(7)\n"
          "mem = bytearray(r.randbytes(48 << 20))\n"
          "d = hashlib.sha256(mem).hexdigest()[:16]\n"
          "i = 0\n"
          "while True:\n"
          "    print(i, hashlib.sha256(mem).hexdigest()[:16] if i % 50 == 0 else d, flush=True)\n"
          "    i += 1\n"
          "    time.sleep(0.01)\n")
DIGEST = hashlib.sha256(random.Random(7).randbytes(48 << 20)).hexdigest()[:16]


def sh(*argv, check=True, **kw):
    p = subprocess.run(list(map(str, argv)), capture_output=True, text=True, timeout=60, **kw)
    if check:
        assert p.returncode == 0, f"{' '.join(map(str, argv))}: {p.stderr}"
    return p


class Netns:
    """A network namespace held by a process until close(). A node's (mnt_path given) also has
    a mount namespace with a tmpfs of its own on mnt_path, and a PID namespace of its own whose
    PIDs start above first_pid, so that two nodes' PIDs never meet, as on two machines."""

    def __init__(self, mnt_path=None, first_pid=None):
        script = "ip link set lo up"
        flags = ["-n"]
        if mnt_path:
            flags += ["-m", "--propagation", "private", "-p", "--fork", "--mount-proc",
                      "--kill-child"]
            # A /dev/shm of its own too, as on a machine of its own: the engine's scratch
            # directories there are named by PIDs of this namespace, and another namespace's
            # cryo would take them for left-overs of dead processes.
            script += (f" && mount -t tmpfs -o mode=0700 cryo-node {mnt_path}"
                       f" && mount -t tmpfs -o mode=1777 cryo-shm /dev/shm"
                       f" && echo {first_pid} > /proc/sys/kernel/ns_last_pid")
        self.proc = subprocess.Popen(["unshare", *flags, "sh", "-c",
                                      f"{script} && echo ok && exec sleep 1000000"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.strip() == "ok", self.proc.stderr.read()
        # The holder itself: with a PID namespace, unshare's child, its init.
        self.pid = children(self.proc.pid)[0] if mnt_path else self.proc.pid
        self.node = bool(mnt_path)

    def enter(self):
        return ["nsenter", "-t", str(self.pid), "-n",
                *(["-m", "-p"] if self.node else []), "--"]

    def run(self, *argv, check=True):
        return sh(*self.enter(), *argv, check=check)

    def close(self):
        # A node's init goes with unshare (--kill-child), and every process of the node with it.
        self.proc.kill()
        self.proc.wait()


def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(x) for x in f.read().split()]


def veth(a, a_addr, b, b_addr):
    """A veth pair from namespace a to namespace b, each end with its /24 address; returns
    the names of its ends."""
    tag = f"{os.getpid() % 10000}{random.randrange(1000)}"
    ea, eb = f"cn{tag}a", f"cn{tag}b"
    sh("ip", "link", "add", ea, "type", "veth", "peer", "name", eb)
    try:
        sh("ip", "link", "set", ea, "netns", a.pid)
        sh("ip", "link", "set", eb, "netns", b.pid)
    except AssertionError:
        sh("ip", "link", "del", ea, check=False)
        raise
    a.run("ip", "addr", "add", f"{a_addr}/24", "dev", ea)
    a.run("ip", "link", "set", ea, "up")
    b.run("ip", "addr", "add", f"{b_addr}/24", "dev", eb)
    b.run("ip", "link", "set", eb, "up")
    return ea, eb


CLONE_NEWNET = 0x40000000


def in_netns(pid, make):
    """make() called by a thread of ours that entered process pid's network namespace (a
    socket keeps the namespace it was made in)."""
    out = {}

    def go():
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY)
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:
                out["err"] = OSError(ctypes.get_errno(), "setns")
                return
        finally:
            os.close(fd)
        try:
            out["made"] = make()
        except OSError as e:
            out["err"] = e

    t = threading.Thread(target=go)
    t.start()
    t.join()
    if "err" in out:
        raise out["err"]
    return out["made"]


def socket_in_netns(pid, addr, timeout):
    """A TCP connection made from inside process pid's network namespace."""
    return in_netns(pid, lambda: socket.create_connection(addr, timeout=timeout))


class Sniffer:
    """Every frame that crosses interface ifname of process pid's network namespace, as the
    wire carries it (a packet socket there), from now until stop()."""

    def __init__(self, pid, ifname):
        self.sock = in_netns(pid, lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                                        socket.htons(3)))  # ETH_P_ALL
        self.sock.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
        self.sock.bind((ifname, 0))
        self.sock.settimeout(0.2)
        self.frames, self.stopping = [], False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping:
            try:
                self.frames.append(self.sock.recv(1 << 17))
            except socket.timeout:
                continue
            except OSError:
                break

    def stop(self):
        self.stopping = True
        self.thread.join(10)
        self.sock.close()
        return b"".join(self.frames)


def memory_seen(wire, n=64, size=32):
    """How many of n pieces of WORKER's memory (size bytes each, spread over it) wire holds."""
    mem = random.Random(7).randbytes(48 << 20)
    step = len(mem) // n
    return sum(mem[i * step + 1000:i * step + 1000 + size] in wire for i in range(n))


class NetnsHTTPConnection(http.client.HTTPConnection):
    def __init__(self, pid, host, port, timeout=60):
        super().__init__(host, port, timeout=timeout)
        self.pid = pid

    def connect(self):
        self.sock = socket_in_netns(self.pid, (self.host, self.port), self.timeout)


class NetnsHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, pid, host, port, ca, timeout=60):
        super().__init__(host, port, timeout=timeout,
                         context=ssl.create_default_context(cafile=str(ca)))
        self.pid = pid

    def connect(self):
        self.sock = self._context.wrap_socket(
            socket_in_netns(self.pid, (self.host, self.port), self.timeout),
            server_hostname=self.host)


class Node(Cryod):
    """A cryod run inside a node's namespaces (Netns); on tcp, reached from inside them."""

    def __init__(self, tmp, ns, state, **kw):
        super().__init__(tmp, **kw)
        self.ns = ns
        self.state = state  # the same path on every node, on each node's own tmpfs
        self.config["state_dir"] = str(state)
        self.cert = None

    def listen_tcp(self, address, token, cert=None):
        """On tcp at address with token; with cert (its file and its key's), in HTTPS."""
        self.config.update({"protocol": "tcp", "address": address})
        self.config["connection"] = {"auth_token": token}
        if cert:
            self.config["connection"].update(tls_cert_file=str(cert[0]),
                                              tls_key_file=str(cert[1]))
        self.token, self.cert = token, cert and cert[0]

    def connection(self, timeout=60):
        if self.config["protocol"] != "tcp":
            return super().connection(timeout)
        host, port = self.config["address"].rsplit(":", 1)
        if self.cert:
            return NetnsHTTPSConnection(self.ns.pid, host, int(port), self.cert, timeout)
        return NetnsHTTPConnection(self.ns.pid, host, int(port), timeout)

    def raw(self, method, path, body=None, headers=None, timeout=60):
        if self.config["protocol"] == "tcp":
            headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return super().raw(method, path, body, headers, timeout)

    def spawn(self, args=None, env=None, config_text=None):
        self.write_config(config_text)
        e = dict(os.environ)
        for k in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                  "AWS_REGION"):
            e.pop(k, None)  # the config's storage.s3 keys, not the environment
        e.update(env or {})
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen([*self.ns.enter(), *self.cryod_argv(args)],
                                         stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                                         env=e)
        return self.proc

    def cryod_argv(self, args):
        from cryod_harness import CRYOD
        return [CRYOD, "--config", str(self.config_path), *(self.args if args is None else args)]

    def daemon_pid(self):
        """cryod itself: nsenter forks it into the node's PID namespace and waits for it."""
        if self.proc and self.proc.poll() is None:
            kids = children(self.proc.pid)
            return kids[0] if kids else None
        return None

    def kill9(self):
        pid = self.daemon_pid()
        if pid:
            os.kill(pid, signal.SIGKILL)
        if self.proc:
            self.proc.wait(10)

    def stop(self, timeout=10.0):
        pid = self.daemon_pid()
        if pid:
            os.kill(pid, signal.SIGTERM)
        if self.proc:
            self.proc.wait(timeout)
        return self.proc.returncode if self.proc else None

    def cleanup(self):
        # Job PIDs are the node's, not ours: its jobs end with its PID namespace (Netns.close).
        self.kill9()


@pytest.fixture
def cluster(tmp_path):
    if not S3RVER.exists() and shutil.which("npm") is None:
        pytest.skip("s3rver (scripts/s3-server.sh --install) needed")
    yield from make_cluster(tmp_path)


def make_cluster(tmp_path):
    """The store, nodes A and B (not started): a generator that yields them once and tears
    everything down when resumed (also for bench/nodes.py)."""
    sh(ROOT / "scripts" / "s3-server.sh", "--install")
    net = random.randrange(100, 250)  # 10.NET.x.y: private, and unlikely taken here
    shared = tmp_path / "node"  # each node's own tmpfs, on the same path
    shared.mkdir()
    made, nodes = [], {}
    store = Netns()
    made.append(store)
    s3rver = None
    try:
        a, b = Netns(shared, 3000), Netns(shared, 6000)
        made += [a, b]
        veth(store, f"10.{net}.1.1", a, f"10.{net}.1.2")
        veth(store, f"10.{net}.2.1", b, f"10.{net}.2.2")
        nodes["link"] = veth(a, f"10.{net}.3.1", b, f"10.{net}.3.2")
        (tmp_path / "s3").mkdir()
        s3rver = subprocess.Popen([*store.enter(), str(S3RVER), "-d", str(tmp_path / "s3"),
                                   "-a", "0.0.0.0", "-p", "9000", "-s", "--configure-bucket",
                                   BUCKET], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  start_new_session=True)
        deadline = time.time() + 60
        while a.run("bash", "-c", f"echo > /dev/tcp/10.{net}.1.1/9000", check=False).returncode:
            assert s3rver.poll() is None, s3rver.stderr.read()
            assert time.time() < deadline, "s3rver did not start"
            time.sleep(0.2)
        for name, ns, i in (("a", a, 1), ("b", b, 2)):
            d = Node(tmp_path / name, ns, shared / "state", config={
                "checkpoint": {"dir": f"s3://{BUCKET}/cluster", "streams": 2},
                "db": {"remote": True},
                "storage": {"s3": {"endpoint": f"http://10.{net}.{i}.1:9000",
                                   "access_key_id": "S3RVER",
                                   "secret_access_key": "S3RVER"}}})
            d.tmp.mkdir()
            nodes[name] = d
        nodes["net"] = net

        def s3api(method, key, data=None):
            """One signed request to the store, from its own namespace (curl's SigV4)."""
            p = subprocess.run([*store.enter(), "curl", "-sS", "-f", "-X", method,
                                "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "S3RVER:S3RVER",
                                "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
                                *(["--data-binary", "@-"] if data is not None else []),
                                f"http://127.0.0.1:9000/{BUCKET}/{key}"],
                               input=data, capture_output=True, timeout=60)
            assert p.returncode == 0, p.stderr
            return p.stdout
        nodes["s3"] = s3api
        yield nodes
    finally:
        for name in ("a", "b"):
            if name in nodes:
                nodes[name].cleanup()
        if s3rver:
            os.killpg(s3rver.pid, signal.SIGKILL)
            s3rver.wait()
        for ns in made:
            ns.close()  # its veth ends go with it


def lines(d, job):
    status, text = d.request("GET", f"/v1/jobs/{job}/logs")
    assert status == 200, text
    return [ln.split() for ln in (text or "").splitlines() if ln.strip()]


def wait_lines(d, job, n, timeout=30.0):
    deadline = time.time() + timeout
    while True:
        got = lines(d, job)
        if len(got) >= n:
            return got
        assert time.time() < deadline, f"{job}: {len(got)} lines, {d.log_text()}"
        time.sleep(0.05)


def check_continues(before, after):
    """One counter, continued exactly where it stopped (the new node's log holds what the job
    printed there), and the memory's digest unchanged."""
    counts = [int(c) for c, _ in after]
    assert [int(c) for c, _ in before] == list(range(len(before)))
    assert counts == list(range(len(before), len(before) + len(counts))), counts[:5]
    assert {dg for _, dg in before + after} == {DIGEST}


@needs_restore
def test_checkpoint_on_a_restore_on_b_from_object_storage(cluster):
    a, b = cluster["a"], cluster["b"]
    a.start()
    b.start()
    a.ok("POST", "/v1/jobs", {"id": "work", "command": ["python3", "-c", WORKER]}, status=201)
    before = wait_lines(a, "work", 30, timeout=60)
    ck = a.ok("POST", "/v1/jobs/work/dump", {}, status=201)
    assert ck["path"] == f"s3://{BUCKET}/cluster/{ck['id']}" and ck["size"] > 48 << 20
    before = lines(a, "work")
    assert a.wait_job("work", ("checkpointed",))

    # B never ran the job: its catalogue is the store.
    seen = b.ok("GET", "/v1/checkpoints")["checkpoints"]
    mine = [c for c in seen if c["id"] == ck["id"]]
    assert mine and mine[0]["job"] == "work" and mine[0]["local"] is False, seen
    assert mine[0]["size"] == ck["size"] and mine[0]["created"] == ck["created"]
    assert mine[0]["parent"] is None
    assert b.ok("GET", f"/v1/checkpoints/{ck['id']}")["job"] == "work"
    assert b.request("GET", "/v1/jobs/work")[0] == 404

    # Through the CLI, as a user would.
    p = subprocess.run([CRYO, "job", "restore", "work", "--from", f"s3://{BUCKET}/cluster",
                        "--socket", str(b.sock), "--json"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr + b.log_text()
    job = json.loads(p.stdout)
    assert job["id"] == "work" and job["restored_from"] == ck["id"]
    b.pids.add(job["pid"])
    # B's log holds only what the job printed after its restore: it continues A's.
    after = wait_lines(b, "work", 20)
    check_continues(before, after)
    b.ok("POST", "/v1/jobs/work/kill", {"signal": 9})
    b.wait_job("work", ("exited",))


@needs_restore
def test_a_pre_dump_chain_in_the_store_restored_on_b(cluster):
    # Two pre-dumps and a dump of a job on A, each link of the chain in the store naming its
    # parent (docs/object-storage.md, "Incremental images"); A gone, B lists the chain and
    # restores the job by its id from the store: the counter and memory continue exactly.
    a, b = cluster["a"], cluster["b"]
    a.start()
    b.start()
    a.ok("POST", "/v1/jobs", {"id": "inc", "command": ["python3", "-c", WORKER]}, status=201)
    wait_lines(a, "inc", 10, timeout=60)
    pre1 = a.ok("POST", "/v1/jobs/inc/dump", {"pre_dump": True}, status=201)
    wait_lines(a, "inc", 15)
    pre2 = a.ok("POST", "/v1/jobs/inc/dump", {"pre_dump": True, "parent": pre1["id"]},
                status=201)
    ck = a.ok("POST", "/v1/jobs/inc/dump", {"parent": pre2["id"]}, status=201)
    before = lines(a, "inc")
    assert a.wait_job("inc", ("checkpointed",))
    link = json.loads(cluster["s3"]("GET", f"cluster/{ck['id']}/cryo-chain.json"))
    assert link["kind"] == "dump" and link["parent"] == f"../{pre2['id']}"
    a.kill9()
    a.ns.run("sh", "-c", f"rm -rf {a.state}")

    seen = {c["id"]: c for c in b.ok("GET", "/v1/checkpoints")["checkpoints"]}
    assert [(seen[c["id"]]["kind"], seen[c["id"]]["parent"], seen[c["id"]]["job"])
            for c in (pre1, pre2, ck)] == [("pre-dump", None, "inc"),
                                           ("pre-dump", pre1["id"], "inc"),
                                           ("dump", pre2["id"], "inc")]
    assert all(seen[c["id"]]["size"] > 0 for c in (pre1, pre2, ck))
    # Lazily: the pre-dumps' pages by ranged GET as the page server wants them.
    job = b.ok("POST", "/v1/jobs/inc/restore", {"lazy": True}, status=201)
    b.pids.add(job["pid"])
    assert job["restored_from"] == ck["id"]
    after = wait_lines(b, "inc", 20)
    check_continues(before, after)
    b.ok("POST", "/v1/jobs/inc/kill", {"signal": 9})
    b.wait_job("inc", ("exited",))


@needs_restore
def test_restore_of_a_dead_nodes_checkpoint_and_delete(cluster):
    a, b = cluster["a"], cluster["b"]
    a.start()
    b.start()
    a.ok("POST", "/v1/jobs", {"id": "orphan", "command": ["python3", "-c", WORKER]},
         status=201)
    wait_lines(a, "orphan", 30, timeout=60)
    ck = a.ok("POST", "/v1/jobs/orphan/dump", {}, status=201)
    before = lines(a, "orphan")
    # Node A is gone (its daemon killed, its state with it); B restores its checkpoint with
    # db.remote, by the job's id alone, and lazily: the job runs before its memory is in.
    a.kill9()
    a.ns.run("sh", "-c", f"rm -rf {a.state}")
    job = b.ok("POST", "/v1/jobs/orphan/restore", {"lazy": True}, status=201)
    b.pids.add(job["pid"])
    assert job["restored_from"] == ck["id"]
    after = wait_lines(b, "orphan", 20)
    check_continues(before, after)
    b.ok("POST", "/v1/jobs/orphan/kill", {"signal": 9})
    b.wait_job("orphan", ("exited",))

    # Records in the store are hostile input: a damaged one hides its checkpoint from the list
    # and refuses a restore naming the field; one whose log lies outside B's state_dir is
    # refused too, and nothing is left behind.
    key = f"cluster/{ck['id']}/cryod-checkpoint.json"
    good = cluster["s3"]("GET", key)
    rec = json.loads(good)
    assert rec["node"] and rec["job"]["command"] == ["python3", "-c", WORKER]
    for field, value, status, word in (
            ("checkpoint", {**rec["checkpoint"], "id": "someone-else"}, 500, "checkpoint.id"),
            ("job", {**rec["job"], "uid": -1}, 500, "job.uid"),
            ("job", {**rec["job"], "command": []}, 500, "job.command"),
            ("job", {**rec["job"], "log": "/etc/passwd"}, 422, "outside this node")):
        cluster["s3"]("PUT", key, json.dumps({**rec, field: value}).encode())
        if status == 500:
            assert ck["id"] not in [c["id"] for c in
                                    b.ok("GET", "/v1/checkpoints")["checkpoints"]]
        got, err = b.request("POST", "/v1/jobs/orphan/restore",
                             {"from": f"s3://{BUCKET}/cluster/{ck['id']}", "id": "bad"})
        assert got == status and word in err["error"], (field, err)
        assert b.request("GET", "/v1/jobs/bad")[0] == 404
    cluster["s3"]("PUT", key, b"not JSON at all")
    assert ck["id"] not in [c["id"] for c in b.ok("GET", "/v1/checkpoints")["checkpoints"]]

    # B deletes what A made, its record damaged or not: the store forgets it.
    assert b.request("DELETE", f"/v1/checkpoints/{ck['id']}")[0] == 204
    assert b.request("DELETE", f"/v1/checkpoints/{ck['id']}")[0] == 404
    assert ck["id"] not in [c["id"] for c in b.ok("GET", "/v1/checkpoints")["checkpoints"]]
    status, err = b.request("POST", "/v1/jobs/orphan/restore",
                            {"from": f"s3://{BUCKET}/cluster/{ck['id']}"})
    assert status == 404, err


TOKEN = "nodes-share-this-token-0123456789"


def migration_ready(cluster, job, lines_first, cert=None):
    """A, which presents TOKEN (and checks B's certificate against cert's file), running job
    until it printed lines_first lines; B on tcp with TOKEN (in HTTPS with cert). Returns A, B
    and B's API address."""
    a, b, net = cluster["a"], cluster["b"], cluster["net"]
    b_api = f"10.{net}.3.2:8420"
    a.config["connection"] = {"auth_token": TOKEN}
    if cert:
        a.config["connection"]["tls_ca_file"] = str(cert[0])
    b.listen_tcp(b_api, TOKEN, cert)
    a.start()
    b.start()
    a.ok("POST", "/v1/jobs", {"id": job, "command": ["python3", "-c", WORKER]}, status=201)
    wait_lines(a, job, lines_first, timeout=60)
    return a, b, b_api


@needs_restore
def test_migrate_a_to_b_directly(cluster):
    net = cluster["net"]
    a, b, b_api = migration_ready(cluster, "mover", 30)

    # Through the CLI, as a user would: A streams the job to B, in clear on the nodes' link.
    sniff = Sniffer(b.ns.pid, cluster["link"][1])
    p = subprocess.run([CRYO, "job", "migrate",
                        "mover", "--to", b_api, "--socket", str(a.sock), "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr + a.log_text() + b.log_text()
    # The sniffer sees memory that is not encrypted (the TLS migration: none of it). It is a
    # Python thread on a packet socket, which drops what its buffer cannot hold while the link
    # runs faster than it reads: it sees a share of the pieces (17-26 of 64 on this VM).
    assert memory_seen(sniff.stop()) >= 8
    before = lines(a, "mover")
    moved = json.loads(p.stdout)
    assert moved["id"] == "mover" and moved["state"] == "running"
    assert moved["restored_from"].startswith("migration from 10.")
    # With A's PIDs, in B's PID namespace: restored as the image arrived, not via a copy.
    assert 3000 < moved["pid"] < 6000 and "/dev/shm" not in b.log_text()
    b.pids.add(moved["pid"])
    j = a.ok("GET", "/v1/jobs/mover")
    assert j["state"] == "migrated" and b_api in j["note"], j
    after = wait_lines(b, "mover", 20)
    check_continues(before, after)
    # Nothing went through the store.
    assert not [c for c in b.ok("GET", "/v1/checkpoints")["checkpoints"] if c["job"] == "mover"]

    # A migration offer without the token, or with another, is refused before anything.
    for hdr in ({}, {"Authorization": "Bearer not-the-token-at-all-0000"}):
        c = b.connection()
        c.request("POST", "/v1/migrations", body="{}", headers=hdr)
        assert c.getresponse().status == 401
    # A job that is not running cannot be sent; one whose id B holds is refused by B, and
    # runs on at A.
    status, err = a.request("POST", "/v1/jobs/mover/migrate", {"to": b_api})
    assert status == 409 and "not running" in err["error"], err
    a.ok("POST", "/v1/jobs", {"id": "mover2", "command": ["python3", "-c", WORKER]},
         status=201)
    wait_lines(a, "mover2", 5, timeout=60)
    b.ok("POST", "/v1/jobs", {"id": "mover2", "command": ["sleep", "60"]}, status=201)
    status, err = a.request("POST", "/v1/jobs/mover2/migrate", {"to": b_api})
    assert status >= 400 and "mover2" in err["error"], err
    assert a.ok("GET", "/v1/jobs/mover2")["state"] == "running"
    # No daemon there at all: refused, naming it, and the job runs on.
    status, err = a.request("POST", "/v1/jobs/mover2/migrate", {"to": f"10.{net}.3.2:1"})
    assert status == 500 and f"10.{net}.3.2:1" in err["error"], err
    # Bad requests.
    for body in ({}, {"to": "ftp://x:1"}, {"to": "nohost"}, {"to": b_api, "streams": 99}):
        assert a.request("POST", "/v1/jobs/mover2/migrate", body)[0] == 400, body
    assert a.ok("GET", "/v1/jobs/mover2")["state"] == "running"
    n = len(lines(a, "mover2"))
    wait_lines(a, "mover2", n + 5)
    b.ok("POST", "/v1/jobs/mover/kill", {"signal": 9})
    b.ok("POST", "/v1/jobs/mover2/kill", {"signal": 9})
    a.ok("POST", "/v1/jobs/mover2/kill", {"signal": 9})


@needs_restore
def test_migrate_a_to_b_in_tls(cluster, tmp_path):
    """B's daemon serves HTTPS: A offers the job there checking B's certificate against
    connection.tls_ca_file, and sends the image in TLS too: the nodes' link carries none of
    the job's memory. Without B's CA, A is refused before anything and its job runs on."""
    net = cluster["net"]
    cert = self_signed(tmp_path, f"10.{net}.3.2")
    a, b, b_api = migration_ready(cluster, "secret", 20, cert)

    sniff = Sniffer(b.ns.pid, cluster["link"][1])
    moved = a.ok("POST", "/v1/jobs/secret/migrate", {"to": f"https://{b_api}"})
    wire = sniff.stop()
    before = lines(a, "secret")
    assert moved["state"] == "running" and moved["restored_from"].startswith(
        f"migration from 10.{net}.3.1:"), moved
    b.pids.add(moved["pid"])
    check_continues(before, wait_lines(b, "secret", len(before) + 10))
    assert a.ok("GET", "/v1/jobs/secret")["state"] == "migrated"
    assert len(wire) > 16 << 20 and memory_seen(wire) == 0, len(wire)
    assert "over 2 streams in TLS" in a.log_text(), a.log_text()

    # An A that does not know B's CA: the system's CAs refuse B's certificate.
    a.stop()
    a.config["connection"] = {"auth_token": TOKEN}
    a.start()
    a.ok("POST", "/v1/jobs", {"id": "stays", "command": ["python3", "-c", WORKER]},
         status=201)
    n = len(wait_lines(a, "stays", 5, timeout=60))
    status, err = a.request("POST", "/v1/jobs/stays/migrate", {"to": f"https://{b_api}"})
    assert status == 500 and b_api in err["error"], err
    assert a.ok("GET", "/v1/jobs/stays")["state"] == "running"
    wait_lines(a, "stays", n + 5)
    assert "stays" not in [j["id"] for j in b.ok("GET", "/v1/jobs")["jobs"]]
    b.ok("POST", "/v1/jobs/secret/kill", {"signal": 9})
    a.ok("POST", "/v1/jobs/stays/kill", {"signal": 9})


def test_cedana_config_as_users_write_it(cluster):
    """Every key of Cedana's config file works, in a file as a user writes it, and each is
    overridden by its environment variable and its flag (and the storage keys by AWS's)."""
    a, net = cluster["a"], cluster["net"]
    text = f"""# from a Cedana setup
protocol: unix
address: {a.sock}
log_level: debug
connection:
  url: unix://{a.sock}
  auth_token: {TOKEN}
checkpoint:
  dir: s3://{BUCKET}/cedana
  compression: lz4
  streams: 3
db:
  remote: true
profiling:
  enabled: true
  precision: ns
criu:
  leave_running: true
storage:
  s3:
    endpoint: http://10.{net}.1.1:1
    region: us-east-1
    access_key_id: S3RVER
    secret_access_key: S3RVER
state_dir: {a.state}
"""
    # The endpoint in the file is wrong; AWS_ENDPOINT_URL, as AWS tools read it, wins.
    a.start(config_text=text, env={"AWS_ENDPOINT_URL": f"http://10.{net}.1.1:9000"})
    h = a.ok("GET", "/v1/health")
    assert h["url"] == f"unix://{a.sock}" and h["db_remote"] is True
    a.ok("POST", "/v1/jobs", {"id": "ced", "command": ["python3", "-c", WORKER]}, status=201)
    wait_lines(a, "ced", 5, timeout=60)
    ck = a.ok("POST", "/v1/jobs/ced/dump", {}, status=201)
    assert ck["path"].startswith(f"s3://{BUCKET}/cedana/")
    assert ck["leave_running"] is True and ck["compression"] == "lz4" and ck["streams"] == 3
    assert ck["profile"]["unit"] == "ns" and isinstance(ck["profile"]["phases"]["dump"], int)
    assert a.ok("GET", "/v1/jobs/ced")["state"] == "running"
    assert [c["id"] for c in a.ok("GET", "/v1/checkpoints")["checkpoints"]] == [ck["id"]]
    a.stop()

    # Environment over the file, flags over the environment.
    a.start(config_text=text, env={"AWS_ENDPOINT_URL": f"http://10.{net}.1.1:9000",
                                   "CRYO_PROFILING_PRECISION": "ms",
                                   "CRYO_CRIU_LEAVE_RUNNING": "false",
                                   "CRYO_CHECKPOINT_STREAMS": "1"},
            args=["--checkpoint-streams", "2", "--checkpoint-compression", "zstd"])
    ck2 = a.ok("POST", "/v1/jobs/ced/dump", {}, status=201)
    assert ck2["leave_running"] is False and ck2["streams"] == 2
    assert ck2["compression"] == "zstd" and ck2["profile"]["unit"] == "ms"
    a.wait_job("ced", ("checkpointed",))
    a.stop()

    # The storage keys from the environment alone (no storage section), and db.remote off:
    # only this node's database is listed.
    bare = "\n".join(ln for ln in text.splitlines()
                     if not ln.startswith(("storage:", "  s3:", "    ", "db:", "  remote")))
    a.start(config_text=bare + "\n", env={
        "AWS_ENDPOINT_URL": f"http://10.{net}.1.1:9000", "AWS_ACCESS_KEY_ID": "S3RVER",
        "AWS_SECRET_ACCESS_KEY": "S3RVER", "AWS_REGION": "us-east-1"})
    assert {c["id"] for c in a.ok("GET", "/v1/checkpoints")["checkpoints"]} == \
        {ck["id"], ck2["id"]}
    assert all(c["local"] for c in a.ok("GET", "/v1/checkpoints")["checkpoints"])
    a.stop()
    # No credentials at all: refused at start, naming what is missing.
    a.log.write_text("")
    p = a.spawn(config_text=bare + "\n")
    assert p.wait(10) == 2 and "no S3 credentials" in a.log_text(), a.log_text()


@needs_restore
def test_a_migration_cut_short_leaves_the_job_running_on_a(cluster):
    """B's daemon killed while the image is on its way (the nodes' link slowed to 40 Mbit/s so
    that the 48 MiB take seconds): A's dump fails, its tree resumes, nothing was lost."""
    a, b, b_api = migration_ready(cluster, "cut", 10)
    a.ns.run("tc", "qdisc", "add", "dev", cluster["link"][0], "root", "tbf", "rate", "40mbit",
             "burst", "32kbit", "latency", "400ms")
    mig = subprocess.Popen([CRYO, "job", "migrate", "cut", "--to", b_api, "--socket",
                            str(a.sock)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    deadline = time.time() + 30
    while "waiting for" not in b.log_text():
        assert time.time() < deadline and mig.poll() is None, b.log_text()
        time.sleep(0.05)
    time.sleep(1.5)
    assert mig.poll() is None, "the migration ended before B was killed: link not slowed?"
    b.kill9()
    out, err = mig.communicate(timeout=120)
    assert mig.returncode != 0 and "cut" in err, err
    # A's tree runs on, its counter and memory intact.
    j = a.ok("GET", "/v1/jobs/cut")
    assert j["state"] == "running", j
    n = len(lines(a, "cut"))
    got = wait_lines(a, "cut", n + 60)
    assert [int(c) for c, _ in got] == list(range(len(got)))
    assert {dg for _, dg in got} == {DIGEST}
    a.ok("POST", "/v1/jobs/cut/kill", {"signal": 9})
