//! A conversion's risk (`pc_core::risk`, by the deployed `config:risk`): the facts the worker
//! knows about it, and the assessment. Its band decides what the conversion earns: `block`
//! nothing, `hold` commissions held for review (`pc_core::ledger::HELD`).

use pc_core::risk::{Assessment, ConversionFacts, RiskRules, same_company_domain};

use super::attribute::Click;
use super::parse::Event;

/// The assessment of `event`, credited through `click` (if any) to a partner whose e-mail is
/// `partner_email`.
pub(super) fn assess(
    rules: &RiskRules,
    event: &Event,
    click: Option<&Click>,
    partner_email: Option<&str>,
) -> Assessment {
    let customer = event.email.as_deref();
    let (own_email, own_domain) = match (customer, partner_email) {
        (Some(c), Some(p)) => (c == p, same_company_domain(c, p)),
        _ => (false, false),
    };
    rules.conversion(&ConversionFacts {
        own_email,
        own_email_domain: own_domain,
        own_ip: false,
        seconds_after_click: click.map(|c| event.occurred_at - c.created_at),
        paid_ads_on_a_no_ads_program: &[],
        referrer: click.and_then(|c| c.referrer_host.as_deref()),
    })
}
