#!/usr/bin/env bash
# The dump side of an incremental image in object storage (issue 16): each link of a chain made
# into s3rver on 127.0.0.1 (scripts/s3-server.sh) beside the same link made into a local
# directory, the yardstick, in the same run. `holder MIB random` (bench/holder.c) holds the
# memory. Each rep makes, in turn, with this cryo into a directory, this cryo into the store and
# (with --before CRYO) the other cryo into the store:
#   pre: `cryo pre-dump` of the holder (a link holding all MIB);
#   dump: its write tracker killed first, so that every page goes again, `cryo dump --parent
#         PRE --leave-running` (a final link holding all MIB).
# Each is timed (wall, s), with the peak RSS of the largest of its processes (cryo, its worker,
# its pump: getrusage of the waited-for descendants, MiB), and the peak of /dev/shm held by
# cryo's scratch directories (cryo-s3-chain-*, MiB) sampled every 20 ms meanwhile. The table
# gives medians of REPS; `s3/dir` is the S3 link's time over the directory's (the target: the
# dump to S3 at >= 0.8x the speed of the dump to a directory, s3/dir <= 1.25). The restored
# chain is not timed here (bench/s3.sh --chain-sizes does); the first rep's S3 chain is restored
# eagerly once and the holder checks all its memory (PASS).
#
#   bench/s3-chain-dump.sh [--reps N] [--mib 1024] [--before CRYO] [--dir DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
CRYO=${CRYO:-$root/build/cryo}
build=${CRYO_BUILD:-$root/build}
reps=3 mib=1024 BEFORE= dir=${BENCH_DIR:-/var/tmp}
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--mib) mib=$2; shift 2 ;;
	--before) BEFORE=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	-h|--help) sed -n '2,18p' "$0"; exit 0 ;;
	*) echo "s3-chain-dump.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "s3-chain-dump.sh: needs root" >&2; exit 1; }
[ "$reps" -ge 1 ] || { echo "s3-chain-dump.sh: --reps must be >= 1" >&2; exit 2; }
HOLDER=$build/bench/holder
[ -x "$HOLDER" ] || { echo "s3-chain-dump.sh: $HOLDER missing (meson build with bench/)" >&2; exit 1; }
. "$here/s3-server-start.sh"
s3_bench_start s3chain

: > "$work/holder.out"
setsid "$HOLDER" "$mib" random </dev/null >"$work/holder.out" 2>&1 &
hpid=$!
pids+=("$hpid")
for _ in $(seq 1200); do grep -q '^ready' "$work/holder.out" && break; sleep 0.1; done
grep -q '^ready' "$work/holder.out" || { echo "s3-chain-dump.sh: holder not ready" >&2; exit 1; }
hsize=$(stat -c %s "$work/holder.out")

watch_start() { # samples the /dev/shm held by cryo's scratch directories
	rm -f "$work/watch.stop"
	( shm=0
	  while [ ! -e "$work/watch.stop" ]; do
		s=$( (du -sk /dev/shm/cryo-s3-chain-* 2>/dev/null || true) |
			awk '{t += $1} END {print t + 0}')
		[ "$s" -le "$shm" ] || shm=$s
		sleep 0.02
	  done
	  echo "$shm" > "$work/watch.out" ) &
	watch_pid=$!
}
watch_stop() { # shm-file
	touch "$work/watch.stop"
	wait "$watch_pid"
	awk '{print $1 / 1024}' "$work/watch.out" >> "$1"
}
# time-file rss-file command...: its wall time (s), and the peak RSS of the largest of its
# processes (cryo, its worker, its pump: every descendant waited for), MiB
timed() {
	local tf=$1 rf=$2; shift 2
	python3 - "$@" >"$work/timed" 2>"$work/err" <<'PY' || { cat "$work/err" >&2; return 1; }
import resource, subprocess, sys, time
t0 = time.monotonic()
p = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, text=True)
t1 = time.monotonic()
sys.stderr.write(p.stderr)
print(t1 - t0, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
sys.exit(p.returncode)
PY
	awk '{print $1}' "$work/timed" >> "$tf"
	awk '{print $2}' "$work/timed" >> "$rf"
}
link() { # name cryo target: a pre-dump then a final dump, each timed and watched
	local name=$1 bin=$2 t=$3 tracker
	watch_start
	timed "$work/t_pre_$name" "$work/rss_pre_$name" "$bin" pre-dump -t "$hpid" -D "$t/1" -v ||
		{ watch_stop /dev/null; return 1; }
	watch_stop "$work/shm_pre_$name"
	tracker=$(sed -n 's/.*tracker \([0-9]*\) holds.*/\1/p' "$work/err" | head -1)
	[ -z "$tracker" ] || { kill -9 "$tracker" 2>/dev/null || true; }
	while [ -n "$tracker" ] && kill -0 "$tracker" 2>/dev/null; do sleep 0.02; done
	watch_start
	timed "$work/t_dump_$name" "$work/rss_dump_$name" "$bin" dump -t "$hpid" -D "$t/2" \
		--parent "$t/1" --leave-running || { watch_stop /dev/null; return 1; }
	watch_stop "$work/shm_dump_$name"
}

kinds="dir s3"
[ -z "$BEFORE" ] || kinds="dir s3 s3bef"
for rep in $(seq "$reps"); do
	link dir "$CRYO" "$work/ch$rep"
	link s3 "$CRYO" "s3://$bucket/after$rep"
	[ -z "$BEFORE" ] || link s3bef "$BEFORE" "s3://$bucket/before$rep"
	rm -rf "$work/ch$rep"
	if [ "$rep" = 1 ]; then # the chain restores, and the holder's memory checks out
		truncate -s "$hsize" "$work/holder.out"
		kill -9 "$hpid"; wait "$hpid" 2>/dev/null || true
		"$CRYO" restore -D "s3://$bucket/after1/2" --detach --pidfile "$work/pid" </dev/null \
			>/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
		hpid=$(cat "$work/pid")
		pids+=("$hpid")
		kill -USR1 "$hpid"
		for _ in $(seq 600); do grep -q '^PASS\|^FAIL' "$work/holder.out" && break; sleep 0.1; done
		grep -q '^PASS' "$work/holder.out" || { echo "s3-chain-dump.sh: restored holder: $(tail -1 "$work/holder.out")" >&2; exit 1; }
		echo "rep 1: the chain from S3 restored, memory checked (PASS)"
		: > "$work/holder.out"; kill -9 "$hpid"
		setsid "$HOLDER" "$mib" random </dev/null >"$work/holder.out" 2>&1 &
		hpid=$!
		pids+=("$hpid")
		for _ in $(seq 1200); do grep -q '^ready' "$work/holder.out" && break; sleep 0.1; done
		hsize=$(stat -c %s "$work/holder.out")
	fi
	# The store's copies go (on its disk: s3rver keeps one file per object).
	rm -rf "$work/store/$bucket/after$rep" "$work/store/$bucket/before$rep" \
		"$work/store/$bucket/._S3rver_uploads"
done

printf '\n%d MiB, medians of %d; wall s, peak /dev/shm MiB, peak RSS MiB\n' "$mib" "$reps"
printf '%-6s | %-5s | %7s %7s %7s | %7s\n' link kind wall shm rss s3/dir
for l in pre dump; do
	d=$(median < "$work/t_${l}_dir")
	for k in $kinds; do
		t=$(median < "$work/t_${l}_$k")
		printf '%-6s | %-5s | %7.2f %7.1f %7.1f | %7.2f\n' "$l" "$k" "$t" \
			"$(median < "$work/shm_${l}_$k")" "$(median < "$work/rss_${l}_$k")" \
			"$(echo "$t / $d" | bc -l)"
	done
done
echo "target: s3/dir <= 1.25 (a link to S3 at >= 0.8x the speed of one to a directory)"
for l in pre dump; do for k in $kinds; do
	printf 'raw %s %s: %s\n' "$l" "$k" "$(tr '\n' ' ' < "$work/t_${l}_$k")"
done; done
