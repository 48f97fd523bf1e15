//! The small placeholder language of welcome.md, email copy and resource pages:
//! `{{ partner.first_name }}`, `{{ link }}`, `{{ links.home }}`… Checked when content loads,
//! so an unknown name is a located error, never a blank in a partner's page.

use pc_core::Slug;

use super::source::SourceFile;
use crate::diagnostics::ContentError;

/// What a placeholder stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholder {
    PartnerName,
    PartnerFirstName,
    PartnerCode,
    PartnerCompany,
    PartnerEmail,
    PortalName,
    BusinessName,
    SupportEmail,
    /// The partner's URL for the resource's own link (email copy).
    OwnLink,
    /// The partner's URL for a named link.
    Link(Slug),
}

const NAMES: &str = "partner.name, partner.first_name, partner.code, partner.company, partner.email, \
                     site.portal_name, site.business_name, site.support_email, links.<slug>";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Value(Placeholder),
}

/// Text with placeholders, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    segments: Vec<Segment>,
}

/// The values to fill in for one partner.
pub trait PlaceholderValues {
    fn value(&self, placeholder: &Placeholder) -> String;
}

impl Template {
    /// Parses `text` (which starts at byte `base` of `file`), allowing `{{ link }}` when
    /// `own_link` is set. Every bad placeholder becomes an error.
    pub fn parse(
        file: &SourceFile,
        base: usize,
        text: &str,
        own_link: bool,
        errors: &mut Vec<ContentError>,
    ) -> Template {
        let mut segments = Vec::new();
        let mut rest = text;
        let mut at = base;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_owned()));
            }
            let Some(close) = rest[open..].find("}}") else {
                errors.push(
                    ContentError::at(file, at + open, 2, "`{{` is never closed with `}}`")
                        .hint("write placeholders like {{ partner.first_name }}"),
                );
                rest = "";
                break;
            };
            let inner = &rest[open + 2..open + close];
            let name = inner.trim();
            let name_at = at + open + 2 + (inner.len() - inner.trim_start().len());
            if let Some(p) = parse_name(name, own_link) {
                segments.push(Segment::Value(p));
            } else {
                {
                    let mut known = NAMES.to_owned();
                    if own_link {
                        known.push_str(", link");
                    }
                    errors.push(
                        ContentError::at(
                            file,
                            name_at,
                            name.len().max(1),
                            format!("unknown placeholder `{{{{ {name} }}}}`"),
                        )
                        .label("not a known name")
                        .hint(format!("the placeholders you can use here are: {known}")),
                    );
                }
            }
            let consumed = open + close + 2;
            at += consumed;
            rest = &rest[consumed..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_owned()));
        }
        Template { segments }
    }

    /// The slugs named by `{{ links.<slug> }}`.
    pub fn linked_slugs(&self) -> impl Iterator<Item = &Slug> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Value(Placeholder::Link(slug)) => Some(slug),
            _ => None,
        })
    }

    /// Fills in the values. In a markdown source (`markdown`) a value is text, never
    /// structure: what a partner wrote (their name, company, address) cannot become a link, an
    /// image, a heading or HTML, and every value is HTML-escaped.
    pub fn render(&self, values: &impl PlaceholderValues, markdown: bool) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Value(p) if markdown && p.is_partners_text() => {
                    out.push_str(&markdown_text(&values.value(p)));
                }
                Segment::Value(p) if markdown => out.push_str(&html_escape(&values.value(p))),
                Segment::Value(p) => out.push_str(&values.value(p)),
            }
        }
        out
    }
}

fn parse_name(name: &str, own_link: bool) -> Option<Placeholder> {
    Some(match name {
        "partner.name" => Placeholder::PartnerName,
        "partner.first_name" => Placeholder::PartnerFirstName,
        "partner.code" => Placeholder::PartnerCode,
        "partner.company" => Placeholder::PartnerCompany,
        "partner.email" => Placeholder::PartnerEmail,
        "site.portal_name" => Placeholder::PortalName,
        "site.business_name" => Placeholder::BusinessName,
        "site.support_email" => Placeholder::SupportEmail,
        "link" if own_link => Placeholder::OwnLink,
        other => Placeholder::Link(Slug::parse(other.strip_prefix("links.")?).ok()?),
    })
}

pub use pc_core::html::escape_html as html_escape;

impl Placeholder {
    /// Text the partner wrote (or an applicant did): free text, unlike codes, links and the
    /// owner's own settings.
    fn is_partners_text(&self) -> bool {
        matches!(
            self,
            Placeholder::PartnerName
                | Placeholder::PartnerFirstName
                | Placeholder::PartnerCompany
                | Placeholder::PartnerEmail
        )
    }
}

/// `value` as markdown text: each ASCII punctuation character that markdown or HTML could
/// read as structure becomes a numeric character reference (which markdown turns back into
/// the character itself), and line breaks become spaces. So `[Verify your payout](https://…)`
/// shows as written, not as a link.
pub fn markdown_text(value: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.'
            | '!' | '|' | '<' | '>' | '&' | '~' | '"' | '=' | ':' | '^' | '$' | '%' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c if pc_core::text::is_line_break(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Values;
    impl PlaceholderValues for Values {
        fn value(&self, p: &Placeholder) -> String {
            match p {
                Placeholder::PartnerFirstName => "Alex <b>".into(),
                Placeholder::Link(slug) => format!("https://x/r/abc123/{slug}"),
                _ => "?".into(),
            }
        }
    }

    fn parse(text: &str, own_link: bool) -> (Template, Vec<ContentError>) {
        let file = SourceFile::new("t.md".into(), "t.md".into(), text.into());
        let mut errors = Vec::new();
        let t = Template::parse(&file, 0, text, own_link, &mut errors);
        (t, errors)
    }

    #[test]
    fn fills_in_values_escaped_for_markdown_sources() {
        let (t, errors) = parse("Hi {{ partner.first_name }}, see {{links.home}}!", false);
        assert!(errors.is_empty());
        assert_eq!(
            t.render(&Values, true),
            "Hi Alex &#60;b&#62;, see https://x/r/abc123/home!"
        );
        assert_eq!(
            t.render(&Values, false),
            "Hi Alex <b>, see https://x/r/abc123/home!"
        );
    }

    #[test]
    fn a_partners_text_stays_text_in_markdown() {
        struct Named(&'static str);
        impl PlaceholderValues for Named {
            fn value(&self, _: &Placeholder) -> String {
                self.0.into()
            }
        }
        let (t, _) = parse("Hello {{ partner.name }}!", false);
        for (name, shown) in [
            (
                "[Verify your payout](https://evil.example/)",
                "[Verify your payout](https://evil.example/)",
            ),
            (
                "![x](https://evil.example/x.png)",
                "![x](https://evil.example/x.png)",
            ),
            (
                "<img src=x onerror=alert(1)>",
                "<img src=x onerror=alert(1)>",
            ),
            ("**Bold** _it_ `code`", "**Bold** _it_ `code`"),
            ("O'Brien & Sons", "O'Brien & Sons"),
            ("Line\u{2028}# Heading", "Line # Heading"),
        ] {
            let html = crate::markdown::markdown_to_html(&t.render(&Named(name), true));
            assert!(
                !html.contains("<a") && !html.contains("<img") && !html.contains("<h1"),
                "{name} became structure: {html}"
            );
            let text = crate::markdown::markdown_to_plain(&t.render(&Named(name), true));
            assert_eq!(text.trim(), format!("Hello {shown}!"), "{name}");
        }
    }

    #[test]
    fn unknown_names_are_located() {
        let (_, errors) = parse("line one\nHello {{ partner.nmae }} and {{ link }}", false);
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].location(), "t.md:2:10");
        assert!(errors[0].message().contains("partner.nmae"));
        assert_eq!(errors[1].location(), "t.md:2:33");
        let (_, errors) = parse("{{ link }}", true);
        assert!(errors.is_empty());
    }

    #[test]
    fn unclosed_braces_are_an_error() {
        let (_, errors) = parse("Hello {{ partner.name", false);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message().contains("never closed"));
    }
}
