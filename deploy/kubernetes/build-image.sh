#!/usr/bin/env bash
# Builds the cryod image (Containerfile) with podman or buildah, from the source root.
#
#   deploy/kubernetes/build-image.sh [--tag cryo:0.1.0] [--base IMAGE] [--base-from-mirror]
#                                    [-- BUILD-TOOL-OPTION...]
#
# --base IMAGE        a Debian bookworm image to build on (default debian:bookworm-slim from a
#                     registry)
# --base-from-mirror  no registry: the base is made here from Debian's own packages
#                     (mmdebstrap, the apt sources of this machine), imported as
#                     localhost/cryo-base:bookworm; the build's RUN steps use the host's
#                     network for the Debian mirror (--network host).
# -- ...              passed on to `podman build` / `buildah bud`: e.g. `--isolation chroot`
#                     where the OCI runtime cannot make containers (crun on a cgroup v1/v2
#                     hybrid host: "cgroups in hybrid mode not supported").
# Then: podman save localhost/cryo:0.1.0 | ctr -n k8s.io images import - on each node, or push
# it to the cluster's registry and set the DaemonSet's image.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tag=localhost/cryo:0.1.0 base="" from_mirror=0
while [ $# -gt 0 ]; do
	case $1 in
	--tag) tag=$2; shift 2 ;;
	--base) base=$2; shift 2 ;;
	--base-from-mirror) from_mirror=1; shift ;;
	--) shift; break ;;
	-h|--help) sed -n '2,18p' "$0"; exit 0 ;;
	*) echo "build-image.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
tool=$(command -v podman || command -v buildah || true)
[ -n "$tool" ] || { echo "build-image.sh: needs podman or buildah (apt-get install podman)" >&2; exit 1; }
if [ "$from_mirror" = 1 ]; then
	command -v mmdebstrap >/dev/null || { echo "build-image.sh: needs mmdebstrap (apt-get install mmdebstrap)" >&2; exit 1; }
	tmp=$(mktemp -d /var/tmp/cryo-base.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	# The sources apt uses here (deb822 or one-line), so that no other mirror is needed.
	apt-get indextargets >/dev/null 2>&1 || true
	mmdebstrap --variant=apt --include=ca-certificates --aptopt='Acquire::Retries "3"' \
		bookworm "$tmp/rootfs.tar" \
		"deb http://deb.debian.org/debian bookworm main" \
		"deb http://deb.debian.org/debian bookworm-updates main" \
		"deb http://deb.debian.org/debian-security bookworm-security main"
	base=localhost/cryo-base:bookworm
	"$tool" import --change 'CMD ["/bin/bash"]' "$tmp/rootfs.tar" "$base"
fi
args=(-f "$root/deploy/kubernetes/Containerfile" -t "$tag")
[ -n "$base" ] && args+=(--build-arg "BASE=$base")
[ "$from_mirror" = 1 ] && args+=(--network host)
args+=("$@")
if [ "$(basename "$tool")" = buildah ]; then
	buildah bud "${args[@]}" "$root"
else
	podman build "${args[@]}" "$root"
fi
echo "built $tag"
