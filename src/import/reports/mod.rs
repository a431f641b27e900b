//! `guidepost import reports FILE.json` (SPEC §3.6): readers' reports, as the report
//! links of the published site wrote them, back into the guides as candidate caveats
//! at the step and console they name.
//!
//! FILE is the JSON of `gh issue list --json number,title,body,author,createdAt,url`
//! (the issue body holds the `Page:`, `Guide:`, `Version:`, `Step:`, `Console:` lines
//! of the link), or an array of `{page, step, variant, author, date, url, text}`.
//! Each report is resolved against the site as it builds (its guides, their heading
//! and step ids, the variants of site.toml); one that names nothing that exists
//! changes nothing and is listed with the reason.

use crate::caveats::report_links::console_text;
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::markdown::caveats::is_safe_url;
use crate::model::PageBody;
use crate::output::NullSink;
use crate::pipeline::{self, BuildCache, BuildOptions, SiteState};
use crate::source::edit::append_caveats;
use crate::source::frontmatter::is_iso_date;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod read;
pub use read::{parse_reports, read_reports};

/// One report as the file gives it, in either form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The page's absolute URL, usually with the step's `#anchor`.
    pub page: Option<String>,
    /// The guide's markdown file, relative to the site root.
    pub guide: Option<String>,
    pub version: Option<String>,
    pub step: Option<String>,
    pub variant: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    /// Where the report lives (the issue's URL): the caveat's source.
    pub url: Option<String>,
    /// What the reader said.
    pub text: String,
}

/// What happened to one report.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// Added as a candidate (or would be, with `--dry-run`).
    Added {
        file: String,
        step: Option<String>,
        variants: Option<Vec<String>>,
    },
    /// A caveat of the guide has this report's url as its source already.
    AlreadyImported { file: String },
    /// Names no guide, version or step of the site.
    Unresolved { reason: String },
}

#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    /// The report's url, else its position in the file.
    pub report: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The caveat a report becomes (SPEC §3.4 fields, in their documented order).
#[derive(Debug, Clone, Serialize)]
struct NewCaveat {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    variants: Option<Vec<String>>,
    status: &'static str,
    source: NewSource,
}

#[derive(Debug, Clone, Serialize)]
struct NewSource {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// What `import` was asked to do.
pub struct ImportOptions {
    pub root: PathBuf,
    pub dry_run: bool,
}

/// Resolves every report against the site and adds the candidates to their guides
/// (unless `dry_run`); returns what happened to each, in the file's order.
pub fn import(
    config: &Config,
    opts: &ImportOptions,
    reports: &[Report],
) -> Result<Vec<Imported>, Diagnostic> {
    let build = BuildOptions {
        root: opts.root.clone(),
        show_candidates: true,
        include_drafts: true,
        ..Default::default()
    };
    let (_, _, state) = pipeline::build_site(config, &build, &NullSink, &BuildCache::default());
    let Some(state) = state else {
        return Err(Diagnostic::error(
            "reports",
            crate::config::CONFIG_FILE,
            "the site cannot be read (its theme does not load): run `guidepost check`",
        ));
    };
    let site = SiteIndex::new(config, &state);
    let mut results = Vec::new();
    let mut per_file: BTreeMap<String, Vec<NewCaveat>> = BTreeMap::new();
    for (i, report) in reports.iter().enumerate() {
        let name = report
            .url
            .clone()
            .unwrap_or_else(|| format!("report {}", i + 1));
        let outcome = match site.resolve(report) {
            Err(reason) => Outcome::Unresolved { reason },
            Ok(target) if target.has_source_url(report.url.as_deref()) => {
                Outcome::AlreadyImported { file: target.file }
            }
            Ok(target)
                if per_file.get(&target.file).is_some_and(|added| {
                    report.url.is_some() && added.iter().any(|c| c.source.url == report.url)
                }) =>
            {
                Outcome::AlreadyImported { file: target.file }
            }
            Ok(target) => {
                per_file
                    .entry(target.file.clone())
                    .or_default()
                    .push(new_caveat(report, &target));
                Outcome::Added {
                    file: target.file,
                    step: target.step,
                    variants: target.variants,
                }
            }
        };
        results.push(Imported {
            report: name,
            outcome,
        });
    }
    if !opts.dry_run {
        write_all(&opts.root, &per_file, &mut results)?;
    }
    Ok(results)
}

fn new_caveat(report: &Report, target: &Target) -> NewCaveat {
    NewCaveat {
        text: report.text.clone(),
        step: target.step.clone(),
        variants: target.variants.clone(),
        status: "candidate",
        source: NewSource {
            kind: "field-report",
            author: report.author.clone(),
            date: report.date.clone().filter(|d| is_iso_date(d)),
            url: report.url.clone(),
        },
    }
}

/// Edits each file once, through a temporary file renamed over it. A file that
/// cannot be edited safely is left as it was, and its reports say why.
fn write_all(
    root: &Path,
    per_file: &BTreeMap<String, Vec<NewCaveat>>,
    results: &mut [Imported],
) -> Result<(), Diagnostic> {
    for (file, caveats) in per_file {
        let path = root.join(file);
        let edited = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read it: {e}"))
            .and_then(|text| append_caveats(&text, caveats));
        let written = edited.and_then(|text| {
            replace_file(&path, &text).map_err(|e| format!("cannot write it: {e}"))
        });
        if let Err(reason) = written {
            for r in results.iter_mut() {
                if matches!(&r.outcome, Outcome::Added { file: f, .. } if f == file) {
                    r.outcome = Outcome::Unresolved {
                        reason: format!("{file} was left as it was: {reason}"),
                    };
                }
            }
        }
    }
    Ok(())
}

/// Writes `text` beside `path` and renames it over `path`, so a reader (or a crash)
/// sees the old file or the new one, never half of one.
fn replace_file(path: &Path, text: &str) -> std::io::Result<()> {
    let temp = crate::tempdirs::temp_path(path);
    std::fs::write(&temp, text)?;
    if let Err(e) = std::fs::rename(&temp, path) {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    Ok(())
}

/// Where a report lands.
struct Target {
    /// The markdown file, relative to the site root.
    file: String,
    step: Option<String>,
    variants: Option<Vec<String>>,
    /// The source urls of the guide's caveats.
    source_urls: Vec<String>,
}

impl Target {
    fn has_source_url(&self, url: Option<&str>) -> bool {
        url.is_some_and(|u| self.source_urls.iter().any(|s| s == u))
    }
}

/// The site's guides as reports name them.
struct SiteIndex<'a> {
    config: &'a Config,
    state: &'a SiteState,
}

impl<'a> SiteIndex<'a> {
    fn new(config: &'a Config, state: &'a SiteState) -> Self {
        SiteIndex { config, state }
    }

    fn resolve(&self, report: &Report) -> Result<Target, String> {
        if report.text.trim().is_empty() {
            return Err("the report says nothing".into());
        }
        if let Some(url) = report.url.as_deref().filter(|u| !is_safe_url(u)) {
            return Err(format!(
                "its url `{url}` is not an http(s) or mailto address, which a caveat's source must be"
            ));
        }
        let (v, s, fragment) = self.page_of(report)?;
        let vs = &self.state.versions[v];
        let src = &vs.version.sources[s];
        let file = crate::paths::slash_path(&src.site_path);
        let step = report.step.clone().or(fragment).filter(|s| !s.is_empty());
        if let Some(id) = &step {
            check_step(&vs.pages[s].body, &file, id)?;
        }
        Ok(Target {
            file,
            step,
            variants: self.variants_of(report.variant.as_deref())?,
            source_urls: src
                .front
                .caveats
                .iter()
                .filter_map(|c| c.source.as_ref()?.url.clone())
                .collect(),
        })
    }

    /// (version, source, #fragment of the page URL) of the guide a report names: by
    /// `Guide:` and `Version:`, else by its page URL.
    fn page_of(&self, report: &Report) -> Result<(usize, usize, Option<String>), String> {
        let fragment = report
            .page
            .as_deref()
            .and_then(|p| p.split_once('#'))
            .map(|(_, f)| crate::url::percent_decode(f));
        let versions = &self.state.versions;
        let wanted_version = match &report.version {
            Some(id) => Some(
                versions
                    .iter()
                    .position(|v| &v.version.spec.id == id)
                    .ok_or_else(|| format!("the site has no version `{id}`"))?,
            ),
            None => None,
        };
        if let Some(guide) = &report.guide {
            let found = versions.iter().enumerate().find_map(|(v, vs)| {
                if wanted_version.is_some_and(|w| w != v) {
                    return None;
                }
                let s = vs
                    .version
                    .sources
                    .iter()
                    .position(|src| crate::paths::slash_path(&src.site_path) == *guide)?;
                Some((v, s))
            });
            if let Some((v, s)) = found {
                return Ok((v, s, fragment));
            }
        }
        let Some(page) = &report.page else {
            return Err(match &report.guide {
                Some(g) => format!("no guide `{g}` in the site"),
                None => "the report names no page and no guide".into(),
            });
        };
        let path = self.local_path(page)?;
        versions
            .iter()
            .enumerate()
            .filter(|(v, _)| wanted_version.is_none_or(|w| w == *v))
            .find_map(|(v, vs)| {
                let guide = vs
                    .version
                    .guides
                    .iter()
                    .find(|g| crate::url::encode_path(&g.path) == path || g.path == path)?;
                Some((v, guide.source, fragment.clone()))
            })
            .ok_or_else(|| format!("no guide of the site is at {page}"))
    }

    /// The path below the site prefix of an absolute (or site-absolute) page URL.
    fn local_path(&self, page: &str) -> Result<String, String> {
        let page = page.split(['#', '?']).next().unwrap_or(page);
        let base = self.config.base_url();
        let prefix = self.config.url_prefix();
        let path = match page.strip_prefix(base.as_str()) {
            Some(rest) => rest.to_string(),
            None => {
                // Another host (a preview deployment, say): the path is what counts.
                let path = match page.split_once("://") {
                    Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
                    None => page,
                };
                path.strip_prefix(prefix.as_str())
                    .ok_or_else(|| format!("{page} is not below the site's base URL {base}"))?
                    .to_string()
            }
        };
        let mut path = path.trim_start_matches('/').to_string();
        if !path.is_empty() && !path.ends_with('/') {
            path.push('/');
        }
        Ok(path)
    }

    /// The variant a report's console names (its id or its label); None for none or
    /// "not given".
    fn variants_of(&self, console: Option<&str>) -> Result<Option<Vec<String>>, String> {
        let Some(console) = console.map(str::trim).filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        if console.eq_ignore_ascii_case("not given") {
            return Ok(None);
        }
        // The id, the label, or both as a report link writes them: "Label (id)".
        self.config
            .variant_labels()
            .into_iter()
            .find(|(id, label)| {
                id == console
                    || label.eq_ignore_ascii_case(console)
                    || console_text(id, label) == console
            })
            .map(|(id, _)| Some(vec![id]))
            .ok_or_else(|| format!("the site has no console `{console}`"))
    }
}

/// Whether a caveat may name `id` on the page (SPEC §3.4: a heading's or a step's
/// id); Err says why not and what the page has instead.
fn check_step(body: &PageBody, file: &str, id: &str) -> Result<(), String> {
    let places: Vec<&str> = body
        .headings
        .iter()
        .map(|h| h.id.as_str())
        .chain(body.steps.iter().map(|s| s.id.as_str()))
        .collect();
    if places.contains(&id) {
        return Ok(());
    }
    let mut reason = if body.anchors().any(|a| a == id) {
        format!("`{id}` on `{file}` is neither a step nor a heading (a caveat or an element of the page's HTML), and a caveat can only belong to one of those")
    } else {
        format!("`{file}` has no step or heading `{id}`")
    };
    match nearest(id, &places) {
        Some(near) => reason.push_str(&format!("; did you mean `{near}`?")),
        None if places.is_empty() => reason.push_str("; the page has no steps or headings"),
        None => {
            const SHOWN: usize = 12;
            let mut listed = places
                .iter()
                .take(SHOWN)
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ");
            if places.len() > SHOWN {
                listed.push_str(&format!(" and {} more", places.len() - SHOWN));
            }
            reason.push_str(&format!("; its steps and headings are {listed}"));
        }
    }
    Err(reason)
}

/// The id of `places` closest to `id`, if one is close enough to be a slip (a
/// renumbered step, a changed heading): at most a third of its letters differ.
fn nearest<'p>(id: &str, places: &[&'p str]) -> Option<&'p str> {
    let limit = (id.chars().count() / 3).max(1);
    places
        .iter()
        .map(|p| (strsim::osa_distance(id, p), *p))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::read::field_of;
    use super::*;

    #[test]
    fn reads_both_forms() {
        let gh = r#"[{"number": 7, "title": "Problem with: Verify, step 2",
            "body": "Page: https://help.example.com/docs/a/#step-2\nGuide: content/a.md\nVersion: current\nStep: step-2\nConsole: enterprise\n\nThe button is gone.\n",
            "author": {"login": "octo", "name": "Oct O"}, "createdAt": "2024-05-01T10:00:00Z",
            "url": "https://github.com/acme/help/issues/7"}]"#;
        let r = &parse_reports(gh).unwrap()[0];
        assert_eq!(
            r.page.as_deref(),
            Some("https://help.example.com/docs/a/#step-2")
        );
        assert_eq!(r.guide.as_deref(), Some("content/a.md"));
        assert_eq!(r.step.as_deref(), Some("step-2"));
        assert_eq!(r.variant.as_deref(), Some("enterprise"));
        assert_eq!(r.author.as_deref(), Some("octo"));
        assert_eq!(r.date.as_deref(), Some("2024-05-01"));
        assert_eq!(r.text, "The button is gone.");

        let plain = r#"[{"page": "/a/", "step": "x", "text": " Broken. ", "date": "2024-01-02"}]"#;
        let r = &parse_reports(plain).unwrap()[0];
        assert_eq!((r.step.as_deref(), r.text.as_str()), (Some("x"), "Broken."));

        let (_, line, column) = parse_reports("[\n  {\"text\": \"a\",}\n]").unwrap_err();
        assert_eq!((line, column), (2, 16));
        assert!(parse_reports(r#"[{"txt": "a"}]"#).is_err());
    }

    fn body_with(headings: &[&str], steps: &[&str], ids: &[&str]) -> PageBody {
        PageBody {
            headings: headings
                .iter()
                .map(|h| crate::markdown::Heading {
                    level: 2,
                    id: h.to_string(),
                    text: h.to_string(),
                    variants: None,
                })
                .collect(),
            steps: steps
                .iter()
                .enumerate()
                .map(|(i, s)| crate::markdown::Step {
                    id: s.to_string(),
                    number: i as u64 + 1,
                    heading: None,
                    variants: None,
                    text: String::new(),
                })
                .collect(),
            ids: steps.iter().chain(ids).map(|s| s.to_string()).collect(),
            ..PageBody::default()
        }
    }

    #[test]
    fn a_report_names_a_step_or_a_heading_and_nothing_else() {
        let body = body_with(
            &["choose", "enter-id"],
            &["choose-step-1", "choose-step-2"],
            &["caveat-1", "old"],
        );
        assert_eq!(check_step(&body, "content/a.md", "choose-step-2"), Ok(()));
        assert_eq!(check_step(&body, "content/a.md", "enter-id"), Ok(()));
        let e = check_step(&body, "content/a.md", "caveat-1").unwrap_err();
        assert!(e.contains("neither a step nor a heading"), "{e}");
        let e = check_step(&body, "content/a.md", "choose-step-3").unwrap_err();
        assert_eq!(
            e,
            "`content/a.md` has no step or heading `choose-step-3`; did you mean `choose-step-1`?"
        );
        let e = check_step(&body, "content/a.md", "something-else").unwrap_err();
        assert!(
            e.ends_with(
                "its steps and headings are `choose`, `enter-id`, `choose-step-1`, `choose-step-2`"
            ),
            "{e}"
        );
        let e = check_step(&PageBody::default(), "content/a.md", "x").unwrap_err();
        assert!(e.ends_with("the page has no steps or headings"), "{e}");
    }

    #[test]
    fn fields_as_issue_forms_show_them() {
        assert_eq!(
            field_of("**Step:** step-3"),
            Some(("step", "step-3".to_string()))
        );
        assert_eq!(
            field_of("- Console: not given").map(|f| f.0),
            Some("console")
        );
        assert_eq!(field_of("The page says: nothing"), None);
    }
}
