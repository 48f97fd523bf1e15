#!/usr/bin/env bash
# The cost of one sign-in in workerd: PBKDF2-HMAC-SHA256 through WebCrypto (the default) at
# 100,000, 50,000 and 25,000 iterations (PASSWORD_ITERATIONS), and the pure-Rust derivation
# compiled to wasm, in the same run.
# Reports the median wall time of N sign-ins and of N requests for the sign-in page (the
# request overhead), and their difference: the hashing cost per sign-in.
#
#   bench/worker-signin.sh [N]     (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/common.sh
tests/lib/install-worker-tools.sh
. tests/lib/worker-env.sh
. tests/lib/workerd.sh
n=${1:-30}

build_worker_and_site
state=$(mktemp -d)
WORKERD_PGID=
trap 'stop_workerd "$state"; rm -rf "$state"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() {
  local label=$1
  shift
  rm -rf "$state/wrangler" "$state/workerd.env"
  start_workerd "$state" "$@"
  local link jar="$state/jar" password=bench-password-123
  link=$(SESSION_SECRET=$WORKERD_SECRET "$BIN_DIR"/partner-center invite abc123 --base-url "$WORKERD_URL")
  rm -f "$jar"
  curl -s -c "$jar" -b "$jar" "$link" >/dev/null
  local csrf token
  csrf=$(awk '/pc_csrf/ {print $7}' "$jar")
  token=${link#*token=}
  curl -s -o /dev/null -c "$jar" -b "$jar" -H "origin: $WORKERD_URL" --data-urlencode "token=$token" \
    -d "password=$password&confirm=$password&csrf=$csrf" "$WORKERD_URL/reset"
  local page sign_in
  page=$(for _ in $(seq "$n"); do curl -s -o /dev/null -w '%{time_total}\n' -b "$jar" "$WORKERD_URL/login/"; done | median)
  sign_in=$(for _ in $(seq "$n"); do
    curl -s -o /dev/null -w '%{time_total}\n' -b "$jar" -H "origin: $WORKERD_URL" \
      -d "username=abc123&password=$password&csrf=$csrf" "$WORKERD_URL/login"
  done | median)
  awk -v l="$label" -v p="$page" -v s="$sign_in" \
    'BEGIN {printf "%-22s sign-in %6.1f ms   page %5.1f ms   hashing ≈ %6.1f ms\n", l, s*1000, p*1000, (s-p)*1000}'
  stop_workerd "$state"
}

echo "median of $n requests each, workerd via wrangler dev"
measure "WebCrypto, 100,000 (default)"
measure "WebCrypto, 50,000" --var PASSWORD_ITERATIONS:50000
measure "WebCrypto, 25,000" --var PASSWORD_ITERATIONS:25000
measure "pure Rust in wasm, 100,000" --var PBKDF2_BACKEND:rust
