"""Image directories are a trust boundary (docs/security.md), tried as a hostile local user
would: `nobody` prepares directories and links, a file of an image claims a size it does not
hold, an image asks for ids this host does not have or was made on another kernel. Each test
checks that nothing outside the image was touched, nothing secret is readable, memory stays
bounded and nothing is left behind."""
import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import CRYO, alive, cryo, image_pids, workload

NOBODY = pwd.getpwnam("nobody")


def as_nobody(*argv):
    def drop():
        os.setgroups([])
        os.setgid(NOBODY.pw_gid)
        os.setuid(NOBODY.pw_uid)

    return subprocess.run(list(map(str, argv)), preexec_fn=drop, capture_output=True,
                          text=True, timeout=30)


@pytest.fixture
def victim(tmp_path):
    """A file of root's that no image has any business writing."""
    v = tmp_path / "victim"
    v.write_text("precious\n")
    return v


@pytest.fixture
def public_dir():
    """A directory in /tmp, where anyone may create one."""
    d = Path(tempfile.mkdtemp(prefix="cryo-sec-", dir="/tmp"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def plant_links(d, target, pid, who=None):
    names = ["cryo.json", ".cryo.json.tmp", "dump.log", f"pages-{pid}.img",
             f"pagemap-{pid}.img", f"pages-{pid}.sum", "image.tar.tmp"]
    for n in names:
        if who == "nobody":
            p = as_nobody("ln", "-s", target, d / n)
            assert p.returncode == 0, p.stderr
        else:
            os.symlink(target, d / n)


def start_ready(env, name="mem_anon"):
    run = env.start([workload(name)])
    run.wait_for("ready")
    return run


# --- 1. symlinks and foreign directories ---------------------------------------------------


def test_dump_refuses_a_directory_nobody_prepared(env, public_dir, victim):
    run = start_ready(env)
    os.chown(public_dir, NOBODY.pw_uid, NOBODY.pw_gid)
    plant_links(public_dir, victim, run.pid, who="nobody")
    p = cryo("dump", "-t", run.pid, "-D", public_dir, check=False)
    assert p.returncode != 0
    assert f"belongs to uid {NOBODY.pw_uid}" in p.stderr, p.stderr
    assert victim.read_text() == "precious\n"
    env.check(run, run.pid)  # the tree was left as it was


def test_dump_refuses_a_directory_others_may_write(env, public_dir, victim):
    run = start_ready(env)
    os.chmod(public_dir, 0o777)
    plant_links(public_dir, victim, run.pid, who="nobody")
    p = cryo("dump", "-t", run.pid, "-D", public_dir, check=False)
    assert p.returncode != 0
    assert "writable by others" in p.stderr, p.stderr
    assert victim.read_text() == "precious\n"
    env.check(run, run.pid)


def test_dump_never_writes_through_a_link_left_in_its_directory(env, public_dir, victim):
    """A directory root owns, with links under the image's names left in it: they are
    replaced by the image's own files, and what they pointed to is untouched."""
    run = start_ready(env)
    os.chmod(public_dir, 0o755)
    plant_links(public_dir, victim, run.pid)
    env.dump(run, img=public_dir, suite_args=False)
    assert victim.read_text() == "precious\n"
    for n in ["cryo.json", "dump.log", f"pages-{run.pid}.img", f"pagemap-{run.pid}.img",
              f"pages-{run.pid}.sum"]:
        assert (public_dir / n).is_file() and not (public_dir / n).is_symlink(), n
    pid = env.restore(public_dir)
    env.check(run, pid)


def test_dump_refuses_a_link_as_its_directory(env, public_dir, tmp_path):
    run = start_ready(env)
    link = tmp_path / "link"
    link.symlink_to(public_dir)
    p = cryo("dump", "-t", run.pid, "-D", link, check=False)
    assert p.returncode != 0
    assert "is a symbolic link" in p.stderr, p.stderr
    assert list(public_dir.iterdir()) == []
    env.check(run, run.pid)


# --- 2. secrets readable by nobody -----------------------------------------------------------


def assert_private(d):
    st = os.stat(d)
    assert stat.S_IMODE(st.st_mode) == 0o700, (d, oct(st.st_mode))
    files = [f for f in Path(d).iterdir()]
    assert files
    for f in files:
        assert stat.S_IMODE(os.lstat(f).st_mode) == 0o600, (f, oct(os.lstat(f).st_mode))
        p = as_nobody("cat", f)
        assert p.returncode != 0 and not p.stdout, f


@pytest.mark.parametrize("layout", [[], ["--compression", "lz4", "--streams", "2"],
                                    ["--compression", "tar"]])
def test_image_files_are_private(env, public_dir, layout):
    """Every file of an image 0600 in a 0700 directory, whatever the layout, even where the
    directory existed with wider permissions."""
    run = start_ready(env, "pipe_data")  # its pipe's bytes are in cryo.json
    os.chmod(public_dir, 0o755)
    env.dump(run, img=public_dir, suite_args=False, extra=layout)
    assert_private(public_dir)


def test_predump_files_are_private(env, tmp_path):
    run = start_ready(env)
    pre = tmp_path / "pre"
    cryo("pre-dump", "-t", run.pid, "-D", pre)
    assert_private(pre)
    env.dump(run, img=tmp_path / "img", suite_args=False, extra=["--parent", pre])
    assert_private(tmp_path / "img")
    pid = env.restore(tmp_path / "img")
    env.check(run, pid)


# --- readers: foreign directories, linked members ------------------------------------------


@pytest.fixture
def dumped(env, tmp_path):
    run = start_ready(env)
    img = env.dump(run, img=tmp_path / "img", suite_args=False)
    PIDS[str(img)] = image_pids(img)
    return run, img


def assert_nothing_restored(img):
    """No task of the image runs (their pids were read before the image was tampered with)."""
    for pid in PIDS[str(img)]:
        assert not alive(pid), pid


PIDS = {}


def test_restore_refuses_a_directory_others_may_write_unless_trusted(env, dumped):
    run, img = dumped
    os.chmod(img, 0o777)
    p = cryo("restore", "-D", img, "--detach", check=False)
    assert p.returncode != 0
    assert "writable by others" in p.stderr and "--trust-dir" in p.stderr, p.stderr
    assert_nothing_restored(img)
    pidfile = img.parent / "pid"
    cryo("restore", "-D", img, "--detach", "--trust-dir", "--pidfile", pidfile)
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    env.check(run, pid)


def test_restore_refuses_a_directory_nobody_owns(env, dumped):
    run, img = dumped
    os.chown(img, NOBODY.pw_uid, NOBODY.pw_gid)
    p = cryo("restore", "-D", img, "--detach", check=False)
    assert p.returncode != 0
    assert f"belongs to uid {NOBODY.pw_uid}" in p.stderr, p.stderr
    assert_nothing_restored(img)


@pytest.mark.parametrize("member", ["cryo.json", "pages-{pid}.img", "pagemap-{pid}.img",
                                    "pages-{pid}.sum"])
def test_restore_refuses_a_linked_member(env, dumped, member):
    run, img = dumped
    name = img / member.format(pid=run.pid)
    moved = img.parent / "moved"
    name.rename(moved)
    name.symlink_to(moved)
    p = cryo("restore", "-D", img, "--detach", "--trust-dir", check=False)
    assert p.returncode != 0
    assert "symbolic link" in p.stderr, p.stderr
    assert_nothing_restored(img)


def test_restore_pidfile_is_not_written_through_a_link(env, dumped, victim):
    run, img = dumped
    pidfile = img.parent / "pid"
    pidfile.symlink_to(victim)
    p = cryo("restore", "-D", img, "--detach", "--pidfile", pidfile, check=False)
    assert p.returncode != 0
    assert victim.read_text() == "precious\n"
    env.restored.extend(pid for pid in image_pids(img) if alive(pid))


# --- 3. bounded reads ----------------------------------------------------------------------


TIB = 1 << 40


@pytest.mark.parametrize("member,size", [("pagemap-{pid}.img", TIB), ("pages-{pid}.sum", TIB),
                                         ("cryo.json", 300 << 20)])
@pytest.mark.parametrize("lazy", [False, True])
def test_sparse_member_is_refused_unread(env, dumped, member, size, lazy):
    """A member that claims a terabyte (sparse: it costs nothing on disk) is refused by its
    size, quickly, with memory capped well below it."""
    run, img = dumped
    name = img / member.format(pid=run.pid)
    os.truncate(name, size)
    t0 = time.monotonic()
    p = subprocess.run(["prlimit", f"--as={4 << 30}", CRYO, "restore", "-D", img, "--detach",
                        *(["--lazy"] if lazy else [])],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode != 0
    assert time.monotonic() - t0 < 20
    assert re.search(r"larger than the image says|: not \d+ checksums", p.stderr), p.stderr
    assert "Cannot allocate memory" not in p.stderr, p.stderr
    assert_nothing_restored(img)


# --- 6. images that ask for what this host cannot give -------------------------------------


def edit_meta(img, fn):
    meta = img / "cryo.json"
    j = json.loads(meta.read_text())
    fn(j)
    meta.write_text(json.dumps(j))


def test_restore_refuses_an_id_that_is_no_id(env, dumped):
    """(uid_t)-1 would leave the task root (setresuid reads it as "unchanged")."""
    run, img = dumped

    def bad_uid(j):
        j["tasks"][0]["uid"] = [4294967295] * 4

    edit_meta(img, bad_uid)
    p = cryo("restore", "-D", img, "--detach", check=False)
    assert p.returncode != 0
    assert "uid" in p.stderr and "bad id" in p.stderr, p.stderr
    assert_nothing_restored(img)


def test_restore_refuses_an_image_of_another_kernel(env, dumped):
    run, img = dumped
    meta = json.loads((img / "cryo.json").read_text())
    assert len(meta["vdso_hash"]) == 16

    def other_kernel(j):
        j["vdso_hash"] = "0123456789abcdef"
        j["kernel"] = "2.6.32-ancient"

    edit_meta(img, other_kernel)
    p = cryo("restore", "-D", img, "--detach", check=False)
    assert p.returncode != 0
    assert "2.6.32-ancient" in p.stderr and "vDSO differs" in p.stderr, p.stderr
    assert_nothing_restored(img)


def test_parse_errors_name_the_place_not_the_content(env, dumped):
    run, img = dumped
    (img / "cryo.json").write_text("password=hunter2 and more secrets\n")
    for args in (["restore", "-D", img, "--detach"], ["show", img]):
        p = cryo(*args, check=False)
        assert p.returncode != 0
        assert "hunter2" not in p.stderr + p.stdout, p.stderr
        assert "line 1" in p.stderr, p.stderr


# --- 5. nothing half-made ------------------------------------------------------------------


def test_a_killed_tar_dump_leaves_an_image_or_nothing(env, tmp_path):
    """cryo killed while it packs: either the image is whole and the tree gone, or the tree
    runs on and DIR holds no image; never a tree running beside an image of it."""
    run = env.start([workload("mem_big"), "256"])
    run.wait_for("ready", 60)
    img = tmp_path / "img"
    p = subprocess.Popen([CRYO, "dump", "-t", str(run.pid), "-D", str(img), "--compression",
                          "tar"], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not (img / "image.tar.tmp").exists() and p.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.002)
    p.kill()
    p.wait()
    time.sleep(0.5)  # the worker sees its parent gone at its next check
    for _ in range(100):
        if not (img / "image.tar.tmp").exists():
            break
        time.sleep(0.1)
    image = (img / "image.tar").exists() or (img / "cryo.json").exists()
    if alive(run.pid) and "T" not in Path(f"/proc/{run.pid}/stat").read_text().split()[2]:
        assert not image, "the tree runs on beside an image of it"
        assert not (img / "image.tar.tmp").exists()
        env.check(run, run.pid, timeout=60)
    else:
        assert image, "the tree is gone, and no image of it"


def test_scratch_left_by_a_killed_cryo_is_removed_but_links_are_not_followed(env, tmp_path,
                                                                         victim):
    """/dev/shm is everyone's: a directory of a killed cryo there is removed by the next
    cryo that makes one; a link named like one, placed by nobody, is left alone, and what
    it points to is not emptied."""
    dead = 4194000  # above any pid this machine hands out in a test run
    left = Path(f"/dev/shm/cryo-restore-{dead}-abcdef")
    left.mkdir(mode=0o700)
    (left / "pages-1.cryo").write_bytes(b"x" * 4096)
    trap = Path(f"/dev/shm/cryo-restore-{dead + 1}-trap")
    try:
        p = as_nobody("ln", "-s", victim.parent, trap)
        assert p.returncode == 0, p.stderr
        run = start_ready(env)
        with open(tmp_path / "stream", "wb") as out:
            d = subprocess.run([CRYO, "dump", "-t", str(run.pid), "-D", "-",
                                "--leave-running"], stdout=out, stderr=subprocess.PIPE,
                               timeout=60)
        assert d.returncode == 0, d.stderr
        assert not left.exists()
        assert trap.is_symlink()
        assert victim.read_text() == "precious\n"
        env.check(run, run.pid)
    finally:
        shutil.rmtree(left, ignore_errors=True)
        if trap.is_symlink():
            trap.unlink()
