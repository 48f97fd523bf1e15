//! `POST /api/v1/owner/mail/test` (an admin, or the owner token): a test mail through the
//! configured provider to the sending address itself (`MAIL_FROM`), answered with what the
//! provider said, so that `doctor --remote` can tell a refused key or an unverified domain
//! before a partner misses an invitation. Nothing is kept in the outbox.

use http::StatusCode;
use serde_json::json;

use super::{Need, access};
use crate::http_util::{json as json_response, json_error};
use crate::platform::{Mail, Platform, PlatformError};
use crate::routes::Ctx;
use crate::{Request, Response, mail};

/// The address in `MAIL_FROM` (`Brightloom Partners <partners@example.com>` or bare).
fn address_of(from: &str) -> &str {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(open), Some(close)) if open < close => from[open + 1..close].trim(),
        _ => from.trim(),
    }
}

pub async fn send<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response, PlatformError> {
    if let Err(refusal) = access(ctx, req, Need::Admin).await? {
        return Ok(refusal);
    }
    let from = ctx.platform.env("MAIL_FROM").unwrap_or_default();
    let to = address_of(&from).to_owned();
    if !pc_core::ids::plausible_email(&to) {
        return Ok(json_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "MAIL_FROM is not set to an e-mail address",
        ));
    }
    let test = Mail {
        to: to.clone(),
        subject: "Partner Center: a test mail".into(),
        body: "This is a test mail from `partner-center doctor`, sent to the portal's own \
               sending address to check its mail settings. Nothing to do."
            .into(),
    };
    Ok(match mail::send_now(ctx.platform, &test).await {
        Ok(provider) => json_response(
            StatusCode::OK,
            &json!({ "sent": true, "provider": provider, "to": to }),
        ),
        Err(why) => json_error(StatusCode::BAD_GATEWAY, &why),
    })
}

#[cfg(test)]
mod tests {
    use super::address_of;

    #[test]
    fn the_address_is_taken_from_a_named_sender() {
        assert_eq!(
            address_of("Brightloom Partners <partners@brightloom.example>"),
            "partners@brightloom.example"
        );
        assert_eq!(address_of(" partners@x.example "), "partners@x.example");
    }
}
