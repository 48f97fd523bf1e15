#!/usr/bin/env bash
# The browser tests: Debian's chromium via playwright-core against `partner-center serve`.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/common.sh

tests/lib/install-browser-tools.sh
cargo build --locked -q -p pc-generator
state=$(mktemp -d)
port=$(free_port)
log="$state/serve.log"
setsid "$BIN_DIR"/partner-center serve --content content --state "$state/state" --port "$port" --no-demo-history >"$log" 2>&1 &
pgid=$!
trap 'stop_group "$pgid"; rm -rf "$state"' EXIT
wait_for_url "http://127.0.0.1:$port/login/" 60 || { cat "$log"; exit 1; }
password=$(sed -n 's/.* as abc123 with password: //p' "$log" | head -1)
events=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["EVENTS_SECRET"])' "$state/state/secrets.json")
rm -rf tests/artifacts/screenshots
BASE_URL="http://127.0.0.1:$port" PASSWORD="$password" EVENTS_SECRET="$events" ARTIFACTS=tests/artifacts/screenshots \
  node tests/browser/portal.mjs || { echo "--- serve log"; tail -30 "$log"; exit 1; }

# The README's screenshots come from this run: UPDATE_SCREENSHOTS=1 tests/lib/browser.sh
if [ -n "${UPDATE_SCREENSHOTS:-}" ]; then
  mkdir -p docs/screenshots
  for name in welcome redirect-links commissions; do
    cp "tests/artifacts/screenshots/$name-desktop.png" "docs/screenshots/$name.png"
  done
  cp tests/artifacts/screenshots/commissions-phone.png docs/screenshots/commissions-phone.png
fi
