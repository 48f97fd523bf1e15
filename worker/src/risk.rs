//! The deployed risk rules (`content/risk.yaml` as `config:risk`; `pc_core::risk` scores with
//! them). None fire without the file.

use pc_core::risk::RiskRules;

use crate::platform::{Platform, PlatformError};

pub async fn rules(platform: &impl Platform) -> Result<RiskRules, PlatformError> {
    Ok(platform
        .kv_get("config:risk")
        .await?
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default())
}
