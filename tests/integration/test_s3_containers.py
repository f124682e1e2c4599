"""runc containers in object storage (docs/containers.md, docs/object-storage.md): `cryo dump
--runc ID -D s3://BUCKET/PREFIX` stores container.json (and, with --with-rootfs, rootfs.tar) as
objects beside the image's streams, before the metadata object; `cryo restore --runc NEWID -D
s3://...` fetches them and the image, and makes the new container from a pristine bundle, as a
node that never saw the container would. Against s3rver on 127.0.0.1 (test_object_storage.py's
fixture) and real runc with a busybox bundle (test_containers.py's helpers)."""
import json
import os
import re
import shutil
import stat as statmod
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CRYO
from test_containers import (CHANGES, Box, assert_nothing_left, listing, mem_big_checks, populate,
                             runc, state)
from test_object_storage import BUCKET, keys, s3, s3api  # noqa: F401 (s3: a fixture)

pytestmark = pytest.mark.skipif(shutil.which("runc") is None or os.geteuid() != 0,
                                reason="runc (scripts/install-deps.sh) and root needed")

TOKEN = f"cryo-s3c-{os.getpid()}"
# A counter (written whole: the dump kills the shell at any moment), and 200 KB of random
# text in the shell's memory whose md5 it writes at once to /tmp/sum, and again to /tmp/sum2
# whenever /tmp/check appears: the memory came across exactly if the two agree in the
# restored container.
CHECKED = ["sh", "-c", f": {TOKEN}; d=$(head -c 100000 /dev/urandom | od -An -tx1 | "
           "tr -d ' \\n'); printf %s \"$d\" | md5sum > /tmp/sum; i=0; while true; do "
           "i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; "
           "if [ -e /tmp/check ]; then printf %s \"$d\" | md5sum > /tmp/sum2.new; "
           "mv /tmp/sum2.new /tmp/sum2; rm /tmp/check; fi; sleep 0.02; done"]


@pytest.fixture
def box(tmp_path):
    b = Box(tmp_path)
    yield b
    b.cleanup()


def s3cryo(s3, *args, check=True, out=None):
    """cryo with the store's environment; a restored container's stdio is a file."""
    p = subprocess.run([CRYO, *map(str, args)], stdin=subprocess.DEVNULL, env=s3["env"],
                       timeout=120, **({"stdout": out, "stderr": out} if out else
                                       {"capture_output": True}))
    text = Path(out.name).read_text() if out else p.stderr.decode()
    if check:
        assert p.returncode == 0, f"cryo {' '.join(map(str, args))}: {text}"
    return p.returncode, text


def restore(s3, box, url, bundle, cid=None, check=True):
    cid = cid or box.id()
    with open(box.tmp / f"{cid}.restore", "wb") as out:
        code, text = s3cryo(s3, "restore", "--runc", cid, "-D", url, "--bundle", bundle,
                            "--detach", check=check, out=out)
    return cid, code, text


def wait_text(path, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            text = path.read_text()
            if text:
                return text
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    raise AssertionError(f"nothing in {path}")


def ours_running():
    """Processes of this module's workload still alive (by the token in their command line)."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if TOKEN.encode() in (d / "cmdline").read_bytes():
                    found.append(int(d.name))
            except OSError:
                pass
    return found


def running_from(cid, bundle):
    """Container cid runs, runc says, from bundle, in a cgroup of its own, the shell its
    init."""
    st = state(cid)
    assert st and st["status"] == "running" and st["bundle"] == str(bundle), st
    assert f"/{cid}" in open(f"/proc/{st['pid']}/cgroup").read()
    assert runc("exec", cid, "cat", "/proc/1/cmdline").stdout.startswith("sh")


def test_container_to_object_storage_goes_on_in_a_new_container_from_it(box, s3):
    b = box.bundle(CHECKED)
    cid = box.run(b)
    box.count(b)
    sum_before = wait_text(b / "rootfs" / "tmp" / "sum")
    time.sleep(0.3)
    url = f"s3://{BUCKET}/pods/web-0"
    s3cryo(s3, "dump", "--runc", cid, "-D", url, "--streams", "2")
    # Dumped without --leave-running: killed and deleted, as `runc checkpoint` does.
    assert state(cid) is None
    at_dump = box.count(b)
    # container.json is an object beside the streams, named in the metadata with its size and
    # checksum.
    assert keys(s3, "pods/web-0") == ["pods/web-0/container.json", "pods/web-0/cryo-image.json",
                                      "pods/web-0/cryo-index", "pods/web-0/stream-0",
                                      "pods/web-0/stream-1"]
    meta = json.loads(s3api(s3, "GET", "pods/web-0/cryo-image.json"))
    record = s3api(s3, "GET", "pods/web-0/container.json")
    assert [e["name"] for e in meta["extra"]] == ["container.json"]
    assert meta["extra"][0]["bytes"] == len(record)
    assert json.loads(record)["id"] == cid

    # Another node: a pristine bundle, nothing local of the image.
    fresh = box.bundle(CHECKED)
    new, _, _ = restore(s3, box, url, fresh)
    running_from(new, fresh)
    time.sleep(0.3)
    now = box.count(fresh)
    # The shell's counter lives in its memory: it goes on from where it was, not from 1.
    assert at_dump < now < at_dump + 200, (at_dump, now)
    # Its 200 KB of random text, exactly.
    (fresh / "rootfs" / "tmp" / "check").write_text("")
    assert wait_text(fresh / "rootfs" / "tmp" / "sum2") == sum_before
    # The image is still there: restorable again, under another id.
    runc("delete", "--force", new)
    again, _, _ = restore(s3, box, url, box.bundle(CHECKED))
    assert state(again)["status"] == "running"


def scratch_bytes(pid):
    """Bytes of the files in the scratch directories of cryo process pid (/dev/shm/cryo-WHAT-
    PID-XXXXXX, lib/base/fileio.c), 0 where none."""
    total = 0
    for d in Path("/dev/shm").glob(f"cryo-*-{pid}-*"):
        for root, _, files in os.walk(d):
            for f in files:
                try:
                    total += os.lstat(os.path.join(root, f)).st_blocks * 512
                except OSError:
                    pass
    return total


def test_a_big_container_is_restored_as_its_streams_arrive(box, s3):
    """256 MiB of random bytes in a container (mem_big, linked statically for busybox),
    restored eagerly from the store: its memory whole, its counter on, runc's state and exec
    working, and never more than a few MiB in scratch (the streams go straight into the tasks,
    as for a plain tree: no copy of the pages in /dev/shm)."""
    from test_container_lazy import static_mem_big
    holder = ["sh", "-c", f": {TOKEN}; /bin/mem_big 256 {TOKEN} & i=0; while true; do "
              "i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; "
              "sleep 0.02; done"]

    def bundle():
        b = box.bundle(holder)
        shutil.copy(static_mem_big(), b / "rootfs" / "bin" / "mem_big")
        return b

    b = bundle()
    cid = box.run(b)
    deadline = time.time() + 120
    while "ready" not in (box.tmp / f"{cid}.out").read_text():
        assert time.time() < deadline, (box.tmp / f"{cid}.out").read_text()
        time.sleep(0.05)
    box.count(b)
    time.sleep(0.3)
    at_dump = box.count(b)
    url = f"s3://{BUCKET}/pods/big"
    s3cryo(s3, "dump", "--runc", cid, "-D", url, "--streams", "4")
    assert state(cid) is None

    # A frame damaged deep in a stream, or the stream gone: found while the tree is being
    # made, and nothing is left (tasks that die with their pipes full stop the restore; it
    # does not wait on them).
    stream2 = s3api(s3, "GET", "pods/big/stream-2")
    bad = bytearray(stream2)
    bad[len(bad) * 3 // 4] ^= 0xff
    (box.tmp / "obj").write_bytes(bytes(bad))
    s3api(s3, "PUT", "pods/big/stream-2", "-T", str(box.tmp / "obj"))
    for why in ("damaged", "gone"):
        failed, code, text = restore(s3, box, url, bundle(), check=False)
        assert code == 1 and re.search(r"stream 2|descriptor 2|stream-2", text), text
        assert_nothing_left(failed)
        assert ours_running() == [], f"a failed restore ({why}) left a process"
        s3api(s3, "DELETE", "pods/big/stream-2")
    (box.tmp / "obj").write_bytes(stream2)
    s3api(s3, "PUT", "pods/big/stream-2", "-T", str(box.tmp / "obj"))

    fresh = bundle()
    new = box.id()
    out = box.tmp / f"{new}.restore"
    with open(out, "wb") as f:
        p = subprocess.Popen([CRYO, "restore", "--runc", new, "-D", url, "--bundle", str(fresh),
                              "--detach", "-v"], stdin=subprocess.DEVNULL, stdout=f, stderr=f,
                             env=s3["env"])
        peak = 0
        while p.poll() is None:
            peak = max(peak, scratch_bytes(p.pid))
            time.sleep(0.002)
        assert p.wait(timeout=120) == 0, out.read_text(errors="replace")
    text = out.read_text(errors="replace")
    assert peak < 8 << 20, f"{peak} bytes in scratch during the restore"
    assert "restoring the image as it arrives" in text, text
    running_from(new, fresh)
    time.sleep(0.3)
    now = box.count(fresh)
    assert at_dump < now < at_dump + 300, (at_dump, now)
    # mem_big sums its 256 MiB (fnv1a, as at start) and checks its counter went on.
    mem_big_checks(new, lambda: out.read_text(errors="replace"), timeout=60)
    assert state(new)["status"] == "running"


def test_with_rootfs_the_archive_is_an_object_too(box, s3):
    writer = ["sh", "-c", "mkdir -p /data; echo made-inside > /data/note; i=0; while true; "
              "do i=$((i+1)); echo $i > /tmp/count; sleep 0.02; done"]
    b = box.bundle(writer)
    cid = box.run(b)
    box.count(b)
    url = f"s3://{BUCKET}/pods/writer"
    at_dump = box.count(b)  # before the dump, as above
    s3cryo(s3, "dump", "--runc", cid, "-D", url, "--with-rootfs")
    assert "pods/writer/rootfs.tar" in keys(s3, "pods/writer")
    meta = json.loads(s3api(s3, "GET", "pods/writer/cryo-image.json"))
    assert [e["name"] for e in meta["extra"]] == ["container.json", "rootfs.tar"]
    fresh = box.bundle(writer, name="pristine")
    assert not (fresh / "rootfs" / "data").exists()
    new, _, _ = restore(s3, box, url, fresh)
    assert (fresh / "rootfs" / "data" / "note").read_text() == "made-inside\n"
    assert runc("exec", new, "cat", "/data/note").stdout == "made-inside\n"
    time.sleep(0.2)
    assert box.count(fresh) > at_dump


def test_damaged_or_missing_objects_fail_naming_the_key_and_leave_nothing(box, s3, tmp_path):
    b = box.bundle(CHECKED)
    cid = box.run(b)
    box.count(b)
    url, pre = f"s3://{BUCKET}/pods/bad", "pods/bad"
    s3cryo(s3, "dump", "--runc", cid, "-D", url, "--streams", "2", "--with-rootfs")
    assert state(cid) is None

    def fails(*words):
        fresh = box.bundle(CHECKED)
        before = sorted(os.listdir(fresh / "rootfs"))
        new, code, text = restore(s3, box, url, fresh, check=False)
        assert code == 1, text
        for w in words:
            assert w in text, (w, text)
        assert_nothing_left(new)
        assert ours_running() == [], "a failed restore left a process"
        # The bundle's rootfs was not touched: the archive is unpacked only after the image
        # is all here.
        assert sorted(os.listdir(fresh / "rootfs")) == before
        return text

    def put(key, data):
        (tmp_path / "obj").write_bytes(data)
        s3api(s3, "PUT", key, "-T", str(tmp_path / "obj"))

    # A plain restore of a container's image is refused: it needs the runtime.
    code, text = s3cryo(s3, "restore", "-D", url, "--detach", check=False)
    assert code == 1 and "--runc" in text, text
    assert ours_running() == []

    # container.json with one byte changed: its checksum in the metadata catches it.
    record = s3api(s3, "GET", f"{pre}/container.json")
    bad = bytearray(record)
    bad[record.index(b'"id"') + 6] ^= 0x01
    put(f"{pre}/container.json", bytes(bad))
    fails(f"s3://{BUCKET}/{pre}/container.json", "checksum")
    put(f"{pre}/container.json", record)

    # The rootfs archive gone.
    archive = s3api(s3, "GET", f"{pre}/rootfs.tar")
    s3api(s3, "DELETE", f"{pre}/rootfs.tar")
    fails(f"{pre}/rootfs.tar")
    put(f"{pre}/rootfs.tar", archive)

    # A stream with one byte changed in the middle of a page frame: the frame's checksum.
    stream1 = s3api(s3, "GET", f"{pre}/stream-1")
    bad = bytearray(stream1)
    bad[len(bad) // 2] ^= 0xff
    put(f"{pre}/stream-1", bytes(bad))
    text = fails(url)
    assert re.search(r"stream 1|descriptor 1|stream-1", text), text

    # The stream gone.
    s3api(s3, "DELETE", f"{pre}/stream-1")
    fails(f"{pre}/stream-1")

    # An image of a plain tree is no container's: refused, before runc is run.
    sleeper = subprocess.Popen(["sleep", "600"], stdin=subprocess.DEVNULL)
    try:
        s3cryo(s3, "dump", "-t", sleeper.pid, "-D", f"s3://{BUCKET}/trees/sleep")
    finally:
        sleeper.kill()
        sleeper.wait()
    fresh = box.bundle(CHECKED)
    new, code, text = restore(s3, box, f"s3://{BUCKET}/trees/sleep", fresh, check=False)
    assert code == 1 and "holds no container" in text, text
    assert_nothing_left(new)

    # Put back, the image restores.
    put(f"{pre}/stream-1", stream1)
    new, _, _ = restore(s3, box, url, box.bundle(CHECKED))
    assert state(new)["status"] == "running"


# CHANGER (test_containers.py), findable by TOKEN.
CHANGER = ["sh", "-c", f": {TOKEN}; {CHANGES}"]


def test_a_restore_failing_late_puts_the_bundles_rootfs_back_as_it_was(box, s3):
    """rootfs.tar is unpacked into the bundle before runc creates the container (the tree
    reopens its files there), and a stream damaged deep inside is found only as the tree is
    restored from it, eagerly: the failure names the stream, and the rootfs is as it was,
    entry by entry (content, mode, owner, mtime; nothing added, nothing removed), with no
    runc state, no process, and nothing of cryo's beside it. The same image, whole, applies
    every change."""
    b = populate(box.bundle(CHANGER))
    cid = box.run(b)
    box.count(b)
    assert (b / "rootfs" / "data" / "link").is_symlink()
    time.sleep(0.3)
    url, pre = f"s3://{BUCKET}/pods/changed", "pods/changed"
    s3cryo(s3, "dump", "--runc", cid, "-D", url, "--streams", "2", "--with-rootfs")
    names = subprocess.run(["tar", "-tf", "-"], input=s3api(s3, "GET", f"{pre}/rootfs.tar"),
                           capture_output=True, check=True).stdout.decode().split()
    for name in ("srv/edit", "srv/mode", "srv/tolink", "srv/todir/f", "srv/dirfile",
                 "srv/keepdir", "data/sub/note", "data/link"):
        assert name in names or name + "/" in names, (name, names)

    stream1 = s3api(s3, "GET", f"{pre}/stream-1")
    bad = bytearray(stream1)
    bad[len(bad) * 3 // 4] ^= 0xff
    (box.tmp / "obj").write_bytes(bytes(bad))
    s3api(s3, "PUT", f"{pre}/stream-1", "-T", str(box.tmp / "obj"))
    for why in ("damaged", "gone"):
        fresh = populate(box.bundle(CHANGER))
        before, beside = listing(fresh / "rootfs"), sorted(os.listdir(fresh))
        new, code, text = restore(s3, box, url, fresh, check=False)
        assert code == 1 and re.search(r"stream 1|descriptor 1|stream-1", text), (why, text)
        assert_nothing_left(new)
        assert ours_running() == [], f"a failed restore ({why}) left a process"
        after = listing(fresh / "rootfs")
        assert after.keys() == before.keys(), (why, after.keys() ^ before.keys())
        assert after == before, (why, {k: (before[k], after[k]) for k in before
                                       if before[k] != after[k]})
        assert sorted(os.listdir(fresh)) == beside, why
        s3api(s3, "DELETE", f"{pre}/stream-1")
    (box.tmp / "obj").write_bytes(stream1)
    s3api(s3, "PUT", f"{pre}/stream-1", "-T", str(box.tmp / "obj"))

    fresh = populate(box.bundle(CHANGER))
    beside = sorted(os.listdir(fresh))
    new, _, _ = restore(s3, box, url, fresh)
    assert state(new)["status"] == "running"
    srv = fresh / "rootfs" / "srv"
    assert (srv / "edit").read_text() == "new\n"
    assert statmod.S_IMODE((srv / "mode").stat().st_mode) == 0o600
    assert (srv / "gone").read_text() == "gone\n"  # a removal is not carried
    assert os.readlink(srv / "tolink") == "edit"
    assert (srv / "todir" / "f").read_text() == "in\n"
    assert (srv / "dirfile").read_text() == "flat\n"
    assert statmod.S_IMODE((srv / "keepdir").stat().st_mode) == 0o711
    assert (srv / "keep").stat().st_mtime_ns == 10**18
    assert (fresh / "rootfs" / "data" / "sub" / "note").read_text() == "made\n"
    assert os.readlink(fresh / "rootfs" / "data" / "link") == "sub/note"
    assert sorted(os.listdir(fresh)) == beside
    assert runc("exec", new, "cat", "/srv/dirfile").stdout == "flat\n"


def test_a_container_dump_that_fails_leaves_no_image_and_the_container_running(box, s3):
    b = box.bundle()
    cid = box.run(b)
    before = box.count(b)
    # An image is there already: refused before the container is touched.
    url = f"s3://{BUCKET}/pods/taken"
    s3api(s3, "PUT", "pods/taken/cryo-image.json", "-d", "{}")
    code, text = s3cryo(s3, "dump", "--runc", cid, "-D", url, "--with-rootfs", check=False)
    assert code == 1 and "already holds an image" in text, text
    assert keys(s3, "pods/taken") == ["pods/taken/cryo-image.json"]
    # Refused inside the dump (a compression cryo does not know), after the files went up:
    # the uploads are aborted and the files deleted.
    url = f"s3://{BUCKET}/pods/failed"
    code, text = s3cryo(s3, "dump", "--runc", cid, "-D", url, "--with-rootfs",
                        "--compression", "bogus", check=False)
    assert code == 1 and "bogus" in text, text
    assert keys(s3, "pods/failed") == []
    time.sleep(0.3)
    assert state(cid)["status"] == "running"
    assert box.count(b) > before, "the container was left frozen"


def test_container_job_through_cryod_into_object_storage(s3, tmp_path):
    """cryod with checkpoint.dir in the store: a container job's checkpoint goes there, and
    is restored from it as a new container."""
    from cryod_harness import CRYOD, SANITIZED, Cryod
    from test_cli_daemon import ok
    if not os.access(CRYOD, os.X_OK) or SANITIZED:
        pytest.skip("a built, unsanitized cryod needed")
    d = Cryod(tmp_path, config={"checkpoint": {"dir": f"s3://{BUCKET}/cryod"}},
              env=s3["env"])
    box = Box(tmp_path)
    a, b = box.id(), box.id()
    try:
        d.start()
        bundle = box.bundle()
        ok(d, "job", "run", "--runc", "--bundle", bundle, "--id", a)
        box.count(bundle)
        time.sleep(0.3)
        # Read before the dump: a shell killed between its `> /tmp/count` and the write
        # leaves the file empty.
        at_dump = box.count(bundle)
        ok(d, "job", "dump", "--no-leave-running", a)
        assert state(a) is None
        stored = keys(s3, "cryod")
        assert any(k.endswith("/container.json") for k in stored), stored
        fresh = box.bundle()
        ok(d, "job", "restore", "--id", b, "--bundle", fresh, a)
        assert state(b)["status"] == "running"
        time.sleep(0.3)
        assert at_dump < box.count(fresh) < at_dump + 200
    finally:
        d.cleanup()
        box.cleanup()
