//! The version switcher's links as the default `base.html`'s loop over
//! `version_links` writes them: a page spliced by `splice` gets them written by
//! guidepost (every page of a site with versions has one link per version, and the
//! loop cost a tera lookup per field of each).

use super::context::VersionLinkCtx;
use crate::html::escape_into;

/// What the default `base.html`'s loop over `version_links` writes for `links`,
/// appended to `out`.
pub(super) fn write_links(out: &mut String, links: &[VersionLinkCtx]) {
    for v in links {
        out.push_str("<li><a href=\"");
        escape_into(out, &v.url);
        out.push_str("\" data-version=\"");
        escape_into(out, v.id);
        out.push('"');
        if v.active {
            out.push_str(" aria-current=\"true\"");
        }
        out.push('>');
        escape_into(out, v.label);
        if v.current {
            out.push_str(" (current)");
        }
        out.push_str("</a></li>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the default `base.html`'s loop writes for `links`, by tera.
    fn by_tera(links: &[VersionLinkCtx]) -> String {
        let mut context = tera::Context::new();
        context.insert("version_links", links);
        super::super::default_template_part(
            include_str!("../../themes/default/templates/base.html"),
            "{% for v in version_links %}",
            "{% endfor %}",
            &context,
        )
    }

    #[test]
    fn the_written_links_are_the_default_templates_byte_for_byte() {
        let link = |id, label, url: &str, active, current| VersionLinkCtx {
            id,
            label,
            url: url.to_string(),
            active,
            current,
        };
        let links = [
            link("now", "Now & <then>", "/docs/a%20b/", false, true),
            link("v2", "Version \"2\"", "/docs/v2/a/", true, false),
            link("old's", "", "/docs/old/", true, true),
        ];
        let mut written = String::new();
        write_links(&mut written, &links);
        assert_eq!(written, by_tera(&links));
        assert!(
            written.contains("Now &amp; &lt;then&gt; (current)"),
            "{written}"
        );
        let mut empty = String::new();
        write_links(&mut empty, &[]);
        assert_eq!(empty, by_tera(&[]));
    }
}
