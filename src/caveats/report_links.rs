//! Report links (SPEC §3.6): with `feedback_url` in site.toml, every step and every
//! `##`/`###` heading of a guide carries a small link that opens a new report (an
//! issue, a mail) already naming the guide, version, step and console, so that
//! `guidepost import reports` can bring it back as a candidate caveat at that place.
//!
//! The markdown stage marks the places (`markdown::report_marks`); this fills them.
//! Every field is known at build time but the reader's console: the link carries it
//! as "not given", written with every letter percent-encoded (`CONSOLE_NOT_GIVEN`,
//! `VARIANT_NOT_GIVEN`), which decodes to the same words but can be told from any
//! other text of the URL. The theme's JavaScript replaces those when the reader
//! follows the link, with the console they have chosen. Where the place's console is
//! known at build time (a step in a panel of one variant, a guide for one console),
//! the link names it and nothing is left for the script.

use crate::html::escape;
use crate::markdown::report_marks::ReportPlace;
use crate::markdown::{Heading, Step};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::collections::HashMap;

/// "not given" as the `Console:` line of `{body}` holds it until the reader's console
/// is known (upper-case escapes).
pub const CONSOLE_NOT_GIVEN: &str = "%6E%6F%74%20%67%69%76%65%6E";
/// "not given" as `{variant}` holds it until the reader's console is known
/// (lower-case escapes, so that it differs from `CONSOLE_NOT_GIVEN`).
pub const VARIANT_NOT_GIVEN: &str = "%6e%6f%74%20%67%69%76%65%6e";

/// What a field value keeps as it is: the unreserved characters of RFC 3986, as
/// both an http query and a mailto header (RFC 6068) read them. A space is `%20`
/// (never `+`, which a mail client would keep).
const FIELD: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, FIELD).to_string()
}

/// How the `Console:` line names a console: its label, then its id (which the
/// importer matches; the label is for the people reading the report).
pub fn console_text(id: &str, label: &str) -> String {
    format!("{label} ({id})")
}

/// The guide whose report links are being made, and where it is published.
pub struct ReportedGuide<'a> {
    /// `feedback_url`.
    pub template: &'a str,
    pub title: &'a str,
    /// The page's absolute URL, without a fragment.
    pub page_url: String,
    /// The guide's markdown file, relative to the site root (`content/a/b.md`).
    pub file: String,
    pub version: &'a str,
    /// The site's consoles (id, label), in display order.
    pub site_variants: &'a [(String, String)],
    /// The consoles the guide applies to (front matter `variants:`); None: all.
    pub guide_variants: Option<&'a [String]>,
}

/// What one guide's report links are made of: the guide, and its steps and headings
/// by id.
pub struct GuideReports<'a> {
    guide: ReportedGuide<'a>,
    steps: HashMap<&'a str, &'a Step>,
    headings: HashMap<&'a str, &'a Heading>,
}

/// The step or heading a link reports on.
enum Place<'a> {
    Step(&'a Step),
    Section(&'a Heading),
}

impl Place<'_> {
    fn variants(&self) -> Option<&[String]> {
        match self {
            Place::Step(s) => s.variants.as_deref(),
            Place::Section(h) => h.variants.as_deref(),
        }
    }
}

/// The fields of one link, percent-encoded.
struct Fields {
    title: String,
    body: String,
    url: String,
    step: String,
    version: String,
    variant: String,
}

impl<'a> GuideReports<'a> {
    pub fn new(guide: ReportedGuide<'a>, steps: &'a [Step], headings: &'a [Heading]) -> Self {
        GuideReports {
            guide,
            steps: steps.iter().map(|s| (s.id.as_str(), s)).collect(),
            headings: headings.iter().map(|h| (h.id.as_str(), h)).collect(),
        }
    }

    /// What goes at a marked place of the guide's rendered markdown.
    pub fn fill(&self, place: ReportPlace) -> String {
        match place {
            ReportPlace::Link(id) => self.link(id).unwrap_or_default(),
            ReportPlace::HeadingLabel(id) => match self.headings.get(id) {
                Some(h) => format!(" aria-label=\"{}\"", escape(&h.text)),
                None => String::new(),
            },
        }
    }

    /// The `a[data-report]` of step or heading `id`; None for an id the page does
    /// not have (cannot happen: the marks come from the same rendering).
    fn link(&self, id: &str) -> Option<String> {
        let place = match (self.steps.get(id), self.headings.get(id)) {
            (Some(step), _) => Place::Step(step),
            (None, Some(heading)) => Place::Section(heading),
            (None, None) => return None,
        };
        let (what, space) = match place {
            Place::Step(_) => ("step", ""),
            // After the heading's text: a space, for readers without the stylesheet.
            Place::Section(_) => ("section", " "),
        };
        Some(format!(
            "{space}<a class=\"report-link\" data-report=\"{}\" href=\"{}\" rel=\"nofollow\">Report<span class=\"report-more\"> a problem</span><span class=\"visually-hidden\"> with this {what}</span></a>",
            escape(id),
            escape(&self.href(id, &place)),
        ))
    }

    /// `feedback_url` with the fields of the place filled in.
    fn href(&self, id: &str, place: &Place) -> String {
        let fields = self.fields(id, place);
        let mut href = String::with_capacity(self.guide.template.len() + fields.body.len() * 2);
        let mut rest = self.guide.template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            href.push_str(&rest[..open]);
            match &rest[open + 1..close] {
                "title" => href.push_str(&fields.title),
                "body" => href.push_str(&fields.body),
                "url" => href.push_str(&fields.url),
                "step" => href.push_str(&fields.step),
                "version" => href.push_str(&fields.version),
                "variant" => href.push_str(&fields.variant),
                // site.toml is checked for unknown fields: keep anything else as written.
                _ => href.push_str(&rest[open..=close]),
            }
            rest = &rest[close + 1..];
        }
        href.push_str(rest);
        href
    }

    fn fields(&self, id: &str, place: &Place) -> Fields {
        // A mail's lines end with CRLF (RFC 6068); an issue form takes either.
        let newline = if self.is_mailto() { "\r\n" } else { "\n" };
        let page = format!("{}#{}", self.guide.page_url, crate::url::encode_path(id));
        let title = match place {
            Place::Step(s) => format!("Problem with: {}, step {}", self.guide.title, s.number),
            Place::Section(h) => {
                format!("Problem with: {}, section \"{}\"", self.guide.title, h.text)
            }
        };
        let lines = [
            format!("Page: {page}"),
            format!("Guide: {}", self.guide.file),
            format!("Version: {}", self.guide.version),
            format!("Step: {id}"),
            String::new(),
        ];
        let mut body = encode(&lines.join(newline));
        // A site without consoles has no Console line (nor a `{variant}`).
        let (console, variant) = match self.known_console(place) {
            _ if self.guide.site_variants.is_empty() => (None, String::new()),
            Some((id, label)) => (Some(encode(&console_text(id, label))), encode(id)),
            None => (
                Some(CONSOLE_NOT_GIVEN.to_string()),
                VARIANT_NOT_GIVEN.to_string(),
            ),
        };
        if let Some(console) = console {
            body.push_str(&encode("Console: "));
            body.push_str(&console);
            body.push_str(&encode(newline));
        }
        // A blank line: the reader writes what went wrong below the fields.
        body.push_str(&encode(newline));
        Fields {
            title: encode(&title),
            body,
            url: encode(&page),
            step: encode(id),
            version: encode(self.guide.version),
            variant,
        }
    }

    fn is_mailto(&self) -> bool {
        self.guide
            .template
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("mailto:"))
    }

    /// The console of a place when only one console can be reading it: the one
    /// variant of its panel, else the one the guide applies to.
    fn known_console(&self, place: &Place) -> Option<(&'a str, &'a str)> {
        let scope = place.variants().or(self.guide.guide_variants)?;
        let [only] = scope else { return None };
        self.guide
            .site_variants
            .iter()
            .find(|(id, _)| id == only)
            .map(|(id, label)| (id.as_str(), label.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::report_marks::fill_report_marks;

    fn step(id: &str, number: u64, variants: Option<&[&str]>) -> Step {
        Step {
            id: id.into(),
            number,
            heading: None,
            variants: variants.map(|v| v.iter().map(|s| s.to_string()).collect()),
            text: String::new(),
        }
    }

    fn consoles() -> Vec<(String, String)> {
        vec![
            ("sb".into(), "Small Business".into()),
            ("ent".into(), "Enterprise & more".into()),
        ]
    }

    fn reports<'a>(
        template: &'a str,
        variants: &'a [(String, String)],
        steps: &'a [Step],
        headings: &'a [Heading],
    ) -> GuideReports<'a> {
        GuideReports::new(
            ReportedGuide {
                template,
                title: "Verify the partner",
                page_url: "https://help.example.com/docs/a/b/".into(),
                file: "content/a/b.md".into(),
                version: "current",
                site_variants: variants,
                guide_variants: None,
            },
            steps,
            headings,
        )
    }

    /// The href of the link that `fill` writes for `id`, as the browser reads it.
    fn href_of(r: &GuideReports, id: &str) -> String {
        let html = r.fill(ReportPlace::Link(id));
        let start = html.find("href=\"").unwrap() + 6;
        let end = start + html[start..].find('"').unwrap();
        html[start..end].replace("&amp;", "&")
    }

    fn query(href: &str, key: &str) -> String {
        let q = href.split_once('?').unwrap().1;
        let value = q
            .split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
            .unwrap();
        crate::url::percent_decode(value)
    }

    #[test]
    fn a_step_link_names_guide_version_step_and_leaves_the_console_to_the_reader() {
        let variants = consoles();
        let steps = [step("choose-step-2", 2, None)];
        let r = reports(
            "https://github.com/acme/help/issues/new?title={title}&body={body}&labels={variant}&u={url}&s={step}&v={version}",
            &variants,
            &steps,
            &[],
        );
        let html = r.fill(ReportPlace::Link("choose-step-2"));
        assert!(html.starts_with("<a class=\"report-link\" data-report=\"choose-step-2\" href=\"https://github.com/acme/help/issues/new?title=Problem%20with%3A%20Verify%20the%20partner%2C%20step%202&amp;body="), "{html}");
        assert!(
            html.ends_with(
                ">Report<span class=\"report-more\"> a problem</span><span class=\"visually-hidden\"> with this step</span></a>"
            ),
            "{html}"
        );
        let href = href_of(&r, "choose-step-2");
        assert_eq!(
            query(&href, "title"),
            "Problem with: Verify the partner, step 2"
        );
        assert_eq!(
            query(&href, "body"),
            "Page: https://help.example.com/docs/a/b/#choose-step-2\nGuide: content/a/b.md\nVersion: current\nStep: choose-step-2\nConsole: not given\n\n"
        );
        assert!(
            href.contains(&format!("Console%3A%20{CONSOLE_NOT_GIVEN}%0A%0A")),
            "{href}"
        );
        assert!(
            href.contains(&format!("labels={VARIANT_NOT_GIVEN}&")),
            "{href}"
        );
        assert_eq!(query(&href, "labels"), "not given");
        assert_eq!(
            query(&href, "u"),
            "https://help.example.com/docs/a/b/#choose-step-2"
        );
        assert_eq!(
            (query(&href, "s"), query(&href, "v")),
            ("choose-step-2".into(), "current".into())
        );
    }

    #[test]
    fn a_panel_of_one_console_names_it_and_a_site_without_consoles_has_no_console_line() {
        let variants = consoles();
        let steps = [
            step("step-1", 1, Some(&["ent"])),
            step("step-2", 2, Some(&["sb", "ent"])),
        ];
        let r = reports(
            "https://x/new?body={body}&c={variant}",
            &variants,
            &steps,
            &[],
        );
        let href = href_of(&r, "step-1");
        assert!(
            query(&href, "body").ends_with("Console: Enterprise & more (ent)\n\n"),
            "{href}"
        );
        assert_eq!(query(&href, "c"), "ent");
        assert!(href_of(&r, "step-2").contains(CONSOLE_NOT_GIVEN));

        let none: Vec<(String, String)> = Vec::new();
        let r = reports("https://x/new?body={body}&c={variant}", &none, &steps, &[]);
        let href = href_of(&r, "step-1");
        assert!(query(&href, "body").ends_with("Step: step-1\n\n"), "{href}");
        assert_eq!(query(&href, "c"), "");
    }

    #[test]
    fn a_mailto_link_has_crlf_lines_and_no_plus_for_spaces() {
        let variants = consoles();
        let steps = [step("step-1", 1, None)];
        let r = reports(
            "mailto:help@example.com?subject={title}&body={body}",
            &variants,
            &steps,
            &[],
        );
        let href = href_of(&r, "step-1");
        assert!(href.starts_with("mailto:help@example.com?subject=Problem%20with%3A%20Verify%20the%20partner%2C%20step%201&body=Page%3A%20https%3A%2F%2Fhelp.example.com%2Fdocs%2Fa%2Fb%2F%23step-1%0D%0AGuide%3A%20"), "{href}");
        assert!(!href.contains('+') && !href.contains(' '), "{href}");
    }

    #[test]
    fn a_heading_keeps_its_name_and_gets_a_section_link() {
        let variants = consoles();
        let headings = [Heading {
            level: 2,
            id: "choose".into(),
            text: "Choose \"the\" subscription".into(),
            variants: None,
        }];
        let r = reports("https://x/new?title={title}", &variants, &[], &headings);
        assert_eq!(
            r.fill(ReportPlace::HeadingLabel("choose")),
            " aria-label=\"Choose &quot;the&quot; subscription\""
        );
        let html = r.fill(ReportPlace::Link("choose"));
        assert!(
            html.starts_with(" <a class=\"report-link\" data-report=\"choose\""),
            "{html}"
        );
        assert!(html.contains("> with this section</span>"), "{html}");
        assert_eq!(
            query(&href_of(&r, "choose"), "title"),
            "Problem with: Verify the partner, section \"Choose \"the\" subscription\""
        );
        // An id the page does not have gets nothing.
        assert_eq!(
            fill_report_marks(&crate::markdown::report_marks::link_mark("gone"), |p| r
                .fill(p)),
            ""
        );
    }
}
