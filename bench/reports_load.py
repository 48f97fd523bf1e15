"""Loads a synthetic year of clicks, sales and commissions into serve's SQLite (bench/reports.sh).

abc123 brings 20 % of the clicks, mia456 about a median partner's share, 2,000 synthetic partners
the rest (a Zipf-like spread). 1 % of clicks become sales with a 20 % commission. Rows are
inserted in time order, as they arrive (so a day's raw clicks are neighbours on disk).
"""
import calendar
import random
import sqlite3
import sys
import time

db, n = sys.argv[1], int(sys.argv[2])
random.seed(7)
now = int(time.time())
today = now // 86400
partners = [f"syn{i:04d}" for i in range(2000)]
weights = [1.0 / (i + 1) for i in range(len(partners))]
links = ["home", "grinders", "beans", "gift", "subscribe"]
subs = [None, "yt", "ig", "newsletter", "tiktok"]
countries = ["US", "DE", "GB", "FR", "CA", "NL", "AU", None]
agents = ["desktop", "mobile", "tablet"]
referrers = ["youtube.com", "instagram.com", "blog.example", None, "news.example"]

con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode = WAL")
con.execute("PRAGMA synchronous = OFF")
pick = random.choices(partners, weights=weights, k=n)
clicks, events, ledger = [], [], []
# Spread over the last 365 days, today included (up to now), oldest first.
times = sorted(now - int(random.random() * 365 * 86400) for _ in range(n))
busiest, median = 0, 0
for i in range(n):
    share = random.random()
    if share < 0.20:
        p = "abc123"
        busiest += 1
    elif share < 0.20 + 1 / 2000:
        p = "mia456"
        median += 1
    else:
        p = pick[i]
    t = times[i]
    slug = links[i % 5]
    sub = subs[(i // 5) % 5]
    clicks.append((f"b{i}", p, "coffee-club", slug, sub, referrers[i % 5], countries[i % 8],
                   agents[i % 3], f"v{(i * 7919) % (n // 3 + 1)}", t))
    if i % 100 == 0:
        amount = 2000 + (i % 9000)
        eid = f"bench-sale-{i}"
        events.append((eid, "sale", "h", p, "coffee-club", "click", f"b{i}", slug, sub, f"o{i}",
                       amount, "USD", t + 60, t + 60, "{}"))
        ledger.append((f"c{i}", p, "coffee-club", "commission", amount // 5, "USD", t + 60,
                       t + 60 + 30 * 86400, eid, f"o{i}", 0))
    if len(clicks) >= 200_000:
        con.executemany("INSERT INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", clicks)
        clicks.clear()
con.executemany("INSERT INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", clicks)
con.executemany("INSERT INTO events (id, type, body_hash, partner, program, attribution, click_id, slug, sub, order_id, amount_minor, currency, occurred_at, received_at, result) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", events)
# Payouts on the 1st of every month (after the first), of everything payable by then, as an
# owner who pays monthly records them.
payouts = []
month_starts = sorted({calendar.timegm((y, m, 1, 0, 0, 0))
                       for t in range(now - 365 * 86400, now, 86400)
                       for y, m in [time.gmtime(t)[:2]]})[1:]
by_partner = {}
for (_, p, _, _, amount, _, _, payable_at, _, _, _) in ledger:
    by_partner.setdefault(p, []).append((payable_at, amount))
for p, credits in by_partner.items():
    credits.sort()
    paid, i, earned = 0, 0, 0
    for start in month_starts:
        while i < len(credits) and credits[i][0] < start:
            earned += credits[i][1]
            i += 1
        if earned > paid:
            payouts.append((f"payout:{p}-{int(start)}", p, None, "payout", -(earned - paid), "USD",
                            int(start), int(start), None, None, 0))
            paid = earned
con.executemany("INSERT INTO ledger (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, event_id, order_id, level) VALUES (?,?,?,?,?,?,?,?,?,?,?)", ledger + payouts)
con.commit()
print(f"loaded {n} clicks, {len(events)} sales, {len(ledger)} commissions, {len(payouts)} payouts "
      f"(abc123: {busiest} clicks, mia456: {median})")
