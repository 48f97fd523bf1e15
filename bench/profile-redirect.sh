#!/usr/bin/env bash
# A CPU profile of the project's worker in workerd while wrk loads `/r/abc123/home` (browser
# User-Agent by default, or AGENT=…): where the redirect's time goes, by function, including the
# wasm's own (its name section is kept). TARGET=js profiles bench/js-queue-worker instead;
# STACKS_OF=NAME also lists the commonest call stacks through the function NAME, LINES_OF=NAME
# its own samples by source line.
#
#   bench/profile-redirect.sh [SECONDS] [TOP]
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/common.sh
. bench/lib.sh
seconds=${1:-8}
top=${2:-30}
agent=${AGENT:-$BROWSER_UA}
command -v wrk >/dev/null || { echo "bench/redirect.sh installs wrk" >&2; exit 1; }
tests/lib/install-worker-tools.sh
. tests/lib/worker-env.sh
. tests/lib/workerd.sh
build_worker_and_site

state=$(mktemp -d)
pgid=
trap '[ -n "$pgid" ] && stop_group "$pgid"; rm -rf "$state"' EXIT
config=wrangler.toml
[ "${TARGET:-ours}" = js ] && config=bench/js-queue-worker/wrangler.toml
"$BIN_DIR"/partner-center deploy --local --out dist --persist-to "$state/wrangler" >"$state/setup.log" 2>&1 ||
  { cat "$state/setup.log" >&2; exit 1; }
port=$(free_port)
inspector=$(free_port)
SKIP_WORKER_BUILD=1 setsid node_modules/.bin/wrangler dev --config "$config" --local --ip 127.0.0.1 \
  --port "$port" --inspector-port "$inspector" --persist-to "$state/wrangler" \
  --var "SESSION_SECRET:$(random_secret)" >"$state/wrangler.log" 2>&1 &
pgid=$!
url="http://127.0.0.1:$port/r/abc123/home"
wait_for_url "$url" 90 || { cat "$state/wrangler.log" >&2; exit 1; }
# Warm up, then profile a load one second shorter than the profile, started just after it.
wrk -t2 -c16 -d3s -H "User-Agent: $agent" "$url" >/dev/null
(sleep 1 && wrk -t2 -c16 -d"$((seconds - 1))s" -H "User-Agent: $agent" "$url" | grep -E "Requests/sec") &
load=$!
node bench/profile-redirect.mjs "$inspector" "$seconds" "$top"
# The load only: a bare `wait` would wait for `wrangler dev` too, which runs until stopped.
wait "$load"
