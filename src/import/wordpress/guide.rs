//! One published post or page → the guide it becomes: the markdown file's text, the
//! screenshots to copy, and what the report says about it. Nothing is written here.

use super::comments::{self, date_of};
use super::consoles::Consoles;
use super::html::{self, BlockKind, Purpose, IMAGE_MARK};
use super::images::{self, Context, Uploads};
use super::report::{CandidateReport, GuideReport};
use super::sanitize::sanitize;
use super::steps;
use super::suggest;
use super::wxr::Item;
use crate::import::frontmatter::{guide_file, NewCaveat, NewFrontMatter, NewSource, CANDIDATE};
use crate::markdown::{self, highlight::HighlightCache, PageInput, RenderEnv};
use crate::screenshots::Screenshots;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// What every guide of one import shares.
pub struct Site<'a> {
    /// The site root, canonical.
    pub root: &'a Path,
    /// The current version's folder, relative to the root (`content`).
    pub version_dir: &'a Path,
    /// The section the guides go to, relative to the version's folder.
    pub section: &'a Path,
    pub variants: &'a [(String, String)],
    pub consoles: &'a Consoles,
    pub uploads: Option<&'a Uploads>,
    pub context: &'a Context,
    pub max_screenshot_kb: u64,
}

/// A guide ready to be written.
#[derive(Debug, Clone)]
pub struct GuidePlan {
    /// The guide's folder relative to the site root (`content/imported/slug`).
    pub dir: PathBuf,
    /// The text of its `index.md`.
    pub index: String,
    pub copies: Vec<images::Copy>,
    pub report: GuideReport,
}

/// Longest summary taken from the body (characters).
const SUMMARY_CHARS: usize = 200;

pub fn plan(item: &Item, slug: &str, site: &Site) -> Result<GuidePlan, String> {
    let dir = site.version_dir.join(site.section).join(slug);
    let mut notes: BTreeSet<String> = BTreeSet::new();
    let mut converted = html::convert(&item.content, Purpose::Guide);
    notes.append(&mut converted.notes);
    for block in &mut converted.blocks {
        let (markdown, mut changed) = sanitize(&block.markdown);
        block.markdown = markdown;
        notes.append(&mut changed);
    }
    let placement = images::place(&converted.images, site.uploads, site.context);
    let (body, outcome) = steps::assemble(&converted.blocks, site.consoles);
    let body = with_images(&body, &placement.markdown);

    let title = Some(html::plain_text(&item.title))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| slug.to_string());
    let summary = Some(html::plain_text(&item.excerpt))
        .filter(|s| !s.is_empty())
        .or_else(|| first_sentence(&converted.blocks));
    let updated = date_of(&item.date).or_else(|| date_of_rfc822(&item.pub_date));

    let targets = suggest::targets(&render(&body, &dir, site));
    let (candidates, skipped) = comments::candidates(&item.comments);
    let post_url = post_url(item);
    let mut caveats = Vec::new();
    let mut candidate_reports = Vec::new();
    for c in candidates {
        let step = suggest::suggest_step(&c.plain, &targets);
        let severity = suggest::severity(&c.plain);
        notes.extend(
            c.notes
                .iter()
                .map(|n| format!("comment {}: {n}", c.comment)),
        );
        caveats.push(NewCaveat {
            text: c.text.clone(),
            step: step.as_ref().map(|s| s.id.clone()),
            severity: severity.level.to_string(),
            status: CANDIDATE,
            source: NewSource {
                kind: "comment",
                author: c.author.clone(),
                date: c.date.clone(),
                url: post_url
                    .as_ref()
                    .map(|u| format!("{u}#comment-{}", c.comment)),
            },
        });
        candidate_reports.push(CandidateReport {
            comment: c.comment,
            author: c.author,
            replies: c.replies,
            step,
            severity,
        });
    }

    let front = NewFrontMatter {
        title: title.clone(),
        summary,
        updated,
        tags: tags(item),
        caveats,
    };
    let index = guide_file(&front, &body)?;
    Ok(GuidePlan {
        report: GuideReport {
            title,
            slug: slug.to_string(),
            post_type: item.post_type.clone(),
            source: post_url.unwrap_or_default(),
            guide: crate::paths::slash_path(&dir.join("index.md")),
            steps: outcome,
            screenshots_copied: placement.copies.clone(),
            screenshots_missing: placement.missing,
            without_alt: placement.without_alt,
            candidates: candidate_reports,
            comments_skipped: skipped,
            notes: notes.into_iter().collect(),
        },
        dir,
        index,
        copies: placement.copies,
    })
}

/// The body with each image placeholder replaced by its markdown.
pub(super) fn with_images(body: &str, images: &[String]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut parts = body.split(IMAGE_MARK);
    out.push_str(parts.next().unwrap_or(""));
    while let Some(number) = parts.next() {
        match number.parse::<usize>().ok().and_then(|n| images.get(n)) {
            Some(markdown) => out.push_str(markdown),
            None => out.push_str(number),
        }
        out.push_str(parts.next().unwrap_or(""));
    }
    out
}

/// The guide as the build will render it, for the ids of its headings and steps.
fn render(body: &str, dir: &Path, site: &Site) -> markdown::RenderedMarkdown {
    let assets = Screenshots::new(site.root.to_path_buf(), "/");
    let targets = HashMap::new();
    let highlights = HighlightCache::default();
    let site_paths = crate::markdown::SitePaths::default();
    let includes = crate::source::include_files::IncludeFiles::new(site.root.to_path_buf());
    let env = RenderEnv {
        targets: &targets,
        assets: &assets,
        highlights: &highlights,
        version_dir: site.version_dir,
        max_screenshot_kb: site.max_screenshot_kb,
        variants: site.variants,
        other_version_dirs: Vec::new(),
        site: &site_paths,
        show_candidates: false,
        includes: &includes,
    };
    let rel = dir
        .strip_prefix(site.version_dir)
        .unwrap_or(dir)
        .join("index.md");
    let rel_path = crate::paths::slash_path(&rel);
    let site_path = dir.join("index.md");
    markdown::render_page(
        &env,
        &PageInput {
            rel_path: &rel_path,
            site_path: &site_path,
            body,
            body_line: 1,
            variants: None,
            caveats: None,
            caveat_lines: &[],
            title_at: None,
        },
    )
}

/// The post's address, for the caveats' sources: its `link`, else its `guid`.
fn post_url(item: &Item) -> Option<String> {
    [&item.link, &item.guid]
        .into_iter()
        .map(|u| u.trim())
        .find(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_string)
}

/// Categories and tags by name, first spelling kept, without WordPress's default
/// "Uncategorized".
fn tags(item: &Item) -> Vec<String> {
    let mut seen = BTreeSet::new();
    item.terms
        .iter()
        .filter(|t| matches!(t.domain.as_str(), "category" | "post_tag"))
        .filter(|t| t.nicename != "uncategorized")
        .map(|t| html::plain_text(&t.name))
        .filter(|name| !name.is_empty() && seen.insert(name.to_lowercase()))
        .collect()
}

/// The first sentence of the first paragraph, as plain text.
fn first_sentence(blocks: &[html::Block]) -> Option<String> {
    let block = blocks
        .iter()
        .find(|b| b.kind == BlockKind::Paragraph && !plain(&b.markdown).is_empty())?;
    let text = plain(&block.markdown);
    let end = text
        .char_indices()
        .find(|(i, c)| matches!(c, '.' | '?' | '!') && text[i + c.len_utf8()..].starts_with(' '))
        .map_or(text.len(), |(i, c)| i + c.len_utf8());
    let sentence = &text[..end];
    if sentence.chars().count() <= SUMMARY_CHARS {
        return Some(sentence.to_string());
    }
    let cut: String = sentence.chars().take(SUMMARY_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    Some(format!("{cut} …"))
}

fn plain(markdown: &str) -> String {
    let mut out = String::new();
    // Every other piece between image marks is an image's number.
    let without_images: String = markdown
        .split(IMAGE_MARK)
        .step_by(2)
        .collect::<Vec<_>>()
        .join(" ");
    for event in pulldown_cmark::Parser::new(&without_images) {
        match event {
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => out.push_str(&t),
            pulldown_cmark::Event::SoftBreak | pulldown_cmark::Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    crate::whitespace::collapse(&out)
}

/// `Thu, 02 May 2013 10:14:00 +0000` → `2013-05-02`.
fn date_of_rfc822(text: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let words: Vec<&str> = text.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let at = words
        .iter()
        .position(|w| w.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d)))?;
    let day: u32 = words.get(at)?.parse().ok()?;
    let month = MONTHS.iter().position(|m| {
        words
            .get(at + 1)
            .is_some_and(|w| w.to_lowercase().starts_with(m))
    })? + 1;
    let year: u32 = words
        .get(at + 2)?
        .parse()
        .ok()
        .filter(|y| (1970..=9999).contains(y))?;
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_image_markdown() {
        let body = format!("a {IMAGE_MARK}0{IMAGE_MARK} b {IMAGE_MARK}1{IMAGE_MARK}");
        assert_eq!(
            with_images(&body, &["![x](x.png)".into(), "![y](y.png)".into()]),
            "a ![x](x.png) b ![y](y.png)"
        );
    }

    #[test]
    fn summaries_from_the_first_sentence() {
        let blocks = vec![html::Block {
            kind: BlockKind::Paragraph,
            markdown: "How do we know we are the **partner**? We check. Then more.".into(),
        }];
        assert_eq!(
            first_sentence(&blocks).as_deref(),
            Some("How do we know we are the partner?")
        );
    }

    #[test]
    fn rfc822_dates() {
        assert_eq!(
            date_of_rfc822("Thu, 02 May 2013 10:14:00 +0000").as_deref(),
            Some("2013-05-02")
        );
        assert_eq!(date_of_rfc822("garbage"), None);
    }
}
