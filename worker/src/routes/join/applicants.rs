//! What is known about applicants, shared by the form, sign-in and the owner's console: the
//! sign-up settings, partner codes (made up or taken), and an application's state.

use pc_core::password::PasswordHash;

use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::applications;

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
    applications::code_taken(ctx.platform, code).await
}

/// The state of an application whose password matches, for the sign-in page.
pub async fn application_status<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    password: &str,
) -> Result<Option<String>, PlatformError> {
    let Some((status, Some(hash))) = applications::applicant(ctx.platform, code).await? else {
        return Ok(None);
    };
    let Some(hash) = PasswordHash::parse(&hash) else {
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
