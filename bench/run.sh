#!/usr/bin/env bash
# Dump and restore time/throughput of a process holding 256 MiB and 1 GiB (and, with --4g,
# 4 GiB) of random and of compressible memory, with this machine's memcpy and MAP_POPULATE
# bandwidth measured right next to each measured step. See bench/README.md.
#
#   bench/run.sh [--4g] [--reps N] [--sizes "256 1024"] [--kinds "random text"] [--dir DIR]
#
# Environment: CRYO (the cryo binary; unset: `make -C REPO` builds REPO/build/cryo),
# CRYO_BUILD (the build dir holding bench/holder and bench/yardstick; default: CRYO's dir),
# BENCH_4G=1 (same as --4g), BENCH_REPS, BENCH_SIZES, BENCH_KINDS, BENCH_DIR (where images
# go; default: the first of /tmp, /var/tmp, REPO/bench/results with room), CC.
#
# Results: a table of medians on stdout, and bench/results/<stamp>/{runs.csv,summary.csv,
# summary.json} (the raw runs and the medians). Images are written to the page cache and
# nothing is dropped between dump and restore; each image is deleted after its run.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
reps=${BENCH_REPS:-3}
sizes=${BENCH_SIZES:-256 1024}
kinds=${BENCH_KINDS:-random text}
base=${BENCH_DIR:-}
[ "${BENCH_4G:-0}" = 1 ] && sizes="$sizes 4096"

while [ $# -gt 0 ]; do
	case $1 in
	--4g) sizes="$sizes 4096" ;;
	--reps) reps=$2; shift ;;
	--sizes) sizes=$2; shift ;;
	--kinds) kinds=$2; shift ;;
	--dir) base=$2; shift ;;
	-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$reps" -ge 1 ] 2>/dev/null || { echo "run.sh: --reps must be >= 1" >&2; exit 2; }

# --- what we started, and how it all goes away (also on Ctrl-C and on failure) -----------
pids=()
work=""
holder_running() { # pid: true if pid is alive and is our holder
	local cmd
	cmd=$(tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline") || return 1
	[ "${cmd%% *}" = "$HOLDER" ]
}
cleanup() {
	local p
	for p in "${pids[@]}"; do
		holder_running "$p" && kill -KILL "$p" 2>/dev/null || true
	done
	[ -n "$work" ] && rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM HUP

# --- build -------------------------------------------------------------------------------
if [ -z "${CRYO:-}" ]; then
	make -C "$repo" >&2
	CRYO=$repo/build/cryo
	CRYO_BUILD=${CRYO_BUILD:-$repo/build}
fi
CRYO=$(realpath "$CRYO")
build=${CRYO_BUILD:-$(dirname "$CRYO")}
[ -x "$CRYO" ] || { echo "run.sh: no cryo at $CRYO" >&2; exit 1; }

stamp=$(date +%Y%m%d-%H%M%S)
results=$repo/bench/results/$stamp
mkdir -p "$results"

# The bench programs come from the Meson build (bench/meson.build) when it has them, else
# they are compiled here with the project's warning flags.
HOLDER=$build/bench/holder
YARD=$build/bench/yardstick
if [ ! -x "$HOLDER" ] || [ ! -x "$YARD" ]; then
	mkdir -p "$results/bin"
	for prog in holder yardstick; do
		${CC:-cc} -O2 -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
			-o "$results/bin/$prog" "$repo/bench/$prog.c"
	done
	HOLDER=$results/bin/holder
	YARD=$results/bin/yardstick
fi
HOLDER=$(realpath "$HOLDER")

# --- where the images go -----------------------------------------------------------------
max_mib=0
for s in $sizes; do [ "$s" -gt "$max_mib" ] && max_mib=$s; done
need_kib=$(( (max_mib + max_mib / 8 + 256) * 1024 ))
room_kib() { df -Pk "$1" 2>/dev/null | awk 'NR==2 {print $4}'; }
if [ -z "$base" ]; then
	for d in /tmp /var/tmp "$repo/bench/results"; do
		if [ -d "$d" ] && [ -w "$d" ] && [ "$(room_kib "$d")" -ge "$need_kib" ]; then
			base=$d
			break
		fi
	done
fi
[ -n "$base" ] || { echo "run.sh: no directory with $((need_kib / 1024)) MiB free for images" >&2; exit 1; }
work=$(mktemp -d "$base/cryo-bench.XXXXXX")

# Memory: the holder, the image in page cache and the yardstick's buffers at once.
mem_kib=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
if [ $(( max_mib * 3 * 1024 )) -gt "$mem_kib" ]; then
	echo "run.sh: warning: ${max_mib} MiB x 3 exceeds MemAvailable ($((mem_kib / 1024)) MiB)" >&2
fi

# --- helpers -----------------------------------------------------------------------------
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.4f", b - a}'; }
load1() { cut -d' ' -f1 /proc/loadavg; }
kv() { # key, text: the value of key=value in text
	sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<< "$2" | head -n1
}
wait_line() { # file, regex, timeout_s, [pid that must stay alive]
	local deadline=$((SECONDS + $3))
	until grep -Eq "$2" "$1" 2>/dev/null; do
		if [ $SECONDS -ge $deadline ]; then return 1; fi
		if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then return 1; fi
		sleep 0.05
	done
}
wait_gone() { # pid, timeout_s: until the pid is gone or a zombie (its memory is freed)
	local deadline=$((SECONDS + $2)) st
	while st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [ "$st" != Z ] && [ "$st" != X ]; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.02
	done
}
yardstick() { # mib, extra tests...: one line "k=v k=v ..." with the yardstick values
	local mib=$1
	shift
	"$YARD" -m "$mib" -r 3 -d "$work" memcpy populate fill pagecache "$@" | tr '\n' ' '
}

{
	echo "# cryo benchmark $stamp"
	echo "# date: $(date -Is)"
	echo "# host: $(uname -n) kernel $(uname -r), nproc $(nproc), $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo)"
	echo "# cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
	echo "# thp: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo n/a)"
	echo "# cryo: $CRYO ($(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown))"
	echo "# images in: $work ($(df -h --output=avail "$base" | tail -1 | tr -d ' ') free); page cache not dropped"
	echo "# sizes: $sizes MiB; kinds: $kinds; reps: $reps; load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results/env.txt" >&2

csv=$results/runs.csv
echo "size_mib,kind,rep,result,dump_s,dump_gbps,restore_s,restore_gbps,image_bytes,image_apparent_bytes,fill_s,verify_s,d_memcpy_gbps,d_populate_gbps,d_fill_gbps,d_pagecache_gbps,r_memcpy_gbps,r_populate_gbps,r_fill_gbps,r_pagecache_gbps,touch_gbps,load_dump,load_restore,message" > "$csv"

failures=0
for mib in $sizes; do
	for kind in $kinds; do
		for rep in $(seq 1 "$reps"); do
			bytes=$((mib << 20))
			img=$work/img
			out=$work/holder.out
			rm -rf "$img" && mkdir -p "$img"
			result=PASS msg="" dump_s="" restore_s="" verify="" touch="" img_b="" img_a=""
			d_y="" r_y=""
			echo "== $mib MiB $kind, run $rep/$reps" >&2
			if [ "$(room_kib "$base")" -lt $(( (mib + mib / 8 + 64) * 1024 )) ]; then
				echo "run.sh: not enough room in $base for a $mib MiB image" >&2
				exit 1
			fi

			# The holder in its own session; it closes any inherited descriptor > 2 itself.
			setsid "$HOLDER" "$mib" "$kind" < /dev/null > "$out" 2>&1 &
			hpid=$!
			pids+=("$hpid")
			if ! wait_line "$out" '^ready' 600 "$hpid"; then
				echo "run.sh: holder did not get ready: $(cat "$out")" >&2
				exit 1
			fi
			ready=$(grep -m1 '^ready' "$out")
			fill_s=$(kv fill_s "$ready")

			# Dump, with the yardsticks measured just before it (touch only once per case).
			extra=()
			[ "$rep" = 1 ] && extra=(touch)
			d_y=$(yardstick "$mib" "${extra[@]}")
			touch=$(kv touch_gbps "$d_y")
			load_d=$(load1)
			t0=$(now)
			if "$CRYO" dump -t "$hpid" -D "$img" > "$work/dump.out" 2>&1; then
				t1=$(now)
				dump_s=$(elapsed "$t0" "$t1")
			else
				rc=$?
				result=FAIL-dump
				msg="cryo dump rc=$rc: $(tail -n 3 "$work/dump.out" | tr '\n,' ' ;')"
			fi
			# The tree must be gone (and reaped: it is our child) before the restore.
			if [ "$result" = PASS ]; then
				wait "$hpid" 2>/dev/null || true
				wait_gone "$hpid" 10 || { result=FAIL-dump; msg="holder $hpid still alive after dump"; }
			fi

			if [ "$result" = PASS ]; then
				img_b=$(du -sB1 "$img" | cut -f1)
				img_a=$(du -sb "$img" | cut -f1)
				r_y=$(yardstick "$mib")
				load_r=$(load1)
				t0=$(now)
				if "$CRYO" restore -D "$img" --detach --pidfile "$work/pid" > "$work/restore.out" 2>&1; then
					t1=$(now)
					restore_s=$(elapsed "$t0" "$t1")
					rpid=$(cat "$work/pid")
					pids+=("$rpid")
					npass=$(grep -Ec '^(PASS|FAIL)' "$out" || true)
					kill -USR1 "$rpid"
					if wait_line "$out" '^(PASS|FAIL)' 600 "$rpid" &&
						[ "$(grep -Ec '^(PASS|FAIL)' "$out")" -gt "$npass" ]; then
						line=$(grep -E '^(PASS|FAIL)' "$out" | tail -n1)
						verify=$(kv verify_s "$line")
						case $line in
						PASS*) ;;
						*) result=FAIL-verify; msg=$line ;;
						esac
					else
						result=FAIL-verify
						msg="no PASS after restore (pid $rpid $(kill -0 "$rpid" 2>/dev/null && echo alive || echo dead)): $(tail -n 2 "$out" | tr '\n,' ' ;')"
					fi
					kill -KILL "$rpid" 2>/dev/null || true
					wait_gone "$rpid" 10 || true
				else
					rc=$?
					result=FAIL-restore
					msg="cryo restore rc=$rc: $(tail -n 3 "$work/restore.out" | tr '\n,' ' ;')"
				fi
			fi
			# Whatever happened, nothing of this run is left running, and its image is gone.
			holder_running "$hpid" && kill -KILL "$hpid" 2>/dev/null || true
			wait "$hpid" 2>/dev/null || true
			rm -rf "$img"

			gb() { [ -n "$1" ] && awk -v b="$bytes" -v s="$1" 'BEGIN {printf "%.3f", b / s / 1e9}'; }
			row=("$mib" "$kind" "$rep" "$result" "$dump_s" "$(gb "$dump_s" || true)"
				"$restore_s" "$(gb "$restore_s" || true)" "$img_b" "$img_a" "$fill_s" "$verify"
				"$(kv memcpy_gbps "$d_y")" "$(kv populate_gbps "$d_y")" "$(kv fill_gbps "$d_y")"
				"$(kv pagecache_gbps "$d_y")"
				"$(kv memcpy_gbps "$r_y")" "$(kv populate_gbps "$r_y")" "$(kv fill_gbps "$r_y")"
				"$(kv pagecache_gbps "$r_y")"
				"$touch" "${load_d:-}" "${load_r:-}" "\"${msg//\"/\'}\"")
			(IFS=,; echo "${row[*]}") >> "$csv"
			if [ "$result" = PASS ]; then
				echo "   dump ${dump_s}s ($(gb "$dump_s") GB/s, memcpy $(kv memcpy_gbps "$d_y")," \
					"page cache $(kv pagecache_gbps "$d_y"))," \
					"restore ${restore_s}s ($(gb "$restore_s") GB/s, MAP_POPULATE" \
					"$(kv populate_gbps "$r_y"), fill $(kv fill_gbps "$r_y")), image" \
					"$((img_b >> 20)) MiB, PASS" >&2
			else
				failures=$((failures + 1))
				echo "   $result: $msg" >&2
			fi
		done
	done
done

echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results/env.txt" >&2
python3 "$repo/bench/summarize.py" "$results"
echo "results: $results" >&2
[ "$failures" = 0 ] || { echo "run.sh: $failures run(s) failed (see $csv)" >&2; exit 1; }
