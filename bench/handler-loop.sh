#!/usr/bin/env bash
# Each redirect's own cost per request, the project's worker (worker/entry.mjs and its wasm)
# against the same in plain JavaScript (bench/js-queue-worker), in one workerd isolate with
# nothing else around them (bench/handler-loop/index.mjs): ROUNDS rotated calls of N redirects
# each, with a browser and with a bot User-Agent, beside a floor (the KV read and the 302, no
# more); prints µs per redirect, the median and the least of the rounds (the machine's
# neighbours only ever add), and each worker's cost above the floor; then the same with each
# worker's Queue consumer writing the clicks to D1 after them.
# A load through `wrangler dev` (bench/redirect.sh) spends most of its time in the HTTP server,
# the proxy and the Queue, the same for both; this shows what the workers' own code costs.
#
#   bench/handler-loop.sh [ROUNDS] [N]       (default 15 rounds of 2000)
#   KINDS="bot browser+store" bench/handler-loop.sh   some of the four measurements only
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/common.sh
. bench/lib.sh
rounds=${1:-15}
n=${2:-2000}
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

browser=$BROWSER_UA
bot=$BOT_UA
# µs per redirect of one call of N.
timed() { # worker, agent
  local out
  out=$(curl -sS -A "$2" -w '\n%{time_total}' "$base?worker=$1&n=$n${3:-}")
  case $out in 302\ *) ;; *) echo "$1 did not redirect: $out" >&2; exit 1 ;; esac
  awk -v t="$(tail -1 <<<"$out")" -v n="$n" 'BEGIN {printf "%.1f\n", t * 1e6 / n}'
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
least() { sort -g | head -1; }
for kind in ${KINDS:-browser bot browser+store bot+store}; do
  agent=$browser store=
  [ "${kind#bot}" != "$kind" ] && agent=$bot
  [ "${kind%+store}" != "$kind" ] && store="&store=1"
  # Warm each (V8 optimizes the hot code), then rotate, each first in turn.
  workers=(ours js floor)
  for w in "${workers[@]}"; do timed "$w" "$agent" "$store" >/dev/null; done
  for round in $(seq "$rounds"); do
    for i in 0 1 2; do
      w=${workers[$(((i + round) % 3))]}
      timed "$w" "$agent" "$store" >>"$state/$kind.$w"
    done
  done
  # The median, and the least: what a call costs when nothing else on the machine got in its way.
  declare -A m l
  for w in "${workers[@]}"; do
    m[$w]=$(median <"$state/$kind.$w")
    l[$w]=$(least <"$state/$kind.$w")
  done
  printf '%-14s µs a redirect, median (least):  ours %s (%s)   js %s (%s)   floor %s (%s)\n' "$kind" \
    "${m[ours]}" "${l[ours]}" "${m[js]}" "${l[js]}" "${m[floor]}" "${l[floor]}"
  awk -v om="${m[ours]}" -v ol="${l[ours]}" -v jm="${m[js]}" -v jl="${l[js]}" -v fm="${m[floor]}" -v fl="${l[floor]}" \
    'BEGIN {printf "%-14s above the floor:  ours %.1f (%.1f)   js %.1f (%.1f)   ours/js %.2f (%.2f)\n", "", om - fm, ol - fl, jm - fm, jl - fl, (om - fm) / (jm - fm), (ol - fl) / (jl - fl)}'
done
