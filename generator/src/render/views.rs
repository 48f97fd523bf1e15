//! What templates see: plain serializable views of the content, built per partner.

use serde::Serialize;

use crate::content::{
    Banner, Content, EmailCopy, Link, Partner, Placeholder, PlaceholderValues, Program,
    ResourcePage, Site, Support,
};
use crate::markdown::markdown_to_html;

#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub portal_name: &'a str,
    pub business_name: &'a str,
    pub website: &'a str,
    pub website_host: &'a str,
    pub portal_url: &'a str,
    pub currency: &'static str,
    pub support: &'a Support,
    pub logo_url: Option<String>,
    pub payout_day: Option<u8>,
    /// The hosts deep links may go to.
    pub link_domains: &'a [String],
    /// Whether `/join` takes applications (recruitment links lead there).
    pub signup_open: bool,
}

impl<'a> SiteView<'a> {
    pub fn new(site: &'a Site) -> Self {
        SiteView {
            portal_name: &site.portal_name,
            business_name: &site.business_name,
            website: site.website.as_str(),
            website_host: site.website.host(),
            portal_url: site.portal_url.base(),
            currency: site.currency.code(),
            support: &site.support,
            payout_day: site.payout_day,
            link_domains: &site.link_domains,
            signup_open: site.signup.open,
            logo_url: site
                .branding
                .logo
                .as_ref()
                .map(|(_, name)| format!("/assets/brand/{name}")),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PartnerView<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub first_name: &'a str,
    pub company: Option<&'a str>,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub address: Option<&'a str>,
    pub parent_name: Option<&'a str>,
    pub coupons: &'a [String],
}

impl<'a> PartnerView<'a> {
    pub fn new(partner: &'a Partner, parent: Option<&'a Partner>) -> Self {
        PartnerView {
            code: partner.code.as_str(),
            name: &partner.name,
            first_name: partner.first_name(),
            company: partner.company.as_deref(),
            email: partner.email.as_str(),
            phone: partner.phone.as_deref(),
            address: partner.address.as_deref(),
            parent_name: parent.map(|p| p.name.as_str()),
            coupons: &partner.coupons,
        }
    }
}

/// A program as partners read it; the same for every partner, so built once.
#[derive(Debug, Clone, Serialize)]
pub struct ProgramView {
    pub id: String,
    pub name: String,
    pub description_html: String,
    pub summary: String,
    pub rules: Vec<String>,
    /// Whether paid ads may send visitors to the program's links.
    pub paid_ads: bool,
    /// Whether partners earn on the sales of partners they recruit.
    pub second_tier: bool,
}

impl ProgramView {
    pub fn new(program: &Program) -> Self {
        ProgramView {
            id: program.id.to_string(),
            name: program.name.clone(),
            description_html: program.description_html.clone(),
            summary: program.commission.summary(),
            rules: program.commission.describe(),
            paid_ads: program.paid_ads,
            second_tier: program.commission.second_tier.is_some(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct LinkView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub target: &'a str,
    pub url: String,
    pub qr_svg: String,
    /// The last day it is offered (YYYY-MM-DD): the page hides it after, even before the
    /// next build.
    pub expires: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct BannerView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub width: u32,
    pub height: u32,
    pub alt: &'a str,
    pub image_path: String,
    pub embed_html: String,
    pub sub_id: String,
}

#[derive(Debug, Serialize)]
pub struct EmailView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
}

#[derive(Debug, Serialize)]
pub struct ResourceView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub href: String,
}

/// Placeholder values for one partner (and, for e-mail copy, its own link).
#[derive(Debug)]
pub struct PartnerValues<'a> {
    pub content: &'a Content,
    pub partner: &'a Partner,
    pub own_link: Option<String>,
}

impl PartnerValues<'_> {
    pub fn link_url(&self, slug: &str) -> String {
        link_url(self.content, self.partner, slug)
    }
}

pub fn link_url(content: &Content, partner: &Partner, slug: &str) -> String {
    format!(
        "{}/r/{}/{slug}",
        content.site.portal_url.base(),
        partner.code
    )
}

impl PlaceholderValues for PartnerValues<'_> {
    fn value(&self, placeholder: &Placeholder) -> String {
        let site = &self.content.site;
        match placeholder {
            Placeholder::PartnerName => self.partner.name.clone(),
            Placeholder::PartnerFirstName => self.partner.first_name().to_owned(),
            Placeholder::PartnerCode => self.partner.code.to_string(),
            Placeholder::PartnerCompany => self.partner.company.clone().unwrap_or_default(),
            Placeholder::PartnerEmail => self.partner.email.to_string(),
            Placeholder::PortalName => site.portal_name.clone(),
            Placeholder::BusinessName => site.business_name.clone(),
            Placeholder::SupportEmail => site.support.email.to_string(),
            Placeholder::OwnLink => self.own_link.clone().unwrap_or_default(),
            Placeholder::Link(slug) => self.link_url(slug.as_str()),
        }
    }
}

pub fn link_view<'a>(content: &Content, partner: &Partner, link: &'a Link) -> LinkView<'a> {
    let url = link_url(content, partner, link.slug.as_str());
    LinkView {
        slug: link.slug.as_str(),
        title: &link.title,
        description: link.description.as_deref(),
        target: link.target.as_str(),
        qr_svg: super::qr::svg(&url),
        url,
        expires: link.expires.map(|d| d.to_string()),
    }
}

pub fn banner_view<'a>(content: &Content, partner: &Partner, banner: &'a Banner) -> BannerView<'a> {
    let image_path = format!("/assets/banners/{}", banner.image.1);
    // Each banner tells its clicks apart by a sub-id; `sponsored` tells search engines it is paid.
    let sub = pc_core::ids::sub_id_from(&format!("banner-{}", banner.slug));
    let url = format!(
        "{}?sub={sub}",
        link_url(content, partner, banner.link.as_str())
    );
    let esc = crate::content::placeholders::html_escape;
    let embed_html = format!(
        "<a href=\"{}\" rel=\"sponsored\"><img src=\"{}{}\" width=\"{}\" height=\"{}\" alt=\"{}\"></a>",
        esc(&url),
        esc(content.site.portal_url.base()),
        esc(&image_path),
        banner.width,
        banner.height,
        esc(&banner.alt)
    );
    BannerView {
        slug: banner.slug.as_str(),
        title: &banner.title,
        width: banner.width,
        height: banner.height,
        alt: &banner.alt,
        image_path,
        embed_html,
        sub_id: sub,
    }
}

pub fn email_view<'a>(content: &Content, partner: &Partner, email: &'a EmailCopy) -> EmailView<'a> {
    let values = PartnerValues {
        content,
        partner,
        own_link: Some(link_url(content, partner, email.link.as_str())),
    };
    EmailView {
        slug: email.slug.as_str(),
        title: &email.title,
        subject: email.subject.render(&values, false),
        body_text: crate::markdown::markdown_to_plain(&email.body.render(&values, true)),
        body_html: markdown_to_html(&email.body.render(&values, true)),
    }
}

pub fn resource_view(page: &ResourcePage) -> ResourceView<'_> {
    ResourceView {
        slug: page.slug.as_str(),
        title: &page.title,
        summary: page.summary.as_deref(),
        href: format!("/portal/resources/{}/", page.slug),
    }
}
