//! Money: integer minor units plus an ISO 4217 currency. Never floats.
//!
//! Amounts arrive as decimal text (`"19.99"`, or a YAML number that is formatted back to its
//! shortest decimal form) and are converted exactly; more decimal places than the currency has
//! is an error, not a rounding.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    #[error("{0:?} is not a decimal amount (write it like 19.99)")]
    NotDecimal(String),
    #[error("amount must not be negative, got {0}")]
    Negative(String),
    #[error("{amount} has more decimal places than {currency} allows ({places})")]
    TooPrecise {
        amount: String,
        currency: Currency,
        places: u8,
    },
    #[error("amount {0} is too large")]
    TooLarge(String),
    #[error("{0:?} is not an ISO 4217 currency code this portal knows (e.g. USD, EUR, GBP)")]
    UnknownCurrency(String),
    #[error("cannot combine {0} and {1}")]
    CurrencyMismatch(Currency, Currency),
}

/// ISO 4217 currencies with their number of minor-unit digits and display symbol.
const CURRENCIES: &[(&str, u8, &str)] = &[
    ("AED", 2, ""),
    ("ARS", 2, ""),
    ("AUD", 2, "A$"),
    ("BGN", 2, ""),
    ("BHD", 3, ""),
    ("BRL", 2, "R$"),
    ("CAD", 2, "CA$"),
    ("CHF", 2, ""),
    ("CLP", 0, ""),
    ("CNY", 2, "CN¥"),
    ("COP", 2, ""),
    ("CZK", 2, ""),
    ("DKK", 2, ""),
    ("EGP", 2, ""),
    ("EUR", 2, "€"),
    ("GBP", 2, "£"),
    ("HKD", 2, "HK$"),
    ("HUF", 2, ""),
    ("IDR", 2, ""),
    ("ILS", 2, "₪"),
    ("INR", 2, "₹"),
    ("ISK", 0, ""),
    ("JPY", 0, "¥"),
    ("KES", 2, ""),
    ("KRW", 0, "₩"),
    ("KWD", 3, ""),
    ("MXN", 2, "MX$"),
    ("MYR", 2, ""),
    ("NGN", 2, ""),
    ("NOK", 2, ""),
    ("NZD", 2, "NZ$"),
    ("OMR", 3, ""),
    ("PEN", 2, ""),
    ("PHP", 2, ""),
    ("PLN", 2, ""),
    ("RON", 2, ""),
    ("SAR", 2, ""),
    ("SEK", 2, ""),
    ("SGD", 2, ""),
    ("THB", 2, ""),
    ("TRY", 2, ""),
    ("TWD", 2, ""),
    ("UAH", 2, ""),
    ("USD", 2, "$"),
    ("VND", 0, ""),
    ("ZAR", 2, ""),
];

/// An ISO 4217 currency known to the portal.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct Currency(&'static str, u8, &'static str);

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

impl Currency {
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        CURRENCIES
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|&(c, digits, symbol)| Currency(c, digits, symbol))
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_owned()))
    }

    pub fn code(self) -> &'static str {
        self.0
    }

    /// Number of digits after the decimal point (2 for USD, 0 for JPY, 3 for KWD).
    pub fn minor_digits(self) -> u8 {
        self.1
    }

    fn symbol(self) -> &'static str {
        self.2
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(value: String) -> Result<Self, MoneyError> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> String {
        value.0.to_owned()
    }
}

/// An exact decimal number as written by a person: `mantissa × 10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    mantissa: i64,
    scale: u8,
}

impl Decimal {
    /// Parses `-?\d+(\.\d+)?`. No exponents, no thousands separators, no sign on zero issues.
    pub fn parse(text: &str) -> Result<Self, MoneyError> {
        let bad = || MoneyError::NotDecimal(text.to_owned());
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || (digits.contains('.') && fraction.is_empty())
        {
            return Err(bad());
        }
        let fraction = fraction.trim_end_matches('0');
        if whole.len() + fraction.len() > 17 {
            return Err(MoneyError::TooLarge(text.to_owned()));
        }
        let mut mantissa: i64 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            mantissa = mantissa * 10 + i64::from(b - b'0');
        }
        Ok(Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            scale: fraction.len() as u8,
        })
    }

    pub fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    /// The value in units of `10^-digits`, if it has no more than `digits` decimal places.
    fn scaled_to(self, digits: u8) -> Option<i64> {
        if self.scale > digits {
            return None;
        }
        10_i64
            .checked_pow(u32::from(digits - self.scale))
            .and_then(|factor| self.mantissa.checked_mul(factor))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_scaled(f, self.mantissa, self.scale)
    }
}

fn write_scaled(f: &mut impl fmt::Write, value: i64, scale: u8) -> fmt::Result {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    if scale == 0 {
        return write!(f, "{sign}{abs}");
    }
    let factor = 10_u64.pow(u32::from(scale));
    write!(
        f,
        "{sign}{}.{:0width$}",
        abs / factor,
        abs % factor,
        width = usize::from(scale)
    )
}

/// A non-negative decimal amount as written in content files, before its currency is known.
/// Accepts a YAML string (`"19.99"`) or number (`19.99`, formatted back to its shortest form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(Decimal);

impl Amount {
    pub fn decimal(self) -> Decimal {
        self.0
    }

    pub fn in_currency(self, currency: Currency) -> Result<Money, MoneyError> {
        Money::from_decimal(self.0, currency)
    }
}

/// A number as people write it in YAML or JSON (`20`, `12.5`, `"19.99"`), as text. Floats are
/// formatted back to their shortest decimal form, which is exactly what was written.
pub(crate) fn decimal_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Float(f64),
        Text(String),
    }
    Ok(match Raw::deserialize(deserializer)? {
        Raw::Int(i) => i.to_string(),
        Raw::Float(x) => x.to_string(),
        Raw::Text(s) => s,
    })
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = decimal_text(deserializer)?;
        let decimal = Decimal::parse(text.trim()).map_err(serde::de::Error::custom)?;
        if decimal.is_negative() {
            return Err(serde::de::Error::custom(MoneyError::Negative(text)));
        }
        Ok(Amount(decimal))
    }
}

/// A decimal amount that may be negative (an adjustment: a credit or a deduction), as written
/// in content files, before its currency is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedAmount(Decimal);

impl SignedAmount {
    pub fn decimal(self) -> Decimal {
        self.0
    }

    pub fn in_currency(self, currency: Currency) -> Result<Money, MoneyError> {
        Money::from_decimal(self.0, currency)
    }
}

impl<'de> Deserialize<'de> for SignedAmount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = decimal_text(deserializer)?;
        Decimal::parse(text.trim())
            .map(SignedAmount)
            .map_err(serde::de::Error::custom)
    }
}

/// An amount of money in integer minor units (cents) of one currency. Serializes as its
/// decimal text (`"19.99"`); the currency travels separately (one per portal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    pub fn from_decimal(decimal: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        let minor =
            decimal
                .scaled_to(currency.minor_digits())
                .ok_or_else(|| MoneyError::TooPrecise {
                    amount: decimal.to_string(),
                    currency,
                    places: currency.minor_digits(),
                })?;
        Ok(Money { minor, currency })
    }

    /// Parses decimal text such as `"19.99"` exactly in `currency`.
    pub fn parse(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        Money::from_decimal(Decimal::parse(text)?, currency)
    }

    pub fn minor(self) -> i64 {
        self.minor
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    pub fn is_negative(self) -> bool {
        self.minor < 0
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money { minor, ..self })
            .ok_or_else(|| MoneyError::TooLarge(format!("{self} + {other}")))
    }

    /// The amount as plain decimal text without symbol, e.g. `"1250.00"` (for CSV and JSON).
    pub fn decimal_string(self) -> String {
        let mut out = String::new();
        let _ = write_scaled(&mut out, self.minor, self.currency.minor_digits());
        out
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.decimal_string())
    }
}

/// Human form: `$1,250.00`, `€15.00`, `¥500`, `12.50 CHF`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = Money {
            minor: self.minor.abs(),
            ..*self
        }
        .decimal_string();
        let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let number = if fraction.is_empty() {
            grouped
        } else {
            format!("{grouped}.{fraction}")
        };
        let sign = if self.minor < 0 { "-" } else { "" };
        match self.currency.symbol() {
            "" => write!(f, "{sign}{number} {}", self.currency.code()),
            symbol => write!(f, "{sign}{symbol}{number}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    #[test]
    fn parses_exact_amounts() {
        assert_eq!(Money::parse("19.99", usd()).unwrap().minor(), 1999);
        assert_eq!(Money::parse("2", usd()).unwrap().minor(), 200);
        assert_eq!(Money::parse("0.5", usd()).unwrap().minor(), 50);
        assert_eq!(Money::parse("-3.10", usd()).unwrap().minor(), -310);
        assert_eq!(Money::parse("1.50", usd()).unwrap().minor(), 150);
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Money::parse("500", jpy).unwrap().minor(), 500);
    }

    #[test]
    fn refuses_what_is_not_an_exact_amount() {
        for bad in ["", "abc", "1e3", "1.", ".5", "1,000", "--1", "+1", " 1"] {
            assert!(
                matches!(Money::parse(bad, usd()), Err(MoneyError::NotDecimal(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            Money::parse("2.005", usd()),
            Err(MoneyError::TooPrecise { places: 2, .. })
        ));
        assert!(matches!(
            Money::parse("99999999999999999999", usd()),
            Err(MoneyError::TooLarge(_))
        ));
        assert!(Money::parse("1.5", Currency::parse("JPY").unwrap()).is_err());
    }

    #[test]
    fn currencies_are_checked() {
        assert!(Currency::parse("EUR").is_ok());
        for bad in ["usd", "XYZ", "US", "DOLLAR"] {
            assert!(Currency::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_for_people_and_for_machines() {
        assert_eq!(Money::from_minor(125_000, usd()).to_string(), "$1,250.00");
        assert_eq!(Money::from_minor(200, usd()).to_string(), "$2.00");
        assert_eq!(Money::from_minor(-5, usd()).to_string(), "-$0.05");
        let chf = Currency::parse("CHF").unwrap();
        assert_eq!(Money::from_minor(1250, chf).to_string(), "12.50 CHF");
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Money::from_minor(1_234_567, jpy).to_string(), "¥1,234,567");
        assert_eq!(Money::from_minor(-1999, usd()).decimal_string(), "-19.99");
    }

    #[test]
    fn amounts_from_yaml_numbers_and_strings() {
        let a: Amount = serde_yaml::from_str("19.99").unwrap();
        assert_eq!(a.in_currency(usd()).unwrap().minor(), 1999);
        let b: Amount = serde_yaml::from_str("\"2.50\"").unwrap();
        assert_eq!(b.in_currency(usd()).unwrap().minor(), 250);
        let c: Amount = serde_yaml::from_str("40").unwrap();
        assert_eq!(c.in_currency(usd()).unwrap().minor(), 4000);
        let err = serde_yaml::from_str::<Amount>("-2").unwrap_err();
        assert!(err.to_string().contains("negative"), "{err}");
    }

    #[test]
    fn adding_checks_currency() {
        let eur = Currency::parse("EUR").unwrap();
        let sum = Money::from_minor(150, usd()).checked_add(Money::from_minor(50, usd()));
        assert_eq!(sum.unwrap().minor(), 200);
        assert!(
            Money::from_minor(1, usd())
                .checked_add(Money::from_minor(1, eur))
                .is_err()
        );
    }

    proptest::proptest! {
        #[test]
        fn decimal_text_round_trips(minor in -10_i64.pow(15)..10_i64.pow(15)) {
            let money = Money::from_minor(minor, usd());
            proptest::prop_assert_eq!(Money::parse(&money.decimal_string(), usd()).unwrap(), money);
        }
    }
}
