# Starting the worker in workerd (`wrangler dev`) with fresh local KV, D1 and assets (sourced).
# Needs tests/lib/common.sh and tests/lib/worker-env.sh sourced, and the worker built.
#
#   start_workerd STATE_DIR [--var NAME:VALUE …]
# sets WORKERD_URL, WORKERD_PGID, WORKERD_PERSIST, WORKERD_SECRET, WORKERD_EVENTS_SECRET and the
# store webhook secrets (WORKERD_STRIPE_SECRET, WORKERD_SHOPIFY_SECRET);
# stop with stop_group. WORKERD_TEST_SCHEDULED=0 leaves out wrangler's `/__scheduled` middleware
# (a URL parse and an extra async layer on every request; the benchmarks run without it).

start_workerd() {
  local state=$1
  shift
  WORKERD_PERSIST="$state/wrangler"
  # What an owner's deploy does, into wrangler dev's local state: migrations, KV, pages, D1.
  "$BIN_DIR"/partner-center deploy --local --out dist --persist-to "$WORKERD_PERSIST" >"$state/setup.log" 2>&1 ||
    { cat "$state/setup.log" >&2; return 1; }
  local port
  port=$(free_port)
  WORKERD_URL="http://127.0.0.1:$port"
  WORKERD_SECRET=$(random_secret)
  WORKERD_EVENTS_SECRET=$(random_secret)
  WORKERD_OWNER_TOKEN=$(random_secret)
  WORKERD_STRIPE_SECRET="whsec_$(random_secret)"
  WORKERD_SHOPIFY_SECRET=$(random_secret)
  # Everything a restart needs, for tests/lib/workerd-redeploy.sh.
  cat >"$state/workerd.env" <<ENV
WORKERD_URL='$WORKERD_URL'
WORKERD_PORT='$port'
WORKERD_PERSIST='$WORKERD_PERSIST'
WORKERD_SECRET='$WORKERD_SECRET'
WORKERD_EVENTS_SECRET='$WORKERD_EVENTS_SECRET'
WORKERD_OWNER_TOKEN='$WORKERD_OWNER_TOKEN'
WORKERD_STRIPE_SECRET='$WORKERD_STRIPE_SECRET'
WORKERD_SHOPIFY_SECRET='$WORKERD_SHOPIFY_SECRET'
WORKERD_EXTRA='$*'
WORKERD_TEST_SCHEDULED='${WORKERD_TEST_SCHEDULED:-1}'
ENV
  run_workerd "$state" "$@"
}

# Starts `wrangler dev` with the settings in $state/workerd.env; its process group goes to
# $state/workerd.pgid.
run_workerd() {
  local state=$1
  shift
  . "$state/workerd.env"
  local scheduled=(--test-scheduled)
  if [ "$WORKERD_TEST_SCHEDULED" = 0 ]; then scheduled=(); fi
  SKIP_WORKER_BUILD=1 setsid node_modules/.bin/wrangler dev --local --ip 127.0.0.1 --port "$WORKERD_PORT" \
    --inspector-port 0 --persist-to "$WORKERD_PERSIST" --var "SESSION_SECRET:$WORKERD_SECRET" \
    --var "EVENTS_SECRET:$WORKERD_EVENTS_SECRET" --var "OWNER_TOKEN:$WORKERD_OWNER_TOKEN" \
    --var "STRIPE_WEBHOOK_SECRET:$WORKERD_STRIPE_SECRET" --var "SHOPIFY_WEBHOOK_SECRET:$WORKERD_SHOPIFY_SECRET" \
    --var "PORTAL_URL:$WORKERD_URL" "${scheduled[@]}" "$@" >>"$state/wrangler.log" 2>&1 &
  WORKERD_PGID=$!
  echo "$WORKERD_PGID" >"$state/workerd.pgid"
  if ! wait_for_url "$WORKERD_URL/login/" 90; then
    cat "$state/setup.log" "$state/wrangler.log" >&2
    return 1
  fi
}

# Stops the running `wrangler dev` of $state.
stop_workerd() {
  [ -f "$1/workerd.pgid" ] && stop_group "$(cat "$1/workerd.pgid")"
  return 0
}

# A wrangler.toml for a benchmark, made from this repository's, written to $1: paths made
# absolute, `main` set to $2 (default worker/entry.mjs), without the build command (the worker
# is built already, and with one `wrangler dev` watches the tree to rebuild it) and, unless
# ROUTED=1, without the static-assets router in front (as the JS workers it is compared with).
bench_wrangler_toml() {
  awk -v root="$PWD" -v main="${2:-$PWD/worker/entry.mjs}" -v routed="${ROUTED:-}" '
    /^\[/ { skip = (!routed && $0 == "[assets]") }
    skip || /^command = / { next }
    /^main = "/ { $0 = "main = \"" main "\"" }
    /^(migrations_dir|directory) = "/ { sub(/= "/, "= \"" root "/") }
    { print }' wrangler.toml >"$1"
}

# Builds the worker for wasm32 and the content ($1, default content/) into dist/.
build_worker_and_site() {
  (cd worker && worker-build --profile wasm-release) >/dev/null
  cargo build --locked -q -p pc-generator -p pc-e2e
  "$BIN_DIR"/partner-center build --content "${1:-content}" --out dist >/dev/null
}
