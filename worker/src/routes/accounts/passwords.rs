//! Passwords: hashing, checking (counted against the limits before the check is made), and
//! setting a new one through a set-password link.

use pc_core::password::{
    HASH_LEN, MAX_PASSWORD_LEN, PasswordHash, SALT_LEN, WeakPassword, check_new_password,
};

use super::{Ctx, Kind};
use crate::http_util::{self, field};
use crate::platform::{Platform, PlatformError, Statement};
use crate::routes::Notice;
use crate::store::{self, Account, AccountAuth, Attempt, Limit};
use crate::{Request, Response};

/// Ten failed checks per account in 15 minutes; the 11th is refused unchecked.
pub const LOGIN_PER_CODE: Limit = Limit {
    max: 10,
    window_seconds: 15 * 60,
};
/// Per client address, to slow down guessing across many accounts.
pub const LOGIN_PER_CLIENT: Limit = Limit {
    max: 50,
    window_seconds: 15 * 60,
};

/// The client's address as the platform reports it (Cloudflare's header; the native server
/// overwrites it with the peer address).
pub fn client(req: &Request) -> String {
    http_util::header_str(req, "cf-connecting-ip")
        .unwrap_or("unknown")
        .chars()
        .take(64)
        .collect()
}

/// A password or code check counted against the account's limit (`limit_key`, see
/// [`Account::limit_key`]) and the client's, before it is made: `None` when either is used up
/// (refuse unchecked). A check that passes gives its slots back ([`Attempts::succeeded`]); a
/// failed one keeps them.
pub async fn count_attempt<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    limit_key: &str,
) -> Result<Option<Attempts>, PlatformError> {
    let by_account = store::attempt(ctx.platform, limit_key, LOGIN_PER_CODE, ctx.now).await?;
    let by_client = store::attempt(
        ctx.platform,
        &format!("login:client:{}", client(req)),
        LOGIN_PER_CLIENT,
        ctx.now,
    )
    .await?;
    Ok(
        (by_account.allowed && by_client.allowed).then_some(Attempts {
            by_account,
            by_client,
        }),
    )
}

/// The two counted attempts of one check.
#[derive(Debug)]
#[must_use = "a passed check gives its attempts back"]
pub struct Attempts {
    by_account: Attempt,
    by_client: Attempt,
}

impl Attempts {
    pub async fn succeeded(self, platform: &impl Platform) -> Result<(), PlatformError> {
        self.by_account.succeeded(platform).await?;
        self.by_client.succeeded(platform).await
    }
}

/// A new PHC hash of `password` with a random salt.
pub async fn hash_password<P: Platform>(
    ctx: &Ctx<'_, P>,
    password: &str,
) -> Result<String, PlatformError> {
    let salt = ctx.platform.random_bytes(SALT_LEN);
    let iterations = ctx.config.password_iterations;
    let hash = ctx
        .platform
        .pbkdf2_sha256(password.as_bytes(), &salt, iterations)
        .await?;
    Ok(PasswordHash {
        iterations,
        salt,
        hash: hash.to_vec(),
    }
    .to_phc())
}

/// Whether `password` matches `phc`. Without a stored hash, the same work is done against a
/// dummy, so timing does not tell whether an account exists.
async fn verify_password<P: Platform>(
    ctx: &Ctx<'_, P>,
    phc: Option<&str>,
    password: &str,
) -> Result<Option<PasswordHash>, PlatformError> {
    let parsed = phc
        .filter(|_| password.len() <= MAX_PASSWORD_LEN)
        .and_then(PasswordHash::parse);
    let (salt, iterations) = parsed.as_ref().map_or_else(
        || (vec![0u8; SALT_LEN], ctx.config.password_iterations),
        |h| (h.salt.clone(), h.iterations),
    );
    let derived = ctx
        .platform
        .pbkdf2_sha256(password.as_bytes(), &salt, iterations)
        .await?;
    debug_assert_eq!(derived.len(), HASH_LEN);
    Ok(parsed.filter(|h| h.matches(&derived)))
}

/// What a counted password check found.
#[derive(Debug)]
pub enum Checked {
    /// Over the limit: refused unchecked.
    Limited,
    /// No such account, or not its password. The attempts stay counted unless the caller
    /// finds another reason to give them back.
    Wrong(Attempts),
    /// The account's password (its attempts given back; an old hash upgraded).
    Right(AccountAuth),
}

/// Checks `password` for `account` (`None`: no such account, checked against a dummy all the
/// same), counted under `limit_key` before the check.
pub async fn check_password<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    limit_key: &str,
    account: Option<&Account>,
    password: &str,
) -> Result<Checked, PlatformError> {
    let Some(attempts) = count_attempt(ctx, req, limit_key).await? else {
        return Ok(Checked::Limited);
    };
    let auth = match account {
        Some(account) => store::accounts::auth(ctx.platform, account).await?,
        None => None,
    };
    let matched = verify_password(
        ctx,
        auth.as_ref().and_then(|a| a.password_hash.as_deref()),
        password,
    )
    .await?;
    let (Some(account), Some(auth), Some(hash)) = (account, auth, matched) else {
        return Ok(Checked::Wrong(attempts));
    };
    attempts.succeeded(ctx.platform).await?;
    if hash.iterations != ctx.config.password_iterations {
        let upgraded = hash_password(ctx, password).await?;
        ctx.platform
            .execute(store::accounts::upgrade_hash(account, &upgraded, ctx.now))
            .await?;
    }
    Ok(Checked::Right(auth))
}

/// The new password of a set-password form, or what is wrong with it.
pub fn chosen_password(fields: &[(String, String)]) -> Result<&str, Notice> {
    let password = field(fields, "password").unwrap_or("");
    if let Err(WeakPassword::TooShort | WeakPassword::TooLong) = check_new_password(password) {
        return Err(Notice::Weak);
    }
    if field(fields, "confirm") != Some(password) {
        return Err(Notice::Mismatch);
    }
    Ok(password)
}

/// What setting a password through a link came to.
#[derive(Debug)]
pub enum SetPassword {
    /// The new password is weak or not confirmed: the form again, with this notice.
    Refused(Notice),
    /// The link was used meanwhile, or the account is gone.
    Expired,
    /// Set; `had_password` tells a new password from an invite's first one. The response
    /// signs the account in (or asks for its code).
    Done {
        auth: AccountAuth,
        had_password: bool,
        response: Box<Response>,
    },
}

/// Sets `account`'s password from a set-password form (once per link `nonce`), with `also`
/// in the same transaction; every other session ends.
pub async fn set_password<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    account: &Account,
    nonce: &str,
    fields: &[(String, String)],
    also: Vec<Statement>,
) -> Result<SetPassword, PlatformError> {
    let password = match chosen_password(fields) {
        Ok(password) => password,
        Err(notice) => return Ok(SetPassword::Refused(notice)),
    };
    let phc = hash_password(ctx, password).await?;
    let had_password = store::accounts::auth(ctx.platform, account)
        .await?
        .is_some_and(|a| a.password_hash.is_some());
    // One transaction: the nonce is recorded and the password set, or neither (a second use
    // of the link fails on the nonce's primary key).
    let mut statements = vec![
        store::use_token(nonce, &account.key(), ctx.now),
        store::accounts::set_password(account, &phc, ctx.now),
    ];
    statements.extend(also);
    if ctx.platform.batch(statements).await.is_err() {
        return Ok(SetPassword::Expired);
    }
    let Some(auth) = store::accounts::auth(ctx.platform, account)
        .await?
        .filter(|a| a.active)
    else {
        return Ok(SetPassword::Expired);
    };
    // A link from the mailbox is one factor: with two-step sign-in on, the code is still asked.
    let response =
        super::open_session(ctx, req, account, &auth, false, Kind::of(account).home()).await?;
    Ok(SetPassword::Done {
        auth,
        had_password,
        response: Box::new(response),
    })
}
