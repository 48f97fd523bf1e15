//! Themes: tera templates + static files. The default theme is compiled into the binary
//! (so `partner-center new` works anywhere); `themes/<name>/` next to the content folder
//! overrides it file by file.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use tera::Tera;

use crate::content::source::SourceFile;
use crate::diagnostics::{ContentError, Diagnostics};

pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../themes/default");

/// A loaded theme: parsed templates and the static files to publish under `/assets/`.
#[derive(Debug)]
pub struct Theme {
    pub tera: Tera,
    pub statics: Vec<(String, Vec<u8>)>,
    /// Template name → (display path, source), for locating render errors.
    sources: Vec<(String, SourceFile)>,
}

impl Theme {
    /// Loads theme `name` for the content at `content_root`.
    pub fn load(content_root: &Path, name: &str) -> Result<Theme, Diagnostics> {
        let dir = content_root.parent().map(|p| p.join("themes").join(name));
        let dir = dir.filter(|d| d.is_dir());
        let mut diagnostics = Diagnostics::default();
        if dir.is_none() && name != "default" {
            diagnostics.push(
                ContentError::file(
                    content_root.join("site.yaml").display(),
                    format!("theme `{name}` not found"),
                )
                .hint("put the theme in themes/<name>/ next to the content folder, or use `theme: default`"),
            );
            return Err(diagnostics);
        }
        let mut templates: Vec<(String, SourceFile)> = Vec::new();
        let mut statics: Vec<(String, Vec<u8>)> = Vec::new();
        collect_embedded(&DEFAULT_THEME, &mut templates, &mut statics);
        if let Some(dir) = &dir {
            collect_dir(dir, &mut templates, &mut statics, &mut diagnostics);
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        let raw: Vec<(&str, &str)> = templates
            .iter()
            .map(|(name, file)| (name.as_str(), file.text()))
            .collect();
        if let Err(err) = tera.add_raw_templates(raw) {
            diagnostics.push(template_error(&templates, &err));
        }
        statics.sort_by(|a, b| a.0.cmp(&b.0));
        diagnostics.into_result(Theme {
            tera,
            statics,
            sources: templates,
        })
    }

    /// Feeds every template and static file (name and bytes) into `hasher`.
    pub fn hash_into(&self, hasher: &mut sha2::Sha256) {
        use sha2::Digest as _;
        for (name, file) in &self.sources {
            hasher.update(name.as_bytes());
            hasher.update([0]);
            hasher.update(file.text().as_bytes());
            hasher.update([0]);
        }
        for (name, bytes) in &self.statics {
            hasher.update(name.as_bytes());
            hasher.update([0]);
            hasher.update(bytes);
            hasher.update([0]);
        }
    }

    /// A render failure as a located content error.
    pub fn render_error(&self, err: &tera::Error) -> ContentError {
        template_error(&self.sources, err)
    }
}

fn collect_embedded(
    dir: &Dir<'static>,
    templates: &mut Vec<(String, SourceFile)>,
    statics: &mut Vec<(String, Vec<u8>)>,
) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            let display = format!("(built-in theme)/{path}");
            templates.push((
                name.to_owned(),
                SourceFile::new(PathBuf::from(&path), display, text),
            ));
        } else if let Some(name) = path.strip_prefix("static/") {
            statics.push((name.to_owned(), file.contents().to_vec()));
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, templates, statics);
    }
}

fn collect_dir(
    dir: &Path,
    templates: &mut Vec<(String, SourceFile)>,
    statics: &mut Vec<(String, Vec<u8>)>,
    diagnostics: &mut Diagnostics,
) {
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let name = relative.to_string_lossy().replace('\\', "/");
        if let Some(template) = name.strip_prefix("templates/") {
            match SourceFile::read(dir, relative) {
                Ok(file) => {
                    templates.retain(|(n, _)| n != template);
                    templates.push((template.to_owned(), file));
                }
                Err(e) => diagnostics.push(e),
            }
        } else if let Some(asset) = name.strip_prefix("static/") {
            match std::fs::read(entry.path()) {
                Ok(bytes) => {
                    statics.retain(|(n, _)| n != asset);
                    statics.push((asset.to_owned(), bytes));
                }
                Err(e) => {
                    diagnostics.push(ContentError::file(entry.path().display(), e.to_string()));
                }
            }
        }
    }
}

/// Turns a tera error into a located error: tera names the template, and either gives the
/// position (syntax errors, `--> line:col`) or names the variable (render errors).
fn template_error(sources: &[(String, SourceFile)], err: &tera::Error) -> ContentError {
    let mut chain = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let text = chain.join("\n");
    let named = sources
        .iter()
        .filter(|(name, _)| text.contains(&format!("'{name}'")))
        .max_by_key(|(name, _)| text.rfind(&format!("'{name}'")));
    let summary = chain
        .iter()
        .rev()
        .find(|m| !m.trim().is_empty())
        .cloned()
        .unwrap_or_default();
    let Some((_, file)) = named else {
        return ContentError::file("(theme)", format!("template error: {text}"));
    };
    // Syntax errors carry " --> line:col".
    if let Some(pos) = text.find("--> ") {
        let digits: String = text[pos + 4..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ':')
            .collect();
        if let Some((line, col)) = digits.split_once(':')
            && let (Ok(line), Ok(col)) = (line.parse(), col.parse())
        {
            let offset = file.offset_of(line, col);
            let expected = text
                .lines()
                .find_map(|l| l.trim_start().strip_prefix("= "))
                .unwrap_or("the template could not be parsed");
            return ContentError::at(file, offset, 1, format!("template syntax error: {expected}"))
                .hint("check the tera syntax near here: {{ value }}, {% tag %}, and that every block is closed");
        }
    }
    // Unknown variables: "Variable `x.y` not found in context ...".
    if let Some(start) = text.find("Variable `") {
        let rest = &text[start + 10..];
        if let Some(end) = rest.find('`') {
            let var = &rest[..end];
            let found = file.text().find(var).map(|at| (at, var.len()));
            return file
                .error_at(found, format!("unknown template variable `{var}`"))
                .label("not in the page's context")
                .hint("the variables each page gets are listed in README.md (Themes); check the spelling");
        }
    }
    file.error_at(None, format!("template error: {summary}"))
}
