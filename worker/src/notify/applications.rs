//! The owners hear of new applications (at once, or in one digest for several); applicants hear
//! the owner's decision: a rejection at once, the welcome once their portal is live.

use std::fmt::Write as _;

use super::{APPLICATION_QUIET_SECONDS, portal_url, switches};
use crate::platform::{Mail, Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::applications::{self as applications, signup_config};

/// After `POST /join` stored an application: the owners hear of it now, unless they were told
/// of another one a moment ago (then the next frequent run sends a digest).
pub async fn application_received<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
) -> Result<(), PlatformError> {
    if !switches(ctx.platform).await?.new_applications {
        return Ok(());
    }
    if !applications::told_since(ctx.platform, ctx.now - APPLICATION_QUIET_SECONDS).await? {
        tell_owners_of_applications(ctx, Some(code)).await?;
    }
    Ok(())
}

/// Sends the owners one e-mail about the pending applications not yet told (only `only`, if
/// given) and marks them told.
pub(super) async fn tell_owners_of_applications<P: Platform>(
    ctx: &Ctx<'_, P>,
    only: Option<&str>,
) -> Result<usize, PlatformError> {
    let apps = applications::untold(ctx.platform, only).await?;
    if apps.is_empty() {
        return Ok(0);
    }
    let owners = crate::store::accounts::admins(ctx.platform).await?;
    let url = portal_url(ctx).await?;
    let subject = if apps.len() == 1 {
        format!("New partner application: {}", apps[0].name)
    } else {
        format!("{} new partner applications", apps.len())
    };
    let mut list = String::new();
    for a in &apps {
        let _ = writeln!(
            list,
            "- {} <{}>, code {}{}",
            a.name,
            a.email,
            a.code,
            a.website
                .as_deref()
                .filter(|w| !w.is_empty())
                .map_or_else(String::new, |w| format!(", {w}"))
        );
    }
    for owner in &owners {
        crate::mail::send(
            ctx.platform,
            Mail {
                to: owner.email.clone(),
                subject: subject.clone(),
                body: format!(
                    "Hello {},\n\n{}\n\n{list}\nReview them in the console: {url}/owner/applications/\n",
                    owner.name,
                    if apps.len() == 1 {
                        "A new partner application is waiting for you:"
                    } else {
                        "New partner applications are waiting for you:"
                    }
                ),
            },
        )
        .await?;
    }
    let told = apps
        .iter()
        .map(|a| applications::told(&a.code, ctx.now))
        .collect();
    ctx.platform.batch(told).await?;
    Ok(apps.len())
}

/// Approved applicants whose partner file is live now (deployed): their welcome e-mail, once.
pub(super) async fn welcome_live_applicants<P: Platform>(
    ctx: &Ctx<'_, P>,
) -> Result<usize, PlatformError> {
    let waiting = applications::live_unwelcomed(ctx.platform).await?;
    let mut welcomed = 0;
    for applicant in &waiting {
        // Claimed first: runs at the same time (the timer, a deploy, the owner API) welcome
        // each applicant once. A mail that cannot be sent stays in the outbox with the reason.
        let claimed = ctx
            .platform
            .execute(applications::welcomed(&applicant.code, ctx.now))
            .await?;
        if claimed == 1 {
            tell_applicant(
                ctx,
                &applicant.name,
                &applicant.email,
                &applicant.code,
                None,
            )
            .await?;
            welcomed += 1;
        }
    }
    Ok(welcomed)
}

/// E-mails an applicant the owner's decision: the welcome (`reason` none, once their portal is
/// live) or the rejection with its reason; as the owner switched decisions on or off.
pub async fn tell_applicant<P: Platform>(
    ctx: &Ctx<'_, P>,
    name: &str,
    email: &str,
    code: &str,
    rejected_because: Option<&str>,
) -> Result<(), PlatformError> {
    if !switches(ctx.platform).await?.decisions {
        return Ok(());
    }
    let config = signup_config(ctx.platform).await?;
    let portal_name = config
        .as_ref()
        .map_or("the partner portal", |c| c.portal_name.as_str())
        .to_owned();
    let portal_url = ctx.config.portal_url.clone().unwrap_or_default();
    let (subject, template) = match (&config, rejected_because) {
        (Some(c), None) => (
            format!("Welcome to {portal_name}"),
            c.approval_email.clone(),
        ),
        (Some(c), Some(_)) => (
            format!("Your application to {portal_name}"),
            c.rejection_email.clone(),
        ),
        (None, _) => (
            format!("Your application to {portal_name}"),
            String::from("Hello {{ name }},\n\nYour application was reviewed.\n"),
        ),
    };
    let values = [
        ("name", name),
        ("code", code),
        ("portal_name", portal_name.as_str()),
        ("portal_url", portal_url.as_str()),
        ("reason", rejected_because.unwrap_or_default()),
    ];
    crate::mail::send(
        ctx.platform,
        Mail {
            to: email.to_owned(),
            subject,
            body: fill(&template, &values),
        },
    )
    .await
}

fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{{ {name} }}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_fill_their_placeholders() {
        assert_eq!(
            fill(
                "Hi {{ name }}, {{ code }}!",
                &[("name", "Ann"), ("code", "abc123")]
            ),
            "Hi Ann, abc123!"
        );
    }
}
