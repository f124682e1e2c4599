"""Kinds of memory beyond plain private and shared mappings, each through a real dump and
restore with default options: aio rings, guard regions, MAP_DROPPABLE, hugetlb."""
from conftest import workload


def test_aio_contexts(env):
    """Two aio contexts keep their IDs (ring addresses), head, tail and completed events not
    reaped yet (wrapping around a small ring's end); reads submitted after restore complete."""
    env.roundtrip([workload("mem_aio")])


def test_guard_regions(env):
    """MADV_GUARD_INSTALL guards in an anonymous and a private file mapping still fault and
    show in pagemap; every other page reads as it was."""
    env.roundtrip([workload("mem_guard")])


def test_droppable_mapping(env):
    """A MAP_DROPPABLE mapping comes back droppable, same place, same pages."""
    env.roundtrip([workload("mem_droppable")])
