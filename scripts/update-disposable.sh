#!/usr/bin/env bash
# Writes the disposable e-mail domains /join checks (generator/data/disposable-domains.txt; the deploy
# puts it in KV as config:disposable) from
# the pinned npm package disposable-email-domains-js (CC0; the list of
# github.com/disposable-email-domains/disposable-email-domains; package.json pins its version).
# To update:
#   npm install --save-dev --save-exact disposable-email-domains-js@<version> && scripts/update-disposable.sh
set -euo pipefail
cd "$(dirname "$0")/.."
list=node_modules/disposable-email-domains-js/dist/dict/disposable_email_blocklist.json
[ -f "$list" ] || npm ci --no-audit --no-fund
python3 - "$list" <<'PY'
import json, sys
package = json.load(open("node_modules/disposable-email-domains-js/package.json"))
domains = sorted({d.strip().lower() for d in json.load(open(sys.argv[1])) if d.strip()})
with open("generator/data/disposable-domains.txt", "w") as out:
    out.write(f"# disposable-email-domains-js {package['version']} (CC0, the list of "
              "github.com/disposable-email-domains/disposable-email-domains): one domain a line.\n")
    out.write("# Written by scripts/update-disposable.sh; not edited by hand.\n")
    for d in domains:
        assert "\n" not in d and " " not in d
        out.write(d + "\n")
print(f"disposable.txt: {len(domains)} domains from disposable-email-domains-js {package['version']}")
PY
