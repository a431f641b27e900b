//! Build-time syntax highlighting with syntect, as HTML with CSS classes (`hl-…`) so that
//! light and dark stylesheets can colour the same markup.
//!
//! The syntax set is syntect's embedded, pre-built dump, loaded once per process and
//! only when a page first has code to highlight (a site without code never pays for it).

use crate::html::escape;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use syntect::html::{line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

mod line_cache;
use line_cache::LineState;

pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Language names authors write that syntect knows under another token.
fn token_for(lang: &str) -> &str {
    match lang {
        "sh" | "shell" | "zsh" | "console" => "bash",
        "yml" => "yaml",
        "js" | "javascript" | "ts" | "typescript" => "js",
        "ps" | "ps1" | "pwsh" | "powershell" => "powershell",
        other => other,
    }
}

/// Highlighted blocks by syntax and code, kept by the build's cache: the same block
/// in another page or version (identical files in frozen versions) is highlighted
/// once more at most. A block's HTML is kept from its second sighting on: its key is
/// noted the first time. Most blocks of a site occur once, and their HTML (about
/// seventeen times the code) held for nothing was tens of megabytes of a cold build's
/// peak. Bounded: in a long `serve` it is emptied when it holds too much.
#[derive(Default)]
pub struct HighlightCache {
    blocks: Mutex<Blocks>,
    /// Bytes of HTML held in `blocks`.
    bytes: AtomicUsize,
}

#[derive(Default)]
struct Blocks {
    html: HashMap<[u8; 32], String>,
    seen_once: HashSet<[u8; 32]>,
}

/// The most HTML the highlight cache holds before it is emptied.
const HIGHLIGHT_CACHE_BYTES: usize = 64 << 20;
/// The most keys of blocks seen once that it notes (32 bytes each) before forgetting them.
const SEEN_ONCE_LIMIT: usize = 1 << 20;

impl HighlightCache {
    fn get(&self, key: &[u8; 32]) -> Option<String> {
        self.lock().html.get(key).cloned()
    }

    fn insert(&self, key: [u8; 32], html: &str) {
        let mut blocks = self.lock();
        if blocks.seen_once.len() >= SEEN_ONCE_LIMIT {
            blocks.seen_once.clear();
        }
        if blocks.seen_once.insert(key) {
            return;
        }
        if self.bytes.load(Ordering::Relaxed) + html.len() > HIGHLIGHT_CACHE_BYTES {
            blocks.html.clear();
            blocks.seen_once.clear();
            self.bytes.store(0, Ordering::Relaxed);
        }
        if blocks.html.insert(key, html.to_string()).is_none() {
            self.bytes.fetch_add(html.len(), Ordering::Relaxed);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Blocks> {
        self.blocks.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Forgets the code lines highlighted so far (`line_cache`): called when a build's
/// markdown is rendered, so that their HTML (some 20 MB for 10,000 guides) is not
/// held while the pages are written, the build's peak. A later rendering (a save in
/// `serve`) highlights its lines again, and fills the cache again.
pub fn forget_lines() {
    line_cache::clear();
}

/// The inner HTML of a `<code>` element for `code` in `lang`. Unknown languages (and
/// none) come out escaped but uncoloured.
pub fn highlight(code: &str, lang: &str, cache: &HighlightCache) -> String {
    let lang = lang.trim();
    if lang.is_empty() {
        return escape(code);
    }
    let set = syntaxes();
    let Some(syntax) = set.find_syntax_by_token(token_for(lang)) else {
        return escape(code);
    };
    let key = block_key(&syntax.name, code);
    if let Some(html) = cache.get(&key) {
        return html;
    }
    let html = highlight_with(code, syntax, set).unwrap_or_else(|| escape(code));
    cache.insert(key, &html);
    html
}

fn block_key(syntax: &str, code: &str) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(syntax.as_bytes());
    hasher.update(&[0]);
    hasher.update(code.as_bytes());
    *hasher.finalize().as_bytes()
}

fn highlight_with(code: &str, syntax: &SyntaxReference, set: &SyntaxSet) -> Option<String> {
    // Syntaxes are told apart by their address in the one process-wide set.
    let syntax_key = syntax as *const SyntaxReference as usize;
    let mut state = line_cache::share(LineState {
        parse: ParseState::new(syntax),
        scopes: ScopeStack::new(),
    });
    // Highlighted HTML runs to about seventeen times the code (a span with its classes
    // per token); growing it from less copied it over and over.
    let mut html = String::with_capacity(code.len() * 20);
    let mut open_spans: isize = 0;
    for line in LinesWithEndings::from(code) {
        let key = line_cache::key(syntax_key, line);
        let delta = match line_cache::lookup(key, syntax_key, line, &state, &mut html) {
            Some((after, delta)) => {
                state = after;
                delta
            }
            None => {
                let mut after = LineState::clone(&state);
                let ops = after.parse.parse_line(line, set).ok()?;
                let (spans, delta) =
                    line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut after.scopes)
                        .ok()?;
                html.push_str(&spans);
                let after = line_cache::share(after);
                let before = std::mem::replace(&mut state, std::sync::Arc::clone(&after));
                line_cache::remember(key, syntax_key, line, before, (&spans, delta), after);
                delta
            }
        };
        open_spans += delta;
    }
    for _ in 0..open_spans.max(0) {
        html.push_str("</span>");
    }
    Some(html)
}

/// The stylesheet for the classes above: a light theme, and a dark one under
/// `prefers-color-scheme: dark`. Generated into the theme (see the test below).
pub fn stylesheet() -> String {
    use syntect::highlighting::ThemeSet;
    use syntect::html::css_for_theme_with_class_style;
    let themes = ThemeSet::load_defaults();
    let light = css_for_theme_with_class_style(&themes.themes["InspiredGitHub"], CLASS_STYLE)
        .unwrap_or_default();
    let dark = css_for_theme_with_class_style(&themes.themes["base16-ocean.dark"], CLASS_STYLE)
        .unwrap_or_default();
    // The code background of the default theme (style.css: --bg-soft).
    let light = with_contrast(&light, (0xf5, 0xf7, 0xfa));
    let dark = with_contrast(&dark, (0x1c, 0x22, 0x2b));
    format!(
        "/* Generated by guidepost from syntect's InspiredGitHub and base16-ocean.dark themes,\n   with colours adjusted to WCAG AA contrast on the theme's code background. */\n{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
}

type Rgb = (u8, u8, u8);

/// Rewrites every `color: #rrggbb` so that it has at least 4.6:1 contrast with `bg`,
/// moving it towards black on light backgrounds and towards white on dark ones.
/// Background declarations are dropped: the code block's background is the theme's.
fn with_contrast(css: &str, bg: Rgb) -> String {
    let target = if luminance(bg) > 0.5 {
        (0, 0, 0)
    } else {
        (255, 255, 255)
    };
    css.lines()
        .filter(|l| !l.trim_start().starts_with("background-color"))
        .map(|line| {
            let Some(hex) = line
                .trim()
                .strip_prefix("color: #")
                .and_then(|r| r.strip_suffix(';'))
            else {
                return line.to_string();
            };
            let Some(mut c) = parse_hex(hex) else {
                return line.to_string();
            };
            let mut step = 0.0;
            while contrast(c, bg) < 4.6 && step < 1.0 {
                step += 0.05;
                c = mix(c, target, 0.05 / (1.0 - step + 0.05));
            }
            let indent = &line[..line.len() - line.trim_start().len()];
            format!("{indent}color: #{:02x}{:02x}{:02x};", c.0, c.1, c.2)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_hex(hex: &str) -> Option<Rgb> {
    let hex = hex.get(..6)?;
    let n = u32::from_str_radix(hex, 16).ok()?;
    Some(((n >> 16) as u8, (n >> 8) as u8, n as u8))
}

fn mix(c: Rgb, t: Rgb, amount: f64) -> Rgb {
    let m = |a: u8, b: u8| {
        (f64::from(a) + (f64::from(b) - f64::from(a)) * amount.min(1.0)).round() as u8
    };
    (m(c.0, t.0), m(c.1, t.1), m(c.2, t.2))
}

/// WCAG relative luminance.
fn luminance(c: Rgb) -> f64 {
    let ch = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c.0) + 0.7152 * ch(c.1) + 0.0722 * ch(c.2)
}

fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_kept_from_their_second_sighting() {
        let cache = HighlightCache::default();
        let code = "key: value\n";
        let first = highlight(code, "yaml", &cache);
        assert!(cache.lock().html.is_empty());
        assert_eq!(highlight(code, "yaml", &cache), first);
        assert_eq!(cache.lock().html.len(), 1);
        assert_eq!(highlight(code, "yaml", &cache), first);
    }

    #[test]
    fn highlights_with_classes() {
        let html = highlight("echo \"hi\" <b>\n", "bash", &HighlightCache::default());
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("&lt;") && !html.contains("<b>"), "{html}");
    }

    #[test]
    fn colours_get_enough_contrast() {
        let bg = (0xf5, 0xf7, 0xfa);
        let css = with_contrast(
            ".a {\n  color: #0086b3;\n  background-color: #ffffff;\n}",
            bg,
        );
        let hex = css.split("color: #").nth(1).unwrap();
        assert!(contrast(parse_hex(hex).unwrap(), bg) >= 4.5, "{css}");
        assert!(!css.contains("background-color"));
    }

    /// What syntect's own generator gives for `code` in the language `token`.
    fn fresh(code: &str, token: &str) -> String {
        use syntect::html::ClassedHTMLGenerator;
        let set = syntaxes();
        let syntax = set.find_syntax_by_token(token).unwrap();
        let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            gen.parse_html_for_line_which_includes_newline(line)
                .unwrap();
        }
        gen.finalize()
    }

    /// The line cache must give exactly what syntect's own generator gives.
    #[test]
    fn cached_lines_match_a_fresh_highlight() {
        let code = "x: 1\nlist:\n  - a: |\n      x: 1\n  - x: 1\nx: 1\n";
        let expected = fresh(code, "yaml");
        assert_eq!(
            highlight(code, "yaml", &HighlightCache::default()),
            expected
        );
        assert_eq!(
            highlight(code, "yaml", &HighlightCache::default()),
            expected,
            "second time, from the cache"
        );
    }

    /// Threads share the line cache: lines another thread parsed come out as a fresh
    /// highlight gives them, whichever thread parsed them first.
    #[test]
    fn threads_share_parsed_lines_exactly() {
        let code =
            "#!/bin/sh\nset -e\ncat <<EOF\nname: $USER\nEOF\necho done # shared-cache-test\n";
        let expected = fresh(code, "bash");
        let runs: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| highlight(code, "sh", &HighlightCache::default())))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(runs.iter().all(|html| *html == expected));
    }

    #[test]
    fn unknown_language_is_escaped() {
        assert_eq!(
            highlight("<x>", "no-such-lang", &HighlightCache::default()),
            "&lt;x&gt;"
        );
    }

    /// The theme ships the generated stylesheet; this keeps it in step with syntect.
    /// Regenerate with `GUIDEPOST_WRITE_CSS=1 cargo test highlight_css`.
    #[test]
    fn highlight_css_is_current() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/highlight.css"
        );
        let css = stylesheet();
        if std::env::var_os("GUIDEPOST_WRITE_CSS").is_some() {
            std::fs::write(path, &css).unwrap();
        }
        let shipped = std::fs::read_to_string(path).unwrap();
        assert_eq!(
            shipped, css,
            "run GUIDEPOST_WRITE_CSS=1 cargo test highlight_css"
        );
    }
}
