"""Plugins take part in every dump and restore at fixed points (docs/plugins.md). The test
plugin (tests/plugins/hook-recorder.c) is loaded from a plugins directory as any other, records
each hook it sees, keeps a file of its own in the image, and fails where it is told to."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BUILD, CRYO, alive, image_pids, reap_gone, workload

RECORDER = BUILD / "tests" / "plugins" / "hook-recorder.so"

DUMP_HOOKS = ["dump-before-freeze", "dump-after-freeze", "dump-before-memory",
              "dump-after-memory", "dump-done"]
RESTORE_HOOKS = ["restore-before", "restore-after", "restore-resumed"]


@pytest.fixture
def plugins(tmp_path):
    """A plugins directory holding the recorder, and the environment that loads it."""
    d = tmp_path / "plugins"
    d.mkdir(mode=0o755)
    shutil.copy(RECORDER, d / "hook-recorder.so")
    log = tmp_path / "hooks.log"
    env = dict(os.environ, CRYO_PLUGINS_DIR=str(d), CRYO_TEST_PLUGIN_LOG=str(log))
    return d, log, env


def run_cryo(env, *args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE):
    return subprocess.run([CRYO, *map(str, args)], env=env, stdin=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120)


def hooks(log):
    return [line.split()[0] for line in log.read_text().splitlines()] if log.exists() else []


def test_check_lists_builtin_and_loaded_plugins(plugins):
    d, log, env = plugins
    p = run_cryo(env, "check")
    out = p.stdout
    assert "plugins:" in out
    cuda = next(line for line in out.splitlines() if line.strip().startswith("cuda "))
    assert "built in" in cuda and ("libcuda.so.1" in cuda or "CUDA driver" in cuda), cuda
    rec = next(line for line in out.splitlines() if "hook-recorder" in line)
    assert "1.0" in rec and f"{d}/hook-recorder.so" in rec and str(log) in rec, rec


def test_hooks_run_in_order_and_the_image_keeps_the_plugins_state(env, plugins, tmp_path):
    d, log, penv = plugins
    penv["CRYO_TEST_PLUGIN_STATE"] = "warm-state-42"
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    img = tmp_path / "img"
    p = run_cryo(penv, "dump", "-t", run.pid, "-D", img)
    assert p.returncode == 0, p.stderr
    run.finish()
    reap_gone(image_pids(img))
    assert hooks(log) == DUMP_HOOKS
    first = log.read_text().splitlines()
    assert all(f"root={run.pid}" in line and "dirfd=1" in line for line in first), first
    assert (img / "hook-recorder.state").read_text() == "warm-state-42"
    assert oct((img / "hook-recorder.state").stat().st_mode & 0o777) == "0o600"
    # The image records that it needs the plugin: without it, the restore is refused.
    bare = dict(penv, CRYO_PLUGINS_DIR=str(tmp_path / "none"))
    (tmp_path / "none").mkdir()
    q = run_cryo(bare, "restore", "-D", img, "--detach")
    assert q.returncode != 0
    assert "plugin hook-recorder" in q.stderr and "not loaded" in q.stderr, q.stderr
    assert not alive(run.pid)
    # With it, the hooks run around the restore, and the plugin reads its state back.
    log.unlink()
    pidfile = tmp_path / "pid"
    q = run_cryo(penv, "restore", "-D", img, "--detach", "--pidfile", pidfile)
    assert q.returncode == 0, q.stderr
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    lines = log.read_text().splitlines()
    assert [line.split()[0] for line in lines] == \
        ["restore-before", "state=warm-state-42", "restore-after", "restore-resumed"]
    env.check(run, pid)


@pytest.mark.parametrize("where", ["dump-before-freeze", "dump-after-freeze",
                                   "dump-after-memory", "dump-done"])
def test_a_failing_dump_hook_fails_the_dump_and_the_tree_runs_on(env, plugins, tmp_path,
                                                                 where):
    d, log, penv = plugins
    penv["CRYO_TEST_PLUGIN_FAIL"] = where
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    img = tmp_path / "img"
    p = run_cryo(penv, "dump", "-t", run.pid, "-D", img)
    assert p.returncode != 0
    assert f"plugin hook-recorder: told to fail at {where}" in p.stderr, p.stderr
    seen = hooks(log)
    assert seen[-1] == "dump-failed" and seen[-2] == where, seen
    assert not (img / "cryo.json").exists()
    env.check(run, run.pid)  # resumed untouched


def test_a_failing_restore_hook_leaves_nothing_running(env, plugins, tmp_path):
    d, log, penv = plugins
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    img = env.dump(run, img=tmp_path / "img", suite_args=False)
    penv["CRYO_TEST_PLUGIN_FAIL"] = "restore-after"
    q = run_cryo(penv, "restore", "-D", img, "--detach")
    assert q.returncode != 0
    assert "told to fail at restore-after" in q.stderr, q.stderr
    reap_gone(image_pids(img))
    assert not alive(run.pid)
    # The same image restores once the plugin lets it.
    del penv["CRYO_TEST_PLUGIN_FAIL"]
    pidfile = tmp_path / "pid"
    q = run_cryo(penv, "restore", "-D", img, "--detach", "--pidfile", pidfile)
    assert q.returncode == 0, q.stderr
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    env.check(run, pid)


def test_plugin_state_travels_in_a_stream(env, plugins, tmp_path):
    d, log, penv = plugins
    penv["CRYO_TEST_PLUGIN_STATE"] = "streamed"
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    stream = tmp_path / "image.stream"
    with open(stream, "wb") as out:
        p = run_cryo(penv, "dump", "-t", run.pid, "-D", "-", stdout=out)
    assert p.returncode == 0, p.stderr
    run.finish()
    log.unlink()
    pidfile = tmp_path / "pid"
    with open(stream, "rb") as src:
        q = run_cryo(penv, "restore", "-D", "-", "--detach", "--pidfile", pidfile, stdin=src)
    assert q.returncode == 0, q.stderr
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    assert "state=streamed" in log.read_text()
    env.check(run, pid)


def test_plugins_from_a_directory_others_may_write_are_not_loaded(plugins, tmp_path):
    d, log, env = plugins
    os.chmod(d, 0o777)
    p = run_cryo(env, "check")
    assert "writable by others" in p.stderr, p.stderr
    assert "hook-recorder" not in p.stdout
    os.chmod(d, 0o755)
    os.chmod(d / "hook-recorder.so", 0o666)
    p = run_cryo(env, "check")
    assert "FAILED" in p.stdout and "writable by others" in p.stdout, p.stdout


def test_cuda_plugin_refuses_a_task_that_maps_an_nvidia_device(env, tmp_path):
    """Without a GPU here, a workload maps a file named like an NVIDIA device node from a
    private /dev (its own mount namespace): the plugin finds it before freezing and refuses
    clearly, and the workload runs on."""
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
        q = subprocess.run([CRYO, "dump", "-t", str(p.pid), "-D", str(tmp_path / "img")],
                           capture_output=True, text=True, timeout=60)
        assert q.returncode != 0
        assert "plugin cuda:" in q.stderr and "NVIDIA GPU" in q.stderr and \
            "/dev/nvidia0" in q.stderr, q.stderr
        assert p.poll() is None
    finally:
        p.kill()
        p.wait()
