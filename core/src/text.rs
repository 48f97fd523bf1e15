//! Text typed by people outside the business (applicants, partners) that the portal keeps as
//! data, never as structure.

use std::fmt::Write as _;

/// Whether `c` breaks a line somewhere the text goes: a line feed or carriage return, and the
/// breaks YAML 1.1 (libyaml, serde_yaml) and JavaScript also honour (U+0085 next line, U+2028
/// line separator, U+2029 paragraph separator).
pub fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Whether `c` may change how text around it reads without being visible (bidirectional
/// embeddings, overrides and isolates, the byte-order mark), or is no character at all
/// (U+FFFE, U+FFFF: YAML refuses them even in a comment).
fn is_invisible_control(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
    )
}

/// Whether `c` must be escaped in a YAML double-quoted scalar to stay itself.
pub fn needs_yaml_escape(c: char) -> bool {
    c.is_control() || is_line_break(c) || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// The first character of `text` that may not be in a field a person fills in: a control
/// character, a line break (a line feed is allowed where `newlines`: an address), or an
/// invisible control. `None` when the text is fine.
pub fn unsafe_char(text: &str, newlines: bool) -> Option<char> {
    text.chars().find(|&c| {
        !(newlines && c == '\n') && (c.is_control() || is_line_break(c) || is_invisible_control(c))
    })
}

/// `text` on one line: every line break and control character becomes a space.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || is_line_break(c) || is_invisible_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// A YAML double-quoted scalar: whatever was typed stays one string. Every
/// character YAML could read as anything but itself is escaped: quotes, backslashes, control
/// characters, every YAML 1.1 line break (U+0085, U+2028, U+2029) and the byte-order mark.
pub fn yaml_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if needs_yaml_escape(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_of_every_kind_are_caught() {
        for c in [
            '\n', '\r', '\u{0}', '\u{7}', '\u{85}', '\u{2028}', '\u{2029}', '\u{202e}', '\u{feff}',
        ] {
            let text = format!("ok{c}coupons: [X]");
            assert_eq!(unsafe_char(&text, false), Some(c), "{c:?}");
            assert!(!one_line(&text).contains(c));
        }
        assert_eq!(unsafe_char("1 Road\nTown", true), None);
        assert_eq!(unsafe_char("1 Road\u{2028}Town", true), Some('\u{2028}'));
        assert_eq!(unsafe_char("Zoë: \"quotes\" # — 東京", false), None);
    }
}
