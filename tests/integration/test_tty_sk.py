"""Bytes buffered in pseudo-terminals (both directions, canonical and raw), a master whose
slave was closed, locked ptys; credentials queued on unix sockets."""
import os
import signal

from conftest import alive, workload


def test_pty_queued_bytes_closed_slave_and_lock(env):
    """Bytes a pty holds in each direction come back exactly (canonical lines and an
    unfinished one, raw bytes the line discipline would act on, no second echo); a master
    whose slave was closed still reads its bytes then EIO; locked ptys stay locked."""
    env.roundtrip([workload("pty_more")])


def test_pty_dump_leaves_queued_bytes(env):
    """A dump reads the bytes a pty holds (they cannot be read without being consumed) and
    queues them again: with --leave-running the original finds every byte where it was."""
    run = env.start([workload("pty_more")])
    run.wait_for("ready")
    img = env.dump(run, leave_running=True)
    assert alive(run.pid), "the process did not survive --leave-running"
    os.kill(run.pid, signal.SIGUSR1)
    assert run.finish(20) == 0, f"original failed after the dump: {run.text()!r}"
    assert "PASS" in run.text()
    run.out.write_bytes(b"")
    pid = env.restore(img)
    env.check(run, pid)
