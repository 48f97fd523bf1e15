//! Disposable e-mail domains: `risk.yaml`'s `disposable_email` rule at /join. The list
//! (`generator/data/disposable-domains.txt`, from the pinned `disposable-email-domains-js`) is
//! deployed as `config:disposable` (a JSON list) and read only when someone applies, so the
//! worker's code stays small.

use crate::platform::{Platform, PlatformError};

/// The deployed list (empty without a deploy that has it).
pub(super) async fn list(platform: &impl Platform) -> Result<Vec<String>, PlatformError> {
    Ok(platform
        .kv_get("config:disposable")
        .await?
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default())
}

/// Whether `domain` (or a domain it is under) is in `list`.
pub(super) fn is_disposable(list: &[String], domain: &str) -> bool {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let listed = |d: &str| list.iter().any(|l| l == d);
    let mut rest = domain.as_str();
    loop {
        if listed(rest) {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) if parent.contains('.') => rest = parent,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_disposable;

    #[test]
    fn a_domain_or_a_subdomain_of_one_listed_is_disposable() {
        let list: Vec<String> = ["0-mail.com", "mailinator.com", "yopmail.com"]
            .map(str::to_owned)
            .to_vec();
        assert!(is_disposable(&list, "mailinator.com"));
        assert!(is_disposable(&list, "Mailinator.com."));
        assert!(is_disposable(&list, "eu.mailinator.com"));
        for real in ["gmail.com", "brightloom.example", "mail.com", "com"] {
            assert!(!is_disposable(&list, real), "{real}");
        }
    }
}
