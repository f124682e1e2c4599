"""Lazy restore of a runc container (docs/containers.md, "Lazy restore"): `cryo restore --runc
NEWID -D DIR --lazy` (and `-D s3://BUCKET/PREFIX --lazy`) makes the container as an eager restore
does, runs its tree once the pages it loads first are in, and a page server outside the
container serves the rest on fault, then copies it in the background. The container: a shell
counting in its memory, with a child holding 64 MiB of random bytes (mem_big, linked statically
for busybox's rootfs) that checks them whole on SIGUSR1. runc must see the new container
running, `runc exec` must work, the counter go on, and every byte check; a restore that fails
leaves no process, runc state or cgroup."""
import os
import re
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CRYO, alive, workload
from test_containers import Box, assert_nothing_left, mem_big_checks, runc, state
from test_object_storage import BUCKET, keys, s3, s3api  # noqa: F401 (s3: a fixture)
from test_s3_lazy import gets_since, s3log, scratch_dirs  # noqa: F401 (s3log: a fixture)

pytestmark = pytest.mark.skipif(shutil.which("runc") is None or os.geteuid() != 0,
                                reason="runc (scripts/install-deps.sh) and root needed")

TOKEN = f"cryo-lazyct-{os.getpid()}"
MIB = 1 << 20
# mem_big's second argument is ignored: it names the workload in /proc for ours_running().
HOLDER = ["sh", "-c", f": {TOKEN}; /bin/mem_big 64 {TOKEN} & i=0; "
          "while true; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; "
          "sleep 0.02; done"]


def static_mem_big():
    try:
        return workload("mem_big_static")
    except AssertionError:
        pytest.skip("mem_big_static is linked only in a build without sanitizers")


@pytest.fixture
def box(tmp_path):
    b = Box(tmp_path)
    yield b
    b.cleanup()


def holder_bundle(box, name=None):
    b = box.bundle(HOLDER, name=name)
    shutil.copy(static_mem_big(), b / "rootfs" / "bin" / "mem_big")
    return b


def holder_image(box, s3=None, url=None, streams=2):
    """A holder container, ready (its 64 MiB filled), dumped to a directory or the store: its
    image (a path or the URL), and the counter read just before the dump."""
    b = holder_bundle(box)
    cid = box.run(b)
    out = box.tmp / f"{cid}.out"
    deadline = time.time() + 60
    while "ready" not in out.read_text():
        assert time.time() < deadline, out.read_text()
        time.sleep(0.05)
    box.count(b)
    time.sleep(0.3)
    at_dump = box.count(b)
    img = url or box.tmp / "img"
    p = subprocess.run([CRYO, "dump", "--runc", cid, "-D", str(img), "--streams", str(streams)],
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                       env=s3["env"] if s3 else None)
    assert p.returncode == 0, p.stderr
    assert state(cid) is None
    return img, at_dump


def lazy_restore(box, img, bundle, cid=None, s3=None, check=True):
    """cryo restore --runc --lazy --detach -v, its output (and the container's stdio) in a
    file: it returns when the tree runs, not when the page server is done."""
    cid = cid or box.id()
    out = box.tmp / f"{cid}.restore"
    with open(out, "wb") as f:
        p = subprocess.run([CRYO, "restore", "--runc", cid, "-D", str(img), "--bundle",
                            str(bundle), "--lazy", "--detach", "-v"], stdin=subprocess.DEVNULL,
                           stdout=f, stderr=f, timeout=120, env=s3["env"] if s3 else None)
    text = out.read_text(errors="replace")
    if check:
        assert p.returncode == 0, text
    return cid, p.returncode, text, out


def ours_running():
    """Processes of this module's workload still alive (by the token in their command line)."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if TOKEN.encode() in (d / "cmdline").read_bytes() and alive(int(d.name)):
                    found.append(int(d.name))
            except OSError:
                pass
    return found


def wait_gone(pid, timeout=60):
    deadline = time.time() + timeout
    while alive(pid):
        assert time.time() < deadline, f"pid {pid} still runs"
        time.sleep(0.05)


def check_running(box, cid, bundle, at_dump, out, server):
    """runc sees it, exec works, the counter goes on, all 64 MiB check, the server ends."""
    st = state(cid)
    assert st and st["status"] == "running" and st["bundle"] == str(bundle), st
    assert f"/{cid}" in open(f"/proc/{st['pid']}/cgroup").read()
    # The page server is ours, not the container's: outside its pid namespace and cgroup.
    assert open(f"/proc/{server}/comm").read().strip() == "cryo-pool"
    assert (os.readlink(f"/proc/{server}/ns/pid") != os.readlink(f"/proc/{st['pid']}/ns/pid"))
    assert f"/{cid}" not in open(f"/proc/{server}/cgroup").read()
    ps = runc("exec", cid, "ps", "-o", "pid,args").stdout
    # The shell's children come and go: ps may catch one exec'ing an applet through
    # /proc/self/exe ("{exe} sleep 0.02", or "[exe]" while its memory is replaced) or exited
    # and not yet reaped ("[mv]").
    cmds = [line.split(None, 1)[1].removeprefix("{exe} ") for line in ps.splitlines()[1:]]
    assert all(TOKEN in c or c.startswith(("sleep", "ps")) or
               re.fullmatch(r"\[(sleep|mv|exe)\]", c) for c in cmds), ps
    assert any(line.split()[:1] == ["1"] and TOKEN in line for line in ps.splitlines()), ps
    time.sleep(0.3)
    now = box.count(bundle)
    # The shell's counter lives in its memory: it goes on from where it was, not from 1.
    assert at_dump < now < at_dump + 300, (at_dump, now)
    # mem_big sums its 64 MiB (fnv1a, as at start) and checks its own counter went on.
    mem_big_checks(cid, lambda: out.read_text(errors="replace"))
    wait_gone(server)
    assert state(cid)["status"] == "running"
    assert box.count(bundle) > now


def server_pid(text):
    m = re.search(r"page server of 1 copy: pid (\d+)", text)
    assert m, text
    return int(m[1])


def test_lazy_container_from_a_directory(box):
    img, at_dump = holder_image(box)
    fresh = holder_bundle(box, name="pristine")
    t0 = time.monotonic()
    cid, _, text, out = lazy_restore(box, img, fresh)
    took = time.monotonic() - t0
    server = server_pid(text)
    # Ran before its memory was in: the server was still copying when the restore returned.
    assert alive(server), "the page server was done before the restore returned"
    assert took < 10, took
    check_running(box, cid, fresh, at_dump, out, server)
    # The image is still whole: restorable again (eagerly too) under another id.
    runc("delete", "--force", cid)
    again, _, _ = box.restore(img, bundle=holder_bundle(box))
    assert state(again)["status"] == "running"


def test_lazy_container_from_object_storage(box, s3log):
    s3 = s3log
    url = f"s3://{BUCKET}/lazy-pods/holder"
    img, at_dump = holder_image(box, s3, url)
    fresh = holder_bundle(box, name="pristine")
    mark = s3["log"].stat().st_size
    cid, _, text, out = lazy_restore(box, url, fresh, s3=s3)
    # The record came in the first round with the metadata, each read once: the metadata is
    # not fetched again for the files beside the image, nor the record looked up first.
    got = [key for key, _ in gets_since(s3, mark)]
    assert got.count("lazy-pods/holder/cryo-image.json") == 1, got
    assert got.count("lazy-pods/holder/container.json") == 1, got
    m = re.search(r"(\d+) bytes fetched before the tree ran, of (\d+) in its streams", text)
    assert m, text
    fetched, total = int(m[1]), int(m[2])
    # The metadata, index and the pages loaded first came before the tree ran, not 64 MiB.
    assert total > 64 * MIB * 0.9, total
    assert fetched <= 4 * 2 * MIB, f"{fetched} bytes came before the tree ran"
    check_running(box, cid, fresh, at_dump, out, server_pid(text))


def test_failed_lazy_container_restore_leaves_nothing(box, s3):
    img, _ = holder_image(box)
    # An id runc has already: refused before anything is made, the other left alone.
    other = box.run(box.bundle())
    _, code, text, _ = lazy_restore(box, img, holder_bundle(box), cid=other, check=False)
    assert code != 0 and "already exists" in text, text
    assert state(other)["status"] == "running"
    # The tree's program in the new bundle is another file (cut short): runc creates the
    # container, then the restore finds the file is not the one the tree mapped.
    broken = holder_bundle(box)
    data = (broken / "rootfs" / "bin" / "busybox").read_bytes()
    (broken / "rootfs" / "bin" / "busybox").write_bytes(data[:len(data) // 2])
    new, code, text, _ = lazy_restore(box, img, broken, check=False)
    assert code != 0, text
    assert "page server" not in text, text
    assert_nothing_left(new)
    assert ours_running() == [], "a failed restore left a process"

    # From the store: the container's record damaged, then gone, fails naming its key,
    # before runc is run (it comes in the first round, before the metadata says its size and
    # checksum).
    url = f"s3://{BUCKET}/lazy-pods/bad"
    holder_image(box, s3, url)
    record = s3api(s3, "GET", "lazy-pods/bad/container.json")
    bad = bytearray(record)
    bad[record.index(b'"id"') + 6] ^= 0x01
    (box.tmp / "obj").write_bytes(bytes(bad))
    s3api(s3, "PUT", "lazy-pods/bad/container.json", "-T", str(box.tmp / "obj"))
    before = scratch_dirs()
    for gone in (False, True):
        if gone:
            s3api(s3, "DELETE", "lazy-pods/bad/container.json")
        new, code, text, _ = lazy_restore(box, url, holder_bundle(box), s3=s3, check=False)
        assert code != 0 and f"s3://{BUCKET}/lazy-pods/bad/container.json" in text, text
        assert gone or "checksum" in text, text
        assert_nothing_left(new)
        assert ours_running() == [], "a failed restore left a process"
        assert scratch_dirs() <= before, "a failed restore left its scratch directory"
    (box.tmp / "obj").write_bytes(record)
    s3api(s3, "PUT", "lazy-pods/bad/container.json", "-T", str(box.tmp / "obj"))
    # A stream object gone fails naming its key, before runc is run.
    s3api(s3, "DELETE", "lazy-pods/bad/stream-1")
    new, code, text, _ = lazy_restore(box, url, holder_bundle(box), s3=s3, check=False)
    assert code != 0 and "lazy-pods/bad/stream-1" in text, text
    assert_nothing_left(new)
    assert ours_running() == [], "a failed restore left a process"

    # The frames the tasks load before they run (their stacks, argument strings, the data of
    # their programs' mappings) come first in the stream, right after the image's files, and
    # the restoring process fetches them for the tasks (the container's network cannot reach
    # the store). The first of them damaged fails its checksum there, naming the object,
    # before any task exists.
    url = f"s3://{BUCKET}/lazy-pods/damaged"
    holder_image(box, s3, url, streams=1)
    data = bytearray(s3api(s3, "GET", "lazy-pods/damaged/stream-0"))
    off, raw_len, length = first_frame(s3api(s3, "GET", "lazy-pods/damaged/cryo-index"))
    assert raw_len < 2 * 1024 * 1024, "the first frame is not cut to the pages loaded first"
    for k in range(off + 48, off + 48 + length, 64):
        data[k] ^= 0xff
    (box.tmp / "obj").write_bytes(bytes(data))
    s3api(s3, "PUT", "lazy-pods/damaged/stream-0", "-T", str(box.tmp / "obj"))
    new, code, text, _ = lazy_restore(box, url, holder_bundle(box), s3=s3, check=False)
    assert code != 0 and "lazy-pods/damaged/stream-0" in text, text
    assert "before the tree runs" in text, text
    assert_nothing_left(new)
    assert ours_running() == [], "a failed restore left a process"


def first_frame(index):
    """The offset in its stream object, raw length and payload length of the first frame of
    stream 0 that the index object cryo-index names (docs/object-storage.md, "Layout")."""
    assert index[:8] == b"CRYOIDX1", index[:8]
    _, _, nrecs = struct.unpack("<IIQ", index[8:24])
    for i in range(nrecs):
        off, = struct.unpack("<Q", index[24 + 56 * i:32 + 56 * i])
        kind, stream, raw_len, length = struct.unpack("<4xB3xH6xII", index[32 + 56 * i:56 + 56 * i])
        if kind == 1 and stream == 0:
            return off, raw_len, length
    raise AssertionError("no frame in stream 0")


@pytest.mark.parametrize("store", ["dir", "s3"])
def test_lazy_container_job_through_cryod(box, tmp_path, request, store):
    """`cryo job restore --lazy` of a container job, its checkpoint in cryod's directory or in
    the store (checkpoint.dir: s3://...): the new container runs at once, its output
    (mem_big's PASS) in the job's log, its page server reaped by cryod."""
    from cryod_harness import CRYOD, SANITIZED, Cryod
    from test_cli_daemon import ok
    if not os.access(CRYOD, os.X_OK) or SANITIZED:
        pytest.skip("a built, unsanitized cryod needed")
    if store == "s3":
        s3 = request.getfixturevalue("s3")
        d = Cryod(tmp_path, config={"checkpoint": {"dir": f"s3://{BUCKET}/cryod-lazy"}},
                  env=s3["env"])
    else:
        d = Cryod(tmp_path)
    a, b = box.id(), box.id()
    try:
        d.start()
        bundle = holder_bundle(box)
        ok(d, "job", "run", "--runc", "--bundle", bundle, "--id", a)
        deadline = time.time() + 60
        while "ready" not in ok(d, "job", "logs", a).stdout:
            assert time.time() < deadline
            time.sleep(0.05)
        box.count(bundle)
        time.sleep(0.3)
        at_dump = box.count(bundle)
        ok(d, "job", "dump", "--no-leave-running", a)
        assert state(a) is None
        if store == "s3":
            stored = keys(s3, "cryod-lazy")
            assert any(k.endswith("/container.json") for k in stored), stored
        fresh = holder_bundle(box, name="pristine")
        ok(d, "job", "restore", "--lazy", "--id", b, "--bundle", fresh, a)
        st = state(b)
        assert st and st["status"] == "running" and st["bundle"] == str(fresh), st
        time.sleep(0.3)
        assert at_dump < box.count(fresh) < at_dump + 300
        mem_big_checks(b, lambda: ok(d, "job", "logs", b).stdout)
        ok(d, "job", "delete", "--force", b)
        assert_nothing_left(b)
    finally:
        d.cleanup()
