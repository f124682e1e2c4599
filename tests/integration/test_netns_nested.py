"""A tree across network namespaces (docs/network-namespaces.md): a child in a network namespace
of its own, with a veth to the root's, an address, a route, sockets across the veth and one made
before its unshare() (tests/workloads/net/netns_nested.c), comes back each socket in its
namespace, the veth connected across them; a socket of a namespace no task is in is refused at
dump, naming it, and the tree runs on."""
import json
import os
import signal
import subprocess
import time

from conftest import alive, child_of, cryo, image_pids, reap, workload


def test_nested_netns_roundtrip(env):
    run = env.start([workload("netns_nested")])
    run.wait_for("ready", 30)
    img = env.dump(run)
    meta = json.loads((img / "cryo.json").read_text())
    nets = [n for n in meta["nested_namespaces"] if n["kind"] == "net"]
    assert len(nets) == 1, meta["nested_namespaces"]
    net = nets[0]
    links = {link["name"]: link for link in net["net"]["links"]}
    assert sorted(links) == ["lo", "vc"], links
    # vc's peer is vp in the root's namespace (number 0), and vp's vc in the nested one (1).
    assert links["vc"]["peer_ns"] == 0, links["vc"]
    vp = [link for link in meta["namespaces"]["net"]["links"] if link["name"] == "vp"][0]
    assert vp["peer_ns"] == 1 and vp["peer"] == links["vc"]["index"], vp
    # The child's listener, its accepted ends of A and D, its end of B, E's three: 7 sockets of
    # its own (the one it made before unshare() is the root namespace's).
    assert len(net["files"]) == 7, net
    shown = cryo("show", img).stdout
    assert "net namespace of pid" in shown and " vc " in shown, shown
    assert "in the tree's network namespace 1" in shown, shown
    pid = env.restore()
    kid = child_of(pid)
    ours = os.readlink("/proc/self/ns/net")
    assert len({os.readlink(f"/proc/{pid}/ns/net"), os.readlink(f"/proc/{kid}/ns/net"),
                ours}) == 3
    env.check(run, pid, timeout=30)
    assert run.text().rstrip().endswith("PASS"), run.text()


def test_socket_of_a_namespace_no_task_is_in_refused(env):
    run = env.start([workload("netns_nested"), "orphan"])
    run.wait_for("ready", 30)
    kid = child_of(run.pid)
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", check=False)
    assert p.returncode != 0
    assert "network namespace" in p.stderr and "no task of the tree is in" in p.stderr, p.stderr
    assert "socket:[" in p.stderr, p.stderr
    assert alive(run.pid) and alive(kid)
    # The lock tables of the dump that failed are gone from both namespaces: data flows.
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


def test_image_with_a_bad_peer_namespace_refused(env):
    run = env.start([workload("netns_nested")])
    run.wait_for("ready", 30)
    img = env.dump(run)
    pids = image_pids(img)
    meta = json.loads((img / "cryo.json").read_text())
    vp = [link for link in meta["namespaces"]["net"]["links"] if link["name"] == "vp"][0]
    vp["peer_ns"] = 7
    (img / "cryo.json").write_text(json.dumps(meta))
    p = cryo("restore", "-D", img, "--detach", check=False)
    assert p.returncode != 0 and "peer_ns" in p.stderr, p.stderr
    time.sleep(0.2)
    assert not [q for q in pids if alive(q)], pids
    assert "vp@" not in subprocess.run(["ip", "-o", "link"], capture_output=True,
                                       text=True).stdout


def test_nested_netns_runs_on_after_leave_running(env):
    run = env.start([workload("netns_nested")])
    run.wait_for("ready", 30)
    env.dump(run, leave_running=True)
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()
    assert run.text().rstrip().endswith("PASS"), run.text()


def test_failed_restore_in_a_nested_namespace_leaves_nothing(env):
    """A sysctl this kernel lacks in the child's namespace: the restore fails there, after the
    root's namespace and the veth across them are made, and leaves no process behind."""
    run = env.start([workload("netns_nested")])
    run.wait_for("ready", 30)
    img = env.dump(run)
    pids = image_pids(img)
    meta = json.loads((img / "cryo.json").read_text())
    net = [n for n in meta["nested_namespaces"] if n["kind"] == "net"][0]
    net["net"]["sysctls"].append(["ipv4/conf/vc/cryo_no_such_sysctl", "1"])
    (img / "cryo.json").write_text(json.dumps(meta))
    p = cryo("restore", "-D", img, "--detach", check=False)
    assert p.returncode != 0 and "cryo_no_such_sysctl" in p.stderr, p.stderr
    time.sleep(0.2)
    assert not [q for q in pids if alive(q)], pids
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    assert " vp@" not in links and " vc@" not in links, links
