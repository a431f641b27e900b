//! Template contexts: borrowed views of the model that the templates see.

use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Site-wide values every template sees as `site`.
#[derive(Serialize)]
pub struct SiteCtx<'a> {
    pub title: &'a str,
    pub language: &'a str,
    /// The URL prefix, e.g. `/docs/`.
    pub prefix: &'a str,
    pub base_url: &'a str,
    /// Theme asset name → hashed URL (`assets["style.css"]`).
    pub assets: &'a BTreeMap<String, String>,
    pub live_reload: bool,
    pub variants: Vec<VariantCtx<'a>>,
    /// The variant shown to a reader with no preference (the `default`, else the first).
    pub default_variant: Option<&'a str>,
}

#[derive(Serialize, Clone)]
pub struct VariantCtx<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub default: bool,
}

#[derive(Serialize)]
pub struct LinkCtx<'a> {
    pub title: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub struct TocEntry<'a> {
    pub level: u8,
    pub id: &'a str,
    pub text: &'a str,
    /// Space-separated variants when the heading sits in a variant block.
    pub variants: Option<String>,
}

/// A caveat as the "Known caveats" summary and the caveats page show it.
#[derive(Serialize)]
pub struct CaveatCtx<'a> {
    pub id: &'a str,
    pub severity: &'a str,
    /// The first sentence or so, for the summary list.
    pub summary: String,
    pub html: Cow<'a, str>,
    /// Source and verified date, as HTML.
    pub footer: String,
    pub variants: Option<String>,
    pub verified: Option<&'a str>,
    /// Not verified for over a year, by SOURCE_DATE_EPOCH (else the browser decides).
    pub stale: bool,
    pub step_id: Option<&'a str>,
    pub step_title: Option<&'a str>,
}

#[derive(Serialize)]
pub struct CaveatGuideCtx<'a> {
    pub title: &'a str,
    pub url: String,
    pub caveats: Vec<CaveatCtx<'a>>,
}

#[derive(Serialize)]
pub struct GuideCtx<'a> {
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub url: String,
    pub canonical: String,
    pub content: Cow<'a, str>,
    pub toc: Vec<TocEntry<'a>>,
    pub updated: Option<&'a str>,
    pub edit_url: Option<String>,
    pub tags: &'a [String],
    pub applies_to: Vec<VariantCtx<'a>>,
    pub breadcrumbs: Vec<LinkCtx<'a>>,
    pub prev: Option<LinkCtx<'a>>,
    pub next: Option<LinkCtx<'a>>,
    pub caveats: Vec<CaveatCtx<'a>>,
}

#[derive(Serialize)]
pub struct ListEntry<'a> {
    pub title: &'a str,
    pub url: String,
    pub summary: Option<&'a str>,
    pub applies_to: Vec<VariantCtx<'a>>,
}

#[derive(Serialize)]
pub struct SectionCtx<'a> {
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub url: String,
    pub canonical: String,
    pub content: Cow<'a, str>,
    pub breadcrumbs: Vec<LinkCtx<'a>>,
    pub sections: Vec<SectionListCtx<'a>>,
    pub guides: Vec<ListEntry<'a>>,
    pub edit_url: Option<String>,
}

#[derive(Serialize)]
pub struct SectionListCtx<'a> {
    pub title: &'a str,
    pub url: String,
    pub summary: Option<&'a str>,
    pub guides: Vec<ListEntry<'a>>,
    pub guide_count: usize,
}

/// One link of the version switcher.
#[derive(Serialize)]
pub struct VersionLinkCtx<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub url: String,
    /// The version being read.
    pub active: bool,
    pub current: bool,
}

/// The banner of a page in a frozen version.
#[derive(Serialize)]
pub struct OldVersionCtx<'a> {
    pub label: &'a str,
    pub current_label: &'a str,
    /// The same page in the current version, or its home.
    pub current_url: String,
}
