#!/bin/bash
# Run HERE (the build machine), before tests/gpu/run-on-device.sh runs on a GPU machine: that
# machine has the NVIDIA driver but no internet and maybe not cryo's build dependencies, so
# cryo, the GPU program and the shared libraries cryo links against travel with the tree in
# build/gpu-carry (ignored by git; name it in the device tool's `carry`).
#
#   tests/gpu/prepare-carry.sh            then, with the device tool:
#   run(command="tests/gpu/run-on-device.sh 4", carry=["build/gpu-carry"], timeout_s=480)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build cryo tests/gpu/gpu_counter bench/holder >/dev/null
C=build/gpu-carry
rm -rf "$C"
mkdir -p "$C/lib"
cp build/cryo build/tests/gpu/gpu_counter build/bench/holder tests/gpu/run-on-device.sh "$C/"
# Every library cryo needs but the C library itself (that machine's is newer, and compatible).
ldd build/cryo | awk '/=> \// {print $3}' | grep -v -E '/(libc|libm|libpthread|libdl|ld-linux[^/]*)\.so' |
	while read -r lib; do cp -L "$lib" "$C/lib/"; done
du -sh "$C"
ls "$C" "$C/lib"
