//! My Profile: the partner's own changes, as JSON (`/api/v1/me/profile`) or the page's form.

use http::StatusCode;
use serde::Deserialize;

use pc_core::AccountChange;

use super::Ctx;
use super::accounts::reauth::{self, Proof};
use crate::http_util::{self, MAX_BODY, field, form, json, json_error, see_other};
use crate::platform::{Platform, PlatformError};
use crate::security::csrf_ok;
use crate::store::{self, Profile};
use crate::{Request, Response};

/// The editable fields as sent by the form or the API.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    name: String,
    #[serde(default)]
    company: Option<String>,
    email: String,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    address: Option<String>,
    /// The current password: needed to change the e-mail address.
    #[serde(default)]
    password: Option<String>,
    /// A code from the authenticator app: needed besides to change the e-mail address when
    /// two-step sign-in is on.
    #[serde(default)]
    two_factor_code: Option<String>,
}

/// Why an update was refused: the field and a message for the partner.
#[derive(Debug, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub message: &'static str,
}

fn clean(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().replace("\r\n", "\n"))
        .filter(|v| !v.is_empty())
}

fn no_controls(text: &str, newlines: bool) -> bool {
    pc_core::text::unsafe_char(text, newlines).is_none()
}

impl ProfileInput {
    /// Validates and normalises (trims; empty optional fields become absent).
    pub fn validate(self) -> Result<Profile, Invalid> {
        let name = self.name.trim().to_owned();
        let email = self.email.trim().to_owned();
        let company = clean(self.company);
        let phone = clean(self.phone);
        let address = clean(self.address);
        let bad = |field, message| Err(Invalid { field, message });
        if name.is_empty() || name.chars().count() > 120 || !no_controls(&name, false) {
            return bad("name", "Give a name of 1 to 120 characters.");
        }
        let email_ok = crate::http_util::valid_email(&email);
        if !email_ok {
            return bad("email", "Give a valid e-mail address.");
        }
        if company
            .as_ref()
            .is_some_and(|c| c.chars().count() > 120 || !no_controls(c, false))
        {
            return bad("company", "A company name can be at most 120 characters.");
        }
        if phone.as_ref().is_some_and(|p| {
            p.len() > 40
                || !p
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        }) {
            return bad(
                "phone",
                "A phone number has digits, spaces and + - ( ) only.",
            );
        }
        if address
            .as_ref()
            .is_some_and(|a| a.chars().count() > 500 || !no_controls(a, true))
        {
            return bad("address", "An address can be at most 500 characters.");
        }
        Ok(Profile {
            name,
            company,
            email,
            phone,
            address,
        })
    }
}

/// `GET /api/v1/me/profile`.
pub async fn get<P: Platform>(ctx: &Ctx<'_, P>, code: &str) -> Result<Response, PlatformError> {
    let Some((content, update)) = store::profile(ctx.platform, code).await? else {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such partner"));
    };
    let current = update.unwrap_or(content);
    let mut value = serde_json::to_value(&current).unwrap_or_default();
    value["code"] = code.into();
    Ok(json(StatusCode::OK, &value))
}

/// `PUT /api/v1/me/profile` with a JSON body.
pub async fn put<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    code: &str,
) -> Result<Response, PlatformError> {
    let is_json = http_util::header_str(req, "content-type")
        .is_some_and(|t| t.starts_with("application/json"));
    if !is_json {
        return Ok(json_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send JSON (Content-Type: application/json)",
        ));
    }
    if req.body().len() > MAX_BODY {
        return Ok(json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the body is too large",
        ));
    }
    let input: ProfileInput = match serde_json::from_slice(req.body()) {
        Ok(input) => input,
        Err(e) => {
            return Ok(json_error(
                StatusCode::BAD_REQUEST,
                &format!("malformed profile: {e}"),
            ));
        }
    };
    let password = input.password.clone();
    let two_factor_code = input.two_factor_code.clone();
    match input.validate() {
        Ok(profile) => {
            let proof = Proof {
                password: password.as_deref(),
                two_factor_code: two_factor_code.as_deref(),
            };
            if let Some(refused) = save(ctx, req, code, &profile, proof).await? {
                return Ok(refused);
            }
            get(ctx, code).await
        }
        Err(invalid) => Ok(json(
            StatusCode::UNPROCESSABLE_ENTITY,
            &serde_json::json!({ "error": invalid.message, "field": invalid.field }),
        )),
    }
}

/// Saves `profile`. A new e-mail address receives the password links, so changing it needs
/// the password (and a code) and is told to the address before: `Some` is the refusal.
async fn save<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    code: &str,
    profile: &Profile,
    proof: Proof<'_>,
) -> Result<Option<Response>, PlatformError> {
    let account = pc_core::PartnerCode::parse(code)
        .ok()
        .map(store::Account::Partner);
    let (Some(account), Some(auth)) = (account, store::partner_auth(ctx.platform, code).await?)
    else {
        return Ok(Some(json_error(StatusCode::UNAUTHORIZED, "sign in first")));
    };
    let email_changes = !auth.email.eq_ignore_ascii_case(profile.email.trim());
    if email_changes
        && let Some(refused) = reauth::confirm(
            ctx,
            req,
            &account,
            &auth.account(),
            proof,
            "your e-mail address",
        )
        .await?
    {
        return Ok(Some(refused));
    }
    store::save_profile(ctx.platform, code, profile, ctx.now).await?;
    if email_changes && let store::Account::Partner(partner) = &account {
        super::not_me::tell_previous_address(
            ctx,
            req,
            partner,
            &auth.name,
            &auth.email,
            AccountChange::Email,
            &format!(" Its new address is {}.", profile.email),
        )
        .await?;
    }
    Ok(None)
}

/// `POST /portal/profile` from the page's form.
pub async fn post_form<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    code: &str,
) -> Result<Response, PlatformError> {
    let Some(fields) = form(req) else {
        return Ok(http_util::text(
            StatusCode::BAD_REQUEST,
            "Send the profile form.",
        ));
    };
    if !csrf_ok(req, field(&fields, "csrf")) {
        return Ok(http_util::text(
            StatusCode::FORBIDDEN,
            "The form expired; reload the page and try again.",
        ));
    }
    let text = |name| field(&fields, name).map(str::to_owned);
    let input = ProfileInput {
        name: text("name").unwrap_or_default(),
        company: text("company"),
        email: text("email").unwrap_or_default(),
        phone: text("phone"),
        address: text("address"),
        password: None,
        two_factor_code: None,
    };
    let back = req
        .headers()
        .get("referer")
        .and_then(|r| r.to_str().ok())
        .filter(|r| r.ends_with("/portal/"))
        .map_or("/portal/profile/", |_| "/portal/");
    match input.validate() {
        Ok(profile) => {
            let proof = Proof {
                password: field(&fields, "password"),
                two_factor_code: field(&fields, "two_factor_code"),
            };
            if save(ctx, req, code, &profile, proof).await?.is_some() {
                return Ok(see_other(
                    "/portal/profile/?status=passwordneeded#profile-edit",
                ));
            }
            Ok(see_other(&format!("{back}?status=saved")))
        }
        Err(_) => Ok(see_other(&format!("{back}?status=invalid"))),
    }
}

/// `GET /api/v1/owner/profiles` (owner token): partners' profile changes that the content does
/// not have yet, with the content's values beside them (`partner-center profiles pull`).
pub async fn pending_for_owner<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    if let Some(refusal) = super::owner::owner_refusal(ctx, req) {
        return Ok(refusal);
    }
    let rows = crate::store::pending_profiles(ctx.platform).await?;
    Ok(http_util::json(
        StatusCode::OK,
        &serde_json::json!({ "profiles": rows }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, email: &str, phone: Option<&str>) -> ProfileInput {
        ProfileInput {
            name: name.into(),
            company: Some("  ".into()),
            email: email.into(),
            phone: phone.map(Into::into),
            address: Some("1 Road\r\nTown".into()),
            password: None,
            two_factor_code: None,
        }
    }

    #[test]
    fn validates_and_normalises() {
        let p = input(" Ann ", "ann@x.example", Some("+1 (555) 010-2"))
            .validate()
            .unwrap();
        assert_eq!(p.name, "Ann");
        assert_eq!(p.company, None);
        assert_eq!(p.address.as_deref(), Some("1 Road\nTown"));
        assert_eq!(
            input("", "a@b.example", None).validate().unwrap_err().field,
            "name"
        );
        assert_eq!(
            input("Ann", "not-an-email", None)
                .validate()
                .unwrap_err()
                .field,
            "email"
        );
        assert_eq!(
            input("Ann", "a@b.example", Some("call me"))
                .validate()
                .unwrap_err()
                .field,
            "phone"
        );
        assert_eq!(
            input("A\u{0}nn", "a@b.example", None)
                .validate()
                .unwrap_err()
                .field,
            "name"
        );
    }
}
