"""Times the reports (bench/reports.sh): p50/p95 of 20 requests each, and how many rollup rows
the busiest partner's year spans."""
import sqlite3
import statistics
import sys
import time
import urllib.request

base, token, db = sys.argv[1], sys.argv[2], sys.argv[3]
today = time.strftime("%Y-%m-%d", time.gmtime())
year_ago = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 364 * 86400))
month_ago = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 29 * 86400))


rows_read = []


def timed(path):
    times, rows = [], 0
    for _ in range(20):
        req = urllib.request.Request(base + path, headers={"authorization": f"Bearer {token}"})
        t = time.perf_counter()
        with urllib.request.urlopen(req) as r:
            r.read()
            # The worker under `wrangler dev` with ROWS_READ_HEADER=1: D1's rows read.
            rows = max(rows, int(r.headers.get("x-d1-rows-read") or 0))
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    rows_read.append(rows)
    return statistics.median(times), times[18]


d1 = "--d1" in sys.argv
print("| request | p50 ms | p95 ms |" + (" D1 rows read |\n| --- | --- | --- | --- |" if d1 else "\n| --- | --- | --- |"))
year = f"from={year_ago}&to={today}"
for code in ["abc123", "mia456"]:
    for report in ["summary", "clicks", "leads", "sales", "commissions", "ledger"]:
        p50, p95 = timed(f"/api/v1/owner/as/{code}/{report}?{year}")
        print(f"| {code} {report}, 365 days | {p50:.1f} | {p95:.1f} |" + (f" {rows_read[-1]} |" if d1 else ""))
for label, q in [("30 days", f"from={month_ago}&to={today}"), ("365 days", year)]:
    p50, p95 = timed(f"/api/v1/owner/overview?{q}")
    print(f"| console overview, {label} | {p50:.1f} | {p95:.1f} |" + (f" {rows_read[-1]} |" if d1 else ""))
con = sqlite3.connect(db)
rows = con.execute("SELECT count(*) FROM rollups WHERE partner = 'abc123'").fetchone()[0]
total = con.execute("SELECT count(*) FROM rollups").fetchone()[0]
print(f"rollup rows: abc123 {rows}, all {total}")
# What a statement reads: the checkpoint, and the lines that move money since it.
for code in ["abc123", "mia456"]:
    through, state = con.execute(
        "SELECT through, length(state) FROM ledger_checkpoints WHERE partner = ?", (code,)).fetchone()
    tail = con.execute("SELECT count(*) FROM ledger WHERE partner = ? AND payable_at >= ?", (code, through)).fetchone()[0]
    lines = con.execute("SELECT count(*) FROM ledger WHERE partner = ?", (code,)).fetchone()[0]
    print(f"{code}: a statement reads {tail} of {lines} ledger lines (checkpoint {state} bytes)")
through = con.execute("SELECT min(through) FROM ledger_checkpoints").fetchone()[0]
tail = con.execute("SELECT count(*) FROM ledger WHERE payable_at >= ?", (through,)).fetchone()[0]
lines = con.execute("SELECT count(*) FROM ledger").fetchone()[0]
checkpoints = con.execute("SELECT count(*) FROM ledger_checkpoints").fetchone()[0]
print(f"all balances: {checkpoints} checkpoints and {tail} of {lines} ledger lines")
now = int(time.time())
holding = con.execute("SELECT count(*) FROM balance_snapshots WHERE taken_at <= ? AND valid_until > ?", (now, now)).fetchone()[0]
print(f"overview balances: {holding} of {checkpoints} partners from their snapshots, the rest replayed")
