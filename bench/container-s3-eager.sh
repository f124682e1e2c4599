#!/usr/bin/env bash
# A container's eager restore from object storage, before and after it restored the tree as
# the streams arrive: a busybox container whose shell counts while its child (mem_big, linked
# statically: tests/workloads/mem) holds MIB MiB of random bytes is dumped once to s3rver on
# 127.0.0.1 (scripts/s3-server.sh, --leave-running), then deleted. Each rep restores it, one
# after the other, with CRYO-BEFORE and with $CRYO, `cryo restore --runc NEW -D s3://... --detach`
# from a pristine bundle, and deletes the new container. `wall ms`: restore to running (it
# returns once the tree runs and runc's state says so); `peak shm MiB`: the most the restoring
# cryo held in its scratch directories (/dev/shm/cryo-*-PID-*, sampled every few ms). Medians
# of REPS. In the first rep every restored container checks all its memory (mem_big: PASS).
#
#   bench/container-s3-eager.sh --before CRYO-BEFORE [--reps N] [--mib N] [--dir DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
CRYO=${CRYO:-$root/build/cryo}
build=${CRYO_BUILD:-$root/build}
reps=3 mib=512 dir=${BENCH_DIR:-/var/tmp} before=
while [ $# -gt 0 ]; do
	case $1 in
	--before) before=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--mib) mib=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	-h|--help) sed -n '2,12p' "$0"; exit 0 ;;
	*) echo "container-s3-eager.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -n "$before" ] || { echo "container-s3-eager.sh: --before CRYO-BEFORE is required" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "container-s3-eager.sh: needs root" >&2; exit 1; }
command -v runc >/dev/null || { echo "container-s3-eager.sh: needs runc" >&2; exit 1; }
MEM_BIG=$build/tests/workloads/mem/mem_big_static
[ -x "$MEM_BIG" ] || { echo "container-s3-eager.sh: $MEM_BIG missing (a build without sanitizers)" >&2; exit 1; }

me=container-s3-eager.sh
. "$here/container-bench-start.sh"
ct_bench_start cts3 1
ct_bench_image "s3://$bucket/ct"

n=0
restore() { # which(before|after) cryo verify: one restore, timed and its scratch sampled
	local id out t0 t1 pid peak=0 now_b
	n=$((n + 1)); id=r$n-$$; ids+=("$id"); out=$work/$id.out
	t0=$(now)
	"$2" restore --runc "$id" -D "s3://$bucket/ct" --bundle "$work/fresh" --detach \
		</dev/null >"$out" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
		now_b=$( (du -scb /dev/shm/cryo-*-"$pid"-* 2>/dev/null || true) | tail -1 | cut -f1)
		[ "${now_b:-0}" -gt "$peak" ] && peak=$now_b
		sleep 0.003
	done
	wait "$pid" || { cat "$out" >&2; return 1; }
	t1=$(now)
	echo "($t1 - $t0) * 1000" | bc -l >> "$work/wall-$1"
	echo "$peak / 1048576" | bc -l >> "$work/shm-$1"
	[ "$(runc state "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = running ] ||
		{ echo "container-s3-eager.sh: $id is not running" >&2; return 1; }
	if [ -n "$3" ]; then
		runc exec "$id" sh -c 'kill -USR1 $(pidof mem_big)'
		for _ in $(seq 600); do grep -q '^PASS\|^FAIL' "$out" && break; sleep 0.1; done
		grep -q '^PASS' "$out" || { echo "container-s3-eager.sh: $1: $(grep FAIL "$out")" >&2; return 1; }
	fi
	runc delete --force "$id"
}

for rep in $(seq "$reps"); do
	verify=; [ "$rep" = 1 ] && verify=1
	restore before "$before" "$verify"
	restore after "$CRYO" "$verify"
done

printf 'eager container restore from s3rver, %d MiB (mem_big, random bytes): medians of %d\n' "$mib" "$reps"
printf '%7s | %8s | %13s\n' cryo "wall ms" "peak shm MiB"
for which in before after; do
	printf '%7s | %8.0f | %13.1f\n' "$which" "$(median < "$work/wall-$which")" \
		"$(median < "$work/shm-$which")"
done
