//! The caveat lifecycle for authors and CI (SPEC §3.4): `guidepost caveats` lists a
//! site's caveats, and which accepted ones nobody has re-checked for too long.
//!
//! The list comes from a build into nothing with candidates shown, so a caveat is
//! listed exactly as the pages would have it (its step, its console, its source).

use crate::config::Config;
use crate::dates::days_between;
use crate::diag::{Diagnostic, Severity};
use crate::markdown::Caveat;
use crate::output::NullSink;
use crate::pipeline::{self, BuildCache, BuildOptions};
use crate::source::SourceFile;
use serde::Serialize;
use std::path::PathBuf;

/// Which caveats to list, by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    Accepted,
    Candidate,
    All,
}

pub struct ListOptions {
    pub root: PathBuf,
    pub status: StatusFilter,
    /// List only accepted caveats last confirmed more than this many days ago.
    pub stale_after: Option<u32>,
    /// `YYYY-MM-DD`: SOURCE_DATE_EPOCH, else the clock.
    pub today: String,
}

/// One listed caveat.
#[derive(Debug, Clone, Serialize)]
pub struct CaveatEntry {
    /// Version id.
    pub version: String,
    pub guide: String,
    /// The page's URL path below the site prefix.
    pub url: String,
    /// The markdown file, relative to the site root.
    pub file: String,
    pub line: usize,
    pub id: String,
    /// The heading or step id it belongs to; None for the top of the page.
    pub step: Option<String>,
    pub severity: String,
    /// `accepted` or `candidate`.
    pub status: &'static str,
    pub variants: Option<Vec<String>>,
    /// Who or what it came from, as the page shows it.
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub verified: Option<String>,
    /// The date its age is counted from (verified, else its source's, else the
    /// guide's `updated`) and which one that is.
    pub dated: Option<String>,
    pub dated_by: Option<&'static str>,
    /// Days from `dated` to today.
    pub age_days: Option<i64>,
    pub text: String,
}

/// The caveats of the site as `opts` asks, with the warnings of stale ones and the
/// errors of caveats that could not be read.
pub fn list(config: &Config, opts: &ListOptions) -> (Vec<CaveatEntry>, Vec<Diagnostic>) {
    let build = BuildOptions {
        root: opts.root.clone(),
        show_candidates: true,
        ..Default::default()
    };
    let (_, diags, state) = pipeline::build_site(config, &build, &NullSink, &BuildCache::default());
    // Only the problems of caveats themselves: `check` reports the rest.
    let mut problems: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| d.code == "caveat" && d.severity == Severity::Error)
        .collect();
    let mut entries = Vec::new();
    for vs in state.iter().flat_map(|s| s.versions.iter()) {
        for (i, page) in vs.pages.iter().enumerate() {
            let src = &vs.version.sources[i];
            let url = vs.version.page_path(i).unwrap_or_default();
            for c in &page.body.caveats {
                let entry = entry(&vs.version.spec, src, url.clone(), c, &opts.today);
                if wanted(&entry, opts) {
                    if opts.stale_after.is_some() {
                        problems.push(stale_warning(&entry));
                    }
                    entries.push(entry);
                }
            }
        }
    }
    (entries, problems)
}

fn entry(
    version: &crate::config::VersionSpec,
    src: &SourceFile,
    url: String,
    c: &Caveat,
    today: &str,
) -> CaveatEntry {
    let (dated, dated_by) = match (&c.verified, c.origin.as_ref().and_then(|o| o.date.as_ref())) {
        (Some(v), _) => (Some(v.clone()), Some("verified")),
        (None, Some(d)) => (Some(d.clone()), Some("source date")),
        (None, None) => match &src.front.updated {
            Some(u) => (Some(u.clone()), Some("guide updated")),
            None => (None, None),
        },
    };
    // An inline caveat of an included file is listed where it is written.
    let file = match &c.written_in {
        Some(w) => version.dir.join(&w.file),
        None => src.site_path.clone(),
    };
    CaveatEntry {
        version: version.id.clone(),
        guide: src.title.clone().unwrap_or_default(),
        url,
        file: crate::paths::slash_path(&file),
        line: c.line,
        id: c.id.clone(),
        step: c.step.as_ref().map(|(id, _)| id.clone()),
        severity: c.severity.clone(),
        status: if c.candidate { "candidate" } else { "accepted" },
        variants: c.variants.clone(),
        source: c.source.clone(),
        source_url: c.source_url.clone(),
        verified: c.verified.clone(),
        age_days: dated.as_deref().and_then(|d| days_between(d, today)),
        dated,
        dated_by,
        text: c.text.clone(),
    }
}

/// Whether the listing includes `e`: by status, and with `--stale-after` only the
/// accepted ones older than that.
fn wanted(e: &CaveatEntry, opts: &ListOptions) -> bool {
    if let Some(days) = opts.stale_after {
        return e.status == "accepted" && e.age_days.is_some_and(|age| age > i64::from(days));
    }
    match opts.status {
        StatusFilter::All => true,
        StatusFilter::Accepted => e.status == "accepted",
        StatusFilter::Candidate => e.status == "candidate",
    }
}

fn stale_warning(e: &CaveatEntry) -> Diagnostic {
    Diagnostic::warning(
        "stale-caveat",
        &e.file,
        format!(
            "caveat `{}` of \"{}\" was last confirmed {} days ago ({}, its {})",
            e.id,
            e.guide,
            e.age_days.unwrap_or_default(),
            e.dated.as_deref().unwrap_or(""),
            e.dated_by.unwrap_or("date")
        ),
    )
    .at(e.line, 1)
    .help("check that it still holds, then set `verified:` to today's date (or remove the caveat)")
}

/// The human listing of one caveat.
pub fn to_human(e: &CaveatEntry) -> String {
    let place = match &e.step {
        Some(step) => format!("{} › #{step}", e.guide),
        None => e.guide.clone(),
    };
    let mut s = format!(
        "{}:{}  {place}  [{}, {}]\n",
        e.file, e.line, e.severity, e.status
    );
    let mut facts = Vec::new();
    if let Some(source) = &e.source {
        facts.push(format!("source: {source}"));
    }
    if let Some(v) = &e.verified {
        facts.push(format!("verified {v}"));
    }
    if let (Some(age), Some(by)) = (e.age_days, e.dated_by) {
        facts.push(format!("{age} days since {by}"));
    }
    if !facts.is_empty() {
        s.push_str(&format!("  {}\n", facts.join(" · ")));
    }
    s.push_str(&format!("  {}\n", e.text));
    s
}
