"""runc containers (docs/containers.md): a busybox container is checkpointed through its cgroup
and restored as a new container, under a new id, in fresh namespaces made by runc from the
bundle. The tests check the state inside (a counter in the shell's memory that goes on, a
server in the container's own network, pid 1 again) and that runc knows the new container
(`runc list`, `exec`, `kill`, `delete`); and that every bad input fails with its reason and
leaves nothing: no runc state, no cgroup, no process."""
import hashlib
import json
import os
import shutil
import stat as statmod
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import CRYO, alive, busybox_bundle

pytestmark = pytest.mark.skipif(shutil.which("runc") is None or os.geteuid() != 0,
                                reason="runc (scripts/install-deps.sh) and root needed")

COUNTER = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/count; "
           "sleep 0.02; done"]
SERVER = ["sh", "-c", "echo hello-from-the-box > /www/index.html; "
          "httpd -f -p 8080 -h /www & i=0; while true; do i=$((i+1)); "
          "echo $i > /tmp/count; sleep 0.02; done"]


def runc(*args, check=True):
    p = subprocess.run(["runc", *map(str, args)], capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    if check:
        assert p.returncode == 0, f"runc {' '.join(map(str, args))}: {p.stderr}"
    return p


def state(cid):
    for c in json.loads(runc("list", "--format", "json").stdout or "[]") or []:
        if c["id"] == cid:
            return c
    return None


def mem_big_checks(cid, read, timeout=30):
    """Asks mem_big in container cid to sum its memory and check its counter went on
    (SIGUSR1), and waits for its PASS in what read() returns; a FAIL there fails the test."""
    runc("exec", cid, "sh", "-c", "kill -USR1 $(pidof mem_big)")
    deadline = time.time() + timeout
    while "PASS" not in read():
        text = read()
        assert "FAIL" not in text and time.time() < deadline, text
        time.sleep(0.05)


def freezer_dir(cid):
    return Path("/sys/fs/cgroup/freezer") / cid


class Box:
    """Bundles and containers of one test, all deleted at its end."""

    def __init__(self, tmp):
        self.tmp = Path(tmp)
        self.ids = []
        self.n = 0

    def id(self):
        self.n += 1
        cid = f"cryo-t{os.getpid()}-{self.n}"
        self.ids.append(cid)
        return cid

    def bundle(self, args=COUNTER, name=None, pids_limit=None):
        self.n += 1
        b = self.tmp / (name or f"bundle{self.n}")
        busybox_bundle(b, args)
        if pids_limit:
            cfg = json.loads((b / "config.json").read_text())
            cfg["linux"].setdefault("resources", {})["pids"] = {"limit": pids_limit}
            (b / "config.json").write_text(json.dumps(cfg))
        return b

    def run(self, bundle):
        cid = self.id()
        out = open(self.tmp / f"{cid}.out", "wb")
        subprocess.run(["runc", "run", "-d", "--bundle", str(bundle), cid], check=True,
                       stdin=subprocess.DEVNULL, stdout=out, stderr=out, timeout=60)
        return cid

    def running_image(self, *extra, args=COUNTER):
        """A container of a new bundle, counting, dumped with extra options: its bundle,
        id, image, and its counter as read just before the dump."""
        b = self.bundle(args)
        cid = self.run(b)
        self.count(b)
        time.sleep(0.3)  # a count well past 1, which a restarted copy would not show
        at_dump = self.count(b)
        img = self.tmp / "img"
        dump(cid, img, *extra)
        return b, cid, img, at_dump

    def count(self, bundle):
        for _ in range(200):
            try:
                return int((bundle / "rootfs" / "tmp" / "count").read_text())
            except (FileNotFoundError, ValueError):
                time.sleep(0.01)
        raise AssertionError(f"no counter in {bundle}")

    def restore(self, img, cid=None, bundle=None, check=True):
        cid = cid or self.id()
        args = [CRYO, "restore", "--runc", cid, "-D", str(img), "--detach"]
        if bundle:
            args += ["--bundle", str(bundle)]
        # The container's stdio is the restoring process's: a file, not our pipe.
        with open(self.tmp / f"{cid}.restore", "wb") as out:
            p = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                               timeout=60)
        text = (self.tmp / f"{cid}.restore").read_text()
        if check:
            assert p.returncode == 0, text
        return cid, p.returncode, text

    def cleanup(self):
        for cid in self.ids:
            runc("delete", "--force", cid, check=False)


@pytest.fixture
def box(tmp_path):
    b = Box(tmp_path)
    yield b
    b.cleanup()


def cryo_run(*args):
    return subprocess.run([CRYO, *map(str, args)], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def dump(cid, img, *extra):
    p = cryo_run("dump", "--runc", cid, "-D", img, *extra)
    assert p.returncode == 0, p.stderr
    # A dump that succeeded printed no error (a copy-on-write dump that freezes instead, as
    # in a container whose tasks may not make a userfaultfd, is no error).
    assert "error" not in p.stderr, p.stderr
    return p


def wait_stopped(cid):
    for _ in range(200):
        if state(cid)["status"] == "stopped":
            return
        time.sleep(0.01)
    assert state(cid)["status"] == "stopped"


# A shell that changes its rootfs in every way rootfs.tar carries (prepared by populate()):
# a file's content and another's mode, a file replaced by a link and one by a directory, a
# directory that held a file replaced by a file, a directory's mode, new directories, files
# and links, and a file removed (which the archive does not know); then 100 KB of random text
# in its memory, for streams with frames deep inside, and a counter.
CHANGES = ("echo new > /srv/edit; chmod 600 /srv/mode; rm /srv/gone; "
           "rm /srv/tolink; ln -s edit /srv/tolink; rm /srv/todir; mkdir /srv/todir; "
           "echo in > /srv/todir/f; rm -r /srv/dirfile; echo flat > /srv/dirfile; "
           "chmod 711 /srv/keepdir; mkdir -p /data/sub; echo made > /data/sub/note; "
           "ln -s sub/note /data/link; d=$(head -c 100000 /dev/urandom | od -An -tx1 | "
           "tr -d ' \\n'); i=0; while true; do i=$((i+1)); echo $i > /tmp/count.new; "
           "mv /tmp/count.new /tmp/count; sleep 0.02; done")
CHANGER = ["sh", "-c", CHANGES]


def populate(bundle):
    """What CHANGER changes, in a pristine bundle's rootfs, with times long past (so that a
    time set anew shows)."""
    srv = bundle / "rootfs" / "srv"
    srv.mkdir()
    for name in ("keep", "edit", "mode", "gone", "tolink", "todir"):
        (srv / name).write_text(f"{name}\n")
        (srv / name).chmod(0o644)
    (srv / "dirfile").mkdir()
    (srv / "dirfile" / "child").write_text("child\n")
    (srv / "keepdir").mkdir()
    (srv / "keepdir").chmod(0o755)
    for root, dirs, files in os.walk(bundle / "rootfs"):
        for p in [root] + [os.path.join(root, n) for n in dirs + files]:
            os.utime(p, ns=(10**18, 10**18), follow_symlinks=False)
    return bundle


def listing(top):
    """Every entry under top, top too: its type and mode, owner, mtime, and a file's sha256 or
    a link's target."""
    got = {}
    for root, dirs, files in os.walk(top):
        for p in [root] + [os.path.join(root, n) for n in dirs + files]:
            st = os.lstat(p)
            what = (hashlib.sha256(Path(p).read_bytes()).hexdigest() if statmod.S_ISREG(st.st_mode)
                    else os.readlink(p) if statmod.S_ISLNK(st.st_mode) else None)
            got[os.path.relpath(p, top)] = (st.st_mode, st.st_uid, st.st_gid, st.st_mtime_ns,
                                            what)
    return got


def assert_nothing_left(cid):
    assert state(cid) is None, f"runc still knows {cid}"
    assert not Path(f"/run/runc/{cid}").exists()
    assert not freezer_dir(cid).exists(), f"cgroup of {cid} left behind"


def pids_max(pid):
    """pids.max of the cgroup pid is in (v1 pids controller, or v2)."""
    for line in open(f"/proc/{pid}/cgroup"):
        _, ctrl, path = line.rstrip("\n").split(":", 2)
        if ctrl == "pids":
            return (Path("/sys/fs/cgroup/pids") / path.lstrip("/") / "pids.max").read_text()
        if ctrl == "" and Path("/sys/fs/cgroup/cgroup.controllers").exists():
            return (Path("/sys/fs/cgroup") / path.lstrip("/") / "pids.max").read_text()
    return None


def test_counter_goes_on_in_a_new_container_from_a_pristine_bundle(box):
    b = box.bundle(pids_limit=42)
    cid = box.run(b)
    box.count(b)
    img = box.tmp / "img"
    # Before the dump: a shell killed between its `> /tmp/count` and the write
    # leaves the file empty.
    at_dump = box.count(b)
    dump(cid, img)
    # Dumped without --leave-running: killed and deleted, as `runc checkpoint` does.
    assert state(cid) is None
    fresh = box.bundle(pids_limit=42)
    new, _, _ = box.restore(img, bundle=fresh)
    st = state(new)
    # Its tree runs in the new container's own cgroup, with the limits runc set from the
    # bundle.
    assert f"/{new}" in open(f"/proc/{st['pid']}/cgroup").read()
    assert pids_max(st["pid"]).strip() == "42"
    assert st and st["status"] == "running" and st["bundle"] == str(fresh), st
    time.sleep(0.3)
    now = box.count(fresh)
    # The shell's counter lives in its memory: it goes on from where it was, not from 1.
    assert at_dump < now < at_dump + 200, (at_dump, now)
    ps = runc("exec", new, "ps", "-o", "pid,args").stdout
    assert any(line.split()[:1] == ["1"] and "while true" in line for line in ps.splitlines()), ps
    assert runc("exec", new, "hostname").stdout.strip() == "cryo-box"
    assert runc("exec", new, "cat", "/proc/1/cmdline").stdout.startswith("sh")


def test_server_in_the_containers_network_answers_after_restore(box):
    b = box.bundle(SERVER)
    cid = box.run(b)
    box.count(b)
    for _ in range(100):
        if runc("exec", cid, "wget", "-qO-", "127.0.0.1:8080/index.html",
                check=False).returncode == 0:
            break
        time.sleep(0.05)
    img = box.tmp / "img"
    dump(cid, img)
    new, _, _ = box.restore(img, bundle=b)
    got = runc("exec", new, "wget", "-qO-", "127.0.0.1:8080/index.html").stdout
    assert got.strip() == "hello-from-the-box"
    # Its own network namespace: nothing but lo, and the port is not the host's.
    links = runc("exec", new, "ip", "-o", "link").stdout
    assert [line.split(":")[1].strip() for line in links.splitlines()] == ["lo"], links


def test_three_copies_at_once_beside_the_running_original(box):
    b, cid, img, at_dump = box.running_image("--leave-running")
    assert state(cid)["status"] == "running"
    bundles = [box.bundle() for _ in range(3)]
    results = [None] * 3

    def one(i):
        results[i] = box.restore(img, bundle=bundles[i], check=False)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for new, code, text in results:
        assert code == 0, text
        assert state(new)["status"] == "running"
    before = [box.count(bb) for bb in bundles]
    # Each copy's shell goes on from the image's count, not from 1.
    assert all(n >= at_dump for n in before), (at_dump, before)
    orig = box.count(b)
    time.sleep(0.3)
    for i, bb in enumerate(bundles):
        assert box.count(bb) > before[i], "a copy stands still"
    assert box.count(b) > orig, "the original stands still"
    pids = {state(new)["pid"] for new, _, _ in results} | {state(cid)["pid"]}
    assert len(pids) == 4
    for new, _, _ in results:
        assert runc("exec", new, "sh", "-c", "echo $PPID").stdout.strip() == "0"


def test_runc_kill_and_delete_act_on_the_restored_container(box):
    b = box.bundle()
    cid = box.run(b)
    img = box.tmp / "img"
    dump(cid, img)
    new, _, _ = box.restore(img, bundle=b)
    pid = state(new)["pid"]
    assert alive(pid)
    runc("kill", new, "KILL")
    wait_stopped(new)
    runc("delete", new)
    assert_nothing_left(new)


def test_restore_under_a_taken_id_fails_and_leaves_the_other_alone(box):
    b, cid, img, _ = box.running_image("--leave-running")
    _, code, text = box.restore(img, cid=cid, check=False)
    assert code != 0 and "already exists" in text, text
    assert state(cid)["status"] == "running"


def test_bad_bundles_fail_with_their_reason_and_leave_nothing(box):
    b, cid, img, _ = box.running_image("--leave-running")
    new = box.id()
    _, code, text = box.restore(img, cid=new, bundle=box.tmp / "nowhere", check=False)
    assert code != 0 and "nowhere" in text and "config.json" in text, text
    assert_nothing_left(new)
    bad = box.tmp / "bad"
    bad.mkdir()
    (bad / "config.json").write_text("{not json")
    _, code, text = box.restore(img, cid=new, bundle=bad, check=False)
    assert code != 0 and "not valid JSON" in text, text
    assert_nothing_left(new)
    # A bind mount whose source is gone: runc cannot create it, and says why.
    gone = box.bundle()
    src = box.tmp / "src"
    src.mkdir()
    cfg = json.loads((gone / "config.json").read_text())
    cfg["mounts"].append({"destination": "/data", "type": "bind", "source": str(src),
                          "options": ["rbind", "rw"]})
    (gone / "config.json").write_text(json.dumps(cfg))
    src.rmdir()
    _, code, text = box.restore(img, cid=new, bundle=gone, check=False)
    assert code != 0 and "runc create" in text, text
    assert_nothing_left(new)


def test_restore_failing_inside_leaves_no_container(box):
    b, cid, img, _ = box.running_image("--leave-running")
    # The tree's program in the new bundle is another file (cut short): runc creates the
    # container, then the restore finds the file is not the one the tree mapped.
    broken = box.bundle()
    data = (broken / "rootfs" / "bin" / "busybox").read_bytes()
    (broken / "rootfs" / "bin" / "busybox").write_bytes(data[:len(data) // 2])
    new = box.id()
    _, code, text = box.restore(img, cid=new, bundle=broken, check=False)
    assert code != 0, text
    assert_nothing_left(new)
    assert state(cid)["status"] == "running"


def test_container_that_is_not_running_or_unknown_is_refused(box):
    p = cryo_run("dump", "--runc", "no-such-box", "-D", box.tmp / "img")
    assert p.returncode != 0 and "no container no-such-box" in p.stderr, p.stderr
    b = box.bundle()
    cid = box.run(b)
    runc("kill", cid, "KILL")
    wait_stopped(cid)
    p = cryo_run("dump", "--runc", cid, "-D", box.tmp / "img2")
    assert p.returncode != 0 and "not running" in p.stderr, p.stderr
    p = cryo_run("dump", "--runc", "../etc", "-D", box.tmp / "img3")
    assert p.returncode != 0 and "not a valid name" in p.stderr, p.stderr


def test_runc_missing_is_named(box, tmp_path):
    b, cid, img, _ = box.running_image("--leave-running")
    env = dict(os.environ, PATH=str(tmp_path / "empty"))
    p = subprocess.run([CRYO, "restore", "--runc", box.id(), "-D", img, "-d"],
                       capture_output=True, text=True, env=env, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert p.returncode != 0 and "runc is not installed" in p.stderr, p.stderr


def test_plain_restore_of_a_container_image_is_refused(box):
    b, cid, img, _ = box.running_image("--leave-running")
    p = cryo_run("restore", "-D", img, "-d")
    assert p.returncode != 0 and "--runc" in p.stderr, p.stderr


def test_with_rootfs_carries_what_the_container_wrote_to_a_pristine_bundle(box):
    writer = ["sh", "-c", "mkdir -p /data/sub; echo made-inside > /data/sub/note; "
              "ln -s sub/note /data/link; echo $$ > /tmp/pid; i=0; while true; "
              "do i=$((i+1)); echo $i > /tmp/count; sleep 0.02; done"]
    b = box.bundle(writer)
    cid = box.run(b)
    box.count(b)
    img = box.tmp / "img"
    # Before the dump: a shell killed between its `> /tmp/count` and the write
    # leaves the file empty.
    at_dump = box.count(b)
    dump(cid, img, "--with-rootfs")
    names = subprocess.run(["tar", "-tf", str(img / "rootfs.tar")], capture_output=True,
                           text=True, check=True).stdout.split()
    assert "data/sub/note" in names and "tmp/count" in names, names
    assert "bin/busybox" not in names, "an unchanged file went into the image"
    fresh = box.bundle(writer, name="pristine")
    assert not (fresh / "rootfs" / "data").exists()
    new, _, _ = box.restore(img, bundle=fresh)
    assert (fresh / "rootfs" / "data" / "sub" / "note").read_text() == "made-inside\n"
    assert os.readlink(fresh / "rootfs" / "data" / "link") == "sub/note"
    got = runc("exec", new, "cat", "/data/link").stdout
    assert got == "made-inside\n"
    time.sleep(0.2)
    assert box.count(fresh) > at_dump


def test_rootfs_archive_leaving_the_rootfs_is_refused(box, tmp_path):
    import tarfile
    b = box.bundle()
    cid = box.run(b)
    img = box.tmp / "img"
    dump(cid, img, "--leave-running", "--with-rootfs")
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as t:
        info = tarfile.TarInfo("../escaped")
        data = b"x"
        info.size = len(data)
        import io
        t.addfile(info, io.BytesIO(data))
    os.replace(evil, img / "rootfs.tar")
    os.chmod(img / "rootfs.tar", 0o600)
    new = box.id()
    _, code, text = box.restore(img, cid=new, bundle=box.bundle(), check=False)
    assert code != 0 and "leaves the rootfs" in text, text
    assert not (box.tmp / "escaped").exists()
    assert_nothing_left(new)


def test_failed_dump_with_rootfs_leaves_the_container_running(box):
    b = box.bundle()
    cid = box.run(b)
    before = box.count(b)
    p = cryo_run("dump", "--runc", cid, "-D", box.tmp / "img", "--with-rootfs",
                 "--compression", "bogus")
    assert p.returncode != 0 and "bogus" in p.stderr, p.stderr
    assert not (box.tmp / "img" / "rootfs.tar").exists()
    assert not (box.tmp / "img" / "container.json").exists()
    time.sleep(0.3)
    assert box.count(b) > before, "the container was left frozen"
    if freezer_dir(cid).exists():  # the v1 freezer (this machine); v2 hosts have none
        assert (freezer_dir(cid) / "freezer.state").read_text().strip() == "THAWED"


def test_a_restore_failing_after_the_rootfs_changes_puts_them_back(box):
    """From a directory: rootfs.tar is unpacked before runc creates the container, and the
    restore then fails (the tree's program in the new bundle is another file, cut short): the
    rootfs is as it was before, entry by entry, and nothing of cryo's is left beside it."""
    b = populate(box.bundle(CHANGER))
    cid = box.run(b)
    box.count(b)
    assert (b / "rootfs" / "data" / "link").is_symlink()
    img = box.tmp / "img"
    dump(cid, img, "--with-rootfs")
    broken = populate(box.bundle(CHANGER))
    data = (broken / "rootfs" / "bin" / "busybox").read_bytes()
    (broken / "rootfs" / "bin" / "busybox").write_bytes(data[:len(data) // 2])
    before, beside = listing(broken / "rootfs"), sorted(os.listdir(broken))
    new, code, text = box.restore(img, bundle=broken, check=False)
    assert code != 0, text
    assert_nothing_left(new)
    after = listing(broken / "rootfs")
    assert after.keys() == before.keys(), after.keys() ^ before.keys()
    assert after == before, {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert sorted(os.listdir(broken)) == beside
    # Whole, the bundle takes every change.
    fresh = populate(box.bundle(CHANGER))
    new, _, _ = box.restore(img, bundle=fresh)
    assert (fresh / "rootfs" / "srv" / "dirfile").read_text() == "flat\n"
    assert os.readlink(fresh / "rootfs" / "srv" / "tolink") == "edit"
    assert runc("exec", new, "cat", "/data/sub/note").stdout == "made\n"


def test_a_hard_link_in_the_rootfs_archive_links_inside_the_rootfs(box, tmp_path):
    """A member that is a hard link names its target inside the rootfs, as its name is: not
    a file of the host where cryo happens to run (libarchive resolves a link's target from the
    working directory)."""
    import io
    import tarfile
    b = box.bundle()
    cid = box.run(b)
    img = box.tmp / "img"
    dump(cid, img, "--leave-running", "--with-rootfs")
    host = tmp_path / "host"
    host.mkdir()
    (host / "secret").write_text("the host's\n")

    def archive(target):
        with tarfile.open(img / "rootfs.tar", "w") as t:
            info = tarfile.TarInfo("stolen")
            info.type, info.linkname = tarfile.LNKTYPE, target
            t.addfile(info, io.BytesIO(b""))
        os.chmod(img / "rootfs.tar", 0o600)

    def restore(bundle):
        new = box.id()
        # The container's stdio is the restoring process's: a file, not our pipe.
        with open(box.tmp / f"{new}.restore", "wb") as out:
            p = subprocess.run([CRYO, "restore", "--runc", new, "-D", str(img), "--detach",
                                "--bundle", str(bundle)], cwd=host, stdin=subprocess.DEVNULL,
                               stdout=out, stderr=out, timeout=60)
        return new, p.returncode, (box.tmp / f"{new}.restore").read_text()

    # "secret" is not in the rootfs: refused, and the host's file not linked anywhere.
    archive("secret")
    bundle = box.bundle()
    new, code, text = restore(bundle)
    assert code != 0 and "stolen" in text, text
    assert os.stat(host / "secret").st_nlink == 1
    assert not (bundle / "rootfs" / "stolen").exists()
    assert_nothing_left(new)
    # A target inside it is linked there.
    archive("bin/busybox")
    bundle = box.bundle()
    new, code, text = restore(bundle)
    assert code == 0, text
    assert os.path.samefile(bundle / "rootfs" / "stolen", bundle / "rootfs" / "bin" / "busybox")
