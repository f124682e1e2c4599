# Sourced by the object storage benchmarks (bench/s3.sh, bench/s3-chain-dump.sh): their common
# start. `s3_bench_start TAG` installs s3rver (scripts/s3-server.sh --install), makes $work
# (DIR/cryo-bench-TAG.XXXXXX, DIR from $dir) and the trap that kills every pid in $pids and
# removes $work on exit, runs the server on a free port of 127.0.0.1 with its data in
# $work/store and the bucket $bucket (cryo-bench), waits until it answers, and exports the
# AWS_* variables that point cryo at it. $server is the server's pid: the script execs it, so
# its CPU time is in /proc/$server/stat. Needs $root (the source tree) and $dir.
# now and median: wall time in seconds, and the median of the numbers on stdin.

s3_bench_start() { # TAG
	"$root/scripts/s3-server.sh" --install
	work=$(mktemp -d "$dir/cryo-bench-$1.XXXXXX")
	pids=() # what we started, killed on exit
	trap s3_bench_cleanup EXIT INT TERM
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	bucket=cryo-bench
	setsid "$root/scripts/s3-server.sh" "$work/store" "$port" "$bucket" >/dev/null 2>&1 &
	server=$!
	pids+=("$server")
	for _ in $(seq 300); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.1
	done
	export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_ACCESS_KEY_ID=S3RVER \
		AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
}

s3_bench_cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}

now() { date +%s.%N; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
