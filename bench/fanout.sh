#!/usr/bin/env bash
# A warm pool (docs/fanout.md): `cryo restore --copies N` of a process holding MIB MiB that
# touches little after the restore (bench/holder naps), against its yardstick measured in the
# same repetition, one eager `cryo restore` of the same image. Per repetition:
#   1. holder MIB random, dumped (killed);
#   2. yardstick: `cryo restore -D IMG --detach` (eager: every page in before it returns), timed;
#      the restored holder is killed;
#   3. `cryo restore -D IMG --copies N --detach`, timed until it returns (every copy running);
#   4. after 1 s: the memory the copies cost: the growth of the usage of a memory cgroup (v1)
#      that the holder, the restores, the copies and their server all run in, since just
#      before step 3 (the machine's MemTotal - MemAvailable is reported too, but other
#      processes move it); the sum of the copies' RssAnon and the page server's Rss;
#   5. copy 1 is told to verify all its memory (every page then comes on fault from the one
#      server): its PASS is required, and its verify time is reported;
#   6. every copy is killed (its init, and with it its pid namespace).
#
#   bench/fanout.sh [--reps N] [--copies N] [--mib MIB] [--dir DIR]
#
# Environment: CRYO (default: REPO/build/cryo), CRYO_BUILD (bench/holder; default: CRYO's dir).
# Prints every run and the medians; writes bench/results/fanout-<stamp>.csv.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
reps=5
copies=8
mib=1024
base=/var/tmp
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--copies) copies=$2; shift 2 ;;
	--mib) mib=$2; shift 2 ;;
	--dir) base=$2; shift 2 ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "fanout.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
CRYO=${CRYO:-$repo/build/cryo}
CRYO_BUILD=${CRYO_BUILD:-$(dirname "$CRYO")}
holder=$CRYO_BUILD/bench/holder
[ -x "$CRYO" ] && [ -x "$holder" ] || { echo "fanout.sh: build first (ninja -C build)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "fanout.sh: run as root" >&2; exit 1; }

work=$(mktemp -d "$base/cryo-fanout.XXXXXX")
mkdir -p "$repo/bench/results"
csv=$repo/bench/results/fanout-$(date +%Y%m%d-%H%M%S).csv
started=() # PIDs this script made (holders, restored roots, copies' inits)
cg=/sys/fs/cgroup/memory/cryo-fanout-bench-$$
mkdir "$cg"

cleanup() {
	for p in "${started[@]}"; do
		kill -9 "$p" 2>/dev/null || true
	done
	for _ in $(seq 100); do
		rmdir "$cg" 2>/dev/null && break
		sleep 0.05
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

now() { date +%s.%N; }
cg_kib() { echo $(( $(cat "$cg/memory.usage_in_bytes") / 1024 )); }
in_cg() { sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"; }
used_kib() { awk '/^MemTotal:/ {t = $2} /^MemAvailable:/ {a = $2} END {print t - a}' /proc/meminfo; }
field_kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
wait_gone() { # pid: until it no longer runs (a zombie does not count)
	for _ in $(seq 500); do
		[ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ] || return 0
		sleep 0.01
	done
}
wait_for() { # file word
	for _ in $(seq 6000); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.01
	done
	echo "fanout.sh: '$2' never appeared in $1" >&2; return 1
}

echo "rep,eager_s,pool_s,ratio,copies,cgroup_growth_mib,meminfo_growth_mib,rss_anon_mib,server_rss_mib,verify_s" > "$csv"
for rep in $(seq "$reps"); do
	img=$work/img
	out=$work/out-$rep.txt
	rm -rf "$img"
	setsid sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$holder" "$mib" random \
		"$rep" > "$out" 2>&1 < /dev/null &
	hpid=$!
	started+=("$hpid")
	wait_for "$out" "^ready"
	"$CRYO" dump -t "$hpid" -D "$img" 2>/dev/null
	wait "$hpid" 2>/dev/null || true

	t0=$(now)
	in_cg "$CRYO" restore -D "$img" --detach --pidfile "$work/eager.pid"
	t1=$(now)
	eager=$(echo "$t1 - $t0" | bc -l)
	epid=$(cat "$work/eager.pid")
	started+=("$epid")
	kill -9 "$epid"
	wait_gone "$epid"

	sleep 0.5
	before=$(used_kib)
	cg_before=$(cg_kib)
	t0=$(now)
	in_cg "$CRYO" restore -D "$img" --copies "$copies" --detach --pidfile "$work/pool.pid"
	t1=$(now)
	pool=$(echo "$t1 - $t0" | bc -l)
	mapfile -t inits < "$work/pool.pid"
	started+=("${inits[@]}")
	sleep 1
	growth=$(( ($(used_kib) - before) / 1024 ))
	cg_growth=$(( ($(cg_kib) - cg_before) / 1024 ))
	anon=0
	roots=()
	for i in "${inits[@]}"; do
		r=$(cat "/proc/$i/task/$i/children")
		roots+=("$r")
		anon=$(( anon + $(field_kib "$r" RssAnon) ))
	done
	srv=$(pgrep -n -x cryo-pool || true)
	srss=$([ -n "$srv" ] && field_kib "$srv" VmRSS || echo 0)
	: > "$out"
	kill -USR1 "${roots[0]}"
	wait_for "$out" "PASS\|FAIL"
	grep -q PASS "$out" || { cat "$out" >&2; exit 1; }
	verify=$(sed -n 's/.*verify_s=\([0-9.]*\).*/\1/p' "$out" | head -1)
	for i in "${inits[@]}"; do kill -9 "$i"; done
	for i in "${inits[@]}"; do wait_gone "$i"; done
	row="$rep,$eager,$pool,$(echo "$pool / $eager" | bc -l | cut -c1-5),$copies,$cg_growth,$growth,$((anon / 1024)),$((srss / 1024)),$verify"
	echo "$row" | tee -a "$csv"
done
python3 - "$csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
med = lambda k: statistics.median(float(r[k]) for r in rows)
print(f"medians of {len(rows)}: eager restore {med('eager_s'):.3f} s; "
      f"{rows[0]['copies']} copies running {med('pool_s'):.3f} s "
      f"({med('pool_s') / med('eager_s'):.2f}x the eager restore; ratio median "
      f"{med('ratio'):.2f}); memory growth {med('cgroup_growth_mib'):.0f} MiB in the cgroup, "
      f"{med('meminfo_growth_mib'):.0f} MiB machine-wide "
      f"(copies' RssAnon {med('rss_anon_mib'):.0f} MiB, server Rss {med('server_rss_mib'):.0f} MiB); "
      f"copy 1 verifying all its memory on faults {med('verify_s'):.2f} s")
PY
echo "runs: $csv"
