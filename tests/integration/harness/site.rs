//! Sites for the tests: a copy of a fixture or of the repository's sample site, or one
//! written from strings, in a temporary folder; the real `guidepost` binary run on it,
//! and what the run left: exit status, diagnostics (as JSON) and output files.

use super::page::Page;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct SiteTest {
    dir: tempfile::TempDir,
}

fn fixture_dir(name: &str) -> PathBuf {
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
        Page::parse(&self.file(&file))
    }
}

/// Writes the benchmark corpus (`guidepost-bench corpus`) of `guides` guides for `seed`
/// in `layout` ("guidepost" or "hugo") into `out`.
pub fn generate_corpus(guides: usize, seed: u64, layout: &str, out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_guidepost-bench"))
        .args(["corpus", "--guides", &guides.to_string()])
        .args(["--seed", &seed.to_string(), "--layout", layout, "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
