"""Mount namespaces nested inside a tree in a root of its own (lib/ns/mntns.h,
docs/mount-namespaces.md): a child of the tree's init in a mount namespace of its own, with a
tmpfs only it has, a bind shared with the init's namespace, files open and mapped there, its
cwd there. Dumped and restored with no option; the workload checks its mountinfo, files, mount
ids, proc and the propagation between the two namespaces."""
import json
import os
import re
import signal

import pytest

from conftest import STREAM, alive, cryo, nsinit, workload
from test_mntns import dump, finish, ns_root, restore, restore_fails, start

pytestmark = pytest.mark.skipif(STREAM, reason="a tree with namespaces of its own is "
                                "restored from a directory, not as it arrives")


def test_a_child_in_a_mount_namespace_of_its_own_comes_back_in_it(env):
    with ns_root(env.tmp) as (root, dev):
        run, init = start(env, "mnt_nested", root, dev)
        img = dump(env, init)
        meta = json.loads((img / "cryo.json").read_text())
        nested = meta["mount_namespaces"]
        assert len(nested) == 1 and len(nested[0]["pids"]) == 1, nested
        kinds = {m["point"]: m["kind"] for m in nested[0]["mounts"]}
        # Its own tmpfs saved; the rest binds of the tree's mounts.
        assert kinds["/own"] == "tmpfs" and kinds["/"] == "tree", kinds
        assert kinds["/shr"] == "tree" and kinds["/sb"] == "tree", kinds
        tree = {m["point"]: m["kind"] for m in meta["namespaces"]["mounts"]}
        assert tree["/proc/sys/fs/binfmt_misc"] == "binfmt_misc", tree
        assert (img / "mnt-1-{}.tar".format(
            [m["point"] for m in nested[0]["mounts"]].index("/own") + 1)).exists()
        files = {f["id"]: f.get("path") for f in meta["files"]}
        # Its removed files: /own/gone made again there, /sb/ghost (the init's /shr/ghost
        # too) reopened there by its handle; the init's inotify descriptor, whose watch is
        # on /own (found from the child's root), made again there.
        assert sorted(files[i] for i in nested[0]["files"]) == \
            ["/own/gone", "/own/held", "/sb/ghost", "/sb/parent-file",
             "anon_inode:inotify"], nested[0]["files"]
        watches = [w[2] for f in meta["files"] for w in f.get("inotify", [])]
        assert "/own" in watches, watches
        assert len(nested[0]["shmems"]) == 1, nested[0]
        pid, _ = restore(env, img)
        finish(run, pid)


def test_unix_sockets_named_by_one_path_in_two_mount_namespaces(env):
    """sk-unix-mntns: the init and a child in a nested mount namespace each bind a datagram
    socket at /sk/sock (the child's on a tmpfs of its own) and connect a client to it by name;
    the child listens at /sk/lsn. Each socket is bound again in the namespace whose root showed
    its file at dump, and each client connected again in its peer's: after the restore each
    one's datagrams reach its own socket, through a new client of the name too."""
    with ns_root(env.tmp) as (root, dev):
        run, init = start(env, "mnt_unix_nested", root, dev)
        img = dump(env, init)
        meta = json.loads((img / "cryo.json").read_text())
        nested = meta["mount_namespaces"]
        files = {f["id"]: f for f in meta["files"]}
        bound = sorted(files[i]["type"] for i in nested[0]["files"])
        assert len(nested) == 1 and len(bound) == 2, nested
        pid, _ = restore(env, img)
        finish(run, pid)


def test_a_unix_socket_whose_file_was_removed_in_a_nested_namespace_is_refused_naming_it(env):
    """A socket bound to a name of a nested namespace whose file was removed since (bound
    again for a moment at restore, in the tree's namespace): the dump refuses it, naming the
    pid and the cause, and the tree runs on."""
    with ns_root(env.tmp) as (root, dev):
        run = env.start([workload("mnt_nested"), root, dev],
                        env={**os.environ, "CRYO_MNT_NESTED_UNIX": "1"})
        run.wait_for("ready")
        init = nsinit(run)
        p = cryo("dump", "-t", init, "-D", env.tmp / "img", check=False)
        assert p.returncode != 0
        assert re.search(r"pid \d+ is in a nested mount namespace and fd \d+ is a unix "
                         r"socket named by a path", p.stderr), p.stderr
        assert alive(init)
        os.kill(init, signal.SIGUSR1)
        assert run.finish() == 0 and run.text().rstrip().endswith("PASS"), run.text()


def test_a_restore_failing_in_a_nested_mount_namespace_leaves_nothing(env):
    """The archive of the child's own tmpfs is gone: the restore fails naming it once the
    tree's namespace is built, and leaves no process, no mount and no namespace."""
    with ns_root(env.tmp) as (root, dev):
        run, init = start(env, "mnt_nested", root, dev)
        img = dump(env, init)
        nested = json.loads((img / "cryo.json").read_text())["mount_namespaces"][0]
        own = [m["point"] for m in nested["mounts"]].index("/own") + 1
        (img / f"mnt-1-{own}.tar").unlink()
        restore_fails(env, img, f"mnt-1-{own}.tar")
        run.finish()
