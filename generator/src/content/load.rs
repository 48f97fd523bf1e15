//! Reads a content tree, collecting every error with its location, then cross-checks it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use pc_core::{Currency, PartnerCode, ProgramId, Slug};
use serde::de::DeserializeOwned;

use super::files::{
    BannerFile, EmailFrontMatter, LinkFile, PageFrontMatter, PartnerFile, ProgramFile, SiteFile,
};
use super::placeholders::Template;
use super::source::SourceFile;
use super::{
    Audience, Banner, Branding, Content, EmailCopy, Link, LinkParams, Partner, Program,
    ResourcePage, Signup, Site, Support,
};
use crate::diagnostics::{ContentError, Diagnostics};
use crate::markdown::markdown_to_html;

const DEFAULT_WELCOME: &str =
    "# Welcome, {{ partner.first_name }}!\n\nThis is your partner portal.\n";

/// A loaded value and the file it came from, for locating cross-file errors.
pub(super) struct Located<T> {
    pub(super) file: SourceFile,
    pub(super) value: T,
}

pub(super) struct Loader<'a> {
    root: &'a Path,
    pub(super) errors: Vec<ContentError>,
    /// File stems of programs, partners and links that failed to load. References to them
    /// are not reported again: the owner sees the cause, not a cascade of consequences.
    pub(super) broken: HashSet<String>,
}

/// Loads and validates the content tree at `root`. All errors are returned at once.
pub fn load(root: &Path) -> Result<Content, Diagnostics> {
    let mut loader = Loader {
        root,
        errors: Vec::new(),
        broken: HashSet::new(),
    };
    if !root.is_dir() {
        let mut d = Diagnostics::default();
        d.push(
            ContentError::file(root.display(), "the content folder does not exist")
                .hint("run `partner-center new <dir>` to start one, or pass --content <dir>"),
        );
        return Err(d);
    }
    let site = loader.site();
    let currency = site.as_ref().map(|s| s.value.currency);
    let programs = loader.programs(currency);
    let partners = loader.partners();
    let links = loader.links();
    let banners = loader.banners();
    let emails = loader.emails();
    let pages = loader.pages();
    let welcome = loader.welcome();
    let payouts = loader.payouts(currency);
    let adjustments = loader.adjustments(currency);
    let owners = loader.owners();
    let risk = loader.risk();

    let mut check = Checker {
        errors: std::mem::take(&mut loader.errors),
        broken: std::mem::take(&mut loader.broken),
        programs: programs
            .iter()
            .map(|p| (p.value.id.clone(), &p.value))
            .collect(),
        links: HashMap::new(),
    };
    check.programs_priorities(&programs);
    if let Some(site) = &site {
        check.unknown_programs(&site.file, &site.value.signup.programs);
    }
    let links = check.links(links);
    check.program_default_links(&programs);
    let partners = check.partners(partners);
    check.resources(&banners, &emails, &pages, welcome.as_ref());
    super::records::check(
        &mut check.errors,
        &check.broken,
        &payouts,
        &adjustments,
        &partners,
    );
    let lock_file = root
        .join(super::ledger_lock::FILE)
        .is_file()
        .then(|| loader.read(Path::new(super::ledger_lock::FILE)))
        .flatten();
    check.errors.append(&mut loader.errors);
    // With errors elsewhere, payouts may be missing only because they could not be read.
    let complete = check.errors.is_empty();
    let published = super::ledger_lock::read(lock_file.as_ref(), &mut check.errors);
    super::ledger_lock::verify(
        lock_file.as_ref(),
        &published,
        &payouts,
        &adjustments,
        complete,
        &mut check.errors,
    );

    let errors = check.errors;
    let (Some(site), Some(welcome)) = (site, welcome) else {
        let mut d = Diagnostics::default();
        d.extend(errors);
        return Err(d);
    };
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(errors);
    let content = Content {
        root: root.to_path_buf(),
        site: site.value,
        welcome: welcome.value,
        programs: programs.into_iter().map(|p| p.value).collect(),
        partners,
        links,
        banners: banners.into_iter().map(|b| b.value).collect(),
        emails: emails.into_iter().map(|e| e.value).collect(),
        pages: pages.into_iter().map(|p| p.value).collect(),
        payouts: payouts.into_iter().flat_map(|p| p.value).collect(),
        adjustments: adjustments.into_iter().flat_map(|p| p.value).collect(),
        owners,
        risk,
    };
    diagnostics.into_result(content)
}

impl Loader<'_> {
    pub(super) fn root(&self) -> &Path {
        self.root
    }

    /// `programs/coffee-club.yaml:6`: where a byte of `file` is, relative to the content
    /// folder (what ledger lines cite as their source).
    pub(super) fn cite(&self, file: &SourceFile, offset: usize) -> String {
        let (line, _) = file.line_column(offset);
        let relative = file.path().strip_prefix(self.root).unwrap_or(file.path());
        format!("{}:{line}", relative.display())
    }

    pub(super) fn read(&mut self, relative: &Path) -> Option<SourceFile> {
        SourceFile::read(self.root, relative)
            .map_err(|e| {
                self.errors.push(e);
                self.mark_broken(relative);
            })
            .ok()
    }

    fn mark_broken(&mut self, path: &Path) {
        if let Some(stem) = path.file_stem() {
            self.broken.insert(stem.to_string_lossy().into_owned());
        }
    }

    pub(super) fn parse<T: DeserializeOwned>(
        &mut self,
        file: &SourceFile,
        text: &str,
        base: usize,
    ) -> Option<T> {
        serde_yaml::from_str(text)
            .map_err(|e| {
                self.errors.push(file.yaml_error(&e, base));
                self.mark_broken(file.path());
            })
            .ok()
    }

    /// Files in `dir` (relative to the content root) ending in `.ext`, sorted by name.
    pub(super) fn files(&self, dir: &str, ext: &str) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = walkdir::WalkDir::new(self.root.join(dir))
            .min_depth(1)
            .max_depth(1)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter(|e| e.path().extension().is_some_and(|x| x == ext))
            .map(|e| Path::new(dir).join(e.file_name()))
            .collect();
        found.sort();
        found
    }

    /// The file's stem as a slug, or an error at the file.
    fn stem_slug(&mut self, file: &SourceFile) -> Option<Slug> {
        let stem = file.path().file_stem()?.to_string_lossy().into_owned();
        Slug::parse(&stem)
            .map_err(|e| {
                self.errors.push(
                    ContentError::file(file.display_path(), format!("bad file name: {e}"))
                        .hint("file names become URLs: use lowercase letters, digits and '-'"),
                );
            })
            .ok()
    }

    fn site(&mut self) -> Option<Located<Site>> {
        if !self.root.join("site.yaml").is_file() {
            self.errors.push(
                ContentError::file(
                    self.root.join("site.yaml").display(),
                    "site.yaml is missing",
                )
                .hint("every content folder needs a site.yaml; `partner-center new` writes one"),
            );
            return None;
        }
        let file = self.read(Path::new("site.yaml"))?;
        let raw: SiteFile = self.parse(&file, file.text(), 0)?;
        for (key, name) in [
            ("click_id", &raw.link_params.click_id),
            ("partner", &raw.link_params.partner),
        ] {
            let ok = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !ok {
                self.errors.push(
                    file.error_at(
                        file.find_key(key),
                        format!("{name:?} is not a usable URL parameter name"),
                    )
                    .hint("use letters, digits, '_' and '-', e.g. pc_click"),
                );
            }
        }
        let signup = raw.signup.map_or_else(Signup::default, |s| {
            for field in &s.required {
                if !super::SIGNUP_FIELDS.contains(&field.as_str()) {
                    self.errors.push(
                        file.error_at(
                            file.find_value("required", field),
                            format!("{field:?} is not a field of the application form"),
                        )
                        .hint(format!(
                            "required fields can be: {}",
                            super::SIGNUP_FIELDS.join(", ")
                        )),
                    );
                }
            }
            for (key, text) in [
                ("approval_email", &s.approval_email),
                ("rejection_email", &s.rejection_email),
            ] {
                for name in placeholder_names(text) {
                    if !super::SIGNUP_PLACEHOLDERS.contains(&name.as_str()) {
                        let found = file
                            .text()
                            .find(&format!("{{{{ {name} }}}}"))
                            .or_else(|| file.text().find(&name));
                        self.errors.push(
                            file.error_at(
                                found.map(|at| (at, name.len())),
                                format!("unknown placeholder `{{{{ {name} }}}}` in {key}"),
                            )
                            .hint(format!(
                                "the e-mails can use: {}",
                                super::SIGNUP_PLACEHOLDERS.join(", ")
                            )),
                        );
                    }
                }
            }
            Signup {
                open: s.open,
                programs: s.programs,
                required: s.required,
                terms_html: markdown_to_html(&s.terms),
                approval_email: s.approval_email,
                rejection_email: s.rejection_email,
            }
        });
        let logo = raw.branding.logo.as_ref().and_then(|logo| {
            self.asset(&file, "logo", Path::new(""), logo)
                .map(|path| (path, file_name(logo)))
        });
        if raw
            .payout_methods
            .as_ref()
            .is_some_and(|m| m.is_empty() || m.iter().any(|x| x.trim().is_empty() || x.len() > 40))
        {
            self.errors.push(
                file.error_at(
                    file.find_key("payout_methods"),
                    "payout_methods needs at least one method, each 1 to 40 characters",
                )
                .hint("e.g. payout_methods: [PayPal, Bank transfer, Wise]"),
            );
        }
        if raw.payout_cooling_off_hours.is_some_and(|h| h > 24 * 30) {
            self.errors.push(
                file.error_at(
                    file.find_key("payout_cooling_off_hours"),
                    "payout_cooling_off_hours is more than 30 days",
                )
                .hint("the time new payout details wait before they apply, in hours (default 72)"),
            );
        }
        let payout_minimum = match raw.payout_minimum.map(|a| a.in_currency(raw.currency)) {
            None => None,
            Some(Ok(minimum)) => Some(minimum),
            Some(Err(e)) => {
                self.errors.push(
                    file.error_at(file.find_key("payout_minimum"), e.to_string())
                        .hint("the least a payout pays, in the program's currency: payout_minimum: 25.00"),
                );
                None
            }
        };
        if let Some(day) = raw.payout_day.filter(|d| !(1..=28).contains(d)) {
            self.errors.push(
                file.error_at(
                    file.find_key("payout_day"),
                    format!("payout_day {day} is not a day every month has"),
                )
                .hint("use 1 to 28: the day of the month payouts are made"),
            );
        }
        let link_domains = link_domains(
            &file,
            raw.link_domains,
            raw.business.website.host(),
            &mut self.errors,
        );
        Some(Located {
            value: Site {
                link_domains,
                portal_name: raw.portal_name,
                business_name: raw.business.name,
                website: raw.business.website,
                portal_url: raw.business.portal_url,
                currency: raw.currency,
                fallback_url: raw.fallback_url,
                link_params: LinkParams {
                    click_id: raw.link_params.click_id,
                    partner: raw.link_params.partner,
                },
                support: Support {
                    email: raw.support.email,
                    phone: raw.support.phone,
                    hours: raw.support.hours,
                },
                branding: Branding {
                    logo,
                    primary_color: raw.branding.primary_color,
                    accent_color: raw.branding.accent_color,
                },
                menu: raw.menu,
                theme: raw.theme,
                demo: raw.demo,
                payout_day: raw.payout_day.filter(|d| (1..=28).contains(d)),
                payout_methods: raw
                    .payout_methods
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| vec!["PayPal".into(), "Bank transfer".into()]),
                payout_cooling_off_hours: raw.payout_cooling_off_hours.unwrap_or(72),
                payout_minimum,
                notifications: raw.notifications,
                require_two_factor: raw.require_two_factor,
                signup,
            },
            file,
        })
    }

    /// A file named in `file`'s `key`, relative to `dir` in the content tree; must exist.
    fn asset(&mut self, file: &SourceFile, key: &str, dir: &Path, name: &str) -> Option<PathBuf> {
        let relative = dir.join(name);
        let path = self.root.join(&relative);
        let inside = !name.contains("..") && !Path::new(name).is_absolute();
        if inside && path.is_file() {
            return Some(path);
        }
        self.errors.push(
            file.error_at(
                file.find_key(key),
                format!("{} does not exist", relative.display()),
            )
            .label("no such file")
            .hint("put the file next to the YAML that names it, and check the spelling"),
        );
        None
    }

    fn programs(&mut self, currency: Option<Currency>) -> Vec<Located<Program>> {
        let mut programs = Vec::new();
        let paths = self.files("programs", "yaml");
        if paths.is_empty() {
            self.errors.push(
                ContentError::file(
                    self.root.join("programs").display(),
                    "there are no programs",
                )
                .hint("add programs/<id>.yaml with a name, a priority and a commission structure"),
            );
        }
        for path in paths {
            let Some(file) = self.read(&path) else {
                continue;
            };
            let Some(raw) = self.parse::<ProgramFile>(&file, file.text(), 0) else {
                continue;
            };
            let stem = file
                .path()
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let id = match ProgramId::parse(&stem) {
                Ok(id) => id,
                Err(e) => {
                    self.errors.push(ContentError::file(
                        file.display_path(),
                        format!("bad file name: {e}"),
                    ));
                    continue;
                }
            };
            let Some(currency) = currency else {
                self.broken.insert(id.to_string());
                continue;
            };
            let commission = match raw.commission.try_map_money(|a| a.in_currency(currency)) {
                Ok(c) => c,
                Err(e) => {
                    self.broken.insert(id.to_string());
                    self.errors
                        .push(file.error_at(file.find_key("commission"), e.to_string()));
                    continue;
                }
            };
            for problem in commission.problems() {
                self.errors.push(
                    file.error_at(file.find_key(problem.field), problem.message)
                        .hint(problem.hint),
                );
            }
            let source = self.cite(&file, file.find_key("commission").map_or(0, |(at, _)| at));
            programs.push(Located {
                value: Program {
                    source,
                    id,
                    name: raw.name,
                    description_html: markdown_to_html(&raw.description),
                    priority: raw.priority,
                    default_link: raw.default_link,
                    paid_ads: raw.paid_ads,
                    commission,
                },
                file,
            });
        }
        programs
    }

    fn partners(&mut self) -> Vec<Located<PartnerFile>> {
        let mut partners = Vec::new();
        for path in self.files("partners", "yaml") {
            let Some(file) = self.read(&path) else {
                continue;
            };
            if let Some(value) = self.parse::<PartnerFile>(&file, file.text(), 0) {
                partners.push(Located { file, value });
            }
        }
        partners
    }

    fn links(&mut self) -> Vec<Located<LinkFile>> {
        let mut links = Vec::new();
        for path in self.files("links", "yaml") {
            let Some(file) = self.read(&path) else {
                continue;
            };
            if let Some(value) = self.parse::<LinkFile>(&file, file.text(), 0) {
                links.push(Located { file, value });
            }
        }
        links
    }

    fn banners(&mut self) -> Vec<Located<Banner>> {
        let mut banners = Vec::new();
        let dir = Path::new("resources/banners");
        for path in self.files("resources/banners", "yaml") {
            let Some(file) = self.read(&path) else {
                continue;
            };
            let Some(raw) = self.parse::<BannerFile>(&file, file.text(), 0) else {
                continue;
            };
            let slug = self.stem_slug(&file);
            let image = self.asset(&file, "image", dir, &raw.image);
            if raw.width == 0 || raw.height == 0 {
                self.errors.push(
                    file.error_at(
                        file.find_key(if raw.width == 0 { "width" } else { "height" }),
                        "a banner's size must be more than 0 pixels",
                    )
                    .hint("give the image's width and height in pixels, e.g. 728 and 90"),
                );
            }
            let expires = expires(&file, raw.expires.as_deref(), &mut self.errors);
            if let (Some(slug), Some(image)) = (slug, image) {
                banners.push(Located {
                    value: Banner {
                        slug,
                        title: raw.title,
                        image: (image, file_name(&raw.image)),
                        width: raw.width,
                        height: raw.height,
                        alt: raw.alt,
                        link: raw.link,
                        audience: audience(raw.programs),
                        expires,
                    },
                    file,
                });
            }
        }
        banners
    }

    /// Splits `---\n<yaml>\n---\n<body>`; returns (yaml, yaml offset, body, body offset).
    fn front_matter<'t>(
        &mut self,
        file: &'t SourceFile,
    ) -> Option<(&'t str, usize, &'t str, usize)> {
        let text = file.text();
        let found = text
            .strip_prefix("---\n")
            .or_else(|| text.strip_prefix("---\r\n"))
            .and_then(|rest| {
                let yaml_at = text.len() - rest.len();
                let end = rest.find("\n---")?;
                let yaml = &rest[..=end];
                let after = &rest[end + 4..];
                let body = after
                    .strip_prefix("\r\n")
                    .or_else(|| after.strip_prefix('\n'))
                    .unwrap_or(after);
                Some((yaml, yaml_at, body, text.len() - body.len()))
            });
        if found.is_none() {
            self.errors.push(
                ContentError::at(file, 0, 3, "the file has no front matter")
                    .hint("start the file with a YAML block between two `---` lines (title, subject, …), then the text"),
            );
        }
        found
    }

    fn emails(&mut self) -> Vec<Located<EmailCopy>> {
        let mut emails = Vec::new();
        for path in self.files("resources/emails", "md") {
            let Some(file) = self.read(&path) else {
                continue;
            };
            let Some((yaml, yaml_at, body, body_at)) = self.front_matter(&file) else {
                continue;
            };
            let Some(front) = self.parse::<EmailFrontMatter>(&file, yaml, yaml_at) else {
                continue;
            };
            let Some(slug) = self.stem_slug(&file) else {
                continue;
            };
            let subject_at = file.find_key("subject").map_or(0, |(at, _)| at);
            let subject_at =
                subject_at + file.text()[subject_at..].find(&front.subject).unwrap_or(0);
            let subject =
                Template::parse(&file, subject_at, &front.subject, true, &mut self.errors);
            let body = Template::parse(&file, body_at, body, true, &mut self.errors);
            let expires = expires(&file, front.expires.as_deref(), &mut self.errors);
            emails.push(Located {
                value: EmailCopy {
                    slug,
                    title: front.title,
                    subject,
                    body,
                    link: front.link,
                    audience: audience(front.programs),
                    expires,
                },
                file,
            });
        }
        emails
    }

    fn pages(&mut self) -> Vec<Located<ResourcePage>> {
        let mut pages = Vec::new();
        for path in self.files("resources/pages", "md") {
            let Some(file) = self.read(&path) else {
                continue;
            };
            let Some((yaml, yaml_at, body, body_at)) = self.front_matter(&file) else {
                continue;
            };
            let Some(front) = self.parse::<PageFrontMatter>(&file, yaml, yaml_at) else {
                continue;
            };
            let Some(slug) = self.stem_slug(&file) else {
                continue;
            };
            let body = Template::parse(&file, body_at, body, false, &mut self.errors);
            let expires = expires(&file, front.expires.as_deref(), &mut self.errors);
            pages.push(Located {
                value: ResourcePage {
                    slug,
                    title: front.title,
                    summary: front.summary,
                    body,
                    audience: audience(front.programs),
                    expires,
                },
                file,
            });
        }
        pages
    }

    fn welcome(&mut self) -> Option<Located<Template>> {
        let file = if self.root.join("welcome.md").exists() {
            self.read(Path::new("welcome.md"))?
        } else {
            SourceFile::new(
                self.root.join("welcome.md"),
                "(built-in welcome.md)".into(),
                DEFAULT_WELCOME.into(),
            )
        };
        let text = file.text().to_owned();
        let value = Template::parse(&file, 0, &text, false, &mut self.errors);
        Some(Located { file, value })
    }
}

/// The names inside `{{ … }}` in a text.
fn placeholder_names(text: &str) -> Vec<String> {
    text.split("{{")
        .skip(1)
        .filter_map(|rest| {
            rest.split_once("}}")
                .map(|(name, _)| name.trim().to_owned())
        })
        .collect()
}

fn list_or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "none yet".to_owned()
    } else {
        items.join(", ")
    }
}

fn audience(programs: Option<Vec<ProgramId>>) -> Audience {
    programs.map_or(Audience::All, Audience::Programs)
}

fn file_name(name: &str) -> String {
    Path::new(name)
        .file_name()
        .map_or_else(|| name.to_owned(), |n| n.to_string_lossy().into_owned())
}

/// Checks references between files once everything is read.
struct Checker<'p> {
    errors: Vec<ContentError>,
    broken: HashSet<String>,
    programs: HashMap<ProgramId, &'p Program>,
    links: HashMap<Slug, Audience>,
}

impl Checker<'_> {
    fn unknown_programs(&mut self, file: &SourceFile, programs: &[ProgramId]) {
        for id in programs {
            if !self.programs.contains_key(id) && !self.broken.contains(id.as_str()) {
                let mut known: Vec<&str> = self.programs.keys().map(ProgramId::as_str).collect();
                known.sort_unstable();
                self.errors.push(
                    file.error_at(
                        file.find_value("programs", id.as_str()),
                        format!("unknown program `{id}`"),
                    )
                    .label("no programs/<id>.yaml by this name")
                    .hint(format!("known programs: {}", list_or_none(&known))),
                );
            }
        }
    }

    fn programs_priorities(&mut self, programs: &[Located<Program>]) {
        let mut seen: HashMap<u32, &ProgramId> = HashMap::new();
        for p in programs {
            if let Some(other) = seen.insert(p.value.priority, &p.value.id) {
                self.errors.push(
                    p.file.error_at(p.file.find_key("priority"), format!("program `{}` has the same priority as `{other}`", p.value.id))
                        .hint("priorities decide which program pays when a partner is in several: give each program its own number (1 pays first)"),
                );
            }
        }
    }

    fn links(&mut self, links: Vec<Located<LinkFile>>) -> Vec<Link> {
        let mut seen: HashMap<Slug, String> = HashMap::new();
        let mut out = Vec::new();
        for Located { file, value } in links {
            if let Some(first) = seen.get(&value.slug) {
                self.errors.push(
                    file.error_at(
                        file.find_key("slug"),
                        format!("link slug `{}` is already used by {first}", value.slug),
                    )
                    .label("duplicate slug")
                    .hint("each link needs its own slug; it is the last part of the partner's URL"),
                );
                continue;
            }
            seen.insert(value.slug.clone(), file.display_path().to_owned());
            if let Some(programs) = &value.programs {
                self.unknown_programs(&file, programs);
            }
            let audience = audience(value.programs);
            let expires = expires(&file, value.expires.as_deref(), &mut self.errors);
            self.links.insert(value.slug.clone(), audience.clone());
            out.push(Link {
                slug: value.slug,
                title: value.title,
                target: value.target,
                description: value.description,
                audience,
                expires,
            });
        }
        out.sort_by(|a, b| a.slug.cmp(&b.slug));
        out
    }

    /// `slug` (named at `found` in `file`) must exist and be usable by everyone in `audience`.
    fn link_for(
        &mut self,
        file: &SourceFile,
        found: Option<(usize, usize)>,
        slug: &Slug,
        audience: &Audience,
    ) {
        if self.broken.contains(slug.as_str()) && !self.links.contains_key(slug) {
            return;
        }
        let Some(link_audience) = self.links.get(slug) else {
            let mut known: Vec<&str> = self.links.keys().map(Slug::as_str).collect();
            known.sort_unstable();
            self.errors.push(
                file.error_at(found, format!("unknown link `{slug}`"))
                    .label("no links/*.yaml with this slug")
                    .hint(format!("known links: {}", list_or_none(&known))),
            );
            return;
        };
        let uncovered: Vec<String> = match (link_audience, audience) {
            (Audience::All, _) => Vec::new(),
            (Audience::Programs(_), Audience::All) => vec!["every program".into()],
            (Audience::Programs(allowed), Audience::Programs(shown)) => shown
                .iter()
                .filter(|p| !allowed.contains(p))
                .map(|p| format!("`{p}`"))
                .collect(),
        };
        if !uncovered.is_empty() {
            self.errors.push(
                file.error_at(found, format!("link `{slug}` is not available to {}, but this is shown to them", uncovered.join(", ")))
                    .hint("limit this resource with `programs:` to programs that may use the link, or add them to the link's `programs:`"),
            );
        }
    }

    fn program_default_links(&mut self, programs: &[Located<Program>]) {
        for p in programs {
            if let Some(slug) = &p.value.default_link {
                let found = p.file.find_key("default_link");
                self.link_for(
                    &p.file,
                    found,
                    slug,
                    &Audience::Programs(vec![p.value.id.clone()]),
                );
            }
        }
    }

    fn partners(&mut self, partners: Vec<Located<PartnerFile>>) -> Vec<Partner> {
        let mut by_code: HashMap<PartnerCode, String> = HashMap::new();
        let mut coupons: HashMap<String, PartnerCode> = HashMap::new();
        let mut kept = Vec::new();
        for Located { file, value } in partners {
            if let Some(first) = by_code.get(&value.code) {
                self.errors.push(
                    file.error_at(
                        file.find_key("code"),
                        format!("partner code `{}` is already used by {first}", value.code),
                    )
                    .label("duplicate code")
                    .hint("partner codes are sign-in names and must be unique"),
                );
                continue;
            }
            by_code.insert(value.code.clone(), file.display_path().to_owned());
            if value.programs.is_empty() {
                self.errors.push(
                    file.error_at(
                        file.find_key("programs"),
                        "a partner must be in at least one program",
                    )
                    .hint("list the program ids, e.g. programs: [coffee-club]"),
                );
            }
            self.unknown_programs(&file, &value.programs);
            for coupon in &value.coupons {
                let ok = (3..=32).contains(&coupon.len())
                    && coupon
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
                if !ok {
                    self.errors.push(
                        file.error_at(file.find_value("coupons", coupon), format!("coupon code {coupon:?} is not valid"))
                            .hint("coupon codes are 3 to 32 uppercase letters, digits or '-', as in the store"),
                    );
                } else if let Some(other) = coupons.insert(coupon.clone(), value.code.clone()) {
                    self.errors.push(
                        file.error_at(
                            file.find_value("coupons", coupon),
                            format!("coupon {coupon} is already given to partner `{other}`"),
                        )
                        .hint("a coupon attributes sales to one partner only"),
                    );
                }
            }
            kept.push(Located { file, value });
        }
        // Parents: known, and no cycles.
        let parents: HashMap<&PartnerCode, Option<&PartnerCode>> = kept
            .iter()
            .map(|p| (&p.value.code, p.value.parent.as_ref()))
            .collect();
        let mut reported: HashSet<PartnerCode> = HashSet::new();
        let mut errors = Vec::new();
        for p in &kept {
            let Some(parent) = &p.value.parent else {
                continue;
            };
            let found = p.file.find_value("parent", parent.as_str());
            if !parents.contains_key(parent) && self.broken.contains(parent.as_str()) {
                continue;
            }
            if !parents.contains_key(parent) {
                errors.push(
                    p.file.error_at(found, format!("unknown parent partner `{parent}`"))
                        .label("no partner with this code")
                        .hint("the parent is the partner who referred this one; use an existing partner code or remove `parent:`"),
                );
                continue;
            }
            let mut seen = vec![&p.value.code];
            let mut cursor = Some(parent);
            while let Some(code) = cursor {
                if seen.contains(&code) {
                    if seen.iter().all(|c| !reported.contains(*c)) {
                        reported.extend(seen.iter().map(|c| (*c).clone()));
                        let chain: Vec<&str> = seen
                            .iter()
                            .map(|c| c.as_str())
                            .chain([code.as_str()])
                            .collect();
                        errors.push(
                            p.file.error_at(found, format!("parent partners form a cycle: {}", chain.join(" → ")))
                                .hint("a partner cannot be referred, directly or through others, by themselves; remove one `parent:`"),
                        );
                    }
                    break;
                }
                seen.push(code);
                cursor = parents.get(code).copied().flatten();
            }
        }
        self.errors.extend(errors);
        let mut out: Vec<Partner> = kept
            .into_iter()
            .map(|Located { value, .. }| {
                let mut programs = value.programs;
                programs.sort_by_key(|id| self.programs.get(id).map_or(u32::MAX, |p| p.priority));
                programs.dedup();
                Partner {
                    code: value.code,
                    name: value.name,
                    company: value.company,
                    email: value.email,
                    phone: value.phone,
                    address: value.address,
                    programs,
                    parent: value.parent,
                    coupons: value.coupons,
                    status: value.status,
                    payout: value.payout,
                }
            })
            .collect();
        out.sort_by(|a, b| a.code.cmp(&b.code));
        out
    }

    fn resources(
        &mut self,
        banners: &[Located<Banner>],
        emails: &[Located<EmailCopy>],
        pages: &[Located<ResourcePage>],
        welcome: Option<&Located<Template>>,
    ) {
        for b in banners {
            if let Audience::Programs(p) = &b.value.audience {
                self.unknown_programs(&b.file, p);
            }
            let found = b.file.find_key("link");
            self.link_for(&b.file, found, &b.value.link, &b.value.audience);
        }
        for e in emails {
            if let Audience::Programs(p) = &e.value.audience {
                self.unknown_programs(&e.file, p);
            }
            let found = e.file.find_key("link");
            self.link_for(&e.file, found, &e.value.link, &e.value.audience);
            self.placeholder_links(
                &e.file,
                &[&e.value.subject, &e.value.body],
                &e.value.audience,
            );
        }
        for p in pages {
            if let Audience::Programs(programs) = &p.value.audience {
                self.unknown_programs(&p.file, programs);
            }
            self.placeholder_links(&p.file, &[&p.value.body], &p.value.audience);
        }
        if let Some(w) = welcome {
            self.placeholder_links(&w.file, &[&w.value], &Audience::All);
        }
    }

    fn placeholder_links(
        &mut self,
        file: &SourceFile,
        templates: &[&Template],
        audience: &Audience,
    ) {
        for template in templates {
            for slug in template.linked_slugs() {
                let needle = format!("links.{slug}");
                let found = file.text().find(&needle).map(|at| (at, needle.len()));
                self.link_for(file, found, slug, audience);
            }
        }
    }
}

/// `link_domains:` (host names, lowercase), or the website's host.
fn link_domains(
    file: &SourceFile,
    given: Option<Vec<String>>,
    website: &str,
    errors: &mut Vec<ContentError>,
) -> Vec<String> {
    let Some(given) = given else {
        return vec![website.to_owned()];
    };
    let mut out = Vec::new();
    for host in given {
        let valid = !host.is_empty()
            && host.len() <= 253
            && host.split('.').count() >= 2
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            });
        if valid {
            out.push(host);
        } else {
            errors.push(
                file.error_at(
                    file.find_value("link_domains", &host).or_else(|| file.find_key("link_domains")),
                    format!("{host:?} is not a host name"),
                )
                .hint("list host names in lowercase, without https:// or a path, e.g. link_domains: [brightloom.example, shop.brightloom.example]"),
            );
        }
    }
    out
}

/// `expires: YYYY-MM-DD`, checked.
fn expires(
    file: &SourceFile,
    text: Option<&str>,
    errors: &mut Vec<ContentError>,
) -> Option<time::Date> {
    super::records::parse_date_of(file, "expires", text?, errors)
}
