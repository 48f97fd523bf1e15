//! Partner applications, the applicant's side: `GET/POST /join`, and what sign-in says to an
//! applicant. The owner's side is in `owner/applications.rs`.
//!
//! An application never creates or changes a partner: partners exist only in the owner's
//! content. Approval moves the chosen password to `credentials`; the partner can sign in once
//! the owner's commit (the partner's YAML) is deployed.

mod applicants;
mod disposable;

use http::StatusCode;
use pc_core::PartnerCode;
use pc_core::password::check_new_password;

use super::accounts::{client, hash_password};
use super::{Ctx, Notice};
use crate::http_util::{field, form};
use crate::platform::{Mail, Platform, PlatformError};
use crate::security::{csrf_ok, escape_html};
use crate::store::applications::NewApplication;
use crate::store::{self, Limit};
use crate::{Request, Response};
pub use applicants::{SignupConfig, application_status, signup_config};
use applicants::{code_taken, generated_code};

/// Attempts per client address an hour (typos and retries included).
const JOIN_PER_CLIENT: Limit = Limit {
    max: 20,
    window_seconds: 3600,
};
/// A form sent sooner than this after the page was served is a bot's.
const MIN_FORM_SECONDS: i64 = 3;
const MAX_FORM_SECONDS: i64 = 24 * 3600;
const FORM_AGE_PURPOSE: &str = "join-form";

/// What the applicant typed, put back into the form after a refusal (never the passwords).
fn kept(typed: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(code) = field(typed, "ref").and_then(|c| PartnerCode::parse(c).ok()) {
        out.push(referral_slot(&code));
    }
    for name in ["name", "email", "company", "website", "phone", "code"] {
        if let Some(value) = field(typed, name).filter(|v| !v.is_empty()) {
            let from = format!(r#"id="j-{name}" name="{name}""#);
            let to = format!(r#"{from} value="{}""#, escape_html(value));
            out.push((from, to));
        }
    }
    if let Some(value) = field(typed, "promotion").filter(|v| !v.is_empty()) {
        out.push((
            "></textarea>".to_owned(),
            format!(">{}</textarea>", escape_html(value)),
        ));
    }
    let chosen: Vec<&str> = typed
        .iter()
        .filter(|(k, _)| k == "programs")
        .map(|(_, v)| v.as_str())
        .collect();
    if !chosen.is_empty() {
        // The form's default choice gives way to the applicant's.
        out.push((r#"" checked>"#.to_owned(), r#"">"#.to_owned()));
        for program in chosen {
            let value = escape_html(program);
            out.push((
                format!(r#"name="programs" type="checkbox" value="{value}">"#),
                format!(r#"name="programs" type="checkbox" value="{value}" checked>"#),
            ));
        }
    }
    if field(typed, "terms") == Some("accepted") {
        out.push((
            r#"value="accepted" required>"#.to_owned(),
            r#"value="accepted" required checked>"#.to_owned(),
        ));
    }
    out
}

/// The recruitment link's partner code, carried by the form (`/join?ref=<code>`).
fn referral_slot(code: &PartnerCode) -> (String, String) {
    (
        r#"name="ref" value="" data-ref"#.to_owned(),
        format!(r#"name="ref" value="{code}" data-ref"#),
    )
}

/// The form's text fields, what is said when one holds a character it may not, and whether it
/// may have several lines.
const FIELDS_AS_DATA: [(&str, &str, bool); 7] = [
    (
        "name",
        "Your name must be one line of plain text (no line breaks or control characters).",
        false,
    ),
    ("email", "Give a valid e-mail address.", false),
    (
        "company",
        "The company must be one line of plain text (no line breaks or control characters).",
        false,
    ),
    (
        "website",
        "The website must be an address starting with https://",
        false,
    ),
    (
        "phone",
        "The phone number must be one line of plain text.",
        false,
    ),
    (
        "promotion",
        "How you promote may have several lines, but no other line or paragraph separators or control characters.",
        true,
    ),
    (
        "code",
        "A partner code has 3 to 32 lowercase letters, digits, - or _.",
        false,
    ),
];

async fn join_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    status: StatusCode,
    notice: Option<Notice>,
    message: Option<&str>,
    typed: &[(String, String)],
) -> Result<Response, PlatformError> {
    let token = ctx.config.keys.sign(FORM_AGE_PURPOSE, &ctx.now.to_string());
    let mut replacements = vec![(
        r#"value="" data-form-age"#.to_owned(),
        format!(r#"value="{token}" data-form-age"#),
    )];
    replacements.extend(kept(typed));
    if let Some(message) = message {
        // A message of this request (not one of the fixed notices), escaped.
        replacements.push((
            r#"<p class="notice" role="status" data-notice hidden></p>"#.to_owned(),
            format!(
                r#"<p class="notice{}" role="status" data-notice>{}</p>"#,
                if status.is_success() { "" } else { " error" },
                escape_html(message)
            ),
        ));
    }
    ctx.page("join/index.html", status, notice, &replacements)
        .await
}

/// `GET /join/`, or `/join/?ref=<code>` from a partner's recruitment link.
pub async fn form_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let q = crate::http_util::query(req);
    let referred: Vec<(String, String)> = field(&q, "ref")
        .map(|r| vec![("ref".to_owned(), r.to_owned())])
        .unwrap_or_default();
    join_page(ctx, StatusCode::OK, None, None, &referred).await
}

/// `POST /join`.
#[allow(clippy::too_many_lines)]
pub async fn apply<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let fields = form(req).unwrap_or_default();
    if !csrf_ok(req, field(&fields, "csrf")) {
        return join_page(
            ctx,
            StatusCode::FORBIDDEN,
            Some(Notice::FormExpired),
            None,
            &fields,
        )
        .await;
    }
    let client_key = format!("join:client:{}", client(req));
    if !store::attempt(ctx.platform, &client_key, JOIN_PER_CLIENT, ctx.now)
        .await?
        .allowed
    {
        return join_page(
            ctx,
            StatusCode::TOO_MANY_REQUESTS,
            Some(Notice::Limited),
            None,
            &fields,
        )
        .await;
    }
    let typed = &fields;
    let refuse = |status, message: &'static str| async move {
        join_page(ctx, status, None, Some(message), typed).await
    };
    // The honeypot: people never see this field.
    if field(&fields, "nickname").is_some_and(|v| !v.is_empty()) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "The application could not be accepted.",
        )
        .await;
    }
    let served_at = field(&fields, "form_age")
        .and_then(|t| ctx.config.keys.verify(FORM_AGE_PURPOSE, t).ok())
        .and_then(|t| t.parse::<i64>().ok());
    match served_at {
        Some(t) if ctx.now - t < MIN_FORM_SECONDS => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "That was very quick. Please check the form and send it again.",
            )
            .await;
        }
        Some(t) if ctx.now - t <= MAX_FORM_SECONDS => {}
        _ => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "The form expired. Please fill it in again.",
            )
            .await;
        }
    }
    let Some(config) = signup_config(ctx.platform).await?.filter(|c| c.open) else {
        return refuse(
            StatusCode::FORBIDDEN,
            "Applications are closed at the moment.",
        )
        .await;
    };
    // What applicants type becomes a partner file the owner commits: a line break of any
    // kind (U+2028, U+0085, …) or a control character is refused, never carried along.
    for (name, message, newlines) in FIELDS_AS_DATA {
        if field(&fields, name).is_some_and(|v| {
            pc_core::text::unsafe_char(&v.replace("\r\n", "\n"), newlines).is_some()
        }) {
            return refuse(StatusCode::BAD_REQUEST, message).await;
        }
    }
    let text = |name: &str, max: usize| {
        field(&fields, name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| v.replace("\r\n", "\n"))
            .filter(|v| v.chars().count() <= max)
    };
    let name = text("name", 120);
    let email = text("email", 254).map(|e| e.to_ascii_lowercase());
    let company = text("company", 120);
    let website = text("website", 200);
    let phone = text("phone", 40);
    let promotion = text("promotion", 1000);
    let (Some(name), Some(email)) = (name, email.filter(|e| crate::http_util::valid_email(e)))
    else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Give your name and a valid e-mail address.",
        )
        .await;
    };
    for (required, value) in [
        ("company", &company),
        ("website", &website),
        ("phone", &phone),
        ("promotion", &promotion),
    ] {
        if config.required.iter().any(|r| r == required) && value.is_none() {
            return refuse(
                StatusCode::BAD_REQUEST,
                "Please fill in every required field.",
            )
            .await;
        }
    }
    if website.as_ref().is_some_and(|w| {
        !(w.starts_with("https://") || w.starts_with("http://")) || url::Url::parse(w).is_err()
    }) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "The website must be an address starting with https://",
        )
        .await;
    }
    let programs: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "programs")
        .map(|(_, v)| v.clone())
        .filter(|p| config.programs.contains(p))
        .collect();
    if programs.is_empty() {
        return refuse(StatusCode::BAD_REQUEST, "Choose at least one program.").await;
    }
    if field(&fields, "terms") != Some("accepted") {
        return refuse(StatusCode::BAD_REQUEST, "Please accept the partner terms.").await;
    }
    let password = field(&fields, "password").unwrap_or("");
    if check_new_password(password).is_err() {
        return join_page(
            ctx,
            StatusCode::BAD_REQUEST,
            Some(Notice::Weak),
            None,
            &fields,
        )
        .await;
    }
    if field(&fields, "confirm") != Some(password) {
        return join_page(
            ctx,
            StatusCode::BAD_REQUEST,
            Some(Notice::Mismatch),
            None,
            &fields,
        )
        .await;
    }
    let code = if let Some(wanted) = text("code", 32).map(|c| c.to_ascii_lowercase()) {
        let Ok(code) = PartnerCode::parse(&wanted) else {
            return refuse(
                StatusCode::BAD_REQUEST,
                "A partner code has 3 to 32 lowercase letters, digits, - or _.",
            )
            .await;
        };
        if code_taken(ctx, code.as_str()).await? {
            return refuse(StatusCode::CONFLICT, "That partner code is taken. Choose another, or leave it empty and we will make one.").await;
        }
        code.to_string()
    } else {
        let mut code = generated_code(&ctx.platform.random_bytes(6));
        for _ in 0..8 {
            if !code_taken(ctx, &code).await? {
                break;
            }
            code = generated_code(&ctx.platform.random_bytes(6));
        }
        code
    };
    // risk.yaml's rules for applications: a disposable address is flagged for the owner (or,
    // in the block band, refused).
    let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
    let rules = crate::risk::rules(ctx.platform).await?;
    let risk = if rules.rules.disposable_email.is_some() {
        let list = disposable::list(ctx.platform).await?;
        rules.application(domain, &|d: &str| disposable::is_disposable(&list, d))
    } else {
        pc_core::risk::Assessment::default()
    };
    if risk.band == pc_core::risk::Band::Block {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Please apply with an e-mail address you keep: this one is from a disposable e-mail service.",
        )
        .await;
    }
    let risk_fired =
        (!risk.fired.is_empty()).then(|| serde_json::to_string(&risk.fired).unwrap_or_default());
    // A recruitment link's partner becomes the parent on approval, if they are an active
    // partner (any other code is left out, not refused: the applicant did nothing wrong).
    let referred_by = match field(&fields, "ref").and_then(|r| PartnerCode::parse(r).ok()) {
        Some(recruiter)
            if recruiter.as_str() != code
                && store::applications::recruiter_active(ctx.platform, recruiter.as_str())
                    .await? =>
        {
            Some(recruiter.to_string())
        }
        _ => None,
    };
    // An address that already belongs to a partner or an application gets the same answer here
    // (no enumeration); the e-mail tells its owner what happened.
    let known = store::applications::email_known(ctx.platform, &email).await?;
    let phc = hash_password(ctx, password).await?;
    if known {
        crate::mail::send(ctx.platform, Mail {
                to: email.clone(),
                subject: format!("Your application to {}", config.portal_name),
                body: format!(
                    "Hello {name},\n\nSomeone applied to {} with this e-mail address, which already has a partner account or an application.\n\
                     If you forgot your password, use \"Forgot your password?\" on the sign-in page. If this was not you, ignore this e-mail.\n",
                    config.portal_name
                ),
            })
            .await?;
    } else {
        let stored = ctx
            .platform
            .batch(vec![store::applications::apply(NewApplication {
                code: &code,
                name: &name,
                email: &email,
                company,
                website,
                phone,
                promotion,
                programs: serde_json::to_string(&programs).unwrap_or_default(),
                password_hash: phc,
                risk_fired,
                referred_by,
                now: ctx.now,
            })])
            .await;
        if stored.is_err() {
            // Taken between the check and the insert.
            return refuse(StatusCode::CONFLICT, "That partner code is taken. Choose another, or leave it empty and we will make one.").await;
        }
        crate::mail::send(ctx.platform, Mail {
                to: email.clone(),
                subject: format!("We received your application to {}", config.portal_name),
                body: format!(
                    "Hello {name},\n\nThank you for applying. Your partner code will be {code}. We review every application and will\n\
                     e-mail you when it is approved; then sign in with {code} and the password you chose.\n"
                ),
            })
            .await?;
        crate::notify::application_received(ctx, &code).await?;
    }
    let thanks = format!(
        "Thank you, {name}! Your application is in. Your partner code will be {code}. We will e-mail {email} when it is reviewed."
    );
    let mut response = join_page(ctx, StatusCode::OK, None, Some(&thanks), &[]).await?;
    // The form is done: show only the answer.
    let html = String::from_utf8_lossy(response.body()).into_owned();
    if let (Some(start), Some(end)) = (
        html.find("<form method=\"post\" action=\"/join\""),
        html.find("</form>"),
    ) {
        let trimmed = format!("{}{}", &html[..start], &html[end + "</form>".len()..]);
        *response.body_mut() = trimmed.into_bytes();
    }
    Ok(response)
}
