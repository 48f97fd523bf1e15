#!/usr/bin/env bash
# The same scenarios against the real Workers runtime: the worker built for wasm32 with
# worker-build, run by `wrangler dev` (workerd) with local KV, D1 and static assets.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/common.sh

tests/lib/install-worker-tools.sh
. tests/lib/worker-env.sh

step "worker-build --release (wasm32)"
(cd worker && worker-build --release) >/dev/null
wasm=worker/build/index_bg.wasm
echo "wasm: $(stat -c %s "$wasm") bytes raw, $(gzip -9 -c "$wasm" | wc -c) bytes gzip"

cargo build --locked -q -p pc-generator -p pc-e2e
target/debug/partner-center build --content content --out dist

state=$(mktemp -d)
persist="$state/wrangler"
wrangler="node_modules/.bin/wrangler"
"$wrangler" d1 migrations apply partner-center --local --persist-to "$persist" >"$state/setup.log" 2>&1
"$wrangler" d1 execute partner-center --local --persist-to "$persist" --file dist/data/seed.sql >>"$state/setup.log" 2>&1
"$wrangler" kv bulk put dist/data/kv-links.json --binding LINKS --local --persist-to "$persist" >>"$state/setup.log" 2>&1

port=$(free_port)
secret=$(random_secret)
log="$state/wrangler.log"
SKIP_WORKER_BUILD=1 setsid "$wrangler" dev --local --ip 127.0.0.1 --port "$port" --inspector-port 0 \
  --persist-to "$persist" --var "SESSION_SECRET:$secret" --var "PORTAL_URL:http://127.0.0.1:$port" \
  >"$log" 2>&1 &
pgid=$!
trap 'stop_group "$pgid"; rm -rf "$state"' EXIT
if ! wait_for_url "http://127.0.0.1:$port/login/" 90; then
  cat "$state/setup.log" "$log"
  exit 1
fi
target/debug/pc-e2e --base-url "http://127.0.0.1:$port" --session-secret "$secret" \
  --wrangler-persist "$persist" || { echo "--- wrangler log"; tail -50 "$log"; exit 1; }
