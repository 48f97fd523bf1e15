//! Notifications: the daily digest of commissions, the partner's switch in My Profile, the
//! signed unsubscribe link, and the scheduled run itself (workerd: its cron path,
//! `/__scheduled`; natively: the owner API's `POST /api/v1/owner/scheduled`).

use serde_json::json;

use super::owner::mails_with;
use super::{abc123, iso, now};
use crate::{Outcome, World, ensure};

pub(super) const DAILY: &str = "0+8+*+*+*";
pub(super) const FREQUENT: &str = "*/15+*+*+*+*";

/// Runs the scheduled work for `cron` as the platform's trigger does.
pub(super) fn run(world: &World, cron: &str) -> Outcome {
    let mut client = world.client();
    let reply = if world.reseed.is_some() {
        // workerd: wrangler dev --test-scheduled calls the worker's `scheduled` handler.
        client.get(&format!("/__scheduled?cron={cron}"))?
    } else {
        let bearer = format!("Bearer {}", world.owner_token);
        client.send(
            "POST",
            &format!("/api/v1/owner/scheduled?cron={cron}"),
            "application/json",
            b"",
            &[("authorization", &bearer)],
        )?
    };
    ensure!(
        reply.status == 200,
        "scheduled {cron}: {} {}",
        reply.status,
        reply.body
    );
    Ok(())
}

fn sale(world: &World, order: &str) -> Outcome {
    let body = json!({
        "id": format!("evt-{order}"), "type": "sale", "occurred_at": iso(now()), "order_id": order,
        "amount": "120.00", "currency": "USD", "partner": "abc123",
        "customer": { "email": "digest.shopper@example.net", "name": "Dee Gest" }
    });
    let reply = world.client().event(&world.events_secret, &body, None)?;
    ensure!(
        reply.status == 201,
        "sale {order}: {} {}",
        reply.status,
        reply.body
    );
    Ok(())
}

pub fn commission_digests(world: &World) -> Outcome {
    // What was credited before this scenario is told first, so what follows is its own.
    run(world, DAILY)?;
    // Payouts recorded by a deploy (the content's) are told once each, with their reference.
    let told = mails_with(world, "reference PP-2026-10-mia456")?;
    ensure!(
        told.values().sum::<usize>() == 1 && told.keys().all(|to| to.contains('@')),
        "the payout recorded for mia456 is e-mailed once: {told:?}"
    );
    run(world, FREQUENT)?;
    ensure!(
        mails_with(world, "reference PP-2026-10-mia456")?
            .values()
            .sum::<usize>()
            == 1,
        "a payout is told once"
    );
    let tag = now();
    let (off, on) = (format!("DIGEST-OFF-{tag}"), format!("DIGEST-ON-{tag}"));
    let mut partner = abc123(world, false)?;
    let saved = partner.form("/portal/notifications", &[("payouts", "1")])?;
    ensure!(
        saved.status == 303,
        "switch the digest off: {}",
        saved.status
    );
    let profile = partner.get("/portal/profile/")?;
    ensure!(
        profile.body.contains(r#"data-notify="commissions">"#)
            && profile.body.contains(r#"data-notify="payouts" checked"#),
        "My Profile shows the digest off and payouts on"
    );
    sale(world, &off)?;
    run(world, DAILY)?;
    ensure!(
        mails_with(world, &off)?.is_empty(),
        "no digest while the partner has it off"
    );
    // On again: the next commission is told in the next daily digest, not before.
    partner.form(
        "/portal/notifications",
        &[("commissions", "1"), ("payouts", "1")],
    )?;
    sale(world, &on)?;
    run(world, FREQUENT)?;
    ensure!(
        mails_with(world, &on)?.is_empty(),
        "the digest is daily: the frequent run does not send it"
    );
    run(world, DAILY)?;
    let told = mails_with(world, &on)?;
    ensure!(
        told.values().sum::<usize>() == 1,
        "one digest tells the new commission: {told:?}"
    );
    ensure!(
        mails_with(world, &off)?.is_empty(),
        "what was credited while off is never sent later"
    );
    run(world, DAILY)?;
    ensure!(
        mails_with(world, &on)?.values().sum::<usize>() == 1,
        "a commission is told once"
    );
    // The digest's own unsubscribe link: a page with a button, then off.
    let rows = world.db.query(&format!(
        "SELECT body FROM outbox WHERE body LIKE '%{on}%' ORDER BY id DESC LIMIT 1"
    ))?;
    let body = rows
        .first()
        .and_then(|r| r["body"].as_str())
        .unwrap_or_default()
        .to_owned();
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/unsubscribe/?token="))
        .ok_or("the digest has an unsubscribe link")?;
    let path = &link[link.find("/unsubscribe/").unwrap_or(0)..];
    let mut reader = world.client();
    let page = reader.get(path)?;
    ensure!(
        page.status == 200 && page.body.contains("the daily digest of your commissions"),
        "the unsubscribe page: {}",
        page.status
    );
    ensure!(
        partner
            .get("/portal/profile/")?
            .body
            .contains(r#"data-notify="commissions" checked"#),
        "opening the link alone switches nothing off"
    );
    let token = &path["/unsubscribe/?token=".len()..];
    let done = reader.form("/unsubscribe", &[("token", token)])?;
    ensure!(
        done.status == 200 && done.body.contains("you will not get these e-mails"),
        "unsubscribed: {}",
        done.status
    );
    ensure!(
        partner
            .get("/portal/profile/")?
            .body
            .contains(r#"data-notify="commissions">"#),
        "My Profile shows the digest off after unsubscribing"
    );
    let forged = reader.get(&format!("{path}x"))?;
    ensure!(
        forged.status == 400,
        "a tampered link is refused: {}",
        forged.status
    );
    partner.form(
        "/portal/notifications",
        &[("commissions", "1"), ("payouts", "1")],
    )?;
    Ok(())
}
