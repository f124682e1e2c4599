#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Warm start, one cryo against another in the same run (issue 17): the python3 worker of
# bench/warmstart.sh (numpy, MIB MiB of state), restored with --lazy and its hot set loaded
# before it runs, by cryo BEFORE and by cryo AFTER in turn, against its cold start measured
# in each repetition. Per repetition:
#   1. cold: the worker is exec'd and asked "sum K" at once; timed from the exec to its
#      "ready" line (the yardstick), then asked "sum K2" and "all" (the references);
#   2. `cryo dump` (AFTER's), then a second directory of hard links to the same image files
#      (an image is never written by a restore, except hotset.img, which is renamed into place);
#   3. each cryo's first --lazy restore of its own directory records its own hot set;
#   4. INNER rounds of: a --lazy restore by each cryo (the order alternating every round),
#      timed from the start of `cryo restore` to the answer to "sum K2" (which must be the
#      cold worker's), then "all" checked, untimed, and the tree killed. Each restore runs
#      with -vv: its timeline's step that loads the task's pages before it runs ("eager
#      N+hot M KiB ... chunks") is kept with it.
#
#   bench/warmstart-ab.sh --before CRYO [--after CRYO] [--reps 5] [--inner 2] [--mib 1024]
#                         [--dir /var/tmp]
#
# --after defaults to $CRYO or REPO/build/cryo. Prints each restore and the medians; writes
# bench/results/warmstart-ab-<stamp>.csv and the restore logs under bench/results/warmstart-ab-
# <stamp>/. Root is needed. Every process and image it makes is removed on exit or failure.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
reps=5 inner=2 mib=1024 base=/var/tmp before="" after=${CRYO:-$repo/build/cryo}
while [ $# -gt 0 ]; do
	case $1 in
	--before) before=$2; shift 2 ;;
	--after) after=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--inner) inner=$2; shift 2 ;;
	--mib) mib=$2; shift 2 ;;
	--dir) base=$2; shift 2 ;;
	-h|--help) sed -n '3,25p' "$0"; exit 0 ;;
	*) echo "warmstart-ab.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
PYTHON=${PYTHON:-/usr/bin/python3}
worker=$repo/bench/warmstart-worker.py
[ -x "$before" ] && [ -x "$after" ] || { echo "warmstart-ab.sh: --before and --after must be cryo binaries" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "warmstart-ab.sh: run as root" >&2; exit 1; }
"$PYTHON" -c 'import numpy' 2>/dev/null || { echo "warmstart-ab.sh: numpy is missing" >&2; exit 1; }

work=$(mktemp -d "$base/cryo-warmstart-ab.XXXXXX")
stamp=$(date +%Y%m%d-%H%M%S)
csv=$repo/bench/results/warmstart-ab-$stamp.csv
logs=$repo/bench/results/warmstart-ab-$stamp
mkdir -p "$logs"
started=()

ours() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF "$work/"; }
servers() {
	local d
	for d in /proc/[0-9]*; do
		case $(cat "$d/comm" 2>/dev/null) in
		cryo-lazy|cryo-pool) ours "${d#/proc/}" && echo "${d#/proc/}" ;;
		esac
	done
	return 0
}
wait_gone() {
	for _ in $(seq 1000); do [ -e "/proc/$1" ] || return 0; sleep 0.01; done
	echo "warmstart-ab.sh: pid $1 is still there after 10 s" >&2
	return 1
}
cleanup() {
	local p killed=()
	[ -s "$work/pid" ] && mapfile -t -O "${#started[@]}" started <"$work/pid"
	for p in "${started[@]}" $(servers); do ours "$p" && kill -9 "$p" 2>/dev/null && killed+=("$p"); done
	for p in "${killed[@]}"; do wait_gone "$p" || true; done
	exec 3>&- 4>&-
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mkfifo "$work/req" "$work/ans"
exec 3<>"$work/req" 4<>"$work/ans"

fail() { echo "warmstart-ab.sh: rep $rep: $*" >&2; exit 1; }
sub() { echo "$1 - $2" | bc -l | awk '{printf "%.4f", $1}'; }
ask() { local a; echo "$1" >&3; read -r -t "$2" -u 4 a || return 1; echo "$a"; }
drop_ns() { sed 's/ ns=.*//'; }

restore() { # which (before|after) dir block want tag: sets R_ANS (s)
	local bin=$before a t0 t2 pids
	[ "$1" = after ] && bin=$after
	rm -f "$work/pid"
	t0=$EPOCHREALTIME
	"$bin" restore -D "$2" --lazy --detach --pidfile "$work/pid" -vv 3>&- 4>&- \
		2>"$work/restore.log" || { cat "$work/restore.log" >&2; fail "$1 restore failed"; }
	echo "sum $3" >&3
	read -r -t 60 -u 4 a || fail "$1: no answer within 60 s"
	t2=$EPOCHREALTIME
	mapfile -t pids <"$work/pid"
	started+=("${pids[@]}")
	[ "$(echo "$a" | drop_ns)" = "$4" ] || fail "$1: answer '$a', expected '$4'"
	if [ ! -e "$2/hotset.img" ]; then # the recording: "all" once it is written
		for _ in $(seq 500); do [ -e "$2/hotset.img" ] && break; sleep 0.02; done
	fi
	a=$(ask all 300) || fail "$1: no answer to 'all'"
	[ "$(echo "$a" | drop_ns)" = "$ref_all" ] || fail "$1: 'all' answered '$a'"
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait_gone "$p"; done
	for p in $(servers); do wait_gone "$p"; done
	cp "$work/restore.log" "$logs/rep$rep-$5.log"
	R_ANS=$(sub "$t2" "$t0")
}

echo "# warmstart-ab.sh $(date -u '+%F %T') UTC, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $mib MiB; before $before, after $after"
echo "rep,round,which,load,cold_ready_s,answer_s" >"$csv"
for rep in $(seq "$reps"); do
	k=$((rep * 7919 % (mib - 1) + 1))
	k2=$(((k + mib / 2) % mib))
	: >"$work/out"
	t0=$EPOCHREALTIME
	setsid "$PYTHON" "$worker" "$mib" "$rep" "$work/req" "$work/ans" </dev/null >"$work/out" 2>&1 3>&- 4>&- &
	wpid=$!
	started+=("$wpid")
	echo "sum $k" >&3
	read -r -t 300 -u 4 a || fail "the cold worker did not answer"
	ready=$(grep '^ready' "$work/out") || fail "no ready line"
	cold_ready=$(sub "$(echo "$ready" | sed 's/.* t=\([0-9.]*\).*/\1/')" "$t0")
	ref_sum2=$(ask "sum $k2" 300 | drop_ns) || fail "no answer to 'sum $k2'"
	ref_all=$(ask all 300 | drop_ns) || fail "no answer to 'all'"
	"$after" dump -t "$wpid" -D "$work/img" 3>&- 4>&- 2>"$work/dump.log" || { cat "$work/dump.log" >&2; fail "dump failed"; }
	wait "$wpid" 2>/dev/null || true
	wait_gone "$wpid"
	mkdir "$work/img-after"
	ln "$work/img"/* "$work/img-after/"
	restore before "$work/img" "$k2" "$ref_sum2" before-record
	restore after "$work/img-after" "$k2" "$ref_sum2" after-record
	for round in $(seq "$inner"); do
		order="before after"
		[ $(((rep + round) % 2)) = 1 ] && order="after before"
		for w in $order; do
			d=$work/img
			[ "$w" = after ] && d=$work/img-after
			load=$(cut -d' ' -f1 /proc/loadavg)
			restore "$w" "$d" "$k2" "$ref_sum2" "$w-$round"
			echo "$rep,$round,$w,$load,$cold_ready,$R_ANS" | tee -a "$csv"
		done
	done
	rm -rf "$work/img" "$work/img-after"
done

"$PYTHON" - "$csv" "$logs" <<'PY'
import csv, re, statistics, sys, pathlib
rows = list(csv.DictReader(open(sys.argv[1])))
logs = pathlib.Path(sys.argv[2])
med = statistics.median


def step(path):
    """The page load before the tree runs, from the -vv timeline: (wall ms since the mappings
    were made, its thread's cpu ms, chunks read and checked)."""
    t = path.read_text()
    made = re.search(r"\+([\d.]+) ms pid \d+: \d+ mappings made", t)
    m = re.search(r"\+([\d.]+) ms pid \d+: eager \d+\+hot \d+ KiB.*?(\d+) chunks, cpu ([\d.]+) ms", t)
    return float(m.group(1)) - float(made.group(1)), float(m.group(3)), int(m.group(2))


cold = [float(r["cold_ready_s"]) for r in rows if r["which"] == "after"]
loads = [float(r["load"]) for r in rows]
print(f"\n{len(rows) // 2} restores each; load {min(loads):.1f}-{max(loads):.1f}")
print(f"cold start, exec to ready (yardstick): median {med(cold):.2f} s")
print("| cryo | first answer | cold / answer (per run) | load step wall | its cpu | chunks |")
print("|---|---|---|---|---|---|")
for w in ("before", "after"):
    rs = [r for r in rows if r["which"] == w]
    a = [float(r["answer_s"]) * 1000 for r in rs]
    s = [step(logs / f"rep{r['rep']}-{w}-{r['round']}.log") for r in rs]
    ratio = med(float(r["cold_ready_s"]) / float(r["answer_s"]) for r in rs)
    print(f"| {w} | {med(a):.0f} ms ({min(a):.0f}-{max(a):.0f}) | {ratio:.0f}x"
          f" | {med(x[0] for x in s):.1f} ms | {med(x[1] for x in s):.1f} ms"
          f" ({min(x[1] for x in s):.1f}-{max(x[1] for x in s):.1f}) | {med(x[2] for x in s):.0f} |")
PY
echo "runs: $csv"
