//! `guidepost import wordpress EXPORT.xml` (SPEC §9): the published posts and pages of
//! a WordPress export become guide folders, their comment threads candidate caveats.
//!
//! One file per job: `wxr` reads the export, `html` (with `autop` and `shortcodes`)
//! converts bodies, `sanitize` checks the markdown that comes out, `steps` and
//! `consoles` make numbered paragraphs lists and variant groups, `images` places the
//! screenshots, `comments` and `suggest` make candidates, `guide` puts one guide
//! together, `write` writes them all or none, `report` says what happened.
//!
//! Everything is read and converted before anything is written: a malformed export, a
//! guide that exists, or a bad option stops the import with nothing written.

mod autop;
mod comments;
mod consoles;
mod guide;
pub mod html;
mod images;
mod report;
pub mod sanitize;
mod shortcodes;
pub mod steps;
mod suggest;
mod write;
pub mod wxr;

pub use report::Report;

use crate::config::Config;
use crate::diag::Diagnostic;
use consoles::Consoles;
use guide::{GuidePlan, Site};
use images::{Context, Uploads};
use rayon::prelude::*;
use report::NotImported;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// The section guides go to when `--section` is not given.
pub const DEFAULT_SECTION: &str = "imported";
/// Diagnostic code of a bad export or bad options.
const CODE: &str = "import";

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub export: PathBuf,
    /// The site root, canonical.
    pub root: PathBuf,
    /// Relative to the current version's folder.
    pub section: String,
    pub uploads: Option<PathBuf>,
    /// Slugs to import; empty: every published post and page.
    pub only: Vec<String>,
    pub dry_run: bool,
}

/// Reads, converts and (unless `dry_run`) writes; errors are usage errors (exit 2)
/// and mean that nothing was written.
pub fn import(config: &Config, opts: &ImportOptions) -> Result<Report, Vec<Diagnostic>> {
    let section = check_section(config, &opts.section).map_err(|d| vec![d])?;
    let uploads = match &opts.uploads {
        Some(dir) => Some(Uploads::open(dir).map_err(|e| {
            vec![
                Diagnostic::error(CODE, dir, format!("cannot open the uploads folder: {e}"))
                    .help("--uploads takes a copy of the blog's wp-content/uploads folder"),
            ]
        })?),
        None => None,
    };
    let bytes = std::fs::read(&opts.export).map_err(|e| {
        vec![Diagnostic::error(
            CODE,
            &opts.export,
            format!("cannot read the export: {e}"),
        )]
    })?;
    let export = wxr::parse(&bytes).map_err(|e| {
        vec![Diagnostic::error("wxr", &opts.export, e.message).at(e.line, e.column)]
    })?;

    let mut report = Report {
        export: opts.export.display().to_string(),
        dry_run: opts.dry_run,
        ..Report::default()
    };
    let chosen = choose(&export, &opts.only, &mut report).map_err(|d| {
        d.into_iter()
            .map(|m| Diagnostic::error(CODE, &opts.export, m))
            .collect::<Vec<_>>()
    })?;

    let version_dir = current_version_dir(config);
    report.section = crate::paths::slash_path(&version_dir.join(&section));
    let variants = config.variant_labels();
    let consoles = Consoles::new(&variants);
    let context = Context {
        base_url: if export.site_url.is_empty() {
            export.blog_url.clone()
        } else {
            export.site_url.clone()
        },
        attachments: attachments(&export),
    };
    let site = Site {
        root: &opts.root,
        version_dir: &version_dir,
        section: &section,
        variants: &variants,
        consoles: &consoles,
        uploads: uploads.as_ref(),
        context: &context,
        max_screenshot_kb: config.build.max_screenshot_kb,
    };
    let mut plans: Vec<GuidePlan> = Vec::new();
    let mut problems = Vec::new();
    // Posts are converted in parallel (each on its own), and kept in export order.
    let converted: Vec<_> = chosen
        .par_iter()
        .map(|(item, slug)| guide::plan(item, slug, &site))
        .collect();
    for ((item, slug), result) in chosen.iter().zip(converted) {
        match result {
            Ok(plan) => plans.push(plan),
            Err(e) => problems.push(
                Diagnostic::error(
                    CODE,
                    &opts.export,
                    format!("the post `{slug}` cannot be written: {e}"),
                )
                .at(item.line, 1),
            ),
        }
    }
    problems.extend(write::check_free(&opts.root, &plans));
    if !problems.is_empty() {
        return Err(problems);
    }
    if !opts.dry_run {
        write::write_all(&opts.root, &plans).map_err(|d| vec![d])?;
    }
    report.guides = plans.into_iter().map(|p| p.report).collect();
    Ok(report)
}

/// A post body as the guide's markdown, without files: images keep their URLs. For
/// checks that need no site (the fuzz target `wordpress`).
pub fn body_markdown(html: &str, variants: &[(String, String)]) -> String {
    let mut converted = html::convert(html, html::Purpose::Guide);
    for block in &mut converted.blocks {
        block.markdown = sanitize::sanitize(&block.markdown).0;
    }
    let placement = images::place(&converted.images, None, &Context::default());
    let (body, _) = steps::assemble(&converted.blocks, &Consoles::new(variants));
    guide::with_images(&body, &placement.markdown)
}

/// The candidate caveats' texts of a post's comments (for the fuzz target).
pub fn comment_texts(item: &wxr::Item) -> Vec<String> {
    comments::candidates(&item.comments)
        .0
        .into_iter()
        .map(|c| c.text)
        .collect()
}

/// The folder of the current version (`content` unless site.toml says otherwise).
fn current_version_dir(config: &Config) -> PathBuf {
    config
        .version_specs()
        .into_iter()
        .find(|v| v.current)
        .map(|v| v.dir)
        .unwrap_or_else(|| PathBuf::from("content"))
}

/// `--section` as a relative path of plain names that a section can have.
fn check_section(config: &Config, section: &str) -> Result<PathBuf, Diagnostic> {
    let bad = |why: &str| {
        Diagnostic::error(CODE, "site.toml", format!("--section `{section}`: {why}")).help(format!(
            "give a folder below the content folder, such as `{DEFAULT_SECTION}` or `blog/2013`"
        ))
    };
    let path = Path::new(section);
    if section.trim().is_empty() {
        return Err(bad("is empty"));
    }
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(name) => {
                let name = name.to_str().ok_or_else(|| bad("is not UTF-8"))?;
                if name.starts_with(['.', '_'])
                    || name.contains('\\')
                    || name.chars().any(char::is_control)
                {
                    return Err(bad("a folder name cannot start with `.` or `_` (those are not sections) or hold `\\` or control characters"));
                }
                parts.push(name.to_string());
            }
            _ => return Err(bad("must be a relative path without `.` or `..`")),
        }
    }
    let top = parts.first().map(String::as_str).unwrap_or("");
    if crate::config::ROOT_OUTPUT_NAMES
        .iter()
        .any(|n| n.eq_ignore_ascii_case(top))
    {
        return Err(bad(
            "guidepost writes a file or folder of that name at the top of the site",
        ));
    }
    if config.versions.iter().any(|v| v.id.get_ref() == top) {
        return Err(bad(
            "a version has that id, and a top-level section cannot share it",
        ));
    }
    Ok(parts.iter().collect())
}

/// The published posts and pages to import with their slugs, and the report's list of
/// those left out. An `--only` slug that names no published post or page is an error.
fn choose<'e>(
    export: &'e wxr::Export,
    only: &[String],
    report: &mut Report,
) -> Result<Vec<(&'e wxr::Item, String)>, Vec<String>> {
    let mut chosen = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    let mut found: HashSet<&str> = HashSet::new();
    let mut not_published: HashMap<String, String> = HashMap::new();
    for item in &export.items {
        if !matches!(item.post_type.as_str(), "post" | "page") {
            let kind = if item.post_type.is_empty() {
                "untyped"
            } else {
                &item.post_type
            };
            *report.other_items.entry(kind.to_string()).or_default() += 1;
            continue;
        }
        let slug = slug_of(item);
        let named = only.is_empty()
            || only
                .iter()
                .any(|o| o == &slug || *o == crate::url::percent_decode(&item.post_name));
        if !named {
            continue;
        }
        if let Some(o) = only
            .iter()
            .find(|o| **o == slug || **o == crate::url::percent_decode(&item.post_name))
        {
            found.insert(o.as_str());
        }
        if item.status != "publish" {
            let reason = not_published_reason(&item.status);
            not_published.insert(slug.clone(), reason.clone());
            report.not_imported.push(NotImported {
                title: html::plain_text(&item.title),
                slug,
                post_type: item.post_type.clone(),
                reason,
            });
            continue;
        }
        let mut unique = slug.clone();
        let mut n = 2;
        while !taken.insert(unique.to_lowercase()) {
            unique = format!("{slug}-{n}");
            n += 1;
        }
        chosen.push((item, unique));
    }
    let mut missing = Vec::new();
    for o in only {
        if !found.contains(o.as_str()) {
            missing.push(format!(
                "--only: the export has no post or page with the slug `{o}`"
            ));
        } else if let Some(reason) = not_published.get(o) {
            missing.push(format!(
                "--only: the post `{o}` is not published ({reason})"
            ));
        }
    }
    if missing.is_empty() {
        Ok(chosen)
    } else {
        Err(missing)
    }
}

fn not_published_reason(status: &str) -> String {
    match status {
        "draft" | "auto-draft" => "a draft".into(),
        "pending" => "waiting for review".into(),
        "private" => "private".into(),
        "future" => "scheduled, not published yet".into(),
        "trash" => "in the trash".into(),
        "inherit" => "a revision".into(),
        other => format!("status `{other}`"),
    }
}

/// The folder name of a post: its slug (percent-decoded, so `caf%c3%a9` is `café`),
/// else its title's; letters, digits, `-` and `_` only. A name that no folder or URL
/// can take (`con`, `search`) gets `-post` after it.
pub fn slug_of(item: &wxr::Item) -> String {
    let from = |text: &str| -> String {
        let mut slug = String::new();
        for c in text.trim().chars() {
            if c.is_alphanumeric() || c == '_' {
                slug.extend(c.to_lowercase());
            } else if !slug.ends_with('-') {
                slug.push('-');
            }
        }
        slug.trim_matches(['-', '_']).to_string()
    };
    let mut slug = from(&crate::url::percent_decode(&item.post_name));
    if slug.is_empty() {
        slug = from(&html::plain_text(&item.title));
    }
    if slug.is_empty() {
        slug = format!("post-{}", from(&item.post_id));
    }
    if crate::config::unusable_version_id(&slug).is_some() {
        slug.push_str("-post");
    }
    slug
}

/// Attachment pages (their `link` and `guid`) → the attachment's file.
fn attachments(export: &wxr::Export) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for item in export.items.iter().filter(|i| i.post_type == "attachment") {
        if item.attachment_url.is_empty() {
            continue;
        }
        for page in [&item.link, &item.guid] {
            if !page.is_empty() && page != &item.attachment_url {
                map.insert(page.clone(), item.attachment_url.clone());
            }
        }
    }
    map
}
