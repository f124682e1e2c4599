"""`cryo show s3://BUCKET/PREFIX` (docs/cryo-show.md): an image in object storage described
from its metadata objects (cryo-image.json, cryo-index and the span of stream-0 that holds
the image's files), against the s3rver of test_object_storage.py. No page is read: a damaged
page frame does not stop it, while a missing object or image is named."""
import json

from conftest import alive, cryo, reap_gone, workload
from test_object_storage import BUCKET, s3, s3api, s3cryo  # noqa: F401 (s3 is a fixture)


def test_show_an_image_in_object_storage(env, s3, tmp_path):  # noqa: F811
    run = env.start([workload("mem_anon")])
    run.wait_for("ready")
    # The same tree, once to a directory (left running) and once to object storage.
    local = tmp_path / "local"
    cryo("dump", "-t", run.pid, "-D", local, "--leave-running")
    url = f"s3://{BUCKET}/show/one"
    s3cryo(s3, "dump", "-t", run.pid, "-D", url, "--streams", "2")
    run.finish()
    reap_gone([run.pid])
    assert not alive(run.pid)

    # The same description, but for the time each dump was made.
    want = json.loads(cryo("show", local, "--json").stdout)
    got = json.loads(s3cryo(s3, "show", url, "--json").stdout)
    assert 0 <= got.pop("created") - want.pop("created") <= 60
    assert got == want
    assert want["tasks"][0]["pid"] == run.pid
    text = s3cryo(s3, "show", url).stdout
    assert text == cryo("show", local).stdout
    assert f"root pid {run.pid}, 1 task(s)" in text and "pages saved" in text, text

    # Only the metadata is read: a page frame of stream-1 damaged (its checksum would fail a
    # restore) leaves the description as it was.
    stream1 = bytearray(s3api(s3, "GET", "show/one/stream-1"))
    stream1[len(stream1) // 2] ^= 0xFF
    (tmp_path / "bad").write_bytes(bytes(stream1))
    s3api(s3, "PUT", "show/one/stream-1", "-T", str(tmp_path / "bad"))
    got = json.loads(s3cryo(s3, "show", url, "--json").stdout)
    got.pop("created")
    assert got == want

    # A stream object gone: the image is incomplete, and its key is named.
    s3api(s3, "DELETE", "show/one/stream-1")
    p = s3cryo(s3, "show", url, check=False)
    assert p.returncode == 1 and p.stdout == "", p.stdout
    assert f"s3://{BUCKET}/show/one/stream-1" in p.stderr, p.stderr
    # No metadata object: no image, named by its URL and the key it looked for.
    s3api(s3, "DELETE", "show/one/cryo-image.json")
    p = s3cryo(s3, "show", url, check=False)
    assert p.returncode == 1, p.stderr
    assert f"cryo show: no image at {url} (no cryo-image.json" in p.stderr, p.stderr
    p = s3cryo(s3, "show", f"s3://{BUCKET}/show/nothing", "--json", check=False)
    assert p.returncode == 1 and f"no image at s3://{BUCKET}/show/nothing" in p.stderr


def test_show_refuses_a_bad_url_or_no_credentials(s3):  # noqa: F811
    p = s3cryo(s3, "show", "s3://", check=False)
    assert p.returncode == 1 and "s3://" in p.stderr, p.stderr
    env = {k: v for k, v in s3["env"].items() if not k.startswith("AWS_")}
    p = s3cryo({"env": env}, "show", f"s3://{BUCKET}/show/one", check=False)
    assert p.returncode == 1 and "AWS_ACCESS_KEY_ID" in p.stderr, p.stderr
