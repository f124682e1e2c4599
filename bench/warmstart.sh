#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Warm start (issue 17): a python3 worker with numpy and MIB MiB of state
# (bench/warmstart-worker.py), how long until it answers after a restore, against its cold start
# measured in the same repetition (the yardstick). Per repetition:
#   1. cold: the worker is exec'd (python3, import numpy, MIB MiB of numpy arrays from a seeded
#      generator, a dict of 200000 small objects); a request "sum K" is written into its request
#      FIFO at once and waits there. Timed from the exec to its "ready" line (the worker's own
#      clock at the moment its state is complete) and to the answer; then "all" (a checksum of
#      every word of its state) is asked, untimed: the references;
#   2. `cryo dump -t PID -D IMG` (default options: the worker is killed), timed for the record;
#   3. restores, each timed from the start of `cryo restore` to the answer to its request
#      (written as soon as `cryo restore` returns), which must equal the cold worker's, else the
#      run fails; then "all" (a checksum of every word, untimed) must equal the reference and
#      the restored tree is killed and gone before the next:
#        eager     `cryo restore -D IMG --detach`, asked "sum K";
#        lazy      the first `--lazy` restore: the image has no hot set yet, so its page
#                  server records one (docs/hot-set.md): asked "sum K", then the script waits
#                  for IMG/hotset.img (HOT_WINDOW_MS after the start) before asking "all";
#        lazy-hot  `--lazy` again, the hot set loaded before the tree runs; asked "sum K2",
#                  another block than the recording's request (--same-block: "sum K");
#        pool-hot  `--copies N` (docs/fanout.md) with the hot set, asked as lazy-hot;
#        pool      `--copies N --no-hot-set` (as before hot sets), asked as lazy-hot.
#      With N > 1 the same request is sent again until every copy (told apart by its pid
#      namespace) has answered, and that time is reported too. Each answer carries the
#      worker's own time for it (took_ms) and the page faults it took (faults).
#   The image is deleted at the end of each repetition.
#
#   bench/warmstart.sh [--reps 5] [--mib 1024] [--copies 1] [--dir /var/tmp] [--keep-logs]
#                      [--same-block]
#
# Environment: CRYO (default REPO/build/cryo), PYTHON (default /usr/bin/python3: it needs numpy,
# Debian's python3-numpy). --keep-logs runs each restore with -v and keeps its log in
# bench/results/warmstart-<stamp>/. Prints every run and the medians; writes
# bench/results/warmstart-<stamp>.csv. Root is needed (cryo needs it). Every process and image
# the script makes is removed on exit, failure, Ctrl-C or SIGTERM.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
reps=5
mib=1024
copies=1
base=/var/tmp
keep_logs=0
same_block=0
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--mib) mib=$2; shift 2 ;;
	--copies) copies=$2; shift 2 ;;
	--dir) base=$2; shift 2 ;;
	--keep-logs) keep_logs=1; shift ;;
	--same-block) same_block=1; shift ;;
	-h|--help) sed -n '3,37p' "$0"; exit 0 ;;
	*) echo "warmstart.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
CRYO=${CRYO:-$repo/build/cryo}
PYTHON=${PYTHON:-/usr/bin/python3}
worker=$repo/bench/warmstart-worker.py
[ "$reps" -ge 1 ] && [ "$copies" -ge 1 ] && [ "$mib" -ge 8 ] ||
	{ echo "warmstart.sh: --reps and --copies must be >= 1, --mib >= 8" >&2; exit 2; }
[ -x "$CRYO" ] || { echo "warmstart.sh: build first (ninja -C build), or set CRYO" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "warmstart.sh: run as root" >&2; exit 1; }
if ! "$PYTHON" -c 'import numpy' 2>/dev/null; then
	echo "warmstart.sh: numpy is missing for $PYTHON: install python3-numpy" \
		"(scripts/install-deps.sh), or set PYTHON to a python3 that has it" >&2
	exit 1
fi

work=$(mktemp -d "$base/cryo-warmstart.XXXXXX")
stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$repo/bench/results"
csv=$repo/bench/results/warmstart-$stamp.csv
logs=$repo/bench/results/warmstart-$stamp
[ "$keep_logs" = 1 ] && mkdir -p "$logs"
started=() # PIDs this script made: workers, restored roots, copies' inits

ours() { # pid: it still runs something of this script's (its command line names $work)
	tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF "$work/"
}
servers() { # the page servers of restores of this script's images (cryo-lazy, cryo-pool)
	local d p
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		case $(cat "$d/comm" 2>/dev/null) in
		cryo-lazy|cryo-pool) ours "$p" && echo "$p" ;;
		esac
	done
	return 0
}
wait_gone() { # pid: until /proc/PID is gone (a zombie too: a restore would wait for it)
	for _ in $(seq 1000); do
		[ -e "/proc/$1" ] || return 0
		sleep 0.01
	done
	echo "warmstart.sh: pid $1 is still there after 10 s" >&2
	return 1
}
cleanup() {
	local p
	[ -s "$work/pid" ] && mapfile -t -O "${#started[@]}" started <"$work/pid"
	local killed=()
	for p in "${started[@]}" $(servers); do
		ours "$p" && kill -9 "$p" 2>/dev/null && killed+=("$p")
	done
	for p in "${killed[@]}"; do
		wait_gone "$p" || true
	done
	exec 3>&- 4>&-
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkfifo "$work/req" "$work/ans"
# Held read-write here: a request never blocks on the worker's open, and an answer that does
# not come is a timeout, not a hang.
exec 3<>"$work/req" 4<>"$work/ans"

fail() { echo "warmstart.sh: rep $rep: $*" >&2; exit 1; }
sub() { echo "$1 - $2" | bc -l | awk '{printf "%.4f", $1}'; }
ask() { # request timeout_s: prints the answer line
	local a
	echo "$1" >&3
	read -r -t "$2" -u 4 a || return 1
	echo "$a"
}
drop_ns() { sed 's/ ns=.*//'; }
ns_of() { sed 's/.* ns=\([^ ]*\).*/\1/'; }
took_of() { sed 's/.* took_ms=\([0-9.]*\).*/\1/'; }
faults_of() { sed 's/.* faults=\([0-9]*\).*/\1/'; }

kill_tree() { # pids...: kill every one and wait until each and every page server is gone
	local p
	for p in "$@"; do kill -9 "$p" 2>/dev/null || true; done
	for p in "$@"; do wait_gone "$p"; done
	for p in $(servers); do wait_gone "$p"; done
}

restore() { # mode (eager|lazy|lazy-hot|pool-hot|pool) block: sets R_REST, R_ANS, R_ALL
	# (seconds; all copies answered), R_TOOK (ms: the worker's own time for the first answer),
	# R_FLT (the page faults it took for it), R_RSS (copies: MiB of anonymous memory the first
	# copy holds after its first answer)
	local args=() v=() t0 t1 t2 t3 a seen n pids want=$ref_sum blk=$2
	case $1 in
	lazy|lazy-hot) args=(--lazy) ;;
	pool) args=(--copies "$copies" --no-hot-set) ;;
	pool-hot) args=(--copies "$copies") ;;
	esac
	[ "$blk" = "$k" ] || want=$ref_sum2
	[ "$keep_logs" = 1 ] && v=(-v)
	rm -f "$work/pid"
	t0=$EPOCHREALTIME
	"$CRYO" restore -D "$work/img" "${args[@]}" --detach --pidfile "$work/pid" "${v[@]}" \
		3>&- 4>&- 2>"$work/restore.log" || { cat "$work/restore.log" >&2; fail "$1 restore failed"; }
	t1=$EPOCHREALTIME
	echo "sum $blk" >&3 # inline, not ask(): no fork in the timed part
	read -r -t 60 -u 4 a || fail "$1: no answer within 60 s"
	t2=$EPOCHREALTIME
	mapfile -t pids <"$work/pid"
	started+=("${pids[@]}")
	R_RSS=-
	case $1 in pool*) # on demand only: what the first answer made it hold
		R_RSS=$(awk '$1 == "RssAnon:" {printf "%.1f", $2 / 1024}' \
			"/proc/$(cut -d' ' -f1 <"/proc/${pids[0]}/task/${pids[0]}/children")/status")
	esac
	[ "$(echo "$a" | drop_ns)" = "$want" ] || fail "$1: answer '$a', expected '$want'"
	R_TOOK=$(echo "$a" | took_of)
	R_FLT=$(echo "$a" | faults_of)
	t3=$t2
	case $1 in pool*) if [ "$copies" -gt 1 ]; then
		seen=$(echo "$a" | ns_of)
		n=0
		while [ "$(echo "$seen" | sort -u | wc -l)" -lt "$copies" ]; do
			n=$((n + 1))
			[ "$n" -le $((20 * copies)) ] || fail "copies: only $(echo "$seen" | sort -u | wc -l) of $copies copies answered"
			a=$(ask "sum $blk" 60) || fail "copies: no answer within 60 s"
			[ "$(echo "$a" | drop_ns)" = "$want" ] || fail "copies: answer '$a', expected '$want'"
			seen+=$'\n'$(echo "$a" | ns_of)
		done
		t3=$EPOCHREALTIME
	fi ;; esac
	if [ "$1" = lazy ]; then # the recording ends HOT_WINDOW_MS after the start: "all" after it
		for _ in $(seq 500); do
			[ -e "$work/img/hotset.img" ] && break
			sleep 0.02
		done
		[ -e "$work/img/hotset.img" ] || fail "lazy: no hot set recorded within 10 s"
	fi
	a=$(ask all 300) || fail "$1: no answer to 'all' within 300 s"
	[ "$(echo "$a" | drop_ns)" = "$ref_all" ] || fail "$1: 'all' answered '$a', expected '$ref_all'"
	kill_tree "${pids[@]}"
	[ "$keep_logs" = 1 ] && cp "$work/restore.log" "$logs/rep$rep-$1.log"
	R_REST=$(sub "$t1" "$t0") R_ANS=$(sub "$t2" "$t0") R_ALL=$(sub "$t3" "$t0")
}

echo "# warmstart.sh $(date -u '+%F %T') UTC, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
	"$mib MiB, --copies $copies, cryo $CRYO"
echo "rep,load,cold_ready_s,cold_answer_s,import_s,build_s,dump_s,copies,hot_pages,hot_runs,eager_restore_s,eager_answer_s,eager_took_ms,eager_faults,cold_over_eager,lazy_restore_s,lazy_answer_s,lazy_took_ms,lazy_faults,cold_over_lazy,lazyhot_restore_s,lazyhot_answer_s,lazyhot_took_ms,lazyhot_faults,cold_over_lazyhot,poolhot_restore_s,poolhot_answer_s,poolhot_took_ms,poolhot_faults,cold_over_poolhot,pool_restore_s,pool_answer_s,pool_took_ms,pool_faults,cold_over_pool,poolhot_all_s,pool_all_s,poolhot_rss_anon_mib,pool_rss_anon_mib,cold_took_ms,cold_faults" >"$csv"
for rep in $(seq "$reps"); do
	k=$((rep * 7919 % (mib - 1) + 1)) # a 1 MiB block, different in each repetition
	k2=$(((k + mib / 2) % mib))        # another, for the restores after the recording
	load=$(cut -d' ' -f1 /proc/loadavg)
	: >"$work/out"
	t0=$EPOCHREALTIME
	setsid "$PYTHON" "$worker" "$mib" "$rep" "$work/req" "$work/ans" \
		</dev/null >"$work/out" 2>&1 3>&- 4>&- &
	wpid=$!
	started+=("$wpid")
	echo "sum $k" >&3
	read -r -t 300 -u 4 a || { cat "$work/out" >&2; fail "the cold worker did not answer within 300 s"; }
	t1=$EPOCHREALTIME
	ready=$(grep '^ready' "$work/out") || fail "no ready line: $(cat "$work/out")"
	ref_sum=$(echo "$a" | drop_ns)
	cold_took=$(echo "$a" | took_of)
	cold_faults=$(echo "$a" | faults_of)
	case $ref_sum in "sum $k "*) ;; *) fail "cold answer '$a'" ;; esac
	ref_sum2=$(ask "sum $k2" 300 | drop_ns) || fail "the cold worker did not answer 'sum $k2'"
	ref_all=$(ask all 300 | drop_ns) || fail "the cold worker did not answer 'all'"
	t_ready=$(echo "$ready" | sed 's/.* t=\([0-9.]*\).*/\1/')
	imp=$(echo "$ready" | sed 's/.* import_s=\([0-9.]*\).*/\1/')
	build=$(echo "$ready" | sed 's/.* build_s=\([0-9.]*\).*/\1/')
	cold_ready=$(sub "$t_ready" "$t0")
	cold_answer=$(sub "$t1" "$t0")

	d0=$EPOCHREALTIME
	"$CRYO" dump -t "$wpid" -D "$work/img" 3>&- 4>&- 2>"$work/dump.log" ||
		{ cat "$work/dump.log" >&2; fail "dump failed"; }
	d1=$EPOCHREALTIME
	wait "$wpid" 2>/dev/null || true
	wait_gone "$wpid"

	row="$rep,$load,$cold_ready,$cold_answer,$imp,$build,$(sub "$d1" "$d0"),$copies"
	blk2=$k2
	[ "$same_block" = 1 ] && blk2=$k
	restore eager "$k"
	e="$R_REST,$R_ANS,$R_TOOK,$R_FLT,$(sub "$cold_ready / $R_ANS" 0)"
	restore lazy "$k"
	l="$R_REST,$R_ANS,$R_TOOK,$R_FLT,$(sub "$cold_ready / $R_ANS" 0)"
	hot_pages=$("$PYTHON" -c 'import struct,sys; print(*struct.unpack_from("<16xQQ", open(sys.argv[1], "rb").read())[::-1])' "$work/img/hotset.img")
	restore lazy-hot "$blk2"
	lh="$R_REST,$R_ANS,$R_TOOK,$R_FLT,$(sub "$cold_ready / $R_ANS" 0)"
	restore pool-hot "$blk2"
	ph="$R_REST,$R_ANS,$R_TOOK,$R_FLT,$(sub "$cold_ready / $R_ANS" 0)" ph_all=$R_ALL ph_rss=$R_RSS
	restore pool "$blk2"
	p="$R_REST,$R_ANS,$R_TOOK,$R_FLT,$(sub "$cold_ready / $R_ANS" 0)" p_all=$R_ALL p_rss=$R_RSS
	rm -rf "$work/img"
	row+=",${hot_pages% *},${hot_pages#* },$e,$l,$lh,$ph,$p,$ph_all,$p_all,$ph_rss,$p_rss,$cold_took,$cold_faults"
	echo "$row" | tee -a "$csv"
done

"$PYTHON" - "$csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
med = lambda k: statistics.median(float(r[k]) for r in rows)
each = lambda k, f=1000, d=0: " ".join(f"{float(r[k]) * f:.{d}f}" for r in rows)
cold = med("cold_ready_s")
n = rows[0]["copies"]
print(f"\nmedians of {len(rows)} (load {each('load', 1, 1)})")
print("| step | median | each run | cold ready / median | target |")
print("|---|---|---|---|---|")
print(f"| cold start, exec to ready (yardstick) | {cold:.2f} s | {each('cold_ready_s')} ms | | |")
print(f"| cold start, exec to first answer | {med('cold_answer_s'):.2f} s | {each('cold_answer_s')} ms | | |")
print(f"| cold: the worker's own answer / its faults | {med('cold_took_ms'):.1f} ms / {med('cold_faults'):.0f}"
      f" | {each('cold_took_ms', 1, 1)} ms | | |")
print(f"| dump (worker killed) | {med('dump_s'):.2f} s | {each('dump_s')} ms | | |")
print(f"| hot set recorded by the first lazy restore | {med('hot_pages') * 4 / 1024:.1f} MiB in"
      f" {med('hot_runs'):.0f} runs | {each('hot_pages', 4 / 1024, 1)} MiB | | |")
for mode, name in (("eager", "eager restore"), ("lazy", "lazy restore, recording the hot set"),
                   ("lazyhot", "lazy restore with the hot set"),
                   ("poolhot", f"pool (--copies {n}) with the hot set"),
                   ("pool", f"pool (--copies {n} --no-hot-set)")):
    a = med(f"{mode}_answer_s")
    print(f"| {name}: `cryo restore` returns | {med(f'{mode}_restore_s') * 1000:.0f} ms"
          f" | {each(f'{mode}_restore_s')} ms | | |")
    print(f"| {name}: first correct answer | **{a * 1000:.0f} ms** | {each(f'{mode}_answer_s')} ms"
          f" | **{cold / a:.0f}x** (per run median {med(f'cold_over_{mode}'):.0f}x) | >= 100x |")
    print(f"| {name}: the worker's own answer / its page faults | {med(f'{mode}_took_ms'):.1f} ms"
          f" / {med(f'{mode}_faults'):.0f} | {each(f'{mode}_took_ms', 1, 1)} ms;"
          f" {each(f'{mode}_faults', 1)} faults | | |")
for mode in ("poolhot", "pool"):
    print(f"| {mode}: anonymous memory a copy holds after its first answer"
          f" | {med(f'{mode}_rss_anon_mib'):.1f} MiB | {each(f'{mode}_rss_anon_mib', 1, 1)} MiB | | |")
    if int(n) > 1:
        print(f"| {mode}: every copy answered | {med(f'{mode}_all_s') * 1000:.0f} ms"
              f" | {each(f'{mode}_all_s')} ms | | |")
PY
echo "runs: $csv"
