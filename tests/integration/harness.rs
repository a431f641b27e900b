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

    /// A copy of the sample site of this repository (site.toml, content, versions).
    pub fn from_sample_site() -> SiteTest {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for part in ["content", "versions"] {
            copy_tree(&repo.join(part), &dir.path().join(part));
        }
        std::fs::copy(repo.join("site.toml"), dir.path().join("site.toml")).unwrap();
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

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(path)).unwrap()
    }

    pub fn remove(&self, path: &str) -> &Self {
        std::fs::remove_file(self.dir.path().join(path)).unwrap();
        self
    }

    pub fn rename(&self, from: &str, to: &str) -> &Self {
        std::fs::rename(self.dir.path().join(from), self.dir.path().join(to)).unwrap();
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
    /// The help lines, with any "included from FILE:LINE" lines at the end.
    pub help: Option<String>,
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
                    help: v["help"].as_str().map(String::from),
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

/// An HTTP response read by `http_get`.
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A header's value (name in lowercase), or "" when it is not there.
    pub fn header(&self, name: &str) -> String {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A GET of `path` exactly as written (no normalisation of `..` or escapes, which
/// HTTP client libraries would do), over HTTP/1.1 with `Connection: close`.
pub fn http_get(addr: &str, path: &str) -> HttpResponse {
    http_request(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
}

/// Sends `request` (a whole HTTP/1.1 request head, as written) and reads the response
/// until the server closes the connection.
pub fn http_request(addr: &str, request: &str) -> HttpResponse {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP response");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v == "chunked")
    {
        body = dechunk(&body);
    }
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
}

/// `guidepost serve --port 0` on a site, stopped when dropped. Its stderr is
/// collected for the terminal lines.
pub struct ServeProcess {
    child: std::process::Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl ServeProcess {
    pub fn start(root: &Path, env: &[(&str, &str)]) -> ServeProcess {
        Self::start_within(root, env, std::time::Duration::from_secs(120))
    }

    /// Starts `serve` and waits at most `limit` for it to say where it serves; kills it
    /// and fails the test when it does not.
    pub fn start_within(
        root: &Path,
        env: &[(&str, &str)],
        limit: std::time::Duration,
    ) -> ServeProcess {
        use std::io::{BufRead, BufReader};
        use std::process::Stdio;
        let mut child = Command::new(env!("CARGO_BIN_EXE_guidepost"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = stderr.clone();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let out = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(out);
            let mut line = String::new();
            let _ = out.read_line(&mut line);
            let _ = tx.send(line);
            // Keep reading, so that the server never blocks on a full pipe.
            let _ = std::io::copy(&mut out, &mut std::io::sink());
        });
        let Ok(line) = rx.recv_timeout(limit) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "serve did not start within {limit:?}: {}",
                stderr.lock().unwrap()
            );
        };
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}: {}", stderr.lock().unwrap()))
            .to_string();
        ServeProcess {
            child,
            addr,
            stderr,
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
