//! Settings and secrets, read from the platform's environment (wrangler secrets/vars, or
//! `partner-center serve`'s state dir). Secrets are never logged.

use pc_core::SigningKeys;
use pc_core::password::DEFAULT_ITERATIONS;

#[derive(Debug, Clone)]
pub struct Config {
    pub keys: SigningKeys,
    /// The portal's public URL, for links in e-mails (never taken from the Host header).
    pub portal_url: Option<String>,
    /// PBKDF2 iterations for new hashes; older hashes are upgraded on sign-in.
    pub password_iterations: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("SESSION_SECRET is not set, or shorter than 32 characters")]
    SessionSecret,
}

impl Config {
    /// The settings from an environment (`env` gives a variable's value, if set).
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let secret = env("SESSION_SECRET").ok_or(ConfigError::SessionSecret)?;
        let previous = env("SESSION_SECRET_PREVIOUS");
        let keys = SigningKeys::new(&secret, previous.as_deref())
            .map_err(|_| ConfigError::SessionSecret)?;
        let password_iterations = env("PASSWORD_ITERATIONS")
            .and_then(|v| v.parse().ok())
            .filter(|n| (10_000..=10_000_000).contains(n))
            .unwrap_or(DEFAULT_ITERATIONS);
        Ok(Config {
            keys,
            portal_url: env("PORTAL_URL")
                .map(|u| u.trim_end_matches('/').to_owned())
                .filter(|u| u.starts_with("http://") || u.starts_with("https://")),
            password_iterations,
        })
    }
}
