#!/usr/bin/env bash
# The main job, end to end: a python3 process holding ~200 MiB of objects counts on a file;
# cryo checkpoints it (killing it), restores it with the same PID, and it carries on with its
# objects intact (their hash is printed before and after).
set -euo pipefail
cd "$(dirname "$0")/.."
CRYO=${CRYO:-build/cryo}
work=$(mktemp -d /tmp/cryo-demo.XXXXXX)
trap 'kill -9 $(cat "$work/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

cat > "$work/app.py" <<'PY'
import hashlib, sys, time
data = [bytes([i % 251]) * 1024 * 1024 for i in range(200)]          # ~200 MiB
table = {i: str(i) * 10 for i in range(200000)}
digest = hashlib.sha256(b"".join(data[:8]) + repr(sorted(table.items())[:1000]).encode()).hexdigest()
n = 0
while True:
    h = hashlib.sha256(b"".join(data[:8]) + repr(sorted(table.items())[:1000]).encode()).hexdigest()
    print(f"count {n} state {'intact' if h == digest else 'CHANGED'} {h[:16]}", flush=True)
    n += 1
    time.sleep(0.5)
PY

echo "== starting python3"
# Only stdin/stdout/stderr go along: a descriptor inherited from whatever runs this script
# (a pipe to a terminal multiplexer, say) would be outside the checkpointed tree.
setsid bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
	exec python3 "$1"' _ "$work/app.py" > "$work/out.txt" 2>&1 < /dev/null &
pid=$!
echo $pid > "$work/pid"
sleep 3
tail -n 2 "$work/out.txt"

echo "== cryo dump -t $pid -D $work/img"
time "$CRYO" dump -t "$pid" -D "$work/img"
wait "$pid" 2>/dev/null || true
echo "python3 is gone: $(kill -0 "$pid" 2>/dev/null && echo no || echo yes)"
"$CRYO" show "$work/img" | head -n 8

echo "== cryo restore -D $work/img --detach"
time "$CRYO" restore -D "$work/img" --detach --pidfile "$work/pid"
echo "restored pid: $(cat "$work/pid") (was $pid)"
sleep 2
tail -n 4 "$work/out.txt"
if tail -n 1 "$work/out.txt" | grep -q intact; then
	echo "== demo OK: the restored python3 carries on with its state intact"
else
	echo "== demo FAILED" >&2
	exit 1
fi
