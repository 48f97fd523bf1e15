//! Fraud and risk rules (`content/risk.yaml`), reviewed like any other change: named rules,
//! each with a weight and a reason in plain words. What is assessed (a conversion, a partner,
//! an application) scores the sum of the weights of the rules that fired, and falls in a band
//! (watch, hold, block) by the file's thresholds. The facts are found by the worker; the
//! arithmetic and the words are here, once.

use serde::{Deserialize, Serialize};

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskRules {
    pub bands: Bands,
    #[serde(default)]
    pub rules: Rules,
}

/// The scores at which a band starts (each at least the one before).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    pub watch: u32,
    pub hold: u32,
    pub block: u32,
}

impl Default for Bands {
    /// Without a file nothing is ever held or blocked.
    fn default() -> Bands {
        Bands {
            watch: u32::MAX,
            hold: u32::MAX,
            block: u32::MAX,
        }
    }
}

/// A rule that needs nothing but its weight and reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plain {
    pub weight: u32,
    pub reason: String,
}

/// Too many clicks from one visitor (or one address) on a partner's links in a short time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Burst {
    pub weight: u32,
    pub reason: String,
    /// This many clicks or more …
    pub clicks: u32,
    /// … within this many seconds.
    pub seconds: u32,
}

/// Something happened within a number of seconds of something else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Within {
    pub weight: u32,
    pub reason: String,
    pub seconds: u32,
}

/// Paid-ads click ids (the query parameters ad networks add) on a program that forbids ads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaidAds {
    pub weight: u32,
    pub reason: String,
    /// The query parameters, e.g. `gclid`, `fbclid`, `msclkid`, `ttclid`.
    pub parameters: Vec<String>,
}

/// Referring sites (host names; a name covers its subdomains).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hosts {
    pub weight: u32,
    pub reason: String,
    pub hosts: Vec<String>,
}

/// E-mail domains, besides the maintained list the build includes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domains {
    pub weight: u32,
    pub reason: String,
    #[serde(default)]
    pub domains: Vec<String>,
}

/// A share of sales refunded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundRate {
    pub weight: u32,
    pub reason: String,
    /// Fires above this share of sales refunded, in percent …
    pub above_percent: u32,
    /// … once the partner has at least this many sales.
    pub sales_at_least: u32,
}

/// Every rule this product knows; a rule left out of the file never fires.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Another partner is paid to the same payout details.
    pub duplicate_payout_details: Option<Plain>,
    /// The customer's e-mail is the partner's own.
    pub self_referral_email: Option<Plain>,
    /// The customer's e-mail is at the partner's own (non-public) domain.
    pub self_referral_email_domain: Option<Plain>,
    /// The customer clicked from the partner's own address.
    pub self_referral_ip: Option<Plain>,
    /// Many clicks from one visitor on a partner's links in a short time.
    pub click_burst: Option<Burst>,
    /// A sale within seconds of its click.
    pub fast_sale: Option<Within>,
    /// A paid-ads click id on a program that forbids paid ads.
    pub paid_ads_click: Option<PaidAds>,
    /// A referring site on the block list.
    pub blocked_referrer: Option<Hosts>,
    /// An application from a disposable e-mail domain.
    pub disposable_email: Option<Domains>,
    /// A partner whose sales are refunded more than a share.
    pub refund_rate: Option<RefundRate>,
}

/// Where an assessment falls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    #[default]
    Clear,
    /// Shown to the owner; nothing else changes.
    Watch,
    /// Commissions stay pending past their hold until an owner releases or reverses them.
    Hold,
    /// Not counted (a click) or not credited (a conversion).
    Block,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Clear => "clear",
            Band::Watch => "watch",
            Band::Hold => "hold",
            Band::Block => "block",
        }
    }
}

/// A rule that fired, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fired {
    pub rule: String,
    pub weight: u32,
    pub reason: String,
}

/// A score, its band and the rules behind it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub score: u32,
    pub band: Band,
    pub fired: Vec<Fired>,
}

/// What the worker found about a conversion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConversionFacts<'a> {
    /// The customer's e-mail equals the partner's.
    pub own_email: bool,
    /// The customer's e-mail domain equals the partner's (and is not a public mail service).
    pub own_email_domain: bool,
    /// The customer's address (at the click, or at the purchase) equals one the partner
    /// signed in from.
    pub own_ip: bool,
    /// Seconds from the click to the conversion, when it came through a click.
    pub seconds_after_click: Option<i64>,
    /// The paid-ads parameters the click carried, on a program that forbids paid ads.
    pub paid_ads_on_a_no_ads_program: &'a [String],
    /// The click's referring site.
    pub referrer: Option<&'a str>,
    /// The rules that fired on the partner earlier (`duplicate_payout_details`,
    /// `click_burst`, `refund_rate`): each counts on their conversions while it stands.
    pub partner_flags: &'a [String],
}

/// What the worker found about a partner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartnerFacts {
    /// Another partner has the same payout details.
    pub shares_payout_details: bool,
    /// Clicks on the partner's links were not counted because one visitor went past
    /// `click_burst` (the click writer decides, with the rule's numbers).
    pub repeated_clicks: bool,
    pub sales: u32,
    pub refunds: u32,
}

/// A rule that fired: its name, weight and reason.
macro_rules! fired {
    ($rule:expr, $name:literal) => {
        Fired {
            rule: $name.to_owned(),
            weight: $rule.weight,
            reason: $rule.reason.clone(),
        }
    };
}

/// What a partner is told a held line is under review for: the rule's category, never its
/// weight or threshold.
pub fn category(rule: &str) -> &'static str {
    match rule {
        "duplicate_payout_details" => "payout details",
        "self_referral_email" | "self_referral_email_domain" | "self_referral_ip" => {
            "self-referral"
        }
        "click_burst" => "click pattern",
        "fast_sale" => "timing",
        "paid_ads_click" => "paid ads",
        "blocked_referrer" => "traffic source",
        "refund_rate" => "refunds",
        _ => "account review",
    }
}

/// The categories of `fired`, in order, each once.
pub fn categories(fired: &[Fired]) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = Vec::new();
    for f in fired {
        let c = category(&f.rule);
        if !found.contains(&c) {
            found.push(c);
        }
    }
    found
}

/// The ad networks' click id parameters the redirect records (the first one a click carries):
/// `paid_ads_click` may name any of these.
pub const AD_CLICK_PARAMETERS: &[&str] = &[
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "fbclid",
    "msclkid",
    "ttclid",
    "twclid",
    "li_fat_id",
    "epik",
    "rdt_cid",
    "sccid",
    "irclickid",
];

/// Public mail services: an e-mail at one of these says nothing about who its owner works
/// for, so two addresses sharing the domain are no self-referral.
pub const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "mail.com",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "zoho.com",
    "fastmail.com",
    "hey.com",
    "tutanota.com",
    "qq.com",
    "163.com",
    "126.com",
    "naver.com",
    "orange.fr",
    "free.fr",
    "libero.it",
    "t-online.de",
    "btinternet.com",
    "comcast.net",
    "verizon.net",
    "att.net",
];

/// Whether two e-mail addresses are at the same domain that is not a public mail service.
pub fn same_company_domain(a: &str, b: &str) -> bool {
    let domain = |e: &str| {
        e.rsplit_once('@')
            .map(|(_, d)| d.trim().to_ascii_lowercase())
    };
    match (domain(a), domain(b)) {
        (Some(x), Some(y)) => !x.is_empty() && x == y && !PUBLIC_MAIL_DOMAINS.contains(&x.as_str()),
        _ => false,
    }
}

/// Whether `host` is `listed` or one of its subdomains.
pub fn host_matches(host: &str, listed: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let listed = listed.trim_end_matches('.').to_ascii_lowercase();
    host == listed
        || host
            .strip_suffix(&listed)
            .is_some_and(|rest| rest.ends_with('.'))
}

impl RiskRules {
    /// The band of `score`.
    pub fn band(&self, score: u32) -> Band {
        let b = &self.bands;
        if score >= b.block {
            Band::Block
        } else if score >= b.hold {
            Band::Hold
        } else if score >= b.watch {
            Band::Watch
        } else {
            Band::Clear
        }
    }

    fn assess(&self, fired: Vec<Fired>) -> Assessment {
        let score = fired
            .iter()
            .fold(0_u32, |sum, f| sum.saturating_add(f.weight));
        Assessment {
            score,
            band: if fired.is_empty() {
                Band::Clear
            } else {
                self.band(score)
            },
            fired,
        }
    }

    /// A conversion (a lead, sale or subscription payment).
    pub fn conversion(&self, facts: &ConversionFacts<'_>) -> Assessment {
        let r = &self.rules;
        let mut fired = Vec::new();
        if let Some(rule) = r.self_referral_email.as_ref().filter(|_| facts.own_email) {
            fired.push(fired!(rule, "self_referral_email"));
        }
        if let Some(rule) = r
            .self_referral_email_domain
            .as_ref()
            .filter(|_| facts.own_email_domain && !facts.own_email)
        {
            fired.push(fired!(rule, "self_referral_email_domain"));
        }
        if let Some(rule) = r.self_referral_ip.as_ref().filter(|_| facts.own_ip) {
            fired.push(fired!(rule, "self_referral_ip"));
        }
        if let (Some(rule), Some(after)) = (&r.fast_sale, facts.seconds_after_click)
            && (0..i64::from(rule.seconds)).contains(&after)
        {
            fired.push(fired!(rule, "fast_sale"));
        }
        if let Some(rule) = &r.paid_ads_click
            && facts
                .paid_ads_on_a_no_ads_program
                .iter()
                .any(|p| rule.parameters.contains(p))
        {
            fired.push(fired!(rule, "paid_ads_click"));
        }
        if let (Some(rule), Some(host)) = (&r.blocked_referrer, facts.referrer)
            && rule.hosts.iter().any(|h| host_matches(host, h))
        {
            fired.push(fired!(rule, "blocked_referrer"));
        }
        fired.extend(self.flagged_partner(facts.partner_flags).fired);
        self.assess(fired)
    }

    /// A partner, from the rules that fired on them (`partner_flags`): those still in the
    /// file, each once, in the file's order.
    pub fn flagged_partner(&self, flags: &[String]) -> Assessment {
        let fired = ["duplicate_payout_details", "click_burst", "refund_rate"]
            .into_iter()
            .filter(|rule| flags.iter().any(|f| f == rule))
            .filter_map(|rule| self.partner_rule(rule))
            .collect();
        self.assess(fired)
    }

    /// A rule about partners, by name, as it fires (`None`: not a partner rule, or not in the
    /// file any more).
    fn partner_rule(&self, name: &str) -> Option<Fired> {
        let r = &self.rules;
        match name {
            "duplicate_payout_details" => r
                .duplicate_payout_details
                .as_ref()
                .map(|rule| fired!(rule, "duplicate_payout_details")),
            "click_burst" => r
                .click_burst
                .as_ref()
                .map(|rule| fired!(rule, "click_burst")),
            "refund_rate" => r
                .refund_rate
                .as_ref()
                .map(|rule| fired!(rule, "refund_rate")),
            _ => None,
        }
    }

    /// A partner, from what their account and their sales show.
    pub fn partner(&self, facts: &PartnerFacts) -> Assessment {
        let r = &self.rules;
        let mut fired = Vec::new();
        if let Some(rule) = r
            .duplicate_payout_details
            .as_ref()
            .filter(|_| facts.shares_payout_details)
        {
            fired.push(fired!(rule, "duplicate_payout_details"));
        }
        if let Some(rule) = r.click_burst.as_ref().filter(|_| facts.repeated_clicks) {
            fired.push(fired!(rule, "click_burst"));
        }
        if let Some(rule) = &r.refund_rate
            && facts.sales >= rule.sales_at_least.max(1)
            && u64::from(facts.refunds) * 100
                > u64::from(rule.above_percent) * u64::from(facts.sales)
        {
            fired.push(fired!(rule, "refund_rate"));
        }
        self.assess(fired)
    }

    /// An application at `/join`, from its e-mail's domain; `disposable` is the maintained
    /// list of disposable e-mail domains.
    pub fn application(&self, email_domain: &str, disposable: &dyn Fn(&str) -> bool) -> Assessment {
        let mut fired = Vec::new();
        if let Some(rule) = &self.rules.disposable_email
            && (disposable(email_domain)
                || rule.domains.iter().any(|d| host_matches(email_domain, d)))
        {
            fired.push(fired!(rule, "disposable_email"));
        }
        self.assess(fired)
    }

    /// The problems of the file's values (not of its syntax): each with the key it is about.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut found = Vec::new();
        let b = &self.bands;
        if !(b.watch <= b.hold && b.hold <= b.block) {
            found.push((
                "bands",
                format!(
                    "the bands must rise: watch {} ≤ hold {} ≤ block {}",
                    b.watch, b.hold, b.block
                ),
            ));
        }
        let r = &self.rules;
        let reasons: [(&'static str, Option<&str>); 10] = [
            (
                "duplicate_payout_details",
                r.duplicate_payout_details
                    .as_ref()
                    .map(|x| x.reason.as_str()),
            ),
            (
                "self_referral_email",
                r.self_referral_email.as_ref().map(|x| x.reason.as_str()),
            ),
            (
                "self_referral_email_domain",
                r.self_referral_email_domain
                    .as_ref()
                    .map(|x| x.reason.as_str()),
            ),
            (
                "self_referral_ip",
                r.self_referral_ip.as_ref().map(|x| x.reason.as_str()),
            ),
            (
                "click_burst",
                r.click_burst.as_ref().map(|x| x.reason.as_str()),
            ),
            ("fast_sale", r.fast_sale.as_ref().map(|x| x.reason.as_str())),
            (
                "paid_ads_click",
                r.paid_ads_click.as_ref().map(|x| x.reason.as_str()),
            ),
            (
                "blocked_referrer",
                r.blocked_referrer.as_ref().map(|x| x.reason.as_str()),
            ),
            (
                "disposable_email",
                r.disposable_email.as_ref().map(|x| x.reason.as_str()),
            ),
            (
                "refund_rate",
                r.refund_rate.as_ref().map(|x| x.reason.as_str()),
            ),
        ];
        for (rule, reason) in reasons {
            if reason.is_some_and(|r| r.trim().is_empty()) {
                found.push((rule, format!("`{rule}` needs a reason in plain words")));
            }
        }
        if let Some(rule) = &r.click_burst
            && (rule.clicks < 2 || rule.seconds == 0)
        {
            found.push((
                "click_burst",
                "`click_burst` needs at least 2 clicks within at least 1 second".to_owned(),
            ));
        }
        if let Some(rule) = &r.paid_ads_click {
            for p in rule
                .parameters
                .iter()
                .filter(|p| !AD_CLICK_PARAMETERS.contains(&p.as_str()))
            {
                found.push((
                    "paid_ads_click",
                    format!(
                        "`{p}` is not a click id the redirect records (it knows {})",
                        AD_CLICK_PARAMETERS.join(", ")
                    ),
                ));
            }
        }
        if let Some(rule) = &r.refund_rate
            && rule.above_percent >= 100
        {
            found.push((
                "refund_rate",
                "`above_percent` is below 100 (no partner refunds more than every sale)".to_owned(),
            ));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "
bands: { watch: 20, hold: 50, block: 100 }
rules:
  self_referral_email: { weight: 100, reason: The customer is the partner. }
  self_referral_ip: { weight: 60, reason: The sale came from the partner's own address. }
  fast_sale: { weight: 50, reason: The sale came seconds after the click., seconds: 10 }
  paid_ads_click: { weight: 60, reason: Paid ads are not allowed., parameters: [gclid, fbclid] }
  blocked_referrer: { weight: 20, reason: A listed site., hosts: [spam.example] }
  click_burst: { weight: 100, reason: Too many clicks., clicks: 30, seconds: 60 }
  refund_rate: { weight: 40, reason: Most sales are refunded., above_percent: 30, sales_at_least: 10 }
  disposable_email: { weight: 50, reason: A throwaway address., domains: [throwaway.example] }
";

    fn rules() -> RiskRules {
        serde_yaml::from_str(FILE).expect("the example parses")
    }

    #[test]
    fn a_conversion_scores_the_weights_of_the_rules_that_fired_with_their_reasons() {
        let r = rules();
        assert_eq!(
            r.conversion(&ConversionFacts::default()),
            Assessment::default()
        );
        let a = r.conversion(&ConversionFacts {
            seconds_after_click: Some(3),
            ..ConversionFacts::default()
        });
        assert_eq!((a.score, a.band), (50, Band::Hold));
        assert_eq!(a.fired[0].reason, "The sale came seconds after the click.");
        let gclid = ["gclid".to_owned()];
        let a = r.conversion(&ConversionFacts {
            own_ip: true,
            seconds_after_click: Some(3),
            paid_ads_on_a_no_ads_program: &gclid,
            referrer: Some("www.spam.example"),
            ..ConversionFacts::default()
        });
        assert_eq!((a.score, a.band), (190, Band::Block));
        let names: Vec<&str> = a.fired.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(
            names,
            [
                "self_referral_ip",
                "fast_sale",
                "paid_ads_click",
                "blocked_referrer"
            ]
        );
        // Ten seconds is no longer "within 10 seconds"; a click id the rule does not list, or a
        // look-alike host, fires nothing.
        let msclkid = ["msclkid".to_owned()];
        let a = r.conversion(&ConversionFacts {
            seconds_after_click: Some(10),
            paid_ads_on_a_no_ads_program: &msclkid,
            referrer: Some("notspam.example"),
            ..ConversionFacts::default()
        });
        assert_eq!(a, Assessment::default());
        let flags = ["refund_rate".to_owned(), "retired_rule".to_owned()];
        let a = r.conversion(&ConversionFacts {
            partner_flags: &flags,
            ..ConversionFacts::default()
        });
        assert_eq!(
            (a.score, a.band),
            (40, Band::Watch),
            "a partner's flag counts on their sales"
        );
        assert_eq!(a.fired[0].reason, "Most sales are refunded.");
    }

    #[test]
    fn a_company_domain_is_shared_but_a_public_mail_service_is_not() {
        assert!(same_company_domain("ana@Shop.example", "ceo@shop.example"));
        assert!(!same_company_domain("ana@gmail.com", "bob@gmail.com"));
        assert!(!same_company_domain(
            "ana@shop.example",
            "ana@other.example"
        ));
        assert!(!same_company_domain("no-at-sign", "x@shop.example"));
    }

    #[test]
    fn partners_applications_and_click_bursts() {
        let r = rules();
        let refunds = |sales, refunds| {
            r.partner(&PartnerFacts {
                shares_payout_details: false,
                repeated_clicks: false,
                sales,
                refunds,
            })
            .score
        };
        assert_eq!(refunds(10, 3), 0, "30 % is not above 30 %");
        assert_eq!(refunds(10, 4), 40);
        assert_eq!(refunds(9, 9), 0, "too few sales to judge");
        let mailinator = |d: &str| d == "mailinator.com";
        assert_eq!(
            r.application("mailinator.com", &mailinator).band,
            Band::Hold
        );
        assert_eq!(r.application("mx.throwaway.example", &mailinator).score, 50);
        assert_eq!(r.application("brightloom.example", &mailinator).score, 0);
        let burst = r.partner(&PartnerFacts {
            repeated_clicks: true,
            ..PartnerFacts::default()
        });
        assert_eq!((burst.score, burst.band), (100, Band::Block));
        assert_eq!(burst.fired[0].rule, "click_burst");
    }

    #[test]
    fn values_that_cannot_work_are_problems_and_no_file_holds_nothing() {
        let mut r = rules();
        assert!(r.problems().is_empty());
        r.bands.hold = 10;
        if let Some(f) = r.rules.fast_sale.as_mut() {
            f.reason = " ".into();
        }
        if let Some(p) = r.rules.paid_ads_click.as_mut() {
            p.parameters.push("utm_source".into());
        }
        let keys: Vec<&str> = r.problems().iter().map(|p| p.0).collect();
        assert_eq!(keys, ["bands", "fast_sale", "paid_ads_click"]);
        let none = RiskRules::default();
        assert_eq!(none.band(1_000_000), Band::Clear);
        assert!(serde_yaml::from_str::<RiskRules>("bands: { watch: 1, hold: 2, block: 3 }\nrules: { self_referal_email: { weight: 1, reason: x } }").is_err());
    }
}
