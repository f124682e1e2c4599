"""Memory comes back exactly: checksums of every kind of private mapping, counters continue."""
from conftest import workload


def test_anon_mappings(env):
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    env.dump(run)
    pid = env.restore()
    assert pid == run.pid
    env.check(run, pid)


def test_restore_twice_from_one_image(env):
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    img = env.dump(run)
    for _ in range(2):
        pid = env.restore(img)
        env.check(run, pid)
