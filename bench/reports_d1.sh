#!/usr/bin/env bash
# The report benchmark on D1 (not part of tests/run): bench/reports.sh's synthetic year at a
# smaller N (default 200,000 clicks) loaded into the local D1 of the worker in workerd
# (`wrangler dev`), rolled up and checkpointed by the scheduled route, then every report timed
# as in reports.sh, with the rows D1 says each request read (the worker's `x-d1-rows-read`
# header, on only with ROWS_READ_HEADER=1).
#
#   bench/reports_d1.sh
#   N=500000 bench/reports_d1.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/common.sh
. bench/lib.sh
n=${N:-200000}

tests/lib/install-worker-tools.sh
. tests/lib/worker-env.sh
. tests/lib/workerd.sh
build_worker_and_site
state=$(mktemp -d)
trap 'stop_workerd "$state"; rm -rf "$state"' EXIT
start_workerd "$state" --var ROWS_READ_HEADER:1
db=$(d1_file "$WORKERD_PERSIST")
echo "loading $n clicks into D1 ($db) …"
python3 bench/reports_load.py "$db" "$n"
echo "rolling up …"
started=$SECONDS
until curl -fs -X POST -H "authorization: Bearer $WORKERD_OWNER_TOKEN" "$WORKERD_URL/api/v1/owner/scheduled" |
  python3 -c 'import json,sys,time; d=json.load(sys.stdin); r=d["rolled_up"]; sys.exit(0 if r["new_days"]==0 and r["late_days"]==0 and r["rolled_through"]==int(time.time())//86400 and d["checkpoints"]["complete"] else 1)'; do
  :
done
echo "rollup and checkpoints of the year: $((SECONDS - started)) s"
python3 bench/reports_time.py "$WORKERD_URL" "$WORKERD_OWNER_TOKEN" "$db" --d1
