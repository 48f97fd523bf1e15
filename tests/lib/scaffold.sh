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
#   4. the worker from the unpacked archive, in workerd, answers a partner's link and sign-in,
#      and `partner-center doctor --remote` holds throughout: its build live, /pc.js served.
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
pc=$BIN_DIR/partner-center

state=$(mktemp -d)
pgid=
trap '[ -n "$pgid" ] && stop_group "$pgid"; rm -rf "$state"' EXIT
repo=$state/portal

echo "1. partner-center new"
"$pc" new "$repo" >/dev/null
(cd "$repo" && "$pc" check >/dev/null)
version=$(awk -F'"' '/^version = / {print $2; exit}' Cargo.toml)
grep -q "PARTNER_CENTER_VERSION: \"$version\"" "$repo/.github/workflows/deploy.yml" ||
  { echo "the deploy workflow does not pin this version ($version)" >&2; exit 1; }

echo "2. zizmor $ZIZMOR_VERSION --offline --persona=auditor on the scaffold's and this repository's workflows"
"$zizmor" --offline --persona=auditor --no-progress "$repo/.github/workflows/" .github/workflows/

echo "3. the deploy workflow's steps, on the release archive"
# The worker as built for the workerd suite, when nothing in it changed since.
if [ -f worker/build/index_bg.wasm ] && [ -z "$(find worker/src worker/Cargo.toml worker/entry.mjs core/src -newer worker/build/index_bg.wasm -print -quit)" ]; then
  export SKIP_WORKER_BUILD=1
fi
archive=$(PARTNER_CENTER_BIN=$pc scripts/package-release.sh "$state/release" | tail -1)
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
timed "unpack at .partner-center-src/" bash -c "mkdir -p .partner-center-src && tar -xzf '$archive' -C .partner-center-src --strip-components=1"
export PATH="$repo/.partner-center-src/bin:$PATH"
timed "npm ci (wrangler from package-lock.json)" npm ci --no-audit --no-fund

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
timed "setup cloudflare (first run: makes everything)" partner-center setup cloudflare
sed 's/^/     /' "$state/step.log" | grep -E "✓ (KV|D1|Queue|secret)" || true
! grep -q 'replace-with-' wrangler.toml || { echo "setup left placeholder ids" >&2; grep -n 'replace-with-' wrangler.toml >&2; exit 1; }
[ "$(grep -c '^#' wrangler.toml)" = "$comments" ] || { echo "setup lost wrangler.toml's comments" >&2; exit 1; }
python3 - "$state/cloudflare/state.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert sorted(n["title"] for n in s["kv"]) == ["partner-center-LINKS", "partner-center-PAGES"], s["kv"]
assert [d["name"] for d in s["d1"]] == ["partner-center"], s["d1"]
assert [q["queue_name"] for q in s["queues"]] == ["partner-center-clicks"], s["queues"]
assert sorted(s["scripts"]["partner-center"]["secrets"]) == ["EVENTS_SECRET", "OWNER_TOKEN", "SESSION_SECRET"], s["scripts"]
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
doctor=$(partner-center doctor 2>/dev/null || true)
missing=$(grep -o '^✗ [^:]*' <<<"$doctor" | cut -c5- | paste -sd, -)
[ "$missing" = "PORTAL_URL,mail" ] || { echo "doctor after setup: $doctor" >&2; exit 1; }
echo "     doctor lists what is left: $missing"
sed -i -e 's#^PORTAL_URL = .*#PORTAL_URL = "https://partners.brightloom.coffee"\nMAIL_PROVIDER = "resend"\nMAIL_FROM = "partners@brightloom.coffee"#' wrangler.toml
echo "re_fake_key" | node_modules/.bin/wrangler secret put MAIL_API_KEY >/dev/null 2>&1
partner-center doctor >"$state/doctor.log" 2>/dev/null || { cat "$state/doctor.log" >&2; exit 1; }
echo "     with PORTAL_URL, MAIL_PROVIDER, MAIL_FROM and MAIL_API_KEY given: $(tail -1 "$state/doctor.log")"
steps=$before_setup
timed "partner-center check && build" bash -c "partner-center check && partner-center build --out dist"
timed "partner-center deploy (local state)" partner-center deploy --out dist --local --persist-to "$state/wrangler"
timed "wrangler deploy --dry-run" node_modules/.bin/wrangler deploy --dry-run --outdir "$state/bundle"
echo "   the deploy workflow's steps took $steps s here (without the download and the setup)"

echo "4. the unpacked worker in workerd"
port=$(free_port)
setsid node_modules/.bin/wrangler dev --local --ip 127.0.0.1 --port "$port" --inspector-port 0 \
  --persist-to "$state/wrangler" --var "SESSION_SECRET:$(random_secret)" >"$state/wrangler.log" 2>&1 &
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
# doctor, with the fake account and against this worker: every check holds, the build in
# dist/ is the live one and /pc.js is served.
if ! doctor=$(partner-center doctor --remote "http://127.0.0.1:$port" 2>/dev/null) ||
  ! grep -q "^✓ deployed build: .* is live" <<<"$doctor" || ! grep -q "^✓ tracking script" <<<"$doctor"; then
  echo "$doctor" >&2
  exit 1
fi
echo "   partner-center doctor --remote: $(tail -1 <<<"$doctor"), the build in dist/ live, /pc.js served"
