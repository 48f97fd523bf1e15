#!/usr/bin/env bash
# The browser tests: Debian's chromium via playwright-core against `partner-center serve`.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/common.sh

tests/lib/install-browser-tools.sh
cargo build --locked -q -p pc-generator
state=$(mktemp -d)
# 1. A program as `partner-center new` starts it (the demo without payouts or sample
#    history): the script's own conversions give exact figures to check.
cp -r content "$state/content"
rm -rf "$state/content/payouts" "$state/content/ledger.lock"
sed -i '/^demo:/d' "$state/content/site.yaml"
port=$(free_port)
log="$state/serve.log"
setsid "$BIN_DIR"/partner-center serve --content "$state/content" --state "$state/state" --port "$port" >"$log" 2>&1 &
pgid=$!
# 2. The demo as a newcomer's first `serve` shows it, with eight weeks of sample history, its
#    content in a git repository of its own (the console commits the owner's decisions there).
demo_port=$(free_port)
demo_log="$state/demo.log"
cp -r content "$state/demo-content"
git -C "$state/demo-content" init --quiet --initial-branch=main
git -C "$state/demo-content" add .
git -C "$state/demo-content" -c user.name=Owner -c user.email=owner@brightloom.example commit --quiet -m "The demo program"
setsid "$BIN_DIR"/partner-center serve --content "$state/demo-content" --state "$state/demo-state" --port "$demo_port" >"$demo_log" 2>&1 &
demo_pgid=$!
trap 'stop_group "$pgid"; stop_group "$demo_pgid"; rm -rf "$state"' EXIT
# Ready means "is running" printed (after the sample history is written), not just listening.
wait_for_line "$log" "is running at" "$pgid"
wait_for_line "$demo_log" "is running at" "$demo_pgid"
password=$(sed -n 's/.* as abc123 with password: //p' "$log" | head -1)
demo_password=$(sed -n 's/.* as abc123 with password: //p' "$demo_log" | head -1)
owner_link=$(sed -n 's/^ *olivia@brightloom.example *admin *//p' "$demo_log" | head -1)
events=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["EVENTS_SECRET"])' "$state/state/secrets.json")
demo_events=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["EVENTS_SECRET"])' "$state/demo-state/secrets.json")
rm -rf tests/artifacts/screenshots
BASE_URL="http://127.0.0.1:$port" PASSWORD="$password" EVENTS_SECRET="$events" DEMO_EVENTS_SECRET="$demo_events" ARTIFACTS=tests/artifacts/screenshots \
  DEMO_BASE_URL="http://127.0.0.1:$demo_port" DEMO_PASSWORD="$demo_password" OWNER_LINK="$owner_link" DEMO_CONTENT="$state/demo-content" \
  node tests/browser/portal.mjs || { echo "--- serve log"; tail -30 "$log"; echo "--- demo log"; tail -30 "$demo_log"; exit 1; }

# The README's screenshots come from this run: UPDATE_SCREENSHOTS=1 tests/lib/browser.sh
if [ -n "${UPDATE_SCREENSHOTS:-}" ]; then
  mkdir -p docs/screenshots
  # The demo with its sample history (what a newcomer sees), the fresh program's pages.
  cp tests/artifacts/screenshots/demo-dashboard-desktop.png docs/screenshots/dashboard.png
  cp tests/artifacts/screenshots/demo-explain-desktop.png docs/screenshots/commissions.png
  cp tests/artifacts/screenshots/clicks-analytics-desktop.png docs/screenshots/link-analytics.png
  cp tests/artifacts/screenshots/phone-menu.png docs/screenshots/phone-menu.png
  cp tests/artifacts/screenshots/redirect-links-desktop.png docs/screenshots/redirect-links.png
fi
