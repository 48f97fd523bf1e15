#!/usr/bin/env bash
# Scale benchmark (not part of tests/run): a synthetic program of N partners (default 20,000;
# N=100000 for the full target). Measures the full build (time, peak memory, static files),
# deploys it to wrangler dev's local state (`deploy --local`), then edits one partner's YAML
# (incremental rebuild time against the full build; `deploy --dry-run` plan) and the theme
# (the plan must put every partner's pages).
#
#   bench/scale.sh            # 20,000 partners
#   N=100000 bench/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/common.sh
n=${N:-20000}

cargo build --release --locked -q -p pc-generator
cargo build --locked -q -p pc-e2e
bin=$PWD/target/release/partner-center
tests/lib/install-worker-tools.sh
. tests/lib/worker-env.sh
. tests/lib/workerd.sh
[ -f worker/build/index.js ] || (cd worker && worker-build --profile wasm-release) >/dev/null
# tmpfs when there is room: this machine's ext4 (mounted with `discard`) makes the same build
# vary by seconds depending on what was deleted before, which measures the disk.
if [ -z "${BENCH_DIR:-}" ] && [ -d /dev/shm ] && [ "$(df -k --output=avail /dev/shm | tail -1)" -gt $((n * 400)) ]; then
  BENCH_DIR=/dev/shm/partner-center-scale
fi
work=${BENCH_DIR:-$PWD/bench/out-scale}
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
echo "work dir: $work ($(df -T "$work" | awk 'NR==2{print $2}')), $(nproc) cores"

# Runs a command quietly; sets SECS and KIB (peak resident memory) and keeps its output.
measure() {
  sync
  /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" ||
    { cat "$work/out.txt" "$work/err.txt" >&2; return 1; }
  read -r SECS KIB <"$work/time.txt"
}
plan() { "${deploy[@]}" --dry-run 2>/dev/null | grep '^plan:'; }
puts() { sed -E 's/^plan: put ([0-9]+),.*/\1/' <<<"$1"; }

"$bin" synth --partners "$n" --out "$work/content" >/dev/null
# The repository's wrangler.toml with this build's assets and absolute paths.
sed -e "s|^main = .*|main = \"$PWD/worker/entry.mjs\"|" -e "s|^directory = .*|directory = \"$work/dist/site\"|" \
  -e "s|^migrations_dir = .*|migrations_dir = \"$PWD/worker/migrations\"|" -e '/^\[build\]/,/^command/d' wrangler.toml >"$work/wrangler.toml"
deploy=("$bin" deploy --local --config "$work/wrangler.toml" --out "$work/dist" --persist-to "$work/state")
measure "$bin" build --content "$work/content" --out "$work/dist"
full=$SECS
echo "full build:        $n partners in ${full} s, peak $(awk "BEGIN{printf \"%.0f\", $KIB/1024}") MiB — $(cat "$work/out.txt")"
files=$(find "$work/dist/site" -type f | wc -l)
bundles=$(find "$work/dist/pages" -type f | wc -l)
echo "static assets:     $files files (limit 20,000 free / 100,000 paid); page bundles: $bundles ($(du -sm "$work/dist/pages" | cut -f1) MiB)"

measure "${deploy[@]}"
echo "first deploy:      $(grep '^plan:' "$work/out.txt") in ${SECS} s (wrangler dev's local state)"

# workerd on that state: partners at the start, middle and end sign in and see their own pages.
secret=$(random_secret)
port=$(free_port)
SKIP_WORKER_BUILD=1 setsid node_modules/.bin/wrangler dev --config "$work/wrangler.toml" --local --ip 127.0.0.1 \
  --port "$port" --inspector-port 0 --persist-to "$work/state" --var "SESSION_SECRET:$secret" \
  --var "EVENTS_SECRET:$secret" --var "PORTAL_URL:http://127.0.0.1:$port" >"$work/wrangler.log" 2>&1 &
pgid=$!
trap 'stop_group "$pgid"; rm -rf "$work"' EXIT
wait_for_url "http://127.0.0.1:$port/login/" 90 || { cat "$work/wrangler.log"; exit 1; }
codes="p000000,$(printf 'p%06d' $((n / 2 + 1))),$(printf 'p%06d' $((n - 1)))"
target/debug/pc-e2e partners --codes "$codes" --base-url "http://127.0.0.1:$port" --session-secret "$secret" \
  --events-secret "$secret" --wrangler-persist "$work/state" || { tail -20 "$work/wrangler.log"; exit 1; }
stop_group "$pgid"

# One partner's YAML edited.
middle=$(printf 'p%06d' $((n / 2)))
sed -i "s/^name: .*/name: Renamed Partner/" "$work/content/partners/$middle.yaml"
measure "$bin" build --content "$work/content" --out "$work/dist"
one=$SECS
line=$(plan)
echo "one partner edited: rebuild ${one} s = $(awk "BEGIN{printf \"%.1f\", 100*$one/$full}")% of the full build — $(cat "$work/out.txt")"
echo "                   $line"
[ "$(puts "$line")" -le 20 ] || { echo "FAIL: more than 20 puts for one partner" >&2; exit 1; }
# (Below 10,000 partners a build's fixed costs, loading and hashing, outweigh the 5 %.)
[ "$n" -lt 10000 ] || awk "BEGIN{exit !($one <= 0.05 * $full)}" ||
  { echo "FAIL: the rebuild took more than 5% of the full build" >&2; exit 1; }
measure "${deploy[@]}"
echo "                   deployed in ${SECS} s"

# The theme edited: every partner's pages change.
mkdir -p "$work/themes/default/templates/partials"
printf '<footer class="footer"><p>Scale test footer</p></footer>\n' >"$work/themes/default/templates/partials/footer.html"
measure "$bin" build --content "$work/content" --out "$work/dist"
line=$(plan)
echo "theme edited:      rebuild ${SECS} s — $(cat "$work/out.txt")"
echo "                   $line"
[ "$(puts "$line")" -ge "$n" ] || { echo "FAIL: a theme edit must put every partner's pages" >&2; exit 1; }
echo "ok"
