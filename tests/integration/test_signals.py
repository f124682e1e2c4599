"""Signals come back exactly: dispositions with their flags and masks (and handlers that
really run with them), per-thread alternate stacks, pending signals, interval and POSIX
timers, and threads blocked waiting for a signal.

Each test runs one workload from tests/workloads/signals (or threads/thr_blocked for the
waits); the workload checks itself after SIGUSR1 and prints PASS.
"""
import pytest

from conftest import workload
from test_threads import roundtrip


def test_handlers_flags_and_masks(env):
    roundtrip(env, [workload("sig_handlers")])


def test_sigaltstack_per_thread(env):
    roundtrip(env, [workload("sig_altstack")])


@pytest.mark.parametrize("mode", ["shared", "thread"])
def test_pending_signals(env, mode):
    roundtrip(env, [workload("sig_pending"), mode])


def test_interval_timers(env):
    # The timers fire during the test, so the pending/caught sets may differ from outside.
    roundtrip(env, [workload("sig_itimer")], compare_proc=False)


def test_interval_timer_fired_with_its_signal_pending(env):
    """zdtm timers ("timer N stuck", under load): an ITIMER_REAL that fired while its SIGALRM
    waits (blocked here; a dump's freeze does the same) shows no time left until the signal
    is taken, when the kernel re-arms it. Restored armed, with its interval, as CRIU does."""
    roundtrip(env, [workload("sig_itimer_pending")], compare_proc=False)


def test_posix_timer(env):
    roundtrip(env, [workload("sig_posix_timer")], compare_proc=False)


def test_sigtrap_handler_and_pending(env):
    """A SIGTRAP handler survives, and a SIGTRAP pending while blocked is still pending."""
    roundtrip(env, [workload("sig_trap")], compare_proc=False)


def test_posix_timer_aimed_at_a_thread(env):
    """SIGEV_THREAD_ID and glibc SIGEV_THREAD timers still signal their one thread. glibc
    runs each SIGEV_THREAD expiry in a thread of its own, so the thread list changes as the
    tree runs: not compared."""
    roundtrip(env, [workload("sig_posix_timer_thread")], compare_proc=False, compare_tids=False)


@pytest.mark.parametrize("mode", ["sigwait", "sigsuspend"])
def test_thread_waiting_for_signal(env, mode):
    # Inside these calls the kernel swaps the thread's mask for a temporary one, so SigBlk in
    # /proc depends on whether the thread has re-entered the call yet: the workload checks
    # the mask itself instead.
    roundtrip(env, [workload("thr_blocked"), mode], compare_proc=False)
