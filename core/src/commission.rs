//! A program's commission structure and its plain-words description.
//!
//! The structure is generic over its money type so content files can be read before the
//! site's currency is applied (`CommissionStructure<Amount>`), then converted once with
//! [`CommissionStructure::try_map_money`] into `CommissionStructure<Money>`.

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::percent::Percent;

/// How much a rule pays: a share of the amount, or a fixed sum per occurrence.
/// Written `{percent: 20}` or `{fixed: 5.00}` in content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "RateFields<M>",
    rename_all = "snake_case",
    bound(deserialize = "M: Deserialize<'de>")
)]
pub enum Rate<M = Money> {
    Percent(Percent),
    Fixed(M),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateFields<M> {
    percent: Option<Percent>,
    fixed: Option<M>,
}

impl<M> TryFrom<RateFields<M>> for Rate<M> {
    type Error = &'static str;
    fn try_from(fields: RateFields<M>) -> Result<Self, Self::Error> {
        match (fields.percent, fields.fixed) {
            (Some(p), None) => Ok(Rate::Percent(p)),
            (None, Some(m)) => Ok(Rate::Fixed(m)),
            _ => Err("a rate is either `{percent: 20}` or `{fixed: 5.00}`, exactly one of them"),
        }
    }
}

/// Commission on recurring subscription payments, for the first `months` months
/// (`None`: for as long as the customer pays).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "M: Deserialize<'de>"))]
pub struct Subscription<M = Money> {
    pub rate: Rate<M>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<u32>,
}

/// A volume tier: from `min_sales` sales in a calendar month, sales pay `sale` instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier<M = Money> {
    pub min_sales: u32,
    pub sale: Rate<M>,
}

/// A product whose sales pay a different rate than the program's default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductOverride<M = Money> {
    /// The product id the store sends in events.
    pub product: String,
    /// The product's name as partners know it.
    pub name: String,
    pub sale: Rate<M>,
}

/// Which click gets the credit when a visitor clicked several partners' links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    FirstClick,
    #[default]
    LastClick,
}

fn default_cookie_days() -> u32 {
    30
}

/// Every rule of a program, as in DESIGN's domain rules.
/// Serialized in the content format (`{"sale": {"percent": "20"}, "lead": "2.00", …}`) so the
/// worker reads rules from D1 exactly as the generator read them from YAML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "M: Deserialize<'de>"))]
pub struct CommissionStructure<M = Money> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale: Option<Rate<M>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<Subscription<M>>,
    /// A fixed amount per qualified lead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<M>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier<M>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<ProductOverride<M>>,
    /// Paid to the parent of the partner who made the sale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_tier: Option<Rate<M>>,
    /// Paid to the parent's parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_tier: Option<Rate<M>>,
    /// Days before a commission becomes payable (refund window).
    #[serde(default)]
    pub hold_days: u32,
    /// Days after a click during which a conversion is attributed to it.
    #[serde(default = "default_cookie_days")]
    pub cookie_days: u32,
    #[serde(default)]
    pub attribution: Attribution,
}

/// A rule that makes no sense, with the field it is in (for error locations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    pub field: &'static str,
    pub message: String,
    pub hint: &'static str,
}

impl<M> Rate<M> {
    fn try_map<N, E>(self, f: &mut impl FnMut(M) -> Result<N, E>) -> Result<Rate<N>, E> {
        Ok(match self {
            Rate::Percent(p) => Rate::Percent(p),
            Rate::Fixed(m) => Rate::Fixed(f(m)?),
        })
    }
}

impl<M> CommissionStructure<M> {
    /// Converts every amount, e.g. from content `Amount`s to `Money` in the site's currency.
    pub fn try_map_money<N, E>(
        self,
        mut f: impl FnMut(M) -> Result<N, E>,
    ) -> Result<CommissionStructure<N>, E> {
        Ok(CommissionStructure {
            sale: self.sale.map(|r| r.try_map(&mut f)).transpose()?,
            subscription: self
                .subscription
                .map(|s| {
                    Ok(Subscription {
                        rate: s.rate.try_map(&mut f)?,
                        months: s.months,
                    })
                })
                .transpose()?,
            lead: self.lead.map(&mut f).transpose()?,
            tiers: self
                .tiers
                .into_iter()
                .map(|t| {
                    Ok(Tier {
                        min_sales: t.min_sales,
                        sale: t.sale.try_map(&mut f)?,
                    })
                })
                .collect::<Result<_, E>>()?,
            products: self
                .products
                .into_iter()
                .map(|p| {
                    Ok(ProductOverride {
                        product: p.product,
                        name: p.name,
                        sale: p.sale.try_map(&mut f)?,
                    })
                })
                .collect::<Result<_, E>>()?,
            second_tier: self.second_tier.map(|r| r.try_map(&mut f)).transpose()?,
            third_tier: self.third_tier.map(|r| r.try_map(&mut f)).transpose()?,
            hold_days: self.hold_days,
            cookie_days: self.cookie_days,
            attribution: self.attribution,
        })
    }

    /// Checks the rules against each other; every problem is returned, not just the first.
    pub fn problems(&self) -> Vec<RuleProblem> {
        let mut problems = Vec::new();
        let mut problem = |field, message: String, hint| {
            problems.push(RuleProblem {
                field,
                message,
                hint,
            });
        };
        if self.sale.is_none()
            && self.subscription.is_none()
            && self.lead.is_none()
            && self.products.is_empty()
        {
            problem(
                "commission",
                "the commission structure pays for nothing".into(),
                "set at least one of `sale`, `subscription`, `lead` or `products`",
            );
        }
        if let Some(Subscription {
            months: Some(0), ..
        }) = self.subscription
        {
            problem(
                "months",
                "a subscription commission for 0 months pays nothing".into(),
                "give a number of months of at least 1, or leave `months` out to pay for as long as the customer pays",
            );
        }
        if !self.tiers.is_empty() && self.sale.is_none() {
            problem(
                "tiers",
                "volume tiers need a base `sale` rate to step up from".into(),
                "add `sale:` with the rate below the first tier",
            );
        }
        for pair in self.tiers.windows(2) {
            if pair[1].min_sales <= pair[0].min_sales {
                problem(
                    "min_sales",
                    format!(
                        "tiers must be in increasing order of `min_sales`, but {} follows {}",
                        pair[1].min_sales, pair[0].min_sales
                    ),
                    "list tiers from the smallest `min_sales` to the largest",
                );
            }
        }
        if self.tiers.iter().any(|t| t.min_sales < 2) {
            problem(
                "min_sales",
                "a tier's `min_sales` must be at least 2 (1 sale is the base rate)".into(),
                "start tiers from 2 sales or more",
            );
        }
        let mut seen = std::collections::HashSet::new();
        for p in &self.products {
            if !seen.insert(p.product.as_str()) {
                problem(
                    "product",
                    format!("product {:?} has two overrides", p.product),
                    "keep one override per product",
                );
            }
        }
        if self.third_tier.is_some() && self.second_tier.is_none() {
            problem(
                "third_tier",
                "a third tier without a second tier".into(),
                "add `second_tier:` (paid to the parent) before `third_tier:` (paid to the grandparent)",
            );
        }
        if self.cookie_days == 0 {
            problem(
                "cookie_days",
                "`cookie_days: 0` would never attribute a conversion to a click".into(),
                "use at least 1 day (30 is common)",
            );
        }
        problems
    }
}

impl Rate {
    fn per(&self, what: &str, each: &str) -> String {
        match self {
            Rate::Percent(p) => format!("{p} of {each} {what}"),
            Rate::Fixed(m) => format!("{m} per {what}"),
        }
    }
}

impl CommissionStructure {
    /// The structure in one line, e.g. "20% of each sale; 10% of each subscription payment
    /// for 12 months; $2.00 per lead".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(sale) = &self.sale {
            parts.push(sale.per("sale", "each"));
        }
        if let Some(sub) = &self.subscription {
            parts.push(describe_subscription(sub));
        }
        if let Some(lead) = &self.lead {
            parts.push(format!("{lead} per lead"));
        }
        if parts.is_empty() {
            parts.push("per-product commissions (below)".into());
        }
        parts.join("; ")
    }

    /// Every rule, one sentence each, in the order a partner reads them.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(sale) = &self.sale {
            lines.push(format!("You earn {}.", sale.per("sale", "each")));
        }
        for tier in &self.tiers {
            lines.push(format!(
                "From {} sales in a calendar month, you earn {} instead.",
                tier.min_sales,
                tier.sale.per("sale", "each")
            ));
        }
        for p in &self.products {
            lines.push(format!(
                "For {}, you earn {}.",
                p.name,
                p.sale.per("sale", "each")
            ));
        }
        if let Some(sub) = &self.subscription {
            lines.push(format!("You earn {}.", describe_subscription(sub)));
        }
        if let Some(lead) = &self.lead {
            lines.push(format!("You earn {lead} per qualified lead."));
        }
        if let Some(second) = &self.second_tier {
            lines.push(format!(
                "When a partner you referred makes a sale, you earn {} (second tier).",
                second.per("sale", "their")
            ));
        }
        if let Some(third) = &self.third_tier {
            lines.push(format!(
                "When a partner referred by someone you referred makes a sale, you earn {} (third tier).",
                third.per("sale", "their")
            ));
        }
        lines.push(match self.hold_days {
            0 => "Commissions are payable as soon as they are earned.".to_owned(),
            1 => "Commissions become payable 1 day after they are earned.".to_owned(),
            n => format!("Commissions become payable {n} days after they are earned."),
        });
        let days = match self.cookie_days {
            1 => "1 day".to_owned(),
            n => format!("{n} days"),
        };
        lines.push(match self.attribution {
            Attribution::LastClick => format!(
                "A visitor who buys within {days} of clicking your link is credited to you, unless they click another partner's link after yours (last click)."
            ),
            Attribution::FirstClick => format!(
                "A visitor who buys within {days} of first clicking your link is credited to you, even if they click another partner's link later (first click)."
            ),
        });
        lines
    }
}

fn describe_subscription(sub: &Subscription) -> String {
    let base = sub.rate.per("subscription payment", "each");
    match sub.months {
        Some(1) => format!("{base} for the first month"),
        Some(n) => format!("{base} for {n} months"),
        None => format!("{base} for as long as the customer subscribes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Currency, money::Amount};

    fn parse(yaml: &str) -> CommissionStructure {
        let usd = Currency::parse("USD").unwrap();
        serde_yaml::from_str::<CommissionStructure<Amount>>(yaml)
            .unwrap()
            .try_map_money(|a| a.in_currency(usd))
            .unwrap()
    }

    #[test]
    fn summary_reads_like_the_seed() {
        let c = parse(
            "sale: {percent: 20}\nsubscription: {rate: {percent: 10}, months: 12}\nlead: 2.00\n",
        );
        assert_eq!(
            c.summary(),
            "20% of each sale; 10% of each subscription payment for 12 months; $2.00 per lead"
        );
    }

    #[test]
    fn describes_every_rule_kind() {
        let c = parse(
            "sale: {fixed: 15}\ntiers: [{min_sales: 10, sale: {fixed: 20}}]\n\
             products: [{product: grinder, name: Burr Grinder, sale: {percent: 8}}]\n\
             subscription: {rate: {fixed: 3.5}}\nsecond_tier: {percent: 5}\n\
             third_tier: {percent: 2.5}\nhold_days: 30\ncookie_days: 60\nattribution: first_click\n",
        );
        let text = c.describe().join("\n");
        for expected in [
            "You earn $15.00 per sale.",
            "From 10 sales in a calendar month, you earn $20.00 per sale instead.",
            "For Burr Grinder, you earn 8% of each sale.",
            "$3.50 per subscription payment for as long as the customer subscribes",
            "you earn 5% of their sale (second tier)",
            "you earn 2.5% of their sale (third tier)",
            "payable 30 days after",
            "within 60 days of first clicking",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn finds_rules_that_make_no_sense() {
        let fields = |yaml: &str| -> Vec<&'static str> {
            parse(yaml).problems().iter().map(|p| p.field).collect()
        };
        assert_eq!(fields("hold_days: 3\n"), ["commission"]);
        assert_eq!(
            fields("sale: {percent: 5}\nsubscription: {rate: {percent: 1}, months: 0}\n"),
            ["months"]
        );
        assert_eq!(
            fields(
                "sale: {percent: 5}\ntiers: [{min_sales: 10, sale: {percent: 6}}, {min_sales: 5, sale: {percent: 7}}]\n"
            ),
            ["min_sales"]
        );
        assert_eq!(
            fields("sale: {percent: 5}\nthird_tier: {percent: 1}\n"),
            ["third_tier"]
        );
        assert!(fields("sale: {percent: 5}\nsecond_tier: {percent: 1}\n").is_empty());
    }

    #[test]
    fn rules_round_trip_through_json() {
        let c = parse(
            "sale: {fixed: 15}\ntiers: [{min_sales: 10, sale: {fixed: 20.5}}]\n\
             products: [{product: g, name: G, sale: {percent: 8.25}}]\n\
             subscription: {rate: {percent: 10}, months: 12}\nlead: 2\nsecond_tier: {percent: 5}\n\
             third_tier: {fixed: 1}\nhold_days: 30\ncookie_days: 60\nattribution: first_click\n",
        );
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains(r#""lead":"2.00""#), "{json}");
        let usd = Currency::parse("USD").unwrap();
        let back = serde_json::from_str::<CommissionStructure<Amount>>(&json)
            .unwrap()
            .try_map_money(|a| a.in_currency(usd))
            .unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn unknown_rule_fields_are_refused() {
        let err = serde_yaml::from_str::<CommissionStructure<Amount>>("sales: {percent: 5}\n")
            .unwrap_err();
        assert!(err.to_string().contains("unknown field `sales`"), "{err}");
    }
}
