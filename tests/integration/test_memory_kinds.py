"""Kinds of memory beyond plain private and shared mappings, each through a real dump and
restore with default options: aio rings, guard regions, MAP_DROPPABLE, hugetlb."""
import subprocess
from pathlib import Path

import pytest

from conftest import PREDUMP, workload


def test_aio_contexts(env):
    """Two aio contexts keep their IDs (ring addresses), head, tail and completed events not
    reaped yet (wrapping around a small ring's end); reads submitted after restore complete."""
    env.roundtrip([workload("mem_aio")])


def test_guard_regions(env):
    """MADV_GUARD_INSTALL guards in an anonymous and a private file mapping still fault and
    show in pagemap; every other page reads as it was."""
    env.roundtrip([workload("mem_guard")])


def test_more_regions_than_one_pagemap_scan_batch(env):
    """Every other page written in one mapping (3000 runs), every other page a guard in
    another (700): more than one PAGEMAP_SCAN batch holds, each page restored as it was."""
    env.roundtrip([workload("mem_many_regions")])


def test_droppable_mapping(env):
    """A MAP_DROPPABLE mapping comes back droppable, same place, its pages dropped (zeros):
    what lives there (glibc's vgetrandom() state) must not be copied (zdtm's maps11)."""
    env.roundtrip([workload("mem_droppable")])


# --- hugetlb --------------------------------------------------------------------------------

HUGEPAGES = Path("/proc/sys/vm/nr_hugepages")
HUGEPAGES_NEEDED = 16  # what mem_hugetlb maps and reserves (12), and some room


@pytest.fixture
def hugetlbfs(tmp_path):
    """Room for 2 MiB pages in the pool, and a hugetlbfs mount; both undone afterwards."""
    old = int(HUGEPAGES.read_text())
    free = int(_meminfo("HugePages_Free"))
    mnt = tmp_path / "hugefs"
    mnt.mkdir()
    mounted = False
    try:
        if free < HUGEPAGES_NEEDED:
            HUGEPAGES.write_text(str(old + HUGEPAGES_NEEDED - free))
            if int(_meminfo("HugePages_Free")) < HUGEPAGES_NEEDED:
                pytest.skip("the kernel cannot allocate 16 huge pages of 2 MiB")
        subprocess.run(["mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "none", str(mnt)],
                       check=True)
        mounted = True
        yield mnt
    finally:
        if mounted:
            subprocess.run(["umount", str(mnt)], check=False)
        HUGEPAGES.write_text(str(old))


def _meminfo(key):
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(key + ":"):
            return line.split()[1]
    raise KeyError(key)


def test_hugetlb_mappings(env, hugetlbfs):
    """Private and shared MAP_HUGETLB memory, an MFD_HUGETLB memfd mapped shared and private,
    a hugetlbfs file mapped shared: same page size, same content, still one object each."""
    env.roundtrip([workload("mem_hugetlb"), hugetlbfs])


def test_file_mappings_whose_protection_differs_from_the_open_mode(env):
    """Shared mappings that may or may not become writable (as the descriptor they were made
    from allowed), a private writable mapping of a read-only file, a mapping whose descriptor
    is closed, a read-only mapping of a memfd: each behaves as before."""
    env.roundtrip([workload("mem_file_modes")])


@pytest.mark.parametrize("mode", ["all", "except"])
def test_thp_disable(env, mode):
    """PR_SET_THP_DISABLE, plain and with PR_THP_DISABLE_EXCEPT_ADVISED, reads back the same."""
    env.roundtrip([workload("mem_thp"), mode])


def test_pages_shared_copy_on_write_with_children_stay_shared(env):
    """A parent's 64 MiB read by 4 children: after restore each child maps the parent's
    physical pages (PFNs equal, Pss a fifth of Rss), and a child's write is its own."""
    if PREDUMP:
        # The pages the pre-dump saved are in the parent image, and sharing is found among
        # the pages one image saves: after the dump on top, the children's come back copies.
        pytest.skip("sharing is restored from the pages of one image, not of a chain")
    env.roundtrip([workload("mem_cow")], timeout=60)


def test_private_file_pages_shared_copy_on_write_stay_shared(env):
    """Written pages of a private file mapping, shared by a parent and its child since the
    fork: after restore the child maps the parent's physical pages, the unwritten ones still
    read the file, and a write by the child is its own (zdtm's cow01, file_tcs)."""
    if PREDUMP:
        pytest.skip("sharing is restored from the pages of one image, not of a chain")
    env.roundtrip([workload("mem_cow_file")])


def test_dump_left_running_keeps_pages_shared_copy_on_write(env):
    """A dump with --leave-running reads the tree's pages without unsharing them (a pinning
    read, process_vm_readv(), would give the parent a copy of each): the running tree still
    maps one physical page for parent and children, Pss a fifth of Rss."""
    run = env.start([workload("mem_cow")])
    run.wait_for("ready", 60)
    env.dump(run, leave_running=True)
    env.check(run, run.pid)
