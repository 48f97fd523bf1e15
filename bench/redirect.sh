#!/usr/bin/env bash
# The redirect `/r/abc123/home`, side by side in one run:
#   - ours:       the project's worker in workerd (`wrangler dev`, the release wasm), configured
#                 as the JS workers are: no static-assets router in front of it,
#   - ours-routed: the same, as the portal deploys it: behind the static-assets router
#                 (`[assets]`, `run_worker_first`), a hop every worker with assets pays,
#   - js:         the same redirect in plain JavaScript, built the same way (bench/js-queue-worker:
#                 the same KV read, filter, click id, visitor HMAC and 302, the row to a Queue
#                 whose consumer writes each batch in one D1 batch with the project's statements),
#   - rust-floor: a workers-rs 0.8.7 worker that only reads KV and answers 302 (bench/rust-floor),
#   - js-floor:   the same in JavaScript (bench/js-floor): the floors of this runtime,
#   - native:     `partner-center serve` (release build, SQLite),
#   - nginx:      `return 302` (the ceiling of a 302 on this machine).
# Load: wrk, 16 connections, with a browser User-Agent (clicks counted) and a bot User-Agent
# (redirected, filtered); latency: one connection, sequential, p50. Each figure is the median of
# ROUNDS rounds, the targets' order rotated between rounds; in each round each target runs in
# processes of its own, started for it and warmed up, one target at a time. Then the click rows
# are counted: every request the workers and serve answered with a browser User-Agent must have
# its row.
# A worker's cost per request above its floor is 1/throughput − 1/floor's throughput (workerd
# runs one isolate on one thread: its time per request).
#
#   bench/redirect.sh [ROUNDS] [SECONDS]     (default 3 rounds of 10 s per load)
#   TARGETS="ours js" bench/redirect.sh      measures some of them only (and builds and starts
#                                           only those: native needs the release generator)
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/common.sh
. bench/lib.sh
rounds=${1:-3}
seconds=${2:-10}

if ! command -v wrk >/dev/null || ! [ -x /usr/sbin/nginx ]; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -qq wrk nginx-light >/dev/null 2>&1 ||
    { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq wrk nginx-light >/dev/null; }
fi
tests/lib/install-worker-tools.sh
. tests/lib/worker-env.sh
. tests/lib/workerd.sh
read -r -a names <<<"${TARGETS:-ours ours-routed js rust-floor js-floor native nginx}"
# Whether the run measures target $1 (only those are built and started).
wants() { [[ " ${names[*]} " == *" $1 "* ]]; }
build_worker_and_site
if wants native; then cargo build --locked -q --release -p pc-generator; fi
if wants rust-floor; then
  (cd bench/rust-floor && CARGO_TARGET_DIR="$PWD/../../target/rust-floor" worker-build --release) >/dev/null
fi

state=$(mktemp -d)
declare -A urls pgids configs
cleanup() {
  for name in "${!pgids[@]}"; do stop_group "${pgids[$name]}"; done
  rm -rf "$state"
}
trap cleanup EXIT
stop_target() {
  stop_group "${pgids[$1]}"
  unset "pgids[$1]"
}

# Each worker's deploy, once, into its own local state (KV and D1); each round then starts the
# targets afresh on it (start_target). `ours` and `ours-routed` are set up by start_workerd,
# which starts them too: they are stopped again until their turn.
echo "deploying…" >&2
mkdir -p "$state/ours" "$state/ours-routed" "$state/nginx/logs"
# Without wrangler's `/__scheduled` test middleware, as the other workers run.
export WORKERD_TEST_SCHEDULED=0
if wants ours; then
  # Configured as the other workers run (bench_wrangler_toml): no assets router, no build command.
  bench_wrangler_toml "$state/ours/wrangler.toml"
  start_workerd "$state/ours" --config "$state/ours/wrangler.toml"
  urls[ours]=$WORKERD_URL pgids[ours]=$WORKERD_PGID
  stop_target ours
fi
if wants ours-routed; then
  ROUTED=1 bench_wrangler_toml "$state/ours-routed/wrangler.toml"
  start_workerd "$state/ours-routed" --config "$state/ours-routed/wrangler.toml"
  urls[ours-routed]=$WORKERD_URL pgids[ours-routed]=$WORKERD_PGID
  stop_target ours-routed
fi
secret=$(random_secret)
for name in js rust-floor js-floor; do
  wants "$name" || continue
  configs[$name]=bench/$name/wrangler.toml
  [ "$name" = js ] && configs[$name]=bench/js-queue-worker/wrangler.toml
  "$BIN_DIR"/partner-center deploy --local --out dist --persist-to "$state/$name/wrangler" >"$state/$name.setup.log" 2>&1 ||
    { cat "$state/$name.setup.log" >&2; exit 1; }
  urls[$name]="http://127.0.0.1:$(free_port)"
done
if wants native; then urls[native]="http://127.0.0.1:$(free_port)"; fi
if wants nginx; then
  urls[nginx]="http://127.0.0.1:$(free_port)"
  cat >"$state/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $state/nginx/nginx.pid;
error_log $state/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen ${urls[nginx]#http://};
    location /r/ { return 302 https://shop.example/?pc_click=0123456789abcdef01234567&partner=abc123; }
  }
}
CONF
fi

path=/r/abc123/home
browser=$BROWSER_UA
bot=$BOT_UA

# Starts target $1, answering 302, warmed up (V8 has compiled its hot code) and settled. Each
# round starts each target afresh: one process's luck lasts as long as the process (two
# instances of the very same build, measured interleaved for 8 rounds, came out 0.93× of each
# other one time and 1.00× the next), so a target started once per run would carry one draw
# of it through every round.
start_target() {
  local name=$1 port=${urls[$1]##*:} status
  case $name in
    ours) run_workerd "$state/ours" --config "$state/ours/wrangler.toml" ;;
    ours-routed) run_workerd "$state/ours-routed" --config "$state/ours-routed/wrangler.toml" ;;
    native)
      setsid target/release/partner-center serve --content content --state "$state/native" --port "$port" \
        --no-demo-history >>"$state/native.log" 2>&1 &
      ;;
    nginx) setsid /usr/sbin/nginx -p "$state/nginx" -c "$state/nginx/nginx.conf" -g 'daemon off;' 2>>"$state/nginx/stderr" & ;;
    *)
      SKIP_WORKER_BUILD=1 setsid node_modules/.bin/wrangler dev --config "${configs[$name]}" --local --ip 127.0.0.1 \
        --port "$port" --inspector-port 0 --persist-to "$state/$name/wrangler" --var "SESSION_SECRET:$secret" \
        >>"$state/$name.log" 2>&1 &
      ;;
  esac
  case $name in ours | ours-routed) pgids[$name]=$WORKERD_PGID ;; *) pgids[$name]=$! ;; esac
  wait_for_url "${urls[$name]}$path" 90 || { cat "$state"/*.log >&2; exit 1; }
  status=$(curl -s -o /dev/null -w '%{http_code}' -A "$browser" "${urls[$name]}$path")
  [ "$status" = 302 ] || { echo "$name: $path answered $status, not 302" >&2; exit 1; }
  wrk -t2 -c16 -d2s -H "User-Agent: $browser" "${urls[$name]}$path" >/dev/null
  wrk -t2 -c16 -d2s -H "User-Agent: $bot" "${urls[$name]}$path" >/dev/null
  settle "$name"
}
# Requests/sec, completed requests and the percentage stolen during one wrk load.
load() {
  local url=$1 agent=$2 out before
  before=$(head -1 /proc/stat)
  out=$(wrk -t2 -c16 -d"${seconds}s" -H "User-Agent: $agent" "$url$path")
  printf '%s %s %s\n' "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" "$(awk '/requests in/ {print $1}' <<<"$out")" \
    "$(stolen_since "$before")"
}
# The p50 of sequential requests on one connection, in ms, and the percentage stolen meanwhile.
p50() {
  local before ms
  before=$(head -1 /proc/stat)
  ms=$(wrk -t1 -c1 -d"$((seconds / 2 > 2 ? seconds / 2 : 2))s" --latency -H "User-Agent: $browser" "$1$path" |
    awk '$1 == "50%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else { sub(/s$/, "", v); v *= 1000 } print v }')
  echo "$ms $(stolen_since "$before")"
}

# The rows of a target matching SQL (`clicks`, `filtered_clicks WHERE …`), read from its SQLite
# file beside it, as any reader would: serve's, or the local D1 of a worker.
rows() { # name, from-and-where
  local db=$state/native/partner-center.sqlite
  [ "$1" = native ] || db=$(d1_file "$state/$1/wrangler")
  python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM " + sys.argv[2]).fetchone()[0])' \
    "$db" "$2"
}
# Waits until a target's deferred writes (a Queue, serve's click journal) have landed: two
# readings in a row the same. So no load pays for the one before it.
settle() {
  case $1 in ours | ours-routed | js | native) ;; *) return 0 ;; esac
  local last=-1 n
  while n=$(( $(rows "$1" clicks) + $(rows "$1" filtered_clicks) )) && [ "$n" != "$last" ]; do
    last=$n
    sleep 1
  done
}

declare -A answered
for round in $(seq "$rounds"); do
  # Rotated, so no target always runs first (or right after the one that heats the machine).
  order=("${names[@]:$(((round - 1) % ${#names[@]}))}" "${names[@]:0:$(((round - 1) % ${#names[@]}))}")
  for name in "${order[@]}"; do
    start_target "$name"
    read -r rps done_ stolen < <(load "${urls[$name]}" "$browser")
    echo "$rps" >>"$state/$name.browser"
    echo "$stolen" >>"$state/$name.browser.stolen"
    answered[$name]=$((${answered[$name]:-0} + done_))
    settle "$name"
    read -r rps _ stolen < <(load "${urls[$name]}" "$bot")
    echo "$rps" >>"$state/$name.bot"
    echo "$stolen" >>"$state/$name.bot.stolen"
    settle "$name"
    read -r ms stolen < <(p50 "${urls[$name]}")
    echo "$ms" >>"$state/$name.p50"
    echo "$stolen" >>"$state/$name.p50.stolen"
    settle "$name"
    stop_target "$name"
    printf 'round %s %-11s browser %8s req/s  bot %8s req/s  p50 %5s ms   stolen %s%%, %s%%, %s%%\n' "$round" "$name" \
      "$(tail -1 "$state/$name.browser")" "$(tail -1 "$state/$name.bot")" "$(tail -1 "$state/$name.p50")" \
      "$(tail -1 "$state/$name.browser.stolen")" "$(tail -1 "$state/$name.bot.stolen")" "$(tail -1 "$state/$name.p50.stolen")" >&2
  done
done

median() { sort -g "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A browser_rps bot_rps lat
for name in "${names[@]}"; do
  browser_rps[$name]=$(median "$state/$name.browser")
  bot_rps[$name]=$(median "$state/$name.bot")
  lat[$name]=$(median "$state/$name.p50")
done
has() { [ -n "${browser_rps[$1]:-}" ]; }

echo
echo "/r/abc123/home, wrk -c16 for ${seconds}s, medians of $rounds rounds (this machine: $(nproc) cores)"
echo
echo "                       browser UA      bot UA   sequential p50"
for name in ours ours-routed js rust-floor js-floor native nginx; do
  has "$name" || continue
  printf '%-20s %9.0f %11.0f %12.2f ms\n' "$name" "${browser_rps[$name]}" "${bot_rps[$name]}" "${lat[$name]}"
done
echo "CPU time the host gave other guests during the loads (steal): median $(median <(cat "$state"/*.stolen))%," \
  "at most $(sort -g "$state"/*.stolen | tail -1)%"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f×", a/b}'; }
# The geometric mean of each round's own ratio: the two loads of a round are minutes apart, not
# a whole run, so a slow stretch of the machine weighs less than in the ratio of the medians.
paired() { paste "$state/$1.$3" "$state/$2.$3" | awk '{ l += log($1 / $2); n++ } END { printf "%.2f×", exp(l / n) }'; }
# The same over the rounds in which the host took less than 5% of the CPU from either load.
unrobbed() {
  paste "$state/$1.$3" "$state/$2.$3" "$state/$1.$3.stolen" "$state/$2.$3.stolen" |
    awk '$3 < 5 && $4 < 5 { l += log($1 / $2); n++ } END { if (n) printf "%.2f× (%d of %d)", exp(l / n), n, NR; else printf "none of %d", NR }'
}
if has ours && has js; then
  echo "ours / js:        browser $(ratio "${browser_rps[ours]}" "${browser_rps[js]}")   bot $(ratio "${bot_rps[ours]}" "${bot_rps[js]}")   p50 $(ratio "${lat[ours]}" "${lat[js]}") (lower is better)"
  echo "  round by round: browser $(paired ours js browser)   bot $(paired ours js bot)   p50 $(paired ours js p50) (geometric means)"
  echo "  rounds unrobbed: browser $(unrobbed ours js browser)   bot $(unrobbed ours js bot)   p50 $(unrobbed ours js p50)"
fi
# Time per request above the floor, in ms (browser UA).
above() { awk -v w="$1" -v f="$2" 'BEGIN {printf "%.3f ms", 1000/w - 1000/f}'; }
if has ours && has rust-floor; then
  echo "above its floor:  ours $(above "${browser_rps[ours]}" "${browser_rps[rust-floor]}") (browser), $(above "${bot_rps[ours]}" "${bot_rps[rust-floor]}") (bot)"
fi
if has js && has js-floor; then
  echo "                  js   $(above "${browser_rps[js]}" "${browser_rps[js-floor]}") (browser), $(above "${bot_rps[js]}" "${bot_rps[js-floor]}") (bot)"
fi
if has ours && has ours-routed; then
  echo "the assets router: ours-routed / ours  browser $(ratio "${browser_rps[ours-routed]}" "${browser_rps[ours]}")   bot $(ratio "${bot_rps[ours-routed]}" "${bot_rps[ours]}")"
fi
if has native && has nginx; then
  echo "native / nginx:   browser $(awk -v a="${browser_rps[native]}" -v b="${browser_rps[nginx]}" 'BEGIN {printf "%.0f%%", 100*a/b}')   bot $(awk -v a="${bot_rps[native]}" -v b="${bot_rps[nginx]}" 'BEGIN {printf "%.0f%%", 100*a/b}')"
fi

# Every counted request has its row (the p50 runs' requests count too, so rows ≥ answered): a
# click, or one not counted as one of a burst (wrk is one visitor; risk.yaml's click_burst).
lost=0
for name in ours ours-routed js native; do
  has "$name" || continue
  stored=$(($(rows "$name" clicks) + $(rows "$name" "filtered_clicks WHERE reason = 'repeated'")))
  echo "click rows stored: $name $stored for ${answered[$name]} answered with a browser UA"
  [ "$stored" -ge "${answered[$name]}" ] || { echo "$name: click rows were lost" >&2; lost=1; }
done
exit $lost
