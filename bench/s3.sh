#!/usr/bin/env bash
# Object storage: a dump to s3rver on 127.0.0.1 (scripts/s3-server.sh) beside a dump of the same
# process to a local directory (the yardstick, same run, same streams, same filesystem for the
# store's data and the image), and a lazy restore from S3 to first instruction beside a lazy
# restore of the local image (`cryo restore --lazy --detach` wall time: the tree runs when it
# returns), at each size. `holder MIB random` (bench/holder.c) holds the memory; every dump is
# --leave-running so that one holder serves every rep, and is killed before the restores.
# Medians of REPS, seconds (lazy: milliseconds). The restored holder checks all its memory
# (SIGUSR1, PASS) once per size and mode, after the timing. Yardstick of the store itself: one
# signed PUT of a file of MIB MiB of random bytes by curl (`put s`), the fastest any client can
# store that much in it; a multipart upload costs s3rver more (it writes each part, then reads
# them all back into the object, hashing both times). `meta ms`: the part of the lazy restore
# from S3 spent reading the image's metadata and index, as `cryo restore -v` says.
#
#   bench/s3.sh [--reps N] [--sizes "256 1024"] [--streams "1 2"] [--dir DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
CRYO=${CRYO:-$root/build/cryo}
build=${CRYO_BUILD:-$root/build}
reps=3 sizes="256 1024" streams_list="1 2" dir=${BENCH_DIR:-/var/tmp}
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--streams) streams_list=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	-h|--help) sed -n '2,11p' "$0"; exit 0 ;;
	*) echo "s3.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "s3.sh: needs root" >&2; exit 1; }
[ "$reps" -ge 1 ] || { echo "s3.sh: --reps must be >= 1" >&2; exit 2; }
HOLDER=$build/bench/holder
[ -x "$HOLDER" ] || { echo "s3.sh: $HOLDER missing (meson build with bench/)" >&2; exit 1; }
"$root/scripts/s3-server.sh" --install

work=$(mktemp -d "$dir/cryo-bench-s3.XXXXXX")
pids=() # what we started, killed on exit
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bucket=cryo-bench
setsid "$root/scripts/s3-server.sh" "$work/store" "$port" "$bucket" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 300); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_ACCESS_KEY_ID=S3RVER \
	AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1

now() { date +%s.%N; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
timed() { # out-file command...: appends the wall time of the command
	local out=$1 t0 t1; shift
	t0=$(now); "$@" </dev/null >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
	t1=$(now); echo "$t1 - $t0" | bc -l >> "$out"
}
start_holder() { # mib: starts it, sets $hpid once it is ready
	: > "$work/holder.out"
	setsid "$HOLDER" "$1" random </dev/null >"$work/holder.out" 2>&1 &
	hpid=$!
	pids+=("$hpid")
	for _ in $(seq 1200); do grep -q '^ready' "$work/holder.out" && return 0; sleep 0.1; done
	echo "s3.sh: holder did not get ready" >&2; return 1
}
gone() { # pid: waits until it is gone (it may not be our child)
	for _ in $(seq 600); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
	return 1
}
lazy_restore() { # out-file image [verify]: times the lazy restore, then ends the tree
	local t0 t1 root server
	t0=$(now)
	"$CRYO" restore -D "$2" --lazy --detach --pidfile "$work/pid" -v </dev/null \
		>/dev/null 2>"$work/lazy.err" || { cat "$work/lazy.err" >&2; return 1; }
	t1=$(now)
	echo "($t1 - $t0) * 1000" | bc -l >> "$1"
	root=$(cat "$work/pid")
	sed -n 's/.*(metadata and index in \([0-9.]*\) ms).*/\1/p' "$work/lazy.err" >> "$work/l_meta"
	server=$(sed -n 's/.*lazy page server: pid \([0-9]*\).*/\1/p' "$work/lazy.err")
	pids+=("$root")
	[ -n "$server" ] && pids+=("$server")
	if [ -n "${3:-}" ]; then
		kill -USR1 "$root"
		for _ in $(seq 600); do grep -q '^PASS\|^FAIL' "$work/holder.out" && break; sleep 0.1; done
		grep -q '^PASS' "$work/holder.out" || { echo "s3.sh: restored holder: $(tail -1 "$work/holder.out")" >&2; return 1; }
	fi
	kill -9 "$root"
	gone "$root"
	[ -z "$server" ] || gone "$server"
}

printf 'object storage: s3rver %s on 127.0.0.1, data in %s; medians of %d\n' \
	"$(node -e 'console.log(require(process.argv[1]).version)' \
		"${CRYO_CACHE:-/var/cache/cryo}/s3rver/node_modules/s3rver/package.json" 2>/dev/null || echo '?')" \
	"$dir" "$reps"
printf '%6s %4s | %8s %10s %10s %6s | %11s %11s %6s %8s\n' MiB str "put s" "dir s" "s3 s" \
	"s3/dir" "lazy dir ms" "lazy s3 ms" "s3/dir" "meta ms"
for mib in $sizes; do
	head -c "$((mib << 20))" /dev/urandom > "$work/blob"
	for n in $streams_list; do
		: > "$work/d_dir"; : > "$work/d_s3"; : > "$work/l_dir"; : > "$work/l_s3"; : > "$work/put"; : > "$work/l_meta"
		start_holder "$mib"
		for rep in $(seq "$reps"); do
			timed "$work/put" curl -sSf -T "$work/blob" --aws-sigv4 aws:amz:us-east-1:s3 \
				--user S3RVER:S3RVER -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
				"http://127.0.0.1:$port/$bucket/blob-$mib-$n-$rep"
			rm -rf "$work/img$rep"
			timed "$work/d_dir" "$CRYO" dump -t "$hpid" -D "$work/img$rep" --leave-running \
				--streams "$n" --compression none
			timed "$work/d_s3" "$CRYO" dump -t "$hpid" -D "s3://$bucket/m$mib-s$n-r$rep" \
				--leave-running --streams "$n"
		done
		kill -9 "$hpid"; wait "$hpid" 2>/dev/null || true
		for rep in $(seq "$reps"); do
			verify=; [ "$rep" = 1 ] && verify=1
			lazy_restore "$work/l_dir" "$work/img$rep" $verify
			lazy_restore "$work/l_s3" "s3://$bucket/m$mib-s$n-r$rep" $verify
			rm -rf "$work/img$rep"
		done
		dd=$(median < "$work/d_dir") ds=$(median < "$work/d_s3") put=$(median < "$work/put")
		ld=$(median < "$work/l_dir") ls=$(median < "$work/l_s3")
		printf '%6d %4d | %8.3f %10.3f %10.3f %6.2f | %11.1f %11.1f %6.2f %8.1f\n' "$mib" "$n" \
			"$put" "$dd" "$ds" "$(echo "$ds / $dd" | bc -l)" "$ld" "$ls" \
			"$(echo "$ls / $ld" | bc -l)" "$(median < "$work/l_meta")"
	done
	rm -f "$work/blob"
done
echo "targets: dump to S3 speed >= 0.8x the dir's (s3/dir time <= 1.25); lazy s3/dir <= 2, flat in MiB"
