//! The local state directory of `partner-center serve` (default `.partner-center/`): the
//! SQLite database, the built site, and development secrets generated on first use.
//! Secrets from the environment (the same names as the wrangler secrets) take precedence.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The secrets the worker reads, by their wrangler names.
pub const SECRET_NAMES: &[&str] = &[
    "SESSION_SECRET",
    "EVENTS_SECRET",
    "OWNER_TOKEN",
    "STRIPE_WEBHOOK_SECRET",
    "SHOPIFY_WEBHOOK_SECRET",
];

/// Settings `serve` takes from its environment as they are, as the worker takes wrangler
/// vars (mail: see the README's "Mail").
pub const SETTING_NAMES: &[&str] = &[
    "MAIL_PROVIDER",
    "MAIL_FROM",
    "MAIL_REPLY_TO",
    "MAIL_API_KEY",
    "MAIL_DOMAIN",
    "MAIL_API_BASE",
    // Self-hosting: the public address (links in e-mails) and a reverse proxy in front.
    "PORTAL_URL",
    "TRUST_PROXY",
    // Where the console commits the owner's decisions (README: "The console commits to git").
    "GIT_HOST",
    "GIT_API_URL",
    "GIT_REPOSITORY",
    "GIT_BRANCH",
    "GIT_CONTENT_DIR",
    "GIT_TOKEN",
];

#[derive(Debug, Clone)]
pub struct DevState {
    pub dir: PathBuf,
}

impl DevState {
    pub fn new(dir: &Path) -> std::io::Result<DevState> {
        std::fs::create_dir_all(dir)?;
        Ok(DevState {
            dir: dir.to_path_buf(),
        })
    }

    pub fn database(&self) -> PathBuf {
        self.dir.join("partner-center.sqlite")
    }

    pub fn dist(&self) -> PathBuf {
        self.dir.join("dist")
    }

    /// The secrets: from the environment, else from `secrets.json`, else generated and saved
    /// there (readable by the owner only).
    pub fn secrets(&self) -> std::io::Result<HashMap<String, String>> {
        let path = self.dir.join("secrets.json");
        let mut saved: HashMap<String, String> = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let mut changed = false;
        for name in SECRET_NAMES {
            if !saved.contains_key(*name) {
                saved.insert((*name).to_owned(), random_secret()?);
                changed = true;
            }
        }
        if changed {
            write_private(
                &path,
                &serde_json::to_string_pretty(&saved).unwrap_or_default(),
            )?;
        }
        for name in SECRET_NAMES.iter().chain(&["SESSION_SECRET_PREVIOUS"]) {
            if let Ok(value) = std::env::var(name) {
                saved.insert((*name).to_owned(), value);
            }
        }
        Ok(saved)
    }
}

/// 48 random characters from a URL-safe alphabet (288 bits).
pub fn random_secret() -> std::io::Result<String> {
    random_text(
        48,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
    )
}

/// A password that is easy to type: 4 groups of 4 lowercase letters and digits, without
/// look-alikes (no 0/o, 1/l/i).
pub fn random_password() -> std::io::Result<String> {
    let raw = random_text(16, b"abcdefghjkmnpqrstuvwxyz23456789")?;
    Ok(raw
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-"))
}

fn random_text(len: usize, alphabet: &[u8]) -> std::io::Result<String> {
    let mut out = String::with_capacity(len);
    let mut byte = [0u8; 1];
    // Rejection sampling keeps every character equally likely.
    let limit = 256 - (256 % alphabet.len());
    while out.len() < len {
        getrandom::getrandom(&mut byte).map_err(std::io::Error::other)?;
        if usize::from(byte[0]) < limit {
            out.push(char::from(alphabet[usize::from(byte[0]) % alphabet.len()]));
        }
    }
    Ok(out)
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_generated_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let state = DevState::new(dir.path()).unwrap();
        let first = state.secrets().unwrap();
        assert!(first["SESSION_SECRET"].len() >= 32);
        assert_ne!(first["SESSION_SECRET"], first["EVENTS_SECRET"]);
        assert_eq!(state.secrets().unwrap(), first);
    }

    #[test]
    fn passwords_are_long_and_readable() {
        let p = random_password().unwrap();
        assert_eq!(p.len(), 19);
        assert!(
            p.chars()
                .all(|c| c == '-' || c.is_ascii_lowercase() || c.is_ascii_digit())
        );
        assert_ne!(p, random_password().unwrap());
    }
}
