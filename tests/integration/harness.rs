//! Fixture harness: copy a fixture site (or write one from strings) into a temporary
//! folder, run the real `guidepost` binary on it, and inspect the exit status, the
//! diagnostics (as JSON) and the output pages (parsed as HTML).

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct SiteTest {
    dir: tempfile::TempDir,
}

pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl SiteTest {
    /// A copy of `tests/fixtures/<name>`.
    pub fn from_fixture(name: &str) -> SiteTest {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixture_dir(name), dir.path());
        SiteTest { dir }
    }

    /// A site with a minimal site.toml plus the given files.
    pub fn from_files(files: &[(&str, &str)]) -> SiteTest {
        let dir = tempfile::tempdir().unwrap();
        let t = SiteTest { dir };
        t.write(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://t.example/\"\n",
        );
        for (path, text) in files {
            t.write(path, text);
        }
        t
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) -> &Self {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn write_bytes(&self, path: &str, bytes: &[u8]) -> &Self {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
        self
    }

    /// `guidepost build --format json` plus `args`.
    pub fn build(&self, args: &[&str]) -> Run {
        self.run(&[&["build", "--format", "json"], args].concat())
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_guidepost"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("GITHUB_ACTIONS")
            .output()
            .unwrap();
        Run {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            out_dir: self.dir.path().join("public"),
        }
    }
}

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    pub out_dir: PathBuf,
}

/// One diagnostic as printed by `--format json`.
#[derive(Debug, Clone)]
pub struct Diag {
    pub severity: String,
    pub code: String,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl Run {
    pub fn expect_status(&self, status: i32) -> &Self {
        assert_eq!(
            self.status, status,
            "exit status\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn ok(&self) -> &Self {
        self.expect_status(0);
        assert!(
            self.diags().is_empty(),
            "unexpected diagnostics: {:?}",
            self.diags()
        );
        self
    }

    pub fn diags(&self) -> Vec<Diag> {
        self.stdout
            .lines()
            .filter(|l| l.starts_with('{'))
            .map(|l| {
                let v: Value =
                    serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON {l}: {e}"));
                Diag {
                    severity: v["severity"].as_str().unwrap().into(),
                    code: v["code"].as_str().unwrap().into(),
                    file: v["file"].as_str().unwrap().into(),
                    line: v["line"].as_u64().unwrap(),
                    column: v["column"].as_u64().unwrap(),
                    message: v["message"].as_str().unwrap().into(),
                }
            })
            .collect()
    }

    /// The one diagnostic whose message contains `needle`.
    pub fn diag(&self, needle: &str) -> Diag {
        let all = self.diags();
        let found: Vec<_> = all.iter().filter(|d| d.message.contains(needle)).collect();
        assert_eq!(
            found.len(),
            1,
            "diagnostics matching {needle:?} in {all:#?}"
        );
        found[0].clone()
    }

    pub fn file(&self, path: &str) -> String {
        std::fs::read_to_string(self.out_dir.join(path))
            .unwrap_or_else(|e| panic!("output file {path}: {e}"))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.out_dir.join(path).exists()
    }

    /// The page at a URL path below the site prefix (`guides/first/`).
    pub fn page(&self, url_path: &str) -> Page {
        let file = if url_path.is_empty() || url_path.ends_with('/') {
            format!("{url_path}index.html")
        } else {
            url_path.to_string()
        };
        Page {
            html: Html::parse_document(&self.file(&file)),
        }
    }
}

pub struct Page {
    pub html: Html,
}

impl Page {
    pub fn select(&self, css: &str) -> Vec<ElementRef<'_>> {
        let sel = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
        self.html.select(&sel).collect()
    }

    pub fn one(&self, css: &str) -> ElementRef<'_> {
        let found = self.select(css);
        assert_eq!(
            found.len(),
            1,
            "expected one `{css}`, found {}",
            found.len()
        );
        found[0]
    }

    pub fn text(&self, css: &str) -> String {
        text_of(self.one(css))
    }

    pub fn attr(&self, css: &str, attr: &str) -> String {
        self.one(css)
            .value()
            .attr(attr)
            .unwrap_or_else(|| panic!("`{css}` has no {attr}"))
            .to_string()
    }

    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.select(css)
            .iter()
            .filter_map(|e| e.value().attr(attr).map(String::from))
            .collect()
    }

    pub fn texts(&self, css: &str) -> Vec<String> {
        self.select(css).into_iter().map(text_of).collect()
    }
}

pub fn text_of(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A tiny static file server on a free loopback port, for browser tests of `build`
/// output. It serves files below `dir` only, and stops when dropped.
pub struct StaticServer {
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl StaticServer {
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
    }
}

pub fn serve_dir(dir: &Path) -> StaticServer {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = stop.clone();
    let root = dir.canonicalize().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stop2.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            let Ok(mut stream) = stream else { continue };
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let path = path.split(['?', '#']).next().unwrap_or("/");
                let mut file = root.join(path.trim_start_matches('/'));
                if file.is_dir() {
                    file = file.join("index.html");
                }
                let inside = file
                    .canonicalize()
                    .map(|f| f.starts_with(&root))
                    .unwrap_or(false);
                let (status, body, file) = match std::fs::read(&file) {
                    Ok(b) if inside => ("200 OK", b, file),
                    _ => (
                        "404 Not Found",
                        std::fs::read(root.join("404.html")).unwrap_or_default(),
                        root.join("404.html"),
                    ),
                };
                let ctype = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css",
                    Some("js") => "text/javascript",
                    Some("svg") => "image/svg+xml",
                    Some("png") => "image/png",
                    Some("json") => "application/json",
                    _ => "application/octet-stream",
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            });
        }
    });
    StaticServer { port, stop }
}
