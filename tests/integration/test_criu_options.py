"""CRIU's command-line options, as CRIU users and tools pass them to cryo dump and restore:
each does what CRIU does, is a no-op where cryo's default already does it, or is refused
saying why (docs/cryo-dump.md, "CRIU's options")."""
import os

import pytest

from conftest import cryo, image_pids, reap_gone, workload


def test_criu_options_that_cryo_does_by_default_and_a_log_file(env):
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    img = env.tmp / "img"
    log = env.tmp / "dump.criu.log"
    p = cryo("dump", "-t", run.pid, "-D", img, "--tcp-established", "--file-locks",
             "--link-remap", "--ext-unix-sk", "-j", "--tcp-close", "-v4", "-o", log)
    assert "cryo: debug:" not in p.stderr  # the log went to the file
    assert "cryo: debug:" in log.read_text() and "tree frozen for" in log.read_text()
    assert oct(os.stat(log).st_mode & 0o777) == "0o600"
    run.finish()
    reap_gone(image_pids(img))
    rlog = env.tmp / "restore.criu.log"
    pidfile = env.tmp / "pid"
    cryo("restore", "-D", img, "-d", "--tcp-established", "--ext-unix-sk", "--shell-job", "--pidfile", pidfile,
         "--tcp-close", "--log-file", rlog, "-v3")
    pid = int(pidfile.read_text())
    env.restored.append(pid)
    assert "cryo: info:" in rlog.read_text() and "cryo: debug:" not in rlog.read_text()
    env.check(run, pid)


@pytest.mark.parametrize("opt", [["--manage-cgroups"],
                                 ["--leave-stopped"],
                                 ["--skip-in-flight"]])
def test_criu_options_cryo_does_not_do_are_refused_saying_why(env, opt):
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    p = cryo("dump", "-t", run.pid, "-D", env.tmp / "img", *opt, check=False)
    assert p.returncode == 2
    assert "(a CRIU option) is not supported:" in p.stderr, p.stderr
    assert not (env.tmp / "img").exists()
    env.check(run, run.pid)  # untouched


def test_unknown_option_and_log_file_through_a_link_are_refused(env, tmp_path):
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    p = cryo("dump", "-t", run.pid, "-D", tmp_path / "img", "--frobnicate", check=False)
    assert p.returncode == 2
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (tmp_path / "log").symlink_to(victim)
    p = cryo("dump", "-t", run.pid, "-D", tmp_path / "img", "-o", tmp_path / "log",
             check=False)
    assert p.returncode == 2 and "log file" in p.stderr, p.stderr
    assert victim.read_text() == "precious\n"
    env.check(run, run.pid)
