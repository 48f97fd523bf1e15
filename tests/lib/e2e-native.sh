#!/usr/bin/env bash
# The end-to-end scenarios against the native backend (`partner-center serve` on SQLite).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/common.sh

cargo build --locked -q -p pc-generator -p pc-e2e
state=$(mktemp -d)
port=$(free_port)
log="$state/serve.log"
# A copy of the content: the sign-up scenario approves a partner into it.
cp -r content "$state/content"
# The console commits to a fake of GitHub's API that pc-e2e serves on $git_port.
git_port=$(free_port)
git_token=$(random_secret)
GIT_HOST=github GIT_API_URL="http://127.0.0.1:$git_port" GIT_REPOSITORY=brightloom/partners GIT_TOKEN="$git_token" \
TRUST_PROXY=1 PC_STATEMENT_LOG="$state/statements.log" setsid "$BIN_DIR"/partner-center serve --content "$state/content" --state "$state/state" --port "$port" --no-demo-history >"$log" 2>&1 &
pgid=$!
trap 'stop_group "$pgid"; rm -rf "$state"' EXIT
if ! wait_for_url "http://127.0.0.1:$port/login/" 60; then
  cat "$log"
  exit 1
fi
secret() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$state/state/secrets.json" "$1"; }
"$BIN_DIR"/pc-e2e --base-url "http://127.0.0.1:$port" --session-secret "$(secret SESSION_SECRET)" \
  --events-secret "$(secret EVENTS_SECRET)" --owner-token "$(secret OWNER_TOKEN)" \
  --stripe-secret "$(secret STRIPE_WEBHOOK_SECRET)" --shopify-secret "$(secret SHOPIFY_WEBHOOK_SECRET)" \
  --content "$state/content" --cli "$BIN_DIR/partner-center" --git-port "$git_port" --git-token "$git_token" \
  --sqlite "$state/state/partner-center.sqlite" || { echo "--- serve log"; cat "$log"; exit 1; }

# Bounded load on loopback: 20,000 redirects and 2,000 events (each sent twice) at once;
# every click and event must be stored, and no event credited twice.
"$BIN_DIR"/pc-e2e load --base-url "http://127.0.0.1:$port" --events-secret "$(secret EVENTS_SECRET)" \
  --sqlite "$state/state/partner-center.sqlite" --redirects 20000 --events 2000 --threads 32 ||
  { echo "--- serve log"; tail -50 "$log"; exit 1; }

# Every statement the scenarios and the load made the app run, planned by SQLite: none reads a
# table that grows with the program whole.
"$BIN_DIR"/pc-e2e plans --sqlite "$state/state/partner-center.sqlite" --statements "$state/statements.log"

# Crash safety: serve killed with SIGKILL in the middle of redirects and events, started again
# on the same state; what was not acknowledged is sent again; every acknowledged click and every
# event must be stored exactly once.
"$BIN_DIR"/pc-e2e crash --cli "$BIN_DIR/partner-center" --content "$state/content" --state "$state/crash" ||
  { echo "--- serve log"; tail -30 "$state/crash.log"; exit 1; }

# Mail: each provider's adapter against a local fake of its endpoint (serve restarted with the
# provider's settings on the same state).
. tests/lib/mail-cases.sh
stop_group "$pgid"
while read -r provider code email; do
  fake=$(free_port)
  port=$(free_port)
  mapfile -t settings < <(mail_settings "$provider" "$fake")
  env "${settings[@]}" setsid "$BIN_DIR"/partner-center serve --content "$state/content" --state "$state/state" \
    --port "$port" --no-demo-history >"$log" 2>&1 &
  pgid=$!
  wait_for_url "http://127.0.0.1:$port/login/" 60 || { cat "$log"; exit 1; }
  mail_check "$provider" "$code" "$email" "$fake" --base-url "http://127.0.0.1:$port" \
    --sqlite "$state/state/partner-center.sqlite" || { echo "--- serve log"; tail -30 "$log"; exit 1; }
  stop_group "$pgid"
done <<<"$MAIL_CASES"

# The console's commits through Forgejo's and GitLab's own APIs (serve restarted with each
# GIT_HOST; pc-e2e serves the fake of each, and checks the commit it received).
. tests/lib/git-hosts.sh
for host in $GIT_HOSTS; do
  git_port=$(free_port)
  git_token=$(random_secret)
  port=$(free_port)
  GIT_HOST=$host GIT_API_URL="$(git_api "$host" "$git_port")" GIT_REPOSITORY=brightloom/partners GIT_TOKEN="$git_token" \
    setsid "$BIN_DIR"/partner-center serve --content "$state/content" --state "$state/state" \
    --port "$port" --no-demo-history >"$log" 2>&1 &
  pgid=$!
  wait_for_url "http://127.0.0.1:$port/login/" 60 || { cat "$log"; exit 1; }
  "$BIN_DIR"/pc-e2e git-host --host "$host" --git-port "$git_port" --git-token "$git_token" \
    --base-url "http://127.0.0.1:$port" --session-secret "$(secret SESSION_SECRET)" \
    --sqlite "$state/state/partner-center.sqlite" || { echo "--- serve log"; tail -30 "$log"; exit 1; }
  stop_group "$pgid"
done
