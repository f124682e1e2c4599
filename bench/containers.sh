#!/usr/bin/env bash
# Container checkpoint and restore, side by side with runc's own yardsticks measured in the
# same run: a busybox container (a shell loop writing a counter into its rootfs, as the anchor
# was measured) is dumped with `cryo dump --runc` and restored with `cryo restore --runc` under
# a new id, REPS times; then one image is restored as N copies at once beside the running
# original. Medians in seconds. The anchor, runc 1.1.5 + CRIU 4.2, is run too when a `criu`
# that works here is found (`runc checkpoint` / `runc restore -d`); otherwise its figures from
# the issue (0.31 s / 0.30 s on this kind of machine) stand beside ours.
#
#   bench/containers.sh [--reps N] [--copies N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
CRYO=${CRYO:-$root/build/cryo}
reps=7
copies=3
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--copies) copies=$2; shift 2 ;;
	-h|--help) sed -n '2,10p' "$0"; exit 0 ;;
	*) echo "containers.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "containers.sh: needs root" >&2; exit 1; }
command -v runc >/dev/null || { echo "containers.sh: needs runc" >&2; exit 1; }

work=$(mktemp -d /tmp/cryo-bench-ct.XXXXXX)
ids=()
cleanup() {
	for id in "${ids[@]}"; do runc delete --force "$id" >/dev/null 2>&1 || true; done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

args=(sh -c 'i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done')
"$root/scripts/busybox-bundle.sh" "$work/bundle" "${args[@]}" >/dev/null
now() { date +%s.%N; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

run_box() { # id: runc run -d, timed
	local t0 t1
	ids+=("$1")
	t0=$(now)
	runc run -d --bundle "$work/bundle" "$1" </dev/null >/dev/null 2>&1
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}

: > "$work/start" ; : > "$work/dump" ; : > "$work/restore"; : > "$work/create"
for i in $(seq "$reps"); do
	run_box "b$i-$$" >> "$work/start"
	sleep 0.3
	img="$work/img$i"
	t0=$(now); "$CRYO" dump --runc "b$i-$$" -D "$img" >/dev/null; t1=$(now)
	echo "$t1 - $t0" | bc -l >> "$work/dump"
	ids+=("r$i-$$")
	t0=$(now); "$CRYO" restore --runc "r$i-$$" -D "$img" --detach </dev/null >/dev/null 2>&1; t1=$(now)
	echo "$t1 - $t0" | bc -l >> "$work/restore"
	[ "$(runc state "r$i-$$" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = running ]
	runc delete --force "r$i-$$" >/dev/null
	# runc's own part of our restore, alone: create (and delete) a container from the bundle.
	ids+=("c$i-$$")
	t0=$(now); runc create --bundle "$work/bundle" "c$i-$$" </dev/null >/dev/null 2>&1; t1=$(now)
	echo "$t1 - $t0" | bc -l >> "$work/create"
	runc delete --force "c$i-$$" >/dev/null
	rm -rf "$img"
done

# N copies of one image at once, beside the running original.
run_box "orig-$$" >/dev/null
sleep 0.3
"$CRYO" dump --runc "orig-$$" -D "$work/fan" --leave-running >/dev/null
mem_before=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
t0=$(now)
for k in $(seq "$copies"); do
	ids+=("f$k-$$")
	"$CRYO" restore --runc "f$k-$$" -D "$work/fan" --detach </dev/null >/dev/null 2>&1 &
done
wait
t1=$(now)
fan=$(echo "$t1 - $t0" | bc -l)
mem_after=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
rss=0
for k in $(seq "$copies"); do
	pid=$(runc state "f$k-$$" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	rss=$((rss + $(awk '/VmRSS/ {print $2}' "/proc/$pid/status")))
done

# The anchor, where a CRIU that works on this kernel is installed (Debian's 3.17 is not).
anchor_dump=0.31 anchor_restore=0.30 anchor="the issue's figures"
if command -v criu >/dev/null && criu check >/dev/null 2>&1; then
	: > "$work/adump"; : > "$work/arestore"
	for i in $(seq "$reps"); do
		run_box "a$i-$$" >/dev/null
		sleep 0.3
		t0=$(now); runc checkpoint --image-path "$work/aimg$i" "a$i-$$" >/dev/null 2>&1; t1=$(now)
		echo "$t1 - $t0" | bc -l >> "$work/adump"
		ids+=("ar$i-$$")
		t0=$(now)
		runc restore -d --image-path "$work/aimg$i" --bundle "$work/bundle" "ar$i-$$" \
			</dev/null >/dev/null 2>&1
		t1=$(now)
		echo "$t1 - $t0" | bc -l >> "$work/arestore"
		runc delete --force "ar$i-$$" >/dev/null 2>&1 || true
	done
	anchor_dump=$(median < "$work/adump") anchor_restore=$(median < "$work/arestore")
	anchor="runc + $(criu --version | head -1), this run"
fi

printf 'container (busybox counter loop), medians of %d, seconds; anchor: %s\n' "$reps" "$anchor"
printf '  %-40s %8.3f   (anchor runc checkpoint: %.3f; target <= half)\n' "cryo dump --runc" \
	"$(median < "$work/dump")" "$anchor_dump"
printf '  %-40s %8.3f   (anchor runc restore -d: %.3f; target <= half)\n' \
	"cryo restore --runc (new id)" "$(median < "$work/restore")" "$anchor_restore"
printf '  %-40s %8.3f   (yardstick: part of our restore)\n' "runc create, same bundle" "$(median < "$work/create")"
printf '  %-40s %8.3f   (yardstick: a cold start)\n' "runc run -d, same bundle" "$(median < "$work/start")"
printf '%d copies restored at once beside the original: %.3f s wall, %d KiB RSS in all, MemAvailable down %d KiB\n' \
	"$copies" "$fan" "$rss" "$((mem_before - mem_after))"
