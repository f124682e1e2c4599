#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Copy-on-write dump (issue 17, docs/cow-dump.md): how long the tree is frozen during a
# `cryo dump --leave-running` (copy-on-write, the default) against the same dump with --no-cow
# (frozen for its whole copy: the yardstick), for each size, in 4 KiB pages and in THPs
# (holder thp), and how long a pre-dump freezes it; and, with the holder rewriting its
# pages, the workload's own longest pause and its rewrite rate during each kind of dump, against
# its rate just before. Every measured dump runs next to its yardstick, alternating, so both
# see the same machine. Medians of --reps.
#
#   bench/cow.sh [--sizes "1024 4096"] [--reps 3] [--dirty-mib 1024] [--dirty 100]
#                [--dir DIR]
#
# Freeze times are cryo's own log line ("dump: tree frozen for X ms", from the start of the
# seize to the resume); a copy-on-write dump freezes the tree twice, briefly to make its
# userfaultfds and then for its own collection, and both are added. The pause is the holder's ("stall max_ms": the longest time its
# rewriting thread made no progress, freezes and scheduling delays included, bench/holder.c);
# the throughput is its rewrites per second during the dump over those in the 2 s before.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CRYO=${CRYO:-$ROOT/build/cryo}
CRYO_BUILD=${CRYO_BUILD:-$(dirname "$CRYO")}
HOLDER=$CRYO_BUILD/bench/holder
WPCOST=$CRYO_BUILD/bench/wpcost
SIZES="1024 4096"
REPS=3
DIRTY_MIB=1024
DIRTY=100
DIR=/var/tmp/cryo-bench-cow

while [ $# -gt 0 ]; do
	case $1 in
	--sizes) SIZES=$2; shift 2 ;;
	--reps) REPS=$2; shift 2 ;;
	--dirty-mib) DIRTY_MIB=$2; shift 2 ;;
	--dirty) DIRTY=$2; shift 2 ;;
	--dir) DIR=$2; shift 2 ;;
	-h|--help) sed -n '3,20p' "$0"; exit 0 ;;
	*) echo "cow.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -x "$CRYO" ] && [ -x "$HOLDER" ] || { echo "cow.sh: build first (need $CRYO, $HOLDER)" >&2; exit 1; }
mkdir -p "$DIR"
HPID=
cleanup() { [ -n "$HPID" ] && kill -9 "$HPID" 2>/dev/null; rm -rf "$DIR"/img "$DIR"/out.txt; }
trap cleanup EXIT

median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
now() { date +%s.%N; }

start_holder() { # MIB DIRTY [thp]
	rm -f "$DIR/out.txt"
	"$HOLDER" "$1" random 7 "dirty=$2" ${3:-} >"$DIR/out.txt" 2>&1 &
	HPID=$!
	while ! grep -q '^ready' "$DIR/out.txt" 2>/dev/null; do sleep 0.1; done
}

stall() { # prints "max_ms steps" since the last call
	local n
	n=$(grep -c '^stall' "$DIR/out.txt" || true)
	kill -USR2 "$HPID"
	while [ "$(grep -c '^stall' "$DIR/out.txt" || true)" = "$n" ]; do sleep 0.01; done
	sed -n 's/^stall max_ms=\([0-9.]*\) steps=\([0-9]*\).*/\1 \2/p' "$DIR/out.txt" | tail -n1
}

dump() { # extra args...; prints the time frozen in ms, all freezes together
	rm -rf "$DIR/img"
	"$CRYO" dump -t "$HPID" -D "$DIR/img" --leave-running -v "$@" 2>"$DIR/dump.err"
	sed -n 's/.* dump: tree frozen for \([0-9.]*\) ms.*/\1/p' "$DIR/dump.err" |
		awk '{s += $1; d = d (NR > 1 ? "+" : "") $1} END {print s; print d > "/dev/stderr"}' \
		2>>"$DIR/freezes"
}

predump() { # prints the time a pre-dump froze the tree in ms, both freezes together
	rm -rf "$DIR/pre"
	"$CRYO" pre-dump -t "$HPID" -D "$DIR/pre" -v 2>"$DIR/pre.err"
	sed -n 's/.* pre-dump: tree frozen for \([0-9.]*\) ms.*/\1/p' "$DIR/pre.err" |
		awk '{s += $1; d = d (NR > 1 ? "+" : "") $1} END {print s " (" d ")"}'
	rm -rf "$DIR/pre"
}

echo "# cow.sh $(date -u '+%F %T') UTC, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## the kernel's walks over that memory, in one process (bench/wpcost), before the dumps"
for mib in $SIZES; do
	[ -x "$WPCOST" ] && "$WPCOST" "$mib" && "$WPCOST" "$mib" thp
done
echo
echo "## tree frozen during dump --leave-running (ms, median of $REPS)"
echo "| size | copy-on-write (both freezes) | --no-cow (yardstick) | each COW run: early + dump's freeze | each --no-cow run | each pre-dump: early + its freeze |"
echo "|---|---|---|---|---|---|"
for case in $SIZES $(for m in $SIZES; do echo "$m:thp"; done); do
	mib=${case%:thp}
	thp=; [ "$case" != "$mib" ] && thp=thp
	start_holder "$mib" 0 $thp
	cow=() plain=() pre=()
	: >"$DIR/freezes"
	for _ in $(seq "$REPS"); do
		cow+=("$(dump)")
		plain+=("$(dump --no-cow)")
		pre+=("$(predump)")
	done
	kill -9 "$HPID"; wait "$HPID" 2>/dev/null || true; HPID=
	echo "| $mib MiB ${thp:+(THP)} | $(printf '%s\n' "${cow[@]}" | median) | $(printf '%s\n' "${plain[@]}" | median) | $(grep '+' "$DIR/freezes" | tr '\n' ' ') | ${plain[*]} | ${pre[*]} |"
done

echo
echo "## holder rewriting dirty=$DIRTY% of $DIRTY_MIB MiB per second during the dump (median of $REPS)"
echo "| dump | longest pause (ms) | throughput vs the 2 s before | dump took (s) | freeze (ms) | each run: pause/throughput |"
echo "|---|---|---|---|---|---|"
start_holder "$DIRTY_MIB" "$DIRTY"
sleep 2
declare -A P T D F E
for _ in $(seq "$REPS"); do
	for mode in cow no-cow; do
		stall >/dev/null
		sleep 2
		read -r _ base < <(stall)
		t0=$(now)
		if [ $mode = cow ]; then f=$(dump); else f=$(dump --no-cow); fi
		t1=$(now)
		read -r pause steps < <(stall)
		dt=$(echo "$t1 - $t0" | bc -l)
		thr=$(echo "($steps / $dt) / ($base / 2)" | bc -l)
		P[$mode]+="$pause "; T[$mode]+="$thr "; D[$mode]+="$dt "; F[$mode]+="$f "
		E[$mode]+="$pause/$(printf %.2f "$thr") "
	done
done
for mode in cow no-cow; do
	echo "| $mode | $(echo ${P[$mode]} | tr ' ' '\n' | median) | $(printf %.2f "$(echo ${T[$mode]} | tr ' ' '\n' | median)") | $(printf %.2f "$(echo ${D[$mode]} | tr ' ' '\n' | median)") | $(echo ${F[$mode]} | tr ' ' '\n' | median) | ${E[$mode]} |"
done
echo "# load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
