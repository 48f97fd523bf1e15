//! The route table and the things every request gets: configuration, the CSRF cookie,
//! body limits, security headers, and a 500 (never a panic) when the platform fails.

use http::{Method, StatusCode};

use crate::http_util::{self, MAX_BODY, json_error, redirect, see_other};
use crate::platform::{Platform, PlatformError};
use crate::routes::accounts::{self, Kind, two_factor};
use crate::routes::owner::{
    self, adjustments, applications, console, mail_test, overview, partner_risk, payout_guard,
    payout_runs, payouts, reviews, session, setup, view_as,
};
use crate::routes::{
    Ctx, auth, csrf_token, events, integrations, join, not_me, notifications, password,
    payout_details, portal, profile, redirect, reports, script_report, set_csrf_cookie,
};
use crate::security::{self, is_state_changing};
use crate::store::Account;
use crate::{Request, Response};

/// The name of a header whose value is not text (bytes outside visible ASCII, space and tab).
/// Cloudflare's own `cf-…` headers (a visitor's city may be spelled in UTF-8) are the edge's,
/// not the client's, and the app reads none but the client address.
fn garbled_header(req: &Request) -> Option<&str> {
    req.headers()
        .iter()
        .find(|(name, v)| {
            !name.as_str().starts_with("cf-")
                && !v
                    .as_bytes()
                    .iter()
                    .all(|b| (0x20..0x7f).contains(b) || *b == b'\t')
        })
        .map(|(name, _)| name.as_str())
}

/// Handles one request.
pub async fn handle<P: Platform>(platform: &P, req: Request) -> Response {
    answer(platform, req, async |ctx, req| route(ctx, req).await).await
}

/// Handles a `GET /r/…` request: the same as [`handle`], with only the redirect's route
/// compiled in (for a platform that serves nothing else: the worker's synchronous redirect,
/// whose own copy of the whole route table would double the wasm).
pub async fn handle_redirect<P: Platform>(platform: &P, req: Request) -> Response {
    debug_assert!(req.method() == Method::GET && req.uri().path().starts_with("/r/"));
    answer(platform, req, async |ctx, req| {
        redirect::follow(ctx, req).await
    })
    .await
}

/// What every request gets around its route: the checks before, the headers after, a 500
/// instead of an error.
async fn answer<P: Platform>(
    platform: &P,
    req: Request,
    route: impl AsyncFn(&Ctx<'_, P>, &Request) -> Result<Response, PlatformError>,
) -> Response {
    if let Some(name) = garbled_header(&req) {
        // Nothing the portal sends or a browser writes: refused before anything reads it.
        let mut response = http_util::text(
            StatusCode::BAD_REQUEST,
            &format!("Malformed request: the {name} header is not plain text."),
        );
        security::add_headers(&mut response);
        return response;
    }
    let mut response = match platform.config() {
        Ok(config) => {
            // Redirects and API calls have no forms: no CSRF token to read or make (the
            // redirect is the hot path).
            let path = req.uri().path();
            let (csrf, new_csrf) = if path.starts_with("/r/") || path.starts_with("/api/") {
                (String::new(), false)
            } else {
                csrf_token(&req, platform)
            };
            let ctx = Ctx {
                platform,
                config: &config,
                now: platform.now_ms() / 1000,
                csrf,
            };
            match route(&ctx, &req).await {
                Ok(mut response) => {
                    let is_html = response
                        .headers()
                        .get(http::header::CONTENT_TYPE)
                        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
                    if new_csrf && is_html {
                        set_csrf_cookie(&mut response, &ctx.csrf);
                    }
                    response
                }
                Err(err) => {
                    platform.log_error(&format!("{} {}: {err}", req.method(), req.uri().path()));
                    http_util::text(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Something went wrong on our side. Please try again.",
                    )
                }
            }
        }
        Err(err) => {
            platform.log_error(&err.to_string());
            http_util::text(
                StatusCode::SERVICE_UNAVAILABLE,
                "The portal is not configured yet.",
            )
        }
    };
    security::add_headers(&mut response);
    response
}

/// A scheduled run (the worker's cron trigger, `serve`'s timer): notifications, rollups.
pub async fn scheduled<P: Platform>(
    platform: &P,
    cron: &str,
) -> Result<crate::scheduled::Done, String> {
    let config = platform.config().map_err(|e| e.to_string())?;
    let ctx = Ctx {
        platform,
        config: &config,
        now: platform.now_ms() / 1000,
        csrf: String::new(),
    };
    crate::scheduled::run(
        &ctx,
        crate::notify::Run::of_cron(cron),
        crate::scheduled::Budget::default(),
    )
    .await
    .map_err(|e| e.to_string())
}

/// The route table.
async fn route<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response, PlatformError> {
    if is_state_changing(req.method()) && req.body().len() > MAX_BODY {
        return Ok(http_util::text(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request is too large.",
        ));
    }
    let path = req.uri().path();
    let get = matches!(*req.method(), Method::GET | Method::HEAD);
    let post = *req.method() == Method::POST;
    if is_state_changing(req.method())
        && needs_origin_proof(path, req)
        && !security::origin_proven(req)
    {
        return Ok(http_util::text(
            StatusCode::FORBIDDEN,
            "This change was not sent from the portal's own page (no same-origin proof). Reload the page and try again.",
        ));
    }
    match path {
        "/" if get => Ok(see_other("/portal/")),
        p if get && (p.starts_with("/r/") || p == "/r") => redirect::follow(ctx, req).await,
        "/api/v1/events" if post => events::receive(ctx, req).await,
        "/api/v1/integrations/stripe" if post => integrations::stripe::receive(ctx, req).await,
        "/api/v1/integrations/shopify" if post => integrations::shopify::receive(ctx, req).await,
        "/api/v1/build" if get => build_info(ctx).await,
        "/api/v1/script-hit" if post => script_report::receive(ctx, req).await,
        "/login" | "/login/code" | "/forgot" | "/reset" | "/portal" | "/unsubscribe"
        | "/not-me" | "/owner" | "/owner/login" | "/owner/login/code" | "/owner/reset"
            if get =>
        {
            Ok(with_slash(req))
        }
        "/login/" if get => portal::public_page(ctx, req, "login/index.html").await,
        "/login" | "/login/" if post => auth::login(ctx, req).await,
        "/login/code/" if get => accounts::code_form(ctx, req, Kind::Partner).await,
        "/login/code" | "/login/code/" if post => {
            accounts::login_code(ctx, req, Kind::Partner).await
        }
        "/logout" if post => auth::logout(ctx, req).await,
        "/forgot/" if get => portal::public_page(ctx, req, "forgot/index.html").await,
        "/forgot" | "/forgot/" if post => password::forgot(ctx, req).await,
        "/reset/" if get => accounts::reset_form(ctx, req, Kind::Partner).await,
        "/reset" | "/reset/" if post => accounts::reset(ctx, req, Kind::Partner).await,
        "/portal/notifications" if post => notifications::save(ctx, req).await,
        "/unsubscribe/" if get => notifications::form_page(ctx, req).await,
        "/unsubscribe" | "/unsubscribe/" if post => notifications::confirm(ctx, req).await,
        "/not-me/" if get => not_me::form_page(ctx, req).await,
        "/not-me" | "/not-me/" if post => not_me::confirm(ctx, req).await,
        "/owner/login/" if get => session::login_form(ctx, req).await,
        "/owner/login" | "/owner/login/" if post => session::login(ctx, req).await,
        "/owner/login/code/" if get => accounts::code_form(ctx, req, Kind::Owner).await,
        "/owner/login/code" | "/owner/login/code/" if post => {
            accounts::login_code(ctx, req, Kind::Owner).await
        }
        "/owner/logout" if post => session::logout(ctx, req).await,
        "/owner/reset/" if get => accounts::reset_form(ctx, req, Kind::Owner).await,
        "/owner/reset" | "/owner/reset/" if post => accounts::reset(ctx, req, Kind::Owner).await,
        p if get && p.starts_with("/owner/as/") => view_as::page(ctx, req).await,
        p if get && p.starts_with("/owner/") => console::page(ctx, req).await,
        "/portal/profile" if post => match auth::signed_in(ctx, req).await? {
            Some((partner, _)) => profile::post_form(ctx, req, partner.as_str()).await,
            None => Ok(see_other("/login/")),
        },
        p if get && p.starts_with("/portal/") => portal::page(ctx, req).await,
        p if p.starts_with("/api/v1/me/")
            && is_state_changing(req.method())
            && !security::json_change_allowed(req) =>
        {
            Ok(json_error(
                StatusCode::FORBIDDEN,
                "a change needs the portal's own page: the same origin and its X-CSRF-Token",
            ))
        }
        "/api/v1/me/payout" => {
            let Some((partner, _)) = auth::signed_in(ctx, req).await? else {
                return Ok(json_error(StatusCode::UNAUTHORIZED, "sign in first"));
            };
            let code = partner.as_str();
            match *req.method() {
                Method::GET => payout_details::get(ctx, code).await,
                Method::PUT => payout_details::put(ctx, req, code).await,
                _ => Ok(json_error(StatusCode::METHOD_NOT_ALLOWED, "use GET or PUT")),
            }
        }
        p if p.starts_with("/api/v1/me/payout/pending/") && *req.method() == Method::DELETE => {
            let Some((partner, _)) = auth::signed_in(ctx, req).await? else {
                return Ok(json_error(StatusCode::UNAUTHORIZED, "sign in first"));
            };
            let id = &p["/api/v1/me/payout/pending/".len()..];
            payout_details::cancel(ctx, partner.as_str(), id).await
        }
        p if p == "/api/v1/me/two-factor" || p.starts_with("/api/v1/me/two-factor/") => {
            let Some((partner, _)) = auth::signed_in(ctx, req).await? else {
                return Ok(json_error(StatusCode::UNAUTHORIZED, "sign in first"));
            };
            let action = p["/api/v1/me/two-factor".len()..].trim_start_matches('/');
            two_factor::api(ctx, req, &Account::Partner(partner), action).await
        }
        "/api/v1/me/password" if post => {
            let Some((partner, _)) = auth::signed_in(ctx, req).await? else {
                return Ok(json_error(StatusCode::UNAUTHORIZED, "sign in first"));
            };
            accounts::change_password(ctx, req, &Account::Partner(partner)).await
        }
        "/api/v1/me/profile" => {
            let Some((partner, _)) = auth::signed_in(ctx, req).await? else {
                return Ok(json_error(StatusCode::UNAUTHORIZED, "sign in first"));
            };
            let code = partner.as_str();
            match *req.method() {
                Method::GET => profile::get(ctx, code).await,
                Method::PUT => profile::put(ctx, req, code).await,
                _ => Ok(json_error(StatusCode::METHOD_NOT_ALLOWED, "use GET or PUT")),
            }
        }
        "/join" if get => Ok(with_slash(req)),
        "/join/" if get => join::form_page(ctx, req).await,
        "/join" | "/join/" if post => join::apply(ctx, req).await,
        p if p.starts_with("/api/v1/owner/")
            && is_state_changing(req.method())
            && req.headers().get(http::header::AUTHORIZATION).is_none()
            && !security::json_change_allowed(req) =>
        {
            Ok(json_error(
                StatusCode::FORBIDDEN,
                "a change needs the console's own page: the same origin and its X-CSRF-Token",
            ))
        }
        p if p == "/api/v1/owner/me/two-factor"
            || p.starts_with("/api/v1/owner/me/two-factor/") =>
        {
            // The owner's own setting: their session only (never the bearer token), and open
            // while owners.yaml still waits for it to be turned on.
            let Some(owner) = owner::signed_in_owner(ctx, req).await? else {
                return Ok(json_error(
                    StatusCode::UNAUTHORIZED,
                    "sign in at /owner/login/ first",
                ));
            };
            let action = p["/api/v1/owner/me/two-factor".len()..].trim_start_matches('/');
            two_factor::api(ctx, req, &Account::Owner(owner.email), action).await
        }
        "/api/v1/owner/me/password" if post => match owner::signed_in_owner(ctx, req).await? {
            Some(owner) => accounts::change_password(ctx, req, &Account::Owner(owner.email)).await,
            None => Ok(json_error(
                StatusCode::UNAUTHORIZED,
                "sign in at /owner/login/ first",
            )),
        },
        "/api/v1/owner/payable" if get => payouts::owner_payable(ctx, req).await,
        "/api/v1/owner/payouts/plan" if get => payout_runs::get_plan(ctx, req).await,
        p if post && p.starts_with("/api/v1/owner/payouts/runs/") => {
            payout_runs::mark_paid(ctx, req, &p["/api/v1/owner/payouts/runs/".len()..]).await
        }
        "/api/v1/owner/overview" if get => overview::overview(ctx, req).await,
        "/api/v1/owner/setup" if get => setup::setup(ctx, req).await,
        "/api/v1/owner/mail/test" if post => mail_test::send(ctx, req).await,
        "/api/v1/owner/partners" if get => overview::partners(ctx, req).await,
        "/api/v1/owner/activity" if get => console::activity(ctx, req).await,
        "/api/v1/owner/scheduled" if post => owner::run_scheduled(ctx, req).await,
        "/api/v1/owner/risk" if get => reviews::flagged(ctx, req).await,
        p if post && p.starts_with("/api/v1/owner/conversions/") => {
            reviews::decide(ctx, req, &p["/api/v1/owner/conversions/".len()..]).await
        }
        p if post && p.starts_with("/api/v1/owner/partners/") && p.ends_with("/risk/clear") => {
            let code = &p["/api/v1/owner/partners/".len()..p.len() - "/risk/clear".len()];
            match pc_core::PartnerCode::parse(code) {
                Ok(code) => partner_risk::clear(ctx, req, code.as_str()).await,
                Err(_) => Ok(json_error(StatusCode::NOT_FOUND, "no such partner")),
            }
        }
        p if post && p.starts_with("/api/v1/owner/partners/") && p.ends_with("/adjustments") => {
            let code = &p["/api/v1/owner/partners/".len()..p.len() - "/adjustments".len()];
            match pc_core::PartnerCode::parse(code) {
                Ok(code) => adjustments::add(ctx, req, code.as_str()).await,
                Err(_) => Ok(json_error(StatusCode::NOT_FOUND, "no such partner")),
            }
        }
        p if post && p.starts_with("/api/v1/owner/partners/") => {
            payout_guard::partner_action(ctx, req, &p["/api/v1/owner/partners/".len()..]).await
        }
        p if get && p.starts_with("/api/v1/owner/partners/") => {
            match pc_core::PartnerCode::parse(&p["/api/v1/owner/partners/".len()..]) {
                Ok(code) => console::partner(ctx, req, code.as_str()).await,
                Err(_) => Ok(json_error(StatusCode::NOT_FOUND, "no such partner")),
            }
        }
        p if p.starts_with("/api/v1/owner/as/") => view_as::api(ctx, req).await,
        "/api/v1/owner/applications" if get => applications::list(ctx, req).await,
        "/api/v1/owner/profiles" if get => profile::pending_for_owner(ctx, req).await,
        p if post && p.starts_with("/api/v1/owner/applications/") => {
            let rest = &p["/api/v1/owner/applications/".len()..];
            match rest.split_once('/') {
                Some((code, action @ ("approve" | "reject")))
                    if pc_core::PartnerCode::parse(code).is_ok() =>
                {
                    applications::decide(ctx, req, code, action == "approve").await
                }
                _ => Ok(json_error(
                    StatusCode::NOT_FOUND,
                    "use /api/v1/owner/applications/<code>/approve or /reject",
                )),
            }
        }
        p if get && p.starts_with("/api/v1/me/ledger/") => {
            // Ids contain `:` (`payout:PP-7`), which browsers send percent-encoded.
            let id = percent_encoding::percent_decode_str(&p["/api/v1/me/ledger/".len()..])
                .decode_utf8_lossy()
                .into_owned();
            let Some((partner, auth)) = auth::signed_in(ctx, req).await? else {
                return Ok(json_error(StatusCode::UNAUTHORIZED, "sign in first"));
            };
            if let Some(refused) = two_factor::unenrolled(ctx, &auth).await? {
                return Ok(refused);
            }
            reports::ledger::explain(ctx, partner.as_str(), &id).await
        }
        p if get && p.starts_with("/api/v1/me/") => {
            let name = &p["/api/v1/me/".len()..];
            if !reports::REPORTS.contains(&name) {
                return Ok(json_error(StatusCode::NOT_FOUND, "no such report"));
            }
            let Some((partner, auth)) = auth::signed_in(ctx, req).await? else {
                return Ok(json_error(StatusCode::UNAUTHORIZED, "sign in first"));
            };
            if let Some(refused) = two_factor::unenrolled(ctx, &auth).await? {
                return Ok(refused);
            }
            reports::report(ctx, req, partner.as_str(), name).await
        }
        p if p.starts_with("/api/") => Ok(json_error(StatusCode::NOT_FOUND, "no such API route")),
        p if get && p.starts_with("/assets/") => portal::asset(ctx, req).await,
        "/pc.js" if get => portal::tracking_script(ctx).await,
        _ if get => ctx.not_found().await,
        _ => Ok(http_util::text(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed.",
        )),
    }
}

/// Whether a change at `path` is a browser's (a form, a page's `fetch`), so needs the origin
/// proof. Not: the signed machine-to-machine calls (events, store webhooks) and owner API
/// calls with the bearer token.
fn needs_origin_proof(path: &str, req: &Request) -> bool {
    let machine = path == "/api/v1/events"
        || path == "/api/v1/script-hit"
        || path.starts_with("/api/v1/integrations/")
        || (path.starts_with("/api/v1/owner/")
            && req.headers().contains_key(http::header::AUTHORIZATION));
    !machine
}

/// `GET /api/v1/build`: the build id that is live (KV `config:build`), so a deploy (or a
/// test) can wait until its build answers instead of waiting for a while.
async fn build_info<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Response, PlatformError> {
    let live = ctx.platform.kv_get("config:build").await?;
    let build: serde_json::Value = live
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_else(|| serde_json::json!({ "build_id": null }));
    Ok(http_util::json(StatusCode::OK, &build))
}

/// `/login` → `/login/` (keeping the query).
fn with_slash(req: &Request) -> Response {
    let location = match req.uri().query() {
        Some(q) => format!("{}/?{q}", req.uri().path()),
        None => format!("{}/", req.uri().path()),
    };
    redirect(StatusCode::PERMANENT_REDIRECT, &location)
}
