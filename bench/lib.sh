# Helpers the benchmarks share (sourced).

# The user agents of their loads: a person's browser (clicks counted) and a crawler (filtered).
BROWSER_UA="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
BOT_UA="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

# The local D1 database file under a `wrangler dev --persist-to` directory ($1).
d1_file() {
  find "$1" -path '*D1DatabaseObject*' -name '*.sqlite' ! -name metadata.sqlite | head -1
}

# The share of this machine's CPU time the hypervisor gave to other guests ("steal") since
# $1, a `cpu` line of /proc/stat, in percent. On a shared virtual machine it comes in bursts
# (0 to 25% of a load in one run): a load it robbed measures the neighbours, not the worker.
stolen_since() {
  awk -v before="$1" 'NR == 1 {
    split(before, a); t = 0; for (i = 2; i <= 9; i++) t += $i - a[i]
    printf "%.0f", (t > 0 ? 100 * ($9 - a[9]) / t : 0) }' /proc/stat
}
