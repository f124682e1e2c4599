"""Lazy restore from object storage (docs/object-storage.md): `cryo restore -D s3://... --lazy`
starts the tree once the image's metadata is in, and its pages come by ranged GET on fault,
the rest in the background, from a real S3-compatible server (s3rver, scripts/s3-server.sh)."""
import json
import os
import re
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CRYO, alive, descendants, reap, reap_gone, workload
from test_object_storage import (BUCKET, _wait_gone, free_port, s3, s3api,  # noqa: F401
                                 s3cryo, start_server, stop_server)

MIB = 1 << 20


def scratch_dirs():
    return {p.name for base in ("/dev/shm", "/tmp") if Path(base).is_dir()
            for p in Path(base).glob("cryo-s3-*")}


class Restore:
    def __init__(self, returncode, stderr_path):
        self.returncode = returncode
        self.path = stderr_path

    @property
    def stderr(self):
        """What the restore said, and what its page server has said since."""
        return self.path.read_text(errors="replace")


def lazy_restore(env, s3, url, check=True, on_return=None, verbose="-v"):
    """cryo restore --lazy --detach -v; its messages go to a file, not a pipe, so that it
    returns when the tree runs, not when the page server (which keeps them) is done.
    on_return(page server pid) runs the moment it returns."""
    pidfile, err = env.tmp / "pid", env.tmp / "restore.err"
    if pidfile.exists():
        pidfile.unlink()
    with open(err, "wb") as f:
        rc = subprocess.run([CRYO, "restore", "-D", url, "--lazy", "--detach", "--pidfile",
                             str(pidfile), verbose], stdout=f, stderr=f, timeout=120,
                            stdin=subprocess.DEVNULL, env=s3["env"]).returncode
    p = Restore(rc, err)
    if rc == 0 and on_return:
        on_return(int(p.stderr.split("lazy page server: pid ")[1].split()[0]))
    if check:
        assert rc == 0, p.stderr
    if rc == 0:
        env.restored.append(int(pidfile.read_text()))
    return p


def rchar(pid):
    """Bytes the process has read so far (sockets included), or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/io").read_text()
    except OSError:
        return None
    return int(re.search(r"^rchar: (\d+)", text, re.M)[1])


@pytest.mark.parametrize("args", [["--streams", "2"], ["--streams", "2", "--compression", "lz4"]],
                         ids=["raw", "lz4"])
def test_lazy_restore_from_object_storage(env, s3, args):
    """64 MiB of random bytes and a ticking counter: the tree runs after a few KiB have come
    from the store, its memory checks out exactly, and the page server fetches the rest."""
    run = env.start([workload("mem_big"), "64"])
    run.wait_for("ready")
    url = f"s3://{BUCKET}/lazy/{args[-1]}"
    s3cryo(s3, "dump", "-t", run.pid, "-D", url, *args)
    run.finish()
    reap_gone([run.pid])
    before = scratch_dirs()

    seen = {}
    p = lazy_restore(env, s3, url, on_return=lambda server: seen.update(
        server=server, rchar=rchar(server)))
    pid = env.restored[-1]
    assert pid == run.pid
    m = re.search(r"(\d+) bytes fetched before the tree ran, of (\d+) in its streams", p.stderr)
    assert m, p.stderr
    fetched, total = int(m[1]), int(m[2])
    # The restoring process took the metadata, the index and the start of stream 0: the
    # image's files and, right after them, the frames of the pages loaded before the tree
    # runs (its binary's and libraries' data), cut to their size by the dump, not the 2 MiB
    # frames around them nor the 64 MiB; and when it returned, with the tree running, the
    # page server had read far less than the streams hold (it reads every frame, over a
    # socket).
    assert total > 64 * MIB * (0.9 if "lz4" not in args else 0.3), total
    assert fetched <= 512 * 1024, f"{fetched} bytes came before the tree ran"
    server = seen["server"]
    assert seen["rchar"] is not None, "the page server was done before the restore returned"
    assert seen["rchar"] < total / 2, (seen["rchar"], total)
    env.check(run, pid)  # the checksum of all 64 MiB, and the counter counted on
    assert reap(server, 60) == 0, "the lazy page server did not finish"
    assert scratch_dirs() <= before, "the scratch copy of the metadata was left behind"


def test_lazy_restore_refuses_a_missing_or_damaged_object(env, s3, tmp_path):
    """A missing stream, a damaged or missing index, an image without an index: refused
    before any task exists, naming the object. A damaged frame is found when it is served:
    the task is killed and the message names the stream object."""
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    url = f"s3://{BUCKET}/lazy/bad"
    s3cryo(s3, "dump", "-t", run.pid, "-D", url, "--streams", "2", "--compression", "none")
    run.finish()
    reap_gone([run.pid])
    before = scratch_dirs()
    stream1 = s3api(s3, "GET", "lazy/bad/stream-1")
    index = s3api(s3, "GET", "lazy/bad/cryo-index")
    meta = s3api(s3, "GET", "lazy/bad/cryo-image.json")

    def put(key, data):
        (tmp_path / "obj").write_bytes(data)
        s3api(s3, "PUT", key, "-T", str(tmp_path / "obj"))

    def refused(*words):
        p = lazy_restore(env, s3, url, check=False)
        assert p.returncode == 1, p.stderr
        for w in words:
            assert w in p.stderr, p.stderr
        assert not alive(run.pid), "a refused restore left a task behind"
        assert scratch_dirs() <= before, "a refused restore left its scratch directory"

    s3api(s3, "DELETE", "lazy/bad/stream-1")
    refused("cryo-test/lazy/bad/stream-1")
    put("lazy/bad/stream-1", stream1[:-4096])
    refused("cryo-test/lazy/bad/stream-1", "holds")
    put("lazy/bad/stream-1", stream1)

    bad = bytearray(index)
    bad[len(bad) // 2] ^= 0x01
    put("lazy/bad/cryo-index", bytes(bad))
    refused("s3://cryo-test/lazy/bad/cryo-index", "damaged")
    s3api(s3, "DELETE", "lazy/bad/cryo-index")
    refused("s3://cryo-test/lazy/bad/cryo-index")
    put("lazy/bad/cryo-index", index)

    old = json.loads(meta)
    del old["index"]
    put("lazy/bad/cryo-image.json", json.dumps(old).encode())
    refused("without an index", "without --lazy")
    put("lazy/bad/cryo-image.json", meta)

    # One byte changed inside a frame (past the middle by a page: frames are 2 MiB and a
    # header, which the restore takes from the index): the image looks whole; the frame fails
    # its checksum when served, and the task is killed rather than run on wrong memory.
    bad = bytearray(stream1)
    bad[len(bad) // 2 + 4096] ^= 0x01
    put("lazy/bad/stream-1", bytes(bad))
    p = lazy_restore(env, s3, url)
    pid = env.restored[-1]
    deadline = time.time() + 30
    while alive(pid) and time.time() < deadline:
        time.sleep(0.05)
    assert not alive(pid), f"the task runs on with a page that failed its check: {p.stderr}"
    assert "PASS" not in run.text()
    assert "s3://cryo-test/lazy/bad/stream-1" in p.stderr and "damaged" in p.stderr, p.stderr
    assert scratch_dirs() <= before
    reap_gone([pid])

    # Whole again: the same image restores lazily and checks out.
    put("lazy/bad/stream-1", stream1)
    lazy_restore(env, s3, url)
    env.check(run, env.restored[-1])


def test_lazy_restore_of_many_streams(env, s3, tmp_path):
    """Six streams: more than the first round of requests looks up at once (four); a missing
    one past those is refused as well, and the image whole restores exactly."""
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    url = f"s3://{BUCKET}/lazy/six"
    s3cryo(s3, "dump", "-t", run.pid, "-D", url, "--streams", "6", "--compression", "zstd")
    run.finish()
    reap_gone([run.pid])
    stream5 = s3api(s3, "GET", "lazy/six/stream-5")
    s3api(s3, "DELETE", "lazy/six/stream-5")
    p = lazy_restore(env, s3, url, check=False)
    assert p.returncode == 1 and "cryo-test/lazy/six/stream-5" in p.stderr, p.stderr
    assert not alive(run.pid)
    (tmp_path / "obj").write_bytes(stream5)
    s3api(s3, "PUT", "lazy/six/stream-5", "-T", str(tmp_path / "obj"))
    lazy_restore(env, s3, url)
    env.check(run, env.restored[-1])


@pytest.fixture(scope="module")
def s3log(tmp_path_factory):
    """A server of its own that logs every request it answers ("GET /BUCKET/KEY 206": a
    ranged read; 200: the whole object), for the tests that check how objects were read."""
    if shutil.which("npm") is None and not Path("/var/cache/cryo/s3rver").exists():
        pytest.skip("npm (scripts/install-deps.sh) needed for the S3 server")
    data = tmp_path_factory.mktemp("s3log")
    port = free_port()
    log = data / "requests.log"
    server = start_server(data / "store", port, log)
    env = dict(os.environ, AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
               AWS_ACCESS_KEY_ID="S3RVER", AWS_SECRET_ACCESS_KEY="S3RVER",
               AWS_REGION="us-east-1")
    yield {"env": env, "port": port, "store": data / "store" / BUCKET, "log": log}
    stop_server(server)


def gets_since(s3, mark, method="GET"):
    """(key, status) of each GET the server answered since byte mark of its log. s3rver logs
    "  --> METHOD /BUCKET/KEY STATUS TIME LENGTH" less its first 16 characters, so a line
    names its method only by where its path starts: a three-letter one (GET, or PUT, which no
    restore makes) leaves the same tail of "/BUCKET/" as "GET" does; method "HEAD": the
    four-letter ones (HEAD, or POST, which no restore makes)."""
    cut = f"  --> {method} /{BUCKET}/"[16:]
    with open(s3["log"], "rb") as f:
        f.seek(mark)
        text = re.sub(r"\x1b\[[0-9;]*m", "", f.read().decode(errors="replace"))
    return re.findall(rf"^info: {re.escape(cut)}(\S+) (\d{{3}}) ", text, re.M)


def chain_in_streams(env, s3, name, workload_args, args):
    """A pre-dump then a dump --parent of one tree, each link's pages in streams; the tree,
    ended (its pre-dump's tracker gone)."""
    url = f"s3://{BUCKET}/{name}"
    run = env.start(workload_args)
    run.wait_for("ready", 60)
    s3cryo(s3, "pre-dump", "-t", run.pid, "-D", f"{url}/1", *args)
    tracker = json.loads(s3api(s3, "GET", f"{name}/1/predump.json"))["tracker"]["pid"]
    time.sleep(0.2)
    s3cryo(s3, "dump", "-t", run.pid, "-D", f"{url}/2", "--parent", f"{url}/1", *args)
    run.finish()
    _wait_gone(tracker)
    reap_gone([run.pid])
    return url, run


def test_lazy_restore_asks_each_object_once(env, s3log):
    """The lazy restore asks for what an image of a stream or two needs, each once: the
    metadata, the index, the start of stream 0 (its size from that range rather than a HEAD
    of its own; the frames loaded before the tree runs come in it), stream 1's size; nothing
    on the chance that it is there (no HEAD of a chain's cryo-chain.json where the image is),
    and no frame fetched before the tree runs."""
    s3 = s3log
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    url = f"s3://{BUCKET}/once"
    s3cryo(s3, "dump", "-t", run.pid, "-D", url, "--streams", "2")
    run.finish()
    reap_gone([run.pid])
    mark = s3["log"].stat().st_size
    seen = {}
    p = lazy_restore(env, s3, url, on_return=lambda server: seen.update(server=server))
    seen["stderr"] = p.stderr
    env.check(run, env.restored[-1])
    assert reap(seen["server"], 60) == 0, "the lazy page server did not finish"
    gets = [key for key, _ in gets_since(s3, mark)]
    heads = [key for key, _ in gets_since(s3, mark, "HEAD")]
    assert gets.count("once/cryo-image.json") == 1 and gets.count("once/cryo-index") == 1, gets
    assert "once/cryo-chain.json" not in heads + gets, heads
    assert "once/stream-0" not in heads and heads.count("once/stream-1") == 1, heads
    m = re.search(r"(\d+) bytes fetched before the tree ran", seen["stderr"])
    first = 256 * 1024 + len(s3api(s3, "GET", "once/cryo-image.json")) + \
        len(s3api(s3, "GET", "once/cryo-index"))
    assert m and int(m[1]) <= first, seen["stderr"]


def test_a_trees_first_pages_come_in_a_read_per_task(env, s3log):
    """A tree of ten tasks: the dump writes each task's first pages (those loaded before the
    tree runs) as frames of their own one after the other on stream 0, the first task's right
    after the image's files; the lazy restore takes those from the start of stream 0 it got in
    its first round, and fetches each other task's by one ranged GET, not one per frame. The
    tree then checks its pids, parents and exit codes."""
    s3 = s3log
    run = env.start([workload("tree_pids")])
    run.wait_for("ready")
    tree = descendants(run.pid)
    url = f"s3://{BUCKET}/tree"
    s3cryo(s3, "dump", "-t", run.pid, "-D", url, "--streams", "2")
    run.finish()
    reap_gone(tree)
    seen = {}
    p = lazy_restore(env, s3, url, verbose="-vv",
                     on_return=lambda server: seen.update(server=server))
    m = re.search(r"(\d+) frame\(s\) of (\d+) task\(s\) fetched ahead: (\d+) in the start "
                  r"of stream 0 already here, the other (\d+) by (\d+) read\(s\)", p.stderr)
    assert m, p.stderr
    frames, tasks, here, far, reads = map(int, m.groups())
    assert tasks == 10 and frames == here + far and here >= 2, m[0]
    assert reads <= tasks - 1 and (far == 0 or reads < far), m[0]
    fetched = int(re.search(r"(\d+) bytes fetched before the tree ran", p.stderr)[1])
    assert fetched <= 1024 * 1024, f"{fetched} bytes came before the tree ran"
    env.check(run, env.restored[-1])
    assert reap(seen["server"], 60) == 0, "the lazy page server did not finish"


def test_lazy_chain_in_streams_reads_each_link_by_range(env, s3log):
    """A chain whose links' pages are in streams (lz4 over two streams): each link stores an
    index of its stream files (cryo-index, named in cryo-chain.json with its size and
    checksum), and a lazy restore reads every link's frames through it by ranged GET, on
    fault and in the background: the tree runs before the pre-dump's streams came, its
    memory (every page's version) and counter check out, and no stream object of the chain
    was ever read whole."""
    s3 = s3log
    url, run = chain_in_streams(env, s3, "chainidx", [workload("mem_dirty"), "64"],
                                ["--streams", "2", "--compression", "lz4"])
    streams = {}
    for k in "12":
        files = {f["name"]: f for f in
                 json.loads(s3api(s3, "GET", f"chainidx/{k}/cryo-chain.json"))["files"]}
        index = s3api(s3, "GET", f"chainidx/{k}/cryo-index")
        assert files["cryo-index"]["bytes"] == len(index) and index[:8] == b"CRYOIDX1", files
        nstreams, zero, nrecs = struct.unpack("<IIQ", index[8:24])
        assert (nstreams, zero) == (2, 0) and len(index) == 24 + 56 * nrecs and nrecs > 0
        streams[k] = files["pages-0.cryo"]["bytes"] + files["pages-1.cryo"]["bytes"]
    before = scratch_dirs()
    mark = s3["log"].stat().st_size
    seen = {}
    p = lazy_restore(env, s3, f"{url}/2", on_return=lambda server: seen.update(server=server))
    pid = env.restored[-1]
    assert pid == run.pid
    for k in "12":
        assert f"{url}/{k}: 2 stream object(s) left in the store, read through cryo-index" \
            in p.stderr, p.stderr
    fetched = int(re.search(r"(\d+) bytes fetched before the tree ran", p.stderr)[1])
    assert fetched < streams["1"] / 4, (fetched, streams)
    env.check(run, pid)  # every page's version, and the counter counted on
    assert reap(seen["server"], 120) == 0, "the lazy page server did not finish"
    assert "all pages in" in p.stderr, p.stderr
    assert scratch_dirs() <= before
    reads = [(key, st) for key, st in gets_since(s3, mark)
             if re.fullmatch(r"chainidx/\d/pages-\d\.cryo", key)]
    assert {key for key, _ in reads} >= {"chainidx/1/pages-0.cryo", "chainidx/1/pages-1.cryo"}, \
        reads
    assert all(st == "206" for _, st in reads), f"a stream object read whole: {reads}"


def test_lazy_chain_with_a_damaged_or_missing_index(env, s3log, tmp_path):
    """A link's index damaged or missing fails the lazy restore before any task exists,
    naming the object, and leaves nothing; a chain stored without indexes (as before there
    were any) still restores, its streams fetched whole."""
    s3 = s3log
    url, run = chain_in_streams(env, s3, "chainidx-bad", [workload("mem_big"), "16"],
                                ["--streams", "2", "--compression", "lz4"])
    before = scratch_dirs()
    key = "chainidx-bad/1/cryo-index"
    index = s3api(s3, "GET", key)

    def put(k, data):
        (tmp_path / "obj").write_bytes(data)
        s3api(s3, "PUT", k, "-T", str(tmp_path / "obj"))

    def refused(*words):
        p = lazy_restore(env, s3, f"{url}/2", check=False)
        assert p.returncode == 1, p.stderr
        for w in words:
            assert w in p.stderr, p.stderr
        assert not alive(run.pid), "a refused restore left a task behind"
        assert scratch_dirs() <= before, "a refused restore left its scratch directory"

    bad = bytearray(index)
    bad[24 + 56 + 20] ^= 0x01  # the second record's header
    put(key, bytes(bad))
    refused(f"s3://{BUCKET}/{key} does not match its checksum", "damaged")
    s3api(s3, "DELETE", key)
    refused(f"s3://{BUCKET}/{key}")
    put(key, index)
    # A link that names a file as a restore names its markers (what to read, and where) is
    # hostile: refused as damaged metadata.
    meta = s3api(s3, "GET", "chainidx-bad/1/cryo-chain.json")
    hostile = json.loads(meta)
    hostile["files"].append({"name": "pages.cryo.remote", "bytes": 1, "xxh3": "0" * 16})
    put("chainidx-bad/1/cryo-chain.json", json.dumps(hostile).encode())
    refused(f"{url}/1/cryo-chain.json: files[].name is not sound")
    put("chainidx-bad/1/cryo-chain.json", meta)
    lazy_restore(env, s3, f"{url}/2")
    env.check(run, env.restored[-1])
    reap_gone([env.restored[-1]], 60)

    # As stored before there were indexes: none in the store nor in cryo-chain.json.
    for k in "12":
        meta = json.loads(s3api(s3, "GET", f"chainidx-bad/{k}/cryo-chain.json"))
        meta["files"] = [f for f in meta["files"] if f["name"] != "cryo-index"]
        put(f"chainidx-bad/{k}/cryo-chain.json", json.dumps(meta).encode())
        s3api(s3, "DELETE", f"chainidx-bad/{k}/cryo-index")
    p = lazy_restore(env, s3, f"{url}/2")
    assert "read through cryo-index" not in p.stderr, p.stderr
    env.check(run, env.restored[-1])
