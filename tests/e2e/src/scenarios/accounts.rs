//! Accounts nobody can take over: "this wasn't me" undoes a takeover in one click; pending
//! payout changes cancelled by the partner or an admin never apply; password and code guesses
//! sent all at once are limited like guesses sent one by one.

use serde_json::{Value, json};

use super::two_factor::App;
use crate::client::{Client, Reply};
use crate::{Outcome, World, ensure};

const SAM: &str = "sam314";
const SAM_EMAIL: &str = "sam@espressonerds.example";
const SAM_PASSWORD: &str = "sam-takeover-password-1";

fn body(reply: &Reply) -> Result<Value, String> {
    serde_json::from_str(&reply.body).map_err(|e| format!("{e}: {} {}", reply.status, reply.body))
}

fn owner_post(world: &World, path: &str) -> Result<Reply, String> {
    world.client().send(
        "POST",
        path,
        "application/json",
        b"",
        &[("authorization", &format!("Bearer {}", world.owner_token))],
    )
}

/// The newest mail to `to` whose body contains `needle`.
fn mail_to(world: &World, to: &str, needle: &str) -> Result<String, String> {
    let rows = world.db.query(&format!(
        "SELECT body FROM outbox WHERE recipient = '{to}' AND body LIKE '%{needle}%' ORDER BY id DESC LIMIT 1"
    ))?;
    rows.first()
        .and_then(|r| r["body"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("no mail to {to} with {needle}"))
}

fn payout_change(client: &mut Client, details: &str) -> Result<Reply, String> {
    let change = json!({ "method": "PayPal", "details": details, "password": SAM_PASSWORD });
    client.put_json("/api/v1/me/payout", change.to_string().as_bytes())
}

/// Someone with sam314's session and password moves the e-mail address and the payout
/// details; the mail to the old address undoes it all with one click.
pub fn not_me_undoes_a_takeover(world: &World) -> Outcome {
    let mut thief = super::set_password(world, SAM, SAM_PASSWORD)?;
    let moved = thief.put_json(
        "/api/v1/me/profile",
        json!({ "name": "Sam Okafor", "email": "thief@evil.example", "password": SAM_PASSWORD })
            .to_string()
            .as_bytes(),
    )?;
    ensure!(
        moved.status == 200,
        "the address moved: {} {}",
        moved.status,
        moved.body
    );
    let diverted = payout_change(&mut thief, "thief@evil.example")?;
    ensure!(
        diverted.status == 200 && !body(&diverted)?["pending"].is_null(),
        "a payout change waits: {} {}",
        diverted.status,
        diverted.body
    );
    // Both were told to the address the account had before the address moved.
    let told = mail_to(world, SAM_EMAIL, "/not-me/?token=")?;
    ensure!(
        told.contains("e-mail address of partner account sam314 was changed"),
        "{told}"
    );
    let url = told
        .split_whitespace()
        .find(|w| w.contains("/not-me/?token="))
        .ok_or("the link")?;
    let path = &url[url.find("/not-me/").ok_or("a path")?..];

    // The partner follows the link: a page with one button (a mail scanner changes nothing).
    let mut partner = world.client();
    let page = partner.get(path)?;
    ensure!(
        page.status == 200 && page.body.contains("This wasn't me"),
        "the page: {}",
        page.status
    );
    let token = path.trim_start_matches("/not-me/?token=");
    let secured = partner.form("/not-me", &[("token", token)])?;
    ensure!(
        secured.status == 200 && secured.body.contains("everybody is signed out"),
        "secured: {} {}",
        secured.status,
        secured.body.len()
    );
    // The thief's session is over; the address is the partner's again; the change is cancelled
    // and never applies, even once its date has passed; payout changes are frozen.
    ensure!(
        thief.get("/api/v1/me/profile")?.status == 401,
        "the thief's session still works"
    );
    let mut sam = world.client();
    ensure!(
        sam.sign_in(SAM, SAM_PASSWORD, false)?.status == 303,
        "sam signs in"
    );
    let profile = body(&sam.get("/api/v1/me/profile")?)?;
    ensure!(
        profile["email"] == SAM_EMAIL,
        "the address is back: {profile}"
    );
    world.db.execute(&format!(
        "UPDATE payout_changes SET effective_at = {} WHERE partner = '{SAM}'",
        super::now() - 60
    ))?;
    let payout = body(&sam.get("/api/v1/me/payout")?)?;
    ensure!(
        payout["method"] == "Store credit"
            && payout["pending"].is_null()
            && payout["frozen"] == true,
        "the thief's change never applies, and changes are frozen: {payout}"
    );
    let frozen = payout_change(&mut sam, "sam@paypal.example")?;
    ensure!(
        frozen.status == 423,
        "a change while frozen: {} {}",
        frozen.status,
        frozen.body
    );
    // The link works once.
    let again = world.client().form("/not-me", &[("token", token)])?;
    ensure!(again.status == 400, "the link twice: {}", again.status);

    // The console shows the freeze; an admin lifts it (logged), and changes work again.
    let shown = world.client().get_with(
        &format!("/api/v1/owner/partners/{SAM}"),
        &[("authorization", &format!("Bearer {}", world.owner_token))],
    )?;
    ensure!(
        !body(&shown)?["payout"]["frozen_since"].is_null(),
        "the console shows the freeze: {}",
        shown.body
    );
    let lifted = owner_post(world, &format!("/api/v1/owner/partners/{SAM}/unfreeze"))?;
    ensure!(
        lifted.status == 200 && body(&lifted)?["payout"]["frozen_since"].is_null(),
        "lifted: {} {}",
        lifted.status,
        lifted.body
    );
    ensure!(
        world.db.count(&format!(
            "SELECT count(*) FROM owner_audit WHERE subject = '{SAM}' AND action = 'lifted the payout freeze'"
        ))? == 1,
        "the lift is in the activity log"
    );
    Ok(())
}

/// A pending change cancelled by the partner, another by an admin, never take effect; a newer
/// change replaces an older pending one.
pub fn cancelled_payout_changes_never_apply(world: &World) -> Outcome {
    let mut sam = world.client();
    ensure!(
        sam.sign_in(SAM, SAM_PASSWORD, false)?.status == 303,
        "sam signs in"
    );
    // Five changes an hour: the earlier scenarios' attempts are not this one's.
    world
        .db
        .execute("DELETE FROM rate_limits WHERE key = 'payout:code:sam314'")?;
    let first = body(&payout_change(&mut sam, "first@paypal.example")?)?;
    let second = body(&payout_change(&mut sam, "second@paypal.example")?)?;
    ensure!(
        second["pending"]["details"] == "s***@paypal.example"
            && second["pending"]["id"] != first["pending"]["id"],
        "the newer change is the pending one: {second}"
    );
    let id = second["pending"]["id"].as_i64().ok_or("an id")?;
    let cancelled = sam.delete(&format!("/api/v1/me/payout/pending/{id}"))?;
    ensure!(
        cancelled.status == 200 && body(&cancelled)?["pending"].is_null(),
        "the partner cancels: {} {}",
        cancelled.status,
        cancelled.body
    );
    let third = body(&payout_change(&mut sam, "third@paypal.example")?)?;
    let id = third["pending"]["id"].as_i64().ok_or("an id")?;
    // An admin cancels it (the owner token is an admin's).
    let by_admin = owner_post(
        world,
        &format!("/api/v1/owner/partners/{SAM}/payout-changes/{id}/cancel"),
    )?;
    ensure!(
        by_admin.status == 200 && body(&by_admin)?["payout"]["pending"].is_null(),
        "an admin cancels: {} {}",
        by_admin.status,
        by_admin.body
    );
    // Time passes: none of them applies.
    world.db.execute(&format!(
        "UPDATE payout_changes SET effective_at = {} WHERE partner = '{SAM}'",
        super::now() - 60
    ))?;
    let payout = body(&sam.get("/api/v1/me/payout")?)?;
    ensure!(
        payout["method"] == "Store credit" && payout["pending"].is_null(),
        "no cancelled or replaced change applies: {payout}"
    );
    Ok(())
}

/// Forty wrong passwords for one code sent at once, and forty wrong codes at the code step:
/// at most ten of each are checked, the rest refused unchecked.
pub fn parallel_guesses_are_limited(world: &World) -> Outcome {
    let clear = || {
        world.db.execute(
            "DELETE FROM rate_limits WHERE key LIKE 'login:client:%' OR key IN ('login:code:xyz789', 'login:code:mia456')",
        )
    };
    clear()?;
    // Forty at once. `wrangler dev` answers 503 "Your worker restarted mid-request" when its
    // runtime restarts under a burst (never the app): such a request is sent again, and then
    // the count of checks made can only be lower, never higher.
    let retried = std::sync::atomic::AtomicUsize::new(0);
    let statuses = |send: &(dyn Fn() -> Result<Reply, String> + Sync)| -> Result<Vec<u16>, String> {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..40)
                .map(|_| {
                    s.spawn(|| {
                        for _ in 0..3 {
                            let reply = send()?;
                            if reply.status == 503 && reply.body.contains("restarted mid-request") {
                                retried.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                continue;
                            }
                            return Ok(reply.status);
                        }
                        Err("the dev server kept restarting".to_owned())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().map_err(|_| "a thread panicked".to_owned())?)
                .collect()
        })
    };
    let tally = |all: &[u16], status: u16| all.iter().filter(|s| **s == status).count();
    let checked = |all: &[u16]| {
        let (wrong, refused) = (tally(all, 401), tally(all, 429));
        wrong + refused == all.len()
            && if retried.load(std::sync::atomic::Ordering::Relaxed) == 0 {
                wrong == 10
            } else {
                (1..=10).contains(&wrong)
            }
    };
    let passwords = statuses(&|| {
        world
            .client()
            .sign_in("xyz789", "wrong-guess-in-parallel", false)
    })?;
    ensure!(
        checked(&passwords),
        "40 wrong passwords at once: {passwords:?}"
    );

    // mia456 with two-step sign-in on: the password, then forty wrong codes at once.
    clear()?;
    let password = "mia-parallel-password-1";
    super::set_password(world, "mia456", password)?;
    let app = App {
        secret: pc_core::two_factor::TotpSecret::from_random(&[7u8; 20]).ok_or("a secret")?,
        last_step: 0,
    };
    world.db.execute(&format!(
        "INSERT INTO two_factor (account, secret, enabled_at, last_step, created_at) VALUES ('mia456', '{}', 1, 0, 1)",
        app.secret.base32()
    ))?;
    let mut pending = world.client();
    let first = pending.sign_in("mia456", password, false)?;
    ensure!(
        first.location() == "/login/code/",
        "the code step: {}",
        first.location()
    );
    let wrong = app.wrong_code();
    let codes = statuses(&|| {
        let mut client = pending.clone();
        client.form("/login/code", &[("code", &wrong)])
    })?;
    world
        .db
        .execute("DELETE FROM two_factor WHERE account = 'mia456'")?;
    clear()?;
    ensure!(checked(&codes), "40 wrong codes at once: {codes:?}");
    Ok(())
}

pub fn a_new_password_needs_the_current_one(world: &World) -> Outcome {
    const OLD: &str = "cafe-old-password-2026";
    const NEW: &str = "cafe-new-password-2026";
    let mut me = super::set_password(world, "cafe01", OLD)?;
    let mut elsewhere = world.client();
    ensure!(
        elsewhere.sign_in("cafe01", OLD, false)?.status == 303,
        "signed in elsewhere"
    );
    let change = |current: &str, password: &str, confirm: &str| {
        json!({ "current": current, "password": password, "confirm": confirm }).to_string()
    };
    let wrong = me.post_json(
        "/api/v1/me/password",
        change("not-it-at-all", NEW, NEW).as_bytes(),
    )?;
    ensure!(
        wrong.status == 403 && body(&wrong)?["field"] == "password",
        "a wrong current password: {} {}",
        wrong.status,
        wrong.body
    );
    for (what, password, confirm) in [
        ("a short one", "short", "short"),
        ("two different", NEW, "cafe-other-password"),
    ] {
        let refused = me.post_json(
            "/api/v1/me/password",
            change(OLD, password, confirm).as_bytes(),
        )?;
        ensure!(
            refused.status == 422,
            "{what}: {} {}",
            refused.status,
            refused.body
        );
    }
    let changed = me.post_json("/api/v1/me/password", change(OLD, NEW, NEW).as_bytes())?;
    ensure!(
        changed.status == 200,
        "the change: {} {}",
        changed.status,
        changed.body
    );
    ensure!(
        me.get("/portal/")?.status == 200,
        "this browser stays signed in"
    );
    ensure!(
        elsewhere.get("/portal/")?.status == 303,
        "every other session ended"
    );
    ensure!(
        world.client().sign_in("cafe01", OLD, false)?.status == 401,
        "the old password still signs in"
    );
    ensure!(
        world.client().sign_in("cafe01", NEW, false)?.status == 303,
        "the new password signs in"
    );
    let told = super::owner::mails_with(world, "password of partner account cafe01")?;
    let address = world
        .db
        .query("SELECT email FROM partners WHERE code = 'cafe01'")?
        .first()
        .and_then(|r| r["email"].as_str().map(str::to_owned))
        .unwrap_or_default();
    ensure!(
        told.contains_key(&address),
        "{address} was told, with \"this wasn't me\": {told:?}"
    );
    Ok(())
}
