//! Disposable e-mail domains (`disposable.txt`, written by `scripts/update-disposable.sh` from
//! the pinned `disposable-email-domains-js`): `risk.yaml`'s `disposable_email` rule at /join.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The list, read once per isolate.
fn domains() -> &'static HashSet<&'static str> {
    static DOMAINS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    DOMAINS.get_or_init(|| {
        include_str!("disposable.txt")
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Whether `domain` (or a domain it is under) is a disposable e-mail service.
pub(super) fn is_disposable(domain: &str) -> bool {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let list = domains();
    let mut rest = domain.as_str();
    loop {
        if list.contains(rest) {
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
    fn the_maintained_list_knows_throwaway_services_and_not_real_mail() {
        assert!(is_disposable("mailinator.com"));
        assert!(is_disposable("Mailinator.com."));
        assert!(is_disposable("eu.mailinator.com"));
        for real in ["gmail.com", "brightloom.example", "outlook.com", "com"] {
            assert!(!is_disposable(real), "{real}");
        }
        assert!(super::domains().len() > 8_000);
    }
}
