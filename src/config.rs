//! `site.toml` → `Config`. Unknown keys, wrong types and inconsistent declarations are
//! configuration errors (exit status 2) that name the key and its place in the file.

use crate::diag::{Diagnostic, LineIndex};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    pub base_url: Spanned<String>,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_output_dir")]
    pub output_dir: PathBuf,
    #[serde(default)]
    pub edit_url: Option<String>,
    /// The template of report links (SPEC §3.6): an http(s) or mailto URL with the
    /// fields of `FEEDBACK_FIELDS` in braces.
    #[serde(default)]
    pub feedback_url: Option<Spanned<String>>,
    #[serde(default)]
    pub variants: Vec<Variant>,
    #[serde(default)]
    pub versions: Vec<Version>,
    #[serde(default)]
    pub build: BuildSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub id: Spanned<String>,
    pub label: String,
    #[serde(default)]
    pub default: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    pub id: Spanned<String>,
    pub label: String,
    #[serde(default)]
    pub current: bool,
    #[serde(default)]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildSettings {
    #[serde(default)]
    pub strict: bool,
    #[serde(default = "default_max_screenshot_kb")]
    pub max_screenshot_kb: u64,
}

impl Default for BuildSettings {
    fn default() -> Self {
        BuildSettings {
            strict: false,
            max_screenshot_kb: default_max_screenshot_kb(),
        }
    }
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_output_dir() -> PathBuf {
    PathBuf::from("public")
}
fn default_max_screenshot_kb() -> u64 {
    800
}

/// One version of the docs as the build sees it: where its files are and where it is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSpec {
    pub id: String,
    pub label: String,
    pub current: bool,
    /// Folder relative to the site root.
    pub dir: PathBuf,
    /// URL path below the site prefix: "" for the current version, "<id>/" for others.
    pub url_prefix: String,
}

impl Config {
    /// Parses site.toml text; `file` is only used for diagnostics.
    pub fn parse(text: &str, file: &Path) -> Result<Config, Vec<Diagnostic>> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| LineIndex::new(text).locate(s.start))
                .unwrap_or((1, 1));
            let message = e.message().trim();
            // toml names unknown keys but not the key whose value has the wrong type.
            let message = match key_at_line(text, line) {
                Some(key)
                    if !message
                        .contains(&format!("`{}`", key.rsplit('.').next().unwrap_or(&key))) =>
                {
                    format!("{key}: {message}")
                }
                _ => message.to_string(),
            };
            vec![Diagnostic::error("config", file, message)
                .at(line, col)
                .help("see the site.toml reference in README.md")]
        })?;
        let problems = config.validate(text, file);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            vec![Diagnostic::error(
                "config",
                CONFIG_FILE,
                format!("cannot read {}: {e}", path.display()),
            )
            .help("run guidepost in the folder that holds site.toml, or pass --root DIR")]
        })?;
        Config::parse(&text, Path::new(CONFIG_FILE))
    }

    fn validate(&self, text: &str, file: &Path) -> Vec<Diagnostic> {
        let lines = LineIndex::new(text);
        let at = |span: std::ops::Range<usize>, msg: String| {
            let (l, c) = lines.locate(span.start);
            Diagnostic::error("config", file, msg).at(l, c)
        };
        let mut problems = Vec::new();

        if let Err(msg) = parse_base_url(self.base_url.get_ref()) {
            problems.push(at(self.base_url.span(), format!("base_url: {msg}")));
        }

        if let Some(url) = &self.feedback_url {
            if let Err(msg) = check_feedback_url(url.get_ref()) {
                problems.push(at(url.span(), format!("feedback_url: {msg}")));
            }
        }

        let mut seen = HashSet::new();
        for v in &self.variants {
            if !is_valid_id(v.id.get_ref()) {
                problems.push(at(
                    v.id.span(),
                    invalid_id_message("variants.id", v.id.get_ref()),
                ));
            }
            if !seen.insert(v.id.get_ref().as_str()) {
                problems.push(at(
                    v.id.span(),
                    format!("variants.id: duplicate variant id `{}`", v.id.get_ref()),
                ));
            }
        }
        if let Some(second) = self.variants.iter().filter(|v| v.default).nth(1) {
            problems.push(at(
                second.id.span(),
                "variants.default: only one variant can be the default".into(),
            ));
        }

        let mut seen = HashSet::new();
        for v in &self.versions {
            if !is_valid_id(v.id.get_ref()) {
                problems.push(at(
                    v.id.span(),
                    invalid_id_message("versions.id", v.id.get_ref()),
                ));
            } else if let Some(why) = unusable_version_id(v.id.get_ref()) {
                problems.push(at(
                    v.id.span(),
                    format!(
                        "versions.id: `{}` cannot be a version id: {why}",
                        v.id.get_ref()
                    ),
                ));
            }
            if !seen.insert(v.id.get_ref().as_str()) {
                problems.push(at(
                    v.id.span(),
                    format!("versions.id: duplicate version id `{}`", v.id.get_ref()),
                ));
            }
        }
        let currents: Vec<_> = self.versions.iter().filter(|v| v.current).collect();
        if !self.versions.is_empty() && currents.len() != 1 {
            let span = currents
                .get(1)
                .map(|v| v.id.span())
                .unwrap_or_else(|| self.versions[0].id.span());
            problems.push(at(
                span,
                format!(
                    "versions.current: exactly one version must be current, found {}",
                    currents.len()
                ),
            ));
        }
        problems
    }

    /// The site's URL prefix (path of base_url), always starting and ending with `/`.
    pub fn url_prefix(&self) -> String {
        parse_base_url(self.base_url.get_ref())
            .map(|(_, path)| path)
            .unwrap_or_else(|_| "/".into())
    }

    /// base_url with a trailing slash.
    pub fn base_url(&self) -> String {
        let b = self.base_url.get_ref();
        if b.ends_with('/') {
            b.clone()
        } else {
            format!("{b}/")
        }
    }

    /// The versions to build; an unversioned site is one current version from `content/`.
    pub fn version_specs(&self) -> Vec<VersionSpec> {
        if self.versions.is_empty() {
            return vec![VersionSpec {
                id: "current".into(),
                label: "Current".into(),
                current: true,
                dir: PathBuf::from("content"),
                url_prefix: String::new(),
            }];
        }
        self.versions
            .iter()
            .map(|v| {
                let id = v.id.get_ref().clone();
                let dir = v.dir.clone().unwrap_or_else(|| {
                    if v.current {
                        PathBuf::from("content")
                    } else {
                        Path::new("versions").join(&id)
                    }
                });
                VersionSpec {
                    url_prefix: if v.current {
                        String::new()
                    } else {
                        format!("{id}/")
                    },
                    id,
                    label: v.label.clone(),
                    current: v.current,
                    dir,
                }
            })
            .collect()
    }

    /// The variants as (id, label), in display order.
    pub fn variant_labels(&self) -> Vec<(String, String)> {
        self.variants
            .iter()
            .map(|v| (v.id.get_ref().clone(), v.label.clone()))
            .collect()
    }

    /// Where in site.toml a version is declared, for errors found after parsing.
    pub fn version_span(&self, id: &str) -> Option<std::ops::Range<usize>> {
        self.versions
            .iter()
            .find(|v| v.id.get_ref() == id)
            .map(|v| v.id.span())
    }
}

/// The dotted key (`build.max_screenshot_kb`) assigned on a 1-based line, if any.
fn key_at_line(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let this = lines.get(line.checked_sub(1)?)?;
    let (key, _) = this.split_once('=')?;
    let key = key.trim().trim_matches(['"', '\'']);
    if key.is_empty() || key.starts_with('[') {
        return None;
    }
    let table = lines[..line - 1]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    Some(match table {
        Some(t) => format!("{t}.{key}"),
        None => key.to_string(),
    })
}

/// Ids become URL segments and CSS/HTML attribute values, so they are kept simple.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.'
        })
        && !id.starts_with('.')
}

/// Names that guidepost writes at the root of the output. A version is served at
/// `/<id>/`, so an id equal to one of them would collide with that file or folder.
/// (`__guidepost` is where `serve` answers its live-reload requests.)
pub const ROOT_OUTPUT_NAMES: &[&str] = &[
    "assets",
    "caveats",
    "search",
    "sitemap.xml",
    "robots.txt",
    "versions.json",
    "404.html",
    "index.html",
    crate::output::MARKER,
    "__guidepost",
];

/// Why a valid-looking id cannot name a version, if it cannot: it is a name guidepost
/// writes at the output root, it starts with `-` (a command would take the folder
/// `versions/-x` for an option), or it is a Windows device name (`con`, `nul.txt`),
/// which no folder on Windows can be called.
pub fn unusable_version_id(id: &str) -> Option<String> {
    if ROOT_OUTPUT_NAMES.iter().any(|n| n.eq_ignore_ascii_case(id)) {
        return Some(format!(
            "guidepost writes `{id}` at the root of the output, where the version would be served"
        ));
    }
    if id.starts_with('-') {
        return Some("an id must not start with `-`".into());
    }
    let stem = id.split('.').next().unwrap_or(id).to_ascii_lowercase();
    let device = matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || ["com", "lpt"].iter().any(|p| {
            stem.strip_prefix(p)
                .is_some_and(|n| n.len() == 1 && matches!(n.as_bytes()[0], b'1'..=b'9'))
        });
    device.then(|| {
        format!("`{stem}` is a device name on Windows, where no folder can be called `{id}`")
    })
}

fn invalid_id_message(key: &str, id: &str) -> String {
    format!("{key}: `{id}` is not a valid id (use lowercase letters, digits, `-`, `_` and `.`)")
}

/// Splits an absolute http(s) URL into (origin, path with leading and trailing slash).
fn parse_base_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`{url}` must be an absolute http:// or https:// URL"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty() {
        return Err(format!("`{url}` has no host"));
    }
    if path.contains(['?', '#', ' ']) {
        return Err(format!("`{url}` must not have a query, fragment or spaces"));
    }
    let mut path = path.to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    let scheme_len = url.len() - rest.len();
    Ok((url[..scheme_len + host.len()].to_string(), path))
}

/// The fields a `feedback_url` template may hold, each as `{name}` (SPEC §3.6).
pub const FEEDBACK_FIELDS: [&str; 6] = ["title", "body", "url", "step", "version", "variant"];

/// A `feedback_url` is an http(s) or mailto URL whose braces are only the fields of
/// `FEEDBACK_FIELDS`; Err says what is wrong.
fn check_feedback_url(url: &str) -> Result<(), String> {
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("http" | "https" | "mailto")) {
        return Err(format!(
            "`{url}` must start with https://, http:// or mailto:"
        ));
    }
    if url.chars().any(char::is_whitespace) {
        return Err("a URL cannot hold spaces: write them as %20".into());
    }
    let fields = || {
        FEEDBACK_FIELDS
            .iter()
            .map(|f| format!("{{{f}}}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut rest = url;
    while let Some(open) = rest.find(['{', '}']) {
        let after = &rest[open + 1..];
        let name = match (rest.as_bytes()[open], after.find('}')) {
            (b'{', Some(close)) => &after[..close],
            _ => return Err(format!("an unmatched brace; the fields are {}", fields())),
        };
        if !FEEDBACK_FIELDS.contains(&name) {
            return Err(format!(
                "unknown field `{{{name}}}`; the fields are {}",
                fields()
            ));
        }
        rest = &after[name.len() + 1..];
    }
    Ok(())
}

/// Replaces the base_url (the `--base-url` flag), checking it like the file's.
pub fn override_base_url(config: &mut Config, url: &str) -> Result<(), Diagnostic> {
    parse_base_url(url).map_err(|m| Diagnostic::error("config", "--base-url", m))?;
    config.base_url = Spanned::new(0..0, url.to_string());
    Ok(())
}

/// Checks of the configuration that need the site's folders (exit status 2).
pub fn check_against_disk(root: &Path, config: &Config) -> Vec<Diagnostic> {
    let text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
    let lines = LineIndex::new(&text);
    let at = |id: &str| {
        config
            .version_span(id)
            .map(|s| lines.locate(s.start))
            .unwrap_or((1, 1))
    };
    let mut diags = Vec::new();
    let theme_line = text
        .lines()
        .position(|l| l.trim_start().starts_with("theme"))
        .map_or(1, |i| i + 1);
    diags.extend(missing_theme(root, &config.theme, theme_line));
    let specs = config.version_specs();
    let current_dir = specs.iter().find(|v| v.current).map(|v| root.join(&v.dir));
    for v in &specs {
        let (line, col) = at(&v.id);
        if !root.join(&v.dir).is_dir() {
            diags.push(
                Diagnostic::error(
                    "config",
                    CONFIG_FILE,
                    format!(
                        "version `{}`: its folder {} does not exist",
                        v.id,
                        v.dir.display()
                    ),
                )
                .at(line, col)
                .help("create the folder, or set `dir` on the version"),
            );
        }
        if !v.current && current_dir.as_ref().is_some_and(|d| d.join(&v.id).is_dir()) {
            diags.push(
                Diagnostic::error(
                    "config",
                    CONFIG_FILE,
                    format!(
                        "version id `{}` is also the name of a top-level section: both would be served at /{}/",
                        v.id, v.id
                    ),
                )
                .at(line, col)
                .help("rename the version or the section"),
            );
        }
    }
    diags
}

/// "theme not found" when `theme` is not the default and has no folder under themes/.
pub fn missing_theme(root: &Path, theme: &str, line: usize) -> Option<Diagnostic> {
    (theme != "default" && !root.join("themes").join(theme).is_dir()).then(|| {
        Diagnostic::error(
            "config",
            CONFIG_FILE,
            format!("theme `{theme}` not found: there is no folder themes/{theme}/"),
        )
        .at(line, 1)
        .help("use theme = \"default\", or add the theme's folder")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(text, Path::new("site.toml"))
    }

    #[test]
    fn minimal_config() {
        let c = parse("title = \"T\"\nbase_url = \"https://h.example/docs\"\n").unwrap();
        assert_eq!(c.url_prefix(), "/docs/");
        assert_eq!(c.base_url(), "https://h.example/docs/");
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert_eq!(c.version_specs().len(), 1);
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = parse("title = \"T\"\nbase_url = \"https://h/\"\ncolour = 1\n").unwrap_err();
        assert!(e[0].message.contains("colour"), "{}", e[0].message);
        assert_eq!(e[0].line, 3);
    }

    #[test]
    fn duplicate_variants_and_two_defaults() {
        let e = parse(
            "title='T'\nbase_url='https://h/'\n[[variants]]\nid='a'\nlabel='A'\ndefault=true\n[[variants]]\nid='a'\nlabel='B'\ndefault=true\n",
        )
        .unwrap_err();
        assert_eq!(e.len(), 2);
        assert!(e.iter().all(|d| d.line == 8));
    }

    #[test]
    fn versions_need_one_current() {
        let e = parse(
            "title='T'\nbase_url='https://h/'\n[[versions]]\nid='a'\nlabel='A'\n[[versions]]\nid='b'\nlabel='B'\n",
        )
        .unwrap_err();
        assert!(e[0].message.contains("exactly one"));
    }

    #[test]
    fn wrong_type_names_the_key() {
        let e = parse("title='T'\nbase_url='https://h/'\n[build]\nmax_screenshot_kb = 'big'\n")
            .unwrap_err();
        assert!(
            e[0].message.starts_with("build.max_screenshot_kb: "),
            "{}",
            e[0].message
        );
        assert_eq!(e[0].line, 4);
    }

    #[test]
    fn version_ids_that_cannot_be_served() {
        for bad in [
            "search",
            "caveats",
            "assets",
            "sitemap.xml",
            "robots.txt",
            "versions.json",
            "404.html",
            "-old",
            "con",
            "nul",
            "nul.txt",
            "com1",
            "lpt9.v2",
            "aux",
            "prn",
        ] {
            let toml = format!(
                "title='T'\nbase_url='https://h/'\n[[versions]]\nid='current'\nlabel='C'\ncurrent=true\n[[versions]]\nid='{bad}'\nlabel='Old'\n"
            );
            let e = parse(&toml).unwrap_err();
            assert_eq!(e.len(), 1, "{bad}: {e:?}");
            assert!(
                e[0].message.starts_with("versions.id: "),
                "{}",
                e[0].message
            );
            assert!(e[0].message.contains(bad), "{}", e[0].message);
            assert_eq!((e[0].line, e[0].column), (8, 4), "{bad}");
        }
        for good in [
            "com",
            "com10",
            "console",
            "2013",
            "v2",
            "search-old",
            "con-2",
        ] {
            assert_eq!(unusable_version_id(good), None, "{good}");
        }
    }

    #[test]
    fn feedback_url_templates() {
        let with = |url: &str| {
            parse(&format!(
                "title='T'\nbase_url='https://h/'\nfeedback_url = '{url}'\n"
            ))
        };
        let ok = with("https://github.com/acme/help/issues/new?title={title}&body={body}").unwrap();
        assert!(ok.feedback_url.is_some());
        with("mailto:help@example.com?subject={title}&body={body}").unwrap();
        for (url, says) in [
            ("https://x/new?title={titel}", "unknown field `{titel}`"),
            ("https://x/new?title={title", "unmatched brace"),
            ("https://x/new?title=}", "unmatched brace"),
            ("ftp://x/{title}", "must start with"),
            ("github.com/x?{title}", "must start with"),
            ("https://x/new?title={title} now", "spaces"),
        ] {
            let e = with(url).unwrap_err();
            assert!(
                e[0].message.starts_with("feedback_url: "),
                "{}",
                e[0].message
            );
            assert!(e[0].message.contains(says), "{url}: {}", e[0].message);
            assert_eq!((e[0].line, e[0].column), (3, 16), "{url}");
        }
    }

    #[test]
    fn relative_base_url_is_an_error() {
        let e = parse("title='T'\nbase_url='/docs/'\n").unwrap_err();
        assert!(e[0].message.contains("base_url"));
        assert_eq!(e[0].line, 2);
    }
}
