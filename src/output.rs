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
    /// Puts the file `source` (a file of the persistent cache, never changed in
    /// place) at `path`: a hard link where the sink can, else a copy.
    fn link(&self, path: &str, source: &Path) -> io::Result<()> {
        self.copy(path, source)
    }
    /// The file on disk that a written `path` went to, when there is one.
    fn file_of(&self, _path: &str) -> Option<PathBuf> {
        None
    }
    /// Whether what is written is thrown away (`check`).
    fn discards(&self) -> bool {
        false
    }
}

/// Writes into a folder on disk.
pub struct DirSink {
    dir: PathBuf,
    /// Folders this sink made or found: a file's folder is made once, not asked for
    /// again with every file (`create_dir_all` on a folder that exists is a `mkdir`
    /// that fails, which locks the folder above, and a `stat`: two system calls for
    /// each of 20,000 files of a 10,000-guide site). Kept by their relative path: a
    /// `Path` hashes component by component, 1% of a cold build's CPU.
    folders: std::sync::Mutex<rustc_hash::FxHashSet<String>>,
}

impl DirSink {
    fn new(dir: PathBuf) -> DirSink {
        DirSink {
            dir,
            folders: Default::default(),
        }
    }

    fn target(&self, path: &str) -> io::Result<PathBuf> {
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            let relative = path.rsplit_once('/').map_or("", |(folder, _)| folder);
            self.make_folder(relative, parent)?;
        }
        Ok(target)
    }

    /// Makes `folder`, which is `relative` in the output, unless it was made already.
    fn make_folder(&self, relative: &str, folder: &Path) -> io::Result<()> {
        let folders = || self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if folders().contains(relative) {
            return Ok(());
        }
        std::fs::create_dir_all(folder)?;
        folders().insert(relative.to_string());
        Ok(())
    }
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        use std::io::Write;
        let target = self.target(path)?;
        let new_file = || {
            std::fs::File::options()
                .write(true)
                .create_new(true)
                .open(&target)
        };
        let mut file = match new_file() {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                std::fs::remove_file(&target)?;
                new_file()?
            }
            other => other?,
        };
        file.write_all(bytes)
    }

    fn copy(&self, path: &str, source: &Path) -> io::Result<()> {
        let target = self.vacant_target(path)?;
        std::fs::copy(source, target).map(|_| ())
    }

    fn link(&self, path: &str, source: &Path) -> io::Result<()> {
        let target = self.target(path)?;
        let linked = match std::fs::hard_link(source, &target) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                std::fs::remove_file(&target)?;
                std::fs::hard_link(source, &target)
            }
            other => other,
        };
        // Another file system, or one without hard links: a copy.
        linked.or_else(|_| self.copy(path, source))
    }

    fn file_of(&self, path: &str) -> Option<PathBuf> {
        Some(self.dir.join(path))
    }
}

impl DirSink {
    /// The file for `path`, its folder made, and no file there: a file written twice
    /// (two pages at one path) is replaced, never written through, because the first
    /// may be a hard link to a file of the persistent cache (`link`).
    fn vacant_target(&self, path: &str) -> io::Result<PathBuf> {
        let target = self.target(path)?;
        match std::fs::symlink_metadata(&target) {
            Ok(_) => std::fs::remove_file(&target)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        Ok(target)
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
    fn discards(&self) -> bool {
        true
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
    for input in [
        "content",
        "versions",
        "static",
        "templates",
        "themes",
        crate::screenshots::cache::CACHE_DIR,
    ] {
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

/// The file guidepost writes into every output folder it makes. Its presence is what
/// lets a later build replace the folder: any other non-empty folder is refused.
pub const MARKER: &str = ".guidepost-output";

const MARKER_TEXT: &str = "This folder was written by guidepost (guidepost build).\n\
The next build replaces it whole, together with anything else put into it.\n";

/// What is at the output path now.
#[derive(Debug, PartialEq, Eq)]
enum Existing {
    Nothing,
    EmptyFolder,
    PreviousOutput,
    /// A non-empty folder guidepost did not write, with its entries' names, sorted.
    Foreign(Vec<String>),
    NotAFolder,
}

fn existing(out: &Path) -> io::Result<Existing> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return Ok(Existing::NotAFolder);
    }
    if out.join(MARKER).is_file() {
        return Ok(Existing::PreviousOutput);
    }
    let mut names: Vec<String> = std::fs::read_dir(out)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<io::Result<_>>()?;
    if names.is_empty() {
        return Ok(Existing::EmptyFolder);
    }
    names.sort();
    Ok(Existing::Foreign(names))
}

/// Whether a build may replace what is at `out` (absolute): nothing, an empty folder,
/// or a folder that a previous build wrote (it holds `MARKER`). Anything else is
/// refused with a diagnostic that says why and what to do; nothing is touched.
pub fn check_replaceable(out: &Path) -> Result<(), Diagnostic> {
    let refuse = |why: String| {
        Diagnostic::error(
            "output",
            out,
            format!("refusing to replace {}: {why}", out.display()),
        )
        .help(format!(
            "build into a new or empty folder (--out DIR, or output_dir in site.toml); \
             guidepost replaces only folders it wrote itself (they hold {MARKER}). If nothing \
             in this folder needs keeping, delete it yourself and build again"
        ))
    };
    match existing(out) {
        Ok(Existing::Nothing | Existing::EmptyFolder | Existing::PreviousOutput) => Ok(()),
        Ok(Existing::NotAFolder) => Err(refuse("it is a file, not a folder".into())),
        Ok(Existing::Foreign(names)) => {
            let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
            let more = if names.len() > shown.len() {
                ", …"
            } else {
                ""
            };
            Err(refuse(format!(
                "it is not empty and was not written by guidepost (it has no {MARKER}; it holds {}{more})",
                shown.join(", ")
            )))
        }
        Err(e) => Err(refuse(format!("cannot look into it: {e}"))),
    }
}

/// A temporary folder beside the output folder that becomes it on `commit`, and is
/// removed if the build fails (or panics) before that.
pub struct StagedOutput {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl StagedOutput {
    /// Removes the temporary folders of killed builds of this output, then makes the
    /// staging folder with the output marker in it. The caller has checked the target
    /// with `check_replaceable`.
    pub fn create(target: &Path) -> io::Result<StagedOutput> {
        let parent = target.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        if let Some(name) = target.file_name().and_then(|n| n.to_str()) {
            crate::tempdirs::remove_stale(parent, Some(name));
        }
        let staging = crate::tempdirs::temp_path(target);
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        std::fs::create_dir(&staging)?;
        let staged = StagedOutput {
            staging,
            target: target.to_path_buf(),
            committed: false,
        };
        std::fs::write(staged.staging.join(MARKER), MARKER_TEXT)?;
        Ok(staged)
    }

    pub fn sink(&self) -> DirSink {
        DirSink::new(self.staging.clone())
    }

    /// Replaces the output folder with the staged one. The old folder is first moved
    /// aside, so the only moment without an output folder is between two renames. The
    /// target is checked again: something may have been put there during the build.
    pub fn commit(mut self) -> io::Result<()> {
        if let Err(d) = check_replaceable(&self.target) {
            return Err(io::Error::other(d.message));
        }
        let old = crate::tempdirs::old_path(&self.staging);
        let had_old = self.target.exists();
        if had_old {
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
        std::fs::write(target.join(MARKER), MARKER_TEXT).unwrap();
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

    #[test]
    fn replaces_only_what_guidepost_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert!(check_replaceable(&out).is_ok(), "a new folder");
        std::fs::create_dir(&out).unwrap();
        assert!(check_replaceable(&out).is_ok(), "an empty folder");
        std::fs::create_dir(out.join(".git")).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let refused = check_replaceable(&out).unwrap_err();
        assert!(
            refused.message.contains(".git, notes.txt"),
            "{}",
            refused.message
        );
        assert!(refused.help.unwrap().contains("new or empty folder"));
        std::fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
        assert!(check_replaceable(&out).is_ok(), "a previous output");
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(check_replaceable(&file).is_err(), "a file");
    }

    #[test]
    fn every_output_has_the_marker_and_a_foreign_folder_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let staged = StagedOutput::create(&target).unwrap();
        staged.sink().write("index.html", b"home").unwrap();
        staged.commit().unwrap();
        assert!(target.join(MARKER).is_file());
        // Files appear in a folder that was empty when the build began: not replaced.
        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        let staged = StagedOutput::create(&other).unwrap();
        std::fs::write(other.join("mine.txt"), "mine").unwrap();
        assert!(staged.commit().is_err());
        assert!(other.join("mine.txt").is_file());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
