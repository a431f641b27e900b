//! Issue 14: nothing lost, nothing crashed, nothing let in. Output folders guidepost did
//! not write, write failures, symlinks out of the site, the server's Host and methods,
//! huge screenshots, odd file names and names guidepost writes itself.

use crate::harness::{http_get, http_request, HttpResponse, Page, ServeProcess, SiteTest};
use std::path::Path;
use std::time::{Duration, Instant};

const GUIDE: &str = "---\ntitle: A\n---\n\nText.\n";

/// A relative path of folders whose names are at most 200 bytes, such that
/// `base/<path>` is `total` bytes long.
pub fn deep_path(base: &Path, total: usize) -> String {
    let mut left = total - base.as_os_str().len() - 1;
    let mut parts = Vec::new();
    while left > 0 {
        // Each part but the last also takes a `/`.
        // Long names keep the folders fewer than `source::MAX_SECTION_DEPTH`.
        let n = if left <= 250 { left } else { 250.min(left - 2) };
        parts.push("d".repeat(n));
        left -= n;
        left = left.saturating_sub(1);
    }
    let path = parts.join("/");
    assert_eq!(base.join(&path).as_os_str().len(), total);
    path
}

/// Every file below `dir`, relative, with its content.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let bytes = if e.file_type().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (rel, bytes)
        })
        .collect();
    files.sort();
    files
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("guidepost-tmp"))
        .collect()
}

// 1. Never delete what guidepost did not write.

#[test]
fn a_folder_guidepost_did_not_write_is_refused_and_left_as_it_was() {
    let site = SiteTest::from_files(&[("content/a.md", GUIDE)]);
    site.write("gh-pages/.git/HEAD", "ref: refs/heads/gh-pages\n");
    site.write("gh-pages/index.html", "<h1>The published site</h1>");
    site.write("gh-pages/CNAME", "help.example.com\n");
    let before = snapshot(&site.root().join("gh-pages"));
    let run = site.build(&["--out", "gh-pages"]);
    run.expect_status(2);
    let d = run.diag("refusing to replace");
    assert_eq!(d.code, "output");
    assert!(
        d.message.contains("not written by guidepost"),
        "{}",
        d.message
    );
    assert!(d.message.contains(".git"), "{}", d.message);
    assert!(run.stdout.contains("new or empty folder"), "{}", run.stdout);
    assert_eq!(snapshot(&site.root().join("gh-pages")), before);
    assert!(temporaries(site.root()).is_empty());
    // The same through output_dir, and for a file in the way.
    site.write(
        "site.toml",
        "title = 'T'\nbase_url = 'https://t.example/'\noutput_dir = 'gh-pages'\n",
    );
    site.build(&[]).expect_status(2);
    assert_eq!(snapshot(&site.root().join("gh-pages")), before);
    site.write("a-file", "mine");
    site.build(&["--out", "a-file"]).expect_status(2);
    assert_eq!(site.read("a-file"), "mine");
}

#[test]
fn an_empty_folder_is_used_and_a_previous_output_is_replaced() {
    let site = SiteTest::from_files(&[("content/a.md", GUIDE)]);
    std::fs::create_dir(site.root().join("public")).unwrap();
    let run = site.build(&[]);
    run.ok();
    assert!(
        run.exists(".guidepost-output"),
        "every output carries the marker"
    );
    assert!(run.exists("a/index.html"));
    // Extra files in a previous output go with it: the folder is replaced whole.
    site.write("public/extra.txt", "added by hand");
    site.write("content/a.md", "---\ntitle: B\n---\n");
    let run = site.build(&[]);
    run.ok();
    assert_eq!(run.page("a/").text("h1"), "B");
    assert!(!run.exists("extra.txt"));
    assert!(run.exists(".guidepost-output"));
}

#[cfg(target_os = "linux")]
#[test]
fn leftovers_of_killed_runs_are_removed_by_the_next_run() {
    let site = SiteTest::from_fixture("versions/basic");
    // No process has a pid this large (Linux's limit is 2^22).
    for dead in [
        ".public.guidepost-tmp-999999999/index.html",
        ".public.guidepost-tmp-999999999.old/index.html",
        "versions/.v3.guidepost-tmp-999999999/a.md",
        ".site.toml.guidepost-tmp-999999999",
    ] {
        site.write(dead, "left by a killed run");
    }
    // This test's own process is alive: its temporary folder is not touched.
    let alive = format!(".public.guidepost-tmp-{}/index.html", std::process::id());
    site.write(&alive, "in use");
    // Another output's leftovers are not this build's business.
    site.write(".docs.guidepost-tmp-999999999/index.html", "other");
    site.build(&[]).ok();
    let mut left = temporaries(site.root());
    left.sort();
    assert_eq!(
        left,
        vec![
            ".docs.guidepost-tmp-999999999".to_string(),
            format!(".public.guidepost-tmp-{}", std::process::id()),
            ".site.toml.guidepost-tmp-999999999".to_string(),
        ]
    );
    site.run(&["version", "cut", "v2"]).expect_status(0);
    assert_eq!(
        temporaries(&site.root().join("versions")),
        Vec::<String>::new()
    );
    assert!(!site
        .root()
        .join(".site.toml.guidepost-tmp-999999999")
        .exists());
}

// 2. An I/O failure while writing is not "content has errors".

#[test]
fn an_output_that_cannot_be_written_is_exit_status_2() {
    // A file where a folder must go.
    let site = SiteTest::from_files(&[("content/a.md", GUIDE)]);
    site.write("notes.txt", "mine");
    let run = site.build(&["--out", "notes.txt/public"]);
    run.expect_status(2);
    assert_eq!(site.read("notes.txt"), "mine");
    // A page whose output path is longer than the system allows (its source fits):
    // the write fails in the middle of the build.
    let site = SiteTest::from_files(&[("content/a.md", GUIDE)]);
    let root = site.root().canonicalize().unwrap();
    let deep = deep_path(&root.join("content"), 4085);
    site.write(&format!("content/{deep}.md"), GUIDE);
    let run = site.build(&[]);
    run.expect_status(2);
    let writes: Vec<_> = run
        .diags()
        .into_iter()
        .filter(|d| d.code == "output-write")
        .collect();
    assert!(!writes.is_empty(), "{:?}", run.diags());
    assert!(!root.join("public").exists());
    assert!(temporaries(&root).is_empty());
}

// 3. Symlinks that lead out of the site.

#[test]
fn a_folder_symlink_out_of_the_site_is_not_walked() {
    let site = SiteTest::from_files(&[("content/a.md", GUIDE)]);
    std::os::unix::fs::symlink("/", site.root().join("content/root")).unwrap();
    let started = Instant::now();
    let run = site.run(&["check", "--format", "json"]);
    run.expect_status(0);
    assert!(started.elapsed() < Duration::from_secs(20));
    let d = run.diag("leads out of the site");
    assert_eq!(
        (d.code.as_str(), d.file.as_str()),
        ("symlink-outside", "content/root")
    );
    let run = site.build(&[]);
    run.expect_status(0);
    assert_eq!(run.diags().len(), 1);
}

#[test]
fn serve_starts_quickly_beside_a_symlink_to_the_root_folder() {
    let site = SiteTest::from_files(&[("content/a.md", GUIDE)]);
    std::os::unix::fs::symlink("/", site.root().join("content/root")).unwrap();
    let started = Instant::now();
    let server = ServeProcess::start_within(site.root(), &[], Duration::from_secs(20));
    let home = http_get(&server.addr, "/");
    assert_eq!(home.status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let terminal = server.stderr();
    assert!(terminal.contains("(1 warning)"), "{terminal}");
    assert!(terminal.contains("warning[symlink-outside]"), "{terminal}");
    assert!(terminal.contains("--> content/root:1:1"), "{terminal}");
    // Saves are still seen.
    site.write("content/a.md", "---\ntitle: A\n---\n\nSaved again.\n");
    let seen = (0..200).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        http_get(&server.addr, "/a/")
            .body_text()
            .contains("Saved again.")
    });
    assert!(seen, "{}", server.stderr());
}

#[test]
fn a_markdown_symlink_to_a_file_outside_is_not_published() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: Secret\n---\nSECRET-OUTSIDE\n",
    )
    .unwrap();
    let site = SiteTest::from_files(&[("content/a.md", GUIDE)]);
    site.write(
        "shared/inside.md",
        "---\ntitle: Inside\n---\nShared text.\n",
    );
    site.write(
        "content/docs/guide.md",
        "---\ntitle: Guide\n---\nIn a folder.\n",
    );
    let link = |target: &Path, at: &str| {
        std::os::unix::fs::symlink(target, site.root().join(at)).unwrap();
    };
    link(&outside.path().join("secret.md"), "content/secret.md");
    link(&site.root().join("shared/inside.md"), "content/inside.md");
    // A folder symlink inside the site is not followed either: it says so.
    link(&site.root().join("content/docs"), "content/docs-again");
    let run = site.build(&[]);
    run.expect_status(0);
    let d = run.diag("outside the site folder");
    assert_eq!(
        (d.code.as_str(), d.file.as_str()),
        ("symlink-outside", "content/secret.md")
    );
    let d = run.diag("folder symlinks are not followed");
    assert_eq!(
        (d.code.as_str(), d.file.as_str()),
        ("symlink-folder", "content/docs-again")
    );
    assert!(!run.exists("secret/index.html"));
    assert!(!run.exists("docs-again/guide/index.html"));
    assert!(run
        .page("inside/")
        .text(".content")
        .contains("Shared text."));
    for file in walkdir::WalkDir::new(&run.out_dir) {
        let file = file.unwrap();
        if file.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(file.path()).unwrap()).into_owned();
            assert!(
                !text.contains("SECRET-OUTSIDE"),
                "{}",
                file.path().display()
            );
        }
    }
}

/// A page saved as a symlink to a file outside while `serve` runs is not published
/// either: the one-page rebuild reads through the same check.
#[test]
fn a_page_replaced_by_an_outside_symlink_is_dropped_by_serve() {
    use guidepost::serve::session::Session;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: A\n---\nSECRET-OUTSIDE\n",
    )
    .unwrap();
    let site = SiteTest::from_files(&[("content/a.md", GUIDE)]);
    let root = site.root().canonicalize().unwrap();
    let (mut session, _) =
        Session::start(guidepost::pipeline::BuildOptions::for_serve(root.clone()));
    assert!(session.files().get("a/index.html").is_some());
    std::fs::remove_file(root.join("content/a.md")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), root.join("content/a.md"))
        .unwrap();
    let report = session
        .apply_paths(&[root.join("content/a.md")])
        .expect("a change");
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == "symlink-outside"));
    assert!(session.files().get("a/index.html").is_none());
}

#[test]
fn version_cut_copies_no_file_from_outside_the_site() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "SECRET-OUTSIDE").unwrap();
    let site = SiteTest::from_fixture("versions/basic");
    let content = site.root().join("content/guides");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), content.join("secret.md"))
        .unwrap();
    std::os::unix::fs::symlink(outside.path(), content.join("elsewhere")).unwrap();
    std::os::unix::fs::symlink("/", content.join("root")).unwrap();
    std::os::unix::fs::symlink(content.join("same.md"), content.join("alias.md")).unwrap();
    let run = site.run(&["version", "cut", "v3"]);
    run.expect_status(0);
    let frozen = site.root().join("versions/v3/guides");
    for gone in ["secret.md", "elsewhere", "root"] {
        assert!(
            std::fs::symlink_metadata(frozen.join(gone)).is_err(),
            "{gone} was copied"
        );
        assert!(
            run.stderr.contains(&format!("content/guides/{gone}")),
            "{gone}: {}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("symlink-outside"), "{}", run.stderr);
    // A link to a file inside the site is frozen as a copy of that file.
    let alias = std::fs::symlink_metadata(frozen.join("alias.md")).unwrap();
    assert!(alias.file_type().is_file());
    assert_eq!(
        std::fs::read(frozen.join("alias.md")).unwrap(),
        std::fs::read(content.join("same.md")).unwrap()
    );
}

// 4. `serve` answers only its own host, and only GET and HEAD.

#[test]
fn serve_answers_only_its_own_host_and_only_get_and_head() {
    let site = SiteTest::from_files(&[("content/a.md", GUIDE)]);
    let server = ServeProcess::start(site.root(), &[]);
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    let request = |method: &str, path: &str, host: Option<&str>| -> HttpResponse {
        let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
        http_request(
            &server.addr,
            &format!("{method} {path} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"),
        )
    };
    for host in [
        server.addr.clone(),
        format!("localhost:{port}"),
        "localhost".to_string(),
        format!("[::1]:{port}"),
    ] {
        let page = request("GET", "/a/", Some(&host));
        assert_eq!(page.status, 200, "{host}");
        assert!(page.body_text().contains("Text."), "{host}");
    }
    for host in [
        format!("attacker.example:{port}"),
        "attacker.example".to_string(),
        format!("127.0.0.1.nip.io:{port}"),
        format!("localhost.attacker.example:{port}"),
        format!("192.168.7.7:{port}"),
    ] {
        for path in ["/a/", "/__guidepost/events", "/__guidepost/live.js"] {
            let refused = request("GET", path, Some(&host));
            assert_eq!(refused.status, 400, "{host}{path}");
            assert!(!refused.body_text().contains("Text."));
        }
    }
    let no_host = http_request(&server.addr, "GET /a/ HTTP/1.0\r\n\r\n");
    assert_eq!(no_host.status, 400);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let refused = request(method, "/a/", Some(&server.addr));
        assert_eq!(refused.status, 405, "{method}");
        assert_eq!(refused.header("allow"), "GET, HEAD", "{method}");
    }
    let head = request("HEAD", "/a/", Some(&server.addr));
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), "text/html; charset=utf-8");
    assert!(head.body.is_empty());
}

// 5. Bounded memory for big screenshots.

/// The first bytes of a png of `width` × `height` (signature and header chunk), which
/// is all that measuring it reads.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    png
}

/// A 1 GB screenshot (a sparse file: a png header, then zeros) is measured from its
/// header and hashed in pieces: `check` stays far below the file's size in memory.
/// The child's peak memory (VmHWM, which only grows) is read from /proc while it runs.
#[cfg(target_os = "linux")]
#[test]
fn a_huge_screenshot_is_measured_without_reading_it_whole() {
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\n\n![A huge screenshot](huge.png)\n",
    )]);
    let path = site.root().join("content/huge.png");
    std::fs::write(&path, png_header(640, 480)).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let started = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .args(["check", "--format", "json"])
        .current_dir(site.root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        let hwm = std::fs::read_to_string(&status_file)
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0);
        peak_kb = peak_kb.max(hwm);
        assert!(started.elapsed() < Duration::from_secs(120), "check hangs");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    assert_eq!(status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("\"image-size\""), "{stdout}");
    assert!(stdout.contains("1048576 KB"), "{stdout}");
    assert!(peak_kb > 0, "the child's memory was never read");
    assert!(
        peak_kb < 200 * 1024,
        "check of a 1 GB screenshot peaked at {peak_kb} kB"
    );
}

#[test]
fn a_big_svg_is_measured_from_its_start() {
    let mut svg = "<svg xmlns='http://www.w3.org/2000/svg' width='30' height='20'>".to_string();
    svg.push_str(&"<!-- padding -->".repeat(200_000));
    svg.push_str("</svg>");
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\n\n![Big](big.svg)\n")]);
    site.write("content/big.svg", &svg);
    let run = site.build(&[]);
    run.expect_status(0);
    assert_eq!(run.diag("over max_screenshot_kb").code, "image-size");
    assert_eq!(run.page("a/").attr("img", "width"), "30");
    // Only the start of an svg is read: a tag after a megabyte of comment is not found.
    let late = format!(
        "<!-- {} --><svg width='3' height='2'></svg>",
        "x".repeat(1 << 20)
    );
    let site =
        SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\n\n![Late](late.svg)\n")]);
    site.write("content/late.svg", &late);
    let run = site.build(&[]);
    run.expect_status(1);
    assert_eq!(run.diag("first 256 KB").line, 5);
}

// 6. Names and collisions.

/// Every link in `page` to a page of the site (`/…`, or the absolute base URL) is
/// percent-encoded and leads to a file of the output.
fn assert_links_lead_to_files(out: &Path, page: &Page, base_url: &str) {
    for (css, attr) in [
        ("a[href]", "href"),
        ("link[href]", "href"),
        ("img[src]", "src"),
    ] {
        for url in page.attrs(css, attr) {
            let Some(path) = url.strip_prefix(base_url).or_else(|| url.strip_prefix('/')) else {
                continue;
            };
            assert!(
                url.is_ascii() && !url.contains([' ', '"', '<', '>']),
                "not encoded: {url}"
            );
            let path = path.split(['#', '?']).next().unwrap();
            let decoded = guidepost::url::percent_decode(path);
            let file = if decoded.is_empty() || decoded.ends_with('/') {
                format!("{decoded}index.html")
            } else {
                decoded
            };
            assert!(out.join(&file).is_file(), "{url} → {file} does not exist");
        }
    }
}

fn odd_names_site() -> SiteTest {
    let site = SiteTest::from_files(&[
        (
            "content/odd names/a b.md",
            "---\ntitle: Space\n---\nA space.\n",
        ),
        (
            "content/odd names/50% off.md",
            "---\ntitle: Percent\n---\nA percent.\n",
        ),
        (
            "content/odd names/what?.md",
            "---\ntitle: Question\n---\nA question.\n",
        ),
        (
            "content/odd names/c#.md",
            "---\ntitle: Hash\n---\nA hash.\n",
        ),
        (
            "content/odd names/größe.md",
            "---\ntitle: Umlaut\naliases: [/alte größe/]\n---\nAn umlaut.\n",
        ),
        (
            "content/links.md",
            "---\ntitle: Links\n---\n\n[space](<odd names/a b.md>) \
             [percent](odd%20names/50%25%20off.md) [question](odd%20names/what%3F.md) \
             [hash](odd%20names/c%23.md#top) [umlaut](<odd names/größe.md>)\n",
        ),
    ]);
    site.write(
        "site.toml",
        "title = 'T'\nbase_url = 'https://t.example/'\n\
         edit_url = 'https://example.com/edit/main/{path}'\n",
    );
    site
}

#[test]
fn odd_file_names_are_linked_percent_encoded_everywhere() {
    let site = odd_names_site();
    let run = site.build(&[]);
    run.ok();
    let out = &run.out_dir;
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let page = Page {
                html: scraper::Html::parse_document(
                    &std::fs::read_to_string(entry.path()).unwrap(),
                ),
            };
            assert_links_lead_to_files(out, &page, "https://t.example/");
        }
    }
    // Links written in markdown.
    assert_eq!(
        run.page("links/").attrs(".content a", "href"),
        vec![
            "/odd%20names/a%20b/",
            "/odd%20names/50%25%20off/",
            "/odd%20names/what%3F/",
            "/odd%20names/c%23/#top",
            "/odd%20names/gr%C3%B6%C3%9Fe/",
        ]
    );
    let page = run.page("odd names/a b/");
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        "https://t.example/odd%20names/a%20b/"
    );
    let edit: Vec<String> = page
        .attrs("a[href]", "href")
        .into_iter()
        .filter(|h| h.starts_with("https://example.com/edit/"))
        .collect();
    assert_eq!(
        edit,
        vec!["https://example.com/edit/main/content/odd%20names/a%20b.md"]
    );
    // The redirect page of an alias.
    let redirect = run.page("alte größe/");
    assert_eq!(
        redirect.attr("link[rel=canonical]", "href"),
        "https://t.example/odd%20names/gr%C3%B6%C3%9Fe/"
    );
    assert!(run
        .file("alte größe/index.html")
        .contains("url=/odd%20names/gr%C3%B6%C3%9Fe/"));
    let sitemap = run.file("sitemap.xml");
    for loc in [
        "<loc>https://t.example/odd%20names/50%25%20off/</loc>",
        "<loc>https://t.example/odd%20names/what%3F/</loc>",
        "<loc>https://t.example/odd%20names/c%23/</loc>",
    ] {
        assert!(sitemap.contains(loc), "{loc} in {sitemap}");
    }
    assert!(!sitemap.contains("odd names"), "{sitemap}");
    // The search index holds the encoded URLs.
    let mut search = String::new();
    for entry in walkdir::WalkDir::new(out.join("search")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            search.push_str(&guidepost::search::unpack(&bytes).unwrap());
        }
    }
    assert!(search.contains("odd%20names/what%3F/"), "{search}");
    assert!(!search.contains("odd names/"), "{search}");
}

#[test]
fn serve_finds_pages_with_odd_names() {
    let site = odd_names_site();
    let server = ServeProcess::start(site.root(), &[]);
    for url in [
        "/odd%20names/a%20b/",
        "/odd%20names/50%25%20off/",
        "/odd%20names/what%3F/",
        "/odd%20names/c%23/",
        "/odd%20names/gr%C3%B6%C3%9Fe/",
    ] {
        assert_eq!(http_get(&server.addr, url).status, 200, "{url}");
    }
    let moved = http_get(&server.addr, "/odd%20names/gr%C3%B6%C3%9Fe");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("location"), "/odd%20names/gr%C3%B6%C3%9Fe/");
}

#[test]
fn names_no_url_can_carry_are_not_published() {
    use std::os::unix::ffi::OsStrExt;
    let site = SiteTest::from_files(&[("content/a.md", GUIDE)]);
    for name in ["line\nbreak.md", "tab\there.md", "back\\slash.md"] {
        site.write(&format!("content/{name}"), GUIDE);
    }
    let bad_utf8 = std::ffi::OsStr::from_bytes(b"bad\xff.md");
    std::fs::write(site.root().join("content").join(bad_utf8), GUIDE).unwrap();
    let run = site.build(&[]);
    run.expect_status(0);
    let diags = run.diags();
    assert_eq!(diags.len(), 4, "{diags:?}");
    assert!(
        diags.iter().all(|d| d.code == "unservable-name"),
        "{diags:?}"
    );
    assert_eq!(run.diag("line break").file, "content/line\nbreak.md");
    assert_eq!(run.diag("U+0009").file, "content/tab\there.md");
    assert_eq!(run.diag("backslash").file, "content/back\\slash.md");
    assert!(run.diag("not valid UTF-8").file.starts_with("content/bad"));
    let mut published: Vec<String> = std::fs::read_dir(&run.out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    published.sort();
    assert_eq!(
        published,
        [
            ".guidepost-output",
            "404.html",
            "a",
            "assets",
            "caveats",
            "index.html",
            "robots.txt",
            "search",
            "sitemap.xml",
            "versions.json"
        ]
    );
}

#[test]
fn a_guide_at_a_name_guidepost_writes_is_an_error_at_the_guide() {
    let site = SiteTest::from_files(&[
        ("content/a.md", GUIDE),
        ("content/sitemap.xml.md", GUIDE),
        ("content/robots.txt.md", GUIDE),
        ("content/versions.json.md", GUIDE),
        ("content/404.html/index.md", GUIDE),
        ("content/index.html.md", GUIDE),
        ("content/assets/img.md", GUIDE),
        ("content/search.md", GUIDE),
        (
            "content/b.md",
            "---\ntitle: B\naliases: [/robots.txt/]\n---\n",
        ),
    ]);
    let expected = [
        "content/404.html/index.md",
        "content/assets/img.md",
        "content/b.md",
        "content/index.html.md",
        "content/robots.txt.md",
        "content/search.md",
        "content/sitemap.xml.md",
        "content/versions.json.md",
    ];
    for run in [site.run(&["check", "--format", "json"]), site.build(&[])] {
        run.expect_status(1);
        let mut files: Vec<String> = run.diags().iter().map(|d| d.file.clone()).collect();
        files.sort();
        assert_eq!(files, expected, "{:?}", run.diags());
        for d in run.diags() {
            assert_eq!(d.severity, "error");
            if d.file == "content/b.md" {
                assert_eq!((d.code.as_str(), d.line), ("alias", 3));
            } else {
                assert_eq!(d.code, "url-conflict", "{d:?}");
                assert!(d.message.contains("guidepost writes"), "{}", d.message);
            }
        }
    }
    assert!(!site.root().join("public").exists());
    // In a frozen version, its own search/ is taken.
    let site = SiteTest::from_fixture("versions/basic");
    site.write("versions/2013/search/x.md", GUIDE);
    site.write("versions/2013/sitemap.xml.md", GUIDE);
    let run = site.run(&["check", "--format", "json"]);
    run.expect_status(1);
    let d = run.diag("guidepost writes `search`");
    assert_eq!(d.file, "versions/2013/search/x.md");
    assert_eq!(run.diags().len(), 1, "{:?}", run.diags());
}

#[test]
fn version_ids_that_cannot_be_served_are_configuration_errors() {
    for id in [
        "search",
        "caveats",
        "sitemap.xml",
        "-old",
        "con",
        "nul.txt",
        "com3",
    ] {
        let site = SiteTest::from_fixture("versions/basic");
        let toml = site
            .read("site.toml")
            .replace("id = \"2013\"", &format!("id = \"{id}\""));
        site.write("site.toml", &toml);
        let run = site.run(&["check", "--format", "json"]);
        run.expect_status(2);
        let d = run.diag("versions.id");
        assert_eq!((d.file.as_str(), d.line), ("site.toml", 11), "{id}");
        assert!(
            d.message.contains("cannot be a version id"),
            "{id}: {}",
            d.message
        );
    }
    let site = SiteTest::from_fixture("versions/basic");
    let toml = site.read("site.toml");
    for id in ["search", "assets", "robots.txt", "con", "lpt1", "aux.v2"] {
        let run = site.run(&["version", "cut", id]);
        run.expect_status(2);
        assert!(
            run.stderr.contains("cannot be a version id"),
            "{id}: {}",
            run.stderr
        );
    }
    let run = site.run(&["version", "cut", "--", "-old"]);
    run.expect_status(2);
    assert!(
        run.stderr.contains("must not start with `-`"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("site.toml"), toml);
    assert!(!site.root().join("versions/search").exists());
}

/// `serve`'s reload message names changed pages by the URL the browser shows for them.
#[test]
fn a_reload_names_a_page_by_its_encoded_url() {
    use guidepost::serve::session::{Outcome, Session};
    let site = SiteTest::from_files(&[("content/what? 50%.md", GUIDE)]);
    let root = site.root().canonicalize().unwrap();
    let (mut session, _) =
        Session::start(guidepost::pipeline::BuildOptions::for_serve(root.clone()));
    site.write("content/what? 50%.md", "---\ntitle: A\n---\n\nEdited.\n");
    let report = session
        .apply_paths(&[root.join("content/what? 50%.md")])
        .expect("a change");
    let Outcome::Reload { pages } = report.outcome else {
        panic!("{:?}", report.outcome);
    };
    assert!(
        pages.contains(&"/what%3F%2050%25/".to_string()),
        "{pages:?}"
    );
}
