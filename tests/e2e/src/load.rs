//! The load test: many redirects and events at once against one backend, then a check that
//! every click and every event is in the database and no event was credited twice.
//!
//! ```text
//! pc-e2e load --base-url URL --events-secret S --sqlite FILE [--redirects 20000] [--events 2000] [--threads 32]
//! ```

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::client::Client;
use crate::db::Db;
use crate::scenarios::now;

const LINKS: &[(&str, &str)] = &[
    ("abc123", "home"),
    ("mia456", "subscribe"),
    ("xyz789", "espresso-pro"),
    ("sam314", "grinders"),
    ("cafe01", "wholesale"),
];
const BROWSER: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36";

pub struct LoadOptions {
    pub base: String,
    pub events_secret: String,
    pub db: Db,
    pub redirects: usize,
    pub events: usize,
    pub threads: usize,
}

/// Runs the load; prints the figures; an error if anything was lost or doubled.
pub fn run(options: &LoadOptions) -> Result<(), String> {
    let run_id = format!("load{}", now());
    let total = options.redirects + options.events;
    let next = AtomicUsize::new(0);
    let click_ids = Mutex::new(Vec::with_capacity(options.redirects));
    let failures = Mutex::new(Vec::<String>::new());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..options.threads {
            scope.spawn(|| {
                let mut client = Client::new(&options.base);
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let outcome = match event_number(i, options) {
                        Some(j) => send_event(&mut client, options, &run_id, j),
                        None => redirect(&mut client, i).map(|id| mine.push(id)),
                    };
                    if let Err(e) = outcome
                        && let Ok(mut f) = failures.lock()
                    {
                        f.push(e);
                    }
                }
                if let Ok(mut ids) = click_ids.lock() {
                    ids.extend(mine);
                }
            });
        }
    });
    let elapsed = started.elapsed();
    let failures = failures.into_inner().map_err(|e| e.to_string())?;
    if !failures.is_empty() {
        return Err(format!(
            "{} requests failed, e.g. {}",
            failures.len(),
            failures[0]
        ));
    }
    let ids: HashSet<String> = click_ids
        .into_inner()
        .map_err(|e| e.to_string())?
        .into_iter()
        .collect();
    let requests = ids.len() + 2 * options.events;
    println!(
        "load: {} redirects + {} events (each sent twice) on {} threads in {:.1} s = {:.0} requests/s",
        ids.len(),
        options.events,
        options.threads,
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64()
    );

    // Every click lands (they are written after the response: give the last ones a moment).
    let wait = Instant::now();
    let since = now() - elapsed.as_secs() as i64 - 5;
    let stored = loop {
        let rows = options.db.query(&format!(
            "SELECT id FROM clicks WHERE created_at >= {since}"
        ))?;
        let stored: HashSet<String> = rows
            .iter()
            .filter_map(|r| r["id"].as_str().map(str::to_owned))
            .collect();
        // The condition is the rows; the limit only ends a failing run.
        if ids.is_subset(&stored) || wait.elapsed() > Duration::from_mins(5) {
            break stored;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    let missing = ids.difference(&stored).count();
    if ids.len() != options.redirects {
        return Err(format!(
            "{} redirects answered with a click id, {} sent",
            ids.len(),
            options.redirects
        ));
    }
    if missing > 0 {
        return Err(format!(
            "{missing} of {} clicks are missing from the database",
            ids.len()
        ));
    }
    let events = options.db.count(&format!(
        "SELECT count(*) AS n FROM events WHERE id LIKE '{run_id}-%'"
    ))?;
    let credits = options.db.count(&format!(
        "SELECT count(*) AS n FROM ledger WHERE event_id LIKE '{run_id}-%'"
    ))?;
    let credited = options.db.count(&format!(
        "SELECT coalesce(sum(amount_minor), 0) AS s FROM ledger WHERE event_id LIKE '{run_id}-%'"
    ))?;
    println!(
        "load: {} clicks stored, {events} events stored, {credits} credits (sum {credited})",
        ids.len()
    );
    let expected = options.events as i64;
    if events != expected || credits != expected || credited != expected * 200 {
        return Err(format!(
            "expected {expected} events, {expected} credits of 200 each; got {events} events, {credits} credits, sum {credited}"
        ));
    }
    Ok(())
}

/// Events are spread evenly among the redirects: request `i` is event `j`, or a redirect.
fn event_number(i: usize, options: &LoadOptions) -> Option<usize> {
    let stride = (options.redirects + options.events) / options.events.max(1);
    (options.events > 0 && i.is_multiple_of(stride) && i / stride < options.events)
        .then_some(i / stride)
}

fn redirect(client: &mut Client, i: usize) -> Result<String, String> {
    let (code, slug) = LINKS[i % LINKS.len()];
    // Each request a visitor of its own (a browser build of its own), as real traffic is:
    // one visitor's many clicks a minute are not counted (risk.yaml's click_burst).
    let agent = BROWSER.replace("Chrome/156.0", &format!("Chrome/156.0.{i}"));
    let reply = client.get_with(
        &format!("/r/{code}/{slug}?sub=load"),
        &[("user-agent", agent.as_str())],
    )?;
    if reply.status != 302 {
        return Err(format!("redirect {i}: {}", reply.status));
    }
    let location = reply.location();
    location
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("bl_click="))
        .map(str::to_owned)
        .ok_or_else(|| format!("redirect {i}: no click id in {location}"))
}

/// A sale for abc123 (coffee-club, 20% → 200 on $10.00), sent twice: 201, then 200.
fn send_event(
    client: &mut Client,
    options: &LoadOptions,
    run_id: &str,
    j: usize,
) -> Result<(), String> {
    let body = json!({
        "id": format!("{run_id}-{j}"), "type": "sale", "occurred_at": crate::scenarios::iso(now()),
        "partner": "abc123", "order_id": format!("{run_id}-order-{j}"), "amount": "10.00", "currency": "USD"
    });
    let first = client.event(&options.events_secret, &body, None)?;
    let second = client.event(&options.events_secret, &body, None)?;
    if first.status != 201 || second.status != 200 || first.body != second.body {
        return Err(format!(
            "event {j}: {} then {}",
            first.status, second.status
        ));
    }
    Ok(())
}
