#!/usr/bin/env bash
# A new owner's repository, checked as a real deploy would use it:
#   1. `partner-center new`; its content passes `check`;
#   2. zizmor (PyPI, offline) on its deploy workflow and on this repository's release workflow:
#      no finding, even as an auditor;
#   3. the deploy workflow's own steps, here, on the release archive (scripts/package-release.sh):
#      unpack at .partner-center-src/, `npm ci` (wrangler from the scaffold's lockfile), check,
#      build, deploy (into local state: no Cloudflare account here), `wrangler deploy --dry-run`;
#      each step timed;
#   4. the worker from the unpacked archive, in workerd, answers a partner's link and sign-in,
#      and `partner-center doctor --remote` finds its build live and /pc.js served.
set -euo pipefail
cd "$(dirname "$0")/../.."
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
timed() { # label, command…
  local label=$1 start=$SECONDS
  shift
  "$@" >"$state/step.log" 2>&1 || { cat "$state/step.log" >&2; echo "$label failed" >&2; return 1; }
  printf '   %-52s %3d s\n' "$label" $((SECONDS - start))
}
started=$SECONDS
cd "$repo"
timed "verify the checksum" bash -c "cd '$state/release' && sha256sum --check --ignore-missing SHA256SUMS"
timed "unpack at .partner-center-src/" bash -c "mkdir -p .partner-center-src && tar -xzf '$archive' -C .partner-center-src --strip-components=1"
export PATH="$repo/.partner-center-src/bin:$PATH"
timed "npm ci (wrangler from package-lock.json)" npm ci --no-audit --no-fund
timed "partner-center check && build" bash -c "partner-center check && partner-center build --out dist"
timed "partner-center deploy (local state)" partner-center deploy --out dist --local --persist-to "$state/wrangler"
timed "wrangler deploy --dry-run" node_modules/.bin/wrangler deploy --dry-run --outdir "$state/bundle"
echo "   the deploy workflow's steps took $((SECONDS - started)) s here (without the download)"

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
# doctor, against this worker: what it serves holds; what a person must still give is listed
# (no Cloudflare account here: resource ids, the portal's address, mail, secrets).
doctor=$(WRANGLER=/bin/false partner-center doctor --remote "http://127.0.0.1:$port" 2>/dev/null || true)
if ! grep -q "^✓ deployed build: .* is live" <<<"$doctor" || ! grep -q "^✓ tracking script" <<<"$doctor"; then
  echo "$doctor" >&2
  exit 1
fi
echo "   partner-center doctor --remote: the build in dist/ is live, /pc.js answers; still to give:"
grep "^✗" <<<"$doctor" | sed 's/^/     /'
