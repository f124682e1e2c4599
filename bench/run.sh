#!/usr/bin/env bash
# Dump and restore time/throughput of a process holding 1 GiB and 4 GiB (or --sizes) of random
# and of compressible memory, through every image pipeline cryo has: the default raw files,
# each --compression at each --streams, `dump -D - | restore -D -`, and `dump --to tcp://` to
# `cryo serve` on loopback; with this machine's memcpy, MAP_POPULATE and lz4/zstd/zlib library
# speeds measured in the same run; and how long a tree is frozen by a full dump against a
# pre-dump followed by `dump --parent`. See bench/README.md.
#
#   bench/run.sh [--quick] [--4g] [--reps N] [--sizes "1024 4096"] [--kinds "random text"]
#                [--codecs "raw none lz4 zstd gzip zlib"] [--streams "1 2 4"]
#                [--codecs-4g "raw none lz4"] [--streams-4g "1 2"] [--reps-4g N]
#                [--reps-slow N] [--stream-tests "pipe pipe-holdtail tcp1 tcp2 stream stream-cat"]
#                [--reps-stream N] [--lazy-sizes "1024 4096"] [--predump-sizes "1024 4096"]
#                [--predump-rates "1 10"] [--predump-only] [--scale] [--alternate] [--one-cpu]
#                [--dir DIR]
#
# "raw" is the default path (no flags: plain per-task page files); the others run
# `cryo dump --compression C --streams N`. Sizes above 1 GiB run only --codecs-4g at
# --streams-4g, --reps-4g times (default 1); zlib and gzip (deflate, ~0.03-0.07 GB/s per core
# here) run --reps-slow times (default 1). The stream tests run on the first kind at 1 GiB,
# uncompressed, --reps-stream times (default: --reps).
# Pre-dump: at each --predump-sizes and each --predump-rates (% of the memory rewritten per
# second by the holder, `holder ... dirty=PCT`), a full dump of one holder against a pre-dump,
# 1 s, and `dump --parent` of a fresh one; both images restored and checked. --reps times
# (--reps-4g above 1 GiB), first kind only. --predump-only skips everything else.
# --quick: 1 rep, 1 GiB, codecs "raw none lz4 zstd", streams "1 2", stream tests "pipe-holdtail
# tcp1 stream", lazy and pre-dump at 1 GiB only (about 10 minutes).
# --scale: the stream speed-up rows only (issue 17): 1 GiB random and text, raw and
# none/lz4 at 1 and 2 streams, 5 reps (a later --reps changes it), alternating (--alternate:
# rep 1 of every case, then rep 2...), and each codec once more at 1 stream with dump and
# restore pinned to one CPU (--one-cpu: `taskset -c 0`, sizes up to 1 GiB), with memcpy and the
# codecs' one-thread speed measured in the same run; runs.csv also gets each dump's threads'
# CPU, run-queue and blocked time from its log (about 15 minutes).
#
# Environment: CRYO (the cryo binary; unset: `make -C REPO` builds REPO/build/cryo),
# CRYO_BUILD (the build dir holding bench/holder, yardstick, codecbench, holdtail; default:
# CRYO's dir), BENCH_4G=1 (same as --4g), BENCH_REPS, BENCH_SIZES, BENCH_KINDS, BENCH_CODECS,
# BENCH_STREAMS, BENCH_DIR (where images go; default: the first of /tmp, /var/tmp,
# REPO/bench/results with room), CC.
#
# Results: a table of medians on stdout, and bench/results/<stamp>/{env.txt,runs.csv,
# codecs.csv,summary.csv,summary.json,summary.md,predump.csv,predump-summary.csv}. Images are
# written to the page cache and nothing is dropped between dump and restore; each image is
# deleted after its run.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
reps=${BENCH_REPS:-3}
sizes=${BENCH_SIZES:-1024 4096}
kinds=${BENCH_KINDS:-random text}
codecs=${BENCH_CODECS:-raw none lz4 zstd gzip zlib}
streams=${BENCH_STREAMS:-1 2 4}
codecs_4g="raw none lz4"
streams_4g="1 2"
reps_4g=1
reps_slow=1
reps_stream=""
stream_tests="pipe pipe-holdtail tcp1 tcp2 stream stream-cat"
lazy_sizes="1024 4096"
predump_sizes="1024 4096"
predump_rates="1 10"
base=${BENCH_DIR:-}
add4g=${BENCH_4G:-0}
predump_only=0
alternate=0
one_cpu=0

while [ $# -gt 0 ]; do
	case $1 in
	--quick)
		reps=1 sizes=1024 codecs="raw none lz4 zstd" streams="1 2"
		stream_tests="pipe-holdtail tcp1 stream"; lazy_sizes=1024 predump_sizes=1024 ;;
	--scale)
		reps=5 sizes=1024 kinds="random text" codecs="raw none lz4" streams="1 2" alternate=1
		one_cpu=1 stream_tests="" lazy_sizes="" predump_sizes="" ;;
	--alternate) alternate=1 ;;
	--one-cpu) one_cpu=1 ;;
	--4g) add4g=1 ;;
	--reps) reps=$2; shift ;;
	--sizes) sizes=$2; shift ;;
	--kinds) kinds=$2; shift ;;
	--codecs) codecs=$2; shift ;;
	--streams) streams=$2; shift ;;
	--codecs-4g) codecs_4g=$2; shift ;;
	--streams-4g) streams_4g=$2; shift ;;
	--reps-4g) reps_4g=$2; shift ;;
	--reps-slow) reps_slow=$2; shift ;;
	--stream-tests) stream_tests=$2; shift ;;
	--lazy-sizes) lazy_sizes=$2; shift ;;
	--predump-sizes) predump_sizes=$2; shift ;;
	--predump-rates) predump_rates=$2; shift ;;
	--predump-only) predump_only=1 ;;
	--reps-stream) reps_stream=$2; shift ;;
	--dir) base=$2; shift ;;
	-h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
reps_stream=${reps_stream:-$reps}
if [ "$predump_only" = 1 ]; then
	sizes="" codecs="" codecs_4g="" stream_tests="" lazy_sizes=""
fi
for r in $predump_rates; do
	awk -v r="$r" 'BEGIN {exit !(r + 0 == r && r > 0 && r <= 1000)}' ||
		{ echo "run.sh: --predump-rates wants percentages in (0, 1000]" >&2; exit 2; }
done
[ "$add4g" = 1 ] && [[ " $sizes " != *" 4096 "* ]] && sizes="$sizes 4096"
for n in "$reps" "$reps_4g" "$reps_slow" "$reps_stream"; do
	[ "$n" -ge 1 ] 2>/dev/null || { echo "run.sh: reps must be >= 1" >&2; exit 2; }
done
for c in $codecs $codecs_4g; do
	case $c in raw|tar|none|lz4|zstd|zlib|gzip) ;; *) echo "run.sh: unknown codec $c" >&2; exit 2 ;; esac
done
for t in $stream_tests; do
	case $t in pipe|pipe-holdtail|stream|stream-cat|tcp[0-9]*) ;; *) echo "run.sh: unknown stream test $t" >&2; exit 2 ;; esac
done

# --- what we started, and how it all goes away (also on Ctrl-C and on failure) -----------
# Each PID we start is recorded with its argv[0] at that moment; cleanup kills a PID only if
# it still runs that program (a recycled PID is left alone).
pids=()
work=""
argv0() { local c; c=$(tr '\0' '\n' 2>/dev/null < "/proc/$1/cmdline" | head -n1) && echo "$c"; }
track() { pids+=("$1:$(argv0 "$1" || true)"); }
cleanup() {
	local e p a
	for e in "${pids[@]}"; do
		p=${e%%:*} a=${e#*:}
		[ -n "$a" ] && [ "$(argv0 "$p" || true)" = "$a" ] && kill -KILL "$p" 2>/dev/null || true
	done
	# A restore interrupted after it wrote its pidfile leaves a restored holder not tracked yet.
	if [ -n "$work" ] && [ -s "$work/pid" ]; then
		p=$(cat "$work/pid")
		[ "$(argv0 "$p" || true)" = "${HOLDER:-}" ] && kill -KILL "$p" 2>/dev/null || true
	fi
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
CODECB=$build/bench/codecbench
HOLDTAIL=$build/bench/holdtail
if [ ! -x "$HOLDER" ] || [ ! -x "$YARD" ] || [ ! -x "$CODECB" ] || [ ! -x "$HOLDTAIL" ]; then
	mkdir -p "$results/bin"
	for prog in holder yardstick holdtail codecbench; do
		libs=()
		[ $prog = codecbench ] && libs=(-llz4 -lzstd -lz)
		${CC:-cc} -O2 -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread \
			-o "$results/bin/$prog" "$repo/bench/$prog.c" "${libs[@]}"
	done
	HOLDER=$results/bin/holder YARD=$results/bin/yardstick
	CODECB=$results/bin/codecbench HOLDTAIL=$results/bin/holdtail
fi
HOLDER=$(realpath "$HOLDER")

# --- where the images go -----------------------------------------------------------------
max_mib=0 room_mib=0
for s in $sizes $lazy_sizes; do [ "$s" -gt "$max_mib" ] && max_mib=$s; done
room_mib=$max_mib
# A pre-dump and the dump built on it are on disk at once (the dump: up to all of it again).
for s in $predump_sizes; do
	[ "$s" -gt "$max_mib" ] && max_mib=$s
	[ $((2 * s)) -gt "$room_mib" ] && room_mib=$((2 * s))
done
need_kib=$(( (room_mib + room_mib / 8 + 256) * 1024 ))
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
is_gone() { # pid: true if gone or a zombie (its memory is freed)
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$st" = Z ] || [ "$st" = X ]
}
wait_gone() { # pid, timeout_s
	local deadline=$((SECONDS + $2))
	until is_gone "$1"; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.02
	done
}
yardstick() { # mib, tests...: one line "k=v k=v ..." with the yardstick values
	local mib=$1
	shift
	"$YARD" -m "$mib" -r 3 -d "$work" "$@" | tr '\n' ' '
}
free_port() { # a TCP port nothing listens on
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 30000))
		[ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return 0; }
	done
	return 1
}
reps_for() { # mib codec
	if [ "$1" -gt 1024 ]; then echo "$reps_4g"
	elif [ "$2" = zlib ] || [ "$2" = gzip ]; then echo "$reps_slow"
	else echo "$reps"; fi
}
csvq() { local m=${1//\"/\'}; echo "\"${m//$'\n'/ }\""; }
count_lines() { grep -Ec "$2" "$1" 2>/dev/null || true; } # file regex
wait_more() { # file regex n timeout_s pid: until more than n lines match (and pid lives)
	local deadline=$((SECONDS + $4))
	until [ "$(count_lines "$1" "$2")" -gt "$3" ]; do
		[ $SECONDS -ge $deadline ] && return 1
		kill -0 "$5" 2>/dev/null || return 1
		sleep 0.02
	done
}
verify_holder() { # out pid: SIGUSR1 to a restored holder; prints its verify_s, or why it failed
	local out=$1 rpid=$2 n line
	n=$(count_lines "$out" '^(PASS|FAIL)')
	kill -USR1 "$rpid"
	if wait_more "$out" '^(PASS|FAIL)' "$n" 600 "$rpid"; then
		line=$(grep -E '^(PASS|FAIL)' "$out" | tail -n1)
		case $line in
		PASS*) kv verify_s "$line"; return 0 ;;
		*) echo "$line"; return 1 ;;
		esac
	fi
	echo "no PASS after restore (pid $rpid $(kill -0 "$rpid" 2>/dev/null && echo alive || echo dead)): $(tail -n 2 "$out")"
	return 1
}

{
	echo "# cryo benchmark $stamp"
	echo "# date: $(date -Is)"
	echo "# host: $(uname -n) kernel $(uname -r), nproc $(nproc), $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo)"
	echo "# cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
	echo "# thp: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo n/a)"
	echo "# cryo: $CRYO ($(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown))"
	echo "# images in: $work ($(df -h --output=avail "$base" | tail -1 | tr -d ' ') free); page cache not dropped"
	echo "# sizes: $sizes MiB; kinds: $kinds; codecs: $codecs; streams: $streams; reps: $reps"
	echo "# above 1 GiB: codecs: $codecs_4g; streams: $streams_4g; reps: $reps_4g; zlib/gzip reps: $reps_slow"
	echo "# stream tests (1 GiB, first kind, uncompressed): ${stream_tests:-none}; reps: $reps_stream"
	echo "# lazy sizes: ${lazy_sizes:-none}; pre-dump sizes: ${predump_sizes:-none}, rewriting ${predump_rates// /, } %/s (first kind)"
	echo "# load at start: $(cut -d' ' -f1-3 /proc/loadavg); uptime: $(uptime)"
	echo "# busy processes at start: $(ps -eo pcpu=,comm= --sort=-pcpu | head -n 5 | awk '{printf "%s(%s%%) ", $2, $1}')"
} | tee "$results/env.txt" >&2

# --- yardstick: the compression libraries, single thread, same data and levels as cryo ----
lib_codecs=""
for c in $codecs $codecs_4g; do
	[ "$c" = raw ] || [ "$c" = tar ] || [[ " $lib_codecs " == *" $c "* ]] || lib_codecs="$lib_codecs $c"
done
kind_args=()
for k in $kinds; do kind_args+=(-k "$k"); done
echo "codec,kind,comp_gbps,decomp_gbps,ratio,mib,reps" > "$results/codecs.csv"
if [ -n "$lib_codecs" ]; then
	echo "== library yardstick (one thread, 2 MiB frames):$lib_codecs" >&2
	fast="" slow=""
	for c in $lib_codecs; do
		case $c in zlib|gzip) slow="$slow $c" ;; *) fast="$fast $c" ;; esac
	done
	# deflate runs at ~0.03 GB/s on random data here: a smaller sample keeps this short.
	{ [ -z "$fast" ] || "$CODECB" -m 64 -r 3 "${kind_args[@]}" $fast
	  [ -z "$slow" ] || "$CODECB" -m 16 -r 3 "${kind_args[@]}" $slow; } |
		tee "$results/codecs.txt" | while read -r line; do
			echo "   $line" >&2
			echo "$(kv codec "$line"),$(kv kind "$line"),$(kv comp_gbps "$line"),$(kv decomp_gbps "$line"),$(kv ratio "$line"),$(kv mib "$line"),$(kv reps "$line")"
		done >> "$results/codecs.csv"
fi

csv=$results/runs.csv
echo "size_mib,kind,mode,codec,streams,rep,result,dump_s,dump_gbps,restore_s,restore_gbps,e2e_s,e2e_gbps,image_bytes,image_apparent_bytes,fill_s,verify_s,d_memcpy_gbps,d_pagecache_gbps,d_populate_gbps,d_fill_gbps,r_memcpy_gbps,r_populate_gbps,r_fill_gbps,r_pagecache_gbps,touch_gbps,load_dump,load_restore,ttfi_ms,dump_threads,dump_cpu_ms,dump_thread_cpu_max_ms,dump_runq_ms,dump_blocked_ms,d_sink_x2_x1,message" > "$csv"

# The dump's page threads as its log accounts them (lib/image/stream-write.c, xfer.c: one line
# per thread with "cpu C ms, runnable not running Q ms, blocked B ms"): "threads, CPU ms summed,
# the busiest thread's CPU ms, run-queue ms summed, blocked ms summed", comma-separated, or four
# commas when the log has none.
thread_cpu() { # dump.log
	awk 'match($0, /cpu [0-9.]+ ms, runnable not running [0-9.]+ ms, blocked [0-9.]+ ms/) {
		split(substr($0, RSTART, RLENGTH), f, " ")
		n++; c += f[2]; q += f[7]; b += f[10]; if (f[2] > m) m = f[2]
	}
	END { if (n) printf "%d,%.1f,%.1f,%.1f,%.1f\n", n, c, m, q, b; else print ",,,," }' "$1" 2>/dev/null ||
		echo ",,,,"
}

# --- one run -----------------------------------------------------------------------------
# mode: dir (dump to $img, restore from it), pipe (dump -D - | restore -D -), pipe-holdtail
# (the same through holdtail), tcp (serve -D $img, dump --to; then restore from $img), stream
# (dump -D - to a file, then restore -D - from it on stdin: restored as it arrives, the tree
# being gone), stream-cat (the same through `cat file |`, a pipe).
# codec "raw" = no flags. Appends one row to runs.csv; returns nothing, counts failures.
failures=0
one_run() { # mib kind mode codec streams rep nreps
	local mib=$1 kind=$2 mode=$3 codec=$4 nstr=$5 rep=$6 nreps=$7
	local bytes=$((mib << 20)) img=$work/img out=$work/holder.out
	local result=PASS msg="" dump_s="" restore_s="" e2e_s="" verify="" touch="" img_b="" img_a=""
	local d_y="" r_y="" load_d="" load_r="" hpid rpid="" spid="" port="" t0 t1 rc line
	local flags=() extra=() label thr=",,,," pin=()
	if [ "$codec" = tar ]; then flags=(--compression tar)
	elif [ "$codec" != raw ]; then flags=(--compression "$codec" --streams "$nstr"); fi
	case $mode in
	dir) label=$codec; [ "$codec" = raw ] || [ "$codec" = tar ] || label="$codec x$nstr" ;;
	dir1) label=$codec; [ "$codec" = raw ] || [ "$codec" = tar ] || label="$codec x$nstr"
	      label="$label, dump and restore on 1 CPU"; pin=(taskset -c 0) ;;
	tcp) label="tcp x$nstr"; flags=(--streams "$nstr") ;;
	lazy) label="lazy restore (raw image)"; flags=() ;;
	*) label=$mode; flags=() ;;
	esac
	echo "== $mib MiB $kind, $label, run $rep/$nreps (load $(load1))" >&2
	rm -rf "$img" "$work/pid" "$work"/*.end
	[ "$mode" = pipe ] || [ "$mode" = pipe-holdtail ] || mkdir -p "$img"
	if [ "$(room_kib "$base")" -lt $(( (mib + mib / 8 + 64) * 1024 )) ]; then
		echo "run.sh: not enough room in $base for a $mib MiB image" >&2
		exit 1
	fi

	# The holder in its own session; it closes any inherited descriptor > 2 itself.
	setsid "$HOLDER" "$mib" "$kind" < /dev/null > "$out" 2>&1 &
	hpid=$!
	track "$hpid"
	if ! wait_line "$out" '^ready' 600 "$hpid"; then
		echo "run.sh: holder did not get ready: $(cat "$out")" >&2
		exit 1
	fi
	line=$(grep -m1 '^ready' "$out")
	fill_s=$(kv fill_s "$line")

	# Yardsticks right before the step they are compared with: memcpy and the page cache
	# before the dump, MAP_POPULATE and fill before the restore (a pipe does both at once).
	[ "$rep" = 1 ] && extra=(touch)
	# An uncompressed image stored by one thread and by two, with no dump around it: what
	# the machine's page cache and disk allow a second stream to gain.
	[ "$mode" = dir ] && [ "$codec" = none ] && extra+=(sink)
	case $mode in
	pipe*) d_y=$(yardstick "$mib" memcpy pagecache populate fill "${extra[@]}"); r_y=$d_y ;;
	*) d_y=$(yardstick "$mib" memcpy pagecache "${extra[@]}") ;;
	esac
	touch=$(kv touch_gbps "$d_y")

	if [ "$mode" = tcp ]; then
		port=$(free_port) || { echo "run.sh: no free TCP port" >&2; exit 1; }
		"$CRYO" serve --listen "127.0.0.1:$port" -D "$img" > "$work/serve.out" 2>&1 &
		spid=$!
		track "$spid"
		local deadline=$((SECONDS + 10))
		until [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; do
			if [ $SECONDS -ge $deadline ] || ! kill -0 "$spid" 2>/dev/null; then
				result=FAIL-serve
				msg="cryo serve did not listen on $port: $(tail -n 3 "$work/serve.out")"
				break
			fi
			sleep 0.02
		done
	fi

	load_d=$(load1)
	if [ "$result" != PASS ]; then
		:
	elif [ "$mode" = pipe ] || [ "$mode" = pipe-holdtail ]; then
		# The dump kills the holder, our child: it must be reaped (wait) as soon as it dies,
		# or its zombie keeps the PID the restore needs. Each end's exit time is recorded.
		local mid=cat ppid
		[ "$mode" = pipe-holdtail ] && mid=$HOLDTAIL
		t0=$(now)
		( set +e
		  { "$CRYO" dump -t "$hpid" -D - 2> "$work/dump.out"; echo $? > "$work/dump.rc"
		    now > "$work/dump.end"; } | "$mid" |
		  { "$CRYO" restore -D - --detach --pidfile "$work/pid" > "$work/restore.out" 2>&1
		    echo $? > "$work/restore.rc"; now > "$work/restore.end"; } ) &
		ppid=$!
		local first=""
		wait -n -p first "$hpid" "$ppid" || true
		if [ "$first" = "$hpid" ]; then wait "$ppid" || true
		else
			# The pipeline ended first: the holder is gone, or the dump failed and it runs.
			sleep 0.2
			if is_gone "$hpid"; then wait "$hpid" 2>/dev/null || true; fi
		fi
		if [ "$(cat "$work/dump.rc" 2>/dev/null)" != 0 ]; then
			result=FAIL-dump
			msg="cryo dump -D - rc=$(cat "$work/dump.rc" 2>/dev/null): $(tail -n 3 "$work/dump.out")"
		elif [ "$(cat "$work/restore.rc" 2>/dev/null)" != 0 ]; then
			result=FAIL-restore
			msg="cryo restore -D - rc=$(cat "$work/restore.rc" 2>/dev/null): $(tail -n 3 "$work/restore.out")"
		else
			dump_s=$(elapsed "$t0" "$(cat "$work/dump.end")")
			e2e_s=$(elapsed "$t0" "$(cat "$work/restore.end")")
		fi
	else
		t0=$(now)
		if [ "$mode" = tcp ]; then
			"$CRYO" dump -t "$hpid" --to "tcp://127.0.0.1:$port" "${flags[@]}" > "$work/dump.out" 2>&1
		elif [ "${mode%-cat}" = stream ]; then
			"$CRYO" dump -t "$hpid" -D - "${flags[@]}" > "$img/image.stream" 2> "$work/dump.out"
		else
			"${pin[@]}" "$CRYO" dump -t "$hpid" -D "$img" "${flags[@]}" > "$work/dump.out" 2>&1
		fi && rc=0 || rc=$?
		t1=$(now)
		if [ "$rc" = 0 ]; then
			dump_s=$(elapsed "$t0" "$t1")
		else
			result=FAIL-dump
			msg="cryo dump rc=$rc: $(tail -n 3 "$work/dump.out")"
		fi
		if [ -n "$spid" ]; then
			# serve exits once the image is stored and acknowledged.
			if [ "$result" = PASS ] && ! wait "$spid"; then
				result=FAIL-serve
				msg="cryo serve failed: $(tail -n 3 "$work/serve.out")"
			fi
			kill -KILL "$spid" 2>/dev/null || true
			wait "$spid" 2>/dev/null || true
		fi
		# The tree must be gone (and reaped: it is our child) before the restore.
		if [ "$result" = PASS ]; then
			wait "$hpid" 2>/dev/null || true
			wait_gone "$hpid" 10 || { result=FAIL-dump; msg="holder $hpid still alive after dump"; }
		fi
		thr=$(thread_cpu "$img/dump.log")
		if [ "$result" = PASS ]; then
			img_b=$(du -sB1 "$img" | cut -f1)
			img_a=$(du -sb "$img" | cut -f1)
			r_y=$(yardstick "$mib" populate fill)
			load_r=$(load1)
			t0=$(now)
			local rflags=()
			[ "$mode" = lazy ] && rflags=(--lazy)
			if case $mode in
			   stream) "$CRYO" restore -D - --detach --pidfile "$work/pid" \
					< "$img/image.stream" > "$work/restore.out" 2>&1 ;;
			   stream-cat) cat "$img/image.stream" | "$CRYO" restore -D - --detach \
					--pidfile "$work/pid" > "$work/restore.out" 2>&1 ;;
			   *) "${pin[@]}" "$CRYO" restore -D "$img" --detach --pidfile "$work/pid" "${rflags[@]}" \
					> "$work/restore.out" 2>&1 ;;
			   esac; then
				t1=$(now)
				restore_s=$(elapsed "$t0" "$t1")
			else
				rc=$?
				result=FAIL-restore
				msg="cryo restore rc=$rc: $(tail -n 3 "$work/restore.out")"
			fi
		fi
	fi

	# Verification: the restored holder compares every word with what it wrote.
	if [ "$result" = PASS ]; then
		rpid=$(cat "$work/pid")
		track "$rpid"
		if line=$(verify_holder "$out" "$rpid"); then
			verify=$line
		else
			result=FAIL-verify msg=$line
		fi
		kill -KILL "$rpid" 2>/dev/null || true
		wait_gone "$rpid" 10 || true
	fi
	# Whatever happened, nothing of this run is left running, and its image is gone.
	[ "$(argv0 "$hpid" || true)" = "$HOLDER" ] && kill -KILL "$hpid" 2>/dev/null || true
	wait "$hpid" 2>/dev/null || true
	rm -rf "$img"

	gb() { [ -n "$1" ] && awk -v b="$bytes" -v s="$1" 'BEGIN {printf "%.3f", b / s / 1e9}'; }
	local sc=$nstr
	{ [ "$codec" = raw ] || [ "$codec" = tar ]; } && sc=""
	local row=("$mib" "$kind" "$mode" "$codec" "$sc" "$rep" "$result"
		"$dump_s" "$(gb "$dump_s" || true)" "$restore_s" "$(gb "$restore_s" || true)"
		"$e2e_s" "$(gb "$e2e_s" || true)" "$img_b" "$img_a" "$fill_s" "$verify"
		"$(kv memcpy_gbps "$d_y")" "$(kv pagecache_gbps "$d_y")"
		"$(kv populate_gbps "$d_y")" "$(kv fill_gbps "$d_y")"
		"$(kv memcpy_gbps "$r_y")" "$(kv populate_gbps "$r_y")" "$(kv fill_gbps "$r_y")"
		"$(kv pagecache_gbps "$r_y")" "$touch" "$load_d" "$load_r"
		"$( [ "$mode" = lazy ] && [ -n "$restore_s" ] && awk -v s="$restore_s" 'BEGIN {printf "%.1f", s * 1000}' || echo n/a)" \
		"$thr" "$(kv sink_x2_x1 "$d_y")" "$(csvq "$msg")")
	(IFS=,; echo "${row[*]}") >> "$csv"
	if [ "$result" = PASS ]; then
		if [ -n "$e2e_s" ]; then
			echo "   dump|restore ${e2e_s}s ($(gb "$e2e_s") GB/s; dump exited at ${dump_s}s)," \
				"memcpy $(kv memcpy_gbps "$d_y"), MAP_POPULATE $(kv populate_gbps "$d_y"), PASS" >&2
		else
			echo "   dump ${dump_s}s ($(gb "$dump_s") GB/s, memcpy $(kv memcpy_gbps "$d_y")," \
				"page cache $(kv pagecache_gbps "$d_y")), restore ${restore_s}s" \
				"($(gb "$restore_s") GB/s, MAP_POPULATE $(kv populate_gbps "$r_y"), fill" \
				"$(kv fill_gbps "$r_y")), image $((img_b >> 20)) MiB, PASS" >&2
		fi
	else
		failures=$((failures + 1))
		echo "   $result: $msg" >&2
	fi
}

# --- pre-dump: freeze time of a full dump against pre-dump + dump --parent -----------------
# One rep at (size, rewrite rate): (a) a holder rewriting PCT% of its pages per second is dumped
# whole; (b) a fresh one is pre-dumped, runs 1 s more, and is dumped with --parent. Both images
# are restored and checked by the holder. The freeze times are cryo's own ("tree frozen for X
# ms" in dump.log / predump.log: from the moment every thread is stopped until the tree is let
# go or killed; stopping the threads is not in it); the holder's own view is the longest gap
# its rewriting thread saw (`stall`, SIGUSR2), which also holds stopping and the scheduler.
pcsv=$results/predump.csv
echo "size_mib,kind,dirty_pct,rep,result,full_dump_s,full_freeze_ms,full_pages,full_restore_s,predump_s,predump_freeze_ms,predump_pages,predump_stall_ms,idle_stall_ms,predump_rate_pct,idle_rate_pct,interval_s,final_dump_s,final_freeze_ms,final_pages,final_parent_pages,final_image_bytes,final_restore_s,verify_full_s,verify_final_s,d_memcpy_gbps,d_pagecache_gbps,load_full,load_predump,load_final,message" > "$pcsv"

start_holder() { # mib kind pct out: a rewriting holder; sets the caller's hpid
	setsid "$HOLDER" "$1" "$2" "dirty=$3" < /dev/null > "$4" 2>&1 &
	hpid=$!
	track "$hpid"
	wait_line "$4" '^ready' 600 "$hpid" ||
		{ echo "run.sh: holder did not get ready: $(cat "$4")" >&2; exit 1; }
}
# Between the pre-dump and the dump nothing forks (a fork and exec takes 10-20 ms on a busy
# machine here): naps are reads with a timeout from a pipe that never delivers.
exec {napfd}<> <(:)
us_now() { local t=${EPOCHREALTIME/./}; printf -v "$1" '%d' "$((10#$t))"; } # var
nap_us() { # microseconds
	local s
	[ "$1" -gt 0 ] || return 0
	printf -v s '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000))
	read -r -t "$s" -u "$napfd" _ || true
}
holder_stall() { # out pid: sets the caller's stall_ms and stall_n: the longest pause the holder's
	local lines n i re='^stall max_ms=([0-9.]+) steps=([0-9]+)' # rewriting thread saw since last
	stall_ms="" stall_n=""                                          # asked, and its rewrites since
	mapfile -t lines < "$1"
	n=${#lines[@]}
	kill -USR2 "$2" 2>/dev/null || return 1
	for ((i = 0; i < 1000; i++)); do # 10 s
		mapfile -t lines < "$1"
		if [ "${#lines[@]}" -gt "$n" ] && [[ ${lines[-1]} =~ $re ]]; then
			stall_ms=${BASH_REMATCH[1]} stall_n=${BASH_REMATCH[2]}
			return 0
		fi
		nap_us 10000
	done
	return 1
}
rate_pct() { # rewrites mib t0 t1: rewrites per second as % of the holder's pages
	[ -n "$1" ] && awk -v n="$1" -v m="$2" -v a="$3" -v b="$4" \
		'BEGIN {printf "%.2f", n / (m * 256) / (b - a) * 100}'
}
frozen_ms() { # log what: X of "(pid) what: tree frozen for X ms"
	sed -n "s/.* $2: tree frozen for \\([0-9.]*\\) ms.*/\\1/p" "$1" 2>/dev/null | tail -n1
}
img_pages() { # cryo.json|predump.json: "pages parent_pages", summed over the tasks
	python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))["tasks"]
print(sum(x.get("pages", 0) for x in t), sum(x.get("parent_pages", 0) for x in t))' "$1"
}
dump_gone() { # pid: reap the dumped (killed) holder, our child; fails if it still runs
	wait "$1" 2>/dev/null || true
	wait_gone "$1" 10
}
restore_check() { # img out: restore, then the holder's check; sets the caller's rs, vs, msg
	local rpid
	t0=$(now)
	if ! "$CRYO" restore -D "$1" --detach --pidfile "$work/pid" > "$work/restore.out" 2>&1; then
		msg="cryo restore -D $(basename "$1") failed: $(tail -n 3 "$work/restore.out")"
		return 1
	fi
	rs=$(elapsed "$t0" "$(now)")
	rpid=$(cat "$work/pid")
	track "$rpid"
	vs=$(verify_holder "$2" "$rpid") || msg="$(basename "$1"): $vs" vs=""
	kill -KILL "$rpid" 2>/dev/null || true
	wait_gone "$rpid" 10 || true
	[ -z "$msg" ]
}
predump_run() { # mib kind pct rep nreps
	local mib=$1 kind=$2 pct=$3 rep=$4 nreps=$5
	local full=$work/full pre=$work/pre fin=$work/final out=$work/holder.out
	local result=PASS msg="" y="" hpid="" t0 t1 rs vs pp tr="" trs=""
	local full_s="" full_ms="" full_pages="" full_rs="" v_full="" load_f="" load_p="" load_d=""
	local pre_s="" pre_ms="" pre_pages="" pre_stall="" idle_stall="" ival="" tp="" t_pre_end=""
	local tq0="" tq1="" tq2="" pre_rw="" idle_rw="" stall_ms stall_n
	local fin_s="" fin_ms="" fin_pages="" fin_parent="" fin_bytes="" fin_rs="" v_fin=""
	echo "== pre-dump: $mib MiB $kind rewriting $pct%/s, run $rep/$nreps (load $(load1))" >&2
	rm -rf "$full" "$pre" "$fin"
	if [ "$(room_kib "$base")" -lt $(( (2 * mib + mib / 8 + 64) * 1024 )) ]; then
		echo "run.sh: not enough room in $base for a $mib MiB pre-dump and dump" >&2
		exit 1
	fi

	# (a) The full dump, and the memcpy yardstick just before it.
	start_holder "$mib" "$kind" "$pct" "$out"
	y=$(yardstick "$mib" memcpy pagecache)
	load_f=$(load1)
	t0=$EPOCHREALTIME
	if "$CRYO" dump -t "$hpid" -D "$full" > "$work/dump.out" 2>&1; then
		t1=$EPOCHREALTIME
		dump_gone "$hpid" || result=FAIL-full msg="holder $hpid still alive after the full dump"
		full_s=$(elapsed "$t0" "$t1")
		full_ms=$(frozen_ms "$full/dump.log" dump)
		full_pages=$(img_pages "$full/cryo.json" | cut -d' ' -f1)
		if [ "$result" != PASS ]; then
			:
		elif restore_check "$full" "$out"; then
			full_rs=$rs v_full=$vs
		else
			result=FAIL-full
		fi
	else
		result=FAIL-full msg="cryo dump rc=$?: $(tail -n 3 "$work/dump.out")"
	fi
	[ "$(argv0 "$hpid" || true)" = "$HOLDER" ] && kill -KILL "$hpid" 2>/dev/null || true
	wait "$hpid" 2>/dev/null || true
	rm -rf "$full"

	# (b) Pre-dump, 1 s of work, dump --parent: the same holder throughout.
	if [ "$result" = PASS ]; then
		start_holder "$mib" "$kind" "$pct" "$out"
		load_p=$(load1)
		tq0=$EPOCHREALTIME
		holder_stall "$out" "$hpid" || true # opens the window
		t0=$EPOCHREALTIME
		if "$CRYO" pre-dump -t "$hpid" -D "$pre" > "$work/predump.out" 2>&1; then
			t_pre_end=$EPOCHREALTIME
			tp=$t0
			# Nothing slow from here to the dump: what is read from the pre-dump is
			# read after it. The dump starts 1 s after the pre-dump has returned.
			local end_us t_us
			us_now end_us
			end_us=$((end_us + 1000000))
			tq1=$EPOCHREALTIME
			holder_stall "$out" "$hpid" && pre_stall=$stall_ms pre_rw=$stall_n
			us_now t_us
			nap_us $((end_us - t_us - 30000))
			tq2=$EPOCHREALTIME
			holder_stall "$out" "$hpid" && idle_stall=$stall_ms idle_rw=$stall_n
			read -r load_d _ < /proc/loadavg
			us_now t_us
			nap_us $((end_us - t_us))
		else
			result=FAIL-predump msg="cryo pre-dump rc=$?: $(tail -n 3 "$work/predump.out")"
		fi
	fi
	if [ "$result" = PASS ]; then
		t0=$EPOCHREALTIME
		if "$CRYO" dump -t "$hpid" -D "$fin" --parent "$pre" > "$work/dump.out" 2>&1; then
			t1=$EPOCHREALTIME
			ival=$(elapsed "$tp" "$t0")
			dump_gone "$hpid" ||
				result=FAIL-final msg="holder $hpid still alive after dump --parent"
			fin_s=$(elapsed "$t0" "$t1")
			fin_ms=$(frozen_ms "$fin/dump.log" dump)
			pp=$(img_pages "$fin/cryo.json")
			fin_pages=${pp% *} fin_parent=${pp#* }
			fin_bytes=$(du -sB1 "$fin" | cut -f1)
			if [ "$result" != PASS ]; then
				:
			elif restore_check "$fin" "$out"; then
				fin_rs=$rs v_fin=$vs
			else
				result=FAIL-final
			fi
		else
			result=FAIL-final msg="cryo dump --parent rc=$?: $(tail -n 3 "$work/dump.out")"
		fi
	fi
	if [ -n "$tp" ]; then
		pre_s=$(elapsed "$tp" "$t_pre_end")
		pre_ms=$(frozen_ms "$pre/predump.log" pre-dump)
		pre_pages=$(img_pages "$pre/predump.json" | cut -d' ' -f1)
		tr=$(python3 -c 'import json, sys
t = json.load(open(sys.argv[1])).get("tracker") or {}
print(t.get("pid", ""), t.get("start", ""))' "$pre/predump.json")
		trs=${tr#* } tr=${tr% *}
	fi
	# The dump ends the chain's tracking (docs/cryo-pre-dump.md): the tracker must be gone.
	if [ -n "$tr" ] && [ "$result" = PASS ]; then
		local deadline=$((SECONDS + 10))
		while [ "$(cat "/proc/$tr/comm" 2>/dev/null)" = cryo-track ] &&
			[ "$(awk '{print $22}' "/proc/$tr/stat" 2>/dev/null)" = "$trs" ]; do
			if [ $SECONDS -ge $deadline ]; then
				result=FAIL-tracker msg="tracker $tr still runs 10 s after dump --parent"
				break
			fi
			sleep 0.05
		done
	fi
	[ -n "$hpid" ] && [ "$(argv0 "$hpid" || true)" = "$HOLDER" ] && kill -KILL "$hpid" 2>/dev/null || true
	[ -n "$hpid" ] && { wait "$hpid" 2>/dev/null || true; }
	rm -rf "$pre" "$fin"

	local row=("$mib" "$kind" "$pct" "$rep" "$result" "$full_s" "$full_ms" "$full_pages" "$full_rs"
		"$pre_s" "$pre_ms" "$pre_pages" "$pre_stall" "$idle_stall"
		"$(rate_pct "$pre_rw" "$mib" "$tq0" "$tq1" || true)"
		"$(rate_pct "$idle_rw" "$mib" "$tq1" "$tq2" || true)" "$ival" "$fin_s" "$fin_ms"
		"$fin_pages" "$fin_parent" "$fin_bytes" "$fin_rs" "$v_full" "$v_fin"
		"$(kv memcpy_gbps "$y")" "$(kv pagecache_gbps "$y")" "$load_f" "$load_p" "$load_d"
		"$(csvq "$msg")")
	(IFS=,; echo "${row[*]}") >> "$pcsv"
	if [ "$result" = PASS ]; then
		echo "   full dump ${full_s}s frozen ${full_ms} ms; pre-dump ${pre_s}s frozen ${pre_ms} ms" \
			"(holder: longest pause ${pre_stall} ms, ${idle_stall} ms in the 1 s after; rewrote" \
			"$(rate_pct "$pre_rw" "$mib" "$tq0" "$tq1")%/s, then $(rate_pct "$idle_rw" "$mib" "$tq1" "$tq2")%/s);" \
			"dump --parent ${fin_s}s frozen" \
			"${fin_ms} ms, $((fin_pages * 4096 >> 20)) MiB copied, $((fin_parent * 4096 >> 20))" \
			"MiB left to the parent; memcpy $(kv memcpy_gbps "$y") GB/s; both restores PASS" >&2
	else
		failures=$((failures + 1))
		echo "   $result: $msg" >&2
	fi
}

# --- the matrix --------------------------------------------------------------------------
# With --alternate (--scale), rep 1 of every case runs, then rep 2 of every case...: a busy
# spell on a shared machine then spreads over all the cases instead of landing on one.
matrix_case() { # mib kind codec rep n
	local s
	if [ "$3" = raw ] || [ "$3" = tar ]; then
		one_run "$1" "$2" dir "$3" "" "$4" "$5"
		[ "$one_cpu" = 1 ] && [ "$1" -le 1024 ] && one_run "$1" "$2" dir1 "$3" "" "$4" "$5"
		return 0
	fi
	for s in $sl; do one_run "$1" "$2" dir "$3" "$s" "$4" "$5"; done
	# The same at one stream with dump and restore pinned to one CPU: what a second core
	# gives the raw path (no stream count) and a restore (which reads with min(CPUs, 4)
	# threads whatever the stream count).
	[ "$one_cpu" = 1 ] && [ "$1" -le 1024 ] && one_run "$1" "$2" dir1 "$3" "${sl%% *}" "$4" "$5"
	return 0
}
for mib in $sizes; do
	cl=$codecs sl=$streams
	[ "$mib" -gt 1024 ] && cl=$codecs_4g sl=$streams_4g
	if [ "$alternate" = 1 ]; then
		for rep in $(seq 1 "$reps"); do
			for kind in $kinds; do
				for codec in $cl; do
					n=$(reps_for "$mib" "$codec")
					[ "$rep" -le "$n" ] && matrix_case "$mib" "$kind" "$codec" "$rep" "$n"
				done
			done
		done
		continue
	fi
	for kind in $kinds; do
		for codec in $cl; do
			n=$(reps_for "$mib" "$codec")
			for rep in $(seq 1 "$n"); do matrix_case "$mib" "$kind" "$codec" "$rep" "$n"; done
		done
	done
done
skind=${kinds%% *}
# Lazy restore: time to first instruction (cryo restore --lazy returning with the tree
# running), at each size; the verification after it faults every page in.
for mib in $lazy_sizes; do
	for rep in $(seq 1 "$reps_stream"); do one_run "$mib" "$skind" lazy raw "" "$rep" "$reps_stream"; done
done
for t in $stream_tests; do
	for rep in $(seq 1 "$reps_stream"); do
		case $t in
		tcp*) one_run 1024 "$skind" tcp none "${t#tcp}" "$rep" "$reps_stream" ;;
		*) one_run 1024 "$skind" "$t" none 1 "$rep" "$reps_stream" ;;
		esac
	done
done

for mib in $predump_sizes; do
	n=$(reps_for "$mib" raw)
	for pct in $predump_rates; do
		for rep in $(seq 1 "$n"); do predump_run "$mib" "$skind" "$pct" "$rep" "$n"; done
	done
done

echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results/env.txt" >&2
python3 "$repo/bench/summarize.py" "$results"
echo "results: $results" >&2
[ "$failures" = 0 ] || { echo "run.sh: $failures run(s) failed (see $csv)" >&2; exit 1; }
