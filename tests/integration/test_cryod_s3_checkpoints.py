"""GET /v1/checkpoints/{id} of a checkpoint in object storage (docs/api.md): a pre-dump there
is described as a local one is, by its predump.json, and a dump by the engine's description
(`cryo show --json`), read with cryod's store settings; a damaged one gets "image_error"
naming the object. Against s3rver on 127.0.0.1 (test_object_storage.py's fixture) and real cryods
(cryod_harness.Cryod)."""
import json
import os
import time

import pytest

from cryod_harness import CRYOD, Cryod
from test_object_storage import BUCKET, s3, s3api  # noqa: F401 (s3: a fixture)

pytestmark = pytest.mark.skipif(not os.access(CRYOD, os.X_OK), reason="a built cryod needed")

COUNTER = ("import time\n"
           "i = 0\n"
           "while True:\n"
           "    print(i, flush=True)\n"
           "    i += 1\n"
           "    time.sleep(0.01)\n")


def dump(d, job, pre_dump=True):
    d.ok("POST", "/v1/jobs", {"id": job, "command": ["python3", "-c", COUNTER]}, status=201)
    deadline = time.time() + 10
    while len((d.request("GET", f"/v1/jobs/{job}/logs")[1] or "").split()) < 5:
        assert time.time() < deadline, "the counter never counted"
        time.sleep(0.05)
    pid = d.ok("GET", f"/v1/jobs/{job}")["pid"]
    return d.ok("POST", f"/v1/jobs/{job}/dump", {"pre_dump": pre_dump}, status=201), pid


def shape(v):
    """The keys of every object in v, recursively (values differ between two pre-dumps)."""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(v[0])] if v else []
    return type(v).__name__


def test_checkpoints_in_the_store_are_described_as_local_ones(s3, tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "l").mkdir()
    # The store reached with cryod's own settings only, none in its environment: the
    # description must use them, as dumps and restores do.
    e = s3["env"]
    store = Cryod(tmp_path / "s", config={
        "checkpoint": {"dir": f"s3://{BUCKET}/ckd"},
        "storage": {"s3": {"endpoint": e["AWS_ENDPOINT_URL"], "region": e["AWS_REGION"],
                           "access_key_id": e["AWS_ACCESS_KEY_ID"],
                           "secret_access_key": e["AWS_SECRET_ACCESS_KEY"]}}},
        env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")})
    local = Cryod(tmp_path / "l")
    try:
        store.start()
        local.start()
        ck, pid = dump(store, "p")
        assert ck["path"].startswith(f"s3://{BUCKET}/ckd/"), ck
        got = store.ok("GET", f"/v1/checkpoints/{ck['id']}")
        stored = json.loads(s3api(s3, "GET", f"ckd/{ck['id']}/predump.json"))
        assert got["image"] == stored and "image_error" not in got, got
        assert [t["pid"] for t in got["image"]["tasks"]] == [pid], got["image"]

        lck, _ = dump(local, "q")
        lgot = local.ok("GET", f"/v1/checkpoints/{lck['id']}")
        assert lgot["image"] and shape(got["image"]) == shape(lgot["image"]), (got, lgot)

        # Damaged: not JSON. Then gone. Each named, and the checkpoint still answered.
        s3api(s3, "PUT", f"ckd/{ck['id']}/predump.json", "--data-binary", "{not json")
        got = store.ok("GET", f"/v1/checkpoints/{ck['id']}")
        assert got["image"] is None and "predump.json: invalid JSON" in got["image_error"], got
        s3api(s3, "DELETE", f"ckd/{ck['id']}/predump.json")
        got = store.ok("GET", f"/v1/checkpoints/{ck['id']}")
        assert got["image"] is None and "predump.json: no such object" in got["image_error"]
        assert got["id"] == ck["id"] and got["kind"] == "pre-dump"

        # A dump: the engine's description, as of a local dump.
        ck, pid = dump(store, "r", pre_dump=False)
        got = store.ok("GET", f"/v1/checkpoints/{ck['id']}")
        assert got["image"] and "image_error" not in got, got
        assert [t["pid"] for t in got["image"]["tasks"]] == [pid], got["image"]
        lck, _ = dump(local, "s", pre_dump=False)
        lgot = local.ok("GET", f"/v1/checkpoints/{lck['id']}")
        assert set(got["image"]) == set(lgot["image"]), (sorted(got["image"]),
                                                         sorted(lgot["image"]))
        assert set(got["image"]["tasks"][0]) == set(lgot["image"]["tasks"][0])
    finally:
        store.cleanup()
        local.cleanup()
