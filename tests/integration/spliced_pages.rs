//! Guide pages of a site whose templates are all the default ones are rendered with
//! placeholders for their content, sidebar and contents list, which guidepost writes
//! in afterwards (`render::splice`). They must be the bytes the templates give when
//! they are the site's own (rendered by tera with every value in the context).

use crate::harness::SiteTest;
use std::collections::BTreeMap;

const BASE: &str = include_str!("../../themes/default/templates/base.html");
const GUIDE: &str = include_str!("../../themes/default/templates/guide.html");

/// A guide with a contents list of both levels, a link and a step, and one whose
/// title holds the placeholders' text, so that its page and its neighbours' (whose
/// pager shows the title) are rendered without splicing.
const EXTRA: [(&str, &str); 2] = [
    (
        "content/spliced.md",
        "---\ntitle: Spliced & <listed>\nsummary: \"Its 'summary'\"\n---\n### Before\n\nText.\n\n## One\n\n### One a\n\n1. Do this.\n2. Then that.\n\n## Two <b>\n\nSee [the other](placeholders.md).\n",
    ),
    (
        "content/placeholders.md",
        "---\ntitle: \"Holds \\0guidepost-splice:content\\0 and \\0guidepost-splice:nav\\0\"\n---\n## A\n\n## B\n",
    ),
];

/// Every output file of `fixture` with `EXTRA`, built with the default templates or
/// with copies of them as the site's own.
fn built(fixture: &str, own_templates: bool) -> BTreeMap<String, Vec<u8>> {
    let site = SiteTest::from_fixture(fixture);
    for (path, text) in EXTRA {
        site.write(path, text);
    }
    if own_templates {
        // A comment makes a template the site's own without changing its output.
        site.write("templates/base.html", &format!("{BASE}{{# own #}}"));
        site.write("templates/guide.html", &format!("{GUIDE}{{# own #}}"));
    }
    // Warnings are the fixture's own (variants/basic has some).
    let run = site.build(&[]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    let out = site.root().join("public");
    walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&out).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn spliced_guide_pages_equal_what_the_templates_render() {
    // Report links and two versions; consoles (variant blocks in contents lists).
    for fixture in ["reports/links", "variants/basic"] {
        let spliced = built(fixture, false);
        let rendered = built(fixture, true);
        assert_eq!(
            spliced.keys().collect::<Vec<_>>(),
            rendered.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in &rendered {
            assert!(
                spliced[path] == *bytes,
                "{fixture}: {path} differs when spliced:\n{}",
                String::from_utf8_lossy(&spliced[path])
            );
        }
        let page = String::from_utf8_lossy(&spliced["spliced/index.html"]).into_owned();
        assert!(
            page.contains("<li class=\"toc-h2\"><a href=\"#one\">One</a><ul>"),
            "{page}"
        );
    }
}

/// `check` throws pages away, so a guide page is only rendered by its template, its
/// parts not written (`Renderer::check_guide`): it must report what `build` reports,
/// with the default templates (pages spliced, and the ones that are not) and with a
/// guide template of the site's own that fails on some pages only.
#[test]
fn check_reports_what_build_reports() {
    for own_guide in [None, Some("{% extends \"base.html\" %}{% block main %}{% if page.title is starting_with(\"Spliced\") %}{{ page.no_such_field.deeper }}{% endif %}{{ page.content | safe }}{% endblock %}")] {
        let site = SiteTest::from_fixture("reports/links");
        for (path, text) in EXTRA {
            site.write(path, text);
        }
        if let Some(template) = own_guide {
            site.write("templates/guide.html", template);
        }
        let built = site.build(&[]);
        let checked = site.run(&["check", "--format", "json"]);
        assert_eq!(built.status, checked.status, "{}\n{}", built.stdout, checked.stdout);
        let located = |run: &crate::harness::Run| -> Vec<(String, String, String, u64, u64)> {
            run.diags()
                .into_iter()
                .map(|d| (d.severity, d.code, d.file, d.line, d.column))
                .collect()
        };
        assert_eq!(located(&built), located(&checked));
        if own_guide.is_some() {
            assert!(
                located(&checked)
                    .iter()
                    .any(|d| d.1 == "template" && d.2 == "templates/guide.html"),
                "{}",
                checked.stdout
            );
        } else {
            assert_eq!(built.status, 0, "{}", built.stdout);
        }
    }
}
