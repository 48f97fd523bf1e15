//! A content file's text, kept for error locations, and helpers to find a field in it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::ContentError;

/// A content file as read from disk (valid UTF-8), with its path for messages.
#[derive(Debug, Clone)]
pub struct SourceFile {
    path: PathBuf,
    display: String,
    text: Arc<str>,
}

impl ContentError {
    /// A problem at byte `offset` (length `len`) of `file`.
    pub fn at(file: &SourceFile, offset: usize, len: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(file.text().len());
        let (line, column) = file.line_column(offset);
        ContentError::in_source(
            message,
            format!("{}:{line}:{column}", file.display_path()),
            miette::NamedSource::new(file.display_path(), file.shared_text()),
            miette::SourceSpan::new(offset.into(), len),
        )
    }
}

impl SourceFile {
    // Errors are rare and end up in a Vec anyway; boxing them would only add noise.
    #[allow(clippy::result_large_err)]
    /// Reads `root/relative`. Non-UTF-8 text and empty files are errors with a location.
    pub fn read(root: &Path, relative: &Path) -> Result<SourceFile, ContentError> {
        let path = root.join(relative);
        let display = path.display().to_string();
        let bytes = std::fs::read(&path)
            .map_err(|e| ContentError::file(&display, format!("cannot read the file: {e}")))?;
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
                let file = SourceFile::new(path, display, lossy);
                let (line, column) = file.line_column(valid);
                return Err(ContentError::at(
                    &file,
                    file.offset_of(line, column),
                    1,
                    "the file is not valid UTF-8 text",
                )
                .label("this byte is not UTF-8")
                .hint("save the file as UTF-8 (most editors have an \"encoding\" setting)"));
            }
        };
        let file = SourceFile::new(path, display, text);
        if file.text.trim().is_empty() {
            return Err(ContentError::at(&file, 0, 0, "the file is empty")
                .hint("fill it in (see the content reference in README.md) or delete it"));
        }
        Ok(file)
    }

    pub fn new(path: PathBuf, display: String, text: String) -> SourceFile {
        SourceFile {
            path,
            display,
            text: text.into(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn display_path(&self) -> &str {
        &self.display
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// Byte offset of a 1-based line and column.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let line_start: usize = self
            .text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let rest = &self.text[line_start.min(self.text.len())..];
        line_start
            + rest
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(rest.len(), |(i, _)| i)
    }

    /// The `key:` of a mapping entry (first at any depth), as (offset, length) of its value,
    /// or of the key when the value is on the next lines.
    pub fn find_key(&self, key: &str) -> Option<(usize, usize)> {
        let mut offset = 0;
        for line in self.text.split_inclusive('\n') {
            let indent = line.len() - line.trim_start().len();
            let mut body = &line[indent..];
            let mut body_at = offset + indent;
            if let Some(rest) = body.strip_prefix("- ") {
                let skip = body.len() - rest.trim_start().len();
                body = &body[skip..];
                body_at += skip;
            }
            if let Some(rest) = body.strip_prefix(key)
                && let Some(after) = rest.strip_prefix(':')
            {
                let value_text = after.split(" #").next().unwrap_or("");
                let trimmed = value_text.trim();
                if trimmed.is_empty() {
                    return Some((body_at, key.len()));
                }
                let lead = value_text.len() - value_text.trim_start().len();
                return Some((body_at + key.len() + 1 + lead, trimmed.len()));
            }
            offset += line.len();
        }
        None
    }

    /// Where `value` appears as a whole word after the first `key:`; else the key itself.
    pub fn find_value(&self, key: &str, value: &str) -> Option<(usize, usize)> {
        let (key_at, _) = self.find_key(key)?;
        let rest = &self.text[key_at..];
        let mut search = 0;
        while let Some(i) = rest[search..].find(value) {
            let start = search + i;
            let end = start + value.len();
            let before_ok = rest[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word(c));
            let after_ok = rest[end..].chars().next().is_none_or(|c| !is_word(c));
            if before_ok && after_ok {
                return Some((key_at + start, value.len()));
            }
            search = end;
        }
        self.find_key(key)
    }

    /// An error at the given key (or value), falling back to the file's first line.
    pub fn error_at(
        &self,
        found: Option<(usize, usize)>,
        message: impl Into<String>,
    ) -> ContentError {
        let (offset, len) = found.unwrap_or((0, 0));
        ContentError::at(self, offset, len, message)
    }

    /// An error from serde_yaml, at the location it reports.
    pub fn yaml_error(&self, err: &serde_yaml::Error, base_offset: usize) -> ContentError {
        let message = err.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_owned(),
            None => message,
        };
        let reported = err.location().map_or(0, |l| l.index()) + base_offset;
        let (offset, len) = self.refine(reported, &message);
        let hint = yaml_hint(&message);
        let error = ContentError::at(self, offset, len, message);
        match hint {
            Some(hint) => error.hint(hint),
            None => error,
        }
    }
}

impl SourceFile {
    /// serde_yaml reports custom errors (bad currency, URL, code…) at the enclosing mapping
    /// or not at all; the message usually quotes the bad value, so look for it from there.
    fn refine(&self, reported: usize, message: &str) -> (usize, usize) {
        let mut candidates: Vec<&str> = message.split('"').skip(1).step_by(2).collect();
        if let Some(i) = message.find("got ") {
            candidates.push(message[i + 4..].split_whitespace().next().unwrap_or(""));
        }
        for candidate in candidates.into_iter().filter(|c| !c.is_empty()) {
            let start = reported.min(self.text.len());
            if let Some(i) = self.text[start..].find(candidate) {
                return (start + i, candidate.len());
            }
            if let Some(i) = self.text.find(candidate) {
                return (i, candidate.len());
            }
        }
        (reported, 1)
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn yaml_hint(message: &str) -> Option<&'static str> {
    if message.contains("unknown field") {
        Some(
            "check the spelling against the field list; the content reference in README.md lists every field",
        )
    } else if message.contains("missing field") {
        Some("add the field; the content reference in README.md says what it holds")
    } else if message.contains("invalid type") {
        Some("check the value's type: text, number, list (`[a, b]`) or mapping (`key: value`)")
    } else if message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
        || message.contains("found character that cannot start")
        || message.contains("could not find expected")
    {
        Some(
            "YAML syntax: check indentation (spaces, not tabs) and quote text that contains `: ` or starts with a special character",
        )
    } else {
        None
    }
}
