#!/usr/bin/env bash
# What an owner's deploy does after a content change, for the local Workers runtime: build,
# `deploy --local` (only what changed), and restart `wrangler dev` (which, like a deploy, then
# serves the new assets) on the same address. `wrangler dev` is stopped first: its workerd holds
# the local D1 and KV files the deploy writes (a deploy beside it can find them locked).
# Any failure prints what failed.   usage: workerd-redeploy.sh STATE_DIR CONTENT_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
. tests/lib/worker-env.sh
. tests/lib/workerd.sh
state=$1 content=$2
. "$state/workerd.env"
"$BIN_DIR"/partner-center build --content "$content" --out dist >/dev/null ||
  { echo "reseed: building $content failed" >&2; exit 1; }
stop_workerd "$state"
if ! "$BIN_DIR"/partner-center deploy --local --out dist --persist-to "$WORKERD_PERSIST" >"$state/redeploy.log" 2>&1; then
  echo "reseed: deploy --local failed:" >&2
  tail -n 40 "$state/redeploy.log" >&2
  exit 1
fi
# shellcheck disable=SC2086 # WORKERD_EXTRA holds separate arguments
run_workerd "$state" $WORKERD_EXTRA
