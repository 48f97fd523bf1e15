//! Renders the static portal: public pages, and every page of every partner.

pub mod plan;
mod qr;
pub mod views;

use std::collections::HashMap;
use std::path::PathBuf;

use tera::Context;

use crate::content::{Content, Partner};
use crate::diagnostics::ContentError;
use crate::markdown::markdown_to_html;
use crate::theme::Theme;
use plan::{PageKind, PlannedPage};
use views::{PartnerValues, PartnerView, ProgramView, SiteView};

/// Where rendered files go: a directory, or nowhere (for `check`).
pub trait Sink: Sync {
    /// Writes `bytes` at `path` (relative, `/`-separated) under the site root.
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()>;
}

/// Writes into a directory, creating parent directories as needed.
#[derive(Debug)]
pub struct DirSink(pub PathBuf);

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        let target = self.0.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(target, bytes)
    }
}

/// Discards everything (rendering is still done, so template errors are found).
#[derive(Debug)]
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _: &str, _: &[u8]) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Template(#[from] Box<ContentError>),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Renders pages with one theme for one content tree.
#[derive(Debug)]
pub struct Renderer<'a> {
    content: &'a Content,
    theme: &'a Theme,
    pages: Vec<PlannedPage>,
    base: Context,
    programs: HashMap<String, ProgramView>,
    partners: HashMap<&'a str, &'a Partner>,
    /// What expires after its last day is left out of the pages built from today.
    today: time::Date,
}

/// Counts of what a render wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub pages: usize,
    pub files: usize,
}

impl std::ops::AddAssign for Written {
    fn add_assign(&mut self, other: Written) {
        self.pages += other.pages;
        self.files += other.files;
    }
}

fn fingerprint(bytes: &[u8]) -> String {
    crate::hash::short_hash(bytes, 5)
}

impl<'a> Renderer<'a> {
    pub fn new(content: &'a Content, theme: &'a Theme) -> Self {
        let pages = plan::plan(content.site.menu);
        let mut base = Context::new();
        base.insert("site", &SiteView::new(&content.site));
        base.insert("menu", &plan::menu(&pages));
        let asset = |name: &str| {
            let bytes = theme
                .statics
                .iter()
                .find(|(n, _)| n == name)
                .map_or(&[][..], |(_, b)| b.as_slice());
            format!("/assets/{name}?v={}", fingerprint(bytes))
        };
        let brand = brand_css(content);
        base.insert(
            "assets",
            &serde_json::json!({
                "css": asset("style.css"),
                "js": asset("portal.js"),
                "reports_js": asset("reports.js"),
                "owner_js": asset("owner.js"),
                "brand_css": format!("/assets/brand.css?v={}", fingerprint(brand.as_bytes())),
            }),
        );
        let programs = content
            .programs
            .iter()
            .map(|p| (p.id.to_string(), ProgramView::new(p)))
            .collect();
        let partners = content
            .partners
            .iter()
            .map(|p| (p.code.as_str(), p))
            .collect();
        Renderer {
            content,
            theme,
            pages,
            base,
            programs,
            partners,
            today: crate::clock::today(),
        }
    }

    pub fn pages(&self) -> &[PlannedPage] {
        &self.pages
    }

    fn render(&self, template: &str, context: &Context) -> Result<String, RenderError> {
        self.theme
            .tera
            .render(template, context)
            .map_err(|e| RenderError::Template(Box::new(self.theme.render_error(&e))))
    }

    fn write(sink: &dyn Sink, path: &str, bytes: &[u8]) -> Result<(), RenderError> {
        sink.write(path, bytes)
            .map_err(|source| RenderError::Write {
                path: path.to_owned(),
                source,
            })
    }

    /// The sign-in pages, the 404 page and every static asset.
    pub fn render_public(&self, sink: &dyn Sink) -> Result<Written, RenderError> {
        let mut written = Written::default();
        for (path, template, title) in [
            ("login/index.html", "public/login.html", "Sign in"),
            (
                "login/code/index.html",
                "public/login-code.html",
                "Sign in: your code",
            ),
            (
                "forgot/index.html",
                "public/forgot.html",
                "Forgot your password?",
            ),
            (
                "reset/index.html",
                "public/reset.html",
                "Choose a new password",
            ),
            ("404.html", "public/404.html", "Page not found"),
            (
                "own-click/index.html",
                "public/own-click.html",
                "Your own click is not counted",
            ),
            ("join/index.html", "public/join.html", "Become a partner"),
            (
                "unsubscribe/index.html",
                "public/unsubscribe.html",
                "E-mail notifications",
            ),
            (
                "not-me/index.html",
                "public/not-me.html",
                "Secure your account",
            ),
            (
                "owner/login/index.html",
                "owner/login.html",
                "Owner's console: sign in",
            ),
            (
                "owner/login/code/index.html",
                "public/login-code.html",
                "Owner's console: your code",
            ),
            (
                "owner/reset/index.html",
                "public/reset.html",
                "Owner's console: choose a password",
            ),
        ] {
            let mut context = self.base.clone();
            let signup = &self.content.site.signup;
            context.insert("signup", signup);
            let programs: Vec<&ProgramView> = signup
                .programs
                .iter()
                .filter_map(|id| self.programs.get(id.as_str()))
                .collect();
            context.insert("signup_programs", &programs);
            context.insert(
                "page",
                &serde_json::json!({ "id": "public", "title": title }),
            );
            if path.starts_with("owner/") {
                // The owners' set-password and code forms post to their own routes.
                context.insert("reset_action", "/owner/reset");
                context.insert("reset_button", "Set password and open the console");
                context.insert("code_action", "/owner/login/code");
                context.insert("login_href", "/owner/login/");
            }
            let html = self.render(template, &context)?;
            Self::write(sink, path, html.as_bytes())?;
            written.pages += 1;
        }
        written += self.render_console(sink)?;
        for (name, bytes) in &self.theme.statics {
            Self::write(sink, &format!("assets/{name}"), bytes)?;
            written.files += 1;
        }
        Self::write(sink, "assets/brand.css", brand_css(self.content).as_bytes())?;
        Self::write(
            sink,
            "assets/favicon.svg",
            favicon_svg(self.content).as_bytes(),
        )?;
        Self::write(sink, "pc.js", tracking_script(self.content).as_bytes())?;
        written.files += 3;
        let copies = self
            .content
            .site
            .branding
            .logo
            .iter()
            .map(|(path, name)| (path, format!("assets/brand/{name}")))
            .chain(
                self.content
                    .banners
                    .iter()
                    .map(|b| (&b.image.0, format!("assets/banners/{}", b.image.1))),
            );
        for (source, target) in copies {
            let bytes = std::fs::read(source).map_err(|source| RenderError::Write {
                path: target.clone(),
                source,
            })?;
            Self::write(sink, &target, &bytes)?;
            written.files += 1;
        }
        written.files += written.pages;
        Ok(written)
    }

    /// The owner's console: the same pages for every owner (the worker serves them behind the
    /// owner's session; `owner.js` fills them from the owner API).
    fn render_console(&self, sink: &dyn Sink) -> Result<Written, RenderError> {
        let pages = [
            (
                "owner/index.html",
                "owner/overview.html",
                "overview",
                "overview",
                "Program overview",
            ),
            (
                "owner/partners/index.html",
                "owner/partners.html",
                "partners",
                "partners",
                "Partners",
            ),
            (
                "owner/partner/index.html",
                "owner/partner.html",
                "partner",
                "partners",
                "Partner",
            ),
            (
                "owner/applications/index.html",
                "owner/applications.html",
                "applications",
                "applications",
                "Applications",
            ),
            (
                "owner/payouts/index.html",
                "owner/payouts.html",
                "payouts",
                "payouts",
                "Payouts",
            ),
            (
                "owner/risk/index.html",
                "owner/risk.html",
                "risk",
                "risk",
                "Risk",
            ),
            (
                "owner/setup/index.html",
                "owner/setup.html",
                "setup",
                "setup",
                "Setup",
            ),
            (
                "owner/activity/index.html",
                "owner/activity.html",
                "activity",
                "activity",
                "Activity",
            ),
            (
                "owner/account/index.html",
                "owner/account.html",
                "account",
                "account",
                "Your account",
            ),
        ];
        let menu: Vec<serde_json::Value> = pages
            .iter()
            .filter(|(_, _, id, _, _)| *id != "partner")
            .map(|(path, _, id, _, title)| {
                serde_json::json!({ "id": id, "title": title, "href": format!("/{}", path.trim_end_matches("index.html")) })
            })
            .collect();
        let mut written = Written::default();
        for (path, template, id, section, title) in pages {
            let mut context = self.base.clone();
            context.insert(
                "console",
                &serde_json::json!({ "id": id, "section": section }),
            );
            context.insert("console_menu", &menu);
            context.insert("page", &serde_json::json!({ "id": id, "title": title }));
            let html = self.render(template, &context)?;
            Self::write(sink, path, html.as_bytes())?;
            written.pages += 1;
        }
        Ok(written)
    }

    /// Every portal page of one partner: `(place under /portal/, html)`, front page first.
    pub fn render_partner(&self, partner: &Partner) -> Result<Vec<(String, String)>, RenderError> {
        let content = self.content;
        let mut page_context = self.base.clone();
        let parent = partner
            .parent
            .as_ref()
            .and_then(|code| self.partners.get(code.as_str()).copied());
        page_context.insert("partner", &PartnerView::new(partner, parent));
        let programs: Vec<&ProgramView> = partner
            .programs
            .iter()
            .filter_map(|id| self.programs.get(id.as_str()))
            .collect();
        page_context.insert("programs", &programs);
        let values = PartnerValues {
            content,
            partner,
            own_link: None,
        };
        let today = self.today;
        // What the partner may share today: in their programs, not expired, and (a banner or
        // an e-mail) pointing at a link that is offered too.
        let link_offered = |slug: &pc_core::Slug| {
            content
                .link(slug)
                .is_some_and(|l| crate::content::offered(l.expires, today))
        };
        let links: Vec<_> = content
            .links
            .iter()
            .filter(|l| l.audience.includes_any(&partner.programs))
            .filter(|l| crate::content::offered(l.expires, today))
            .map(|l| views::link_view(content, partner, l))
            .collect();
        let resources: Vec<_> = content
            .pages
            .iter()
            .filter(|p| p.audience.includes_any(&partner.programs))
            .filter(|p| crate::content::offered(p.expires, today))
            .collect();

        let mut rendered = Vec::with_capacity(self.pages.len() + resources.len());
        for (i, page) in self.pages.iter().enumerate() {
            match page.kind {
                PageKind::Welcome => {
                    page_context.insert(
                        "welcome_html",
                        &markdown_to_html(&content.welcome.render(&values, true)),
                    );
                    // The dashboard opens with the partner's main link (the first they may share).
                    page_context.insert("main_link", &links.first());
                }
                PageKind::Links => {
                    page_context.insert("sub_id_pattern", pc_core::ids::SUB_ID_PATTERN);
                    page_context.insert("links", &links);
                }
                PageKind::Banners => page_context.insert(
                    "banners",
                    &content
                        .banners
                        .iter()
                        .filter(|b| b.audience.includes_any(&partner.programs))
                        .filter(|b| {
                            crate::content::offered(b.expires, today) && link_offered(&b.link)
                        })
                        .map(|b| views::banner_view(content, partner, b))
                        .collect::<Vec<_>>(),
                ),
                PageKind::Emails => page_context.insert(
                    "emails",
                    &content
                        .emails
                        .iter()
                        .filter(|e| e.audience.includes_any(&partner.programs))
                        .filter(|e| {
                            crate::content::offered(e.expires, today) && link_offered(&e.link)
                        })
                        .map(|e| views::email_view(content, partner, e))
                        .collect::<Vec<_>>(),
                ),
                PageKind::Resources => page_context.insert(
                    "resources",
                    &resources
                        .iter()
                        .map(|r| views::resource_view(r))
                        .collect::<Vec<_>>(),
                ),
                PageKind::Report(report) => page_context.insert("report", report),
                PageKind::Profile | PageKind::Programs | PageKind::Commission => {}
            }
            page_context.insert(
                "page",
                &serde_json::json!({ "id": page.id, "title": page.title }),
            );
            let html = self.render(page.template, &page_context)?;
            let place = if i == 0 {
                String::new()
            } else {
                format!("{}/", page.dir)
            };
            rendered.push((place, html));
        }
        // One page per resource page the partner may see.
        page_context.insert(
            "page",
            &serde_json::json!({ "id": "resources", "title": "" }),
        );
        for resource in resources {
            let view = serde_json::json!({
                "slug": resource.slug.as_str(),
                "title": &resource.title,
                "body_html": markdown_to_html(&resource.body.render(&values, true)),
            });
            page_context.insert(
                "page",
                &serde_json::json!({ "id": "resources", "title": &resource.title }),
            );
            page_context.insert("resource", &view);
            let html = self.render("portal/resource.html", &page_context)?;
            rendered.push((format!("resources/{}/", resource.slug), html));
        }
        Ok(rendered)
    }
}

fn brand_css(content: &Content) -> String {
    format!(
        ":root {{ --brand: {}; --accent: {}; }}\n",
        content.site.branding.primary_color.as_str(),
        content.site.branding.accent_color.as_str()
    )
}

/// The tab's icon when the site has no logo: the portal's initial in white on the brand colour.
fn favicon_svg(content: &Content) -> String {
    let initial: String = content
        .site
        .portal_name
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\"><rect width=\"32\" height=\"32\" rx=\"7\" fill=\"{}\"/>\
         <text x=\"16\" y=\"22.5\" font-family=\"system-ui,sans-serif\" font-size=\"19\" font-weight=\"700\" text-anchor=\"middle\" fill=\"#fff\">{}</text></svg>\n",
        content.site.branding.primary_color.as_str(),
        crate::content::placeholders::html_escape(&initial)
    )
}

/// `/pc.js`, the store's tracking script, with this portal's link parameters and the longest
/// cookie window of its programs (each program's own window is checked when a sale comes).
fn tracking_script(content: &Content) -> String {
    let params = &content.site.link_params;
    let days = content
        .programs
        .iter()
        .map(|p| p.commission.cookie_days)
        .max()
        .unwrap_or(30);
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    include_str!("pc.js")
        .replace("__CLICK_PARAM__", &quoted(&params.click_id))
        .replace("__PARTNER_PARAM__", &quoted(&params.partner))
        .replace("__COOKIE_DAYS__", &days.to_string())
}
