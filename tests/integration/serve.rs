//! SPEC §6: `guidepost serve`. The session (in-memory build and rebuilds) is tested
//! through the library, where a test chooses the changes; the server through the real
//! binary on a free port.

use crate::harness::{http_get, ServeProcess, SiteTest};
use guidepost::output::MemorySink;
use guidepost::pipeline::{build_site, BuildCache, BuildOptions, Rebuilt};
use guidepost::serve::session::{Outcome, Report, Session};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a full `serve` build of the site at `root` gives, from scratch.
fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let config = guidepost::config::Config::load(root).unwrap();
    let opts = BuildOptions::for_serve(root.to_path_buf());
    let sink = MemorySink::default();
    let (_, diags, _) = build_site(&config, &opts, &sink, &BuildCache::default());
    assert!(
        diags
            .iter()
            .all(|d| d.severity != guidepost::diag::Severity::Error),
        "{diags:?}"
    );
    sink.into_files()
}

/// Applies a change as the watcher would report it, then the deferred search update.
fn apply(session: &mut Session, paths: &[&str]) -> Report {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let report = session
        .apply_paths(&paths)
        .expect("a change the build reads");
    for v in &report.search_pending {
        session.finish_search(*v);
    }
    report
}

/// The served files equal a full build; a difference names the first differing paths.
fn assert_same_as_full_build(session: &Session, step: &str) {
    let served = session.files().snapshot();
    let full = full_build(session.root());
    let differing: Vec<&String> = served
        .keys()
        .chain(full.keys())
        .filter(|k| served.get(*k) != full.get(*k))
        .take(5)
        .collect();
    assert!(differing.is_empty(), "after {step}: {differing:?} differ");
}

fn is_page_rebuild(report: &Report) -> bool {
    matches!(report.rebuilt, Rebuilt::Pages(_))
}

#[test]
fn incremental_rebuilds_give_exactly_a_full_build() {
    let site = SiteTest::from_sample_site();
    let root = site.root().canonicalize().unwrap();
    let (mut session, first) = Session::start(BuildOptions::for_serve(root.clone()));
    assert!(matches!(first.outcome, Outcome::Reload { .. }), "{first:?}");
    assert_same_as_full_build(&session, "the first build");

    let guide = "content/customers/ask-customer-to-name-you.md";
    let page = "customers/ask-customer-to-name-you/index.html";
    // 1. A body edit re-renders the page alone (and the caveats page).
    let before = session.files().get(page).unwrap();
    site.write(
        guide,
        &format!("{}\nA new closing line.\n", site.read(guide)),
    );
    let r = apply(&mut session, &[guide]);
    assert!(is_page_rebuild(&r), "{r:?}");
    assert_eq!(
        r.outcome,
        Outcome::Reload {
            pages: vec!["/customers/ask-customer-to-name-you/".into()]
        }
    );
    assert_ne!(session.files().get(page).unwrap(), before);
    assert_same_as_full_build(&session, "a body edit");

    // 2. A new screenshot, then a body edit that shows it and links a heading elsewhere.
    site.write(
        "content/customers/new-shot.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"30\"/>",
    );
    apply(&mut session, &["content/customers/new-shot.svg"]);
    site.write(
        guide,
        &format!(
            "{}\n![The new screen](new-shot.svg)\n\nSee [the other guide](../partner-id/find-your-partner-id.md).\n",
            site.read(guide)
        ),
    );
    let r = apply(&mut session, &[guide]);
    assert!(is_page_rebuild(&r), "{r:?}");
    assert_same_as_full_build(&session, "a body edit adding a screenshot");

    // 3. Taking the screenshot out again drops its copy.
    let text = site
        .read(guide)
        .replace("![The new screen](new-shot.svg)", "");
    site.write(guide, &text);
    let r = apply(&mut session, &[guide]);
    assert!(is_page_rebuild(&r), "{r:?}");
    assert_same_as_full_build(&session, "a body edit removing a screenshot");

    // 3b. Screenshots as data: a saved sidecar or dark twin re-renders only the pages
    // showing its screenshot, and the result is still a full build's.
    let shots = "content/partner-of-record/verify-partner-of-record/screenshots";
    let guide_url = "/partner-of-record/verify-partner-of-record/";
    let sidecar = format!("{shots}/subscriptions.svg.yaml");
    site.write(
        &sidecar,
        &site.read(&sidecar).replace("such as", "for example"),
    );
    let r = apply(&mut session, &[&sidecar]);
    assert!(is_page_rebuild(&r), "{r:?}");
    assert_eq!(
        r.outcome,
        Outcome::Reload {
            pages: vec![guide_url.into()]
        }
    );
    assert!(String::from_utf8_lossy(
        &session
            .files()
            .get("partner-of-record/verify-partner-of-record/index.html")
            .unwrap()
    )
    .contains("for example Office 365"));
    assert_same_as_full_build(&session, "a sidecar edit");
    let twin = format!("{shots}/subscriptions.dark.svg");
    site.write(&twin, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"450\"><rect width=\"800\" height=\"450\" fill=\"#161b22\"/></svg>");
    let r = apply(&mut session, &[&twin]);
    assert!(is_page_rebuild(&r), "{r:?}");
    assert_same_as_full_build(&session, "a new dark twin");
    let png_sidecar = format!("{shots}/partner-updated.png.yaml");
    site.write(
        &png_sidecar,
        &site
            .read(&png_sidecar)
            .replace("[544, 229, 396, 34]", "[540, 226, 404, 40]"),
    );
    let r = apply(&mut session, &[&png_sidecar]);
    assert!(is_page_rebuild(&r), "{r:?}");
    assert_same_as_full_build(&session, "a new redacted region");
    let served: Vec<(String, Vec<u8>)> = session.files().snapshot().into_iter().collect();
    for original in ["partner-updated.png", "partner-updated.dark.png"] {
        let bytes = std::fs::read(site.root().join(shots).join(original)).unwrap();
        crate::screenshot_data::assert_absent(&served, &bytes, original);
    }
    // A broken sidecar: reported at its line, the last good build stays; fixed, caught up.
    let good = session.files().snapshot();
    let text = site.read(&png_sidecar);
    site.write(
        &png_sidecar,
        &text.replace("[540, 226, 404, 40]", "[540, 226, 404, 4000]"),
    );
    let r = apply(&mut session, &[&png_sidecar]);
    match &r.outcome {
        Outcome::Failed { errors } => assert!(
            errors
                .iter()
                .any(|e| e.file == Path::new(&png_sidecar) && e.line == 8),
            "{errors:?}"
        ),
        o => panic!("expected a failed build, got {o:?}"),
    }
    assert_eq!(session.files().snapshot(), good);
    site.write(&png_sidecar, &text);
    apply(&mut session, &[&png_sidecar]);
    assert_same_as_full_build(&session, "a fixed sidecar");
    site.remove(&twin);
    let r = apply(&mut session, &[&twin]);
    assert!(is_page_rebuild(&r), "{r:?}");
    assert_same_as_full_build(&session, "a deleted dark twin");

    // 3c. The partial that two guides include: those two pages alone are rebuilt.
    let partial = "content/partner-id/_look-up-partner-id.md";
    site.write(
        partial,
        &site.read(partial).replace(
            "then **Organization profile**.",
            "then **Organization profile** from the menu.",
        ),
    );
    let r = apply(&mut session, &[partial]);
    assert!(is_page_rebuild(&r), "{r:?}");
    assert_eq!(
        r.outcome,
        Outcome::Reload {
            pages: vec![
                "/partner-id/find-your-partner-id/".into(),
                "/partner-id/partner-id-not-recognized/".into()
            ]
        }
    );
    assert_same_as_full_build(&session, "a partial's edit");

    // 4. A front matter edit (the title shows in lists and prev/next): a full build.
    site.write(
        guide,
        &site.read(guide).replace(
            "title: Ask a customer to name you as partner",
            "title: Ask the customer",
        ),
    );
    let r = apply(&mut session, &[guide]);
    assert!(matches!(r.rebuilt, Rebuilt::Site { .. }), "{r:?}");
    assert_same_as_full_build(&session, "a title edit");

    // 5. A rename and 6. a delete.
    site.rename(guide, "content/customers/ask-the-customer.md");
    apply(
        &mut session,
        &[guide, "content/customers/ask-the-customer.md"],
    );
    assert!(session.files().get(page).is_none());
    assert_same_as_full_build(&session, "a rename");
    site.remove("content/partner-id/partner-id-not-recognized.md");
    apply(
        &mut session,
        &["content/partner-id/partner-id-not-recognized.md"],
    );
    assert_same_as_full_build(&session, "a delete");

    // 7. A broken save keeps the last good build; the fix catches up with everything.
    let good = session.files().snapshot();
    let other = "content/partner-id/find-your-partner-id.md";
    site.write(other, &format!("{}\n::: nonsense\n", site.read(other)));
    let r = apply(&mut session, &[other]);
    match &r.outcome {
        Outcome::Failed { errors } => {
            assert!(
                errors.iter().any(|e| e.file == Path::new(other)),
                "{errors:?}"
            )
        }
        o => panic!("expected a failed build, got {o:?}"),
    }
    assert_eq!(
        session.files().snapshot(),
        good,
        "the last good build is served"
    );
    let frozen = "versions/2013/customers/ask-customer-to-name-you.md";
    site.write(
        frozen,
        &format!("{}\nEdited while broken.\n", site.read(frozen)),
    );
    apply(&mut session, &[frozen]);
    assert_eq!(session.files().snapshot(), good);
    site.write(other, &site.read(other).replace("\n::: nonsense\n", "\n"));
    let r = apply(&mut session, &[other]);
    assert!(matches!(r.outcome, Outcome::Reload { .. }), "{r:?}");
    assert_same_as_full_build(&session, "fixing a broken save");

    // 8. A frozen version's page, 9. a template, 10. site.toml.
    site.write(frozen, &format!("{}\nOne more line.\n", site.read(frozen)));
    let r = apply(&mut session, &[frozen]);
    assert!(is_page_rebuild(&r), "{r:?}");
    assert_same_as_full_build(&session, "a frozen version's edit");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Lost here</h1>{% endblock %}",
    );
    let r = apply(&mut session, &["templates/404.html"]);
    assert!(
        matches!(r.rebuilt, Rebuilt::Theme { .. }),
        "no source read again: {r:?}"
    );
    assert_same_as_full_build(&session, "a template");
    // A template that does not compile: reported, the last good build stays.
    let good = session.files().snapshot();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}{{ oops(",
    );
    let r = apply(&mut session, &["templates/404.html"]);
    assert!(matches!(r.outcome, Outcome::Failed { .. }), "{r:?}");
    assert_eq!(session.files().snapshot(), good);
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Lost again</h1>{% endblock %}",
    );
    apply(&mut session, &["templates/404.html"]);
    assert_same_as_full_build(&session, "a fixed template");
    site.write(
        "site.toml",
        &site
            .read("site.toml")
            .replacen("title = ", "title = \"Renamed\"\n# was: ", 1),
    );
    let r = apply(&mut session, &["site.toml"]);
    assert!(matches!(r.outcome, Outcome::Reload { .. }), "{r:?}");
    assert_same_as_full_build(&session, "site.toml");
}

#[test]
fn a_first_caveat_and_a_config_error_are_handled() {
    let site = SiteTest::from_files(&[
        ("content/a.md", "---\ntitle: A\n---\n## One\n\nText.\n"),
        ("content/b.md", "---\ntitle: B\n---\nText.\n"),
    ]);
    let root = site.root().canonicalize().unwrap();
    let (mut session, _) = Session::start(BuildOptions::for_serve(root));
    // The site's first caveat links the caveats page from every page: a full build.
    site.write(
        "content/a.md",
        "---\ntitle: A\n---\n## One\n\n::: caveat warning from=\"a reader\"\nMind this.\n:::\n",
    );
    let r = apply(&mut session, &["content/a.md"]);
    assert!(matches!(r.rebuilt, Rebuilt::Site { .. }), "{r:?}");
    assert_same_as_full_build(&session, "the first caveat");

    // A config error is reported, never fatal; the last good build stays.
    let good = session.files().snapshot();
    site.write("site.toml", "title = \n");
    let r = apply(&mut session, &["site.toml"]);
    assert!(matches!(r.outcome, Outcome::Failed { .. }), "{r:?}");
    assert_eq!(session.files().snapshot(), good);
    // While the config is broken, content edits wait for it.
    site.write("content/b.md", "---\ntitle: B\n---\nNew text.\n");
    let r = apply(&mut session, &["content/b.md"]);
    assert!(matches!(r.outcome, Outcome::Failed { .. }), "{r:?}");
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://t.example/\"\n",
    );
    let r = apply(&mut session, &["site.toml"]);
    assert!(matches!(r.outcome, Outcome::Reload { .. }), "{r:?}");
    assert_same_as_full_build(&session, "fixing site.toml");
}

/// A body edit that removes a heading: the link to it from another page is reported,
/// as a full build reports it, and putting it back clears the warning.
#[test]
fn anchor_checks_follow_a_page_rebuild() {
    let site = SiteTest::from_files(&[
        (
            "content/a.md",
            "---\ntitle: A\n---\nSee [B's step](b.md#the-step).\n",
        ),
        ("content/b.md", "---\ntitle: B\n---\n## The step\n\nText.\n"),
    ]);
    let root = site.root().canonicalize().unwrap();
    let (mut session, first) = Session::start(BuildOptions::for_serve(root));
    assert!(first.diagnostics.is_empty(), "{:?}", first.diagnostics);
    site.write(
        "content/b.md",
        "---\ntitle: B\n---\n## Another step\n\nText.\n",
    );
    let r = apply(&mut session, &["content/b.md"]);
    assert!(is_page_rebuild(&r), "{r:?}");
    let missing: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == "missing-anchor")
        .collect();
    assert_eq!(missing.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(missing[0].file, Path::new("content/a.md"));
    assert_eq!(missing[0].line, 4);
    site.write("content/b.md", "---\ntitle: B\n---\n## The step\n\nText.\n");
    let r = apply(&mut session, &["content/b.md"]);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_same_as_full_build(&session, "putting the heading back");
}

/// The output paths a page rebuild wrote (pages and the caveats page).
fn rebuilt_pages(report: &Report) -> Vec<String> {
    match &report.rebuilt {
        Rebuilt::Pages(pages) => pages.clone(),
        other => panic!("expected a page rebuild, got {other:?}"),
    }
}

fn reloaded(report: &Report) -> Vec<String> {
    match &report.outcome {
        Outcome::Reload { pages } => pages.clone(),
        other => panic!("expected a reload, got {other:?}"),
    }
}

/// SPEC §3.5: saving a file rebuilds every page that includes it, directly or
/// through another file, and only those; the result equals a full build.
#[test]
fn a_partial_save_rebuilds_exactly_the_pages_that_include_it() {
    let site = SiteTest::from_files(&[
        ("content/a.md", "---\ntitle: A\n---\n\n::: include _b.md\n"),
        ("content/_b.md", "B says hi.\n\n::: include shared/_c.md\n"),
        ("content/shared/_c.md", "C says hi.\n"),
        (
            "content/d.md",
            "---\ntitle: D\n---\n\n## D\n\n::: include shared/_c.md\n",
        ),
        ("content/e.md", "---\ntitle: E\n---\n\nNo includes.\n"),
    ]);
    let root = site.root().canonicalize().unwrap();
    let (mut session, first) = Session::start(BuildOptions::for_serve(root));
    assert!(first.diagnostics.is_empty(), "{:?}", first.diagnostics);

    // The nested partial: a (through _b) and d.
    site.write("content/shared/_c.md", "C says hello.\n");
    let r = apply(&mut session, &["content/shared/_c.md"]);
    assert_eq!(
        rebuilt_pages(&r),
        ["a/index.html", "d/index.html", "caveats/index.html"]
    );
    assert_eq!(reloaded(&r), ["/a/", "/d/"]);
    assert_same_as_full_build(&session, "the nested partial");

    // The outer partial: a alone.
    site.write(
        "content/_b.md",
        "B says hello.\n\n::: include shared/_c.md\n",
    );
    let r = apply(&mut session, &["content/_b.md"]);
    assert_eq!(rebuilt_pages(&r), ["a/index.html", "caveats/index.html"]);
    assert_eq!(reloaded(&r), ["/a/"]);
    assert_same_as_full_build(&session, "the outer partial");

    // A body edit that includes the partial in one more page; then the partial again.
    site.write(
        "content/e.md",
        "---\ntitle: E\n---\n\nNow with C.\n\n::: include shared/_c.md\n",
    );
    let r = apply(&mut session, &["content/e.md"]);
    assert_eq!(reloaded(&r), ["/e/"]);
    site.write("content/shared/_c.md", "C says good morning.\n");
    let r = apply(&mut session, &["content/shared/_c.md"]);
    assert_eq!(reloaded(&r), ["/a/", "/d/", "/e/"]);
    assert_same_as_full_build(&session, "a third including page");

    // A guide that another page includes: both pages.
    site.write(
        "content/d.md",
        "---\ntitle: D\n---\n\n## D\n\nD's own words.\n\n::: include e.md\n",
    );
    let r = apply(&mut session, &["content/d.md"]);
    assert_eq!(reloaded(&r), ["/d/"]);
    site.write(
        "content/e.md",
        "---\ntitle: E\n---\n\nNow with C, and more.\n\n::: include shared/_c.md\n",
    );
    let r = apply(&mut session, &["content/e.md"]);
    assert_eq!(reloaded(&r), ["/d/", "/e/"]);
    assert_same_as_full_build(&session, "an included guide");

    // A partial that breaks the build (a bad include) is reported where it is; the
    // fix rebuilds the same pages.
    site.write("content/_b.md", "::: include _nope.md\n");
    let r = apply(&mut session, &["content/_b.md"]);
    match &r.outcome {
        Outcome::Failed { errors } => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].file, Path::new("content/_b.md"));
            assert_eq!(
                *errors[0].included_from,
                [(PathBuf::from("content/a.md"), 5)]
            );
        }
        o => panic!("expected a failed build, got {o:?}"),
    }
    site.write("content/_b.md", "B is back.\n");
    let r = apply(&mut session, &["content/_b.md"]);
    assert!(matches!(r.outcome, Outcome::Reload { .. }), "{r:?}");
    assert_same_as_full_build(&session, "fixing a partial");

    // A new partial, and a deleted one, change what the site holds: a full build.
    site.write("content/_new.md", "New.\n");
    let r = apply(&mut session, &["content/_new.md"]);
    assert!(matches!(r.rebuilt, Rebuilt::Site { .. }), "{r:?}");
    assert!(r.diagnostics.iter().any(|d| d.code == "unused-partial"));
    site.remove("content/_new.md");
    let r = apply(&mut session, &["content/_new.md"]);
    assert!(matches!(r.rebuilt, Rebuilt::Site { .. }), "{r:?}");
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_same_as_full_build(&session, "a new and a deleted partial");
}

#[test]
fn editor_temporary_files_and_other_folders_are_ignored() {
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\nText.\n")]);
    let root = site.root().canonicalize().unwrap();
    let (mut session, _) = Session::start(BuildOptions::for_serve(root.clone()));
    for path in [
        "content/.a.md.swp",
        "content/a.md~",
        "content/4913",
        "content/#a.md#",
        "public/index.html",
        "notes.txt",
    ] {
        let paths = vec![root.join(path)];
        assert!(session.apply_paths(&paths).is_none(), "{path}");
    }
}

/// The server: pages, live-reload events, errors, traversal, the output folder.
#[test]
fn serve_serves_the_site_and_follows_saves() {
    let site = SiteTest::from_sample_site();
    // A symlink in static/ that leads out of the site must not be served.
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), "SECRET-OUTSIDE").unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root().join("static/leak.txt")).unwrap();
    let mut server = ServeProcess::start(site.root(), &[]);

    let home = http_get(&server.addr, "/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), "text/html; charset=utf-8");
    let doc = scraper::Html::parse_document(&home.body_text());
    let live = scraper::Selector::parse("script[src=\"/__guidepost/live.js\"]").unwrap();
    assert_eq!(doc.select(&live).count(), 1, "the live-reload script");
    assert_eq!(http_get(&server.addr, "/__guidepost/live.js").status, 200);
    let css = scraper::Selector::parse("link[rel=stylesheet]").unwrap();
    let css_url = doc
        .select(&css)
        .next()
        .unwrap()
        .attr("href")
        .unwrap()
        .to_string();
    assert_eq!(
        http_get(&server.addr, &css_url).header("content-type"),
        "text/css; charset=utf-8"
    );
    assert_eq!(
        http_get(&server.addr, "/search/index.json").header("content-type"),
        "application/json"
    );
    let missing = http_get(&server.addr, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body_text().contains("<html"), "404.html is served");
    let redirect = http_get(&server.addr, "/customers");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), "/customers/");

    for attempt in [
        "/../../../../etc/passwd",
        "/customers/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/customers%2f..%2f..%2fsite.toml",
        "/..%5c..%5csite.toml",
        "/leak.txt",
        "/site.toml",
        "/content/customers/_index.md",
    ] {
        let r = http_get(&server.addr, attempt);
        assert!(
            r.status == 400 || r.status == 404,
            "{attempt}: {}",
            r.status
        );
        let body = r.body_text();
        assert!(
            !body.contains("root:")
                && !body.contains("SECRET-OUTSIDE")
                && !body.contains("base_url"),
            "{attempt} leaked a file"
        );
    }

    // A save shows in the served page.
    let guide = "content/customers/ask-customer-to-name-you.md";
    site.write(
        guide,
        &format!("{}\nA sentence from the watcher test.\n", site.read(guide)),
    );
    let url = "/customers/ask-customer-to-name-you/";
    wait_for("the edit", || {
        http_get(&server.addr, url)
            .body_text()
            .contains("A sentence from the watcher test.")
    });
    // The search index follows the edit.
    wait_for("the search index", || {
        search_words(&server.addr, 'w').contains("\"watcher\"")
    });

    // A broken save: the last good page stays, the terminal shows the error.
    site.write(guide, &format!("{}\n::: nonsense\n", site.read(guide)));
    wait_for("the error", || {
        server
            .stderr()
            .contains("still serving the last good build")
    });
    let page = http_get(&server.addr, url);
    assert_eq!(page.status, 200);
    assert!(page
        .body_text()
        .contains("A sentence from the watcher test."));
    assert!(server.stderr().contains("unknown directive"));
    // Fixed: served again, with the newest text.
    site.write(
        guide,
        &site
            .read(guide)
            .replace("\n::: nonsense\n", "\nFixed again.\n"),
    );
    wait_for("the fix", || {
        http_get(&server.addr, url)
            .body_text()
            .contains("Fixed again.")
    });

    // A deleted guide is a 404, not the end of the server.
    site.remove(guide);
    wait_for("the 404", || http_get(&server.addr, url).status == 404);
    assert!(server.is_running());
    // Nothing was ever written to the output folder.
    assert!(!site.root().join("public").exists());
}

/// The words of the served search index that start with `letter`.
fn search_words(addr: &str, letter: char) -> String {
    let index = http_get(addr, "/search/index.json").body_text();
    let v: serde_json::Value = serde_json::from_str(&index).unwrap_or_default();
    match v.get("vocabulary").and_then(|f| f.as_str()) {
        Some(dir) => {
            let file = http_get(addr, &format!("/search/{dir}/{letter}.jsonz"));
            guidepost::search::unpack(&file.body).unwrap_or_default()
        }
        None => String::new(),
    }
}

fn wait_for(what: &str, ok: impl FnMut() -> bool) {
    assert!(wait_until(ok), "timed out waiting for {what}");
}

/// Whether `ok` came true within 20 s.
fn wait_until(mut ok: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\nText.\n")]);
    let run = site.run(&["serve", "--port", &port]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("port {port}")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--port"),
        "suggests another port: {}",
        run.stderr
    );
}

#[test]
fn build_output_has_no_live_reload_script() {
    let site = SiteTest::from_sample_site();
    let run = site.build(&[]);
    run.ok();
    for page in ["", "customers/", "customers/ask-customer-to-name-you/"] {
        assert!(run
            .page(page)
            .select("script[src*=\"__guidepost\"]")
            .is_empty());
        assert!(!run
            .file(&format!("{page}index.html"))
            .contains("__guidepost"));
    }
}

#[test]
fn drafts_are_served() {
    let site = SiteTest::from_files(&[
        ("content/a.md", "---\ntitle: A\n---\nText.\n"),
        (
            "content/wip.md",
            "---\ntitle: Work in progress\ndraft: true\n---\nText.\n",
        ),
    ]);
    let (session, _) = Session::start(BuildOptions::for_serve(site.root().canonicalize().unwrap()));
    assert!(session.files().get("wip/index.html").is_some());
    // …while `build` leaves them out.
    site.build(&[]).ok();
    assert!(!site.root().join("public/wip/index.html").exists());
}

/// Where native events do not arrive, GUIDEPOST_POLL=1 polls; a save still shows.
#[test]
fn polling_picks_up_a_save() {
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\nFirst text.\n")]);
    let server = ServeProcess::start(site.root(), &[("GUIDEPOST_POLL", "1")]);
    assert!(http_get(&server.addr, "/a/")
        .body_text()
        .contains("First text."));
    // The poller compares with what it saw at its previous poll: let one happen.
    std::thread::sleep(Duration::from_millis(1000));
    site.write("content/a.md", "---\ntitle: A\n---\nPolled text.\n");
    let seen = wait_until(|| {
        http_get(&server.addr, "/a/")
            .body_text()
            .contains("Polled text.")
    });
    assert!(seen, "the polled edit did not arrive: {}", server.stderr());
}

/// `--open` starts the system's opener (xdg-open here) with the site's URL.
#[test]
fn open_starts_the_browser_with_the_url() {
    use std::os::unix::fs::PermissionsExt;
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\nText.\n")]);
    let bin = tempfile::tempdir().unwrap();
    let opened = bin.path().join("opened.txt");
    let opener = bin.path().join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$1\" > {}\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .args(["serve", "--port", "0", "--open", "--root"])
        .arg(site.root())
        .env("PATH", path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the opener", || opened.exists());
    let _ = child.kill();
    let _ = child.wait();
    let url = std::fs::read_to_string(&opened).unwrap();
    assert!(url.trim().starts_with("http://127.0.0.1:"), "{url}");
    assert!(url.trim().ends_with('/'), "{url}");
}

/// A site that does not build at start: the server stays up with a page that shows
/// the errors, and serves the site once a save fixes it.
#[test]
fn a_site_that_does_not_build_yet_is_served_once_fixed() {
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\n::: nonsense\n")]);
    let mut server = ServeProcess::start(site.root(), &[]);
    // The terminal lines arrive on stderr, read on another thread than stdout's first
    // line: under load they may come a moment later.
    let said = wait_until(|| {
        server
            .stderr()
            .contains("still serving the last good build")
    });
    assert!(said, "{}", server.stderr());
    let page = http_get(&server.addr, "/a/");
    assert_eq!(page.status, 404);
    let doc = scraper::Html::parse_document(&page.body_text());
    let live = scraper::Selector::parse("script[src=\"/__guidepost/live.js\"]").unwrap();
    assert_eq!(
        doc.select(&live).count(),
        1,
        "the waiting page listens for rebuilds"
    );
    site.write("content/a.md", "---\ntitle: A\n---\nFixed.\n");
    wait_for("the fixed site", || {
        http_get(&server.addr, "/a/").body_text().contains("Fixed.")
    });
    assert!(server.is_running());
}

/// A stylesheet of static/ that is not a theme file keeps its name: the swap gives the
/// browser the same URL with a new query, so that it fetches the file again.
#[test]
fn a_plain_static_stylesheet_is_swapped_by_query() {
    let site = SiteTest::from_files(&[
        ("content/a.md", "---\ntitle: A\n---\nText.\n"),
        ("static/custom.css", "body { color: red; }\n"),
    ]);
    let (mut session, _) =
        Session::start(BuildOptions::for_serve(site.root().canonicalize().unwrap()));
    site.write("static/custom.css", "body { color: blue; }\n");
    let r = apply(&mut session, &["static/custom.css"]);
    assert_eq!(
        r.outcome,
        Outcome::Css {
            swaps: vec![("/custom.css".into(), "/custom.css?v=1".into())]
        }
    );
    assert_eq!(
        session.files().get("custom.css").unwrap().as_ref(),
        b"body { color: blue; }\n"
    );
    assert_same_as_full_build(&session, "a plain stylesheet");
}

#[test]
fn titles_from_h1_and_new_section_pages_follow_saves() {
    let site = SiteTest::from_files(&[
        ("content/h1-only.md", "# First title\n\nText.\n"),
        (
            "content/both.md",
            "---\ntitle: Front title\n---\n# Body heading\n",
        ),
        ("content/folder/index.md", "# A guide folder\n"),
    ]);
    let root = site.root().canonicalize().unwrap();
    let (mut session, _) = Session::start(BuildOptions::for_serve(root));
    // The H1 of a page without a front matter title is its title, which other pages
    // show: a full build.
    site.write("content/h1-only.md", "# Second title\n\nText.\n");
    let r = apply(&mut session, &["content/h1-only.md"]);
    assert!(!is_page_rebuild(&r), "{r:?}");
    assert_same_as_full_build(&session, "an H1 title edit");
    // Under a front matter title the H1 shows on its own page only.
    site.write(
        "content/both.md",
        "---\ntitle: Front title\n---\n# New body heading\n",
    );
    let r = apply(&mut session, &["content/both.md"]);
    assert!(is_page_rebuild(&r), "{r:?}");
    assert_same_as_full_build(&session, "an H1 edit under a front matter title");
    // A page beside a guide folder's index.md makes the folder a section.
    site.write("content/folder/second.md", "# Second page\n");
    apply(&mut session, &["content/folder/second.md"]);
    assert_same_as_full_build(&session, "a page beside index.md");
    let served = session.files().get("folder/second/index.html");
    assert!(served.is_some());
}

/// Issue 22: a template save renders no page before the browsers reload; every page
/// is then rendered when first asked for, exactly as a full build writes it, and the
/// check of every page that follows finds what a full build would report.
#[test]
fn pages_served_after_a_template_change_equal_a_full_build() {
    let site = SiteTest::from_sample_site();
    let root = site.root().canonicalize().unwrap();
    let (mut session, _) = Session::start(BuildOptions::for_serve(root));
    let page = "customers/ask-customer-to-name-you/index.html";
    assert!(session.files().get(page).is_some());
    assert!(session.files().rendered_pages() > 0);

    // The site's own guide template, then an edit of it.
    let theme_guide = include_str!("../../themes/default/templates/guide.html");
    for (i, mark) in ["<!-- first -->", "<!-- second -->"].iter().enumerate() {
        site.write(
            "templates/guide.html",
            &theme_guide.replacen("{% block main %}", &format!("{{% block main %}}{mark}"), 1),
        );
        let r = session
            .apply_paths(&[PathBuf::from("templates/guide.html")])
            .unwrap();
        assert!(matches!(r.rebuilt, Rebuilt::Theme { .. }), "{r:?}");
        assert_eq!(r.outcome, Outcome::ReloadAll, "save {i}");
        assert!(r.check_pending && session.check_pending());
        assert_eq!(session.files().rendered_pages(), 0, "nothing rendered yet");
        let served = session.files().get(page).unwrap();
        assert!(String::from_utf8_lossy(&served).contains(mark));
        assert_eq!(session.files().rendered_pages(), 1, "the page asked for");
    }
    // Every page as a reader opens it, before and after the check: a full build.
    assert_same_as_full_build(&session, "a template change, before the check");
    assert!(session.check_pages(&|| true).is_none(), "a stopped check");
    assert!(session.check_pending(), "a stopped check stays pending");
    assert!(
        session.check_pages(&|| false).is_none(),
        "no template error"
    );
    assert!(!session.check_pending());
    assert_same_as_full_build(&session, "a template change, after the check");

    // A body edit after a template change: the page alone, against the new template.
    let guide = "content/customers/ask-customer-to-name-you.md";
    site.write(guide, &format!("{}\nA closing line.\n", site.read(guide)));
    let r = apply(&mut session, &[guide]);
    assert!(is_page_rebuild(&r), "{r:?}");
    assert_same_as_full_build(&session, "a body edit after a template change");
}

/// A template that compiles but fails on some pages: the browsers reload at once, the
/// check of every page then reports the failure and serves the last good theme again.
#[test]
fn a_template_failing_at_render_time_is_found_by_the_check() {
    let site = SiteTest::from_sample_site();
    let root = site.root().canonicalize().unwrap();
    let (mut session, _) = Session::start(BuildOptions::for_serve(root));
    let good = session.files().snapshot();
    site.write(
        "templates/section.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.no_such_field.deeper }}{% endblock %}",
    );
    let r = session
        .apply_paths(&[PathBuf::from("templates/section.html")])
        .unwrap();
    assert_eq!(r.outcome, Outcome::ReloadAll, "{r:?}");
    let failed = session
        .check_pages(&|| false)
        .expect("the check reports the failure");
    match &failed.outcome {
        Outcome::Failed { errors } => assert!(
            errors
                .iter()
                .any(|e| e.code == "template" && e.file == Path::new("templates/section.html")),
            "{errors:?}"
        ),
        o => panic!("expected a failure, got {o:?}"),
    }
    assert_eq!(
        session.files().snapshot(),
        good,
        "the last good theme is served"
    );
    // Fixing the template serves it.
    site.write(
        "templates/section.html",
        "{% extends \"base.html\" %}{% block main %}<p>Sections</p>{% endblock %}",
    );
    let r = apply(&mut session, &["templates/section.html"]);
    assert!(
        matches!(r.outcome, Outcome::ReloadAll | Outcome::Reload { .. }),
        "{r:?}"
    );
    assert!(session.check_pages(&|| false).is_none());
    assert_same_as_full_build(&session, "the fixed template");
}

/// Issue 22: pages are rendered when first asked for, so a save that breaks a partial
/// must leave the state they render from as it was: the pages that include it, never
/// opened before, are still the last good build's.
#[test]
fn a_broken_partial_leaves_unopened_pages_as_they_were() {
    let site = SiteTest::from_sample_site();
    let root = site.root().canonicalize().unwrap();
    let good = full_build(&root);
    let (mut session, _) = Session::start(BuildOptions::for_serve(root));
    let partial = "content/partner-id/_look-up-partner-id.md";
    site.write(partial, &format!("{}\n::: nonsense\n", site.read(partial)));
    let r = apply(&mut session, &[partial]);
    assert!(matches!(r.outcome, Outcome::Failed { .. }), "{r:?}");
    assert_eq!(
        session.files().snapshot(),
        good,
        "the last good build is served"
    );
    site.write(
        partial,
        &site.read(partial).replace("\n::: nonsense\n", "\n"),
    );
    let r = apply(&mut session, &[partial]);
    assert!(!matches!(r.outcome, Outcome::Failed { .. }), "{r:?}");
    assert_same_as_full_build(&session, "fixing the partial");
}

#[test]
fn a_sidecar_save_re_renders_pages_that_only_link_to_its_screenshot() {
    let site = SiteTest::from_files(&[
        (
            "content/a.md",
            "---\ntitle: A\n---\nSee [the full size](shots/s.png).\n",
        ),
        ("content/shots/s.png.yaml", "redact:\n  - [0, 0, 10, 10]\n"),
    ]);
    site.write_bytes(
        "content/shots/s.png",
        &crate::screenshot_data::noise_png(120, 80, 3),
    );
    let root = site.root().canonicalize().unwrap();
    let (mut session, _) = Session::start(BuildOptions::for_serve(root));
    assert_same_as_full_build(&session, "the first build");
    // Another region: the redacted copy, and so its hashed name, changes.
    site.write(
        "content/shots/s.png.yaml",
        "redact:\n  - [20, 20, 10, 10]\n",
    );
    apply(&mut session, &["content/shots/s.png.yaml"]);
    assert_same_as_full_build(&session, "a sidecar save");
}
