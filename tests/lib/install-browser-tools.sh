#!/usr/bin/env bash
# Installs what the browser tests need, idempotently: Debian's chromium, and the pinned npm
# packages (playwright-core drives it; axe-core checks accessibility; lighthouse audits pages).
# No browser download.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v chromium >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -qq chromium >/dev/null 2>&1 ||
    { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq chromium >/dev/null; }
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] || [ ! -d node_modules/lighthouse ]; then
  npm ci --no-audit --no-fund
fi
