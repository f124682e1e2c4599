"""BPF maps (anon_inode:bpf-map) come back with their attributes, names, frozen state and
every entry, shared where they were shared; the map types cryo cannot carry are refused at
dump, naming the pid, the descriptor and the type, and the tree runs on."""
import json
import os
import signal
import time

import pytest

from conftest import alive, cryo, image_pid, workload


def _start(env, *args):
    run = env.start([workload("bpf_maps"), *args])
    deadline = time.time() + 20
    while "ready" not in run.text() and "SKIP" not in run.text():
        assert time.time() < deadline, f"no ready: {run.text()!r}"
        assert alive(run.pid) or "SKIP" in run.text(), f"it died: {run.text()!r}"
        time.sleep(0.02)
    if "SKIP" in run.text():
        pytest.skip(run.text().split("SKIP: ", 1)[1].strip())
    return run


def test_bpf_maps(env):
    run = _start(env)
    img = env.dump(run)
    meta = json.loads((img / "cryo.json").read_text())
    maps = [f for f in meta["files"] if f["type"] == 16]
    names = sorted(f["map_name"] for f in maps)
    want = ["", "cryo.lru", "cryo_arr", "cryo_frozen", "cryo_hash", "cryo_hash",
            "cryo_mmapable", "cryo_shared", "cryo_btf", "cryo_numa"]
    want += [n for n in ("cryo_pcpu", "cryo_pchash", "cryo_lrupc")
             if f"no per-CPU map {n}" not in run.text()]
    assert names == sorted(want), names
    # The read-only descriptor of the hash is a second description of its map: it refers to
    # the first, which alone carries the entries.
    hashes = [f for f in maps if f["map_name"] == "cryo_hash"]
    assert [int(f["params"][5], 16) & 2 for f in hashes] == [0, 2]
    assert hashes[1]["entries"] == ""
    assert len(hashes[0]["entries"]) == 2 * 10 * (4 + 16)
    shown = cryo("show", img).stdout
    assert 'bpf-map hash "cryo_hash" key 4 value 16 max 64, 10 entries' in shown, shown
    assert 'bpf-map array "cryo_frozen" key 4 value 8 max 4, 4 entries, frozen' in shown, shown
    btf = [f for f in maps if f["map_name"] == "cryo_btf"][0]
    assert btf["btf_types"] == [1, 2] and btf["btf"].startswith("9feb"), btf
    assert all(f["btf"] == "" and f["btf_types"] == [0, 0] for f in maps if f is not btf)
    # BPF_F_NUMA_NODE (4) kept (zdtm bpf_array and bpf_hash compare the flags).
    numa = [f for f in maps if f["map_name"] == "cryo_numa"][0]
    assert int(numa["params"][4], 16) == 4, numa
    pid = env.restore(img)
    assert image_pid(pid) == run.pid
    env.check(run, pid)


@pytest.mark.parametrize("kind", ["refuse", "mmap", "spinlock"])
def test_bpf_map_unsupported_type_refused(env, kind):
    """A program array (its state is references to programs), a mapped BPF_F_MMAPABLE array
    (its mapping is shared with the map), a map whose BTF-typed value holds a spin lock."""
    run = _start(env, kind)
    fd = run.text().split("holding fd ", 1)[1].split()[0]
    img = env.tmp / "img"
    p = cryo("dump", "-t", run.pid, "-D", img, check=False)
    assert p.returncode == 1, f"exit {p.returncode}: {p.stderr}"
    words = {"refuse": (f"fd {fd}", "BPF map of type prog_array"),
             "mmap": ("mapping", "of anon_inode:bpf-map is not supported"),
             "spinlock": (f"fd {fd}", '"cryo_locked"', "hold a bpf_spin_lock")}[kind]
    for w in (f"pid {run.pid}", *words):
        assert w in p.stderr, f"{w!r} not in {p.stderr!r}"
    assert not (img / "cryo.json").exists(), "a refused dump left an image behind"
    # The tree runs on, untraced, and its map is intact.
    deadline = time.time() + 5
    while time.time() < deadline:
        with open(f"/proc/{run.pid}/status") as f:
            if "TracerPid:\t0\n" in f.read():
                break
        time.sleep(0.02)
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish(20) == 0 and "PASS" in run.text(), run.text()
