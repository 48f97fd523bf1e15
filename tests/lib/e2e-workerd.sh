#!/usr/bin/env bash
# The same scenarios against the real Workers runtime: the worker built for wasm32 with
# worker-build, run by `wrangler dev` (workerd) with local KV, D1 and static assets.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/common.sh

tests/lib/install-worker-tools.sh
. tests/lib/worker-env.sh
. tests/lib/workerd.sh

state=$(mktemp -d)
# A copy of the content: the sign-up scenario approves a partner into it.
cp -r content "$state/content"
WORKERD_CONTENT="$state/content"
build_worker_and_site "$WORKERD_CONTENT"
wasm=worker/build/index_bg.wasm
gzipped=$(gzip -9 -c "$wasm" | wc -c)
echo "wasm: $(stat -c %s "$wasm") bytes raw, $gzipped bytes gzip"
# Under 1 MiB gzip: what an isolate loads before the first redirect it answers.
[ "$gzipped" -lt 1048576 ] || { echo "the worker's wasm is over 1 MiB gzip ($gzipped bytes)" >&2; exit 1; }

WORKERD_PGID=
trap 'stop_workerd "$state"; rm -rf "$state"' EXIT
# The console commits to a fake of GitHub's API that pc-e2e serves on $git_port.
git_port=$(free_port)
git_token=$(random_secret)
start_workerd "$state" --var GIT_HOST:github --var "GIT_API_URL:http://127.0.0.1:$git_port" \
  --var GIT_REPOSITORY:brightloom/partners --var "GIT_TOKEN:$git_token"
"$BIN_DIR"/pc-e2e --base-url "$WORKERD_URL" --session-secret "$WORKERD_SECRET" \
  --events-secret "$WORKERD_EVENTS_SECRET" --owner-token "$WORKERD_OWNER_TOKEN" \
  --stripe-secret "$WORKERD_STRIPE_SECRET" --shopify-secret "$WORKERD_SHOPIFY_SECRET" \
  --content "$WORKERD_CONTENT" --cli "$BIN_DIR/partner-center" --git-port "$git_port" --git-token "$git_token" --reseed "tests/lib/workerd-redeploy.sh '$state' '$WORKERD_CONTENT'" \
  --wrangler-persist "$WORKERD_PERSIST" || {
  echo "--- wrangler log"; tail -50 "$state/wrangler.log"
  echo "--- errors in the wrangler log"; grep -n -iE -B2 -A12 " 5[0-9][0-9] |error|exception" "$state/wrangler.log" | head -120
  exit 1
}

# The same bounded load as natively, through workerd: every counted redirect's click row
# reaches D1 through the click Queue's batches, and every event is stored once.
"$BIN_DIR"/pc-e2e load --base-url "$WORKERD_URL" --events-secret "$WORKERD_EVENTS_SECRET" \
  --wrangler-persist "$WORKERD_PERSIST" --redirects 20000 --events 2000 --threads 16 ||
  { echo "--- wrangler log"; tail -20 "$state/wrangler.log"; grep -iE "fail|error|drop" "$state/wrangler.log" | tail -30; exit 1; }

# Mail in workerd: each provider's adapter against a local fake of its endpoint (wrangler dev
# restarted with the provider's settings on the same state), then Cloudflare's Email Service
# through the `send_email` binding as wrangler dev runs it (it logs the message and writes its
# parts to files).
. tests/lib/mail-cases.sh
while read -r provider code email; do
  fake=$(free_port)
  vars=()
  while IFS= read -r setting; do vars+=(--var "${setting/=/:}"); done < <(mail_settings "$provider" "$fake")
  stop_workerd "$state"
  run_workerd "$state" "${vars[@]}"
  mail_check "$provider" "$code" "$email" "$fake" --base-url "$WORKERD_URL" --wrangler-persist "$WORKERD_PERSIST" ||
    { echo "--- wrangler log"; tail -30 "$state/wrangler.log"; exit 1; }
done <<<"$MAIL_CASES"
stop_workerd "$state"
run_workerd "$state" --var "MAIL_PROVIDER:cloudflare" --var "MAIL_FROM:$MAIL_TEST_FROM" --var "MAIL_REPLY_TO:$MAIL_TEST_REPLY_TO"
"$BIN_DIR"/pc-e2e mail --provider cloudflare --code tess42 --to tess@brewdiaries.example --base-url "$WORKERD_URL" \
  --wrangler-persist "$WORKERD_PERSIST" --wrangler-log "$state/wrangler.log" ||
  { echo "--- wrangler log"; tail -30 "$state/wrangler.log"; exit 1; }

# The console's commits through Forgejo's and GitLab's own APIs (wrangler dev restarted with
# each GIT_HOST; pc-e2e serves the fake of each, and checks the commit it received).
. tests/lib/git-hosts.sh
for host in $GIT_HOSTS; do
  git_port=$(free_port)
  git_token=$(random_secret)
  stop_workerd "$state"
  run_workerd "$state" --var "GIT_HOST:$host" --var "GIT_API_URL:$(git_api "$host" "$git_port")" \
    --var GIT_REPOSITORY:brightloom/partners --var "GIT_TOKEN:$git_token"
  "$BIN_DIR"/pc-e2e git-host --host "$host" --git-port "$git_port" --git-token "$git_token" \
    --base-url "$WORKERD_URL" --session-secret "$WORKERD_SECRET" --wrangler-persist "$WORKERD_PERSIST" ||
    { echo "--- wrangler log"; tail -30 "$state/wrangler.log"; exit 1; }
done
