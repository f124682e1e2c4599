# Sourced by the container benchmarks (bench/container-lazy.sh, bench/container-s3-eager.sh):
# their common start, on top of bench/s3-server-start.sh (now, median, s3rver).
# `ct_bench_start TAG S3` makes $work (DIR/cryo-bench-TAG.XXXXXX, DIR from $dir) and the trap
# that deletes every container in $ids, kills every pid in $pids and removes $work on exit;
# with S3 non-empty it runs s3rver there as s3_bench_start does ($bucket, the AWS_* variables).
# `ct_bench_image IMG...`: a busybox bundle whose shell counts in /tmp/count while its child
# (mem_big, linked statically: $MEM_BIG) holds $mib MiB of random bytes runs as container
# o-$$ until mem_big is ready, is dumped --leave-running to each IMG (a directory or an
# s3:// URL) and deleted; then $work/fresh is a pristine bundle of the same for the restores.
# Needs $root, $dir, $mib, $CRYO, $MEM_BIG, and the caller's name in $me.

. "$root/bench/s3-server-start.sh"

ct_bench_start() { # TAG S3
	if [ -n "$2" ]; then
		s3_bench_start "$1"
	else
		work=$(mktemp -d "$dir/cryo-bench-$1.XXXXXX")
		pids=()
	fi
	ids=()
	trap ct_bench_cleanup EXIT INT TERM
}

ct_bench_cleanup() {
	for id in "${ids[@]}"; do runc delete --force "$id" >/dev/null 2>&1 || true; done
	s3_bench_cleanup
}

ct_bundle() { # dir
	"$root/scripts/busybox-bundle.sh" "$1" sh -c "/bin/mem_big $mib & i=0; while true; do i=\$((i+1)); echo \$i > /tmp/count; sleep 0.02; done" >/dev/null
	cp "$MEM_BIG" "$1/rootfs/bin/mem_big"
	touch "$1/rootfs/tmp/count"
}

ct_bench_image() { # IMG...
	ct_bundle "$work/orig"
	ids+=("o-$$")
	runc run -d --bundle "$work/orig" "o-$$" </dev/null >"$work/orig.out" 2>&1
	for _ in $(seq 1200); do grep -q '^ready' "$work/orig.out" && break; sleep 0.1; done
	grep -q '^ready' "$work/orig.out" || { echo "$me: mem_big did not get ready" >&2; exit 1; }
	sleep 0.3
	for img in "$@"; do
		"$CRYO" dump --runc "o-$$" -D "$img" --leave-running >/dev/null
	done
	runc delete --force "o-$$"
	ct_bundle "$work/fresh"
}
