#!/usr/bin/env bash
# What an owner's deploy does after a content change, for the local Workers runtime: build,
# `deploy --local` (only what changed), and restart `wrangler dev` (which, like a deploy, then
# serves the new assets) on the same address.   usage: workerd-redeploy.sh STATE_DIR CONTENT_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
. tests/lib/worker-env.sh
. tests/lib/workerd.sh
state=$1 content=$2
. "$state/workerd.env"
"$BIN_DIR"/partner-center build --content "$content" --out dist >/dev/null
"$BIN_DIR"/partner-center deploy --local --out dist --persist-to "$WORKERD_PERSIST" >>"$state/setup.log" 2>&1
stop_workerd "$state"
# shellcheck disable=SC2086 # WORKERD_EXTRA holds separate arguments
run_workerd "$state" $WORKERD_EXTRA
