#!/usr/bin/env bash
# Installs what cryo needs to build and test, from Debian bookworm's packages only.
# Idempotent: packages already present are not fetched again.
set -euo pipefail

pkgs=(
	build-essential meson ninja-build pkg-config clang
	libjansson-dev libcmocka-dev libclang-rt-14-dev
	liblz4-dev libzstd-dev zlib1g-dev libxxhash-dev libarchive-dev
	libmicrohttpd-dev libsqlite3-dev libyaml-dev libcurl4-openssl-dev libssl-dev
	python3 python3-pytest python3-yaml
	nginx-light postgresql-15 curl openssl
	runc crun busybox-static
	libnftables1 nftables
	iproute2 iptables # a tree's own network namespace: iptables-legacy-save/-restore; its tests use ip(8)
	# deploy/kubernetes/build-image.sh and the image's test (tests/integration/test_kubernetes.py)
	podman mmdebstrap
	python3-numpy # bench only: bench/warmstart.sh's worker
)
# The object storage tests' S3 server comes from the npm registry (scripts/s3-server.sh);
# Debian's nodejs and npm, unless a node with its own npm is there already.
command -v npm >/dev/null || pkgs+=(nodejs npm)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
	echo "install-deps: installing ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
	echo "install-deps: all packages present"
fi

"$(dirname "$0")/s3-server.sh" --install
