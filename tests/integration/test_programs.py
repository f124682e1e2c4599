"""Real programs come back and carry on: python3 with a few hundred MiB of objects, python3
with threads, a bash loop writing to a file, a multi-threaded C program checking its memory."""
import os
import signal
import textwrap
import time

from conftest import alive, image_pid, image_pids, reap, reap_gone, workload

PYTHON = "/usr/bin/python3"

# Builds ~250 MiB of lists, dicts, strings and bytes, hashes it all, says "ready", and on
# SIGUSR1 hashes it again and says PASS or FAIL. The hash covers values and structure.
PY_OBJECTS = textwrap.dedent(r"""
    import hashlib, os, random, signal, sys, time
    go = False
    def on_usr1(sig, frame):
        global go
        go = True
    signal.signal(signal.SIGUSR1, on_usr1)
    rnd = random.Random(1234)
    blobs = [os.urandom(1 << 20) for _ in range(150)]                  # 150 MiB of bytes
    ints = list(range(0, 1_500_000, 3))
    floats = [rnd.random() for _ in range(200_000)]
    table = {f"key-{i}": (i, str(i * i), [i, i + 1]) for i in range(150_000)}
    nested = [{"id": i, "tags": {f"t{j}" for j in range(i % 7)}} for i in range(50_000)]
    text = bytes(0x41 + b % 26 for b in rnd.randbytes(2_000_000)).decode()
    def digest():
        h = hashlib.sha256()
        for b in blobs:
            h.update(b)
        h.update(repr(ints).encode())
        h.update(repr(floats).encode())
        h.update(repr(table).encode())
        for d in nested:
            h.update(repr((d["id"], sorted(d["tags"]))).encode())
        h.update(text.encode())
        return h.hexdigest()
    before = digest()
    print("hash", before, flush=True)
    print("ready", flush=True)
    n = 0
    while not go:
        n += 1
        time.sleep(0.01)
    after = digest()
    if after != before:
        print("FAIL: hash", before, "->", after, flush=True)
        sys.exit(1)
    ints.append(7); table["new"] = (1,); blobs.append(b"x" * (8 << 20))  # still allocates
    print("PASS", flush=True)
""")

# Two threads that count and pass items through a queue; the main thread checks they kept
# going after the restore, that their idents are the same and that locks and queues still work.
PY_THREADS = textwrap.dedent(r"""
    import hashlib, queue, signal, sys, threading, time
    go = False
    def on_usr1(sig, frame):
        global go
        go = True
    signal.signal(signal.SIGUSR1, on_usr1)
    lock = threading.Lock()
    counts = [0, 0]
    q = queue.Queue()
    got = []
    stop = threading.Event()
    data = [bytes([i % 256]) * 100_000 for i in range(200)]
    h = hashlib.sha256(b"".join(data)).hexdigest()
    def producer():
        while not stop.is_set():
            with lock:
                counts[0] += 1
            q.put(counts[0])
            time.sleep(0.002)
    def consumer():
        while not stop.is_set():
            try:
                item = q.get(timeout=0.05)
            except queue.Empty:
                continue
            with lock:
                counts[1] += 1
            got.append(item)
    ts = [threading.Thread(target=producer), threading.Thread(target=consumer)]
    for t in ts:
        t.start()
    idents = [t.native_id for t in ts]
    while counts[1] < 20:
        time.sleep(0.01)
    print("ready", flush=True)
    while not go:
        time.sleep(0.01)
    c0 = list(counts)
    time.sleep(0.3)
    c1 = list(counts)
    stop.set()
    for t in ts:
        t.join(5)
    fails = []
    if any(t.is_alive() for t in ts):
        fails.append("a thread did not stop")
    if not (c1[0] > c0[0] and c1[1] > c0[1]):
        fails.append(f"threads stopped counting: {c0} -> {c1}")
    if [t.native_id for t in ts] != idents:
        fails.append("thread ids changed")
    if got != sorted(got) or len(set(got)) != len(got):
        fails.append("queue order broken")
    if hashlib.sha256(b"".join(data)).hexdigest() != h:
        fails.append("data hash differs")
    print("FAIL: " + "; ".join(fails) if fails else "PASS", flush=True)
    sys.exit(1 if fails else 0)
""")

# Appends 1, 2, 3, ... to a file, one line every 20 ms.
BASH_LOOP = 'i=0; echo ready; while :; do i=$((i+1)); echo $i >> counter.txt; sleep 0.02; done'


def _script(env, name, text):
    path = env.tmp / name
    path.write_text(text)
    return str(path)


def test_python_objects(env):
    run = env.start([PYTHON, _script(env, "objects.py", PY_OBJECTS)])
    run.wait_for("ready", 120)
    env.dump(run)
    pid = env.restore()
    assert image_pid(pid) == run.pid
    env.check(run, pid, timeout=120)


def test_python_threads(env):
    run = env.start([PYTHON, _script(env, "threads.py", PY_THREADS)])
    run.wait_for("ready", 30)
    env.dump(run)
    pid = env.restore()
    env.check(run, pid, timeout=30)


def _counter_lines(path):
    text = path.read_text() if path.exists() else ""
    return [int(x) for x in text.split("\n")[:-1]]  # the last line may be being written


def test_bash_loop(env):
    """A bash loop (and the sleep it runs) checkpointed mid-way goes on writing to its file
    with no number missing or repeated."""
    counter = env.tmp / "counter.txt"
    run = env.start(["/bin/bash", "-c", BASH_LOOP])
    run.wait_for("ready")
    while len(_counter_lines(counter)) < 10:
        time.sleep(0.02)
    img = env.dump(run)
    reap_gone(image_pids(img))  # the sleep child was reparented to us
    at_dump = _counter_lines(counter)
    time.sleep(0.2)
    assert _counter_lines(counter) == at_dump, "the loop kept writing after it was dumped"
    pid = env.restore()
    assert image_pid(pid) == run.pid
    deadline = time.time() + 10
    while len(_counter_lines(counter)) < len(at_dump) + 20 and time.time() < deadline:
        assert alive(pid), f"restored bash died: {run.text()[-500:]!r}"
        time.sleep(0.05)
    os.killpg(pid, signal.SIGKILL)
    reap(pid, 5)
    lines = _counter_lines(counter)
    assert len(lines) >= len(at_dump) + 20, "the loop did not continue after restore"
    assert lines == list(range(1, len(lines) + 1)), \
        f"numbers missing or repeated around the checkpoint: {lines[len(at_dump) - 3:len(at_dump) + 3]}"


def test_multithreaded_c_checksums(env):
    run = env.start([workload("prog_mt_checksum")])
    run.wait_for("ready")
    time.sleep(0.1)
    env.dump(run)
    pid = env.restore()
    assert image_pid(pid) == run.pid
    env.check(run, pid)


MULTIPROCESSING = textwrap.dedent("""\
    import multiprocessing as mp, signal, sys, time
    def work(x):
        return x * x
    if __name__ == "__main__":
        go = []
        signal.signal(signal.SIGUSR1, lambda *a: go.append(1))
        pool = mp.Pool(3)
        lock = mp.Lock()                  # a POSIX semaphore in /dev/shm
        value = mp.Value("i", 0)          # shared memory
        queue = mp.Queue()                # a pipe and a feeder thread
        rounds = 0
        while not go or rounds < 3:
            assert sum(pool.map(work, range(100))) == 328350
            with lock:
                value.value += 1
            queue.put(rounds)
            assert queue.get(timeout=10) == rounds
            rounds += 1
            if rounds == 3:
                print("ready", flush=True)
            time.sleep(0.05)
        # After the restore: the same workers, semaphore, shared value and queue still work.
        before = value.value
        for i in range(5):
            assert sum(pool.map(work, range(100))) == 328350
            with lock:
                value.value += 1
        print("PASS" if value.value == before + 5 else "FAIL: shared value", flush=True)
        pool.terminate()
""")


def test_python_multiprocessing(env):
    """A multiprocessing pool of 3 workers, a Lock, a shared Value and a Queue keep working."""
    script = env.tmp / "mp.py"
    script.write_text(MULTIPROCESSING)
    env.roundtrip([PYTHON, str(script)])
