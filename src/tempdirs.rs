//! Temporary files and folders that guidepost writes beside their final place and then
//! renames into it: `.NAME.guidepost-tmp-PID`, and `.NAME.guidepost-tmp-PID.old` for an
//! output folder on its way out. A run that is killed leaves them behind; the next run
//! removes the ones whose process is gone.

use std::path::{Path, PathBuf};

const TAG: &str = ".guidepost-tmp-";
const OLD: &str = ".old";

/// The temporary path beside `target` for this process.
pub fn temp_path(target: &Path) -> PathBuf {
    let parent = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent.join(format!(".{name}{TAG}{}", std::process::id()))
}

/// Where the folder replaced through `staging` (a `temp_path`) waits to be removed.
pub fn old_path(staging: &Path) -> PathBuf {
    let mut name = staging.as_os_str().to_os_string();
    name.push(OLD);
    PathBuf::from(name)
}

/// The process id in `file_name` when it is a temporary name made by `temp_path` (or
/// `old_path`) for a target called `target_name`, or for any target when that is None.
fn pid_in(file_name: &str, target_name: Option<&str>) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?;
    let rest = match target_name {
        Some(name) => rest.strip_prefix(name)?.strip_prefix(TAG)?,
        None => &rest[rest.rfind(TAG)? + TAG.len()..],
    };
    let digits = rest.strip_suffix(OLD).unwrap_or(rest);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether process `pid` has certainly ended. Only Linux's /proc gives a sure answer
/// without a system call; anywhere else (or without /proc) the answer is "not sure",
/// and a temporary folder that might still be in use is left alone.
fn process_is_gone(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    cfg!(target_os = "linux") && proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

/// Removes the temporaries in `dir` left by runs that are gone: those made for a
/// target named `target_name`, or for any target when it is None. Returns what it
/// removed. Errors are ignored: a leftover that cannot be removed now can be later.
pub fn remove_stale(dir: &Path, target_name: Option<&str>) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| pid_in(n, target_name)) else {
            continue;
        };
        if !process_is_gone(pid) {
            continue;
        }
        let path = entry.path();
        // A symlink is removed itself, never what it points to.
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        let result = if is_dir {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        if result.is_ok() {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pids_in_temporary_names() {
        assert_eq!(pid_in(".public.guidepost-tmp-42", Some("public")), Some(42));
        assert_eq!(
            pid_in(".public.guidepost-tmp-42.old", Some("public")),
            Some(42)
        );
        assert_eq!(pid_in(".public.guidepost-tmp-42", Some("docs")), None);
        assert_eq!(pid_in(".2013.guidepost-tmp-7", None), Some(7));
        assert_eq!(pid_in(".a.guidepost-tmp-b.guidepost-tmp-7", None), Some(7));
        for not_ours in [
            "public",
            ".public.guidepost-tmp-",
            ".public.guidepost-tmp-12x",
            "public.guidepost-tmp-12",
            ".public.guidepost-tmp-12.older",
        ] {
            assert_eq!(pid_in(not_ours, Some("public")), None, "{not_ours}");
            assert_eq!(pid_in(not_ours, None), None, "{not_ours}");
        }
    }

    #[test]
    fn temporary_paths() {
        let t = temp_path(Path::new("/x/public"));
        let name = t.file_name().unwrap().to_str().unwrap().to_string();
        assert_eq!(pid_in(&name, Some("public")), Some(std::process::id()));
        let old = old_path(&t);
        let old_name = old.file_name().unwrap().to_str().unwrap();
        assert_eq!(pid_in(old_name, Some("public")), Some(std::process::id()));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn removes_only_leftovers_of_ended_processes() {
        let dir = tempfile::tempdir().unwrap();
        // No process has a pid this large (the kernel's limit is 2^22).
        let dead = dir.path().join(".public.guidepost-tmp-999999999");
        let dead_old = dir.path().join(".public.guidepost-tmp-999999999.old");
        let alive = temp_path(&dir.path().join("public"));
        let other = dir.path().join(".docs.guidepost-tmp-999999999");
        for d in [&dead, &dead_old, &alive, &other] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join("index.html"), "x").unwrap();
        }
        let removed = remove_stale(dir.path(), Some("public"));
        assert_eq!(removed, vec![dead.clone(), dead_old.clone()]);
        assert!(alive.exists() && other.exists());
        assert_eq!(remove_stale(dir.path(), None), vec![other.clone()]);
    }
}
