//! Partner applications, the owner's side: `GET /api/v1/owner/applications` and
//! `POST /api/v1/owner/applications/<code>/approve|reject`.
//!
//! An application never creates or changes a partner: partners exist only in the owner's
//! content. Approval moves the chosen password to `credentials`; the partner can sign in once
//! the owner's commit (the partner's YAML) is deployed.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Need, access, audit};
use crate::http_util::{json as json_response, json_error};
use crate::platform::{Mail, Platform, PlatformError, Statement};
use crate::routes::Ctx;
use crate::routes::join::signup_config;
use crate::{Request, Response};

/// `GET /api/v1/owner/applications`: the pending applications.
pub async fn list<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response, PlatformError> {
    if let Err(refusal) = access(ctx, req, Need::Read).await? {
        return Ok(refusal);
    }
    let rows = ctx
        .platform
        .query(Statement::new(
            "SELECT code, name, email, company, website, phone, promotion, programs, created_at FROM applications \
             WHERE status = 'pending' ORDER BY created_at",
            vec![],
        ))
        .await?;
    let applications: Vec<Value> = rows
        .into_iter()
        .map(|mut r| {
            let programs = r
                .get("programs")
                .and_then(Value::as_str)
                .and_then(|p| serde_json::from_str::<Value>(p).ok())
                .unwrap_or(Value::Array(Vec::new()));
            r.insert("programs".into(), programs);
            Value::Object(r)
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({ "applications": applications }),
    ))
}

/// The owner's decision body: `{"reason": "…"}` (for rejections).
#[derive(Debug, Deserialize, Default)]
struct Decision {
    #[serde(default)]
    reason: Option<String>,
}

fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{{ {name} }}}}"), value);
    }
    out
}

/// `POST /api/v1/owner/applications/<code>/approve|reject`.
pub async fn decide<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    code: &str,
    approve: bool,
) -> Result<Response, PlatformError> {
    let who = match access(ctx, req, Need::Admin).await? {
        Ok(who) => who,
        Err(refusal) => return Ok(refusal),
    };
    let rows = ctx
        .platform
        .query(Statement::new(
            "SELECT code, name, email, company, website, phone, promotion, programs, password_hash FROM applications \
             WHERE code = ? AND status = 'pending'",
            vec![code.into()],
        ))
        .await?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(json_error(
            StatusCode::NOT_FOUND,
            "no pending application with this code",
        ));
    };
    let get = |k: &str| {
        row.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let decision: Decision = serde_json::from_slice(req.body()).unwrap_or_default();
    let reason = decision
        .reason
        .unwrap_or_default()
        .chars()
        .take(1000)
        .collect::<String>();
    let config = signup_config(ctx).await?;
    let portal_name = config
        .as_ref()
        .map_or("the partner portal", |c| c.portal_name.as_str())
        .to_owned();
    let portal_url = ctx.config.portal_url.clone().unwrap_or_default();
    let values = [
        ("name", get("name")),
        ("code", code.to_owned()),
        ("portal_name", portal_name.clone()),
        ("portal_url", portal_url),
        ("reason", reason.clone()),
    ];
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut statements = vec![Statement::new(
        "UPDATE applications SET status = ?, reason = ?, decided_at = ? WHERE code = ? AND status = 'pending'",
        vec![
            if approve { "approved" } else { "rejected" }.into(),
            reason.as_str().into(),
            ctx.now.into(),
            code.into(),
        ],
    )];
    statements.push(audit(
        who.who(),
        if approve {
            "approved the application of"
        } else {
            "rejected the application of"
        },
        Some(code),
        ctx.now,
    ));
    if approve {
        statements.push(Statement::new(
            "INSERT INTO credentials (partner, password_hash, session_version, updated_at) VALUES (?, ?, 0, ?) \
             ON CONFLICT (partner) DO UPDATE SET password_hash = excluded.password_hash, session_version = credentials.session_version + 1",
            vec![code.into(), get("password_hash").into(), ctx.now.into()],
        ));
    }
    ctx.platform.batch(statements).await?;
    let applicant = application_of(&row);
    let decisions_on = crate::notify::switches(ctx.platform).await?.decisions;
    let (subject, template) = match (&config, approve) {
        (Some(c), true) => (
            format!("Welcome to {portal_name}"),
            c.approval_email.clone(),
        ),
        (Some(c), false) => (
            format!("Your application to {portal_name}"),
            c.rejection_email.clone(),
        ),
        (None, _) => (
            format!("Your application to {portal_name}"),
            String::from("Hello {{ name }},\n\nYour application was reviewed.\n"),
        ),
    };
    if decisions_on {
        crate::mail::send(
            ctx.platform,
            Mail {
                to: get("email"),
                subject,
                body: fill(&template, &values),
            },
        )
        .await?;
    }
    let mut answer =
        json!({ "code": code, "status": if approve { "approved" } else { "rejected" } });
    if approve {
        // What makes the approval real: the partner's file in the content repository.
        let yaml = pc_core::application::partner_yaml(&applicant);
        answer["file"] = json!(format!("content/partners/{code}.yaml"));
        answer["yaml"] = json!(yaml);
        answer["command"] = json!(format!(
            "git add content/partners/{code}.yaml && git commit -m \"Approve partner {code}\" && git push"
        ));
    }
    Ok(json_response(StatusCode::OK, &answer))
}

/// An application row as `core` reads it (programs are stored as a JSON list).
fn application_of(row: &crate::platform::Row) -> pc_core::application::Application {
    let opt = |k: &str| {
        row.get(k)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    pc_core::application::Application {
        code: opt("code").unwrap_or_default(),
        name: opt("name").unwrap_or_default(),
        email: opt("email").unwrap_or_default(),
        company: opt("company"),
        website: opt("website"),
        phone: opt("phone"),
        promotion: opt("promotion"),
        programs: opt("programs")
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default(),
        created_at: 0,
    }
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
