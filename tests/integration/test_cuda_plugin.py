"""The cuda plugin (plugins/cuda/cuda.c, docs/gpu.md) against a TEST DOUBLE of NVIDIA's driver:
tests/plugins/fake-cuda/fake-libcuda.c, built as libcuda.so.1 and put first with
LD_LIBRARY_PATH, so that the plugin loads it through the same dlopen("libcuda.so.1") that finds
the real driver. The fake is not the product and proves nothing about a real GPU (docs/gpu.md
says what remains to be run on one, tests/gpu/run-on-device.sh runs it).

What the fake makes checkable: its device memory is a file the process reaches only through
its CUDA calls (gone while checkpointed, as a released GPU); the checkpoint operations are
carried out by a restore thread inside the CUDA process, so they complete only while that
thread runs; each operation is logged with whether the process was traced (frozen) and how many
of its threads were stopped; failures are injected per operation."""
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BUILD, CRYO, alive, image_pids, reap, reap_gone, workload

FAKE = BUILD / "tests" / "plugins" / "fake-cuda"
RECORDER = BUILD / "tests" / "plugins" / "hook-recorder.so"
MIB = 16
# Where this machine has a real driver, "no driver here" cannot be staged.
REAL_DRIVER = subprocess.run(["sh", "-c", "ldconfig -p | grep -q 'libcuda.so.1 '"]).returncode == 0
no_real_driver = pytest.mark.skipif(REAL_DRIVER, reason="a real libcuda.so.1 is installed")


@pytest.fixture
def gpu(tmp_path):
    """The fake driver's environment: its GPUs, its log, no other plugins."""
    assert (FAKE / "libcuda.so.1").exists(), f"the fake driver is not built in {FAKE}"
    d = tmp_path / "gpu"
    d.mkdir()
    plugins = tmp_path / "plugins"
    plugins.mkdir(mode=0o755)
    return dict(os.environ, LD_LIBRARY_PATH=str(FAKE), CRYO_FAKE_CUDA_DIR=str(d),
                CRYO_FAKE_CUDA_LOG=str(tmp_path / "driver.log"),
                CRYO_FAKE_CUDA_GPUS="Fake H100", CRYO_FAKE_CUDA_VERSION="12080",
                CRYO_FAKE_CUDA_TIMEOUT_MS="5000", CRYO_PLUGINS_DIR=str(plugins))


def run_cryo(genv, *args, **over):
    e = dict(genv, **over)
    return subprocess.run([CRYO, *map(str, args)], env=e, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def calls(genv):
    """The checkpoint operations the driver saw: [(op, {pid, rc, traced, stopped})]."""
    log = Path(genv["CRYO_FAKE_CUDA_LOG"])
    out = []
    for line in log.read_text().splitlines() if log.exists() else []:
        op, *kv = line.split()
        out.append((op, dict(x.split("=", 1) for x in kv)))
    return out


def driver_state(genv, pid):
    """(CUprocessState, restore thread) as the fake driver reports them."""
    st, tid = (Path(genv["CRYO_FAKE_CUDA_DIR"]) / f"{pid}.state").read_text().split()
    return int(st), int(tid)


def vram(genv, pid):
    return Path(genv["CRYO_FAKE_CUDA_DIR"]) / f"{pid}.vram"


def start_cuda(env, genv, *args):
    run = env.start([workload("cuda_counter"), *map(str, args)], env=genv)
    run.wait_for("ready")
    return run


def dump(env, genv, run, img, *extra):
    env.images.append(img)
    p = run_cryo(genv, "dump", "-t", run.pid, "-D", img, *extra)
    assert p.returncode == 0, p.stderr
    if "--leave-running" not in extra:
        run.finish()
        reap_gone(image_pids(img))
    return p


def restore(env, genv, img, **over):
    pidfile = Path(img).parent / "restored.pid"
    if pidfile.exists():
        pidfile.unlink()
    p = run_cryo(genv, "restore", "-D", img, "--detach", "--pidfile", pidfile, **over)
    if p.returncode == 0:
        env.restored.append(int(pidfile.read_text()))
    return p


def check_passes(run, pid):
    os.kill(pid, signal.SIGUSR1)
    code = reap(pid, 20)
    assert "PASS" in run.text() and code == 0, run.text()[-2000:]


def test_cuda_process_keeps_device_memory_and_counter(env, gpu, tmp_path):
    """Lock and checkpoint before the freeze, the GPU released in the image; at restore the
    driver restores and unlocks with only the restore thread running; the device memory is
    exact and the counter kernel goes on from where it was."""
    run = start_cuda(env, gpu, MIB)
    _, tid = driver_state(gpu, run.pid)
    img = tmp_path / "img"
    dump(env, gpu, run, img)
    seen = calls(gpu)
    assert [op for op, _ in seen] == ["lock", "checkpoint"], seen
    # Both before the freeze: the tree ran, untraced, while the driver worked.
    assert all(c["traced"] == "0" and c["stopped"].startswith("0/") for _, c in seen), seen
    assert all(c["rc"] == "0" and c["pid"] == str(run.pid) for _, c in seen), seen
    # The GPU was released: the image holds the device memory in the process's host memory.
    assert not vram(gpu, run.pid).exists()
    rec = (img / "cuda.img").read_text().splitlines()
    assert rec[:5] == ["cryo-cuda 1", "driver 12080", "module -", "gpus 1",
                       f"gpu 0 {80 << 30} Fake H100"], rec
    assert rec[5] == "tasks 1", rec
    _, pid, rtid, state, nbytes = rec[6].split()
    assert (int(pid), int(rtid), state) == (run.pid, tid, "running"), rec
    assert MIB << 20 <= int(nbytes) < (MIB + 4) << 20, rec
    assert json.loads((img / "cryo.json").read_text())["plugins"] == ["cuda"]
    assert (img / "cuda.img").stat().st_mode & 0o777 == 0o600
    # cryo show says which task held GPU state, and how much.
    show = run_cryo(gpu, "show", img)
    assert show.returncode == 0, show.stderr
    line = next(x for x in show.stdout.splitlines() if x.strip().startswith(f"pid {run.pid}:"))
    assert f"CUDA restore thread {tid}" in line and "running at the dump" in line, line
    assert float(line.split(" MiB")[0].rsplit(" ", 1)[1]) >= MIB, line
    assert "plugin cuda: GPU state of 1 task(s)" in show.stdout and "Fake H100" in show.stdout
    js = json.loads(run_cryo(gpu, "show", "--json", img).stdout)
    assert js["plugins"][0]["name"] == "cuda" and f"pid {run.pid}:" in js["plugins"][0]["state"]

    p = restore(env, gpu, img)
    assert p.returncode == 0, p.stderr
    pid = env.restored[-1]
    assert pid == run.pid
    seen = calls(gpu)[2:]
    assert [op for op, _ in seen] == ["restore", "unlock"], seen
    # The tree was restored stopped; the restore thread alone ran while the driver worked.
    for _, c in seen:
        stopped, total = map(int, c["stopped"].split("/"))
        assert c["traced"] == "1" and c["rc"] == "0" and stopped == total - 1, seen
    assert driver_state(gpu, pid) == (0, tid)
    assert vram(gpu, pid).stat().st_size >= MIB << 20
    check_passes(run, pid)


@pytest.mark.parametrize("layout", ["stream", "tar", "lazy"])
def test_cuda_img_travels_in_a_stream_and_in_tar(env, gpu, tmp_path, layout):
    """The plugin's file goes with the image whatever its layout: a stream read back from
    stdin, a tar archive (which cryo show reads too); and a lazy restore serves the pages the
    driver reads back to the device."""
    run = start_cuda(env, gpu, 4)
    img = tmp_path / "img"
    img.mkdir()
    env.images.append(img)
    if layout == "stream":
        with open(img / "image.stream", "wb") as out:
            p = subprocess.run([CRYO, "dump", "-t", str(run.pid), "-D", "-"], env=gpu,
                               stdout=out, stderr=subprocess.PIPE, text=True, timeout=120)
    else:
        p = run_cryo(gpu, "dump", "-t", run.pid, "-D", img,
                     *(["--compression", "tar"] if layout == "tar" else []))
    assert p.returncode == 0, p.stderr
    run.finish()
    reap_gone([run.pid])
    assert [op for op, _ in calls(gpu)] == ["lock", "checkpoint"]
    pidfile = tmp_path / "pid"
    if layout == "stream":
        with open(img / "image.stream", "rb") as src:
            q = subprocess.run([CRYO, "restore", "-D", "-", "--detach", "--pidfile",
                                str(pidfile)], env=gpu, stdin=src, capture_output=True,
                               text=True, timeout=120)
    else:
        show = run_cryo(gpu, "show", img)
        assert f"pid {run.pid}: CUDA restore thread" in show.stdout, show.stdout + show.stderr
        q = run_cryo(gpu, "restore", "-D", img, "--detach", "--pidfile", pidfile,
                     *(["--lazy"] if layout == "lazy" else []))
    assert q.returncode == 0, q.stderr
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    assert [op for op, _ in calls(gpu)][2:] == ["restore", "unlock"]
    check_passes(run, pid)


def test_leave_running_gives_the_gpu_back(env, gpu, tmp_path):
    run = start_cuda(env, gpu, MIB)
    dump(env, gpu, run, tmp_path / "img", "--leave-running")
    assert [op for op, _ in calls(gpu)] == ["lock", "checkpoint", "restore", "unlock"]
    assert driver_state(gpu, run.pid)[0] == 0 and vram(gpu, run.pid).exists()
    check_passes(run, run.pid)


@pytest.mark.parametrize("step", ["get-state", "lock", "checkpoint", "dump-after-freeze",
                                  "dump-after-memory", "dump-done"])
def test_a_failure_at_any_step_leaves_the_process_as_it_was(env, gpu, tmp_path, step):
    """A failure in the driver (injected) or later in the dump (the test plugin fails at that
    hook) gives the process its GPU back: restored if checkpointed, unlocked if locked, and it
    runs on with exact device memory and its counter."""
    genv = dict(gpu)
    if step.startswith("dump-"):
        shutil.copy(RECORDER, Path(genv["CRYO_PLUGINS_DIR"]) / "hook-recorder.so")
        genv["CRYO_TEST_PLUGIN_FAIL"] = step
    else:
        genv["CRYO_FAKE_CUDA_FAIL"] = step
    run = start_cuda(env, genv, MIB)
    p = run_cryo(genv, "dump", "-t", run.pid, "-D", tmp_path / "img")
    assert p.returncode != 0
    if not step.startswith("dump-"):
        assert "plugin cuda:" in p.stderr and f"pid {run.pid}" in p.stderr, p.stderr
    ops = [op for op, _ in calls(genv)]
    expect = {"get-state": [], "lock": ["lock"], "checkpoint": ["lock", "checkpoint", "unlock"]}
    assert ops == expect.get(step, ["lock", "checkpoint", "restore", "unlock"]), ops
    assert alive(run.pid)
    assert driver_state(genv, run.pid)[0] == 0 and vram(genv, run.pid).exists()
    assert not (tmp_path / "img" / "cryo.json").exists()
    check_passes(run, run.pid)


def test_two_cuda_processes_in_one_tree(env, gpu, tmp_path):
    """Two CUDA processes under a shell: both locked and checkpointed before the freeze; the
    second's checkpoint failing gives both their GPU back, the last first; then a dump and
    restore of both, each with its device memory and counter."""
    w = workload("cuda_counter")
    genv = dict(gpu, CRYO_FAKE_CUDA_FAIL="checkpoint@2")
    run = env.start(["sh", "-c", f"{w} 4 & {w} 4 & wait"], env=genv)
    deadline = time.time() + 20
    while run.text().count("ready") < 2 and time.time() < deadline:
        time.sleep(0.05)
    assert run.text().count("ready") == 2, run.text()
    p = run_cryo(genv, "dump", "-t", run.pid, "-D", tmp_path / "bad")
    assert p.returncode != 0 and "cuCheckpointProcessCheckpoint" in p.stderr, p.stderr
    seen = [(op, c["pid"], c["rc"]) for op, c in calls(genv)]
    a, b = seen[0][1], seen[2][1]
    assert a != b and seen == [("lock", a, "0"), ("checkpoint", a, "0"), ("lock", b, "0"),
                               ("checkpoint", b, "999"), ("unlock", b, "0"),
                               ("restore", a, "0"), ("unlock", a, "0")], seen
    assert all(driver_state(genv, int(x))[0] == 0 for x in (a, b))
    Path(genv["CRYO_FAKE_CUDA_LOG"]).unlink()
    img = tmp_path / "img"
    dump(env, gpu, run, img)
    tasks = [x.split() for x in (img / "cuda.img").read_text().splitlines()
             if x.startswith("task ")]
    assert sorted(t[1] for t in tasks) == sorted([a, b]), tasks
    p = restore(env, gpu, img)
    assert p.returncode == 0, p.stderr
    assert sorted((op, c["pid"]) for op, c in calls(gpu)[4:]) == sorted(
        [("restore", a), ("unlock", a), ("restore", b), ("unlock", b)])
    for x in (a, b):
        os.kill(int(x), signal.SIGUSR1)
    deadline = time.time() + 20
    while run.text().count("PASS") < 2 and "FAIL" not in run.text() and time.time() < deadline:
        time.sleep(0.05)
    assert run.text().count("PASS") == 2, run.text()


def test_a_restore_that_fails_once_at_leave_running_is_tried_again(env, gpu, tmp_path):
    """The driver's restore fails after a --leave-running dump: the dump fails (its image is
    removed), and the failure path restores and unlocks the process after all."""
    genv = dict(gpu, CRYO_FAKE_CUDA_FAIL="restore:1")
    run = start_cuda(env, genv, MIB)
    p = run_cryo(genv, "dump", "-t", run.pid, "-D", tmp_path / "img", "--leave-running")
    assert p.returncode != 0 and "cuCheckpointProcessRestore" in p.stderr, p.stderr
    seen = [(op, c["rc"]) for op, c in calls(genv)]
    assert seen == [("lock", "0"), ("checkpoint", "0"), ("restore", "999"), ("restore", "0"),
                    ("unlock", "0")], seen
    assert driver_state(genv, run.pid)[0] == 0
    check_passes(run, run.pid)


def test_a_failed_driver_restore_kills_the_restored_tree(env, gpu, tmp_path):
    """The driver fails at restore: the whole tree is killed, nothing half-restored is left,
    and the image restores afterwards."""
    run = start_cuda(env, gpu, MIB)
    img = tmp_path / "img"
    dump(env, gpu, run, img)
    for step in ("restore", "unlock"):
        p = restore(env, gpu, img, CRYO_FAKE_CUDA_FAIL=step)
        assert p.returncode != 0, p.stdout
        assert f"pid {run.pid}" in p.stderr and "cuCheckpointProcess" in p.stderr, p.stderr
        reap(run.pid, 5)
        assert not alive(run.pid)
        # The first try made the device again; the tree died, its file stays as a dead
        # process's GPU memory would be freed: remove it for the next try.
        if vram(gpu, run.pid).exists():
            vram(gpu, run.pid).unlink()
    p = restore(env, gpu, img)
    assert p.returncode == 0, p.stderr
    check_passes(run, env.restored[-1])


@pytest.mark.parametrize("change,expect", [
    ({"CRYO_FAKE_CUDA_GPUS": "Fake H100,Fake H100"},
     "the image was made with 1 GPU(s) (Fake H100), this machine has 2"),
    ({"CRYO_FAKE_CUDA_GPUS": "Fake A100"}, "GPU 0 is a Fake A100 here; the image was made on "
     "a Fake H100"),
    ({"CRYO_FAKE_CUDA_GPUS": ""}, "this machine has 0"),
    ({"CRYO_FAKE_CUDA_VERSION": "12040"}, "the NVIDIA driver here (CUDA 12.4) is older than "
     "the image's (CUDA 12.8)"),
    pytest.param({"LD_LIBRARY_PATH": "/nonexistent"},
                 "this machine cannot restore it: no NVIDIA driver", marks=no_real_driver),
])
def test_restore_refuses_other_gpus_or_an_older_driver(env, gpu, tmp_path, change, expect):
    run = start_cuda(env, gpu, 4)
    img = tmp_path / "img"
    dump(env, gpu, run, img)
    p = restore(env, gpu, img, **change)
    assert p.returncode != 0
    assert "plugin cuda:" in p.stderr and expect in p.stderr, p.stderr
    assert not alive(run.pid)
    assert [op for op, _ in calls(gpu)] == ["lock", "checkpoint"]
    # A newer driver is fine, as is the machine the image was made on.
    p = restore(env, gpu, img, CRYO_FAKE_CUDA_VERSION="12090")
    assert p.returncode == 0, p.stderr
    check_passes(run, env.restored[-1])


@pytest.mark.parametrize("edit,field", [
    (lambda t: t.replace("cryo-cuda 1", "cryo-cuda 9"), "header"),
    (lambda t: t.replace("driver 12080", "driver -5"), "driver"),
    (lambda t: t.replace("gpus 1", "gpus 65"), "gpus"),
    (lambda t: t.replace(" Fake H100", " Fake\tH100"), "gpu (its name)"),
    (lambda t: t.replace("tasks 1", "tasks 2"), "task (its pid)"),
    (lambda t: t.replace(" running ", " dancing "), "task (its state)"),
    (lambda t: t + "task 1 2 running 0\n", "end"),
    (lambda t: "\n".join(x if not x.startswith("task ") else "task 1 2 running 0"
                         for x in t.splitlines()) + "\n", "task (pid 1 is not in the image)"),
])
def test_a_damaged_cuda_img_is_refused(env, gpu, tmp_path, edit, field):
    run = start_cuda(env, gpu, 4)
    img = tmp_path / "img"
    dump(env, gpu, run, img)
    f = img / "cuda.img"
    good = f.read_text()
    f.write_text(edit(good))
    p = restore(env, gpu, img)
    assert p.returncode != 0
    assert f"cuda.img: bad {field}" in p.stderr, p.stderr
    assert not alive(run.pid)
    f.write_text(good)
    assert restore(env, gpu, img).returncode == 0
    check_passes(run, env.restored[-1])


@no_real_driver
def test_a_process_that_only_loads_libcuda_is_no_cuda_process(env, gpu, tmp_path):
    """Mapping libcuda makes a process a candidate; the driver knowing no CUDA state of it
    makes it an ordinary process: dumped and restored without the plugin."""
    run = start_cuda(env, gpu, "--no-context")
    img = tmp_path / "img"
    dump(env, gpu, run, img)
    assert calls(gpu) == []
    assert not (img / "cuda.img").exists()
    assert json.loads((img / "cryo.json").read_text()).get("plugins", []) == []
    p = restore(env, gpu, img, LD_LIBRARY_PATH="/nonexistent")
    assert p.returncode == 0, p.stderr
    check_passes(run, env.restored[-1])


def test_a_device_mapping_the_driver_does_not_know_is_refused(env, gpu, tmp_path):
    """A task mapping /dev/nvidia* with the driver present but no CUDA state of it in the
    driver: refused, naming the task and the device; it runs on."""
    fake = tmp_path / "dev"
    fake.mkdir()
    (fake / "nvidia0").write_bytes(b"\0" * 4096)
    script = (f"mount --bind {fake} /dev && exec python3 -c \"import mmap,os,time,sys;"
              "f=open('/dev/nvidia0','r+b');m=mmap.mmap(f.fileno(),4096);"
              "print('ready',flush=True);time.sleep(600)\"")
    p = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                         stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        q = run_cryo(gpu, "dump", "-t", p.pid, "-D", tmp_path / "img")
        assert q.returncode != 0
        assert f"pid {p.pid} holds NVIDIA GPU state (it maps /dev/nvidia0) that the driver " \
            "cannot checkpoint" in q.stderr, q.stderr
        assert p.poll() is None
    finally:
        p.kill()
        p.wait()


@no_real_driver
def test_check_reports_the_driver_and_its_checkpoint_api(gpu):
    p = run_cryo(gpu, "check")
    line = next(x for x in p.stdout.splitlines() if x.strip().startswith("cuda "))
    assert "CUDA driver 12.8, checkpoint API present, 1 GPU(s): Fake H100" in line, line
    p = run_cryo(gpu, "check", LD_LIBRARY_PATH="/nonexistent")
    line = next(x for x in p.stdout.splitlines() if x.strip().startswith("cuda "))
    assert "no NVIDIA driver" in line and "checkpoint API absent" in line, line


@pytest.mark.skipif(shutil.which("runc") is None or os.geteuid() != 0,
                    reason="runc (scripts/install-deps.sh) and root needed")
def test_cuda_process_in_a_runc_container(gpu, tmp_path):
    """A CUDA process as a runc container's init: the plugin runs for the container's tree
    (in its pid namespace, where it is pid 1), and the new container from the same bundle
    gets its GPU state back. The bundle binds in what nvidia-container-toolkit would: the
    driver's library (here the fake, with the host's libraries) and its device (here the
    fake's directory)."""
    from test_containers import Box, runc, state
    # The restore's tracer works in the container's mount namespace: the driver's log too.
    gpu = dict(gpu, CRYO_FAKE_CUDA_LOG=str(Path(gpu["CRYO_FAKE_CUDA_DIR"]) / "driver.log"))
    box = Box(tmp_path)
    try:
        b = box.bundle([workload("cuda_counter"), "8"])
        cfg = json.loads((b / "config.json").read_text())
        for src, mode in [("/usr/lib", "ro"), ("/lib", "ro"), ("/lib64", "ro"),
                          (str(BUILD), "ro"), (gpu["CRYO_FAKE_CUDA_DIR"], "rw")]:
            cfg["mounts"].append({"destination": src, "type": "bind", "source": src,
                                  "options": ["rbind", mode]})
        cfg["process"]["env"] += [f"LD_LIBRARY_PATH={FAKE}",
                                  f"CRYO_FAKE_CUDA_DIR={gpu['CRYO_FAKE_CUDA_DIR']}"]
        (b / "config.json").write_text(json.dumps(cfg))
        cid = box.run(b)
        out = tmp_path / f"{cid}.out"
        deadline = time.time() + 20
        while "ready" not in out.read_text() and time.time() < deadline:
            time.sleep(0.05)
        assert "ready" in out.read_text(), out.read_text()
        img = tmp_path / "img"
        p = run_cryo(gpu, "dump", "--runc", cid, "-D", img)
        assert p.returncode == 0, p.stderr
        assert state(cid) is None
        seen = calls(gpu)
        assert [(op, c["pid"], c["traced"]) for op, c in seen] == [
            ("lock", "1", "0"), ("checkpoint", "1", "0")], seen
        assert (img / "cuda.img").read_text().splitlines()[6].startswith("task 1 ")
        new = box.id()
        with open(tmp_path / f"{new}.restore", "wb") as f:
            q = subprocess.run([CRYO, "restore", "--runc", new, "-D", img, "--detach", "-v",
                                "--bundle", b], env=gpu, stdin=subprocess.DEVNULL, stdout=f,
                               stderr=f, timeout=60)
        text = (tmp_path / f"{new}.restore").read_text()
        assert q.returncode == 0, text
        assert [op for op, _ in calls(gpu)][2:] == ["restore", "unlock"], calls(gpu)
        runc("kill", new, "USR1")
        deadline = time.time() + 20
        while "PASS" not in text and "FAIL" not in text and time.time() < deadline:
            time.sleep(0.05)
            text = (tmp_path / f"{new}.restore").read_text()
        assert "PASS" in text, text
    finally:
        box.cleanup()
