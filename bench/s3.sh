#!/usr/bin/env bash
# Object storage: a dump to s3rver on 127.0.0.1 (scripts/s3-server.sh) beside a dump of the same
# process to a local directory (the yardstick, same run, same streams, same filesystem for the
# store's data and the image), then an eager restore (`cryo restore --detach`) and a lazy restore
# to first instruction (`cryo restore --lazy --detach`: the tree runs when it returns) from S3
# beside the same from the local image, at each size. `holder MIB random` (bench/holder.c) holds
# the memory; every dump is --leave-running so that one holder serves every rep, and it is killed
# before the restores. Each rep runs every kind once, one after the other (alternating), and the
# table gives medians of REPS: seconds (lazy: milliseconds). The restored holder checks all its
# memory (SIGUSR1, PASS) once per size and kind of restore, after the timing.
# CPU time, medians too: `cryo cpu` is what the S3 dump's cryo and its upload pump used (user +
# system, the dir dump's beside it), `srv cpu` what the server's process used meanwhile, `put cpu`
# what it used for the yardstick PUT. Yardstick of the store itself: one signed PUT of a file of
# MIB MiB of random bytes by curl (`put s`), the fastest any client can store that much in it; a
# multipart upload costs s3rver more (it writes each part, then reads them all back into the
# object, hashing both times). `meta ms`: the part of the lazy restore from S3 spent reading the
# image's metadata and index, as `cryo restore -v` says. With `--before CRYO` (a build of the
# engine before a change), each rep also restores the same S3 image lazily with it, next to
# this build's, before it in even reps and after it in odd ones (`l.befms` ms, `bef/dr` its
# ratio to the directory's, `metab` its `meta ms`); with --before-dumps, --before's restores are
# of images it dumped itself (after this build's dump of the same holder, in each rep): for a
# change of how the dump lays the image out. --lazy-reps K: each rep restores each image
# lazily K times (dir, S3 and --before's in turn), the lazy medians then of REPS x K.
#
# Chain case (issue 16), at each --chain-sizes MiB (none: ""): a pre-dump then a dump --parent
# of the holder, once to a local directory and once to the store, and their restores, eager
# (`e.*`, seconds) and lazy to first instruction (`l.*`, ms), with `--before CRYO` (a build of
# the engine before the change) run on the same images beside this one (`*.bef`); `shm` is the
# peak of /dev/shm held by the restore's scratch directories (cryo-s3-*), sampled every
# 20 ms, in MiB. The holder does not write between the links, so the pre-dump holds all the
# memory and the final link none of it: the case of a job checkpointed by pre-dumps.
# --chain-args "ARGS": given to every dump of the chain case (`--streams 2 --compression lz4`:
# links whose pages are stream files, read through each link's cryo-index); `l.s3bef` is then
# --before's lazy restore from S3 ("refused" where it fails), `shm.lb` its peak scratch.
#
#   bench/s3.sh [--reps N] [--sizes "256 1024"] [--streams "1 2"] [--dir DIR]
#               [--chain-sizes "1024"] [--chain-args ARGS] [--before CRYO [--before-dumps]]
#               [--lazy-reps K]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
CRYO=${CRYO:-$root/build/cryo}
build=${CRYO_BUILD:-$root/build}
reps=3 sizes="256 1024" streams_list="1 2" dir=${BENCH_DIR:-/var/tmp}
chain_sizes=1024 BEFORE= chain_args= lazy_reps=1 before_dumps=
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--streams) streams_list=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	--chain-sizes) chain_sizes=$2; shift 2 ;;
	--before) BEFORE=$2; shift 2 ;;
	--chain-args) chain_args=$2; shift 2 ;;
	--lazy-reps) lazy_reps=$2; shift 2 ;;
	--before-dumps) before_dumps=1; shift ;;
	-h|--help) sed -n '2,35p' "$0"; exit 0 ;;
	*) echo "s3.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "s3.sh: needs root" >&2; exit 1; }
[ "$reps" -ge 1 ] || { echo "s3.sh: --reps must be >= 1" >&2; exit 2; }
HOLDER=$build/bench/holder
[ -x "$HOLDER" ] || { echo "s3.sh: $HOLDER missing (meson build with bench/)" >&2; exit 1; }
. "$here/s3-server-start.sh"
s3_bench_start s3
timed() { # out-file command...: appends the wall time of the command
	local out=$1 t0 t1; shift
	t0=$(now); "$@" </dev/null >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
	t1=$(now); echo "$t1 - $t0" | bc -l >> "$out"
}
child_cpu() { # file: user + system seconds of this shell's waited-for children so far
	times > "$work/times" # here, not in a subshell: a subshell's children are not ours
	sed -n 2p "$work/times" | awk '{ for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2] } print t }' > "$1"
}
server_cpu() { # seconds of CPU the server has used
	awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$server/stat"
}
cpu_timed() { # wall-file cpu-file srv-file command...: timed, plus its CPU and the server's
	local c0 c1 s0 s1 w=$1 c=$2 sv=$3; shift 3
	child_cpu "$work/c0"; s0=$(server_cpu)
	timed "$w" "$@"
	child_cpu "$work/c1"; s1=$(server_cpu)
	c0=$(cat "$work/c0") c1=$(cat "$work/c1")
	echo "$c1 - $c0" | bc -l >> "$c"
	echo "$s1 - $s0" | bc -l >> "$sv"
}
start_holder() { # mib: starts it, sets $hpid once it is ready
	: > "$work/holder.out"
	setsid "$HOLDER" "$1" random </dev/null >"$work/holder.out" 2>&1 &
	hpid=$!
	pids+=("$hpid")
	for _ in $(seq 1200); do
		grep -q '^ready' "$work/holder.out" && { hsize=$(stat -c %s "$work/holder.out"); return 0; }
		sleep 0.1
	done
	echo "s3.sh: holder did not get ready" >&2; return 1
}
gone() { # pid: waits until it is gone (it may not be our child)
	for _ in $(seq 600); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
	return 1
}
check_holder() { # pid: the restored holder checks all its memory
	kill -USR1 "$1"
	for _ in $(seq 600); do grep -q '^PASS\|^FAIL' "$work/holder.out" && break; sleep 0.1; done
	grep -q '^PASS' "$work/holder.out" || { echo "s3.sh: restored holder: $(tail -1 "$work/holder.out")" >&2; return 1; }
}
fresh_out() { # the holder's output as it was when it was dumped: a restored one writes after it
	truncate -s "$hsize" "$work/holder.out"
}
eager_restore() { # out-file image [verify]: times the restore, then ends the tree
	local root
	fresh_out
	timed "$1" "$CRYO" restore -D "$2" --detach --pidfile "$work/pid"
	root=$(cat "$work/pid")
	pids+=("$root")
	[ -z "${3:-}" ] || check_holder "$root"
	kill -9 "$root"
	gone "$root"
}
lazy_restore() { # out-file image [verify [cryo [meta-file]]]: times the lazy restore, then ends the tree
	local t0 t1 root server bin=${4:-$CRYO}
	fresh_out
	t0=$(now)
	"$bin" restore -D "$2" --lazy --detach --pidfile "$work/pid" -v </dev/null \
		>/dev/null 2>"$work/lazy.err" || { cat "$work/lazy.err" >&2; return 1; }
	t1=$(now)
	echo "($t1 - $t0) * 1000" | bc -l >> "$1"
	root=$(cat "$work/pid")
	sed -n 's/.*(metadata and index in \([0-9.]*\) ms).*/\1/p' "$work/lazy.err" >> "${5:-$work/l_meta}"
	server=$(sed -n 's/.*lazy page server: pid \([0-9]*\).*/\1/p' "$work/lazy.err")
	pids+=("$root")
	[ -n "$server" ] && pids+=("$server")
	[ -z "${3:-}" ] || check_holder "$root"
	kill -9 "$root"
	gone "$root"
	[ -z "$server" ] || gone "$server"
}

printf 'object storage: s3rver %s on 127.0.0.1, data in %s; medians of %d\n' \
	"$(node -e 'console.log(require(process.argv[1]).version)' \
		"${CRYO_CACHE:-/var/cache/cryo}/s3rver/node_modules/s3rver/package.json" 2>/dev/null || echo '?')" \
	"$dir" "$reps"
printf '%5s %3s | %6s %6s | %6s %6s %5s | %6s %6s %6s | %6s %6s %5s | %7s %7s %5s %6s%s\n' \
	MiB str "put s" "putcpu" "dir s" "s3 s" "s3/dr" "dircpu" "s3cpu" "srvcpu" \
	"e.dir" "e.s3" "s3/dr" "l.dirms" "l.s3ms" "s3/dr" "metams" \
	"${BEFORE:+ | $(printf '%7s %5s %6s' l.befms bef/dr metab)}"
for mib in $sizes; do
	head -c "$((mib << 20))" /dev/urandom > "$work/blob"
	for n in $streams_list; do
		for f in d_dir d_s3 c_dir c_s3 v_dir v_s3 e_dir e_s3 l_dir l_s3 put c_put v_put l_meta \
			l_bef l_metab; do
			: > "$work/$f"
		done
		start_holder "$mib"
		for rep in $(seq "$reps"); do
			cpu_timed "$work/put" "$work/c_put" "$work/v_put" curl -sSf -T "$work/blob" \
				--aws-sigv4 aws:amz:us-east-1:s3 --user S3RVER:S3RVER \
				-H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
				"http://127.0.0.1:$port/$bucket/blob-$mib-$n-$rep"
			rm -rf "$work/img$rep"
			cpu_timed "$work/d_dir" "$work/c_dir" "$work/v_dir" "$CRYO" dump -t "$hpid" \
				-D "$work/img$rep" --leave-running --streams "$n" --compression none
			cpu_timed "$work/d_s3" "$work/c_s3" "$work/v_s3" "$CRYO" dump -t "$hpid" \
				-D "s3://$bucket/m$mib-s$n-r$rep" --leave-running --streams "$n"
			[ -z "$before_dumps" ] || [ -z "$BEFORE" ] || "$BEFORE" dump -t "$hpid" --leave-running \
				-D "s3://$bucket/b$mib-s$n-r$rep" --streams "$n" 2>/dev/null
		done
		bimg=m; [ -z "$before_dumps" ] || bimg=b
		kill -9 "$hpid"; wait "$hpid" 2>/dev/null || true
		for rep in $(seq "$reps"); do
			verify=; [ "$rep" = 1 ] && verify=1
			eager_restore "$work/e_dir" "$work/img$rep" $verify
			eager_restore "$work/e_s3" "s3://$bucket/m$mib-s$n-r$rep" $verify
			for k in $(seq "$lazy_reps"); do
				[ "$k" = 1 ] || verify=
				lazy_restore "$work/l_dir" "$work/img$rep" $verify
				# --before's first in even turns, second in odd ones: neither always
				# finds the store's caches warmed by the other.
				[ -z "$BEFORE" ] || [ $(((rep + k) % 2)) = 1 ] || lazy_restore \
					"$work/l_bef" "s3://$bucket/$bimg$mib-s$n-r$rep" "$verify" "$BEFORE" \
					"$work/l_metab"
				lazy_restore "$work/l_s3" "s3://$bucket/m$mib-s$n-r$rep" $verify
				[ -z "$BEFORE" ] || [ $(((rep + k) % 2)) = 0 ] || lazy_restore \
					"$work/l_bef" "s3://$bucket/$bimg$mib-s$n-r$rep" "$verify" "$BEFORE" \
					"$work/l_metab"
			done
			rm -rf "$work/img$rep"
		done
		for f in d_dir d_s3 c_dir c_s3 v_s3 e_dir e_s3 l_dir l_s3 put c_put v_put l_meta \
			l_bef l_metab; do
			eval "m_$f=\$(median < \"\$work/\$f\")"
		done
		bef=
		[ -z "$BEFORE" ] || bef=$(printf ' | %7.1f %5.2f %6.1f' "$m_l_bef" \
			"$(echo "$m_l_bef / $m_l_dir" | bc -l)" "$m_l_metab")
		printf '%5d %3d | %6.2f %6.2f | %6.2f %6.2f %5.2f | %6.2f %6.2f %6.2f | %6.2f %6.2f %5.2f | %7.1f %7.1f %5.2f %6.1f%s\n' \
			"$mib" "$n" "$m_put" "$m_v_put" "$m_d_dir" "$m_d_s3" \
			"$(echo "$m_d_s3 / $m_d_dir" | bc -l)" "$m_c_dir" "$m_c_s3" "$m_v_s3" \
			"$m_e_dir" "$m_e_s3" "$(echo "$m_e_s3 / $m_e_dir" | bc -l)" \
			"$m_l_dir" "$m_l_s3" "$(echo "$m_l_s3 / $m_l_dir" | bc -l)" "$m_l_meta" "$bef"
	done
	rm -f "$work/blob"
done
shm_watch() { # out-file: from now until shm_stop, the peak of cryo's scratch in /dev/shm
	( set +e +o pipefail # du finds no scratch directory most of the time
	  peak=0
	  while [ ! -e "$work/shm.stop" ]; do
		cur=$(du -sbc /dev/shm/cryo-s3-* 2>/dev/null |
			awk 'END {print $1 + 0}')
		[ "$cur" -gt "$peak" ] && peak=$cur
		sleep 0.02
	  done
	  echo "$peak / 1048576" | bc -l >> "$1" ) &
	shm_pid=$!
}
shm_stop() { touch "$work/shm.stop"; wait "$shm_pid"; rm -f "$work/shm.stop"; }
chain_restore() { # cryo lazy(0/1) time-file shm-file image [verify]: one restore of a chain
	local bin=$1 lazy=$2 t0 t1 root server=
	fresh_out
	rm -f "$work/pid"
	shm_watch "$4"
	t0=$(now)
	if [ "$lazy" = 1 ]; then
		"$bin" restore -D "$5" --lazy --detach --pidfile "$work/pid" -v </dev/null \
			>/dev/null 2>"$work/lazy.err" &
	else
		"$bin" restore -D "$5" --detach --pidfile "$work/pid" </dev/null \
			>/dev/null 2>"$work/lazy.err" &
	fi
	wait $! || { shm_stop; cat "$work/lazy.err" >&2; return 1; }
	t1=$(now)
	shm_stop
	if [ "$lazy" = 1 ]; then echo "($t1 - $t0) * 1000" | bc -l >> "$3"; else echo "$t1 - $t0" | bc -l >> "$3"; fi
	root=$(cat "$work/pid")
	server=$(sed -n 's/.*lazy page server: pid \([0-9]*\).*/\1/p' "$work/lazy.err")
	pids+=("$root")
	[ -n "$server" ] && pids+=("$server")
	[ -z "${6:-}" ] || check_holder "$root"
	kill -9 "$root"
	gone "$root"
	[ -z "$server" ] || gone "$server"
}

if [ -n "$chain_sizes" ]; then
	printf '\nchain (pre-dump + dump --parent%s), %s; medians of %d\n' \
		"${chain_args:+ $chain_args}" "${BEFORE:+before: $BEFORE}" "$reps"
	printf '%5s | %6s %6s %6s %6s | %6s %6s | %7s %7s %7s %7s %7s | %6s %6s\n' MiB \
		e.dir e.dbef e.s3 e.s3bef shm.e shm.eb l.dirms l.dbefms l.s3ms l.s3bef "l.s3/dr" \
		shm.l shm.lb
fi
for mib in $chain_sizes; do
	for f in e_dir e_dbef e_s3 e_s3bef s_e s_eb l_dir l_dbef l_s3 l_s3bef s_l s_lb s_x; do
		: > "$work/$f"
	done
	start_holder "$mib"
	for rep in $(seq "$reps"); do
		rm -rf "$work/ch$rep"; mkdir -p "$work/ch$rep"
		# shellcheck disable=SC2086 # chain_args: words
		"$CRYO" pre-dump -t "$hpid" -D "$work/ch$rep/1" $chain_args >/dev/null 2>&1
		"$CRYO" dump -t "$hpid" -D "$work/ch$rep/2" --parent "$work/ch$rep/1" --leave-running \
			$chain_args >/dev/null 2>&1
		"$CRYO" pre-dump -t "$hpid" -D "s3://$bucket/ch$mib-r$rep/1" $chain_args >/dev/null 2>&1
		"$CRYO" dump -t "$hpid" -D "s3://$bucket/ch$mib-r$rep/2" --parent "s3://$bucket/ch$mib-r$rep/1" \
			--leave-running $chain_args >/dev/null 2>&1
	done
	kill -9 "$hpid"; wait "$hpid" 2>/dev/null || true
	for rep in $(seq "$reps"); do
		verify=; [ "$rep" = 1 ] && verify=1
		s3img="s3://$bucket/ch$mib-r$rep/2"
		chain_restore "$CRYO" 0 "$work/e_dir" "$work/s_x" "$work/ch$rep/2" $verify
		chain_restore "$CRYO" 0 "$work/e_s3" "$work/s_e" "$s3img" $verify
		chain_restore "$CRYO" 1 "$work/l_dir" "$work/s_x" "$work/ch$rep/2" $verify
		chain_restore "$CRYO" 1 "$work/l_s3" "$work/s_l" "$s3img" $verify
		if [ -n "$BEFORE" ]; then
			chain_restore "$BEFORE" 0 "$work/e_dbef" "$work/s_x" "$work/ch$rep/2"
			chain_restore "$BEFORE" 0 "$work/e_s3bef" "$work/s_eb" "$s3img"
			chain_restore "$BEFORE" 1 "$work/l_dbef" "$work/s_x" "$work/ch$rep/2"
			chain_restore "$BEFORE" 1 "$work/l_s3bef" "$work/s_lb" "$s3img" 2>/dev/null || :
		fi
	done
	for f in e_dir e_dbef e_s3 e_s3bef s_e s_eb l_dir l_dbef l_s3 l_s3bef s_l s_lb; do
		eval "m_$f=\$(median < \"\$work/\$f\")"
		eval "[ -n \"\$m_$f\" ] || m_$f=0"
	done
	# A lazy restore from S3 that --before refused (no time recorded) reads "refused".
	lbef=refused slb=refused
	[ -s "$work/l_s3bef" ] && lbef=$(printf '%.1f' "$m_l_s3bef") slb=$(printf '%.1f' "$m_s_lb")
	printf '%5d | %6.2f %6.2f %6.2f %6.2f | %6.1f %6.1f | %7.1f %7.1f %7.1f %7s %7.2f | %6.1f %6s\n' \
		"$mib" "$m_e_dir" "$m_e_dbef" "$m_e_s3" "$m_e_s3bef" "$m_s_e" "$m_s_eb" \
		"$m_l_dir" "$m_l_dbef" "$m_l_s3" "$lbef" "$(echo "$m_l_s3 / $m_l_dir" | bc -l)" "$m_s_l" "$slb"
	rm -rf "$work"/ch*
done
[ -z "$chain_sizes" ] || echo "chain: e.*: eager restore wall (s); l.*: lazy restore to first instruction (ms); *bef: --before's cryo on the same images (0: not run); shm.*: peak MiB of scratch in /dev/shm (e: eager from S3, l: lazy from S3; *b: --before's)"
echo "put/putcpu: curl's one PUT (wall, server CPU); dir/s3: dump wall; dircpu/s3cpu: the dumps' own CPU (cryo + pump); srvcpu: the server's CPU during the S3 dump; e.*: eager restore wall; l.*: lazy restore to first instruction"
echo "targets: dump to S3 speed >= 0.8x the dir's (s3/dr of the dump <= 1.25); lazy s3/dr <= 2, flat in MiB"
