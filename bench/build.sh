#!/usr/bin/env bash
# Generator benchmark: builds synthetic content with N partners (default: 1000 and 10000)
# and reports pages/second and peak memory (max RSS). It installs Debian's Hugo if missing and
# builds the same number of pages with Hugo in the same run, as the baseline.
#
#   bench/build.sh            # 1,000 and 10,000 partners
#   bench/build.sh 500 2000   # any sizes
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

# The baseline: Debian's Hugo, installed once if missing (apt, idempotent).
if ! command -v hugo >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null 2>&1; } ||
    echo "note: hugo could not be installed; measuring partner-center only" >&2
fi

cargo build --release --locked -q -p pc-generator
bin=$PWD/target/release/partner-center
# Both tools write to tmpfs by default: on this machine's ext4 (mounted with `discard`) the
# same build varies 1.5–9 s depending on what was deleted before, which measures the disk.
if [ -z "${BENCH_DIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  BENCH_DIR=/dev/shm/partner-center-bench
fi
work=${BENCH_DIR:-$PWD/bench/out}
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
echo "work dir: $work ($(df -T "$work" | awk 'NR==2{print $2}'))"

# Runs a command, prints "<seconds> <max RSS KiB>". Pending file-system work (ext4 discards
# after deleting a big tree cost seconds) is flushed first, so each tool starts equal.
measure() {
  sync
  /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >"$work/build.txt"
  cat "$work/time.txt"
}

printf '%-10s %-8s %-9s %-12s %-10s %s\n' tool partners pages seconds pages/s "peak MiB"
for n in "${sizes[@]}"; do
  "$bin" synth --partners "$n" --out "$work/content-$n" >/dev/null
  read -r secs kib < <(measure "$bin" build --content "$work/content-$n" --out "$work/dist-$n")
  # Public pages are files under site/; partners' pages are in their bundles: the build says
  # how many pages it rendered in all.
  pages=$(sed -nE 's/.*, ([0-9]+) pages, .*/\1/p' "$work/build.txt")
  printf '%-10s %-8s %-9s %-12s %-10s %s\n' partner-center "$n" "$pages" "$secs" \
    "$(awk "BEGIN{printf \"%.0f\", $pages/$secs}")" "$(awk "BEGIN{printf \"%.1f\", $kib/1024}")"
  if command -v hugo >/dev/null; then
    bench/hugo-site.sh "$work/hugo-$n" "$pages"
    read -r hsecs hkib < <(measure hugo --quiet --source "$work/hugo-$n" --destination "$work/hugo-$n/public")
    hpages=$(find "$work/hugo-$n/public" -name '*.html' | wc -l)
    printf '%-10s %-8s %-9s %-12s %-10s %s\n' hugo "-" "$hpages" "$hsecs" \
      "$(awk "BEGIN{printf \"%.0f\", $hpages/$hsecs}")" "$(awk "BEGIN{printf \"%.1f\", $hkib/1024}")"
    awk "BEGIN{printf \"ratio (partner-center pages/s ÷ hugo pages/s): %.2f\n\", ($pages/$secs)/($hpages/$hsecs)}"
  fi
  rm -rf "$work/dist-$n" "$work/hugo-$n" "$work/content-$n"
done
