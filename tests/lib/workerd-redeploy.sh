#!/usr/bin/env bash
# What an owner's deploy does after a content change, for the local Workers runtime: build,
# apply the seed and the KV table, and restart `wrangler dev` (which, like a deploy, then serves
# the new assets) on the same address.   usage: workerd-redeploy.sh STATE_DIR CONTENT_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
. tests/lib/worker-env.sh
. tests/lib/workerd.sh
state=$1 content=$2
. "$state/workerd.env"
"$BIN_DIR"/partner-center build --content "$content" --out dist >/dev/null
wrangler=node_modules/.bin/wrangler
"$wrangler" d1 execute partner-center --local --persist-to "$WORKERD_PERSIST" --file dist/data/seed.sql >>"$state/setup.log" 2>&1
"$wrangler" kv bulk put dist/data/kv-links.json --binding LINKS --local --persist-to "$WORKERD_PERSIST" >>"$state/setup.log" 2>&1
stop_workerd "$state"
# shellcheck disable=SC2086 # WORKERD_EXTRA holds separate arguments
run_workerd "$state" $WORKERD_EXTRA
