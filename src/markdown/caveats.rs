//! Caveats (SPEC §3.4): warnings that readers found the hard way, from front matter
//! (placed after the heading their `step` names, else at the top) or from inline
//! `::: caveat SEVERITY from="…"` blocks (placed where written). Both kinds render
//! through `caveat_html` and are returned with the page, for its "Known caveats"
//! summary, the site's caveats page and search.

use super::directives::{Directive, Doc};
use super::PageState;
use crate::diag::Diagnostic;
use crate::html::escape;
use crate::source::frontmatter::{is_iso_date, CaveatSource, CaveatSpec};

pub const SEVERITIES: &[&str] = &["note", "warning", "danger"];

/// The values of a caveat's `status`: `candidate` until someone reviews it.
pub const STATUSES: &[&str] = &["candidate", "accepted"];

/// A caveat as rendered on its page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Caveat {
    pub id: String,
    pub severity: String,
    /// The caveat's content as HTML.
    pub html: String,
    /// The same as plain text, for summaries and search.
    pub text: String,
    /// The heading it belongs to: (id, text); None for the top of the page.
    pub step: Option<(String, String)>,
    pub variants: Option<Vec<String>>,
    /// Who or what it came from, as shown in the `cite`.
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub verified: Option<String>,
    /// Nobody has reviewed it yet (`status: candidate`); only `serve` shows it.
    pub candidate: bool,
    /// The file line where it is written (its front matter item, or its `::: caveat`).
    pub line: usize,
    /// The included file it is written in, when it is not the page's (an inline
    /// caveat of an included file).
    pub written_in: Option<super::WrittenIn>,
    /// Its front matter `source`, as written.
    pub origin: Option<CaveatSource>,
}

/// Front matter caveats waiting for their place in the page.
pub(super) struct PendingCaveat {
    pub spec: CaveatSpec,
    pub line: usize,
    /// A candidate that this build leaves out: its `step` is still checked.
    pub hidden: bool,
}

impl PendingCaveat {
    fn is_candidate(&self) -> bool {
        self.spec.status.as_deref() == Some("candidate")
    }
}

fn severity_label(severity: &str) -> &'static str {
    match severity {
        "note" => "Note",
        "danger" => "Danger",
        _ => "Warning",
    }
}

fn source_kind_label(kind: &str) -> Option<&'static str> {
    match kind {
        "comment" => Some("Reader comment"),
        "support-case" => Some("Support case"),
        "field-report" => Some("Field report"),
        _ => None,
    }
}

/// Plain text of rendered HTML: tags dropped (block-level ones separate words),
/// entities of the escaper undone, spaces folded.
pub fn html_to_text(html: &str) -> String {
    const BLOCKS: &[&str] = &[
        "p",
        "br",
        "li",
        "ul",
        "ol",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "pre",
        "blockquote",
        "aside",
        "figure",
        "figcaption",
        "table",
    ];
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            text.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if BLOCKS.contains(&name.as_str()) {
            text.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    crate::whitespace::collapse(&text)
}

impl PageState<'_> {
    /// Checks the front matter caveats; keeps the valid ones for placement.
    pub(super) fn take_front_matter_caveats(&mut self) {
        let Some(specs) = self.page.caveats else {
            return;
        };
        for (i, spec) in specs.iter().enumerate() {
            let line = self.page.caveat_lines.get(i).copied().unwrap_or(1);
            if self.check_caveat_spec(spec, line) {
                let mut pending = PendingCaveat {
                    spec: spec.clone(),
                    line,
                    hidden: false,
                };
                pending.hidden = pending.is_candidate() && !self.env.show_candidates;
                self.out.hidden_candidates += usize::from(pending.hidden);
                self.pending.push(pending);
            }
        }
    }

    fn check_caveat_spec(&mut self, spec: &CaveatSpec, line: usize) -> bool {
        let mut ok = true;
        let mut error = |state: &mut Self, message: String, help: &str| {
            state.out.diags.push(
                Diagnostic::error("caveat", state.page.site_path, message)
                    .at(line, 1)
                    .help(help),
            );
            ok = false;
        };
        if spec.text.trim().is_empty() {
            error(
                self,
                "caveat: `text` is empty".into(),
                "say what the reader should know",
            );
        }
        if let Some(status) = spec.status.as_deref().filter(|s| !STATUSES.contains(s)) {
            error(
                self,
                format!("caveat: unknown status `{status}`"),
                "use candidate (not reviewed yet) or accepted, or leave `status` out",
            );
        }
        if let Some(sev) = &spec.severity {
            if !SEVERITIES.contains(&sev.as_str()) {
                error(
                    self,
                    format!("caveat: unknown severity `{sev}`"),
                    "use note, warning or danger",
                );
            }
        }
        for id in spec.variants.iter().flatten() {
            if !self.env.variants.iter().any(|(v, _)| v == id) {
                error(
                    self,
                    format!("caveat: unknown variant `{id}`"),
                    "use an id of [[variants]] in site.toml",
                );
            }
        }
        for (key, date) in [
            ("verified", spec.verified.as_ref()),
            (
                "source.date",
                spec.source.as_ref().and_then(|s| s.date.as_ref()),
            ),
        ] {
            if let Some(d) = date.filter(|d| !is_iso_date(d)) {
                error(
                    self,
                    format!("caveat: `{key}` must be a date like 2024-02-01, not `{d}`"),
                    "write YYYY-MM-DD",
                );
            }
        }
        if let Some(source) = &spec.source {
            if let Some(kind) = source
                .kind
                .as_deref()
                .filter(|k| source_kind_label(k).is_none())
            {
                error(
                    self,
                    format!("caveat: unknown source kind `{kind}`"),
                    "use comment, support-case or field-report",
                );
            }
            if let Some(url) = source.url.as_deref().filter(|u| !is_safe_url(u)) {
                error(
                    self,
                    format!("caveat: source url `{url}` must be an http(s) or mailto address"),
                    "write the full address, starting with https://",
                );
            }
        }
        ok
    }

    /// HTML of the front matter caveats whose `step` names `id`: a heading's (they go
    /// right after it) or a step's (they go at the end of its `<li>`); `text` is what
    /// the caveats summary calls that place.
    pub(super) fn caveats_after_heading(&mut self, id: &str, text: &str) -> String {
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|p| p.spec.step.as_deref() == Some(id));
        self.pending = rest;
        mine.into_iter()
            .filter(|p| !p.hidden)
            .map(|p| self.front_matter_caveat(&p, Some((id.to_string(), text.to_string()))))
            .collect()
    }

    /// HTML of the caveats without a `step`, for the top of the page.
    pub(super) fn caveats_for_top(&mut self) -> String {
        let (top, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|p| p.spec.step.is_none());
        self.pending = rest;
        top.into_iter()
            .filter(|p| !p.hidden)
            .map(|p| self.front_matter_caveat(&p, None))
            .collect()
    }

    /// Caveats whose `step` matched no heading or step: errors, rendered at the end
    /// anyway.
    pub(super) fn unplaced_caveats(&mut self) -> String {
        let pending = std::mem::take(&mut self.pending);
        let ids: Vec<String> = self
            .out
            .headings
            .iter()
            .map(|h| format!("`{}`", h.id))
            .collect();
        let steps: Vec<String> = self
            .out
            .steps
            .iter()
            .map(|s| format!("`{}`", s.id))
            .collect();
        pending
            .into_iter()
            .map(|p| {
                let step = p.spec.step.clone().unwrap_or_default();
                let mut help = Vec::new();
                if !ids.is_empty() {
                    help.push(format!("the page's heading ids are {}", ids.join(", ")));
                }
                if !steps.is_empty() {
                    help.push(format!("its step ids are {}", steps.join(", ")));
                }
                let help = if help.is_empty() {
                    "the page has no headings or steps; remove `step` to show the caveat at the top"
                        .to_string()
                } else {
                    help.join("; ")
                };
                self.out.diags.push(
                    Diagnostic::error(
                        "caveat",
                        self.page.site_path,
                        format!("caveat: step `{step}` names no heading or step of this page"),
                    )
                    .at(p.line, 1)
                    .help(help),
                );
                if p.hidden {
                    String::new()
                } else {
                    self.front_matter_caveat(&p, None)
                }
            })
            .collect()
    }

    fn front_matter_caveat(
        &mut self,
        pending: &PendingCaveat,
        step: Option<(String, String)>,
    ) -> String {
        let spec = &pending.spec;
        // Rendered like the body (links resolved and checked), but untrusted: raw HTML
        // in front matter is escaped, and only safe URLs are linked.
        let outer = std::mem::take(&mut self.out.html);
        self.untrusted = true;
        self.in_caveat = true;
        self.render_markdown(&spec.text, pending.line, 0, None);
        self.in_caveat = false;
        self.untrusted = false;
        let html = std::mem::replace(&mut self.out.html, outer);
        let source = spec.source.as_ref().and_then(|s| {
            let mut parts = Vec::new();
            let kind = s
                .kind
                .as_deref()
                .and_then(source_kind_label)
                .unwrap_or("Source");
            match &s.author {
                Some(author) => parts.push(format!("{kind} by {author}")),
                None => parts.push(kind.to_string()),
            }
            if let Some(date) = &s.date {
                parts.push(date.clone());
            }
            (s.kind.is_some() || s.author.is_some() || s.date.is_some()).then(|| parts.join(", "))
        });
        let caveat = Caveat {
            id: self
                .slugger
                .unique(&format!("caveat-{}", self.out.caveats.len() + 1)),
            severity: spec.severity.clone().unwrap_or_else(|| "warning".into()),
            text: html_to_text(&html),
            html,
            step,
            variants: spec.variants.clone().or_else(|| self.variant_scope.clone()),
            source,
            source_url: spec.source.as_ref().and_then(|s| s.url.clone()),
            verified: spec.verified.clone(),
            candidate: pending.is_candidate(),
            line: pending.line,
            written_in: None,
            origin: spec.source.clone(),
        };
        let out = self.caveat_html(&caveat);
        self.add_caveat_passage(&caveat);
        self.out.anchors.push(caveat.id.clone());
        self.out.caveats.push(caveat);
        out
    }

    /// `::: caveat [SEVERITY] [from="…"]` with its markdown body, where it is written.
    pub(super) fn render_inline_caveat(&mut self, d: &Directive, doc: &Doc) {
        let (severity, from) = match parse_caveat_args(&d.args) {
            Ok(parsed) => parsed,
            Err(message) => {
                self.out.diags.push(
                    Diagnostic::error("caveat", self.page.site_path, message)
                        .at(d.line, d.column)
                        .help("write `::: caveat warning from=\"Reader comment, 2013-06-20\"`"),
                );
                (None, None)
            }
        };
        if let Some(sev) = severity.as_deref().filter(|s| !SEVERITIES.contains(s)) {
            self.out.diags.push(
                Diagnostic::error(
                    "caveat",
                    self.page.site_path,
                    format!("caveat: unknown severity `{sev}`"),
                )
                .at(d.line, d.column)
                .help("use note, warning or danger"),
            );
        }
        // The body is rendered on its own, then wrapped.
        let outer = std::mem::take(&mut self.out.html);
        let was_in_caveat = std::mem::replace(&mut self.in_caveat, true);
        self.render_blocks(&d.body, doc);
        self.in_caveat = was_in_caveat;
        let html = std::mem::replace(&mut self.out.html, outer);
        if html.trim().is_empty() {
            self.out.diags.push(
                Diagnostic::error("caveat", self.page.site_path, "caveat: the block is empty")
                    .at(d.line, d.column)
                    .help("write the caveat between `::: caveat` and `:::`"),
            );
            return;
        }
        let step = self
            .out
            .headings
            .last()
            .map(|h| (h.id.clone(), h.text.clone()));
        let caveat = Caveat {
            id: self
                .slugger
                .unique(&format!("caveat-{}", self.out.caveats.len() + 1)),
            severity: severity
                .filter(|s| SEVERITIES.contains(&s.as_str()))
                .unwrap_or_else(|| "warning".into()),
            text: html_to_text(&html),
            html,
            step,
            variants: self.variant_scope.clone(),
            source: from,
            source_url: None,
            verified: None,
            candidate: false,
            line: d.line,
            written_in: None,
            origin: None,
        };
        let out = self.caveat_html(&caveat);
        self.out.html.push_str(&out);
        self.add_caveat_passage(&caveat);
        self.out.anchors.push(caveat.id.clone());
        self.out.caveats.push(caveat);
    }

    pub(super) fn caveat_html(&self, c: &Caveat) -> String {
        let variant_attrs = match &c.variants {
            Some(v) => format!(" data-variant=\"{}\"", escape(&v.join(" "))),
            None => String::new(),
        };
        let class = if c.variants.is_some() {
            "caveat for-variant"
        } else {
            "caveat"
        };
        let verified_attr = c
            .verified
            .as_ref()
            .map(|v| format!(" data-verified=\"{}\"", escape(v)))
            .unwrap_or_default();
        let (status_attr, badge) = if c.candidate {
            (
                " data-status=\"candidate\"",
                " <span class=\"caveat-candidate\">Candidate</span>",
            )
        } else {
            ("", "")
        };
        let mut html = format!(
            "<aside class=\"{class}\" role=\"note\" id=\"{id}\" data-severity=\"{sev}\"{status_attr}{variant_attrs}{verified_attr} aria-label=\"Caveat: {label}\">\n<p class=\"caveat-title\"><span class=\"caveat-severity\">{label}</span> Known caveat{badge}</p>\n",
            id = escape(&c.id),
            sev = escape(&c.severity),
            label = severity_label(&c.severity),
        );
        if let Some(ids) = &c.variants {
            let labels: Vec<&str> = self
                .env
                .variants
                .iter()
                .filter(|(id, _)| ids.contains(id))
                .map(|(_, l)| l.as_str())
                .collect();
            html.push_str(&format!(
                "<p class=\"caveat-applies\">Applies to: {}</p>\n",
                escape(&labels.join(", "))
            ));
        }
        html.push_str("<div class=\"caveat-body\">\n");
        html.push_str(&c.html);
        html.push_str("</div>\n");
        html.push_str(&caveat_footer(c));
        html.push_str("</aside>\n");
        html
    }
}

/// The source (in a `cite`) and the verified date of a caveat.
pub fn caveat_footer(c: &Caveat) -> String {
    if c.source.is_none() && c.verified.is_none() {
        return String::new();
    }
    let mut html = String::from("<p class=\"caveat-source\">");
    if let Some(source) = &c.source {
        html.push_str("Source: <cite>");
        match &c.source_url {
            Some(url) => html.push_str(&format!(
                "<a href=\"{}\">{}</a>",
                escape(url),
                escape(source)
            )),
            None => html.push_str(&escape(source)),
        }
        html.push_str("</cite>");
    }
    if let Some(v) = &c.verified {
        if c.source.is_some() {
            html.push_str(" · ");
        }
        html.push_str(&format!(
            "<span class=\"caveat-verified\">Last verified <time datetime=\"{0}\">{0}</time></span>",
            escape(v)
        ));
    }
    html.push_str("</p>\n");
    html
}

/// Whether a caveat's `source.url` may be that (SPEC §3.4: an http(s) or mailto address).
pub fn is_safe_url(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://") || url.starts_with("mailto:")
}

/// `danger from="Reader comment, 2013-06-20"` → (Some("danger"), Some("Reader comment, …")).
fn parse_caveat_args(args: &str) -> Result<(Option<String>, Option<String>), String> {
    let mut severity = None;
    let mut from = None;
    let mut rest = args.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("from=") {
            let quoted = after
                .strip_prefix('"')
                .ok_or("caveat: `from=` needs a value in double quotes")?;
            let end = quoted
                .find('"')
                .ok_or("caveat: the `from=\"…` value is never closed with `\"`")?;
            let value = quoted[..end].trim();
            if value.is_empty() {
                return Err("caveat: `from=\"\"` is empty".into());
            }
            if from.replace(value.to_string()).is_some() {
                return Err("caveat: `from=` is given twice".into());
            }
            rest = quoted[end + 1..].trim_start();
            continue;
        }
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_end];
        if word.contains('=') {
            return Err(format!(
                "caveat: unknown attribute `{word}` (only `from=\"…\"` is known)"
            ));
        }
        if severity.replace(word.to_string()).is_some() {
            return Err(format!("caveat: unexpected `{word}`: give one severity"));
        }
        rest = rest[word_end..].trim_start();
    }
    Ok((severity, from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caveat_args() {
        assert_eq!(
            parse_caveat_args(r#"danger from="Reader comment, 2013-06-20""#),
            Ok((
                Some("danger".into()),
                Some("Reader comment, 2013-06-20".into())
            ))
        );
        assert_eq!(parse_caveat_args(""), Ok((None, None)));
        assert!(parse_caveat_args(r#"from="unclosed"#).is_err());
        assert!(parse_caveat_args("from=bare").is_err());
        assert!(parse_caveat_args(r#"warning danger"#).is_err());
        assert!(parse_caveat_args(r#"by="x""#).is_err());
    }

    #[test]
    fn text_of_html() {
        let html = "<p><strong>Bold</strong>, &lt;script&gt; <code>a&amp;b</code></p><p>Next</p>\n";
        assert_eq!(html_to_text(html), "Bold, <script> a&b Next");
    }
}
