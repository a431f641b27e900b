//! Checks across pages of a version: `#anchor`s of links, the variants a guide names,
//! aliases, and partials that no page includes.

use super::state::VersionState;
use crate::diag::Diagnostic;
use crate::markdown::AnchorCheck;
use crate::model::Version;
use crate::source;
use crate::source::include_files::{IncludeFiles, IncludedFile};
use std::collections::HashSet;
use std::path::Path;

/// The missing-anchor warnings of the links of source `i`: links to `page#anchor`
/// whose page has no heading with that id.
pub(super) fn anchor_diagnostics_of(state: &VersionState, i: usize) -> Vec<Diagnostic> {
    let src = &state.version.sources[i];
    state.pages[i]
        .anchor_checks
        .iter()
        .filter(|check| !anchor_exists(state, check))
        .map(|check| missing_anchor(src, &state.version.spec.dir, check))
        .collect()
}

/// The warning for a link to `page#anchor` whose page has no such id, at the link: in
/// the page `src`, or in the file it included that holds the link.
pub(super) fn missing_anchor(
    src: &source::SourceFile,
    version_dir: &Path,
    check: &AnchorCheck,
) -> Diagnostic {
    let mut d = Diagnostic::warning(
        "missing-anchor",
        &src.site_path,
        format!("`{}` has no heading, step or element with the id `#{}`", check.target, check.anchor),
    )
    .at(check.line, check.column)
    .help("link to one of the page's headings (ids are the heading text in lowercase, with `-` for spaces) or steps (`#step-2`, `#<heading id>-step-2`)");
    if let Some(written_in) = &check.written_in {
        (d.file, d.included_from) = written_in.place(version_dir);
    }
    d
}

/// The warnings of the version's partials: one that no page includes (directly or
/// through another file), and one whose front matter would be dropped when included.
pub(super) fn partial_diagnostics(
    state: &VersionState,
    includes: &IncludeFiles,
) -> Vec<Diagnostic> {
    let included: HashSet<&str> = state
        .pages
        .iter()
        .flat_map(|p| p.includes())
        .chain(state.rejected_includes.iter().map(String::as_str))
        .collect();
    let version_dir = &state.version.spec.dir;
    let mut diags = Vec::new();
    for partial in &state.version.unpublished.partials {
        let site_path = version_dir.join(partial);
        if !included.contains(partial.as_str()) {
            diags.push(
                Diagnostic::warning(
                    "unused-partial",
                    &site_path,
                    "no page includes this partial: files named `_name.md` are never pages themselves",
                )
                .help(format!(
                    "include it where it belongs with `::: include {}` (relative to the including file), or delete it",
                    partial.rsplit('/').next().unwrap_or(partial)
                )),
            );
        } else if matches!(
            &*includes.read(&site_path),
            IncludedFile::Text {
                front_matter: true,
                ..
            }
        ) {
            diags.push(
                Diagnostic::warning(
                    "partial-front-matter",
                    &site_path,
                    "the front matter of a partial is not included: only the text after it is",
                )
                .help("move what it says (caveats, say) into the front matter of the pages that include it, and delete it here"),
            );
        }
    }
    diags
}

/// The missing-anchor warnings of every source of the version, by source.
pub(super) fn anchor_diagnostics(state: &VersionState) -> Vec<Vec<Diagnostic>> {
    (0..state.pages.len())
        .map(|i| anchor_diagnostics_of(state, i))
        .collect()
}

/// Every id of a guide's `variants:` must be declared in site.toml.
pub(super) fn guide_variant_diagnostics(
    variants: &[(String, String)],
    src: &source::SourceFile,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for id in src.front.variants.iter().flatten() {
        if !variants.iter().any(|(v, _)| v == id) {
            let known: Vec<&str> = variants.iter().map(|(v, _)| v.as_str()).collect();
            diags.push(
                Diagnostic::error(
                    "variant",
                    &src.site_path,
                    format!("front matter: unknown variant `{id}`"),
                )
                .at(src.front.line_of("variants"), 1)
                .help(if known.is_empty() {
                    "declare the consoles as [[variants]] in site.toml".to_string()
                } else {
                    format!("the variants of site.toml are: {}", known.join(", "))
                }),
            );
        }
    }
    diags
}

pub(super) fn anchor_exists(state: &VersionState, check: &AnchorCheck) -> bool {
    // Footnote references are anchors that pulldown-cmark makes, not headings.
    check.anchor.is_empty()
        || check.anchor == "top"
        || state
            .by_rel_path
            .get(&check.target)
            .is_some_and(|&t| state.pages[t].body.anchors().any(|a| a == check.anchor))
}

/// The redirect page of each valid alias: (output folder path, guide index), with the
/// errors of aliases that are not valid paths or are taken by a page or another alias.
pub(super) fn alias_pages(v: &Version) -> (Vec<(String, usize)>, Vec<Diagnostic>) {
    let mut taken: HashSet<String> = v.guides.iter().map(|g| g.path.clone()).collect();
    taken.extend(v.sections.iter().map(|s| s.path.clone()));
    let mut pages = Vec::new();
    let mut diags = Vec::new();
    for (g, guide) in v.guides.iter().enumerate() {
        let src = &v.sources[guide.source];
        let line = src.front.line_of("aliases");
        for alias in &src.front.aliases {
            let Some(path) = alias_path(&v.spec.url_prefix, alias) else {
                diags.push(
                    Diagnostic::error(
                        "alias",
                        &src.site_path,
                        format!("alias `{alias}` is not a valid path"),
                    )
                    .at(line, 1)
                    .help("write aliases as site paths such as /old/path/"),
                );
                continue;
            };
            if let Some(name) = crate::model::reserved_name(&v.spec.url_prefix, &path) {
                diags.push(
                    Diagnostic::error(
                        "alias",
                        &src.site_path,
                        format!("alias `{alias}` is inside /{name}, which guidepost writes itself"),
                    )
                    .at(line, 1)
                    .help("choose another old path"),
                );
                continue;
            }
            if !taken.insert(path.clone()) {
                diags.push(
                    Diagnostic::error(
                        "alias",
                        &src.site_path,
                        format!("alias `{alias}` is already the URL of a page or of another alias"),
                    )
                    .at(line, 1),
                );
                continue;
            }
            pages.push((path, g));
        }
    }
    (pages, diags)
}

/// `/old/path` → `old/path/` below the version's prefix; None for `..` or empty paths.
fn alias_path(version_prefix: &str, alias: &str) -> Option<String> {
    crate::model::local_alias(alias).map(|a| format!("{version_prefix}{a}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths() {
        assert_eq!(alias_path("", "/old/path/").as_deref(), Some("old/path/"));
        assert_eq!(alias_path("2013/", "old").as_deref(), Some("2013/old/"));
        assert_eq!(alias_path("", "/../etc/"), None);
        assert_eq!(alias_path("", "/"), None);
    }
}
