//! Where a build's files go. `build` streams them into a temporary folder beside the
//! output folder and swaps it in at the end, so a failed build leaves the previous output
//! untouched; `serve` keeps them in memory; `check` discards them. Only this module
//! touches the output folder.

use crate::diag::Diagnostic;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Receives the files of a build; paths are relative, `/`-separated.
pub trait Sink: Sync {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
    fn copy(&self, path: &str, source: &Path) -> io::Result<()>;
}

/// Writes into a folder on disk.
pub struct DirSink {
    dir: PathBuf,
}

impl DirSink {
    fn target(&self, path: &str) -> io::Result<PathBuf> {
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        Ok(target)
    }
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        std::fs::write(self.target(path)?, bytes)
    }

    fn copy(&self, path: &str, source: &Path) -> io::Result<()> {
        std::fs::copy(source, self.target(path)?).map(|_| ())
    }
}

/// Keeps the files in memory (serve, tests).
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }

    fn copy(&self, path: &str, source: &Path) -> io::Result<()> {
        let bytes = std::fs::read(source)?;
        self.write(path, &bytes)
    }
}

/// Discards everything (`check`).
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn copy(&self, _: &str, _: &Path) -> io::Result<()> {
        Ok(())
    }
}

/// Refuses an output folder that is, or contains, the site root or one of its inputs,
/// or that lies inside an input folder; returns the absolute output path.
pub fn checked_output_dir(root: &Path, out: &Path) -> Result<PathBuf, Diagnostic> {
    let root = root.canonicalize().map_err(|e| {
        Diagnostic::error("output", root, format!("cannot open the site folder: {e}"))
    })?;
    let out = absolute(&root, out);
    let refuse = |what: &str| {
        Diagnostic::error(
            "output",
            "site.toml",
            format!(
                "refusing to use {} as the output folder: {what}",
                out.display()
            ),
        )
        .help("set output_dir (or --out) to a folder of its own, such as public/")
    };
    if out == root {
        return Err(refuse("it is the site folder"));
    }
    if root.starts_with(&out) {
        return Err(refuse("it contains the site folder"));
    }
    for input in ["content", "versions", "static", "templates", "themes"] {
        let input_dir = root.join(input);
        if input_dir.starts_with(&out) {
            return Err(refuse(&format!("it contains {input}/")));
        }
        if out.starts_with(&input_dir) {
            return Err(refuse(&format!(
                "it is inside {input}/, which the build reads"
            )));
        }
    }
    Ok(out)
}

/// `out` made absolute against `root`, with symlinks of its existing part resolved, so
/// that a link cannot disguise the site folder.
fn absolute(root: &Path, out: &Path) -> PathBuf {
    let joined = root.join(out);
    let normalized = crate::paths::normalize(&joined).unwrap_or(joined);
    if let Ok(real) = normalized.canonicalize() {
        return real;
    }
    // Resolve the deepest existing ancestor and put the rest back on.
    let mut existing = normalized.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return normalized,
        }
    }
    let mut real = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        real.push(name);
    }
    real
}

/// A temporary folder beside the output folder that becomes it on `commit`, and is
/// removed if the build fails (or panics) before that.
pub struct StagedOutput {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl StagedOutput {
    pub fn create(target: &Path) -> io::Result<StagedOutput> {
        let parent = target.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let staging = parent.join(format!(".{name}.guidepost-tmp-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        std::fs::create_dir(&staging)?;
        Ok(StagedOutput {
            staging,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    pub fn sink(&self) -> DirSink {
        DirSink {
            dir: self.staging.clone(),
        }
    }

    /// Replaces the output folder with the staged one. The old folder is first moved
    /// aside, so the only moment without an output folder is between two renames.
    pub fn commit(mut self) -> io::Result<()> {
        let old = self.staging.with_file_name(format!(
            "{}.old",
            self.staging
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        let had_old = self.target.exists();
        if had_old {
            if !self.target.is_dir() {
                return Err(io::Error::other(format!(
                    "{} exists and is not a folder",
                    self.target.display()
                )));
            }
            std::fs::rename(&self.target, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        self.committed = true;
        if had_old {
            std::fs::remove_dir_all(&old)?;
        }
        Ok(())
    }
}

impl Drop for StagedOutput {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// `sitemap.xml` for the given page URLs (absolute) with optional last-modified dates.
pub fn sitemap(urls: &[(String, Option<String>)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, lastmod) in urls {
        xml.push_str("  <url><loc>");
        xml.push_str(&crate::html::escape(url));
        xml.push_str("</loc>");
        if let Some(d) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&crate::html::escape(d));
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(base_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_inputs_as_output() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("content")).unwrap();
        for bad in [".", "content", "..", "content/public", "static/x"] {
            assert!(checked_output_dir(root, Path::new(bad)).is_err(), "{bad}");
        }
        assert!(checked_output_dir(root, Path::new("public")).is_ok());
        assert!(checked_output_dir(root, Path::new("a/../public")).is_ok());
    }

    #[test]
    fn failed_stage_leaves_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();
        {
            let staged = StagedOutput::create(&target).unwrap();
            staged.sink().write("new.html", b"new").unwrap();
            // dropped without commit
        }
        assert!(target.join("old.html").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let staged = StagedOutput::create(&target).unwrap();
        staged.sink().write("new.html", b"new").unwrap();
        staged.commit().unwrap();
        assert!(!target.join("old.html").exists());
        assert!(target.join("new.html").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
