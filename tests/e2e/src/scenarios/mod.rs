//! The scenarios, in the order they run. Later scenarios rely on abc123's password, which
//! the first one sets through an invite link.

mod access;
mod accounts;
mod console;
mod console_commits;
pub use console_commits::approve_through_host;
mod csv;
mod hardening;
mod ledger;
mod notifications;
mod owner;
mod owner_two_factor;
mod password;
mod profile;
mod reports;
mod risk;
mod risk_partners;
mod rollups;
pub mod scale;
mod shopify;
mod sign_in;
mod signup;
mod stripe;
mod test_mode;
mod tracking;
mod two_factor;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use pc_core::{PartnerCode, PasswordLink, Session, SigningKeys};

use crate::client::Client;
use crate::{Outcome, World, ensure};

pub type Scenario = fn(&World) -> Outcome;

pub const ALL: &[(&str, Scenario)] = &[
    (
        "an invite link sets a password and signs in, once",
        sign_in::invite_sets_password_once,
    ),
    (
        "Remember Me sets a 30-day cookie, its absence a session cookie",
        sign_in::remember_me,
    ),
    (
        "the portal shows abc123's Welcome and every page is 200",
        access::every_page,
    ),
    (
        "xyz789's pages are unreachable for abc123 by any path",
        access::other_partner_unreachable,
    ),
    (
        "tampered, expired, wrong-key and revoked cookies go to /login",
        access::bad_cookies,
    ),
    (
        "a wrong password and an unknown code get the same answer",
        sign_in::same_answer,
    ),
    (
        "the 11th quick failed attempt is refused",
        sign_in::rate_limited,
    ),
    (
        "a suspended partner cannot sign in or keep a session",
        sign_in::suspended,
    ),
    (
        "forgot → outbox link → reset → sign in; the link works once",
        password::forgot_and_reset,
    ),
    (
        "a forgotten partner code comes by e-mail; an unknown address gets the same answer",
        password::forgot_code,
    ),
    (
        "profile updates persist and are escaped",
        profile::update_persists,
    ),
    ("logout ends the session (everywhere)", sign_in::logout),
    (
        "state changes need the same origin and the CSRF token",
        hardening::csrf_and_origin,
    ),
    (
        "JSON changes need the same origin and the CSRF token, route by route",
        hardening::json_changes_need_origin_and_token,
    ),
    (
        "every response carries the security headers",
        hardening::security_headers,
    ),
    (
        "bad input gets a clear 4xx, never a crash",
        hardening::bad_input,
    ),
    (
        "invalid bytes in a header or the request line get a 4xx, never a dropped connection",
        hardening::invalid_bytes_get_4xx,
    ),
    (
        "a redirect link goes to its target with the click id and partner code",
        tracking::redirects,
    ),
    (
        "bots and prefetchers are redirected but not counted",
        tracking::bots_are_not_counted,
    ),
    (
        "unknown links fall back; crafted paths never redirect elsewhere",
        tracking::unknown_links_fall_back_and_never_redirect_elsewhere,
    ),
    (
        "deep links stay on the owner's sites; an expired link falls back with its reason",
        tracking::deep_links_stay_on_the_owners_sites_and_expired_links_fall_back,
    ),
    (
        "a sale credits the partner and the parent, once",
        tracking::a_sale_credits_the_partner_and_the_parent_once,
    ),
    (
        "the clicked link's program pays, else the first program",
        tracking::the_program_of_the_clicked_link_pays,
    ),
    (
        "bad events get a 4xx and write nothing",
        tracking::bad_events_are_refused_and_write_nothing,
    ),
    (
        "refunds claw back, never more than was credited",
        tracking::refunds_claw_back,
    ),
    (
        "subscription payments earn for their N months only",
        tracking::subscriptions_pay_for_their_months,
    ),
    (
        "leads, self-referrals, and payouts from content",
        tracking::leads_self_referrals_and_payouts,
    ),
    (
        "Stripe: a Payment Link subscription from a click, renewals, a partial refund, replays, bad signatures",
        stripe::stripe_payment_link_subscription,
    ),
    (
        "Stripe: a one-time checkout with a partner's coupon, fully refunded",
        stripe::stripe_one_time_checkout_with_coupon,
    ),
    (
        "test mode: a Stripe test purchase from a partner link is a test line the partner sees apart, never payable; its refunds follow it; Setup shows the script's report and each webhook",
        test_mode::test_purchases_are_recorded_apart,
    ),
    (
        "Shopify: a partner's discount code, a refund, a click in the cart, a store coupon",
        shopify::shopify_orders_and_refunds,
    ),
    (
        "report figures match an independent calculation over 200+ events",
        reports::figures_match_an_independent_calculation,
    ),
    (
        "no report shows another partner's rows",
        reports::no_report_shows_another_partners_rows,
    ),
    (
        "the owner sees payable balances with the owner token",
        reports::the_owner_sees_payable_balances,
    ),
    (
        "risk.yaml's rules fire with their reasons; a held conversion's commissions stay under review past their hold",
        risk::risk_rules_fire_with_their_reasons_and_hold_commissions,
    ),
    (
        "reports and the overview are the same before, during and after a rollup; old raw clicks are gone",
        rollups::reports_are_the_same_before_and_after_a_rollup,
    ),
    (
        "a partner's profile change reaches git (profiles pull) and is applied by the deploy",
        profile::profile_changes_reach_git,
    ),
    (
        "payout details need the password, are e-mailed, and wait out the cooling-off",
        profile::payout_details_are_guarded,
    ),
    (
        "CSV exports never carry a formula; money stays numbers",
        csv::no_formulas_in_exports,
    ),
    (
        "the ledger: refunds in and after the hold, payouts paid, a corrected payout, explained lines",
        ledger::lifecycle,
    ),
    (
        "a new application e-mails the owner; a viewer cannot decide; an admin's approval is committed and logged",
        console::a_viewer_cannot_decide_applications,
    ),
    (
        "an application from a disposable e-mail address is flagged for the owner with its reason",
        risk::a_disposable_address_flags_the_application,
    ),
    (
        "apply at /join, pending sign-in, approve through git, sign in",
        signup::apply_and_approve_through_git,
    ),
    (
        "a recruitment link makes the recruiter the approved applicant's parent",
        signup::a_recruitment_link_makes_the_recruiter_the_parent,
    ),
    (
        "an admin approves in one click: one commit of the partner's file to git, by her; live after the deploy, welcomed then",
        console_commits::approve_in_one_click,
    ),
    (
        "a console commit on a moved branch is made again on the new head, or reported with both versions",
        console_commits::a_moved_branch_is_retried_or_reported,
    ),
    (
        "Mark as paid commits one payouts file for the partners chosen (flagged ones left out); once deployed their payable balances drop by exactly those amounts; a second click commits nothing",
        console_commits::mark_as_paid_commits_one_payout_file,
    ),
    (
        "an adjustment from a partner's page is checked, committed once, and once deployed the partner's ledger shows it with its reason",
        console_commits::adjustments_from_a_partners_page,
    ),
    (
        "a rejected applicant cannot sign in; a closed sign-up refuses",
        signup::rejected_and_closed,
    ),
    (
        "owners sign in to their own console; owner and partner sessions never cross",
        owner::owners_have_their_own_session,
    ),
    (
        "the console's overview is the sum of the partners' own summaries; one CSV row per partner",
        owner::the_overview_is_the_sum_of_the_partners,
    ),
    (
        "view as partner shows exactly what the partner sees, changes nothing, and is logged",
        console::view_as_shows_what_the_partner_sees,
    ),
    (
        "commissions reach the partner in the next daily digest, not while switched off; unsubscribe works",
        notifications::commission_digests,
    ),
    (
        "two-step sign-in: enrol, a code after the password, wrong and reused codes refused, a recovery code once, a fresh code for a new e-mail",
        two_factor::enrol_sign_in_and_step_up,
    ),
    (
        "no change a signed-in browser can make passes without same-origin proof (route by route)",
        hardening::changes_without_origin_proof_change_nothing,
    ),
    (
        "\"this wasn't me\" from the old address ends the sessions, restores the address, cancels the pending payout change and freezes payout changes until an admin lifts it",
        accounts::not_me_undoes_a_takeover,
    ),
    (
        "pending payout changes cancelled by the partner or an admin never apply; a newer change replaces an older one",
        accounts::cancelled_payout_changes_never_apply,
    ),
    (
        "40 parallel wrong passwords, and 40 parallel wrong codes at the code step, are checked at most 10 times",
        accounts::parallel_guesses_are_limited,
    ),
    (
        "a new password from My Profile needs the current one, ends every other session and is told to the address on file",
        accounts::a_new_password_needs_the_current_one,
    ),
    (
        "owners' two-step sign-in: required by owners.yaml before the console opens, a code after the password, wrong and reused codes refused, a recovery code once, off only with the password and a code",
        owner_two_factor::owners_two_step_sign_in,
    ),
    (
        "partners paid to one PayPal account, a sale from the partner's own address, one visitor's burst of clicks and a paid-ads click each fire their rule; an admin clears a flagged partner",
        risk_partners::partner_risk_rules_fire_and_are_cleared,
    ),
];

/// abc123's password once the first scenario has run.
pub const ABC123_PASSWORD: &str = "brightloom-partner-2026";

pub use crate::client::now;

/// RFC 3339 in UTC (`2026-11-24T10:00:00Z`) for a Unix time.
// The short names are those of the published algorithm.
#[allow(clippy::many_single_char_names)]
pub fn iso(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Days since the epoch to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

pub fn keys(world: &World) -> SigningKeys {
    SigningKeys::new(&world.secret, None).expect("the session secret is long enough")
}

/// A set-password link (path and query) for `code`, as `partner-center invite` makes them.
pub fn invite_path(world: &World, code: &str) -> String {
    // Unique per link: the time in nanoseconds and a counter (links are recorded on use).
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let nonce = format!(
        "{nanos:032x}{:08x}",
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let link = PasswordLink {
        partner: PartnerCode::parse(code).expect("a valid code"),
        nonce,
        expires_at: now() + 3600,
    };
    format!("/reset/?token={}", link.sign(&keys(world)))
}

/// A session cookie value signed with `secret`.
pub fn forge(secret: &str, code: &str, version: i64, expires_at: i64) -> String {
    let keys = SigningKeys::new(secret, None).expect("long secret");
    Session {
        partner: PartnerCode::parse(code).expect("a valid code"),
        version,
        expires_at,
        remember: false,
    }
    .sign(&keys)
}

/// Sets `code`'s password through a fresh invite link; returns the signed-in client.
pub fn set_password(world: &World, code: &str, password: &str) -> Result<Client, String> {
    let mut client = world.client();
    let link = invite_path(world, code);
    let form = client.get(&link)?;
    ensure!(form.status == 200, "GET invite link: {}", form.status);
    let token = link.trim_start_matches("/reset/?token=");
    let reply = client.form(
        "/reset",
        &[
            ("token", token),
            ("password", password),
            ("confirm", password),
        ],
    )?;
    ensure!(
        reply.status == 303 && reply.location() == "/portal/",
        "POST /reset: {} {}",
        reply.status,
        reply.location()
    );
    Ok(client)
}

/// A client signed in as abc123.
pub fn abc123(world: &World, remember: bool) -> Result<Client, String> {
    let mut client = world.client();
    let reply = client.sign_in("abc123", ABC123_PASSWORD, remember)?;
    ensure!(
        reply.status == 303,
        "sign in as abc123: {} {}",
        reply.status,
        reply.body
    );
    Ok(client)
}

/// The session version stored for `code`.
pub fn session_version(world: &World, code: &str) -> Result<i64, String> {
    let rows = world.db.query(&format!(
        "SELECT session_version FROM credentials WHERE partner = '{code}'"
    ))?;
    Ok(rows
        .first()
        .and_then(|r| r["session_version"].as_i64())
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso_times() {
        assert_eq!(super::iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso(1_795_996_800), "2026-11-30T00:00:00Z");
        assert_eq!(super::iso(951_782_400 + 3661), "2000-02-29T01:01:01Z");
    }
}
