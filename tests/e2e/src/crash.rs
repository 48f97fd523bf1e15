//! `pc-e2e crash`: `partner-center serve` killed with SIGKILL in the middle of a load of
//! redirects and events, started again on the same state, and what was not acknowledged sent
//! again; then killed once more, right after that load (its last clicks still in the click
//! journal), and started a third time. Every acknowledged click (a 302 carrying its id) and
//! every event must then be stored exactly once, each event with exactly one commission.
//!
//! `pc-e2e crash --cli BIN --content DIR --state DIR [--redirects N] [--events N]`

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::client::Client;
use crate::db::Db;
use crate::ensure;

const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

#[derive(Debug)]
pub struct CrashOptions {
    pub cli: PathBuf,
    pub content: PathBuf,
    pub state: PathBuf,
    pub redirects: usize,
    pub events: usize,
}

#[derive(Debug, Clone)]
enum Work {
    Redirect,
    Event(String),
}

#[derive(Debug, Default)]
struct Outcomes {
    clicks: Vec<String>,
    events: Vec<String>,
    unacknowledged: Vec<Work>,
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// Starts serve on a fresh port; its base URL once it answers.
fn start(o: &CrashOptions) -> Result<(Child, String), String> {
    let port = free_port()?;
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(o.state.with_extension("log"))
        .map_err(|e| e.to_string())?;
    let child = Command::new(&o.cli)
        .args([
            "serve",
            "--no-demo-history",
            "--port",
            &port.to_string(),
            "--content",
        ])
        .arg(&o.content)
        .arg("--state")
        .arg(&o.state)
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", o.cli.display()))?;
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let mut probe = Client::new(&base);
    while probe.get("/login/").map(|r| r.status) != Ok(200) {
        ensure!(
            started.elapsed() < Duration::from_mins(2),
            "serve did not start (log: {})",
            o.state.with_extension("log").display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok((child, base))
}

/// A sale; the same body every time it is sent (a changed body under the same id is a 409).
fn event_body(id: &str) -> Value {
    let at = id
        .split('-')
        .nth(1)
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    json!({
        "id": id, "type": "sale", "occurred_at": crate::scenarios::iso(at),
        "partner": "abc123", "order_id": format!("order-{id}"), "amount": "10.00", "currency": "USD"
    })
}

/// Does one piece of work; whether it was acknowledged (and the click id of a redirect).
fn attempt(client: &mut Client, secret: &str, work: &Work, i: usize) -> Option<String> {
    match work {
        Work::Redirect => {
            // A visitor of its own each time (risk.yaml's click_burst does not count one
            // visitor's many clicks a minute).
            let agent = BROWSER.replace("Chrome/156.0", &format!("Chrome/156.0.{i}"));
            let reply = client
                .get_with("/r/abc123/home", &[("user-agent", agent.as_str())])
                .ok()?;
            (reply.status == 302)
                .then(|| {
                    let location = reply.location();
                    let query = location.split_once('?')?.1;
                    query
                        .split('&')
                        .find_map(|kv| kv.strip_prefix("bl_click=").map(str::to_owned))
                })
                .flatten()
        }
        Work::Event(id) => {
            let reply = client.event(secret, &event_body(id), None).ok()?;
            matches!(reply.status, 200 | 201).then(|| id.clone())
        }
    }
}

/// Runs `work` on 16 threads; kills `serve` (SIGKILL) once `kill_after` are acknowledged.
fn load(
    base: &str,
    secret: &str,
    work: Vec<Work>,
    serve: &Arc<Mutex<Child>>,
    kill_after: Option<usize>,
) -> Outcomes {
    let work = Arc::new(work);
    let next = Arc::new(AtomicUsize::new(0));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (work, next, acknowledged, outcomes, serve) = (
                Arc::clone(&work),
                Arc::clone(&next),
                Arc::clone(&acknowledged),
                Arc::clone(&outcomes),
                Arc::clone(serve),
            );
            let (base, secret) = (base.to_owned(), secret.to_owned());
            std::thread::spawn(move || {
                let mut client = Client::new(&base);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = work.get(i) else { break };
                    let result = attempt(&mut client, &secret, item, i);
                    let mut out = outcomes.lock().expect("not poisoned");
                    match (result, item) {
                        (Some(click), Work::Redirect) => out.clicks.push(click),
                        (Some(id), Work::Event(_)) => out.events.push(id),
                        (None, _) => out.unacknowledged.push(item.clone()),
                    }
                    drop(out);
                    let n = acknowledged.fetch_add(1, Ordering::Relaxed) + 1;
                    if kill_after == Some(n) {
                        let _ = serve.lock().expect("not poisoned").kill();
                    }
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    Arc::try_unwrap(outcomes)
        .map(|m| m.into_inner().expect("not poisoned"))
        .unwrap_or_default()
}

pub fn run(o: &CrashOptions) -> Result<(), String> {
    let (child, base) = start(o)?;
    let serve = Arc::new(Mutex::new(child));
    let secrets: Value = serde_json::from_str(
        &std::fs::read_to_string(o.state.join("secrets.json")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let secret = secrets["EVENTS_SECRET"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let run_id = crate::scenarios::now();
    let event_ids: Vec<String> = (0..o.events)
        .map(|i| format!("crash-{run_id}-{i}"))
        .collect();
    // Redirects and events interleaved, so the kill lands among both.
    let per_event = o.redirects / o.events.max(1);
    let mut work = Vec::new();
    for id in &event_ids {
        work.extend(std::iter::repeat_n(Work::Redirect, per_event));
        work.push(Work::Event(id.clone()));
    }
    let total = work.len();
    let first = load(&base, &secret, work, &serve, Some(total / 3));
    let status = serve
        .lock()
        .expect("not poisoned")
        .wait()
        .map_err(|e| e.to_string())?;
    ensure!(!status.success(), "serve was killed, not stopped: {status}");
    ensure!(
        !first.unacknowledged.is_empty(),
        "the kill came after the load: nothing was left unacknowledged"
    );
    println!(
        "crash: serve killed (SIGKILL) after {} of {total} requests were answered; {} clicks and {} events acknowledged, {} not",
        total / 3,
        first.clicks.len(),
        first.events.len(),
        first.unacknowledged.len()
    );

    // Started again on the same state: what was not acknowledged is sent again.
    let (child, base) = start(o)?;
    let serve = Arc::new(Mutex::new(child));
    let second = load(&base, &secret, first.unacknowledged.clone(), &serve, None);
    let _ = serve.lock().expect("not poisoned").kill();
    ensure!(
        second.unacknowledged.is_empty(),
        "{} requests failed after the restart",
        second.unacknowledged.len()
    );
    let _ = serve.lock().expect("not poisoned").wait();
    // Killed again with no time to move its journal: the next start does it, before it answers.
    let journal =
        std::fs::metadata(o.state.join("partner-center.sqlite-clicks")).map_or(0, |m| m.len());
    println!("crash: killed again right after the load, {journal} bytes of click journal left");
    let (mut third, _) = start(o)?;
    let _ = third.kill();
    let _ = third.wait();

    let db = Db::Sqlite(o.state.join("partner-center.sqlite"));
    let clicks: Vec<&String> = first.clicks.iter().chain(&second.clicks).collect();
    let unique: HashSet<&&String> = clicks.iter().collect();
    ensure!(
        unique.len() == clicks.len(),
        "a click id was answered twice"
    );
    let mut stored = 0;
    for chunk in clicks.chunks(500) {
        let list = chunk
            .iter()
            .map(|id| format!("'{id}'"))
            .collect::<Vec<_>>()
            .join(",");
        stored += db.count(&format!("SELECT count(*) FROM clicks WHERE id IN ({list})"))?;
    }
    ensure!(
        stored == i64::try_from(clicks.len()).unwrap_or(0),
        "{} of {} acknowledged clicks are stored",
        stored,
        clicks.len()
    );
    let prefix = format!("crash-{run_id}-");
    let events = db.count(&format!(
        "SELECT count(*) FROM events WHERE id LIKE '{prefix}%'"
    ))?;
    let credits = db.count(&format!(
        "SELECT count(*) FROM ledger WHERE event_id LIKE '{prefix}%' AND kind = 'commission'"
    ))?;
    let n = i64::try_from(o.events).unwrap_or(0);
    ensure!(events == n, "{events} of {n} events stored");
    ensure!(
        credits == n,
        "{credits} commissions for {n} events (one each)"
    );
    println!(
        "crash: after the restart, all {} acknowledged clicks and {n} events stored once, {credits} commissions",
        clicks.len()
    );
    Ok(())
}
