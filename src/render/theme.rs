//! The theme: templates and static files, looked up site → `themes/<name>/` → the
//! default theme compiled into the binary, so that `guidepost build` works anywhere.

use crate::diag::Diagnostic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tera::Tera;

/// The default theme's files, embedded at compile time.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "guide.html",
        include_str!("../../themes/default/templates/guide.html"),
    ),
    (
        "section.html",
        include_str!("../../themes/default/templates/section.html"),
    ),
    (
        "home.html",
        include_str!("../../themes/default/templates/home.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "redirect.html",
        include_str!("../../themes/default/templates/redirect.html"),
    ),
    (
        "caveats.html",
        include_str!("../../themes/default/templates/caveats.html"),
    ),
    (
        "macros.html",
        include_str!("../../themes/default/templates/macros.html"),
    ),
];

const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "highlight.css",
        include_bytes!("../../themes/default/static/highlight.css"),
    ),
    (
        "guidepost.js",
        include_bytes!("../../themes/default/static/guidepost.js"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
];

pub struct Theme {
    pub tera: Tera,
    /// A hash of every template's name and text: a page rendered from the same
    /// context with templates of the same hash is the same (`persist::pages`).
    pub templates_hash: blake3::Hash,
    /// Theme files under content-hashed names: (output path, bytes).
    pub assets: Vec<(String, Vec<u8>)>,
    /// Theme file name → its hashed URL, for templates.
    pub asset_urls: BTreeMap<String, String>,
    /// The site's own `static/` files, copied as they are: (output path, source).
    pub site_static: Vec<(String, PathBuf)>,
    /// Problems that did not stop the theme from loading.
    pub warnings: Vec<Diagnostic>,
    /// Whether `macros.html` is the default theme's, so that its sidebar list can be
    /// written by guidepost (`nav::write_nav_list`) instead of by its tera macro.
    pub default_nav: bool,
    /// Whether every template is the default theme's: those read the sidebar only as
    /// the written list, so pages need no `nav` items then.
    pub default_templates: bool,
}

impl Theme {
    pub fn load(root: &Path, theme: &str, url_prefix: &str) -> Result<Theme, Vec<Diagnostic>> {
        let theme_dir = root.join("themes").join(theme);
        if let Some(missing) = crate::config::missing_theme(root, theme, 1) {
            return Err(vec![missing]);
        }
        let mut diags = Vec::new();

        let mut templates: BTreeMap<String, (String, String)> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), (t.to_string(), format!("(built-in) {n}"))))
            .collect();
        for dir in [theme_dir.join("templates"), root.join("templates")] {
            for (name, path) in files_in(root, &dir, &mut diags) {
                if !name.ends_with(".html") {
                    continue;
                }
                match std::fs::read_to_string(&path) {
                    Ok(text) => {
                        let shown = crate::source::rel_to(root, &path).display().to_string();
                        templates.insert(name, (text, shown));
                    }
                    Err(e) => diags.push(Diagnostic::error(
                        "template",
                        crate::source::rel_to(root, &path),
                        format!("cannot read: {e}"),
                    )),
                }
            }
        }
        let default_nav = templates
            .get("macros.html")
            .is_some_and(|(text, _)| Some(text.as_str()) == default_template("macros.html"));
        let default_templates = templates.len() == DEFAULT_TEMPLATES.len()
            && templates
                .iter()
                .all(|(name, (text, _))| Some(text.as_str()) == default_template(name));
        let mut templates_hash = blake3::Hasher::new();
        for (name, (text, _)) in &templates {
            for part in [name, text] {
                templates_hash.update(&(part.len() as u64).to_le_bytes());
                templates_hash.update(part.as_bytes());
            }
        }
        let mut tera = Tera::default();
        // Tera's own escaping also rewrites `/`, which bloats every URL for no gain.
        tera.set_escape_fn(escape_html);
        let raw: Vec<(&str, &str)> = templates
            .iter()
            .map(|(n, (t, _))| (n.as_str(), t.as_str()))
            .collect();
        if let Err(e) = tera.add_raw_templates(raw) {
            let mut d = super::template_error("", &e);
            // Tera names the failing template in its message; point at its file if we can.
            if let Some((_, (_, shown))) = templates
                .iter()
                .find(|(n, _)| d.message.contains(n.as_str()))
            {
                d.file = PathBuf::from(shown);
            }
            diags.push(d);
        }

        let mut statics: BTreeMap<String, Vec<u8>> = DEFAULT_STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
        for (name, path) in files_in(root, &theme_dir.join("static"), &mut diags) {
            if let Ok(bytes) = std::fs::read(&path) {
                statics.insert(name, bytes);
            }
        }
        let mut site_static = Vec::new();
        for (name, path) in files_in(root, &root.join("static"), &mut diags) {
            // A site file named like a theme file replaces it (and is hashed like it).
            match statics.get_mut(&name) {
                Some(slot) => match std::fs::read(&path) {
                    Ok(bytes) => *slot = bytes,
                    Err(e) => diags.push(Diagnostic::error(
                        "io",
                        crate::source::rel_to(root, &path),
                        format!("cannot read: {e}"),
                    )),
                },
                None if crate::screenshots::static_file_published_as_is(&path) => {
                    site_static.push((name, path))
                }
                None => {}
            }
        }

        let mut assets = Vec::new();
        let mut asset_urls = BTreeMap::new();
        for (name, bytes) in statics {
            let out = hashed_name(&name, &bytes);
            asset_urls.insert(name, format!("{url_prefix}{out}"));
            assets.push((out, bytes));
        }
        if !diags
            .iter()
            .any(|d| d.severity == crate::diag::Severity::Error)
        {
            Ok(Theme {
                tera,
                templates_hash: templates_hash.finalize(),
                assets,
                asset_urls,
                site_static,
                warnings: diags,
                default_nav,
                default_templates,
            })
        } else {
            Err(diags)
        }
    }
}

/// The default theme's template `name`.
fn default_template(name: &str) -> Option<&'static str> {
    DEFAULT_TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

fn escape_html(s: &str) -> String {
    crate::html::escape(s)
}

/// `style.css` → `assets/style.3f2a9c01b2.css`: a new name whenever the content changes,
/// so the files can be cached forever.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes).to_hex();
    let short = &hash[..10];
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("assets/{stem}.{short}.{ext}"),
        None => format!("assets/{name}.{short}"),
    }
}

/// Files below `dir` as (relative `/` path, full path), sorted; a missing dir is empty.
/// A symlink counts when it leads to a file inside the site folder `root`; one that
/// leads out of it is reported and left out, so that no build or `serve` ever
/// publishes a file from elsewhere on the machine.
fn files_in(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() || e.path_is_symlink() => {
                let name = e.file_name().to_string_lossy();
                if crate::source::is_ignored_name(&name) {
                    continue;
                }
                if e.path_is_symlink() && !leads_to_a_file_inside(root, e.path()) {
                    diags.push(
                        Diagnostic::warning(
                            "static-symlink",
                            crate::source::rel_to(root, e.path()),
                            "this symlink leads out of the site folder (or to no file); it is not copied",
                        )
                        .help("copy the file into static/ instead"),
                    );
                    continue;
                }
                let rel = crate::source::slash_path(e.path().strip_prefix(dir).unwrap_or(e.path()));
                out.push((rel, e.path().to_path_buf()));
            }
            Ok(_) => {}
            Err(e) => diags.push(Diagnostic::error("io", dir, format!("cannot read: {e}"))),
        }
    }
    out
}

fn leads_to_a_file_inside(root: &Path, link: &Path) -> bool {
    link.canonicalize()
        .is_ok_and(|real| real.is_file() && real.starts_with(root))
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashed_names_change_with_content() {
        let a = super::hashed_name("style.css", b"a");
        let b = super::hashed_name("style.css", b"b");
        assert!(a.starts_with("assets/style.") && a.ends_with(".css"));
        assert_ne!(a, b);
    }
}
