#!/usr/bin/env bash
# Installs what building and running the worker needs, idempotently (see
# ../shared/WORKER-TOOLCHAIN.md): the wasm32 target, worker-build and wasm-bindgen-cli at the
# pinned versions, and the pinned npm packages (wrangler, binaryen).
set -euo pipefail
cd "$(dirname "$0")/../.."

WORKER_BUILD_VERSION=0.8.7
WASM_BINDGEN_VERSION=0.2.130

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if ! worker-build --version 2>/dev/null | grep -q "$WORKER_BUILD_VERSION"; then
  cargo install worker-build --version "$WORKER_BUILD_VERSION"
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  # Not --locked: its lock pins a webpki-roots that fails to build here.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi
if [ ! -x node_modules/.bin/wrangler ] || [ ! -x node_modules/.bin/wasm-opt ] ||
   ! grep -q "\"version\": \"4.86.0\"" node_modules/wrangler/package.json 2>/dev/null ||
   ! grep -q "\"version\": \"23.1.0\"" node_modules/stripe/package.json 2>/dev/null; then
  npm ci --no-audit --no-fund
fi
