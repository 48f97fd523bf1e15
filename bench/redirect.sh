#!/usr/bin/env bash
# The redirect `/r/abc123/home`, side by side in one run:
#   - the project's worker in workerd (`wrangler dev`, the release wasm),
#   - a plain JavaScript worker doing the same work (bench/js-worker: one KV read, a 302 with
#     click id and partner code, the click row written after the answer),
#   - the native `partner-center serve` (release build, SQLite),
#   - nginx `return 302` (the ceiling of a 302 on this machine).
# Load: wrk, 16 connections, with a browser User-Agent (clicks counted) and a bot User-Agent
# (redirected, filtered); latency: one connection, sequential, p50. Each figure is the median of
# ROUNDS rounds, the targets' order rotated between rounds. Then the click rows are counted:
# every request the workers and serve answered with a browser User-Agent must have its row.
#
#   bench/redirect.sh [ROUNDS] [SECONDS]     (default 3 rounds of 10 s per load)
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/common.sh
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
build_worker_and_site
cargo build --locked -q --release -p pc-generator

state=$(mktemp -d)
pids=()
cleanup() {
  stop_workerd "$state/ours"
  for p in "${pids[@]}"; do stop_group "$p"; done
  rm -rf "$state"
}
trap cleanup EXIT

echo "starting the four servers…" >&2
mkdir -p "$state/ours" "$state/js" "$state/nginx/logs"
start_workerd "$state/ours"
ours=$WORKERD_URL

# The JS worker on its own copy of the same KV and D1 (the same deploy).
"$BIN_DIR"/partner-center deploy --local --out dist --persist-to "$state/js/wrangler" >"$state/js/setup.log" 2>&1 ||
  { cat "$state/js/setup.log" >&2; exit 1; }
js_port=$(free_port)
js="http://127.0.0.1:$js_port"
setsid node_modules/.bin/wrangler dev --config bench/js-worker/wrangler.toml --local --ip 127.0.0.1 \
  --port "$js_port" --inspector-port 0 --persist-to "$state/js/wrangler" >"$state/js/wrangler.log" 2>&1 &
pids+=($!)

native_port=$(free_port)
native="http://127.0.0.1:$native_port"
setsid target/release/partner-center serve --content content --state "$state/native" --port "$native_port" \
  --no-demo-history >"$state/native.log" 2>&1 &
pids+=($!)

nginx_port=$(free_port)
nginx="http://127.0.0.1:$nginx_port"
cat >"$state/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $state/nginx/nginx.pid;
error_log $state/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    location /r/ { return 302 https://shop.example/?pc_click=0123456789abcdef01234567&partner=abc123; }
  }
}
CONF
setsid /usr/sbin/nginx -p "$state/nginx" -c "$state/nginx/nginx.conf" -g 'daemon off;' 2>"$state/nginx/stderr" &
pids+=($!)

for url in "$js" "$native" "$nginx"; do
  wait_for_url "$url/r/abc123/home" 90 || { cat "$state"/js/wrangler.log "$state"/native.log >&2; exit 1; }
done

path=/r/abc123/home
browser="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
bot="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
for url in "$ours" "$js" "$native" "$nginx"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -A "$browser" "$url$path")
  [ "$status" = 302 ] || { echo "$url$path answered $status, not 302" >&2; exit 1; }
done

# Requests/sec and completed requests of one wrk load.
load() {
  local url=$1 agent=$2 out
  out=$(wrk -t2 -c16 -d"${seconds}s" -H "User-Agent: $agent" "$url$path")
  printf '%s %s\n' "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" "$(awk '/requests in/ {print $1}' <<<"$out")"
}
# The p50 of sequential requests on one connection, in ms.
p50() {
  wrk -t1 -c1 -d"$((seconds / 2 > 2 ? seconds / 2 : 2))s" --latency -H "User-Agent: $browser" "$1$path" |
    awk '$1 == "50%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else { sub(/s$/, "", v); v *= 1000 } print v }'
}

# The stored rows of a target ("clicks" or "filtered_clicks"): the workers' local D1, serve's
# SQLite (read beside it, as any reader would).
rows() { # name, table
  if [ "$1" = native ]; then
    python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM " + sys.argv[2]).fetchone()[0])' \
      "$state/native/partner-center.sqlite" "$2"
    return
  fi
  local persist=$state/ours/wrangler config=wrangler.toml
  [ "$1" = js ] && persist=$state/js/wrangler config=bench/js-worker/wrangler.toml
  node_modules/.bin/wrangler d1 execute partner-center --config "$config" --local --persist-to "$persist" \
    --json --command "SELECT count(*) AS n FROM $2" 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["results"][0]["n"])'
}
# Waits until a target's deferred writes (the project's Queue, the JS worker's waitUntil, serve's
# click journal) have landed: two readings in a row the same. So no load pays for the one before
# it.
settle() {
  [ "$1" = nginx ] && return 0
  local last=-1 n
  while n=$(( $(rows "$1" clicks) + $(rows "$1" filtered_clicks) )) && [ "$n" != "$last" ]; do
    last=$n
    sleep 1
  done
}

# TARGETS="ours js" measures some of them only (the others still start).
read -r -a names <<<"${TARGETS:-ours js native nginx}"
declare -A urls=([ours]=$ours [js]=$js [native]=$native [nginx]=$nginx)
declare -A answered=([ours]=0 [js]=0 [native]=0)
for round in $(seq "$rounds"); do
  # Rotated, so no target always runs first (or right after the one that heats the machine).
  order=("${names[@]:$(((round - 1) % ${#names[@]}))}" "${names[@]:0:$(((round - 1) % ${#names[@]}))}")
  for name in "${order[@]}"; do
    read -r rps done_ < <(load "${urls[$name]}" "$browser")
    echo "$rps" >>"$state/$name.browser"
    answered[$name]=$((${answered[$name]:-0} + done_))
    settle "$name"
    read -r rps _ < <(load "${urls[$name]}" "$bot")
    echo "$rps" >>"$state/$name.bot"
    settle "$name"
    p50 "${urls[$name]}" >>"$state/$name.p50"
    settle "$name"
    printf 'round %s %-6s browser %8s req/s  bot %8s req/s  p50 %s ms\n' "$round" "$name" \
      "$(tail -1 "$state/$name.browser")" "$(tail -1 "$state/$name.bot")" "$(tail -1 "$state/$name.p50")" >&2
  done
done

median() { sort -g "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A browser_rps=([ours]=0 [js]=1 [native]=0 [nginx]=1) bot_rps lat stored
bot_rps=([ours]=0 [js]=1 [native]=0 [nginx]=1) lat=([ours]=0 [js]=1 [native]=0 [nginx]=1)
for name in "${names[@]}"; do
  browser_rps[$name]=$(median "$state/$name.browser")
  bot_rps[$name]=$(median "$state/$name.bot")
  lat[$name]=$(median "$state/$name.p50")
done
# Every counted request has its row (the p50 runs' requests count too, so rows ≥ answered): a
# click, or for the project (wrk is one visitor) one not counted as one of a burst
# (risk.yaml's click_burst).
for name in "${names[@]}"; do
  [ "$name" = nginx ] && continue
  stored[$name]=$(( $(rows "$name" clicks) + $(rows "$name" "filtered_clicks WHERE reason = 'repeated'") ))
done

cat <<REPORT

/r/abc123/home, wrk -c16 for ${seconds}s, medians of $rounds rounds (this machine: $(nproc) cores)

                       browser UA      bot UA   sequential p50
project worker       $(printf '%9.0f %11.0f %12.2f ms' "${browser_rps[ours]}" "${bot_rps[ours]}" "${lat[ours]}")
plain JS worker      $(printf '%9.0f %11.0f %12.2f ms' "${browser_rps[js]}" "${bot_rps[js]}" "${lat[js]}")
native serve         $(printf '%9.0f %11.0f %12.2f ms' "${browser_rps[native]}" "${bot_rps[native]}" "${lat[native]}")
nginx return 302     $(printf '%9.0f %11.0f %12.2f ms' "${browser_rps[nginx]}" "${bot_rps[nginx]}" "${lat[nginx]}")

project worker / JS worker:   browser $(awk -v a="${browser_rps[ours]}" -v b="${browser_rps[js]}" 'BEGIN {printf "%.2f×", a/b}')   bot $(awk -v a="${bot_rps[ours]}" -v b="${bot_rps[js]}" 'BEGIN {printf "%.2f×", a/b}')   p50 $(awk -v a="${lat[ours]}" -v b="${lat[js]}" 'BEGIN {printf "%.2f×", a/b}') (lower is better)
native serve / nginx:         browser $(awk -v a="${browser_rps[native]}" -v b="${browser_rps[nginx]}" 'BEGIN {printf "%.0f%%", 100*a/b}')   bot $(awk -v a="${bot_rps[native]}" -v b="${bot_rps[nginx]}" 'BEGIN {printf "%.0f%%", 100*a/b}')
click rows stored:            project ${stored[ours]:-0} for ${answered[ours]} answered with a browser UA;  JS ${stored[js]:-0} for ${answered[js]};  serve ${stored[native]:-0} for ${answered[native]}
REPORT
lost=0
for name in "${!stored[@]}"; do
  [ "${stored[$name]}" -ge "${answered[$name]}" ] || { echo "$name: click rows were lost" >&2; lost=1; }
done
exit $lost
