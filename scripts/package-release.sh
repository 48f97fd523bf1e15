#!/usr/bin/env bash
# The release archive the scaffolded deploy workflow downloads, so an owner's deploy compiles
# nothing: `partner-center` (release build) and the worker as wrangler.toml expects it under
# .partner-center-src/ (worker/entry.mjs, worker/build/, worker/migrations/), plus SHA256SUMS.
# .github/workflows/release.yml runs this on a version tag; tests/lib/scaffold.sh runs it too.
#
#   scripts/package-release.sh [OUT_DIR]      (default target/release-archive)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-target/release-archive}")
version=$(awk -F'"' '/^version = / {print $2; exit}' Cargo.toml)
target=x86_64-unknown-linux-gnu
name="partner-center-$version-$target"

# PARTNER_CENTER_BIN: a `partner-center` already built (the tests use theirs); SKIP_WORKER_BUILD=1:
# worker/build as it is.
tests/lib/install-worker-tools.sh
. tests/lib/worker-env.sh
bin=${PARTNER_CENTER_BIN:-}
if [ -z "$bin" ]; then
  cargo build --locked --release -p pc-generator
  bin=target/release/partner-center
fi
[ -n "${SKIP_WORKER_BUILD:-}" ] || (cd worker && worker-build --profile wasm-release)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/bin" "$stage/$name/worker"
cp "$bin" "$stage/$name/bin/partner-center"
cp worker/entry.mjs "$stage/$name/worker/"
cp -r worker/build worker/migrations "$stage/$name/worker/"
rm -f "$stage/$name/worker/build/.gitignore"
cp LICENSE CHANGELOG.md "$stage/$name/"
mkdir -p "$out"
# The same bytes for the same commit: sorted names, no owner, the commit's time.
epoch=$(git log -1 --format=%ct 2>/dev/null || echo 0)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$stage" -cf - "$name" |
  gzip -9n >"$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" >SHA256SUMS)
echo "$out/$name.tar.gz"
