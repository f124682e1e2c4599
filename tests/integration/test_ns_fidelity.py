"""Trees in namespaces of their own, in the shapes of CRIU's zdtm "ns" flavour tests that cryo
once failed at restore (docs/conformance.md, "The `ns` flavour"): each is dumped and restored
with no cryo option, and the workload checks every detail after the restore."""
import json
import os
import signal
import time

import pytest

from conftest import STREAM, alive, cryo, nsinit, reap, workload

pytestmark = pytest.mark.skipif(STREAM, reason="a tree with namespaces of its own is "
                                "restored from a directory, not as it arrives")


def start(env, name, *args):
    run = env.start([workload(name), *map(str, args)])
    run.wait_for("ready", 30)
    return run, nsinit(run)


def dump(env, init, img=None):
    img = img or env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", init, "-D", img)
    deadline = time.time() + 5
    while alive(init) and time.time() < deadline:
        time.sleep(0.01)
    assert not alive(init), "the dump did not kill the tree"
    return img


def restore(env, img):
    pidfile = env.tmp / "r.pid"
    cryo("restore", "-D", img, "--detach", "--pidfile", pidfile)
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    return pid


def finish(run, pid, timeout=30):
    os.kill(pid, signal.SIGUSR1)
    code = reap(pid, timeout)
    assert code == 0 and run.text().rstrip().endswith("PASS"), run.text()[-4000:]


@pytest.mark.parametrize("firewall", ["legacy", "nft"])
def test_last_ack_held_by_the_trees_own_firewall(env, firewall):
    """socket-tcp-closed-last-ack: a rule of the tree's network namespace drops what comes
    to the server's port, so its FIN is never acknowledged; the restore rebuilds the
    connection with segments that rule would drop, and loads the rule after them."""
    run, init = start(env, "netns_tcp_fw", firewall)
    img = dump(env, init)
    net = json.loads((img / "cryo.json").read_text())["namespaces"]["net"]
    assert "7071" in (net.get("iptables_legacy") if firewall == "legacy" else net.get("nft")), net
    pid = restore(env, img)
    finish(run, pid)


def test_tree_without_proc_or_devpts_comes_back_without_them(env):
    """clean_mntns: a tree in a root of its own that unmounted its proc and devpts. The
    restore reads its tasks' maps in a proc it lends at /proc, and takes it back before the
    tree runs."""
    from test_mntns import ns_root, mounted
    with ns_root(env.tmp) as (root, dev):
        run = env.start([workload("mnt_noproc"), root, dev])
        run.wait_for("ready", 30)
        init = nsinit(run)
        img = dump(env, init)
        points = [m["point"] for m in json.loads((img / "cryo.json").read_text())
                  ["namespaces"]["mounts"]]
        assert "/proc" not in points and "/dev/pts" not in points, points
        pid = restore(env, img)
        assert not mounted(env.tmp / "testdir" / "proc")
        finish(run, pid)


def in_root(env, name, check_image=None):
    """Workload `name` (mnt_common.h) in a root of its own: dumped, restored, checked."""
    from test_mntns import ns_root
    with ns_root(env.tmp) as (root, dev):
        run = env.start([workload(name), root, dev])
        run.wait_for("ready", 30)
        init = nsinit(run)
        img = dump(env, init)
        if check_image:
            check_image(json.loads((img / "cryo.json").read_text()))
        pid = restore(env, img)
        finish(run, pid)


def test_dgram_sockets_bound_to_names_of_the_trees_root(env):
    """sockets_dgram: the socket files are looked for from the tree's root at dump, not from
    ours, where they are not (they were taken for removed ones, bound for a moment)."""
    in_root(env, "mnt_unix_dgram")


def test_file_removed_but_linked_elsewhere_on_a_tmpfs_of_the_trees(env):
    """unlink_regular00: the file's tmpfs is made again at restore, where its handle leads
    nowhere; its other name, kept at dump, is the same file there."""
    def other_name(image):
        names = [f.get("other_name") for f in image["files"] if f.get("other_name")]
        assert names == ["/lnk/file"], names
    in_root(env, "mnt_linked", other_name)


def test_file_removed_but_linked_elsewhere_held_through_a_nested_mount_namespace(env):
    """mntns_link_remap: a removed file whose only name, /lr/0/F, neither descriptor's mount
    shows (each a bind of another part of its tmpfs) and the child's nested namespace does not
    show at all: its other name is found at dump through the tree's mount of the whole tmpfs,
    and each descriptor is opened again on its own mount by the new file's handle."""
    def other_name(image):
        names = {f["path"]: f.get("other_name") for f in image["files"]
                 if f["path"].startswith("/lr/")}
        assert names == {"/lr/1/F": "/lr/0/F", "/lr/2/F": "/lr/0/F"}, names
    in_root(env, "mnt_link_remap", other_name)


def test_binds_of_a_pty_of_the_trees_devpts(env):
    """pty-console: /dev/console a bind of a pty of the tree's devpts, which the restore makes
    with the files: the bind is mounted once they are open."""
    def binds(image):
        kinds = {m["point"]: m["kind"] for m in image["namespaces"]["mounts"]}
        assert kinds["/dev/console"] == kinds["/run/tty"] == "bind", kinds
    in_root(env, "mnt_pty_bind", binds)


def test_unix_socket_whose_file_a_mount_hides(env):
    """overmount_sock: the accepted end is bound again under the tmpfs that hides its file,
    not above it (where it would hold the tmpfs, which then cannot be unmounted), its file with
    the mode and owner it had."""
    def hidden(image):
        socks = [f for f in image["files"] if f["type"] == 8 and
                 int(f["params"][6], 16) & 16]
        assert len(socks) == 1, image["files"]
        assert [m for f, m in image["namespaces"]["file_mounts"]
                if f == socks[0]["id"]], image["namespaces"]
    in_root(env, "mnt_overmount_sock", hidden)
