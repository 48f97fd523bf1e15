# Starting the worker in workerd (`wrangler dev`) with fresh local KV, D1 and assets (sourced).
# Needs tests/lib/common.sh and tests/lib/worker-env.sh sourced, and the worker built.
#
#   start_workerd STATE_DIR [--var NAME:VALUE …]
# sets WORKERD_URL, WORKERD_PGID, WORKERD_PERSIST, WORKERD_SECRET and WORKERD_EVENTS_SECRET;
# stop with stop_group.

start_workerd() {
  local state=$1
  shift
  local wrangler=node_modules/.bin/wrangler
  WORKERD_PERSIST="$state/wrangler"
  "$wrangler" d1 migrations apply partner-center --local --persist-to "$WORKERD_PERSIST" >"$state/setup.log" 2>&1
  "$wrangler" d1 execute partner-center --local --persist-to "$WORKERD_PERSIST" --file dist/data/seed.sql >>"$state/setup.log" 2>&1
  "$wrangler" kv bulk put dist/data/kv-links.json --binding LINKS --local --persist-to "$WORKERD_PERSIST" >>"$state/setup.log" 2>&1
  # What an owner's deploy does after a content change (used by the sign-up scenario).
  WORKERD_RESEED="'$BIN_DIR/partner-center' build --content '$WORKERD_CONTENT' --out dist >/dev/null && \
'$wrangler' d1 execute partner-center --local --persist-to '$WORKERD_PERSIST' --file dist/data/seed.sql >/dev/null 2>&1 && \
'$wrangler' kv bulk put dist/data/kv-links.json --binding LINKS --local --persist-to '$WORKERD_PERSIST' >/dev/null 2>&1"
  local port
  port=$(free_port)
  WORKERD_URL="http://127.0.0.1:$port"
  WORKERD_SECRET=$(random_secret)
  WORKERD_EVENTS_SECRET=$(random_secret)
  WORKERD_OWNER_TOKEN=$(random_secret)
  SKIP_WORKER_BUILD=1 setsid "$wrangler" dev --local --ip 127.0.0.1 --port "$port" --inspector-port 0 \
    --persist-to "$WORKERD_PERSIST" --var "SESSION_SECRET:$WORKERD_SECRET" \
    --var "EVENTS_SECRET:$WORKERD_EVENTS_SECRET" --var "OWNER_TOKEN:$WORKERD_OWNER_TOKEN" \
    --var "PORTAL_URL:$WORKERD_URL" "$@" \
    >"$state/wrangler.log" 2>&1 &
  WORKERD_PGID=$!
  if ! wait_for_url "$WORKERD_URL/login/" 90; then
    cat "$state/setup.log" "$state/wrangler.log" >&2
    return 1
  fi
}

# Builds the worker for wasm32 and the content ($1, default content/) into dist/.
build_worker_and_site() {
  (cd worker && worker-build --profile wasm-release) >/dev/null
  cargo build --locked -q -p pc-generator -p pc-e2e
  "$BIN_DIR"/partner-center build --content "${1:-content}" --out dist >/dev/null
}
