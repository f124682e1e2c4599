#!/usr/bin/env bash
# Makes an OCI bundle whose rootfs is Debian's busybox-static, for the container tests and
# benchmarks: `busybox-bundle.sh DIR [ARGS...]` writes DIR/config.json (runc's default spec:
# its own pid, mount, net, uts and ipc namespaces, no terminal, a writable rootfs) and
# DIR/rootfs, copied from a cached one (built once from /bin/busybox).
set -euo pipefail
dir=$1
shift
cache=${CRYO_CACHE:-/var/cache/cryo}/busybox-rootfs
if [ ! -x "$cache/bin/busybox" ] || ! cmp -s /bin/busybox "$cache/bin/busybox"; then
	tmp=$(mktemp -d "${cache%/*}/.busybox.XXXXXX" 2>/dev/null || { mkdir -p "${cache%/*}"; mktemp -d "${cache%/*}/.busybox.XXXXXX"; })
	mkdir -p "$tmp"/{bin,proc,sys,dev,tmp,etc,www,root}
	cp /bin/busybox "$tmp/bin/busybox"
	for c in $("$tmp/bin/busybox" --list); do
		[ "$c" = busybox ] || ln -s busybox "$tmp/bin/$c"
	done
	echo "root:x:0:0:root:/root:/bin/sh" > "$tmp/etc/passwd"
	echo "root:x:0:" > "$tmp/etc/group"
	rm -rf "$cache"
	mv "$tmp" "$cache"
fi
mkdir -p "$dir"
rm -rf "$dir/rootfs"
cp -a "$cache" "$dir/rootfs"
rm -f "$dir/config.json"
runc spec --bundle "$dir"
python3 - "$dir/config.json" "$@" <<'PY'
import json, sys
path, args = sys.argv[1], sys.argv[2:]
c = json.load(open(path))
c["process"]["terminal"] = False
if args:
    c["process"]["args"] = args
c["root"]["readonly"] = False
c["hostname"] = "cryo-box"
json.dump(c, open(path, "w"), indent=1)
PY
