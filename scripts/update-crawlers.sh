#!/usr/bin/env bash
# Writes the redirect's crawler patterns (worker/src/routes/redirect/crawlers.txt) from the
# pinned npm package crawler-user-agents (MIT; package.json pins its version). To update:
#   npm install --save-dev --save-exact crawler-user-agents@<version> && scripts/update-crawlers.sh
# then run tests/run (a test sends every example user agent of the package to the filter).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f node_modules/crawler-user-agents/crawler-user-agents.json ] || npm ci --no-audit --no-fund
python3 - <<'PY'
import json
package = json.load(open("node_modules/crawler-user-agents/package.json"))
patterns = json.load(open("node_modules/crawler-user-agents/crawler-user-agents.json"))
with open("worker/src/routes/redirect/crawlers.txt", "w") as out:
    out.write(f"# crawler-user-agents {package['version']} (MIT, github.com/monperrus/crawler-user-agents): "
              "one regular expression a line, matched against the user agent as sent.\n")
    out.write("# Written by scripts/update-crawlers.sh; not edited by hand.\n")
    for p in patterns:
        assert "\n" not in p["pattern"]
        out.write(p["pattern"] + "\n")
print(f"crawlers.txt: {len(patterns)} patterns from crawler-user-agents {package['version']}")
PY
