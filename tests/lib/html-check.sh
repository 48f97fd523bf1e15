#!/usr/bin/env bash
# Every public page and every page of one partner, as built from the demo content, checked
# by the Nu HTML Checker (vnu, from the pinned npm package vnu-jar; needs a Java runtime,
# installed here from Debian's packages if missing). Any error fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/common.sh

if ! command -v java >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -qq default-jre-headless >/dev/null 2>&1 ||
    { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq default-jre-headless >/dev/null; }
fi
[ -f node_modules/vnu-jar/build/dist/vnu.jar ] || npm ci --no-audit --no-fund
cargo build --locked -q -p pc-generator
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cp -r content "$out/content"
"$BIN_DIR"/partner-center build --content "$out/content" --out "$out/dist" >/dev/null
site="$out/dist/site"
# abc123's pages, out of their bundle in the page store.
"$BIN_DIR"/partner-center pages abc123 --out "$out/dist" --to "$out/abc123" >/dev/null
# The owner's console and the unsubscribe page are shared pages of the site.
pages=$(find "$site/login" "$site/forgot" "$site/reset" "$site/join" "$site/404.html" "$site/owner" "$site/unsubscribe" "$out/abc123" -name '*.html' | wc -l)
java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html \
  "$site/login" "$site/forgot" "$site/reset" "$site/join" "$site/404.html" "$site/owner" "$site/unsubscribe" "$out/abc123"
echo "vnu: $pages pages, no errors"
