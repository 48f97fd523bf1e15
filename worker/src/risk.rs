//! The deployed risk rules (`content/risk.yaml` as `config:risk`; `pc_core::risk` scores with
//! them). None fire without the file.

use std::net::IpAddr;

use pc_core::risk::RiskRules;

use crate::platform::{Platform, PlatformError};

pub async fn rules(platform: &impl Platform) -> Result<RiskRules, PlatformError> {
    Ok(platform
        .kv_get("config:risk")
        .await?
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default())
}

/// The client's address, when it is a public one: a loopback, private, link-local or
/// unspecified address (a test machine, an office network behind `serve`) says nothing about
/// who a person is, so the rules never compare it.
pub fn public_address(req: &crate::Request) -> Option<IpAddr> {
    crate::http_util::header_str(req, "cf-connecting-ip").and_then(public)
}

/// `text` as an address, when it is a public one (see [`public_address`]).
pub fn public(text: &str) -> Option<IpAddr> {
    let ip: IpAddr = text.trim().parse().ok()?;
    let local = match ip {
        IpAddr::V4(v4) => {
            v4.is_private() || v4.is_loopback() || v4.is_link_local() || v4.is_unspecified()
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| v4.is_private() || v4.is_loopback())
        }
    };
    (!local).then_some(ip)
}

/// How an address is kept: a keyed hash (the session key), 128 bits in hex.
pub fn address_hash(keys: &pc_core::token::SigningKeys, ip: IpAddr) -> String {
    keys.mac_hex("address", &ip.to_string())[..32].to_owned()
}

/// The paid-ads click id parameter in `pairs` (the first the redirect knows), if any.
pub fn ad_param(pairs: &[(String, String)]) -> Option<&'static str> {
    pairs.iter().find_map(|(name, value)| {
        pc_core::risk::AD_CLICK_PARAMETERS
            .iter()
            .find(|p| **p == name.as_str() && !value.is_empty())
            .copied()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(ip: &str) -> Option<IpAddr> {
        let req = http::Request::builder()
            .header("cf-connecting-ip", ip)
            .body(Vec::new())
            .unwrap();
        public_address(&req)
    }

    #[test]
    fn only_public_addresses_are_compared() {
        assert_eq!(from("203.0.113.7"), "203.0.113.7".parse().ok());
        assert_eq!(from("2001:db8::1"), "2001:db8::1".parse().ok());
        for local in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.9",
            "::1",
            "fd00::5",
            "fe80::1",
            "::ffff:127.0.0.1",
            "unknown",
            "",
        ] {
            assert_eq!(from(local), None, "{local}");
        }
        let pairs = vec![
            ("utm_source".to_owned(), "x".to_owned()),
            ("gclid".to_owned(), "Cj0K".to_owned()),
        ];
        assert_eq!(ad_param(&pairs), Some("gclid"));
        assert_eq!(ad_param(&[("gclid".to_owned(), String::new())]), None);
    }
}
