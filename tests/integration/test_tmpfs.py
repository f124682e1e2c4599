"""The contents of tmpfs mounts (lib/ns/tmpfs.c): a runc container's /dev/shm (a POSIX shared
memory object mapped shared and held open) and a tmpfs /tmp from config.json, restored under a
new id into a pristine bundle, where runc makes both empty; and a plain tree with a mount
namespace of its own and a private tmpfs (with a read-only tmpfs inside it), mounted again
with its options. The workload tmpfs_state checks every entry's kind, mode, owner, times,
xattr, hard links, holes, and that its shared mappings are still the files'."""
import io
import json
import os
import shutil
import signal
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

from conftest import CRYO, STREAM, alive, cryo, workload
from test_containers import Box, runc, state  # noqa: F401 (Box's containers)


def wait_text(path, want, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = Path(path).read_text() if Path(path).exists() else ""
        if want in text or "FAIL" in text:
            return text
        time.sleep(0.05)
    return Path(path).read_text() if Path(path).exists() else ""


@pytest.mark.skipif(STREAM, reason="a tree with namespaces of its own is restored from a "
                    "directory, not as it arrives (docs/containers.md)")
def test_private_tmpfs_of_a_plain_tree_comes_back_with_its_contents(env):
    priv, src, dst1, dst2 = (env.tmp / d for d in ("priv", "src", "dst1", "dst2"))
    for d in (priv, src, dst1, dst2):
        d.mkdir()
    (src / "kept").write_text("ours")
    # Its own tmpfs at priv (and a read-only one inside), src of ours bound at dst1, and a
    # part of its tmpfs (priv/d) bound read-only at dst2.
    run = env.start([workload("tmpfs_state"), "--ghost", "--own-ns", str(priv),
                     "--bind", str(src), str(dst1), str(dst2)])
    run.wait_for("ready")
    img = env.dump(run)
    if (img / "cryo.json").exists():
        assert sorted(p.name for p in img.glob("tmpfs-*.tar")) == ["tmpfs-1.tar",
                                                                   "tmpfs-2.tar"]
        # The 64 MiB file with one byte is stored sparse.
        assert (img / "tmpfs-1.tar").stat().st_size < 4 << 20
        mounts = json.loads((img / "cryo.json").read_text())["namespaces"]["tmpfs"]
        assert [(m["point"], m.get("source"), m.get("of")) for m in mounts] == [
            (str(priv), None, None), (f"{priv}/inner", None, None),
            (str(dst1), str(src), 0), (str(dst2), "/d", 1)], mounts
    pid = env.restore()
    # Mounted in the tree's new mount namespace only: our directories stay as they were.
    assert list(priv.iterdir()) == [] and list(dst1.iterdir()) == []
    assert list(dst2.iterdir()) == []
    env.check(run, pid)


def test_mount_of_its_own_that_is_no_tmpfs_or_bind_is_refused_tree_unharmed(env):
    priv = env.tmp / "priv"
    priv.mkdir()
    # A ramfs: a filesystem of its own that cryo neither saves nor finds in ours.
    script = f"mount -t ramfs ramfs {priv} && echo ready && exec sleep 60"
    run = env.start(["unshare", "-m", "--propagation", "private", "sh", "-c", script])
    run.wait_for("ready")
    # unshare execs sh, which execs sleep: the tree is one process.
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", check=False)
    assert p.returncode != 0
    assert f"a ramfs mount at {priv}" in p.stderr and "that ours lacks" in p.stderr, p.stderr
    assert alive(run.pid)
    os.kill(run.pid, signal.SIGKILL)
    run.finish()


BIND_OVER_OURS = r"""
set -e
mount --bind "$D/A" "$D/P"
unshare -m --propagation private sh -c \
    'mount --bind "$D/B" "$D/P" && echo ready > "$D/ready" && exec sleep 60' &
tree=$!
trap 'kill -9 $tree $(cat "$D/r.pid" 2>/dev/null) 2>/dev/null' EXIT
while [ ! -s "$D/ready" ]; do sleep 0.05; done
sleep 0.1
"$CRYO" dump -t $tree -D "$D/img"
wait $tree || true
"$CRYO" restore -D "$D/img" --detach --pidfile "$D/r.pid"
echo "at P: $(cat /proc/$(cat "$D/r.pid")/root/$D/P/which)"
echo "ours: $(cat "$D/P/which")"
"""


def test_bind_over_a_mount_point_of_ours_comes_back(env):
    # In a mount namespace of the test's where A is bound at P, the tree binds B over it: the
    # same mount point and type as ours, another part of the disk.
    for d in ("A", "B", "P"):
        (env.tmp / d).mkdir()
        (env.tmp / d / "which").write_text(d)
    p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                        BIND_OVER_OURS], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "D": str(env.tmp), "CRYO": CRYO})
    assert p.returncode == 0, p.stdout + p.stderr
    assert "at P: B" in p.stdout and "ours: A" in p.stdout, p.stdout + p.stderr
    mounts = json.loads((env.tmp / "img" / "cryo.json").read_text())["namespaces"]["tmpfs"]
    assert mounts == [{"point": str(env.tmp / "P"), "flags": mounts[0]["flags"],
                       "source": str(env.tmp / "B"), "of": 0}], mounts


def tmpfs_bundle(box, tmp_size="16m", shm_size="65536k"):
    """A busybox bundle running tmpfs_state, with a tmpfs /tmp and the capabilities it needs
    to give files owners and modes."""
    b = box.bundle(["/bin/tmpfs_state", "--shm", "/dev/shm", "/tmp"])
    shutil.copy(workload("tmpfs_state"), b / "rootfs" / "bin" / "tmpfs_state")
    cfg = json.loads((b / "config.json").read_text())
    for m in cfg["mounts"]:
        if m["destination"] == "/dev/shm":
            m["options"] = [o for o in m["options"] if not o.startswith("size=")]
            m["options"].append(f"size={shm_size}")
    cfg["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                          "options": ["nosuid", "nodev", "mode=1777", f"size={tmp_size}"]})
    caps = ["CAP_CHOWN", "CAP_FOWNER", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_KILL"]
    for k in ("bounding", "effective", "permitted"):
        cfg["process"]["capabilities"][k] = caps
    cfg["process"]["capabilities"]["ambient"] = caps
    (b / "config.json").write_text(json.dumps(cfg))
    return b


def is_static(path):
    """No program interpreter (PT_INTERP): it runs in a rootfs without a libc."""
    head = Path(path).read_bytes()[:4096]
    return b"ld-linux" not in head


@pytest.fixture
def box(tmp_path):
    if shutil.which("runc") is None or os.geteuid() != 0:
        pytest.skip("runc (scripts/install-deps.sh) and root needed")
    if not is_static(workload("tmpfs_state")):
        pytest.skip("tmpfs_state is linked statically only in a build without sanitizers")
    b = Box(tmp_path)
    yield b
    b.cleanup()


def test_shm_and_tmp_of_a_container_come_back_in_a_new_one(box):
    b = tmpfs_bundle(box)
    cid = box.run(b)
    assert "ready" in wait_text(box.tmp / f"{cid}.out", "ready")
    img = box.tmp / "img"
    p = subprocess.run([CRYO, "dump", "--runc", cid, "-D", img], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    # /dev (runc's, with its device nodes), /dev/shm and /tmp; not the read-only ones
    # runc masks /proc's directories with.
    points = [t["point"] for t in json.loads((img / "cryo.json").read_text())
              ["namespaces"]["tmpfs"]]
    assert "/dev" in points and "/dev/shm" in points and "/tmp" in points, points
    assert not any(x.startswith("/proc") for x in points), points
    fresh = tmpfs_bundle(box)
    new, _, _ = box.restore(img, bundle=fresh)
    assert state(new)["status"] == "running"
    runc("kill", new, "USR1")
    text = wait_text(box.tmp / f"{new}.restore", "PASS")
    assert "PASS" in text, text


def test_container_restore_into_a_bundle_without_the_tmpfs_fails_and_leaves_nothing(box):
    b = tmpfs_bundle(box)
    cid = box.run(b)
    assert "ready" in wait_text(box.tmp / f"{cid}.out", "ready")
    img = box.tmp / "img"
    p = subprocess.run([CRYO, "dump", "--runc", cid, "-D", img, "--leave-running"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    plain = box.bundle(["/bin/tmpfs_state", "--shm", "/dev/shm", "/tmp"])
    shutil.copy(workload("tmpfs_state"), plain / "rootfs" / "bin" / "tmpfs_state")
    new = box.id()
    _, code, text = box.restore(img, cid=new, bundle=plain, check=False)
    assert code != 0 and "/tmp is not a tmpfs" in text, text
    assert state(new) is None
    assert not Path(f"/run/runc/{new}").exists()
    # Nothing was written into the bundle's rootfs /tmp either.
    assert sorted(x.name for x in (plain / "rootfs" / "tmp").iterdir()) == ["count"]
    assert state(cid)["status"] == "running"


def hostile_tar(path, how):
    """An archive of /tmp whose last member would write outside the mount."""
    def member(name, kind=tarfile.REGTYPE, data=b"out", **kw):
        ti = tarfile.TarInfo(name)
        ti.type = kind
        for k, v in kw.items():
            setattr(ti, k, v)
        ti.size = len(data) if kind == tarfile.REGTYPE else 0
        return ti, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)

    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        t.addfile(*member(".", tarfile.DIRTYPE, mode=0o1777))
        if how == "dotdot":
            t.addfile(*member("../escaped"))
        elif how == "symlink":
            # A link to / the archive makes, then a member through it.
            t.addfile(*member("up", tarfile.SYMTYPE, linkname="/"))
            t.addfile(*member("up/escaped"))
        elif how == "hardlink":
            t.addfile(*member("escaped", tarfile.LNKTYPE, linkname="../../etc/hostname"))
        elif how == "absolute":
            t.addfile(*member("/escaped"))


@pytest.mark.parametrize("how", ["dotdot", "symlink", "hardlink", "absolute"])
def test_tmpfs_member_leaving_the_mount_is_refused(box, how):
    b = tmpfs_bundle(box)
    cid = box.run(b)
    assert "ready" in wait_text(box.tmp / f"{cid}.out", "ready")
    img = box.tmp / "img"
    p = subprocess.run([CRYO, "dump", "--runc", cid, "-D", img, "--leave-running"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    points = [t["point"] for t in json.loads((img / "cryo.json").read_text())
              ["namespaces"]["tmpfs"]]
    tar = img / f"tmpfs-{points.index('/tmp') + 1}.tar"
    tar.unlink()
    hostile_tar(tar, how)
    os.chmod(tar, 0o600)
    fresh = tmpfs_bundle(box)
    new = box.id()
    _, code, text = box.restore(img, cid=new, bundle=fresh, check=False)
    assert code != 0 and "tmpfs at /tmp: member" in text and "escaped" in text, text
    assert "leaves the mount" in text or "through a link" in text, text
    assert state(new) is None and not Path(f"/run/runc/{new}").exists()
    for where in (fresh / "rootfs", fresh / "rootfs" / "tmp", Path("/")):
        assert not (where / "escaped").exists()
    assert state(cid)["status"] == "running"


def test_tmpfs_of_another_size_is_told_and_one_too_small_fails_naming_the_file(box):
    b = tmpfs_bundle(box)
    cid = box.run(b)
    assert "ready" in wait_text(box.tmp / f"{cid}.out", "ready")
    img = box.tmp / "img"
    p = subprocess.run([CRYO, "dump", "--runc", cid, "-D", img, "--leave-running"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    # /dev/shm holds the 1 MiB mapped file and the 256 KiB object: 512 KiB is too small.
    small = tmpfs_bundle(box, shm_size="512k")
    new = box.id()
    _, code, text = box.restore(img, cid=new, bundle=small, check=False)
    assert code != 0 and "/dev/shm" in text and "smaller" in text, text
    assert state(new) is None and not Path(f"/run/runc/{new}").exists()
    # A /tmp of 8 MiB instead of 16: told, and the contents fit.
    other = tmpfs_bundle(box, tmp_size="8m")
    new, _, text = box.restore(img, bundle=other)
    assert "the tmpfs at /tmp holds 8388608 bytes; the tree's held 16777216" in text, text
    runc("kill", new, "USR1")
    text = wait_text(box.tmp / f"{new}.restore", "PASS")
    assert "PASS" in text, text
    assert state(cid)["status"] == "running"
