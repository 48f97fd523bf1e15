#!/usr/bin/env bash
# The end-to-end scenarios against the native backend (`partner-center serve` on SQLite).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/common.sh

cargo build --locked -q -p pc-generator -p pc-e2e
state=$(mktemp -d)
port=$(free_port)
log="$state/serve.log"
setsid "$BIN_DIR"/partner-center serve --content content --state "$state/state" --port "$port" >"$log" 2>&1 &
pgid=$!
trap 'stop_group "$pgid"; rm -rf "$state"' EXIT
if ! wait_for_url "http://127.0.0.1:$port/login/" 60; then
  cat "$log"
  exit 1
fi
secret() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$state/state/secrets.json" "$1"; }
"$BIN_DIR"/pc-e2e --base-url "http://127.0.0.1:$port" --session-secret "$(secret SESSION_SECRET)" \
  --events-secret "$(secret EVENTS_SECRET)" \
  --sqlite "$state/state/partner-center.sqlite" || { echo "--- serve log"; cat "$log"; exit 1; }
