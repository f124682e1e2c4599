"""A tree with a network namespace of its own, full of state (devices of each kind cryo makes,
addresses, routes, rules, sysctls, nftables and iptables rules, a veth pair with one end in the
host), is dumped and restored with all of it (docs/network-namespaces.md); a device cryo cannot
make is refused at dump, naming it, and the tree runs on; a restore that fails midway leaves no
device in the host's namespace."""
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import CRYO, alive, cryo, nsinit, reap, workload


def start(env, *args, name="netns_links"):
    run = env.start([workload(name), *args])
    run.wait_for("ready", 30)
    init = nsinit(run)
    return run, init


def host_links():
    return subprocess.run(["ip", "-o", "link"], capture_output=True, text=True,
                          check=True).stdout


def host_end(run):
    return f"cryoh{run.pid}"


def wait_host_end_gone(run, timeout=5.0):
    """The end in the host goes with its pair, once the kernel tears the namespace down."""
    deadline = time.time() + timeout
    while f"{host_end(run)}@" in host_links() and time.time() < deadline:
        time.sleep(0.05)
    return f"{host_end(run)}@" not in host_links()


def dump_killed(run, init, img):
    cryo("dump", "-t", init, "-D", img)
    deadline = time.time() + 5
    while alive(init) and time.time() < deadline:
        time.sleep(0.01)
    assert not alive(init), "the dump did not kill the tree"


def restore(env, img, name="r", check=True):
    pidfile = env.tmp / f"{name}.pid"
    p = cryo("restore", "-D", img, "--detach", "--pidfile", pidfile, check=check)
    if p.returncode == 0:
        pid = int(pidfile.read_text())
        env.restored.append(pid)
        return pid, p
    return None, p


@pytest.mark.parametrize("flavour", ["with-pidns", "net-only", "bridged"])
def test_netns_roundtrip(env, flavour):
    """net-only: the tree has a network (and mount) namespace alone, its PIDs the host's.
    bridged: the host's end of its veth is a port of a host bridge (as docker0's are)."""
    run, init = start(env, *([] if flavour == "with-pidns" else [flavour]))
    try:
        roundtrip(env, run, init, flavour)
    finally:
        subprocess.run(["ip", "link", "del", f"cryob{run.pid}"], capture_output=True)


def test_stale_bridges_of_killed_launchers_removed(env):
    """A launcher killed before it removed its bridge left cryob<its pid>, with an address:
    the next bridged launcher removes it; the bridge of a pid still alive stays."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    run = None
    stale, live = f"cryob{dead.pid}", f"cryob{os.getpid()}"
    for name, net in ((stale, 252), (live, 253)):
        subprocess.run(["ip", "link", "add", name, "type", "bridge"], check=True)
        subprocess.run(["ip", "addr", "add", f"10.251.{net}.1/24", "dev", name], check=True)
    try:
        run, _ = start(env, "bridged")
        links = host_links()
        assert f" {stale}:" not in links and f" {live}:" in links, links
        assert f" cryob{run.pid}:" in links, links
        run.kill()
        run.finish()
    finally:
        for name in (stale, live, *([f"cryob{run.pid}"] if run else [])):
            subprocess.run(["ip", "link", "del", name], capture_output=True)


def roundtrip(env, run, init, flavour):
    img = env.tmp / "img"
    dump_killed(run, init, img)
    net = json.loads((img / "cryo.json").read_text())["namespaces"]["net"]
    kinds = sorted((link["name"], link["kind"]) for link in net["links"])
    assert kinds == [("br0", "bridge"), ("lo", ""), ("tap9", "tun"), ("tun7", "tun"),
                     ("tun8", "tun"), ("tunmq", "tun"), ("va", "veth"), ("vb", "veth"),
                     ("veth0", "veth")], kinds
    tuns = sorted(f.get("iff", "") for f in json.loads((img / "cryo.json").read_text())["files"]
                  if f["type"] == 17)
    assert tuns == ["", "tap9", "tun8", "tunmq", "tunmq"], tuns
    outside = [link["outside"]["name"] for link in net["links"] if "outside" in link]
    assert outside == [host_end(run)]
    # cryo's own lock tables are never part of the tree's ruleset.
    assert "cryo-lock" not in net.get("nft", "")
    pid, _ = restore(env, img)
    assert f"{host_end(run)}@" in host_links(), "the host's end of the veth is not back"
    if flavour == "bridged":
        end = [line for line in host_links().splitlines() if f"{host_end(run)}@" in line][0]
        assert f"master cryob{run.pid} " in end, end
    os.kill(pid, signal.SIGUSR1)
    assert reap(pid, 60) == 0, run.text()[-4000:]
    assert run.text().rstrip().endswith("PASS"), run.text()[-4000:]
    # The restored tree gone, its namespace and the host's end of the veth go too.
    assert wait_host_end_gone(run), host_links()


def test_unsupported_device_refused_tree_runs_on(env):
    run = env.start([workload("ns_tree")])
    run.wait_for("ready")
    init = nsinit(run)
    subprocess.run(["ip", "link", "add", "vx9", "netns", str(init), "type", "vxlan", "id", "5",
                    "remote", "192.0.2.1", "dstport", "4789"], check=True)
    p = cryo("dump", "-t", init, "-D", env.tmp / "img", check=False)
    assert p.returncode != 0
    assert "vx9" in p.stderr and "vxlan" in p.stderr, p.stderr
    assert alive(init)
    # The tree was resumed: with the device gone again, it passes its own checks.
    subprocess.run(["nsenter", "-t", str(init), "-n", "ip", "link", "del", "vx9"], check=True)
    os.kill(init, signal.SIGUSR1)
    assert run.finish() == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()


def test_restore_failing_midway_leaves_no_device_on_the_host(env):
    run, init = start(env)
    img = env.tmp / "img"
    dump_killed(run, init, img)
    assert wait_host_end_gone(run), host_links()
    # A device's own sysctl is written after the links (the host's end among them) are
    # made: a value the kernel refuses fails the restore there.
    meta = json.loads((img / "cryo.json").read_text())
    sysctls = meta["namespaces"]["net"]["sysctls"]
    row = [s for s in sysctls if s[0] == "ipv4/conf/veth0/arp_ignore"][0]
    row[1] = "not-a-number"
    (img / "cryo.json").write_text(json.dumps(meta))
    before = set(os.listdir("/proc"))
    pid, p = restore(env, img, check=False)
    assert pid is None and p.returncode != 0
    assert "ipv4/conf/veth0/arp_ignore" in p.stderr, p.stderr
    assert f"{host_end(run)}@" not in host_links(), host_links()
    time.sleep(0.2)
    ours = {os.path.realpath(CRYO), os.path.realpath(workload("netns_links"))}
    left = []
    for d in set(os.listdir("/proc")) - before:
        try:
            if d.isdigit() and alive(int(d)) and os.readlink(f"/proc/{d}/exe") in ours:
                left.append(d)
        except OSError:
            pass  # gone meanwhile
    assert not left, left


def test_restore_beside_its_running_original_refused(env):
    """The host's end of the original's veth still has its name: the restore says so, and
    the original runs on."""
    run, init = start(env)
    img = env.tmp / "img"
    cryo("dump", "-t", init, "-D", img, "--leave-running")
    pid, p = restore(env, img, check=False)
    assert pid is None and p.returncode != 0
    assert host_end(run) in p.stderr and "still run" in p.stderr, p.stderr
    assert alive(init)
    os.kill(init, signal.SIGUSR1)
    deadline = time.time() + 60
    while "PASS" not in run.text() and "FAIL" not in run.text() and time.time() < deadline:
        time.sleep(0.05)
    assert run.text().rstrip().endswith("PASS"), run.text()[-4000:]


def test_network_lock_table_is_not_the_trees(env):
    """A TCP connection inside the tree's namespace is locked by a table of cryo's own there
    (inet cryo-lock-1) while it is dumped: that table is not part of the tree's ruleset, and
    the restored namespace has none."""
    run = env.start([workload("ns_tree")])
    run.wait_for("ready")
    init = nsinit(run)
    img = env.tmp / "img"
    p = cryo("dump", "-vv", "-t", init, "-D", img)
    assert "table inet cryo-lock-1" in p.stderr, p.stderr[-2000:]
    net = json.loads((img / "cryo.json").read_text())["namespaces"]["net"]
    assert "nft" not in net, net.get("nft")
    deadline = time.time() + 5
    while alive(init) and time.time() < deadline:
        time.sleep(0.01)
    pid, _ = restore(env, img)
    tables = subprocess.run(["nsenter", "-t", str(pid), "-n", "nft", "list", "tables"],
                            capture_output=True, text=True, check=True).stdout
    assert tables == "", tables
    os.kill(pid, signal.SIGUSR1)
    assert reap(pid, 20) == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()
