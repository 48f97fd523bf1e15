//! Markdown to HTML, with the extensions owners expect (tables, strikethrough).

use std::fmt::Write as _;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Owner markdown is shown inside a page that has its own `<h1>`: headings move down a level
/// (`#` becomes `<h2>`), so every page keeps one `<h1>` and a sound outline.
pub fn markdown_to_html(text: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION;
    let demote = |level: HeadingLevel| match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    };
    let events = Parser::new_ext(text, options).map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        other => other,
    });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Markdown as the plain text of an e-mail: no `**`, `#` or `[…](…)` markers; a link reads
/// "text (url)" unless its text is the address itself; list items start with "- ".
pub fn markdown_to_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut links: Vec<String> = Vec::new();
    let mut link_text = String::new();
    let mut ordered: Vec<Option<u64>> = Vec::new();
    let block_end = |out: &mut String| {
        while out.ends_with(' ') {
            out.pop();
        }
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
        }
    };
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                links.push(dest_url.into_string());
                link_text.clear();
            }
            Event::End(TagEnd::Link) => {
                let url = links.pop().unwrap_or_default();
                if link_text.trim() != url {
                    let _ = write!(out, " ({url})");
                }
            }
            Event::Start(Tag::List(start)) => ordered.push(start),
            Event::End(TagEnd::List(_)) => {
                ordered.pop();
                block_end(&mut out);
            }
            Event::Start(Tag::Item) => match ordered.last_mut() {
                Some(Some(n)) => {
                    let _ = write!(out, "{n}. ");
                    *n += 1;
                }
                _ => out.push_str("- "),
            },
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => {
                if ordered.is_empty() {
                    block_end(&mut out);
                } else if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if !links.is_empty() {
                    link_text.push_str(&t);
                }
                out.push_str(&t);
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push_str("  "),
            Event::Rule => {
                block_end(&mut out);
                out.push_str("---\n\n");
            }
            _ => {}
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn headings_start_below_the_page_title() {
        let html = super::markdown_to_html("# Hello\n\n## Part\n\n###### Deep\n");
        assert_eq!(html, "<h2>Hello</h2>\n<h3>Part</h3>\n<h6>Deep</h6>\n");
    }

    #[test]
    fn plain_text_has_no_markdown_markers() {
        let text = super::markdown_to_plain(
            "# Fresh beans\n\nHi **Sam**, try [the club](https://x.example/r/a) or\n<https://x.example/r/b>.\n\n- one\n- *two*\n\n1. first\n2. second\n",
        );
        assert_eq!(
            text,
            "Fresh beans\n\nHi Sam, try the club (https://x.example/r/a) or https://x.example/r/b.\n\n- one\n- two\n\n1. first\n2. second"
        );
    }
}
