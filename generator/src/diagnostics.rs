//! Content errors shown to owners: file, line, column, a label and a hint, rendered by miette.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};

/// One problem in the owner's content or theme.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ContentError {
    message: String,
    /// `path:line:column`, or just the path when the problem is the file as a whole.
    location: String,
    src: Option<NamedSource<Arc<str>>>,
    span: Option<SourceSpan>,
    label: &'static str,
    hint: Option<String>,
}

impl Diagnostic for ContentError {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.hint
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.src.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(self.label.to_owned()), span),
        )))
    }
}

impl ContentError {
    /// A problem at `span` of a source's text, located (`file:line:column`) for the terminal
    /// (`ContentError::at` makes one from a `SourceFile`).
    pub fn in_source(
        message: impl Into<String>,
        location: String,
        src: NamedSource<Arc<str>>,
        span: SourceSpan,
    ) -> Self {
        ContentError {
            message: message.into(),
            location,
            src: Some(src),
            span: Some(span),
            label: "here",
            hint: None,
        }
    }

    /// A problem with a file as a whole (missing, unreadable), reported at its path.
    pub fn file(path: impl fmt::Display, message: impl Into<String>) -> Self {
        ContentError {
            message: message.into(),
            location: path.to_string(),
            src: None,
            span: None,
            label: "",
            hint: None,
        }
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    #[must_use]
    pub fn label(mut self, label: &'static str) -> Self {
        self.label = label;
        self
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Every problem found in one run, in file order.
#[derive(Debug, Default)]
pub struct Diagnostics {
    errors: Vec<ContentError>,
}

impl Diagnostics {
    pub fn push(&mut self, error: ContentError) {
        self.errors.push(error);
    }

    pub fn extend(&mut self, errors: impl IntoIterator<Item = ContentError>) {
        self.errors.extend(errors);
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn len(&self) -> usize {
        self.errors.len()
    }

    pub fn errors(&self) -> &[ContentError] {
        &self.errors
    }

    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Renders every error: a `error: path:line:col: message` line a script can grep, then
    /// miette's report with the source excerpt and the hint.
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
        let mut out = String::new();
        for error in &self.errors {
            let _ = writeln!(out, "error: {}: {}", error.location, error.message);
            let _ = handler.render_report(&mut out, error);
            out.push('\n');
        }
        let n = self.errors.len();
        let _ = writeln!(
            out,
            "{n} error{} in the content; nothing was written.",
            if n == 1 { "" } else { "s" }
        );
        out
    }
}
