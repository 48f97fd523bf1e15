#!/usr/bin/env bash
# A new owner's repository, checked as a real deploy would use it:
#   1. `partner-center new`; its content passes `check`;
#   2. zizmor (PyPI, offline) on its deploy workflow and on this repository's release workflow:
#      no finding, even as an auditor;
#   3. the deploy workflow's own steps, here, on the release archive (scripts/package-release.sh):
#      unpack at .partner-center-src/, `npm ci` (wrangler from the scaffold's lockfile), check,
#      build, deploy (into local state: no Cloudflare account here), `wrangler deploy --dry-run`;
#      each step timed;
#      with, after `npm ci`, `partner-center setup cloudflare` against a local fake of Cloudflare's
#      API (tests/lib/fake-cloudflare.py): everything made, ids written, comments kept; a second
#      run creates or changes nothing; `doctor` then lists exactly what is left to give;
#   4. the worker from the unpacked archive, in workerd, answers a partner's link and sign-in;
#   5. a newcomer's first tracked sale: a partner link lands on a store page with /pc.js in
#      Chromium, a Stripe test-mode checkout arrives signed by Stripe's library, the partner's
#      test commission and the console's Setup page show it, and `partner-center doctor --remote`
#      holds on every line, the store's included.
# What a person types on the way (install, new, npm ci, wrangler login, setup, doctor, build,
# deploy, doctor --remote, and one edit of wrangler.toml) is counted and its machine time summed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
. tests/lib/common.sh
. tests/lib/worker-env.sh

ZIZMOR_VERSION=1.32.0
zizmor=$PWD/target/tools/zizmor/bin/zizmor
if ! "$zizmor" --version 2>/dev/null | grep -qx "zizmor $ZIZMOR_VERSION"; then
  python3 -m venv --clear "$PWD/target/tools/zizmor"
  "$PWD/target/tools/zizmor/bin/pip" install -q --disable-pip-version-check "zizmor==$ZIZMOR_VERSION"
fi
cargo build --locked -q -p pc-generator
tests/lib/install-browser-tools.sh
pc=$BIN_DIR/partner-center

# The commands a person types, counted, and their machine time summed.
typed=()
typed_seconds=0
person() { # what the person types, then the command run here in its place
  local said=$1 start=$SECONDS status=0
  shift
  "$@" || status=$?
  typed+=("$said")
  typed_seconds=$((typed_seconds + SECONDS - start))
  return "$status"
}

state=$(mktemp -d)
pgid=
trap '[ -n "$pgid" ] && stop_group "$pgid"; rm -rf "$state"' EXIT
repo=$state/portal

# The release archive, as .github/workflows/release.yml makes it (the worker as built for the
# workerd suite, when nothing in it changed since).
if [ -f worker/build/index_bg.wasm ] && [ -z "$(find worker/src worker/Cargo.toml worker/entry.mjs core/src -newer worker/build/index_bg.wasm -print -quit)" ]; then
  export SKIP_WORKER_BUILD=1
fi
archive=$(PARTNER_CENTER_BIN=$pc scripts/package-release.sh "$state/release" | tail -1)

echo "1. the release unpacked, partner-center new"
newcomer_started=$SECONDS
mkdir -p "$state/install"
person "curl -fsSL …/partner-center-<version>-x86_64-unknown-linux-gnu.tar.gz | tar -xz" tar -xzf "$archive" -C "$state/install"
installed=$(echo "$state"/install/partner-center-*/bin/partner-center)
person "partner-center new my-program" "$installed" new "$repo" >/dev/null
[ -f "$repo/.partner-center-src/worker/entry.mjs" ] ||
  { echo "new did not link .partner-center-src to the release it runs from" >&2; exit 1; }
(cd "$repo" && "$pc" check >/dev/null)
version=$(awk -F'"' '/^version = / {print $2; exit}' Cargo.toml)
grep -q "PARTNER_CENTER_VERSION: \"$version\"" "$repo/.github/workflows/deploy.yml" ||
  { echo "the deploy workflow does not pin this version ($version)" >&2; exit 1; }

echo "2. zizmor $ZIZMOR_VERSION --offline --persona=auditor on the scaffold's and this repository's workflows"
"$zizmor" --offline --persona=auditor --no-progress "$repo/.github/workflows/" .github/workflows/

echo "3. the deploy workflow's steps, on the release archive"
steps=0
timed() { # label, command…
  local label=$1 start=$SECONDS
  shift
  "$@" >"$state/step.log" 2>&1 || { cat "$state/step.log" >&2; echo "$label failed" >&2; return 1; }
  printf '   %-52s %3d s\n' "$label" $((SECONDS - start))
  steps=$((steps + SECONDS - start))
}
cd "$repo"
timed "verify the checksum" bash -c "cd '$state/release' && sha256sum --check --ignore-missing SHA256SUMS"
# The workflow runs on a fresh checkout, where .partner-center-src (git-ignored) is not.
rm .partner-center-src
timed "unpack at .partner-center-src/" bash -c "mkdir -p .partner-center-src && tar -xzf '$archive' -C .partner-center-src --strip-components=1"
export PATH="$repo/.partner-center-src/bin:$PATH"
person "npm ci" timed "npm ci (wrangler from package-lock.json)" npm ci --no-audit --no-fund
typed+=("npx wrangler login (here: CLOUDFLARE_API_TOKEN for a local fake of the API)")

before_setup=$steps
echo "   partner-center setup cloudflare, against a local fake of Cloudflare's API"
fake_port=$(free_port)
fake_token=$(random_secret)
setsid python3 "$root/tests/lib/fake-cloudflare.py" "$fake_port" "$state/cloudflare" "$fake_token" 0123456789abcdef0123456789abcdef \
  >"$state/cloudflare.log" 2>&1 &
fake=$!
trap '[ -n "$pgid" ] && stop_group "$pgid"; stop_group "$fake"; rm -rf "$state"' EXIT
export CLOUDFLARE_API_BASE_URL="http://127.0.0.1:$fake_port/client/v4" CLOUDFLARE_API_TOKEN=$fake_token
export CLOUDFLARE_ACCOUNT_ID=0123456789abcdef0123456789abcdef
comments=$(grep -c '^#' wrangler.toml)
stripe_secret=whsec_$(random_secret)
export STRIPE_WEBHOOK_SECRET=$stripe_secret MAIL_API_KEY=re_fake_key
person "MAIL_API_KEY=re_… STRIPE_WEBHOOK_SECRET=whsec_… partner-center setup cloudflare" \
  timed "setup cloudflare (first run: makes everything)" partner-center setup cloudflare
unset STRIPE_WEBHOOK_SECRET MAIL_API_KEY
sed 's/^/     /' "$state/step.log" | grep -E "✓ (KV|D1|Queue|secret)" || true
! grep -q 'replace-with-' wrangler.toml || { echo "setup left placeholder ids" >&2; grep -n 'replace-with-' wrangler.toml >&2; exit 1; }
[ "$(grep -c '^#' wrangler.toml)" = "$comments" ] || { echo "setup lost wrangler.toml's comments" >&2; exit 1; }
python3 - "$state/cloudflare/state.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert sorted(n["title"] for n in s["kv"]) == ["partner-center-LINKS", "partner-center-PAGES"], s["kv"]
assert [d["name"] for d in s["d1"]] == ["partner-center"], s["d1"]
assert [q["queue_name"] for q in s["queues"]] == ["partner-center-clicks"], s["queues"]
assert sorted(s["scripts"]["partner-center"]["secrets"]) == ["EVENTS_SECRET", "MAIL_API_KEY", "OWNER_TOKEN", "SESSION_SECRET", "STRIPE_WEBHOOK_SECRET"], s["scripts"]
PY
calls=$(wc -l <"$state/cloudflare/calls.jsonl")
cp wrangler.toml "$state/wrangler.toml.after-setup"
timed "setup cloudflare (second run: finds everything)" partner-center setup cloudflare
cmp -s wrangler.toml "$state/wrangler.toml.after-setup" || { echo "the second setup changed wrangler.toml" >&2; exit 1; }
changes=$(tail -n +"$((calls + 1))" "$state/cloudflare/calls.jsonl" | python3 -c '
import json, sys
calls = [json.loads(l) for l in sys.stdin]
print(len(calls), sum(1 for c in calls if c["method"] != "GET" and c.get("changed", True)))')
read -r second changed <<<"$changes"
[ "$changed" = 0 ] || { echo "the second setup made $changed calls that create or change something" >&2; exit 1; }
echo "     the second run: $second API calls, none creating or changing anything; wrangler.toml unchanged"
person "partner-center doctor" partner-center doctor >"$state/doctor.log" 2>/dev/null || true
doctor=$(cat "$state/doctor.log")
missing=$(grep -o '^✗ [^:]*' <<<"$doctor" | cut -c5- | paste -sd, -)
[ "$missing" = "PORTAL_URL,mail" ] || { echo "doctor after setup: $doctor" >&2; exit 1; }
echo "     doctor lists what is left: $missing"
# The person's one edit: the portal's address and the mail provider, in wrangler.toml.
sed -i -e 's#^PORTAL_URL = .*#PORTAL_URL = "https://partners.brightloom.coffee"\nMAIL_PROVIDER = "resend"\nMAIL_FROM = "partners@brightloom.coffee"#' wrangler.toml
partner-center doctor >"$state/doctor.log" 2>/dev/null || { cat "$state/doctor.log" >&2; exit 1; }
echo "     with PORTAL_URL, MAIL_PROVIDER and MAIL_FROM given: $(tail -1 "$state/doctor.log")"
steps=$before_setup
person "partner-center build" timed "partner-center check && build" bash -c "partner-center check && partner-center build --out dist"
person "partner-center deploy" timed "partner-center deploy (local state)" partner-center deploy --out dist --local --persist-to "$state/wrangler"
timed "wrangler deploy --dry-run" node_modules/.bin/wrangler deploy --dry-run --outdir "$state/bundle"
echo "   the deploy workflow's steps took $steps s here (without the download and the setup)"

echo "4. the unpacked worker in workerd"
port=$(free_port)
# The secrets setup put in the (fake) account, given to the local worker (the owner token as
# setup kept it for doctor).
owner_token=$(cat .partner-center/cloudflare-owner-token)
# The mail provider the edit named (Resend), as a local stand-in of its API.
mail_port=$(free_port)
setsid python3 "$root/tests/lib/fake-resend.py" "$mail_port" re_fake_key "$state/resend.jsonl" "$state/resend-refuses" \
  >"$state/resend.log" 2>&1 &
resend=$!
trap '[ -n "$pgid" ] && stop_group "$pgid"; stop_group "$fake"; stop_group "$resend"; rm -rf "$state"' EXIT
python3 - "$state/cloudflare/state.json" "$owner_token" <<'PY'
import hashlib, json, sys
put = json.load(open(sys.argv[1]))["scripts"]["partner-center"]["secrets"]["OWNER_TOKEN"]
assert put == hashlib.sha256(sys.argv[2].encode()).hexdigest(), "the kept owner token is not the one put"
PY
setsid node_modules/.bin/wrangler dev --local --ip 127.0.0.1 --port "$port" --inspector-port 0 \
  --persist-to "$state/wrangler" --var "SESSION_SECRET:$(random_secret)" --var "OWNER_TOKEN:$owner_token" \
  --var "STRIPE_WEBHOOK_SECRET:$stripe_secret" --var MAIL_API_KEY:re_fake_key \
  --var "MAIL_API_BASE:http://127.0.0.1:$mail_port" >"$state/wrangler.log" 2>&1 &
pgid=$!
wait_for_url "http://127.0.0.1:$port/login/" 90 || { cat "$state/wrangler.log" >&2; exit 1; }
location=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -A "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0" "http://127.0.0.1:$port/r/abc123/home")
case $location in
  "302 https://brightloom.example/"*"bl_ref=abc123"*) echo "   /r/abc123/home → $location" ;;
  *) echo "a partner's link answered: $location" >&2; tail -30 "$state/wrangler.log" >&2; exit 1 ;;
esac
grep -q 'name="password"' <(curl -s "http://127.0.0.1:$port/login/") ||
  { echo "the sign-in page is not served" >&2; exit 1; }
echo "   /login/ serves the sign-in form"
# doctor, with the fake account and against this worker, before the first sale: the build in
# dist/ is live and /pc.js served, but the mail provider refuses the sending domain, no webhook
# has arrived and no store page has reported.
touch "$state/resend-refuses"
doctor=$(partner-center doctor --remote "http://127.0.0.1:$port" 2>/dev/null || true)
grep -q "^✓ deployed build: .* is live" <<<"$doctor" && grep -q "^✓ tracking script:" <<<"$doctor" &&
  grep -q "^✗ test mail: refused (502): mail via resend answered 403: .*not verified" <<<"$doctor" &&
  [ "$(grep -o '^✗ [^:]*' <<<"$doctor" | cut -c5- | paste -sd, -)" = "test mail,Stripe webhooks,tracking script on the store" ] ||
  { echo "$doctor" >&2; exit 1; }
rm "$state/resend-refuses"
echo "   partner-center doctor --remote before the first sale: the provider's refusal, waiting for Stripe's webhooks and the store's script"

echo "5. the first tracked sale"
start=$SECONDS
PORTAL="http://127.0.0.1:$port" PORTAL_URL="https://partners.brightloom.coffee" OWNER_TOKEN=$owner_token \
  STRIPE_WEBHOOK_SECRET=$stripe_secret node "$root/tests/lib/newcomer-sale.mjs"
sale_seconds=$((SECONDS - start))
# doctor: every check holds, the store's included.
if ! person "partner-center doctor --remote https://partners.brightloom.coffee" \
  partner-center doctor --remote "http://127.0.0.1:$port" >"$state/doctor.log" 2>/dev/null ||
  ! doctor=$(cat "$state/doctor.log") ||
  ! grep -q "^✓ Stripe webhooks: the last, checkout.session.completed (test): recorded, abc123 by click" <<<"$doctor" ||
  ! grep -q "^✓ tracking script on the store: brightloom.example reports" <<<"$doctor" ||
  ! grep -q "^✓ test mail: resend took a test mail to partners@brightloom.coffee" <<<"$doctor"; then
  echo "$doctor" >&2
  exit 1
fi
python3 - "$state/resend.jsonl" <<'PY'
import json, sys
sent = [json.loads(l) for l in open(sys.argv[1])]
assert [s["status"] for s in sent] == [403, 200], sent
assert sent[-1]["body"]["to"] == ["partners@brightloom.coffee"] and "test mail" in sent[-1]["body"]["subject"], sent[-1]
PY
echo "   partner-center doctor --remote: $(tail -1 <<<"$doctor"), the test mail, the store's webhook and script included"
echo "newcomer run: ${#typed[@]} commands and 1 edit of wrangler.toml, $((typed_seconds + sale_seconds)) s of machine time" \
  "(the commands $typed_seconds s, the link, the test checkout and its arrival $sale_seconds s);" \
  "$((SECONDS - newcomer_started)) s of wall time from \`new\` to doctor all ✓ with this test's own checks:"
printf '   %s\n' "${typed[@]}"
