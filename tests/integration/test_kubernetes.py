"""deploy/kubernetes/ (docs/kubernetes.md): the manifests' structure, checked in Python over the
YAML (always); `kubectl kustomize` over them (where kubectl is installed); cryod started with the
ConfigMap's config file; and, where podman and the image (deploy/kubernetes/build-image.sh)
are here, the image run as the DaemonSet runs it (--privileged --pid=host, the node's /run/cryo
and /var/lib/cryo, the runc state) checkpointing a runc container of the host, which the host
then restores."""
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from conftest import CRYO, ROOT
from cryod_harness import CRYOD

DEPLOY = ROOT / "deploy" / "kubernetes"
NAMESPACE = "cryo-system"
IMAGE = "localhost/cryo:0.1.0"

# The fields each kind must have, with their types: (path, type). A path's "[]" is every item
# of a list.
SCHEMA = {
    "Namespace": [("metadata.name", str)],
    "ServiceAccount": [("metadata.name", str), ("metadata.namespace", str),
                       ("automountServiceAccountToken", bool)],
    "ConfigMap": [("metadata.name", str), ("metadata.namespace", str), ("data", dict)],
    "Secret": [("metadata.name", str), ("metadata.namespace", str), ("type", str),
               ("stringData", dict)],
    "DaemonSet": [
        ("metadata.name", str), ("metadata.namespace", str),
        ("spec.selector.matchLabels", dict), ("spec.template.metadata.labels", dict),
        ("spec.template.spec.hostPID", bool), ("spec.template.spec.containers", list),
        ("spec.template.spec.containers[].name", str),
        ("spec.template.spec.containers[].image", str),
        ("spec.template.spec.containers[].securityContext.privileged", bool),
        ("spec.template.spec.containers[].volumeMounts", list),
        ("spec.template.spec.containers[].volumeMounts[].name", str),
        ("spec.template.spec.containers[].volumeMounts[].mountPath", str),
        ("spec.template.spec.volumes", list), ("spec.template.spec.volumes[].name", str),
    ],
}
API_VERSIONS = {"Namespace": "v1", "ServiceAccount": "v1", "ConfigMap": "v1", "Secret": "v1",
                "DaemonSet": "apps/v1"}
# Fields a pod's container may have, and the kinds of volume we use (a typo, say
# "volumeMount" or "hostpath", would be dropped by the API server, or refused).
CONTAINER_FIELDS = {"name", "image", "imagePullPolicy", "args", "command", "env",
                    "securityContext", "resources", "livenessProbe", "readinessProbe",
                    "volumeMounts"}
VOLUME_KINDS = {"hostPath", "configMap", "secret", "emptyDir"}
HOSTPATH_TYPES = {"", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket",
                  "CharDevice", "BlockDevice"}


def walk(obj, path):
    """The values at path ("a.b[].c") in obj; AssertionError naming what is missing."""
    values = [obj]
    for part in path.split("."):
        many = part.endswith("[]")
        key = part[:-2] if many else part
        nxt = []
        for v in values:
            assert isinstance(v, dict) and key in v, f"{path}: no {key!r}"
            v = v[key]
            if many:
                assert isinstance(v, list) and v, f"{path}: {key} is not a non-empty list"
                nxt.extend(v)
            else:
                nxt.append(v)
        values = nxt
    return values


def manifests():
    docs = {}
    for f in sorted(DEPLOY.glob("*.yaml")):
        if f.name == "kustomization.yaml":
            continue
        for d in yaml.safe_load_all(f.read_text()):
            assert isinstance(d, dict), f"{f.name}: a document that is not a mapping"
            docs[(d.get("kind"), d.get("metadata", {}).get("name"))] = (f.name, d)
    return docs


def test_manifests_have_the_structure_kubernetes_wants():
    docs = manifests()
    for (kind, name), (fname, d) in docs.items():
        assert kind in SCHEMA, f"{fname}: unexpected kind {kind}"
        assert d.get("apiVersion") == API_VERSIONS[kind], f"{fname}: apiVersion"
        for path, typ in SCHEMA[kind]:
            for v in walk(d, path):
                assert isinstance(v, typ), f"{fname}: {path} is {type(v).__name__}"
        if kind != "Namespace":
            assert d["metadata"]["namespace"] == NAMESPACE, f"{fname}: namespace"
    # cryod does not talk to the API server: no RBAC, no token in its pods.
    assert not [k for k, _ in docs if k in ("Role", "ClusterRole", "RoleBinding",
                                            "ClusterRoleBinding")]
    assert docs[("ServiceAccount", "cryod")][1]["automountServiceAccountToken"] is False

    _, ds = docs[("DaemonSet", "cryod")]
    pod = ds["spec"]["template"]["spec"]
    labels = ds["spec"]["template"]["metadata"]["labels"]
    assert ds["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert pod["hostPID"] is True and pod["automountServiceAccountToken"] is False
    assert pod["serviceAccountName"] == "cryod"
    (c,) = pod["containers"]
    assert set(c) <= CONTAINER_FIELDS, set(c) - CONTAINER_FIELDS
    assert c["securityContext"]["privileged"] is True
    assert c["image"] == IMAGE
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert len(volumes) == len(pod["volumes"]), "two volumes of one name"
    for v in volumes.values():
        kinds = set(v) - {"name"}
        assert len(kinds) == 1 and kinds <= VOLUME_KINDS, f"volume {v['name']}: {kinds}"
        if "hostPath" in v:
            assert v["hostPath"]["path"].startswith("/")
            assert v["hostPath"].get("type", "") in HOSTPATH_TYPES
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    for m in c["volumeMounts"]:
        assert m["name"] in volumes, f"mount {m['mountPath']}: no volume {m['name']}"
        assert m.get("mountPropagation", "None") in ("None", "HostToContainer", "Bidirectional")

    def host(mount_path):
        return volumes[mounts[mount_path]["name"]]["hostPath"]["path"]

    # The node's socket directory, state directory and /proc, at the places cryod uses.
    assert host("/run/cryo") == "/run/cryo"
    assert host("/var/lib/cryo") == "/var/lib/cryo"
    assert host("/host/proc") == "/proc" and mounts["/host/proc"]["readOnly"] is True
    # The config file: the ConfigMap's key, where the args say.
    cfg = volumes[mounts["/etc/cryo"]["name"]]["configMap"]["name"]
    _, cm = docs[("ConfigMap", cfg)]
    assert c["args"] == ["--config", "/etc/cryo/config.yaml"] and "config.yaml" in cm["data"]
    config = yaml.safe_load(cm["data"]["config.yaml"])
    assert config["address"] == "/run/cryo/cryod.sock" and config["state_dir"] == "/var/lib/cryo"
    # Every key the pod takes from a Secret is in the example Secret.
    _, secret = docs[("Secret", "cryo-s3")]
    for e in c["env"]:
        ref = e["valueFrom"]["secretKeyRef"]
        assert ref["name"] == "cryo-s3" and ref["key"] in secret["stringData"], e
        assert ref["optional"] is True  # checkpoints stay on the node without it

    # kustomization.yaml names every manifest but the example Secret.
    kust = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    named = {f for f, _ in docs.values()} - {"secret-s3.example.yaml"}
    assert sorted(kust["resources"]) == sorted(named)


def test_kubectl_builds_the_kustomization():
    kubectl = shutil.which("kubectl")
    if not kubectl:
        pytest.skip("kubectl is not installed (the structure check above still ran)")
    p = subprocess.run([kubectl, "kustomize", str(DEPLOY)], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    kinds = sorted(d["kind"] for d in yaml.safe_load_all(p.stdout))
    assert kinds == ["ConfigMap", "DaemonSet", "Namespace", "ServiceAccount"]


def _wait_socket(path, proc, timeout=20):
    deadline = time.time() + timeout
    while not Path(path).exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.time() < deadline, "cryod did not make its socket"
        time.sleep(0.05)


def test_cryod_takes_the_configmaps_config_file(tmp_path):
    """The ConfigMap's file as it is: cryod starts on it (paths moved by flags, which win)."""
    _, cm = manifests()[("ConfigMap", "cryod-config")]
    (tmp_path / "config.yaml").write_text(cm["data"]["config.yaml"])
    sock = tmp_path / "cryod.sock"
    p = subprocess.Popen([CRYOD, "--config", str(tmp_path / "config.yaml"), "--address",
                          str(sock), "--state-dir", str(tmp_path / "state"), "--runc-root",
                          str(tmp_path / "runc"), "--checkpoint-dir", str(tmp_path / "ck")],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_socket(sock, p)
        q = subprocess.run([CRYO, "job", "list"], capture_output=True, text=True, timeout=30,
                           env=dict(os.environ, CRYO_SOCKET=str(sock)))
        assert q.returncode == 0, q.stderr
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _podman_image():
    podman = shutil.which("podman")
    if not podman:
        pytest.skip("podman is not installed")
    if subprocess.run([podman, "image", "exists", IMAGE], timeout=60).returncode:
        pytest.skip(f"no {IMAGE}: deploy/kubernetes/build-image.sh builds it")
    return podman


def test_image_under_podman_checkpoints_a_host_container(tmp_path):
    """The DaemonSet's pod, as close as one machine gets: the image's cryod, privileged, in the
    host's PID namespace, with the host's /run/cryo, /var/lib/cryo, /proc, cgroups and runc
    state (here: a test's directories for the first two and runc's root, bind-mounted where the
    DaemonSet mounts containerd's). The host's CLI adopts a runc container of the host (a pod's
    container, to cryod) as a job through that cryod's socket and checkpoints it; the host then
    restores the image the pod wrote as a new container (as another node would), its counter
    going on from where it was."""
    podman = _podman_image()
    if not shutil.which("runc"):
        pytest.skip("runc is not installed")
    run_dir, state, root = tmp_path / "run", tmp_path / "state", tmp_path / "runc"
    run_dir.mkdir()
    state.mkdir(mode=0o700)
    root.mkdir(mode=0o700)
    _, cm = manifests()[("ConfigMap", "cryod-config")]
    config = yaml.safe_load(cm["data"]["config.yaml"])
    (tmp_path / "config.yaml").write_text(cm["data"]["config.yaml"])
    bundle = tmp_path / "bundle"
    subprocess.run([str(ROOT / "scripts" / "busybox-bundle.sh"), str(bundle), "sh", "-c",
                    "i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 0.02; done"],
                   check=True, capture_output=True, timeout=120)
    tag = f"t{os.getpid()}"
    box, box2, name = f"box-{tag}", f"box2-{tag}", f"cryod-{tag}"

    def runc(*args, check=True):
        p = subprocess.run(["runc", "--root", str(root), *args], capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert not check or p.returncode == 0, f"runc {' '.join(args)}: {p.stderr}"
        return p

    def count(cid):
        # The box's shell rewrites the file: empty for a moment, read again.
        for _ in range(100):
            out = runc("exec", cid, "cat", "/tmp/count").stdout.strip()
            if out:
                return int(out)
            time.sleep(0.01)
        raise AssertionError(f"{cid}: /tmp/count stays empty")

    logs = None
    try:
        with open(tmp_path / "box.out", "wb") as out:  # not a pipe: the box keeps it
            subprocess.run(["runc", "--root", str(root), "run", "-d", "--bundle", str(bundle),
                            box], check=True, stdin=subprocess.DEVNULL, stdout=out,
                           stderr=out, timeout=60)
        # crun cannot make a container's cgroups on this cgroup v1/v2 hybrid host: runc can.
        # runc may not raise rlimits here (no CAP_SYS_RESOURCE): podman's defaults are above
        # ours.
        p = subprocess.run(
            [podman, "run", "-d", "--name", name, "--runtime", "runc",
             "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096",
             "--privileged", "--pid=host", "--network=none",
             "-v", f"{run_dir}:/run/cryo", "-v", f"{state}:/var/lib/cryo",
             "-v", f"{tmp_path / 'config.yaml'}:/etc/cryo/config.yaml:ro",
             "-v", "/proc:/host/proc:ro", "-v", "/sys/fs/cgroup:/sys/fs/cgroup",
             "-v", f"{root}:{config['containers']['runc_root']}",
             "-v", f"{bundle}:{bundle}", IMAGE],
            capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        sock = run_dir / "cryod.sock"
        deadline = time.time() + 60
        while not sock.exists():
            logs = subprocess.run([podman, "logs", name], capture_output=True, text=True)
            assert time.time() < deadline, f"cryod did not start: {logs.stdout}{logs.stderr}"
            time.sleep(0.1)
        cenv = dict(os.environ, CRYO_SOCKET=str(sock))

        def job(*args):
            q = subprocess.run([CRYO, "job", *args], capture_output=True, text=True,
                               timeout=120, env=cenv, stdin=subprocess.DEVNULL)
            assert q.returncode == 0, f"cryo job {' '.join(args)}: {q.stderr}"
            return q.stdout.strip()

        time.sleep(0.3)
        jid = job("manage", "--runc", box)
        # Read before the dump: a shell killed between its `> /tmp/count` and the write
        # leaves the file empty.
        at_dump = int((bundle / "rootfs" / "tmp" / "count").read_text() or 0)
        ck = job("dump", jid)
        assert runc("state", box, check=False).returncode != 0, "the container runs on"
        img = state / "checkpoints" / ck
        assert (img / "cryo.json").exists() and (img / "container.json").exists()
        logs = subprocess.run([podman, "logs", name], capture_output=True, text=True)
        assert "checkpoint " + ck in logs.stderr + logs.stdout

        # The image the pod's cryod wrote, restored by the host's cryo: another node's restore.
        with open(tmp_path / "restore.out", "wb") as out:  # the box keeps it: not a pipe
            q = subprocess.run([CRYO, "restore", "--runc", box2, "--runc-root", str(root),
                                "-D", str(img), "--detach"], stdout=out, stderr=out,
                               timeout=120, stdin=subprocess.DEVNULL)
        assert q.returncode == 0, (tmp_path / "restore.out").read_text()
        first = count(box2)
        time.sleep(0.3)
        assert at_dump <= first < count(box2), (at_dump, first)
    finally:
        subprocess.run([podman, "rm", "-f", "-t", "0", name], capture_output=True, timeout=120)
        for cid in (box, box2):
            runc("delete", "-f", cid, check=False)
