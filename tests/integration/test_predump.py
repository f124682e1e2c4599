"""Pre-dumps and incremental dumps: `cryo pre-dump` copies a running tree's memory and from then
on tracks its writes (userfaultfd write-protection, held by a `cryo-track` process); `cryo dump
--parent` writes only the pages written since and leaves the others to the parent chain, which
`cryo restore` follows by itself.

Most tests run mem_dirty, whose mutator thread rewrites pages, drops ranges with MADV_DONTNEED,
moves and replaces mappings and flips protections all through the pre-dump and the dump, and
which after restore checks every page against the version it must hold: a page taken from a
parent after it was written again fails it, naming the page and both versions."""
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import (CRYO, DUMP_ARGS, alive, cryo, descendants, image_pids, kill_pids, reap,
                      reap_gone, workload)

MIB = 64
PAGES = MIB << 20 >> 12  # mem_dirty's main region; its small regions add 64 pages


def _write_tracking_missing():
    try:
        out = subprocess.run([CRYO, "check"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return False  # not built: let the tests say so
    return any(line.startswith("write-tracking") and "MISSING" in line
               for line in out.splitlines())


pytestmark = pytest.mark.skipif(_write_tracking_missing(),
                                reason="no userfaultfd WP_ASYNC or PAGEMAP_SCAN here (Linux "
                                "6.7+): pre-dump cannot track writes")


# --- helpers ----------------------------------------------------------------------------------

def _stat_start(pid):
    """Start time of pid in clock ticks since boot (proc(5) stat field 22), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _ppid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return None


def _is_tracker(pid, start=None):
    """Whether pid is a live cryo-track process (the one that started at `start`, if given:
    a PID can be reused)."""
    return (alive(pid) and _comm(pid) == "cryo-track" and
            (start is None or _stat_start(pid) == start))


def _all_trackers():
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and _is_tracker(int(p))]


def _wait_tracker_up(tracker, timeout=5.0):
    """The tracker a pre-dump recorded runs (under its name: give it a moment to set it)."""
    deadline = time.time() + timeout
    while not _is_tracker(tracker["pid"], tracker["start"]) and time.time() < deadline:
        time.sleep(0.02)
    assert _is_tracker(tracker["pid"], tracker["start"]), \
        f"no cryo-track process {tracker} (comm {_comm(tracker['pid'])!r})"


def _wait_tracker_gone(tracker, timeout=10.0):
    pid, start = tracker["pid"], tracker["start"]
    deadline = time.time() + timeout
    while _is_tracker(pid, start) and time.time() < deadline:
        reap(pid, 0)  # ours to reap if it was orphaned to this (subreaper) process
        time.sleep(0.02)
    assert not _is_tracker(pid, start), f"tracker {pid} still runs"
    reap(pid, 0)


def _meta(img):
    return json.loads((img / "cryo.json").read_text())


def _tasks(meta):
    return {t["pid"]: t for t in meta["tasks"]}


def _parent_of(d, meta):
    """The directory meta's "parent" names: relative, and relative to d."""
    parent = meta["parent"]
    assert not os.path.isabs(parent), f"parent {parent!r} is not a relative path"
    return (d / parent).resolve()


def _status(run, timeout=10.0):
    """Asks mem_dirty how far it got (SIGUSR2): (versions written, counter)."""
    n = run.text().count("status ")
    run.signal(signal.SIGUSR2)
    deadline = time.time() + timeout
    while run.text().count("status ") <= n:
        assert time.time() < deadline, f"no status answer; output: {run.text()[-2000:]!r}"
        time.sleep(0.02)
    line = [ln for ln in run.text().splitlines() if ln.startswith("status ")][-1]
    kv = dict(f.split("=") for f in line.split()[1:])
    return int(kv["gen"]), int(kv["counter"])


def _still_works(run):
    """The tree runs and writes: mem_dirty's versions and counter both move on."""
    gen, counter = _status(run)
    time.sleep(0.3)
    gen2, counter2 = _status(run)
    assert gen2 > gen and counter2 > counter, "the tree stopped running"


def _pass_in_place(run):
    """The original tree (never restored) checks itself and passes."""
    run.signal(signal.SIGUSR1)
    code = run.finish(30)
    assert code == 0 and "PASS" in run.text(), f"exit {code}; output: {run.text()[-2000:]!r}"


def _pages_bytes(d):
    """Bytes of page data in d, raw or in streams."""
    return sum(p.stat().st_size for p in [*d.glob("pages-*.img"), *d.glob("pages-*.cryo")])


class PreDumps:
    """Runs `cryo pre-dump` for a test and kills, at its end, any tracker left behind."""

    def __init__(self, env):
        self.env = env
        self.trackers = []
        self.last = None  # the last run's CompletedProcess

    def __call__(self, run, name, parent=None, extra=(), suite_args=True):
        """Pre-dumps run into env.tmp/name; returns (dir, predump.json)."""
        d = self.env.tmp / name
        args = ["pre-dump", "-t", run.pid, "-D", d]
        if parent is not None:
            args += ["--parent", parent]
        self.last = cryo(*args, *(DUMP_ARGS if suite_args else ()), *extra)
        meta = json.loads((d / "predump.json").read_text())
        self.trackers.append(meta["tracker"])
        assert meta["format"] == "cryo-predump"
        assert not (d / "cryo.json").exists(), "a pre-dump is not an image"
        assert alive(run.pid), "the pre-dump did not leave the tree running"
        _wait_tracker_up(meta["tracker"])
        if parent is None:
            assert "parent" not in meta
        else:
            assert _parent_of(d, meta) == parent.resolve()
        return d, meta

    def all_gone(self):
        for t in self.trackers:
            _wait_tracker_gone(t)

    def cleanup(self):
        mine = [t["pid"] for t in self.trackers if _is_tracker(t["pid"], t["start"])]
        # A tracker of a pre-dump that failed half-way was orphaned to us, its subreaper.
        mine += [p for p in _all_trackers() if _ppid(p) == os.getpid()]
        for pid in set(mine):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            reap(pid, 2)


@pytest.fixture
def predump(env):
    p = PreDumps(env)
    yield p
    p.cleanup()


@pytest.fixture
def tree_pids():
    """Every task of the trees a test dumped, killed at its end whatever happened."""
    pids = set()
    yield pids
    kill_pids(pids)


def _mem_dirty(env, *args):
    run = env.start([workload("mem_dirty"), *map(str, args)])
    run.wait_for("ready")
    return run


def _incremental(env, run, pre, img=None, extra=(), suite_args=True):
    """The final dump on top of pre; returns (image, cryo.json), checking the parent link."""
    img = env.dump(run, img, extra=["--parent", str(pre), *extra], suite_args=suite_args)
    meta = _meta(img)
    assert _parent_of(img, meta) == pre.resolve()
    return img, meta


def _shares(pre_meta, meta, full):
    """Each task of the final dump took most of its pages from the chain: what it wrote is
    well under half of what it has, and the two add up to about what a whole copy holds."""
    pre_tasks = _tasks(pre_meta)
    for pid, t in _tasks(meta).items():
        own, par = t["pages"], t.get("parent_pages", 0)
        assert par > 0, f"task {pid}: no page left to the parent"
        assert own < (own + par) / 2, f"task {pid}: {own} pages copied again, {par} shared"
        assert own + par >= 0.9 * full, f"task {pid}: {own} + {par} pages, want ~{full}"
        assert pid in pre_tasks


# --- a pre-dump leaves the tree running -------------------------------------------------------

def test_predump_leaves_the_tree_running(env, predump):
    """The pre-dump copies everything and tracks from then on; the tree runs on and keeps
    writing, and its memory, written under tracking, is exactly what it wrote."""
    run = _mem_dirty(env, MIB)
    gen, counter = _status(run)
    d, meta = predump(run, "pre", extra=["--json"], suite_args=False)
    assert meta["tracker"]["pid"] in _all_trackers()
    [t] = meta["tasks"]
    assert t["pid"] == run.pid and t["start"] == _stat_start(run.pid)
    assert t["pages"] >= 0.9 * PAGES and t["parent_pages"] == 0
    tracked = sum(end - start for start, end in t["tracked"])
    assert tracked >= 0.9 * (MIB << 20), f"only {tracked} bytes tracked"
    assert (d / f"pagemap-{run.pid}.img").exists()
    assert (d / f"pages-{run.pid}.img").stat().st_size == t["pages"] * 4096
    err = predump.last.stderr
    events = [json.loads(ln) for ln in err.splitlines() if ln.startswith("{")]
    assert events and events[-1]["final"] and events[-1]["done"] >= MIB << 20, err

    gen2, counter2 = _status(run)
    assert gen2 > gen and counter2 > counter
    _still_works(run)
    _pass_in_place(run)


# --- one pre-dump, then the dump --------------------------------------------------------------

def test_predump_then_dump_copies_only_what_was_written(env, predump):
    run = _mem_dirty(env, MIB)
    pre, pre_meta = predump(run, "pre", suite_args=False)
    img, meta = _incremental(env, run, pre, suite_args=False)
    predump.all_gone()
    _shares(pre_meta, meta, PAGES)
    [t] = meta["tasks"]
    # Raw layout: the page files say the same as the counts.
    assert (img / f"pages-{run.pid}.img").stat().st_size == t["pages"] * 4096
    assert (img / f"parentmap-{run.pid}.img").exists()
    assert _pages_bytes(img) < _pages_bytes(pre) / 2
    pid = env.restore(img)
    assert pid == run.pid
    env.check(run, pid)


def test_chain_of_three_predumps(env, predump):
    """pre1 <- pre2 <- pre3 <- image, each on the one before; the chain is found by relative
    paths, so it restores after the whole directory moved."""
    run = _mem_dirty(env, MIB)
    chain = env.tmp / "chain"
    chain.mkdir()
    pre1, m1 = predump(run, "chain/pre1")
    time.sleep(0.2)
    pre2, m2 = predump(run, "chain/pre2", parent=pre1)
    time.sleep(0.2)
    pre3, m3 = predump(run, "chain/pre3", parent=pre2)
    for m in (m2, m3):
        [t] = m["tasks"]
        assert t["parent_pages"] > 0 and t["pages"] < m1["tasks"][0]["pages"] / 2, t
    img, meta = _incremental(env, run, pre3, img=chain / "img")
    predump.all_gone()
    _shares(m3, meta, PAGES)
    moved = env.tmp / "moved"
    chain.rename(moved)
    env.images.append(moved / "img")
    pid = env.restore(moved / "img")
    env.check(run, pid)


@pytest.mark.parametrize("pre_args,dump_args", [
    (["-c", "lz4", "-s", "2"], []),
    ([], ["-c", "lz4", "-s", "2"]),
], ids=["streams-then-raw", "raw-then-streams"])
def test_predump_and_dump_in_different_layouts(env, predump, pre_args, dump_args):
    run = _mem_dirty(env, MIB)
    pre, pre_meta = predump(run, "pre", extra=pre_args, suite_args=False)
    img, meta = _incremental(env, run, pre, extra=dump_args, suite_args=False)
    for d, m, args in [(pre, pre_meta, pre_args), (img, meta, dump_args)]:
        streams = sorted(f.name for f in d.glob("pages-*.cryo"))
        raw = sorted(f.name for f in d.glob("pages-*.img"))
        if args:
            assert m["pages"] == {"codec": "lz4", "streams": 2}
            assert streams == ["pages-0.cryo", "pages-1.cryo"] and not raw, (d, streams, raw)
        else:
            assert "pages" not in m
            assert raw == [f"pages-{run.pid}.img"] and not streams, (d, streams, raw)
    _shares(pre_meta, meta, PAGES)
    env.check(run, env.restore(img))


# --- what must fail, and how ------------------------------------------------------------------

def test_restoring_a_predump_is_refused(env, predump):
    run = _mem_dirty(env, 16)
    pre, _ = predump(run, "pre")
    p = cryo("restore", "-D", pre, "--detach", "--pidfile", env.tmp / "pid", check=False)
    assert p.returncode == 1 and "pre-dump" in p.stderr, p.stderr
    assert not (pre / "cryo.json").exists()
    _still_works(run)
    _pass_in_place(run)


def test_dump_on_a_missing_parent_is_refused(env, predump):
    run = _mem_dirty(env, 16)
    predump(run, "pre")
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", "--parent", env.tmp / "nowhere",
             check=False)
    assert p.returncode == 1 and "nowhere" in p.stderr, p.stderr
    assert not (env.tmp / "img" / "cryo.json").exists()
    _still_works(run)
    _pass_in_place(run)


def test_restore_without_its_parent_fails_naming_it(env, predump):
    run = _mem_dirty(env, 16)
    pre, _ = predump(run, "pre-gone")
    img, _ = _incremental(env, run, pre)
    away = env.tmp / "elsewhere"
    pre.rename(away)
    p = cryo("restore", "-D", img, "--detach", "--pidfile", env.tmp / "pid", check=False)
    assert p.returncode == 1 and "pre-gone" in p.stderr, p.stderr
    time.sleep(0.1)
    assert not alive(run.pid), "a task of a failed restore is left"
    # Nothing else was wrong with the image.
    away.rename(pre)
    env.check(run, env.restore(img))


# --- the tracker ------------------------------------------------------------------------------

def test_tracker_killed_dump_copies_everything(env, predump):
    """Without its tracker no one knows what was written since the pre-dump: the dump still
    works, says so, and takes nothing from the parent."""
    run = _mem_dirty(env, MIB)
    pre, pre_meta = predump(run, "pre")
    tracker = pre_meta["tracker"]
    assert tracker["pid"] in _all_trackers()
    os.kill(tracker["pid"], signal.SIGKILL)
    _wait_tracker_gone(tracker)
    _still_works(run)  # writes to pages that were write-protected do not hang
    img = env.tmp / "img"
    env.images.append(img)
    p = cryo("dump", "-t", run.pid, "-D", img, "--parent", pre, *DUMP_ARGS)
    assert "track" in p.stderr.lower(), f"no warning about the tracker: {p.stderr!r}"
    run.finish()
    reap_gone(image_pids(img))
    [t] = _meta(img)["tasks"]
    assert t.get("parent_pages", 0) == 0
    assert t["pages"] >= 0.9 * PAGES
    env.check(run, env.restore(img))


def test_full_dump_of_a_tracked_tree(env, predump):
    """A dump without --parent is a whole image, and ends the tracking."""
    run = _mem_dirty(env, MIB)
    predump(run, "pre")
    img = env.dump(run)
    predump.all_gone()
    meta = _meta(img)
    assert "parent" not in meta
    [t] = meta["tasks"]
    assert t.get("parent_pages", 0) == 0 and t["pages"] >= 0.9 * PAGES
    assert not list(img.glob("parentmap-*"))
    env.check(run, env.restore(img))


def test_incremental_dump_leave_running(env, predump):
    """--leave-running: the tree runs on, untracked, and whole; the image restores too."""
    run = _mem_dirty(env, MIB)
    pre, pre_meta = predump(run, "pre")
    img = env.dump(run, leave_running=True, extra=["--parent", str(pre)])
    meta = _meta(img)
    assert _parent_of(img, meta) == pre.resolve()
    _shares(pre_meta, meta, PAGES)
    assert alive(run.pid)
    predump.all_gone()
    _still_works(run)
    _pass_in_place(run)
    pid = env.restore(img)
    assert pid == run.pid
    env.check(run, pid)


# --- other trees ------------------------------------------------------------------------------

@pytest.mark.parametrize("argv,ntasks", [
    (["mem_dirty", "32", "fork"], 2),
    (["tree_pipeline"], 3),
], ids=["mem_dirty-fork", "tree_pipeline"])
def test_tree_of_processes(env, predump, tree_pids, argv, ntasks):
    run = env.start([workload(argv[0]), *argv[1:]])
    run.wait_for("ready")
    tasks = set(descendants(run.pid))
    tree_pids.update(tasks)
    assert len(tasks) == ntasks
    pre, pre_meta = predump(run, "pre")
    assert set(_tasks(pre_meta)) == tasks
    img = env.tmp / "img"
    try:
        img, meta = _incremental(env, run, pre, img)
    finally:
        tree_pids.update(image_pids(img))
    assert set(_tasks(meta)) == tasks
    if argv[0] == "mem_dirty":
        _shares(pre_meta, meta, 32 << 20 >> 12)
    else:
        assert sum(t.get("parent_pages", 0) for t in meta["tasks"]) > 0
    predump.all_gone()
    env.check(run, env.restore(img))


def test_threads(env, predump):
    """prog_mt_checksum: four threads counting into rings next to 8 MiB buffers that do not
    change; the buffers stay in the pre-dump."""
    run = env.start([workload("prog_mt_checksum")])
    run.wait_for("ready")
    pre, _ = predump(run, "pre")
    img, meta = _incremental(env, run, pre)
    [t] = meta["tasks"]
    assert t.get("parent_pages", 0) >= 0.95 * (4 * 8 << 20 >> 12), t
    env.check(run, env.restore(img))


@pytest.mark.parametrize("argv", [["mem_lazy_events", "64"], ["mem_file_private"]],
                         ids=lambda a: a[0])
def test_memory_workloads(env, predump, argv):
    """Memory that does not change after "ready": nearly all of it stays in the pre-dump
    (private file pages copied on write included)."""
    run = env.start([workload(argv[0]), *argv[1:]])
    run.wait_for("ready")
    pre, _ = predump(run, "pre")
    img, meta = _incremental(env, run, pre)
    [t] = meta["tasks"]
    if argv[0] == "mem_lazy_events":
        assert t.get("parent_pages", 0) >= 64 << 20 >> 12, t
        assert t["pages"] < (64 << 20 >> 12) / 16, t
    else:
        assert t.get("parent_pages", 0) > 0, t
    env.check(run, env.restore(img))


# --- lazy restore -----------------------------------------------------------------------------

def test_lazy_restore_of_an_incremental_image(env, predump):
    """The page server serves pages from the image and from its parent alike."""
    run = _mem_dirty(env, MIB)
    pre, _ = predump(run, "pre")
    img, _ = _incremental(env, run, pre)
    pidfile = env.tmp / "pid"
    p = cryo("restore", "-D", img, "--detach", "--pidfile", pidfile, "--lazy", "-v")
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    server = int(p.stderr.split("lazy page server: pid ")[1].split()[0])
    try:
        assert pid == run.pid
        env.check(run, pid)
        assert reap(server, 30) == 0, "the lazy page server did not finish"
    finally:
        if alive(server) and _comm(server) == "cryo-lazy":
            os.kill(server, signal.SIGKILL)
            reap(server, 2)


def _lazy_restore_logged(env, img, *extra):
    """`cryo restore --lazy -v` of img, detached, its stderr a pipe the page server inherits:
    returns (root pid, the Popen, whose stderr ends once the server has exited)."""
    pidfile = env.tmp / "lazy.pid"
    pidfile.unlink(missing_ok=True)
    p = subprocess.Popen([CRYO, "restore", "-D", str(img), "--detach", "--lazy", "-v",
                          "--pidfile", str(pidfile), *extra], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not (pidfile.exists() and pidfile.read_text().strip()):
        assert p.poll() is None or pidfile.exists(), p.stderr.read()
        assert time.time() < deadline, "no pidfile"
        time.sleep(0.01)
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    return pid, p


def _server_copied(p):
    """Bytes the page server copied in all, from its last line (it has exited)."""
    err = p.communicate(timeout=60)[1]
    assert p.returncode == 0, err
    assert "all pages in: " in err, err
    return int(err.split("all pages in: ")[1].split()[0]), err


@pytest.mark.parametrize("layout", [[], ["-c", "lz4", "-s", "2"]], ids=["raw", "lz4-streams"])
def test_lazy_restore_serves_the_chains_pages_on_fault(env, predump, layout):
    """pre1 <- pre2 <- image, mem_dirty rewriting its pages all the while: restored --lazy, the
    pages each link holds are not loaded before the tree runs but served by the page server,
    on fault or in its background copy, each from the link that holds it (an older link's
    version would fail mem_dirty's check of every page, made while the server still runs).
    The server copies the parents' pages too: more than the image's own pages."""
    run = _mem_dirty(env, MIB)
    pre1, m1 = predump(run, "pre1", extra=layout, suite_args=False)
    time.sleep(0.2)
    pre2, m2 = predump(run, "pre2", parent=pre1, extra=layout, suite_args=False)
    [t2] = m2["tasks"]
    assert t2["parent_pages"] > 0, t2
    img, meta = _incremental(env, run, pre2, extra=layout, suite_args=False)
    [t] = meta["tasks"]
    assert t.get("parent_pages", 0) > PAGES / 2, t
    predump.all_gone()
    pid, p = _lazy_restore_logged(env, img, "--no-hot-set")
    assert pid == run.pid
    env.check(run, pid)
    copied, err = _server_copied(p)
    # Nearly all of main is lazy: the parent pages of it (all but those of the few pages
    # around the stack, loaded before) came through the server.
    assert copied >= (t["parent_pages"] - PAGES // 16) * 4096, (copied, t, err)


def test_lazy_restore_of_a_chain_with_a_hot_set(env, predump):
    """A first lazy restore of an incremental image records its hot set; the second loads it
    before the tree runs, from the links of the chain that hold its pages, and the server
    serves the rest: both pass mem_dirty's check of every page."""
    # More lazy memory than a hot set holds (64 MiB): a smaller tree records none.
    run = _mem_dirty(env, MIB + 16)
    pre, _ = predump(run, "pre", suite_args=False)
    img, meta = _incremental(env, run, pre, suite_args=False)
    predump.all_gone()
    pid, p = _lazy_restore_logged(env, img)
    time.sleep(2.5)  # the faults of the tree's first seconds are recorded
    env.check(run, pid)
    _, err = _server_copied(p)
    assert "hot set recorded" in err, err
    assert (img / "hotset.img").exists()
    os.truncate(run.out, 0)
    pid, p = _lazy_restore_logged(env, img)
    env.check(run, pid)
    _, err = _server_copied(p)
    assert "hot set ignored" not in err, err
