//! What is known about applicants, shared by the form, sign-in and the owner's console: the
//! sign-up settings, partner codes (made up or taken), and an application's state.

use pc_core::password::PasswordHash;
use serde_json::Value;

use crate::platform::{Platform, PlatformError, Statement};
use crate::routes::Ctx;

pub use crate::store::applications::{SignupConfig, signup_config};

/// A partner code that is easy to read and type: three letters and three digits, without
/// look-alikes (like the seed's `abc123`).
pub(super) fn generated_code(bytes: &[u8]) -> String {
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyz";
    const DIGITS: &[u8] = b"23456789";
    (0..6)
        .map(|i| {
            let b = usize::from(bytes.get(i).copied().unwrap_or(0));
            char::from(if i < 3 {
                LETTERS[b % LETTERS.len()]
            } else {
                DIGITS[b % DIGITS.len()]
            })
        })
        .collect()
}

pub(super) async fn code_taken<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
) -> Result<bool, PlatformError> {
    let rows = ctx
        .platform
        .query(Statement::new(
            "SELECT 1 AS taken FROM partners WHERE code = ? UNION ALL \
             SELECT 1 FROM applications WHERE code = ? AND status <> 'rejected'",
            vec![code.into(), code.into()],
        ))
        .await?;
    Ok(!rows.is_empty())
}

/// The state of an application whose password matches, for the sign-in page.
pub async fn application_status<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    password: &str,
) -> Result<Option<String>, PlatformError> {
    let rows = ctx
        .platform
        .query(Statement::new(
            "SELECT status, password_hash FROM applications WHERE code = ?",
            vec![code.into()],
        ))
        .await?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    let status = row
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let Some(hash) = row
        .get("password_hash")
        .and_then(Value::as_str)
        .and_then(PasswordHash::parse)
    else {
        return Ok(None);
    };
    let derived = ctx
        .platform
        .pbkdf2_sha256(password.as_bytes(), &hash.salt, hash.iterations)
        .await?;
    Ok(hash.matches(&derived).then_some(status))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pc_core::PartnerCode;

    #[test]
    fn generated_codes_look_like_the_seed() {
        let code = generated_code(&[0, 1, 2, 3, 4, 5]);
        assert_eq!(code, "abc567");
        assert!(PartnerCode::parse(&generated_code(&[255; 6])).is_ok());
    }
}
