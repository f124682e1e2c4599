"""A warm pool: one image restored N times at once (`cryo restore --copies N`), each copy in a
pid namespace of its own, lazily, one page server for all (docs/fanout.md)."""
import os
import signal
import time
from pathlib import Path

import pytest

from conftest import CRYO, alive, cryo, reap, workload
from cryod_harness import SANITIZED, daemon  # noqa: F401 (a fixture)

BUMP = signal.SIGRTMIN + 1  # real-time: queued, so no bump is lost


def nspid(pid):
    with open(f"/proc/{pid}/status") as f:
        return [line.split()[1:] for line in f if line.startswith("NSpid:")][0]


def child_of(init):
    kids = open(f"/proc/{init}/task/{init}/children").read().split()
    assert len(kids) == 1, kids
    return int(kids[0])


def results(tmp):
    return {p.name: p.read_text() for p in Path(tmp).glob("result-*.txt")}


def wait_results(tmp, n, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline and len(results(tmp)) < n:
        time.sleep(0.02)
    return results(tmp)


def pool_procs():
    """PIDs of cryo's pool servers and inits that are still alive."""
    found = []
    for d in os.listdir("/proc"):
        if d.isdigit() and alive(int(d)):
            try:
                comm = open(f"/proc/{d}/comm").read().strip()
            except OSError:
                continue
            if comm in ("cryo-pool", "cryo-init"):
                found.append(int(d))
    return found


def test_three_copies_continue_independently_beside_the_original(env):
    """Three copies of a counter worker: each goes on from the dumped count on its own, its
    PID the original's inside its namespace, every byte of its 32 MiB exact, MADV_DONTNEED
    reading zeros and its memory anonymous in maps; the original runs on untouched."""
    run = env.start([workload("mem_pool")])
    run.wait_for("ready")
    for _ in range(5):
        os.kill(run.pid, BUMP)
    img = env.tmp / "img"
    env.images.append(img)
    time.sleep(0.1)
    cryo("dump", "-t", run.pid, "-D", img, "--leave-running")
    for _ in range(2):
        os.kill(run.pid, BUMP)  # the original's own count: 7, not the copies'
    before = set(pool_procs())
    pidfile = env.tmp / "pool.pid"
    cryo("restore", "-D", img, "--copies", "3", "--detach", "--pidfile", pidfile)
    inits = [int(x) for x in pidfile.read_text().split()]
    env.restored.extend(inits)
    assert len(set(inits)) == 3 and run.pid not in inits
    roots = []
    for init in inits:
        assert nspid(init)[-1] == "1"
        root = child_of(init)
        assert nspid(root)[-1] == str(run.pid)
        # Read from outside at once: loaded before the copy ran, not left to a fault.
        for f in ("cmdline", "environ"):
            assert open(f"/proc/{root}/{f}", "rb").read() == \
                open(f"/proc/{run.pid}/{f}", "rb").read(), f
        roots.append(root)
    # Copy k is bumped k + 1 times: 6, 7 and 8.
    for k, root in enumerate(roots):
        for _ in range(k + 1):
            os.kill(root, BUMP)
    time.sleep(0.2)
    for init in inits:
        os.kill(init, signal.SIGUSR1)  # the init passes it on to the root
    codes = [reap(init, 20) for init in inits]
    got = wait_results(env.tmp, 3)
    assert codes == [0, 0, 0], (codes, got, run.text())
    counts = sorted(int(t.split("count=")[1].split()[0]) for t in got.values())
    assert counts == [6, 7, 8], got
    assert all(t.startswith(f"pid={run.pid} ") and "PASS" in t for t in got.values()), got
    # The original was never touched, and goes on with its own count.
    assert alive(run.pid)
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()
    got = results(env.tmp)
    assert len(got) == 4
    mine = [t for t in got.values() if "count=7" in t]
    assert len(mine) == 2  # copy 2 and the original, in different namespaces
    # Once every copy is gone, so is their page server.
    deadline = time.time() + 5
    while time.time() < deadline and set(pool_procs()) - before:
        time.sleep(0.05)
    assert not set(pool_procs()) - before


def test_copies_touch_only_what_they_use(env):
    """A copy's memory grows with what it touches: right after the restore, a copy of a
    worker with 32 MiB of data holds a small part of it (pages come on fault only)."""
    run = env.start([workload("mem_pool")])
    run.wait_for("ready")
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--leave-running")
    pidfile = env.tmp / "pool.pid"
    cryo("restore", "-D", img, "--copies", "2", "--detach", "--pidfile", pidfile)
    inits = [int(x) for x in pidfile.read_text().split()]
    env.restored.extend(inits)
    for init in inits:
        with open(f"/proc/{child_of(init)}/status") as f:
            anon = [int(line.split()[1]) for line in f if line.startswith("RssAnon:")][0]
        assert anon < 8 * 1024, f"copy of init {init} holds {anon} KiB of anonymous memory"
    for init in inits:
        os.kill(init, signal.SIGUSR1)
    assert [reap(init, 20) for init in inits] == [0, 0]
    assert all("PASS" in t for t in results(env.tmp).values())


def test_fill_brings_every_page(env):
    """--fill: the server copies what nobody asked for too; every copy ends with all of it."""
    run = env.start([workload("mem_pool")])
    run.wait_for("ready")
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--leave-running")
    pidfile = env.tmp / "pool.pid"
    cryo("restore", "-D", img, "--copies", "2", "--fill", "--detach", "--pidfile", pidfile)
    inits = [int(x) for x in pidfile.read_text().split()]
    env.restored.extend(inits)
    roots = [child_of(init) for init in inits]
    deadline = time.time() + 20
    anon = []
    while time.time() < deadline:
        anon = []
        for root in roots:
            with open(f"/proc/{root}/status") as f:
                anon.append([int(x.split()[1]) for x in f if x.startswith("RssAnon:")][0])
        if min(anon) >= 32 * 1024:
            break
        time.sleep(0.05)
    assert min(anon) >= 32 * 1024, anon
    for init in inits:
        os.kill(init, signal.SIGUSR1)
    assert [reap(init, 20) for init in inits] == [0, 0]


def test_bad_copies_refused(env):
    for bad in ("0", "65", "-1", "x", ""):
        p = cryo("restore", "-D", env.tmp, "--copies", bad, check=False)
        assert p.returncode == 2 and "--copies takes a number" in p.stderr, p.stderr
    p = cryo("restore", "-D", env.tmp, "--fill", check=False)
    assert p.returncode == 2 and "--fill goes with --copies" in p.stderr
    p = cryo("restore", "-D", "-", "--copies", "2", check=False)
    assert p.returncode == 2 and "from a directory" in p.stderr


def test_dead_process_proc_directory_refused_in_a_pool(env):
    """A cwd in the proc directory of a dead process (restored by a stand-in of that pid in a
    plain restore) is refused in a pool, whose copies are in pid namespaces of their own,
    naming the directory; nothing of the pool is left."""
    run = env.start([workload("proc_dead_cwd")])
    run.wait_for("ready")
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--leave-running")
    before = set(pool_procs())
    p = cryo("restore", "-D", img, "--copies", "2", "--detach", check=False)
    assert p.returncode == 1, p.stderr
    assert "the proc directory of a dead process is not restored into a new pid namespace" \
        in p.stderr, p.stderr
    time.sleep(0.2)
    assert not set(pool_procs()) - before, p.stderr
    assert alive(run.pid)


def test_failed_copy_leaves_nothing_behind(env):
    """A pool whose third copy cannot be made (a pids cgroup lets cryo fork only so many
    processes) fails as a whole, naming the copy: the two made before it are killed, no
    page server is left, and the original runs on."""
    run = env.start([workload("mem_pool")])
    run.wait_for("ready")
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--leave-running")
    cg = Path(f"/sys/fs/cgroup/pids/cryo-fanout-test-{os.getpid()}")
    cg.mkdir()
    try:
        before = set(pool_procs())
        # cryo, then per copy its init for good and a worker, a tracer and the root while
        # it is made (the root then moves to the image's cgroup): the third needs a 7th.
        (cg / "pids.max").write_text("6\n")
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                (cg / "cgroup.procs").write_text("0\n")
                os.dup2(w, 2)
                os.dup2(w, 1)
                os.execv(CRYO,
                         ["cryo", "restore", "-D", str(img), "--copies", "3", "--detach"])
            finally:
                os._exit(127)
        os.close(w)
        err = b""
        while chunk := os.read(r, 4096):
            err += chunk
        os.close(r)
        code = reap(pid, 60)
        err = err.decode(errors="replace")
        assert code == 1, (code, err)
        assert "copy 3 of 3" in err, err
        time.sleep(0.2)
        assert not set(pool_procs()) - before, err
        assert not (cg / "cgroup.procs").read_text().split(), "processes left in the cgroup"
        assert not results(env.tmp)
        assert alive(run.pid)
    finally:
        deadline = time.time() + 5
        while cg.exists() and time.time() < deadline:
            for p in (cg / "cgroup.procs").read_text().split():
                try:
                    os.kill(int(p), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                cg.rmdir()
            except OSError:
                time.sleep(0.05)
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


def test_copies_follow_fork_mremap_dontneed_munmap(env):
    """Three copies of a worker that forks, moves, drops and unmaps memory while its pages
    still arrive (lz4 frames over two streams): the one server follows every copy's events,
    each copy's child included, and every copy checks out exact."""
    run = env.start([workload("mem_lazy_events"), "64"])
    run.wait_for("ready")
    img = env.dump(run, leave_running=True, suite_args=False,
                   extra=["--compression", "lz4", "--streams", "2"])
    pidfile = env.tmp / "pool.pid"
    cryo("restore", "-D", img, "--copies", "3", "--detach", "--pidfile", pidfile)
    inits = [int(x) for x in pidfile.read_text().split()]
    env.restored.extend(inits)
    for init in inits:
        os.kill(init, signal.SIGUSR1)
    codes = [reap(init, 60) for init in inits]
    assert codes == [0, 0, 0], (codes, run.text())
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


def test_damaged_frame_kills_the_copies_that_need_it(env):
    """A frame whose pages fail their hash is found only when some copy faults on it: each
    copy that needs it is killed (through its pidfd: its PID is another namespace's), none
    runs on with wrong memory, and the server goes once the copies are gone."""
    run = env.start([workload("mem_big"), "32"])
    run.wait_for("ready")
    img = env.dump(run, leave_running=True, suite_args=False,
                   extra=["--compression", "none", "--streams", "1"])
    stream = img / "pages-0.cryo"
    data = bytearray(stream.read_bytes())
    data[len(data) // 2] ^= 0x01  # inside some frame's payload
    stream.write_bytes(bytes(data))
    before = set(pool_procs())
    pidfile = env.tmp / "pool.pid"
    p = cryo("restore", "-D", img, "--copies", "2", "--detach", "--pidfile", pidfile,
             check=False)
    if p.returncode:  # the damage hit a header: refused up front, which is fine too
        assert "damaged" in p.stderr
        return
    inits = [int(x) for x in pidfile.read_text().split()]
    env.restored.extend(inits)
    for init in inits:
        os.kill(init, signal.SIGUSR1)  # mem_big checks every page: it meets the bad frame
    codes = [reap(init, 30) for init in inits]
    assert codes == [128 + signal.SIGKILL] * 2, (codes, run.text())
    deadline = time.time() + 5
    while time.time() < deadline and set(pool_procs()) - before:
        time.sleep(0.05)
    assert not set(pool_procs()) - before
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


def test_a_copy_dumped_again(env):
    """A copy is a tree of its own pid namespace: once all its pages are in (--fill), a dump
    of its init sees the copy's layout and its count, and restores into fresh namespaces,
    exact. An on-demand copy still owes pages: its dump is refused, naming the mapping, and
    the copy runs on."""
    run = env.start([workload("mem_pool")])
    run.wait_for("ready")
    img = env.tmp / "img"
    env.images.append(img)
    cryo("dump", "-t", run.pid, "-D", img, "--leave-running")
    pidfile = env.tmp / "pool.pid"
    cryo("restore", "-D", img, "--copies", "1", "--detach", "--pidfile", pidfile)
    lazy_init = int(pidfile.read_text())
    env.restored.append(lazy_init)
    p = cryo("dump", "-t", lazy_init, "-D", env.tmp / "refused", "--leave-running", check=False)
    assert p.returncode != 0 and "still waits for pages of a lazy restore" in p.stderr, p.stderr
    cryo("restore", "-D", img, "--copies", "1", "--fill", "--detach", "--pidfile", pidfile)
    init = int(pidfile.read_text())
    env.restored.append(init)
    root = child_of(init)
    deadline = time.time() + 20
    while " um" in open(f"/proc/{root}/smaps").read() and time.time() < deadline:
        time.sleep(0.05)
    os.kill(root, BUMP)
    time.sleep(0.1)
    img2 = env.tmp / "img2"
    cryo("dump", "-t", init, "-D", img2, "--leave-running")
    again = env.tmp / "again.pid"
    cryo("restore", "-D", img2, "--detach", "--pidfile", again)
    init2 = int(again.read_text())
    env.restored.append(init2)
    assert nspid(child_of(init2))[-1] == str(run.pid)
    os.kill(init2, signal.SIGUSR1)
    assert reap(init2, 20) == 0, run.text()
    got = wait_results(env.tmp, 1)
    assert [t for t in got.values() if "count=1 PASS" in t], got
    for i in (lazy_init, init):
        os.kill(i, signal.SIGUSR1)
    assert [reap(i, 20) for i in (lazy_init, init)] == [0, 0], run.text()
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish() == 0, run.text()


@pytest.mark.skipif(SANITIZED, reason="the engine cannot restore from an ASan build")
def test_pool_through_cryod(daemon):
    """`job restore` with "copies": each copy a job of its own, running, in a pid namespace
    of its own; each continues from the dump and checks out exact; `cryo job restore
    --copies` prints every id; a container job or a bad count is refused."""
    d = daemon()
    work = d.tmp / "work"
    work.mkdir()
    j = d.ok("POST", "/v1/jobs", {"id": "w", "command": [workload("mem_pool")],
                                  "cwd": str(work)})
    deadline = time.time() + 10
    while "ready" not in (d.request("GET", "/v1/jobs/w/logs")[1] or "") \
            and time.time() < deadline:
        time.sleep(0.05)
    for _ in range(3):
        os.kill(j["pid"], BUMP)
    time.sleep(0.1)
    d.ok("POST", "/v1/jobs/w/dump", {"leave_running": True}, status=201)
    first = d.ok("POST", "/v1/jobs/w/restore", {"id": "w1", "copies": 3}, status=201)
    jobs = first["copies"]
    assert first["id"] == "w1" and [x["id"] for x in jobs][0] == "w1" and len(jobs) == 3
    assert len({x["id"] for x in jobs}) == 3 and len({x["pid"] for x in jobs}) == 3
    for x in jobs:
        assert d.ok("GET", f"/v1/jobs/{x['id']}")["state"] == "running"
        assert nspid(child_of(x["pid"]))[-1] == str(j["pid"])
    for bad in (0, 65, "3"):
        status, err = d.request("POST", "/v1/jobs/w/restore", {"copies": bad})
        assert status == 400 and "copies" in err["error"], (status, err)
    p = cryo("job", "restore", "--copies", "2", "--socket", d.sock, "w", check=False)
    assert p.returncode == 0, p.stderr
    more = p.stdout.split()
    assert len(more) == 2 and all(d.ok("GET", f"/v1/jobs/{i}")["state"] == "running"
                                  for i in more)
    for i in [x["id"] for x in jobs] + more:
        d.ok("POST", f"/v1/jobs/{i}/kill", {"signal": signal.SIGUSR1})
    for i in [x["id"] for x in jobs] + more:
        got = d.wait_job(i, ("exited",))
        assert got["exit_code"] == 0, got
    counts = sorted(int(t.split("count=")[1].split()[0]) for t in results(work).values())
    assert counts == [3] * 5, results(work)
    d.ok("POST", "/v1/jobs/w/kill", {"signal": 9})
