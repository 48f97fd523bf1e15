#!/usr/bin/env bash
# Lighthouse (the pinned npm package) in Debian's Chromium against `partner-center serve` of the
# demo with its sample history: sign-in, the dashboard, Commissions, My Ledger and the console
# overview, on a phone and a desktop. Bars: accessibility and best practices 95, performance 90,
# cumulative layout shift under 0.1. Reports in tests/artifacts/lighthouse/.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/common.sh

tests/lib/install-browser-tools.sh
cargo build --locked -q -p pc-generator
state=$(mktemp -d)
cp -r content "$state/content"
port=$(free_port)
log="$state/serve.log"
setsid "$BIN_DIR"/partner-center serve --content "$state/content" --state "$state/state" --port "$port" >"$log" 2>&1 &
pgid=$!
trap 'stop_group "$pgid"; rm -rf "$state"' EXIT
# Ready once "is running" is printed (after the sample history is written).
wait_for_line "$log" "is running at" "$pgid"
password=$(sed -n 's/.* as abc123 with password: //p' "$log" | head -1)
owner_link=$(sed -n 's/^ *olivia@brightloom.example *admin *//p' "$log" | head -1)
rm -rf tests/artifacts/lighthouse
BASE_URL="http://127.0.0.1:$port" PASSWORD="$password" OWNER_LINK="$owner_link" ARTIFACTS=tests/artifacts/lighthouse \
  node tests/lighthouse/audit.mjs
