#!/usr/bin/env bash
# The four workers of bench/redirect.sh — ours, js (the same redirect in plain JavaScript, with
# a Queue), rust-floor and js-floor — in ONE `wrangler dev`: one workerd, one node proxy, one
# local KV, Queue broker and D1, so what a process's luck (its memory layout, what V8 compiled
# when, which core it landed on) does to a figure lands on all four alike. A router worker in
# front hands each request to the worker its `x-to` header names (a service binding: the same
# hop for every worker). Each round runs one short wrk load (-c16) per worker and user agent,
# in an order rotated between rounds, then a sequential p50 of ours and js.
#
# Prints each load, then per worker the median req/s, ours/js as the geometric mean of each
# round's ratio with its 95% interval (so a difference smaller than this machine's noise reads
# as one), and each worker's cost per request above its floor. Every load must leave a row per
# answered request (the rows written during it, read from the D1 file).
#
#   bench/same-process.sh [ROUNDS] [SECONDS]     (default 12 rounds of 5 s per load)
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/common.sh
. bench/lib.sh
rounds=${1:-12}
seconds=${2:-5}
command -v wrk >/dev/null || { echo "bench/redirect.sh installs wrk" >&2; exit 1; }
tests/lib/install-worker-tools.sh
. tests/lib/worker-env.sh
. tests/lib/workerd.sh
build_worker_and_site
(cd bench/rust-floor && CARGO_TARGET_DIR="$PWD/../../target/rust-floor" worker-build --release) >/dev/null

state=$(mktemp -d)
pgid=
trap '[ -z "$pgid" ] || stop_group "$pgid"; rm -rf "$state"' EXIT
secret=$(random_secret)
vars=$(printf '\n[vars]\nSESSION_SECRET = "%s"\n' "$secret")
# Each worker's own wrangler.toml with absolute paths; ours as bench/redirect.sh runs it.
bench_wrangler_toml "$state/ours.toml"
echo "$vars" >>"$state/ours.toml"
for name in js-queue-worker rust-floor js-floor; do
  sed -e "s#^main = \"#main = \"$PWD/bench/$name/#" -e "s#^migrations_dir = \"../../#migrations_dir = \"$PWD/#" \
    "bench/$name/wrangler.toml" >"$state/$name.toml"
  echo "$vars" >>"$state/$name.toml"
done
cat >"$state/router.js" <<'JS'
const BINDING = { ours: "OURS", js: "JS", "rust-floor": "RUST_FLOOR", "js-floor": "JS_FLOOR" };
export default {
  fetch: (request, env) => env[BINDING[request.headers.get("x-to")]].fetch(request),
};
JS
cat >"$state/router.toml" <<TOML
name = "bench-router"
main = "$state/router.js"
compatibility_date = "2026-05-01"
services = [
  { binding = "OURS", service = "partner-center" },
  { binding = "JS", service = "redirect-js-queue" },
  { binding = "RUST_FLOOR", service = "redirect-floor-rust" },
  { binding = "JS_FLOOR", service = "redirect-floor-js" },
]
TOML
names=(ours js rust-floor js-floor)

echo "deploying…" >&2
"$BIN_DIR"/partner-center deploy --local --out dist --persist-to "$state/wrangler" >"$state/setup.log" 2>&1 ||
  { cat "$state/setup.log" >&2; exit 1; }
port=$(free_port)
url="http://127.0.0.1:$port/r/abc123/home"
SKIP_WORKER_BUILD=1 setsid node_modules/.bin/wrangler dev -c "$state/router.toml" -c "$state/ours.toml" \
  -c "$state/js-queue-worker.toml" -c "$state/rust-floor.toml" -c "$state/js-floor.toml" --local \
  --ip 127.0.0.1 --port "$port" --inspector-port 0 --persist-to "$state/wrangler" >"$state/log" 2>&1 &
pgid=$!
wait_for_url "$url" 90 || { cat "$state/log" >&2; exit 1; }

browser=$BROWSER_UA
bot=$BOT_UA
for name in "${names[@]}"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "x-to: $name" -A "$browser" "$url")
  [ "$status" = 302 ] || { echo "$name: answered $status, not 302" >&2; cat "$state/log" >&2; exit 1; }
done

# The click rows in the D1 file (ours and js share it; their loads never overlap).
rows() {
  local db
  db=$(d1_file "$state/wrangler")
  python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT (SELECT count(*) FROM clicks) + (SELECT count(*) FROM filtered_clicks)").fetchone()[0])' "$db"
}
# Until the Queues have written what the last load sent: two readings a second apart the same.
settle() {
  local last=-1 n
  while n=$(rows) && [ "$n" != "$last" ]; do last=$n; sleep 1; done
  echo "$n"
}

for name in "${names[@]}"; do
  for agent in "$browser" "$bot"; do wrk -t2 -c16 -d2s -H "x-to: $name" -H "User-Agent: $agent" "$url" >/dev/null; done
done
settled=$(settle)

results=$state/results
printf '%-5s %-10s %-7s %9s %7s\n' round worker agent req/s stolen >&2
for round in $(seq "$rounds"); do
  shift_by=$(((round - 1) % ${#names[@]}))
  order=("${names[@]:$shift_by}" "${names[@]:0:$shift_by}")
  for kind in browser bot; do
    agent=$browser
    [ "$kind" = bot ] && agent=$bot
    for name in "${order[@]}"; do
      before=$(head -1 /proc/stat)
      out=$(wrk -t2 -c16 -d"${seconds}s" -H "x-to: $name" -H "User-Agent: $agent" "$url")
      stolen=$(stolen_since "$before")
      rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
      answered=$(awk '/requests in/ {print $1}' <<<"$out")
      now=$(settle)
      case $name in
        ours | js)
          # A row for every answered request: the floors write none.
          if [ $((now - settled)) -lt "$answered" ]; then
            echo "$name ($kind): $answered answered, $((now - settled)) rows written" >&2
            exit 1
          fi
          ;;
      esac
      settled=$now
      printf '%-5s %-10s %-7s %9s %6s%%\n' "$round" "$name" "$kind" "$rps" "$stolen" >&2
      echo "$round $name $kind $rps" >>"$results"
    done
  done
  for name in ours js; do
    ms=$(wrk -t1 -c1 -d2s --latency -H "x-to: $name" -H "User-Agent: $browser" "$url" |
      awk '$1 == "50%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else { sub(/ms$/, "", v) } print v }')
    echo "$round $name p50 $ms" >>"$results"
  done
  settled=$(settle)
done

echo
awk -v rounds="$rounds" '
  { v[$1, $2, $3] = $4 }
  function median(name, kind,   a, n, r, i, j, t) {
    n = 0
    for (r = 1; r <= rounds; r++) a[++n] = v[r, name, kind]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  # ours/js: the geometric mean of the rounds ratios, with its 95% interval.
  function ratio(kind, lower,   r, d, s, ss, n, mean, sd) {
    for (r = 1; r <= rounds; r++) {
      d = log(v[r, "ours", kind] / v[r, "js", kind])
      if (lower) d = -d
      s += d; ss += d * d; n++
    }
    mean = s / n
    if (n < 2) return sprintf("%.3f× (one round: no interval)", exp(mean))
    sd = sqrt((ss - n * mean * mean) / (n - 1))
    return sprintf("%.3f× (95%%: %.3f–%.3f)", exp(mean), exp(mean - 2 * sd / sqrt(n)), exp(mean + 2 * sd / sqrt(n)))
  }
  END {
    printf "%-10s %14s %12s %10s\n", "worker", "browser req/s", "bot req/s", "p50 ms"
    split("ours js rust-floor js-floor", names, " ")
    for (i = 1; i <= 4; i++) {
      name = names[i]
      p = (name == "ours" || name == "js") ? sprintf("%.2f", median(name, "p50")) : ""
      printf "%-10s %14.0f %12.0f %10s\n", name, median(name, "browser"), median(name, "bot"), p
    }
    print ""
    print "ours/js throughput, browser: " ratio("browser", 0)
    print "ours/js throughput, bot:     " ratio("bot", 0)
    print "js/ours p50 (above 1: ours answers sooner): " ratio("p50", 1)
    for (k = 1; k <= 2; k++) {
      kind = k == 1 ? "browser" : "bot"
      printf "cost above the floor, %s: ours %.3f ms, js %.3f ms\n", kind,
        1000 / median("ours", kind) - 1000 / median("rust-floor", kind), 1000 / median("js", kind) - 1000 / median("js-floor", kind)
    }
  }' "$results"
