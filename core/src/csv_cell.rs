//! One rule for every cell of every CSV the project writes: text a spreadsheet could run as a
//! formula is neutralised (OWASP's advice for CSV injection), numbers stay numbers.

use std::borrow::Cow;

/// Characters that make a spreadsheet treat a cell as a formula (or split it).
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Whether `text` is a plain decimal number (`12`, `-12.50`), which no spreadsheet runs.
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// The cell as written: a leading `'` before text that starts like a formula, so the
/// spreadsheet shows it as text; numbers (negative amounts included) unchanged.
pub fn cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) && !is_number(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        for bad in [
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "-",
        ] {
            assert_eq!(cell(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in ["-12.50", "12", "0.00", "-3", "Alex Rivera", "a=b", ""] {
            assert_eq!(cell(fine), fine);
        }
    }
}
