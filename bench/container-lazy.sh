#!/usr/bin/env bash
# A container's lazy restore beside its eager one: a busybox container whose shell counts in
# its memory while its child (mem_big, linked statically: tests/workloads/mem) holds MIB MiB of
# random bytes is dumped once to a local directory and once to s3rver on 127.0.0.1
# (scripts/s3-server.sh), both --leave-running, then deleted. Each rep then restores, one after
# the other (alternating), `cryo restore --runc NEW -D IMG --detach` eagerly and with --lazy, from
# the directory and from the store, and deletes the new container. `run ms`: restore to running,
# the wall time of `cryo restore --detach` (it returns once the tree runs and runc's state says
# so); `all ms` (lazy): from the same start until the page server, done copying in the
# background, has exited. Medians of REPS, in milliseconds. In the first rep every restored
# container checks all its memory (SIGUSR1 to mem_big: PASS) after the timing. `meta ms`: what
# `cryo restore -v` says the lazy restore from the store spent on its metadata, index (and
# files beside it) before the restore proper began.
# --before CRYO (a build of the engine before a change): each rep also restores from the store
# lazily with it (row `s3bef`), next to this build's lazy restore from the store, before it in
# even reps and after it in odd ones; its eager restore is not run (`-`).
#
#   bench/container-lazy.sh [--reps N] [--mib N] [--no-s3] [--dir DIR] [--before CRYO]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
CRYO=${CRYO:-$root/build/cryo}
build=${CRYO_BUILD:-$root/build}
reps=5 mib=512 s3=1 dir=${BENCH_DIR:-/var/tmp} BEFORE=
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--mib) mib=$2; shift 2 ;;
	--no-s3) s3=; shift ;;
	--dir) dir=$2; shift 2 ;;
	--before) BEFORE=$2; shift 2 ;;
	-h|--help) sed -n '2,19p' "$0"; exit 0 ;;
	*) echo "container-lazy.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "container-lazy.sh: needs root" >&2; exit 1; }
command -v runc >/dev/null || { echo "container-lazy.sh: needs runc" >&2; exit 1; }
MEM_BIG=$build/tests/workloads/mem/mem_big_static
[ -x "$MEM_BIG" ] || { echo "container-lazy.sh: $MEM_BIG missing (a build without sanitizers)" >&2; exit 1; }

me=container-lazy.sh
. "$here/container-bench-start.sh"
ct_bench_start ctlazy "$s3"
gone() { # pid: waits until it is gone or a zombie (it is not our child)
	for _ in $(seq 6000); do
		[ -e "/proc/$1" ] || return 0
		[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ] && return 0
		sleep 0.005
	done
	return 1
}

kinds="dir"
if [ -n "$s3" ]; then
	kinds="dir s3"
	ct_bench_image "$work/img" "s3://$bucket/ct"
else
	ct_bench_image "$work/img"
fi

n=0
restore() { # kind lazy verify: one restore, timed; then the container goes (kind s3bef: from
	# the store with $BEFORE)
	local img=$work/img t0 t1 id server out args=() bin=$CRYO
	[ "$1" != dir ] && img=s3://$bucket/ct
	[ "$1" = s3bef ] && bin=$BEFORE
	[ "$2" = lazy ] && args=(--lazy -v)
	n=$((n + 1)); id=r$n-$$; ids+=("$id"); out=$work/$id.out
	t0=$(now)
	"$bin" restore --runc "$id" -D "$img" --bundle "$work/fresh" --detach "${args[@]}" \
		</dev/null >"$out" 2>&1 || { cat "$out" >&2; return 1; }
	t1=$(now)
	echo "($t1 - $t0) * 1000" | bc -l >> "$work/run-$1-$2"
	[ "$(runc state "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = running ] ||
		{ echo "container-lazy.sh: $id is not running" >&2; return 1; }
	if [ "$2" = lazy ]; then
		sed -n 's/.*(metadata and index in \([0-9.]*\) ms).*/\1/p' "$out" >> "$work/meta-$1"
		server=$(sed -n 's/.*page server of 1 copy: pid \([0-9]*\).*/\1/p' "$out")
		gone "$server" || { echo "container-lazy.sh: page server $server never ended" >&2; return 1; }
		echo "($(now) - $t0) * 1000" | bc -l >> "$work/all-$1-$2"
	fi
	if [ -n "$3" ]; then
		runc exec "$id" sh -c 'kill -USR1 $(pidof mem_big)'
		for _ in $(seq 600); do grep -q '^PASS\|^FAIL' "$out" && break; sleep 0.1; done
		grep -q '^PASS' "$out" || { echo "container-lazy.sh: $1 $2: $(grep FAIL "$out")" >&2; return 1; }
	fi
	runc delete --force "$id"
}

for rep in $(seq "$reps"); do
	verify=; [ "$rep" = 1 ] && verify=1
	for kind in $kinds; do
		restore "$kind" eager "$verify"
		[ -z "$BEFORE" ] || [ "$kind" != s3 ] || [ $((rep % 2)) = 1 ] ||
			restore s3bef lazy "$verify"
		restore "$kind" lazy "$verify"
		[ -z "$BEFORE" ] || [ "$kind" != s3 ] || [ $((rep % 2)) = 0 ] ||
			restore s3bef lazy "$verify"
	done
done
[ -n "$BEFORE" ] && [ -n "$s3" ] && kinds="$kinds s3bef"

printf 'container of %d MiB (mem_big, random bytes): medians of %d, ms\n' "$mib" "$reps"
printf '%5s | %8s %8s %7s | %8s | %6s\n' from "eager" "lazy" "e/l" "lazy all" "meta"
for kind in $kinds; do
	l=$(median < "$work/run-$kind-lazy") a=$(median < "$work/all-$kind-lazy") m=-
	[ -s "$work/meta-$kind" ] && m=$(printf '%.1f' "$(median < "$work/meta-$kind")")
	if [ "$kind" = s3bef ]; then
		printf '%5s | %8s %8.0f %7s | %8.0f | %6s\n' "$kind" - "$l" - "$a" "$m"
		continue
	fi
	e=$(median < "$work/run-$kind-eager")
	printf '%5s | %8.0f %8.0f %7.1f | %8.0f | %6s\n' "$kind" "$e" "$l" \
		"$(echo "$e / $l" | bc -l)" "$a" "$m"
done
