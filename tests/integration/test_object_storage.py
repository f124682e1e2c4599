"""Images in object storage (docs/object-storage.md): `cryo dump -D s3://BUCKET/PREFIX` and
`cryo restore -D s3://...` against a real S3-compatible server, s3rver from the npm registry
(scripts/s3-server.sh), on 127.0.0.1. Each stream of the image is one object uploaded in
parts while the dump runs, the metadata object is written last, and a restore downloads the
streams in parallel and restores as they arrive."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BUILD, CRYO, ROOT, alive, cryo, image_pids, reap, reap_gone, workload

BUCKET = "cryo-test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store, port, log=None):
    """log: a file the server logs each request to (S3_SERVER_LOG)."""
    out = open(log, "ab") if log else subprocess.DEVNULL
    server = subprocess.Popen([str(ROOT / "scripts" / "s3-server.sh"), str(store), str(port),
                               BUCKET], stdout=out, stderr=subprocess.PIPE,
                              start_new_session=True,
                              env=dict(os.environ, S3_SERVER_LOG="1") if log else None)
    if log:
        out.close()
    deadline = time.time() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                stop_server(server)
                raise AssertionError(f"s3rver did not start: {server.stderr.read().decode()}")
            time.sleep(0.1)


def stop_server(server):
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait()


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """The server, and the environment cryo reads it from."""
    if shutil.which("npm") is None and not Path("/var/cache/cryo/s3rver").exists():
        pytest.skip("npm (scripts/install-deps.sh) needed for the S3 server")
    data = tmp_path_factory.mktemp("s3")
    port = free_port()
    server = start_server(data / "store", port)
    env = dict(os.environ, AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
               AWS_ACCESS_KEY_ID="S3RVER", AWS_SECRET_ACCESS_KEY="S3RVER",
               AWS_REGION="us-east-1")
    yield {"env": env, "port": port, "store": data / "store" / BUCKET}
    stop_server(server)


def s3cryo(s3, *args, check=True, **kw):
    p = subprocess.run([CRYO, *map(str, args)], capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL, env=s3["env"], **kw)
    if check:
        assert p.returncode == 0, f"cryo {' '.join(map(str, args))}: {p.stderr}"
    return p


def s3api(s3, method, key, *extra):
    """One signed request with curl's own SigV4, as any S3 client would make."""
    p = subprocess.run(["curl", "-sS", "-X", method, "--aws-sigv4", "aws:amz:us-east-1:s3",
                        "--user", "S3RVER:S3RVER", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
                        *extra, f"http://127.0.0.1:{s3['port']}/{BUCKET}/{key}"],
                       capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout


def keys(s3, prefix):
    listing = s3api(s3, "GET", f"?list-type=2&prefix={prefix}/").decode()
    return sorted(re.findall(r"<Key>([^<]+)</Key>", listing))


def test_dump_to_object_storage_and_restore_from_it(env, s3, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    s3cryo(s3, "dump", "-t", run.pid, "-D", f"s3://{BUCKET}/jobs/one", "--streams", "2")
    run.finish()
    assert not alive(run.pid)
    # Two stream objects of several 8 MiB parts each, the index of their records (for a lazy
    # restore, test_s3_lazy.py), the metadata last; nothing local.
    assert keys(s3, "jobs/one") == ["jobs/one/cryo-image.json", "jobs/one/cryo-index",
                                    "jobs/one/stream-0", "jobs/one/stream-1"]
    assert not (tmp_path / "s3:").exists()
    sizes = [len(s3api(s3, "GET", f"jobs/one/stream-{k}")) for k in (0, 1)]
    assert sum(sizes) > 32 << 20, sizes
    # A second dump under the same prefix would mix two images: refused.
    p = s3cryo(s3, "dump", "-t", os.getpid(), "-D", f"s3://{BUCKET}/jobs/one", check=False)
    assert p.returncode == 1 and "already holds an image" in p.stderr, p.stderr

    pidfile = tmp_path / "pid"
    s3cryo(s3, "restore", "-D", f"s3://{BUCKET}/jobs/one", "--detach", "--pidfile", pidfile)
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    assert pid == run.pid
    env.check(run, pid)  # its memory checksums, exactly as dumped
    # The image is still there: restorable again.
    assert keys(s3, "jobs/one")[0] == "jobs/one/cryo-image.json"


def test_missing_or_damaged_object_fails_the_restore_naming_it(env, s3, tmp_path):
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    pids = [run.pid]
    s3cryo(s3, "dump", "-t", run.pid, "-D", f"s3://{BUCKET}/jobs/two", "--streams", "2")
    run.finish()
    reap_gone(pids)
    stream1 = s3api(s3, "GET", "jobs/two/stream-1")

    # A stream object with one byte changed in the middle of a page frame.
    bad = bytearray(stream1)
    bad[len(bad) // 2] ^= 0xff
    (tmp_path / "bad").write_bytes(bytes(bad))
    s3api(s3, "PUT", "jobs/two/stream-1", "-T", str(tmp_path / "bad"))
    p = s3cryo(s3, "restore", "-D", f"s3://{BUCKET}/jobs/two", "--detach", check=False)
    assert p.returncode == 1, p.stderr
    # A frame's checksum names its stream, a record header the descriptor it came on: stream
    # S on descriptor S, the object PREFIX/stream-S, as the message says.
    assert "s3://cryo-test/jobs/two" in p.stderr, p.stderr
    assert "stream 1" in p.stderr or "descriptor 1" in p.stderr, p.stderr
    _wait_gone(run.pid, "a failed restore left a task behind")

    # Shorter or longer than the image says (the stream is fetched in ranges: the last one
    # asks for a byte more): refused naming the object, before the tree runs.
    # (A stream takes frames as its thread claims them: one can hold less than 9 MiB.)
    for body in (stream1[:-1000], stream1[:min(9 << 20, len(stream1)) - 5], stream1 + b"x"):
        (tmp_path / "bad").write_bytes(body)
        s3api(s3, "PUT", "jobs/two/stream-1", "-T", str(tmp_path / "bad"))
        p = s3cryo(s3, "restore", "-D", f"s3://{BUCKET}/jobs/two", "--detach", check=False)
        assert p.returncode == 1 and "jobs/two/stream-1" in p.stderr, p.stderr
        _wait_gone(run.pid, "a failed restore left a task behind")

    # The object gone.
    s3api(s3, "DELETE", "jobs/two/stream-1")
    p = s3cryo(s3, "restore", "-D", f"s3://{BUCKET}/jobs/two", "--detach", check=False)
    assert p.returncode == 1 and "jobs/two/stream-1" in p.stderr, p.stderr
    _wait_gone(run.pid, "a failed restore left a task behind")

    # No metadata: no image at all.
    p = s3cryo(s3, "restore", "-D", f"s3://{BUCKET}/jobs/nothing", "--detach", check=False)
    assert p.returncode == 1 and "no image at s3://cryo-test/jobs/nothing" in p.stderr


def test_a_dump_that_fails_or_is_killed_leaves_no_image(env, s3):
    # Refused (a descriptor cryo cannot restore): the uploads begun are aborted.
    run = env.start([workload("fail_unsupported"), "xdp"])
    run.wait_for("ready")
    p = s3cryo(s3, "dump", "-t", run.pid, "-D", f"s3://{BUCKET}/jobs/refused", check=False)
    assert p.returncode == 1 and alive(run.pid), p.stderr
    assert keys(s3, "jobs/refused") == []

    # Killed while its 512 MiB are on the way: the tree runs on, nothing is left.
    big = env.start([workload("mem_big"), "512"])
    big.wait_for("ready", 60)
    dump = subprocess.Popen([CRYO, "dump", "-t", str(big.pid), "-D",
                             f"s3://{BUCKET}/jobs/killed"], env=s3["env"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    dump.kill()
    dump.wait()
    assert keys(s3, "jobs/killed") == []
    p = s3cryo(s3, "restore", "-D", f"s3://{BUCKET}/jobs/killed", "--detach", check=False)
    assert p.returncode == 1 and "no image at" in p.stderr
    # The tree was let go unharmed: its memory checks out.
    assert alive(big.pid)
    env.check(big, big.pid, 60)


def du(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def test_the_store_going_away_mid_dump_fails_it_and_the_tree_runs_on(env, s3, tmp_path):
    # Parts of each stream are in flight on several connections at once: the server killed
    # while they are, the dump fails naming the store, waits for what was in flight, and lets
    # the tree go; the server back, the prefix holds no image.
    port = free_port()
    server = start_server(tmp_path / "store", port)
    try:
        big = env.start([workload("mem_big"), "512"])
        big.wait_for("ready", 60)
        dump = subprocess.Popen([CRYO, "dump", "-t", str(big.pid), "-D",
                                 f"s3://{BUCKET}/jobs/cut", "--streams", "2"],
                                env=dict(s3["env"], AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}"),
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while du(tmp_path / "store") < 24 << 20 and dump.poll() is None:
            assert time.time() < deadline, "no part reached the store"
            time.sleep(0.02)
        stop_server(server)
        err = dump.communicate(timeout=120)[1]
        assert dump.returncode == 1, err
        assert f"127.0.0.1:{port}" in err or "jobs/cut" in err, err
        assert alive(big.pid)
        env.check(big, big.pid, 60)
        server = start_server(tmp_path / "store", port)
        p = subprocess.run([CRYO, "restore", "-D", f"s3://{BUCKET}/jobs/cut", "--detach"],
                           env=dict(s3["env"], AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}"),
                           capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        assert p.returncode == 1 and "no image at" in p.stderr, p.stderr
    finally:
        stop_server(server)


def _ours(pid):
    """pid is alive and one of our built programs (a workload, or cryo): a PID freed by our
    tree may be taken by anyone's process on this shared machine."""
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return False
    return alive(pid) and exe.startswith(str(BUILD) + "/")


def _wait_gone(pid, why="still there"):
    """pid gone within a deadline (reaped if it is ours to reap): a task a failed restore
    killed may still be exiting."""
    deadline = time.time() + 20
    while _ours(pid) and time.time() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.05)
    assert not _ours(pid), why


def test_incremental_chain_in_object_storage(env, s3, tmp_path, monkeypatch):
    # Two pre-dumps then a dump, each link in the store naming its parent; the restore reads
    # the chain from the store. mem_dirty rewrites pages all the while: each page is checked
    # against the version its snapshot says it had, from whichever link holds it.
    monkeypatch.chdir(tmp_path)
    url = f"s3://{BUCKET}/chain"
    run = env.start([workload("mem_dirty"), "64"])
    run.wait_for("ready")
    s3cryo(s3, "pre-dump", "-t", run.pid, "-D", f"{url}/1")
    tracker = json.loads(s3api(s3, "GET", "chain/1/predump.json"))["tracker"]["pid"]
    time.sleep(0.2)
    s3cryo(s3, "pre-dump", "-t", run.pid, "-D", f"{url}/2", "--parent", f"{url}/1")
    # Refused before anything is done, the tree running on: a local parent, a complete
    # image as parent, a prefix that holds an image already.
    p = s3cryo(s3, "dump", "-t", run.pid, "-D", f"{url}/x", "--parent", tmp_path, check=False)
    assert p.returncode == 1 and "not a directory" in p.stderr, p.stderr
    p = s3cryo(s3, "dump", "-t", run.pid, "-D", tmp_path / "img", "--parent", f"{url}/2",
               check=False)
    assert p.returncode == 1 and "the image goes beside it" in p.stderr, p.stderr
    p = s3cryo(s3, "pre-dump", "-t", run.pid, "-D", f"{url}/2", "--parent", f"{url}/1",
               check=False)
    assert p.returncode == 1 and "already holds an image" in p.stderr, p.stderr
    p = s3cryo(s3, "restore", "-D", f"{url}/2", "--detach", check=False)
    assert p.returncode == 1 and "is a pre-dump" in p.stderr, p.stderr
    assert keys(s3, "chain/x") == [] and alive(run.pid)
    time.sleep(0.2)
    s3cryo(s3, "dump", "-t", run.pid, "-D", f"{url}/3", "--parent", f"{url}/2")
    run.finish()
    assert not alive(run.pid)
    _wait_gone(tracker)  # the chain's write tracking ends with its last link
    links = {k: json.loads(s3api(s3, "GET", f"chain/{k}/cryo-chain.json")) for k in "123"}
    assert [(m["kind"], m["parent"]) for m in links.values()] == \
        [("pre-dump", None), ("pre-dump", "../1"), ("dump", "../2")]
    for k, m in links.items():
        names = sorted(f["name"] for f in m["files"])
        assert keys(s3, f"chain/{k}") == sorted([f"chain/{k}/{n}" for n in names] +
                                                [f"chain/{k}/cryo-chain.json"])
    # Each link after the first leaves pages to its parent, which it names as the link does.
    img = json.loads(s3api(s3, "GET", "chain/3/cryo.json"))
    pre = json.loads(s3api(s3, "GET", "chain/2/predump.json"))
    assert img["parent"] == "../2" and pre["parent"] == "../1"
    assert img["tasks"][0]["parent_pages"] > 0 and pre["tasks"][0]["parent_pages"] > 0
    shown = json.loads(s3cryo(s3, "show", f"{url}/3", "--json").stdout)
    assert shown["parent"] == "../2", shown

    # Eagerly: the pre-dumps' pages files stay in the store, read by ranged GET as the
    # restore wants them (the scratch directory holds the metadata and the last link's own
    # pages only).
    pidfile = tmp_path / "pid"
    p = s3cryo(s3, "restore", "-D", f"{url}/3", "--detach", "--pidfile", pidfile, "-v")
    for k in "12":
        assert f"s3://{BUCKET}/chain/{k}/pages-{run.pid}.img: " in p.stderr and \
            "left in the store" in p.stderr, p.stderr
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    assert pid == run.pid
    env.check(run, pid)  # every page's version, and the counter that only grows
    assert not list(Path("/dev/shm").glob("cryo-s3-chain-*"))
    # Lazily: the page server serves each fault from the link that holds the page, by
    # ranged GET for the pre-dumps, and copies the rest in the background; the tree checks
    # every page while it runs.
    os.truncate(run.out, 0)
    pidfile.unlink()
    # Its messages go to a file, not a pipe: it returns once the tree runs (the tree is ours
    # then), not when the page server, which keeps them, is done.
    with open(tmp_path / "lazy.err", "wb") as f:
        rc = subprocess.run([CRYO, "restore", "-D", f"{url}/3", "--detach", "--lazy", "-v",
                             "--pidfile", pidfile], env=s3["env"], stdin=subprocess.DEVNULL,
                            stdout=f, stderr=f, timeout=120).returncode
    err = (tmp_path / "lazy.err").read_text()
    assert rc == 0 and int(pidfile.read_text()) == run.pid, err
    env.restored.append(run.pid)
    env.check(run, run.pid)
    server = int(err.split("lazy page server: pid ")[1].split()[0])
    assert reap(server, 120) == 0, "the lazy page server did not finish"
    err = (tmp_path / "lazy.err").read_text()
    assert "all pages in" in err, err
    copied = int(err.split("all pages in: ")[1].split()[0])
    assert copied >= img["tasks"][0]["parent_pages"] * 4096 // 2, err
    assert not list(Path("/dev/shm").glob("cryo-s3-chain-*"))
    # A pre-dump's pages file left in the store: missing, it fails the restore naming its
    # key before any task exists; damaged, the first block read fails its checksum, naming
    # the object, and the restore leaves nothing.
    pages = f"chain/1/pages-{run.pid}.img"
    good = s3api(s3, "GET", pages)
    s3api(s3, "DELETE", pages)
    p = s3cryo(s3, "restore", "-D", f"{url}/3", "--detach", check=False)
    assert p.returncode == 1 and f"s3://{BUCKET}/{pages}" in p.stderr, p.stderr
    (tmp_path / "bad").write_bytes(good[:4096] + bytes([good[4096] ^ 1]) + good[4097:])
    s3api(s3, "PUT", pages, "-T", str(tmp_path / "bad"))
    p = s3cryo(s3, "restore", "-D", f"{url}/3", "--detach", check=False)
    assert p.returncode == 1 and f"s3://{BUCKET}/{pages}: pid {run.pid}: page data" in \
        p.stderr and "does not match its checksum" in p.stderr, p.stderr
    assert not alive(run.pid)
    (tmp_path / "bad").write_bytes(good)
    s3api(s3, "PUT", pages, "-T", str(tmp_path / "bad"))

    # Metadata is hostile input: a parent that leaves the bucket, a kind of its own.
    good = s3api(s3, "GET", "chain/3/cryo-chain.json")
    for field, value, says in (("parent", "../../../x", "leaves its bucket"),
                               ("kind", "image", "kind is not sound")):
        (tmp_path / "bad").write_text(json.dumps(dict(links["3"], **{field: value})))
        s3api(s3, "PUT", "chain/3/cryo-chain.json", "-T", str(tmp_path / "bad"))
        p = s3cryo(s3, "restore", "-D", f"{url}/3", "--detach", check=False)
        assert p.returncode == 1 and f"{url}/3/cryo-chain.json" in p.stderr and \
            says in p.stderr, p.stderr
    (tmp_path / "bad").write_bytes(good)
    s3api(s3, "PUT", "chain/3/cryo-chain.json", "-T", str(tmp_path / "bad"))
    # A damaged object of a parent fails the restore naming its key; so does a missing parent.
    pagemap = f"chain/1/pagemap-{run.pid}.img"
    good = s3api(s3, "GET", pagemap)
    (tmp_path / "bad").write_bytes(bytes([good[0] ^ 1]) + good[1:])
    s3api(s3, "PUT", pagemap, "-T", str(tmp_path / "bad"))
    p = s3cryo(s3, "restore", "-D", f"{url}/3", "--detach", check=False)
    assert p.returncode == 1 and f"s3://{BUCKET}/{pagemap} does not match its checksum" \
        in p.stderr, p.stderr
    s3api(s3, "DELETE", "chain/1/cryo-chain.json")
    p = s3cryo(s3, "restore", "-D", f"{url}/3", "--detach", check=False)
    assert p.returncode == 1 and f"{url}/1, the parent of {url}/2, is missing" in p.stderr, \
        p.stderr
    assert not list(Path("/dev/shm").glob("cryo-s3-chain-*"))
    assert not alive(run.pid)  # nothing restored half-way


def test_a_chain_dump_whose_store_fails_leaves_the_tree_running(env, s3, tmp_path):
    # The final dump of a chain goes to the store as it is written, its pages as multipart
    # uploads, and is complete there before the tree is killed: the store killed while the
    # pages go up, the dump fails, the tree runs on intact, and the prefix holds no image. The
    # parent's tracker killed first, every page is copied again, so that the upload takes long
    # enough to be cut.
    port = free_port()
    server = start_server(tmp_path / "store", port)
    envs = dict(s3["env"], AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}")
    url = f"s3://{BUCKET}/cut"
    try:
        big = env.start([workload("mem_big"), "256"])
        big.wait_for("ready", 60)
        subprocess.run([CRYO, "pre-dump", "-t", str(big.pid), "-D", f"{url}/1"], env=envs,
                       check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        tracker = int(re.search(r'"pid":\s*(\d+)', subprocess.run(
            ["curl", "-sS", f"http://127.0.0.1:{port}/{BUCKET}/cut/1/predump.json"],
            capture_output=True, text=True, check=True).stdout.split('"tracker"')[1]).group(1))
        os.kill(tracker, signal.SIGKILL)
        _wait_gone(tracker)
        before = set(Path("/dev/shm").glob("cryo-s3-chain-*"))
        dump = subprocess.Popen([CRYO, "dump", "-t", str(big.pid), "-D", f"{url}/2",
                                 "--parent", f"{url}/1"], env=envs,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        # The pages' placeholder (the pages themselves go to the store, not to scratch).
        deadline = time.time() + 60
        while dump.poll() is None and not [
                d for d in Path("/dev/shm").glob(f"cryo-s3-chain-*/cut/2/pages-{big.pid}.img")
                if d.parents[2] not in before]:
            assert time.time() < deadline, "the pages were never on their way"
            time.sleep(0.005)
        stop_server(server)
        err = dump.communicate(timeout=120)[1]
        assert dump.returncode == 1, err
        last = err.strip().splitlines()[-1]
        assert f"s3://{BUCKET}/cut/2/" in last and f"127.0.0.1:{port}" in last, err
        assert alive(big.pid)
        env.check(big, big.pid, 60)
        assert not set(Path("/dev/shm").glob("cryo-s3-chain-*")) - before
        server = start_server(tmp_path / "store", port)
        p = subprocess.run([CRYO, "restore", "-D", f"{url}/2", "--detach"], env=envs,
                           capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        assert p.returncode == 1 and "no image at" in p.stderr, p.stderr
    finally:
        stop_server(server)


def test_a_chain_in_streams_goes_up_as_it_is_written(env, s3, tmp_path):
    # Links whose pages are in streams (lz4 frames over two streams, pages-S.cryo): each stream
    # file goes up as the dump writes it, as a pages file does, and the chain restores with
    # every page's version and the counter exact.
    url = f"s3://{BUCKET}/streamed"
    before = set(Path("/dev/shm").glob("cryo-s3-chain-*"))
    run = env.start([workload("mem_dirty"), "64"])
    run.wait_for("ready")
    p = s3cryo(s3, "pre-dump", "-t", run.pid, "-D", f"{url}/1", "--streams", "2",
               "--compression", "lz4", "-v")
    for k in (0, 1):
        assert re.search(rf"pages-{k}\.cryo: \d+ bytes in \d+ parts", p.stderr), p.stderr
    tracker = json.loads(s3api(s3, "GET", "streamed/1/predump.json"))["tracker"]["pid"]
    time.sleep(0.2)
    p = s3cryo(s3, "dump", "-t", run.pid, "-D", f"{url}/2", "--parent", f"{url}/1",
               "--streams", "2", "--compression", "lz4", "-v")
    assert re.search(r"pages-0\.cryo: \d+ bytes in \d+ parts", p.stderr), p.stderr
    run.finish()
    _wait_gone(tracker)
    link = json.loads(s3api(s3, "GET", "streamed/2/cryo-chain.json"))
    names = sorted(f["name"] for f in link["files"])
    assert "pages-0.cryo" in names and "pages-1.cryo" in names, names
    assert "cryo-index" in names, names
    pidfile = tmp_path / "pid"
    # Eagerly: the pre-dump's stream files stay in the store, read through its index frame by
    # frame; the final link's own are fetched (an eager restore reads them in order).
    p = s3cryo(s3, "restore", "-D", f"{url}/2", "--detach", "--pidfile", pidfile, "-v")
    assert f"{url}/1: 2 stream object(s) left in the store, read through cryo-index" in \
        p.stderr and f"{url}/2: 2 stream object(s)" not in p.stderr, p.stderr
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    assert pid == run.pid
    env.check(run, pid)
    assert not set(Path("/dev/shm").glob("cryo-s3-chain-*")) - before


def _cryo_procs(word):
    """Pids of the processes whose command line holds word."""
    found = []
    for d in Path("/proc").iterdir():
        try:
            if d.name.isdigit() and word in (d / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(d.name))
        except OSError:
            pass
    return found


def test_a_chain_link_killed_while_its_pages_go_up_leaves_no_image(env, s3):
    # A link's pages go up as they are written: the pre-dump killed then (cryo's own process,
    # SIGKILL), its pump sees the dump end before the link was complete and aborts its upload
    # (s3rver answers the abort 405: its parts stay in its own directory, never an object); no
    # object is left under the prefix, and the tree runs on intact.
    big = env.start([workload("mem_big"), "512"])
    big.wait_for("ready", 60)
    url = f"s3://{BUCKET}/killed-chain/1"
    before = set(Path("/dev/shm").glob("cryo-s3-chain-*"))
    dump = subprocess.Popen([CRYO, "pre-dump", "-t", str(big.pid), "-D", url], env=s3["env"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while dump.poll() is None and not [
            d for d in Path("/dev/shm").glob(f"cryo-s3-chain-*/killed-chain/1/pages-{big.pid}.img")
            if d.parents[2] not in before]:
        assert time.time() < deadline, "the pages were never on their way"
        time.sleep(0.005)
    time.sleep(0.3)
    assert dump.poll() is None, dump.communicate()[1]
    dump.kill()
    dump.communicate()
    # The worker and the pump end; the pre-dump's write tracker, started before the copy,
    # runs on (until the tree exits).
    deadline = time.time() + 30
    while len(_cryo_procs(url)) > 1:
        assert time.time() < deadline, "the pump did not end"
        time.sleep(0.05)
    assert keys(s3, "killed-chain") == []
    p = s3cryo(s3, "restore", "-D", url, "--detach", check=False)
    assert p.returncode == 1 and "no image at" in p.stderr, p.stderr
    assert alive(big.pid)
    env.check(big, big.pid, 60)
    for d in set(Path("/dev/shm").glob("cryo-s3-chain-*")) - before:
        shutil.rmtree(d)  # a process killed with SIGKILL removes nothing


def test_bad_urls_and_credentials_are_refused_clearly(s3, tmp_path):
    p = s3cryo(s3, "dump", "-t", os.getpid(), "-D", "s3://No_Such/x", check=False)
    assert p.returncode == 1 and "not a valid bucket name" in p.stderr
    # A container goes to object storage too (test_s3_containers.py); one that is not there
    # fails before anything is stored.
    p = s3cryo(s3, "dump", "--runc", "box", "-D", f"s3://{BUCKET}/c", check=False)
    assert p.returncode == 1 and "box" in p.stderr and keys(s3, "c") == [], p.stderr
    p = s3cryo(s3, "restore", "-D", f"s3://{BUCKET}/a/../b", check=False)
    assert p.returncode == 1 and "a prefix takes" in p.stderr
    env = {k: v for k, v in s3["env"].items() if k != "AWS_SECRET_ACCESS_KEY"}
    p = subprocess.run([CRYO, "restore", "-D", f"s3://{BUCKET}/x"], env=env, text=True,
                       capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 1 and "no S3 credentials" in p.stderr
    env = dict(s3["env"], AWS_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}")
    p = subprocess.run([CRYO, "restore", "-D", f"s3://{BUCKET}/x"], env=env, text=True,
                       capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 1 and "Couldn't connect" in p.stderr, p.stderr
