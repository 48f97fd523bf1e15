#!/usr/bin/env bash
# Report volume benchmark (not part of tests/run): a synthetic year of N clicks (default
# 10,000,000; the busiest partner, abc123, brings 20 % of them, mia456 a median partner's share,
# 2,000 partners the rest), 1 % of them sales with their commissions, loaded into `serve`'s
# SQLite; the rollup is run until it has caught up; then every partner report of the busiest and
# the median partner (365 days) and the console's overview (30 and 365 days) are timed, 20
# requests each, through the owner API's view-as routes (the partner's own report code).
#
#   bench/reports.sh              # 10 M clicks
#   N=1000000 bench/reports.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/common.sh
n=${N:-10000000}

cargo build --release --locked -q -p pc-generator
bin=$PWD/target/release/partner-center
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cp -r content "$work/content"
pgid=""
# BENCH_KEEP=1 keeps the database (its path is printed) to look into.
trap '[ -n "$pgid" ] && stop_group "$pgid"; [ -n "${BENCH_KEEP:-}" ] && echo "kept: $work/state/partner-center.sqlite" || rm -rf "$work"' EXIT
start() {
  setsid "$bin" serve --content "$work/content" --state "$work/state" --port "$port" --no-demo-history \
    >>"$work/serve.log" 2>&1 &
  pgid=$!
  until curl -fs "http://127.0.0.1:$port/login/" >/dev/null; do
    kill -0 "$pgid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
    sleep 0.2
  done
}
start
stop_group "$pgid"; pgid=""

echo "loading $n clicks …"
python3 bench/reports_load.py "$work/state/partner-center.sqlite" "$n"
start
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["OWNER_TOKEN"])' "$work/state/secrets.json")
echo "rolling up …"
rolled_secs=$SECONDS
until curl -fs -X POST -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/owner/scheduled" |
  python3 -c 'import json,sys,time; d=json.load(sys.stdin); r=d["rolled_up"]; sys.exit(0 if r["new_days"]==0 and r["late_days"]==0 and r["rolled_through"]==int(time.time())//86400 and d["checkpoints"]["complete"] else 1)'; do
  :
done
echo "rollup and checkpoints of the year: $((SECONDS - rolled_secs)) s"
python3 bench/reports_time.py "http://127.0.0.1:$port" "$token" "$work/state/partner-center.sqlite"
