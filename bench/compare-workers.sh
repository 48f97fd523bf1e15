#!/usr/bin/env bash
# Two workers on `/r/abc123/home`, interleaved: A, B, B, A, A, B, … so a slow minute of this
# machine (a shared virtual machine: the same build varies ±15 % from one 10 s load to the
# next) lands on both sides. Each round is one wrk load (-c16) per worker, then the worker's
# Queue is let settle and its whole process group's CPU time is read: CPU per request is the
# steadier figure. Prints each round and the medians; the pairs' ratios say more than either.
#
#   bench/compare-workers.sh A B [ROUNDS] [SECONDS]
#
# A and B: a worker build directory (what `worker-build` writes: index.js, index_bg.wasm), run
# with this repository's wrangler.toml and worker/entry.mjs, or a wrangler.toml of its own
# (absolute paths), e.g.
#   cp -r worker/build /tmp/before; …change, build…; bench/compare-workers.sh /tmp/before worker/build
# AGENT=… sets the User-Agent (a browser's by default). A build runs without the static-assets
# router in front, as bench/redirect.sh runs `ours`; ROUTED=1 keeps it.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/common.sh
. bench/lib.sh
. tests/lib/worker-env.sh
. tests/lib/workerd.sh
[ $# -ge 2 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench/redirect.sh installs wrk" >&2; exit 1; }
rounds=${3:-8}
seconds=${4:-5}
agent=${AGENT:-$BROWSER_UA}
state=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do stop_group "$p"; done; rm -rf "$state"' EXIT

declare -A url pgid
declare -A given=([A]=$1 [B]=$2)
for side in A B; do
  target=$(realpath -e "${given[$side]}") || { echo "$side: no such build or config: ${given[$side]}" >&2; exit 2; }
  mkdir -p "$state/$side"
  if [ -f "$target" ]; then
    cp "$target" "$state/$side/wrangler.toml"
  else
    # The entry script, importing this build instead of worker/build.
    sed "s#\"./build/index.js\"#\"$target/index.js\"#" worker/entry.mjs >"$state/$side/entry.mjs"
    # As bench/redirect.sh runs `ours` (ROUTED=1 keeps the static-assets router in front).
    bench_wrangler_toml "$state/$side/wrangler.toml" "$state/$side/entry.mjs"
  fi
  "$BIN_DIR"/partner-center deploy --local --out dist --persist-to "$state/$side/wrangler" >"$state/$side/setup.log" 2>&1 ||
    { cat "$state/$side/setup.log" >&2; exit 1; }
  port=$(free_port)
  url[$side]="http://127.0.0.1:$port/r/abc123/home"
  SKIP_WORKER_BUILD=1 setsid node_modules/.bin/wrangler dev --config "$state/$side/wrangler.toml" --local \
    --ip 127.0.0.1 --port "$port" --inspector-port 0 --persist-to "$state/$side/wrangler" \
    --var "SESSION_SECRET:$(random_secret)" >"$state/$side/log" 2>&1 &
  pids+=($!)
  pgid[$side]=$!
done
for side in A B; do
  wait_for_url "${url[$side]}" 90 || { cat "$state/$side/log" >&2; exit 1; }
done

# CPU time of a process group so far, in clock ticks (1/100 s).
ticks() {
  local total=0 p
  for p in $(pgrep -g "$1"); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
# Rows written so far (0 for a worker without the D1 database).
rows() {
  local db
  db=$(d1_file "$state/$1/wrangler")
  [ -n "$db" ] || { echo 0; return; }
  python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("SELECT (SELECT count(*) FROM clicks)+(SELECT count(*) FROM filtered_clicks)").fetchone()[0])' "$db" 2>/dev/null || echo 0
}
# Until the Queue has written what the load sent (two readings the same).
settle() {
  local last=-1 n
  while n=$(rows "$1") && [ "$n" != "$last" ]; do last=$n; sleep 1; done
}

for side in A B; do
  wrk -t2 -c16 -d3s -H "User-Agent: $agent" "${url[$side]}" >/dev/null
  settle "$side"
done
printf '%-5s %-4s %9s %12s %8s\n' round side req/s "CPU µs/req" p50 >&2
for round in $(seq "$rounds"); do
  order="A B"
  [ $((round % 2)) = 0 ] && order="B A"
  for side in $order; do
    before=$(ticks "${pgid[$side]}")
    out=$(wrk -t2 -c16 -d"${seconds}s" -H "User-Agent: $agent" "${url[$side]}")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    done_=$(awk '/requests in/ {print $1}' <<<"$out")
    settle "$side"
    cpu=$(awk -v t=$(($(ticks "${pgid[$side]}") - before)) -v n="$done_" 'BEGIN {printf "%.0f", t * 10000 / n}')
    p50=$(wrk -t1 -c1 -d2s --latency -H "User-Agent: $agent" "${url[$side]}" | awk '$1 == "50%" {print $2}')
    settle "$side"
    printf '%-5s %-4s %9s %12s %8s\n' "$round" "$side" "$rps" "$cpu" "$p50" >&2
    echo "$round $side $rps $cpu" >>"$state/results"
  done
done

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo
for side in A B; do
  printf '%s  median %8s req/s  %6s CPU µs/req   (%s)\n' "$side" \
    "$(awk -v s=$side '$2 == s {print $3}' "$state/results" | median)" \
    "$(awk -v s=$side '$2 == s {print $4}' "$state/results" | median)" "${given[$side]}"
done
# Each round's B/A throughput, then their geometric mean.
awk '{v[$1, $2] = $3} END {
  for (r = 1; (r, "A") in v; r++) { l += log(v[r, "B"] / v[r, "A"]); n++; printf "%s%.2f", (n > 1 ? " " : "B/A by round: "), v[r, "B"] / v[r, "A"] }
  printf "\nB/A, geometric mean of the rounds: %.3f\n", exp(l / n)
}' "$state/results"
