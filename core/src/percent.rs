//! Percentages with two decimal places, stored as hundredths of a percent.

use std::fmt;

use serde::{Deserialize, Deserializer};

use crate::money::{Decimal, Money};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PercentError {
    #[error("{0:?} is not a percentage (write it like 20 or 12.5%)")]
    NotNumber(String),
    #[error("a percentage must be more than 0 and at most 100, got {0}")]
    OutOfRange(String),
    #[error("{0} has more than two decimal places")]
    TooPrecise(String),
}

/// A rate between 0 (exclusive) and 100% (inclusive), e.g. `12.5%`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent {
    hundredths: u32,
}

impl Percent {
    /// Parses `20`, `12.5`, or `12.5%`.
    pub fn parse(text: &str) -> Result<Self, PercentError> {
        let number = text.trim().trim_end_matches('%').trim_end();
        let decimal = Decimal::parse(number).map_err(|_| PercentError::NotNumber(text.into()))?;
        let value = decimal.to_string();
        let hundredths = Money::from_decimal(decimal, crate::Currency::parse("USD").expect("USD"))
            .map_err(|_| PercentError::TooPrecise(value.clone()))?
            .minor();
        if hundredths <= 0 || hundredths > 10_000 {
            return Err(PercentError::OutOfRange(value));
        }
        Ok(Percent {
            hundredths: hundredths as u32,
        })
    }

    pub fn from_hundredths(hundredths: u32) -> Result<Self, PercentError> {
        if hundredths == 0 || hundredths > 10_000 {
            return Err(PercentError::OutOfRange(hundredths.to_string()));
        }
        Ok(Percent { hundredths })
    }

    pub fn hundredths(self) -> u32 {
        self.hundredths
    }

    /// This percentage of `amount`, in the same currency.
    ///
    /// The one rounding rule of the portal: a commission is rounded to the nearest minor unit,
    /// halves away from zero (so a refund's clawback mirrors the credit exactly).
    pub fn of(self, amount: Money) -> Money {
        let product = i128::from(amount.minor()) * i128::from(self.hundredths);
        let half = 5_000 * product.signum();
        let minor = (product + half) / 10_000;
        Money::from_minor(minor as i64, amount.currency())
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.hundredths / 100;
        match self.hundredths % 100 {
            0 => write!(f, "{whole}%"),
            frac if frac % 10 == 0 => write!(f, "{whole}.{}%", frac / 10),
            frac => write!(f, "{whole}.{frac:02}%"),
        }
    }
}

/// Serializes as decimal text without the sign (`"12.5"`), which [`Percent::parse`] reads back.
impl serde::Serialize for Percent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.to_string().trim_end_matches('%'))
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = crate::money::decimal_text(deserializer)?;
        Percent::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    #[test]
    fn parses_and_displays() {
        assert_eq!(Percent::parse("20").unwrap().to_string(), "20%");
        assert_eq!(Percent::parse("12.5%").unwrap().to_string(), "12.5%");
        assert_eq!(Percent::parse("0.25").unwrap().to_string(), "0.25%");
        assert_eq!(Percent::parse("100").unwrap().hundredths(), 10_000);
        assert!(matches!(
            Percent::parse("150"),
            Err(PercentError::OutOfRange(_))
        ));
        assert!(matches!(
            Percent::parse("0"),
            Err(PercentError::OutOfRange(_))
        ));
        assert!(matches!(
            Percent::parse("-5"),
            Err(PercentError::OutOfRange(_))
        ));
        assert!(matches!(
            Percent::parse("ten"),
            Err(PercentError::NotNumber(_))
        ));
        assert!(matches!(
            Percent::parse("1.005"),
            Err(PercentError::TooPrecise(_))
        ));
    }

    #[test]
    fn rounds_half_away_from_zero() {
        let usd = Currency::parse("USD").unwrap();
        let p = Percent::parse("12.5").unwrap();
        // 12.5% of $0.20 = 2.5 cents -> 3 cents; of -$0.20 -> -3 cents.
        assert_eq!(p.of(Money::from_minor(20, usd)).minor(), 3);
        assert_eq!(p.of(Money::from_minor(-20, usd)).minor(), -3);
        assert_eq!(
            Percent::parse("20")
                .unwrap()
                .of(Money::from_minor(4999, usd))
                .minor(),
            1000
        );
    }

    proptest::proptest! {
        #[test]
        fn a_percentage_never_exceeds_the_amount(minor in 0_i64..10_i64.pow(12), h in 1_u32..=10_000) {
            let usd = Currency::parse("USD").unwrap();
            let amount = Money::from_minor(minor, usd);
            let part = Percent::from_hundredths(h).unwrap().of(amount);
            proptest::prop_assert!(part.minor() >= 0 && part.minor() <= minor);
            // A refund of the same amount claws back exactly what was credited.
            let back = Percent::from_hundredths(h).unwrap().of(Money::from_minor(-minor, usd));
            proptest::prop_assert_eq!(back.minor(), -part.minor());
        }
    }
}
