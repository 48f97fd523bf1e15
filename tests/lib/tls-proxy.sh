#!/usr/bin/env bash
# Self-hosting in production behind a real TLS reverse proxy (Debian's caddy, `tls internal`):
# `serve` with an https PORTAL_URL and TRUST_PROXY=1 prints no password, token, link or mail
# body, refuses to start without MAIL_PROVIDER, and the browser signs in, changes the profile
# and signs out through the proxy.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/common.sh

tests/lib/install-browser-tools.sh
if ! command -v caddy >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -qq caddy >/dev/null 2>&1 ||
    { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq caddy >/dev/null; }
fi
cargo build --locked -q -p pc-generator
state=$(mktemp -d)
cp -r content "$state/content"
serve_port=$(free_port)
tls_port=$(free_port)
portal="https://localhost:$tls_port"
pgid="" caddy_pgid=""
trap 'stop_group "$pgid"; stop_group "$caddy_pgid"; rm -rf "$state"' EXIT

# Production without a mail provider: a clear error, nothing served.
if PORTAL_URL="$portal" "$BIN_DIR"/partner-center serve --content "$state/content" --state "$state/refused" \
  --port "$serve_port" >"$state/refused.log" 2>&1; then
  echo "serve started in production without MAIL_PROVIDER"; exit 1
fi
grep -q "MAIL_PROVIDER is not set" "$state/refused.log" ||
  { echo "no clear error without MAIL_PROVIDER:"; cat "$state/refused.log"; exit 1; }
echo "  ok    production without MAIL_PROVIDER: exits with a clear error"

# Production with the outbox on purpose (a warning), behind the proxy.
log="$state/serve.log"
PORTAL_URL="$portal" TRUST_PROXY=1 MAIL_PROVIDER=outbox setsid "$BIN_DIR"/partner-center serve \
  --content "$state/content" --state "$state/state" --port "$serve_port" >"$log" 2>&1 &
pgid=$!
cat >"$state/Caddyfile" <<CADDY
{
	admin off
	auto_https disable_redirects
	skip_install_trust
	storage file_system $state/caddy
	log {
		output discard
	}
}
localhost:$tls_port {
	tls internal
	reverse_proxy 127.0.0.1:$serve_port
}
CADDY
HOME="$state" XDG_DATA_HOME="$state/caddy" XDG_CONFIG_HOME="$state/caddy" \
  setsid caddy run --config "$state/Caddyfile" --adapter caddyfile >"$state/caddy.log" 2>&1 &
caddy_pgid=$!
for _ in $(seq 1 600); do
  grep -q "is running at" "$log" 2>/dev/null && curl -sk -o /dev/null "$portal/login/" && break
  kill -0 "$pgid" 2>/dev/null || { cat "$log"; exit 1; }
  kill -0 "$caddy_pgid" 2>/dev/null || { cat "$state/caddy.log"; exit 1; }
  sleep 0.1
done
curl -sk -o /dev/null "$portal/login/" || { echo "--- caddy"; tail -20 "$state/caddy.log"; exit 1; }
grep -q "warning: MAIL_PROVIDER=outbox in production" "$log" || { echo "no outbox warning"; cat "$log"; exit 1; }

invite=$("$BIN_DIR"/partner-center invite abc123 --base-url "$portal" --state "$state/state")
invite_path="/${invite#https://localhost:"$tls_port"/}"
BASE_URL="$portal" INVITE="$invite_path" ARTIFACTS=tests/artifacts/screenshots node tests/browser/tls-proxy.mjs ||
  { echo "--- serve log"; tail -30 "$log"; exit 1; }
# A forgotten password mails a link: in production it is neither printed nor kept in the outbox.
curl -sk -c "$state/jar" -o /dev/null "$portal/forgot/"
csrf=$(awk '$6 == "__Host-pc_csrf" {print $7}' "$state/jar")
curl -sk -b "$state/jar" -H "origin: $portal" --data-urlencode "username=abc123" --data-urlencode "csrf=$csrf" \
  -o /dev/null "$portal/forgot"

# Everything serve printed: no password, token, link or mail body.
if grep -nE 'password: |token=|/reset/|/not-me/|Hello |✉' "$log"; then
  echo "serve printed a secret in production (above)"; exit 1
fi
outbox=$(python3 -c 'import sqlite3,sys; print("\n".join(r[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT body FROM outbox")))' \
  "$state/state/partner-center.sqlite")
grep -q "token=\[redacted\]" <<<"$outbox" || { echo "the reset mail is not in the outbox: $outbox"; exit 1; }
if grep -qE 'token=[A-Za-z0-9_-]{8}' <<<"$outbox"; then
  echo "the outbox keeps a token in production"; exit 1
fi
echo "  ok    production serve printed no password, token, link or mail body; the outbox keeps tokens redacted"
