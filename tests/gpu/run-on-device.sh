#!/bin/bash
# The GPU check of the cuda plugin (docs/gpu.md), for a machine with an NVIDIA GPU and its
# driver (r550 or newer), run as root from the repository root:
#
#   tests/gpu/run-on-device.sh [GIB]       (GIB of device memory, default 4)
#
# It runs tests/gpu/gpu_counter (a real CUDA program: GIB GiB of device memory filled by a
# kernel, a counter kernel every 10 ms), dumps it with cryo (the plugin locks and checkpoints
# it through the driver first), restores it, and has it check its device memory (a checksum
# kernel against the value computed on the host) and that its counter went on exactly. Then
# the same with --leave-running. It prints one line per phase and a summary whose timings go
# into bench/README.md (GPU section): the driver's lock and checkpoint (GPU phase of the dump),
# the frozen tree's dump (CPU phase), the whole dump, the driver's restore (GPU phase of the
# restore) and the whole restore. Exit status 0 only if every check passed.
#
# cryo and gpu_counter come from build/gpu-carry (made by tests/gpu/prepare-carry.sh on the
# build machine, with the libraries cryo links against), else from build/, else it tries to
# build them here with meson (then needs cryo's build dependencies). Results also go to $OUT
# (or /tmp/cryo-gpu-out).
set -u
GIB=${1:-4}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RES=${OUT:-/tmp/cryo-gpu-out}
W=/tmp/cryo-gpu.$$
mkdir -p "$RES" "$W"
LOG="$RES/run-on-device.log"
exec > >(tee -a "$LOG") 2>&1
fail=0
say() { printf '== %s\n' "$*"; }
die() { say "FAIL: $*"; cleanup; exit 1; }
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT

C="$ROOT/build/gpu-carry"
# GPU_PROG: another program of the same shape (a dry run with the fake driver uses
# tests/workloads/gpu/cuda_counter).
if [ -x "$C/cryo" ]; then
	CRYO="$C/cryo"; PROG="$C/gpu_counter"; LIBS="$C/lib"; HOLDER="$C/holder"
elif [ -x "$ROOT/build/cryo" ] && [ -x "$ROOT/build/tests/gpu/gpu_counter" ]; then
	CRYO="$ROOT/build/cryo"; PROG="$ROOT/build/tests/gpu/gpu_counter"; LIBS=
else
	say "no build/gpu-carry: building with meson here"
	(cd "$ROOT" && meson setup build-gpu >/dev/null && ninja -C build-gpu cryo tests/gpu/gpu_counter) ||
		die "cannot build cryo here (no build/gpu-carry: run tests/gpu/prepare-carry.sh first)"
	CRYO="$ROOT/build-gpu/cryo"; PROG="$ROOT/build-gpu/tests/gpu/gpu_counter"; LIBS=
	HOLDER="$ROOT/build-gpu/bench/holder"
fi
# Our libraries for cryo only: the CUDA program and the driver keep the machine's.
PROG=${GPU_PROG:-$PROG}
cryo() { LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$CRYO" "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

say "machine: $(uname -r); $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | head -4)"
cryo --version 2>/dev/null | head -1
cryo check > "$W/check.txt" 2>&1
grep -E '^ *cuda ' "$W/check.txt" || die "cryo check lists no cuda plugin: $(tail -5 "$W/check.txt")"
grep -E '^ *cuda .*checkpoint API present' "$W/check.txt" >/dev/null ||
	die "the driver's checkpoint API is not here (r550 or newer needed)"
grep -E 'MISSING' "$W/check.txt" | grep -v optional && say "(cryo check: features missing above)"

# Starts the program; sets PID once it says ready.
start() {
	local out=$1
	setsid "$PROG" "$GIB" > "$out" 2>&1 < /dev/null &
	PID=$!
	pids+=("$PID")
	for _ in $(seq 1 600); do
		grep -qs '^ready' "$out" && return 0
		grep -qs '^FAIL' "$out" && break
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.2
	done
	die "gpu_counter did not get ready: $(tail -5 "$out")"
}

# Sends SIGUSR1 and waits for PASS in out.
verify() {
	local pid=$1 out=$2
	kill -USR1 "$pid" || { say "FAIL: pid $pid is gone"; return 1; }
	for _ in $(seq 1 600); do
		grep -q '^PASS' "$out" && { grep -E '^counter' "$out"; return 0; }
		grep -qs '^FAIL' "$out" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	say "FAIL: $(tail -3 "$out")"
	return 1
}

# --- dump, restore, check ---
start "$W/out1.txt"
grep -E 'GiB of device memory|^yardstick' "$W/out1.txt"
T0=$(now)
cryo dump -t "$PID" -D "$W/img" -v > "$W/dump.err" 2>&1 || {
	cat "$W/dump.err"; cp "$W/img/dump.log" "$RES/" 2>/dev/null; die "dump failed"; }
T1=$(now)
cp "$W/img/dump.log" "$RES/dump.log"
GPU_DUMP=$(grep -oE 'lock [0-9.]+ ms, checkpoint [0-9.]+ ms, [0-9.]+ MiB' "$W/img/dump.log" | head -1)
FROZEN=$(grep -oE 'tree frozen for [0-9.]+ ms' "$W/img/dump.log" | tail -1)
say "dump: $(secs "$T0" "$T1") s in all; GPU phase: $GPU_DUMP; CPU phase: $FROZEN"
say "image: $(du -sh "$W/img" | cut -f1)"
cryo show "$W/img" | grep -A3 '^plugin cuda' | tee "$RES/show.txt"
T2=$(now)
cryo restore -D "$W/img" -d --pidfile "$W/pid" -v > "$W/restore.err" 2>&1 || {
	cat "$W/restore.err"; die "restore failed"; }
T3=$(now)
cp "$W/restore.err" "$RES/restore.log"
RPID=$(cat "$W/pid")
pids+=("$RPID")
GPU_RESTORE=$(grep -oE 'restored by the driver in [0-9.]+ ms' "$W/restore.err" | head -1)
say "restore: $(secs "$T2" "$T3") s in all; GPU phase: $GPU_RESTORE"
if verify "$RPID" "$W/out1.txt"; then say "dump + restore: PASS"; else fail=1; fi
cp "$W/out1.txt" "$RES/program-1.txt"
kill -9 "$RPID" 2>/dev/null
sleep 1

# --- dump --leave-running: the program runs on, its GPU given back ---
start "$W/out2.txt"
T0=$(now)
cryo dump -t "$PID" -D "$W/img2" -v --leave-running > "$W/dump2.err" 2>&1 || {
	cat "$W/dump2.err"; die "dump --leave-running failed"; }
T1=$(now)
say "dump --leave-running: $(secs "$T0" "$T1") s in all; $(grep -oE 'lock [0-9.]+ ms, checkpoint [0-9.]+ ms' "$W/img2/dump.log" | head -1)"
if verify "$PID" "$W/out2.txt"; then say "leave-running: PASS"; else fail=1; fi
cp "$W/out2.txt" "$RES/program-2.txt"

# --- yardstick: a CPU-only process of the same size, dumped on the same machine ---
CPU_DUMP="not run"
if [ -x "${HOLDER:-}" ]; then
	setsid "$HOLDER" "$(awk -v g="$GIB" 'BEGIN { printf "%d", g * 1024 }')" random > "$W/out3.txt" 2>&1 < /dev/null &
	HPID=$!
	pids+=("$HPID")
	for _ in $(seq 1 600); do grep -qs '^ready' "$W/out3.txt" && break; sleep 0.2; done
	T0=$(now)
	if cryo dump -t "$HPID" -D "$W/img3" > "$W/dump3.err" 2>&1; then
		T1=$(now)
		CPU_DUMP="$(secs "$T0" "$T1") s in all, $(grep -oE 'tree frozen for [0-9.]+ ms' "$W/img3/dump.log" | tail -1)"
	else
		CPU_DUMP="failed: $(tail -2 "$W/dump3.err")"
	fi
	say "yardstick: dump of a CPU-only process of ${GIB} GiB: $CPU_DUMP"
	rm -rf "$W/img3"
fi

say "summary: $(grep -E '^yardstick' "$W/out1.txt"); CPU-only dump of the same size: $CPU_DUMP"
say "summary: ${GIB} GiB on $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1); dump $GPU_DUMP / $FROZEN; restore $GPU_RESTORE"
[ $fail = 0 ] && say "ALL PASS" || say "SOME CHECKS FAILED"
exit $fail
