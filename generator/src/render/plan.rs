//! Which pages exist, where they are written, and the menu that links them.

use serde::Serialize;

use crate::content::Menu;

/// The report pages the worker's API fills in.
pub const REPORTS: &[Report] = &[
    Report {
        id: "commissions",
        title: "Commissions",
        caption: "Commissions earned",
        empty: "No commissions yet. Share your links: every sale they bring appears here.",
    },
    Report {
        id: "leads",
        title: "Lead Tracking",
        caption: "Leads you referred",
        empty: "No leads yet. When someone you referred signs up, they appear here.",
    },
    Report {
        id: "sales",
        title: "Sales",
        caption: "Sales you referred",
        empty: "No sales yet. Sales from visitors you send appear here.",
    },
    Report {
        id: "clicks",
        title: "Clicks",
        caption: "Clicks on your links",
        empty: "No clicks yet. Copy a link from Redirect Links and share it.",
    },
    Report {
        id: "ledger",
        title: "My Ledger",
        caption: "Every entry with the running balance",
        empty: "Your ledger is empty. Commissions and payouts appear here as they happen.",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Report {
    pub id: &'static str,
    pub title: &'static str,
    pub caption: &'static str,
    pub empty: &'static str,
}

/// What a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Welcome,
    Profile,
    Programs,
    Commission,
    Links,
    Banners,
    Emails,
    Resources,
    Report(&'static Report),
}

/// A page of every partner's portal (resource pages are added per partner).
#[derive(Debug, Clone, Copy)]
pub struct PlannedPage {
    pub id: &'static str,
    pub title: &'static str,
    /// Directory under `/_p/<code>/` (and `/portal/`), "" for the portal's front page.
    pub dir: &'static str,
    pub template: &'static str,
    pub kind: PageKind,
    pub section: Section,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Resources,
    Reports,
}

impl Section {
    fn title(self) -> &'static str {
        match self {
            Section::Home => "Home",
            Section::Resources => "Resources",
            Section::Reports => "Reports",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MenuSection {
    pub title: &'static str,
    pub items: Vec<MenuItem>,
}

#[derive(Debug, Serialize)]
pub struct MenuItem {
    pub id: &'static str,
    pub title: &'static str,
    pub href: String,
}

/// Every portal page the menu switches allow, in menu order.
pub fn plan(menu: Menu) -> Vec<PlannedPage> {
    let home = |id, title, dir, template, kind, shown: bool| {
        shown.then_some(PlannedPage {
            id,
            title,
            dir,
            template,
            kind,
            section: Section::Home,
        })
    };
    let resource = |id, title, dir, template, kind| PlannedPage {
        id,
        title,
        dir,
        template,
        kind,
        section: Section::Resources,
    };
    let mut pages: Vec<PlannedPage> = [
        home(
            "welcome",
            "Welcome",
            "welcome",
            "portal/welcome.html",
            PageKind::Welcome,
            menu.welcome,
        ),
        home(
            "profile",
            "My Profile",
            "profile",
            "portal/profile.html",
            PageKind::Profile,
            menu.profile,
        ),
        home(
            "programs",
            "My Programs",
            "programs",
            "portal/programs.html",
            PageKind::Programs,
            menu.programs,
        ),
        home(
            "commission",
            "My Commission Structure",
            "commission",
            "portal/commission.html",
            PageKind::Commission,
            menu.commission_structure,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    pages.extend([
        resource(
            "links",
            "Redirect Links",
            "links",
            "portal/links.html",
            PageKind::Links,
        ),
        resource(
            "banners",
            "Banners",
            "banners",
            "portal/banners.html",
            PageKind::Banners,
        ),
        resource(
            "emails",
            "Email Copy",
            "emails",
            "portal/emails.html",
            PageKind::Emails,
        ),
        resource(
            "resources",
            "Resource Pages",
            "resources",
            "portal/resources.html",
            PageKind::Resources,
        ),
    ]);
    pages.extend(REPORTS.iter().map(|report| PlannedPage {
        id: report.id,
        title: report.title,
        dir: report_dir(report.id),
        template: "portal/report.html",
        kind: PageKind::Report(report),
        section: Section::Reports,
    }));
    pages
}

fn report_dir(id: &str) -> &'static str {
    match id {
        "commissions" => "reports/commissions",
        "leads" => "reports/leads",
        "sales" => "reports/sales",
        "clicks" => "reports/clicks",
        _ => "reports/ledger",
    }
}

/// The portal URL of a page directory.
pub fn portal_href(dir: &str) -> String {
    if dir.is_empty() {
        "/portal/".to_owned()
    } else {
        format!("/portal/{dir}/")
    }
}

/// The left-hand menu, in three sections; the first page is the portal's front page.
pub fn menu(pages: &[PlannedPage]) -> Vec<MenuSection> {
    let mut sections: Vec<MenuSection> = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let title = page.section.title();
        if sections.last().is_none_or(|s| s.title != title) {
            sections.push(MenuSection {
                title,
                items: Vec::new(),
            });
        }
        let href = if i == 0 {
            portal_href("")
        } else {
            portal_href(page.dir)
        };
        if let Some(section) = sections.last_mut() {
            section.items.push(MenuItem {
                id: page.id,
                title: page.title,
                href,
            });
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_home_items_are_not_planned_and_the_first_page_is_the_front_page() {
        let all = plan(Menu::default());
        assert_eq!(all.len(), 4 + 4 + REPORTS.len());
        let hidden = plan(Menu {
            welcome: false,
            programs: false,
            ..Menu::default()
        });
        let ids: Vec<&str> = hidden.iter().map(|p| p.id).collect();
        assert!(!ids.contains(&"welcome") && !ids.contains(&"programs"));
        let sections = menu(&hidden);
        assert_eq!(sections[0].items[0].id, "profile");
        assert_eq!(sections[0].items[0].href, "/portal/");
        assert_eq!(
            sections.iter().map(|s| s.title).collect::<Vec<_>>(),
            ["Home", "Resources", "Reports"]
        );
    }
}
