#!/usr/bin/env bash
# Each redirect's own cost per request, the project's worker (worker/entry.mjs and its wasm)
# against the same in plain JavaScript (bench/js-queue-worker), in one workerd isolate with
# nothing else around them (bench/handler-loop/index.mjs): ROUNDS alternating calls of N
# redirects each, with a browser and with a bot User-Agent; prints µs per redirect (medians),
# then the same with each worker's Queue consumer writing the clicks to D1 after them.
# A load through `wrangler dev` (bench/redirect.sh) spends most of its time in the HTTP server,
# the proxy and the Queue, the same for both; this shows what the workers' own code costs.
#
#   bench/handler-loop.sh [ROUNDS] [N]       (default 7 rounds of 4000)
#   KINDS="bot browser+store" bench/handler-loop.sh   some of the four measurements only
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/common.sh
rounds=${1:-7}
n=${2:-4000}
tests/lib/install-worker-tools.sh
. tests/lib/worker-env.sh
. tests/lib/workerd.sh
[ -n "${SKIP_WORKER_BUILD:-}" ] || build_worker_and_site

state=$(mktemp -d)
pgid=
trap '[ -n "$pgid" ] && stop_group "$pgid"; rm -rf "$state"' EXIT
"$BIN_DIR"/partner-center deploy --local --out dist --persist-to "$state/wrangler" >"$state/setup.log" 2>&1 ||
  { cat "$state/setup.log" >&2; exit 1; }
port=$(free_port)
SKIP_WORKER_BUILD=1 setsid node_modules/.bin/wrangler dev --config bench/handler-loop/wrangler.toml --local \
  --ip 127.0.0.1 --port "$port" --inspector-port 0 --persist-to "$state/wrangler" \
  --var "SESSION_SECRET:$(random_secret)" >"$state/wrangler.log" 2>&1 &
pgid=$!
base="http://127.0.0.1:$port/loop"
wait_for_url "$base?worker=js&n=1" 90 || { cat "$state/wrangler.log" >&2; exit 1; }

browser="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
bot="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
# µs per redirect of one call of N.
timed() { # worker, agent
  local out
  out=$(curl -sS -A "$2" -w '\n%{time_total}' "$base?worker=$1&n=$n${3:-}")
  case $out in 302\ *) ;; *) echo "$1 did not redirect: $out" >&2; exit 1 ;; esac
  awk -v t="$(tail -1 <<<"$out")" -v n="$n" 'BEGIN {printf "%.1f\n", t * 1e6 / n}'
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for kind in ${KINDS:-browser bot browser+store bot+store}; do
  agent=$browser store=
  [ "${kind#bot}" != "$kind" ] && agent=$bot
  [ "${kind%+store}" != "$kind" ] && store="&store=1"
  # Warm both (V8 optimizes the hot code), then alternate, each first in turn.
  timed ours "$agent" "$store" >/dev/null
  timed js "$agent" "$store" >/dev/null
  for round in $(seq "$rounds"); do
    order="ours js"
    [ $((round % 2)) = 0 ] && order="js ours"
    for w in $order; do timed "$w" "$agent" "$store" >>"$state/$kind.$w"; done
  done
  o=$(median <"$state/$kind.ours")
  j=$(median <"$state/$kind.js")
  printf '%-14s ours %7s µs   js %7s µs   ours/js %s   (rounds: ours %s; js %s)\n' "$kind" "$o" "$j" \
    "$(awk -v a="$o" -v b="$j" 'BEGIN {printf "%.2f", a/b}')" \
    "$(paste -sd' ' "$state/$kind.ours")" "$(paste -sd' ' "$state/$kind.js")"
done
