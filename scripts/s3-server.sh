#!/usr/bin/env bash
# An S3-compatible server for the object storage tests: s3rver, from the npm registry, installed
# once into the cache (CRYO_CACHE, default /var/cache/cryo).
#   s3-server.sh --install                 install it (scripts/install-deps.sh does)
#   s3-server.sh DATA_DIR PORT BUCKET      run it on 127.0.0.1:PORT with BUCKET, in the foreground
# Its credentials are S3RVER / S3RVER. S3_SERVER_LOG=1: it logs each request to stdout
# ("GET /BUCKET/KEY 206 ...": a ranged read), as the tests that check what was read want.
set -euo pipefail
version=3.7.1
cache=${CRYO_CACHE:-/var/cache/cryo}/s3rver
bin=$cache/node_modules/.bin/s3rver
if [ ! -x "$bin" ] || ! grep -q "\"version\": \"$version\"" "$cache/node_modules/s3rver/package.json"; then
	command -v npm >/dev/null || { echo "s3-server.sh: npm is missing (scripts/install-deps.sh)" >&2; exit 1; }
	mkdir -p "$cache"
	npm install --prefix "$cache" --no-audit --no-fund --silent "s3rver@$version" >&2
fi
[ "${1:-}" = --install ] && exit 0
[ $# -eq 3 ] || { echo "usage: s3-server.sh --install | DATA_DIR PORT BUCKET" >&2; exit 2; }
mkdir -p "$1"
quiet=-s
[ -n "${S3_SERVER_LOG:-}" ] && quiet=
exec "$bin" -d "$1" -a 127.0.0.1 -p "$2" $quiet --configure-bucket "$3"
