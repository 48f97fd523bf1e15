//! The commission engine: what a conversion earns under a program's structure. Pure
//! arithmetic over [`Money`]; the caller supplies everything that needs a database (the
//! partner's sales so far this month, the subscription payment's number).

use crate::commission::{CommissionStructure, Rate};
use crate::money::Money;

/// What happened at the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion<'a> {
    Lead,
    Sale {
        amount: Money,
        product: Option<&'a str>,
    },
    /// The `number`-th payment (1-based) of a subscription.
    SubscriptionPayment {
        amount: Money,
        number: u32,
    },
}

/// A commission for one partner, and the rule that produced it (shown in reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub amount: Money,
    pub rule: String,
    /// 0: the referring partner; 1: their parent (second tier); 2: the grandparent.
    pub level: u8,
}

impl Rate {
    /// What this rate pays on `amount`.
    pub fn apply(&self, amount: Money) -> Money {
        match self {
            Rate::Percent(p) => p.of(amount),
            Rate::Fixed(m) => *m,
        }
    }

    fn words(&self, what: &str) -> String {
        match self {
            Rate::Percent(p) => format!("{p} of the {what}"),
            Rate::Fixed(m) => format!("{m} per {what}"),
        }
    }
}

fn credit(amount: Money, rule: String, level: u8) -> Option<Credit> {
    (amount.minor() > 0).then_some(Credit {
        amount,
        rule,
        level,
    })
}

/// The referring partner's commission. `sales_before` counts the partner's earlier sales in
/// the same calendar month (for volume tiers).
pub fn direct(
    structure: &CommissionStructure,
    conversion: Conversion<'_>,
    sales_before: u32,
) -> Option<Credit> {
    match conversion {
        Conversion::Lead => {
            let lead = structure.lead?;
            credit(lead, format!("{lead} per lead"), 0)
        }
        Conversion::Sale { amount, product } => {
            if let Some(o) =
                product.and_then(|id| structure.products.iter().find(|p| p.product == id))
            {
                return credit(
                    o.sale.apply(amount),
                    format!("{}: {}", o.name, o.sale.words("sale")),
                    0,
                );
            }
            let nth = sales_before.saturating_add(1);
            if let Some(tier) = structure.tiers.iter().rev().find(|t| t.min_sales <= nth) {
                return credit(
                    tier.sale.apply(amount),
                    format!(
                        "{} (tier from {} sales a month)",
                        tier.sale.words("sale"),
                        tier.min_sales
                    ),
                    0,
                );
            }
            let sale = structure.sale?;
            credit(sale.apply(amount), sale.words("sale"), 0)
        }
        Conversion::SubscriptionPayment { amount, number } => {
            let sub = structure.subscription?;
            if sub.months.is_some_and(|months| number > months) {
                return None;
            }
            let of = sub
                .months
                .map_or_else(String::new, |m| format!(" {number} of {m}"));
            credit(
                sub.rate.apply(amount),
                format!("{} (payment{of})", sub.rate.words("subscription payment")),
                0,
            )
        }
    }
}

/// Overrides for the referring partner's parent and grandparent, on sales.
pub fn overrides(structure: &CommissionStructure, conversion: Conversion<'_>) -> Vec<Credit> {
    let Conversion::Sale { amount, .. } = conversion else {
        return Vec::new();
    };
    [
        (structure.second_tier, 1, "second tier"),
        (structure.third_tier, 2, "third tier"),
    ]
    .into_iter()
    .filter_map(|(rate, level, name)| {
        let rate = rate?;
        credit(
            rate.apply(amount),
            format!("{}, {name}", rate.words("referred partner's sale")),
            level,
        )
    })
    .collect()
}

/// The clawback for a refund of `refund` out of a sale of `sale` on which `credited` was
/// earned and `clawed` (≤ 0) already taken back: proportional to the refunded share, rounded
/// like commissions, and never more than what is left. Returns an amount ≤ 0.
pub fn clawback(credited: Money, clawed: Money, sale: Money, refund: Money) -> Money {
    let currency = credited.currency();
    let left = (credited.minor() + clawed.minor()).max(0);
    if sale.minor() <= 0 || refund.minor() <= 0 || left == 0 {
        return Money::zero(currency);
    }
    let share = if refund.minor() >= sale.minor() {
        i128::from(credited.minor())
    } else {
        let product = i128::from(credited.minor()) * i128::from(refund.minor());
        let sale = i128::from(sale.minor());
        (product + sale / 2) / sale
    };
    let take = share.min(i128::from(left)) as i64;
    Money::from_minor(-take, currency)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Amount, Currency};

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::parse("USD").unwrap())
    }

    fn structure(yaml: &str) -> CommissionStructure {
        let usd = Currency::parse("USD").unwrap();
        serde_yaml::from_str::<CommissionStructure<Amount>>(yaml)
            .unwrap()
            .try_map_money(|a| a.in_currency(usd))
            .unwrap()
    }

    fn sale(minor: i64) -> Conversion<'static> {
        Conversion::Sale {
            amount: usd(minor),
            product: None,
        }
    }

    #[test]
    fn the_coffee_club_pays_by_its_rules() {
        let s = structure(
            "sale: {percent: 20}\nsubscription: {rate: {percent: 10}, months: 12}\nlead: 2.00\nsecond_tier: {percent: 5}\n",
        );
        assert_eq!(direct(&s, sale(4_900), 0).unwrap().amount, usd(980));
        assert_eq!(direct(&s, Conversion::Lead, 0).unwrap().amount, usd(200));
        let payment = |number| Conversion::SubscriptionPayment {
            amount: usd(2_500),
            number,
        };
        assert_eq!(direct(&s, payment(1), 0).unwrap().amount, usd(250));
        assert_eq!(
            direct(&s, payment(12), 0).unwrap().rule,
            "10% of the subscription payment (payment 12 of 12)"
        );
        assert_eq!(direct(&s, payment(13), 0), None, "past its 12 months");
        let o = overrides(&s, sale(4_900));
        assert_eq!(o.len(), 1);
        assert_eq!((o[0].amount, o[0].level), (usd(245), 1));
        assert!(overrides(&s, Conversion::Lead).is_empty());
    }

    #[test]
    fn tiers_and_products_override_the_sale_rate() {
        let s = structure(
            "sale: {fixed: 15}\ntiers: [{min_sales: 10, sale: {fixed: 20}}, {min_sales: 25, sale: {fixed: 25}}]\n\
             products: [{product: espresso-pro, name: Espresso Pro, sale: {fixed: 40}}]\nthird_tier: {percent: 1}\nsecond_tier: {percent: 2}\n",
        );
        assert_eq!(direct(&s, sale(10_000), 0).unwrap().amount, usd(1_500));
        assert_eq!(
            direct(&s, sale(10_000), 8).unwrap().amount,
            usd(1_500),
            "the 9th sale"
        );
        assert_eq!(
            direct(&s, sale(10_000), 9).unwrap().amount,
            usd(2_000),
            "the 10th sale"
        );
        assert_eq!(direct(&s, sale(10_000), 30).unwrap().amount, usd(2_500));
        let pro = Conversion::Sale {
            amount: usd(120_000),
            product: Some("espresso-pro"),
        };
        let c = direct(&s, pro, 30).unwrap();
        assert_eq!(c.amount, usd(4_000));
        assert!(c.rule.starts_with("Espresso Pro"));
        let levels: Vec<_> = overrides(&s, pro)
            .iter()
            .map(|c| (c.level, c.amount))
            .collect();
        assert_eq!(levels, [(1, usd(2_400)), (2, usd(1_200))]);
        assert_eq!(direct(&s, Conversion::Lead, 0), None, "no lead rule");
    }

    #[test]
    fn clawbacks_are_proportional_and_capped() {
        assert_eq!(
            clawback(usd(1_000), usd(0), usd(5_000), usd(5_000)),
            usd(-1_000)
        );
        assert_eq!(
            clawback(usd(1_000), usd(0), usd(5_000), usd(2_500)),
            usd(-500)
        );
        assert_eq!(
            clawback(usd(1_000), usd(-800), usd(5_000), usd(2_500)),
            usd(-200),
            "only what is left"
        );
        assert_eq!(
            clawback(usd(1_000), usd(-1_000), usd(5_000), usd(5_000)),
            usd(0)
        );
        assert_eq!(
            clawback(usd(1_000), usd(0), usd(5_000), usd(9_999)),
            usd(-1_000),
            "a refund above the sale"
        );
    }

    proptest::proptest! {
        /// However a sale is refunded, in however many parts, no more comes back than was credited.
        #[test]
        fn refunds_never_claw_back_more_than_was_credited(
            sale_minor in 1_i64..10_000_000,
            pct in 1_u32..=10_000,
            refunds in proptest::collection::vec(1_i64..10_000_000, 1..6),
        ) {
            let s = CommissionStructure { sale: Some(Rate::Percent(crate::Percent::from_hundredths(pct).unwrap())), ..structure("lead: 1\n") };
            let Some(c) = direct(&s, sale(sale_minor), 0) else { return Ok(()); };
            let mut clawed = usd(0);
            for r in refunds {
                let back = clawback(c.amount, clawed, usd(sale_minor), usd(r));
                proptest::prop_assert!(back.minor() <= 0);
                clawed = clawed.checked_add(back).unwrap();
                proptest::prop_assert!(-clawed.minor() <= c.amount.minor());
            }
        }

        /// A commission is computed the same way every time (a replayed event earns the same).
        #[test]
        fn the_engine_is_deterministic(amount in 1_i64..10_000_000, before in 0_u32..100) {
            let s = structure("sale: {fixed: 15}\ntiers: [{min_sales: 10, sale: {fixed: 20}}]\nsecond_tier: {percent: 2}\n");
            proptest::prop_assert_eq!(direct(&s, sale(amount), before), direct(&s, sale(amount), before));
            proptest::prop_assert_eq!(overrides(&s, sale(amount)), overrides(&s, sale(amount)));
        }
    }
}
