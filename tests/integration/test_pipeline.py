"""The image pipeline: page data compressed frame by frame over N streams, to a directory, to a
pipe (stdout to stdin) or over TCP to `cryo serve`; each restored workload checks its memory
itself (a checksum of every byte), so a frame put at the wrong place fails it."""
import fcntl
import json
import os
import pathlib
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import (BUILD, CRYO, alive, cryo, descendants, image_pids, kill_pids, reap,
                      reap_gone, workload)

CODECS = ["none", "lz4", "zstd", "zlib", "gzip"]


def _layout(img):
    meta = json.loads((img / "cryo.json").read_text())
    return meta.get("pages"), sorted(p.name for p in img.glob("pages-*"))


@pytest.mark.parametrize("codec,streams", [(c, 1) for c in CODECS] +
                         [("lz4", 2), ("zstd", 3), ("none", 4)])
def test_codec_and_streams(env, codec, streams):
    run = env.start([workload("mem_big"), "24"])
    run.wait_for("ready")
    img = env.dump(run, suite_args=False,
                   extra=["--compression", codec, "--streams", str(streams)])
    pages, files = _layout(img)
    assert pages == {"codec": codec, "streams": streams}
    assert files == [f"pages-{s}.cryo" for s in range(streams)]
    pid = env.restore(img)
    env.check(run, pid)


def test_compression_without_streams_uses_a_stream_per_cpu(env):
    run = env.start([workload("mem_big"), "8"])
    run.wait_for("ready")
    img = env.dump(run, suite_args=False, extra=["--compression", "zstd"])
    pages, files = _layout(img)
    assert pages["codec"] == "zstd" and 1 <= pages["streams"] <= 4
    assert len(files) == pages["streams"]
    env.check(run, env.restore(img))


def test_default_layout_is_plain_files(env):
    run = env.start([workload("mem_big"), "4"])
    run.wait_for("ready")
    img = env.dump(run, suite_args=False)
    pages, files = _layout(img)
    assert pages is None
    assert f"pages-{run.pid}.img" in files and not any(f.endswith(".cryo") for f in files)
    env.check(run, env.restore(img))


def _holder(env, mib, kind):
    run = env.start([str(BUILD / "bench" / "holder"), str(mib), kind])
    run.wait_for("ready")
    return run


def _holder_check(env, run, pid):
    os.kill(pid, signal.SIGUSR1)
    run.wait_for("PASS", 30)
    assert "FAIL" not in run.text()


@pytest.mark.parametrize("codec", ["lz4", "zstd", "gzip"])
def test_compressible_memory_shrinks(env, codec):
    """64 MiB of text-like pages (a 64 KiB text repeated: just past lz4's window): the image
    must be well under half the size, and exact."""
    run = _holder(env, 64, "text")
    img = env.dump(run, suite_args=False, extra=["--compression", codec, "--streams", "2"])
    size = sum(p.stat().st_size for p in img.glob("pages-*.cryo"))
    assert size < (64 << 20) / 2, f"{codec}: {size} bytes of pages for 64 MiB of text"
    _holder_check(env, run, env.restore(img))


def test_unknown_compression_is_refused(env):
    run = env.start([workload("mem_big"), "4"])
    run.wait_for("ready")
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", "--compression", "rar",
             check=False)
    assert p.returncode == 1 and "unknown compression \"rar\"" in p.stderr
    for bad in ["0", "65", "x"]:
        p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", "--streams", bad, check=False)
        assert p.returncode == 2 and "stream count" in p.stderr
    assert alive(run.pid)


@pytest.mark.parametrize("argv", [["tree_pids"], ["fd_kinds", "shmanon"],
                                  ["fd_kinds", "memfd"], ["prog_mt_checksum"]],
                         ids=lambda a: "-".join(a))
def test_trees_threads_and_shared_memory_over_streams(env, argv):
    """Several tasks (or threads) and shared memory objects, over three lz4 streams: every
    task's frames land in its own memory, and shared objects travel with the metadata."""
    run = env.start([workload(argv[0]), *argv[1:]])
    run.wait_for("ready")
    img = env.tmp / "img"
    try:
        env.dump(run, img, suite_args=False, extra=["--compression", "lz4", "--streams", "3"])
    finally:
        pids = image_pids(img)
    reap_gone(pids)
    pid = env.restore(img)
    env.check(run, pid)


# --- stdout to stdin --------------------------------------------------------------------------

def _pipe_dump(run, dump_args=(), restore_args=(), cut=None):
    """cryo dump -D - | [head -c cut |] cryo restore -D -; returns both results."""
    dump = subprocess.Popen([CRYO, "dump", "-t", str(run.pid), "-D", "-", *dump_args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    src = dump.stdout
    head = None
    if cut is not None:
        head = subprocess.Popen(["head", "-c", str(cut)], stdin=dump.stdout,
                                stdout=subprocess.PIPE)
        dump.stdout.close()
        src = head.stdout
    rest = subprocess.Popen([CRYO, "restore", "-D", "-", *map(str, restore_args)], stdin=src,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    src.close()
    # The restore waits for the dumped tree's PIDs, which the dump frees by killing the tree
    # and we (its subreaper) by reaping it.
    deadline = time.time() + 120
    while rest.poll() is None and time.time() < deadline:
        reap(run.pid, 0.05)
    rest.stderr_text = rest.stderr.read()
    if head:
        head.wait(30)
    dump.wait(60)
    return dump, rest


@pytest.mark.parametrize("args", [[], ["--compression", "lz4", "--streams", "3"]])
def test_stdout_to_stdin(env, args):
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    pidfile = env.tmp / "pid"
    dump, rest = _pipe_dump(run, args, ["--detach", "--pidfile", pidfile])
    assert dump.returncode == 0, dump.stderr.read()
    assert rest.returncode == 0, rest.stderr_text
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    assert pid == run.pid
    env.check(run, pid)
    # Nothing of the image is left behind in memory.
    assert not [d for d in os.listdir("/dev/shm") if d.startswith("cryo-restore-")]


def test_stdout_cut_short_fails_cleanly(env):
    """The receiving end sees a stream that stops in the middle: a clear error and no process;
    the dump, its reader gone, fails and leaves the tree running."""
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    dump, rest = _pipe_dump(run, cut=5 << 20)
    assert rest.returncode == 1
    assert "incomplete" in rest.stderr_text, rest.stderr_text
    assert dump.returncode == 1
    assert alive(run.pid), "the dump killed the tree without a complete image"
    os.kill(run.pid, signal.SIGUSR1)
    assert reap(run.pid, 20) == 0 and "PASS" in run.text()


def test_dump_to_terminal_refused(env):
    run = env.start([workload("mem_big"), "4"])
    run.wait_for("ready")
    master, slave = os.openpty()
    try:
        p = subprocess.run([CRYO, "dump", "-t", str(run.pid), "-D", "-"], stdout=slave,
                           stderr=subprocess.PIPE, text=True, timeout=30)
    finally:
        os.close(slave)
        os.close(master)
    assert p.returncode == 2 and "terminal" in p.stderr
    assert alive(run.pid)


# --- restored as it arrives -------------------------------------------------------------------
# A stream whose tree is gone (kept in a file, or sent from another machine) is restored as it
# arrives: metadata first, then every frame straight into its task; nothing is stored.

REC = struct.Struct("<4sBBHHHiIIQQQ")  # stream.h: struct rec_hdr
REC_PAGES, REC_FILE, REC_END = 1, 2, 3
FED = "restoring the image as it arrives"


def _records(data):
    """(header tuple, offset of the record, offset of its payload, payload length)."""
    off = 0
    while off < len(data):
        h = REC.unpack_from(data, off)
        yield h, off, off + REC.size, h[8]
        off += REC.size + h[8]


def _stream_file(env, run, args=(), name="stream"):
    """Dumps run to a file through stdout (killing and reaping its tree): an image as one
    stream, every stream of it interleaved."""
    pids = descendants(run.pid)
    path = env.tmp / name
    with open(path, "wb") as out:
        p = subprocess.run([CRYO, "dump", "-t", str(run.pid), "-D", "-", *args], stdout=out,
                           stderr=subprocess.PIPE, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    run.finish()
    reap_gone(pids)
    return path


def _restore_stdin(env, path, data=None, extra=()):
    pidfile = env.tmp / "pid"
    if data is None:
        data = path.read_bytes()
    p = subprocess.run([CRYO, "restore", "-D", "-", "--detach", "--pidfile", pidfile, "-v",
                        *extra], input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    p.stderr = p.stderr.decode(errors="replace")
    if p.returncode == 0:
        p.pid = int(pidfile.read_text())
        env.restored.append(p.pid)
    return p


def _no_scratch_left():
    return not [d for d in os.listdir("/dev/shm") if d.startswith("cryo-restore-")]


@pytest.mark.parametrize("argv,args", [
    (["mem_big", "32"], []),
    (["mem_big", "32"], ["--compression", "lz4", "--streams", "3"]),
    (["mem_big", "32"], ["--compression", "zstd", "--streams", "2"]),
    (["tree_pids"], ["--compression", "lz4", "--streams", "2"]),
    (["prog_mt_checksum"], []),
    (["fd_kinds", "shmanon"], ["--streams", "2"]),
], ids=lambda a: "-".join(a) or "default")
def test_stream_restored_as_it_arrives(env, argv, args):
    run = env.start([workload(argv[0]), *argv[1:]])
    run.wait_for("ready")
    path = _stream_file(env, run, args)
    p = _restore_stdin(env, path)
    assert p.returncode == 0, p.stderr
    assert FED in p.stderr, p.stderr
    assert p.pid == run.pid
    env.check(run, p.pid)
    assert _no_scratch_left()


def test_stream_on_a_socket_that_expects_no_answer(env):
    """stdin may be a socket whose far end is a relay (ssh, inetd) for a plain `dump -D -`,
    which never answers: the restore must not wait for a GO that will not come."""
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    data = _stream_file(env, run, ["--streams", "2"]).read_bytes()
    ours, theirs = socket.socketpair()
    feeder = threading.Thread(target=ours.sendall, args=(data,), daemon=True)
    feeder.start()
    pidfile = env.tmp / "pid"
    started = time.time()
    p = subprocess.run([CRYO, "restore", "-D", "-", "--detach", "--pidfile", pidfile, "-v"],
                       stdin=theirs, capture_output=True, text=True, timeout=120)
    took = time.time() - started
    theirs.close()
    feeder.join(10)
    ours.close()
    assert p.returncode == 0 and FED in p.stderr, p.stderr
    assert took < 20, f"the restore waited {took:.1f} s for an answer nobody sends"
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    env.check(run, pid)


def test_stream_restore_killed_midway_leaves_nothing(env):
    """`cryo restore -D -` SIGKILLed while the pages still arrive: the tasks it made, waiting
    for their pages, see their pipes end and die; nothing half-restored is left."""
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    data = _stream_file(env, run, ["--streams", "2"]).read_bytes()
    rest = subprocess.Popen([CRYO, "restore", "-D", "-", "--detach"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rest.stdin.write(data[:len(data) // 3])
    rest.stdin.flush()
    deadline = time.time() + 10
    while not alive(run.pid) and time.time() < deadline:
        time.sleep(0.01)
    assert alive(run.pid), "the restore did not get as far as making the task"
    rest.kill()
    rest.wait(10)
    try:
        rest.stdin.close()
    except BrokenPipeError:
        pass
    reap(run.pid, 10)
    assert not alive(run.pid), "a half-restored task outlived its restore"
    # Its scratch directory (the metadata) could not be removed by it; the next cryo that
    # makes one removes it, its process being gone.
    left = [d for d in os.listdir("/dev/shm") if d.startswith(f"cryo-restore-{rest.pid}-")]
    assert left, "the killed restore had no scratch directory to leave behind?"
    p = _restore_stdin(env, env.tmp / "stream")
    assert p.returncode == 0 and FED in p.stderr, p.stderr
    assert not any(os.path.exists(f"/dev/shm/{d}") for d in left)
    env.check(run, p.pid)


def test_scratch_of_a_live_cryo_in_another_pid_namespace_is_left_alone(env):
    """A cryo in another pid namespace sharing /dev/shm names its scratch directory with a pid
    this one cannot see: the directory's lock, not the pid, says it is in use."""
    run = env.start([workload("mem_big"), "8"])
    run.wait_for("ready")
    stream = _stream_file(env, run, [])
    gone_pid = 4194303  # above pid_max's default: no such process here
    held = tempfile.mkdtemp(prefix=f"cryo-restore-{gone_pid}-", dir="/dev/shm")
    dead = tempfile.mkdtemp(prefix=f"cryo-restore-{gone_pid}-", dir="/dev/shm")
    for d in (held, dead):
        pathlib.Path(d, "pagemap-1.img").write_bytes(b"x")
    fd = os.open(held, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        p = _restore_stdin(env, stream)
        assert p.returncode == 0 and FED in p.stderr, p.stderr
        assert os.path.exists(f"{held}/pagemap-1.img"), "a held scratch directory was reaped"
        assert not os.path.exists(dead), "an unheld one was left behind"
        env.check(run, p.pid)
    finally:
        os.close(fd)
        shutil.rmtree(held, ignore_errors=True)
        shutil.rmtree(dead, ignore_errors=True)


def test_show_a_stream_reads_only_its_metadata(env):
    """`cryo show - < stream`: the image described from its metadata, which comes first; the
    pages are never read (the pipe is left almost full)."""
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    pids = sorted(descendants(run.pid))
    path = _stream_file(env, run, ["--streams", "2"])
    p = subprocess.run([CRYO, "show", "-", "--json"], stdin=open(path, "rb"),
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert sorted(int(t["pid"]) for t in json.loads(p.stdout)["tasks"]) == pids
    with open(path, "rb") as f:
        p = subprocess.run([CRYO, "show", "-"], stdin=f, capture_output=True, text=True,
                           timeout=60)
        left = path.stat().st_size - f.tell()
    assert p.returncode == 0 and f"task {run.pid}" in p.stdout, p.stderr
    assert left > path.stat().st_size // 2, "cryo show read the pages too"
    p = subprocess.run([CRYO, "show", "-"], input=b"not an image" * 100, capture_output=True,
                       timeout=60)
    assert p.returncode == 1 and b"cryo show:" in p.stderr


def test_stream_with_pids_in_use_is_stored_first(env):
    """A PID of the image still held: received whole, then restored once the PID is free."""
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    path = _stream_file(env, run, ["--compression", "lz4", "--streams", "2"])
    p = _restore_stdin(env, path)
    assert p.returncode == 0, p.stderr
    pid = p.pid
    # The tree is back: its PID is now in use, so a second restore of the same stream
    # stores it first, and then refuses the PID by name.
    p = _restore_stdin(env, path)
    assert p.returncode == 1 and "stored first" in p.stderr, p.stderr
    assert f"pid {run.pid} is in use" in p.stderr, p.stderr
    assert _no_scratch_left()
    env.check(run, pid)


def test_stream_lazy_is_stored_first(env):
    """--lazy serves pages long after the stream is gone: stored in memory first, then the
    tree runs at once and its pages arrive on fault."""
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    path = _stream_file(env, run, ["--compression", "lz4", "--streams", "2"])
    p = _restore_stdin(env, path, extra=["--lazy"])
    assert p.returncode == 0, p.stderr
    assert "stored first" in p.stderr and FED not in p.stderr, p.stderr
    env.check(run, p.pid)


def _damage(data, pick):
    """A copy of the stream with one byte of a chosen page frame's payload flipped."""
    frames = [(off, pay, n) for h, off, pay, n in _records(data) if h[1] == REC_PAGES]
    off, pay, n = frames[pick(len(frames))]
    out = bytearray(data)
    out[pay + n // 2] ^= 0x5A
    return bytes(out)


@pytest.mark.parametrize("args", [[], ["--compression", "lz4", "--streams", "2"]])
def test_stream_damaged_frame_fails_cleanly(env, args):
    """A frame damaged in transit: refused before it reaches memory, with the offset named;
    no task of the image is left, and the intact stream still restores."""
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    path = _stream_file(env, run, args)
    data = path.read_bytes()
    p = _restore_stdin(env, path, data=_damage(data, lambda n: n // 2))
    assert p.returncode == 1, p.stderr
    assert "does not" in p.stderr and "on stream" in p.stderr and "offset" in p.stderr, \
        p.stderr
    assert not alive(run.pid)
    assert _no_scratch_left()
    p = _restore_stdin(env, path)
    assert p.returncode == 0 and FED in p.stderr, p.stderr
    env.check(run, p.pid)


@pytest.mark.parametrize("cut", ["in_pages", "before_end"])
def test_stream_cut_short_fails_cleanly(env, cut):
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    path = _stream_file(env, run, ["--streams", "2"])
    data = path.read_bytes()
    recs = list(_records(data))
    if cut == "in_pages":
        end = [off for h, off, _, _ in recs if h[1] == REC_PAGES][-3] + 1000
    else:
        end = [off for h, off, _, _ in recs if h[1] == REC_END][0]
    p = _restore_stdin(env, path, data=data[:end])
    assert p.returncode == 1, p.stderr
    assert "incomplete" in p.stderr or "ended" in p.stderr, p.stderr
    assert not alive(run.pid)
    assert _no_scratch_left()


def _read_line(sock):
    line = b""
    while not line.endswith(b"\n"):
        got = sock.recv(1)
        if not got:
            break
        line += got
    return line.decode(errors="replace")


def _send_streams(port, data, nconn, go=True):
    """Sends a stream file as cryo dump --to would: stream S of the records on connection
    S % nconn, every connection at once. A receiver that restores answers READY: the sender
    then says GO (as a dump does once its own tree is gone) unless go is False, and closes.
    Returns the receiver's answers. A connection the receiver closes while we send is
    expected only when it answers ERR."""
    per = [bytearray() for _ in range(nconn)]
    for h, off, pay, n in _records(data):
        per[h[4] % nconn] += data[off:pay + n]
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(nconn)]
    closed = []  # a receiver that refuses a frame closes every connection, mid-send for some

    def send(s, b):
        try:
            s.sendall(b)
        except (ConnectionResetError, BrokenPipeError) as e:
            closed.append(e)
    threads = [threading.Thread(target=send, args=(s, bytes(b)), daemon=True)
               for s, b in zip(socks, per)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    socks[0].settimeout(60)
    answer = _read_line(socks[0])
    # Only after it said why: a connection closed on its own is a real failure.
    assert not closed or answer.startswith("ERR "), (closed, answer)
    if answer == "READY\n" and go:
        socks[0].sendall(b"GO\n")
        answer += _read_line(socks[0])  # nothing more: the receiver closes
    for s in socks:
        s.close()
    return answer


@pytest.mark.parametrize("damaged", [False, True])
def test_serve_restores_as_it_arrives_over_connections(env, damaged):
    """cryo serve --restore without -D, fed by two connections as from another machine: the
    tree comes back without the image being stored, and the sender hears OK only then; a
    damaged frame gets it ERR with the reason (its tree would resume)."""
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    data = _stream_file(env, run, ["--compression", "lz4", "--streams", "2"]).read_bytes()
    if damaged:
        data = _damage(data, lambda n: n - 2)
    port = _free_port()
    serve = _serve(["--restore", "--detach", "-v"], port)
    try:
        answer = _send_streams(port, data, 2)
        code = serve.wait(60)
        err = serve.stderr.read()
    finally:
        serve.kill()
    assert FED in err, err
    if damaged:
        # A flipped byte in an lz4 frame either fails to decode or decodes to bytes that do
        # not match the frame's checksum, depending on where it falls.
        assert code == 1 and answer.startswith("ERR ") and \
            ("checksum" in answer or "does not decode" in answer), (answer, err)
        assert not alive(run.pid)
        return
    assert code == 0 and answer == "READY\n", (answer, err)
    env.restored.append(run.pid)
    env.check(run, run.pid)


def test_serve_restore_without_go_kills_its_copy(env):
    """The sender goes away after READY without saying GO (it may have resumed its tree):
    the restored copy must never run; nothing of it is left."""
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    data = _stream_file(env, run, ["--streams", "2"]).read_bytes()
    port = _free_port()
    serve = _serve(["--restore", "--detach", "-v"], port)
    try:
        answer = _send_streams(port, data, 2, go=False)
        code = serve.wait(60)
        err = serve.stderr.read()
    finally:
        serve.kill()
    assert answer == "READY\n", (answer, err)
    assert code == 1 and "went away" in err and "does not run" in err, err
    assert not alive(run.pid)


def _task_state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def _fake_restoring_receiver(port_box, got, say_go_seen, pid):
    """Plays a cryo serve --restore for a real dump: takes its streams, answers READY, and
    records what came back and the state of the dumped tree's root when it came."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    port_box.append(srv.getsockname()[1])
    conns, bufs, ended, nstreams = [], [], 0, None
    while nstreams is None or len(conns) < nstreams:
        c, _ = srv.accept()
        conns.append(c)
        bufs.append(bytearray())
        if nstreams is None:
            first = c.recv(REC.size, socket.MSG_PEEK | socket.MSG_WAITALL)
            nstreams = REC.unpack(first)[3]
    srv.close()

    def drain(i):
        nonlocal ended
        while True:
            h = conns[i].recv(REC.size, socket.MSG_WAITALL)
            if len(h) < REC.size:
                return
            rec = REC.unpack(h)
            body = conns[i].recv(rec[8], socket.MSG_WAITALL) if rec[8] else b""
            bufs[i] += h + body
            if rec[1] == REC_END:
                return
    ts = [threading.Thread(target=drain, args=(i,)) for i in range(len(conns))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    # Stream 0 carries the metadata first: it goes first in the stream file.
    order = sorted(range(len(conns)), key=lambda i: REC.unpack_from(bufs[i], 0)[4])
    got.append(b"".join(bytes(bufs[i]) for i in order))
    conns[order[0]].sendall(b"READY\n")
    conns[order[0]].settimeout(60)
    say_go_seen.append(_read_line(conns[order[0]]))
    say_go_seen.append(_task_state(pid))
    for c in conns:
        c.close()


def test_dump_to_a_restoring_receiver_kills_then_says_go(env):
    """A real dump --to, answered READY as by a receiver that restored the tree: the dump
    kills its tree and only then says GO; what it sent restores as it arrives."""
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    pids = descendants(run.pid)
    port_box, got, go = [], [], []
    t = threading.Thread(target=_fake_restoring_receiver, args=(port_box, got, go, run.pid),
                         daemon=True)
    t.start()
    while not port_box:
        time.sleep(0.01)
    dump = subprocess.Popen([CRYO, "dump", "-t", str(run.pid), "--to",
                             f"tcp://127.0.0.1:{port_box[0]}", "--streams", "2",
                             "--compression", "lz4"], stderr=subprocess.PIPE, text=True)
    t.join(120)
    assert dump.wait(60) == 0, dump.stderr.read()
    # The tree had exited before GO: a zombie of ours (or gone) when GO came.
    assert go[0] == "GO\n" and go[1] in ("Z", "X", "gone"), go
    reap_gone(pids)
    path = env.tmp / "received"
    path.write_bytes(got[0])
    p = _restore_stdin(env, path)
    assert p.returncode == 0 and FED in p.stderr, p.stderr
    env.check(run, p.pid)


# --- TCP to cryo serve ------------------------------------------------------------------------

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(args, port):
    p = subprocess.Popen([CRYO, "serve", "--listen", f"127.0.0.1:{port}", *map(str, args)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         stdin=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:  # listening?
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.02)
    return p


@pytest.mark.parametrize("streams", [1, 3])
def test_tcp_to_serve_stores_the_image(env, streams):
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    port = _free_port()
    img = env.tmp / "received"
    env.images.append(img)
    serve = _serve(["-D", img], port)
    try:
        # The probe connection above is not a stream: serve ignores it.
        cryo("dump", "-t", run.pid, "--to", f"tcp://127.0.0.1:{port}", "--streams", streams,
             "--compression", "lz4")
        assert serve.wait(60) == 0, serve.stderr.read()
    finally:
        serve.kill()
    run.finish()
    reap_gone(image_pids(img))
    pages, files = _layout(img)
    assert pages == {"codec": "lz4", "streams": streams}
    env.check(run, env.restore(img))


def test_tcp_serve_on_the_dumping_machine_stores_first(env):
    """serve --restore on the machine of the dump: the tree being dumped holds the PIDs until
    serve confirms, so serve stores the image in memory first, confirms, and restores once the
    dump has killed the tree."""
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    port = _free_port()
    serve = _serve(["--restore", "--detach", "-v"], port)
    try:
        dump = subprocess.Popen([CRYO, "dump", "-t", str(run.pid), "--to",
                                 f"127.0.0.1:{port}", "--streams", "2"],
                                stderr=subprocess.PIPE, text=True)
        # The dump must not kill the tree before serve has the image: serve's restore then
        # waits for the PID to be free, which the kill and our reaping give it.
        while dump.poll() is None:
            reap(run.pid, 0.05)
        assert dump.returncode == 0, dump.stderr.read()
        assert serve.wait(60) == 0, serve.stderr.read()
        assert "stored first" in serve.stderr.read()
    finally:
        serve.kill()
    env.check(run, run.pid)


def test_tcp_receiver_gone_leaves_the_tree_running(env):
    """A receiver that accepts and then closes: the dump fails, the tree runs on, whole."""
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    port = srv.getsockname()[1]

    def rude():
        for _ in range(2):
            c, _ = srv.accept()
            c.recv(1000)
            c.close()
    t = threading.Thread(target=rude, daemon=True)
    t.start()
    p = cryo("dump", "-t", run.pid, "--to", f"tcp://127.0.0.1:{port}", "--streams", "2",
             check=False, timeout=60)
    srv.close()
    assert p.returncode == 1, p.stderr
    assert alive(run.pid)
    os.kill(run.pid, signal.SIGUSR1)
    assert reap(run.pid, 20) == 0 and "PASS" in run.text()


def test_serve_ignores_strangers_and_refuses_bad_usage(env, tmp_path):
    p = cryo("serve", "-D", tmp_path, check=False)
    assert p.returncode == 2 and "--listen" in p.stderr
    p = cryo("serve", "--listen", "nohostport", "-D", tmp_path, check=False)
    assert p.returncode == 1 and "bad address" in p.stderr
    p = cryo("dump", "-t", "1", "--to", "tcp://127.0.0.1:1", check=False)
    assert p.returncode == 1 and "connect" in p.stderr


# --- across network namespaces ----------------------------------------------------------------

def _ip(*args, check=True):
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


@pytest.fixture
def netns():
    """A network namespace joined to ours by a veth pair: 10.231.0.1 here, .2 there."""
    if subprocess.run(["which", "ip"], capture_output=True).returncode:
        pytest.skip("no iproute2")
    name = f"cryo-test-{os.getpid()}"
    host, peer = f"cv{os.getpid() % 100000}a", f"cv{os.getpid() % 100000}b"
    try:
        _ip("netns", "add", name)
        _ip("link", "add", host, "type", "veth", "peer", "name", peer)
        _ip("link", "set", peer, "netns", name)
        _ip("addr", "add", "10.231.0.1/24", "dev", host)
        _ip("link", "set", host, "up")
        _ip("-n", name, "addr", "add", "10.231.0.2/24", "dev", peer)
        _ip("-n", name, "link", "set", peer, "up")
        _ip("-n", name, "link", "set", "lo", "up")
    except subprocess.CalledProcessError as e:
        _ip("link", "del", host, check=False)
        _ip("netns", "del", name, check=False)
        pytest.skip(f"cannot make a network namespace here: {e.stderr}")
    yield name
    _ip("link", "del", host, check=False)
    _ip("netns", "del", name, check=False)


def test_dump_here_restore_in_another_netns(env, netns, monkeypatch):
    # Not a loopback address: serve wants a token, and the dump sends it (both read the env).
    monkeypatch.setenv("CRYO_SERVE_TOKEN", "netns-test-token-0123456789")
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    port = _free_port()
    pidfile = env.tmp / "pid"
    serve = subprocess.Popen(["ip", "netns", "exec", netns, CRYO, "serve", "--listen",
                              f"10.231.0.2:{port}", "--restore", "--detach"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             stdin=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while True:
            p = cryo("dump", "-t", run.pid, "--to", f"tcp://10.231.0.2:{port}", "--streams",
                     "2", "--compression", "zstd", check=False)
            if p.returncode == 0 or "connect" not in p.stderr or time.time() > deadline:
                break
            time.sleep(0.1)
        assert p.returncode == 0, p.stderr
        while serve.poll() is None:  # the restore waits for the old tree to be reaped
            reap(run.pid, 0.05)
        assert serve.returncode == 0, serve.stderr.read()
    finally:
        serve.kill()
    # The restored root is in the other namespace, and ours to reap (we are its subreaper).
    assert os.readlink(f"/proc/{run.pid}/ns/net") != os.readlink("/proc/self/ns/net")
    env.check(run, run.pid)


# --- progress ---------------------------------------------------------------------------------

def _progress(stderr, phase):
    events = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    events = [e for e in events if e["phase"] == phase]
    assert events and events[-1]["final"], f"no final {phase} progress in {stderr!r}"
    done = [e["done"] for e in events]
    assert done == sorted(done), "progress went backwards"
    return events


@pytest.mark.parametrize("args", [[], ["--compression", "zstd", "--streams", "2"]])
def test_progress_as_json(env, args):
    run = env.start([workload("mem_big"), "64"])
    run.wait_for("ready")
    img = env.tmp / "img"
    env.images.append(img)
    p = cryo("dump", "-t", run.pid, "-D", img, "--json", *args)
    run.finish()
    reap_gone(image_pids(img))
    last = _progress(p.stderr, "dump")[-1]
    assert last["done"] >= 64 << 20 and last["done"] == last["total"]
    pidfile = env.tmp / "pid"
    p = cryo("restore", "-D", img, "--detach", "--pidfile", pidfile, "--json")
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    last = _progress(p.stderr, "restore")[-1]
    meta = json.loads((img / "cryo.json").read_text())
    assert last["done"] == last["total"] == sum(t["pages"] for t in meta["tasks"]) * 4096
    env.check(run, pid)


# --- lazy restore -----------------------------------------------------------------------------

def _lazy_restore(env, img):
    """cryo restore --lazy --detach; returns (root pid, page server pid)."""
    pidfile = env.tmp / "pid"
    p = cryo("restore", "-D", img, "--detach", "--pidfile", pidfile, "--lazy", "-v")
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    server = int(p.stderr.split("lazy page server: pid ")[1].split()[0])
    return pid, server


@pytest.mark.parametrize("args", [[], ["--compression", "lz4", "--streams", "2"]])
def test_lazy_restore_follows_fork_mremap_dontneed_munmap(env, args):
    """The tree runs while its pages arrive; a child forked meanwhile, memory moved, dropped
    and unmapped meanwhile all come out exact; the page server exits once all is in."""
    run = env.start([workload("mem_lazy_events"), "64"])
    run.wait_for("ready")
    img = env.dump(run, suite_args=False, extra=args)
    pid, server = _lazy_restore(env, img)
    assert pid == run.pid
    env.check(run, pid)
    assert reap(server, 30) == 0, "the lazy page server did not finish"


def test_lazy_restore_of_a_tree_with_threads(env):
    run = env.start([workload("prog_mt_checksum")])
    run.wait_for("ready")
    img = env.dump(run, suite_args=False)
    pid, server = _lazy_restore(env, img)
    env.check(run, pid)
    assert reap(server, 30) == 0


def test_lazy_restore_damaged_frame_kills_the_task(env):
    """A frame whose pages do not match their hash is found only when it is served: the task
    is killed rather than left running on wrong memory."""
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    img = env.dump(run, suite_args=False, extra=["--compression", "none", "--streams", "1"])
    stream = img / "pages-0.cryo"
    data = bytearray(stream.read_bytes())
    data[len(data) // 2] ^= 0x01  # inside some frame's payload (2 MiB frames, 48-byte headers)
    stream.write_bytes(bytes(data))
    pidfile = env.tmp / "pid"
    p = subprocess.run([CRYO, "restore", "-D", img, "--detach", "--pidfile", pidfile,
                        "--lazy"], capture_output=True, text=True, timeout=60)
    if p.returncode:  # the damage hit a header: refused up front, which is fine too
        assert "damaged" in p.stderr
        return
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    deadline = time.time() + 30
    while alive(pid) and time.time() < deadline:
        time.sleep(0.05)
    assert not alive(pid), "the task runs on with a page that failed its check"
    assert "PASS" not in run.text()


# --- tar --------------------------------------------------------------------------------------

def test_tar_image_in_a_directory(env):
    """--compression tar: DIR holds one archive that tar itself can list; show and restore
    read it as they read a directory."""
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--compression", "tar")
    run.finish()
    assert sorted(p.name for p in img.iterdir()) == ["image.tar"]
    names = subprocess.run(["tar", "tf", img / "image.tar"], capture_output=True, text=True,
                           check=True).stdout.split()
    assert names[-1] == "cryo.json" and f"pages-{run.pid}.img" in names
    assert f"task {run.pid}" in cryo("show", img).stdout
    env.check(run, env.restore(img))
    assert not [d for d in os.listdir("/dev/shm") if d.startswith("cryo-unpack-")]


def _scratch_bytes(prefix):
    total = 0
    for d in os.listdir("/dev/shm"):
        if d.startswith(prefix):
            try:
                total += sum(e.stat(follow_symlinks=False).st_size
                             for e in os.scandir(f"/dev/shm/{d}"))
            except OSError:
                pass
    return total


@pytest.mark.parametrize("argv", [["tree_pids"], ["prog_mt_checksum"]],
                         ids=lambda a: "-".join(a))
def test_tar_of_trees(env, argv):
    """Several tasks (a zombie among them) or threads: each task's pages file and hashes are
    packed from the task itself."""
    run = env.start([workload(argv[0]), *argv[1:]])
    run.wait_for("ready")
    pids = descendants(run.pid)
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--compression", "tar")
    run.finish()
    reap_gone(pids)
    env.check(run, env.restore(img))


def test_tar_pages_never_copied_to_memory(env):
    """A tar dump writes only the metadata to its scratch directory: the pages go from the
    tree into the archive."""
    run = _holder(env, 192, "random")
    img = env.tmp / "img"
    env.images.append(img)
    peak, done = [0], threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], _scratch_bytes("cryo-dump-"))
            time.sleep(0.005)
    t = threading.Thread(target=watch, daemon=True)
    t.start()
    try:
        cryo("dump", "-t", run.pid, "-D", img, "--compression", "tar")
    finally:
        done.set()
        t.join()
    run.finish()
    assert (img / "image.tar").stat().st_size > 192 << 20
    assert peak[0] < 4 << 20, f"{peak[0]} bytes in the dump's scratch directory"
    _holder_check(env, run, env.restore(img))


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_tar_image_restored_in_place(env, lazy):
    """Restoring DIR/image.tar reads each task's pages from the archive where they lie: only
    the metadata is unpacked into memory. A page damaged inside the archive is caught by its
    hash, and the restore fails naming it."""
    run = _holder(env, 192, "random")
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--compression", "tar", "--leave-running")
    archive = img / "image.tar"
    data = bytearray(archive.read_bytes())
    peak, done = [0], threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], _scratch_bytes("cryo-unpack-"))
            time.sleep(0.005)
    # A copy with one byte of the pages flipped, 100 MiB into the member.
    at = data.index(b"pages-%d.img" % run.pid)
    bad = env.tmp / "bad"
    bad.mkdir()
    flipped = bytearray(data)
    flipped[at + (100 << 20)] ^= 0x01
    (bad / "image.tar").write_bytes(flipped)
    lazy_args = ["--lazy"] if lazy else []
    run.kill()
    reap_gone([run.pid])
    if not lazy:  # a lazy restore finds the damage only when the page is read
        p = cryo("restore", "-D", bad, "--detach", "--pidfile", env.tmp / "pid", check=False)
        assert p.returncode == 1 and "checksum" in p.stderr, p.stderr
        assert not alive(run.pid)
    t = threading.Thread(target=watch, daemon=True)
    t.start()
    try:
        pidfile = env.tmp / "pid"
        cryo("restore", "-D", img, "--detach", "--pidfile", pidfile, *lazy_args)
    finally:
        done.set()
        t.join()
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    assert peak[0] < 4 << 20, f"{peak[0]} bytes unpacked into memory"
    _holder_check(env, run, pid)


@pytest.mark.parametrize("member", ["image.tar", "pages-1.img.at"])
def test_tar_members_with_the_unpackers_names_refused(env, member):
    """A hostile archive with a member named as what the unpacker makes: refused, and the
    archive itself left as it was."""
    import io
    import tarfile
    img = env.tmp / "img"
    img.mkdir()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        body = b"x" * 100
        info = tarfile.TarInfo(member)
        info.size = len(body)
        tf.addfile(info, io.BytesIO(body))
    (img / "image.tar").write_bytes(buf.getvalue())
    p = cryo("restore", "-D", img, "--detach", check=False)
    assert p.returncode == 1 and "not a file of an image" in p.stderr, p.stderr
    assert (img / "image.tar").read_bytes() == buf.getvalue()


def test_tar_through_a_pipe(env):
    run = env.start([workload("mem_big"), "16"])
    run.wait_for("ready")
    pidfile = env.tmp / "pid"
    dump, rest = _pipe_dump(run, ["--compression", "tar"], ["--detach", "--pidfile", pidfile])
    assert dump.returncode == 0 and rest.returncode == 0, rest.stderr_text
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    env.check(run, pid)


def test_tar_damaged_or_misused(env):
    run = env.start([workload("mem_big"), "8"])
    run.wait_for("ready")
    img = env.tmp / "img"
    p = cryo("dump", "-t", run.pid, "-D", img, "--compression", "tar", "--streams", "2",
             check=False)
    assert p.returncode == 1 and "tar is one archive" in p.stderr
    p = cryo("dump", "-t", run.pid, "--to", "tcp://127.0.0.1:9", "--compression", "tar",
             check=False)
    assert p.returncode == 2 and "tar" in p.stderr
    cryo("dump", "-t", run.pid, "-D", img, "--compression", "tar", "--leave-running")
    archive = img / "image.tar"
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    p = cryo("restore", "-D", img, "--detach", "--pidfile", env.tmp / "pid", check=False)
    assert p.returncode == 1 and "image.tar" in p.stderr, p.stderr
    assert alive(run.pid)
    os.kill(run.pid, signal.SIGUSR1)
    assert reap(run.pid, 20) == 0 and "PASS" in run.text()
