//! What each markdown file of a version folder is, from the names of the files alone
//! (SPEC §2): a section page, a guide, a partial, or a second section page that is an
//! error. Pure: paths in, roles out, so every shape of tree is a table test.
//!
//! - `_index.md` is the section page of its folder (the home page at the top).
//! - `index.md` at the top is the home page. `index.md` in a folder is the folder's
//!   section page when other pages lie beside it or below it (MkDocs, Docusaurus), and
//!   a guide folder (the guide, with its screenshots beside it) when none do.
//! - A file whose name starts with `_` (other than `_index.md`) is a partial: never a
//!   page. Partials do not make a folder a section, nor a guide folder a section.
//! - Every other `.md` file is a guide.
//!
//! Drafts count as pages here: whether a folder is a section must not depend on
//! whether drafts are built (`serve` builds them, `build` does not).

use std::collections::HashSet;

/// What one markdown file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The section page of its folder (`_index.md`, or an `index.md` with other pages
    /// beside or below it, or the `index.md` at the top).
    SectionIndex,
    /// A guide: a file of its own, or the `index.md` of a guide folder.
    Guide,
    /// A file named `_*.md`: text for other pages to include, never a page itself.
    Partial,
    /// An `index.md` in a folder that has an `_index.md` too: both would be the
    /// section page, which is an error; `_index.md` is kept.
    SecondIndex,
}

/// The roles of `files` (version-relative, `/`-separated paths of `.md` files), in the
/// same order, and the folders that are sections ("" for the top), as a set.
pub fn roles(files: &[String]) -> (Vec<Role>, HashSet<String>) {
    let all: HashSet<&str> = files.iter().map(String::as_str).collect();
    let pages: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .filter(|f| !is_partial(file_name(f)))
        .collect();
    // Folders with a page in them or below them other than their own `index.md`.
    let mut with_other_pages: HashSet<&str> = HashSet::new();
    for page in &pages {
        let mut dir = parent(page);
        while let Some(d) = dir {
            if *page != index_of(d) {
                with_other_pages.insert(d);
            }
            dir = parent(d);
        }
    }
    let role_of = |file: &str| -> Role {
        let name = file_name(file);
        let dir = parent(file).unwrap_or("");
        match name {
            "_index.md" => Role::SectionIndex,
            "index.md" if dir.is_empty() || with_other_pages.contains(dir) => {
                if all.contains(joined(dir, "_index.md").as_str()) {
                    Role::SecondIndex
                } else {
                    Role::SectionIndex
                }
            }
            "index.md" => Role::Guide,
            _ if is_partial(name) => Role::Partial,
            _ => Role::Guide,
        }
    };
    let roles: Vec<Role> = files.iter().map(|f| role_of(f)).collect();
    // A page's section: its folder; for a guide folder's `index.md`, the folder above.
    let mut sections: HashSet<String> = HashSet::from([String::new()]);
    for (file, role) in files.iter().zip(&roles) {
        let dir = parent(file).unwrap_or("");
        let section = match role {
            Role::Partial => continue,
            Role::Guide if file_name(file) == "index.md" => parent(dir).unwrap_or(""),
            _ => dir,
        };
        let mut d = Some(section);
        while let Some(s) = d {
            if !sections.insert(s.to_string()) {
                break; // its ancestors are in already
            }
            d = parent(s);
        }
    }
    (roles, sections)
}

/// A markdown file named `_*.md` other than `_index.md`.
pub fn is_partial(name: &str) -> bool {
    name.starts_with('_') && name != "_index.md"
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The folder of a path ("" at the top); None for the top itself.
fn parent(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    Some(path.rfind('/').map_or("", |i| &path[..i]))
}

fn joined(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn index_of(dir: &str) -> String {
    joined(dir, "index.md")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(files: &[&str]) -> (Vec<(String, Role)>, Vec<String>) {
        let files: Vec<String> = files.iter().map(|f| f.to_string()).collect();
        let (roles, sections) = roles(&files);
        let mut sections: Vec<String> = sections.into_iter().collect();
        sections.sort();
        (files.into_iter().zip(roles).collect(), sections)
    }

    fn role(files: &[&str], file: &str) -> Role {
        layout(files)
            .0
            .into_iter()
            .find(|(f, _)| f == file)
            .map(|(_, r)| r)
            .unwrap()
    }

    #[test]
    fn hugo_sections_and_guides() {
        let (roles, sections) = layout(&["_index.md", "a/_index.md", "a/one.md", "top.md"]);
        assert_eq!(
            roles.iter().map(|(_, r)| *r).collect::<Vec<_>>(),
            vec![
                Role::SectionIndex,
                Role::SectionIndex,
                Role::Guide,
                Role::Guide
            ]
        );
        assert_eq!(sections, vec!["", "a"]);
    }

    #[test]
    fn index_md_alone_is_a_guide_folder() {
        let files = ["a/_index.md", "a/bundle/index.md", "a/bundle/_note.md"];
        assert_eq!(role(&files, "a/bundle/index.md"), Role::Guide);
        assert_eq!(role(&files, "a/bundle/_note.md"), Role::Partial);
        assert_eq!(layout(&files).1, vec!["", "a"]);
    }

    #[test]
    fn index_md_with_pages_beside_or_below_is_a_section_page() {
        let beside = ["setup/index.md", "setup/one.md"];
        assert_eq!(role(&beside, "setup/index.md"), Role::SectionIndex);
        assert_eq!(layout(&beside).1, vec!["", "setup"]);
        let below = ["blog/index.md", "blog/posts/2024/p.md"];
        assert_eq!(role(&below, "blog/index.md"), Role::SectionIndex);
        assert_eq!(
            layout(&below).1,
            vec!["", "blog", "blog/posts", "blog/posts/2024"]
        );
        // A guide folder below makes the folder above a section too.
        let nested = ["a/index.md", "a/b/index.md"];
        assert_eq!(role(&nested, "a/index.md"), Role::SectionIndex);
        assert_eq!(role(&nested, "a/b/index.md"), Role::Guide);
        assert_eq!(layout(&nested).1, vec!["", "a"]);
    }

    #[test]
    fn the_top_index_md_is_the_home_page() {
        assert_eq!(role(&["index.md"], "index.md"), Role::SectionIndex);
        assert_eq!(
            role(&["index.md", "_index.md"], "index.md"),
            Role::SecondIndex
        );
    }

    #[test]
    fn both_index_files_in_one_folder() {
        let files = ["a/_index.md", "a/index.md", "a/x.md"];
        assert_eq!(role(&files, "a/_index.md"), Role::SectionIndex);
        assert_eq!(role(&files, "a/index.md"), Role::SecondIndex);
        // Even with nothing else: `_index.md` is a page beside `index.md`.
        assert_eq!(
            role(&["b/_index.md", "b/index.md"], "b/index.md"),
            Role::SecondIndex
        );
    }

    #[test]
    fn partials_are_never_pages_and_make_no_sections() {
        let files = ["includes/_a.md", "_top.md", "g/index.md", "g/_x.md"];
        let (roles, sections) = layout(&files);
        assert_eq!(roles[0].1, Role::Partial);
        assert_eq!(roles[1].1, Role::Partial);
        assert_eq!(roles[2].1, Role::Guide, "a partial beside index.md");
        assert_eq!(sections, vec![""]);
    }
}
