//! A conversion's risk (`pc_core::risk`, by the deployed `config:risk`): the facts the worker
//! knows about it, and the assessment. Its band decides what the conversion earns: `block`
//! nothing, `hold` commissions held for review (`pc_core::ledger::HELD`).

use pc_core::risk::{Assessment, ConversionFacts, RiskRules, same_company_domain};

use super::attribute::{Click, ProgramRules};
use super::parse::Event;
use crate::platform::{Platform, PlatformError};
use crate::store::risk_facts;

/// The assessment of `event`, credited through `click` (if any) in `program` to `partner`
/// whose e-mail is `partner_email`.
pub(super) async fn assess(
    platform: &impl Platform,
    rules: &RiskRules,
    event: &Event,
    click: Option<&Click>,
    program: &ProgramRules,
    partner: &str,
    partner_email: Option<&str>,
) -> Result<Assessment, PlatformError> {
    let customer = event.email.as_deref();
    let (own_email, own_domain) = match (customer, partner_email) {
        (Some(c), Some(p)) => (c == p, same_company_domain(c, p)),
        _ => (false, false),
    };
    // The buyer's address (sent with the event) or the click's, if the partner signed in
    // from it.
    let mut own_ip = false;
    if rules.rules.self_referral_ip.is_some() {
        for address in [
            event.customer_address.as_deref(),
            click.and_then(|c| c.address.as_deref()),
        ]
        .into_iter()
        .flatten()
        {
            if risk_facts::is_own_address(platform, partner, address, event.occurred_at).await? {
                own_ip = true;
                break;
            }
        }
    }
    let paid_ads: Vec<String> = click
        .and_then(|c| c.ad_param.clone())
        .filter(|_| !program.paid_ads)
        .into_iter()
        .collect();
    let partner_flags: Vec<String> = risk_facts::flags_of(platform, partner)
        .await?
        .into_iter()
        .map(|f| f.rule)
        .collect();
    Ok(rules.conversion(&ConversionFacts {
        own_email,
        own_email_domain: own_domain,
        own_ip,
        seconds_after_click: click.map(|c| event.occurred_at - c.created_at),
        paid_ads_on_a_no_ads_program: &paid_ads,
        referrer: click.and_then(|c| c.referrer_host.as_deref()),
        partner_flags: &partner_flags,
    }))
}
