#!/usr/bin/env bash
# Writes a Hugo site with N markdown pages shaped like a portal page (a base layout with a
# 13-item menu, a title, a markdown body with a list, a link and a table), as the baseline
# for bench/build.sh.   usage: bench/hugo-site.sh DIR N
set -euo pipefail
dir=$1 n=$2
mkdir -p "$dir/layouts/_default" "$dir/content/p"
cat > "$dir/hugo.toml" <<'TOML'
baseURL = "https://partners.example/"
title = "Bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
TOML
cat > "$dir/layouts/_default/baseof.html" <<'HTML'
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<link rel="stylesheet" href="/assets/style.css"><script src="/assets/portal.js" defer></script></head>
<body><header class="topbar"><a href="/portal/">{{ site.Title }}</a></header><div class="layout">
<nav class="menu" aria-label="Portal">{{ range $s := slice "Home" "Resources" "Reports" }}<section><h2>{{ $s }}</h2><ul>
{{ range seq 4 }}<li><a href="/portal/{{ $s | urlize }}/{{ . }}/">{{ $s }} {{ . }}</a></li>{{ end }}</ul></section>{{ end }}
<section><h2>More</h2><ul><li><a href="/portal/x/">X</a></li></ul></section></nav>
<main id="main"><h1>{{ .Title }}</h1>{{ block "main" . }}{{ end }}</main></div>
<footer class="footer">{{ site.Title }} · <a href="mailto:help@example.com">help@example.com</a></footer></body></html>
HTML
cat > "$dir/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<div class="prose">{{ .Content }}</div>{{ end }}
HTML
cat > "$dir/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<ul>{{ range first 20 .Pages }}<li>{{ .Title }}</li>{{ end }}</ul>{{ end }}
HTML
python3 - "$dir/content/p" "$n" <<'PY'
import sys, os
out, n = sys.argv[1], int(sys.argv[2])
body = """
Thank you for sharing **Brightloom Coffee Co.** with your audience. Everything you need is
in the menu on the left:

- **Redirect Links** — your personal links, a link builder and QR codes.
- **Banners** and **Email Copy** — ready-made material with your link in it.
- **Reports** — clicks, leads, sales, commissions and your balance.

Your main link is <https://partners.example/r/p{i:06}/home>.

| Rule | Rate |
| --- | --- |
| Sale | 20% |
| Lead | $2.00 |
"""
for i in range(n):
    with open(os.path.join(out, f"page-{i:07}.md"), "w") as f:
        f.write(f"---\ntitle: Page {i}\n---\n" + body.replace("{i:06}", f"{i:06}"))
PY
