"""The process tree comes back exactly: PIDs, parent links, exit codes reaped by the right
parent, descriptions shared across fork, pipes between processes that keep streaming, and
sessions and process groups."""
import pytest

from conftest import descendants, image_pids, kill_pids, reap_gone, workload


@pytest.fixture
def tree_pids():
    """PIDs of every task of the images a test made; killed at the end whatever happened
    (restored descendants in their own session or group escape the harness' killpg)."""
    pids = set()
    yield pids
    kill_pids(pids)


def roundtrip(env, tree_pids, argv, ntasks):
    run = env.start(argv)
    run.wait_for("ready")
    img = env.tmp / "img"
    tree_pids.update(descendants(run.pid))  # for the cleanup, should the dump fail
    try:
        env.dump(run, img)
    finally:
        tasks = image_pids(img)
        tree_pids.update(tasks)
    reap_gone(tasks)
    assert len(tasks) == ntasks, f"image holds {len(tasks)} tasks: {sorted(tasks)}"
    pid = env.restore(img)
    assert pid == run.pid
    env.check(run, pid)
    return run, tasks


def test_tree_pids_ppids_exit_codes(env, tree_pids):
    roundtrip(env, tree_pids, [workload("tree_pids")], 1 + 3 + 3 * 2)


def test_pipeline_keeps_streaming(env, tree_pids):
    roundtrip(env, tree_pids, [workload("tree_pipeline")], 3)


def test_fork_shared_offset(env, tree_pids):
    run, _ = roundtrip(env, tree_pids, [workload("tree_shared_file")], 2)
    assert (env.tmp / "shared.log").read_text() == "start\nchild\nparent\n"


def test_sessions_and_groups(env, tree_pids):
    roundtrip(env, tree_pids, [workload("tree_sess")], 1 + 2 + 3 + 1)


def test_group_led_by_younger_sibling(env, tree_pids):
    roundtrip(env, tree_pids, [workload("tree_sess"), "sibling"], 1 + 2 + 3 + 1 + 1)
